"""Persistence of every fitted public estimator: pickle, joblib and skops.io.

skops.io loads only the types it trusts; the only types of a fitted
skhopfield estimator that it does not trust by default are the estimator
classes of skhopfield themselves (listed in ``UNTRUSTED``, as the user guide
"Scaling out" documents them).
"""

import copy
import importlib.util
import inspect
import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator

import skhopfield

HAS_TORCH = importlib.util.find_spec("torch") is not None
TORCH_ESTIMATORS = {"DeepHNNClassifier"}

#: Small, fast settings (and a seed) of each estimator.
FAST_PARAMS = {
    "GaussianRBM": dict(n_components=3, n_iter=2, learning_rate=1e-2),
    "SpinRBM": dict(n_components=3, n_iter=2),
    "RAPIDRBM": dict(n_patterns=3, n_components=4, n_iter=2),
    "ProjectionHopfieldRBM": dict(n_subpatterns=2),
    "HopfieldPoEClassifier": dict(n_components=2),
    "DeepHNNClassifier": dict(patterns_per_class=3, max_epochs=2),
}

#: The types skops.io.get_untrusted_types reports for each fitted estimator:
#: the estimator's own class (and the experts' class of the PoE).
UNTRUSTED = {
    "BinaryRBM": ["skhopfield.boltzmann._binary.BinaryRBM"],
    "BoltzmannMachine": ["skhopfield.boltzmann._fully_visible.BoltzmannMachine"],
    "DeepHNNClassifier": ["skhopfield.classifiers._deep.DeepHNNClassifier"],
    "DenseHopfieldMemory": ["skhopfield.hopfield._dense.DenseHopfieldMemory"],
    "GaussianRBM": ["skhopfield.boltzmann._gaussian.GaussianRBM"],
    "HopfieldMemory": ["skhopfield.hopfield._memory.HopfieldMemory"],
    "HopfieldPoEClassifier": [
        "skhopfield.boltzmann._projection.ProjectionHopfieldRBM",
        "skhopfield.classifiers._poe.HopfieldPoEClassifier",
    ],
    "ModernHopfieldMemory": ["skhopfield.hopfield._modern.ModernHopfieldMemory"],
    "ProjectionHopfieldRBM": ["skhopfield.boltzmann._projection.ProjectionHopfieldRBM"],
    "RAPIDRBM": ["skhopfield.boltzmann._rapid.RAPIDRBM"],
    "SpinRBM": ["skhopfield.boltzmann._spin.SpinRBM"],
}

#: The deterministic methods whose results must survive a round trip.
METHODS = (
    "predict",
    "predict_proba",
    "decision_function",
    "transform",
    "score_samples",
)


def _public_estimators():
    names = []
    for name in skhopfield.__all__:
        obj = getattr(skhopfield, name)
        if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
            names.append(name)
    return names


ESTIMATORS = _public_estimators()


def _data():
    rng = np.random.RandomState(0)
    X = rng.choice([-1.0, 1.0], size=(90, 16))
    y = np.repeat([0, 1, 2], 30)
    return X, y


_FITTED = {}


def _fitted(name):
    """A fitted instance (fitted once per session, a deep copy per test)."""
    if name in TORCH_ESTIMATORS and not HAS_TORCH:
        pytest.skip(f"{name} needs torch (pip install skhopfield[torch])")
    if name not in _FITTED:
        _FITTED[name] = _fit(name)
    est, X = _FITTED[name]
    return copy.deepcopy(est), X


def _fit(name):
    est = getattr(skhopfield, name)(**FAST_PARAMS.get(name, {}))
    if "random_state" in est.get_params():
        est.set_params(random_state=0)
    X, y = _data()
    if "Memory" in name:  # a handful of stored patterns, within capacity
        X, y = X[:4], y[:4]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. convergence of short training
        est.fit(X, y)
    return est, X


def _assert_same_results(original, loaded, X):
    assert type(loaded) is type(original)
    assert loaded.get_params().keys() == original.get_params().keys()
    checked = 0
    for method in METHODS:
        if hasattr(original, method):
            assert_array_equal(
                np.asarray(getattr(loaded, method)(X)),
                np.asarray(getattr(original, method)(X)),
                err_msg=method,
            )
            checked += 1
    assert checked, f"no deterministic method compared for {type(original).__name__}"


def test_untrusted_types_are_documented_for_every_estimator():
    assert set(UNTRUSTED) >= set(ESTIMATORS) - (
        set() if HAS_TORCH else TORCH_ESTIMATORS
    )


@pytest.mark.parametrize("name", ESTIMATORS)
def test_pickle_and_joblib_round_trip(name):
    est, X = _fitted(name)
    _assert_same_results(est, pickle.loads(pickle.dumps(est)), X)
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    _assert_same_results(est, joblib.load(buffer), X)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_skops_round_trip(name):
    sio = pytest.importorskip("skops.io")
    est, X = _fitted(name)
    data = sio.dumps(est)
    untrusted = sorted(sio.get_untrusted_types(data=data))
    assert untrusted == UNTRUSTED[name]
    # nothing loads without trusting the types
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        sio.loads(data)
    loaded = sio.loads(data, trusted=untrusted)
    _assert_same_results(est, loaded, X)
    # a loaded RBM goes on training exactly as the original
    if hasattr(est, "partial_fit") and name != "DeepHNNClassifier":
        kwargs = (
            {"classes": np.unique(_data()[1])}
            if name == "ProjectionHopfieldRBM"
            else {}
        )
        Xp, yp = _data()
        args = (Xp, yp) if kwargs else (Xp,)
        a = est.partial_fit(*args, **kwargs)
        b = loaded.partial_fit(*args, **kwargs)
        _assert_same_results(a, b, X)
