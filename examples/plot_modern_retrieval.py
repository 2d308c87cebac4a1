"""
Retrieval with a modern continuous Hopfield network
===================================================

A :class:`~skhopfield.ModernHopfieldMemory` stores real-valued patterns and
retrieves them with the update ξ ← Xᵀ softmax(β X ξ), the attention of a
transformer with the patterns as keys and values. We store ten 8 × 8 digit
images of :func:`sklearn.datasets.load_digits`, complete images of which a
part is unknown, and sweep the inverse temperature β: a small β sends every
query to the same average of all the patterns, a large β to the stored
pattern itself.
"""

# %%
# Store ten digits
# ----------------
# One image of each digit, scaled to [0, 1]. The update compares overlaps
# x_iᵀξ, so a pattern can only be retrieved if its overlap with itself beats
# its overlap with every other pattern: its separation
# Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j must be positive. Here the "3" has
# Δ < 0: its pixels lie almost inside the brighter "5", which overlaps it
# more than it overlaps itself, so no β can retrieve it.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from skhopfield import ModernHopfieldMemory
from skhopfield.energy.modern import ModernHopfield

digits = load_digits()
first = [int(np.flatnonzero(digits.target == k)[0]) for k in range(10)]
raw = digits.data[first] / 16.0
print("separation of the raw images:", np.round(ModernHopfield(raw).separation(), 2))

# %%
# Scaling every image to the same norm makes every Δ_i positive (for
# distinct patterns). ``beta="auto"`` then picks the smallest β for which
# the theory guarantees that each pattern is retrieved from a small sphere
# around it (Prop. 3.4 of Catacchini, Magrini Alunno & Ferracci 2024, from
# Ramsauer et al. 2021).
norms = np.linalg.norm(raw, axis=1, keepdims=True)
X = raw * norms.mean() / norms
memory = ModernHopfieldMemory(beta="auto").fit(X)
VMAX = X.max()
print(f"beta_auto = {memory.beta_:.3f}")
print("separation per digit:", np.round(memory.separation_, 2))
print("retrieval guaranteed:", memory.retrieval_guaranteed_.all())

# %%
# Complete partial images
# -----------------------
# Unknown pixels are NaN (or ``False`` in a ``mask``). The overlaps x_iᵀξ are
# computed from the known pixels only, the known pixels are kept and the
# unknown ones are filled from the retrieved pattern. We hide the lower half
# of every image, or 40% of its pixels at random, and retrieve with β = 20
# (about three times β_auto: with part of the pixels gone, the overlaps are
# smaller and need a larger β to pick one pattern). Where the known pixels
# overlap another digit more than their own (the upper half of the "4" and
# the "8"), the wrong digit is retrieved: the overlaps decide, and a
# larger β does not change which one wins.
rng = np.random.RandomState(0)
lower = np.zeros((10, 64), dtype=bool)
lower[:, :32] = True  # upper half known
scattered = rng.uniform(size=(10, 64)) > 0.4
completer = ModernHopfieldMemory(beta=20.0).fit(X)

rows = [("stored", X)]
for name, known in [("upper half known", lower), ("60% of pixels known", scattered)]:
    query = np.where(known, X, np.nan)
    completed = completer.predict(query)
    rows.append((name, np.where(known, X, VMAX / 2)))  # unknown: grey
    rows.append(("completed", completed))
    error = np.abs(completed - X).max(axis=1)
    print(f"{name}: {np.sum(error < 0.05)} of 10 digits completed exactly")

fig, axes = plt.subplots(len(rows), 10, figsize=(8, 0.9 * len(rows) + 0.4))
for r, (name, images) in enumerate(rows):
    for k in range(10):
        ax = axes[r, k]
        ax.imshow(images[k].reshape(8, 8), cmap="gray_r", vmin=0, vmax=VMAX)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
fig.suptitle("Masked digits completed (β = 20; unknown pixels in grey)")
fig.tight_layout()

# %%
# From averaging to retrieval: the β sweep
# ----------------------------------------
# A noisy copy of the "2" is updated to convergence at increasing β. Below
# β = 1/m_max² (m_max the largest distance of a pattern to the patterns'
# mean) the update is a contraction and every query ends at one and the same
# point, close to the mean of the patterns (Prop. 3.3); above β_auto it ends
# at the stored "2" (Prop. 3.4). In between the result is a mixture.
query = X[2] + 0.25 * rng.normal(size=64)
m_max2 = ((X - X.mean(0)) ** 2).sum(1).max()
betas = np.logspace(-3, 2, 41)
to_pattern, to_mean, states = [], [], {}
for beta in betas:
    state = (
        ModernHopfieldMemory(beta=beta, max_iter=200, tol=1e-9)
        .fit(X)
        .predict(query[None])[0]
    )
    to_pattern.append(np.linalg.norm(state - X[2]))
    to_mean.append(np.linalg.norm(state - X.mean(0)))
shown = [1e-3, 1e-2, 0.1, 0.3, 1.0, 10.0]
for beta in shown:
    states[beta] = (
        ModernHopfieldMemory(beta=beta, max_iter=200, tol=1e-9)
        .fit(X)
        .predict(query[None])[0]
    )

fig = plt.figure(figsize=(8, 5))
grid = fig.add_gridspec(2, len(shown) + 1, height_ratios=[1, 2.2])
ax = fig.add_subplot(grid[0, 0])
ax.imshow(query.reshape(8, 8), cmap="gray_r", vmin=0, vmax=VMAX)
ax.set_title("query", fontsize=8)
ax.axis("off")
for k, beta in enumerate(shown, start=1):
    ax = fig.add_subplot(grid[0, k])
    ax.imshow(states[beta].reshape(8, 8), cmap="gray_r", vmin=0, vmax=VMAX)
    ax.set_title(f"β = {beta:g}", fontsize=8)
    ax.axis("off")
ax = fig.add_subplot(grid[1, :])
ax.semilogx(betas, to_pattern, label="distance to the stored 2")
ax.semilogx(betas, to_mean, label="distance to the mean of the patterns")
ax.axvline(1 / m_max2, color="gray", ls=":", label="1 / m_max² (Prop. 3.3)")
ax.axvline(memory.beta_, color="k", ls="--", label="β_auto (Prop. 3.4)")
ax.set_xlabel("inverse temperature β")
ax.set_ylabel("distance of the fixed point")
ax.legend(fontsize=8)
fig.suptitle("Small β averages all the patterns, large β retrieves one")
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
