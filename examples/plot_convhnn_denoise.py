"""
Denoising digits with a convolutional Hopfield layer
====================================================

:class:`skhopfield.nn.ConvHNN2d` runs one small modern Hopfield network on
every 3×3 region of an image: each region ξ is compared with the layer's
stored patterns P through the logits β P ξ, and one Hopfield update
ξ ← Pᵀ softmax(β P ξ) replaces the region by a mixture of stored patterns.
:meth:`~skhopfield.nn.ConvHNN2d.recall` adds those recalled patches back up
where the regions overlap (a transposed convolution with the patterns), so
the layer alone is a denoiser: an image goes in, the recalled image comes
out, and only the patterns, β and the per-pattern biases are learned.

Here 12 patterns of 3×3 pixels are trained for a few seconds on the 8×8
digits of :func:`sklearn.datasets.load_digits` (pixels put on [−1, 1]), to
map images with Gaussian noise (σ = 0.6) back to the clean images (MSE
loss, Adam). The figure shows held-out noisy digits, their recalled images
and the clean digits, then the learned patterns. This is the architecture
of Catacchini, Magrini Alunno & Ferracci (2024), §4.3, without its small
autoencoder between the Hopfield layer and the recall.

References: M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
Hopfield Networks", 2024; H. Ramsauer et al., "Hopfield Networks
is All You Need", ICLR 2021.
"""

# %%
# Data: clean digits on [−1, 1] and their noisy copies
# ----------------------------------------------------
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from torch.nn import functional as F

from skhopfield.nn import ConvHNN2d

torch.manual_seed(0)
torch.set_num_threads(1)
images = torch.tensor(load_digits().images, dtype=torch.float32) / 8.0 - 1.0
clean = images[:, None]  # (1797, 1, 8, 8), background −1
train, test = clean[:1500], clean[1500:]
SIGMA = 0.6
noisy_test = test + SIGMA * torch.randn(test.shape)

# %%
# The denoiser: Hopfield logits of every region, then recall
# ----------------------------------------------------------
# The image is padded with background so that border pixels are covered by
# as many regions as the others; the recall is cropped back to 8×8.
PAD = 2
layer = ConvHNN2d(in_channels=1, out_channels=12, kernel_size=3, iterations=1)


def denoise(x):
    x = F.pad(x, (PAD,) * 4, value=-1.0)
    return layer.recall(layer(x))[:, :, PAD:-PAD, PAD:-PAD]


optimizer = torch.optim.Adam(layer.parameters(), lr=0.03)
for _ in range(8):
    for batch in torch.randperm(len(train)).split(100):
        target = train[batch]
        loss = F.mse_loss(denoise(target + SIGMA * torch.randn(target.shape)), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

with torch.no_grad():
    denoised = denoise(noisy_test)
mse_noisy = F.mse_loss(noisy_test, test).item()
mse_denoised = F.mse_loss(denoised, test).item()
mse_mean = F.mse_loss(train.mean(0, keepdim=True).expand_as(test), test).item()
print(
    f"test MSE: noisy input {mse_noisy:.3f}, mean training image {mse_mean:.3f}, "
    f"ConvHNN2d recall {mse_denoised:.3f}; learned beta "
    f"{layer.log_beta.exp().item():.2f}"
)

# %%
# Noisy, recalled and clean test digits, and the stored patterns
# ---------------------------------------------------------------
# The recall keeps the strokes and flattens the noisy background: every
# region is replaced by a mixture of the 12 stored patterns (bottom row,
# red positive, blue negative), so pixel noise that no mixture of patterns
# can produce is removed.
n_shown = len(layer.patterns)  # 12 test digits and the 12 patterns
fig, axes = plt.subplots(4, n_shown, figsize=(1.1 * n_shown, 4.8))
rows = [("noisy", noisy_test), ("recalled", denoised), ("clean", test)]
for r, (name, shown) in enumerate(rows):
    for c in range(n_shown):
        axes[r, c].imshow(shown[c, 0], cmap="gray", vmin=-1, vmax=1)
        axes[r, c].set_xticks([])
        axes[r, c].set_yticks([])
    axes[r, 0].set_ylabel(name, fontsize=9)
patterns = layer.patterns.detach()[:, 0]
bound = patterns.abs().max()
for c in range(n_shown):
    axes[3, c].imshow(patterns[c], cmap="RdBu_r", vmin=-bound, vmax=bound)
    axes[3, c].set_xticks([])
    axes[3, c].set_yticks([])
axes[3, 0].set_ylabel("patterns", fontsize=9)
fig.suptitle(
    f"test MSE: noisy {mse_noisy:.3f}, recalled {mse_denoised:.3f}; "
    "bottom: the 12 learned 3×3 patterns",
    fontsize=10,
)
fig.tight_layout()

# sphinx_gallery_start_ignore
# Outside the docs, also save the figures as PNG files (see _figures.py).
try:
    from _figures import save_figures
except ImportError:  # this script without the rest of examples/
    pass
else:
    save_figures()
# sphinx_gallery_end_ignore
plt.show()
