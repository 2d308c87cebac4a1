"""Brute-force checks of the ±1 RBM ``RBM(Spin(b), Spin(c), W)`` and RAPID.

The model of Pozas-Kerstjens et al. (2021), as an
:class:`skhopfield.energy.rbm.RBM` of two ±1 layers, with RAPID's weights
``W = ξ_vᵀξ_h/√K`` from :class:`skhopfield.energy.rbm.Patterns`. Every
formula is compared with sums over all joint states (v, h) of a ±1/±1 RBM
small enough to enumerate (V, H <= 10), written out independently of the
package: E(v, h) term by term, p(v, h) ∝ exp(−E), marginals and
conditionals by summation.
"""

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from skhopfield._backend import Engine
from skhopfield.energy.layers import Spin, _independent_bias, states
from skhopfield.energy.rbm import RBM, Patterns

SHAPES = [(3, 5), (6, 2), (4, 4), (10, 7), (7, 10)]


def make_model(seed, V, H, scale=0.5, bias_scale=0.3):
    rng = np.random.RandomState(seed)
    return (
        scale * rng.randn(V, H),
        bias_scale * rng.randn(V),
        bias_scale * rng.randn(H),
    )


def rbm(W, b, c):
    """The ±1 RBM of these parameters (dense weights or :class:`Patterns`)."""
    return RBM(Spin(b), Spin(c), W)


def all_states(n):
    return np.array(list(itertools.product([-1.0, 1.0], repeat=n)))


def brute_joint(W, b, c):
    """All (v, h) pairs and their log-weights −E(v, h), written out."""
    Vs, Hs = all_states(W.shape[0]), all_states(W.shape[1])
    neg_E = np.array(
        [[v @ W @ h + b @ v + c @ h for h in Hs] for v in Vs]
    )  # (2^V, 2^H)
    return Vs, Hs, neg_E


@pytest.mark.parametrize("V, H", SHAPES)
def test_energy_free_energies_and_log_Z_match_enumeration(V, H):
    W, b, c = make_model(V * 10 + H, V, H)
    model = rbm(W, b, c)
    Vs, Hs, neg_E = brute_joint(W, b, c)
    rng = np.random.RandomState(0)
    i, j = rng.randint(len(Vs), size=6), rng.randint(len(Hs), size=6)
    assert np.allclose(model.energy(Vs[i], Hs[j]), -neg_E[i, j])
    # F(v) = −ln Σ_h e^{−E}, F(h) = −ln Σ_v e^{−E}
    assert np.allclose(model.free_energy(Vs), -logsumexp(neg_E, axis=1))
    assert np.allclose(model.mirror().free_energy(Hs), -logsumexp(neg_E, axis=0))
    log_Z = logsumexp(neg_E)
    assert model.log_partition_exact() == pytest.approx(log_Z, abs=1e-10)
    assert model.log_partition_exact(chunk_size=3) == pytest.approx(log_Z, abs=1e-10)
    log_p = model.log_prob(Vs)
    assert np.allclose(log_p, logsumexp(neg_E, axis=1) - log_Z)
    assert np.exp(log_p).sum() == pytest.approx(1.0)


@pytest.mark.parametrize("V, H", SHAPES)
def test_conditionals_match_enumeration(V, H):
    W, b, c = make_model(V + 3 * H, V, H)
    model = rbm(W, b, c)
    Vs, Hs, neg_E = brute_joint(W, b, c)
    # p(h_α = +1 | v) from the joint table, for every v
    p_h = np.exp(neg_E - logsumexp(neg_E, axis=1, keepdims=True))
    want_h = p_h @ (Hs > 0)  # (2^V, H)
    field = model.inputs_h(Vs) + c
    assert np.allclose(1.0 / (1.0 + np.exp(-2.0 * field)), want_h)
    assert np.allclose(model.mean_h(Vs), p_h @ Hs)
    p_v = np.exp(neg_E - logsumexp(neg_E, axis=0, keepdims=True)).T
    assert np.allclose(model.mean_v(Hs), p_v @ Vs)
    assert np.allclose(
        1.0 / (1.0 + np.exp(-2.0 * (model.inputs_v(Hs) + b))), p_v @ (Vs > 0)
    )


