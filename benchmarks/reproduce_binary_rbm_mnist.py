"""Reproduce the {0, 1} RBM feature experiment on MNIST of Campagne (2025).

J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's Boltzmann
machines" (2025), §4.2–4.3, trains an RBM of N = 784 visible and H = 140
hidden {0, 1} units on the MNIST training images with CD-1, batches of 64,
100 epochs, no biases and weights initialized from N(0, 0.1²) (its footnote
32), then fits a logistic regression on the features h = σ(vW) and reports
94.5 % top-1 accuracy on the 10,000 test images (about 90 % for the same
classifier on the pixels).

The text gives neither the learning rate nor the input coding. The
author's companion notebook (the repository named in the paper's footnote 2)
uses a step of 0.01 on the batch-averaged CD-1 gradient, with momentum 0.5
and a weight decay of 1e-4 per update, and feeds the gray levels in [0, 1]
as visible probabilities. Here the step is ``--learning-rate`` (default
0.01) on the batch-averaged gradient, without momentum or weight decay
(neither estimator has them), and the images are binarized at pixel > 0,
as everywhere else in this suite; the classifier is
``LogisticRegression(max_iter=500)``, as in that notebook.

One run trains, on the same binarized training images:

- ``BinaryRBM(n_components=140, cd_steps=1, batch_size=64,
  fit_intercept=False, init=<N(0, 0.1²) draw>, binarize=0)`` — the seed's
  recipe (CD-1, no biases);
- ``sklearn.neural_network.BernoulliRBM(n_components=140, batch_size=64,
  random_state=0)`` with the same learning rate — PCD-1 with biases and its
  own N(0, 0.01²) initialization, fed the same {0, 1} data;

then, for each: the wall-clock training time, the test accuracy of a
logistic regression on ``transform`` (σ(Wᵀv + c)), and the true test
log-likelihood (nats per image) with ln Z from annealed importance sampling
(Salakhutdinov & Murray (2008)) with the same settings for both models; the
BernoulliRBM is scored through :meth:`BinaryRBM.from_sklearn`. The standard
error of the mean test ln p combines the AIS error of ln Z and the sample
error of the per-image ln p*. A logistic regression on the binarized pixels
is the baseline of the accuracy, the independent-pixel model of the
training data that of the log-likelihood.

ln Z is estimated by two implementations of the same AIS path, with the
same numbers of chains and distributions: the estimator's
(``log_partition``: the weights and both biases annealed from the
independent-pixel model of the training data, ``ais_base_bias_``, with free
hidden units) and, as an independent check written here, the base-rate
path of Salakhutdinov & Murray (2008), §4.2. Each is a stochastic lower
bound on ln Z — low by about se²/2 when its chains mix, and by far more,
with a deceptively small se, when they miss the model's modes (as a start
from the model's own biases did: from the uniform distribution of a model
without biases it gave ln Z 61 nats too low) — so the summary table takes
the larger of the two, and the second table prints both.

The training set is the 22,699 MNIST training images of ``--data`` (the
paper used all 60,000), the test set the 10,000 test images.

Run:  python benchmarks/reproduce_binary_rbm_mnist.py [--data ../shared/data/mnist]
          [--epochs 100] [--learning-rate 0.01] [--ais-chains 500]
          [--ais-betas 3000] [--threads 1] [--n-jobs 1]
Smoke test:  python benchmarks/reproduce_binary_rbm_mnist.py --quick

References
----------
J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's Boltzmann
machines", 2025, §4.2–4.3.

G. E. Hinton, "Training products of experts by minimizing contrastive
divergence", Neural Computation 14(8), 1771–1800, 2002.

R. Salakhutdinov and I. Murray, "On the quantitative analysis of deep belief
networks", Proceedings of the 25th International Conference on Machine
Learning (ICML), 872–879, 2008.
"""

import time
import warnings

import numpy as np
from _ais_check import base_rate_ais
from _mnist import mnist_parser
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import BernoulliRBM
from threadpoolctl import threadpool_limits

from skhopfield import BinaryRBM
from skhopfield.datasets import load_mnist

#: Campagne (2025), §4.3: top-1 test accuracy of the logistic regression on
#: the RBM features (60,000 training images).
PAPER_ACCURACY = 0.945


def classify(F_train, y_train, F_test, y_test, max_iter):
    """Test accuracy and fit seconds of ``LogisticRegression`` on features."""
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = LogisticRegression(max_iter=max_iter).fit(F_train, y_train)
    return float(clf.score(F_test, y_test)), time.perf_counter() - t0


