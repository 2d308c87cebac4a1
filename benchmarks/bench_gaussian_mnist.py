"""GaussianRBM learns MNIST: AIS log-likelihood of held-out test images.

The setting of Smart & Zilman (2021) Fig. 4 with a random start:
p = 50 hidden units, W ~ N(0, 0.01), biases held at 0, β = 2, batch 100,
CD-20, η = 5·10⁻⁴ (the seed's 5·η₀ for a random start at p = 50). The
model is trained epoch by epoch with ``partial_fit`` on the MNIST training
images; at the listed epochs the mean ln p(s) of the (held-out) test images
is estimated with AIS (``--ais-chains`` chains × 1000 distributions), with
its standard error.

Run:  python benchmarks/bench_gaussian_mnist.py [--epochs 50] [--data DIR]
"""

import time

import numpy as np
from _mnist import mnist_parser

from skhopfield import GaussianRBM
from skhopfield.datasets import load_mnist


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--eval-at", type=int, nargs="+", default=[0, 1, 5, 10, 25, 50])
    parser.add_argument("--n-components", type=int, default=50)
    parser.add_argument("--beta", type=float, default=2.0)
    parser.add_argument("--cd-steps", type=int, default=20)
    parser.add_argument("--learning-rate", type=float, default=5e-4)
    parser.add_argument("--ais-chains", type=int, default=100)
    parser.add_argument("--backend", default="numpy")
    parser.add_argument("--device", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    X_train, _, X_test, _ = load_mnist(args.data, download_if_missing=args.download)
    X_train = X_train.astype(np.float32)
    X_test = X_test.astype(np.float32)
    rng = np.random.RandomState(args.seed)
    init = rng.normal(scale=0.1, size=(X_train.shape[1], args.n_components))
    rbm = GaussianRBM(
        n_components=args.n_components,
        beta=args.beta,
        learning_rate=args.learning_rate,
        batch_size=100,
        cd_steps=args.cd_steps,
        fit_intercept=False,
        init=init,
        n_ais_chains=args.ais_chains,
        n_ais_betas=1000,
        backend=args.backend,
        device=args.device,
        random_state=args.seed,
        n_iter=0,
    )
    rbm.fit(X_train)  # n_iter=0: the initial model, nothing trained

    print(
        f"GaussianRBM on MNIST ({len(X_train)} train / {len(X_test)} test "
        f"images): p={args.n_components}, beta={args.beta}, "
        f"CD-{args.cd_steps}, lr={args.learning_rate}, random init"
    )
    header = (
        f"{'epoch':>5} {'train (s)':>10} {'test ln p(s)':>13} {'ln Z':>11} "
        f"{'AIS s.e.':>9} {'AIS (s)':>8}"
    )
    print(header)
    print("-" * len(header))
    train_time = 0.0
    for epoch in range(args.epochs + 1):
        if epoch > 0:
            t0 = time.perf_counter()
            rbm.partial_fit(X_train)
            train_time += time.perf_counter() - t0
        if epoch in args.eval_at or epoch == args.epochs:
            t0 = time.perf_counter()
            log_Z, err = rbm.log_partition()
            ll = rbm.score(X_test)
            t_ais = time.perf_counter() - t0
            print(
                f"{epoch:5d} {train_time:10.1f} {ll:13.2f} {log_Z:11.2f} "
                f"{err:9.3f} {t_ais:8.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
