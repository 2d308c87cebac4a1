"""Speed of GaussianRBM against scikit-learn's BernoulliRBM, and of AIS.

One CD-1 epoch over the MNIST training images (batch 100) for
n_components = 100 and 500, in the same run:

- GaussianRBM, numpy engine, float64 and float32;
- GaussianRBM, torch engine on the CPU (when torch is installed);
- sklearn.neural_network.BernoulliRBM (float64, its only dtype).

Then AIS with 500 chains × 1000 intermediate distributions at N = 784,
p = 100. Each timing is the best of ``--repeat`` runs.

Run:  python benchmarks/bench_rbm.py [--data ../shared/data/mnist] [--repeat 3]
"""

import argparse
import os
import time
from pathlib import Path

import numpy as np
from sklearn.neural_network import BernoulliRBM

from skhopfield import GaussianRBM
from skhopfield.datasets import load_mnist
from skhopfield.energy.gaussian import log_partition_ais

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def have_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("SKHOPFIELD_DATA", DEFAULT_DATA))
    parser.add_argument(
        "--download", action="store_true",
        help="fetch MNIST from OpenML when the IDX files are not in --data",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--components", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--skip-ais", action="store_true")
    args = parser.parse_args()

    X_train, _, _, _ = load_mnist(args.data, download_if_missing=args.download)
    X01 = X_train / 255.0  # BernoulliRBM's input: intensities in [0, 1]
    n, d = X_train.shape
    print(f"MNIST training images: {n} x {d}; one CD-1 epoch, batch 100, "
          f"best of {args.repeat}")

    header = f"{'model':38} {'p':>5} {'epoch (s)':>10} {'vs BernoulliRBM':>16}"
    print(header)
    print("-" * len(header))
    for p in args.components:
        common = dict(n_components=p, batch_size=100, n_iter=1, random_state=0)
        runs = [
            ("sklearn BernoulliRBM float64", X01,
             lambda: BernoulliRBM(learning_rate=0.01, **common)),
            ("GaussianRBM numpy float64", X_train.astype(np.float64),
             lambda: GaussianRBM(**common)),  # binarize=0: non-zero -> +1 (Smart & Zilman 2021)
            ("GaussianRBM numpy float32", X_train.astype(np.float32),
             lambda: GaussianRBM(**common)),
        ]
        if have_torch():
            runs.append(("GaussianRBM torch cpu float32", X_train.astype(np.float32),
                         lambda: GaussianRBM(backend="torch", **common)))
        # the repeats are interleaved, so that a drift of the machine's speed
        # hits every model alike; each model keeps its best time
        best = [np.inf] * len(runs)
        for _ in range(args.repeat):
            for i, (_, X, make) in enumerate(runs):
                best[i] = min(best[i], best_of(lambda: make().fit(X), 1))
        for (name, _, _), t in zip(runs, best):
            print(f"{name:38} {p:5d} {t:10.3f} {t / best[0]:16.3f}")

    if args.skip_ais:
        return
    rng = np.random.RandomState(0)
    W = rng.normal(scale=0.1, size=(784, 100))
    b, c = np.zeros(784), np.zeros(100)
    print("\nAIS, N = 784, p = 100, W ~ N(0, 0.01), beta = 1")
    print(f"{'dtype':10} {'chains':>7} {'betas':>6} {'time (s)':>9} {'ln Z':>12} {'std err':>9}")
    for dtype in (np.float64, np.float32):
        t0 = time.perf_counter()
        log_Z, err = log_partition_ais(
            W, b, c, 1.0, n_chains=500, n_betas=1000, random_state=0, dtype=dtype
        )
        t = time.perf_counter() - t0
        print(f"{np.dtype(dtype).name:10} {500:7d} {1000:6d} {t:9.2f} {log_Z:12.4f} {err:9.4f}")


if __name__ == "__main__":
    main()
