"""The true log-likelihood of a scikit-learn BernoulliRBM on MNIST, by AIS.

:class:`sklearn.neural_network.BernoulliRBM` scores samples by a stochastic
pseudo-likelihood; its partition function is never computed. Here a
``BernoulliRBM(n_components=256, learning_rate=0.05, batch_size=100,
n_iter=20, random_state=0)`` is trained on the MNIST training images of
``--data`` (22,699 images here) binarized at pixel > 0, imported exactly
with :meth:`skhopfield.BinaryRBM.from_sklearn`, and its ln Z is estimated by
annealed importance sampling (Neal (2001); Salakhutdinov & Murray (2008))
with ``--ais-chains`` chains and ``--ais-betas`` distributions (500 × 3000).

Printed: ln Z ± its AIS standard error; the mean test log-likelihood
ln p(v) = ln p*(v) − ln Z over the 10,000 test images and its standard error
(the AIS error of ln Z and the sample error of the per-image ln p* added in
quadrature: the two are independent); the mean test pseudo-log-likelihood
of BernoulliRBM's own ``score_samples``, for contrast; the seconds of
training and of each AIS run. The estimator's AIS starts from the
independent-pixel model of the training data (``from_sklearn(sk, X)`` sets
``ais_base_bias_``) with free hidden units and anneals the weights and both
biases. As cross-checks, ln Z is estimated again with another seed, from
the model's own visible bias instead of the data's (the estimator's start
when ``from_sklearn`` gets no data), and by the base-rate AIS of
Salakhutdinov & Murray (2008), §4.2, the same path written here
independently of the package. Agreement within a few standard errors says the
estimate has converged; AIS is a stochastic lower bound on ln Z (low by
about se²/2 when its chains mix, by far more, with a deceptively small se,
when they miss modes), so a run that gives a markedly larger value is the
better one.

Run:  python benchmarks/ais_bernoulli_rbm.py [--data ../shared/data/mnist]
          [--ais-chains 500] [--ais-betas 3000] [--threads 1] [--n-jobs 1]
Smoke test:  python benchmarks/ais_bernoulli_rbm.py --quick

References
----------
R. M. Neal, "Annealed importance sampling", Statistics and Computing 11(2),
125–139, 2001.

R. Salakhutdinov and I. Murray, "On the quantitative analysis of deep belief
networks", Proceedings of the 25th International Conference on Machine
Learning (ICML), 872–879, 2008.

T. Tieleman, "Training restricted Boltzmann machines using approximations to
the likelihood gradient", Proceedings of the 25th International Conference on
Machine Learning (ICML), 1064–1071, 2008 (BernoulliRBM's PCD training).
"""

import time

import numpy as np
from _ais_check import base_rate_ais
from _mnist import mnist_parser
from sklearn.neural_network import BernoulliRBM
from threadpoolctl import threadpool_limits

from skhopfield import BinaryRBM
from skhopfield.datasets import load_mnist


