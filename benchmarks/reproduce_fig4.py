"""Reproduce Fig. 4 of Smart & Zilman (2021): Hopfield vs random init.

CD-20 training of binary-gaussian RBMs on the MNIST training images (β = 2,
batches of 100, η = 10⁻⁴, biases held at 0) from two starts:

- the Hopfield initialization: the orthogonalized majority-vote Ward
  sub-patterns (ProjectionHopfieldRBM with k = p / 10);
- a random initialization, W ~ N(0, 0.1²) (the seed's N(0, 0.01)); for
  p = 50 its first 25 epochs use 5η, as in the seed.

for p = 10 and p = 50. The four models are trained epoch by epoch in turn,
and after every epoch the mean ln p(s) of the training images is estimated
with AIS (``--ais-chains`` chains × 1000 distributions); training stops when
``--minutes`` have passed (or after ``--epochs``).

Run:  python benchmarks/reproduce_fig4.py [--minutes 15] [--out fig4.png]
"""

import time

import numpy as np
from _mnist import mnist_parser

from skhopfield import GaussianRBM, ProjectionHopfieldRBM
from skhopfield.datasets import load_mnist

ETA = 1e-4


def build(kind, p, X, y, args):
    common = dict(
        beta=2.0,
        batch_size=100,
        cd_steps=20,
        fit_intercept=False,
        n_ais_chains=args.ais_chains,
        n_ais_betas=1000,
        random_state=args.seed,
        n_iter=0,
    )
    if kind == "hopfield":
        return ProjectionHopfieldRBM(
            n_subpatterns=p // 10, learning_rate=ETA, **common
        ).fit(X, y)
    init = np.random.RandomState(args.seed).normal(scale=0.1, size=(X.shape[1], p))
    lr = 5 * ETA if p == 50 else ETA
    return GaussianRBM(n_components=p, init=init, learning_rate=lr, **common).fit(X)


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--ais-chains", type=int, default=100)
    parser.add_argument(
        "--eval-samples",
        type=int,
        default=5000,
        help="training images scored each epoch (all: 0)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="fig4.png", help="plot file ('' for none)")
    args = parser.parse_args()

    X, y, _, _ = load_mnist(args.data, download_if_missing=args.download)
    X = X.astype(np.float32)
    rng = np.random.RandomState(args.seed)
    X_eval = (
        X if args.eval_samples == 0 else X[rng.permutation(len(X))[: args.eval_samples]]
    )

    models = {
        (kind, p): build(kind, p, X, y, args)
        for p in args.sizes
        for kind in ("hopfield", "random")
    }
    curves = {key: [] for key in models}

    def evaluate(key):
        curves[key].append(models[key].score(X_eval))

    print(
        f"CD-20, beta=2, batch 100, eta={ETA}; ln p(s) per training image "
        f"(AIS, {args.ais_chains} chains x 1000), on {len(X_eval)} images"
    )
    for key in models:
        evaluate(key)
    deadline = time.perf_counter() + 60 * args.minutes
    epoch = 0
    while epoch < args.epochs and time.perf_counter() < deadline:
        epoch += 1
        for (kind, p), model in models.items():
            if kind == "random" and p == 50 and epoch == 26:
                model.set_params(learning_rate=ETA)
            model.partial_fit(X, y) if kind == "hopfield" else model.partial_fit(X)
            evaluate((kind, p))
        print(f"  epoch {epoch} done", flush=True)

    keys = list(models)
    header = f"{'epoch':>5} " + " ".join(f"{k}-p{p:<3}".rjust(14) for k, p in keys)
    print("\n" + header)
    print("-" * len(header))
    for e in range(epoch + 1):
        print(f"{e:5d} " + " ".join(f"{curves[key][e]:14.2f}" for key in keys))
    for p in args.sizes:
        ahead = all(
            curves["hopfield", p][0] > curves["random", p][e] for e in range(epoch + 1)
        )
        print(
            f"p={p}: untrained Hopfield init ({curves['hopfield', p][0]:.2f}) above "
            f"every measured epoch of the random init: {ahead}"
        )

    if args.out:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(args.sizes), figsize=(5 * len(args.sizes), 4))
        for ax, p in zip(np.atleast_1d(axes), args.sizes, strict=True):
            for kind in ("hopfield", "random"):
                ax.plot(range(epoch + 1), curves[kind, p], "o-", label=f"{kind} init")
            ax.set_title(f"p = {p}")
            ax.set_xlabel("epoch")
            ax.set_ylabel("ln p(s) per training image")
            ax.legend()
        fig.tight_layout()
        fig.savefig(args.out, dpi=120)
        print(f"plot saved to {args.out}")


if __name__ == "__main__":
    main()
