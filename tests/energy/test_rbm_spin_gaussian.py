"""Brute-force checks of the binary-gaussian RBM, ``RBM(Spin(b), Gaussian(c), W, β)``.

The model of Smart & Zilman (2021), Eq. E.1, as an
:class:`skhopfield.energy.rbm.RBM` of a ±1 visible layer and a gaussian
hidden layer. Every formula is compared with an independent computation on models small
enough to enumerate: the joint energy H(s, λ) written out directly, sums over
all 2^N visible states, and numerical integration over λ (scipy.integrate).
"""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats
from scipy.special import logsumexp

from skhopfield._backend import Engine
from skhopfield.energy._ais import ais_schedule
from skhopfield.energy.layers import Gaussian, Spin
from skhopfield.energy.rbm import RBM

BETAS = [0.5, 1.0, 2.0]


# -- independent reference implementations -----------------------------------
def make_model(seed, n_features, n_hidden, scale=0.5, bias_scale=0.3):
    rng = np.random.RandomState(seed)
    W = scale * rng.randn(n_features, n_hidden)
    b = bias_scale * rng.randn(n_features)
    c = bias_scale * rng.randn(n_hidden)
    return W, b, c


def rbm(W, b, c, beta=1.0):
    """The binary-gaussian RBM of these parameters."""
    return RBM(Spin(b), Gaussian(c), W, beta)


def visible_prob(model, Lam):
    """``p(s_i = +1 | λ) = (E[s_i | λ] + 1) / 2`` of each row of ``Lam``."""
    return (model.mean_v(Lam) + 1.0) / 2.0


def all_states(n_features):
    return np.array(list(itertools.product([-1.0, 1.0], repeat=n_features)))


def energy(s, lam, W, b, c):
    """H(s, λ) = ½‖λ − c‖² − bᵀs − sᵀWλ for one state, written out directly."""
    return 0.5 * np.sum((lam - c) ** 2) - b @ s - s @ W @ lam


def log_marginal_integrand(lam, W, b, c, beta):
    """ln[exp(−β‖λ − c‖²/2) Π_i 2cosh(β (Wλ + b)_i)], visible units summed
    out by brute force over both values of each spin."""
    lam = np.atleast_1d(lam)
    x = beta * (W @ lam + b)
    return -0.5 * beta * np.sum((lam - c) ** 2) + np.sum(np.logaddexp(x, -x))


def integrate_log(log_f, center, half_width):
    """ln ∫ exp(log_f) over a box (1-D or 2-D), with the peak factored out."""
    center = np.atleast_1d(np.asarray(center, dtype=float))
    peak = log_f(center)
    opts = dict(epsabs=0.0, epsrel=1e-8)
    if center.size == 1:
        val, _ = integrate.quad(
            lambda x: math.exp(log_f(np.array([x])) - peak),
            center[0] - half_width,
            center[0] + half_width,
            limit=400,
            points=[center[0]],
            **opts,
        )
    else:
        val, _ = integrate.dblquad(
            lambda y, x: math.exp(log_f(np.array([x, y])) - peak),
            center[0] - half_width,
            center[0] + half_width,
            center[1] - half_width,
            center[1] + half_width,
            **opts,
        )
    return peak + math.log(val)


def argmax(log_f, dim, seed=0):
    """Global maximizer of log_f by multi-start local optimization."""
    rng = np.random.RandomState(seed)
    best = None
    for x0 in 3.0 * rng.randn(8, dim):
        res = optimize.minimize(lambda x: -log_f(x), x0, method="BFGS")
        if best is None or res.fun < best.fun:
            best = res
    return best.x


