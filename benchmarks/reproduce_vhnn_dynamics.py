"""Reproduce the noisy VHNN dynamics of "Continuous Hopfield Networks", §4.4.

The paper (M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
Hopfield Networks", 2024, §4.4) stores 30 patterns of 32×32 pixels,
3 per MNIST digit, in a variational Hopfield network (``VHNN``: one modern
Hopfield update ξ ← Pᵀ p̃ per step, with sampling noise
p̃ = p + η √(p(1 − p)) ε on the softmax weights p = softmax(β P ξ)), with
β = 0.063 (below the β = 0.0727 that its retrieval condition, Prop. 3.4,
gives for its patterns) and the "high" noise η = 0.3, and describes the
state falling into and escaping from the neighbourhoods S_i of the patterns.
The paper's patterns were drawn by hand (M = 31.3933, Δ_min = 37.5255).
Here they come from the MNIST training images, padded to 32×32 with the
background and put on the [−1, 1] scale: the 3 Ward sub-cluster means per
digit (``class_patterns(S, y, n_subpatterns=3)``, "mean"), and their signs
(``pattern_rule="majority"``), which, like the hand-drawn images, are
(almost) ±1 images.

Printed: M = max‖x_i‖, Δ_min = min_i Δ_i (Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j),
the number of patterns with Δ_i ≤ 0 (which no β can retrieve), the smallest
β of the retrieval condition and the radius 1/(βPM) of the S_i at the β
used, for the paper's set and ours. Then, for each pattern set, β
(``--betas``: the paper's 0.063, and 0.035, at which the high noise moves
the state between the majority patterns; at 0.063 their softmax weights
saturate, √(p(1 − p)) ≈ 0, and the noise has nothing to act on; 0.035 was
picked after trying 0.0257, where β Δ_min equals the paper's 2.36, and
0.045), noise level (``--noises``; 0 is the noise-free update) and start
(``--starts``, indices of patterns; the default 0, 21, 27 are the first
sub-pattern of the digits 0, 7 and 9, the starts of the author's
animation), ``--iterations`` single
noisy steps (``VHNN(..., iterations=1)(x, noisy=True)``) from a point on the
start pattern's sphere of radius r/2: at every step the state's softmax
weights softmax(β P ξ) over the 30 patterns; the pattern with the largest
weight is the one "visited". The table gives the number of distinct patterns
visited, of switches (steps where that pattern changes) and of switches
between digits, the mean largest weight (1: the state sits on one pattern; a
mixture gives less), the fraction of steps spent on the start pattern and
the last pattern visited. The figure shows the patterns, and the weights
over the iterations from ``--figure-start`` (default 21, digit 7) for each
β and pattern set (rows) and the first two noise levels (columns).

Run:  python benchmarks/reproduce_vhnn_dynamics.py [--data DIR] [--download]
          [--betas 0.063 0.035] [--noises 0.03 0.3] [--iterations 200]
          [--starts 0 21 27] [--figure-start 21] [--seed 0]
          [--out vhnn_dynamics.png]
"""

import itertools

import numpy as np
import torch
from _mnist import mnist_parser

from skhopfield.datasets import load_mnist
from skhopfield.energy.modern import ModernHopfield
from skhopfield.mapping import class_patterns
from skhopfield.nn import VHNN

# The paper's values for its hand-drawn 30-pattern set (§4.4).
THESIS = {"M": 31.3933, "delta_min": 37.5255, "beta": 0.0727}


def frames(X):
    """uint8 MNIST rows → 32×32 images on [−1, 1], background −1, flattened."""
    images = np.full((len(X), 32, 32), -1.0)
    images[:, 2:30, 2:30] = X.reshape(-1, 28, 28) / 127.5 - 1.0
    return images.reshape(len(X), -1)


