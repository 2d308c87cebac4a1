"""ModernHopfieldMemory on MNIST: β="auto", retrieval, and speed.

Part 1 (retrieval theory on MNIST class patterns). The patterns are the
10 class means of the training images (pixels / 255), or 30 patterns: the
means of 3 k-means clusters per class; "raw" as they are, "same norm" each
rescaled to the patterns' mean norm (the raw means have a pattern whose
overlap with another exceeds its own squared norm, Δ_i < 0, so that no β
guarantees its retrieval). For each set: the β that ``beta="auto"`` finds
(the smallest β of Prop. 3.4 of Catacchini, Magrini Alunno & Ferracci
2024, after Ramsauer et al. 2021), the minimal separation Δ_min,
M = max‖x_i‖ and the radius r = 1/(βPM) of the spheres S_i. Then, for
queries drawn on the spheres' surfaces (‖ξ − x_i‖ = 0.99 r, 20 random
directions per pattern), the fraction that one update maps back into S_i
(what the proposition guarantees), the fraction whose point after 50
updates lies in S_i, and the fraction whose point after 50 updates is the
pattern itself (within 1e-6 r; at β_auto the fixed point in S_i is a
mixture close to x_i, not x_i). Last, for test images with 25% of their
pixels unknown (NaN): the fraction whose largest softmax weight falls on a
pattern of their own class ("argmax", the same at every β), and the
fraction retrieved to a pattern of their own class (its weight at least
0.99: one pattern, not a mixture), at β_auto and at 10 β_auto.

Part 2 (speed, one run, interleaved repeats, median and min). One-step
retrieval of 256 queries, N = 784, P = 1000 (MNIST training images),
float32: ``ModernHopfieldMemory.predict`` with the numpy engine against a plain
NumPy ``softmax(β Q Xᵀ) X``, and with the torch engine against plain torch
``torch.softmax(β Q Xᵀ, 1) @ X``. Ratios ≤ 1.1 (numpy) and ≤ 1.05 (torch)
are the targets.

Run:  python benchmarks/bench_modern.py [--data DIR] [--download]
      [--repeat 21] [--device cpu]
"""

import os
import time

import numpy as np
from _mnist import mnist_parser
from sklearn.cluster import KMeans

from skhopfield import ModernHopfieldMemory
from skhopfield.datasets import load_mnist
from skhopfield.energy.modern import ModernHopfield


def class_patterns(X, y, per_class, seed=0):
    patterns, labels = [], []
    for k in range(10):
        Xk = X[y == k]
        if per_class == 1:
            patterns.append(Xk.mean(0, keepdims=True))
        else:
            km = KMeans(n_clusters=per_class, n_init=1, random_state=seed).fit(Xk)
            patterns.append(km.cluster_centers_)
        labels += [k] * per_class
    return np.vstack(patterns), np.array(labels)


def sphere_queries(patterns, radius, n_dirs, rng):
    d = rng.normal(size=(patterns.shape[0], n_dirs, patterns.shape[1]))
    d *= 0.99 * radius / np.linalg.norm(d, axis=2, keepdims=True)
    return (patterns[:, None, :] + d).reshape(-1, patterns.shape[1])


def retrieval_row(patterns, labels, scaling, masked, y_masked, rng):
    """One line of the table (see the module docstring)."""
    P = patterns.shape[0]
    head = f"{P:>3} {scaling:>10}"
    pattern_set = ModernHopfield(patterns)
    try:
        memory = ModernHopfieldMemory(beta="auto").fit(patterns)
    except ValueError:
        return (
            f"{head} {'none':>10} {pattern_set.separation().min():>10.4f} "
            f"{pattern_set.max_norm():>7.3f}   (Delta_min <= 0: no beta guarantees "
            "retrieval)"
        )
    beta = memory.beta_
    r = pattern_set.with_beta(beta).retrieval_radius()
    owner = np.repeat(np.arange(P), 20)
    Q = sphere_queries(patterns, r, 20, rng)
    one = memory.predict(Q)
    in_sphere = np.linalg.norm(one - patterns[owner], axis=1) <= r
    deep = ModernHopfieldMemory(beta=beta, max_iter=50, tol=0.0).fit(patterns)
    dist = np.linalg.norm(deep.predict(Q) - patterns[owner], axis=1)
    stays, exact = (dist <= r).mean(), (dist <= 1e-6 * r).mean()
    cols = []
    for b in (beta, 10 * beta):
        W = ModernHopfieldMemory(beta=b).fit(patterns).transform(masked)
        right = labels[W.argmax(1)] == y_masked  # the same at every β
        cols.append((right.mean(), (right & (W.max(1) >= 0.99)).mean()))
    return (
        f"{head} {beta:>10.4f} {pattern_set.separation().min():>10.4f} "
        f"{pattern_set.max_norm():>7.3f} {r:>9.2e} {in_sphere.mean():>13.3f} "
        f"{stays:>12.3f} {exact:>14.3f} {cols[0][0]:>13.3f} "
        f"{cols[0][1]:>12.3f} {cols[1][1]:>13.3f}"
    )