# -- conditionals -------------------------------------------------------------
@pytest.mark.parametrize("beta", BETAS)
def test_visible_conditional_is_ratio_of_joint_densities(beta):
    W, b, c = make_model(0, 6, 3)
    rng = np.random.RandomState(1)
    Lam = rng.randn(4, 3)
    probs = visible_prob(rbm(W, b, c, beta), Lam)
    assert probs.shape == (4, 6)
    for r in range(4):
        s = rng.choice([-1.0, 1.0], size=6)
        for i in range(6):
            s_plus, s_minus = s.copy(), s.copy()
            s_plus[i], s_minus[i] = 1.0, -1.0
            h_plus = energy(s_plus, Lam[r], W, b, c)
            h_minus = energy(s_minus, Lam[r], W, b, c)
            expected = 1.0 / (1.0 + math.exp(beta * (h_plus - h_minus)))
            assert probs[r, i] == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("beta", BETAS)
def test_hidden_conditional_is_the_gaussian_of_the_joint(beta):
    # -βH(s, λ) − ln N(λ; Wᵀs + c, β⁻¹ I) must not depend on λ: then
    # p(λ | s) ∝ exp(−βH(s, λ)) is exactly that gaussian.
    W, b, c = make_model(2, 5, 3)
    rng = np.random.RandomState(3)
    S = rng.choice([-1.0, 1.0], size=(3, 5))
    mean = rbm(W, b, c, beta).mean_h(S)
    np.testing.assert_allclose(mean, S @ W + c, rtol=1e-12)
    for s, m in zip(S, mean, strict=True):
        lams = m + 2.0 * rng.randn(10, 3)
        diffs = [
            -beta * energy(s, lam, W, b, c)
            - stats.multivariate_normal.logpdf(lam, m, np.eye(3) / beta)
            for lam in lams
        ]
        np.testing.assert_allclose(diffs, diffs[0], rtol=1e-10, atol=1e-10)
        # Completing the square numerically: the minimizer of H(s, ·) is the
        # mean and the Hessian of βH is β I (variance 1/β).
        res = optimize.minimize(
            lambda lam, s=s: energy(s, lam, W, b, c),
            np.zeros(3),
            method="BFGS",
            options={"gtol": 1e-10},
        )
        np.testing.assert_allclose(res.x, m, atol=1e-6)
        eps = 1e-3
        hess = np.array(
            [
                [
                    (
                        energy(s, m + eps * (e1 + e2), W, b, c)
                        - energy(s, m + eps * (e1 - e2), W, b, c)
                        - energy(s, m - eps * (e1 - e2), W, b, c)
                        + energy(s, m - eps * (e1 + e2), W, b, c)
                    )
                    / (4 * eps**2)
                    for e2 in np.eye(3)
                ]
                for e1 in np.eye(3)
            ]
        )
        np.testing.assert_allclose(beta * hess, beta * np.eye(3), atol=1e-6)


@pytest.mark.parametrize("beta", BETAS)
def test_sample_hidden_and_visible_moments(beta):
    W, b, c = make_model(4, 5, 3)
    engine = Engine(backend="numpy", random_state=0)
    model = rbm(W, b, c, beta)
    n = 20000
    s = np.array([1.0, -1.0, 1.0, 1.0, -1.0])
    Lam = model.sample_h(np.tile(s, (n, 1)), engine)
    m = s @ W + c
    # sample mean: standard error sqrt(1/(beta n)); variance: sqrt(2/n) / beta
    se_mean = math.sqrt(1.0 / (beta * n))
    np.testing.assert_array_less(np.abs(Lam.mean(0) - m), 5 * se_mean)
    np.testing.assert_array_less(
        np.abs(Lam.var(0) - 1.0 / beta), 5 * math.sqrt(2.0 / n) / beta
    )
    lam = np.array([0.3, -0.2, 0.5])
    S = model.sample_v(np.tile(lam, (n, 1)), engine)
    assert set(np.unique(S)) <= {-1.0, 1.0}
    p = visible_prob(model, lam[None])[0]
    # p(s_i = +1 | λ) = σ(2β (Wλ + b)_i), written out
    np.testing.assert_allclose(
        p, 1.0 / (1.0 + np.exp(-2.0 * beta * (W @ lam + b))), rtol=1e-12
    )
    freq = (S == 1).mean(0)
    np.testing.assert_array_less(np.abs(freq - p), 5 * np.sqrt(p * (1 - p) / n))