def main():
    parser = mnist_parser(__doc__, download=False)
    parser.add_argument("--ais-chains", type=int, default=500)
    parser.add_argument("--ais-betas", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0, help="seed of the main AIS run")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        help="joblib workers for the AIS chain groups",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 2000 training images, 2 epochs, "
        "AIS 100 chains x 300 distributions",
    )
    args = parser.parse_args()
    n_iter, n_train = 20, None
    if args.quick:
        n_iter, n_train, args.ais_chains, args.ais_betas = 2, 2000, 100, 300

    X_train, _, X_test, _ = load_mnist(args.data)
    if n_train is not None:
        X_train = X_train[:n_train]
    V_train = (X_train > 0).astype(np.float64)
    V_test = (X_test > 0).astype(np.float64)
    print(
        f"MNIST: {V_train.shape[0]} training / {V_test.shape[0]} test images, "
        "binarized at pixel > 0"
    )
    print(
        f"BernoulliRBM(n_components=256, learning_rate=0.05, batch_size=100, "
        f"n_iter={n_iter}, random_state=0); BLAS threads {args.threads}"
    )

    with threadpool_limits(args.threads):
        t0 = time.perf_counter()
        sk = BernoulliRBM(
            n_components=256,
            learning_rate=0.05,
            batch_size=100,
            n_iter=n_iter,
            random_state=0,
        ).fit(V_train)
        train_s = time.perf_counter() - t0
        pseudo = float(np.mean(sk.score_samples(V_test)))

        # the main estimate through the estimator, est.log_partition() (the
        # AIS of est.score / est.score_samples: linear schedule, seed
        # random_state), then two cross-checks on its RBM
        # with the training data: AIS starts from its base rate (ais_base_bias_)
        est = BinaryRBM.from_sklearn(
            sk,
            V_train,
            binarize=None,
            n_ais_chains=args.ais_chains,
            n_ais_betas=args.ais_betas,
            random_state=args.seed,
            n_jobs=args.n_jobs,
        )
        log_p_star = est.rbm_.log_unnormalized(V_test)
        runs = []
        for seed, schedule in (
            (args.seed, "data start"),
            (args.seed + 1, "data start"),
            (args.seed, "own-bias start"),
        ):
            t0 = time.perf_counter()
            if not runs:
                log_Z, se_Z = est.log_partition()
            else:
                base = est.ais_base_bias_ if schedule == "data start" else None
                log_Z, se_Z = est.rbm_.log_partition_ais(
                    n_chains=args.ais_chains,
                    n_betas=args.ais_betas,
                    random_state=seed,
                    schedule="linear",
                    n_jobs=args.n_jobs,
                    base_bias=base,
                )
            seconds = time.perf_counter() - t0
            mean_lp = float(log_p_star.mean()) - log_Z
            se_lp = float(np.sqrt(se_Z**2 + log_p_star.var(ddof=1) / log_p_star.size))
            runs.append((seed, schedule, log_Z, se_Z, mean_lp, se_lp, seconds))
            print(
                f"  AIS seed {seed}, {schedule}: ln Z = {log_Z:.3f} ± {se_Z:.3f} "
                f"({seconds:.1f} s)",
                flush=True,
            )
        # an independent path: base-rate AIS from the training pixels' model
        pixel_p = (V_train.sum(0) + 5.0) / (V_train.shape[0] + 10.0)
        base_bias = np.log(pixel_p) - np.log1p(-pixel_p)
        t0 = time.perf_counter()
        rbm = est.rbm_
        log_Z, se_Z = base_rate_ais(
            rbm.W,
            rbm.visible.bias,
            rbm.hidden.bias,
            base_bias,
            args.ais_chains,
            args.ais_betas,
            args.seed,
        )
        seconds = time.perf_counter() - t0
        se_lp = float(np.sqrt(se_Z**2 + log_p_star.var(ddof=1) / log_p_star.size))
        runs.append(
            (
                args.seed,
                "base-rate",
                log_Z,
                se_Z,
                float(log_p_star.mean()) - log_Z,
                se_lp,
                seconds,
            )
        )
        print(
            f"  base-rate AIS seed {args.seed}: ln Z = {log_Z:.3f} ± {se_Z:.3f} "
            f"({seconds:.1f} s)",
            flush=True,
        )
        indep_lp = float(
            (V_test @ np.log(pixel_p) + (1.0 - V_test) @ np.log1p(-pixel_p)).mean()
        )
    print()
    print(f"BernoulliRBM training: {train_s:.1f} s ({n_iter} epochs)")
    print(f"BernoulliRBM.score_samples, mean test pseudo-log-likelihood: {pseudo:.2f}")
    print(
        f"independent-pixel model of the training data, mean test ln p: {indep_lp:.2f}"
    )
    print()
    header = f"{'AIS run':24} {'ln Z':>20} {'mean test ln p':>20} {'AIS (s)':>8}"
    print(f"AIS: {args.ais_chains} chains x {args.ais_betas} distributions")
    print(header)
    print("-" * len(header))
    for seed, schedule, log_Z, se_Z, mean_lp, se_lp, seconds in runs:
        name = f"seed {seed}, {schedule}"
        print(
            f"{name:24} {f'{log_Z:.3f} ± {se_Z:.3f}':>20} "
            f"{f'{mean_lp:.3f} ± {se_lp:.3f}':>20} {seconds:8.1f}"
        )
    (_, _, z0, s0, *_), (_, _, z1, s1, *_), (_, _, z2, s2, *_), (_, _, z3, s3, *_) = (
        runs
    )
    print()
    print(
        f"seed {args.seed} vs seed {args.seed + 1} (data start): difference "
        f"{z0 - z1:+.3f} = {(z0 - z1) / np.hypot(s0, s1):+.2f} combined se"
    )
    print(
        f"data start vs own-bias start (seed {args.seed}): difference "
        f"{z0 - z2:+.3f} = {(z0 - z2) / np.hypot(s0, s2):+.2f} combined se"
    )
    print(
        f"estimator vs this script's base-rate AIS (seed {args.seed}): difference "
        f"{z0 - z3:+.3f} = {(z0 - z3) / np.hypot(s0, s3):+.2f} combined se"
    )


if __name__ == "__main__":
    main()
