"""Reproduce Figs. 2-4 of Pozas-Kerstjens et al. (2021) (RAPID) on the 4x4 Bars.

RBMs with V = 16 visible and H = 1000 hidden ±1 units, no biases (the seed
neglects them, and the paper's train/test split of ``make_bars(4)`` -- 10
training and 4 test images, every image on the same side as its negative --
relies on the ±v symmetry they would break), trained on the 10 training
images with batches of 10 (one update per epoch) by four methods (Sec. V.A):

- ``RAPID``: ``RAPIDRBM`` with K = 8 patterns, pure PID negative phase
  (Eq. 6), patterns binarized by their sign after every epoch (App. B.1),
  learning rate 0.03 decayed by 0.9 per epoch (tuned beforehand: test
  Hamming distance about 0.03 after 5 epochs, averaged over seeds);
- ``CD-10``: ``SpinRBM`` trained by contrastive divergence with 10 Gibbs
  steps, W initialized N(0, 0.01²) (Hinton's guide, as the seed does);
- ``PCD-10``: the same with 2048 persistent chains (fantasy particles);
- ``exact``: the same with the exact log-likelihood gradient (the model
  average by enumerating the 2^16 visible states at every update).

Every model is trained epoch by epoch with ``partial_fit``; at the epochs of
``--log-epochs`` (and the last one) it is evaluated, each evaluation with its
own fixed random seed:

- train / test Hamming distance (Fig. 3, App. C): the first row (4 pixels) of
  each image clamped, the rest blanked, 10 Gibbs steps, normalized Hamming
  distance to the image (``hamming_reconstruction_error``);
- Gibbs accessibility (Fig. 2a, Sec. V.A.1): the lowest joint energy reached
  by 10 Gibbs chains of 10 steps from random visible states, over the exact
  ground-state energy E0 (``RBM.ground_state`` enumerates the 2^16 visible
  states once per evaluation);
- method accessibility (Fig. 2b, Sec. V.A.2): the lowest energy among the
  configurations the method holds for its negative phase at the end of the
  epoch (those its next update uses), over E0, each evaluated with the
  model's current weights. RAPID: the binarized patterns, min_k
  E(sign ξ_v^k, sign ξ_h^k). PCD-10: the 2048 persistent visible chains,
  each paired with its best hidden state h = sign(Wᵀv) (energy -Σ|Wᵀv|).
  CD-10: 10-step chains started at the 10 training images, paired the same
  way. The exact gradient draws no configurations: no value (as in the
  paper).

After training, the singular values of the weights (Fig. 4, Sec. V.A.4,
``np.linalg.svd(components_)``) are averaged over seeds; the paper sees about
four large ones for every method.

The standard methods share one learning rate, ``--lr-standard`` (no decay),
which the seed does not state. The default, 1.0, is the smallest step of
the plateau where CD-10 learned best in a scan of 0.01-5.0 (100 epochs,
test distance averaged over the logged epochs): from W ~ N(0, 0.01²) a large
step takes the weights at once out of the small-weight (paramagnetic)
regime that the seed blames for the slow start of standard training, and
the standard methods then learn the Bars in a few epochs. A small step,
e.g. ``--lr-standard 0.05`` (the best of 0.01 / 0.05 / 0.1), shows the
seed's Figs. 2-3: standard RBMs that start in the paramagnetic phase, with a
low Gibbs accessibility, and learn slowly. Run both to see how much of the
comparison rests on this choice.

The exact gradient enumerates 65536 x 1000 fields per update (several
seconds on a 2-core machine), so it is trained for fewer epochs
(``--exact-epochs``) and on the first ``--exact-seeds`` seeds only. Training
runs in ``--dtype`` (default float32; every energy, ground state and
accessibility is computed in float64). The default run takes about a quarter
of an hour on a 2-core machine, mostly PCD-10 and the exact gradient.

Run:  python benchmarks/reproduce_rapid_bars.py [--seeds 0 1 ... 9]
          [--epochs 100] [--exact-epochs 10] [--exact-seeds 3]
          [--lr-standard 1.0] [--out bars.png]
Quick check (under a minute):  python benchmarks/reproduce_rapid_bars.py --quick

The matrix products here are small; a multi-threaded BLAS competing with
other processes for the cores can make them much slower, so the process runs
its BLAS with ``--blas-threads`` (default 1) threads.
"""

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

from skhopfield import RAPIDRBM, SpinRBM
from skhopfield.datasets import make_bars
from skhopfield.energy.layers import Spin
from skhopfield.energy.rbm import RBM
from skhopfield.metrics import gibbs_accessibility, hamming_reconstruction_error

METHODS = ("RAPID", "CD-10", "PCD-10", "exact")
QUANTITIES = (
    ("train_hd", "train HD"),
    ("test_hd", "test HD"),
    ("gibbs_acc", "Gibbs access."),
    ("method_acc", "method access."),
)
N_SINGULAR = 8


