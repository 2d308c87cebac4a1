"""Reproduce Figs. 6 and 7 of Pozas-Kerstjens et al. (2021): RAPID's AIS
likelihood on MNIST, its samples and patterns.

RA-RBMs (``RAPIDRBM``: H = 3000 hidden units, K = 190 patterns, LR =
0.015, patterns bounded to [−1, 1] after every update) are trained on the
binarized MNIST training images (non-zero pixels on), with the negative
phase of the seed's MNIST runs (``pid_gibbs``: 10 Gibbs steps from the
binarized visible patterns) and with pure PID (``pid``), for ``--seeds``.

Fig. 6a,b: after every epoch in ``--eval-epochs`` (0 = the untrained
model), ln Z is estimated by annealed importance sampling
(``RAPIDRBM.log_partition``: ``--ais-chains`` chains, ``--ais-betas``
distributions, from the base-rate model of the training data) and the
negative log-likelihood, −ln p(v) = ln Z − ln p*(v), averaged over the
training and over the test images (``−RAPIDRBM.score``). The tables give
the mean ± standard deviation over the seeds, the AIS standard error of
ln Z (the delta-method error, mean over seeds; it is the error of both
NLLs, whose average over thousands of images adds little), the test −
train gap, and the ratio of the initial to the final NLL. AIS
underestimates ln Z (Jensen), so these NLLs are lower bounds in
expectation, as the paper's are.

Fig. 6c: a model with K = ``--sample-patterns`` (290), trained the same way
(PID + Gibbs, the first seed), draws ``--n-samples`` images by
``--sample-steps`` Gibbs steps from uniformly random states
(``RAPIDRBM.sample``).

Fig. 7: the visible parts ξ_v of eight random patterns of the first seed's
PID + Gibbs model (K = 190), and ``--chains-per-pattern`` Gibbs chains of
``--sample-steps`` steps started at the binarized visible part of each of
them (``RAPIDRBM.sample(init=...)``), the first pattern's shown. The
model has no biases, so v and −v are equally likely: every sample, chain
end and pattern whose pixels are mostly on is shown and labelled negated.

Two measurements stand for "looks like a digit" and "is not a training
image": a logistic regression on the ±1 pixels of the training images
(its test accuracy is printed) labels every sample and chain end, with its
confidence (the largest class probability; on the test images for
comparison); and the largest |cosine similarity| of each binarized pattern
with any training image is compared with that of the test images (a test
image's nearest training image is a different drawing of a digit).

The seed does not give the batch size; here it is ``--batch-size`` (100)
with the step decayed by ``--decay`` (0.8) per epoch, as in
``reproduce_rapid_mnist.py`` (the authors' published notebook trains with
batches of 8000 for 500 epochs instead).

Run:  python benchmarks/reproduce_rapid_mnist_nll.py [--data ../shared/data/mnist]
          [--seeds 0 1 2] [--eval-epochs 0 1 2 3 4 6 8 10 12]
          [--methods pid_gibbs pid] [--sample-patterns 290] [--out rapid_mnist_nll]
          [--jobs 2]
Quick check:  python benchmarks/reproduce_rapid_mnist_nll.py --n-train 2000
          --n-test 500 --components 300 --patterns 20 --sample-patterns 30
          --seeds 0 --eval-epochs 0 2 --ais-betas 200 --sample-steps 20
"""

import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from _mnist import mnist_parser  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from reproduce_rapid_mnist import fit_logistic, load_spin_mnist  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from skhopfield import RAPIDRBM  # noqa: E402

LABELS = {"pid_gibbs": "PID + 10 Gibbs", "pid": "pure PID"}


def make_model(args, n_patterns, method, seed):
    return RAPIDRBM(
        n_patterns=n_patterns,
        n_components=args.components,
        learning_rate=args.lr,
        learning_rate_decay=args.decay,
        batch_size=args.batch_size,
        negative_phase=method,
        cd_steps=args.cd_steps,
        pattern_binarization="clip",
        binarize=None,
        n_ais_chains=args.ais_chains,
        n_ais_betas=args.ais_betas,
        n_iter=0,
        random_state=seed,
    )


