"""Training, AIS and sampling speed against the matrix-product limit, per route.

The cases run on each route of the sampling kernels (numba and NumPy, see
below), and the script measures what the compiled route costs on disk, at
import and at its first compile.

One run on MNIST (the training images, 784 pixels), that prints for each case
its time, the ratio to scikit-learn where scikit-learn has the same model,
and the fraction of the *matmul limit* reached: the time the case's matrix
products alone take at this machine's BLAS speed, measured in the same run
(the products of one epoch or one AIS run, on preallocated arrays, with the
process's default BLAS threads, best of ``--repeat``), divided by the case's
time. 100% would mean that nothing but the products costs time.

1. One CD-1 epoch, batch 100, ``n_components`` p = 100 and 500 (the whole
   ``fit(n_iter=1)``, validation included): ``BernoulliRBM`` (float64, its
   only dtype), ``GaussianRBM`` at its defaults given float64 data (what a
   user gets: training in float32), with ``dtype="float64"``, and on the
   torch engine on the CPU (float32). Its products per
   batch of B = 100: ``S W`` for the data and for the negative states,
   ``Λ Wᵀ``, and the weight gradient ``[S; S']ᵀ [T; −T']`` (5 B·N·p
   multiply-adds).
2. AIS, 500 chains × 1000 distributions, N = 784, p = 100
   (:meth:`skhopfield.energy.rbm.RBM.log_partition_ais` of the binary-gaussian
   ``RBM(Spin(b), Gaussian(c), W)``), float64 and
   float32; products per step: ``S W`` and ``Λ Wᵀ`` of every chain.
3. ``RAPIDRBM(n_components=1000, n_patterns=100)``: one epoch of pure PID and
   of PID + 10 Gibbs steps (the training loop only:
   ``training_history_[-1]["seconds"]``, after a warm-up epoch); the limit of
   the latter counts the products of its Gibbs steps only, ``S W`` and
   ``Λ Wᵀ`` of the 100 pattern chains, 10 steps per batch, with the rank-100
   weights applied in factored form.
4. ``SpinRBM(n_components=256)`` on the 8×8 digits: the first ``score()``
   (an AIS estimate), on a quiet machine and with a CPU-bound process
   competing (``--no-load`` skips it).

Each table opens with a line that says which route of the sampling kernels
(:func:`skhopfield.energy._kernels.route`) ran it, numba's version where numba
was imported, the CPUs and threads, and the BLAS libraries that
threadpoolctl finds (internal API, threads, architecture).

**Routes.** The kernels take the compiled route (numba) where numba is
installed, else the NumPy route; the environment variable
``SKHOPFIELD_KERNELS=numpy`` forces the latter, and is read once per process.
With ``--routes both`` (the default) the script runs itself again in one
process per route, with the same other arguments — ``SKHOPFIELD_KERNELS``
unset for numba, ``=numpy`` for NumPy — and prints each run's own table (every
ratio and limit within one run), then a table of each case's time on both
routes and the ratio numba / NumPy (below 1: the compiled route is faster).
Without numba, ``both`` runs the NumPy route alone and says so. ``--routes
numba`` or ``--routes numpy`` measure in this process only.

**Cost of the compiled route** (``--no-cost`` skips it): the size on disk of
the installed ``numba`` and ``llvmlite`` packages (their package folders, and
the files their installed distributions list); the time of ``python -c
"import numba"`` in a fresh process (best of 3, beside ``python -c pass``);
the first compile of the kernels — ``K.sample_discrete`` and
``K.sample_gaussian`` on tiny float32 and float64 arrays, in a fresh process
with numba's cache in a new empty folder (``NUMBA_CACHE_DIR``) — and the same
in a second process with that cache warm; and, for context, the time of
``import skhopfield`` in a fresh process (best of 3). ``--cost-only`` prints
this table alone. Each run of the cases calls the kernels once on tiny arrays
before it times anything (the compile or the load from numba's cache, on a
line of its own), so that no case's time holds that one-time cost.

``--quick`` shrinks the cases for a smoke test (the first 2000 training
images, AIS of 50 chains × 100 distributions); its numbers are no benchmark.

Run:  python benchmarks/bench_speed.py [--data ../shared/data/mnist] [--repeat 3]
      [--routes both|numba|numpy] [--no-load] [--no-cost | --cost-only] [--quick]
Smoke test:  python benchmarks/bench_speed.py --quick --components 20 \\
      --repeat 1 --no-load
"""

