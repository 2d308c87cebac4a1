"""skhopfield.metrics against hand-checkable models and brute force."""

import inspect
import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

import skhopfield.metrics as metrics
from skhopfield import (
    RAPIDRBM,
    GaussianRBM,
    HopfieldMemory,
    ProjectionHopfieldRBM,
    SpinRBM,
)
from skhopfield.energy.layers import Spin, states
from skhopfield.energy.rbm import RBM
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
    per = hamming_reconstruction_error(
        rbm, X, 1, random_state=0, return_per_sample=True
    )
    assert per.shape == (2,) and not per.any()
    # an image that is not ±ξ is "reconstructed" towards the pattern
    Y = xi_v.copy()
    Y[-2:] *= -1
    err = hamming_reconstruction_error(rbm, Y[None], 1, random_state=0)
    assert err == pytest.approx(2 / 8)


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
    X_pm = np.stack([xi_v, -xi_v])
    assert hamming_reconstruction_error(rbm, X_pm, 1, random_state=0) == 0.0


def test_gibbs_accessibility_of_a_mattis_model_is_one():
    rbm, xi_v, xi_h = _mattis(strength=2.0)
    model = RBM(Spin(np.zeros(8)), Spin(np.zeros(30)), rbm.components_.T)
    e0, _, _ = model.ground_state()
    assert e0 == pytest.approx(-2.0 * 8 * 30)
    assert gibbs_accessibility(rbm, random_state=0) == pytest.approx(1.0)
    got = gibbs_accessibility(rbm, random_state=0, ground_energy=e0)
    assert got == pytest.approx(1.0)


def test_gibbs_accessibility_matches_its_definition():
    """Recompute min E / E_0 with the same random stream, by hand."""
    rng = np.random.RandomState(3)
    W = 0.3 * rng.randn(6, 5)
    rbm = SpinRBM(n_components=5, n_iter=0, init=W, fit_intercept=False)
    rbm.fit(np.ones((2, 6)))
    got = gibbs_accessibility(rbm, n_chains=7, n_steps=3, random_state=11)
    from skhopfield._backend import Engine

    rs = np.random.RandomState(11)
    engine = Engine(random_state=rs)
    V = rs.choice([-1.0, 1.0], size=(7, 6))
    for _ in range(3):
        # ±1 units at p(s = +1) = σ(2 · field), no bias, β = 1
        Hs = Spin(np.zeros(5)).sample(V @ W, 1.0, engine)
        V = Spin(np.zeros(6)).sample(Hs @ W.T, 1.0, engine)

    def energy(v, h):  # E(v, h) = −vᵀWh, written out
        return -np.einsum("ni,ij,nj->n", v, W, h)

    e0 = min(
        energy(v[None], h[None])[0]
        for v in states(0, 64, 6, W)
        for h in states(0, 32, 5, W)
    )
    want = energy(V, Hs).min() / e0
    assert got == pytest.approx(want)
    assert got <= 1.0 + 1e-12


def test_zero_model_is_fully_accessible():
    rbm = SpinRBM(
        n_components=3, n_iter=0, init=np.zeros((4, 3)), fit_intercept=False
    ).fit(np.ones((2, 4)))
    assert gibbs_accessibility(rbm, random_state=0) == 1.0


def test_bad_arguments():
    rbm, xi_v, _ = _mattis()
    with pytest.raises(
        ValueError, match="n_clamped=9 is larger than the number of features \\(8\\)"
    ):
        hamming_reconstruction_error(rbm, xi_v[None], 9)
    with pytest.raises(
        InvalidParameterError,
        match=r"'n_steps' parameter of hamming_reconstruction_error must be an "
        r"int in the range \[1, inf\)",
    ):
        hamming_reconstruction_error(rbm, xi_v[None], 1, n_steps=0)
    with pytest.raises(
        InvalidParameterError, match="'n_chains' parameter of gibbs_accessibility"
    ):
        gibbs_accessibility(rbm, n_chains=0)
    with pytest.raises(TypeError, match="SpinRBM"):
        gibbs_accessibility(GaussianRBM())
    with pytest.raises(TypeError, match="RBM"):
        hamming_reconstruction_error(HopfieldMemory(), xi_v[None], 1)
    with pytest.raises(NotFittedError):
        gibbs_accessibility(RAPIDRBM())
    with pytest.raises(NotFittedError):
        hamming_reconstruction_error(ProjectionHopfieldRBM(), xi_v[None], 1)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_clamped": -1}, "n_clamped"),
        ({"n_clamped": 1.0}, "n_clamped"),
        ({"n_steps": -3}, "n_steps"),
        ({"n_steps": 2.5}, "n_steps"),
        ({"n_steps": None}, "n_steps"),
        ({"return_per_sample": "yes"}, "return_per_sample"),
        ({"random_state": "seed"}, "random_state"),
        ({"X": 3.0}, "X"),
        ({"model": "SpinRBM"}, "model"),
        ({"model": None}, "model"),
        ({"model": HopfieldMemory()}, "model"),
    ],
)
def test_hamming_error_invalid_parameters(kwargs, name):
    rbm, xi_v, _ = _mattis()
    args = {"model": rbm, "X": xi_v[None], "n_clamped": 1, **kwargs}
    with pytest.raises(
        InvalidParameterError,
        match=f"'{name}' parameter of hamming_reconstruction_error must be",
    ):
        hamming_reconstruction_error(**args)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_chains": -1}, "n_chains"),
        ({"n_chains": 2.0}, "n_chains"),
        ({"n_steps": 0}, "n_steps"),
        ({"n_steps": -10}, "n_steps"),
        ({"ground_energy": 1.0}, "ground_energy"),
        ({"ground_energy": np.nan}, "ground_energy"),
        ({"ground_energy": -np.inf}, "ground_energy"),
        ({"ground_energy": "low"}, "ground_energy"),
        ({"random_state": 1.5}, "random_state"),
        ({"model": GaussianRBM()}, "model"),
        ({"model": object()}, "model"),
    ],
)
def test_gibbs_accessibility_invalid_parameters(kwargs, name):
    rbm, _, _ = _mattis()
    args = {"model": rbm, **kwargs}
    with pytest.raises(
        InvalidParameterError,
        match=f"'{name}' parameter of gibbs_accessibility must be",
    ):
        gibbs_accessibility(**args)


