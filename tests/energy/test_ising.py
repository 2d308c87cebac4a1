"""The pairwise model Ising (the Hopfield network and the fully visible
Boltzmann machine) against brute force: energies, fields, conditionals,
exact sums, gradients, sampling, AIS and the zero-temperature dynamics."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import expit, logsumexp

from skhopfield._backend import Engine
from skhopfield.energy import ising as ising_module
from skhopfield.energy import layers
from skhopfield.energy.ising import Ising
from skhopfield.energy.layers import MAX_EXACT_UNITS, Binary, Gaussian, Spin

UNITS = ["spin", "binary"]
LOW = {"spin": -1.0, "binary": 0.0}
LAYER = {"spin": Spin, "binary": Binary}


def _model(n, seed, scale=0.5, field=0.3, diagonal=False):
    """Symmetric couplings (a random diagonal if ``diagonal``) and fields."""
    rng = np.random.RandomState(seed)
    A = rng.normal(0.0, scale, (n, n))
    J = np.triu(A, 1)
    J = J + J.T
    if diagonal:  # a diagonal that every probability must ignore
        J[np.diag_indices(n)] = rng.normal(size=n)
    return J, rng.normal(0.0, field, n)


def _ising(J, b, units="spin", beta=1.0):
    return Ising(LAYER[units](b), J, beta)


def _all_states(n, units):
    """Every state, by itertools (independent of layers.states)."""
    return np.array(list(itertools.product([LOW[units], 1.0], repeat=n)))


def _brute_log_w(S, J, b):
    """``½ Σ_{i≠j} J_ij s_i s_j + Σ_i b_i s_i`` of each row, by explicit sums."""
    n = J.shape[0]
    return np.array(
        [
            0.5
            * sum(J[i, j] * s[i] * s[j] for i in range(n) for j in range(n) if i != j)
            + sum(b[i] * s[i] for i in range(n))
            for s in S
        ]
    )


def _brute_energy(S, J, b):
    """``−½ Σ_{i,j} J_ij s_i s_j − Σ_i b_i s_i`` (diagonal included)."""
    n = J.shape[0]
    return np.array(
        [
            -0.5 * sum(J[i, j] * s[i] * s[j] for i in range(n) for j in range(n))
            - sum(b[i] * s[i] for i in range(n))
            for s in S
        ]
    )


def _p_on(model, S):
    """``p(s_i = on | rest)`` from :meth:`Ising.mean`."""
    M = model.mean(S)
    return (M + 1.0) / 2.0 if model.units.low < 0 else M


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


# -- the object ----------------------------------------------------------------------
def test_properties_repr_and_astype():
    J, b = _model(4, 13)
    model = Ising(Binary(b), J, 0.5)
    assert model.units.n_units == 4 and model.units.low == 0.0 and model.beta == 0.5
    assert model.couplings is J and model.units.bias is b
    assert Ising(Spin(b), J).units.low == -1.0
    assert "beta=0.5" in repr(model)
    f32 = model.astype(lambda a: np.asarray(a, dtype=np.float32))
    assert isinstance(f32.units, Binary) and f32.beta == 0.5
    assert f32.couplings.dtype == np.float32 and f32.units.bias.dtype == np.float32
    # the probabilistic methods work in float64 whatever the arrays' dtype
    exact = model.log_partition_exact()
    assert f32.log_partition_exact() == pytest.approx(exact, abs=1e-5)


# -- enumeration -----------------------------------------------------------------
@pytest.mark.parametrize("units", UNITS)
def test_log_prob_table_is_in_the_order_of_layers_states(units):
    """log_prob_table lists the states as layers.states orders them: bit i of
    the row index gives unit i (itertools runs the last unit fastest)."""
    J, b = _model(6, 9)
    states, log_p = _ising(J, b, units).log_prob_table()
    like = np.empty(0)
    np.testing.assert_array_equal(states, layers.states(0, 64, 6, like, low=LOW[units]))
    np.testing.assert_array_equal(_codes(states), np.arange(64))
    np.testing.assert_array_equal(states[:, ::-1], _all_states(6, units))
    assert states.dtype == np.float64 and log_p.shape == (64,)
    assert layers.states(0, 8, 3, np.empty(0, dtype=np.float32)).dtype == np.float32


def test_states_table_is_every_state_once():
    like = np.empty(0)
    S = layers.states(0, 32, 5, like)
    assert S.shape == (32, 5)
    assert {tuple(r) for r in S} == set(itertools.product([-1.0, 1.0], repeat=5))
    # any rows of the table, on their own
    np.testing.assert_array_equal(layers.states(8, 20, 5, like), S[8:20])
    with pytest.raises(ValueError, match="intractable"):
        Ising(Spin(np.zeros(40)), np.zeros((40, 40))).log_prob_table()


@pytest.mark.parametrize("units", UNITS)
def test_log_unnormalized_and_conditionals_by_brute_force(units):
    n = 5
    J, b = _model(n, 0, diagonal=True)
    model = _ising(J, b, units)
    S = _all_states(n, units)
    log_w = model.log_unnormalized(S)
    np.testing.assert_allclose(log_w, _brute_log_w(S, J, b), atol=1e-12)
    # p(s_i = on | rest) = p(s with i on) / (p(on) + p(off))
    P = _p_on(model, S)
    for i in range(n):
        on, off = S.copy(), S.copy()
        on[:, i], off[:, i] = 1.0, LOW[units]
        w_on = _brute_log_w(on, J, b)
        w_off = _brute_log_w(off, J, b)
        expected = 1.0 / (1.0 + np.exp(w_off - w_on))
        np.testing.assert_allclose(P[:, i], expected, atol=1e-12)
    # the textbook forms: E[s_i | rest] = tanh(h) or σ(h), p(on) = σ(2h) or σ(h)
    Jz = J.copy()
    np.fill_diagonal(Jz, 0.0)
    h = S @ Jz + b
    expected_mean = np.tanh(h) if units == "spin" else expit(h)
    np.testing.assert_allclose(model.mean(S), expected_mean, atol=1e-12)
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
    monkeypatch.setattr(ising_module, "_EXACT_CHUNK", 5)
    model = _ising(J, b, units)
    assert model.log_partition_exact() == pytest.approx(log_Z, abs=1e-12)
    second, mean = model.model_statistics_exact()
    np.testing.assert_allclose(mean, p @ S, atol=1e-12)
    np.testing.assert_allclose(second, (S * p[:, None]).T @ S, atol=1e-12)
    states, log_p = model.log_prob_table()
    assert logsumexp(log_p) == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(log_p, model.log_prob(states), atol=1e-12)
    np.testing.assert_allclose(model.log_prob(S), log_w - log_Z, atol=1e-12)
    # a given ln Z is used as it is
    np.testing.assert_allclose(model.log_prob(S, log_Z=1.5), log_w - 1.5, atol=1e-12)


@pytest.mark.parametrize("units", UNITS)
@pytest.mark.parametrize("beta", [0.4, 1.7])
def test_exact_sums_at_any_beta_by_brute_force(units, beta):
    """At β ≠ 1, p(s) ∝ exp(β(½ sᵀJs + bᵀs)) and E[s_i | rest] = tanh(βh_i)
    or σ(βh_i)."""
    n = 6
    J, b = _model(n, 11, scale=0.8, diagonal=True)
    model = _ising(J, b, units, beta)
    S = _all_states(n, units)
    log_w = beta * _brute_log_w(S, J, b)
    log_Z = logsumexp(log_w)
    p = np.exp(log_w - log_Z)
    assert model.log_partition_exact() == pytest.approx(log_Z, abs=1e-12)
    np.testing.assert_allclose(model.log_unnormalized(S), log_w, atol=1e-12)
    np.testing.assert_allclose(model.log_prob(S), log_w - log_Z, atol=1e-12)
    second, mean = model.model_statistics_exact()
    np.testing.assert_allclose(mean, p @ S, atol=1e-12)
    np.testing.assert_allclose(second, (S * p[:, None]).T @ S, atol=1e-12)
    states, log_p = model.log_prob_table()
    np.testing.assert_allclose(log_p, model.log_prob(states), atol=1e-12)
    Jz = J.copy()
    np.fill_diagonal(Jz, 0.0)
    h = S @ Jz + b
    expected = np.tanh(beta * h) if units == "spin" else expit(beta * h)
    np.testing.assert_allclose(model.mean(S), expected, atol=1e-12)


@pytest.mark.parametrize("units", UNITS)
def test_with_beta_scales_the_log_weights(units):
    n = 5
    J, b = _model(n, 10, diagonal=True)
    model = _ising(J, b, units)
    S = _all_states(n, units)
    for beta in (0.3, 2.5):
        other = model.with_beta(beta)
        assert (
            other.beta == beta
            and other.couplings is model.couplings
            and other.units is model.units
        )
        np.testing.assert_allclose(
            other.log_unnormalized(S), beta * model.log_unnormalized(S), rtol=1e-12
        )
        # the energy and the fields carry no β
        np.testing.assert_array_equal(other.energy(S), model.energy(S))
        np.testing.assert_array_equal(other.field(S), model.field(S))
    assert model.with_beta(math.inf).beta == math.inf
    assert model.with_beta(2.0).with_beta(1.0).log_partition_exact() == pytest.approx(
        model.log_partition_exact(), abs=1e-12
    )


def test_exact_log_partition_is_stable_for_huge_couplings():
    J, b = _model(6, 2, scale=300.0)
    model = _ising(J, b)
    _, log_p = model.log_prob_table()
    assert np.isfinite(model.log_partition_exact())
    assert logsumexp(log_p) == pytest.approx(0.0, abs=1e-9)
    second, mean = model.model_statistics_exact()
    assert np.isfinite(second).all() and np.isfinite(mean).all()


@pytest.mark.parametrize("beta", [1.0, 0.6])
def test_to_spin_is_the_same_distribution(beta):
    n = 6
    J, b = _model(n, 3, diagonal=True)  # the diagonal drops out
    binary = Ising(Binary(b), J, beta)
    V, log_p_bin = binary.log_prob_table()
    spin, offset = binary.to_spin()
    assert isinstance(spin.units, Spin) and spin.beta == beta
    S, log_p_spin = spin.log_prob_table()
    np.testing.assert_array_equal(2 * V - 1, S)  # same order of the states
    np.testing.assert_allclose(log_p_bin, log_p_spin, atol=1e-12)
    assert binary.log_partition_exact() == pytest.approx(
        spin.log_partition_exact() + offset, abs=1e-12
    )
    # the closed form J' = J/4, b' = b/2 + J1/4 (J without its diagonal)
    Jz = J.copy()
    np.fill_diagonal(Jz, 0.0)
    np.testing.assert_allclose(spin.couplings, Jz / 4, rtol=1e-12)
    np.testing.assert_allclose(spin.units.bias, b / 2 + Jz.sum(1) / 4, rtol=1e-12)


# -- gradients ---------------------------------------------------------------------
def _finite_differences(f, J, b, eps=1e-5):
    """Central differences of f(J, b) for the pair J_ij = J_ji and for b."""
    n = J.shape[0]
    gJ = np.zeros((n, n))
    for i, j in zip(*np.triu_indices(n, 1), strict=True):
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
@pytest.mark.parametrize("beta", [1.0, 0.5])
def test_exact_gradient_matches_finite_differences(units, beta):
    """The exact gradient of the mean log-likelihood, without the factor β."""
    n = 6
    J, b = _model(n, 4)
    rng = np.random.RandomState(0)
    S = np.where(rng.random_sample((50, n)) < 0.6, 1.0, LOW[units])
    model = _ising(J, b, units, beta)
    grads = model.exact_gradient(S)
    assert set(grads) == {"J", "b"}
    # the mean log-likelihood, computed independently
    log_w = beta * _brute_log_w(_all_states(n, units), J, b)
    expected = (beta * _brute_log_w(S, J, b) - logsumexp(log_w)).mean()
    assert model.log_prob(S).mean() == pytest.approx(expected, abs=1e-12)
    fJ, fb = _finite_differences(
        lambda J, b: _ising(J, b, units, beta).log_prob(S).mean(), J, b
    )
    np.testing.assert_allclose(beta * grads["J"], fJ, atol=1e-8)
    np.testing.assert_allclose(beta * grads["b"], fb, atol=1e-8)
    assert np.all(np.diag(grads["J"]) == 0) and np.allclose(grads["J"], grads["J"].T)


@pytest.mark.parametrize("units", UNITS)
@pytest.mark.parametrize("beta", [1.0, 0.6])
def test_pseudo_likelihood_and_gradient(units, beta):
    n = 6
    J, b = _model(n, 5, diagonal=True)
    rng = np.random.RandomState(1)
    S = np.where(rng.random_sample((40, n)) < 0.4, 1.0, LOW[units])
    model = _ising(J, b, units, beta)
    # Σ_i ln p(s_i | rest) from the conditionals
    P = _p_on(model, S)
    on = S == 1.0
    expected = np.where(on, np.log(P), np.log1p(-P)).sum(1).mean()
    pll = model.pseudo_log_likelihood(S)
    assert isinstance(pll, float) and pll == pytest.approx(expected, abs=1e-12)
    value, grads = model.pseudo_log_likelihood(S, gradient=True)
    assert value == pytest.approx(expected, abs=1e-12) and set(grads) == {"J", "b"}
    fJ, fb = _finite_differences(
        lambda J, b: _ising(J, b, units, beta).pseudo_log_likelihood(S), J, b
    )
    np.testing.assert_allclose(beta * grads["J"], fJ, atol=1e-8)
    np.testing.assert_allclose(beta * grads["b"], fb, atol=1e-8)
    assert np.all(np.diag(grads["J"]) == 0) and np.allclose(grads["J"], grads["J"].T)


# -- sampling --------------------------------------------------------------------
@pytest.mark.parametrize("units", UNITS)
def test_gibbs_sampler_matches_exact_distribution(units):
    n = 5
    J, b = _model(n, 6, scale=0.5)
    model = _ising(J, b, units)
    _, log_p = model.log_prob_table()
    start = np.full((20000, n), 1.0)  # every chain from one state
    S = model.gibbs(start, 0, n_sweeps=100)
    assert S.dtype == np.float64 and S.shape == start.shape
    assert set(np.unique(S)) <= {LOW[units], 1.0}
    assert _chi_square_pvalue(S, log_p) > 1e-3
    # power: the same draws reject a slightly different model
    _, log_p_wrong = _ising(1.15 * J, b, units).log_prob_table()
    assert _chi_square_pvalue(S, log_p_wrong) < 1e-6


def test_gibbs_sweeps_and_seeds():
    J, b = _model(4, 7)
    model = _ising(J, b)
    start = np.ones((10, 4))
    np.testing.assert_array_equal(model.gibbs(start, None, n_sweeps=0), start)
    one = model.gibbs(start, 1, n_sweeps=3)
    np.testing.assert_array_equal(one, model.gibbs(start, 1, n_sweeps=3))
    np.testing.assert_array_equal(start, 1.0)  # the start is not modified
    with pytest.raises(ValueError, match="n_sweeps"):
        model.gibbs(start, None, n_sweeps=-1)
    with pytest.raises(ValueError, match="n_sweeps"):
        model.gibbs(start, None, n_sweeps=1.5)


@pytest.mark.parametrize(
    "units, n, seed", [("spin", 12, 0), ("spin", 15, 1), ("binary", 14, 2)]
)
def test_ais_matches_exact_log_partition(units, n, seed):
    J, b = _model(n, seed, scale=0.3, field=0.3)
    model = _ising(J, b, units)
    exact = model.log_partition_exact()
    estimate = model.log_partition_ais(n_chains=100, n_betas=1000, random_state=seed)
    log_Z, se = estimate
    assert abs(log_Z - exact) < 0.05
    assert 0 < se < 0.05
    assert estimate.method == "ais" and 1 <= estimate.ess <= 100
    assert (log_Z, se) == model.log_partition_ais(
        n_chains=100, n_betas=1000, random_state=seed
    )


@pytest.mark.parametrize("units", UNITS)
@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_ais_is_exact_without_couplings(units, beta):
    b = np.linspace(-1, 1, 8)
    model = _ising(np.zeros((8, 8)), b, units, beta)
    log_Z, se = model.log_partition_ais(n_chains=10, n_betas=5)
    assert log_Z == pytest.approx(model.log_partition_exact(), abs=1e-12)
    assert se == pytest.approx(0.0, abs=1e-12)
    if units == "spin":
        independent = np.log(2 * np.cosh(beta * b)).sum()
    else:
        independent = np.log1p(np.exp(beta * b)).sum()
    assert log_Z == pytest.approx(independent, abs=1e-12)


@pytest.mark.parametrize("units", UNITS)
def test_bounds_bracket_the_exact_log_partition(units):
    J, b = _model(10, 12, scale=0.3)
    model = _ising(J, b, units)
    exact = model.log_partition_exact()
    states, log_p = model.log_prob_table()
    rng = np.random.RandomState(0)
    samples = states[rng.choice(len(states), size=100, p=np.exp(log_p))]
    for init in (None, samples):
        bounds = model.log_partition_bounds(
            n_chains=100, n_betas=100, random_state=0, init=init, n_burn=20
        )
        assert bounds.lower - 3 * bounds.lower_std_error <= exact
        assert exact <= bounds.upper + 3 * bounds.upper_std_error
        assert bounds.upper - bounds.lower < 0.1
        assert bounds.forward == model.log_partition_ais(
            n_chains=100, n_betas=100, random_state=0
        )


# -- the Hopfield energy and fields ------------------------------------------------
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
    model = Ising(Spin(theta), J)
    S = _all_states(n, "spin")
    E = model.energy(S)
    H = model.field(S)
    for k, s in enumerate(S):
        e = -0.5 * sum(J[i, j] * s[i] * s[j] for i in range(n) for j in range(n))
        e -= sum(theta[i] * s[i] for i in range(n))
        assert E[k] == pytest.approx(e)
        for i in range(n):
            h = sum(J[i, j] * s[j] for j in range(n)) + theta[i]
            assert H[k, i] == pytest.approx(h)


@pytest.mark.parametrize("units", UNITS)
def test_energy_with_fields_and_diagonal_matches_double_sum(units):
    """The energy keeps the diagonal of J (the probabilities drop it)."""
    n = 5
    J, theta = _model(n, 14, scale=1.0, field=1.0, diagonal=True)
    model = _ising(J, theta, units)
    S = _all_states(n, units)
    E = model.energy(S)
    np.testing.assert_allclose(E, _brute_energy(S, J, theta), atol=1e-12)
    # E = −ln p* − ½ Σ_i J_ii s_i² (the constant −½ tr J for ±1 units)
    np.testing.assert_allclose(
        E, -model.log_unnormalized(S) - 0.5 * (S**2) @ np.diag(J), atol=1e-12
    )
    # in the dtype of the arrays
    f32 = model.astype(lambda a: np.asarray(a, dtype=np.float32))
    E32 = f32.energy(S.astype(np.float32))
    assert E32.dtype == np.float32
    np.testing.assert_allclose(E32, E, rtol=1e-5, atol=1e-5)


def test_flip_changes_energy_by_field():
    # ΔE of flipping unit i is 2 s_i h_i (h without the self-coupling)
    n = 7
    J, theta = _random_model(n, 4)
    model = Ising(Spin(theta), J)
    S = _all_states(n, "spin")
    E = model.energy(S)
    H = model.field(S)
    for i in range(n):
        flipped = S.copy()
        flipped[:, i] *= -1
        np.testing.assert_allclose(model.energy(flipped) - E, 2 * S[:, i] * H[:, i])


@pytest.mark.parametrize("beta", [0.1, 0.5, 2.0])
def test_log_prob_table_normalized_and_exact(beta):
    J, theta = _random_model(5, 1)
    J[np.diag_indices(5)] = 0.7  # for ±1 units only a constant: no effect
    model = Ising(Spin(theta), J, beta)
    states, log_p = model.log_prob_table()
    assert logsumexp(log_p) == pytest.approx(0.0, abs=1e-12)
    w = np.exp(-beta * model.energy(states))
    np.testing.assert_allclose(np.exp(log_p), w / w.sum())


def test_tie_tolerance_bounds_rounding_error():
    rng = np.random.RandomState(0)
    xi = rng.choice([-1.0, 1.0], size=(10, 64))
    J = xi.T @ xi / 64
    np.fill_diagonal(J, 0)
    theta = rng.normal(size=64)
    S = rng.choice([-1.0, 1.0], size=(200, 64))
    for fields in (np.zeros(64), theta):
        exact = S.astype(np.longdouble) @ J.astype(np.longdouble)
        exact = (exact + fields.astype(np.longdouble)).astype(float)
        for dtype in (np.float64, np.float32):
            model = Ising(Spin(fields.astype(dtype)), J.astype(dtype))
            tol = model.tie_tolerance()
            assert tol.dtype == dtype and tol.shape == (64,)
            err = np.abs(model.field(S.astype(dtype)) - exact)
            assert (err <= tol).all()


# -- the dynamics ------------------------------------------------------------------
def _run(model, S0, update, max_iter, seed):
    engine = Engine(random_state=seed)
    return model.run(S0, update=update, max_iter=max_iter, engine=engine)


def _reference_run(S0, J, theta, tol, update, max_iter, seed):
    """The zero-temperature dynamics one probe and one unit at a time:
    ``s_i ← sgn(Σ_j J_ij s_j + θ_i)``, a field within ``tol`` keeping the
    unit; synchronous probes stop at a fixed point or a 2-cycle (and then
    end on the state two steps before), asynchronous ones at a fixed point,
    with the unit order of each sweep drawn as the engine draws it."""
    S = S0.copy()
    n, N = S.shape
    n_iter = np.zeros(n, dtype=np.int64)
    converged = np.zeros(n, dtype=bool)
    cycled = np.zeros(n, dtype=bool)

    def update_unit(s, i, h):
        if h > tol[i]:
            return 1.0
        if h < -tol[i]:
            return -1.0
        return s[i]

    if update == "sync":
        for r in range(n):
            s, before = S[r].copy(), None
            for it in range(1, max_iter + 1):
                h = J @ s + theta
                new = np.array([update_unit(s, i, h[i]) for i in range(N)])
                n_iter[r] = it
                if np.array_equal(new, s):
                    converged[r] = True
                    break
                if before is not None and np.array_equal(new, before):
                    cycled[r] = True
                    s = new
                    break
                before, s = s, new
            S[r] = s
        return S, n_iter, converged, cycled
    engine = Engine(random_state=seed)
    active = np.arange(n)
    for sweep in range(1, max_iter + 1):
        order = engine.permutation(N)
        flipped = np.zeros(active.size, dtype=bool)
        for i in order:
            for k, r in enumerate(active):
                new = update_unit(S[r], i, J[i] @ S[r] + theta[i])
                if new != S[r, i]:
                    S[r, i] = new
                    flipped[k] = True
        n_iter[active] = sweep
        converged[active[~flipped]] = True
        active = active[flipped]
        if active.size == 0:
            break
    return S, n_iter, converged, cycled


@pytest.mark.parametrize("update", ["sync", "async"])
@pytest.mark.parametrize("fields", [False, True])
def test_run_deterministic_is_the_zero_temperature_dynamics(update, fields):
    """At β = inf, run is s_i ← sgn(h_i), h = Js + θ, as a direct loop does
    it: the same end states, sweeps, fixed points and 2-cycles. Couplings
    and fields in halves keep every sum exact (with exact ties)."""
    n = 12
    rng = np.random.RandomState(3 if fields else 4)
    J = np.round(2 * rng.normal(size=(n, n))) / 2
    J = np.triu(J, 1) + np.triu(J, 1).T
    J[np.diag_indices(n)] = np.abs(np.round(rng.normal(size=n))) / 2
    theta = np.round(2 * rng.normal(size=n)) / 2 if fields else np.zeros(n)
    S0 = rng.choice([-1.0, 1.0], size=(40, n))
    for dtype in (np.float64, np.float32):
        model = Ising(Spin(theta.astype(dtype)), J.astype(dtype), math.inf)
        out = model.run(
            S0.astype(dtype), update=update, max_iter=30, engine=Engine(random_state=5)
        )
        assert out.states.dtype == dtype
        states, n_iter, converged, cycled = _reference_run(
            S0, J, theta, model.tie_tolerance(), update, 30, seed=5
        )
        np.testing.assert_array_equal(out.states, states)
        np.testing.assert_array_equal(out.n_iter, n_iter)
        np.testing.assert_array_equal(out.converged, converged)
        np.testing.assert_array_equal(out.cycled, cycled)
    assert converged.any()
    if update == "async":
        assert converged.all() and not cycled.any()


@pytest.mark.parametrize("update", ["sync", "async"])
def test_run_keeps_a_fixed_point(update):
    # the projection rule: J ξ = ξ, so every pattern is a fixed point
    rng = np.random.RandomState(0)
    xi = rng.choice([-1.0, 1.0], size=(4, 40))
    J = xi.T @ np.linalg.solve(xi @ xi.T, xi)
    model = Ising(Spin(np.zeros(40)), J, math.inf)
    out = _run(model, xi, update, 10, seed=0)
    np.testing.assert_array_equal(out.states, xi)
    np.testing.assert_array_equal(out.n_iter, 1)
    assert out.converged.all() and not out.cycled.any()
    # and the end point of any run is kept
    probes = rng.choice([-1.0, 1.0], size=(30, 40))
    end = _run(model, probes, "async", 100, seed=1)
    assert end.converged.all()
    again = _run(model, end.states, update, 10, seed=2)
    np.testing.assert_array_equal(again.states, end.states)
    np.testing.assert_array_equal(again.n_iter, 1)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fields", [False, True])
def test_async_run_never_raises_the_energy(seed, fields):
    rng = np.random.RandomState(seed)
    n = 3 + 2 * seed
    A = rng.normal(size=(n, n))
    if seed % 2:  # many exact ties
        A = np.round(A)
    J = (A + A.T) / 2
    np.fill_diagonal(J, (seed % 3) * 0.25 * np.abs(rng.normal(size=n)))
    theta = rng.normal(size=n) if fields else np.zeros(n)
    model = Ising(Spin(theta), J, math.inf)
    tol = model.tie_tolerance()
    S0 = rng.choice([-1.0, 1.0], size=(5, n))
    previous = model.energy(S0)
    for sweeps in range(1, 8):
        # the same seed replays the same unit orders, sweep after sweep
        out = _run(model, S0, "async", sweeps, seed)
        energy = model.energy(out.states)
        assert np.all(energy <= previous + 1e-9)
        previous = energy
    final = _run(model, S0, "async", 100, seed)
    assert final.converged.all()
    # a fixed point of s_i <- sgn(h_i), h = Js + θ
    assert np.all(final.states * model.field(final.states) >= -tol)
    if seed % 3 == 0:  # zero diagonal: no single flip lowers the energy
        for i in range(n):
            flipped = final.states.copy()
            flipped[:, i] *= -1
            assert np.all(model.energy(flipped) >= model.energy(final.states) - 1e-9)


@pytest.mark.parametrize("update", ["sync", "async"])
def test_run_with_fields_reaches_a_fixed_point_of_sgn_Js_plus_theta(update):
    n = 30
    J, _ = _random_model(n, 7)
    J /= np.sqrt(n)
    theta = 1.5 * np.random.RandomState(8).normal(size=n)
    model = Ising(Spin(theta), J, math.inf)
    tol = model.tie_tolerance()
    probes = np.random.RandomState(9).choice([-1.0, 1.0], size=(50, n))
    out = _run(model, probes, update, 200, seed=0)
    fixed = out.converged
    assert fixed.any()
    if update == "async":
        assert fixed.all()
    S = out.states[fixed]
    H = model.field(S)
    agree = S * H
    assert np.all(agree >= -tol)  # every unit agrees with its field
    decided = np.abs(H) > tol
    np.testing.assert_array_equal(S[decided], np.sign(H[decided]))
    # a fixed point: one more run changes nothing
    again = _run(model, S, update, 5, seed=1)
    np.testing.assert_array_equal(again.states, S)
    assert again.converged.all() and np.all(again.n_iter == 1)
    # without couplings, the fields alone decide: s = sgn(θ) from any start
    alone = Ising(Spin(theta), np.zeros((n, n)), math.inf)
    end = _run(alone, probes, update, 5, seed=0)
    expected = np.broadcast_to(np.sign(theta), probes.shape)
    np.testing.assert_array_equal(end.states, expected)
    # and they matter: without them the end points differ
    free = Ising(Spin(np.zeros(n)), J, math.inf)
    free_out = _run(free, probes, update, 200, seed=0)
    assert not np.array_equal(free_out.states, out.states)


def test_glauber_run_samples_the_boltzmann_distribution_with_fields():
    n, beta = 5, 0.8
    J, b = _model(n, 15, scale=0.6, field=0.5)
    model = _ising(J, b, "spin", beta)
    starts = np.random.RandomState(0).choice([-1.0, 1.0], size=(20000, n))
    out = model.run(starts, update="async", max_iter=30, engine=Engine(random_state=1))
    assert set(np.unique(out.states)) <= {-1.0, 1.0}
    np.testing.assert_array_equal(out.n_iter, 30)
    _, log_p = model.log_prob_table()
    assert _chi_square_pvalue(out.states, log_p) > 1e-3
    # power: the fields enter the dynamics
    _, log_p_free = _ising(J, np.zeros(n), "spin", beta).log_prob_table()
    assert _chi_square_pvalue(out.states, log_p_free) < 1e-6


# -- errors ------------------------------------------------------------------------
def test_bad_arguments_raise_clear_errors():
    J, b = _model(4, 8)
    with pytest.raises(TypeError, match="Spin or Binary"):
        Ising(Gaussian(b), J)
    with pytest.raises(ValueError, match="square"):
        Ising(Spin(np.zeros(4)), np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"fields must have shape \(4,\)"):
        Ising(Spin(np.ones(3)), J)
    model = Ising(Spin(b), J)
    with pytest.raises(ValueError, match="4 columns"):
        model.log_unnormalized(np.ones((2, 3)))
    with pytest.raises(ValueError, match="4 columns"):
        model.pseudo_log_likelihood(np.ones(4))
    n_big = MAX_EXACT_UNITS + 1
    big = Ising(Spin(np.zeros(n_big)), np.zeros((n_big, n_big)))
    with pytest.raises(ValueError, match="log_partition_ais"):
        big.log_partition_exact()
    with pytest.raises(ValueError, match="intractable"):
        big.model_statistics_exact()
    with pytest.raises(ValueError, match="intractable"):
        big.exact_gradient(np.ones((2, n_big)))
    with pytest.raises(ValueError, match="n_chains"):
        model.log_partition_ais(n_chains=1)
    with pytest.raises(ValueError, match="increase strictly"):
        model.log_partition_ais(schedule=[0.0, 0.7, 0.5, 1.0])
    with pytest.raises(ValueError, match="at least 2"):
        model.log_partition_bounds(n_betas=10, init=np.ones((1, 4)))
    with pytest.raises(ValueError, match="n_burn"):
        model.log_partition_bounds(n_betas=10, n_burn=1)
    # the Boltzmann distribution needs 0 < β < inf
    for beta in (0.0, -1.0, math.inf):
        with pytest.raises(ValueError, match="finite beta"):
            model.with_beta(beta).log_partition_exact()
        with pytest.raises(ValueError, match="finite beta"):
            model.with_beta(beta).gibbs(np.ones((2, 4)), 0)
    with pytest.raises(ValueError, match=r"\{0, 1\}"):
        model.to_spin()
    with pytest.raises(ValueError, match="±1 units"):
        Ising(Binary(b), J, math.inf).run(
            np.ones((2, 4)), update="sync", max_iter=5, engine=Engine(random_state=0)
        )
    # AIS with an explicit schedule runs
    log_Z, _ = model.log_partition_ais(schedule=np.linspace(0, 1, 50), random_state=0)
    assert math.isfinite(log_Z)
