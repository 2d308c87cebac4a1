"""Work split over joblib workers, one BLAS / torch thread per worker.

The suite parallelizes through :class:`joblib.Parallel` only, so whatever
joblib backend is active runs the work: processes (loky, the default), threads,
or a Dask cluster (``joblib.parallel_config(backend="dask")``).

The thread rule: a task that runs in parallel with others limits the BLAS,
OpenMP and torch thread pools of its process to
``SKHOPFIELD_WORKER_THREADS`` threads (default 1) while it runs, so that two
workers on two cores use two threads, not four (oversubscription). Serial
work (``n_jobs=1``) keeps the process's thread pools as they are, except
where its matrix products are small (:func:`blas_threads_for`). The limit
is reference-counted: tasks that run in threads of one process (the threading
backend, an in-process Dask client) share one limit, set by the first and
restored by the last.
"""

import os
import sys
import threading
from contextlib import contextmanager

from joblib import effective_n_jobs
from threadpoolctl import threadpool_info, threadpool_limits

__all__ = [
    "SMALL_PRODUCT",
    "WORKER_THREADS_ENV",
    "blas_threads",
    "blas_threads_for",
    "kernel_threads",
    "limit_worker_threads",
    "runs_in_parallel",
]

#: Matrix products of fewer multiply-adds than this run on one BLAS thread
#: (:func:`blas_threads_for`). On a quiet 2-core AVX2 machine a second thread
#: makes them 0.9–1.4 times as fast (a (100, 784) × (784, 100) product: 1.36×
#: in float32, 0.92× in float64), but on a loaded machine the threads of a
#: small product wait for each other: beside one busy process a CD-1 epoch
#: of GaussianRBM(100) on MNIST took 2.8 times its quiet time with two
#: threads and 1.1 times with one, a SpinRBM(256) score() 3.5 and 0.95 times.
SMALL_PRODUCT = 10_000_000

#: Environment variable that sets the threads of each parallel task
#: (a positive integer; default 1).
WORKER_THREADS_ENV = "SKHOPFIELD_WORKER_THREADS"

_lock = threading.Lock()
_state = {"depth": 0, "limiter": None, "torch_threads": None}
# the threads of the sampling kernels in this thread (blas_threads_for)
_local = threading.local()


def worker_threads():
    """The threads a parallel task may use: ``SKHOPFIELD_WORKER_THREADS``
    (default 1).

    Raises
    ------
    ValueError
        If the variable is set to something other than a positive integer.
    """
    value = os.environ.get(WORKER_THREADS_ENV, "1").strip()
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(
            f"{WORKER_THREADS_ENV}={value!r} must be a positive integer (the "
            "BLAS / torch threads of each parallel worker); unset it for 1."
        )
    return n


def runs_in_parallel(n_jobs, n_tasks):
    """Whether ``n_tasks`` tasks under ``n_jobs`` (and the active joblib
    backend) run on more than one worker."""
    return n_tasks > 1 and effective_n_jobs(n_jobs) != 1


@contextmanager
def limit_worker_threads(active=True):
    """Limit the BLAS / OpenMP / torch threads of this process while the
    block runs (to :func:`worker_threads`); no-op when ``active`` is False."""
    if not active:
        yield
        return
    n_threads = worker_threads()
    with _lock:
        if _state["depth"] == 0:
            # torch's count first: threadpool_limits also limits the OpenMP
            # runtime that torch's intra-op pool runs on
            torch = sys.modules.get("torch")
            if torch is not None:
                _state["torch_threads"] = torch.get_num_threads()
            _state["limiter"] = threadpool_limits(limits=n_threads)
            if torch is not None:
                torch.set_num_threads(n_threads)
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                _state["limiter"].restore_original_limits()
                _state["limiter"] = None
                torch = sys.modules.get("torch")
                if torch is not None and _state["torch_threads"] is not None:
                    torch.set_num_threads(_state["torch_threads"])
                _state["torch_threads"] = None


def blas_threads():
    """The BLAS threads this process may use now (1 without a BLAS library
    that reports them): the most of any loaded BLAS, as set by its default,
    ``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS``, or a threadpoolctl limit
    in force (that of a parallel task, :func:`blas_threads_for`, or the
    user's)."""
    counts = [
        info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"
    ]
    return max(counts, default=1)


@contextmanager
def blas_threads_for(n_rows, n_inner, n_cols, active=True):
    """One BLAS thread while the block runs if its matrix products, of
    ``n_rows × n_inner`` by ``n_inner × n_cols``, are small (fewer than
    :data:`SMALL_PRODUCT` multiply-adds); the process's threads otherwise,
    inside a parallel task (already limited) and when ``active`` is False
    (work on the torch engine, whose threads are torch's). The sampling
    kernels of the block follow the same rule (:func:`kernel_threads`)."""
    small = int(n_rows) * int(n_inner) * int(n_cols) < SMALL_PRODUCT
    if not active or _state["depth"] > 0:
        yield
        return
    before = getattr(_local, "threads", 1)
    _local.threads = 1 if small else blas_threads()
    try:
        if small:
            with threadpool_limits(limits=1, user_api="blas"):
                yield
        else:
            yield
    finally:
        _local.threads = before


def kernel_threads():
    """The threads the sampling kernels may use now: those of the matrix
    products around them. Inside a parallel task, :func:`worker_threads`;
    inside :func:`blas_threads_for`, one for small products and the
    process's BLAS threads for large ones; one elsewhere."""
    if _state["depth"] > 0:
        return worker_threads()
    return getattr(_local, "threads", 1)
