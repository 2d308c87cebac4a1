"""Brute-force checks of skhopfield.energy.layers.

Each layer's cumulant generating function, conditional mean and sampler are
compared with computations written out independently of the module: explicit
sums over every state of a discrete layer (built with itertools, not with the
module's enumerator), numerical integrals over a gaussian unit
(scipy.integrate) and numerical derivatives.
"""

import itertools
import math
import warnings

import numpy as np
import pytest
from scipy import integrate
from scipy.special import logsumexp

from skhopfield._backend import Engine
from skhopfield.energy import layers as L
from skhopfield.energy.layers import Binary, Gaussian, Spin

BETAS = [0.5, 1.0, 2.0]
DISCRETE = [(Spin, (-1.0, 1.0)), (Binary, (0.0, 1.0))]


def table(n, values):
    """All states of n units, row r having unit i = values[bit i of r]."""
    rows = []
    for r in range(2**n):
        rows.append([values[(r >> i) & 1] for i in range(n)])
    return np.array(rows, dtype=np.float64).reshape(2**n, n)


def product_states(n, values):
    """All states of n units (any order), from itertools."""
    return np.array(list(itertools.product(values, repeat=n)), dtype=np.float64)


def make(seed, n_units, n_rows=5, scale=1.0):
    rng = np.random.RandomState(seed)
    return 0.7 * rng.randn(n_units), scale * rng.randn(n_rows, n_units)


# -- the enumerator ---------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 3, 6])
@pytest.mark.parametrize("low", [-1.0, 0.0])
def test_states_enumerates_every_state_once_in_the_documented_order(n, low):
    got = L.states(0, 2**n, n, np.zeros(1), low=low)
    assert got.shape == (2**n, n) and got.dtype == np.float64
    np.testing.assert_array_equal(got, table(n, (low, 1.0)))
    # every state once: the rows are the itertools product, as a set
    assert {tuple(r) for r in got} == {tuple(r) for r in product_states(n, (low, 1.0))}
    assert len({tuple(r) for r in got}) == 2**n
    # row 0 is all low, row 1 flips unit 0, row 2**i has only unit i high
    if n:
        assert np.all(got[0] == low)
        for i in range(n):
            want = np.full(n, low)
            want[i] = 1.0
            np.testing.assert_array_equal(got[2**i], want)


@pytest.mark.parametrize("layer, values", DISCRETE)
def test_layer_states_use_the_layer_low_value_and_chunks_concatenate(layer, values):
    n = 5
    lay = layer(np.zeros(n))
    assert lay.discrete and lay.low == values[0] and lay.n_units == n
    full = lay.states(0, 2**n, lay.bias)
    np.testing.assert_array_equal(full, table(n, values))
    chunks = [lay.states(a, min(a + 7, 2**n), lay.bias) for a in range(0, 2**n, 7)]
    np.testing.assert_array_equal(np.concatenate(chunks), full)
    # the dtype follows ``like``
    s32 = lay.states(3, 9, np.zeros(1, np.float32))
    assert s32.dtype == np.float32
    np.testing.assert_array_equal(s32, full[3:9])


def test_gaussian_layer_has_no_table_and_check_enumerable():
    lay = Gaussian(np.zeros(2))
    assert not lay.discrete
    with pytest.raises(ValueError, match="no finite table"):
        lay.states(0, 4, lay.bias)
    L.check_enumerable(L.MAX_EXACT_UNITS)
    with pytest.raises(ValueError, match="N <= 24.*Use AIS instead"):
        L.check_enumerable(L.MAX_EXACT_UNITS + 1, "AIS")


