"""Fuzz test of every public estimator (issue 10).

Hypothesis drives each estimator of ``skhopfield.__all__`` with random
shapes, dtypes (float64, float32, int64, bool, uint8), values (NaN, ±inf,
±1e300, 1e-300, constant columns, one sample, one feature, ±1 and {0, 1}
data, bytes) and parameters at the edges of its ``_parameter_constraints``
(and a little beyond them), then asserts the contract:

- a call either raises a clear ``ValueError`` or ``TypeError`` (any subclass,
  e.g. scikit-learn's ``InvalidParameterError``) with a non-empty message
  that is not a NumPy / SciPy internal one (:data:`INTERNAL_MESSAGES`), or
  succeeds: ``fit`` / ``partial_fit`` return the estimator, and
  ``transform``, ``score_samples``, ``score``, ``predict`` (and
  ``predict_proba``) and ``sample(2, n_steps=...)``, where present, give
  finite arrays of the right shape;
- other exceptions (``IndexError``, ``ZeroDivisionError``, ``LinAlgError``,
  ``AttributeError``, ``FloatingPointError``, torch's ``RuntimeError``…)
  are failures, and no numpy ``RuntimeWarning`` escapes (they are errors
  inside every example);
- a failed ``fit`` / ``partial_fit`` never changes the estimator: it is
  pickled after ``set_params`` and before the call, and the pickle after
  the failed call must be the same bytes. The estimator is either fresh or a
  copy of one fitted on good data, so both "unfitted stays unfitted" and
  "fitted stays as fitted" are checked.

Examples are derandomized (the same ones on every run, so CI is
deterministic) and nothing is written to ``.hypothesis``. The number of
examples per estimator is :data:`N_EXAMPLES` (it also appears in the test
ids); the file runs in well under a minute on one core.

What the fuzz found (each has a deterministic regression test):

- +inf and −inf together in X (or y) made scikit-learn's finiteness test
  warn before its ValueError (``_validation.validate_data``,
  ``ProjectionHopfieldRBM._check_targets``);
- a threshold ``binarize`` beyond float32's range overflowed in the cast
  for float32 X (``_validation.to_spins``);
- float32 data with β beyond float32's range (1e300, 1e-300): NaN
  probabilities in the Gibbs step (``energy.rbm.RBM.gibbs``), inf − inf
  in the pseudo-likelihood (``BaseRBM._pseudo_log_likelihood``), β·f/β
  overflow in the product-of-experts features (``poe._expert_feature``);
- ``partial_fit`` of a fitted RBM skipped the validation of the parameters
  (scikit-learn's ``_fit_context`` does), so ``batch_size=0`` set by
  ``set_params`` crashed with a ZeroDivisionError.
"""

import copy
import importlib.util
import pickle
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

import skhopfield
from skhopfield import (
    RAPIDRBM,
    BinaryRBM,
    BoltzmannMachine,
    DeepHNNClassifier,
    DenseHopfieldMemory,
    GaussianRBM,
    HopfieldMemory,
    HopfieldPoEClassifier,
    ModernHopfieldMemory,
    ProjectionHopfieldRBM,
    SpinRBM,
)

#: Examples per estimator (also in the test ids).
N_EXAMPLES = {
    "BinaryRBM": 300,
    "BoltzmannMachine": 300,
    "DeepHNNClassifier": 100,
    "DenseHopfieldMemory": 300,
    "GaussianRBM": 300,
    "HopfieldMemory": 300,
    "HopfieldPoEClassifier": 200,
    "ModernHopfieldMemory": 300,
    "ProjectionHopfieldRBM": 300,
    "RAPIDRBM": 300,
    "SpinRBM": 300,
}