import argparse
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from functools import partial

import numpy as np
from _mnist import mnist_parser
from sklearn.datasets import load_digits
from sklearn.neural_network import BernoulliRBM

from skhopfield import RAPIDRBM, GaussianRBM, SpinRBM
from skhopfield.datasets import load_mnist
from skhopfield.energy import _kernels
from skhopfield.energy.layers import Gaussian, Spin
from skhopfield.energy.rbm import RBM

BATCH = 100
ROUTES = ("numba", "numpy")
#: ``--quick``: the training images kept, and AIS's chains and distributions
QUICK_N, QUICK_AIS = 2000, (50, 100)
#: the rows of this run, for ``--results-json`` (the comparison of routes)
RESULTS = []


def best_of(fn, repeat):
    """Best wall-clock time of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def epoch_limit(n_samples, n_features, p, dtype, repeat):
    """Time of the matrix products of one CD-1 epoch (batch 100)."""
    rng = np.random.default_rng(0)
    S = rng.standard_normal((BATCH, n_features)).astype(dtype)
    S2 = rng.standard_normal((2 * BATCH, n_features)).astype(dtype)
    L = rng.standard_normal((BATCH, p)).astype(dtype)
    T2 = rng.standard_normal((2 * BATCH, p)).astype(dtype)
    W = rng.standard_normal((n_features, p)).astype(dtype)
    U = np.empty((BATCH, p), dtype)
    V = np.empty((BATCH, n_features), dtype)
    G = np.empty((n_features, p), dtype)
    n_batches = -(-n_samples // BATCH)

    def run():
        for _ in range(n_batches):
            np.matmul(S, W, out=U)
            np.matmul(S, W, out=U)
            np.matmul(L, W.T, out=V)
            np.matmul(S2.T, T2, out=G)

    return best_of(run, repeat)


def ais_limit(n_chains, n_betas, n_features, p, dtype, repeat):
    """Time of the matrix products of one AIS run (two per step)."""
    rng = np.random.default_rng(0)
    S = rng.standard_normal((n_chains, n_features)).astype(dtype)
    L = rng.standard_normal((n_chains, p)).astype(dtype)
    W = rng.standard_normal((n_features, p)).astype(dtype)
    Wt = np.ascontiguousarray(W.T)
    U = np.empty((n_chains, p), dtype)
    V = np.empty((n_chains, n_features), dtype)

    def run():
        for _ in range(n_betas - 1):
            np.matmul(S, W, out=U)
            np.matmul(L, Wt, out=V)

    return best_of(run, repeat)


def rapid_gibbs_limit(
    n_batches, n_patterns, n_features, n_hidden, n_steps, dtype, repeat
):
    """Time of the matrix products of RAPID's Gibbs steps: ``n_steps`` per
    batch of the ``K = n_patterns`` pattern chains, over ``n_batches``
    batches. The weights ``ξ_vᵀ ξ_h / √K`` are applied in factored form,
    ``(S ξ_vᵀ) ξ_h`` and ``(Λ ξ_hᵀ) ξ_v``: four products per step."""
    rng = np.random.default_rng(0)
    K = n_patterns
    S = rng.standard_normal((K, n_features)).astype(dtype)
    L = rng.standard_normal((K, n_hidden)).astype(dtype)
    xi_v = rng.standard_normal((K, n_features)).astype(dtype)
    xi_h = rng.standard_normal((K, n_hidden)).astype(dtype)
    xi_vT, xi_hT = np.ascontiguousarray(xi_v.T), np.ascontiguousarray(xi_h.T)
    A, B = np.empty((K, K), dtype), np.empty((K, K), dtype)
    U = np.empty((K, n_hidden), dtype)
    V = np.empty((K, n_features), dtype)

    def run():
        for _ in range(n_batches * n_steps):
            np.matmul(np.matmul(S, xi_vT, out=A), xi_h, out=U)
            np.matmul(np.matmul(L, xi_hT, out=B), xi_v, out=V)

    return best_of(run, repeat)


# -- what ran ----------------------------------------------------------------------
def blas_summary():
    """The libraries threadpoolctl finds, as ``internal_api threads
    architecture`` (``×k`` where k alike)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    counts = {}
    for info in threadpool_info():
        parts = [info.get("internal_api", "?"), f"{info.get('num_threads')} threads"]
        if info.get("architecture"):
            parts.append(str(info["architecture"]))
        key = " ".join(parts)
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k} x{c}" if c > 1 else k for k, c in counts.items()) or "-"


