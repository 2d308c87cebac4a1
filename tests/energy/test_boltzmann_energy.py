"""The fully visible Boltzmann machine of energy.hopfield against brute force."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from skhopfield.energy import hopfield as H
from skhopfield.energy import layers
from skhopfield.energy.hopfield import (
    MAX_ENUMERATION_FEATURES,
    bm_binary_to_spin,
    bm_conditional_prob,
    bm_gibbs,
    bm_gradient_exact,
    bm_log_partition_ais,
    bm_log_partition_exact,
    bm_log_prob,
    bm_log_probs_exact,
    bm_log_unnormalized,
    bm_moments_exact,
    bm_pseudo_log_likelihood,
    bm_pseudo_log_likelihood_grad,
    enumerate_spins,
)

UNITS = ["spin", "binary"]
LOW = {"spin": -1.0, "binary": 0.0}


def _model(n, seed, scale=0.5, field=0.3, diagonal=False):
    rng = np.random.RandomState(seed)
    A = rng.normal(0.0, scale, (n, n))
    J = np.triu(A, 1)
    J = J + J.T
    if diagonal:  # a diagonal that every function must ignore
        J[np.diag_indices(n)] = rng.normal(size=n)
    return J, rng.normal(0.0, field, n)


def _all_states(n, units):
    """Every state, by itertools (independent of layers.states)."""
    return np.array(list(itertools.product([LOW[units], 1.0], repeat=n)))


def _brute_log_w(S, J, b):
    n = J.shape[0]
    return np.array([
        0.5 * sum(J[i, j] * s[i] * s[j] for i in range(n) for j in range(n) if i != j)
        + sum(b[i] * s[i] for i in range(n))
        for s in S
    ])


def _codes(S):
    """Row index of each state in the order of layers.states (bit i = unit i)."""
    return ((S > 0.5).astype(np.int64) << np.arange(S.shape[1])).sum(1)


def _chi_square_pvalue(S, log_p):
    """Chi-square goodness of fit of the states ``S`` to the exact ``log_p``
    (bins with an expected count below 5 merged into one)."""
    observed = np.bincount(_codes(S), minlength=log_p.size)
    expected = np.exp(log_p) * S.shape[0]
    rare = expected < 5
    obs = np.append(observed[~rare], observed[rare].sum())
    exp = np.append(expected[~rare], expected[rare].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    exp = exp * obs.sum() / exp.sum()
    return stats.chisquare(obs, exp).pvalue


# -- enumeration -----------------------------------------------------------------
def test_enumerate_spins_is_layers_states_table():
    """enumerate_spins is the table of layers.states, most significant unit
    first; the bm_* functions use the table as layers.states orders it."""
    S = enumerate_spins(6)
    like = np.empty(0)
    np.testing.assert_array_equal(S[:, ::-1], layers.states(0, 64, 6, like, low=-1.0))
    np.testing.assert_array_equal(_codes(S[:, ::-1]), np.arange(64))
    J, b = _model(6, 9)
    states, _ = bm_log_probs_exact(J, b)
    np.testing.assert_array_equal(_codes(states), np.arange(64))
    assert enumerate_spins(3, dtype=np.float32).dtype == np.float32
    assert MAX_ENUMERATION_FEATURES == layers.MAX_EXACT_UNITS


@pytest.mark.parametrize("units", UNITS)
def test_log_unnormalized_and_conditionals_by_brute_force(units):
    n = 5
    J, b = _model(n, 0, diagonal=True)
    S = _all_states(n, units)
    log_w = bm_log_unnormalized(S, J, b)
    np.testing.assert_allclose(log_w, _brute_log_w(S, J, b), atol=1e-12)
    # p(s_i = on | rest) = p(s with i on) / (p(on) + p(off))
    P = bm_conditional_prob(S, J, b, units=units)
    for i in range(n):
        on, off = S.copy(), S.copy()
        on[:, i], off[:, i] = 1.0, LOW[units]
        w_on = _brute_log_w(on, J, b)
        w_off = _brute_log_w(off, J, b)
        np.testing.assert_allclose(P[:, i], 1.0 / (1.0 + np.exp(w_off - w_on)), atol=1e-12)
    # the textbook forms σ(2h) and σ(h)
    Jz = J.copy()
    np.fill_diagonal(Jz, 0.0)
    h = S @ Jz + b
    gain = 2.0 if units == "spin" else 1.0
    np.testing.assert_allclose(P, 1.0 / (1.0 + np.exp(-gain * h)), atol=1e-12)


@pytest.mark.parametrize("units", UNITS)
def test_exact_log_partition_and_moments_by_brute_force(units, monkeypatch):
    n = 7
    J, b = _model(n, 1, scale=0.8, diagonal=True)
    S = _all_states(n, units)
    log_w = _brute_log_w(S, J, b)
    log_Z = logsumexp(log_w)
    p = np.exp(log_w - log_Z)
    # small chunks: the streaming sums rescale across many chunks
    monkeypatch.setattr(H, "_EXACT_CHUNK", 5)
    assert bm_log_partition_exact(J, b, units) == pytest.approx(log_Z, abs=1e-12)
    lz, mean, second = bm_moments_exact(J, b, units)
    assert lz == pytest.approx(log_Z, abs=1e-12)
    np.testing.assert_allclose(mean, p @ S, atol=1e-12)
    np.testing.assert_allclose(second, (S * p[:, None]).T @ S, atol=1e-12)
    states, log_p = bm_log_probs_exact(J, b, units)
    assert logsumexp(log_p) == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(log_p, bm_log_prob(states, J, b, units), atol=1e-12)
    np.testing.assert_allclose(
        bm_log_prob(S, J, b, units), log_w - log_Z, atol=1e-12
    )


def test_exact_log_partition_is_stable_for_huge_couplings():
    J, b = _model(6, 2, scale=300.0)
    states, log_p = bm_log_probs_exact(J, b)
    assert np.isfinite(bm_log_partition_exact(J, b))
    assert logsumexp(log_p) == pytest.approx(0.0, abs=1e-9)
    assert np.isfinite(bm_moments_exact(J, b)[2]).all()


def test_binary_to_spin_is_the_same_distribution():
    n = 6
    J, b = _model(n, 3)
    V, log_p_bin = bm_log_probs_exact(J, b, "binary")
    Js, bs, offset = bm_binary_to_spin(J, b)
    S, log_p_spin = bm_log_probs_exact(Js, bs, "spin")
    np.testing.assert_array_equal(2 * V - 1, S)  # same order of the states
    np.testing.assert_allclose(log_p_bin, log_p_spin, atol=1e-12)
    assert bm_log_partition_exact(J, b, "binary") == pytest.approx(
        bm_log_partition_exact(Js, bs, "spin") + offset, abs=1e-12
    )


# -- gradients ---------------------------------------------------------------------
def _finite_differences(f, J, b, eps=1e-5):
    """Central differences of f(J, b) for the pair J_ij = J_ji and for b."""
    n = J.shape[0]
    gJ = np.zeros((n, n))
    for i, j in zip(*np.triu_indices(n, 1)):
        E = np.zeros((n, n))
        E[i, j] = E[j, i] = eps
        gJ[i, j] = gJ[j, i] = (f(J + E, b) - f(J - E, b)) / (2 * eps)
    gb = np.zeros(n)
    for i in range(n):
        e = np.zeros(n)
        e[i] = eps
        gb[i] = (f(J, b + e) - f(J, b - e)) / (2 * eps)
    return gJ, gb


@pytest.mark.parametrize("units", UNITS)
def test_exact_gradient_matches_finite_differences(units):
    n = 6
    J, b = _model(n, 4)
    rng = np.random.RandomState(0)
    S = np.where(rng.random_sample((50, n)) < 0.6, 1.0, LOW[units])
    value, gJ, gb = bm_gradient_exact(S, J, b, units)
    # the value is the mean log-likelihood, computed independently
    assert value == pytest.approx(bm_log_prob(S, J, b, units).mean(), abs=1e-12)
    fJ, fb = _finite_differences(
        lambda J, b: bm_log_prob(S, J, b, units).mean(), J, b
    )
    np.testing.assert_allclose(gJ, fJ, atol=1e-8)
    np.testing.assert_allclose(gb, fb, atol=1e-8)
    assert np.all(np.diag(gJ) == 0) and np.allclose(gJ, gJ.T)


@pytest.mark.parametrize("units", UNITS)
def test_pseudo_likelihood_and_gradient(units):
    n = 6
    J, b = _model(n, 5, diagonal=True)
    rng = np.random.RandomState(1)
    S = np.where(rng.random_sample((40, n)) < 0.4, 1.0, LOW[units])
    # Σ_i ln p(s_i | rest) from the conditionals
    P = bm_conditional_prob(S, J, b, units)
    on = S == 1.0
    expected = np.where(on, np.log(P), np.log1p(-P)).sum(1).mean()
    assert bm_pseudo_log_likelihood(S, J, b, units) == pytest.approx(expected, abs=1e-12)
    value, gJ, gb = bm_pseudo_log_likelihood_grad(S, J, b, units)
    assert value == pytest.approx(expected, abs=1e-12)
    fJ, fb = _finite_differences(
        lambda J, b: bm_pseudo_log_likelihood(S, J, b, units), J, b
    )
    np.testing.assert_allclose(gJ, fJ, atol=1e-8)
    np.testing.assert_allclose(gb, fb, atol=1e-8)


# -- sampling --------------------------------------------------------------------
@pytest.mark.parametrize("units", UNITS)
def test_gibbs_sampler_matches_exact_distribution(units):
    n = 5
    J, b = _model(n, 6, scale=0.5)
    _, log_p = bm_log_probs_exact(J, b, units)
    start = np.full((20000, n), 1.0)  # every chain from one state
    S = bm_gibbs(start, J, b, units, n_sweeps=100, random_state=0)
    assert set(np.unique(S)) <= {LOW[units], 1.0}
    assert _chi_square_pvalue(S, log_p) > 1e-3
    # power: the same draws reject a slightly different model
    _, log_p_wrong = bm_log_probs_exact(1.15 * J, b, units)
    assert _chi_square_pvalue(S, log_p_wrong) < 1e-6


def test_gibbs_sweeps_and_seeds():
    J, b = _model(4, 7)
    start = np.ones((10, 4))
    np.testing.assert_array_equal(bm_gibbs(start, J, b, n_sweeps=0), start)
    one = bm_gibbs(start, J, b, n_sweeps=3, random_state=1)
    np.testing.assert_array_equal(one, bm_gibbs(start, J, b, n_sweeps=3, random_state=1))
    np.testing.assert_array_equal(start, 1.0)  # the start is not modified
    with pytest.raises(ValueError, match="n_sweeps"):
        bm_gibbs(start, J, b, n_sweeps=-1)


@pytest.mark.parametrize("units, n, seed", [("spin", 12, 0), ("spin", 15, 1), ("binary", 14, 2)])
def test_ais_matches_exact_log_partition(units, n, seed):
    J, b = _model(n, seed, scale=0.3, field=0.3)
    exact = bm_log_partition_exact(J, b, units)
    log_Z, se = bm_log_partition_ais(J, b, units, n_chains=100, n_betas=1000, random_state=seed)
    assert abs(log_Z - exact) < 0.05
    assert 0 < se < 0.05
    assert (log_Z, se) == bm_log_partition_ais(
        J, b, units, n_chains=100, n_betas=1000, random_state=seed
    )


def test_ais_is_exact_without_couplings():
    b = np.linspace(-1, 1, 8)
    log_Z, se = bm_log_partition_ais(np.zeros((8, 8)), b, n_chains=10, n_betas=5)
    assert log_Z == pytest.approx(bm_log_partition_exact(np.zeros((8, 8)), b), abs=1e-12)
    assert se == pytest.approx(0.0, abs=1e-12)


# -- errors ------------------------------------------------------------------------
def test_bad_arguments_raise_clear_errors():
    J, b = _model(4, 8)
    with pytest.raises(ValueError, match="units must be 'spin' or 'binary'"):
        bm_log_partition_exact(J, b, "ising")
    with pytest.raises(ValueError, match="square"):
        bm_log_unnormalized(np.ones((2, 4)), np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"b must have shape \(4,\)"):
        bm_log_unnormalized(np.ones((2, 4)), J, np.ones(3))
    with pytest.raises(ValueError, match="4 columns"):
        bm_log_unnormalized(np.ones((2, 3)), J, b)
    big = np.zeros((30, 30))
    with pytest.raises(ValueError, match="bm_log_partition_ais"):
        bm_log_partition_exact(big)
    with pytest.raises(ValueError, match="intractable"):
        bm_moments_exact(big)
    with pytest.raises(ValueError, match="n_chains"):
        bm_log_partition_ais(J, b, n_chains=1)
    with pytest.raises(ValueError, match="increase strictly"):
        bm_log_partition_ais(J, b, schedule=[0.0, 0.7, 0.5, 1.0])
    # AIS with an explicit schedule runs
    log_Z, _ = bm_log_partition_ais(J, b, schedule=np.linspace(0, 1, 50), random_state=0)
    assert math.isfinite(log_Z)
