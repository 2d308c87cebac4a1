"""skhopfield.metrics against hand-checkable models and brute force."""

import numpy as np
import pytest

from skhopfield import GaussianRBM, HopfieldMemory, RAPIDRBM, SpinRBM
from skhopfield.energy import spin as S
from skhopfield.metrics import gibbs_accessibility, hamming_reconstruction_error


def _mattis(V=8, H=30, seed=0, strength=1.0):
    """A K = 1 model: W = strength · ξ_v ξ_hᵀ, ground states ±ξ."""
    rng = np.random.RandomState(seed)
    xi_v = rng.choice([-1.0, 1.0], size=V)
    xi_h = rng.choice([-1.0, 1.0], size=H)
    W = strength * np.outer(xi_v, xi_h)
    rbm = SpinRBM(n_components=H, n_iter=0, init=W, fit_intercept=False).fit(xi_v[None])
    return rbm, xi_v, xi_h


def test_hamming_error_is_zero_for_a_cold_mattis_model():
    """Clamping one pixel of ±ξ determines the rest: exact reconstruction."""
    rbm, xi_v, _ = _mattis()
    X = np.stack([xi_v, -xi_v])
    assert hamming_reconstruction_error(rbm, X, 1, random_state=0) == 0.0
    per = hamming_reconstruction_error(rbm, X, 1, random_state=0, return_per_sample=True)
    assert per.shape == (2,) and not per.any()
    # an image that is not ±ξ is "reconstructed" towards the pattern
    Y = xi_v.copy()
    Y[-2:] *= -1
    assert hamming_reconstruction_error(rbm, Y[None], 1, random_state=0) == pytest.approx(2 / 8)


def test_hamming_error_is_one_half_for_an_independent_model():
    """W = 0: free pixels are fair coins, so the error is (V − n) / (2V)."""
    rbm = SpinRBM(n_components=3, n_iter=0, init=np.zeros((20, 3)), fit_intercept=False)
    X = np.random.RandomState(0).choice([-1.0, 1.0], size=(400, 20))
    rbm.fit(X)
    err = hamming_reconstruction_error(rbm, X, 4, random_state=0)
    assert err == pytest.approx(16 / 40, abs=0.01)
    assert hamming_reconstruction_error(rbm, X, 20, random_state=0) == 0.0


def test_hamming_error_works_for_gaussian_rbms_and_torch():
    X = np.random.RandomState(0).choice([-1.0, 1.0], size=(10, 6))
    g = GaussianRBM(n_components=2, n_iter=1, random_state=0).fit(X)
    assert 0.0 <= hamming_reconstruction_error(g, X, 2, random_state=0) <= 1.0
    pytest.importorskip("torch")
    rbm, xi_v, _ = _mattis()
    rbm.set_params(backend="torch")
    assert hamming_reconstruction_error(rbm, np.stack([xi_v, -xi_v]), 1, random_state=0) == 0.0


def test_gibbs_accessibility_of_a_mattis_model_is_one():
    rbm, xi_v, xi_h = _mattis(strength=2.0)
    e0, _, _ = S.ground_state(rbm.components_.T, np.zeros(8), np.zeros(30))
    assert e0 == pytest.approx(-2.0 * 8 * 30)
    assert gibbs_accessibility(rbm, random_state=0) == pytest.approx(1.0)
    assert gibbs_accessibility(rbm, random_state=0, ground_energy=e0) == pytest.approx(1.0)


def test_gibbs_accessibility_matches_its_definition():
    """Recompute min E / E_0 with the same random stream, by hand."""
    rng = np.random.RandomState(3)
    W = 0.3 * rng.randn(6, 5)
    rbm = SpinRBM(n_components=5, n_iter=0, init=W, fit_intercept=False).fit(np.ones((2, 6)))
    got = gibbs_accessibility(rbm, n_chains=7, n_steps=3, random_state=11)
    from skhopfield._backend import Engine

    rs = np.random.RandomState(11)
    engine = Engine(random_state=rs)
    V = rs.choice([-1.0, 1.0], size=(7, 6))
    for _ in range(3):
        Hs = S.sample_spins(V @ W, engine)
        V = S.sample_spins(Hs @ W.T, engine)
    e0 = min(S.joint_energy(v[None], h[None], W, np.zeros(6), np.zeros(5))[0]
             for v in S._states(0, 64, 6, W) for h in S._states(0, 32, 5, W))
    want = S.joint_energy(V, Hs, W, np.zeros(6), np.zeros(5)).min() / e0
    assert got == pytest.approx(want)
    assert got <= 1.0 + 1e-12


def test_zero_model_is_fully_accessible():
    rbm = SpinRBM(n_components=3, n_iter=0, init=np.zeros((4, 3)), fit_intercept=False).fit(np.ones((2, 4)))
    assert gibbs_accessibility(rbm, random_state=0) == 1.0


def test_bad_arguments():
    rbm, xi_v, _ = _mattis()
    with pytest.raises(ValueError, match="n_clamped"):
        hamming_reconstruction_error(rbm, xi_v[None], 9)
    with pytest.raises(ValueError, match="n_steps"):
        hamming_reconstruction_error(rbm, xi_v[None], 1, n_steps=0)
    with pytest.raises(ValueError, match="n_chains"):
        gibbs_accessibility(rbm, n_chains=0)
    with pytest.raises(TypeError, match="SpinRBM"):
        gibbs_accessibility(GaussianRBM())
    with pytest.raises(TypeError, match="RBM"):
        hamming_reconstruction_error(HopfieldMemory(), xi_v[None], 1)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        gibbs_accessibility(RAPIDRBM())
