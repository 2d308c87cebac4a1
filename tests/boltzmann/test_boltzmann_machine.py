"""BoltzmannMachine: learning, likelihood, sampling and the Hopfield map,
against exact enumeration."""

import pickle
import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from skhopfield import BoltzmannMachine, HopfieldMemory
from skhopfield.energy.ising import Ising
from skhopfield.energy.layers import Binary, Spin, states

LOW = {"spin": -1.0, "binary": 0.0}
LAYER = {"spin": Spin, "binary": Binary}


def _ising(n, seed, scale=0.3, field=0.2):
    rng = np.random.RandomState(seed)
    J = np.triu(rng.normal(0.0, scale, (n, n)), 1)
    return J + J.T, rng.normal(0.0, field, n)


def _model(J, b, units="spin"):
    """The Ising model of the couplings J and fields b, built independently
    of the estimator."""
    return Ising(LAYER[units](b), J)


def _fitted(bm):
    return _model(bm.couplings_, bm.intercept_, bm.units)


def _log_probs_exact(J, b, units="spin"):
    """Every state (bit i of the row index gives unit i) and its ln p."""
    return _model(J, b, units).log_prob_table()


def _exact_samples(J, b, n_samples, seed, units="spin"):
    table, log_p = _log_probs_exact(J, b, units)
    rng = np.random.RandomState(seed)
    return table[rng.choice(len(table), size=n_samples, p=np.exp(log_p))]


def _codes(S):
    return ((S > 0.5).astype(np.int64) << np.arange(S.shape[1])).sum(1)


def _chi_square_pvalue(S, log_p):
    observed = np.bincount(_codes(S), minlength=log_p.size)
    expected = np.exp(log_p) * S.shape[0]
    rare = expected < 5
    obs = np.append(observed[~rare], observed[rare].sum())
    exp = np.append(expected[~rare], expected[rare].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    return stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue


def _rel(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


@pytest.fixture(scope="module")
def ising8():
    J, b = _ising(8, 0, scale=0.4)
    return J, b, _exact_samples(J, b, 5000, seed=1)


# -- learning ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "params, bound",
    [
        (dict(method="exact"), 0.1),
        (dict(method="pseudo_likelihood"), 0.1),
        (dict(method="pcd", n_iter=40, learning_rate=0.1, random_state=0), 0.12),
    ],
)
def test_recovers_the_couplings_of_a_known_ising_model(ising8, params, bound):
    J, b, X = ising8
    bm = BoltzmannMachine(**params).fit(X)
    assert _rel(bm.couplings_, J) < bound
    assert _rel(bm.intercept_, b) < 2 * bound
    np.testing.assert_array_equal(bm.couplings_, bm.couplings_.T)
    assert np.all(np.diag(bm.couplings_) == 0)
    assert bm.method_ == params["method"]


@pytest.mark.parametrize("units", ["spin", "binary"])
def test_exact_fit_matches_the_moments(ising8, units):
    """At the penalized maximum, ⟨s sᵀ⟩_model = ⟨s sᵀ⟩_data − α J."""
    _, _, X = ising8
    X = X if units == "spin" else (X + 1) / 2
    alpha = 1e-3
    bm = BoltzmannMachine("exact", units=units, alpha=alpha, tol=1e-9).fit(X)
    second, mean = _fitted(bm).model_statistics_exact()
    data_second = X.T @ X / len(X)
    off = ~np.eye(X.shape[1], dtype=bool)
    np.testing.assert_allclose(
        second[off], (data_second - alpha * bm.couplings_)[off], atol=1e-7
    )
    np.testing.assert_allclose(mean, X.mean(0) - alpha * bm.intercept_, atol=1e-7)


def test_pseudo_likelihood_fit_is_a_stationary_point(ising8):
    _, _, X = ising8
    bm = BoltzmannMachine("pseudo_likelihood", alpha=1e-3, tol=1e-9).fit(X)
    _, grads = _fitted(bm).pseudo_log_likelihood(X, gradient=True)
    np.testing.assert_allclose(grads["J"], 1e-3 * bm.couplings_, atol=1e-7)
    np.testing.assert_allclose(grads["b"], 1e-3 * bm.intercept_, atol=1e-7)


def test_binary_and_spin_units_give_the_same_distribution(ising8):
    """Maximum likelihood does not depend on the encoding (alpha = 0)."""
    _, _, X = ising8
    spin = BoltzmannMachine("exact", alpha=0.0, tol=1e-10).fit(X)
    binary = BoltzmannMachine("exact", units="binary", alpha=0.0, tol=1e-10)
    binary.fit((X + 1) / 2)
    twin, _ = _fitted(binary).to_spin()
    np.testing.assert_allclose(twin.couplings, spin.couplings_, atol=1e-5)
    np.testing.assert_allclose(twin.units.bias, spin.intercept_, atol=1e-5)
    np.testing.assert_allclose(
        binary.score_samples((X[:50] + 1) / 2), spin.score_samples(X[:50]), atol=1e-5
    )


def test_auto_method_and_binarize():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 6))
    bm = BoltzmannMachine().fit(X)
    assert bm.method_ == "exact"
    # binarize=0.0: real data, {0, 1} data and ±1 data give the same model
    same = BoltzmannMachine().fit(np.where(X > 0, 1.0, -1.0))
    np.testing.assert_array_equal(bm.couplings_, same.couplings_)
    bits = BoltzmannMachine(units="binary").fit(X > 0)
    exact_bits = BoltzmannMachine(units="binary", binarize=None).fit((X > 0) * 1.0)
    np.testing.assert_array_equal(bits.couplings_, exact_bits.couplings_)
    assert BoltzmannMachine(exact_max_features=4).fit(X).method_ == "pseudo_likelihood"


