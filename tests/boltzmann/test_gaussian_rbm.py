"""GaussianRBM against exact enumeration, and as a scikit-learn estimator."""

import pickle
import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skhopfield import GaussianRBM
from skhopfield._backend import Engine
from skhopfield.energy.layers import states as state_table


def _spins(n_samples, n_features, seed=0):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(n_samples, n_features))


def _structured_data(n_samples, n_features, seed=0):
    """Two noisy prototypes: data an RBM can learn."""
    rng = np.random.RandomState(seed)
    protos = rng.choice([-1.0, 1.0], size=(2, n_features))
    X = protos[rng.randint(2, size=n_samples)]
    flips = rng.rand(n_samples, n_features) < 0.1
    return np.where(flips, -X, X)


def _fitted(n_features=8, n_components=3, beta=1.0, seed=0, scale=0.5, **kw):
    rng = np.random.RandomState(seed)
    init = rng.normal(scale=scale, size=(n_features, n_components))
    rbm = GaussianRBM(
        n_components=n_components,
        beta=beta,
        n_iter=0,
        init=init,
        binarize=None,
        random_state=seed,
        **{"dtype": "float64", **kw},
    ).fit(_spins(20, n_features, seed))
    rbm.intercept_visible_ = rng.normal(scale=0.3, size=n_features)
    rbm.intercept_hidden_ = rng.normal(scale=0.3, size=n_components)
    return rbm


def _all_spins(n):
    """The 2**n states of n ±1 units (unit i is bit i of the row index)."""
    return state_table(0, 2**n, n, np.empty(0))


def _log_unnormalized(S, W, b, c, beta):
    """ln p(s) + ln Z = β [bᵀs + ½‖Wᵀs + c‖² − ½‖c‖²] of each row of S
    (Smart & Zilman (2021), Eq. E.5), written out."""
    return beta * (S @ b + 0.5 * ((S @ W + c) ** 2).sum(1) - 0.5 * c @ c)


def _exact_mean_ll_and_grad(S, W, b, c, beta):
    """Mean ln p(s) over S and its gradient in (W, b, c), by enumeration."""
    states = _all_spins(W.shape[0])
    log_w = _log_unnormalized(states, W, b, c, beta)
    p = np.exp(log_w - logsumexp(log_w))
    ll = np.mean(_log_unnormalized(S, W, b, c, beta)) - logsumexp(log_w)
    lam_data, lam_model = S @ W + c, states @ W + c
    gW = beta * (S.T @ lam_data / len(S) - (states * p[:, None]).T @ lam_model)
    gb = beta * (S.mean(0) - p @ states)
    gc = beta * (lam_data.mean(0) - p @ lam_model)
    return ll, gW, gb, gc


# -- exactness -------------------------------------------------------------------


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_score_samples_is_normalized_over_all_states(beta):
    rbm = _fitted(n_features=10, beta=beta)
    states = _all_spins(10)
    assert logsumexp(rbm.score_samples(states)) == pytest.approx(0.0, abs=1e-10)
    log_Z, err = rbm.log_partition()
    assert err == 0.0
    params = rbm._eval_params()
    assert log_Z == pytest.approx(
        logsumexp(
            _log_unnormalized(states, params["W"], params["b"], params["c"], beta)
        )
    )


def test_exact_gradient_formula_matches_finite_differences():
    rbm = _fitted(n_features=6, n_components=2, beta=0.7)
    P = rbm._eval_params()
    S = _spins(15, 6, seed=3)
    ll, gW, gb, gc = _exact_mean_ll_and_grad(S, P["W"], P["b"], P["c"], 0.7)
    eps = 1e-6
    for name, grad in (("W", gW), ("b", gb), ("c", gc)):
        for idx in np.ndindex(grad.shape):
            Pp = {k: v.copy() for k, v in P.items()}
            Pp[name][idx] += eps
            llp = _exact_mean_ll_and_grad(S, Pp["W"], Pp["b"], Pp["c"], 0.7)[0]
            assert (llp - ll) / eps == pytest.approx(grad[idx], rel=1e-3, abs=1e-5)


@pytest.mark.parametrize("beta", [0.5, 1.0])
def test_cd_update_with_many_gibbs_steps_matches_exact_gradient(beta):
    # CD-k's update is (1/β) × the gradient of the mean log-likelihood once the
    # k-step chains have mixed (weak enough couplings that 100 steps mix):
    # check it against enumeration
    rbm = _fitted(n_features=7, n_components=2, beta=beta, seed=1, scale=0.3)
    rbm.set_params(cd_steps=100, learning_rate=1.0, fit_intercept=True)
    data = _spins(12, 7, seed=5)
    S = np.repeat(data, 1500, axis=0)  # 18,000 chains from the data
    engine = Engine(random_state=0)
    params = rbm._params_from_attributes(engine, np.float64)
    before = {k: v.copy() for k, v in params.items()}
    rbm._chains = None
    rbm._update(S, params, engine)
    _, gW, gb, gc = _exact_mean_ll_and_grad(
        data, before["W"], before["b"], before["c"], beta
    )
    for name, grad in (("W", gW), ("b", gb), ("c", gc)):
        step = params[name] - before[name]
        np.testing.assert_allclose(step, grad / beta, atol=0.05)
    # and the test has power: CD-1 from the data is measurably biased here
    rbm.set_params(cd_steps=1)
    params1 = {k: v.copy() for k, v in before.items()}
    rbm._update(S, params1, engine)
    assert np.abs((params1["W"] - before["W"]) - gW / beta).max() > 0.08