def run(patterns, beta, noise, start, n_iter, seed):
    """Softmax weights of the state at every step of the noisy dynamics."""
    gen = torch.Generator().manual_seed(seed)
    model = VHNN(
        1,
        len(patterns),
        patterns.shape[1],
        iterations=1,
        beta=beta,
        noise=noise if noise > 0 else 1.0,
        dtype=torch.float64,
    )
    with torch.no_grad():
        model.patterns.copy_(torch.from_numpy(patterns)[None])
    P = torch.from_numpy(patterns)
    direction = torch.randn(patterns.shape[1], generator=gen, dtype=torch.float64)
    radius = ModernHopfield(patterns, beta).retrieval_radius()
    x = (P[start] + 0.5 * radius * direction / direction.norm()).view(1, 1, -1)
    weights = np.empty((n_iter + 1, len(patterns)))
    with torch.no_grad():
        for t in range(n_iter + 1):
            weights[t] = torch.softmax(beta * (P @ x.view(-1)), 0).numpy()
            if t < n_iter:
                x = model(x, noisy=noise > 0, generator=gen)
    return weights


def summarize(weights, labels, start):
    visited = weights.argmax(1)
    steps = visited[1:] != visited[:-1]
    return {
        "distinct": len(np.unique(visited)),
        "switches": int(steps.sum()),
        "digit_switches": int((labels[visited[1:]] != labels[visited[:-1]]).sum()),
        "mean_max": float(weights.max(1).mean()),
        "at_start": float((visited == start).mean()),
        "last": int(visited[-1]),
    }


def name(index, labels, counts):
    return f"{labels[index]}.{counts[index]}"