def test_log_likelihood(model, X_test):
    """(mean test ln p, its standard error, ln Z, se of ln Z, AIS seconds).

    ``model.score_samples`` uses ``model.log_partition()`` (AIS with the
    estimator's ``n_ais_chains``, ``n_ais_betas``, seed ``random_state``);
    the standard error of the mean adds the AIS variance of ln Z to the
    sample variance of the per-image ln p* (they are independent).
    """
    t0 = time.perf_counter()
    log_Z, se_Z = model.log_partition()
    seconds = time.perf_counter() - t0
    log_p = model.score_samples(X_test)
    se_mean = float(np.sqrt(se_Z**2 + log_p.var(ddof=1) / log_p.size))
    return float(log_p.mean()), se_mean, log_Z, se_Z, seconds


def main():
    parser = mnist_parser(__doc__, download=False)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--ais-chains", type=int, default=500)
    parser.add_argument("--ais-betas", type=int, default=3000)
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the N(0, 0.1²) init, the training and AIS",
    )
    parser.add_argument(
        "--max-iter", type=int, default=500, help="LogisticRegression max_iter"
    )
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
        help="smoke test: 2 epochs, 3000 training images, "
        "AIS 100 chains x 300 distributions",
    )
    args = parser.parse_args()
    n_train = None
    if args.quick:
        args.epochs, args.ais_chains, args.ais_betas, n_train = 2, 100, 300, 3000

    X_train, y_train, X_test, y_test = load_mnist(args.data)
    if n_train is not None:
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    V_train = (X_train > 0).astype(np.float64)  # pixel > 0 → 1
    V_test = (X_test > 0).astype(np.float64)
    n, d = V_train.shape
    H = 140
    print(
        f"MNIST: {n} training / {V_test.shape[0]} test images, binarized at "
        f"pixel > 0; RBM {d} -> {H}, batch 64, {args.epochs} epochs, "
        f"learning rate {args.learning_rate:g}"
    )
    print(
        f"AIS: {args.ais_chains} chains x {args.ais_betas} distributions "
        f"(linear schedule), seed {args.seed}; BLAS threads {args.threads}"
    )

    rows, checks = [], []
    # base rate of the training pixels (pseudo-counts 5 / 10): the
    # independent-pixel model, start of the base-rate AIS and a baseline
    pixel_p = (V_train.sum(0) + 5.0) / (n + 10.0)
    base_bias = np.log(pixel_p) - np.log1p(-pixel_p)
    indep_lp = float(
        (V_test @ np.log(pixel_p) + (1.0 - V_test) @ np.log1p(-pixel_p)).mean()
    )
    with threadpool_limits(args.threads):
        acc, lr_s = classify(V_train, y_train, V_test, y_test, args.max_iter)
        rows.append(("LogisticRegression on pixels", "", "", acc, None))
        print(f"  pixels: accuracy {acc:.4f} (fit {lr_s:.1f} s)", flush=True)

        init = np.random.default_rng(args.seed).normal(0.0, 0.1, size=(d, H))
        ours = BinaryRBM(
            n_components=H,
            cd_steps=1,
            batch_size=64,
            n_iter=args.epochs,
            fit_intercept=False,
            init=init,
            learning_rate=args.learning_rate,
            binarize=0,
            n_ais_chains=args.ais_chains,
            n_ais_betas=args.ais_betas,
            n_jobs=args.n_jobs,
            random_state=args.seed,
        )
        t0 = time.perf_counter()
        ours.fit(X_train)  # raw pixels: binarize=0 maps pixel > 0 to 1
        ours_s = time.perf_counter() - t0
        print(
            f"  BinaryRBM trained in {ours_s:.1f} s "
            f"({ours_s / args.epochs:.2f} s/epoch)",
            flush=True,
        )

        theirs = BernoulliRBM(
            n_components=H,
            batch_size=64,
            n_iter=args.epochs,
            learning_rate=args.learning_rate,
            random_state=0,
        )
        t0 = time.perf_counter()
        theirs.fit(V_train)
        theirs_s = time.perf_counter() - t0
        print(
            f"  BernoulliRBM trained in {theirs_s:.1f} s "
            f"({theirs_s / args.epochs:.2f} s/epoch)",
            flush=True,
        )
        # with the training data: AIS starts from its base rate, as for ours
        imported = BinaryRBM.from_sklearn(
            theirs,
            X_train,
            binarize=0,
            n_ais_chains=args.ais_chains,
            n_ais_betas=args.ais_betas,
            n_jobs=args.n_jobs,
            random_state=args.seed,
        )

        for name, model, X_tr, X_te, seconds in (
            ("BinaryRBM CD-1, no biases", ours, X_train, X_test, ours_s),
            ("sklearn BernoulliRBM (PCD-1)", imported, V_train, V_test, theirs_s),
        ):
            acc, _ = classify(
                model.transform(X_tr),
                y_train,
                model.transform(X_te),
                y_test,
                args.max_iter,
            )
            ll = test_log_likelihood(model, X_te)
            print(
                f"  {name}: accuracy {acc:.4f}; ln Z = {ll[2]:.2f} ± {ll[3]:.2f} "
                f"(AIS {ll[4]:.1f} s); mean test ln p = {ll[0]:.2f} ± {ll[1]:.2f}",
                flush=True,
            )
            rows.append((name, args.epochs, seconds, acc, ll))
            # the same ln Z by the independent base-rate path
            rbm = model.rbm_
            t0 = time.perf_counter()
            log_Z, se_Z = base_rate_ais(
                rbm.W,
                rbm.visible.bias,
                rbm.hidden.bias,
                base_bias,
                args.ais_chains,
                args.ais_betas,
                args.seed,
            )
            br_s = time.perf_counter() - t0
            log_p_star = rbm.log_unnormalized(V_test)
            se_mean = float(np.sqrt(se_Z**2 + log_p_star.var(ddof=1) / log_p_star.size))
            checks.append(
                (
                    name,
                    ll,
                    (float(log_p_star.mean()) - log_Z, se_mean, log_Z, se_Z, br_s),
                )
            )
            print(
                f"  {name}: base-rate AIS ln Z = {log_Z:.2f} ± {se_Z:.2f} "
                f"({br_s:.1f} s)",
                flush=True,
            )

    print()
    # per model, the AIS estimate with the larger ln Z (the better lower bound)
    best = {
        name: max((ll, "estimator"), (br, "base-rate"), key=lambda e: e[0][2])
        for name, ll, br in checks
    }
    header = (
        f"{'model':32} {'epochs':>6} {'train (s)':>9} {'test acc':>8} "
        f"{'ln Z (larger AIS)':>17} {'test ln p (nats)':>17} {'AIS path':>9}"
    )
    print(header)
    print("-" * len(header))
    print(f"{'Campagne (2025), 60k train':32} {100:>6} {'':>9} {PAPER_ACCURACY:>8.4f}")
    for name, epochs, seconds, acc, _ in rows:
        secs = f"{seconds:9.1f}" if seconds != "" else f"{'':>9}"
        lnz = lnp = path = ""
        if name in best:
            (ll, path) = best[name]
            lnz = f"{ll[2]:.2f} ± {ll[3]:.2f}"
            lnp = f"{ll[0]:.2f} ± {ll[1]:.2f}"
        print(
            f"{name:32} {epochs!s:>6} {secs} {acc:>8.4f} {lnz:>17} {lnp:>17} {path:>9}"
        )

    print()
    print(
        "ln Z by two implementations of the same AIS path, same chains x "
        "distributions: the estimator's and this script's (all parameters"
    )
    print(
        "annealed from the training data's independent-pixel model, "
        "Salakhutdinov & Murray), with independent random numbers."
    )
    print("Each is a stochastic lower bound on ln Z (low by")
    print(
        "about se²/2 when it mixes; by much more, with a small se, when its "
        "chains miss the model's modes): the larger one is the better estimate."
    )
    header = (
        f"{'model':32} {'AIS path':10} {'ln Z':>17} {'test ln p (nats)':>17} "
        f"{'AIS (s)':>8}"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{'independent pixels (baseline)':32} {'exact':10} {'':>17} {indep_lp:>17.2f}"
    )
    for name, ll, br in checks:
        for path, est in (("estimator", ll), ("base-rate", br)):
            print(
                f"{name:32} {path:10} {f'{est[2]:.2f} ± {est[3]:.2f}':>17} "
                f"{f'{est[0]:.2f} ± {est[1]:.2f}':>17} {est[4]:8.1f}"
            )


if __name__ == "__main__":
    main()