def make_model(method, seed, args):
    """The (unfitted) estimator of ``method``."""
    if method == "RAPID":
        return RAPIDRBM(
            n_patterns=args.n_patterns,
            n_components=args.n_hidden,
            learning_rate=args.lr_rapid,
            learning_rate_decay=args.lr_decay_rapid,
            batch_size=args.batch_size,
            negative_phase="pid",
            pattern_binarization="sign",
            random_state=seed,
        )
    common = {
        "n_components": args.n_hidden,
        "learning_rate": args.lr_standard,
        "batch_size": args.batch_size,
        "cd_steps": args.cd_steps,
        "fit_intercept": False,
        "random_state": seed,
    }
    if method == "CD-10":
        return SpinRBM(**common)
    if method == "PCD-10":
        return SpinRBM(persistent=True, n_chains=args.n_chains, **common)
    if method == "exact":
        return SpinRBM(exact_gradient=True, **common)
    raise ValueError(f"unknown method {method!r}")


def _float64_params(model):
    W = model.components_.T.astype(np.float64)
    b = model.intercept_visible_.astype(np.float64)
    c = model.intercept_hidden_.astype(np.float64)
    return W, b, c


def _spin_rbm(W, b, c):
    """The ±1 RBM ``RBM(Spin(b), Spin(c), W)`` of these parameters."""
    return RBM(Spin(b), Spin(c), W)


def _lowest_energy_best_hidden(V, W, b, c):
    """min over rows of min_h E(v, h) = -bᵀv - Σ_α |(Wᵀv + c)_α|."""
    V = np.asarray(V, dtype=np.float64)
    return float(np.min(-(V @ b) - np.abs(V @ W + c).sum(1)))


def method_accessibility(method, model, X_train, E0, seed):
    """Lowest energy of the method's negative-phase configurations over E0."""
    W, b, c = _float64_params(model)
    if method == "RAPID":
        V = np.where(model.patterns_visible_ >= 0, 1.0, -1.0)
        H = np.where(model.patterns_hidden_ >= 0, 1.0, -1.0)
        energy = float(np.min(_spin_rbm(W, b, c).energy(V, H)))
    elif method == "PCD-10":
        energy = _lowest_energy_best_hidden(model._chains, W, b, c)
    elif method == "CD-10":
        V = model.gibbs(X_train, n_steps=model.cd_steps, random_state=seed)
        energy = _lowest_energy_best_hidden(V, W, b, c)
    else:  # the exact gradient samples nothing
        return np.nan
    return energy / E0


def evaluate(method, model, X_train, X_test, seed, args):
    """The four figures of merit of a fitted model (fixed random ``seed``)."""
    W, b, c = _float64_params(model)
    E0, _, _ = _spin_rbm(W, b, c).ground_state()
    rep_train = np.repeat(X_train, args.hd_repeats, axis=0)
    rep_test = np.repeat(X_test, args.hd_repeats, axis=0)
    kw = {"n_steps": args.hd_steps, "random_state": seed}
    return {
        "train_hd": hamming_reconstruction_error(model, rep_train, 4, **kw),
        "test_hd": hamming_reconstruction_error(model, rep_test, 4, **kw),
        "gibbs_acc": gibbs_accessibility(
            model,
            n_chains=args.gibbs_chains,
            n_steps=args.gibbs_steps,
            ground_energy=E0,
            random_state=seed + 1,
        ),
        "method_acc": method_accessibility(method, model, X_train, E0, seed + 2),
    }


def run_one(method, seed, n_epochs, log_epochs, X_train, X_test, args):
    """Train one model epoch by epoch; measurements at ``log_epochs``."""
    model = make_model(method, seed, args)
    X_fit = X_train.astype(args.dtype)
    records = {}
    train_seconds = eval_seconds = 0.0
    for epoch in range(1, n_epochs + 1):
        t0 = time.perf_counter()
        model.partial_fit(X_fit)
        train_seconds += time.perf_counter() - t0
        if epoch in log_epochs:
            t0 = time.perf_counter()
            eval_seed = 100_000 * (seed + 1) + 10 * epoch
            records[epoch] = evaluate(method, model, X_train, X_test, eval_seed, args)
            eval_seconds += time.perf_counter() - t0
    singular = np.linalg.svd(model.components_.astype(np.float64), compute_uv=False)
    return records, singular[:N_SINGULAR], train_seconds, eval_seconds


def _mean_std(values, width=15):
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0 or np.all(np.isnan(values)):
        return "-".rjust(width)
    return f"{np.nanmean(values):.3f} ± {np.nanstd(values):.3f}".rjust(width)


