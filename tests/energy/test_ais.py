"""AIS starts, reverse annealing, bounds, effective sample sizes and
quadrature, against exact ln Z (enumeration of the smaller layer)."""

import pickle

import numpy as np
import pytest

from skhopfield.energy import AISEstimate, LogPartitionBounds
from skhopfield.energy.ising import Ising
from skhopfield.energy.layers import Binary, Gaussian, Spin
from skhopfield.energy.rbm import RBM


def _two_sided(n_visible=100, n_hidden=3, strength=0.4, seed=0):
    """A flip-symmetric ±1 RBM with two far-apart modes ±ξ (every hidden
    unit sees ``strength · ξ``) and the base-rate bias of data at ``+ξ``:
    Gibbs chains never cross between the modes."""
    rng = np.random.RandomState(seed)
    xi = rng.choice([-1.0, 1.0], n_visible)
    W = strength * np.outer(xi, np.ones(n_hidden))
    W = W + 0.05 * rng.randn(n_visible, n_hidden)
    model = RBM(Spin(np.zeros(n_visible)), Spin(np.zeros(n_hidden)), W)
    return model, 0.8 * xi


def test_flip_symmetric():
    z, one = np.zeros(3), np.ones(3)
    W = np.ones((3, 3))
    assert RBM(Spin(z), Spin(z), W).flip_symmetric
    assert RBM(Spin(z), Gaussian(z), W).flip_symmetric
    assert not RBM(Spin(one), Spin(z), W).flip_symmetric
    assert not RBM(Spin(z), Gaussian(one), W).flip_symmetric
    assert not RBM(Binary(z), Binary(z), W).flip_symmetric
    assert not RBM(Gaussian(z), Gaussian(z), W).flip_symmetric


def test_base_rate_start_misses_the_mirror_mode_and_the_mirror_start_does_not():
    # the failure of the issue in small: from one side, ln Z − ln 2 with a
    # tiny standard error; with the mirror mixture, ln Z
    model, base = _two_sided()
    exact = model.log_partition_exact()
    kwargs = dict(
        n_chains=64, n_betas=200, random_state=0, schedule="linear", base_bias=base
    )
    one_side = model.log_partition_ais(mirror=False, **kwargs)
    assert abs(one_side.log_Z - (exact - np.log(2))) < 0.05
    assert one_side.std_error < 0.05  # and nothing in it says so
    both = model.log_partition_ais(**kwargs)  # mirror="auto"
    assert both.start == "mixture of 2"
    assert abs(both.log_Z - exact) < 3 * both.std_error + 0.05


@pytest.mark.parametrize("hidden", [Spin, Gaussian])
def test_mirror_start_of_a_symmetric_gaussian_or_spin_model(hidden):
    # two hidden units: the gaussian one's ln Z by quadrature (the fast
    # NumPy loop of RBM(Spin, Gaussian))
    model, base = _two_sided(n_hidden=2)
    model = RBM(model.visible, hidden(np.zeros(2)), model.W, 1.5)
    if hidden is Gaussian:
        exact = model.log_partition_quadrature()
    else:
        exact = model.log_partition_exact()
    kwargs = dict(n_chains=64, n_betas=200, random_state=1, base_bias=base)
    assert model.log_partition_ais(mirror=False, **kwargs).log_Z < exact - 0.5
    est = model.log_partition_ais(**kwargs)
    assert abs(est.log_Z - exact) < 3 * est.std_error + 0.05


@pytest.mark.parametrize("visible", [Spin, Binary])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_mixture_start_is_exact_in_expectation(make_model, visible, seed):
    # any start is unbiased for Z: a start of three components, uneven
    # weights, on a model with biases
    W, b, c = make_model(seed, 12, 5)
    model = RBM(visible(b), Spin(c), W)
    rng = np.random.RandomState(seed)
    est = model.log_partition_ais(
        n_chains=300,
        n_betas=100,
        random_state=seed,
        base_bias=rng.normal(0, 0.5, (3, 12)),
        base_weights=[3.0, 2.0, 1.0],
    )
    exact = model.log_partition_exact()
    assert est.start == "mixture of 3"
    assert abs(est.log_Z - exact) < 3 * est.std_error + 0.02


