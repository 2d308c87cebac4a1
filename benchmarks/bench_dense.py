"""Dense associative memory: capacity against theory, and recall speed.

Capacity (random ±1 patterns, synchronous dynamics). A memory "stores" P
patterns when at least 99% of them are exact fixed points (one synchronous
step leaves them unchanged; for large P a random subset of the stored
patterns is tested). The largest such P is found by doubling and then
bisection, for

- Hebb's rule (HopfieldMemory, rule="hebbian"): error-free, against
  N / (2 ln N), and with errors (recall from the pattern ends with overlap
  ≥ 0.97, i.e. at most 1.5% wrong units, for 99% of the patterns), against
  0.138 N (Amit, Gutfreund & Sompolinsky 1985);
- F(x) = xⁿ, n = 3, 4 (DenseHopfieldMemory): error-free, against
  N^(n−1) / (2 (2n − 3)!! ln N) (Krotov & Hopfield 2016);
- F(x) = eˣ: fraction of fixed points at P = 10 N and 100 N (Demircigil et
  al. 2017: up to about 2^(N/2)).

Then recovery: the fraction of patterns recalled exactly from copies with
10% and 20% of their bits flipped, at P = 0.1 N, N and 10 N.

Speed: synchronous recall of 1,000 probes (10% flipped bits), N = 200,
P = 400, F(x) = x³, against two plain NumPy implementations: the update
as written (Campagne 2025, Eq. 43), forming the (probes, P, N) array of
F(±ξᵢ^μ + Σ_{j≠i} ξⱼ^μσⱼ) in chunks of probes, and the same two-matrix-
product form that DenseHopfieldMemory uses, without its overflow scaling,
tie tolerance and chunking (the cost of those). All stop each probe on its
own. Interleaved repeats, median times.

Run:  python benchmarks/bench_dense.py            (N = 100 and 200, a few minutes)
      python benchmarks/bench_dense.py --quick    (N = 100 only, fewer repeats)
      python benchmarks/bench_dense.py --only speed
"""

import argparse
import math
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skhopfield import DenseHopfieldMemory, HopfieldMemory
from skhopfield.datasets import flip_noise
from skhopfield.energy.dense import krotov_hopfield_capacity
from skhopfield.hopfield import CapacityWarning

THRESHOLD = 0.99


def _patterns(p, n, seed):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(p, n))


def _model(rule, **kwargs):
    if rule == "hebbian":
        return HopfieldMemory("hebbian", update="sync", binarize=None, **kwargs)
    if rule == "exp":
        return DenseHopfieldMemory(
            "exponential", update="sync", binarize=None, **kwargs
        )
    return DenseHopfieldMemory(
        degree=int(rule[1:]), update="sync", binarize=None, **kwargs
    )


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", CapacityWarning)
        return fn()


def stored_fraction(rule, n, p, seed, n_tested, with_errors=False):
    """Fraction of (a random subset of) P stored patterns that are fixed
    points; ``with_errors``: recalled with overlap ≥ 0.97."""
    xi = _patterns(p, n, seed)
    tested = xi[np.random.RandomState(seed + 1).permutation(p)[:n_tested]]
    model = _quiet(lambda: _model(rule, max_iter=1 if not with_errors else 50).fit(xi))
    states = _quiet(lambda: model.predict(tested))
    if with_errors:
        return np.mean((states * tested).mean(1) >= 0.97)
    return np.mean((states == tested).all(1))


