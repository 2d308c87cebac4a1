"""ln Z at full size: each estimator's default AIS against the exact value (or
a run 20 times longer), with its effective sample size and bounds.

The models of the likelihood issue, trained on the MNIST training split
(``--data``), pixels > 127 unless said otherwise:

1. ``SpinRBM(n_components=20, fit_intercept=False)``, 10 epochs, learning
   rate 0.01: flip-symmetric; exact ln Z by enumerating the 2**20 hidden
   states (the visible layer summed out);
2. ``ProjectionHopfieldRBM(n_subpatterns=1, beta=2)`` on the digits 0 and 1
   (p = 2, modes ±ξ_0, ±ξ_1): exact ln Z by quadrature of the continuous
   representation;
3. ``BinaryRBM(n_components=20)`` with biases, 10 epochs: exact by
   enumeration;
4. ``BinaryRBM(n_components=500)``, PCD, ``--epochs`` epochs (batches of
   100, learning rate 0.01) on stochastically binarized images: no exact
   value; the reference is the same AIS with ``--long`` times as many
   distributions.

For each: the default AIS (the estimator's ``log_partition``: 100 chains,
1000 distributions, its start), its error, its effective sample size, and
the bounds of ``log_partition_bounds`` twice: with the reverse chains
started from the forward chains' resampled final states, and from 100
training images. Columns are in nats.

Run:  python benchmarks/ais_full_size.py [--data DIR] [--epochs 120] [--long 20]
          [--skip-500] [--threads 2]
Smoke test:  python benchmarks/ais_full_size.py --quick
"""

import time
import warnings

import numpy as np
from _mnist import mnist_parser
from threadpoolctl import threadpool_limits

from skhopfield import BinaryRBM, ProjectionHopfieldRBM, SpinRBM
from skhopfield.datasets import load_mnist
from skhopfield.energy import AISWarning


def row(name, est, reference, ref_label, X):
    """Print the default estimate, its error and the two kinds of bounds."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AISWarning)
        t = time.perf_counter()
        estimate = est.log_partition()
        t_default = time.perf_counter() - t
        own = est.log_partition_bounds()
        data = est.log_partition_bounds(X=X[:100])
    print(f"\n{name}")
    print(f"  reference ({ref_label}): {reference:.3f}")
    print(
        f"  default AIS: {estimate.log_Z:.3f} ± {estimate.std_error:.3f} "
        f"(start: {estimate.start}; {t_default:.1f} s), error "
        f"{estimate.log_Z - reference:+.3f}, ESS {estimate.ess:.1f} of "
        f"{estimate.n_chains}"
    )
    for label, b in (("forward states", own), ("100 training images", data)):
        print(
            f"  bounds, reverse from {label}: "
            f"[{b.lower:.3f} ± {b.lower_std_error:.3f}, "
            f"{b.upper:.3f} ± {b.upper_std_error:.3f}] (relative to the reference: "
            f"{b.lower - reference:+.3f}, {b.upper - reference:+.3f}); reverse ESS "
            f"{b.reverse.ess:.1f}; burn-in drift {b.burn_in_z:+.2f} s.e.; starts vs "
            f"forward mean ln p* {b.start_z:+.2f} s.e."
        )
    for w in caught:
        print(f"  warning: {w.message}")


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument(
        "--epochs", type=int, default=120, help="epochs of the 500-unit RBM"
    )
    parser.add_argument(
        "--long", type=int, default=20, help="factor of the long run's distributions"
    )
    parser.add_argument("--skip-500", action="store_true", help="skip the 500-unit RBM")
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke test: small data, short runs"
    )
    args = parser.parse_args()
    X, y, _, _ = load_mnist(
        args.data, download_if_missing=getattr(args, "download", False)
    )
    n_epochs = 10
    if args.quick:
        X, y, n_epochs = X[:1000], y[:1000], 1
        args.epochs, args.long = 1, 2
    with threadpool_limits(args.threads):
        t = time.perf_counter()
        spin = SpinRBM(
            n_components=20,
            fit_intercept=False,
            n_iter=n_epochs,
            learning_rate=0.01,
            binarize=127,
            exact_max_units=0,
            random_state=0,
        ).fit(X)
        row("SpinRBM(20), no biases", spin, spin.rbm_.log_partition_exact(), "exact", X)
        print(f"  ({time.perf_counter() - t:.0f} s with training and enumeration)")

        mask = y < 2
        proj = ProjectionHopfieldRBM(n_subpatterns=1, beta=2, binarize=127).fit(
            X[mask], y[mask]
        )
        ais = proj.rbm_.log_partition_ais(**proj._ais_kwargs())
        exact = proj.log_partition()
        assert exact.method == "exact"  # the estimator's own ln Z: quadrature
        proj_ais = _ForcedAIS(proj)
        name = "ProjectionHopfieldRBM(p=2), digits 0 and 1"
        row(name, proj_ais, exact.log_Z, "quadrature", X[mask])
        print(
            f"  (the estimator itself now returns the quadrature: {exact.log_Z:.3f}; "
            f"AIS alone {ais.log_Z:.3f})"
        )

        binary = BinaryRBM(
            n_components=20,
            n_iter=n_epochs,
            learning_rate=0.01,
            binarize=127,
            exact_max_units=0,
            random_state=0,
        ).fit(X)
        row(
            "BinaryRBM(20), biases",
            binary,
            binary.rbm_.log_partition_exact(),
            "exact",
            X,
        )

        if args.skip_500:
            return
        rng = np.random.RandomState(0)
        Xb = (rng.random_sample(X.shape) < X / 255.0).astype(np.float32)
        big = BinaryRBM(
            n_components=500,
            persistent=True,
            learning_rate=0.01,
            batch_size=100,
            n_iter=args.epochs,
            random_state=0,
        )
        t = time.perf_counter()
        big.fit(Xb)
        print(
            f"\nBinaryRBM(500): {args.epochs} PCD epochs in "
            f"{time.perf_counter() - t:.0f} s"
        )
        t = time.perf_counter()
        long = big.rbm_.log_partition_ais(
            **{**big._ais_kwargs(), "n_betas": big.n_ais_betas * args.long}
        )
        print(
            f"  long run (x{args.long} distributions): "
            f"{long.log_Z:.3f} ± {long.std_error:.3f}, "
            f"ESS {long.ess:.1f} ({time.perf_counter() - t:.0f} s)"
        )
        row(
            f"BinaryRBM(500), PCD {args.epochs} epochs", big, long.log_Z, "long run", Xb
        )


class _ForcedAIS:
    """An estimator whose ``log_partition`` and ``log_partition_bounds``
    run AIS even where the estimator has an exact value."""

    def __init__(self, est):
        self.est = est

    def log_partition(self):
        return self.est.rbm_.log_partition_ais(**self.est._ais_kwargs())

    def log_partition_bounds(self, X=None):
        init = None if X is None else self.est._validate_visible(X, reset=False)
        return self.est.rbm_.log_partition_bounds(init=init, **self.est._ais_kwargs())


if __name__ == "__main__":
    main()