def test_ground_energy_zero_and_numpy_scalars():
    rbm = SpinRBM(
        n_components=3, n_iter=0, init=np.zeros((4, 3)), fit_intercept=False
    ).fit(np.ones((2, 4)))
    assert gibbs_accessibility(rbm, ground_energy=0, random_state=0) == 1.0
    assert gibbs_accessibility(rbm, ground_energy=-0.0, random_state=0) == 1.0
    mattis, _, _ = _mattis(strength=2.0)
    got = gibbs_accessibility(
        mattis,
        n_chains=np.int64(10),
        n_steps=np.int32(10),
        ground_energy=np.float64(-480.0),
        random_state=0,
    )
    assert got == pytest.approx(1.0)


@pytest.mark.parametrize(
    "func",
    [hamming_reconstruction_error, gibbs_accessibility],
    ids=lambda f: f.__name__,
)
def test_every_parameter_has_a_constraint(func):
    """validate_params covers every parameter, and each is documented."""
    constraints = func.__wrapped__._skl_parameter_constraints
    params = inspect.signature(func).parameters
    assert set(constraints) == set(params)
    for name in params:
        assert f"\n    {name} : " in func.__doc__, name
    assert func.__name__ in metrics.__all__


def test_no_runtime_warning_on_edge_inputs():
    """Constant columns, one sample, nothing or everything clamped, float32
    input, a single chain and step: no numpy warning leaks."""
    X = np.random.RandomState(0).choice([-1.0, 1.0], size=(10, 6))
    spin = SpinRBM(n_components=3, n_iter=1, random_state=0).fit(X)
    gauss = GaussianRBM(n_components=2, n_iter=1, random_state=0).fit(X)
    zero = SpinRBM(
        n_components=3, n_iter=0, init=np.zeros((6, 3)), fit_intercept=False
    ).fit(X)
    cold = SpinRBM(
        n_components=3, n_iter=0, init=50.0 * np.ones((6, 3)), fit_intercept=False
    ).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for model in (spin, gauss, zero, cold):
            for Y in (np.ones((5, 6)), -np.ones((1, 6)), X.astype(np.float32)):
                for n_clamped in (0, 3, 6):
                    d = hamming_reconstruction_error(
                        model, Y, n_clamped, random_state=0
                    )
                    assert 0.0 <= d <= 1.0
                    per = hamming_reconstruction_error(
                        model,
                        Y,
                        n_clamped,
                        n_steps=1,
                        return_per_sample=True,
                        random_state=0,
                    )
                    assert per.shape == (Y.shape[0],)
            assert hamming_reconstruction_error(model, Y, 6, random_state=0) == 0.0
        for model in (spin, zero, cold):
            acc = gibbs_accessibility(model, n_chains=1, n_steps=1, random_state=0)
            assert np.isfinite(acc)
        assert gibbs_accessibility(zero, random_state=0) == 1.0
        assert gibbs_accessibility(cold, random_state=0) == pytest.approx(1.0)


def test_empty_input_is_rejected_clearly():
    rbm, _, _ = _mattis()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="0 sample"):
            hamming_reconstruction_error(rbm, np.empty((0, 8)), 1)
        with pytest.raises(ValueError, match="features"):
            hamming_reconstruction_error(rbm, np.ones((2, 5)), 1)