def train_curve(args, data, n_patterns, method, seed, eval_epochs, threads):
    """Train one model with ``partial_fit``; at each epoch of ``eval_epochs``
    record (epoch, train NLL, test NLL, AIS standard error of ln Z). Returns
    the records and the trained model."""
    X_train, _, X_test, _ = data
    with threadpool_limits(threads):
        model = make_model(args, n_patterns, method, seed).fit(
            X_train
        )  # initialization
        rows = []
        t0 = time.perf_counter()
        for epoch in range(max(eval_epochs) + 1):
            if epoch:
                model.partial_fit(X_train)
            if epoch in eval_epochs:
                _, std_error = model.log_partition()
                # score reuses the memoized ln Z of this model
                rows.append(
                    (epoch, -model.score(X_train), -model.score(X_test), std_error)
                )
                print(
                    f"  K={n_patterns} {LABELS[method]:<15} seed {seed} "
                    f"epoch {epoch:>3}: "
                    f"NLL train {rows[-1][1]:11.1f}  test {rows[-1][2]:11.1f}  "
                    f"(AIS s.e. {std_error:.3f}; {time.perf_counter() - t0:.0f} s)",
                    flush=True,
                )
    return np.array(rows), model


def fig6_table(curves):
    """Print the NLL table of Fig. 6a,b and the summary ratios."""
    print(
        f"\n{'negative phase':<16} {'epoch':>5} {'train NLL (nats)':>22} "
        f"{'test NLL (nats)':>22} {'AIS s.e.':>9} {'test - train':>18}"
    )
    for method, runs in curves.items():
        R = np.stack(runs)  # (seeds, evals, 4)
        for i, epoch in enumerate(R[0, :, 0].astype(int)):
            tr, te, se = R[:, i, 1], R[:, i, 2], R[:, i, 3]
            gap = te - tr
            print(
                f"{LABELS[method]:<16} {epoch:>5} "
                f"{tr.mean():>12.1f} ± {tr.std():>7.1f} "
                f"{te.mean():>12.1f} ± {te.std():>7.1f} {se.mean():>9.3f} "
                f"{gap.mean():>9.1f} ± {gap.std():>6.1f}"
            )
    print()
    for method, runs in curves.items():
        R = np.stack(runs)
        for col, name in ((1, "train"), (2, "test")):
            ratio = R[:, 0, col] / R[:, -1, col]
            best = R[:, 0, col] / R[:, :, col].min(1)
            print(
                f"{LABELS[method]:<16} {name:<5}: NLL(epoch 0) / NLL(epoch "
                f"{int(R[0, -1, 0])}) = {ratio.mean():.2f} ± {ratio.std():.2f}; "
                f"/ lowest NLL = {best.mean():.2f} ± {best.std():.2f}"
            )
        gap = R[:, -1, 2] - R[:, -1, 1]
        rel = gap / R[:, -1, 1]
        print(
            f"{LABELS[method]:<16} final test - train gap "
            f"{gap.mean():.1f} ± {gap.std():.1f} "
            f"nats ({100 * rel.mean():.2f} % of the train NLL)"
        )


