"""Out-of-core training: GaussianRBM on MNIST repeated 10×, through dask-ml.

The MNIST training images, repeated ``--repeat`` times (10: about 227,000
rows), form a lazy Dask array of float32 pixels in ``[0, 1]``: each block
(``--chunk`` rows) is built from the uint8 images only when a task needs it,
so the whole array never exists in memory. ``dask_ml.wrappers.Incremental``
feeds the blocks, in order, to ``GaussianRBM.partial_fit`` (one epoch over
each block). The script prints the array's size, the peak resident memory of
the process before and after training (``resource.getrusage``; Dask's
threaded scheduler runs the tasks in this process, so this is the peak of the
whole computation), the training time and the mean log-likelihood of the
test images (``score``: AIS estimate of ln Z, ``--ais-chains`` chains × 1000
distributions) with the standard error of ln Z.

``--check-serial`` also runs the plain loop ``for block: partial_fit(block)``
over the same blocks and checks that the parameters are identical.

Run:  python benchmarks/ooc_gaussian_rbm.py [--repeat 10] [--data DIR] [--download]
"""

import resource
import sys
import time

import numpy as np
from _mnist import mnist_parser

from skhopfield import GaussianRBM
from skhopfield.datasets import load_mnist


def peak_rss_mib():
    """Peak resident set size of this process, MiB (ru_maxrss is KiB on
    Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def lazy_repeated(images, repeat, chunk):
    """The rows of ``images`` repeated ``repeat`` times, scaled to float32 in
    [0, 1], as a Dask array whose blocks are computed on demand."""
    import dask
    import dask.array as da

    n = images.shape[0]
    n_rows = repeat * n

    def block(start, stop):
        rows = np.arange(start, stop) % n
        return images[rows].astype(np.float32) / np.float32(255.0)

    blocks = [
        da.from_delayed(
            dask.delayed(block)(start, min(start + chunk, n_rows)),
            shape=(min(start + chunk, n_rows) - start, images.shape[1]),
            dtype=np.float32,
        )
        for start in range(0, n_rows, chunk)
    ]
    return da.concatenate(blocks, axis=0)


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--n-components", type=int, default=50)
    parser.add_argument("--ais-chains", type=int, default=100)
    parser.add_argument("--check-serial", action="store_true")
    args = parser.parse_args()

    import dask
    from dask_ml.wrappers import Incremental

    X_train, _, X_test, _ = load_mnist(args.data, download_if_missing=args.download)
    dX = lazy_repeated(X_train, args.repeat, args.chunk)
    print(
        f"Dask array: {dX.shape[0]:,} x {dX.shape[1]} float32 = "
        f"{dX.nbytes / 2**20:,.0f} MiB in {dX.numblocks[0]} blocks of "
        f"<= {args.chunk} rows "
        f"(MNIST training images x {args.repeat}, never materialized)"
    )

    # binarize=0.5: a pixel is +1 above half intensity
    rbm = GaussianRBM(
        n_components=args.n_components,
        beta=1.0,
        learning_rate=1e-3,
        batch_size=100,
        cd_steps=1,
        fit_intercept=True,
        binarize=0.5,
        n_ais_chains=args.ais_chains,
        random_state=0,
    )
    rss_before = peak_rss_mib()
    print(f"peak RSS before training (imports, uint8 MNIST): {rss_before:,.0f} MiB")
    t0 = time.perf_counter()
    with dask.config.set(scheduler="threads", num_workers=1):
        inc = Incremental(rbm, shuffle_blocks=False).fit(dX)
    seconds = time.perf_counter() - t0
    fitted = inc.estimator_
    rss_after = peak_rss_mib()
    print(
        f"Incremental(GaussianRBM).fit: {fitted.n_iter_} partial_fit calls, "
        f"{seconds:.1f} s; peak RSS {rss_after:,.0f} MiB "
        f"({rss_after / (dX.nbytes / 2**20):.2f} x the array's size)"
    )

    X_eval = X_test.astype(np.float32) / np.float32(255.0)
    initial = GaussianRBM(**{**rbm.get_params(), "n_iter": 0})
    initial.fit(dX.blocks[0].compute(scheduler="sync"))
    print(
        "test-set score of the initial (untrained) model: "
        f"{initial.score(X_eval):.2f} nats"
    )
    t0 = time.perf_counter()
    score = fitted.score(X_eval)
    log_z, std_error = fitted.log_partition()
    print(
        f"test-set score (mean ln p(s) of the {X_test.shape[0]:,} test images): "
        f"{score:.2f} nats (ln Z = {log_z:.2f} +/- {std_error:.2f}, AIS "
        f"{args.ais_chains} chains, {time.perf_counter() - t0:.1f} s)"
    )

    if args.check_serial:
        serial = GaussianRBM(**rbm.get_params())
        for i in range(dX.numblocks[0]):
            serial.partial_fit(dX.blocks[i].compute(scheduler="sync"))
        same = np.array_equal(serial.components_, fitted.components_)
        print(f"same parameters as the serial partial_fit loop: {same}")


if __name__ == "__main__":
    main()
