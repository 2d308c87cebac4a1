"""HopfieldMemory: dynamics, exactness, engines, sklearn integration, bad input."""

import math
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skhopfield import HopfieldMemory
from skhopfield._backend import Engine
from skhopfield.datasets import flip_noise
from skhopfield.energy.ising import Ising
from skhopfield.energy.layers import Spin

RULES = ["hebbian", "projection", "storkey", "perceptron"]

#: For tests whose load exceeds a rule's capacity on purpose or by the way;
#: the capacity warning itself is tested in test_hopfield_capacity.py.
beyond_capacity = pytest.mark.filterwarnings(
    "ignore::skhopfield.hopfield.CapacityWarning"
)


def _patterns(p, n, seed=0):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(p, n))


# -- exactness of the dynamics ----------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 12),
    n_probes=st.integers(1, 5),
    seed=st.integers(0, 2**31 - 1),
    diag_scale=st.sampled_from([0.0, 0.5]),
    sparse_weights=st.booleans(),
)
def test_async_deterministic_never_increases_energy(
    n, n_probes, seed, diag_scale, sparse_weights
):
    rng = np.random.RandomState(seed)
    A = rng.normal(size=(n, n))
    if sparse_weights:  # many exact ties
        A = np.round(A)
    J = (A + A.T) / 2
    np.fill_diagonal(J, diag_scale * np.abs(rng.normal(size=n)))
    S0 = rng.choice([-1.0, 1.0], size=(n_probes, n))
    network = Ising(Spin(np.zeros(n)), J, math.inf)  # zero temperature
    tol = network.tie_tolerance()
    previous = network.energy(S0)
    for sweeps in range(1, 8):
        # the same seed replays the same unit orders, sweep after sweep
        out = network.run(
            S0, update="async", max_iter=sweeps, engine=Engine(random_state=seed)
        )
        energy = network.energy(out.states)
        assert np.all(energy <= previous + 1e-9)
        previous = energy
    final = network.run(
        S0, update="async", max_iter=100, engine=Engine(random_state=seed)
    )
    assert final.converged.all()
    # a converged state is a fixed point of s_i <- sgn(h_i), h = Js
    assert np.all(final.states * network.field(final.states) >= -tol)
    if diag_scale == 0.0:  # ... and then no single flip lowers the energy
        end = network.energy(final.states)
        for i in range(n):
            flipped = final.states.copy()
            flipped[:, i] *= -1
            assert np.all(network.energy(flipped) >= end - 1e-9)


@beyond_capacity
@pytest.mark.parametrize("rule", RULES)
def test_async_recall_never_increases_energy_estimator(rule):
    xi = _patterns(6, 40, seed=2)
    probes = _patterns(30, 40, seed=3)
    model = HopfieldMemory(rule, binarize=None, random_state=0).fit(xi)
    before = model.energy(probes)
    after = model.energy(model.predict(probes))
    assert np.all(after <= before + 1e-9)