def test_training_raises_exact_log_likelihood_monotonically_in_expectation():
    X = _structured_data(300, 8, seed=2)
    curves = []
    for seed in range(4):
        rbm = GaussianRBM(
            n_components=4,
            learning_rate=0.01,
            batch_size=50,
            cd_steps=5,
            binarize=None,
            random_state=seed,
            n_iter=1,
        ).fit(X)
        curve = [rbm.score(X)]
        for _ in range(15):
            rbm.partial_fit(X)
            curve.append(rbm.score(X))
        curves.append(curve)
    mean_curve = np.mean(curves, axis=0)
    assert np.all(np.diff(mean_curve) > -1e-3), mean_curve
    assert mean_curve[-1] > mean_curve[0] + 0.5


def test_ais_score_path_is_close_to_exact_and_deterministic():
    rbm = _fitted(n_features=10, n_components=3, beta=1.0, seed=2)
    exact, _ = rbm.log_partition()
    rbm.set_params(exact_max_features=0, n_ais_chains=200, n_ais_betas=300)
    log_Z, err = rbm.log_partition()
    assert err > 0
    assert abs(log_Z - exact) < max(0.05, 3 * err)
    X = _spins(5, 10)
    first = rbm.score_samples(X)
    state = pickle.dumps(rbm.get_params())
    np.testing.assert_array_equal(rbm.score_samples(X), first)
    assert pickle.dumps(rbm.get_params()) == state


# -- estimator behaviour -------------------------------------------------------


def test_transform_is_hidden_conditional_mean():
    rbm = _fitted()
    X = _spins(6, 8, seed=9)
    np.testing.assert_allclose(
        rbm.transform(X), X @ rbm.components_.T + rbm.intercept_hidden_
    )


def test_sample_and_gibbs_shapes_values_and_seeds():
    rbm = _fitted()
    s1 = rbm.sample(5, n_steps=10, random_state=0)
    assert s1.shape == (5, 8) and set(np.unique(s1)) <= {-1.0, 1.0}
    np.testing.assert_array_equal(s1, rbm.sample(5, n_steps=10, random_state=0))
    init = _spins(3, 8, seed=4)
    np.testing.assert_array_equal(rbm.sample(init=init, n_steps=0), init)
    assert rbm.gibbs(init, n_steps=2, random_state=1).shape == (3, 8)


def test_gibbs_chain_samples_the_model_distribution():
    rbm = _fitted(n_features=4, n_components=2, seed=3)
    samples = rbm.sample(20000, n_steps=30, random_state=0)
    codes = ((samples > 0) * (1 << np.arange(4))).sum(1)  # unit i is bit i
    freq = np.bincount(codes, minlength=16) / len(samples)
    exact = np.exp(rbm.score_samples(_all_spins(4)))
    assert 0.5 * np.abs(freq - exact).sum() < 0.02


def test_partial_fit_and_persistent_chains():
    X = _structured_data(120, 12)
    rbm = GaussianRBM(
        n_components=3,
        persistent=True,
        batch_size=40,
        learning_rate=1e-2,
        random_state=0,
    )
    rbm.partial_fit(X)
    rbm.partial_fit(X)
    assert rbm.n_iter_ == 2 and len(rbm.training_history_) == 2
    assert rbm._chains.shape == (40, 12)
    # a smaller batch does not restart the persistent chains (which the old
    # code did, shrinking them to the batch)
    rbm.partial_fit(X[:30])
    assert rbm._chains.shape == (40, 12)
    full = GaussianRBM(
        n_components=3,
        persistent=True,
        batch_size=40,
        learning_rate=1e-2,
        random_state=0,
        n_iter=2,
    ).fit(X)
    assert np.isfinite(full.components_).all()


def test_float32_preserved():
    X = _structured_data(50, 10).astype(np.float32)
    rbm = GaussianRBM(n_components=3, random_state=0, n_iter=2).fit(X)
    assert rbm.components_.dtype == np.float32
    assert rbm.transform(X).dtype == np.float32


