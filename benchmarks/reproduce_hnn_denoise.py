"""Reproduce the ConvHNN2d MNIST denoiser of "Continuous Hopfield Networks", §4.3.

The paper (M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
Hopfield Networks", 2024, §4.3) trains a small convolutional
Hopfield denoiser on MNIST and reports a test MSE of 4e-2 with 742 trainable
parameters after 20 epochs; the author's published notebook, run as it is,
gives 0.376. The architecture, as the author's code builds it:

1. the 28×28 image, on the [−1, 1] pixel scale, is padded to 32×32 with the
   background value −1, plus 4 more pixels of −1 on each side (40×40);
2. ``ConvHNN2d(1, 9, 5, iterations=2)``: 9 stored 5×5 patterns, the logits
   of every 5×5 region after two Hopfield updates (36×36×9);
3. a linear autoencoder on those logits: SiLU, ``Conv2d(9, 3, 3, padding=2)``
   (encoder), SiLU, ``ConvTranspose2d(3, 9, 3, padding=2)`` (decoder; the
   paper text says "9 channels to 2", the code maps 3 channels to 9);
4. ``ConvHNN2d.recall``: the transposed convolution of the softmax of those
   logits with the Hopfield patterns, every region's recalled pattern
   X softmax(ℓ) overlapped back into the image; clipped to [−1, 1] and
   cropped to the central 32×32.

Training as the author's code: inputs = clean + σ ε with σ = 1 on the
[−1, 1] scale (the code adds 0.5 ε on the [0, 1] scale, then maps x → 2x − 1),
a fresh ε for every batch; target = the clean image; MSE loss plus
0.01 (mean |W_enc| + mean |W_dec|); Adam with learning rate 0.01, batches of
512, 20 epochs. Not reproduced: the author's random affine and contrast
augmentation of every training *and test* image (torchvision transforms);
here the images are used as they are. Everything runs on the CPU.

Initialisation (``--init author``, the default): as the author's code, the
Hopfield patterns are tanh of standard normal draws, ln β and the biases
standard normal. With the layer's own initialisation (``--init layer``:
patterns uniform in ±1/5, β = 1, biases 0) the softmax starts almost
uniform, the recalled image falls below −1 within the first epoch, the
clipping then stops every gradient, and the network stays at "background
everywhere" (test MSE 0.318, the MSE of predicting −1 for every pixel).

For context the same run trains a plain convolutional autoencoder of about
the same size (within 10% of the parameters; the Hopfield layer replaced by
``Conv2d(1, c, 5)`` and its recall by ``ConvTranspose2d(c, 1, 5)``, SiLU
between all layers, c chosen to match the parameter count) with the same
loss, regularisation, optimizer, batches, epochs, noise, padding, clipping
and crop, and reports two trivial baselines: the noisy input itself (as it
is, and clipped to [−1, 1]) and the mean training image.

Test MSE: one fixed noisy copy of each of the 10,000 test images (seeded),
the squared error summed over every pixel of every image and divided by
10,000 × 32 × 32 (the mean of the per-image MSEs; the author's tester
instead averages per-batch means). The 32×32 frame includes the 2-pixel
padding ring, which is easy to denoise; the "28×28" column gives the same
mean over the original MNIST pixels only. The test set is evaluated after
every epoch (not used for training or for any choice); both the last and the
best epoch are printed.

Run:  python benchmarks/reproduce_hnn_denoise.py [--data DIR] [--download]
          [--epochs 20] [--batch-size 512] [--lr 0.01] [--sigma 1.0]
          [--threads 1] [--seed 0] [--init author] [--out hnn_denoise.png]
Quick check:  python benchmarks/reproduce_hnn_denoise.py --n-train 2000 \\
          --n-test 1000 --epochs 2
"""

import time

import numpy as np
import torch
from _mnist import mnist_parser
from torch import nn
from torch.nn import functional as F

from skhopfield.datasets import load_mnist
from skhopfield.nn import ConvHNN2d

