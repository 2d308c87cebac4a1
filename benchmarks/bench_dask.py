"""Serial against a 2-worker Dask cluster: a grid search and an AIS estimate.

Two workloads run once serially (this process, its default BLAS threads) and
once on ``LocalCluster(n_workers=2, threads_per_worker=1)`` through joblib's
``dask`` backend (``joblib.parallel_config(backend="dask")``):

1. ``GridSearchCV`` of ``ProjectionHopfieldRBM → LogisticRegression`` on a
   subset of the MNIST training images, β × k grid (``--betas`` ×
   ``--ks``), 3-fold cross-validation; the RBM builds its weights from the
   k Ward sub-patterns of each class, then trains one epoch of CD-k
   (``--cd-steps``) at inverse temperature β;
2. the AIS estimate of ln Z (``log_partition``) of one such model with
   ``--ais-chains`` chains (2,000: eight groups of 250) and ``--ais-betas``
   distributions, its chain groups split over the workers with ``n_jobs=-1``.

The table gives both wall-clock times and the speed-up, and checks that the
results are identical (every column of ``cv_results_`` but the timings; ln Z
and its standard error). Each worker uses one BLAS thread (Dask's nanny sets
``OMP_NUM_THREADS=1`` and friends; skhopfield's parallel tasks also limit
their threads, see the user guide "Scaling out"), and so does the serial run
by default (``--serial-threads``): with another number of BLAS threads the
sums inside the matrix products run in another order, the weights differ in
the last bits (about 1e-17) and an unconverged solver can amplify that, so
the results agree to rounding only. Speed-ups need a machine that is
otherwise idle.

Run:  python benchmarks/bench_dask.py [--n-train 10000] [--data DIR] [--download]
      [--malloc-mmap 33554432] [--serial-threads 1] [--dask-housekeeping]
"""

import copy
import time
import warnings

import joblib
import numpy as np
from _mnist import mnist_parser
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

from skhopfield import ProjectionHopfieldRBM
from skhopfield.datasets import load_mnist

#: Dask settings for a cluster whose workers take every core: no statistical
#: profiler, and the event-loop health check, system monitor and memory
#: monitor at 1-2 s instead of 20 ms, 500 ms and 100 ms
QUIET_DASK = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}
TIMING = {"mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"}


def same_cv_results(a, b):
    """True when every column of two ``cv_results_`` but the timings agree."""
    if a.keys() != b.keys():
        return False
    for key in a.keys() - TIMING:
        if key == "params":
            if a[key] != b[key]:
                return False
        elif not np.array_equal(np.asarray(a[key]), np.asarray(b[key])):
            return False
    return True