#: Messages of NumPy / SciPy / Python internals: a ValueError or TypeError
#: carrying one of them is a crash the estimator should have prevented, not
#: a clear error.
INTERNAL_MESSAGES = [
    r"negative dimensions are not allowed",
    r"zero-size array to reduction operation",
    r"cannot convert float NaN to integer",
    r"array must not contain infs or NaNs",
    r"operands could not be broadcast together",
    r"shapes .* not aligned",
    r"mismatch in its core dimension",
    r"setting an array element with a sequence",
    r"The truth value of an array",
    r"only integer scalar arrays can be converted",
    r"unsupported operand type",
    r"not supported between instances of",
    r"'NoneType' object",
    r"object of type .* has no len",
    r"math domain error",
    r"cannot reshape array",
    r"invalid value encountered",
    r"overflow encountered",
    r"divide by zero encountered",
    r"Input contains NaN.*expected",  # sklearn on an *internal* array
    r"must be real number, not",
    r"can't multiply sequence",
    r"index .* is out of bounds",
    r"too many indices",
    r"maximum supported dimension",
]
_INTERNAL = re.compile("|".join(f"(?:{m})" for m in INTERNAL_MESSAGES))

#: Exception types that subclass ValueError / TypeError but are crashes.
_CRASHES = (np.linalg.LinAlgError, IndexError, ArithmeticError, KeyError)


_SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)


# -- parameters -------------------------------------------------------------
_TINY, _HUGE = 1e-300, 1e300