FRAME = 32  # the author's 28×28 images padded by 2 on each side
BORDER = 4  # extra padding inside the models, removed by the final crop
THESIS_MSE = 4e-2
AUTHORS_CODE_MSE = 0.376


def to_frames(X):
    """uint8 images (n, 784) → float32 tensor (n, 1, 32, 32) on [−1, 1]."""
    images = torch.from_numpy(X.reshape(-1, 1, 28, 28).astype(np.float32))
    images = images / 127.5 - 1.0
    pad = (FRAME - 28) // 2
    return F.pad(images, (pad, pad, pad, pad), value=-1.0)


def _finish(x):
    """Clip to [−1, 1] and crop the ``BORDER`` ring (the author's last step)."""
    x = torch.clamp(x, -1.0, 1.0)
    return x[:, :, BORDER:-BORDER, BORDER:-BORDER]


class HopfieldDenoiser(nn.Module):
    """ConvHNN2d → SiLU → Conv 9→3 → SiLU → ConvTranspose 3→9 → recall."""

    def __init__(self, n_patterns=9, kernel_size=5, code_channels=3, iterations=2):
        super().__init__()
        self.hopfield = ConvHNN2d(1, n_patterns, kernel_size, iterations=iterations)
        self.encoder = nn.Conv2d(n_patterns, code_channels, 3, padding=2)
        self.decoder = nn.ConvTranspose2d(code_channels, n_patterns, 3, padding=2)

    def forward(self, x):
        x = F.pad(x, (BORDER,) * 4, value=-1.0)
        logits = self.hopfield(x)
        code = self.encoder(F.silu(logits))
        logits = self.decoder(F.silu(code))
        return _finish(self.hopfield.recall(logits))


class PlainDenoiser(nn.Module):
    """The same shape with plain convolutions: Conv 1→c (5×5) … ConvT c→1."""

    def __init__(self, channels, kernel_size=5, code_channels=3):
        super().__init__()
        self.first = nn.Conv2d(1, channels, kernel_size)
        self.encoder = nn.Conv2d(channels, code_channels, 3, padding=2)
        self.decoder = nn.ConvTranspose2d(code_channels, channels, 3, padding=2)
        self.last = nn.ConvTranspose2d(channels, 1, kernel_size)

    def forward(self, x):
        x = F.pad(x, (BORDER,) * 4, value=-1.0)
        h = F.silu(self.first(x))
        h = F.silu(self.encoder(h))
        h = F.silu(self.decoder(h))
        return _finish(self.last(h))


def n_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def matching_plain(n_target):
    """The plain denoiser whose parameter count is closest to ``n_target``."""
    best = None
    for channels in range(1, 64):
        count = n_parameters(PlainDenoiser(channels))
        if best is None or abs(count - n_target) < abs(best[1] - n_target):
            best = (channels, count)
    return best[0]


def sse(pred, clean):
    """Squared error summed over the 32×32 frame and over the 28×28 digit."""
    d2 = (pred - clean).double() ** 2
    pad = (FRAME - 28) // 2
    return d2.sum().item(), d2[:, :, pad:-pad, pad:-pad].sum().item()


def evaluate(model, noisy, clean, batch_size=1000):
    model.eval()
    total = np.zeros(2)
    with torch.no_grad():
        for start in range(0, len(noisy), batch_size):
            stop = start + batch_size
            total += sse(model(noisy[start:stop]), clean[start:stop])
    model.train()
    return total / (len(noisy) * np.array([FRAME * FRAME, 28 * 28]))