def collect(results, method, epoch, key):
    """Values of ``key`` at ``epoch`` over the seeds of ``method``."""
    return [rec[epoch][key] for rec in results[method]["records"] if epoch in rec]


def print_tables(results, methods, args):
    width = 15
    header = f"{'method':7s} {'epoch':>5s} {'seeds':>5s} " + " ".join(
        name.rjust(width) for _, name in QUANTITIES
    )
    print(
        "\nFigs. 2-3: mean ± std over seeds (HD = normalized Hamming distance "
        "of the reconstruction from the first row; accessibility = lowest "
        "energy / E0)"
    )
    print(header)
    print("-" * len(header))
    for method in methods:
        epochs = sorted({e for rec in results[method]["records"] for e in rec})
        for epoch in epochs:
            n = len(collect(results, method, epoch, "train_hd"))
            row = " ".join(
                _mean_std(collect(results, method, epoch, key), width)
                for key, _ in QUANTITIES
            )
            print(f"{method:7s} {epoch:5d} {n:5d} {row}")

    print(
        f"\nFig. 4: top {N_SINGULAR} singular values of the trained weights "
        "(mean over seeds)"
    )
    header = f"{'method':7s} {'epochs':>6s} " + " ".join(
        f"s{i + 1}".rjust(7) for i in range(N_SINGULAR)
    )
    print(header)
    print("-" * len(header))
    for method in methods:
        s = np.mean(results[method]["singular"], axis=0)
        print(
            f"{method:7s} {results[method]['epochs']:6d} "
            + " ".join(f"{x:7.3f}" for x in s)
        )

    print("\nWall time per method (all seeds)")
    header = (
        f"{'method':7s} {'seeds':>5s} {'epochs':>6s} {'train s':>9s} "
        f"{'s/epoch':>9s} {'eval s':>8s} {'total s':>9s}"
    )
    print(header)
    print("-" * len(header))
    for method in methods:
        r = results[method]
        n_seeds = len(r["records"])
        train, ev = float(np.sum(r["train_s"])), float(np.sum(r["eval_s"]))
        per_epoch = train / max(1, n_seeds * r["epochs"])
        print(
            f"{method:7s} {n_seeds:5d} {r['epochs']:6d} {train:9.1f} "
            f"{per_epoch:9.4f} {ev:8.1f} {train + ev:9.1f}"
        )


def print_checks(results, methods):
    """The seed's claims that the measured grid can decide."""
    print("\nChecks (computed from the measurements above):")
    if "RAPID" in methods:
        logged = {e for rec in results["RAPID"]["records"] for e in rec}
        epochs = sorted(e for e in logged if e <= 20)
        means = {
            e: float(np.mean(collect(results, "RAPID", e, "test_hd"))) for e in epochs
        }
        below = [e for e in epochs if means[e] < 0.1]
        if below:
            detail = f"first at epoch {below[0]} ({means[below[0]]:.3f})"
        elif epochs:
            detail = f"lowest {min(means.values()):.3f}"
        if epochs:
            print(
                f"  RAPID mean test HD < 0.1 within 20 epochs (logged epochs "
                f"{epochs}): {bool(below)}; {detail}"
            )
    if "RAPID" in methods and "CD-10" in methods:
        rapid = collect(results, "RAPID", 1, "gibbs_acc")
        cd = collect(results, "CD-10", 1, "gibbs_acc")
        if rapid and cd:
            r, c = float(np.mean(rapid)), float(np.mean(cd))
            print(
                f"  RAPID Gibbs accessibility at epoch 1 ({r:.3f}) > CD-10's "
                f"({c:.3f}): {r > c}"
            )
        else:
            print("  epoch 1 not logged: Gibbs accessibility check skipped")


