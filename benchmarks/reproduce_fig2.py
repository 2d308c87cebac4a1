"""Reproduce Fig. 2 of Smart & Zilman (2021): Hopfield RBM ln p vs β.

The Hopfield RBM (ProjectionHopfieldRBM, no training) is built from k
majority-vote Ward sub-patterns per digit class of the MNIST training images
(binarized as the seed: non-zero pixels → +1), p = 10k hidden units, QR
orthogonalization. For each k and β the mean ln p(s) per image is computed
on the training and the test images, with ln Z by AIS (``--ais-chains``
chains × ``--ais-betas`` distributions). The table also gives the time of
each fit (pattern construction and orthogonalization).

The seed reports, at β = 2 on the training images, about −253 for k = 1
and about −153 for k = 5, and a best β between 1 and 3.

Run:  python benchmarks/reproduce_fig2.py [--data DIR] [--out fig2.png]
"""

import time

from _mnist import mnist_parser

from skhopfield import ProjectionHopfieldRBM
from skhopfield.datasets import load_mnist


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 2, 5, 10])
    parser.add_argument(
        "--betas", type=float, nargs="+", default=[0.5, 1.0, 1.5, 2.0, 3.0, 5.0]
    )
    parser.add_argument("--ais-chains", type=int, default=100)
    parser.add_argument("--ais-betas", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="fig2.png", help="plot file ('' for none)")
    args = parser.parse_args()

    X_train, y_train, X_test, _ = load_mnist(
        args.data, download_if_missing=args.download
    )
    print(
        f"Hopfield RBM on MNIST: {len(X_train)} training / {len(X_test)} test "
        f"images; AIS {args.ais_chains} chains x {args.ais_betas} distributions"
    )
    header = (
        f"{'k':>3} {'p':>4} {'fit (s)':>8} {'beta':>5} {'train ln p':>11} "
        f"{'test ln p':>10} {'ln Z':>10} {'AIS s.e.':>9}"
    )
    print(header)
    print("-" * len(header))
    results = {}
    for k in args.ks:
        rbm = ProjectionHopfieldRBM(
            n_subpatterns=k,
            pattern_rule="majority",
            orthogonalization="qr",
            n_ais_chains=args.ais_chains,
            n_ais_betas=args.ais_betas,
            random_state=args.seed,
        )
        t0 = time.perf_counter()
        rbm.fit(X_train, y_train)
        fit_time = time.perf_counter() - t0
        for beta in args.betas:
            rbm.set_params(beta=beta)
            log_Z, err = rbm.log_partition()
            train_ll = rbm.score(X_train)
            test_ll = rbm.score(X_test)
            results[k, beta] = (train_ll, test_ll)
            print(
                f"{k:3d} {rbm.components_.shape[0]:4d} {fit_time:8.2f} {beta:5.1f} "
                f"{train_ll:11.2f} {test_ll:10.2f} {log_Z:10.2f} {err:9.3f}",
                flush=True,
            )

    print("\nbest beta per k (training images):")
    for k in args.ks:
        best = max(args.betas, key=lambda b: results[k, b][0])
        print(f"  k={k:3d}: beta={best:.1f}, train ln p = {results[k, best][0]:.2f}")

    if args.out:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4))
        for k in args.ks:
            ax.plot(
                args.betas,
                [results[k, b][0] for b in args.betas],
                "o-",
                label=f"k = {k} (train)",
            )
            ax.plot(
                args.betas,
                [results[k, b][1] for b in args.betas],
                "x--",
                color=ax.lines[-1].get_color(),
                alpha=0.6,
            )
        ax.set_xlabel("β")
        ax.set_ylabel("ln p(s) per image")
        ax.set_title("Hopfield RBM on MNIST (dashed: test images)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(args.out, dpi=120)
        print(f"\nplot saved to {args.out}")


if __name__ == "__main__":
    main()