# -- likelihood -------------------------------------------------------------------
@pytest.mark.parametrize("units", ["spin", "binary"])
def test_score_samples_is_the_exact_log_likelihood(ising8, units):
    _, _, X = ising8
    X = X if units == "spin" else (X + 1) / 2
    bm = BoltzmannMachine("pseudo_likelihood", units=units).fit(X)
    table, log_p = _fitted(bm).log_prob_table()
    np.testing.assert_allclose(bm.score_samples(table), log_p, atol=1e-12)
    assert logsumexp(bm.score_samples(table)) == pytest.approx(0.0, abs=1e-12)
    assert bm.score(X) == pytest.approx(bm.score_samples(X).mean())
    assert bm.log_partition()[1] == 0.0


def test_score_by_ais_matches_exact():
    J, b = _ising(12, 3, scale=0.3)
    X = _exact_samples(J, b, 3000, seed=4)
    exact = BoltzmannMachine("pseudo_likelihood").fit(X)
    ais = BoltzmannMachine("pseudo_likelihood", exact_max_features=10, random_state=0)
    ais.fit(X)
    np.testing.assert_array_equal(exact.couplings_, ais.couplings_)
    log_Z, se = ais.log_partition()
    assert 0 < se < 0.05
    assert abs(log_Z - exact.log_partition()[0]) < 0.05
    assert abs(ais.score(X) - exact.score(X)) < 0.05
    assert ais.log_partition() == (log_Z, se)  # same seed, same estimate


@pytest.mark.parametrize("units", ["spin", "binary"])
def test_ising_is_the_fitted_model(ising8, units):
    """``ising_``: the fitted model as an Ising object (read-only)."""
    _, _, X = ising8
    X = X if units == "spin" else (X + 1) / 2
    with pytest.raises(NotFittedError):
        BoltzmannMachine(units=units).ising_  # noqa: B018
    bm = BoltzmannMachine("exact", units=units).fit(X)
    model = bm.ising_
    assert isinstance(model, Ising) and isinstance(model.units, LAYER[units])
    assert model.beta == 1.0
    np.testing.assert_array_equal(model.couplings, bm.couplings_)
    np.testing.assert_array_equal(model.units.bias, bm.intercept_)
    with pytest.raises(AttributeError):
        bm.ising_ = model
    # the estimator's likelihood and sampler are the model's
    log_Z = model.log_partition_exact()
    assert log_Z == pytest.approx(bm.log_partition()[0], abs=1e-12)
    log_p = model.log_prob(X[:20], log_Z)
    np.testing.assert_allclose(bm.score_samples(X[:20]), log_p, atol=1e-12)
    np.testing.assert_array_equal(
        bm.sample(init=X[:5], n_sweeps=3, random_state=0), model.gibbs(X[:5], 0, 3)
    )