def retrieval_table(X_train, y_train, X_test, y_test, rng):
    print("Part 1: beta='auto' on MNIST class patterns (pixels / 255)")
    header = (
        f"{'P':>3} {'patterns':>10} {'beta_auto':>10} {'Delta_min':>10} "
        f"{'M':>7} {'r':>9} "
        f"{'in S_i 1 step':>13} {'50 steps S_i':>12} {'exact 50 steps':>14} "
        f"{'masked: argmax':>13} {'retrieved @b':>12} {'retrieved @10b':>13}"
    )
    print(header)
    print("-" * len(header))
    n_test = 2000
    Xt, yt = X_test[:n_test], y_test[:n_test]
    unknown = rng.uniform(size=Xt.shape) < 0.25
    masked = np.where(unknown, np.nan, Xt)
    for per_class in (1, 3):
        for scaling in ("raw", "same norm"):
            patterns, labels = class_patterns(X_train, y_train, per_class)
            if scaling == "same norm":
                norms = np.linalg.norm(patterns, axis=1, keepdims=True)
                patterns = patterns * norms.mean() / norms
            print(retrieval_row(patterns, labels, scaling, masked, yt, rng))
    print()


def plain_numpy(Q, X, beta):
    S = beta * (Q @ X.T)
    S -= S.max(axis=1, keepdims=True)
    np.exp(S, out=S)
    S /= S.sum(axis=1, keepdims=True)
    return S @ X


def speed_table(X_train, repeat, device):
    print("Part 2: one-step retrieval, 256 queries, N = 784, P = 1000, float32")
    X = X_train[:1000].astype(np.float32)
    Q = X_train[1000:1256].astype(np.float32)
    beta = 0.05
    numpy_memory = ModernHopfieldMemory(beta=beta).fit(X)
    runs = {
        "numpy engine": lambda: numpy_memory.predict(Q),
        "plain numpy": lambda: plain_numpy(Q, X, beta),
    }
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch_memory = ModernHopfieldMemory(beta=beta, backend="torch", device=device)
        torch_memory.fit(X)
        dev = torch.device(device or "cpu")
        tX, tQ = torch.from_numpy(X).to(dev), torch.from_numpy(Q).to(dev)

        def plain_torch():
            out = torch.softmax(beta * (tQ @ tX.T), dim=1) @ tX
            return out.cpu().numpy()

        def engine_torch():
            return torch_memory.predict(Q)

        if dev.type == "cuda":

            def sync(fn):
                def run():
                    out = fn()
                    torch.cuda.synchronize()
                    return out

                return run

            plain_torch, engine_torch = sync(plain_torch), sync(engine_torch)
        runs["torch engine"] = engine_torch
        runs["plain torch"] = plain_torch
    outs = {name: fn() for name, fn in runs.items()}  # warm up, and compare
    ref = outs["plain numpy"]
    times = {name: [] for name in runs}
    # each engine interleaved with its plain reference (numpy's and torch's
    # thread pools would slow each other down if all four were interleaved)
    names = list(runs)
    for pair in (names[:2], names[2:]):
        for _ in range(repeat):
            for name in pair:
                t0 = time.perf_counter()
                runs[name]()
                times[name].append(time.perf_counter() - t0)
    med = {name: float(np.median(t)) for name, t in times.items()}
    best = {name: float(np.min(t)) for name, t in times.items()}
    print(
        f"{'method':<14} {'median ms':>10} {'min ms':>8} "
        f"{'max |diff| vs plain numpy':>26}"
    )
    for name in runs:
        diff = float(np.abs(outs[name] - ref).max())
        print(
            f"{name:<14} {1e3 * med[name]:>10.3f} {1e3 * best[name]:>8.3f} "
            f"{diff:>26.2e}"
        )
    for engine, plain, target in [
        ("numpy engine", "plain numpy", 1.1),
        ("torch engine", "plain torch", 1.05),
    ]:
        if engine in runs:
            print(
                f"ratio {engine} / {plain}: median {med[engine] / med[plain]:.3f}, "
                f"min {best[engine] / best[plain]:.3f} (target <= {target})"
            )
    if torch is not None:
        print(
            f"[torch {torch.__version__}, device {dev}, "
            f"{torch.get_num_threads()} threads; load average "
            f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores]"
        )


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--device", default=None)
    args = parser.parse_args()
    X_train, y_train, X_test, y_test = load_mnist(
        args.data, download_if_missing=args.download
    )
    X_train = X_train.reshape(len(X_train), -1).astype(np.float64) / 255.0
    X_test = X_test.reshape(len(X_test), -1).astype(np.float64) / 255.0
    rng = np.random.RandomState(0)
    retrieval_table(X_train, y_train, X_test, y_test, rng)
    speed_table(X_train, args.repeat, args.device)


if __name__ == "__main__":
    main()
