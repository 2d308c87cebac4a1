"""DenseHopfieldMemory: dynamics, Hebbian limit, capacity, engines, sklearn."""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

from skhopfield import DenseHopfieldMemory, HopfieldMemory
from skhopfield.datasets import flip_noise
from skhopfield.energy.dense import DenseAssociativeMemory
from skhopfield.energy.layers import states as state_table

CASES = [
    ("polynomial", 2),
    ("polynomial", 3),
    ("polynomial", 4),
    ("rectified_polynomial", 3),
    ("exponential", 3),
]

beyond_capacity = pytest.mark.filterwarnings(
    "ignore::skhopfield.hopfield.CapacityWarning"
)


def _patterns(p, n, seed=0):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(p, n))


def _neg_energy(S, xi, kind, degree):
    """A quantity that orders states as −E, exact for the small tests:
    −E for the polynomials (integers), ln(−E) for the exponential."""
    model = DenseAssociativeMemory(xi, kind, degree)
    if kind == "exponential":
        return model.log_neg_energy(S)
    return -model.energy(S)


# -- the dynamics -----------------------------------------------------------


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(
    n=st.integers(1, 12),
    p=st.integers(1, 8),
    n_probes=st.integers(1, 4),
    seed=st.integers(0, 2**31 - 1),
    case=st.sampled_from(CASES),
)
def test_async_dynamics_never_raise_the_energy(n, p, n_probes, seed, case):
    kind, degree = case
    xi = _patterns(p, n, seed)
    probes = _patterns(n_probes, n, seed + 1)
    previous = _neg_energy(probes, xi, kind, degree)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for sweeps in range(1, 6):
            # the same seed replays the same unit orders, sweep after sweep
            model = DenseHopfieldMemory(
                kind,
                degree=degree,
                max_iter=sweeps,
                binarize=None,
                random_state=seed,
            ).fit(xi)
            now = _neg_energy(model.predict(probes), xi, kind, degree)
            assert np.all(now >= previous - 1e-12 * np.abs(previous))
            previous = now
    final = (
        DenseHopfieldMemory(kind, degree=degree, binarize=None, random_state=seed)
        .fit(xi)
        .recall(probes)
    )
    assert final.converged.all()


@pytest.mark.parametrize("kind, degree", CASES)
@pytest.mark.parametrize("update", ["async", "sync"])
def test_fixed_points_are_local_minima_by_enumeration(kind, degree, update):
    """Where recall converges, no single flip lowers the energy (checked
    on every one-flip neighbour, in exact arithmetic where it matters)."""
    n = 8
    xi = _patterns(5, n, seed=2)
    probes = state_table(0, 2**n, n, np.empty(0))[:, ::-1][::7]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        out = (
            DenseHopfieldMemory(
                kind, degree=degree, update=update, binarize=None, random_state=0
            )
            .fit(xi)
            .recall(probes)
        )
    states = out.states[out.converged]
    assert states.shape[0] > 0
    base = _neg_energy(states, xi, kind, degree)
    for i in range(n):
        flipped = states.copy()
        flipped[:, i] *= -1
        assert np.all(_neg_energy(flipped, xi, kind, degree) <= base + 1e-12)