@pytest.mark.parametrize("V, H", SHAPES)
def test_exact_model_statistics_match_enumeration(V, H):
    W, b, c = make_model(2 * V + H, V, H)
    Vs, Hs, neg_E = brute_joint(W, b, c)
    P = np.exp(neg_E - logsumexp(neg_E))
    want_vh = Vs.T @ P @ Hs
    vh, v, h = rbm(W, b, c).model_statistics_exact(chunk_size=5)
    assert np.allclose(vh, want_vh)
    assert np.allclose(v, P.sum(1) @ Vs)
    assert np.allclose(h, P.sum(0) @ Hs)


@pytest.mark.parametrize("V, H", SHAPES)
def test_ground_state_matches_enumeration(V, H):
    W, b, c = make_model(5 * V + H, V, H, scale=1.0)
    Vs, Hs, neg_E = brute_joint(W, b, c)
    model = rbm(W, b, c)
    e0, v, h = model.ground_state()
    assert e0 == pytest.approx(-neg_E.max(), abs=1e-10)
    assert model.energy(v[None], h[None])[0] == pytest.approx(e0)
    i, j = np.unravel_index(np.argmax(neg_E), neg_E.shape)
    assert np.array_equal(v, Vs[i]) and np.array_equal(h, Hs[j])


@pytest.mark.parametrize("V, H", [(6, 9), (9, 4)])
@pytest.mark.parametrize("seed", range(4))
def test_mattis_model_ground_states_are_plus_minus_the_pattern(V, H, seed):
    """K = 1 (Pozas-Kerstjens et al. 2021, Sec. IV.C): the only ground states are ±ξ."""
    rng = np.random.RandomState(seed)
    xi_v = rng.choice([-1.0, 1.0], size=(1, V))
    xi_h = rng.choice([-1.0, 1.0], size=(1, H))
    W = Patterns(xi_v, xi_h).dense()
    assert np.allclose(W, np.outer(xi_v, xi_h))
    zeros_v, zeros_h = np.zeros(V), np.zeros(H)
    xi = np.r_[xi_v[0], xi_h[0]]
    # the same ground states with the dense weights and with the patterns
    for weights in (W, Patterns(xi_v, xi_h)):
        e0, v, h = rbm(weights, zeros_v, zeros_h).ground_state(return_all=True)
        got = {tuple(np.r_[a, b_]) for a, b_ in zip(v, h, strict=True)}
        assert got == {tuple(xi), tuple(-xi)}
        assert e0 == pytest.approx(-V * H)
    # and by brute force over every joint state
    _, _, neg_E = brute_joint(W, zeros_v, zeros_h)
    assert (np.isclose(neg_E, V * H)).sum() == 2


def test_pattern_field_and_weights():
    rng = np.random.RandomState(1)
    xi_v, xi_h = rng.uniform(-1, 1, (3, 7)), rng.uniform(-1, 1, (3, 5))
    c = rng.randn(5)
    W = Patterns(xi_v, xi_h).dense()
    assert np.allclose(
        W, sum(np.outer(xi_v[k], xi_h[k]) for k in range(3)) / math.sqrt(3)
    )
    X = rng.choice([-1.0, 1.0], size=(4, 7))
    assert np.allclose(Patterns(xi_v, xi_h).forward(X) + c, X @ W + c)
    H = rng.choice([-1.0, 1.0], size=(4, 5))
    assert np.allclose(Patterns(xi_v, xi_h).backward(H), H @ W.T)
    model = rbm(Patterns(xi_v, xi_h), np.zeros(7), c)
    assert np.allclose(model.inputs_h(X), X @ W)
    assert np.allclose(model.W, W)


def _pid_objective(xi_v, xi_h, X, V_neg, b, c):
    """J(ξ) = mean_data ln p*(v) − mean_neg ln p*(v): its gradient with the
    negative states held fixed is the PID gradient (Pozas-Kerstjens et al.
    2021, Eqs. 6, A5)."""
    model = rbm(Patterns(xi_v, xi_h).dense(), b, c)
    return np.mean(-model.free_energy(X)) - np.mean(-model.free_energy(V_neg))


