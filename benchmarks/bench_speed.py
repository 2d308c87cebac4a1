"""Training, AIS and sampling speed against the matrix-product limit.

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

Run:  python benchmarks/bench_speed.py [--data ../shared/data/mnist] [--repeat 3]
"""

import importlib.util
import subprocess
import sys
import time
from functools import partial

import numpy as np
from _mnist import mnist_parser
from sklearn.datasets import load_digits
from sklearn.neural_network import BernoulliRBM

from skhopfield import RAPIDRBM, GaussianRBM, SpinRBM
from skhopfield.datasets import load_mnist
from skhopfield.energy.layers import Gaussian, Spin
from skhopfield.energy.rbm import RBM

BATCH = 100


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


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--components", type=int, nargs="+", default=[100, 500])
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="skip the score() under a competing process",
    )
    args = parser.parse_args()
    have_torch = importlib.util.find_spec("torch") is not None

    X_train, _, _, _ = load_mnist(args.data, download_if_missing=args.download)
    n, d = X_train.shape
    X01 = X_train / 255.0  # BernoulliRBM's input: intensities in [0, 1]
    print(
        f"MNIST training images: {n} x {d}; best of {args.repeat}; "
        "limit = the case's matrix products alone, measured now\n"
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
            limit = limits[dt]
            print(
                f"{'CD-1 epoch, ' + name:56} {p:5d} {t:8.3f} {limit:8.3f} "
                f"{100 * limit / t:9.0f}% {t / best[0]:10.3f}"
            )

    rng = np.random.RandomState(0)
    W = rng.normal(scale=0.1, size=(784, 100))
    model = RBM(Spin(np.zeros(784)), Gaussian(np.zeros(100)), W, 1.0)
    for dt in (np.float64, np.float32):
        limit = ais_limit(500, 1000, 784, 100, dt, args.repeat)
        t = best_of(
            partial(
                model.log_partition_ais,
                n_chains=500,
                n_betas=1000,
                random_state=0,
                dtype=dt,
            ),
            1,
        )
        name = f"AIS 500 x 1000, N 784, {np.dtype(dt).name}"
        print(f"{name:56} {100:5d} {t:8.3f} {limit:8.3f} {100 * limit / t:9.0f}%")

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
        row = f"{name + ' epoch (loop)':56} {1000:5d} {t:8.3f}"
        if "Gibbs" in name:
            row += f" {limit:8.3f} {100 * limit / t:9.0f}%"
        print(row)

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
    print(f"{'SpinRBM(256) first score() on digits, quiet':56} {256:5d} {quiet:8.3f}")
    print(
        f"{'  the same with a CPU-bound process running':56} {256:5d} {loaded:8.3f} "
        f"{'':8} {'':10} {loaded / quiet:9.2f}x quiet"
    )


if __name__ == "__main__":
    main()
