"""Storage capacity of HopfieldMemory's learning rules on random ±1 patterns.

For each rule and network size N, the load P/N is raised on a grid and two
fractions are measured with synchronous deterministic dynamics:

- stable: the fraction of stored patterns that are fixed points (the first
  sweep from the pattern changes nothing);
- recalled: the fraction of probes with 10% flipped bits (exactly round(0.1 N)
  per probe) that end exactly on their pattern;

plus the mean overlap of the recalled state with the pattern. The table
reports, per rule, the largest P/N at which each fraction is still ≥ 99%
(scanning upwards, the last load before the first failure), next to the
Hebbian crosstalk prediction, the largest P with N·Φ(−sqrt(N/P)) ≤ 0.01.

Run:  python benchmarks/bench_capacity.py [--sizes 200 1000] [--detail]
"""

import argparse
import time
import warnings

import numpy as np
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning

from skhopfield import HopfieldMemory
from skhopfield.datasets import flip_noise

THRESHOLD = 0.99


def measure(
    rule, n, p, n_trials, probes_per_pattern, noise, seed, recall=True, **params
):
    """Stable fraction, recalled fraction and mean overlap at load p / n.

    With ``recall=False`` only the stable fraction is measured (nan else).
    """
    stable, recalled, overlap = [], [], []
    for trial in range(n_trials):
        rng = np.random.RandomState(seed + 1000 * trial + p)
        xi = rng.choice([-1.0, 1.0], size=(p, n))
        model = HopfieldMemory(rule, update="sync", binarize=None, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(xi)
            first = model.set_params(max_iter=1).recall(xi)
            stable.append(first.converged)
            if not recall:
                continue
            targets = np.repeat(xi, probes_per_pattern, axis=0)
            probes = flip_noise(targets, noise, random_state=rng)
            states = model.set_params(max_iter=200).predict(probes)
        recalled.append((states == targets).all(1))
        overlap.append((states * targets).mean(1))
    if not recall:
        return np.concatenate(stable).mean(), np.nan, np.nan
    return (
        np.concatenate(stable).mean(),
        np.concatenate(recalled).mean(),
        np.concatenate(overlap).mean(),
    )


def hebbian_overlap_table(n, loads, seed, n_probes=200):
    """Mean overlap reached from the patterns themselves (async dynamics)."""
    rows = []
    for a in loads:
        p = int(round(a * n))
        rng = np.random.RandomState(seed + p)
        xi = rng.choice([-1.0, 1.0], size=(p, n))
        model = HopfieldMemory(
            "hebbian", update="async", max_iter=500, binarize=None, random_state=seed
        ).fit(xi)
        starts = xi[rng.choice(p, size=min(n_probes, p), replace=False)]
        states = model.predict(starts)
        rows.append((p / n, (states * starts).mean(1).mean()))
    return rows


def load_grid(n):
    fine = np.arange(0.005, 0.2, 0.005)
    coarse = np.arange(0.2, 1.5001, 0.025)
    loads = np.concatenate([fine, coarse])
    return sorted({max(1, int(round(a * n))) for a in loads})


def hebbian_crosstalk_limit(n):
    """Largest P/N with N·Φ(−sqrt(N/P)) ≤ 0.01 (expected unstable bits)."""
    p = 1
    while n * norm.cdf(-np.sqrt(n / (p + 1))) <= 0.01:
        p += 1
    return p / n


def scan(rule, n, args, params):
    """Raise the load until both fractions have fallen below THRESHOLD.

    Each fraction is measured until its first failure (the threshold only
    needs the last load before it), so the scan costs little past capacity.
    """
    rows = []
    last_stable = last_recalled = 0.0
    stable_ok = recalled_ok = True
    for p in load_grid(n):
        if rule == "projection" and p >= n:
            break
        n_trials = max(1, int(np.ceil(args.min_patterns / p)))
        s, r, m = measure(
            rule,
            n,
            p,
            n_trials,
            args.probes_per_pattern,
            args.noise,
            args.seed,
            recall=recalled_ok,
            **params,
        )
        rows.append((p / n, s, r, m))
        if stable_ok and s >= THRESHOLD:
            last_stable = p / n
        else:
            stable_ok = False
        if recalled_ok and r >= THRESHOLD:
            last_recalled = p / n
        else:
            recalled_ok = False
        if not stable_ok and not recalled_ok:
            break
    return last_stable, last_recalled, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument(
        "--rules",
        nargs="+",
        default=["hebbian", "storkey", "projection", "perceptron"],
    )
    parser.add_argument("--noise", type=float, default=0.10)
    parser.add_argument("--probes-per-pattern", type=int, default=2)
    parser.add_argument(
        "--min-patterns",
        type=int,
        default=400,
        help="trials are repeated until this many patterns were stored",
    )
    parser.add_argument(
        "--margin",
        type=float,
        default=None,
        help="margin of the perceptron rule (default: the estimator's default)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--detail", action="store_true", help="print every load of the scan"
    )
    args = parser.parse_args()

    summary = []
    for n in args.sizes:
        for rule in args.rules:
            params = {}
            if rule == "perceptron" and args.margin is not None:
                params["margin"] = args.margin
            t0 = time.perf_counter()
            stable, recalled, rows = scan(rule, n, args, params)
            elapsed = time.perf_counter() - t0
            summary.append((n, rule, stable, recalled, elapsed))
            if args.detail:
                print(f"\n{rule}, N={n}: P/N, stable, recalled, mean overlap")
                for a, s, r, m in rows:
                    print(f"  {a:6.3f} {s:7.3f} {r:7.3f} {m:7.3f}")

    print(
        "\nHebbian retrieval from the stored patterns (async dynamics): "
        "mean overlap of the final state with the pattern"
    )
    loads = [0.05, 0.10, 0.12, 0.13, 0.14, 0.15, 0.16, 0.18, 0.20]
    for n in args.sizes:
        rows = hebbian_overlap_table(n, loads, args.seed)
        print(f"  N={n:5d}  " + "  ".join(f"{a:.2f}:{m:.3f}" for a, m in rows))

    print(
        f"\nCapacity on random patterns, synchronous dynamics, "
        f"{args.noise:.0%} flipped bits per probe, threshold {THRESHOLD:.0%}"
    )
    header = (
        f"{'N':>5} {'rule':>11} {'P/N stable':>11} {'P/N recalled':>13} "
        f"{'theory (Hebb)':>14} {'time (s)':>9}"
    )
    print(header)
    print("-" * len(header))
    for n, rule, stable, recalled, elapsed in summary:
        theory = f"{hebbian_crosstalk_limit(n):.3f}" if rule == "hebbian" else ""
        print(
            f"{n:5d} {rule:>11} {stable:11.3f} {recalled:13.3f} {theory:>14} "
            f"{elapsed:9.1f}"
        )


if __name__ == "__main__":
    main()
