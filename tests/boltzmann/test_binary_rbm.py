"""BinaryRBM against exact enumeration, scikit-learn's BernoulliRBM and SpinRBM.

The reference log-likelihood sums exp(−E(v, h)) over every joint state of a
{0, 1} RBM, with E(v, h) = −vᵀWh − bᵀv − cᵀh written out here independently
of skhopfield (itertools enumeration, scipy's logsumexp).
"""

import itertools

import numpy as np
import pytest
from scipy import stats
from scipy.special import expit, logsumexp
from sklearn.base import clone
from sklearn.neural_network import BernoulliRBM

from skhopfield import BinaryRBM, SpinRBM

try:  # bars and stripes 3 x 3, mapped to {0, 1}
    from skhopfield.datasets import make_bars_and_stripes

    BAS = (make_bars_and_stripes(3, test_size=0, random_state=0)[0] + 1.0) / 2.0
except ImportError:  # pragma: no cover - the data set module is optional here
    BAS = None


def all_states(n):
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def ref_log_p(X, W, b, c):
    """ln p(v) of each row of X by summing over every joint state (v, h)."""
    Vs, Hs = all_states(W.shape[0]), all_states(W.shape[1])
    log_Z = logsumexp(Vs @ W @ Hs.T + (Vs @ b)[:, None] + (Hs @ c)[None, :])
    X = np.asarray(X, dtype=np.float64)
    return (
        logsumexp(X @ W @ Hs.T + (X @ b)[:, None] + (Hs @ c)[None, :], axis=1) - log_Z
    )


def ref_grad(X, W, b, c):
    """∇ mean ln p(X) from the joint table: data minus model statistics."""
    Vs, Hs = all_states(W.shape[0]), all_states(W.shape[1])
    lw = Vs @ W @ Hs.T + (Vs @ b)[:, None] + (Hs @ c)[None, :]
    P = np.exp(lw - logsumexp(lw))
    T = expit(X @ W + c)
    return (
        X.T @ T / len(X) - Vs.T @ P @ Hs,
        X.mean(0) - P.sum(1) @ Vs,
        T.mean(0) - P.sum(0) @ Hs,
    )


def params(est):
    return est.components_.T, est.intercept_visible_, est.intercept_hidden_


def mean_ll(est, X):
    return float(np.mean(ref_log_p(X, *params(est))))


def random_bits(n, V, seed=0, p=0.5):
    return (np.random.RandomState(seed).rand(n, V) < p).astype(np.float64)


def fitted(V=8, H=5, seed=0, scale=0.8, **kw):
    """A BinaryRBM with given random parameters (n_iter=0 fit, then set)."""
    rng = np.random.RandomState(seed)
    est = BinaryRBM(
        n_components=H,
        n_iter=0,
        init=scale * rng.randn(V, H),
        random_state=seed,
        **{"dtype": "float64", **kw},
    )
    est.fit(random_bits(10, V, seed))
    est.intercept_visible_ = 0.5 * rng.randn(V)
    est.intercept_hidden_ = 0.5 * rng.randn(H)
    return est


@pytest.fixture
def sklearn_rbm():
    X = random_bits(40, 8, seed=1, p=0.3)
    X[:20, :4] = 1.0  # some structure
    return BernoulliRBM(
        n_components=5, learning_rate=0.05, n_iter=30, batch_size=10, random_state=0
    ).fit(X), X


# -- exact likelihood ----------------------------------------------------------------
@pytest.mark.parametrize("V, H", [(8, 5), (5, 8)])
def test_score_samples_is_the_exact_log_likelihood(V, H):
    est = fitted(V, H, seed=V)
    Vs = all_states(V)
    lp = est.score_samples(Vs)
    assert lp.dtype == np.float64 and lp.shape == (2**V,)
    np.testing.assert_allclose(lp, ref_log_p(Vs, *params(est)), atol=1e-10)
    assert np.exp(lp).sum() == pytest.approx(1.0, abs=1e-12)
    assert est.score(Vs[:7]) == pytest.approx(lp[:7].mean(), abs=1e-12)
    log_Z, se = est.log_partition()
    assert se == 0.0
    # the fitted model as an RBM of two {0, 1} layers
    model = est.rbm_
    assert (
        type(model.visible).__name__ == "Binary"
        and type(model.hidden).__name__ == "Binary"
    )
    np.testing.assert_array_equal(model.W, est.components_.T)
    assert model.log_partition_exact() == pytest.approx(log_Z, abs=1e-12)
    Hs = all_states(H)
    W, b, c = params(est)
    assert log_Z == pytest.approx(
        logsumexp(Vs @ W @ Hs.T + (Vs @ b)[:, None] + (Hs @ c)[None, :]), abs=1e-10
    )