def environment_line():
    """Which route runs the kernels, numba's version, the threads, the BLAS."""
    route = _kernels.route()  # imports numba where the route is the compiled one
    numba = sys.modules.get("numba")
    line = f"kernels: {route} route"
    if numba is not None:
        threads = numba.config.NUMBA_NUM_THREADS
        line += f" (numba {numba.__version__}, {threads} threads)"
    cpus = os.cpu_count()
    if hasattr(os, "sched_getaffinity"):
        cpus = f"{len(os.sched_getaffinity(0))} of {cpus}"
    line += f"; CPUs {cpus}"
    if "torch" in sys.modules:
        line += f"; torch {sys.modules['torch'].get_num_threads()} threads"
    return line + f"; BLAS: {blas_summary()}"


def warm_kernels():
    """Seconds of a first call of each kernel on tiny float32 and float64
    arrays, so that no case's time holds the compile (or the load from
    numba's cache): the cost table gives those."""
    t0 = time.perf_counter()
    for dt in (np.float32, np.float64):
        x = np.zeros((3, 5), dt)
        _kernels.sample_discrete(
            x, np.zeros(5), 1.0, -1.0, _kernels.KernelStream((1, 2))
        )
        _kernels.sample_gaussian(x, np.zeros(5), 1.0, _kernels.KernelStream((1, 2)))
    return time.perf_counter() - t0


def report(case, p, t, limit=None, tail=""):
    """Print a row of the table (with the limit and its fraction where given)
    and keep it in :data:`RESULTS`."""
    RESULTS.append({"case": case, "p": p, "seconds": t, "limit": limit})
    row = f"{case:56} {p:5d} {t:8.3f}"
    if limit is not None:
        row += f" {limit:8.3f} {100 * limit / t:9.0f}%"
    print(row + tail)


# -- the cost of the compiled route -------------------------------------------------
#: the first calls of the kernels in a fresh process: prints, as JSON, the
#: seconds of the import of the kernels' module, of loading the compiled route
#: (numba and the jitted functions), and of the first calls (compile or cache)
_FIRST_CALLS = """
import json, time
t0 = time.perf_counter()
import numpy as np
from skhopfield.energy import _kernels as K
t1 = time.perf_counter()
route = K.route()
t2 = time.perf_counter()
for dt in (np.float32, np.float64):
    x = np.zeros((3, 5), dt)
    b = np.zeros(5)
    K.sample_discrete(x, b, 1.0, -1.0, K.KernelStream((1, 2)))
    K.sample_gaussian(x, b, 1.0, K.KernelStream((1, 2)))
t3 = time.perf_counter()
print(json.dumps({"route": route, "import": t1 - t0, "load": t2 - t1,
                  "first calls": t3 - t2}))
"""


def fresh_python(code, env=None, repeat=1):
    """Best wall-clock time of ``python -c code`` in a fresh process, and
    the last run's stdout; ``(None, error)`` if it fails."""
    best, out = float("inf"), ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True
        )
        t = time.perf_counter() - t0
        if proc.returncode:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            return None, lines[-1] if lines else f"exit {proc.returncode}"
        best, out = min(best, t), proc.stdout
    return best, out


def folder_mb(paths):
    """Megabytes of the files under ``paths`` (links not followed)."""
    total = 0
    for top in paths:
        for root, _, files in os.walk(top):
            for name in files:
                path = os.path.join(root, name)
                if not os.path.islink(path):
                    total += os.path.getsize(path)
    return total / 2**20