def test_a_mixture_start_on_the_gaussian_hidden_rbm(make_model):
    W, b, c = make_model(3, 12, 3)
    model = RBM(Spin(b), Gaussian(c), W, 2.0)
    est = model.log_partition_ais(
        n_chains=300,
        n_betas=100,
        random_state=0,
        base_bias=np.random.RandomState(0).normal(0, 0.5, (2, 12)),
    )
    assert abs(est.log_Z - model.log_partition_exact()) < 3 * est.std_error + 0.02


def test_torch_mixture_start_matches_numpy(make_model, torch_one_thread):
    torch = torch_one_thread
    W, b, c = make_model(4, 10, 4)
    base = np.random.RandomState(4).normal(0, 0.5, (2, 10))
    model = RBM(Spin(b), Spin(c), W)
    tmodel = RBM(Spin(torch.as_tensor(b)), Spin(torch.as_tensor(c)), torch.as_tensor(W))
    exact = model.log_partition_exact()
    for m in (model, tmodel):
        est = m.log_partition_ais(
            n_chains=300, n_betas=100, random_state=0, base_bias=base
        )
        assert abs(est.log_Z - exact) < 3 * est.std_error + 0.02


@pytest.mark.parametrize("hidden", [Spin, Gaussian])
def test_bounds_bracket_the_exact_value(make_model, hidden):
    W, b, c = make_model(5, 12, 4)
    model = RBM(Spin(b), hidden(c), W, 1.2)
    exact = model.log_partition_exact()
    bounds = model.log_partition_bounds(n_chains=200, n_betas=100, random_state=0)
    assert isinstance(bounds, LogPartitionBounds)
    lower, upper = bounds
    assert lower - 3 * bounds.lower_std_error <= exact
    assert exact <= upper + 3 * bounds.upper_std_error
    # the gap of two unbiased estimates: within 3 of its standard errors
    gap_se = np.hypot(bounds.lower_std_error, bounds.upper_std_error)
    assert abs(bounds.gap) < 3 * gap_se
    assert bounds.reverse.method == "reverse ais"
    assert abs(bounds.burn_in_z) < 4


def test_reverse_annealing_is_an_upper_bound_from_exact_samples(make_model):
    # exact samples (drawn from the enumerated distribution) as the reverse
    # chains' starts: ln Z_0 − ln mean(w) is unbiased for ln Z up to Jensen
    W, b, c = make_model(6, 10, 4)
    model = RBM(Spin(b), Spin(c), W)
    S = model.visible.states(0, 1 << 10, b)
    p = np.exp(model.log_prob(S))
    rng = np.random.RandomState(0)
    init = S[rng.choice(len(S), 400, p=p / p.sum())]
    bounds = model.log_partition_bounds(
        n_chains=50, n_betas=100, random_state=0, init=init, n_burn=2
    )
    assert bounds.reverse.n_chains == 400
    exact = model.log_partition_exact()
    assert abs(bounds.upper - exact) < 3 * bounds.upper_std_error + 0.02


def test_bounds_from_data_reveal_a_missed_mode():
    # forward AIS from one side misses a mode; reverse chains from data on
    # both sides do not, and the gap shows it
    model, base = _two_sided()
    rng = np.random.RandomState(0)
    xi = np.sign(base)
    data = np.concatenate([np.tile(xi, (10, 1)), np.tile(-xi, (10, 1))])
    flip = rng.rand(*data.shape) < 0.05
    data = np.where(flip, -data, data)
    bounds = model.log_partition_bounds(
        n_chains=64,
        n_betas=200,
        random_state=0,
        schedule="linear",
        base_bias=base,
        mirror=False,
        init=data,
    )
    exact = model.log_partition_exact()
    assert bounds.lower < exact - 0.5
    assert bounds.upper > exact - 3 * bounds.upper_std_error - 0.05
    assert bounds.gap > 0.5


def test_estimates_unpack_compare_and_pickle(make_model):
    W, b, c = make_model(7, 10, 3)
    model = RBM(Spin(b), Spin(c), W)
    est = model.log_partition_ais(n_chains=20, n_betas=10, random_state=0)
    log_Z, std_error = est
    assert (log_Z, std_error) == est and est.log_Z == log_Z
    assert 1.0 <= est.ess <= 20.0 and est.n_chains == 20 and est.method == "ais"
    again = pickle.loads(pickle.dumps(est))
    assert again == est and again.ess == est.ess and again.method == "ais"
    assert "ess=" in repr(est)
    exact = AISEstimate(1.5, 0.0)
    assert exact.ess is None and exact.method == "exact" and "ess" not in repr(exact)
    bounds = LogPartitionBounds(exact, exact)
    assert tuple(bounds) == (1.5, 1.5) and bounds.gap == 0.0
    assert pickle.loads(pickle.dumps(bounds)) == bounds