def test_ais_path_is_within_0_05_nats_of_the_exact_path():
    est = fitted(12, 6, seed=3, scale=1.0)
    exact, _ = est.log_partition()
    est.set_params(exact_max_units=0, n_ais_chains=200, n_ais_betas=1000)
    log_Z, se = est.log_partition()
    assert se > 0 and abs(log_Z - exact) < 0.05 and abs(log_Z - exact) < 4 * se + 0.02
    # the same seed gives the same estimate, and score_samples uses it
    assert est.log_partition() == (log_Z, se)
    X = random_bits(5, 12, seed=4)
    np.testing.assert_allclose(
        est.score_samples(X), ref_log_p(X, *params(est)) + exact - log_Z, atol=1e-10
    )


def test_transform_is_the_hidden_probability_and_equals_bernoulli_rbm(sklearn_rbm):
    sk, X = sklearn_rbm
    est = fitted(8, 5, seed=5)
    W, b, c = params(est)
    np.testing.assert_allclose(
        est.transform(X), expit(X @ W + c), rtol=1e-12, atol=1e-15
    )
    # BernoulliRBM with the same parameters gives the same features
    sk.components_ = est.components_.copy()
    sk.intercept_hidden_ = est.intercept_hidden_.copy()
    sk.intercept_visible_ = est.intercept_visible_.copy()
    np.testing.assert_allclose(
        est.transform(X), sk.transform(X), rtol=1e-12, atol=1e-15
    )
    # default binarize=0.5: real data is thresholded first
    R = np.random.RandomState(0).rand(6, 8)
    np.testing.assert_allclose(est.transform(R), est.transform((R > 0.5).astype(float)))


def test_from_sklearn_gives_the_true_likelihood_of_a_bernoulli_rbm(sklearn_rbm):
    sk, X = sklearn_rbm
    est = BinaryRBM.from_sklearn(sk)
    np.testing.assert_array_equal(est.components_, sk.components_)
    np.testing.assert_array_equal(est.intercept_visible_, sk.intercept_visible_)
    np.testing.assert_array_equal(est.intercept_hidden_, sk.intercept_hidden_)
    for name in ("components_", "intercept_visible_", "intercept_hidden_"):
        assert not np.shares_memory(getattr(est, name), getattr(sk, name))
    assert est.n_components == 5 and est.learning_rate == 0.05 and est.random_state == 0
    assert est.n_features_in_ == 8 and est.n_iter_ == sk.n_iter
    np.testing.assert_allclose(est.transform(X), sk.transform(X), rtol=1e-12)
    truth = ref_log_p(X, sk.components_.T, sk.intercept_visible_, sk.intercept_hidden_)
    np.testing.assert_allclose(est.score_samples(X), truth, atol=1e-10)
    # sklearn's score_samples is a pseudo-likelihood, not ln p
    assert np.abs(sk.score_samples(X) - truth).max() > 0.1
    # parameters can be overridden
    other = BinaryRBM.from_sklearn(sk, n_ais_chains=7, random_state=3)
    assert other.n_ais_chains == 7 and other.random_state == 3
    with pytest.raises(TypeError, match="BernoulliRBM"):
        BinaryRBM.from_sklearn(est)


def test_partial_fit_continues_an_imported_model(sklearn_rbm):
    sk, X = sklearn_rbm
    est = BinaryRBM.from_sklearn(sk, persistent=True)
    before = est.components_.copy()
    est.partial_fit(X)
    assert est.n_iter_ == sk.n_iter + 1
    assert not np.array_equal(est.components_, before)
    spin = est.to_spin_rbm()
    spin.partial_fit(2 * X - 1)
    assert spin.n_iter_ == sk.n_iter + 2