#: Edge values of each parameter: ``(valid, invalid)``, the valid ones at
#: and near the bounds of ``_parameter_constraints``, the invalid ones just
#: beyond them (or of the wrong type). ``device="cuda"`` falls back to the
#: CPU with its own, documented, RuntimeWarning; a bad device fails clearly.
_NAN = float("nan")
#: backend="torch" without torch installed raises ImportError, the standard
#: answer for a missing optional dependency: only fuzzed where torch exists
_BACKENDS = ["numpy", "torch"] if importlib.util.find_spec("torch") else ["numpy"]
_ENGINE = {
    "backend": (_BACKENDS, ["jax"]),
    "device": ([None, "cpu", "cuda"], ["not-a-device", 3]),
    "random_state": ([0, 1, 2**32 - 1, "seed"], [-1, "0"]),
}
_LEARNING_RATE = ([0.0, _TINY, 1e-2, 1.0, 1e3, _HUGE], [-1e-3, _NAN])
_BINARIZE = ([None, 0.0, 0.5, -1.0, 1e300, -1e300], [_NAN, "0"])
_RBM_COMMON = {
    "learning_rate": _LEARNING_RATE,
    "batch_size": ([1, 2, 1000], [0]),
    "n_iter": ([0, 1, 3], [-1]),
    "cd_steps": ([1, 2], [0]),
    "fit_intercept": ([True, False], ["yes"]),
    "binarize": _BINARIZE,
    "n_ais_chains": ([2, 3], [1]),
    "n_ais_betas": ([2, 3], [1]),
    "n_jobs": ([None, 1], [1.5]),
    "verbose": ([0, 1], [-1.5]),
    "dtype": (["float32", "float64", None], ["float16", np.float32]),
    **_ENGINE,
}
PARAMETERS = {
    "BoltzmannMachine": {
        "method": (["auto", "exact", "pcd", "pseudo_likelihood"], ["cd"]),
        "units": (["spin", "binary"], ["ising"]),
        "alpha": ([0.0, _TINY, 1.0, _HUGE], [-1.0, _NAN]),
        "n_iter": ([1, 2, 3], [0]),
        "tol": ([0.0, 1e-6, _HUGE], [-1.0]),
        "learning_rate": _LEARNING_RATE,
        "batch_size": ([1, 2, 1000], [0]),
        "n_chains": ([1, 3, 50], [0]),
        "gibbs_sweeps": ([1, 2], [0]),
        "binarize": _BINARIZE,
        "n_ais_chains": ([2, 3], [1]),
        "n_ais_betas": ([2, 3], [1]),
        "exact_max_features": ([0, 1, 24], [25]),
        "random_state": _ENGINE["random_state"],
        "verbose": ([0, 1], [-1.5]),
    },
    "BinaryRBM": {
        "n_components": ([1, 2, 12, 40], [0]),
        "persistent": ([True, False], [None]),
        "n_chains": ([None, 1, 3, 50], [0]),
        "exact_gradient": ([True, False], [None]),
        "init": (["random", "ones", "bad-shape", "nan"], ["pca"]),
        "exact_max_units": ([0, 1, 24], [25]),
        **_RBM_COMMON,
    },
    "GaussianRBM": {
        "n_components": ([1, 2, 12, 40], [0]),
        "beta": ([_TINY, 1e-3, 1.0, 1e3, _HUGE], [0.0, float("inf")]),
        "persistent": ([True, False], [None]),
        "n_chains": ([None, 1, 3, 50], [0]),
        "init": (["random", "ones", "bad-shape", "nan"], ["pca"]),
        "exact_max_features": ([0, 1, 24], [25]),
        **_RBM_COMMON,
    },
    "SpinRBM": {
        "n_components": ([1, 2, 12, 40], [0]),
        "learning_rate_decay": ([1.0, 0.5, _TINY], [0.0, 2.0]),
        "persistent": ([True, False], [None]),
        "n_chains": ([None, 1, 3, 50], [0]),
        "exact_gradient": ([True, False], [None]),
        "init": (["random", "ones", "bad-shape", "nan"], ["pca"]),
        "exact_max_units": ([0, 1, 24], [25]),
        **_RBM_COMMON,
    },
    "RAPIDRBM": {
        "learning_rate": (["auto", *_LEARNING_RATE[0]], [*_LEARNING_RATE[1], "fast"]),
        "n_patterns": ([1, 2, 12, 50], [0]),
        "n_components": ([1, 2, 12, 40], [0]),
        "learning_rate_decay": ([1.0, 0.5, _TINY], [0.0]),
        "negative_phase": (["pid", "pid_gibbs"], ["cd"]),
        "pattern_binarization": (["sign", "clip", "gibbs", None], ["round"]),
        "clip_value": ([1.0, _TINY, _HUGE], [0.0]),
        "exact_max_units": ([0, 1, 24], [25]),
        **{k: v for k, v in _RBM_COMMON.items() if k != "learning_rate"},
    },
    "ProjectionHopfieldRBM": {
        "n_subpatterns": ([1, 2, 5, 31], [0]),
        "pattern_rule": (["majority", "mean"], ["median"]),
        "orthogonalization": (["qr", "svd", "sqrt"], ["lu"]),
        "beta": ([_TINY, 1e-3, 2.0, 1e3, _HUGE], [0.0]),
        "persistent": ([True, False], [None]),
        "n_chains": ([None, 1, 3, 50], [0]),
        "exact_max_features": ([0, 1, 24], [25]),
        **_RBM_COMMON,
    },
    "HopfieldMemory": {
        "rule": (["hebbian", "projection", "storkey", "perceptron"], ["oja"]),
        "update": (["async", "sync"], ["random"]),
        "beta": ([None, 0.0, _TINY, 1.0, 1e3, _HUGE], [-1.0]),
        "max_iter": ([1, 2, 3], [0]),
        "zero_diagonal": ([True, False], [None]),
        "margin": ([0.0, _TINY, 0.5, 1e3, _HUGE], [-0.5]),
        "n_iter": ([1, 2, 3], [0]),
        "binarize": _BINARIZE,
        **_ENGINE,
    },
    "DenseHopfieldMemory": {
        "interaction": (
            ["polynomial", "rectified_polynomial", "exponential"],
            ["linear"],
        ),
        "degree": ([2, 3, 4, 10], [1, 2.5]),
        "update": (["async", "sync"], ["random"]),
        "max_iter": ([1, 2, 3], [0]),
        "binarize": _BINARIZE,
        **_ENGINE,
    },
    "ModernHopfieldMemory": {
        "beta": (
            ["auto", _TINY, 1e-3, 1.0, 1e3, _HUGE],
            [0.0, -1.0, float("inf"), _NAN, "fast"],
        ),
        "max_iter": ([1, 2, 3, 50], [0]),
        "tol": ([0.0, _TINY, 1e-6, 1.0, _HUGE], [-1.0, _NAN]),
        "backend": _ENGINE["backend"],
        "device": _ENGINE["device"],
    },
    "DeepHNNClassifier": {
        "patterns_per_class": ([1, 2, 5], [0]),
        "conv_channels": ([None, 1, 2], [0]),
        "kernel_size": ([1, 2, 3], [0]),
        "stride": ([1, 2], [0]),
        "padding": ([0, 1], [-1]),
        "image_shape": ([None, (2, 4), (4, 2), (2, 2)], ["8x8"]),
        "batch_norm": ([True, False], [None]),
        "beta": ([_TINY, 1e-3, 1.0, 1e3, 1e30], [0.0, _HUGE, _NAN]),
        "learn_beta": ([True, False], [None]),
        "iterations": ([0, 1, 3], [-1]),
        "init": (["random", "class_patterns"], ["pca"]),
        "learn_patterns": ([True, False], [None]),
        "max_epochs": ([0, 1, 2], [-1]),
        "learning_rate": _LEARNING_RATE,
        "learning_rate_schedule": (["constant", "step", "adaptive"], ["cosine"]),
        "batch_size": ([1, 2, 1000], [0]),
        "verbose": ([0, 1], [-1.5]),
        "device": _ENGINE["device"],
        "random_state": _ENGINE["random_state"],
    },
    "HopfieldPoEClassifier": {
        "n_components": ([1, 2, 5, 31], [0]),
        "init": (["hopfield", "random"], ["pca"]),
        "n_iter": ([0, 1, 2], [-1]),
        "beta": ([_TINY, 1e-3, 2.0, 1e3, _HUGE], [0.0]),
        "cd_steps": ([1, 2], [0]),
        "learning_rate": _LEARNING_RATE,
        "batch_size": ([1, 2, 1000], [0]),
        "final_estimator": ([None, "logistic"], ["not-an-estimator"]),
        "n_jobs": ([None, 1, 0], [1.5]),
        "binarize": _BINARIZE,
        "verbose": ([0, 1], [-1.5]),
        **_ENGINE,
    },
}