def package_size(name):
    """``(version, MB of the package folder, MB of the distribution's
    files)``, or None where ``name`` is not installed."""
    spec = importlib.util.find_spec(name)
    if spec is None:
        return None
    folders = list(spec.submodule_search_locations or [os.path.dirname(spec.origin)])
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return "?", folder_mb(folders), None
    listed = 0
    for f in dist.files or []:
        path = f.locate()
        if os.path.isfile(path) and not os.path.islink(path):
            listed += os.path.getsize(path)
    return dist.version, folder_mb(folders), listed / 2**20 if dist.files else None


def compiled_route_cost():
    """Print the table "cost of the compiled route" (see module)."""

    def line(what, value):
        print(f"{what:56} {value}")

    def seconds(t, err):
        return f"{t:8.3f} s" if t is not None else f"failed: {err}"

    print("\ncost of the compiled route")
    header = f"{'what':56} {'value':>10}"
    print(header)
    print("-" * len(header))
    env = {k: v for k, v in os.environ.items() if k != _kernels.ROUTE_ENV}
    have_numba = importlib.util.find_spec("numba") is not None
    for name in ("numba", "llvmlite"):
        size = package_size(name)
        if size is None:
            line(f"{name} on disk", f"{'absent':>10}")
            continue
        version, folder, listed = size
        line(f"{name} {version} on disk, package folder", f"{folder:7.1f} MB")
        if listed is not None:
            line("  the files its distribution lists", f"{listed:7.1f} MB")
    line(
        "python -c pass, fresh process (best of 3)",
        seconds(*fresh_python("pass", env, 3)),
    )
    if have_numba:
        t, err = fresh_python("import numba", env, repeat=3)
        line("python -c 'import numba', fresh process (best of 3)", seconds(t, err))
    t, err = fresh_python("import skhopfield", env, repeat=3)
    line("python -c 'import skhopfield', fresh process (best of 3)", seconds(t, err))
    t, out = fresh_python("import sys, skhopfield; print('numba' in sys.modules)", env)
    if t is not None:
        line("  ... imports numba", f"{out.strip():>10}")
    if not have_numba:
        print("numba is not installed: no compiled route, nothing compiles")
        return
    with tempfile.TemporaryDirectory(prefix="numba_cache_") as cache:
        env["NUMBA_CACHE_DIR"] = cache
        for label in ("cold cache (compiles)", "warm cache (loads)"):
            t, out = fresh_python(_FIRST_CALLS, env)
            if t is None:
                line(f"first kernel calls, {label}", f"failed: {out}")
                continue
            info = json.loads(out.strip().splitlines()[-1])
            if info["route"] != "numba":
                print(f"first kernel calls: the {info['route']} route ran, not numba")
                return
            line(f"first kernel calls, {label}: the process", seconds(t, None))
            for key, what in (
                ("import", "import of skhopfield.energy._kernels"),
                ("load", "route(): import numba and the jitted functions"),
                ("first calls", "sample_discrete + sample_gaussian, f32 and f64"),
            ):
                line(f"  {what}", seconds(info[key], None))


