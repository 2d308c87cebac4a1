"""skhopfield.energy.modern: the energy, the update and the retrieval theory
of the modern continuous Hopfield network, checked against the statements
they implement (Catacchini, Magrini Alunno & Ferracci 2024, ch. 3)."""

import importlib.util
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp, softmax

from skhopfield.energy.modern import ModernHopfield

SETTINGS = dict(max_examples=40, deadline=None, derandomize=True, database=None)


def _reference_energy(Q, X, beta):
    """Eq. 3.4 written out term by term."""
    P = X.shape[0]
    M2 = (X * X).sum(1).max()
    lse = logsumexp(beta * Q @ X.T, axis=1) / beta
    return -lse + 0.5 * (Q * Q).sum(1) + math.log(P) / beta + 0.5 * M2


def _scale(X):
    return max(ModernHopfield(X).max_norm() ** 2, 1.0)


@st.composite
def problems(draw):
    seed = draw(st.integers(0, 2**16))
    P = draw(st.integers(1, 8))
    N = draw(st.integers(1, 12))
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(P, N)) * draw(st.sampled_from([0.1, 1.0, 3.0]))
    beta = draw(st.sampled_from([1e-3, 0.1, 1.0, 5.0, 50.0]))
    start = rng.normal(size=(3, N)) * draw(st.sampled_from([0.1, 1.0, 10.0]))
    return X, beta, start


def test_energy_matches_the_definition():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(6, 9))
    Q = rng.normal(size=(4, 9))
    for beta in [1e-2, 0.5, 3.0]:
        np.testing.assert_allclose(
            ModernHopfield(X, beta).energy(Q),
            _reference_energy(Q, X, beta),
            rtol=1e-10,
        )


def test_update_is_softmax_attention():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(7, 5))
    Q = rng.normal(size=(3, 5))
    W = softmax(2.0 * Q @ X.T, axis=1)
    model = ModernHopfield(X, 2.0)
    np.testing.assert_allclose(model.weights(Q), W, rtol=1e-12)
    np.testing.assert_allclose(model.update(Q), W @ X, rtol=1e-12)


@settings(**SETTINGS)
@given(problems())
def test_energy_never_increases_and_stays_within_bounds(problem):
    """Prop. 3.2 (descent), Lemma 3.2.1 (E ≥ 0), Lemma 3.2.2 (upper bounds
    on the convex hull, where every iterate after the first lies)."""
    X, beta, xi = problem
    tol = 1e-9 * _scale(X) + 1e-12 * (xi * xi).sum(1).max()
    model = ModernHopfield(X, beta)
    M2 = model.max_norm() ** 2
    upper = min(2 * M2, math.log(X.shape[0]) / beta + 0.5 * M2)
    E = model.energy(xi)
    assert (E >= -tol).all()
    for step in range(6):
        xi = model.update(xi)
        E_new = model.energy(xi)
        assert (E_new <= E + tol).all(), (step, E, E_new)
        assert (E_new >= -tol).all()
        assert (E_new <= upper + tol).all(), (E_new, upper)
        E = E_new


#: how close to zero a computed gradient can be: autograd is exact to
#: rounding; central differences (h = 1e-6) carry an error of about
#: eps·|E|/h ≈ 1e-10·|E|
_GRAD_TOL = 1e-10 if importlib.util.find_spec("torch") else 1e-8


def _gradient(xi, X, beta):
    """∇E by torch autograd, or by central differences without torch."""
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the environment
        h = 1e-6
        grad = np.empty_like(xi)
        for k in range(xi.shape[1]):
            step = np.zeros_like(xi)
            step[:, k] = h
            grad[:, k] = (
                ModernHopfield(X, beta).energy(xi + step)
                - ModernHopfield(X, beta).energy(xi - step)
            ) / (2 * h)
        return grad
    t = torch.tensor(xi, dtype=torch.float64, requires_grad=True)
    ModernHopfield(torch.tensor(X), beta).energy(t).sum().backward()
    return t.grad.numpy()


