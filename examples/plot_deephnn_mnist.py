"""
Classifying digits with Hopfield networks: DeepHNNClassifier
============================================================

A modern Hopfield network scores an input ξ against its stored patterns
with the logits ℓ = β P ξ, and one update maps them to β P Pᵀ softmax(ℓ)
(Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021). M.
Catacchini, S. Magrini Alunno and D. Ferracci ("Continuous Hopfield
Networks", 2024, §4.2) turns this into a classifier, the *DeepHNN*: a few
patterns per class, the score of a class is the largest logit of its
patterns plus a bias, and the whole network is trained on the cross-entropy.
:class:`~skhopfield.DeepHNNClassifier` is that network, optionally behind a
convolutional front end whose channels are merged by learned convex weights.

We train it on a small part of MNIST (28 × 28 images), or, when the MNIST
files are not on this machine, on scikit-learn's 8 × 8 digits. The script
says which. It needs torch.
"""

# %%
# The data
# --------
# MNIST is read from ``$SKHOPFIELD_DATA`` or from ``shared/data/mnist`` next
# to the repository; 2000 training images keep the example fast. Pixels are
# scaled to [0, 1]. The networks are small: one torch thread runs them
# fastest.
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skhopfield import DeepHNNClassifier
from skhopfield.datasets import load_mnist

torch.set_num_threads(1)

try:
    HERE = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs the script from examples/
    HERE = Path.cwd()
data_home = (
    os.environ.get("SKHOPFIELD_DATA") or HERE.parents[1] / "shared" / "data" / "mnist"
)
try:
    X_train, y_train, X_test, y_test = load_mnist(data_home)
except FileNotFoundError:
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.3, random_state=0
    )
    side, source = 8, "scikit-learn's 8 x 8 digits (MNIST files not found)"
else:
    X_train, y_train = X_train[:2000] / 255.0, y_train[:2000]
    X_test, y_test = X_test[:2000] / 255.0, y_test[:2000]
    side, source = 28, "MNIST (the first 2000 training and 2000 test images)"
print(f"data: {source}; {len(X_train)} training and {len(X_test)} test images")

# %%
# Class patterns, fixed
# ---------------------
# ``init="class_patterns"`` stores the means of 3 Ward clusters of each
# class (of the images after the network's batch normalization). With
# ``max_epochs=0`` nothing is trained: an image's class is the one whose
# patterns have the largest logit after two Hopfield updates (the
# fixed-pattern experiment of the paper, at its β = 0.07 for MNIST; the
# logits β P ξ grow with the number of pixels N, so we keep β N = 0.07 × 784,
# β ≈ 0.86 for the 8 × 8 digits). Training only the class biases
# (``learn_patterns=False, learn_beta=False``) moves the decision a little.
# The retrieved state is a mixture of patterns, and the patterns of large norm
# (bold digits) overlap it more than those of its own class: the paper saw
# the same trouble.
beta = 0.07 * 784 / X_train.shape[1]
fixed = dict(
    patterns_per_class=3,
    beta=beta,
    iterations=2,
    init="class_patterns",
    learn_patterns=False,
    learn_beta=False,
    batch_size=256,
    random_state=0,
)
untrained = DeepHNNClassifier(max_epochs=0, **fixed).fit(X_train, y_train)
biases = DeepHNNClassifier(max_epochs=10, **fixed).fit(X_train, y_train)

# %%
# Patterns trained with the classifier
# ------------------------------------
# Starting from the same class patterns and β, the patterns, β and the
# biases are all trained (Adam, 10 epochs).
learned = DeepHNNClassifier(
    patterns_per_class=3,
    beta=beta,
    init="class_patterns",
    max_epochs=10,
    batch_size=128,
    learning_rate=0.01,
    random_state=0,
).fit(X_train, y_train)
change = np.linalg.norm(learned.patterns_ - untrained.patterns_) / np.linalg.norm(
    untrained.patterns_
)
print(
    f"training moved the patterns by {change:.0%} of their norm; "
    f"beta went from {beta:.3g} to {learned.beta_[0]:.3g}"
)

# %%
# With a convolutional front end
# ------------------------------
# The paper's "DeepHNN as MLP": 5 convolutions of 4 × 4 with stride 2, a
# batch normalization, one Hopfield network per channel over its output,
# and a convex merge of the channels. A Hopfield network over a whole image
# has no notion of locality; the convolutions give it one.
conv = DeepHNNClassifier(
    patterns_per_class=5,
    conv_channels=5,
    kernel_size=4,
    stride=2,
    max_epochs=10,
    batch_size=128,
    learning_rate=0.01,
    learning_rate_schedule="step",
    random_state=0,
).fit(X_train, y_train)

models = {
    "class patterns\n(untrained)": untrained,
    "class patterns\n(biases trained)": biases,
    "patterns trained": learned,
    "conv front end": conv,
}
print(f"{'model':<36} {'parameters':>10} {'test accuracy':>14}")
for name, model in models.items():
    print(
        f"{name.replace(chr(10), ' '):<36} {model.n_parameters_:>10,d} "
        f"{model.score(X_test, y_test):>14.1%}"
    )

# %%
# The stored patterns
# -------------------
# Left, the 3 class patterns of each digit (Ward means, fixed); right, the
# same patterns after training. Each pattern is drawn on its own color
# scale (white: large values). The trained patterns still look like their
# digits; the changes show mostly in the background, which turns gray in
# some of them.
fig, axes = plt.subplots(
    10, 7, figsize=(6, 8.5), gridspec_kw={"width_ratios": [1, 1, 1, 0.3, 1, 1, 1]}
)
for k in range(10):
    for d in range(3):
        for col, model in ((d, untrained), (4 + d, learned)):
            ax = axes[k, col]
            ax.imshow(model.patterns_[0, k, d].reshape(side, side), cmap="gray")
            ax.set_xticks([])
            ax.set_yticks([])
        axes[k, 0].set_ylabel(str(k), rotation=0, labelpad=10)
    axes[k, 3].axis("off")
axes[0, 1].set_title("class patterns (start)", fontsize=9)
axes[0, 5].set_title("after training", fontsize=9)
fig.suptitle("Stored patterns of DeepHNNClassifier, 3 per class")
fig.tight_layout()

# %%
# Training and test accuracy
# --------------------------
# Left, the training cross-entropy of each epoch; right, the test accuracy
# of each model.
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
for name, model in models.items():
    if model.loss_curve_:
        ax_loss.plot(
            np.arange(1, len(model.loss_curve_) + 1),
            model.loss_curve_,
            marker="o",
            ms=3,
            label=name.replace("\n", " "),
        )
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training cross-entropy")
ax_loss.legend(fontsize=8)
scores = [model.score(X_test, y_test) for model in models.values()]
bars = ax_acc.bar(range(len(models)), scores, color="tab:blue")
ax_acc.bar_label(bars, labels=[f"{s:.1%}" for s in scores], fontsize=8)
ax_acc.set_xticks(range(len(models)), list(models), fontsize=8)
ax_acc.set_ylim(0, 1.05)
ax_acc.set_ylabel("test accuracy")
fig.suptitle(f"DeepHNNClassifier on {source.split(' (')[0]}")
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