def plot(path, results, sets, betas, noises, start, n_iter):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = noises[:2]
    configs = [(beta, rule) for beta in betas for rule in sets]
    fig = plt.figure(figsize=(11, 2.0 + 2.3 * len(configs)), layout="constrained")
    grid = fig.add_gridspec(
        len(configs) + 1, len(shown), height_ratios=[0.9] + [2.3] * len(configs)
    )
    strip = fig.add_subplot(grid[0, :])
    rows = [
        np.hstack([p.reshape(32, 32) for p in patterns])
        for patterns, _ in sets.values()
    ]
    strip.imshow(np.vstack(rows), cmap="gray", vmin=-1, vmax=1)
    strip.set_yticks([16 + 32 * k for k in range(len(sets))], list(sets))
    strip.set_xticks(
        [16 + 32 * k for k in range(30)], [f"{k // 3}" for k in range(30)], fontsize=6
    )
    strip.set_title("the 30 stored patterns (3 per digit) of each set", fontsize=9)
    axes = []
    for r, (beta, rule) in enumerate(configs):
        patterns, labels = sets[rule]
        for c, noise in enumerate(shown):
            ax = fig.add_subplot(grid[r + 1, c])
            axes.append(ax)
            weights = results[rule, beta, noise, start]
            image = ax.imshow(
                weights.T,
                aspect="auto",
                origin="lower",
                cmap="viridis",
                vmin=0,
                vmax=1,
                extent=(-0.5, n_iter + 0.5, -0.5, len(patterns) - 0.5),
                interpolation="nearest",
            )
            ax.plot(np.arange(n_iter + 1), weights.argmax(1), "r.", ms=1.5)
            ax.set_yticks(
                np.arange(1, len(patterns), 3),
                [f"{labels[k]}" for k in range(1, len(patterns), 3)],
                fontsize=7,
            )
            for k in range(3, len(patterns), 3):
                ax.axhline(k - 0.5, color="w", lw=0.3, alpha=0.5)
            ax.set_title(
                f"{rule} patterns, β = {beta:g}, noise η = {noise:g}", fontsize=9
            )
            ax.set_ylabel("stored pattern (digit)", fontsize=8)
            if r == len(configs) - 1:
                ax.set_xlabel("iteration", fontsize=8)
    fig.colorbar(
        image,
        ax=axes,
        shrink=0.5,
        label="softmax weight of the state (red dots: largest)",
    )
    fig.suptitle(
        f"VHNN noisy dynamics from a start near pattern {start} "
        f"(digit {sets[next(iter(sets))][1][start]})",
        fontsize=10,
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--betas", type=float, nargs="+", default=[0.063, 0.035])
    parser.add_argument("--noises", type=float, nargs="+", default=[0.03, 0.3])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--starts", type=int, nargs="+", default=[0, 21, 27])
    parser.add_argument(
        "--figure-start",
        type=int,
        default=21,
        help="the start shown in the figure (one of --starts)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", default="vhnn_dynamics.png", help="plot file ('' for none)"
    )
    args = parser.parse_args()

    X, y, _, _ = load_mnist(args.data, download_if_missing=args.download)
    S = frames(X)
    sets = {
        rule: class_patterns(S, y, n_subpatterns=3, pattern_rule=rule)
        for rule in ("mean", "majority")
    }
    print(
        f"VHNN dynamics: 30 patterns (3 Ward sub-clusters per digit of "
        f"{len(X)} MNIST training images, 32x32 on [-1, 1]), "
        f"beta = {', '.join(map(str, args.betas))}"
    )

    beta = args.betas[0]
    header = (
        f"{'pattern set':<28} {'M':>8} {'Delta_min':>10} {'#Delta<=0':>9} "
        f"{'beta (Prop. 3.4)':>16} {f'r at {beta:g}':>10} "
        f"{f'{beta:g} Delta_min':>14}"
    )
    print()
    print(header)
    print("-" * len(header))
    r_thesis = 1.0 / (beta * 30 * THESIS["M"])
    print(
        f"{'paper (hand-drawn)':<28} {THESIS['M']:>8.4f} {THESIS['delta_min']:>10.4f} "
        f"{0:>9} {THESIS['beta']:>16.4f} {r_thesis:>10.2e} "
        f"{beta * THESIS['delta_min']:>14.3f}"
    )
    for rule, (patterns, _) in sets.items():
        pattern_set = ModernHopfield(patterns, beta)
        delta = pattern_set.separation()
        beta_min = pattern_set.retrieval_beta()
        beta_text = "none" if not np.isfinite(beta_min) else f"{beta_min:.4f}"
        print(
            f"{'ours: Ward ' + rule:<28} {pattern_set.max_norm():>8.4f} "
            f"{delta.min():>10.4f} {int((delta <= 0).sum()):>9} {beta_text:>16} "
            f"{pattern_set.retrieval_radius():>10.2e} {beta * delta.min():>14.3f}"
        )
    for rule, (patterns, _) in sets.items():
        delta = ModernHopfield(patterns).separation().reshape(10, 3)
        print(
            f"\nDelta_i of the Ward {rule} patterns (rows: digits 0-9; "
            "columns: sub-patterns 1-3)"
        )
        for digit in range(10):
            print(f"  {digit}: " + " ".join(f"{d:9.3f}" for d in delta[digit]))

    results = {}
    header = (
        f"{'pattern set':<9} {'beta':>6} {'noise':>6} {'start':>5} {'distinct':>8} "
        f"{'switches':>8} {'digit sw.':>9} {'mean max w':>10} "
        f"{'at start':>8} {'last':>5}"
    )
    print(
        f"\n{args.iterations} single steps, state's largest softmax weight "
        "= the pattern visited (pattern d.k = digit d, sub-pattern k)"
    )
    print(header)
    print("-" * len(header))
    for rule, (patterns, labels) in sets.items():
        counts = np.concatenate(
            [np.arange(np.sum(labels == d)) + 1 for d in np.unique(labels)]
        )
        for beta, noise in itertools.product(args.betas, args.noises):
            for k, start in enumerate(args.starts):
                weights = run(
                    patterns, beta, noise, start, args.iterations, args.seed + k
                )
                results[rule, beta, noise, start] = weights
                s = summarize(weights, labels, start)
                print(
                    f"{rule:<9} {beta:>6g} {noise:>6g} "
                    f"{name(start, labels, counts):>5} "
                    f"{s['distinct']:>8} {s['switches']:>8} {s['digit_switches']:>9} "
                    f"{s['mean_max']:>10.3f} {s['at_start']:>8.2f} "
                    f"{name(s['last'], labels, counts):>5}"
                )
    if args.out:
        plot(
            args.out,
            results,
            sets,
            args.betas,
            args.noises,
            args.figure_start,
            args.iterations,
        )
        print(f"\nplot saved to {args.out}")


if __name__ == "__main__":
    main()