@pytest.mark.parametrize("K", [1, 3])
def test_pid_gradient_equals_finite_differences_of_the_pid_objective(K):
    rng = np.random.RandomState(K)
    V, H = 6, 8
    xi_v = rng.uniform(-1, 1, (K, V))
    xi_h = rng.uniform(-1, 1, (K, H))
    b, c = 0.2 * rng.randn(V), 0.2 * rng.randn(H)
    X = rng.choice([-1.0, 1.0], size=(5, V))
    V_neg = np.where(xi_v >= 0, 1.0, -1.0)  # PID: the binarized visible patterns
    grads = rbm(Patterns(xi_v, xi_h), b, c).gradient(X, V_neg)
    gv, gh = grads["xi_v"], grads["xi_h"]
    eps = 1e-6
    for xi, grad, which in ((xi_v, gv, 0), (xi_h, gh, 1)):
        num = np.zeros_like(xi)
        for idx in np.ndindex(*xi.shape):
            up, down = xi.copy(), xi.copy()
            up[idx] += eps
            down[idx] -= eps
            args_up = (up, xi_h) if which == 0 else (xi_v, up)
            args_down = (down, xi_h) if which == 0 else (xi_v, down)
            num[idx] = (
                _pid_objective(*args_up, X, V_neg, b, c)
                - _pid_objective(*args_down, X, V_neg, b, c)
            ) / (2 * eps)
        assert np.allclose(grad, num, atol=1e-7), which


def test_exact_pattern_gradient_is_the_log_likelihood_gradient():
    """With exact model weights, pattern_gradient is ∇_ξ mean ln p(v)."""
    rng = np.random.RandomState(7)
    K, V, H = 2, 5, 4
    xi_v, xi_h = rng.uniform(-1, 1, (K, V)), rng.uniform(-1, 1, (K, H))
    b, c = np.zeros(V), np.zeros(H)
    X = rng.choice([-1.0, 1.0], size=(6, V))
    Vs = all_states(V)

    def ll(xv, xh):
        return np.mean(rbm(Patterns(xv, xh).dense(), b, c).log_prob(X))

    model = rbm(Patterns(xi_v, xi_h), b, c)
    p = np.exp(model.log_prob(Vs))
    grads = model.gradient(X, Vs, w_neg=p)
    gv, gh = grads["xi_v"], grads["xi_h"]
    # the exact gradient (enumerated model statistics) is the same
    exact = model.exact_gradient(X)
    for key in ("xi_v", "xi_h", "b", "c"):
        np.testing.assert_allclose(exact[key], grads[key], atol=1e-12)
    eps = 1e-6
    k, i, a = 1, 3, 2
    up, down = xi_v.copy(), xi_v.copy()
    up[k, i] += eps
    down[k, i] -= eps
    num = (ll(up, xi_h) - ll(down, xi_h)) / (2 * eps)
    assert gv[k, i] == pytest.approx(num, abs=1e-7)
    up, down = xi_h.copy(), xi_h.copy()
    up[k, a] += eps
    down[k, a] -= eps
    num = (ll(xi_v, up) - ll(xi_v, down)) / (2 * eps)
    assert gh[k, a] == pytest.approx(num, abs=1e-7)


@pytest.mark.parametrize("V, H", [(10, 8), (8, 10)])
@pytest.mark.parametrize("scale", [0.3, 1.0])
def test_ais_within_0_05_nats_of_exact(V, H, scale):
    model = rbm(*make_model(V * H, V, H, scale=scale))
    exact = model.log_partition_exact()
    kwargs = dict(n_chains=200, n_betas=2000, random_state=0, schedule="linear")
    est, se = model.log_partition_ais(**kwargs)
    assert abs(est - exact) < 0.05
    assert 0 <= se < 0.05
    # the estimate is reproducible and depends on the seed only
    assert model.log_partition_ais(**kwargs)[0] == est