# -- marginal, normalization, free energies ------------------------------------
@pytest.mark.parametrize("beta", BETAS)
def test_log_prob_sums_to_one(beta):
    W, b, c = make_model(5, 10, 4)
    model = rbm(W, b, c, beta)
    S = all_states(10)
    lp = model.log_prob(S)
    assert np.exp(logsumexp(lp)) == pytest.approx(1.0, rel=1e-10)
    lz = model.log_partition_exact(chunk_size=100)
    np.testing.assert_allclose(lp, model.log_prob(S, log_Z=lz))


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("n_hidden", [1, 2])
def test_log_unnormalized_is_integral_over_hidden(beta, n_hidden):
    # ln ∫ exp(−βH(s, λ)) dλ = log_unnormalized(s) + (p/2) ln(2π/β)
    W, b, c = make_model(6, 4, n_hidden)
    rng = np.random.RandomState(7)
    S = rng.choice([-1.0, 1.0], size=(2, 4))
    got = rbm(W, b, c, beta).log_unnormalized(S)
    for s, value in zip(S, got, strict=True):
        log_f = lambda lam, s=s: -beta * energy(s, lam, W, b, c)  # noqa: E731
        center = argmax(log_f, n_hidden)
        integral = integrate_log(log_f, center, 10.0 / math.sqrt(beta))
        expected = integral - 0.5 * n_hidden * math.log(2 * math.pi / beta)
        assert value == pytest.approx(expected, abs=1e-6)
        # and the explicit ½ of the marginal energy
        u = W.T @ s
        direct = beta * (b @ s + 0.5 * np.sum((u + c) ** 2) - 0.5 * c @ c)
        assert value == pytest.approx(direct, rel=1e-12)


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("n_hidden", [1, 2])
def test_exact_log_partition_matches_continuous_representation(beta, n_hidden):
    W, b, c = make_model(8, 6, n_hidden)
    log_f = lambda lam: log_marginal_integrand(lam, W, b, c, beta)  # noqa: E731
    center = argmax(log_f, n_hidden)
    half_width = np.abs(W).sum() + np.abs(center - c).max() + 15.0 / math.sqrt(beta)
    integral = integrate_log(log_f, center, half_width)
    continuous = 0.5 * n_hidden * math.log(beta / (2 * math.pi)) + integral
    model = rbm(W, b, c, beta)
    exact = model.log_partition_exact()
    assert exact == pytest.approx(continuous, abs=1e-6)
    # brute force over the states, no chunking
    brute = logsumexp(
        [
            beta * (b @ s + 0.5 * np.sum((W.T @ s + c) ** 2) - 0.5 * c @ c)
            for s in all_states(6)
        ]
    )
    assert exact == pytest.approx(brute, abs=1e-10)
    # Z = (β/2π)^{p/2} ∫ exp(−β F0(λ)) dλ: F0 is the integrand's exponent
    lams = center + np.random.RandomState(0).randn(5, n_hidden)
    F0 = model.mirror().free_energy(lams)
    np.testing.assert_allclose(
        -beta * F0, [log_f(lam) for lam in lams], rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("beta", BETAS)
def test_free_energy_saddle_gradient(beta):
    W, b, c = make_model(9, 7, 3)
    hidden = rbm(W, b, c, beta).mirror()
    for lam in np.random.RandomState(1).randn(4, 3):
        f = lambda x: hidden.free_energy(x[None])[0]  # noqa: E731
        grad = hidden.free_energy_grad(lam[None])[0]
        np.testing.assert_allclose(
            grad, optimize.approx_fprime(lam, f, 1e-7), atol=1e-5
        )


def test_exact_refuses_large_models():
    with pytest.raises(ValueError, match="N <= 24"):
        rbm(np.zeros((25, 2)), np.zeros(25), np.zeros(2), 1.0).log_partition_exact()


# -- Gibbs sampling ------------------------------------------------------------
@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_gibbs_chain_samples_the_marginal(beta):
    n_features, n_hidden = 4, 2
    W, b, c = make_model(10, n_features, n_hidden, scale=0.6)
    model = rbm(W, b, c, beta)
    states = all_states(n_features)
    p_exact = np.exp(model.log_prob(states))
    engine = Engine(backend="numpy", random_state=0)
    n_chains = 10000
    S0 = np.ones((n_chains, n_features))  # all chains start in one state
    # (β = 2 has two well separated modes: the chains need ~100 steps to
    # equilibrate between them.)
    S, Lam = model.gibbs(S0, engine, n_steps=300)
    assert S.shape == (n_chains, n_features) and Lam.shape == (n_chains, n_hidden)
    codes = ((S > 0).astype(int) * (2 ** np.arange(n_features)[::-1])).sum(1)
    counts = np.bincount(codes, minlength=2**n_features)
    # independent chains: multinomial counts, chi-square goodness of fit
    pvalue = stats.chisquare(counts, n_chains * p_exact).pvalue
    assert pvalue > 1e-3
    tv = 0.5 * np.abs(counts / n_chains - p_exact).sum()
    assert tv < 2.0 * np.sqrt(p_exact * (1 - p_exact) / n_chains).sum()
    # (s, λ) is a joint sample: E[s λᵀ] = Σ_s p(s) s (Wᵀs + c)ᵀ
    expected = np.einsum("k,ki,km->im", p_exact, states, states @ W + c)
    prod = S[:, :, None] * Lam[:, None, :]
    se = prod.std(0) / math.sqrt(n_chains)
    np.testing.assert_array_less(np.abs(prod.mean(0) - expected), 5 * se)


def test_gibbs_long_single_chain():
    W, b, c = make_model(12, 4, 2, scale=0.6)
    model = rbm(W, b, c, 1.0)
    states = all_states(4)
    p_exact = np.exp(model.log_prob(states))
    engine = Engine(backend="numpy", random_state=13)
    S = np.ones((1, 4))
    n_batches, batch_len = 40, 250
    freqs = np.zeros((n_batches, 16))
    for k in range(n_batches):
        for _ in range(batch_len):
            S, _ = model.gibbs(S, engine)
            freqs[k, int(((S[0] > 0) * 2 ** np.arange(4)[::-1]).sum())] += 1
    freqs /= batch_len
    # Serially correlated samples: the standard error of the frequencies from
    # batch means (batches much longer than the autocorrelation time).
    se = freqs.std(0, ddof=1) / math.sqrt(n_batches)
    np.testing.assert_array_less(np.abs(freqs.mean(0) - p_exact), 5 * se + 1e-3)


def test_gibbs_step_rejects_zero_steps():
    W, b, c = make_model(0, 3, 2)
    with pytest.raises(ValueError):
        rbm(W, b, c, 1.0).gibbs(np.ones((1, 3)), Engine(), n_steps=0)


@pytest.mark.parametrize("beta", [1e-300, 1e-60, 1e38, 1e300])
def test_gibbs_step_float32_with_beta_beyond_float32_range(beta):
    # fuzz finding: in float32, 2β = inf (β = 1e300) or 1/√β = inf (β =
    # 1e-300) met 0·inf: NaN probabilities and numpy warnings. The step now
    # runs in float64 there and returns float32 spins; their distribution
    # is the float64 step's (β → 0: uniform; β → ∞: the sign of the field).
    W, b, c = make_model(0, 6, 3)
    S0 = np.random.RandomState(1).choice([-1.0, 1.0], size=(4000, 6))
    with np.errstate(all="raise"):
        W32, b32, c32 = (a.astype(np.float32) for a in (W, b, c))
        S32, _ = rbm(W32, b32, c32, beta).gibbs(
            S0.astype(np.float32), Engine(random_state=0), n_steps=2
        )
        S64, _ = rbm(W, b, c, beta).gibbs(S0, Engine(random_state=0), n_steps=2)
    assert S32.dtype == np.float32
    assert np.isin(S32, [-1.0, 1.0]).all()
    np.testing.assert_allclose(S32.mean(0), S64.mean(0), atol=0.1)


def test_visible_prob_saturates_quietly_in_float32():
    # 2β is finite in float32 but 2β·x is not: the sigmoid's argument
    # becomes ±inf, where it is exactly 0 or 1, without a warning
    Lam = np.array([[1.0, -1.0, 0.0]], dtype=np.float32)
    W = np.eye(3, dtype=np.float32) * 1e3
    with np.errstate(all="raise"):
        zero = np.zeros(3, np.float32)
        P = visible_prob(rbm(W, zero, zero, 1e38), Lam)
    np.testing.assert_array_equal(P, [[1.0, 0.0, 0.5]])


# -- AIS ---------------------------------------------------------------------
@pytest.mark.parametrize("beta", BETAS)
def test_ais_matches_exact(beta):
    model = rbm(*make_model(14, 12, 4, scale=0.3), beta)
    exact = model.log_partition_exact()
    est, se = model.log_partition_ais(n_chains=300, n_betas=300, random_state=0)
    assert abs(est - exact) < 0.05
    assert 0 < se < 0.05


def test_ais_standard_error_is_honest():
    model = rbm(*make_model(15, 10, 3, scale=0.5), 1.0)
    exact = model.log_partition_exact()
    runs = np.array(
        [
            tuple(model.log_partition_ais(n_chains=100, n_betas=30, random_state=s))
            for s in range(20)
        ]
    )
    err, se = runs[:, 0] - exact, runs[:, 1]
    assert se.min() > 0.005  # a regime where the error is not negligible
    assert np.sum(np.abs(err) < 3 * se) >= 18
    assert abs(err.mean()) < 4 * np.sqrt(np.mean(se**2) / len(err))
    # the spread over seeds agrees with the reported standard error
    assert 0.5 < err.std() / np.sqrt(np.mean(se**2)) < 2.0


def test_ais_schedules_dtype_and_reproducibility():
    model = rbm(*make_model(16, 10, 3, scale=0.4), 1.0)
    exact = model.log_partition_exact()
    a = model.log_partition_ais(n_chains=200, n_betas=200, random_state=3)
    assert a == model.log_partition_ais(n_chains=200, n_betas=200, random_state=3)
    for kwargs in (
        dict(schedule="linear"),
        dict(schedule=np.linspace(0, 1, 200) ** 0.7),
        dict(dtype=np.float32),
        dict(engine=Engine(random_state=5)),
    ):
        est, se = model.log_partition_ais(
            n_chains=200, n_betas=200, random_state=4, **kwargs
        )
        assert abs(est - exact) < 4 * se + 0.01
    gammas = ais_schedule(5)
    assert gammas[0] == 0 and gammas[-1] == 1 and np.all(np.diff(gammas) > 0)
    with pytest.raises(ValueError):
        model.log_partition_ais(schedule=[0.0, 0.7, 0.5, 1.0])
    with pytest.raises(ValueError):
        ais_schedule(10, "cubic")


def test_ais_without_coupling_is_exact():
    # W = 0: ln Z = Σ ln 2cosh(β b_i) for every chain, zero standard error
    _, b, c = make_model(17, 8, 3)
    model = rbm(np.zeros((8, 3)), b, c, 2.0)
    est, se = model.log_partition_ais(n_chains=10, n_betas=10)
    assert est == pytest.approx(model.log_partition_exact(), abs=1e-10)
    assert est == pytest.approx(np.sum(np.logaddexp(2.0 * b, -2.0 * b)), abs=1e-10)
    assert se == 0.0


# -- extreme parameters --------------------------------------------------------
@pytest.mark.parametrize("beta", [1.0, 1e3])
def test_huge_beta_and_weights_stay_finite(beta):
    model = rbm(*make_model(18, 8, 3, scale=1e3, bias_scale=1e3), beta)
    S = all_states(8)
    engine = Engine(backend="numpy", random_state=0)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        lz = model.log_partition_exact()
        lp = model.log_prob(S, log_Z=lz)
        assert np.isfinite(lz) and np.all(np.isfinite(lp)) and np.all(lp <= 1e-6)
        assert logsumexp(lp) == pytest.approx(0.0, abs=1e-9)
        Lam = model.sample_h(S, engine)
        P = visible_prob(model, Lam)
        assert np.all((P >= 0) & (P <= 1))
        assert np.all(np.isfinite(model.mirror().free_energy(Lam)))
        assert np.all(np.isfinite(model.mirror().free_energy_grad(Lam)))
        S2, Lam2 = model.gibbs(S, engine, n_steps=3)
        assert np.all(np.abs(S2) == 1) and np.all(np.isfinite(Lam2))
        for dtype in (np.float64, np.float32):
            est, se = model.log_partition_ais(
                n_chains=20, n_betas=20, random_state=0, dtype=dtype
            )
            assert np.isfinite(est) and np.isfinite(se)


# -- torch engine ----------------------------------------------------------------
@pytest.fixture
def torch_one_thread():
    """torch, limited to one intra-op thread for these tiny tensors (thread
    start-up would dominate, badly so on a busy machine); restored after."""
    torch = pytest.importorskip("torch")
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(n_threads)


def test_torch_engine_matches_numpy(torch_one_thread):
    torch = torch_one_thread
    W, b, c = make_model(19, 8, 3)
    beta = 2.0
    S = all_states(8)
    Lam = np.random.RandomState(0).randn(len(S), 3)
    t = lambda x: torch.as_tensor(x, dtype=torch.float64)  # noqa: E731
    model, model_t = rbm(W, b, c, beta), rbm(t(W), t(b), t(c), beta)
    pairs = [
        (model.mean_h(S), model_t.mean_h(t(S))),
        (visible_prob(model, Lam), visible_prob(model_t, t(Lam))),
        (model.log_unnormalized(S), model_t.log_unnormalized(t(S))),
        (model.log_prob(S), model_t.log_prob(t(S))),
        (model.mirror().free_energy(Lam), model_t.mirror().free_energy(t(Lam))),
        (
            model.mirror().free_energy_grad(Lam),
            model_t.mirror().free_energy_grad(t(Lam)),
        ),
        (model.energy(S, Lam), model_t.energy(t(S), t(Lam))),
    ]
    for expected, got in pairs:
        assert isinstance(got, torch.Tensor)
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)
    assert model_t.log_partition_exact(chunk_size=50) == (
        pytest.approx(model.log_partition_exact(), abs=1e-10)
    )
    engine = Engine(backend="torch", random_state=0)
    S2, Lam2 = model_t.gibbs(t(S), engine, n_steps=2)
    assert isinstance(S2, torch.Tensor) and S2.shape == S.shape
    assert set(torch.unique(S2).tolist()) <= {-1.0, 1.0}
    assert Lam2.shape == (len(S), 3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_torch_ais_is_consistent(dtype, torch_one_thread):
    model = rbm(*make_model(20, 10, 3, scale=0.4), 1.0)
    exact = model.log_partition_exact()
    engine = Engine(backend="torch", random_state=0)
    est, se = model.log_partition_ais(
        n_chains=300, n_betas=200, engine=engine, dtype=dtype
    )
    assert abs(est - exact) < 4 * se + 0.01 and se < 0.05
    with np.errstate(over="raise", invalid="raise"):
        huge = rbm(*make_model(21, 8, 3, scale=1e3, bias_scale=1e3), 1e3)
        est, se = huge.log_partition_ais(
            n_chains=20, n_betas=20, engine=engine, dtype=dtype
        )
        assert np.isfinite(est) and np.isfinite(se)