def _chi_square_pvalue(states, J, beta):
    n = J.shape[0]
    # the table's order: bit i of the row index gives unit i
    _, log_p = Ising(Spin(np.zeros(n)), J, beta).log_prob_table()
    codes = ((states > 0).astype(int) * (1 << np.arange(n))).sum(1)
    observed = np.bincount(codes, minlength=2**n)
    expected = np.exp(log_p) * len(states)
    # merge the rare states into one bin so every expected count is >= 5
    rare = expected < 5
    obs = np.append(observed[~rare], observed[rare].sum())
    exp = np.append(expected[~rare], expected[rare].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    return stats.chisquare(obs, exp).pvalue


@beyond_capacity
def test_glauber_dynamics_sample_exact_boltzmann_distribution():
    n, beta = 8, 0.7
    rng = np.random.RandomState(0)
    xi = rng.choice([-1.0, 1.0], size=(3, n))
    model = HopfieldMemory(
        "hebbian",
        update="async",
        beta=beta,
        max_iter=30,
        binarize=None,
        random_state=1,
    ).fit(xi)
    J = model.couplings_
    starts = rng.choice([-1.0, 1.0], size=(40000, n))
    samples = model.predict(starts)
    assert _chi_square_pvalue(samples, J, beta) > 1e-3
    # the test has power: the same samples reject a 30% different temperature
    assert _chi_square_pvalue(samples, J, 1.3 * beta) < 1e-6


def test_stochastic_dynamics_extreme_beta():
    xi = _patterns(3, 30)
    probes = flip_noise(xi, 0.1, random_state=0)
    for update in ("async", "sync"):
        hot = HopfieldMemory(
            update=update, beta=0.0, max_iter=3, binarize=None, random_state=0
        ).fit(xi)
        out = hot.predict(np.repeat(probes, 300, axis=0))
        assert set(np.unique(out)) <= {-1.0, 1.0}
        assert abs(out.mean()) < 0.05  # β = 0: unbiased coin flips
        cold = HopfieldMemory(
            update=update, beta=1e12, max_iter=20, binarize=None, random_state=0
        ).fit(xi)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no overflow warnings
            np.testing.assert_array_equal(cold.predict(probes), xi)
            # float32 probes with 2β beyond float32's range: still the
            # zero-temperature limit, no overflow, no NaN probability
            frozen = HopfieldMemory(
                update=update, beta=1e300, max_iter=20, binarize=None, random_state=0
            ).fit(xi)
            out = frozen.predict(probes.astype(np.float32))
            assert out.dtype == np.float32
            np.testing.assert_array_equal(out, xi)


def test_sync_two_cycle_detected_and_reported():
    # J_12 < 0: (+,+) -> (-,-) -> (+,+) under parallel updates
    model = HopfieldMemory(update="sync", binarize=None).fit([[1, -1]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        info = model.recall([[1, 1], [1, -1]])
    np.testing.assert_array_equal(info.cycled, [True, False])
    np.testing.assert_array_equal(info.converged, [False, True])
    np.testing.assert_array_equal(info.n_iter, [2, 1])
    # asynchronous dynamics settle into a fixed point instead
    async_info = model.set_params(update="async", random_state=0).recall([[1, 1]])
    assert async_info.converged.all() and not async_info.cycled.any()


@beyond_capacity
def test_max_iter_exhaustion_warns():
    xi = _patterns(20, 100)
    probes = _patterns(50, 100, seed=5)
    model = HopfieldMemory(update="sync", max_iter=1, binarize=None).fit(xi)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        model.predict(probes)


# -- what the rules store -----------------------------------------------------


@pytest.mark.parametrize("update", ["sync", "async"])
def test_projection_stores_any_independent_patterns_below_n(update):
    xi = _patterns(56, 64, seed=4)  # P/N = 0.875, far beyond Hebb
    assert np.linalg.matrix_rank(xi) == 56
    model = HopfieldMemory(
        "projection", update=update, binarize=None, random_state=0
    ).fit(xi)
    np.testing.assert_array_equal(model.predict(xi), xi)


def test_projection_dependent_patterns_do_not_crash():
    xi = _patterns(5, 30)
    X = np.vstack([xi, xi, -xi[:2]])
    model = HopfieldMemory("projection", binarize=None, random_state=0).fit(X)
    assert np.isfinite(model.couplings_).all()
    np.testing.assert_array_equal(model.predict(xi), xi)


@pytest.mark.parametrize("rule", RULES)
def test_small_load_recall_from_noise(rule):
    xi = _patterns(5, 200, seed=7)
    probes = flip_noise(np.repeat(xi, 4, axis=0), 0.1, random_state=0)
    model = HopfieldMemory(rule, binarize=None, random_state=0).fit(xi)
    np.testing.assert_array_equal(model.predict(probes), np.repeat(xi, 4, axis=0))
    overlaps = model.transform(probes)
    assert overlaps.shape == (20, 5)
    np.testing.assert_allclose(overlaps[np.arange(20), np.repeat(np.arange(5), 4)], 1.0)


def test_perceptron_stores_half_n_random_patterns():
    n = 200
    xi = _patterns(n // 2, n, seed=8)
    model = HopfieldMemory("perceptron", update="sync", binarize=None).fit(xi)
    np.testing.assert_array_equal(model.predict(xi), xi)
    assert model.n_iter_ > 1


def test_perceptron_warns_beyond_capacity():
    with pytest.warns(ConvergenceWarning, match="did not bring every pattern"):
        HopfieldMemory("perceptron", n_iter=5, binarize=None).fit(_patterns(40, 10))


def test_energy_of_single_hebbian_pattern():
    # Campagne 2025, Eq. 29: E(x) = -|<x, x1>|^2 / (2N) + 1/2, so E(x1) = -(N-1)/2
    x = _patterns(1, 50)
    model = HopfieldMemory(binarize=None).fit(x)
    assert model.energy(x)[0] == pytest.approx(-(50 - 1) / 2)
    probes = _patterns(10, 50, seed=1)
    expected = -((probes @ x[0]) ** 2) / (2 * 50) + 0.5
    np.testing.assert_allclose(model.energy(probes), expected)
    np.testing.assert_allclose(model.score_samples(probes), -expected)
    assert model.score(probes) == pytest.approx(-expected.mean())


# -- engines, dtypes, persistence ---------------------------------------------


def test_float32_path_matches_float64():
    xi = _patterns(10, 120)
    probes = flip_noise(np.repeat(xi, 5, axis=0), 0.1, random_state=1)
    for update in ("sync", "async"):
        m64 = HopfieldMemory(update=update, binarize=None, random_state=0).fit(xi)
        m32 = HopfieldMemory(update=update, binarize=None, random_state=0).fit(
            xi.astype(np.float32)
        )
        out32 = m32.predict(probes.astype(np.float32))
        assert out32.dtype == np.float32
        assert m32.transform(probes.astype(np.float32)).dtype == np.float32
        np.testing.assert_array_equal(out32, m64.predict(probes))


@beyond_capacity
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("update", ["sync", "async"])
def test_torch_engine_identical_for_deterministic_dynamics(rule, update):
    pytest.importorskip("torch")
    xi = _patterns(25, 100, seed=11)  # loaded enough for errors and cycles
    probes = flip_noise(np.repeat(xi, 3, axis=0), 0.15, random_state=2)
    np_model = HopfieldMemory(rule, update=update, binarize=None, random_state=3)
    torch_model = HopfieldMemory(
        rule, update=update, binarize=None, random_state=3, backend="torch"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = np_model.fit(xi).recall(probes)
        b = torch_model.fit(xi).recall(probes)
    for key in ("states", "n_iter", "converged", "cycled"):
        np.testing.assert_array_equal(a[key], b[key])
    assert isinstance(torch_model.couplings_, np.ndarray)
    np.testing.assert_allclose(
        np_model.transform(probes), torch_model.transform(probes)
    )


@beyond_capacity
def test_torch_engine_glauber_statistics():
    pytest.importorskip("torch")
    n, beta = 6, 0.8
    xi = _patterns(2, n, seed=1)
    model = HopfieldMemory(
        update="async",
        beta=beta,
        max_iter=20,
        binarize=None,
        backend="torch",
        random_state=0,
    ).fit(xi)
    samples = model.predict(_patterns(20000, n, seed=2))
    assert _chi_square_pvalue(samples, model.couplings_, beta) > 1e-3


def test_torch_model_pickles_and_loads_into_numpy_engine():
    pytest.importorskip("torch")
    xi = _patterns(8, 64)
    probes = flip_noise(xi, 0.1, random_state=0)
    model = HopfieldMemory(update="sync", binarize=None, backend="torch").fit(xi)
    expected = model.predict(probes)
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(loaded.predict(probes), expected)
    loaded.set_params(backend="numpy")
    np.testing.assert_array_equal(loaded.predict(probes), expected)


def test_missing_cuda_falls_back_with_warning():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is available")
    xi = _patterns(4, 32)
    with pytest.warns(RuntimeWarning, match="falling back to the CPU"):
        model = HopfieldMemory(binarize=None, backend="torch", device="cuda").fit(xi)
    with pytest.warns(RuntimeWarning, match="falling back to the CPU"):
        np.testing.assert_array_equal(model.predict(xi), xi)


def test_numpy_engine_rejects_gpu_device():
    with pytest.raises(ValueError, match="needs backend='torch'"):
        HopfieldMemory(device="cuda").fit(_patterns(2, 8))


def test_import_does_not_import_torch():
    code = "import sys, skhopfield; print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


# -- scikit-learn integration --------------------------------------------------


@beyond_capacity
def test_pipeline_and_grid_search_on_digits():
    X, y = load_digits(return_X_y=True)
    X_train, y_train, X_test, y_test = X[:300], y[:300], X[1000:], y[1000:]
    pipe = Pipeline(
        [
            ("hopfield", HopfieldMemory(binarize=4.0, update="sync", random_state=0)),
            ("clf", LogisticRegression(max_iter=300)),
        ]
    )
    search = GridSearchCV(pipe, {"hopfield__rule": ["hebbian", "projection"]}, cv=2)
    search.fit(X_train, y_train)
    # Hebb's rule collapses on correlated images; the projection rule does not
    assert search.best_params_ == {"hopfield__rule": "projection"}
    assert search.score(X_test, y_test) > 0.2  # chance is 0.1
    # class prototypes as memories: the largest overlap names the digit
    prototypes = np.array([X_train[y_train == k].mean(0) for k in range(10)])
    memory = HopfieldMemory("projection", binarize=4.0, random_state=0)
    overlaps = memory.fit(prototypes).transform(X_test)
    assert overlaps.shape == (len(X_test), 10)
    assert (overlaps.argmax(1) == y_test).mean() > 0.5


# -- bad input -------------------------------------------------------------------


@beyond_capacity
def test_bad_input_raises_clear_errors_and_keeps_fitted_state():
    xi = _patterns(3, 10)
    model = HopfieldMemory(binarize=None, random_state=0).fit(xi)
    J = model.couplings_.copy()
    bad_nan = xi.copy()
    bad_nan[0, 0] = np.nan
    bad_inf = xi.copy()
    bad_inf[1, 2] = np.inf
    with pytest.raises(ValueError, match="NaN"):
        model.fit(bad_nan)
    with pytest.raises(ValueError, match="infinity"):
        model.predict(bad_inf)
    with pytest.raises(ValueError, match="has 7 features"):
        model.predict(xi[:, :7])
    with pytest.raises(ValueError, match="only -1 and \\+1"):
        model.fit(np.abs(xi) * 0.5)
    with pytest.raises(ValueError, match="only -1 and \\+1"):
        model.energy(np.zeros((1, 10)))
    with pytest.raises(ValueError, match="rule"):
        HopfieldMemory(rule="oja").fit(xi)
    np.testing.assert_array_equal(model.couplings_, J)
    np.testing.assert_array_equal(model.patterns_, xi)