def test_ais_is_exact_for_independent_units():
    """W = 0: every AIS weight is 1, ln Z = Σ ln 2cosh(b) + Σ ln 2cosh(c)."""
    b, c = np.array([0.3, -1.0, 2.0]), np.array([0.5, 0.0])
    model = rbm(np.zeros((3, 2)), b, c)
    est, se = model.log_partition_ais(n_chains=10, n_betas=5, schedule="linear")
    assert est == pytest.approx(model.log_partition_exact())
    log_2cosh = lambda x: np.sum(np.logaddexp(x, -x))  # noqa: E731
    assert est == pytest.approx(log_2cosh(b) + log_2cosh(c))
    assert se == 0.0


def test_gibbs_chain_samples_the_exact_marginal():
    """Chi-square of v after block Gibbs sweeps against p(v) by enumeration."""
    W, b, c = make_model(3, 4, 3, scale=0.6)
    engine = Engine(random_state=0)
    V0 = np.random.RandomState(1).choice([-1.0, 1.0], size=(20000, 4))
    Vt, Ht = rbm(W, b, c).gibbs(V0, engine, n_steps=20)
    assert set(np.unique(Vt)) == {-1.0, 1.0} and Ht.shape == (20000, 3)
    codes = ((Vt > 0) * (1 << np.arange(4))).sum(1)
    counts = np.bincount(codes, minlength=16)
    table = states(0, 16, 4, W)
    p = np.exp(rbm(W, b, c).log_prob(table))
    assert stats.chisquare(counts, p * counts.sum()).pvalue > 1e-3
    # power: the same samples against a model with 1.5 W are rejected
    p_wrong = np.exp(rbm(1.5 * W, b, c).log_prob(table))
    assert stats.chisquare(counts, p_wrong * counts.sum()).pvalue < 1e-6


def test_overflow_free_for_huge_fields():
    W = np.full((3, 2), 1e6)
    model = rbm(W, np.zeros(3), np.zeros(2))
    V = np.ones((1, 3))
    assert np.isfinite(model.free_energy(V)).all()
    assert np.isfinite(model.log_partition_exact())
    assert model.log_partition_exact() == pytest.approx(np.log(2) + 2 * 3e6, rel=1e-12)
    engine = Engine(random_state=0)
    assert np.array_equal(model.sample_h(V, engine), np.ones((1, 2)))


def test_enumeration_limit_raises():
    model = rbm(np.zeros((25, 30)), np.zeros(25), np.zeros(30))
    with pytest.raises(ValueError, match="intractable"):
        model.log_partition_exact()
    with pytest.raises(ValueError, match="intractable"):
        model.ground_state()


def test_torch_engine_agrees_with_numpy():
    torch = pytest.importorskip("torch")
    W, b, c = make_model(0, 6, 5)
    model = rbm(W, b, c)
    model_t = rbm(*(torch.as_tensor(a) for a in (W, b, c)))
    log_Z = model.log_partition_exact()
    assert model_t.log_partition_exact() == pytest.approx(log_Z)
    X = np.random.RandomState(0).choice([-1.0, 1.0], size=(4, 6))
    F_t = model_t.free_energy(torch.as_tensor(X))
    assert isinstance(F_t, torch.Tensor)
    assert np.allclose(F_t.numpy(), model.free_energy(X))
    vh_t = model_t.model_statistics_exact()[0].numpy()
    assert np.allclose(vh_t, model.model_statistics_exact()[0])
    est, _ = model_t.log_partition_ais(
        n_chains=200, n_betas=1000, random_state=0, schedule="linear"
    )
    assert abs(est - log_Z) < 0.05


def test_independent_spin_bias_gives_the_clipped_means():
    """W = 0: E[v_i] = tanh(b_i), so the bias reproduces the means, clipped
    to [−1 + eps, 1 − eps] (constant units get a finite bias)."""
    mean = np.array([-1.0, -0.5, 0.0, 0.3, 0.995, 1.0])
    b = _independent_bias(mean, low=-1.0, eps=1e-2)
    np.testing.assert_allclose(np.tanh(b), np.clip(mean, -0.99, 0.99), rtol=1e-12)
    assert np.all(np.isfinite(_independent_bias(mean, low=-1.0, eps=1e-9)))
    # the model of independent units with that bias has those means
    model = rbm(np.zeros((6, 2)), b, np.zeros(2))
    _, v, _ = model.model_statistics_exact()
    np.testing.assert_allclose(v, np.clip(mean, -0.99, 0.99), atol=1e-12)
