"""Brute-force checks of skhopfield.energy.spin.

Every formula is compared with sums over all joint states (v, h) of a ±1/±1
RBM small enough to enumerate (V, H <= 10), written out independently of
the module: E(v, h) term by term, p(v, h) ∝ exp(−E), marginals and
conditionals by summation.
"""

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from skhopfield._backend import Engine
from skhopfield.energy import spin as S

SHAPES = [(3, 5), (6, 2), (4, 4), (10, 7), (7, 10)]


def make_model(seed, V, H, scale=0.5, bias_scale=0.3):
    rng = np.random.RandomState(seed)
    return (
        scale * rng.randn(V, H),
        bias_scale * rng.randn(V),
        bias_scale * rng.randn(H),
    )


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
    Vs, Hs, neg_E = brute_joint(W, b, c)
    rng = np.random.RandomState(0)
    i, j = rng.randint(len(Vs), size=6), rng.randint(len(Hs), size=6)
    assert np.allclose(S.joint_energy(Vs[i], Hs[j], W, b, c), -neg_E[i, j])
    # F(v) = −ln Σ_h e^{−E}, F(h) = −ln Σ_v e^{−E}
    assert np.allclose(S.free_energy(Vs, W, b, c), -logsumexp(neg_E, axis=1))
    assert np.allclose(S.free_energy_hidden(Hs, W, b, c), -logsumexp(neg_E, axis=0))
    log_Z = logsumexp(neg_E)
    assert S.log_partition_exact(W, b, c) == pytest.approx(log_Z, abs=1e-10)
    assert S.log_partition_exact(W, b, c, chunk_size=3) == pytest.approx(log_Z, abs=1e-10)
    log_p = S.log_prob(Vs, W, b, c)
    assert np.allclose(log_p, logsumexp(neg_E, axis=1) - log_Z)
    assert np.exp(log_p).sum() == pytest.approx(1.0)


@pytest.mark.parametrize("V, H", SHAPES)
def test_conditionals_match_enumeration(V, H):
    W, b, c = make_model(V + 3 * H, V, H)
    Vs, Hs, neg_E = brute_joint(W, b, c)
    # p(h_α = +1 | v) from the joint table, for every v
    p_h = np.exp(neg_E - logsumexp(neg_E, axis=1, keepdims=True))
    want_h = p_h @ (Hs > 0)  # (2^V, H)
    field = S.hidden_field(Vs, W, c)
    assert np.allclose(1.0 / (1.0 + np.exp(-2.0 * field)), want_h)
    assert np.allclose(S.hidden_mean(Vs, W, c), p_h @ Hs)
    p_v = np.exp(neg_E - logsumexp(neg_E, axis=0, keepdims=True)).T
    assert np.allclose(S.visible_mean(Hs, W, b), p_v @ Vs)
    assert np.allclose(
        1.0 / (1.0 + np.exp(-2.0 * S.visible_field(Hs, W, b))), p_v @ (Vs > 0)
    )


@pytest.mark.parametrize("V, H", SHAPES)
def test_exact_model_statistics_match_enumeration(V, H):
    W, b, c = make_model(2 * V + H, V, H)
    Vs, Hs, neg_E = brute_joint(W, b, c)
    P = np.exp(neg_E - logsumexp(neg_E))
    want_vh = Vs.T @ P @ Hs
    vh, v, h = S.model_statistics_exact(W, b, c, chunk_size=5)
    assert np.allclose(vh, want_vh)
    assert np.allclose(v, P.sum(1) @ Vs)
    assert np.allclose(h, P.sum(0) @ Hs)


@pytest.mark.parametrize("V, H", SHAPES)
def test_ground_state_matches_enumeration(V, H):
    W, b, c = make_model(5 * V + H, V, H, scale=1.0)
    Vs, Hs, neg_E = brute_joint(W, b, c)
    e0, v, h = S.ground_state(W, b, c)
    assert e0 == pytest.approx(-neg_E.max(), abs=1e-10)
    assert S.joint_energy(v[None], h[None], W, b, c)[0] == pytest.approx(e0)
    i, j = np.unravel_index(np.argmax(neg_E), neg_E.shape)
    assert np.array_equal(v, Vs[i]) and np.array_equal(h, Hs[j])


