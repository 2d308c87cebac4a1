"""
Capacity of dense associative memories
======================================

A classical Hopfield network of N units stores about 0.14 N random patterns.
A dense associative memory, :class:`~skhopfield.DenseHopfieldMemory`, replaces
the quadratic energy by E(σ) = −Σ_μ F(ξ^μ·σ) with a faster-growing
interaction function F. Krotov and Hopfield (2016) showed that F(x) = xⁿ
stores about N^(n−1) patterns, and Demircigil et al. (2017) that F(x) = eˣ
stores exponentially many. We store P random ±1 patterns in a network of
N = 50 units and count the patterns that are exact fixed points, and those
recalled from a copy with 10% of their bits flipped, for Hebb's rule
(F(x) = x², :class:`~skhopfield.HopfieldMemory`), x³, x⁴ and eˣ.
"""

# %%
# Is a pattern a fixed point?
# ---------------------------
# One synchronous step (``update="sync", max_iter=1``) from a pattern leaves
# it unchanged exactly when it is a fixed point. The patterns that moved did
# not converge in that one step, and ``recall`` warns about them: that is
# what we measure, so the warning is silenced. For large P we test a random
# subset of 200 of the stored patterns, and recall 100 of them from noise
# (at most 10 synchronous steps).
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import binom, norm
from sklearn.exceptions import ConvergenceWarning

from skhopfield import DenseHopfieldMemory, HopfieldMemory
from skhopfield.datasets import flip_noise
from skhopfield.energy.dense import krotov_hopfield_capacity
from skhopfield.hopfield import CapacityWarning

N = 50
MODELS = {
    "Hebb, x²": lambda: HopfieldMemory("hebbian", update="sync", binarize=None),
    "x³": lambda: DenseHopfieldMemory(degree=3, update="sync", binarize=None),
    "x⁴": lambda: DenseHopfieldMemory(degree=4, update="sync", binarize=None),
    "eˣ": lambda: DenseHopfieldMemory("exponential", update="sync", binarize=None),
}
N_TESTED = 200
N_NOISY = 100


def measure(name, patterns, rng):
    """Fractions of (tested) patterns that are fixed points, and that are
    recalled exactly from 10% flipped bits."""
    tested = patterns[rng.permutation(len(patterns))[:N_TESTED]]
    memory = MODELS[name]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", CapacityWarning)
        memory.fit(patterns)
        one_step = memory.set_params(max_iter=1).predict(tested)
        noisy = flip_noise(tested[:N_NOISY], 0.1, random_state=rng)
        recalled = memory.set_params(max_iter=10).predict(noisy)
    return (
        np.mean((one_step == tested).all(axis=1)),
        np.mean((recalled == tested[:N_NOISY]).all(axis=1)),
    )


# %%
# The experiment
# --------------
# P grows geometrically from 2 to 3,000 patterns (60 N); each point is the
# average of two draws of the patterns.
loads = np.unique(np.round(np.geomspace(2, 3000, 14)).astype(int))
seeds = (0, 1)
stable = {name: np.zeros(len(loads)) for name in MODELS}
recovered = {name: np.zeros(len(loads)) for name in MODELS}
for k, n_patterns in enumerate(loads):
    for seed in seeds:
        rng = np.random.RandomState(seed)
        patterns = rng.choice([-1.0, 1.0], size=(n_patterns, N))
        for name in MODELS:
            if name == "Hebb, x²" and n_patterns > 200:
                continue  # long gone
            s, r = measure(name, patterns, rng)
            stable[name][k] += s / len(seeds)
            recovered[name][k] += r / len(seeds)

# %%
# The theory
# ----------
# Unit i of a stored pattern ξ^μ feels the drive
# Σ_ν ξᵢ^ν [F(r^ν + 1) − F(r^ν − 1)], r^ν = Σ_{j≠i} ξⱼ^ν ξⱼ^μ: a signal
# F(N) − F(N − 2) from ν = μ, and from each of the P − 1 other patterns a
# random term of zero mean whose variance follows from r^ν = 2k − (N − 1),
# k binomial(N − 1, ½). Treating their sum as Gaussian and the N units as
# independent, a pattern is a fixed point with probability
# (1 − Φ(−signal / sqrt((P − 1) var)))^N (for n = 2 the crosstalk estimate
# of Hebb's rule). Krotov and Hopfield's error-free capacity,
# P_max ≈ N^(n−1) / (2 (2n − 3)!! ln N), an asymptotic bound for large N,
# falls where the fraction is already dropping (about 0.8 to 0.9 at N = 50).
# For eˣ the bound of Demircigil et al., P ≈ 2^(N/2) ≈ 3·10⁷, is far off the
# chart.
r = 2 * np.arange(N) - (N - 1)
weights = binom.pmf(np.arange(N), N - 1, 0.5)
P_curve = np.geomspace(2, loads[-1], 300)
theory = {}
for name, degree in [("Hebb, x²", 2), ("x³", 3), ("x⁴", 4)]:
    g = (r + 1.0) ** degree - (r - 1.0) ** degree
    var = np.sum(weights * g**2)
    signal = float(N) ** degree - (N - 2.0) ** degree
    p_unit = norm.cdf(-signal / np.sqrt((P_curve - 1) * var))
    theory[name] = ((1 - p_unit) ** N, krotov_hopfield_capacity(N, degree))

print(
    f"Fraction of P random patterns (N = {N}): fixed points / recalled from 10% noise"
)
print(f"{'P':>5}" + "".join(f"{name:>16}" for name in MODELS))
for k, n_patterns in enumerate(loads):
    cells = "".join(
        f"{stable[name][k]:>9.2f} /{recovered[name][k]:>5.2f}" for name in MODELS
    )
    print(f"{n_patterns:>5}{cells}")
for name, (_, p_max) in theory.items():
    print(f"Krotov-Hopfield error-free capacity, {name}: {p_max:.0f}")

# %%
# The curves
# ----------
# Each higher power buys more than an order of magnitude of capacity at this
# small N, and the Gaussian estimate follows the measured fractions
# closely. The exponential stores
# every pattern tried. Recall from a noisy copy fails sooner than the fixed
# points do: the basins of attraction shrink as the memory fills.
colors = dict(zip(MODELS, ["C0", "C1", "C2", "C3"], strict=True))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
for name in MODELS:
    ax1.plot(loads, stable[name], "o-", color=colors[name], markersize=4, label=name)
    ax2.plot(loads, recovered[name], "o-", color=colors[name], markersize=4, label=name)
for name, (curve, p_max) in theory.items():
    ax1.plot(P_curve, curve, "--", color=colors[name], linewidth=1)
    ax1.axvline(p_max, color=colors[name], linestyle=":", linewidth=1)
ax1.plot([], [], "k--", linewidth=1, label="Gaussian estimate")
ax1.plot([], [], "k:", linewidth=1, label="N^(n−1) / (2(2n−3)!! ln N)")
for ax, title in [
    (ax1, "patterns that are fixed points"),
    (ax2, "patterns recalled from 10% flipped bits"),
]:
    ax.set_xscale("log")
    ax.set_xlabel("number of stored patterns P")
    ax.set_title(f"{title}, N = {N}")
    ax.set_ylim(-0.03, 1.03)
ax1.set_ylabel("fraction of patterns")
fig.legend(
    *ax1.get_legend_handles_labels(),
    loc="lower center",
    ncol=6,
    fontsize=9,
    frameon=False,
)
fig.tight_layout(rect=(0, 0.07, 1, 1))

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
