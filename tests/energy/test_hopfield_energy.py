"""Hopfield energy, fields and Boltzmann distribution against brute force."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from skhopfield.energy.hopfield import (
    boltzmann_log_probs,
    enumerate_spins,
    hopfield_energy,
    local_field,
    tie_tolerance,
)


def _random_model(n, seed):
    rng = np.random.RandomState(seed)
    A = rng.normal(size=(n, n))
    J = (A + A.T) / 2
    np.fill_diagonal(J, 0.0)
    return J, rng.normal(size=n)


@pytest.mark.parametrize("seed", range(3))
def test_energy_and_field_match_double_sums(seed):
    n = 6
    J, theta = _random_model(n, seed)
    S = enumerate_spins(n)
    E = hopfield_energy(S, J, theta)
    H = local_field(S, J, theta)
    for k, s in enumerate(S):
        e = -0.5 * sum(J[i, j] * s[i] * s[j] for i in range(n) for j in range(n))
        e -= sum(theta[i] * s[i] for i in range(n))
        assert E[k] == pytest.approx(e)
        for i in range(n):
            h = sum(J[i, j] * s[j] for j in range(n)) + theta[i]
            assert H[k, i] == pytest.approx(h)


def test_flip_changes_energy_by_field():
    # ΔE of flipping unit i is 2 s_i h_i (h without the self-coupling)
    n = 7
    J, theta = _random_model(n, 4)
    S = enumerate_spins(n)
    E = hopfield_energy(S, J, theta)
    H = local_field(S, J, theta)
    for i in range(n):
        flipped = S.copy()
        flipped[:, i] *= -1
        np.testing.assert_allclose(
            hopfield_energy(flipped, J, theta) - E, 2 * S[:, i] * H[:, i]
        )


def test_enumerate_spins_is_every_state_once():
    S = enumerate_spins(5)
    assert S.shape == (32, 5)
    assert {tuple(r) for r in S} == set(itertools.product([-1.0, 1.0], repeat=5))
    with pytest.raises(ValueError, match="too large"):
        enumerate_spins(40)


@pytest.mark.parametrize("beta", [0.0, 0.5, 2.0])
def test_boltzmann_log_probs_normalized_and_exact(beta):
    J, theta = _random_model(5, 1)
    states, log_p = boltzmann_log_probs(J, beta, theta)
    assert logsumexp(log_p) == pytest.approx(0.0, abs=1e-12)
    w = np.exp(-beta * hopfield_energy(states, J, theta))
    np.testing.assert_allclose(np.exp(log_p), w / w.sum())


def test_tie_tolerance_bounds_rounding_error():
    rng = np.random.RandomState(0)
    xi = rng.choice([-1.0, 1.0], size=(10, 64))
    J = xi.T @ xi / 64
    np.fill_diagonal(J, 0)
    S = rng.choice([-1.0, 1.0], size=(200, 64))
    exact = (S.astype(np.longdouble) @ J.astype(np.longdouble)).astype(float)
    for dtype in (np.float64, np.float32):
        Jd = J.astype(dtype)
        err = np.abs((S.astype(dtype) @ Jd) - exact)
        assert (err <= tie_tolerance(Jd)).all()