def test_finite_differences_agree_with_autograd():
    pytest.importorskip("torch")
    rng = np.random.RandomState(11)
    X, xi = rng.normal(size=(4, 3)), rng.normal(size=(2, 3))
    h = 1e-6
    fd = np.stack(
        [
            (
                ModernHopfield(X, 0.8).energy(xi + h * e)
                - ModernHopfield(X, 0.8).energy(xi - h * e)
            )
            / (2 * h)
            for e in np.eye(3)
        ],
        axis=1,
    )
    np.testing.assert_allclose(_gradient(xi, X, 0.8), fd, atol=1e-7)


def test_gradient_is_identity_minus_update():
    """∇E(ξ) = ξ − Xᵀ softmax(βXξ) (autograd of the torch energy), so fixed
    points and stationary points coincide (Thm. 3.1)."""
    rng = np.random.RandomState(2)
    X = rng.normal(size=(5, 4))
    xi = rng.normal(size=(3, 4))
    g = _gradient(xi, X, 0.7)
    np.testing.assert_allclose(g, xi - ModernHopfield(X, 0.7).update(xi), atol=1e-12)
    # a non-fixed point has a non-zero gradient
    assert np.linalg.norm(g, axis=1).min() > 1e-3


def test_fixed_point_has_zero_gradient_and_vice_versa():
    rng = np.random.RandomState(3)
    X = rng.normal(size=(6, 5))
    beta = 2.0
    model = ModernHopfield(X, beta)
    xi = rng.normal(size=(4, 5))
    for _ in range(2000):
        new = model.update(xi)
        if np.abs(new - xi).max() < 1e-13:
            break
        xi = new
    assert np.abs(model.update(xi) - xi).max() < 1e-12  # a fixed point
    assert np.abs(_gradient(xi, X, beta)).max() < _GRAD_TOL  # ... is stationary
    # a stationary point found by a quasi-Newton minimizer is a fixed point
    from scipy.optimize import minimize

    result = minimize(
        lambda z: float(model.energy(z[None])[0]),
        rng.normal(size=5),
        jac=lambda z: _gradient(z[None], X, beta)[0],
        method="BFGS",
        options={"gtol": 1e-11, "maxiter": 500},
    )
    zeta = result.x[None]
    assert np.abs(_gradient(zeta, X, beta)).max() < 1e-7
    np.testing.assert_allclose(model.update(zeta), zeta, atol=1e-7)


def test_small_beta_sends_every_start_to_one_point():
    """Prop. 3.3: β m_max² < 1 makes the update a contraction."""
    rng = np.random.RandomState(4)
    X = rng.normal(size=(8, 6))
    m_max2 = ((X - X.mean(0)) ** 2).sum(1).max()
    beta = 0.9 / m_max2
    starts = rng.normal(size=(20, 6)) * 5.0
    xi = starts
    for _ in range(200):
        xi = ModernHopfield(X, beta).update(xi)
    assert np.ptp(xi, axis=0).max() < 1e-9
    # the common point is near the mean of the patterns
    assert np.linalg.norm(xi[0] - X.mean(0)) < np.linalg.norm(X.mean(0)) + 1.0