@pytest.mark.parametrize("V, H", [(6, 9), (9, 4)])
@pytest.mark.parametrize("seed", range(4))
def test_mattis_model_ground_states_are_plus_minus_the_pattern(V, H, seed):
    """K = 1 (Pozas-Kerstjens et al. 2021, Sec. IV.C): the only ground states are ±ξ."""
    rng = np.random.RandomState(seed)
    xi_v = rng.choice([-1.0, 1.0], size=(1, V))
    xi_h = rng.choice([-1.0, 1.0], size=(1, H))
    W = S.pattern_weights(xi_v, xi_h)
    assert np.allclose(W, np.outer(xi_v, xi_h))
    zeros_v, zeros_h = np.zeros(V), np.zeros(H)
    e0, v, h = S.ground_state(W, zeros_v, zeros_h, return_all=True)
    got = {tuple(np.r_[a, b_]) for a, b_ in zip(v, h)}
    xi = np.r_[xi_v[0], xi_h[0]]
    assert got == {tuple(xi), tuple(-xi)}
    assert e0 == pytest.approx(-V * H)
    # and by brute force over every joint state
    _, _, neg_E = brute_joint(W, zeros_v, zeros_h)
    assert (np.isclose(neg_E, V * H)).sum() == 2


def test_pattern_field_and_weights():
    rng = np.random.RandomState(1)
    xi_v, xi_h = rng.uniform(-1, 1, (3, 7)), rng.uniform(-1, 1, (3, 5))
    c = rng.randn(5)
    W = S.pattern_weights(xi_v, xi_h)
    assert np.allclose(W, sum(np.outer(xi_v[k], xi_h[k]) for k in range(3)) / math.sqrt(3))
    X = rng.choice([-1.0, 1.0], size=(4, 7))
    assert np.allclose(S.pattern_hidden_field(X, xi_v, xi_h, c), X @ W + c)


def _pid_objective(xi_v, xi_h, X, V_neg, b, c):
    """J(ξ) = mean_data ln p*(v) − mean_neg ln p*(v): its gradient with the
    negative states held fixed is the PID gradient (Pozas-Kerstjens et al.
    2021, Eqs. 6, A5)."""
    W = S.pattern_weights(xi_v, xi_h)
    return np.mean(-S.free_energy(X, W, b, c)) - np.mean(-S.free_energy(V_neg, W, b, c))


@pytest.mark.parametrize("K", [1, 3])
def test_pid_gradient_equals_finite_differences_of_the_pid_objective(K):
    rng = np.random.RandomState(K)
    V, H = 6, 8
    xi_v = rng.uniform(-1, 1, (K, V))
    xi_h = rng.uniform(-1, 1, (K, H))
    b, c = 0.2 * rng.randn(V), 0.2 * rng.randn(H)
    X = rng.choice([-1.0, 1.0], size=(5, V))
    V_neg = np.where(xi_v >= 0, 1.0, -1.0)  # PID: the binarized visible patterns
    W = S.pattern_weights(xi_v, xi_h)
    T_pos, T_neg = S.hidden_mean(X, W, c), S.hidden_mean(V_neg, W, c)
    gv, gh = S.pattern_gradient(X, T_pos, V_neg, T_neg, xi_v, xi_h)
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
        W = S.pattern_weights(xv, xh)
        return np.mean(S.log_prob(X, W, b, c))

    W = S.pattern_weights(xi_v, xi_h)
    p = np.exp(S.log_prob(Vs, W, b, c))
    gv, gh = S.pattern_gradient(
        X, S.hidden_mean(X, W, c), Vs, S.hidden_mean(Vs, W, c), xi_v, xi_h, w_neg=p
    )
    eps = 1e-6
    k, i, a = 1, 3, 2
    up, down = xi_v.copy(), xi_v.copy()
    up[k, i] += eps
    down[k, i] -= eps
    assert gv[k, i] == pytest.approx((ll(up, xi_h) - ll(down, xi_h)) / (2 * eps), abs=1e-7)
    up, down = xi_h.copy(), xi_h.copy()
    up[k, a] += eps
    down[k, a] -= eps
    assert gh[k, a] == pytest.approx((ll(xi_v, up) - ll(xi_v, down)) / (2 * eps), abs=1e-7)