# -- one process per route ----------------------------------------------------------
def child_argv(argv, route, results_json):
    """``argv`` without its ``--routes``, for one route, recording to
    ``results_json``, without the cost table."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--routes":
            skip = True
        elif not arg.startswith("--routes="):
            out.append(arg)
    return [*out, "--routes", route, "--no-cost", "--results-json", results_json]


def run_routes(routes):
    """Run this script once per route, each in its own process; print their
    tables as they come, then the comparison of the routes."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench_speed_") as tmp:
        for route in routes:
            path = os.path.join(tmp, f"{route}.json")
            env = dict(os.environ, PYTHONUNBUFFERED="1")
            env.pop(_kernels.ROUTE_ENV, None)
            if route == "numpy":
                env[_kernels.ROUTE_ENV] = "numpy"
            print(f"=== route {route}: a process of its own ===", flush=True)
            argv = child_argv(sys.argv[1:], route, path)
            code = subprocess.call([sys.executable, __file__, *argv], env=env)
            if os.path.exists(path):
                with open(path) as f:
                    results[route] = json.load(f)
            if code:
                print(f"=== route {route}: the process failed (exit {code}) ===")
            print(flush=True)
    if len(results) < 2:
        return results
    ran = {route: r["route"] for route, r in results.items()}
    print("numba against NumPy: the time of each case on each route, each route")
    print("measured in a process of its own (ratio < 1: numba faster)")
    if ran != {"numba": "numba", "numpy": "numpy"}:
        print(f"  warning: the routes that ran were {ran}")
    header = f"{'case':56} {'p':>5} {'numba s':>8} {'numpy s':>8} {'numba/numpy':>11}"
    print(header)
    print("-" * len(header))
    numpy_rows = {(r["case"], r["p"]): r for r in results["numpy"]["rows"]}
    for row in results["numba"]["rows"]:
        other = numpy_rows.get((row["case"], row["p"]))
        if other is None:
            continue
        t1, t2 = row["seconds"], other["seconds"]
        print(f"{row['case']:56} {row['p']:5d} {t1:8.3f} {t2:8.3f} {t1 / t2:11.3f}")
    return results


