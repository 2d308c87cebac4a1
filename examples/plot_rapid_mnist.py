"""
RAPID on handwritten digits: likelihood, patterns and samples
=============================================================

An RA-RBM builds its weights from K trainable patterns, W = ξ_vᵀξ_h/√K, so
that its low-energy states sit near the patterns (A. Pozas-Kerstjens et
al., "Efficient training of energy-based models via spin-glass control",
Machine Learning: Science and Technology, 2021). On digits the paper bounds
the patterns to [−1, 1] after every update and takes the negative phase of
the gradient from 10 Gibbs steps started at the binarized patterns
(Sec. V.B). :class:`~skhopfield.RAPIDRBM` does both
(``pattern_binarization="clip"``, ``negative_phase="pid_gibbs"``); here it
is trained on a small part of MNIST, or, when the MNIST files are not on
this machine, on scikit-learn's 8 × 8 digits (the script says which). We
follow the negative log-likelihood on the training and the test images
epoch by epoch (Fig. 6a of the paper), then look at the patterns and at
Gibbs chains started from them (Fig. 7). ``benchmarks/reproduce_rapid_mnist_nll.py``
runs the paper's full-size model.
"""

# %%
# The data
# --------
# MNIST is read from ``$SKHOPFIELD_DATA`` or from ``shared/data/mnist`` next
# to the repository; the pixels are binarized to ±1 (the paper's non-zero
# pixels are on).
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skhopfield import RAPIDRBM
from skhopfield.datasets import load_mnist

try:
    HERE = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs the script from examples/
    HERE = Path.cwd()
data_home = (
    os.environ.get("SKHOPFIELD_DATA") or HERE.parents[1] / "shared" / "data" / "mnist"
)
try:
    X_train, _, X_test, _ = load_mnist(data_home)
except FileNotFoundError:
    X, y = load_digits(return_X_y=True)
    X_train, X_test = train_test_split(X, test_size=0.3, random_state=0, stratify=y)
    side, source = 8, "scikit-learn's 8 x 8 digits (MNIST files not found)"
    threshold, n_components, n_patterns = 4, 300, 20
else:
    X_train, X_test = X_train[:2000], X_test[:1000]
    side, source = 28, "MNIST (the first 2000 training and 1000 test images)"
    threshold, n_components, n_patterns = 0, 500, 30
X_train = np.where(X_train > threshold, 1.0, -1.0)
X_test = np.where(X_test > threshold, 1.0, -1.0)
print(f"data: {source}; {len(X_train)} training and {len(X_test)} test images")

# %%
# Training, and the likelihood per epoch
# --------------------------------------
# :meth:`~skhopfield.RAPIDRBM.partial_fit` trains one epoch per call, so the
# likelihood can be measured between epochs: ``score`` is the mean
# log-likelihood, with ln Z estimated by annealed importance sampling,
# and :meth:`~skhopfield.RAPIDRBM.log_partition` gives that estimate's
# standard error. The untrained model (random ±1 patterns) is far too cold:
# its weights are of order 1, so ln Z is dominated by a few states near the
# patterns, far from the data, and the negative log-likelihood is far above
# that of the uniform distribution. Training brings the weights down and the
# negative log-likelihood falls by one to two orders of magnitude, as fast on
# the test images as on the training images.
rbm = RAPIDRBM(
    n_patterns=n_patterns,
    n_components=n_components,
    learning_rate=0.015,
    learning_rate_decay=0.9,
    negative_phase="pid_gibbs",
    cd_steps=10,
    pattern_binarization="clip",
    binarize=None,
    n_ais_betas=300,
    n_iter=0,
    random_state=0,
).fit(X_train)  # n_iter=0: the untrained model
epochs = np.arange(0, 31, 5)
nll = []
for epoch in range(epochs[-1] + 1):
    if epoch:
        rbm.partial_fit(X_train)
    if epoch in epochs:
        _, std_error = rbm.log_partition()
        nll.append((-rbm.score(X_train), -rbm.score(X_test), std_error))
        print(
            f"epoch {epoch:>2}: NLL train {nll[-1][0]:7.0f}, "
            f"test {nll[-1][1]:7.0f} nats "
            f"(AIS standard error of ln Z {std_error:.2f})"
        )
nll = np.array(nll)
print(f"the uniform distribution: {X_train.shape[1] * np.log(2):.0f} nats")

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.semilogy(epochs, nll[:, 0], marker="o", label="training images")
ax.semilogy(epochs, nll[:, 1], marker="s", linestyle="--", label="test images")
ax.axhline(X_train.shape[1] * np.log(2), color="gray", linewidth=1, label="uniform")
ax.set_xlabel("epoch")
ax.set_ylabel("negative log-likelihood (nats)")
ax.set_title("RAPID, PID + 10 Gibbs steps")
ax.legend()
fig.tight_layout()

# %%
# Patterns and the chains they seed
# ---------------------------------
# The visible parts ξ_v of the trained patterns are continuous in [−1, 1];
# they look like noise around a faint blob, not like training digits. Gibbs
# chains started at a binarized pattern (``sample(init=...)``) leave it: on
# the 8 × 8 digits the chains from one pattern end in several different
# digits (Fig. 7b of the paper), while this small model, trained for
# seconds on 2000 MNIST images, gives blobs with the outline of a digit at
# best. The model has no biases, so v and −v are equally likely; the states
# whose pixels are mostly on are shown negated, the way the digits look.


def upright(V):
    return V * np.where(V.mean(1, keepdims=True) > 0, -1.0, 1.0)


xi_v = upright(rbm.patterns_visible_[:8])
seed_states = np.where(xi_v >= 0, 1.0, -1.0)
chains = upright(
    rbm.sample(init=np.repeat(seed_states[:2], 8, axis=0), n_steps=100, random_state=0)
)
samples = upright(rbm.sample(8, n_steps=200, random_state=1))

fig, axes = plt.subplots(4, 8, figsize=(8, 4.6))
rows = (
    (xi_v, "patterns ξ_v"),
    (chains[:8], "100 Gibbs steps from pattern 1"),
    (chains[8:], "100 Gibbs steps from pattern 2"),
    (samples, "200 Gibbs steps from random states"),
)
for row, (images, title) in zip(axes, rows, strict=True):
    for ax, image in zip(row, images, strict=True):
        ax.imshow(image.reshape(side, side), cmap="gray", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(title, rotation=0, ha="right", va="center", fontsize=8)
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