@pytest.mark.parametrize("V, H", [(10, 8), (8, 10)])
@pytest.mark.parametrize("scale", [0.3, 1.0])
def test_ais_within_0_05_nats_of_exact(V, H, scale):
    W, b, c = make_model(V * H, V, H, scale=scale)
    exact = S.log_partition_exact(W, b, c)
    est, se = S.log_partition_ais(W, b, c, n_chains=200, n_betas=2000, random_state=0)
    assert abs(est - exact) < 0.05
    assert 0 <= se < 0.05
    # the estimate is reproducible and depends on the seed only
    assert S.log_partition_ais(W, b, c, n_chains=200, n_betas=2000, random_state=0)[0] == est


def test_ais_is_exact_for_independent_units():
    """W = 0: every AIS weight is 1, ln Z = Σ ln 2cosh(b) + Σ ln 2cosh(c)."""
    b, c = np.array([0.3, -1.0, 2.0]), np.array([0.5, 0.0])
    est, se = S.log_partition_ais(np.zeros((3, 2)), b, c, n_chains=10, n_betas=5)
    assert est == pytest.approx(S.log_partition_exact(np.zeros((3, 2)), b, c))
    assert se == 0.0


def test_gibbs_chain_samples_the_exact_marginal():
    """Chi-square of v after block Gibbs sweeps against p(v) by enumeration."""
    W, b, c = make_model(3, 4, 3, scale=0.6)
    engine = Engine(random_state=0)
    V0 = np.random.RandomState(1).choice([-1.0, 1.0], size=(20000, 4))
    Vt, Ht = S.gibbs_step(V0, W, b, c, engine, n_steps=20)
    assert set(np.unique(Vt)) == {-1.0, 1.0} and Ht.shape == (20000, 3)
    codes = ((Vt > 0) * (1 << np.arange(4))).sum(1)
    counts = np.bincount(codes, minlength=16)
    states = S._states(0, 16, 4, W)
    p = np.exp(S.log_prob(states, W, b, c))
    assert stats.chisquare(counts, p * counts.sum()).pvalue > 1e-3
    # power: the same samples against a model with 1.5 W are rejected
    p_wrong = np.exp(S.log_prob(states, 1.5 * W, b, c))
    assert stats.chisquare(counts, p_wrong * counts.sum()).pvalue < 1e-6


def test_overflow_free_for_huge_fields():
    W = np.full((3, 2), 1e6)
    b, c = np.zeros(3), np.zeros(2)
    V = np.ones((1, 3))
    assert np.isfinite(S.free_energy(V, W, b, c)).all()
    assert np.isfinite(S.log_partition_exact(W, b, c))
    assert S.log_partition_exact(W, b, c) == pytest.approx(
        np.log(2) + 2 * 3e6, rel=1e-12
    )
    engine = Engine(random_state=0)
    assert np.array_equal(S.sample_hidden(V, W, c, engine), np.ones((1, 2)))


def test_enumeration_limit_raises():
    W = np.zeros((25, 30))
    with pytest.raises(ValueError, match="intractable"):
        S.log_partition_exact(W, np.zeros(25), np.zeros(30))
    with pytest.raises(ValueError, match="intractable"):
        S.ground_state(W, np.zeros(25), np.zeros(30))


def test_torch_engine_agrees_with_numpy():
    torch = pytest.importorskip("torch")
    W, b, c = make_model(0, 6, 5)
    Wt, bt, ct = (torch.as_tensor(a) for a in (W, b, c))
    assert S.log_partition_exact(Wt, bt, ct) == pytest.approx(S.log_partition_exact(W, b, c))
    X = np.random.RandomState(0).choice([-1.0, 1.0], size=(4, 6))
    assert np.allclose(S.free_energy(torch.as_tensor(X), Wt, bt, ct).numpy(), S.free_energy(X, W, b, c))
    vh_t = S.model_statistics_exact(Wt, bt, ct)[0].numpy()
    assert np.allclose(vh_t, S.model_statistics_exact(W, b, c)[0])
    est, _ = S.log_partition_ais(Wt, bt, ct, n_chains=200, n_betas=1000, random_state=0)
    assert abs(est - S.log_partition_exact(W, b, c)) < 0.05
