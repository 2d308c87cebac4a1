"""Reproduce Fig. 1 of Pozas-Kerstjens et al. (2021): accessibility of untrained RBMs.

Untrained ±1 RBMs with V = 20 visible and H = 1000 hidden units and no
biases, their weights of three kinds, each scaled to a standard deviation σ:

- ``RA``: the weights of an RA-RBM (their Eq. 5), ``W = σ ξ_vᵀ ξ_h / √K``
  from K = 10 patterns of independent ±1 entries (Bernoulli(½)), the model
  a ``RAPIDRBM`` holds before training (its ``n_iter=0`` fit) up to the
  scale σ;
- ``gaussian``: independent N(0, σ²) entries;
- ``uniform``: independent entries uniform on [−√3 σ, √3 σ].

The Gibbs accessibility (Sec. V.A.1, :func:`skhopfield.metrics.gibbs_accessibility`)
is the lowest joint energy reached by ``--chains`` Gibbs chains of 10 steps
from uniformly random visible states, over the exact ground-state energy E0
(the 2^V visible states enumerated by
:meth:`skhopfield.energy.rbm.RBM.ground_state`). E0 is linear in the weights,
so it is computed once per random draw and scaled with σ. For each kind and
σ the table gives the mean ± standard deviation over ``--models`` draws,
and the measured standard deviation of the weights (the paper's x axis).
The Glorot point is the uniform initialization of Glorot & Bengio (2010),
entries uniform on ±√(6 / (V + H)) (the uniform draws at that σ). The
inset's table gives the accessibility at σ = 10 for several V (H = 1000;
the V = 20 column from the main curves' draws).

The paper (100 models per point) shows the RA curve above the gaussian and
uniform ones at every σ beyond the paramagnetic (small-σ) regime, its
plateau at large σ near 1, the standard RBMs' plateau lower, the Glorot
point near ⅓, and in the inset the standard RBMs' accessibility falling with
V while RA's stays constant.

The default run takes about 9 minutes on a 2-core machine, mostly the 60
enumerations of the 2^20 visible states.

Run:  python benchmarks/reproduce_rapid_fig1.py [--models 20] [--chains 10]
          [--inset-visible 4 8 12 16 20] [--out rapid_fig1.png]
Quick check:  python benchmarks/reproduce_rapid_fig1.py --models 3
          --inset-visible 8 12 --stds 0.1 1 10
"""

import argparse
import time
from contextlib import nullcontext

import numpy as np
from threadpoolctl import threadpool_limits

from skhopfield import SpinRBM
from skhopfield.energy.layers import Spin
from skhopfield.energy.rbm import RBM
from skhopfield.metrics import gibbs_accessibility

KINDS = ("RA", "gaussian", "uniform")


def unit_weights(kind, n_visible, n_hidden, n_patterns, rng):
    """Weights of the ``kind`` with entries of unit variance (σ = 1)."""
    if kind == "RA":
        xi_v = rng.choice([-1.0, 1.0], size=(n_patterns, n_visible))
        xi_h = rng.choice([-1.0, 1.0], size=(n_patterns, n_hidden))
        return xi_v.T @ xi_h / np.sqrt(n_patterns)
    if kind == "gaussian":
        return rng.standard_normal((n_visible, n_hidden))
    return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), size=(n_visible, n_hidden))


def untrained_rbm(W):
    """A fitted SpinRBM with the weights W and zero biases (no training)."""
    n_visible, n_hidden = W.shape
    rbm = SpinRBM(
        n_components=n_hidden,
        n_iter=0,
        init=W,
        fit_intercept=False,
        dtype="float64",
        random_state=0,
    )
    return rbm.fit(np.ones((1, n_visible)))