def fig6_plot(curves, path):
    """(a) every method's train and test NLL, log scale; (b) the first
    method's (PID + Gibbs, the paper's) over the last two thirds."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    colors = {"pid_gibbs": "C0", "pid": "C3"}
    for ax, zoom in zip(axes, (False, True), strict=True):
        for method, runs in list(curves.items())[: 1 if zoom else None]:
            R = np.stack(runs)
            epochs = R[0, :, 0]
            keep = epochs >= epochs[-1] / 3 if zoom else slice(None)
            for col, style, name in ((1, "-", "train"), (2, "--", "test")):
                mean, sd = R[:, :, col].mean(0), R[:, :, col].std(0)
                ax.plot(
                    epochs[keep],
                    mean[keep],
                    style,
                    color=colors[method],
                    label=f"{LABELS[method]}, {name}",
                )
                ax.fill_between(
                    epochs[keep],
                    (mean - sd)[keep],
                    (mean + sd)[keep],
                    color=colors[method],
                    alpha=0.2,
                )
        ax.set_xlabel("epoch")
        ax.set_ylabel("NLL (nats, AIS)")
        ax.set_yscale("log")
        ax.set_title("(b) late training" if zoom else "(a) negative log-likelihood")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"saved figure: {path}")


def image_grid(images, n_cols, path, title, vmin=-1, vmax=1, frame=None):
    n_rows = -(-len(images) // n_cols)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(1.3 * n_cols, 1.3 * n_rows + 0.4), squeeze=False
    )
    for i, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if i < len(images):
            ax.imshow(images[i].reshape(28, 28), cmap="gray", vmin=vmin, vmax=vmax)
            if frame == i:
                ax.set_axis_on()
                ax.set_xticks([])
                ax.set_yticks([])
                for spine in ax.spines.values():
                    spine.set_color("red")
                    spine.set_linewidth(3)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"saved figure: {path}")


def describe(clf, images, name):
    """Print the pixel classifier's labels of ``images`` and its confidence."""
    proba = clf.predict_proba(images)
    counts = np.bincount(proba.argmax(1), minlength=10)
    print(
        f"  {name}: classes {' '.join(f'{d}:{c}' for d, c in enumerate(counts) if c)}; "
        f"{np.count_nonzero(counts)} distinct; confidence (largest class "
        f"probability) median {np.median(proba.max(1)):.2f}"
    )
    return proba


def upright(V):
    """V with every row whose pixels are mostly on negated. Without biases
    the ±1 model gives v and −v the same probability, so half of its chains
    end in negatives of digits (white background); this shows (and lets the
    classifier label) them the way the training images look."""
    return V * np.where(V.mean(1, keepdims=True) > 0, -1.0, 1.0).astype(V.dtype)


def nearest_similarity(A, X_train):
    """Largest |cosine similarity| of each row of A with a training image
    (the absolute value: v and −v are the same state of the model)."""
    A = A / np.linalg.norm(A, axis=1, keepdims=True)
    B = X_train / np.linalg.norm(X_train, axis=1, keepdims=True)
    return np.abs(A @ B.T).max(1)