#: The estimators used as the start of every example, fitted once on
#: :func:`_good_data` (small, so that an example is fast).
BASE = {
    "BoltzmannMachine": lambda: BoltzmannMachine(
        n_iter=5, n_ais_chains=3, n_ais_betas=5, random_state=0
    ),
    "BinaryRBM": lambda: BinaryRBM(
        n_components=3,
        n_iter=2,
        batch_size=10,
        n_ais_chains=3,
        n_ais_betas=5,
        random_state=0,
    ),
    "GaussianRBM": lambda: GaussianRBM(
        n_components=3,
        n_iter=2,
        batch_size=10,
        learning_rate=1e-2,
        n_ais_chains=3,
        n_ais_betas=5,
        random_state=0,
    ),
    "SpinRBM": lambda: SpinRBM(
        n_components=3,
        n_iter=2,
        batch_size=10,
        n_ais_chains=3,
        n_ais_betas=5,
        random_state=0,
    ),
    "RAPIDRBM": lambda: RAPIDRBM(
        n_patterns=2,
        n_components=5,
        n_iter=2,
        batch_size=10,
        n_ais_chains=3,
        n_ais_betas=5,
        random_state=0,
    ),
    "ProjectionHopfieldRBM": lambda: ProjectionHopfieldRBM(
        n_iter=1,
        cd_steps=1,
        batch_size=10,
        n_ais_chains=3,
        n_ais_betas=5,
        random_state=0,
    ),
    "HopfieldMemory": lambda: HopfieldMemory(max_iter=5, n_iter=5, random_state=0),
    "DenseHopfieldMemory": lambda: DenseHopfieldMemory(max_iter=5, random_state=0),
    "ModernHopfieldMemory": lambda: ModernHopfieldMemory(beta=0.5, max_iter=2),
    "HopfieldPoEClassifier": lambda: HopfieldPoEClassifier(
        n_components=2, n_iter=1, cd_steps=1, batch_size=10, random_state=0
    ),
    "DeepHNNClassifier": lambda: DeepHNNClassifier(
        patterns_per_class=2, max_epochs=2, batch_size=10, random_state=0
    ),
}