def accessibilities(
    kind, stds, n_visible, n_hidden, n_patterns, n_models, n_chains, seed
):
    """Arrays (n_models, len(stds)) of the accessibility and of the measured
    standard deviation of the weights: each model is one random draw of unit
    variance, scaled to every σ of ``stds`` (E0 scales with it)."""
    acc = np.empty((n_models, len(stds)))
    measured = np.empty((n_models, len(stds)))
    for m in range(n_models):
        rng = np.random.default_rng([seed, KINDS.index(kind), n_visible, m])
        W1 = unit_weights(kind, n_visible, n_hidden, n_patterns, rng)
        unit = RBM(Spin(np.zeros(n_visible)), Spin(np.zeros(n_hidden)), W1)
        E1, _, _ = unit.ground_state()
        for j, sigma in enumerate(stds):
            W = sigma * W1
            measured[m, j] = W.std()
            acc[m, j] = gibbs_accessibility(
                untrained_rbm(W),
                n_chains=n_chains,
                n_steps=10,
                ground_energy=sigma * E1,
                random_state=(seed * 1000 + m) * 1000 + j,
            )
    return acc, measured


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-visible", type=int, default=20)
    parser.add_argument("--n-hidden", type=int, default=1000)
    parser.add_argument("--n-patterns", type=int, default=10)
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument(
        "--chains",
        type=int,
        default=10,
        help="Gibbs chains per accessibility (10 steps each)",
    )
    parser.add_argument(
        "--stds",
        type=float,
        nargs="+",
        default=[0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100],
    )
    parser.add_argument(
        "--inset-visible", type=int, nargs="+", default=[4, 8, 12, 16, 20]
    )
    parser.add_argument("--inset-std", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=0,
        help="BLAS threads (0: the process's default)",
    )
    parser.add_argument("--out", default="", help="PNG path ('' = no plot)")
    args = parser.parse_args()
    V, H, K = args.n_visible, args.n_hidden, args.n_patterns
    t0 = time.perf_counter()
    glorot = np.sqrt(2.0 / (V + H))  # the std of uniform ±√(6 / (V + H))
    # the main curves' draws also give the Glorot point (uniform) and the
    # inset's V = n_visible column (at --inset-std, added to the σ grid)
    stds = sorted(set(args.stds) | {args.inset_std})
    extra = {"uniform": [glorot]}
    limit = threadpool_limits(args.blas_threads) if args.blas_threads else nullcontext()
    with limit:
        curves = {
            kind: accessibilities(
                kind,
                stds + extra.get(kind, []),
                V,
                H,
                K,
                args.models,
                args.chains,
                args.seed,
            )
            for kind in KINDS
        }
        inset = {kind: [] for kind in KINDS}
        for kind in KINDS:
            for v in args.inset_visible:
                if v == V:
                    acc = curves[kind][0][:, stds.index(args.inset_std)]
                else:
                    acc = accessibilities(
                        kind,
                        [args.inset_std],
                        v,
                        H,
                        K,
                        args.models,
                        args.chains,
                        args.seed,
                    )[0][:, 0]
                inset[kind].append(acc)
    glorot_acc = curves["uniform"][0][:, len(stds)]
    curves = {
        kind: (acc[:, : len(stds)], measured[:, : len(stds)])
        for kind, (acc, measured) in curves.items()
    }

    print(
        f"Gibbs accessibility of untrained RBMs, V = {V}, H = {H}, K = {K} "
        f"(RA); mean ± std over {args.models} models, {args.chains} chains "
        f"of 10 steps each\n"
    )
    header = f"{'sigma':>8} " + " ".join(
        f"{kind + ' (std ' + 'meas.)':>24}" for kind in KINDS
    )
    print(header)
    print("-" * len(header))
    for j, sigma in enumerate(stds):
        cells = []
        for kind in KINDS:
            acc, measured = curves[kind]
            cells.append(
                f"{acc[:, j].mean():6.3f} ± {acc[:, j].std():5.3f} "
                f"({measured[:, j].mean():8.3g})"
            )
        print(f"{sigma:8.3g} " + " ".join(f"{c:>24}" for c in cells))
    print(
        f"\nGlorot uniform init (std {glorot:.4f}): accessibility "
        f"{glorot_acc.mean():.3f} ± {glorot_acc.std():.3f}"
    )
    print(f"\nInset: accessibility at sigma = {args.inset_std:g} against V (H = {H})")
    print(f"{'V':>4} " + " ".join(f"{kind:>16}" for kind in KINDS))
    for i, v in enumerate(args.inset_visible):
        print(
            f"{v:4d} "
            + " ".join(
                f"{inset[kind][i].mean():7.3f} ± {inset[kind][i].std():5.3f}"
                for kind in KINDS
            )
        )
    print(f"\n({time.perf_counter() - t0:.0f} s)")

    if args.out:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        for kind, color in zip(KINDS, ("C0", "C1", "C2"), strict=True):
            acc, measured = curves[kind]
            x, mean, std = measured.mean(0), acc.mean(0), acc.std(0)
            ax.plot(x, mean, "o-", color=color, ms=3, label=kind)
            ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.2)
        ax.plot([glorot], [glorot_acc.mean()], "k*", ms=12, label="Glorot init")
        ax.set_xscale("log")
        ax.set_xlabel("standard deviation of the weights")
        ax.set_ylabel("Gibbs accessibility (min E / E0)")
        ax.set_title(f"untrained RBMs, V = {V}, H = {H}")
        ax.legend(loc="upper left")
        inner = ax.inset_axes([0.62, 0.12, 0.35, 0.33])
        for kind, color in zip(KINDS, ("C0", "C1", "C2"), strict=True):
            inner.plot(
                args.inset_visible,
                [a.mean() for a in inset[kind]],
                "o-",
                color=color,
                ms=3,
            )
        inner.set_xlabel("V", fontsize=8)
        inner.set_title(f"σ = {args.inset_std:g}", fontsize=8)
        inner.tick_params(labelsize=7)
        fig.tight_layout()
        fig.savefig(args.out, dpi=120)
        print(f"saved {args.out}")


if __name__ == "__main__":
    main()