def main():
    # the summary (the parser's description) is the first paragraph
    parser = mnist_parser(" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--n-train", type=int, default=None)
    parser.add_argument("--n-test", type=int, default=None)
    parser.add_argument("--components", type=int, default=3000)
    parser.add_argument("--patterns", type=int, default=190)
    parser.add_argument("--sample-patterns", type=int, default=290)
    parser.add_argument("--lr", type=float, default=0.015)
    parser.add_argument("--decay", type=float, default=0.8)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--cd-steps", type=int, default=10)
    parser.add_argument(
        "--methods", nargs="+", default=["pid_gibbs", "pid"], choices=list(LABELS)
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--eval-epochs", type=int, nargs="+", default=[0, 1, 2, 3, 4, 6, 8, 10, 12]
    )
    parser.add_argument("--ais-chains", type=int, default=100)
    parser.add_argument("--ais-betas", type=int, default=1000)
    parser.add_argument("--n-samples", type=int, default=25)
    parser.add_argument("--sample-steps", type=int, default=200)
    parser.add_argument("--chains-per-pattern", type=int, default=16)
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="trainings run at once (one BLAS thread each)",
    )
    parser.add_argument("--out", default="rapid_mnist_nll")
    args = parser.parse_args()
    t_start = time.perf_counter()

    X_train, y_train, X_test, y_test = load_spin_mnist(args)
    data = (X_train, y_train, X_test, y_test)
    print(
        f"MNIST: {len(X_train)} training and {len(X_test)} test images; RAPIDRBM H = "
        f"{args.components}, LR = {args.lr} (x {args.decay} per epoch), batches of "
        f"{args.batch_size}, AIS with {args.ais_chains} chains and {args.ais_betas} "
        f"distributions\n"
    )

    # Fig. 6a,b (K = --patterns, every method and seed) and the K = 290 model of
    # Fig. 6c, one training per job
    eval_epochs = sorted(set(args.eval_epochs))
    curve_jobs = [(args.patterns, m, s) for m in args.methods for s in args.seeds]
    sample_job = (args.sample_patterns, "pid_gibbs", args.seeds[0])
    jobs = list(dict.fromkeys(curve_jobs + [sample_job]))  # each training once
    threads = max(1, 2 // args.jobs)
    results = dict(
        zip(
            jobs,
            Parallel(n_jobs=args.jobs, backend="loky")(
                delayed(train_curve)(args, data, K, m, s, eval_epochs, threads)
                for K, m, s in jobs
            ),
            strict=True,
        )
    )
    curves = {}
    for job in curve_jobs:
        curves.setdefault(job[1], []).append(results[job][0])
    fig6_table(curves)
    # (seeds, evaluations, [epoch, train NLL, test NLL, AIS s.e.]) per method
    np.savez(f"{args.out}_fig6.npz", **{m: np.stack(r) for m, r in curves.items()})
    fig6_plot(curves, f"{args.out}_fig6ab.png")

    # the pixel classifier that labels the samples
    clf, C, _ = fit_logistic(X_train, y_train, 300, "cv", 0)
    print(
        f"\npixel classifier (logistic regression, C = {C}): test accuracy "
        f"{100 * clf.score(X_test, y_test):.2f} %"
    )
    describe(clf, X_test, "test images")

    # Fig. 6c: samples of the K = 290 model
    sampler = results[sample_job][1]
    samples = upright(
        sampler.sample(args.n_samples, n_steps=args.sample_steps, random_state=0)
    )
    print(
        f"\nFig. 6c: {args.n_samples} samples of the K = {args.sample_patterns} model "
        f"({args.sample_steps} Gibbs steps from random states)"
    )
    describe(clf, samples, "samples")
    image_grid(
        samples,
        5,
        f"{args.out}_fig6c.png",
        f"samples, K = {args.sample_patterns} ({args.sample_steps} Gibbs steps)",
    )

    # Fig. 7: patterns of the first seed's PID + Gibbs model and chains seeded at them
    model = (
        results[(args.patterns, "pid_gibbs", args.seeds[0])][1]
        if "pid_gibbs" in args.methods
        else results[curve_jobs[0]][1]
    )
    rng = np.random.default_rng(0)
    chosen = rng.choice(args.patterns, size=8, replace=False)
    xi_v = upright(model.patterns_visible_[chosen])
    seeds = np.where(xi_v >= 0, 1.0, -1.0)
    print(
        f"\nFig. 7: patterns {chosen.tolist()} of the K = {args.patterns} PID + Gibbs "
        f"model, seed {args.seeds[0]}; mean |ξ_v| {np.abs(xi_v).mean():.2f}, "
        f"fraction at the bound ±1 {np.mean(np.abs(xi_v) >= 1.0):.2f}"
    )
    sim_patterns = nearest_similarity(seeds, X_train)
    sim_test = nearest_similarity(X_test[:1000], X_train)
    print(
        f"  largest cosine similarity with a training image: binarized patterns "
        f"{', '.join(f'{s:.2f}' for s in sim_patterns)}; test images median "
        f"{np.median(sim_test):.2f} (5th percentile {np.percentile(sim_test, 5):.2f})"
    )
    describe(clf, seeds, "binarized patterns")
    n_classes = []
    first = None
    for k in range(len(chosen)):
        init = np.repeat(seeds[k : k + 1], args.chains_per_pattern, axis=0)
        ends = upright(
            model.sample(init=init, n_steps=args.sample_steps, random_state=k)
        )
        labels = clf.predict(ends)
        n_classes.append(len(np.unique(labels)))
        if k == 0:
            first = ends
            describe(clf, ends, f"chains from pattern {chosen[0]}")
    print(
        f"  distinct classes reached by {args.chains_per_pattern} chains from each of "
        f"the 8 patterns: {n_classes} (mean {np.mean(n_classes):.1f})"
    )
    image_grid(
        xi_v,
        8,
        f"{args.out}_fig7a.png",
        "visible parts of 8 trained patterns (continuous, in [-1, 1])",
        frame=0,
    )
    image_grid(
        first,
        8,
        f"{args.out}_fig7b.png",
        f"{args.sample_steps} Gibbs steps from the framed pattern",
    )
    print(f"\ntotal wall time {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