SUPERVISED = {"HopfieldPoEClassifier", "DeepHNNClassifier"}  # y is required
OPTIONAL_Y = {"ProjectionHopfieldRBM"}  # y is used when given
HAS_PARTIAL_FIT = {
    "BinaryRBM",
    "GaussianRBM",
    "SpinRBM",
    "RAPIDRBM",
    "ProjectionHopfieldRBM",
    "DeepHNNClassifier",
}
#: partial_fit takes classes on its first call (sklearn's convention)
PARTIAL_FIT_CLASSES = {"ProjectionHopfieldRBM", "DeepHNNClassifier"}
#: trained with torch: fuzzed only where torch is installed
NEEDS_TORCH = {"DeepHNNClassifier"}


def _good_data(n_samples=20, n_features=8):
    rng = np.random.RandomState(0)
    X = rng.choice([-1.0, 1.0], size=(n_samples, n_features))
    y = np.arange(n_samples) % 2
    return X, y


_FITTED = {}


def _fitted(name):
    """The base estimator fitted on good data (cached; copies are used)."""
    if name not in _FITTED:
        X, y = _good_data()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = BASE[name]()
            est.fit(X, y) if name in SUPERVISED | OPTIONAL_Y else est.fit(X)
        _FITTED[name] = est
    return copy.deepcopy(_FITTED[name])


def _resolve(name, params, n_features):
    """Concrete values of the symbolic parameters (init arrays, estimators)."""
    out = {}
    for key, value in params.items():
        if key == "init" and name not in ("HopfieldPoEClassifier", "DeepHNNClassifier"):
            n_components = params.get("n_components", BASE[name]().n_components)
            shape = (max(n_features, 0), n_components)
            if value == "ones" and isinstance(n_components, int) and n_components > 0:
                value = np.full(shape, 0.1)
            elif value == "bad-shape":
                value = np.full((max(n_features, 0) + 1, 1), 0.1)
            elif value == "nan":
                value = np.full((max(n_features, 0), max(n_components, 1)), np.nan)
        if key == "final_estimator" and value == "logistic":
            value = LogisticRegression(max_iter=50)
        if key == "random_state" and value == "seed":
            value = np.random.RandomState(0)
        out[key] = value
    return out


#: Most parameters set away from their base value in one example.
MAX_PARAMS = 5


@st.composite
def parameters(draw, name):
    """Up to MAX_PARAMS parameters set to edge values, sometimes one
    invalid."""
    space = PARAMETERS[name]
    keys = draw(
        st.lists(st.sampled_from(sorted(space)), max_size=MAX_PARAMS, unique=True)
    )
    params = {key: draw(st.sampled_from(space[key][0])) for key in keys}
    if _rare(draw, 5):  # one invalid value in five examples
        key = draw(st.sampled_from(sorted(space)))
        params[key] = draw(st.sampled_from(space[key][1]))
    return params


# -- data -------------------------------------------------------------------
_DTYPES = ["float64", "float32", "int64", "bool", "uint8"]
_SPECIALS = [np.nan, np.inf, -np.inf, 1e300, -1e300, 1e-300, -1e-300, -0.0]


def _rare(draw, n=4):
    """True in about one draw in ``n`` (hypothesis favours small integers,
    so the rare branch is the largest one)."""
    return draw(st.integers(0, n - 1)) == n - 1