def test_effective_sample_size_is_the_weights_spread():
    from skhopfield.energy._ais import _ais_estimate

    assert _ais_estimate(np.zeros(50), 0.0).ess == pytest.approx(50.0)
    assert _ais_estimate(np.r_[0.0, np.full(49, -800.0)], 0.0).ess == pytest.approx(1.0)
    w = np.random.RandomState(0).rand(30)
    expected = w.sum() ** 2 / (w * w).sum()
    assert _ais_estimate(np.log(w), 0.0).ess == pytest.approx(expected)


def test_start_arguments_are_checked(make_model):
    W, b, c = make_model(8, 6, 3)
    model = RBM(Spin(b), Spin(c), W)
    with pytest.raises(ValueError, match="one bias per visible unit"):
        model.log_partition_ais(n_chains=4, n_betas=3, base_bias=np.zeros(5))
    with pytest.raises(ValueError, match="positive finite weights"):
        model.log_partition_ais(
            n_chains=4, n_betas=3, base_bias=np.zeros((2, 6)), base_weights=[1.0, -1.0]
        )
    with pytest.raises(ValueError, match="base_weights needs base_bias"):
        model.log_partition_ais(n_chains=4, n_betas=3, base_weights=[1.0])
    with pytest.raises(ValueError, match="mirror must be"):
        model.log_partition_ais(n_chains=4, n_betas=3, mirror="yes")
    with pytest.raises(ValueError, match="±1 units"):
        RBM(Binary(b), Spin(c), W).log_partition_ais(n_chains=4, n_betas=3, mirror=True)
    with pytest.raises(ValueError, match="init has shape"):
        model.log_partition_bounds(n_chains=4, n_betas=3, init=np.ones((3, 5)))
    with pytest.raises(ValueError, match="n_burn"):
        model.log_partition_bounds(n_chains=4, n_betas=3, n_burn=1)


@pytest.mark.parametrize("n_gaussian", [1, 2])
@pytest.mark.parametrize("visible", [Spin, Binary])
@pytest.mark.parametrize("beta", [0.3, 2.0, 8.0])
def test_quadrature_is_the_exact_sum(make_model, n_gaussian, visible, beta):
    W, b, c = make_model(9, 12, n_gaussian, scale=0.8)
    model = RBM(visible(b), Gaussian(c), W, beta)
    exact = model.log_partition_exact()
    assert model.log_partition_quadrature() == pytest.approx(exact, abs=1e-9)
    assert model.mirror().log_partition_quadrature() == pytest.approx(exact, abs=1e-9)


def test_quadrature_needs_a_gaussian_layer_of_at_most_two_units(make_model):
    W, b, c = make_model(10, 8, 3)
    with pytest.raises(ValueError, match="at most 2 gaussian units"):
        RBM(Spin(b), Gaussian(c), W).log_partition_quadrature()
    with pytest.raises(ValueError, match="one discrete and one gaussian"):
        RBM(Spin(b), Spin(c), W).log_partition_quadrature()


@pytest.mark.parametrize("field", [False, True])
def test_boltzmann_machine_bounds_bracket_the_exact_value(field):
    rng = np.random.RandomState(11)
    J = rng.normal(0, 0.3, (10, 10))
    J = np.triu(J, 1) + np.triu(J, 1).T
    b = rng.normal(0, 0.3, 10) if field else np.zeros(10)
    model = Ising(Spin(b), J)
    exact = model.log_partition_exact()
    bounds = model.log_partition_bounds(n_chains=100, n_betas=100, random_state=0)
    assert bounds.lower - 3 * bounds.lower_std_error <= exact
    assert exact <= bounds.upper + 3 * bounds.upper_std_error
    assert abs(bounds.gap) < 0.1
    est = model.log_partition_ais(n_chains=100, n_betas=100, random_state=0)
    assert est == bounds.forward and 1 <= est.ess <= 100
