"""Brute-force checks of skhopfield.energy.rbm: one RBM for every pair of layers.

Every formula of :class:`~skhopfield.energy.rbm.RBM` is compared with a
reference written out independently of the module, on models small enough to
enumerate:

- discrete pairs (±1 and {0, 1} layers): the table of ``−βE(v, h)`` over ALL
  joint states, built with itertools and the energy written term by term;
  marginals, conditionals and ln Z by summation over that table;
- gaussian hidden units: the marginal from completing the square by hand,
  ``ln Σ_h → β(bᵀv + ½‖Wᵀv + c‖² − ½‖c‖²)``, itself checked against numerical
  integration with the measure ``(β/2π)^{1/2} dh`` (scipy.integrate);
- gradients against central finite differences of the reference mean
  log-likelihood; samplers against the exact p(v) by a chi-square test with a
  power check (the same samples are rejected against a wrong model).
"""

import math

import numpy as np
import pytest
from joblib import parallel_config
from scipy import integrate, stats
from scipy.special import logsumexp

from skhopfield._backend import Engine
from skhopfield.energy.layers import Binary, Gaussian, Spin
from skhopfield.energy.rbm import RBM, Patterns, binary_to_spin, spin_to_binary

VALUES = {"spin": (-1.0, 1.0), "binary": (0.0, 1.0)}
LAYERS = {"spin": Spin, "binary": Binary, "gauss": Gaussian}

# (visible kind, hidden kind, beta, patterns K or None)
CONFIGS = {
    "spin-gauss-b0.5": ("spin", "gauss", 0.5, None),
    "spin-gauss-b2": ("spin", "gauss", 2.0, None),
    "spin-spin": ("spin", "spin", 1.0, None),
    "binary-binary": ("binary", "binary", 1.0, None),
    "binary-binary-b2": ("binary", "binary", 2.0, None),
    "binary-spin-b0.7": ("binary", "spin", 0.7, None),
    "spin-binary-b1.3": ("spin", "binary", 1.3, None),
    "patterns-K2": ("spin", "spin", 1.0, 2),
}
DISCRETE = [k for k, cfg in CONFIGS.items() if cfg[1] != "gauss"]
GAUSS = [k for k, cfg in CONFIGS.items() if cfg[1] == "gauss"]


# -- the independent reference ------------------------------------------------
def all_states(n, values):
    """All states of n units, in the row order of skhopfield's enumerator
    (bit i of the row index gives unit i), built independently."""
    return np.array(
        [[values[(r >> i) & 1] for i in range(n)] for r in range(2**n)],
        dtype=np.float64,
    ).reshape(2**n, n)


class Ref:
    """Parameters of a model and reference computations written out by hand."""

    def __init__(self, kv, kh, W, b, c, beta, xi=None):
        self.kv, self.kh, self.W, self.b, self.c, self.beta = kv, kh, W, b, c, beta
        self.xi = xi
        self.V, self.H = W.shape

    def rbm(self):
        weights = self.W if self.xi is None else Patterns(*self.xi)
        return RBM(LAYERS[self.kv](self.b), LAYERS[self.kh](self.c), weights, self.beta)

    def with_params(self, W=None, b=None, c=None, xi=None):
        if xi is not None:
            W = pattern_weights(*xi)
        return Ref(
            self.kv,
            self.kh,
            self.W if W is None else W,
            self.b if b is None else b,
            self.c if c is None else c,
            self.beta,
            xi,
        )

    def neg_energy(self, v, h):
        """−E(v, h) for single states, term by term."""
        out = sum(self.b[i] * v[i] for i in range(self.V))
        out += sum(
            v[i] * self.W[i, a] * h[a] for i in range(self.V) for a in range(self.H)
        )
        if self.kh == "gauss":
            out -= 0.5 * sum((h[a] - self.c[a]) ** 2 for a in range(self.H))
        else:
            out += sum(self.c[a] * h[a] for a in range(self.H))
        return out

    @property
    def Vs(self):
        return all_states(self.V, VALUES[self.kv])

    @property
    def Hs(self):
        return all_states(self.H, VALUES[self.kh])

    def joint(self):
        """(2^V, 2^H) table of −βE(v, h) over all joint states (discrete)."""
        Vs, Hs = self.Vs, self.Hs
        # the products vectorized; the single-state form is checked against
        # neg_energy in test_energy_and_log_unnormalized_match_enumeration
        return self.beta * (
            (Vs @ self.b)[:, None] + (Hs @ self.c)[None, :] + Vs @ self.W @ Hs.T
        )

    def log_unnormalized(self, X):
        """ln Σ_h exp(−βE(v, h)) (or the gaussian integral) for rows X."""
        X = np.asarray(X, dtype=np.float64)
        if self.kh == "gauss":
            # completing the square: ∫ (β/2π)^{H/2} exp(−β[½‖h − c‖² − vᵀWh]) dh
            # = exp(β[½‖Wᵀv + c‖² − ½‖c‖²])
            u = X @ self.W + self.c
            return self.beta * (
                X @ self.b + 0.5 * (u * u).sum(1) - 0.5 * self.c @ self.c
            )
        Hs = self.Hs
        return logsumexp(
            self.beta
            * ((X @ self.b)[:, None] + (Hs @ self.c)[None, :] + X @ self.W @ Hs.T),
            axis=1,
        )

    def log_Z(self):
        if self.kh == "gauss":
            return logsumexp(self.log_unnormalized(self.Vs))
        return logsumexp(self.joint())

    def log_p(self, X):
        return self.log_unnormalized(X) - self.log_Z()

    def mean_h(self, X):
        if self.kh == "gauss":
            return X @ self.W + self.c
        Hs = self.Hs
        lw = self.beta * ((Hs @ self.c)[None, :] + X @ self.W @ Hs.T)
        return np.exp(lw - logsumexp(lw, axis=1, keepdims=True)) @ Hs

    def mean_v(self, Hrows):
        Vs = self.Vs
        lw = self.beta * ((Vs @ self.b)[None, :] + Hrows @ self.W.T @ Vs.T)
        return np.exp(lw - logsumexp(lw, axis=1, keepdims=True)) @ Vs

    def model_statistics(self):
        Vs = self.Vs
        p = np.exp(self.log_p(Vs))
        if self.kh == "gauss":
            T = Vs @ self.W + self.c
            return Vs.T @ (p[:, None] * T), p @ Vs, p @ T
        P = np.exp(self.joint() - self.log_Z())
        Hs = self.Hs
        return Vs.T @ P @ Hs, P.sum(1) @ Vs, P.sum(0) @ Hs