# -- the cases ----------------------------------------------------------------------
def measure(args):
    """Every case in this process, on this process's route of the kernels."""
    have_torch = importlib.util.find_spec("torch") is not None

    X_train, _, _, _ = load_mnist(args.data, download_if_missing=args.download)
    if args.quick:
        X_train = X_train[:QUICK_N]
    n, d = X_train.shape
    X01 = X_train / 255.0  # BernoulliRBM's input: intensities in [0, 1]
    print(environment_line())
    warm = warm_kernels()
    print(f"the kernels' first calls (compile or cache; not timed below): {warm:.3f} s")
    print(
        f"MNIST training images: {n} x {d}; best of {args.repeat}; "
        "limit = the case's matrix products alone, measured now"
        + ("; --quick: a smoke test, no benchmark" if args.quick else "")
        + "\n"
    )

    header = (
        f"{'case':56} {'p':>5} {'time s':>8} {'limit s':>8} "
        f"{'% of limit':>10} {'vs sklearn':>10}"
    )
    print(header)
    print("-" * len(header))
    for p in args.components:
        common = dict(n_components=p, batch_size=BATCH, n_iter=1, random_state=0)
        X64 = X_train.astype(np.float64)
        runs = [
            (
                "sklearn BernoulliRBM float64",
                np.float64,
                X01,
                partial(BernoulliRBM, learning_rate=0.01, **common),
            ),
            (
                "GaussianRBM default (float32), float64 data",
                np.float32,
                X64,
                partial(GaussianRBM, **common),
            ),
            (
                "GaussianRBM dtype='float64'",
                np.float64,
                X64,
                partial(GaussianRBM, dtype="float64", **common),
            ),
        ]
        if have_torch:
            runs.append(
                (
                    "GaussianRBM torch cpu float32",
                    np.float32,
                    X64,
                    partial(GaussianRBM, backend="torch", **common),
                )
            )
        limits = {
            dt: epoch_limit(n, d, p, dt, args.repeat) for dt in (np.float64, np.float32)
        }
        # interleaved repeats: a drift of the machine's speed hits all alike
        best = [np.inf] * len(runs)
        for _ in range(args.repeat):
            for i, (_, _, X, make) in enumerate(runs):
                fit = lambda make=make, X=X: make().fit(X)  # noqa: E731
                best[i] = min(best[i], best_of(fit, 1))
        for (name, dt, _, _), t in zip(runs, best, strict=True):
            report(f"CD-1 epoch, {name}", p, t, limits[dt], f" {t / best[0]:10.3f}")

    n_chains, n_betas = QUICK_AIS if args.quick else (500, 1000)
    rng = np.random.RandomState(0)
    W = rng.normal(scale=0.1, size=(784, 100))
    model = RBM(Spin(np.zeros(784)), Gaussian(np.zeros(100)), W, 1.0)
    for dt in (np.float64, np.float32):
        limit = ais_limit(n_chains, n_betas, 784, 100, dt, args.repeat)
        t = best_of(
            partial(
                model.log_partition_ais,
                n_chains=n_chains,
                n_betas=n_betas,
                random_state=0,
                dtype=dt,
            ),
            1,
        )
        name = f"AIS {n_chains} x {n_betas}, N 784, {np.dtype(dt).name}"
        report(name, 100, t, limit)

    X32 = X_train.astype(np.float32)
    rapid = {
        "RAPID K=100, pure PID": RAPIDRBM(
            n_components=1000,
            n_patterns=100,
            negative_phase="pid",
            batch_size=BATCH,
            n_iter=1,
            random_state=0,
        ),
        "RAPID K=100, PID + 10 Gibbs": RAPIDRBM(
            n_components=1000,
            n_patterns=100,
            negative_phase="pid_gibbs",
            cd_steps=10,
            batch_size=BATCH,
            n_iter=1,
            random_state=0,
        ),
    }
    for model in rapid.values():
        model.fit(X32)  # warm-up epoch
    best = dict.fromkeys(rapid, np.inf)
    for _ in range(args.repeat):
        for name, model in rapid.items():
            model.partial_fit(X32)
            best[name] = min(best[name], model.training_history_[-1]["seconds"])
    # the Gibbs steps' products only (RAPID's own gradient adds more): a
    # lower bound of the limit, so the fraction is a lower bound too
    limit = rapid_gibbs_limit(-(-n // BATCH), 100, d, 1000, 10, np.float32, args.repeat)
    for name, t in best.items():
        report(name + " epoch (loop)", 1000, t, limit if "Gibbs" in name else None)

    if args.no_load:
        return
    digits = load_digits().data
    spin = SpinRBM(n_components=256, n_iter=1, random_state=0).fit(digits)

    def first_score():
        import copy

        copy.deepcopy(spin).score(digits)  # a fresh ln Z cache

    quiet = best_of(first_score, args.repeat)
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        loaded = best_of(first_score, args.repeat)
    finally:
        hog.kill()
        hog.wait()
    report("SpinRBM(256) first score() on digits, quiet", 256, quiet)
    report(
        "  the same with a CPU-bound process running",
        256,
        loaded,
        tail=f" {'':8} {'':10} {loaded / quiet:9.2f}x quiet",
    )


def main():
    parser = mnist_parser(__doc__)
    parser.allow_abbrev = False  # --routes is taken out of argv by its full name
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--components", type=int, nargs="+", default=[100, 500])
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="skip the score() under a competing process",
    )
    parser.add_argument(
        "--routes",
        choices=("numba", "numpy", "both"),
        default="both",
        help="the route of the sampling kernels; both: one process per route, "
        "then their comparison (default)",
    )
    parser.add_argument(
        "--no-cost",
        action="store_true",
        help="skip the table of the cost of the compiled route",
    )
    parser.add_argument(
        "--cost-only",
        action="store_true",
        help="print the table of the cost of the compiled route alone",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test: 2000 training images, AIS of 50 x 100",
    )
    parser.add_argument("--results-json", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    have_numba = importlib.util.find_spec("numba") is not None

    if args.cost_only:
        compiled_route_cost()
        return
    if args.routes == "both":
        routes = ROUTES
        if not have_numba:
            print("numba is not installed: the NumPy route alone runs\n")
            routes = ("numpy",)
        run_routes(routes)
    else:
        # the route is read once, at the kernels' first use: still to come
        if args.routes == "numpy":
            os.environ[_kernels.ROUTE_ENV] = "numpy"
        else:
            os.environ.pop(_kernels.ROUTE_ENV, None)
            if not have_numba:
                print("numba is not installed: the NumPy route runs instead")
        try:
            measure(args)
        finally:
            if args.results_json:
                with open(args.results_json, "w") as f:
                    json.dump({"route": _kernels.route(), "rows": RESULTS}, f)
    if not args.no_cost:
        compiled_route_cost()


if __name__ == "__main__":
    main()