# -- sampling ---------------------------------------------------------------------
@pytest.mark.parametrize("units", ["spin", "binary"])
def test_sampler_agrees_with_enumeration(units):
    J, b = _ising(5, 5, scale=0.5)
    X = _exact_samples(J, b, 2000, seed=6, units=units)
    bm = BoltzmannMachine("exact", units=units).fit(X)
    S = bm.sample(20000, n_sweeps=50, random_state=0)
    assert S.shape == (20000, 5) and set(np.unique(S)) <= {LOW[units], 1.0}
    _, log_p = _fitted(bm).log_prob_table()
    assert _chi_square_pvalue(S, log_p) > 1e-3
    # power check: a model with 20% stronger couplings is rejected
    _, log_p_wrong = _log_probs_exact(1.2 * bm.couplings_, bm.intercept_, units)
    assert _chi_square_pvalue(S, log_p_wrong) < 1e-6


def test_sample_seeds_and_init(ising8):
    _, _, X = ising8
    bm = BoltzmannMachine().fit(X)
    first = bm.sample(4, n_sweeps=5, random_state=1)
    np.testing.assert_array_equal(first, bm.sample(4, n_sweeps=5, random_state=1))
    np.testing.assert_array_equal(bm.sample(init=X[:3], n_sweeps=0), X[:3])
    with pytest.raises(ValueError, match="n_sweeps"):
        bm.sample(2, n_sweeps=-1)


# -- the Hopfield network ---------------------------------------------------------
@pytest.mark.parametrize("units", ["spin", "binary"])
def test_to_hopfield_has_the_same_glauber_conditionals(ising8, units):
    _, _, X = ising8
    X = X if units == "spin" else (X + 1) / 2
    bm = BoltzmannMachine("exact", units=units).fit(X)
    memory = bm.to_hopfield()
    assert isinstance(memory, HopfieldMemory) and memory.beta == 1.0
    n = X.shape[1]
    assert memory.couplings_.shape == (n + 1, n + 1)
    V = np.random.RandomState(0).randint(0, 2, size=(100, n)).astype(float)
    S = 2 * V - 1  # the memory's ±1 states
    S1 = np.hstack([S, np.ones((100, 1))])  # with the bias unit at +1
    # the memory's Glauber probability σ(2β h_i), h = J s, β = 1
    p_memory = 1.0 / (1.0 + np.exp(-2.0 * (S1 @ memory.couplings_)))
    state = S if units == "spin" else V
    # p(s_i = on | rest) from E[s_i | rest]
    mean = _fitted(bm).mean(state)
    p_bm = (mean + 1) / 2 if units == "spin" else mean
    np.testing.assert_allclose(p_memory[:, :n], p_bm, atol=1e-12)
    # and the same distribution: memory energy + ln Z equals −ln p
    _, log_p = _fitted(bm).log_prob_table()
    table = states(0, 2**n, n, np.empty(0))  # the ±1 states in that order
    E = memory.energy(np.hstack([table, np.ones((len(table), 1))]))
    np.testing.assert_allclose(-E - logsumexp(-E), log_p, atol=1e-10)


def test_to_hopfield_dynamics_sample_the_model():
    J, b = _ising(5, 7, scale=0.5, field=0.4)
    bm = BoltzmannMachine("exact").fit(_exact_samples(J, b, 2000, seed=8))
    memory = bm.to_hopfield(max_iter=50, random_state=0)
    start = np.random.RandomState(1).choice([-1.0, 1.0], size=(20000, 6))
    end = memory.predict(start)
    S = end[:, :5] * end[:, 5:]  # every state times its bias unit
    _, log_p = _log_probs_exact(bm.couplings_, bm.intercept_)
    assert _chi_square_pvalue(S, log_p) > 1e-3
    _, log_p_wrong = _log_probs_exact(bm.couplings_, bm.intercept_ + 0.15)
    assert _chi_square_pvalue(S, log_p_wrong) < 1e-6