# -- {0, 1} <-> ±1 -----------------------------------------------------------------
def test_to_spin_rbm_is_the_same_distribution():
    est = fitted(7, 4, seed=7, n_ais_chains=50)
    spin = est.to_spin_rbm()
    assert isinstance(spin, SpinRBM)
    assert spin.n_components == 4 and spin.n_ais_chains == 50 and spin.random_state == 7
    Vs = all_states(7)
    np.testing.assert_allclose(
        spin.score_samples(2 * Vs - 1), est.score_samples(Vs), atol=1e-10
    )
    log_Z_b, _ = est.log_partition()
    log_Z_s, _ = spin.log_partition()
    assert log_Z_b == pytest.approx(log_Z_s + est.log_partition_offset(), abs=1e-10)
    W, b, c = params(est)
    assert est.log_partition_offset() == pytest.approx(
        W.sum() / 4 + b.sum() / 2 + c.sum() / 2
    )
    # the SpinRBM's parameters are the documented ones
    np.testing.assert_allclose(spin.components_.T, W / 4, rtol=1e-12)
    np.testing.assert_allclose(
        spin.intercept_visible_, b / 2 + W.sum(1) / 4, rtol=1e-12
    )
    np.testing.assert_allclose(spin.intercept_hidden_, c / 2 + W.sum(0) / 4, rtol=1e-12)
    # round trip
    back = BinaryRBM.from_spin_rbm(spin)
    for a, w in zip(params(back), params(est), strict=True):
        np.testing.assert_allclose(a, w, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        back.score_samples(Vs), est.score_samples(Vs), atol=1e-10
    )
    assert back.n_features_in_ == 7
    with pytest.raises(TypeError, match="SpinRBM"):
        BinaryRBM.from_spin_rbm(est)


# -- training ------------------------------------------------------------------------
@pytest.mark.skipif(
    BAS is None, reason="skhopfield.datasets.make_bars_and_stripes missing"
)
@pytest.mark.parametrize(
    "kw",
    [
        dict(),  # CD-1
        dict(persistent=True, n_chains=20),  # PCD
        dict(cd_steps=3),  # CD-3
        dict(exact_gradient=True),
    ],
    ids=["cd1", "pcd", "cd3", "exact"],
)
def test_training_increases_the_exact_log_likelihood(kw):
    X = BAS
    assert X.shape == (12, 9) and set(np.unique(X)) == {0.0, 1.0}
    # the default init, N(0, 0.01²), is all but the uniform distribution;
    # training starts from larger weights (the symmetric data make W = 0 a
    # saddle that small weights leave slowly)
    uniform = BinaryRBM(n_components=6, n_iter=0, random_state=0).fit(X)
    assert mean_ll(uniform, X) == pytest.approx(-9 * np.log(2), abs=0.01)
    W0 = 0.5 * np.random.RandomState(0).randn(9, 6)
    init = BinaryRBM(n_components=6, n_iter=0, init=W0).fit(X)
    est = BinaryRBM(
        n_components=6,
        batch_size=4,
        learning_rate=0.3,
        n_iter=100,
        init=W0,
        random_state=0,
        **kw,
    ).fit(X)
    before, after = mean_ll(init, X), mean_ll(est, X)
    assert after > before + 2.0, (before, after)
    assert after > -9 * np.log(2) + 1.0, after
    assert est.score(X) == pytest.approx(after, abs=1e-10)
    assert est.n_iter_ == 100 and len(est.training_history_) == 100