def pattern_weights(xi_v, xi_h):
    K = xi_v.shape[0]
    return sum(np.outer(xi_v[k], xi_h[k]) for k in range(K)) / math.sqrt(K)


def make(name, V, H, seed=0, scale=0.5, bias_scale=0.3):
    kv, kh, beta, K = CONFIGS[name]
    rng = np.random.RandomState(seed)
    b = bias_scale * rng.randn(V)
    c = bias_scale * rng.randn(H)
    if K is None:
        return Ref(kv, kh, scale * rng.randn(V, H), b, c, beta)
    xi = (scale * rng.uniform(-1, 1, (K, V)), scale * rng.uniform(-1, 1, (K, H)))
    return Ref(kv, kh, pattern_weights(*xi), b, c, beta, xi)


def codes(X, low):
    """Row index of each state in the enumeration order."""
    return ((X != low) * (2 ** np.arange(X.shape[1]))).sum(1).astype(int)


# -- energies, marginals, ln Z ---------------------------------------------------
@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("V, H", [(5, 3), (3, 5)])
def test_energy_and_log_unnormalized_match_enumeration(name, V, H):
    ref = make(name, V, H, seed=V + 7 * H)
    rbm = ref.rbm()
    Vs = ref.Vs
    rng = np.random.RandomState(1)
    if ref.kh == "gauss":
        Hrows = rng.randn(len(Vs), H)
    else:
        Hrows = ref.Hs[rng.randint(2**H, size=len(Vs))]
    want = [-ref.neg_energy(v, h) for v, h in zip(Vs, Hrows, strict=True)]
    np.testing.assert_allclose(rbm.energy(Vs, Hrows), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rbm.W, ref.W, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(rbm.inputs_h(Vs), Vs @ ref.W, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        rbm.inputs_v(Hrows), Hrows @ ref.W.T, rtol=1e-12, atol=1e-12
    )
    lu = ref.log_unnormalized(Vs)
    if ref.kh != "gauss":
        # the vectorized table is the single-state energy, and Σ_h is its row
        np.testing.assert_allclose(
            ref.joint()[3], [ref.beta * ref.neg_energy(Vs[3], h) for h in ref.Hs]
        )
        np.testing.assert_allclose(lu, logsumexp(ref.joint(), axis=1), rtol=1e-12)
    np.testing.assert_allclose(rbm.log_unnormalized(Vs), lu, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(
        rbm.free_energy(Vs), -lu / ref.beta, rtol=1e-11, atol=1e-11
    )
    log_p = rbm.log_prob(Vs)
    np.testing.assert_allclose(log_p, lu - ref.log_Z(), atol=1e-10)
    assert logsumexp(log_p) == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(rbm.log_prob(Vs, log_Z=ref.log_Z()), log_p, atol=1e-12)


@pytest.mark.parametrize("beta", [0.5, 2.0])
@pytest.mark.parametrize("H", [1, 2])
def test_gaussian_marginal_is_the_integral_over_the_hidden_units(beta, H):
    # ln ∫ (β/2π)^{H/2} exp(−βE(v, h)) dh, by quadrature, against the
    # RBM's log_unnormalized (and the reference's hand-completed square)
    name = "spin-gauss-b0.5" if beta == 0.5 else "spin-gauss-b2"
    ref = make(name, 4, H, seed=3)
    rbm = ref.rbm()
    # dblquad is slow: one state for H = 2
    X = np.random.RandomState(4).choice([-1.0, 1.0], size=(3 - H, 4))
    got = rbm.log_unnormalized(X)
    np.testing.assert_allclose(got, ref.log_unnormalized(X), rtol=1e-12)
    half = 12.0 / math.sqrt(beta)
    for v, value in zip(X, got, strict=True):
        mu = v @ ref.W + ref.c  # the peak of the integrand
        peak = beta * ref.neg_energy(v, mu)

        def f(*h, v=v, peak=peak):
            return math.exp(beta * ref.neg_energy(v, np.array(h[::-1])) - peak)

        if H == 1:
            val, _ = integrate.quad(
                f, mu[0] - half, mu[0] + half, epsabs=0, epsrel=1e-10
            )
        else:
            val, _ = integrate.dblquad(
                f,
                mu[0] - half,
                mu[0] + half,
                mu[1] - half,
                mu[1] + half,
                epsabs=0,
                epsrel=1e-8,
            )
        integral = 0.5 * H * math.log(beta / (2 * math.pi)) + peak + math.log(val)
        assert value == pytest.approx(integral, abs=1e-7)
        # the conditional mean of h is the mean of the normalized integrand
        if H == 1:
            first, _ = integrate.quad(
                lambda h: h * f(h), mu[0] - half, mu[0] + half, epsabs=0, epsrel=1e-10
            )
            assert rbm.mean_h(v[None])[0, 0] == pytest.approx(first / val, rel=1e-8)


@pytest.mark.parametrize("name", DISCRETE)
@pytest.mark.parametrize("V, H", [(5, 4), (4, 5), (3, 6), (6, 3), (1, 4)])
def test_log_partition_exact_is_the_sum_over_all_joint_states(name, V, H):
    ref = make(name, V, H, seed=10 * V + H)
    rbm = ref.rbm()
    # the table holds every joint state once
    assert ref.joint().shape == (2**V, 2**H)
    want = logsumexp(ref.joint())
    assert rbm.log_partition_exact() == pytest.approx(want, abs=1e-10)
    assert rbm.log_partition_exact(chunk_size=3) == pytest.approx(want, abs=1e-10)
    assert rbm.mirror().log_partition_exact() == pytest.approx(want, abs=1e-10)
    assert rbm.mirror().log_partition_exact(chunk_size=1) == pytest.approx(
        want, abs=1e-10
    )


@pytest.mark.parametrize("name", GAUSS)
@pytest.mark.parametrize("V, H", [(6, 1), (5, 3)])
def test_gaussian_log_partition_exact_and_its_continuous_representation(name, V, H):
    ref = make(name, V, H, seed=V + H)
    rbm = ref.rbm()
    want = ref.log_Z()
    assert rbm.log_partition_exact() == pytest.approx(want, abs=1e-10)
    assert rbm.log_partition_exact(chunk_size=5) == pytest.approx(want, abs=1e-10)
    # mirror: the ±1 layer becomes the hidden one, and is still the one summed
    mirror = rbm.mirror()
    assert isinstance(mirror.visible, Gaussian) and isinstance(mirror.hidden, Spin)
    assert mirror.log_partition_exact() == pytest.approx(want, abs=1e-10)
    if H == 1:
        # Z = (β/2π)^{1/2} ∫ e^{−β(h − c)²/2} Π_i Σ_{v_i = ±1} e^{β v_i (b_i + W_i h)}
        beta = ref.beta

        def log_f(h):
            x = beta * (ref.b + ref.W[:, 0] * h)
            return -0.5 * beta * (h - ref.c[0]) ** 2 + np.logaddexp(x, -x).sum()

        grid = np.linspace(-30, 30, 6001)
        center = grid[np.argmax([log_f(h) for h in grid])]
        peak = log_f(center)
        val, _ = integrate.quad(
            lambda h: math.exp(log_f(h) - peak),
            center - 30,
            center + 30,
            points=[center],
            limit=400,
            epsabs=0,
            epsrel=1e-10,
        )
        continuous = 0.5 * math.log(beta / (2 * math.pi)) + peak + math.log(val)
        assert rbm.log_partition_exact() == pytest.approx(continuous, abs=1e-7)


def test_exact_sums_refuse_too_many_units_and_two_gaussian_layers():
    big = RBM(Spin(np.zeros(25)), Spin(np.zeros(26)), np.zeros((25, 26)))
    with pytest.raises(ValueError, match="N <= 24.*log_partition_ais"):
        big.log_partition_exact()
    with pytest.raises(ValueError, match="N <= 24"):
        big.model_statistics_exact()
    # a small discrete layer is enumerated whatever the size of the other
    small = RBM(Spin(np.zeros(30)), Binary(np.zeros(2)), np.zeros((30, 2)))
    assert small.log_partition_exact() == pytest.approx(
        30 * math.log(2) + 2 * math.log(2)
    )
    gg = RBM(Gaussian(np.zeros(2)), Gaussian(np.zeros(2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="two gaussian layers"):
        gg.log_partition_exact()


# -- conditionals --------------------------------------------------------------
@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("V, H", [(4, 3), (3, 4)])
def test_conditional_means_match_the_enumerated_joint(name, V, H):
    ref = make(name, V, H, seed=2 * V + H, scale=0.8)
    rbm = ref.rbm()
    Vs = ref.Vs
    if ref.kh == "gauss":
        Hrows = np.random.RandomState(0).randn(7, H)
        want_h = ref.mean_h(Vs)
    else:
        Hrows = ref.Hs
        P = np.exp(ref.joint())
        # E[h | v] and E[v | h] straight from the joint table
        want_h = (P @ Hrows) / P.sum(1, keepdims=True)
        np.testing.assert_allclose(
            rbm.mean_v(Hrows), (P.T @ Vs) / P.sum(0)[:, None], rtol=1e-10, atol=1e-12
        )
    np.testing.assert_allclose(rbm.mean_h(Vs), want_h, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        rbm.mean_h(Vs, inputs=Vs @ ref.W), want_h, rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(
        rbm.mean_v(Hrows), ref.mean_v(Hrows), rtol=1e-10, atol=1e-12
    )
    # the mirror swaps the conditionals
    np.testing.assert_allclose(
        rbm.mirror().mean_h(Hrows), rbm.mean_v(Hrows), rtol=1e-12
    )
    np.testing.assert_allclose(rbm.mirror().mean_v(Vs), rbm.mean_h(Vs), rtol=1e-12)


@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("V, H", [(5, 4), (4, 5)])
def test_model_statistics_exact_match_the_enumerated_averages(name, V, H):
    ref = make(name, V, H, seed=3 * V + H, scale=0.7)
    rbm = ref.rbm()
    want = ref.model_statistics()
    for chunk in (16384, 3):
        got = rbm.model_statistics_exact(chunk_size=chunk)
        for g, w in zip(got, want, strict=True):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
    vh, v, h = rbm.mirror().model_statistics_exact()
    np.testing.assert_allclose(vh, want[0].T, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(v, want[2], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h, want[1], rtol=1e-10, atol=1e-12)


# -- Gibbs sampling ------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "spin-gauss-b0.5",
        "spin-gauss-b2",
        "spin-spin",
        "binary-binary",
        "binary-spin-b0.7",
        "spin-binary-b1.3",
        "patterns-K2",
    ],
)
def test_gibbs_samples_the_exact_marginal(name):
    V, H = 4, 3
    scale = 1.0 if CONFIGS[name][3] else 0.6
    ref = make(name, V, H, seed=21, scale=scale)
    if ref.kh == "gauss":
        ref = ref.with_params(W=0.4 * ref.W / 0.6)
    rbm = ref.rbm()
    low = VALUES[ref.kv][0]
    n_chains = 20000
    engine = Engine(random_state=5)
    start = np.full((n_chains, V), low)
    X, Hs = rbm.gibbs(start, engine, n_steps=60)
    assert X.shape == (n_chains, V) and Hs.shape == (n_chains, H)
    assert set(np.unique(X)) <= set(VALUES[ref.kv])
    counts = np.bincount(codes(X, low), minlength=2**V)
    p = np.exp(ref.log_p(ref.Vs))
    assert stats.chisquare(counts, n_chains * p).pvalue > 1e-3
    # power: the same samples reject a model with 1.5 W
    wrong = ref.with_params(W=1.5 * ref.W)
    p_wrong = np.exp(wrong.log_p(ref.Vs))
    assert stats.chisquare(counts, n_chains * p_wrong).pvalue < 1e-6


def test_gibbs_keeps_float32_and_rejects_zero_steps():
    ref = make("binary-binary", 4, 3)
    rbm = ref.rbm().astype(lambda a: a.astype(np.float32))
    X, Hs = rbm.gibbs(np.zeros((10, 4), np.float32), Engine(random_state=0), n_steps=3)
    assert X.dtype == np.float32 and Hs.dtype == np.float32
    with pytest.raises(ValueError, match="n_steps"):
        rbm.gibbs(np.zeros((1, 4), np.float32), Engine(), n_steps=0)


# -- gradients --------------------------------------------------------------------
def _finite_difference(fun, x, eps=1e-5):
    out = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += eps
        down[idx] -= eps
        out[idx] = (fun(up) - fun(down)) / (2 * eps)
    return out


@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("V, H", [(4, 3), (3, 4)])
def test_exact_gradient_is_the_finite_difference_of_the_mean_log_likelihood(name, V, H):
    ref = make(name, V, H, seed=5 * V + H, scale=0.7)
    rbm = ref.rbm()
    rng = np.random.RandomState(2)
    X = ref.Vs[rng.randint(2**V, size=9)]
    grads = rbm.exact_gradient(X)

    def ll(**params):
        return np.mean(ref.with_params(**params).log_p(X))

    beta = ref.beta
    if ref.xi is None:
        assert set(grads) == {"W", "b", "c"}
        num_W = _finite_difference(lambda W: ll(W=W), ref.W)
        np.testing.assert_allclose(grads["W"], num_W / beta, rtol=1e-6, atol=1e-8)
    else:
        assert set(grads) == {"xi_v", "xi_h", "b", "c"}
        xi_v, xi_h = ref.xi
        num_v = _finite_difference(lambda a: ll(xi=(a, xi_h)), xi_v)
        num_h = _finite_difference(lambda a: ll(xi=(xi_v, a)), xi_h)
        np.testing.assert_allclose(grads["xi_v"], num_v / beta, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(grads["xi_h"], num_h / beta, rtol=1e-6, atol=1e-8)
    num_b = _finite_difference(lambda b: ll(b=b), ref.b)
    num_c = _finite_difference(lambda c: ll(c=c), ref.c)
    np.testing.assert_allclose(grads["b"], num_b / beta, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grads["c"], num_c / beta, rtol=1e-6, atol=1e-8)
    # scale multiplies every gradient; inputs_pos is Wᵀ X
    scaled = rbm.exact_gradient(X, scale=0.1, inputs_pos=X @ ref.W)
    for key in grads:
        np.testing.assert_allclose(
            scaled[key], 0.1 * grads[key], rtol=1e-10, atol=1e-14
        )


@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("V, H", [(4, 3), (3, 5)])
def test_gradient_with_exact_negative_weights_is_the_exact_gradient(name, V, H):
    ref = make(name, V, H, seed=7 * V + H, scale=0.7)
    rbm = ref.rbm()
    rng = np.random.RandomState(3)
    X = ref.Vs[rng.randint(2**V, size=6)]
    Vs = ref.Vs
    p = np.exp(ref.log_p(Vs))
    exact = rbm.exact_gradient(X, scale=0.3)
    got = rbm.gradient(X, Vs, scale=0.3, w_neg=p)
    assert set(got) == set(exact)
    for key in exact:
        np.testing.assert_allclose(got[key], exact[key], rtol=1e-9, atol=1e-12)
    # uniform weights are the default, and inputs_pos = Wᵀ X changes nothing
    neg = ref.Vs[rng.randint(2**V, size=5)]
    a = rbm.gradient(X, neg, scale=0.3)
    b = rbm.gradient(X, neg, scale=0.3, w_neg=np.full(5, 0.2), inputs_pos=X @ ref.W)
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-10, atol=1e-14)
    # and the CD form written out: ⟨v E[h|v]ᵀ⟩_pos − ⟨v E[h|v]ᵀ⟩_neg
    Tp, Tn = ref.mean_h(X), ref.mean_h(neg)
    G = X.T @ Tp / len(X) - neg.T @ Tn / len(neg)
    if ref.xi is None:
        np.testing.assert_allclose(a["W"], 0.3 * G, rtol=1e-10, atol=1e-14)
    else:
        xi_v, xi_h = ref.xi
        K = xi_v.shape[0]
        s = 0.3 / math.sqrt(K)
        np.testing.assert_allclose(a["xi_v"], s * xi_h @ G.T, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(a["xi_h"], s * xi_v @ G, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(
        a["b"], 0.3 * (X.mean(0) - neg.mean(0)), rtol=1e-10, atol=1e-14
    )
    np.testing.assert_allclose(
        a["c"], 0.3 * (Tp.mean(0) - Tn.mean(0)), rtol=1e-10, atol=1e-14
    )


# -- annealed importance sampling -----------------------------------------------
AIS_MODELS = {
    # (config, V, H, weight scale): couplings worth 3-6 nats of ln Z
    "spin-gauss": ("spin-gauss-b2", 14, 4, 0.2),
    "spin-spin": ("spin-spin", 14, 6, 0.35),
    "binary-binary": ("binary-binary", 14, 6, 1.0),
}


def _ais_model(key):
    name, V, H, scale = AIS_MODELS[key]
    return make(name, V, H, seed=31, scale=scale)


@pytest.mark.parametrize("key", list(AIS_MODELS))
def test_ais_is_within_0_05_nats_of_the_exact_log_partition(key):
    ref = _ais_model(key)
    rbm = ref.rbm()
    exact = rbm.log_partition_exact()
    assert exact == pytest.approx(ref.log_Z(), abs=1e-9)
    # the couplings matter: ln Z is well away from that of W = 0
    assert exact - ref.with_params(W=0 * ref.W).log_Z() > 2.0
    est, se = rbm.log_partition_ais(n_chains=300, n_betas=400, random_state=0, n_jobs=1)
    assert abs(est - exact) < 0.05
    assert 0 < se < 0.05
    assert abs(est - exact) < 4 * se + 0.02
    # joblib: groups of chains on 2 threads give the same number
    with parallel_config(backend="threading"):
        par = rbm.log_partition_ais(n_chains=300, n_betas=400, random_state=0, n_jobs=2)
    assert par[0] == pytest.approx(est, abs=1e-12) and par[1] == pytest.approx(
        se, rel=1e-9
    )


@pytest.mark.parametrize("key", ["spin-spin", "binary-binary"])
def test_ais_from_a_base_rate_start_is_within_0_05_nats(key):
    rbm = _ais_model(key).rbm()
    exact = rbm.log_partition_exact()
    base = np.random.RandomState(5).normal(0, 1.0, rbm.visible.n_units)
    est, se = rbm.log_partition_ais(
        n_chains=300, n_betas=400, random_state=0, base_bias=base
    )
    assert abs(est - exact) < 0.05 and abs(est - exact) < 4 * se + 0.02
    # the start differs from the model's own: another estimate, same target
    own, _ = rbm.log_partition_ais(n_chains=300, n_betas=400, random_state=0)
    assert own != est
    with pytest.raises(ValueError, match="one bias per visible unit"):
        rbm.log_partition_ais(n_chains=10, n_betas=5, base_bias=base[:-1])


def test_ais_base_bias_needs_a_discrete_visible_layer():
    W = np.random.RandomState(0).normal(0, 0.1, (3, 4))
    gaussian_visible = RBM(Gaussian(np.zeros(3)), Spin(np.zeros(4)), W)
    with pytest.raises(ValueError, match="discrete visible layer"):
        gaussian_visible.log_partition_ais(
            n_chains=10, n_betas=5, base_bias=np.zeros(3)
        )


def test_ais_without_coupling_is_exact():
    for name in ("spin-gauss-b2", "binary-binary", "spin-binary-b1.3"):
        ref = make(name, 6, 3)
        rbm = ref.with_params(W=np.zeros((6, 3))).rbm()
        est, se = rbm.log_partition_ais(n_chains=10, n_betas=5, random_state=0)
        assert est == pytest.approx(rbm.log_partition_exact(), abs=1e-10)
        assert se == 0.0


# -- the torch engine ------------------------------------------------------------
@pytest.fixture
def torch_one_thread():
    torch = pytest.importorskip("torch")
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(n_threads)


@pytest.mark.parametrize(
    "name", ["spin-gauss-b2", "spin-spin", "binary-binary", "patterns-K2"]
)
def test_torch_engine_matches_numpy(name, torch_one_thread):
    torch = torch_one_thread
    ref = make(name, 5, 4, seed=8)
    rbm = ref.rbm()
    t = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
    trbm = rbm.astype(t)
    Vs = ref.Vs
    Hrows = np.random.RandomState(0).randn(len(Vs), 4) if ref.kh == "gauss" else ref.Hs
    X = Vs[::3]
    pairs = [
        (rbm.log_unnormalized(Vs), trbm.log_unnormalized(t(Vs))),
        (rbm.free_energy(Vs), trbm.free_energy(t(Vs))),
        (
            rbm.energy(Vs[: len(Hrows)], Hrows[: len(Vs)]),
            trbm.energy(t(Vs[: len(Hrows)]), t(Hrows[: len(Vs)])),
        ),
        (rbm.mean_h(Vs), trbm.mean_h(t(Vs))),
        (rbm.mean_v(Hrows), trbm.mean_v(t(Hrows))),
        (rbm.log_prob(Vs), trbm.log_prob(t(Vs))),
        *zip(
            rbm.model_statistics_exact(),
            trbm.model_statistics_exact(chunk_size=7),
            strict=True,
        ),
    ]
    exact_np, exact_t = rbm.exact_gradient(X), trbm.exact_gradient(t(X))
    p = np.exp(ref.log_p(Vs))
    grad_np, grad_t = (
        rbm.gradient(X, Vs, w_neg=p),
        trbm.gradient(t(X), t(Vs), w_neg=t(p)),
    )
    pairs += [(exact_np[k], exact_t[k]) for k in exact_np]
    pairs += [(grad_np[k], grad_t[k]) for k in grad_np]
    for want, got in pairs:
        assert isinstance(got, torch.Tensor)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-10)
    assert trbm.log_partition_exact(chunk_size=5) == pytest.approx(
        rbm.log_partition_exact(), abs=1e-10
    )
    assert trbm.mirror().log_partition_exact() == pytest.approx(
        rbm.log_partition_exact(), abs=1e-10
    )
    engine = Engine(backend="torch", random_state=0)
    Xg, Hg = trbm.gibbs(t(Vs), engine, n_steps=2)
    assert isinstance(Xg, torch.Tensor) and Xg.shape == Vs.shape and Hg.shape[1] == 4


@pytest.mark.parametrize("key", list(AIS_MODELS))
def test_torch_ais_is_within_0_05_nats(key, torch_one_thread):
    torch = torch_one_thread
    ref = _ais_model(key)
    rbm = ref.rbm()
    exact = ref.log_Z()
    trbm = rbm.astype(lambda a: torch.as_tensor(a, dtype=torch.float64))
    est, se = trbm.log_partition_ais(n_chains=300, n_betas=400, random_state=0)
    assert abs(est - exact) < 0.05 and abs(est - exact) < 4 * se + 0.02
    if key == "spin-spin":
        # NumPy weights, a torch engine passed in
        est, se = rbm.log_partition_ais(
            n_chains=300, n_betas=400, engine=Engine(backend="torch", random_state=1)
        )
        assert abs(est - exact) < 0.05 and abs(est - exact) < 4 * se + 0.02


# -- {0, 1} <-> ±1 ---------------------------------------------------------------
@pytest.mark.parametrize("beta", [1.0, 0.6])
@pytest.mark.parametrize("V, H", [(5, 3), (3, 5)])
def test_binary_to_spin_is_exact(beta, V, H):
    ref = make("binary-binary", V, H, seed=V * H, scale=1.0, bias_scale=0.8)
    ref.beta = beta
    rbm = ref.rbm()
    spin, offset = binary_to_spin(rbm)
    assert isinstance(spin.visible, Spin) and isinstance(spin.hidden, Spin)
    assert spin.beta == beta
    sref = Ref("spin", "spin", spin.W, spin.visible.bias, spin.hidden.bias, beta)
    Vs = ref.Vs
    # ln p_b(v) = ln p_s(2v − 1) for every state, by brute force on both
    np.testing.assert_allclose(ref.log_p(Vs), sref.log_p(2 * Vs - 1), atol=1e-10)
    assert ref.log_Z() == pytest.approx(sref.log_Z() + offset, abs=1e-10)
    # and the joint energies differ by the constant offset / β
    Hs = ref.Hs
    np.testing.assert_allclose(ref.joint() - sref.joint(), offset, atol=1e-10)
    assert rbm.log_partition_exact() == pytest.approx(
        spin.log_partition_exact() + offset, abs=1e-10
    )
    # round trip
    back, offset_back = spin_to_binary(spin)
    assert isinstance(back.visible, Binary) and isinstance(back.hidden, Binary)
    assert offset_back == pytest.approx(offset, abs=1e-12)
    np.testing.assert_allclose(back.W, ref.W, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(back.visible.bias, ref.b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(back.hidden.bias, ref.c, rtol=1e-12, atol=1e-14)
    del Hs


def test_spin_to_binary_is_exact_and_round_trips():
    ref = make("spin-spin", 4, 5, seed=3, scale=0.6)
    spin = ref.rbm()
    binary, offset = spin_to_binary(spin)
    bref = Ref(
        "binary", "binary", binary.W, binary.visible.bias, binary.hidden.bias, 1.0
    )
    Vs = bref.Vs
    np.testing.assert_allclose(bref.log_p(Vs), ref.log_p(2 * Vs - 1), atol=1e-10)
    assert bref.log_Z() == pytest.approx(ref.log_Z() + offset, abs=1e-10)
    again, _ = binary_to_spin(binary)
    np.testing.assert_allclose(again.W, ref.W, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(again.visible.bias, ref.b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(again.hidden.bias, ref.c, rtol=1e-12, atol=1e-14)
    with pytest.raises(TypeError, match="two Spin layers"):
        spin_to_binary(binary)
    with pytest.raises(TypeError, match="two Binary layers"):
        binary_to_spin(spin)


def test_mirror_with_beta_and_astype():
    ref = make("patterns-K2", 4, 3)
    rbm = ref.rbm()
    m = rbm.mirror()
    np.testing.assert_allclose(m.W, ref.W.T, rtol=1e-12)
    assert isinstance(m.weights, Patterns)
    np.testing.assert_allclose(m.mirror().W, ref.W, rtol=1e-12)
    hot = rbm.with_beta(2.5)
    assert hot.beta == 2.5 and hot.weights is rbm.weights
    ref.beta = 2.5
    assert hot.log_partition_exact() == pytest.approx(ref.log_Z(), abs=1e-10)
    r32 = rbm.astype(lambda a: a.astype(np.float32))
    assert r32.visible.bias.dtype == np.float32 and r32.W.dtype == np.float32
    # exact sums run in float64 and come back in the weights' dtype
    assert r32.log_partition_exact() == pytest.approx(
        rbm.log_partition_exact(), abs=1e-5
    )
    assert all(a.dtype == np.float32 for a in r32.model_statistics_exact())
    for a, b in zip(
        r32.model_statistics_exact(), rbm.model_statistics_exact(), strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert "Patterns(4, 3)" in repr(rbm) and "beta=1" in repr(rbm)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("mixture", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fast_spin_gaussian_ais_is_the_generic_loop(dtype, mixture, reverse):
    # the in-place NumPy loop of RBM(Spin, Gaussian) draws the same numbers
    # in the same order as the generic one: the same log-weights and final
    # states, forward (from the start) and reverse (from given states), from
    # the base-rate start and from the mirror mixture
    from skhopfield.energy._ais import ais_schedule
    from skhopfield.energy._rbm_ais import (
        _ais_log_weights,
        _ais_log_weights_spin_gaussian,
    )

    rng = np.random.RandomState(0)
    W, b, c = rng.normal(0, 0.2, (14, 4)), rng.normal(0, 0.3, 14), rng.normal(0, 0.3, 4)
    model = RBM(Spin(b), Gaussian(c), W, 2.0).astype(
        lambda a: np.asarray(a, dtype=dtype)
    )
    base = rng.normal(0, 0.5, 14).astype(dtype)
    mix = None
    if mixture:  # three components, uneven weights
        base = rng.normal(0, 0.5, (3, 14)).astype(dtype)
        log_prior = np.log([0.5, 0.3, 0.2])
        mix = (log_prior, log_prior - Spin(base.astype(np.float64)).cgf(0 * base, 2.0))
    gammas = [float(g) for g in ais_schedule(100)]
    init = None
    if reverse:
        gammas = gammas[::-1]
        init = rng.choice([-1.0, 1.0], (100, 14))

    def streams():
        return [np.random.Generator(np.random.SFC64(seed)) for seed in (1, 2)]

    args = (model, base, gammas, "cpu", mix, [60, 40])
    generic, V_generic = _ais_log_weights(*args, streams(), init=init)
    fast, V_fast = _ais_log_weights_spin_gaussian(*args, streams(), init=init)
    np.testing.assert_allclose(fast, generic, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(V_fast, V_generic)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("hidden", [Spin, Gaussian])
def test_gradient_added_in_place_and_its_step_bound(dtype, hidden):
    # add=True: the dense weights take the step in place, the other
    # gradients are returned as before, and "W" bounds the step's largest entry
    rng = np.random.RandomState(3)
    W = rng.randn(7, 4).astype(dtype)
    b, c = rng.randn(7).astype(dtype), rng.randn(4).astype(dtype)
    V_pos = rng.choice([-1.0, 1.0], (5, 7)).astype(dtype)
    V_neg = rng.choice([-1.0, 1.0], (6, 7)).astype(dtype)
    model = RBM(Spin(b), hidden(c), W.copy())
    expected = model.gradient(V_pos, V_neg, scale=0.1)
    held = model.weights.W
    grads = model.gradient(V_pos, V_neg, scale=0.1, add=True)
    assert model.weights.W is held  # in place
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(held, W + expected["W"], rtol=rtol, atol=rtol)
    for key in ("b", "c"):
        np.testing.assert_allclose(grads[key], expected[key], rtol=rtol)
    step = np.abs(expected["W"]).max()
    assert isinstance(grads["W"], float) and step <= grads["W"] * (1 + rtol)
    # the bound is tight enough to spare the check: within the rows' count
    assert grads["W"] <= step * (V_pos.shape[0] + V_neg.shape[0])
