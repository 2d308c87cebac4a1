"""
RAPID learns the 4 × 4 bars in a few epochs
===========================================

A ±1 RBM whose weights are built from K patterns, W = ξ_vᵀξ_h/√K
(Regularized Axons: A. Pozas-Kerstjens et al., "Efficient training of
energy-based models via spin-glass control", Machine Learning: Science and
Technology, 2021, Eq. 5), is not a spin glass: its low-energy states sit at
the patterns, so the negative phase of the log-likelihood gradient can be
read off the patterns instead of sampled (PID, Eq. 6).
:class:`~skhopfield.RAPIDRBM` trains such a model on the 4 × 4 Bars set of
that paper (10 training images, 4 test images that it never sees) and
reconstructs images from their first row (App. C). A standard
:class:`~skhopfield.SpinRBM` trained with CD-10 for the same number of epochs
is shown beside it.
"""

# %%
# Data, models and training
# -------------------------
# :func:`~skhopfield.datasets.make_bars` gives the paper's split: every
# training image has its negative in the training set, every test image in
# the test set (with ±1 spins and no biases, v and −v have the same energy).
import matplotlib.pyplot as plt
import numpy as np

from skhopfield import RAPIDRBM, SpinRBM
from skhopfield.datasets import make_bars
from skhopfield.metrics import gibbs_accessibility, hamming_reconstruction_error

X_train, X_test = make_bars(4)
rapid = RAPIDRBM(
    n_patterns=8,
    n_components=1000,
    learning_rate=0.03,
    learning_rate_decay=0.9,
    batch_size=10,
    random_state=0,
)
cd10 = SpinRBM(
    n_components=1000,
    cd_steps=10,
    learning_rate=0.05,
    batch_size=10,
    fit_intercept=False,
    random_state=0,
)
curves = {"RAPID (K = 8, PID)": [], "SpinRBM (CD-10)": []}
for _ in range(10):
    for model, curve in zip((rapid, cd10), curves.values(), strict=True):
        model.partial_fit(X_train)
        curve.append(
            (
                hamming_reconstruction_error(model, X_train, 4, random_state=0),
                hamming_reconstruction_error(model, X_test, 4, random_state=0),
                gibbs_accessibility(model, random_state=0),
            )
        )
for name, curve in curves.items():
    train, test, access = np.array(curve)[-1]
    print(
        f"{name}: after 10 epochs, Hamming distance train {train:.3f}, "
        f"test {test:.3f}; Gibbs accessibility {access:.2f}"
    )

# %%
# Learning curves
# ---------------
# The Hamming distance of the reconstructions (0 is perfect, 0.5 is chance)
# falls for the test images as fast as for the training images: the model
# generalizes rather than memorizes. Gibbs sampling from random states
# reaches the ground state of the RA model from the first epoch (Fig. 2a).
fig, axes = plt.subplots(1, 3, figsize=(11, 3))
titles = ["train Hamming distance", "test Hamming distance", "Gibbs accessibility"]
for j, ax in enumerate(axes):
    for name, curve in curves.items():
        ax.plot(np.arange(1, 11), np.array(curve)[:, j], marker="o", label=name)
    ax.set_title(titles[j])
    ax.set_xlabel("epoch")
# the accessibility panel has room for the legend between its two curves
axes[2].legend(loc="center right")
fig.tight_layout()

# %%
# Patterns and spectrum
# ---------------------
# The visible parts of the learned patterns (sign-binarized after every
# epoch, App. B.1) are shown with the test images. The weights of both
# models have a few large singular values (Fig. 4): a trained RBM looks like
# an RA model.
fig = plt.figure(figsize=(8, 3), layout="constrained")
for subfig, images, title in zip(
    fig.subfigures(1, 2, width_ratios=[1, 2], wspace=0.08),
    (X_test, rapid.patterns_visible_),
    ("the 4 test images", "RAPID's 8 patterns ξ_v"),
    strict=True,
):
    axes = subfig.subplots(2, len(images) // 2)
    for ax, image in zip(axes.ravel(), images, strict=True):
        ax.imshow(image.reshape(4, 4), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
    subfig.suptitle(title)
for name, model in zip(curves, (rapid, cd10), strict=True):
    singular = np.linalg.svd(model.components_, compute_uv=False)
    print(f"largest singular values of W, {name}: {np.round(singular[:6], 1)}")
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