def capacity(rule, n, start, seed=0, n_tested=400, with_errors=False, steps=6):
    """Largest P with ≥ 99% stored: doubling from ``start``, then bisection
    (``steps`` halvings of the bracket, on a geometric scale)."""

    def ok(p):
        return stored_fraction(rule, n, p, seed, n_tested, with_errors) >= THRESHOLD

    lo = max(1, int(start))
    while not ok(lo):
        lo = max(1, lo // 2)
        if lo == 1:
            break
    hi = lo * 2
    while ok(hi):
        lo, hi = hi, hi * 2
    for _ in range(steps):
        if hi - lo <= 1:
            break
        mid = int(round(math.sqrt(lo * hi)))
        mid = min(max(mid, lo + 1), hi - 1)
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    return lo


def recovery(rule, n, p, noise, seed=0, n_probes=200):
    xi = _patterns(p, n, seed)
    idx = np.random.RandomState(seed + 2).permutation(p)[:n_probes]
    probes = flip_noise(xi[idx], noise, random_state=seed + 3)
    model = _quiet(lambda: _model(rule, max_iter=30).fit(xi))
    states = _quiet(lambda: model.predict(probes))
    return np.mean((states == xi[idx]).all(1))


def capacity_tables(sizes, n_tested):
    print(
        "Capacity: largest P with >= 99% of random patterns stored "
        f"(synchronous; {n_tested} patterns tested per P)"
    )
    print(
        f"{'N':>5} {'rule':<24}{'measured P':>12}{'theory':>12}{'ratio':>8}"
        f"{'  theory formula'}"
    )
    for n in sizes:
        rows = []
        t0 = time.perf_counter()
        th = n / (2 * math.log(n))
        rows.append(
            (
                "Hebb, error-free",
                capacity("hebbian", n, th, n_tested=n_tested),
                th,
                "N / (2 ln N)",
            )
        )
        th = 0.138 * n
        rows.append(
            (
                "Hebb, <= 1.5% errors",
                capacity("hebbian", n, th, n_tested=n_tested, with_errors=True),
                th,
                "0.138 N",
            )
        )
        for degree in (3, 4):
            th = krotov_hopfield_capacity(n, degree)
            rows.append(
                (
                    f"x^{degree}, error-free",
                    capacity(f"x{degree}", n, th, n_tested=n_tested),
                    th,
                    f"N^{degree - 1} / (2 ({2 * degree - 3})!! ln N)",
                )
            )
        for name, measured, theory, formula in rows:
            print(
                f"{n:>5} {name:<24}{measured:>12d}{theory:>12.1f}"
                f"{measured / theory:>8.2f}  {formula}"
            )
        for mult in (10, 100):
            p = mult * n
            frac = stored_fraction("exp", n, p, 0, n_tested)
            print(
                f"{n:>5} {'exp, P = ' + str(mult) + ' N':<24}"
                f"{'fixed: ' + format(frac, '.3f'):>12}{2 ** (n / 2):>12.1e}"
                f"{'':>8}  2^(N/2) (Demircigil et al.)"
            )
        print(f"      ({time.perf_counter() - t0:.0f} s)")
    print()
    print(
        "Recovery: fraction of patterns recalled exactly from flipped bits "
        "(synchronous, 200 probes)"
    )
    rules = ["hebbian", "x3", "x4", "exp"]
    print(f"{'N':>5} {'P':>6} {'noise':>6}" + "".join(f"{r:>9}" for r in rules))
    for n in sizes:
        for mult in (0.1, 1, 10):
            p = int(round(mult * n))
            for noise in (0.1, 0.2):
                cells = "".join(f"{recovery(r, n, p, noise):>9.2f}" for r in rules)
                print(f"{n:>5} {p:>6} {noise:>6.1f}{cells}")
    print()


# -- speed --------------------------------------------------------------------


def plain_numpy_sync(X, xi, degree, max_iter, chunk=50):
    """Reference: Eq. 43 as written, the (probes, P, N) array of
    Σ_{j≠i} ξⱼ^μσⱼ ± ξᵢ^μ in chunks of probes, per-probe stopping."""
    S = X.copy()
    active = np.arange(S.shape[0])
    for _ in range(max_iter):
        Sa = S[active]
        new = np.empty_like(Sa)
        for start in range(0, Sa.shape[0], chunk):
            s = Sa[start : start + chunk]
            m = s @ xi.T  # (b, P)
            r = m[:, :, None] - xi[None] * s[:, None, :]  # (b, P, N)
            d = ((xi[None] + r) ** degree - (r - xi[None]) ** degree).sum(1)
            new[start : start + chunk] = np.where(d > 0, 1.0, np.where(d < 0, -1.0, s))
        done = (new == Sa).all(1)
        S[active] = new
        active = active[~done]
        if active.size == 0:
            break
    return S


def plain_numpy_sync_products(X, xi, degree, max_iter):
    """Reference: the same two-matrix-product form of the update as
    DenseHopfieldMemory (F(r + ξ) − F(r − ξ) = ξ [F(r + 1) − F(r − 1)]),
    written plainly: no overflow scaling, no tie tolerance, no chunks."""
    S = X.copy()
    active = np.arange(S.shape[0])
    for _ in range(max_iter):
        Sa = S[active]
        m = Sa @ xi.T
        Fm, F0, Fp = (m - 2) ** degree, m**degree, (m + 2) ** degree
        d = 0.5 * (Fp - Fm) @ xi + Sa * (0.5 * (2 * F0 - Fm - Fp)).sum(1, keepdims=True)
        new = np.where(d > 0, 1.0, np.where(d < 0, -1.0, Sa))
        done = (new == Sa).all(1)
        S[active] = new
        active = active[~done]
        if active.size == 0:
            break
    return S


def speed(n, p, n_probes, degree, repeat, backend, device):
    xi = _patterns(p, n, 0)
    rng = np.random.RandomState(1)
    probes = flip_noise(xi[rng.randint(0, p, n_probes)], 0.1, random_state=2)
    model = DenseHopfieldMemory(
        degree=degree,
        update="sync",
        binarize=None,
        max_iter=100,
        backend=backend,
        device=device,
    ).fit(xi)
    ours = _quiet(lambda: model.predict(probes))  # warm-up
    ref = plain_numpy_sync(probes, xi, degree, 100)
    ref2 = plain_numpy_sync_products(probes, xi, degree, 100)
    assert np.array_equal(ours, ref), "the implementations disagree"
    assert np.array_equal(ours, ref2), "the implementations disagree"
    t_ours, t_ref, t_ref2 = [], [], []
    for _ in range(repeat):  # interleaved
        t0 = time.perf_counter()
        _quiet(lambda: model.predict(probes))
        t_ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        plain_numpy_sync(probes, xi, degree, 100)
        t_ref.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        plain_numpy_sync_products(probes, xi, degree, 100)
        t_ref2.append(time.perf_counter() - t0)
    a, b, c = np.median(t_ours), np.median(t_ref), np.median(t_ref2)
    print(
        f"Speed: synchronous recall of {n_probes} probes (10% flipped), "
        f"N = {n}, P = {p}, F(x) = x^{degree}; median of {repeat} interleaved "
        "repeats"
    )
    print(f"{'implementation':<44}{'time (s)':>10}")
    print(f"{'DenseHopfieldMemory (' + backend + ')':<44}{a:>10.3f}")
    print(f"{'plain NumPy, Eq. 43 as (probes, P, N) chunks':<44}{b:>10.3f}")
    print(f"{'plain NumPy, same two-product form':<44}{c:>10.3f}")
    print(
        f"ratio skhopfield / plain (P, N) form = {a / b:.3f}; "
        f"skhopfield / plain two-product form = {a / c:.3f} "
        "(all three give identical states)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="N = 100 only, 200 patterns tested, 3 repeats",
    )
    parser.add_argument("--only", choices=["capacity", "speed"], default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", default="numpy")
    parser.add_argument("--device", default=None)
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="BLAS threads (default: threadpoolctl's)",
    )
    args = parser.parse_args()
    sizes = (100,) if args.quick else (100, 200)
    n_tested = 200 if args.quick else 400
    repeat = 3 if args.quick else args.repeat
    with threadpool_limits(limits=args.threads):
        t0 = time.perf_counter()
        if args.only in (None, "capacity"):
            capacity_tables(sizes, n_tested)
        if args.only in (None, "speed"):
            speed(200, 400, 1000, 3, repeat, args.backend, args.device)
        print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
