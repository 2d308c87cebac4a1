"""AIS split over joblib workers, and the one-thread-per-worker rule."""

import importlib.util
import threading

import numpy as np
import pytest
from joblib import parallel_config
from threadpoolctl import threadpool_info, threadpool_limits

from skhopfield._parallel import (
    SMALL_PRODUCT,
    WORKER_THREADS_ENV,
    blas_threads_for,
    limit_worker_threads,
    runs_in_parallel,
)
from skhopfield.energy import _ais as A
from skhopfield.energy._rbm_ais import _ais_log_weights
from skhopfield.energy.layers import Gaussian, Spin
from skhopfield.energy.rbm import RBM

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _model(n_features=24, n_hidden=4, seed=0):
    rng = np.random.RandomState(seed)
    W = rng.normal(0, 0.3, (n_features, n_hidden))
    return W, rng.normal(0, 0.1, n_features), rng.normal(0, 0.1, n_hidden)


def _gaussian(W, b, c, beta):
    """The binary-gaussian RBM of these parameters."""
    return RBM(Spin(b), Gaussian(c), W, beta)


def _spin(W, b, c):
    """The ±1 RBM of these parameters."""
    return RBM(Spin(b), Spin(c), W)


def test_group_sizes_depend_on_the_number_of_chains_only():
    assert A._ais_group_sizes(100) == [100]
    assert A._ais_group_sizes(256) == [256]
    assert A._ais_group_sizes(257) == [129, 128]
    assert A._ais_group_sizes(2000) == [250] * 8
    assert sum(A._ais_group_sizes(1001)) == 1001


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_gaussian_ais_is_the_same_for_any_n_jobs(backend):
    model = _gaussian(*_model(), 1.5)
    kwargs = dict(n_chains=600, n_betas=30, random_state=3)
    serial = model.log_partition_ais(**kwargs)
    with parallel_config(backend=backend):
        for n_jobs in (2, -1):
            assert model.log_partition_ais(n_jobs=n_jobs, **kwargs) == serial


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ais_of_a_large_model_is_the_same_for_any_n_jobs(dtype):
    # BLAS sums a product's rows in an order that depends on how many rows
    # it has (float32 MNIST-sized products of 2,000 and of 250 rows differ
    # in the last bits): the serial run must multiply group by group too
    W, b, c = _model(n_features=784, n_hidden=50)
    model = _gaussian(W * 0.2, b, c, 2.0)
    kwargs = dict(n_chains=2000, n_betas=4, random_state=1, dtype=dtype)
    with threadpool_limits(1):  # the threads of a parallel task
        serial = model.log_partition_ais(**kwargs)
    with parallel_config(backend="threading"):
        assert model.log_partition_ais(n_jobs=2, **kwargs) == serial


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_serial_ais_runs_its_groups_on_threads_with_the_same_result(dtype, monkeypatch):
    # with two BLAS threads the groups of a serial estimate run side by side,
    # each on one BLAS thread; one BLAS thread runs them one after another
    from skhopfield.energy import _rbm_ais as R

    W, b, c = _model(n_features=784, n_hidden=50)
    model = _gaussian(W * 0.2, b, c, 2.0)
    kwargs = dict(n_chains=600, n_betas=4, random_state=1, dtype=dtype)
    with threadpool_limits(1, user_api="blas"):
        serial = model.log_partition_ais(**kwargs)
    task, seen, lock = R._ais_log_weights_spin_gaussian, [], threading.Lock()

    def spy(*args):
        with R.limit_worker_threads(args[-1]):
            with lock:
                seen.append((threading.get_ident(), _blas_threads()))
            return task(*args)

    monkeypatch.setattr(R, "_ais_log_weights_spin_gaussian", spy)
    with threadpool_limits(1, user_api="blas"):
        assert model.log_partition_ais(**kwargs) == serial
    assert [blas for _, blas in seen] == [{1}] * 3
    assert {ident for ident, _ in seen} == {threading.get_ident()}
    seen.clear()
    with threadpool_limits(2, user_api="blas"):
        assert model.log_partition_ais(**kwargs) == serial
    assert [blas for _, blas in seen] == [{1}] * 3
    assert threading.get_ident() not in {ident for ident, _ in seen}


def test_spin_ais_is_the_same_for_any_n_jobs():
    model = _spin(*_model())
    kwargs = dict(n_chains=600, n_betas=30, random_state=3, schedule="linear")
    serial = model.log_partition_ais(**kwargs)
    with parallel_config(backend="threading"):
        assert model.log_partition_ais(n_jobs=2, **kwargs) == serial