@st.composite
def arrays(draw, n_samples, n_features, specials):
    """X of shape (n_samples, n_features): values of one kind, with
    optional constant columns (and special values), cast to a dtype."""
    kind = draw(
        st.sampled_from(
            ["spins", "binary", "gaussian", "bytes", "constant", "tiny", "huge"]
        )
    )
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    shape = (n_samples, n_features)
    if kind == "spins":
        X = rng.choice([-1.0, 1.0], size=shape)
    elif kind == "binary":
        X = rng.choice([0.0, 1.0], size=shape)
    elif kind == "gaussian":
        X = rng.normal(size=shape)
    elif kind == "bytes":
        X = rng.randint(0, 256, size=shape).astype(float)
    elif kind == "constant":
        X = np.full(shape, draw(st.sampled_from([1.0, -1.0, 0.0, 0.5, 255.0])))
    elif kind == "tiny":
        X = rng.normal(size=shape) * 1e-300
    else:
        X = rng.normal(size=shape) * 1e300
    if n_samples and n_features and draw(st.booleans()):
        # constant column(s)
        cols = draw(st.lists(st.integers(0, n_features - 1), min_size=1, max_size=3))
        X[:, cols] = draw(st.sampled_from([1.0, -1.0, 0.0]))
    dtype = draw(st.sampled_from(_DTYPES))
    if specials and n_samples and n_features:
        dtype = draw(st.sampled_from(["float64", "float32"]))
        cells = draw(
            st.lists(
                st.tuples(
                    st.integers(0, n_samples - 1),
                    st.integers(0, n_features - 1),
                    st.sampled_from(_SPECIALS),
                ),
                min_size=1,
                max_size=3,
            )
        )
        for i, j, value in cells:
            X[i, j] = value
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dtype == "bool":
            X = X > 0
        elif dtype in ("int64", "uint8"):
            info = np.iinfo(dtype)
            X = np.clip(np.nan_to_num(X), info.min, info.max).round().astype(dtype)
        else:
            X = X.astype(dtype)  # 1e300 becomes inf in float32
    return X


@st.composite
def targets(draw, n_samples, name, broken):
    """y: balanced integer or string labels, None where optional, or
    (``broken``) one class, NaN, ±inf, continuous or too short."""
    if broken:
        kind = draw(
            st.sampled_from(
                ["one-class", "float-nan", "float-inf", "continuous", "short"]
            )
        )
    else:
        kind = draw(st.sampled_from(["int", "str", "none"]))
        if kind == "none" and name not in OPTIONAL_Y:
            kind = "int"
    if kind == "none":
        return None
    n_classes = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**16))
    # balanced classes in a random order
    y = np.random.RandomState(seed).permutation(np.arange(n_samples) % n_classes)
    if kind == "str":
        return np.array([f"c{v}" for v in y], dtype=object)
    if kind == "one-class":
        return np.zeros(n_samples, dtype=np.int64)
    if kind == "float-nan":
        y = y.astype(float)
        y[:1] = np.nan
        return y
    if kind == "float-inf":
        y = y.astype(float)
        y[:2] = [np.inf, -np.inf][: min(n_samples, 2)]
        return y
    if kind == "continuous":
        return np.linspace(0.0, 1.0, n_samples) + 0.123
    if kind == "short":
        return y[:-1] if n_samples else np.zeros(1, dtype=np.int64)
    return y


@st.composite
def cases(draw, name):
    """One example: parameters, X, y, the start (fresh or fitted estimator),
    the method and the sampler's n_steps. In about one example in three the
    data are broken (NaN / inf, empty, 1-D or 3-D X, bad y)."""
    n_samples = draw(st.sampled_from([20, 1, 2, 3, 5, 10, 30]))
    n_features = draw(st.sampled_from([8, 1, 2, 3, 5, 12]))
    broken = None
    if _rare(draw, 3):
        broken = draw(st.sampled_from(["values", "empty", "ndim", "y"]))
    if broken == "empty":
        n_samples, n_features = draw(
            st.sampled_from([(0, n_features), (n_samples, 0), (0, 0)])
        )
    X = draw(arrays(n_samples, n_features, specials=broken == "values"))
    if broken == "ndim":
        X = X.ravel() if draw(st.booleans()) else X[:, :, None]
    y = None
    if name in SUPERVISED | OPTIONAL_Y:
        y = draw(targets(n_samples, name, broken=broken == "y"))
    methods = ["fit", "partial_fit"] if name in HAS_PARTIAL_FIT else ["fit"]
    return {
        "params": draw(parameters(name)),
        "X": X,
        "y": y,
        "start": draw(st.sampled_from(["fitted", "fresh"])),
        "method": draw(st.sampled_from(methods)),
        "n_steps": draw(st.sampled_from([2, 0, 1])),
    }