def test_separation_definition():
    X = np.array([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    G = X @ X.T
    expected = [G[i, i] - max(G[i, j] for j in range(3) if j != i) for i in range(3)]
    np.testing.assert_allclose(ModernHopfield(X).separation(), expected)
    assert np.isinf(ModernHopfield(X[:1]).separation()).all()
    # chunked Gram rows give the same values
    rng = np.random.RandomState(5)
    Y = rng.normal(size=(2100, 3))
    G = Y @ Y.T
    own = np.diag(G).copy()
    np.fill_diagonal(G, -np.inf)
    np.testing.assert_allclose(
        ModernHopfield(Y).separation(), own - G.max(1), rtol=1e-12, atol=1e-12
    )


@settings(**SETTINGS)
@given(problems())
def test_one_step_error_within_lemma_bound(problem):
    """Lemma 3.3.2: ‖x_i − f(ξ)‖ ≤ 2(P − 1)e^{−βc} M."""
    X, beta, _ = problem
    rng = np.random.RandomState(X.shape[0])
    Q = X + 0.05 * rng.normal(size=X.shape)
    model = ModernHopfield(X, beta)
    index, bound = model.one_step_error_bound(Q)
    err = np.linalg.norm(X[index] - model.update(Q), axis=1)
    assert (err <= bound * (1 + 1e-9) + 1e-12 * model.max_norm()).all()


def test_one_step_error_bound_is_tight_enough_to_retrieve():
    rng = np.random.RandomState(6)
    X = rng.normal(size=(10, 64))
    Q = X + 0.1 * rng.normal(size=X.shape)
    index, bound = ModernHopfield(X, 2.0).one_step_error_bound(Q)
    assert (index == np.arange(10)).all()
    assert bound.max() < 1e-20


def _condition_rhs(X, beta):
    P = X.shape[0]
    M2 = ModernHopfield(X).max_norm() ** 2
    return 2 / (beta * P) + math.log(2 * (P - 1) * P * beta * M2) / beta


def test_retrieval_condition_is_proposition_3_4():
    rng = np.random.RandomState(7)
    X = rng.normal(size=(6, 20))
    delta = ModernHopfield(X).separation()
    for beta in [0.01, 0.1, 1.0, 10.0]:
        expected = delta >= _condition_rhs(X, beta)
        assert (ModernHopfield(X, beta).retrieval_condition() == expected).all()
    # duplicates can never be guaranteed, a single pattern always is
    D = np.vstack([X, X[:1]])
    assert not ModernHopfield(D, 1e6).retrieval_condition()[[0, -1]].any()
    assert ModernHopfield(X[:1], 1e-3).retrieval_condition().all()


@pytest.mark.parametrize(
    "seed,P,N,scale",
    [(0, 5, 30, 1.0), (1, 30, 64, 0.2), (2, 2, 3, 10.0), (3, 200, 784, 1.0)],
)
def test_smallest_beta_is_the_root(seed, P, N, scale):
    """§4.4: the condition holds with equality at β₊ and fails just below
    (between the two roots), and holds above."""
    X = np.random.RandomState(seed).normal(size=(P, N)) * scale
    pattern_set = ModernHopfield(X)
    beta = pattern_set.retrieval_beta()
    d_min = pattern_set.separation().min()
    assert math.isclose(d_min, _condition_rhs(X, beta), rel_tol=1e-10)
    assert pattern_set.with_beta(beta * (1 + 1e-9)).retrieval_condition().all()
    assert pattern_set.with_beta(beta * 10).retrieval_condition().all()
    assert not pattern_set.with_beta(beta * (1 - 1e-6)).retrieval_condition().all()
    # Lambert-W form of the root
    from scipy.special import lambertw

    P_ = X.shape[0]
    a = 2 / P_ + math.log(2 * (P_ - 1) * P_ * pattern_set.max_norm() ** 2 / d_min)
    u = -lambertw(-math.exp(-a), -1).real
    assert math.isclose(beta, u / d_min, rel_tol=1e-10)


def test_smallest_beta_retrieves_from_the_spheres():
    """At β₊ every query inside S_i updates into S_i (Prop. 3.4)."""
    rng = np.random.RandomState(8)
    X = rng.normal(size=(10, 50))
    beta = ModernHopfield(X).retrieval_beta()
    model = ModernHopfield(X, beta)
    r = model.retrieval_radius()
    assert math.isclose(r, 1 / (beta * 10 * model.max_norm()))
    d = rng.normal(size=(10, 50))
    d *= 0.999 * r / np.linalg.norm(d, axis=1, keepdims=True)
    xi = X + d
    out = model.update(xi)
    assert (np.linalg.norm(out - X, axis=1) <= r).all()


def test_no_beta_for_duplicates_or_dominated_patterns():
    X = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert ModernHopfield(X).retrieval_beta() == math.inf
    Y = np.array([[1.0, 0.0], [2.0, 0.0]])  # x_1ᵀx_2 > x_1ᵀx_1
    assert ModernHopfield(Y).separation()[0] < 0
    assert ModernHopfield(Y).retrieval_beta() == math.inf
    assert ModernHopfield(X[:1]).retrieval_beta() == 0.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("scale", [1.0, 255.0])
def test_large_beta_on_pixel_data_is_finite(dtype, scale):
    rng = np.random.RandomState(9)
    X = (rng.uniform(size=(30, 784)) * scale).astype(dtype)
    Q = (rng.uniform(size=(8, 784)) * scale).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for beta in [1e3, 1e300, 1e-300]:
            model = ModernHopfield(X, beta)
            W = model.weights(Q)
            out = model.update(Q)
            E = model.energy(Q)
            assert W.dtype == dtype and out.dtype == dtype
            assert np.isfinite(W).all() and np.isfinite(out).all()
            assert np.isfinite(E).all()
            np.testing.assert_allclose(W.sum(1), 1, rtol=1e-5)
    # β → 0: the energy tends to ½‖ξ‖² + ½M² − mean_i x_iᵀξ
    Q64, X64 = Q.astype(float), X.astype(float)
    limit = 0.5 * (Q64**2).sum(1) + 0.5 * (X64**2).sum(1).max() - (Q64 @ X64.T).mean(1)
    np.testing.assert_allclose(
        ModernHopfield(X64, 1e-300).energy(Q64), limit, rtol=1e-9
    )


def test_overflowing_overlaps_raise():
    X = np.array([[1e300, 1e300]])
    with pytest.raises(ValueError, match="overflow"):
        ModernHopfield(X, 1.0).update(np.array([[1e300, 1e300]]))


def test_torch_matches_numpy():
    torch = pytest.importorskip("torch")
    rng = np.random.RandomState(10)
    X = rng.normal(size=(9, 7))
    Q = rng.normal(size=(5, 7))
    tX, tQ = torch.tensor(X), torch.tensor(Q)
    model, t_model = ModernHopfield(X, 1.5), ModernHopfield(tX, 1.5)
    for method in ("weights", "update", "energy"):
        np.testing.assert_allclose(
            getattr(t_model, method)(tQ).numpy(),
            getattr(model, method)(Q),
            rtol=1e-12,
            atol=1e-12,
        )
    # the analyses of the pattern set take a tensor of patterns too
    np.testing.assert_array_equal(t_model.separation(), model.separation())
    assert t_model.max_norm() == model.max_norm()
    assert t_model.retrieval_beta() == model.retrieval_beta()


def test_beta_is_checked_at_construction_and_with_beta_copies():
    X = np.random.RandomState(12).normal(size=(4, 3))
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="beta must be a positive number"):
            ModernHopfield(X, bad)
    model = ModernHopfield(X, 0.5)
    hot = model.with_beta(3.0)
    assert hot is not model and hot.patterns is X and hot.beta == 3.0
    assert model.beta == 0.5
    with pytest.raises(ValueError, match="beta must be a positive number"):
        model.with_beta(0.0)
    assert ModernHopfield(X, math.inf).beta == math.inf  # allowed
    assert repr(model) == "ModernHopfield(patterns(4, 3), beta=0.5)"
    # retrieval_beta is a property of the pattern set, not of β
    assert model.retrieval_beta() == hot.retrieval_beta()


def test_retrieval_condition_at_infinite_beta_without_runtime_warning():
    # β = inf: the bound of Prop. 3.4 tends to 0, so every pattern with a
    # positive separation is retrieved, and no overflow warning escapes
    X = np.random.RandomState(0).randn(5, 20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        at_inf = ModernHopfield(X, beta=math.inf).retrieval_condition()
    np.testing.assert_array_equal(at_inf, ModernHopfield(X).separation() > 0)
