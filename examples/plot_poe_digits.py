"""
A product of Hopfield experts classifies the digits
===================================================

M. Smart and A. Zilman ("On the mapping between Hopfield networks and
Restricted Boltzmann Machines", ICLR 2021, §3.2) build a classifier from one
small restricted Boltzmann machine per class, an *expert* trained only on
the images of its class. An image s is scored by every expert: the feature of
expert μ is its log-probability up to constants, the negative marginal energy

    f⁽μ⁾(s) = ½‖W⁽μ⁾ᵀs‖²          (Eq. 16, with the ½ that the paper drops)

and a logistic regression on these n_classes features makes the decision.
The projection Hopfield network gives each expert its weights in one shot:
the orthogonalized means of k Ward clusters of the class.
:class:`~skhopfield.HopfieldPoEClassifier` does all of it. We run it on
scikit-learn's bundled 8 × 8 digits, look at the experts' patterns, compare
the Hopfield start with a random one, and read the confusion matrix.
"""

# %%
# One-shot Hopfield experts
# -------------------------
# ``binarize=4.0`` maps the gray levels (0 to 16) to spins, +1 (ink) above 4.
# With ``n_components=10`` every digit gets an expert with k = 10 hidden
# units; ``n_iter=0`` (the default) keeps the Hopfield weights as they are,
# so fitting is clustering plus a QR decomposition per class, and no
# gradient step.
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from skhopfield import HopfieldPoEClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
clf = HopfieldPoEClassifier(n_components=10, binarize=4.0, random_state=0)
start = time.perf_counter()
clf.fit(X_train, y_train)
print(
    f"{len(clf.experts_)} experts of k = 10 fitted in "
    f"{time.perf_counter() - start:.2f} s; test accuracy "
    f"{clf.score(X_test, y_test):.3f}"
)

# %%
# What the experts store
# ----------------------
# Each expert is a fitted :class:`~skhopfield.ProjectionHopfieldRBM`. Its
# ``patterns_`` are the pixel-wise majority votes of the k Ward clusters of
# its digit (largest cluster first): the different ways the digit is
# written. Its weights ``components_`` are an orthonormal basis of their
# span, and the feature ½‖Wᵀs‖² is half the squared length of the projection
# of an image onto that span: large when the image is close to some
# combination of the expert's sub-patterns.
k = clf.n_components
n_classes = len(clf.classes_)
fig, axes = plt.subplots(n_classes, k, figsize=(0.7 * k, 0.75 * n_classes))
for row, (label, expert) in enumerate(zip(clf.classes_, clf.experts_, strict=True)):
    for col in range(k):
        ax = axes[row, col]
        ax.imshow(expert.patterns_[col].reshape(8, 8), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[row, 0].set_ylabel(str(label), rotation=0, ha="right", va="center")
fig.suptitle("Ward sub-patterns of each expert (one row per digit)")
fig.tight_layout()

# %%
# The features
# ------------
# ``transform`` returns the features, one column per expert. Averaged over
# the test images of each digit (and standardized per expert) they are
# largest on the diagonal: every expert responds most to its own digit.
F = clf.transform(X_test)
F = (F - F.mean(axis=0)) / F.std(axis=0)
mean_features = np.array([F[y_test == label].mean(axis=0) for label in clf.classes_])
fig, ax = plt.subplots(figsize=(5, 4.2))
image = ax.imshow(mean_features, cmap="RdBu_r", vmin=-2.5, vmax=2.5)
ax.set_xlabel("expert μ")
ax.set_ylabel("true digit")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
fig.colorbar(image, ax=ax, label="standardized feature f⁽μ⁾")
ax.set_title("Mean feature of each expert on each digit")
fig.tight_layout()

# %%
# Hopfield start against random start
# -----------------------------------
# With ``init="random"`` the experts are :class:`~skhopfield.GaussianRBM`
# with weights drawn from N(0, 0.1²), and the untrained features are random
# projections that carry little information about the class. CD-20 training
# (``n_iter`` epochs, η = 10⁻⁴ as in the paper) moves the random experts only
# slowly on a data set this small, while the Hopfield experts are good from
# the start (the message of the paper's Fig. 5).
print("\ninit      epochs  test accuracy  fit time")
for init in ("hopfield", "random"):
    for n_iter in (0, 5):
        model = HopfieldPoEClassifier(
            n_components=10, init=init, n_iter=n_iter, binarize=4.0, random_state=0
        )
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        print(
            f"{init:>8}  {n_iter:>6}  {model.score(X_test, y_test):>13.3f}  "
            f"{seconds:>7.2f} s"
        )

# %%
# The experts are generative models
# ---------------------------------
# Every expert is a complete estimator: it can score images (ln p(s), with
# ln Z estimated by annealed importance sampling for these 64 pixels) and
# sample new ones. The classifier never needs ln Z, which is the same for
# every image under one expert. Below, the expert of the 3s scores the test
# 3s far above the other digits. Gibbs chains started from test 3s (as in
# the paper's Fig. 4c) keep the rough shape of a 3 but are noisy: with 10
# hidden units for 64 pixels, at β = 2, the expert is a broad distribution.
expert = clf.experts_[3]
S_test = np.where(X_test > 4.0, 1.0, -1.0)  # the experts take spins
own = expert.score(S_test[y_test == 3])
others = expert.score(S_test[y_test != 3])
print(f"\nexpert of 3s: mean ln p(s) = {own:.1f} on 3s, {others:.1f} on other digits")
samples = expert.sample(init=S_test[y_test == 3][:8], n_steps=20, random_state=0)
fig, axes = plt.subplots(2, 8, figsize=(6, 1.8))
for col in range(8):
    axes[0, col].imshow(S_test[y_test == 3][col].reshape(8, 8), cmap="gray_r")
    axes[1, col].imshow(samples[col].reshape(8, 8), cmap="gray_r")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("start", rotation=0, ha="right", va="center")
axes[1, 0].set_ylabel("20 steps", rotation=0, ha="right", va="center")
fig.suptitle("Gibbs samples of the expert of 3s (β = 2)")
fig.tight_layout()

# %%
# Confusion matrix
# ----------------
# Most errors of the one-shot classifier are between digits whose binarized
# strokes overlap: 8s read as 1s, 9s read as 3s or 8s.
ConfusionMatrixDisplay.from_estimator(clf, X_test, y_test, colorbar=False)
plt.title("HopfieldPoEClassifier, k = 10, no training")
plt.tight_layout()
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