# -- the contract -------------------------------------------------------------
def _check_clear_error(error, what):
    """Fail unless ``error`` is a clear ValueError / TypeError."""
    if not isinstance(error, (ValueError, TypeError)) or isinstance(error, _CRASHES):
        raise AssertionError(
            f"{what} raised {type(error).__name__} (not a clear ValueError / "
            f"TypeError): {error}"
        ) from error
    message = str(error)
    if not message.strip():
        raise AssertionError(
            f"{what} raised {type(error).__name__} with no message"
        ) from error
    if _INTERNAL.search(message):
        raise AssertionError(
            f"{what} raised an internal {type(error).__name__}: {message}"
        ) from error


def _check_array(out, shape, what):
    out = np.asarray(out)
    assert out.shape == shape, f"{what}: shape {out.shape}, expected {shape}"
    if out.dtype.kind in "fc":
        assert np.isfinite(out).all(), f"{what}: non-finite values {out}"


def _params_are_valid(est):
    try:
        est._validate_params()
    except InvalidParameterError:
        return False
    return True


def _n_outputs(est):
    if isinstance(est, (HopfieldMemory, DenseHopfieldMemory)):
        return est.patterns_.shape[0]
    if isinstance(est, ModernHopfieldMemory):
        return est.patterns_.shape[0]
    if isinstance(est, (HopfieldPoEClassifier, DeepHNNClassifier)):
        return len(est.classes_)
    if isinstance(est, BoltzmannMachine):
        return None  # no transform
    return est.components_.shape[0]