@beyond_capacity
@pytest.mark.parametrize("update", ["async", "sync"])
def test_quadratic_interaction_is_hebbian_memory(update):
    """F(x) = x² is Hebb's rule with a zero diagonal (Campagne 2025, Eq. 44):
    the same states, sweeps, fixed points and 2-cycles, unit order included
    (both estimators draw the orders from ``random_state`` alike)."""
    xi = _patterns(12, 60, seed=3)  # P/N = 0.2: errors and cycles happen
    probes = np.vstack([flip_noise(xi, 0.2, random_state=4), _patterns(30, 60, 5)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        hebb = HopfieldMemory(update=update, binarize=None, random_state=7).fit(xi)
        dense = DenseHopfieldMemory(
            degree=2, update=update, binarize=None, random_state=7
        ).fit(xi)
        a, b = hebb.recall(probes), dense.recall(probes)
    for key in ("states", "n_iter", "converged", "cycled"):
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a.states, xi[:0])  # not a trivial comparison
    np.testing.assert_allclose(hebb.transform(probes), dense.transform(probes))
    # E_dense = −Σ_μ (ξ^μ·σ)² = 2N E_hebb − P N with J = ξᵀξ / N, zero diagonal
    n = xi.shape[1]
    np.testing.assert_allclose(
        dense.energy(probes), 2 * n * hebb.energy(probes) - xi.shape[0] * n
    )


def test_sync_two_cycle_detected_and_reported():
    # F(x) = x², one pattern (1, −1): (+,+) -> (−,−) -> (+,+) in parallel
    model = DenseHopfieldMemory(degree=2, update="sync", binarize=None).fit([[1, -1]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        info = model.recall([[1, 1], [1, -1]])
    np.testing.assert_array_equal(info.cycled, [True, False])
    np.testing.assert_array_equal(info.converged, [False, True])
    np.testing.assert_array_equal(info.n_iter, [2, 1])
    async_info = model.set_params(update="async", random_state=0).recall([[1, 1]])
    assert async_info.converged.all() and not async_info.cycled.any()


def test_max_iter_exhaustion_warns():
    xi = _patterns(200, 40)
    probes = _patterns(30, 40, seed=5)
    model = DenseHopfieldMemory(
        update="async", max_iter=1, binarize=None, random_state=0
    ).fit(xi)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        model.predict(probes)


@pytest.mark.parametrize("method", ["recall", "predict", "transform"])
def test_convergence_warning_names_the_callers_line(method):
    xi = _patterns(200, 40)
    probes = _patterns(30, 40, seed=5)
    model = DenseHopfieldMemory(
        update="async", max_iter=1, binarize=None, random_state=0
    ).fit(xi)
    with pytest.warns(ConvergenceWarning) as record:
        getattr(model, method)(probes)
    assert [w.filename for w in record] == [__file__]


# -- what it stores -----------------------------------------------------------


@pytest.mark.parametrize(
    "kind, degree, n_patterns",
    [("polynomial", 3, 60), ("rectified_polynomial", 3, 60), ("exponential", 3, 400)],
)
def test_stores_far_beyond_hebbian_capacity(kind, degree, n_patterns):
    """N = 60: Hebb's rule holds about 0.14 N = 8 patterns; x³ holds
    N²/(6 ln N) ≈ 150 as fixed points; eˣ holds 400 and recalls them from
    15% noise."""
    n = 60
    xi = _patterns(n_patterns, n, seed=1)
    model = DenseHopfieldMemory(kind, degree=degree, update="sync", binarize=None)
    model.fit(xi)
    assert (model.predict(xi) == xi).all(1).mean() >= 0.99
    probes = flip_noise(xi[:50], 0.15, random_state=2)
    recovered = (model.predict(probes) == xi[:50]).all(1).mean()
    assert recovered >= (0.9 if kind != "rectified_polynomial" else 0.8)


def test_exponential_at_ten_thousand_units_is_finite_and_silent():
    n = 10_000
    xi = _patterns(5, n, seed=0)
    probes = flip_noise(xi[:2], 0.2, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning, no other warning
        # synchronous here (asynchronous sweeps loop over the 10,000 units in
        # Python; their O(P) unit update is checked at this N in
        # tests/energy/test_dense_energy.py)
        for update in ("sync",):
            model = DenseHopfieldMemory(
                "exponential", update=update, binarize=None, random_state=0
            ).fit(xi)
            info = model.recall(probes)
            np.testing.assert_array_equal(info.states, xi[:2])
            scores = model.score_samples(probes)
            assert np.isfinite(scores).all()
            assert np.isfinite(model.score(probes))
            overlaps = model.transform(probes)
            np.testing.assert_allclose(overlaps[:, :2], np.eye(2), atol=0.05)
        # stored patterns score above the probes, in log space
        assert np.all(model.score_samples(xi[:2]) > scores)
        np.testing.assert_array_equal(model.energy(xi[:2]), -np.inf)


# -- estimator behaviour --------------------------------------------------------


@pytest.mark.parametrize("kind, degree", CASES)
def test_scores_and_energy(kind, degree):
    xi = _patterns(6, 20, seed=8)
    states = np.vstack([xi, _patterns(10, 20, seed=9)])
    model = DenseHopfieldMemory(kind, degree=degree, binarize=None).fit(xi)
    E = model.energy(states)
    scores = model.score_samples(states)
    if kind == "exponential":
        np.testing.assert_allclose(scores, np.log(-E))
    else:
        np.testing.assert_allclose(scores, -E)
    assert scores[:6].min() > scores[6:].max()  # the patterns score highest
    assert model.score(states) == pytest.approx(scores.mean())


def test_float32_path_matches_float64():
    xi = _patterns(40, 50)
    probes = flip_noise(np.repeat(xi, 2, axis=0), 0.1, random_state=1)
    for update in ("sync", "async"):
        m64 = DenseHopfieldMemory(update=update, binarize=None, random_state=0).fit(xi)
        m32 = DenseHopfieldMemory(update=update, binarize=None, random_state=0).fit(
            xi.astype(np.float32)
        )
        out32 = m32.predict(probes.astype(np.float32))
        assert out32.dtype == np.float32
        assert m32.transform(probes.astype(np.float32)).dtype == np.float32
        np.testing.assert_array_equal(out32, m64.predict(probes))


@pytest.mark.parametrize("kind, degree", CASES)
@pytest.mark.parametrize("update", ["sync", "async"])
def test_torch_engine_equals_numpy(kind, degree, update):
    pytest.importorskip("torch")
    xi = _patterns(40, 40, seed=11)  # loaded enough for errors
    probes = flip_noise(np.repeat(xi[:10], 2, axis=0), 0.2, random_state=2)
    kwargs = dict(degree=degree, update=update, binarize=None, random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = DenseHopfieldMemory(kind, **kwargs).fit(xi).recall(probes)
        model = DenseHopfieldMemory(kind, backend="torch", **kwargs).fit(xi)
        b = model.recall(probes)
    for key in ("states", "n_iter", "converged", "cycled"):
        np.testing.assert_array_equal(a[key], b[key])
    assert isinstance(model.patterns_, np.ndarray)
    np.testing.assert_allclose(
        model.score_samples(probes),
        DenseHopfieldMemory(kind, **kwargs).fit(xi).score_samples(probes),
    )


@pytest.mark.parametrize("update", ["sync", "async"])
def test_chunks_of_probes_do_not_change_the_result(update, monkeypatch):
    from skhopfield.hopfield import _dense

    xi = _patterns(50, 40, seed=12)
    probes = flip_noise(np.repeat(xi[:15], 2, axis=0), 0.2, random_state=3)
    model = DenseHopfieldMemory(update=update, binarize=None, random_state=4).fit(xi)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        whole = model.recall(probes)
        scores = model.score_samples(probes)
        monkeypatch.setattr(_dense, "_CHUNK_ELEMENTS", 7 * 50)  # 7 rows a chunk
        chunked = model.recall(probes)
    for key in ("states", "n_iter", "converged", "cycled"):
        np.testing.assert_array_equal(whole[key], chunked[key])
    np.testing.assert_array_equal(model.score_samples(probes), scores)


def test_torch_model_pickles_and_loads_into_numpy_engine():
    pytest.importorskip("torch")
    xi = _patterns(30, 40)
    probes = flip_noise(xi, 0.1, random_state=0)
    model = DenseHopfieldMemory(update="sync", binarize=None, backend="torch").fit(xi)
    expected = model.predict(probes)
    loaded = pickle.loads(pickle.dumps(model))
    assert "_device_patterns" not in vars(loaded)
    np.testing.assert_array_equal(loaded.predict(probes), expected)
    loaded.set_params(backend="numpy")
    np.testing.assert_array_equal(loaded.predict(probes), expected)


def test_pipeline_and_grid_search_over_degree():
    X, y = load_digits(return_X_y=True)
    X_train, y_train, X_test, y_test = X[:200], y[:200], X[1000:1200], y[1000:1200]
    pipe = Pipeline(
        [
            ("dense", DenseHopfieldMemory(binarize=4.0, update="sync", random_state=0)),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    )
    search = GridSearchCV(pipe, {"dense__degree": [2, 20]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)
        score = search.score(X_test, y_test)
    # the images are strongly correlated: x² sends every probe to one and the
    # same state, x²⁰ keeps the training images apart (about 90% of them are
    # fixed points; x³ to x¹⁰ still merge most of them)
    assert search.best_params_ == {"dense__degree": 20}
    cv_scores = search.cv_results_["mean_test_score"]
    assert cv_scores[0] < 0.3 and cv_scores[1] > 0.8
    assert score > 0.6  # chance is 0.1


def test_bad_input_and_parameters_raise_and_keep_fitted_state():
    xi = _patterns(3, 10)
    model = DenseHopfieldMemory(binarize=None, random_state=0).fit(xi)
    bad_nan = xi.copy()
    bad_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.fit(bad_nan)
    with pytest.raises(ValueError, match="has 7 features"):
        model.predict(xi[:, :7])
    with pytest.raises(ValueError, match="only -1 and \\+1"):
        model.fit(np.abs(xi) * 0.5)
    with pytest.raises(InvalidParameterError, match="degree"):
        DenseHopfieldMemory(degree=1).fit(xi)
    with pytest.raises(InvalidParameterError, match="interaction"):
        DenseHopfieldMemory("cubic").fit(xi)
    np.testing.assert_array_equal(model.patterns_, xi)
    # the degree is ignored by the exponential interaction
    a = DenseHopfieldMemory("exponential", degree=2, binarize=None).fit(xi)
    b = DenseHopfieldMemory("exponential", degree=7, binarize=None).fit(xi)
    np.testing.assert_array_equal(a.predict(bad_nan[1:]), b.predict(bad_nan[1:]))