def make_search(args):
    pipe = make_pipeline(
        ProjectionHopfieldRBM(
            n_iter=1, cd_steps=args.cd_steps, learning_rate=1e-4, random_state=0
        ),
        StandardScaler(),
        LogisticRegression(max_iter=300),
    )
    grid = {
        "projectionhopfieldrbm__beta": args.betas,
        "projectionhopfieldrbm__n_subpatterns": args.ks,
    }
    return GridSearchCV(pipe, grid, cv=3)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--n-train", type=int, default=10000)
    parser.add_argument("--betas", type=float, nargs="+", default=[1.0, 2.0, 4.0])
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 3, 5])
    parser.add_argument("--cd-steps", type=int, default=20)
    parser.add_argument("--ais-chains", type=int, default=2000)
    parser.add_argument("--ais-betas", type=int, default=300)
    parser.add_argument("--n-workers", type=int, default=2)
    parser.add_argument(
        "--serial-threads",
        type=int,
        default=1,
        help="BLAS threads of the serial run (default 1, as each worker: then "
        "the arithmetic, and so the results, are the same bit for bit)",
    )
    parser.add_argument(
        "--malloc-mmap",
        type=int,
        default=2**25,
        help="MALLOC_MMAP_THRESHOLD_ of the workers (default 32 MiB, with a "
        "trim threshold 4 times that and MALLOC_ARENA_MAX=1; 0 keeps Dask's "
        "MALLOC_TRIM_THRESHOLD_=65536, under which numpy's large temporaries "
        "are slow)",
    )
    parser.add_argument(
        "--dask-housekeeping",
        action="store_true",
        help="keep Dask's default profiler, event-loop tick and monitor "
        "intervals (default: QUIET_DASK, less frequent housekeeping)",
    )
    args = parser.parse_args()

    import dask
    from dask.distributed import Client, LocalCluster

    X_train, y_train, _, _ = load_mnist(args.data, download_if_missing=args.download)
    rng = np.random.RandomState(0)
    idx = rng.permutation(X_train.shape[0])[: args.n_train]
    X, y = X_train[idx].astype(np.float64), y_train[idx]
    n_fits = len(args.betas) * len(args.ks) * 3
    print(
        f"MNIST subset: {X.shape[0]} images; grid beta {args.betas} x k {args.ks}, "
        f"3-fold ({n_fits} fits + refit); AIS: {args.ais_chains} chains x "
        f"{args.ais_betas} distributions"
    )

    # the AIS model: k = 5 sub-patterns per class (50 hidden units), 1 epoch CD
    ais_model = ProjectionHopfieldRBM(
        n_subpatterns=5,
        beta=2.0,
        n_iter=1,
        cd_steps=args.cd_steps,
        n_ais_chains=args.ais_chains,
        n_ais_betas=args.ais_betas,
        random_state=0,
    ).fit(X, y)
    ais_serial_model = copy.deepcopy(ais_model)  # separate ln Z caches
    ais_cluster_model = copy.deepcopy(ais_model).set_params(n_jobs=-1)

    with warnings.catch_warnings(), threadpool_limits(args.serial_threads):
        warnings.simplefilter("ignore")  # lbfgs convergence on small folds
        serial_search, t_search_serial = timed(lambda: make_search(args).fit(X, y))
        (log_z_serial, se_serial), t_ais_serial = timed(ais_serial_model.log_partition)

    # Dask's nanny gives its workers MALLOC_TRIM_THRESHOLD_=65536, which
    # fixes glibc's mmap threshold at 128 KiB: every mini-batch temporary is
    # then a fresh mapping, and a fit runs about 3 times slower (user guide
    # "Scaling out"); the workers get a 32 MiB mmap threshold instead
    # (--malloc-mmap 0 keeps Dask's setting); and the task thread allocates
    # from the main heap (MALLOC_ARENA_MAX=1), not from a thread arena whose
    # 64 MiB heaps are unmapped and mapped again as temporaries come and go
    if args.malloc_mmap:
        environ = "distributed.nanny.pre-spawn-environ."
        dask.config.set(
            {
                environ + "MALLOC_MMAP_THRESHOLD_": args.malloc_mmap,
                environ + "MALLOC_TRIM_THRESHOLD_": 4 * args.malloc_mmap,
                environ + "MALLOC_ARENA_MAX": 1,
            }
        )
    print(
        f"workers' MALLOC_MMAP_THRESHOLD_: "
        f"{args.malloc_mmap or 'glibc default (Dask trims at 65536)'}"
        f"{', MALLOC_ARENA_MAX=1' if args.malloc_mmap else ''}"
    )
    # when the workers take every core, Dask's housekeeping (an event-loop
    # health check every 20 ms in each process, the workers' profiler every
    # 10 ms, the system monitor every 500 ms) competes with them: about a
    # tenth of a core in the client process alone (user guide "Scaling out")
    if not args.dask_housekeeping:
        dask.config.set(QUIET_DASK)
    print(
        "Dask housekeeping: "
        + ("defaults" if args.dask_housekeeping else str(QUIET_DASK))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dashboard port already in use, etc.
        cluster = LocalCluster(
            n_workers=args.n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    with cluster, Client(cluster) as client:
        client.wait_for_workers(args.n_workers)
        threads = client.run(
            lambda: sorted({i["num_threads"] for i in threadpool_info()})
        )
        print(f"BLAS/OpenMP threads per worker: {sorted(threads.values())}")
        # scatter: send X and y to the workers once, not with every task
        with (
            joblib.parallel_config(backend="dask", scatter=[X, y]),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            # warm-up: ship the code and the data once (not timed)
            make_search(args).set_params(
                cv=2,
                param_grid={
                    "projectionhopfieldrbm__beta": args.betas[:1],
                    "projectionhopfieldrbm__n_subpatterns": args.ks[:1],
                },
            ).fit(X[:300], y[:300])
            cluster_search, t_search_cluster = timed(
                lambda: make_search(args).fit(X, y)
            )
            (log_z_cluster, se_cluster), t_ais_cluster = timed(
                ais_cluster_model.log_partition
            )

    same_search = same_cv_results(serial_search.cv_results_, cluster_search.cv_results_)
    same_ais = (log_z_serial, se_serial) == (log_z_cluster, se_cluster)
    w = args.n_workers
    print()
    print(
        f"serial: one process, {args.serial_threads} BLAS thread(s); cluster: "
        f"{w} worker processes x 1 thread"
    )
    print(
        f"{'workload':<44} {'serial s':>9} {f'{w} workers s':>12} "
        f"{'speed-up':>9}  identical"
    )
    print(
        f"{'GridSearchCV ProjHopfieldRBM+LogReg':<44} {t_search_serial:>9.1f} "
        f"{t_search_cluster:>12.1f} {t_search_serial / t_search_cluster:>9.2f}  "
        f"{same_search}"
    )
    print(
        f"{f'AIS ln Z, {args.ais_chains} chains':<44} {t_ais_serial:>9.1f} "
        f"{t_ais_cluster:>12.1f} {t_ais_serial / t_ais_cluster:>9.2f}  {same_ais}"
    )
    print()
    print(
        f"best params {serial_search.best_params_}, mean CV accuracy "
        f"{serial_search.best_score_:.4f} (cluster: {cluster_search.best_params_}, "
        f"{cluster_search.best_score_:.4f})"
    )
    print(
        f"ln Z = {log_z_serial:.4f} ± {se_serial:.4f} (serial), "
        f"{log_z_cluster:.4f} ± {se_cluster:.4f} ({w} workers)"
    )


if __name__ == "__main__":
    main()