def plot(results, methods, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter, NullFormatter

    fig = plt.figure(figsize=(13, 7))
    grid = fig.add_gridspec(2, 3)
    panels = {
        "gibbs_acc": (grid[0, 0], "(Fig. 2a) Gibbs accessibility"),
        "method_acc": (grid[0, 1], "(Fig. 2b) method accessibility"),
        "train_hd": (grid[1, 0], "(Fig. 3a) train Hamming distance"),
        "test_hd": (grid[1, 1], "(Fig. 3b) test Hamming distance"),
    }
    logged = sorted({e for m in methods for rec in results[m]["records"] for e in rec})
    for key, (cell, title) in panels.items():
        ax = fig.add_subplot(cell)
        for method in methods:
            epochs = sorted({e for rec in results[method]["records"] for e in rec})
            values = [
                np.asarray(collect(results, method, e, key), float) for e in epochs
            ]
            if not epochs or all(np.all(np.isnan(v)) for v in values):
                continue
            mean = np.array([np.nanmean(v) for v in values])
            std = np.array([np.nanstd(v) for v in values])
            (line,) = ax.plot(epochs, mean, marker="o", ms=3, label=method)
            ax.fill_between(
                epochs, mean - std, mean + std, alpha=0.2, color=line.get_color()
            )
        ax.set_xscale("log")
        ax.set_xticks(logged)
        ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("epoch")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
        if key == "gibbs_acc":
            ax.legend(fontsize=8)
    ax = fig.add_subplot(grid[:, 2])
    for method in methods:
        s = np.mean(results[method]["singular"], axis=0)
        s = np.where(s > 1e-9 * s[0], s, np.nan)  # RAPID's W has rank <= K
        ax.plot(np.arange(1, s.size + 1), s, marker="o", label=method)
    ax.set_yscale("log")
    ax.set_xlabel("index")
    ax.set_ylabel("singular value")
    ax.set_title(f"(Fig. 4) top {N_SINGULAR} singular values of W", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.suptitle("RAPID vs standard training, 4x4 Bars (V=16, H=1000)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"\nplot written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--seeds", nargs="+", type=int, default=list(range(10)))
    parser.add_argument(
        "--epochs", type=int, default=100, help="epochs of RAPID, CD-10 and PCD-10"
    )
    parser.add_argument("--exact-epochs", type=int, default=10)
    parser.add_argument(
        "--exact-seeds",
        type=int,
        default=3,
        help="the exact gradient runs on the first N seeds",
    )
    parser.add_argument(
        "--log-epochs", nargs="+", type=int, default=[1, 2, 3, 5, 10, 20, 50, 100]
    )
    parser.add_argument("--n-hidden", type=int, default=1000)
    parser.add_argument("--n-patterns", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--lr-rapid", type=float, default=0.03)
    parser.add_argument("--lr-decay-rapid", type=float, default=0.9)
    parser.add_argument("--lr-standard", type=float, default=1.0)
    parser.add_argument("--cd-steps", type=int, default=10)
    parser.add_argument("--n-chains", type=int, default=2048)
    parser.add_argument("--hd-steps", type=int, default=10)
    parser.add_argument(
        "--hd-repeats", type=int, default=1, help="reconstructions per image (paper: 1)"
    )
    parser.add_argument("--gibbs-chains", type=int, default=10)
    parser.add_argument("--gibbs-steps", type=int, default=10)
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2 seeds, 3 epochs (exact: 1 epoch, 1 seed)",
    )
    parser.add_argument("--out", default="", help="PNG path ('' = no plot)")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds = args.seeds[:2]
        args.epochs = min(args.epochs, 3)
        args.exact_epochs = min(args.exact_epochs, 1)
        args.exact_seeds = min(args.exact_seeds, 1)
    return args


def main(argv=None):
    args = parse_args(argv)
    X_train, X_test = make_bars(4)
    print(
        f"4x4 Bars: {X_train.shape[0]} training, {X_test.shape[0]} test images; "
        f"V={X_train.shape[1]}, H={args.n_hidden}, K={args.n_patterns}, "
        f"batch {args.batch_size}; seeds {args.seeds}; RAPID lr {args.lr_rapid} "
        f"decay {args.lr_decay_rapid}; standard lr {args.lr_standard}; "
        f"{args.dtype}, BLAS threads {args.blas_threads}",
        flush=True,
    )
    results = {}
    t_start = time.perf_counter()
    with threadpool_limits(args.blas_threads):
        for method in args.methods:
            if method == "exact":
                seeds, n_epochs = args.seeds[: args.exact_seeds], args.exact_epochs
            else:
                seeds, n_epochs = args.seeds, args.epochs
            log_epochs = {e for e in args.log_epochs if e <= n_epochs} | {n_epochs}
            r = results[method] = {
                "records": [],
                "singular": [],
                "train_s": [],
                "eval_s": [],
                "epochs": n_epochs,
            }
            for seed in seeds:
                records, singular, train_s, eval_s = run_one(
                    method, seed, n_epochs, log_epochs, X_train, X_test, args
                )
                for key, value in zip(
                    ("records", "singular", "train_s", "eval_s"),
                    (records, singular, train_s, eval_s),
                    strict=True,
                ):
                    r[key].append(value)
                last = records[n_epochs]
                print(
                    f"  {method:7s} seed {seed}: epoch {n_epochs}: train HD "
                    f"{last['train_hd']:.3f}, test HD {last['test_hd']:.3f}, "
                    f"Gibbs acc. {last['gibbs_acc']:.3f}  (train {train_s:.1f} s, "
                    f"eval {eval_s:.1f} s)",
                    flush=True,
                )
    print_tables(results, args.methods, args)
    print_checks(results, args.methods)
    print(f"\ntotal wall time {time.perf_counter() - t_start:.1f} s")
    if args.out:
        plot(results, args.methods, args.out)


if __name__ == "__main__":
    main()