@pytest.mark.parametrize("V, H", [(6, 4), (4, 7)])
def test_exact_gradient_training_is_gradient_ascent_on_the_exact_likelihood(V, H):
    rng = np.random.RandomState(V + H)
    X = random_bits(11, V, seed=V, p=0.4)
    W0 = 0.5 * rng.randn(V, H)
    lr = 0.05
    est = BinaryRBM(
        n_components=H,
        learning_rate=lr,
        batch_size=11,
        n_iter=2,
        init=W0,
        exact_gradient=True,
        binarize=None,
        random_state=0,
        dtype="float64",
    ).fit(X)
    # the same two full-batch steps by hand
    W, b, c = W0.copy(), np.zeros(V), np.zeros(H)
    for _ in range(2):
        gW, gb, gc = ref_grad(X, W, b, c)
        # (the reference gradient is ∇ mean ln p: check one entry numerically)
        eps = 1e-6
        Wp, Wm = W.copy(), W.copy()
        Wp[1, 2] += eps
        Wm[1, 2] -= eps
        num = (ref_log_p(X, Wp, b, c).mean() - ref_log_p(X, Wm, b, c).mean()) / (
            2 * eps
        )
        assert gW[1, 2] == pytest.approx(num, abs=1e-7)
        W, b, c = W + lr * gW, b + lr * gb, c + lr * gc
    for got, want in zip(params(est), (W, b, c), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    # fit_intercept=False holds the biases at 0
    still = BinaryRBM(
        n_components=H,
        learning_rate=lr,
        batch_size=11,
        n_iter=1,
        init=W0,
        exact_gradient=True,
        fit_intercept=False,
        random_state=0,
        dtype="float64",
    ).fit(X)
    assert not still.intercept_visible_.any() and not still.intercept_hidden_.any()
    np.testing.assert_allclose(
        still.components_.T,
        W0 + lr * ref_grad(X, W0, np.zeros(V), np.zeros(H))[0],
        rtol=1e-10,
    )


def test_exact_gradient_refuses_a_large_smaller_layer():
    X = random_bits(5, 6)
    with pytest.raises(ValueError, match="exact_max_units=3.*CD-k or PCD"):
        BinaryRBM(n_components=4, exact_gradient=True, exact_max_units=3).fit(X)


def test_partial_fit_continues_fit():
    X = random_bits(12, 6, seed=2, p=0.4)
    kw = dict(
        n_components=3,
        learning_rate=0.1,
        batch_size=4,
        exact_gradient=True,
        random_state=0,
    )
    three = BinaryRBM(n_iter=3, **kw).fit(X)
    two = BinaryRBM(n_iter=2, **kw).fit(X)
    two.partial_fit(X)
    for a, b in zip(params(two), params(three), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert two.n_iter_ == 3 and len(two.training_history_) == 3
    # with sampled chains: a first partial_fit initializes, the next continue
    est = BinaryRBM(n_components=3, persistent=True, n_chains=5, random_state=0)
    est.partial_fit(X)
    first = est.components_.copy()
    est.partial_fit(X)
    assert est.n_iter_ == 2 and not np.array_equal(first, est.components_)


def test_binarize_none_rejects_non_binary_data_and_leaves_the_model_unchanged():
    X = random_bits(10, 5, seed=3)
    est = BinaryRBM(n_components=2, n_iter=2, binarize=None, random_state=0).fit(X)
    saved = {k: v.copy() for k, v in vars(est).items() if isinstance(v, np.ndarray)}
    n_iter = est.n_iter_
    bad = X.copy()
    bad[2, 3] = 0.5
    bad[4, 1] = -1.0
    for call in (est.partial_fit, est.fit):
        with pytest.raises(
            ValueError, match=r"binarize=None needs \{0, 1\} data.*-1\.0, 0\.5"
        ):
            call(bad)
        for k, v in saved.items():
            np.testing.assert_array_equal(getattr(est, k), v)
        assert est.n_iter_ == n_iter
    for method in (est.transform, est.score_samples, est.gibbs):
        with pytest.raises(ValueError, match="Pass a threshold as binarize"):
            method(bad)
    with pytest.raises(ValueError, match="binarize=None"):
        est.sample(init=bad)


def test_sample_and_gibbs_return_bits_from_the_exact_distribution():
    est = fitted(4, 3, seed=9, scale=1.0)
    S = est.sample(n_samples=20000, n_steps=40, random_state=0)
    assert S.shape == (20000, 4) and set(np.unique(S)) == {0.0, 1.0}
    Vs = all_states(4)
    p = np.exp(ref_log_p(Vs, *params(est)))
    idx = (S @ (2 ** np.arange(3, -1, -1))).astype(int)  # itertools order
    counts = np.bincount(idx, minlength=16)
    assert stats.chisquare(counts, 20000 * p).pvalue > 1e-3
    W, b, c = params(est)
    p_wrong = np.exp(ref_log_p(Vs, 1.5 * W, b, c))
    assert stats.chisquare(counts, 20000 * p_wrong).pvalue < 1e-6
    G = est.gibbs(S[:50], n_steps=2, random_state=0)
    assert G.shape == (50, 4) and set(np.unique(G)) <= {0.0, 1.0}
    np.testing.assert_array_equal(est.gibbs(S[:50], n_steps=0), S[:50])


# -- torch -----------------------------------------------------------------------------
@pytest.fixture
def torch_one_thread():
    torch = pytest.importorskip("torch")
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(n_threads)


def test_torch_backend_fits_and_agrees(torch_one_thread):
    X = random_bits(12, 6, seed=5, p=0.4)
    W0 = 0.3 * np.random.RandomState(0).randn(6, 4)
    kw = dict(
        n_components=4,
        learning_rate=0.1,
        batch_size=4,
        n_iter=3,
        init=W0,
        exact_gradient=True,
        random_state=0,
        dtype="float64",
    )
    a = BinaryRBM(**kw).fit(X)
    b = BinaryRBM(backend="torch", **kw).fit(X)
    for x, y in zip(params(a), params(b), strict=True):
        assert isinstance(y, np.ndarray)
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b.score_samples(X), a.score_samples(X), atol=1e-10)
    # CD-1 on torch learns as on numpy (different random streams)
    if BAS is not None:
        W0 = 0.5 * np.random.RandomState(0).randn(9, 6)
        cd = dict(
            n_components=6,
            learning_rate=0.3,
            batch_size=4,
            n_iter=100,
            init=W0,
            random_state=0,
        )
        ll_np = mean_ll(BinaryRBM(**cd).fit(BAS), BAS)
        ll_t = mean_ll(BinaryRBM(backend="torch", **cd).fit(BAS), BAS)
        assert ll_t > -9 * np.log(2) + 1.0 and abs(ll_np - ll_t) < 0.5, (ll_np, ll_t)
    # and torch sampling draws the exact distribution of the fitted model
    S = b.sample(n_samples=20000, n_steps=30, random_state=0)
    Vs = all_states(6)
    p = np.exp(ref_log_p(Vs, *params(b)))
    idx = (S @ (2 ** np.arange(5, -1, -1))).astype(int)
    counts = np.bincount(idx, minlength=64)
    assert stats.chisquare(counts, 20000 * p).pvalue > 1e-3


def test_ais_starts_from_the_base_rate_of_the_training_data():
    rng = np.random.RandomState(3)
    # sparse data: most units off, as in binarized images
    X = (rng.rand(400, 14) < np.linspace(0.02, 0.4, 14)).astype(float)
    est = BinaryRBM(
        n_components=5,
        learning_rate=0.1,
        n_iter=20,
        fit_intercept=False,
        init=0.5 * rng.randn(14, 5),
        random_state=0,
    ).fit(X)
    p = (X.sum(0) + 1) / (len(X) + 2)
    np.testing.assert_allclose(est.ais_base_bias_, np.log(p / (1 - p)))
    exact = est.log_partition()[0]
    ais = clone(est).set_params(exact_max_units=0, n_ais_chains=300, n_ais_betas=500)
    ais = ais.fit(X)
    assert ais.log_partition()[1] > 0
    assert abs(ais.log_partition()[0] - exact) < 0.05
    # the ±1 twin starts from the same independent units
    spin = est.to_spin_rbm()
    np.testing.assert_allclose(spin.ais_base_bias_, 0.5 * est.ais_base_bias_)
    back = BinaryRBM.from_spin_rbm(spin)
    np.testing.assert_allclose(back.ais_base_bias_, est.ais_base_bias_)


def test_from_sklearn_takes_the_base_rate_from_data(sklearn_rbm):
    sk, X = sklearn_rbm
    own = BinaryRBM.from_sklearn(sk)
    np.testing.assert_array_equal(own.ais_base_bias_, sk.intercept_visible_)
    data = BinaryRBM.from_sklearn(sk, X)
    p = (np.asarray(X, dtype=float).sum(0) + 1) / (len(X) + 2)
    np.testing.assert_allclose(data.ais_base_bias_, np.log(p / (1 - p)))
