"""Speed of one RAPID (pure PID) epoch against one CD-10 epoch of a SpinRBM.

Pozas-Kerstjens et al. (2021) App. D: the PID negative phase costs
nothing but an average over the K patterns, where CD-k runs k Gibbs steps per
batch. On the MNIST training images (binarized, V = 784), with the same
hidden layer (``--n-components``, default H = 1000), batch size 100 and
float32 data, in the same run:

- ``RAPIDRBM(n_patterns=K, negative_phase="pid")`` (K = ``--n-patterns``,
  default 100), with the MNIST pattern bounding (``"clip"``);
- the same with ``negative_phase="pid_gibbs", cd_steps=10`` (Sec. V.B);
- ``SpinRBM(cd_steps=10)`` (CD-10) and ``SpinRBM(cd_steps=1)`` (CD-1).

Each model is first fitted for one epoch (warm-up, not timed); then every
model trains one more epoch per round, the rounds interleaved (``--repeat``
rounds) so that drifts of the machine hit every model alike. The time of an
epoch is the training loop only (``training_history_[-1]["seconds"]``: the
batches and their updates, without the input validation and the per-epoch
pseudo-likelihood); the best round is reported, with the ratio to the pure
PID epoch.

Run:  python benchmarks/bench_rapid.py [--data ../shared/data/mnist]
          [--repeat 3] [--n-components 1000] [--n-patterns 100]
          [--blas-threads N]
"""

import time

import numpy as np
from _mnist import mnist_parser
from threadpoolctl import threadpool_limits

from skhopfield import RAPIDRBM, SpinRBM
from skhopfield.datasets import load_mnist


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-components", type=int, default=1000)
    parser.add_argument("--n-patterns", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="BLAS threads (default: the BLAS library's own choice)",
    )
    args = parser.parse_args()
    if args.blas_threads is not None:
        threadpool_limits(args.blas_threads)

    X, _, _, _ = load_mnist(args.data, download_if_missing=args.download)
    X = np.where(X > 0, 1.0, -1.0).astype(np.float32)  # seed binarization
    H, K, bs = args.n_components, args.n_patterns, args.batch_size
    common = dict(n_components=H, batch_size=bs, binarize=None, random_state=0)
    models = {
        f"RAPID K={K}, pure PID": RAPIDRBM(
            n_patterns=K,
            negative_phase="pid",
            pattern_binarization="clip",
            learning_rate=0.015,
            **common,
        ),
        f"RAPID K={K}, PID + 10 Gibbs": RAPIDRBM(
            n_patterns=K,
            negative_phase="pid_gibbs",
            cd_steps=10,
            pattern_binarization="clip",
            learning_rate=0.015,
            **common,
        ),
        "SpinRBM CD-10": SpinRBM(cd_steps=10, learning_rate=0.01, **common),
        "SpinRBM CD-1": SpinRBM(cd_steps=1, learning_rate=0.01, **common),
    }
    print(
        f"MNIST: {X.shape[0]} images, V = {X.shape[1]}, H = {H}, batch {bs}, "
        f"float32, {args.repeat} interleaved rounds"
    )
    t0 = time.perf_counter()
    for model in models.values():
        model.partial_fit(X)  # warm-up epoch (allocations, BLAS start)
    times = {name: [] for name in models}
    for _ in range(args.repeat):
        for name, model in models.items():
            model.partial_fit(X)
            times[name].append(model.training_history_[-1]["seconds"])
    best = {name: min(t) for name, t in times.items()}
    ref = best[f"RAPID K={K}, pure PID"]
    print()
    print(
        f"{'model':<30} {'best epoch (s)':>15} {'all rounds (s)':>28} "
        f"{'/ pure PID':>11}"
    )
    for name in models:
        rounds = " ".join(f"{t:.2f}" for t in times[name])
        print(f"{name:<30} {best[name]:>15.3f} {rounds:>28} {best[name] / ref:>11.1f}")
    cd10 = best["SpinRBM CD-10"]
    print()
    print(
        f"check: one pure-PID RAPID epoch is faster than one CD-10 epoch: "
        f"{ref < cd10} (CD-10 / PID = {cd10 / ref:.1f})"
    )
    print(f"total wall time {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
