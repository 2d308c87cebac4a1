"""Recall speed of HopfieldMemory against a plain NumPy batch loop.

1,000 probes with 10% flipped bits, N = 1024, P = 100, Hebbian couplings,
synchronous deterministic dynamics, each probe stopping on its own. The
reference is the loop a NumPy user would write: recompute all fields of the
still-active probes with one matrix product per iteration, stop a probe when
an iteration changes nothing.

Run:  python benchmarks/bench_recall.py [--repeat 5] [--backend torch]
Prints a table of the best-of-`repeat` wall times and the ratio
skhopfield / plain loop (≤ 1.0 means skhopfield is no slower).
"""

import argparse
import time
from functools import partial

import numpy as np

from skhopfield import HopfieldMemory
from skhopfield.datasets import flip_noise


def plain_numpy_sync(X, J, max_iter):
    """Reference: synchronous updates, per-probe stopping, full products."""
    S = X.copy()
    active = np.arange(S.shape[0])
    for _ in range(max_iter):
        Sa = S[active]
        H = Sa @ J
        new = np.where(H > 0, 1.0, np.where(H < 0, -1.0, Sa)).astype(S.dtype)
        done = (new == Sa).all(1)
        S[active] = new
        active = active[~done]
        if active.size == 0:
            break
    return S


def best_time(fn, repeat):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-features", type=int, default=1024)
    parser.add_argument("--n-patterns", type=int, default=100)
    parser.add_argument("--n-probes", type=int, default=1000)
    parser.add_argument("--noise", type=float, default=0.10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", default="numpy")
    parser.add_argument("--device", default=None)
    args = parser.parse_args()

    rng = np.random.RandomState(0)
    xi = rng.choice([-1.0, 1.0], size=(args.n_patterns, args.n_features))
    targets = xi[rng.randint(args.n_patterns, size=args.n_probes)]
    probes = flip_noise(targets, args.noise, random_state=1)

    rows = []
    for dtype in (np.float64, np.float32):
        X = probes.astype(dtype)
        model = HopfieldMemory(
            "hebbian",
            update="sync",
            binarize=None,
            backend=args.backend,
            device=args.device,
        ).fit(xi.astype(dtype))
        J = model.couplings_.astype(dtype)
        model.predict(X[:10])  # warm-up (torch initialisation)
        t_ref, ref = best_time(partial(plain_numpy_sync, X, J, 100), args.repeat)
        t_sk, res = best_time(partial(model.recall, X), args.repeat)
        # the plain loop oscillates on 2-cycles until max_iter; compare the rest
        ok = ~res.cycled
        same = np.array_equal(ref[ok], res.states[ok])
        recovered = (res.states == targets).all(1).mean()
        rows.append(
            (
                np.dtype(dtype).name,
                t_ref,
                t_sk,
                t_sk / t_ref,
                same,
                recovered,
                int(res.cycled.sum()),
            )
        )

    print(
        f"recall: {args.n_probes} probes, N={args.n_features}, "
        f"P={args.n_patterns}, {args.noise:.0%} flipped, hebbian, sync, "
        f"backend={args.backend}, best of {args.repeat}"
    )
    header = (
        f"{'dtype':8} {'plain numpy (s)':>16} {'skhopfield (s)':>15} "
        f"{'ratio':>7} {'same (no cycle)':>16} {'recovered':>10} {'2-cycles':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, t_ref, t_sk, ratio, same, rec, cyc in rows:
        print(
            f"{name:8} {t_ref:16.4f} {t_sk:15.4f} {ratio:7.3f} {str(same):>16} "
            f"{rec:10.3f} {cyc:9d}"
        )


if __name__ == "__main__":
    main()
