"""ModernHopfieldMemory: retrieval, the Prop. 3.4 attributes, partial
queries, numerics, engines, sklearn integration and bad input."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skhopfield import ModernHopfieldMemory
from skhopfield.energy.modern import ModernHopfield


def _patterns(p=8, n=50, seed=0):
    return np.random.RandomState(seed).normal(size=(p, n))


def test_fitted_attributes():
    X = _patterns()
    m = ModernHopfieldMemory(beta=0.3).fit(X)
    np.testing.assert_array_equal(m.patterns_, X)
    assert m.patterns_ is not X
    assert m.beta_ == 0.3
    np.testing.assert_array_equal(m.separation_, ModernHopfield(X).separation())
    np.testing.assert_array_equal(
        m.retrieval_guaranteed_, ModernHopfield(X, 0.3).retrieval_condition()
    )
    assert m.n_features_in_ == 50


def test_auto_beta_is_the_smallest_guaranteeing_beta():
    X = _patterns()
    m = ModernHopfieldMemory(beta="auto").fit(X)
    assert m.beta_ == pytest.approx(ModernHopfield(X).retrieval_beta(), rel=1e-12)
    assert m.retrieval_guaranteed_.all()
    # and the patterns are then retrieved from noisy probes
    # and every query within distance r = 1/(βPM) of x_i updates to within r
    rng = np.random.RandomState(1)
    r = 1.0 / (m.beta_ * 8 * np.linalg.norm(X, axis=1).max())
    d = rng.normal(size=X.shape)
    d *= 0.99 * r / np.linalg.norm(d, axis=1, keepdims=True)
    out = ModernHopfieldMemory(beta="auto", max_iter=20).fit(X).predict(X + d)
    assert (np.linalg.norm(out - X, axis=1) <= r).all()


def test_auto_beta_refuses_duplicates_with_a_message():
    X = _patterns()
    m = ModernHopfieldMemory(beta="auto")
    with pytest.raises(ValueError, match="pattern .* separation"):
        m.fit(np.vstack([X, X[:1]]))
    assert not hasattr(m, "patterns_")
    assert ModernHopfieldMemory(beta="auto").fit(X[:1]).beta_ == 1.0


def test_one_step_predict_is_attention_and_transform_its_weights():
    X = _patterns()
    Q = _patterns(5, 50, seed=2)
    m = ModernHopfieldMemory(beta=0.2).fit(X)
    W = m.transform(Q)
    assert W.shape == (5, 8)
    np.testing.assert_allclose(W.sum(1), 1)
    np.testing.assert_allclose(
        m.predict(Q), ModernHopfield(X, 0.2).update(Q), rtol=1e-12
    )
    np.testing.assert_allclose(m.predict(Q), W @ X, rtol=1e-12)


def test_iterations_descend_the_energy_to_a_fixed_point():
    X = _patterns()
    Q = 0.3 * _patterns(6, 50, seed=3)
    beta = 0.05
    energies = [ModernHopfieldMemory(beta=beta).fit(X).energy(Q)]
    for k in (1, 2, 5, 50):
        m = ModernHopfieldMemory(beta=beta, max_iter=k, tol=0.0).fit(X)
        energies.append(m.energy(m.predict(Q)))
    E = np.array(energies)
    assert (np.diff(E, axis=0) <= 1e-9).all()
    m = ModernHopfieldMemory(beta=beta, max_iter=500, tol=1e-12).fit(X)
    fixed = m.predict(Q)
    np.testing.assert_allclose(ModernHopfield(X, beta).update(fixed), fixed, atol=1e-9)


def test_energy_and_scores():
    X = _patterns()
    m = ModernHopfieldMemory(beta=0.5).fit(X)
    Q = _patterns(4, 50, seed=4)
    np.testing.assert_allclose(m.energy(Q), ModernHopfield(X, 0.5).energy(Q))
    np.testing.assert_allclose(m.score_samples(Q), -m.energy(Q))
    assert m.score(Q) == pytest.approx(-m.energy(Q).mean())
    assert (m.energy(Q) >= 0).all()
    # stored patterns score higher than random states
    assert m.score(X) > m.score(Q)


def test_masked_queries_are_completed():
    digits = load_digits()
    # one image of eight digits (3 and 9 overlap too much for a dot product)
    X = digits.data[[0, 1, 2, 4, 5, 6, 7, 8]] / 16.0
    m = ModernHopfieldMemory(beta=50.0).fit(X)
    rng = np.random.RandomState(1)
    known = rng.uniform(size=X.shape) > 0.3  # 30% of the pixels unknown
    # NaN marks the unknown pixels ...
    partial = np.where(known, X, np.nan)
    out = m.predict(partial)
    np.testing.assert_allclose(out, X, atol=1e-3)
    # ... and so does a mask, with the same result
    np.testing.assert_allclose(m.predict(np.where(known, X, 0.3), mask=known), out)
    # the known features are kept exactly, whatever was retrieved
    noisy = np.where(known, X + 0.01, np.nan)
    got = m.predict(noisy)
    np.testing.assert_array_equal(got[known], noisy[known])
    # the weights come from the known features' overlaps only
    Q0 = np.where(known, X, 0.0)
    W = m.transform(partial)
    np.testing.assert_allclose(W, m.transform(Q0, mask=np.ones_like(known)), rtol=1e-12)
    # one complete row in the batch is retrieved as a noisy cue
    mixed = partial.copy()
    mixed[0] = X[0] + 0.01
    np.testing.assert_allclose(m.predict(mixed)[0], m.predict(mixed[:1])[0])
    # a row with nothing known is filled with the mean of the patterns
    empty = np.full((1, X.shape[1]), np.nan)
    np.testing.assert_allclose(m.predict(empty)[0], X.mean(0), rtol=1e-12)


def test_clamped_iterations_never_raise_the_energy():
    X = _patterns(6, 30)
    rng = np.random.RandomState(6)
    known = rng.uniform(size=(4, 30)) > 0.4
    Q = np.where(known, 0.5 * _patterns(4, 30, seed=7), np.nan)
    previous = None
    for k in (1, 2, 3, 10):
        m = ModernHopfieldMemory(beta=0.1, max_iter=k, tol=0.0).fit(X)
        E = m.energy(m.predict(Q))
        if previous is not None:
            assert (E <= previous + 1e-9).all()
        previous = E


def test_bad_mask_and_nan_in_fit_and_energy_raise():
    X = _patterns()
    m = ModernHopfieldMemory().fit(X)
    with pytest.raises(ValueError, match="mask must be a boolean"):
        m.predict(X, mask=np.ones((8, 49), dtype=bool))
    with pytest.raises(ValueError, match="mask must be a boolean"):
        m.predict(X, mask=np.ones((8, 50)))
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ModernHopfieldMemory().fit(bad)
    with pytest.raises(ValueError, match="NaN"):
        m.energy(bad)
    inf = X.copy()
    inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="inf"):
        m.predict(inf)
    with pytest.raises(ValueError, match="overflow"):
        ModernHopfieldMemory().fit(np.full((3, 4), 1e300))


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_plain_arrays_skip_validation_with_the_same_results(backend):
    """A C- or F-ordered float array takes the fast path (no validate_data);
    lists, strided views, NaN and inf take the validated one, with the same
    states and the same errors; a memory fitted with feature names still
    warns when given an array."""
    if backend == "torch":
        pytest.importorskip("torch")
    X = _patterns()
    Q = X + 0.1 * np.random.RandomState(3).normal(size=X.shape)
    m = ModernHopfieldMemory(beta=2.0, backend=backend).fit(X)
    ref = m.predict(Q.tolist())
    for q in (Q, np.asfortranarray(Q), np.repeat(Q, 2, axis=1)[:, ::2]):
        np.testing.assert_allclose(m.predict(q), ref, rtol=1e-12, atol=1e-12)
    nan = Q.copy()
    nan[1, :10] = np.nan
    known = ~np.isnan(nan)
    np.testing.assert_array_equal(
        m.predict(nan), m.predict(np.where(known, Q, 0.0), mask=known)
    )
    for bad in (np.inf, -np.inf):
        inf = Q.astype(np.float32)
        inf[2, 3] = bad
        with pytest.raises(ValueError, match="infinity"):
            m.predict(inf)
    with pytest.raises(ValueError, match="features"):
        m.predict(Q[:, :-1])
    with pytest.raises(ValueError, match="0 sample"):
        m.predict(Q[:0])
    pd = pytest.importorskip("pandas")
    named = ModernHopfieldMemory(beta=2.0, backend=backend).fit(
        pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    )
    with pytest.warns(UserWarning, match="feature names"):
        named.predict(Q)


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_float32_overflow_is_a_clear_error_without_warnings(backend):
    if backend == "torch":
        pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="squared norms of the patterns overflow"):
            ModernHopfieldMemory(backend=backend).fit(
                np.eye(4, dtype=np.float32) * 1e20
            )
        m = ModernHopfieldMemory(backend=backend).fit(
            np.eye(4, dtype=np.float32) * 1e15
        )
        with pytest.raises(ValueError, match="overlaps .* overflow") as info:
            m.predict(np.full((3, 4), 1e30, dtype=np.float32))
    assert type(info.value) is ValueError


@pytest.mark.parametrize("scale", [1.0, 255.0])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_beta_on_784_pixels_is_finite_and_silent(scale, dtype):
    rng = np.random.RandomState(7)
    X = (rng.uniform(size=(20, 784)) * scale).astype(dtype)
    Q = (X[:5] + 0.05 * scale * rng.normal(size=(5, 784))).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = ModernHopfieldMemory(beta=1e3).fit(X)
        out, W, E = m.predict(Q), m.transform(Q), m.score_samples(Q)
    assert out.dtype == dtype and W.dtype == dtype
    assert np.isfinite(out).all() and np.isfinite(W).all() and np.isfinite(E).all()
    np.testing.assert_allclose(out, X[:5], rtol=1e-6)


def test_float32_is_preserved():
    X = _patterns().astype(np.float32)
    m = ModernHopfieldMemory(beta=0.5).fit(X)
    assert m.patterns_.dtype == np.float32
    assert m.predict(X).dtype == np.float32
    assert m.transform(X).dtype == np.float32
    np.testing.assert_allclose(
        m.predict(X),
        ModernHopfieldMemory(beta=0.5).fit(X.astype(float)).predict(X),
        rtol=1e-4,
        atol=1e-5,
    )


def test_pipeline_and_grid_search_over_beta():
    """The memory stores the training images; its weights over them feed a
    classifier, and GridSearchCV tunes β."""
    digits = load_digits()
    X, y = digits.data[:240] / 16.0, digits.target[:240]
    pipe = Pipeline(
        [
            ("hopfield", ModernHopfieldMemory()),
            ("scale", StandardScaler()),
            ("clf", LogisticRegression(max_iter=300)),
        ]
    )
    search = GridSearchCV(pipe, {"hopfield__beta": [0.5, 5.0]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["hopfield__beta"] == 0.5
    assert search.best_score_ > 0.9
    assert search.predict(digits.data[240:250] / 16.0).shape == (10,)
    names = ModernHopfieldMemory().fit(X[:3]).get_feature_names_out()
    assert list(names) == [f"modernhopfieldmemory{i}" for i in range(3)]


def test_pickle_roundtrip():
    X = _patterns()
    m = ModernHopfieldMemory(beta="auto").fit(X)
    m2 = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(m2.predict(X), m.predict(X))


def test_torch_engine_equals_numpy():
    pytest.importorskip("torch")
    X = _patterns()
    rng = np.random.RandomState(8)
    Q = X + 0.3 * rng.normal(size=X.shape)
    Q[0, :10] = np.nan
    for dtype, rtol in [(np.float64, 1e-10), (np.float32, 1e-4)]:
        a = ModernHopfieldMemory(beta=0.2, max_iter=3).fit(X.astype(dtype))
        b = ModernHopfieldMemory(beta=0.2, max_iter=3, backend="torch").fit(
            X.astype(dtype)
        )
        Qd = Q.astype(dtype)
        np.testing.assert_allclose(b.predict(Qd), a.predict(Qd), rtol=rtol, atol=rtol)
        np.testing.assert_allclose(
            b.transform(Qd), a.transform(Qd), rtol=rtol, atol=rtol
        )
        assert b.predict(Qd).dtype == dtype
        np.testing.assert_allclose(b.energy(X), a.energy(X), rtol=1e-10)
    # the device copy is not pickled
    state = pickle.loads(pickle.dumps(b)).__dict__
    assert "_device_patterns" not in state