def test_pipeline_and_grid_search_over_beta():
    X, y = load_digits(return_X_y=True)
    X, y = X[:400], y[:400]
    pipe = Pipeline(
        [
            (
                "rbm",
                GaussianRBM(
                    n_components=32,
                    binarize=4.0,
                    learning_rate=1e-3,
                    n_iter=3,
                    random_state=0,
                ),
            ),
            ("clf", LogisticRegression(max_iter=300)),
        ]
    )
    search = GridSearchCV(pipe, {"rbm__beta": [0.5, 1.0]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["rbm__beta"] in (0.5, 1.0)
    assert search.best_score_ > 0.7


def test_torch_model_pickles_and_scores_identically_with_numpy():
    pytest.importorskip("torch")
    X = _structured_data(100, 10)
    rbm = GaussianRBM(
        n_components=3, backend="torch", learning_rate=1e-2, n_iter=2, random_state=0
    ).fit(X)
    assert isinstance(rbm.components_, np.ndarray)
    expected = rbm.score_samples(X)
    loaded = pickle.loads(pickle.dumps(rbm))
    loaded.set_params(backend="numpy")
    np.testing.assert_allclose(loaded.score_samples(X), expected, rtol=1e-12)
    np.testing.assert_allclose(loaded.transform(X), rbm.transform(X))


def test_torch_and_numpy_training_agree_statistically():
    pytest.importorskip("torch")
    X = _structured_data(300, 8, seed=1)
    lls = {}
    for backend in ("numpy", "torch"):
        lls[backend] = np.array(
            [
                GaussianRBM(
                    n_components=4,
                    learning_rate=0.01,
                    batch_size=50,
                    cd_steps=5,
                    n_iter=10,
                    binarize=None,
                    backend=backend,
                    random_state=seed,
                )
                .fit(X)
                .score(X)
                for seed in range(12)
            ]
        )
    diff = lls["numpy"].mean() - lls["torch"].mean()
    se = np.sqrt(lls["numpy"].var(ddof=1) / 12 + lls["torch"].var(ddof=1) / 12)
    assert abs(diff) < 4 * se + 0.02
    # both engines learn: far above the untrained model
    untrained = (
        GaussianRBM(n_components=4, n_iter=0, binarize=None, random_state=0)
        .fit(X)
        .score(X)
    )
    assert min(lls["numpy"].mean(), lls["torch"].mean()) > untrained + 1.0


# -- bad input and numerical edge cases ------------------------------------------


def test_bad_input_raises_and_keeps_fitted_model():
    rbm = _fitted()
    W = rbm.components_.copy()
    X = _spins(4, 8)
    with pytest.raises(ValueError, match="has 5 features"):
        rbm.score(X[:, :5])
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        rbm.score(bad)
    with pytest.raises(ValueError, match="only -1 and \\+1"):
        rbm.score(np.abs(X) * 0.3)
    with pytest.raises(ValueError, match="init has shape"):
        rbm.set_params(init=np.zeros((3, 3))).fit(X)
    np.testing.assert_array_equal(rbm.components_, W)


def test_huge_beta_and_weights_do_not_overflow():
    X = _spins(10, 12)
    init = 1e3 * np.random.RandomState(0).normal(size=(12, 3))
    rbm = GaussianRBM(
        n_components=3,
        beta=1e3,
        init=init,
        n_iter=1,
        learning_rate=1e-6,
        binarize=None,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        rbm.fit(X)
        assert np.isfinite(rbm.score_samples(X)).all()
        assert np.isfinite(rbm.log_partition()[0])
        assert np.isfinite(rbm.sample(3, n_steps=5, random_state=0)).all()
        assert np.isfinite(rbm.transform(X)).all()


@pytest.mark.parametrize("backend", ["numpy", "torch"])
@pytest.mark.parametrize("beta", [1e-300, 1e300])
def test_float32_training_with_beta_beyond_float32_range(beta, backend):
    # fuzz findings: with float32 data, beta = 1e300 (2β beyond float32) or
    # 1e-300 (1/√β beyond it) met 0·inf in the Gibbs step (NaN
    # probabilities, "overflow encountered in cast"), and ln p* = β(…)
    # overflowed float32, so the pseudo-likelihood of the history was
    # inf − inf (a RuntimeWarning, then NaN)
    if backend == "torch":
        pytest.importorskip("torch")
    X = _spins(20, 8).astype(np.float32)
    rbm = GaussianRBM(
        n_components=3,
        beta=beta,
        n_iter=2,
        batch_size=10,
        learning_rate=1e-2,
        backend=backend,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        rbm.fit(X)
        history = [h["pseudo_log_likelihood"] for h in rbm.training_history_]
        assert np.isfinite(history).all()
        assert np.isfinite(rbm.score_samples(X)).all()
        S = rbm.sample(init=X[:4], n_steps=3, random_state=0)
    assert S.dtype == np.float32
    assert np.isin(S, [-1.0, 1.0]).all()
