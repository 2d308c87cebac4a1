"""What every estimator with a likelihood returns and says about ln Z:
the estimate with its effective sample size, the bounds, the warnings."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from skhopfield import (
    RAPIDRBM,
    BinaryRBM,
    BoltzmannMachine,
    GaussianRBM,
    ProjectionHopfieldRBM,
    SpinRBM,
)
from skhopfield.energy import AISEstimate, AISWarning, LogPartitionBounds

AIS = dict(n_ais_chains=20, n_ais_betas=50, random_state=0)
ESTIMATORS = [
    GaussianRBM(n_components=4, n_iter=2, exact_max_features=0, **AIS),
    ProjectionHopfieldRBM(exact_max_features=0, **AIS),
    SpinRBM(n_components=6, n_iter=2, exact_max_units=0, **AIS),
    SpinRBM(n_components=6, n_iter=2, fit_intercept=False, exact_max_units=0, **AIS),
    RAPIDRBM(n_patterns=3, n_components=6, n_iter=2, exact_max_units=0, **AIS),
    BinaryRBM(n_components=6, n_iter=2, exact_max_units=0, **AIS),
    BoltzmannMachine(
        method="pseudo_likelihood", n_iter=20, exact_max_features=0, **AIS
    ),
]


@pytest.fixture(scope="module")
def data():
    """±1 data: noisy copies of three random prototypes of 30 units."""
    rng = np.random.RandomState(0)
    protos = rng.choice([-1.0, 1.0], (3, 30))
    y = rng.randint(3, size=120)
    X = np.where(rng.rand(120, 30) < 0.1, -protos[y], protos[y])
    return X, y


def _fit(est, X, y):
    est = clone(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence of the short fits
        return est.fit(X, y) if isinstance(est, ProjectionHopfieldRBM) else est.fit(X)


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: repr(e)[:40])
def test_estimate_bounds_and_their_diagnostics(est, data):
    X, y = data
    est = _fit(est, X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AISWarning)
        estimate = est.log_partition()
        log_Z, std_error = estimate
        assert isinstance(estimate, AISEstimate) and estimate.method == "ais"
        assert 1.0 <= estimate.ess <= 20.0 and estimate.n_chains == 20
        assert np.isfinite(log_Z) and std_error >= 0
        # score uses the same point estimate
        assert est.score(X) == pytest.approx(np.mean(est.score_samples(X)))
        before = pickle.dumps(est)
        bounds = est.log_partition_bounds()
        from_data = est.log_partition_bounds(X=X[:10])
    assert isinstance(bounds, LogPartitionBounds)
    # the lower bound is log_partition's own estimate
    assert bounds.lower == log_Z and from_data.lower == log_Z
    assert bounds.reverse.method == "reverse ais" and from_data.reverse.n_chains == 10
    assert np.isfinite(bounds.upper) and np.isfinite(bounds.burn_in_z)
    # nothing fitted changes
    assert pickle.dumps(est) == before
    with pytest.raises(ValueError):
        est.log_partition_bounds(X=X[:10, :5])


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: repr(e)[:40])
def test_too_short_a_run_warns_once_and_names_the_remedy(est, data):
    X, y = data
    est = clone(est).set_params(n_ais_chains=200, n_ais_betas=2)
    # a model far from the data's base rate: one step of AIS is too few
    if isinstance(est, (SpinRBM, BinaryRBM)):
        est.set_params(learning_rate=0.5, n_iter=30)
    elif type(est) is GaussianRBM:
        # (at 0.01 the effective chains were 23 of 200 with the kernels'
        # random stream, at 0.1 3.5)
        est.set_params(learning_rate=0.1, n_iter=30)
    est = _fit(est, X, y)
    with pytest.warns(
        AISWarning, match="effective .* of its 200 chains.*Raise n_ais_betas"
    ):
        est.log_partition()
    with warnings.catch_warnings():
        warnings.simplefilter("error", AISWarning)
        est.score(X)  # the memoized estimate: said once


def test_exact_models_return_their_exact_value_twice(data):
    X, _ = data
    est = SpinRBM(n_components=6, n_iter=1, random_state=0).fit(X)
    exact = est.log_partition()
    assert exact.method == "exact" and exact.ess is None and exact.std_error == 0.0
    assert est.log_partition_bounds() == (exact.log_Z, exact.log_Z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence of the short fit
        bm = BoltzmannMachine(n_iter=5, random_state=0).fit(X[:, :10])
    assert bm.log_partition_bounds() == (bm.log_partition().log_Z,) * 2


def test_wide_bounds_and_drifting_chains_warn():
    from skhopfield.energy._ais import warn_if_bounds_apart

    lower = AISEstimate(10.0, 0.1, 50.0, 100, "ais")
    close, far = (
        AISEstimate(10.5, 0.1, 50.0, 100, "reverse ais"),
        AISEstimate(12.0, 0.1),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", AISWarning)
        warn_if_bounds_apart(LogPartitionBounds(lower, close, 0.5))
    with pytest.warns(AISWarning, match="2.00 nats apart.*Raise n_ais_betas"):
        warn_if_bounds_apart(LogPartitionBounds(lower, far, 0.5))
    with pytest.warns(AISWarning, match="still drifting.*Raise n_burn"):
        warn_if_bounds_apart(LogPartitionBounds(lower, close, -4.0))
    with pytest.warns(AISWarning, match="not samples of the model.*Raise n_burn"):
        warn_if_bounds_apart(LogPartitionBounds(lower, close, 0.5, 5.0))


def test_crossing_bounds_warn():
    # an upper bound below the lower one by more than 3 standard errors of
    # their difference is no bound (the reverse chains missed modes)
    from skhopfield.energy._ais import warn_if_bounds_apart

    lower = AISEstimate(10.0, 0.1, 50.0, 100, "ais")
    within = AISEstimate(9.7, 0.1, 50.0, 100, "reverse ais")  # 2.1 s.e. below
    below = AISEstimate(9.0, 0.2, 50.0, 100, "reverse ais")  # 4.5 s.e. below
    with warnings.catch_warnings():
        warnings.simplefilter("error", AISWarning)
        warn_if_bounds_apart(LogPartitionBounds(lower, within, 0.5, 0.5))
    with pytest.warns(AISWarning, match=r"cross.*1\.00 nats below.*4\.5 standard"):
        warn_if_bounds_apart(LogPartitionBounds(lower, below, 0.5, 0.5))
    exact = AISEstimate(10.0, 0.0)
    with pytest.warns(AISWarning, match="cross.*inf standard"):
        warn_if_bounds_apart(LogPartitionBounds(exact, AISEstimate(9.0, 0.0)))