def test_to_hopfield_without_fields():
    X = np.array([[1, 1, -1], [-1, -1, 1], [1, -1, 1], [-1, 1, -1]] * 10, dtype=float)
    bm = BoltzmannMachine("exact").fit(X)
    assert np.allclose(bm.intercept_, 0, atol=1e-10)
    bm.intercept_ = np.zeros(3)  # exactly symmetric data: exactly zero fields
    memory = bm.to_hopfield(bias_unit=False)
    np.testing.assert_array_equal(memory.couplings_, bm.couplings_)
    assert bm.to_hopfield().couplings_.shape == (3, 3)
    assert bm.to_hopfield(bias_unit=True).couplings_.shape == (4, 4)
    bm.intercept_ = np.ones(3)
    with pytest.raises(ValueError, match="bias unit"):
        bm.to_hopfield(bias_unit=False)


# -- errors, persistence, scikit-learn ------------------------------------------------
def test_bad_input_raises_and_leaves_the_model_unchanged(ising8):
    _, _, X = ising8
    bm = BoltzmannMachine("exact").fit(X)
    J = bm.couplings_.copy()
    with pytest.raises(ValueError, match="only -1 and \\+1"):
        BoltzmannMachine(binarize=None).fit(X * 0.5)
    with pytest.raises(ValueError, match="only 0 and 1"):
        BoltzmannMachine(units="binary", binarize=None).fit(X)
    with pytest.raises(ValueError, match="exact_max_features"):
        BoltzmannMachine("exact", exact_max_features=4).fit(X)
    with pytest.raises(ValueError, match="expecting 8 features"):
        bm.score_samples(X[:, :5])
    wide = np.random.RandomState(0).choice([-1.0, 1.0], size=(50, 30))
    with pytest.raises(ValueError, match=r"exact_max_features.*\[0, 24\]"):
        BoltzmannMachine("exact", exact_max_features=30).fit(wide)
    # diverging PCD: a clear error, the fitted model kept
    bm.set_params(method="pcd", learning_rate=1e7, n_iter=3, random_state=0)
    with pytest.raises(ValueError, match="diverged.*lower learning_rate"):
        bm.fit(X)
    np.testing.assert_array_equal(bm.couplings_, J)
    assert bm.method_ == "exact"


def test_convergence_warning():
    X = np.random.RandomState(0).choice([-1.0, 1.0], size=(100, 5))
    with pytest.warns(ConvergenceWarning, match="n_iter"):
        BoltzmannMachine("exact", n_iter=1).fit(X)


def test_pickle_round_trip(ising8):
    _, _, X = ising8
    bm = BoltzmannMachine("pcd", n_iter=2, random_state=0).fit(X)
    copy = pickle.loads(pickle.dumps(bm))
    np.testing.assert_array_equal(copy.score_samples(X), bm.score_samples(X))
    np.testing.assert_array_equal(
        copy.sample(3, n_sweeps=4, random_state=0),
        bm.sample(3, n_sweeps=4, random_state=0),
    )


def test_pcd_is_reproducible(ising8):
    _, _, X = ising8
    a = BoltzmannMachine("pcd", n_iter=2, random_state=3).fit(X)
    b = BoltzmannMachine("pcd", n_iter=2, random_state=3).fit(X)
    np.testing.assert_array_equal(a.couplings_, b.couplings_)


def test_verbose_prints(ising8, capsys):
    _, _, X = ising8
    BoltzmannMachine("pcd", n_iter=1, verbose=1, random_state=0).fit(X[:200])
    assert "epoch 1" in capsys.readouterr().out


@parametrize_with_checks(
    [
        BoltzmannMachine(),
        BoltzmannMachine(units="binary"),
        BoltzmannMachine("pcd", n_iter=2),
    ]
)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.mark.parametrize("units", ["spin", "binary"])
def test_param_validation(units):
    check_param_validation("BoltzmannMachine", BoltzmannMachine(units=units))
