"""
Exact log-likelihood of a {0, 1} RBM: CD-1, PCD and the exact gradient
======================================================================

:class:`~skhopfield.BinaryRBM` is the RBM of
:class:`sklearn.neural_network.BernoulliRBM` (E(v, h) = −vᵀWh − bᵀv − cᵀh,
all units in {0, 1}), with a true log-likelihood: when the smaller layer has
at most ``exact_max_units`` units, :meth:`~skhopfield.BinaryRBM.score`
computes ln Z by enumerating it, so the learning curve below is the exact
mean ln p(v) of the training data, not a pseudo-likelihood or a
reconstruction error.

Three models of 6 hidden units are trained on the 12 images of the 3 × 3
Bars-and-Stripes data set, from the same start and with the same full-batch
step, each with its own estimate of the model average in the gradient:
contrastive divergence CD-1 (G. E. Hinton, "Training products of experts by
minimizing contrastive divergence", Neural Computation, 2002), persistent
chains PCD-1 (T. Tieleman, "Training restricted Boltzmann machines using
approximations to the likelihood gradient", ICML 2008), and the exact model
average (``exact_gradient=True``, enumeration of the 2⁶ hidden states). The
best any model can do is the uniform distribution on the 12 images,
ln p = −ln 12.
"""

# %%
# Data and training
# -----------------
# :func:`~skhopfield.datasets.make_bars_and_stripes` gives ±1 images;
# ``binarize=0`` maps them to {0, 1}.
import matplotlib.pyplot as plt
import numpy as np

from skhopfield import BinaryRBM
from skhopfield.datasets import make_bars_and_stripes
from skhopfield.energy.layers import states

X, _ = make_bars_and_stripes(3, test_size=0)  # all 2**4 - 4 = 12 images
V = (X > 0).astype(float)
n_images = len(V)
common = dict(
    n_components=6, learning_rate=1.0, batch_size=n_images, binarize=0, random_state=0
)
models = {
    "CD-1": BinaryRBM(**common),
    "PCD-1 (100 chains)": BinaryRBM(persistent=True, n_chains=100, **common),
    "exact gradient": BinaryRBM(exact_gradient=True, **common),
}
n_epochs, every = 400, 10
epochs = np.arange(every, n_epochs + 1, every)
curves = {name: [] for name in models}
for epoch in range(1, n_epochs + 1):
    for name, model in models.items():
        model.partial_fit(X)  # one epoch (here one full-batch update)
        if epoch % every == 0:
            curves[name].append(model.score(X))  # exact mean ln p(v)

# the exact distribution over all 2⁹ images: how much of it is on the data
all_images = states(0, 2**9, 9, np.zeros(1), low=0.0)
is_data = (all_images[:, None, :] == V[None, :, :]).all(-1).any(-1)
for name, model in models.items():
    p = np.exp(model.score_samples(all_images))
    print(
        f"{name:>20}: mean ln p(train) = {curves[name][-1]:.3f} "
        f"(best −ln {n_images} = {-np.log(n_images):.3f}); "
        f"p(data set) = {p[is_data].sum():.3f}; Σ p over 2⁹ images = {p.sum():.6f}"
    )

# %%
# Learning curves
# ---------------
# The exact gradient climbs the likelihood steadily. PCD-1 follows it
# closely at first, then fluctuates below it; CD-1, whose chains restart at
# the data at every update, climbs later and ends below both. (With a single
# seed these are examples, not averages.)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for name, curve in curves.items():
    ax.plot(epochs, curve, marker=".", label=name)
ax.axhline(
    -np.log(n_images), color="k", ls="--", lw=1, label=f"−ln {n_images} (optimum)"
)
ax.axhline(-9 * np.log(2), color="gray", ls=":", lw=1, label="−9 ln 2 (uniform)")
ax.set_xlabel("epoch (full-batch updates)")
ax.set_ylabel("exact mean ln p(v) of the data")
ax.set_title("BinaryRBM, 9 → 6 units, 3 × 3 Bars-and-Stripes")
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()

# %%
# Samples
# -------
# The 12 training images, then 24 samples of each model (1000 Gibbs steps
# from random states, one chain per sample); a green frame marks a sample
# that is a training image, a red one anything else. The share of green
# frames estimates the exact probability of the data set printed above.
n_show = 2 * n_images
rows = [("data", V)] + [
    (name, model.sample(n_samples=n_show, n_steps=1000, random_state=1))
    for name, model in models.items()
]
fig = plt.figure(figsize=(8, 5.6), layout="constrained")
subfigs = fig.subfigures(len(rows), 1, height_ratios=[1.2, 2, 2, 2])
for subfig, (name, images) in zip(subfigs, rows, strict=True):
    axes = subfig.subplots(len(images) // n_images, n_images, squeeze=False)
    hits = 0
    for ax, image in zip(axes.ravel(), images, strict=True):
        ax.imshow(image.reshape(3, 3), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        if name != "data":
            hit = bool((image == V).all(1).any())
            hits += hit
            for spine in ax.spines.values():
                spine.set_color("tab:green" if hit else "tab:red")
                spine.set_linewidth(2)
    title = (
        name
        if name == "data"
        else (f"{name}: {hits} of {len(images)} samples are training images")
    )
    subfig.suptitle(title, fontsize=9)
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