def _call(what, fn, *args, **kwargs):
    """``fn(...)``; a clear error is fine (returned as None)."""
    try:
        return True, fn(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - classified below
        _check_clear_error(error, what)
        return False, None


def _check_inference(est, X, y, n_steps, fit_succeeded):
    """The inference methods on fitted ``est`` with input ``X``: a clear
    error (only allowed if fit did not accept X), or finite results of the
    right shape."""
    name = type(est).__name__
    check_is_fitted(est)
    n_out = _n_outputs(est)
    n_in = est.n_features_in_
    n = X.shape[0] if X.ndim else 0

    def run(what, fn, *args, shape=None, **kwargs):
        ok, out = _call(f"{name}.{what}", fn, *args, **kwargs)
        if ok:
            if shape is not None:
                _check_array(out, shape, f"{name}.{what}")
        elif fit_succeeded and _params_are_valid(est):
            # the estimator was just fitted on X: it must accept X (a
            # partial_fit of a fitted estimator skips the validation of the
            # parameters, as scikit-learn's do; an invalid scoring
            # parameter may then be refused here, clearly)
            raise AssertionError(f"{name}.{what} refused the data fit accepted")
        return ok, out

    if hasattr(est, "transform"):
        run("transform", est.transform, X, shape=(n, n_out))
    if isinstance(est, (HopfieldPoEClassifier, DeepHNNClassifier)):
        ok, pred = run("predict", est.predict, X, shape=(n,))
        if ok:
            assert np.isin(pred, est.classes_).all()
        run("predict_proba", est.predict_proba, X, shape=(n, n_out))
        if y is not None and fit_succeeded:
            ok, score = run("score", est.score, X, y)
            if ok:
                assert np.isfinite(score)
        return
    run("score_samples", est.score_samples, X, shape=(n,))
    ok, score = run("score", est.score, X)
    if ok:
        assert np.isfinite(score), f"{name}.score = {score}"
    if isinstance(est, ModernHopfieldMemory):
        # predict (and transform) accept NaN by design, as unknown features
        # of partial queries: where fit refused X for its NaN, they may
        # succeed, and must then give finite states (the contract's other
        # half, finite results of the right shape, is unchanged)
        run("predict", est.predict, X, shape=(n, n_in))
        return
    if isinstance(est, (HopfieldMemory, DenseHopfieldMemory)):
        ok, states = run("predict", est.predict, X, shape=(n, n_in))
        if ok:
            assert np.isin(states, [-1, 1]).all(), f"predict gave {states}"
        return
    steps = {"n_sweeps" if isinstance(est, BoltzmannMachine) else "n_steps": n_steps}
    ok, samples = _call(f"{name}.sample", est.sample, 2, **steps)
    assert ok, f"{name}.sample(2, {steps}) failed on a fitted model"
    _check_array(samples, (2, n_in), f"{name}.sample")
    binary = isinstance(est, BinaryRBM) or getattr(est, "units", None) == "binary"
    values = [0, 1] if binary else [-1, 1]
    assert np.isin(samples, values).all(), f"sample gave {samples}"


def _one_example(name, case):
    """Run one case; return "fitted" or the name of the clear error."""
    start, method = case["start"], case["method"]
    X, y = case["X"], case["y"]
    est = _fitted(name) if start == "fitted" else clone(BASE[name]())
    n_features = X.shape[1] if X.ndim >= 2 else 0
    est.set_params(**_resolve(name, case["params"], n_features))
    before = pickle.dumps(est)
    kwargs = {}
    if (
        method == "partial_fit"
        and name in PARTIAL_FIT_CLASSES
        and y is not None
        and not hasattr(est, "components_")
        and not hasattr(est, "classes_")
    ):
        kwargs["classes"] = np.unique(y[~_isnan(y)]) if len(y) else y
    args = (X, y) if name in SUPERVISED | OPTIONAL_Y else (X,)
    with warnings.catch_warnings():
        # documented warnings (capacity, convergence, degenerate patterns)
        # are not part of the contract; numpy's RuntimeWarnings are errors
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", RuntimeWarning)
        # documented fallback of a missing GPU (not a numpy warning)
        warnings.filterwarnings(
            "ignore", message=".*falling back to the CPU", category=RuntimeWarning
        )
        try:
            result = getattr(est, method)(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - classified below
            _check_clear_error(error, f"{name}.{method}")
            after = pickle.dumps(est)
            assert after == before, (
                f"{name}.{method} raised {type(error).__name__} ({error}) and "
                "changed the estimator"
            )
            # the untouched estimator (if fitted) still works with its
            # original parameters, and its methods handle the input clearly
            if start == "fitted":
                est.set_params(**BASE[name]().get_params())
                _check_inference(est, X, y, case["n_steps"], fit_succeeded=False)
            return type(error).__name__
        assert result is est, f"{name}.{method} did not return self"
        if method == "fit" or start == "fresh":
            assert est.n_features_in_ == n_features
            if name in ("GaussianRBM", "SpinRBM", "RAPIDRBM"):
                assert est.components_.shape == (est.n_components, n_features)
        _check_inference(est, X, y, case["n_steps"], fit_succeeded=True)
    return "fitted"


def _isnan(y):
    y = np.asarray(y)
    return np.isnan(y) if y.dtype.kind == "f" else np.zeros(y.shape, dtype=bool)


def test_every_public_estimator_and_parameter_is_fuzzed():
    public = {n for n in skhopfield.__all__ if n != "__version__"}
    assert public == set(N_EXAMPLES) == set(PARAMETERS) == set(BASE)
    for name in public:
        constraints = getattr(skhopfield, name)._parameter_constraints
        assert set(PARAMETERS[name]) == set(constraints), name


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name,
            id=f"{name}-{n}-examples",
            marks=pytest.mark.skipif(
                name in NEEDS_TORCH and not importlib.util.find_spec("torch"),
                reason=f"{name} needs torch",
            ),
        )
        for name, n in N_EXAMPLES.items()
    ],
)
def test_fuzz(name):
    @settings(max_examples=N_EXAMPLES[name], **_SETTINGS)
    @given(case=cases(name))
    def run(case):
        _one_example(name, case)

    run()