# -- cumulant generating function and mean of the discrete layers -------------
@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("layer, values", DISCRETE)
def test_discrete_cgf_is_log_of_the_explicit_sum_over_states(layer, values, beta):
    n = 4
    theta, I = make(1, n, scale=2.0)
    lay = layer(theta)
    X = product_states(n, values)
    # −βE(x) + β Iᵀx, E(x) = −θᵀx written out term by term
    E = np.array([-sum(theta[i] * x[i] for i in range(n)) for x in X])
    want = np.array([logsumexp(-beta * E + beta * (X @ row)) for row in I])
    np.testing.assert_allclose(lay.cgf(I, beta), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(lay.energy(X), E, rtol=1e-12, atol=1e-12)
    assert lay.cgf(I, beta).shape == (len(I),)


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("layer, values", DISCRETE)
def test_discrete_mean_is_the_expectation_and_the_cgf_derivative(layer, values, beta):
    n = 3
    theta, I = make(2, n, scale=1.5)
    lay = layer(theta)
    X = product_states(n, values)
    mean = lay.mean(I, beta)
    assert mean.shape == I.shape
    for row, m in zip(I, mean, strict=True):
        log_w = beta * (X @ (theta + row))
        p = np.exp(log_w - logsumexp(log_w))
        np.testing.assert_allclose(m, p @ X, rtol=1e-12, atol=1e-12)
    # E[x | I] = β⁻¹ ∂Γ/∂I, by central differences
    eps = 1e-6
    for j in range(n):
        d = np.zeros(n)
        d[j] = eps
        num = (lay.cgf(I + d, beta) - lay.cgf(I - d, beta)) / (2 * eps * beta)
        np.testing.assert_allclose(mean[:, j], num, rtol=1e-7, atol=1e-8)


# -- the gaussian layer ------------------------------------------------------
def _log_gauss_integral(f_log, mu, sd):
    """ln ∫ exp(f_log(x)) dx, the peak (at mu) factored out."""
    peak = f_log(mu)
    val, _ = integrate.quad(
        lambda x: math.exp(f_log(x) - peak),
        mu - 40 * sd,
        mu + 40 * sd,
        points=[mu],
        limit=400,
        epsabs=0.0,
        epsrel=1e-11,
    )
    return peak + math.log(val)


@pytest.mark.parametrize("beta", BETAS)
def test_gaussian_cgf_and_mean_are_integrals_over_the_normalized_measure(beta):
    # Γ(I) = ln ∫ (β/2π)^{1/2} exp(−β ½(x − θ)² + β I x) dx, per unit, summed;
    # E[x | I] = ∫ x p(x | I) dx. The integral itself is β(½I² + θI) (no
    # extra constant: Γ(0) = 0), which is what the layer returns.
    n = 3
    theta, I = make(3, n, n_rows=3)
    lay = Gaussian(theta)
    got_cgf, got_mean = lay.cgf(I, beta), lay.mean(I, beta)
    sd = 1.0 / math.sqrt(beta)
    for r, row in enumerate(I):
        total = 0.0
        for j in range(n):
            t, u = theta[j], row[j]

            def f_log(x, t=t, u=u):
                return (
                    0.5 * math.log(beta / (2 * math.pi))
                    - beta * 0.5 * (x - t) ** 2
                    + beta * u * x
                )

            mu = t + u
            log_norm = _log_gauss_integral(f_log, mu, sd)
            total += log_norm
            first, _ = integrate.quad(
                lambda x, f=f_log, c=log_norm: x * math.exp(f(x) - c),
                mu - 40 * sd,
                mu + 40 * sd,
                points=[mu],
                limit=400,
                epsabs=1e-13,
                epsrel=1e-11,
            )
            assert got_mean[r, j] == pytest.approx(first, rel=1e-9, abs=1e-9)
        assert got_cgf[r] == pytest.approx(total, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(lay.cgf(np.zeros((1, n)), beta), [0.0], atol=0)
    # E(x) = ½‖x − θ‖², and the mean is β⁻¹ ∂Γ/∂I
    x = np.random.RandomState(0).randn(4, n)
    np.testing.assert_allclose(
        lay.energy(x), 0.5 * ((x - theta) ** 2).sum(1), rtol=1e-12
    )
    eps = 1e-6
    for j in range(n):
        d = np.zeros(n)
        d[j] = eps
        num = (lay.cgf(I + d, beta) - lay.cgf(I - d, beta)) / (2 * eps * beta)
        np.testing.assert_allclose(got_mean[:, j], num, rtol=1e-7, atol=1e-8)


# -- sampling -----------------------------------------------------------------
@pytest.mark.parametrize("beta", [0.5, 2.0])
@pytest.mark.parametrize("layer", [Spin, Binary, Gaussian])
def test_sample_moments_match_the_mean(layer, beta):
    n_units, n = 4, 40000
    theta, I = make(4, n_units, n_rows=1)
    lay = layer(theta)
    inputs = np.tile(I, (n, 1))
    X = lay.sample(inputs, beta, Engine(random_state=0))
    assert X.shape == (n, n_units) and X.dtype == np.float64
    m = lay.mean(I, beta)[0]
    if lay.discrete:
        assert set(np.unique(X)) <= {lay.low, 1.0}
        # Bernoulli on {low, 1}: variance (1 − low)² p (1 − p)
        p = (m - lay.low) / (1.0 - lay.low)
        var = (1.0 - lay.low) ** 2 * p * (1 - p)
    else:
        var = np.full(n_units, 1.0 / beta)
        # sample variance: standard error ≈ var √(2/n)
        np.testing.assert_array_less(
            np.abs(X.var(0) - var), 5 * var * math.sqrt(2.0 / n)
        )
    np.testing.assert_array_less(np.abs(X.mean(0) - m), 5 * np.sqrt(var / n) + 1e-12)
    # the same seed gives the same draws
    np.testing.assert_array_equal(X, lay.sample(inputs, beta, Engine(random_state=0)))


def test_float64_draws_decide_as_float64_expit():
    # _below_sigmoid compares through float32 tanh and decides the draws near
    # the threshold again: every event equals u < expit(2x) in float64,
    # including uniforms placed on, and 1e-12 / 1e-7 either side of, it
    from scipy.special import expit

    rng = np.random.RandomState(7)
    x = np.concatenate([rng.randn(200_000) * scale for scale in (1e-3, 0.3, 3.0, 30.0)])
    x = np.concatenate([x, [0.0, -0.0, 1e300, -1e300, np.inf, -np.inf, 5e-324, -1e-60]])
    p = expit(2.0 * x)
    u = rng.uniform(size=x.size)
    for offset in (0.0, 1e-12, -1e-12, 1e-7, -1e-7):
        u_near = np.clip(p + offset, 0.0, np.nextafter(1.0, 0.0))
        u = np.concatenate([u, u_near])
    field = np.tile(x, (u.size // x.size, 1))
    u = u.reshape(field.shape)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        got = L._below_sigmoid(u, field)
    np.testing.assert_array_equal(got, u < expit(2.0 * field))
    # the band is needed: float32 tanh alone gets some of the ties wrong
    with np.errstate(over="ignore"):
        t32 = np.tanh(field.astype(np.float32))
    assert np.any((2.0 * u - 1.0 < t32) != got)


# -- huge inputs, float32 -------------------------------------------------------
@pytest.mark.parametrize("dtype, big", [(np.float64, 1e300), (np.float32, 1e37)])
@pytest.mark.parametrize("layer", [Spin, Binary])
def test_discrete_layers_are_overflow_free_at_huge_inputs(layer, dtype, big):
    theta = np.array([0.5, -0.5, 0.0], dtype=dtype)
    I = np.array([[big, -big, big], [-big, big, -big]], dtype=dtype)
    lay = layer(theta)
    beta = 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        G = lay.cgf(I, beta)
        M = lay.mean(I, beta)
        X = lay.sample(I, beta, Engine(random_state=0))
    for a in (G, M, X):
        assert a.dtype == dtype
    assert np.all(np.isfinite(G)) and np.all(np.isfinite(M))
    # saturated units: the field f = β(I + θ) ≈ ±2·big decides them, and
    # Γ per unit is |f| for ±1, max(f, 0) for {0, 1}
    f = beta * (I.astype(np.float64) + theta.astype(np.float64))
    want = np.sign(f) if layer is Spin else (f > 0).astype(float)
    np.testing.assert_array_equal(M, want)
    np.testing.assert_array_equal(X, want)
    per_unit = np.abs(f) if layer is Spin else np.maximum(f, 0.0)
    np.testing.assert_allclose(G, per_unit.sum(1), rtol=1e-6)


@pytest.mark.parametrize("layer", [Spin, Binary])
def test_mean_and_sample_are_quiet_when_the_field_exceeds_the_dtype(layer):
    # β(I + θ) = ±6e38 is beyond float32: the conditional is saturated, and
    # the mean and the draws are exact (±1 / 0, 1) without a warning
    theta = np.zeros(2, dtype=np.float32)
    I = np.array([[3e38, -3e38]], dtype=np.float32)
    lay = layer(theta)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X = lay.sample(I, 2.0, Engine(random_state=0))
        M = lay.mean(I, 2.0)
    np.testing.assert_array_equal(X, [[1.0, lay.low]])
    np.testing.assert_array_equal(M, [[1.0, lay.low]])
    assert M.dtype == np.float32 and X.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layer", [Spin, Binary])
def test_cgf_is_quiet_when_the_field_exceeds_the_dtype(layer, dtype):
    # unit 0 saturates beyond the dtype (field −inf), unit 1 has a small field
    big = np.finfo(dtype).max / 2
    theta = np.array([0.0, 0.2], dtype=dtype)
    I = np.array([[-big, 0.1], [big, 0.1]], dtype=dtype)
    lay = layer(theta)
    beta = 4.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        G = lay.cgf(I, beta)
    assert G.dtype == dtype
    f = beta * 0.3
    if layer is Spin:
        # ln 2cosh(±inf) = +inf: the true value is beyond the dtype
        np.testing.assert_array_equal(G, [np.inf, np.inf])
    else:
        # a unit surely off adds ln(1 + 0) = 0; one surely on adds +inf
        np.testing.assert_allclose(G[0], np.logaddexp(0.0, f), rtol=1e-6)
        assert G[1] == np.inf


@pytest.mark.parametrize("layer", [Spin, Binary, Gaussian])
def test_float32_is_preserved_and_close_to_float64(layer):
    theta, I = make(5, 4, n_rows=6)
    lay64, lay32 = layer(theta), layer(theta.astype(np.float32))
    I32 = I.astype(np.float32)
    beta = 1.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = [
            lay32.cgf(I32, beta),
            lay32.mean(I32, beta),
            lay32.energy(I32),
            lay32.sample(I32, beta, Engine(random_state=1)),
        ]
    for a in got:
        assert a.dtype == np.float32
    np.testing.assert_allclose(got[0], lay64.cgf(I, beta), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[1], lay64.mean(I, beta), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[2], lay64.energy(I), rtol=1e-5, atol=1e-5)


def test_with_bias_keeps_the_kind():
    for layer in (Spin, Binary, Gaussian):
        lay = layer(np.zeros(3)).with_bias(np.ones(5))
        assert type(lay) is layer and lay.n_units == 5
        assert repr(lay) == f"{layer.__name__}(n_units=5)"


def test_torch_layers_match_numpy():
    torch = pytest.importorskip("torch")
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        theta, I = make(6, 4, n_rows=5, scale=3.0)
        t = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
        for layer in (Spin, Binary, Gaussian):
            lay, lay_t = layer(theta), layer(t(theta))
            for name in ("cgf", "mean"):
                got = getattr(lay_t, name)(t(I), 0.8)
                assert isinstance(got, torch.Tensor)
                np.testing.assert_allclose(
                    got.numpy(), getattr(lay, name)(I, 0.8), rtol=1e-12, atol=1e-12
                )
            X = lay_t.sample(t(I), 0.8, Engine(backend="torch", random_state=0))
            assert isinstance(X, torch.Tensor) and X.dtype == torch.float64
            if lay.discrete:
                S = lay_t.states(0, 16, t(theta))
                assert isinstance(S, torch.Tensor)
                np.testing.assert_array_equal(S.numpy(), table(4, (lay.low, 1.0)))
    finally:
        torch.set_num_threads(n_threads)
