"""Speed of skhopfield.nn.HopfieldRetrieval against plain torch attention.

One-step retrieval of 256 queries from P = 1000 stored patterns, N = 784
(MNIST training images, pixels / 255, float32; queries are the next 256
training images), β = 0.05, inference (``torch.no_grad``):
``HopfieldRetrieval(beta)(Q, X)``, which runs on
``torch.nn.functional.scaled_dot_product_attention`` on accelerators and
on the explicit form on the CPU (``fused="auto"``), against the plain
``torch.softmax(β Q Xᵀ, -1) @ X`` in the same run; for reference also the
module with ``return_weights=True`` and with ``fused=True`` (SDPA on every
device). The runs are interleaved, ``--repeat`` times each;
the table gives the median and the minimum time and the largest difference
from the plain result. The ratio HopfieldRetrieval / plain (median and min)
has the target ≤ 1.05. Without ``--device`` the table is made on the CPU,
and again on CUDA where CUDA is available.

Run:  python benchmarks/bench_nn.py [--data DIR] [--download]
      [--repeat 51] [--device cpu|cuda] [--threads T]
"""

import os
import time

import numpy as np
import torch
from _mnist import mnist_parser

from skhopfield.datasets import load_mnist
from skhopfield.nn import HopfieldRetrieval

BETA = 0.05
TARGET = 1.05


def speed_table(X_train, repeat, device):
    """Time the module against plain torch on ``device``; print the table."""
    dev = torch.device(device)
    print(f"One-step retrieval, 256 queries, N = 784, P = 1000, float32, device {dev}")
    X = torch.from_numpy(X_train[:1000].astype(np.float32)).to(dev)
    Q = torch.from_numpy(X_train[1000:1256].astype(np.float32)).to(dev)
    retrieve = HopfieldRetrieval(BETA)
    retrieve_fused = HopfieldRetrieval(BETA, fused=True)

    def plain():
        return torch.softmax(BETA * (Q @ X.T), dim=-1) @ X

    def module():
        return retrieve(Q, X)

    def explicit():
        return retrieve(Q, X, return_weights=True)[0]

    def fused():
        return retrieve_fused(Q, X)

    runs = {
        "HopfieldRetrieval": module,
        "plain torch": plain,
        "with weights": explicit,
        "fused=True (SDPA)": fused,
    }
    if dev.type == "cuda":

        def synced(fn):
            def run():
                out = fn()
                torch.cuda.synchronize(dev)
                return out

            return run

        runs = {name: synced(fn) for name, fn in runs.items()}
    times = {name: [] for name in runs}
    with torch.no_grad():
        outs = {name: fn() for name, fn in runs.items()}  # warm up, and compare
        for _ in range(repeat):
            for name, fn in runs.items():
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
    med = {name: float(np.median(t)) for name, t in times.items()}
    best = {name: float(np.min(t)) for name, t in times.items()}
    ref = outs["plain torch"]
    print(f"{'method':<18} {'median ms':>10} {'min ms':>8} {'max |diff| vs plain':>20}")
    for name in runs:
        diff = float((outs[name] - ref).abs().max())
        print(
            f"{name:<18} {1e3 * med[name]:>10.3f} {1e3 * best[name]:>8.3f} "
            f"{diff:>20.2e}"
        )
    path = "scaled_dot_product_attention" if dev.type != "cpu" else "explicit form"
    print(
        f"ratio HopfieldRetrieval / plain torch: median "
        f"{med['HopfieldRetrieval'] / med['plain torch']:.3f}, min "
        f"{best['HopfieldRetrieval'] / best['plain torch']:.3f} "
        f"(target <= {TARGET}; fused='auto' runs the {path} on {dev.type})"
    )
    print(
        f"ratio fused=True (SDPA) / plain torch: median "
        f"{med['fused=True (SDPA)'] / med['plain torch']:.3f}, min "
        f"{best['fused=True (SDPA)'] / best['plain torch']:.3f}"
    )
    load = f"load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    print(
        f"[torch {torch.__version__}, device {dev}, {repeat} repeats, "
        f"{torch.get_num_threads()} threads; {load} on {os.cpu_count()} cores]"
    )


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=51)
    parser.add_argument(
        "--device",
        default=None,
        help="cpu or cuda[:i]; default: the CPU, then CUDA where available",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch's CPU threads (default: torch's choice)",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    if (
        args.device is not None
        and torch.device(args.device).type == "cuda"
        and not torch.cuda.is_available()
    ):
        parser.error(f"--device {args.device}: CUDA is not available")
    X_train, _, _, _ = load_mnist(args.data, download_if_missing=args.download)
    X_train = X_train.reshape(len(X_train), -1).astype(np.float64) / 255.0
    if args.device is not None:
        devices = [args.device]
    else:
        devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for k, device in enumerate(devices):
        if k:
            print()
        speed_table(X_train, args.repeat, device)


if __name__ == "__main__":
    main()