def test_groups_are_independent_streams():
    # three groups of 200 chains: different log-weights in each group (no
    # group repeats another's stream)
    W, b, c = _model()
    seeds = [5] + A._child_seeds(np.random.SeedSequence(5), 2)
    gammas = [float(g) for g in A.ais_schedule(20)]
    model = _gaussian(W, b, c, 1.0)

    def log_weights(sizes, seeds):
        streams = [np.random.Generator(np.random.SFC64(s)) for s in seeds]
        log_w, _ = _ais_log_weights(
            model, model.visible.bias, gammas, "cpu", None, sizes, streams
        )
        return log_w

    parts = [log_weights([200], [seed]) for seed in seeds]
    assert not np.array_equal(parts[0], parts[1])
    assert not np.array_equal(parts[1], parts[2])
    # the three groups side by side in one batch (the serial path on an
    # accelerator): the same log-weights as three separate runs
    batch = log_weights([200] * 3, seeds)
    np.testing.assert_array_equal(batch, np.concatenate(parts))


@pytest.mark.skipif(not HAS_TORCH, reason="needs torch")
@pytest.mark.parametrize("hidden", ["gaussian", "spin"])
def test_torch_ais_is_the_same_for_any_n_jobs(hidden):
    import torch

    W, b, c = (torch.as_tensor(a) for a in _model())
    if hidden == "gaussian":
        model, schedule = _gaussian(W, b, c, 1.5), "quadratic"
    else:
        model, schedule = _spin(W, b, c), "linear"
    kwargs = dict(n_chains=600, n_betas=20, random_state=2, schedule=schedule)
    serial = model.log_partition_ais(**kwargs)
    with parallel_config(backend="threading"):
        assert model.log_partition_ais(n_jobs=2, **kwargs) == serial


def test_estimator_score_is_the_same_for_any_n_jobs():
    from skhopfield import GaussianRBM

    X = np.random.RandomState(0).choice([-1.0, 1.0], size=(60, 24))
    params = dict(
        n_components=2, n_iter=1, n_ais_chains=300, n_ais_betas=20, random_state=0
    )
    serial = GaussianRBM(**params).fit(X)
    with parallel_config(backend="threading"):
        parallel = GaussianRBM(n_jobs=2, **params).fit(X)
        assert parallel.log_partition() == serial.log_partition()
        assert parallel.score(X) == serial.score(X)


def _blas_threads():
    return {
        info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"
    }


def test_small_products_run_on_one_blas_thread():
    with threadpool_limits(2, user_api="blas"):
        before = _blas_threads()
        with blas_threads_for(100, 784, 100):  # 7.8e6 multiply-adds
            assert _blas_threads() <= {1}
        assert _blas_threads() == before
        with blas_threads_for(100, 784, 500):  # 3.9e7: the process's threads
            assert _blas_threads() == before
        assert 100 * 784 * 100 < SMALL_PRODUCT <= 100 * 784 * 500


def test_training_and_ais_of_small_models_use_one_blas_thread(monkeypatch):
    # the threads seen by the products of a fit, a sampler and an AIS
    # estimate of a small SpinRBM; and the same results as with two threads
    from skhopfield import SpinRBM
    from skhopfield.energy import rbm as R

    seen = []
    forward = R.Dense.forward

    def spy(self, v):
        seen.append(_blas_threads())
        return forward(self, v)

    X = np.random.RandomState(0).choice([-1.0, 1.0], size=(60, 30))
    params = dict(
        n_components=32,
        n_iter=2,
        n_ais_chains=20,
        n_ais_betas=5,
        exact_max_units=0,
        random_state=0,
    )

    def run(model):
        return (
            lambda: model.fit(X).components_,
            lambda: model.log_partition(),
            lambda: model.sample(3, 5, random_state=1),
        )

    with threadpool_limits(2, user_api="blas"):
        ref = [step() for step in run(SpinRBM(**params))]
        monkeypatch.setattr(R.Dense, "forward", spy)
        for step, want in zip(run(SpinRBM(**params)), ref, strict=True):
            seen.clear()
            np.testing.assert_array_equal(step(), want)
            assert seen and all(threads <= {1} for threads in seen)


def test_worker_threads_are_limited_and_restored(monkeypatch):
    monkeypatch.delenv(WORKER_THREADS_ENV, raising=False)
    before = _blas_threads()
    with limit_worker_threads():
        assert _blas_threads() <= {1}
        with limit_worker_threads():  # a second task of the same process
            assert _blas_threads() <= {1}
        assert _blas_threads() <= {1}  # still limited: the first task runs
    assert _blas_threads() == before
    with limit_worker_threads(active=False):
        assert _blas_threads() == before


def test_worker_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv(WORKER_THREADS_ENV, "2")
    with limit_worker_threads():
        assert _blas_threads() <= {2}
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(WORKER_THREADS_ENV, bad)
        with (
            pytest.raises(ValueError, match=WORKER_THREADS_ENV),
            limit_worker_threads(),
        ):
            pass


@pytest.mark.skipif(not HAS_TORCH, reason="needs torch")
def test_torch_threads_are_limited_and_restored(monkeypatch):
    import torch

    monkeypatch.delenv(WORKER_THREADS_ENV, raising=False)
    before = torch.get_num_threads()
    with limit_worker_threads():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_runs_in_parallel():
    assert not runs_in_parallel(None, 4)
    assert not runs_in_parallel(2, 1)
    assert runs_in_parallel(2, 2)
    with parallel_config(backend="threading", n_jobs=2):
        assert runs_in_parallel(None, 3)
