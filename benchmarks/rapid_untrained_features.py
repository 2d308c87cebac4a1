"""Why an untrained RA-RBM's hidden samples classify MNIST well
(Pozas-Kerstjens et al. 2021, Sec. V.B).

Sec. V.B classifies MNIST by a logistic regression on one hidden sample
h ~ p(h | v) per image. The untrained RA-RBM (random ±1 patterns, the
``n_iter=0`` fit of ``RAPIDRBM``) already scores about as well as the
trained one (``reproduce_rapid_mnist.py``). Its weights are
``W = ξ_vᵀ ξ_h / √K``, so the field of hidden unit α is

    (Wᵀv)_α = Σ_k ξ_h[k, α] (ξ_v[k] · v) / √K,

a combination of only K random ±1 projections ``ξ_v[k] · v`` of the image:
the hidden sample is a random ±1 expansion (a sign, blurred by the
sampling) of K random projections, i.e. a random-features model, and random
projections keep most of what a linear classifier needs from MNIST.

Measured here, each a logistic regression with C chosen on a held-out
fifth of the training images (``reproduce_rapid_mnist.fit_logistic``), then
refitted on all of them and scored on the 10,000 test images:

- the ±1 pixels;
- the K projections ``ξ_v v`` themselves, for several K (linear features);
- one hidden sample of the untrained RA-RBM, for several K at H = 3000 and
  several H at K = 190;
- one hidden sample of an untrained RBM with independent N(0, 1) weights
  (the RA weights' standard deviation), H = 3000: random features of full
  rank instead of rank K;
- the signs of the same H = 3000 random N(0, 1) projections,
  ``sign(W_randᵀ v)``: random ±1 features of the hidden layer's width,
  without the sampling.

Run:  python benchmarks/rapid_untrained_features.py [--data ../shared/data/mnist]
          [--patterns 10 30 100 190 500] [--components 300 1000 3000]
          [--seeds 0] [--max-iter 300] [--C-grid 0.01 0.03 0.1 1]
Quick check:  python benchmarks/rapid_untrained_features.py --n-train 3000
          --n-test 1000 --patterns 10 190 --components 300 --max-iter 100
"""

import time

import numpy as np
from _mnist import mnist_parser
from reproduce_rapid_mnist import C_GRID, fit_logistic, hidden_sample, load_spin_mnist

from skhopfield import RAPIDRBM


def score(features, y_train, y_test, args, seed):
    """Test accuracy (%) of a logistic regression on ``features = (F_train,
    F_test)``."""
    F_train, F_test = features
    clf, _, _ = fit_logistic(F_train, y_train, args.max_iter, "cv", seed, args.C_grid)
    return 100 * clf.score(F_test, y_test)


def main():
    # the summary (the parser's description) is the first paragraph
    parser = mnist_parser(" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--n-train", type=int, default=None)
    parser.add_argument("--n-test", type=int, default=None)
    parser.add_argument(
        "--patterns", type=int, nargs="+", default=[10, 30, 100, 190, 500]
    )
    parser.add_argument("--components", type=int, nargs="+", default=[300, 1000, 3000])
    parser.add_argument("--default-patterns", type=int, default=190)
    parser.add_argument("--default-components", type=int, default=3000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--max-iter", type=int, default=300, help="logistic regression")
    parser.add_argument(
        "--C-grid",
        type=float,
        nargs="+",
        default=list(C_GRID),
        help="the values of C chosen from on held-out training images",
    )
    args = parser.parse_args()

    X_train, y_train, X_test, y_test = load_spin_mnist(args)
    print(
        f"MNIST: {len(X_train)} training and {len(X_test)} test images; test accuracy "
        f"(%) of a logistic regression, C chosen on held-out training images; "
        f"mean ± std over seeds {args.seeds}\n"
    )

    def measure(name, features):
        """Report the test accuracy over the seeds of the features
        ``features(seed) -> (F_train, F_test)``."""
        t0 = time.perf_counter()
        accs = [
            score(features(seed), y_train, y_test, args, seed) for seed in args.seeds
        ]
        print(
            f"{name:44} {np.mean(accs):6.2f} ± {np.std(accs):4.2f}   "
            f"({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )

    def untrained(K, H, seed):
        return RAPIDRBM(
            n_patterns=K, n_components=H, n_iter=0, binarize=None, random_state=seed
        ).fit(X_train)

    def hidden(model, seed):
        return (
            hidden_sample(model, X_train, 1000 * seed + 7),
            hidden_sample(model, X_test, 1000 * seed + 8),
        )

    def projections(K, seed):
        xi_v = untrained(K, 1, seed).patterns_visible_
        return X_train @ xi_v.T, X_test @ xi_v.T

    def gaussian(K, H, seed):
        # the same estimator with full-rank N(0, 1) weights: only components_
        # enters the hidden sample (the hidden bias is 0)
        model = untrained(K, H, seed)
        model.components_ = np.random.default_rng(seed).standard_normal(
            model.components_.shape
        )
        return hidden(model, seed)

    def random_signs(H, seed):
        W = np.random.default_rng(seed).standard_normal((X_train.shape[1], H))
        W = W.astype(np.float32)
        return np.sign(X_train @ W), np.sign(X_test @ W)

    measure("±1 pixels", lambda seed: (X_train, X_test))
    for K in args.patterns:
        measure(
            f"K = {K} projections ξ_v v (linear)",
            lambda seed, K=K: projections(K, seed),
        )
    H, K = args.default_components, args.default_patterns
    cases = [(k, H) for k in args.patterns] + [(K, h) for h in args.components]
    for k, h in dict.fromkeys(cases):  # in order, each once
        measure(
            f"untrained RA-RBM h, K = {k}, H = {h}",
            lambda seed, k=k, h=h: hidden(untrained(k, h, seed), seed),
        )
    measure(f"untrained N(0, 1) weights h, H = {H}", lambda seed: gaussian(K, H, seed))
    measure(
        f"random ±1 features sign(W v), H = {H}", lambda seed: random_signs(H, seed)
    )


if __name__ == "__main__":
    main()