def train(model, clean_train, noisy_test, clean_test, args, label):
    """Adam on MSE + the author's L1 term; test MSE after every epoch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed + 1)
    history, seconds = [], []
    n = len(clean_train)
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=gen)
        loss_sum = 0.0
        for start in range(0, n, args.batch_size):
            clean = clean_train[order[start : start + args.batch_size]]
            noisy = clean + args.sigma * torch.randn(clean.shape, generator=gen)
            loss = F.mse_loss(model(noisy), clean)
            reg = args.l1 * (
                model.encoder.weight.abs().mean() + model.decoder.weight.abs().mean()
            )
            optimizer.zero_grad()
            (loss + reg).backward()
            optimizer.step()
            loss_sum += loss.item() * len(clean)
        seconds.append(time.perf_counter() - t0)
        history.append(evaluate(model, noisy_test, clean_test))
        print(
            f"  {label:<10} epoch {epoch:>3}: train MSE {loss_sum / n:.4f}, "
            f"test MSE {history[-1][0]:.4f} (28x28 {history[-1][1]:.4f}), "
            f"{seconds[-1]:.1f} s",
            flush=True,
        )
    return np.array(history), float(np.mean(seconds))


def plot(path, noisy, hop, plain, clean, patterns, curves, baselines):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_cols = max(len(clean), len(patterns))
    fig = plt.figure(figsize=(1.1 * n_cols, 8.6))
    grid = fig.add_gridspec(7, n_cols, height_ratios=[1, 1, 1, 1, 1, 0.25, 2.6])
    rows = [
        ("noisy (σ = 1)", noisy),
        ("ConvHNN2d", hop),
        ("plain AE", plain),
        ("clean", clean),
    ]
    for r, (name, images) in enumerate(rows):
        for c, image in enumerate(images):
            ax = fig.add_subplot(grid[r, c])
            ax.imshow(image, cmap="gray", vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(name, fontsize=8)
    bound = np.abs(patterns).max()
    for c, pattern in enumerate(patterns):
        ax = fig.add_subplot(grid[4, c])
        ax.imshow(pattern, cmap="RdBu_r", vmin=-bound, vmax=bound)
        ax.set_xticks([])
        ax.set_yticks([])
        if c == 0:
            ax.set_ylabel("patterns", fontsize=8)
    ax = fig.add_subplot(grid[6, :])
    for name, curve in curves.items():
        ax.plot(np.arange(1, len(curve) + 1), curve, "o-", ms=3, label=name)
    styles = iter([":", "--", "-."])
    for name, value in baselines.items():
        ax.axhline(value, color="gray", ls=next(styles), label=name)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("test MSE (32×32, [−1, 1] scale)")
    ax.legend(fontsize=7, ncol=2)
    fig.suptitle(
        "MNIST denoising: noisy / ConvHNN2d / plain AE / clean, and "
        "the 9 learned 5×5 Hopfield patterns",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    parser = mnist_parser(__doc__)
    parser.add_argument("--n-train", type=int, default=None)
    parser.add_argument("--n-test", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument(
        "--l1",
        type=float,
        default=0.01,
        help="weight of the author's L1 term on the autoencoder",
    )
    parser.add_argument(
        "--sigma",
        type=float,
        default=1.0,
        help="noise standard deviation on the [-1, 1] scale",
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--init",
        choices=["author", "layer"],
        default="author",
        help="initial Hopfield parameters (see the module docstring)",
    )
    parser.add_argument(
        "--out", default="hnn_denoise.png", help="plot file ('' for none)"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    X_train, _, X_test, _ = load_mnist(args.data, download_if_missing=args.download)
    clean_train = to_frames(X_train[: args.n_train])
    clean_test = to_frames(X_test[: args.n_test])
    gen = torch.Generator().manual_seed(args.seed)
    noisy_test = clean_test + args.sigma * torch.randn(clean_test.shape, generator=gen)
    print(
        f"MNIST denoising: {len(clean_train)} training / {len(clean_test)} test "
        f"images, 32x32 on [-1, 1], noise sigma = {args.sigma}; "
        f"{args.epochs} epochs, Adam lr {args.lr}, batches of {args.batch_size}, "
        f"{args.init} initialisation; "
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"
    )

    n = len(clean_test) * np.array([FRAME * FRAME, 28 * 28])
    mean_image = clean_train.mean(0, keepdim=True).expand_as(clean_test)
    baselines = {
        "noisy input": np.array(sse(noisy_test, clean_test)) / n,
        "noisy input clipped to [-1, 1]": np.array(
            sse(noisy_test.clamp(-1, 1), clean_test)
        )
        / n,
        "mean training image": np.array(sse(mean_image, clean_test)) / n,
    }

    torch.manual_seed(args.seed)
    hop = HopfieldDenoiser()
    if args.init == "author":
        layer = hop.hopfield
        with torch.no_grad():
            layer.patterns.copy_(torch.tanh(torch.randn_like(layer.patterns)))
            layer.log_beta.normal_()
            layer.bias.normal_()
    n_hop = n_parameters(hop)
    channels = matching_plain(n_hop)
    torch.manual_seed(args.seed)
    plain = PlainDenoiser(channels)
    n_plain = n_parameters(plain)
    print(
        f"ConvHNN2d denoiser: {n_hop} parameters; plain AE with {channels} "
        f"channels: {n_plain} parameters ({100 * (n_plain / n_hop - 1):+.1f}%)"
    )
    hop_hist, hop_s = train(hop, clean_train, noisy_test, clean_test, args, "ConvHNN2d")
    plain_hist, plain_s = train(
        plain, clean_train, noisy_test, clean_test, args, "plain AE"
    )

    hop_best = int(np.argmin(hop_hist[:, 0]))
    plain_best = int(np.argmin(plain_hist[:, 0]))
    rows = [
        (
            f"ConvHNN2d denoiser, epoch {args.epochs} (last)",
            f"{THESIS_MSE:g} (code: {AUTHORS_CODE_MSE})",
            hop_hist[-1],
            n_hop,
            hop_s,
        ),
        (
            f"ConvHNN2d denoiser, best epoch ({hop_best + 1})",
            "",
            hop_hist[hop_best],
            n_hop,
            hop_s,
        ),
        (
            f"plain conv AE, epoch {args.epochs} (last)",
            "",
            plain_hist[-1],
            n_plain,
            plain_s,
        ),
        (
            f"plain conv AE, best epoch ({plain_best + 1})",
            "",
            plain_hist[plain_best],
            n_plain,
            plain_s,
        ),
    ] + [(f"baseline: {name}", "", value, 0, None) for name, value in baselines.items()]
    header = (
        f"{'experiment':<44} {'paper':>18} {'ours 32x32':>11} "
        f"{'ours 28x28':>11} {'params':>7} {'s/epoch':>8}"
    )
    print()
    print("Test MSE on the [-1, 1] scale (sum of squared errors / (images x pixels))")
    print(header)
    print("-" * len(header))
    for name, paper, value, params, seconds in rows:
        s = f"{seconds:8.1f}" if seconds is not None else f"{'-':>8}"
        print(
            f"{name:<44} {paper or '-':>18} {value[0]:>11.4f} {value[1]:>11.4f} "
            f"{params:>7} {s}"
        )
    print(
        f"\nlearned beta of the Hopfield layer: "
        f"{torch.exp(hop.hopfield.log_beta).item():.4g}; bias: "
        f"{np.array2string(hop.hopfield.bias.detach().numpy(), precision=2)}"
    )

    if args.out:
        k = min(9, len(clean_test))
        with torch.no_grad():
            hop.eval()
            plain.eval()
            shown = [
                t[:k, 0].numpy()
                for t in (
                    noisy_test[:k],
                    hop(noisy_test[:k]),
                    plain(noisy_test[:k]),
                    clean_test[:k],
                )
            ]
        patterns = hop.hopfield.patterns.detach()[:, 0].numpy()
        plot(
            args.out,
            *shown,
            patterns,
            {"ConvHNN2d denoiser": hop_hist[:, 0], "plain conv AE": plain_hist[:, 0]},
            {name: value[0] for name, value in baselines.items()},
        )
        print(f"\nplot saved to {args.out}")


if __name__ == "__main__":
    main()
