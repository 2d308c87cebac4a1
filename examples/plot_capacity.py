"""
Storage capacity of the four learning rules
===========================================

How many random patterns can a Hopfield network of N units store? We store P
random ±1 patterns in a :class:`~skhopfield.HopfieldMemory` of N = 100 units
with each of its four learning rules and count the fraction of them that are
exact fixed points of the dynamics, as the load α = P / N grows. Hebb's rule
is compared with the classical crosstalk estimate; the projection,
Storkey and perceptron rules push the capacity far beyond it.
"""

# %%
# Is a pattern a fixed point?
# ---------------------------
# A pattern ξ is a fixed point when no unit wants to flip: sgn(Jξ) = ξ. Then
# synchronous and asynchronous dynamics both leave it where it is, so one
# synchronous sweep (``update="sync", max_iter=1``) decides it for a whole
# batch of patterns at once: we ``recall`` from the stored patterns
# themselves and keep those that the sweep did not change.
#
# The patterns that *did* move have not reached a fixed point after that one
# sweep, so ``recall`` warns that they did not converge. That is exactly what
# we are measuring, so the warning is silenced here.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skhopfield import HopfieldMemory
from skhopfield.hopfield import CapacityWarning

N = 100
RULES = ("hebbian", "storkey", "projection", "perceptron")


def fraction_stable(rule, patterns):
    """Fraction of ``patterns`` that are fixed points of a memory storing them."""
    # margin=0: the perceptron rule only has to make every pattern a fixed
    # point, which is what we measure (a positive margin buys wider basins of
    # attraction at the cost of capacity). n_iter bounds its training time.
    memory = HopfieldMemory(
        rule=rule, update="sync", max_iter=1, margin=0.0, n_iter=300, binarize=None
    )
    with warnings.catch_warnings():
        # Beyond its capacity, perceptron learning stops after n_iter epochs
        # with some patterns still unstable, and says so; recall warns about
        # the patterns the sweep moved (see above). Loads beyond each rule's
        # capacity are what this example measures, so their warning is muted.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", CapacityWarning)
        memory.fit(patterns)
        states = memory.recall(patterns).states
    return np.mean((states == patterns).all(axis=1))


# %%
# The experiment
# --------------
# For every load, each rule stores the same random patterns; the fractions
# are averaged over three draws of the patterns.
#
# The projection rule stores the projector onto the span of the patterns.
# Every pattern is a fixed point as long as P < N, but at P = N the patterns
# span the whole space, J is the identity and, with its diagonal set to zero,
# J = 0: the network no longer stores anything. Its curve stops at P < N.
#
# All the linear algebra here is on matrices of about 100 × 100, too small
# for BLAS threads to pay off: on a busy machine they slow the loop down many
# times over, so it runs on one thread (threadpoolctl comes with
# scikit-learn).
loads = np.round(np.arange(1, 31) * 0.05, 2)  # α = 0.05 ... 1.5
seeds = (0, 1, 2)
stable = {rule: np.full(len(loads), np.nan) for rule in RULES}
with threadpool_limits(limits=1, user_api="blas"):
    for k, load in enumerate(loads):
        n_patterns = int(round(load * N))
        draws = [
            np.random.RandomState(seed).choice([-1.0, 1.0], size=(n_patterns, N))
            for seed in seeds
        ]
        for rule in RULES:
            if rule == "projection" and n_patterns >= N:
                continue
            stable[rule][k] = np.mean([fraction_stable(rule, xi) for xi in draws])

# %%
# Hebb's rule against the crosstalk estimate
# ------------------------------------------
# With J = ξᵀξ / N, unit i of pattern μ sees the field
#
#     h_i ≈ ξ_iμ + (1/N) Σ_{ν ≠ μ} Σ_{j ≠ i} ξ_iν ξ_jν ξ_jμ,
#
# its own state plus a crosstalk of about P·N random ±1 terms, roughly
# Gaussian with variance P / N. The unit is stable when the crosstalk does not
# outweigh the signal, with probability 1 − Φ(−sqrt(N / P)) (Φ the standard
# normal CDF); treating the N units as independent, the whole pattern is a
# fixed point with probability
#
#     (1 − Φ(−sqrt(N / P)))^N.
#
# Requiring *every* unit to be stable is much stricter than the classical
# capacity α_c ≈ 0.138 (Amit, Gutfreund and Sompolinsky 1985), the load up
# to which, for N → ∞, a retrieval state survives near each pattern with a
# small fraction of wrong units; exact fixed points fade out earlier, around
# α = 1 / (2 ln N) ≈ 0.11 at N = 100.


def hebb_estimate(alpha):
    """Crosstalk estimate of the fraction of stable patterns at load α = P / N."""
    return (1 - norm.cdf(-np.sqrt(1 / alpha))) ** N


hebb_theory = hebb_estimate(loads)

print(
    f"Fraction of P random patterns that are fixed points (N = {N}, {len(seeds)} seeds)"
)
header = f"{'P/N':>5} {'P':>4}" + "".join(f"{rule:>11}" for rule in RULES)
print(header + f"{'Hebb theory':>12}")
for k, load in enumerate(loads):
    cells = "".join(
        f"{'-':>11}" if np.isnan(stable[rule][k]) else f"{stable[rule][k]:>11.2f}"
        for rule in RULES
    )
    print(f"{load:>5.2f} {int(round(load * N)):>4}{cells}{hebb_theory[k]:>12.2f}")

# %%
# The curves
# ----------
# Hebb's rule loses its patterns first, as the estimate predicts (the
# measured fractions lie a little above it, partly because the crosstalk
# variance is really (P − 1) / N, and the units are not quite independent).
# Storkey's rule, just as local and incremental, subtracts part of the
# crosstalk and holds several times as many patterns (its capacity grows like
# N / sqrt(2 ln N), about 33 patterns here). The projection rule removes the
# crosstalk entirely and stores any P < N patterns. Perceptron learning goes
# further still: it only asks each unit to reproduce its own state from the
# others, and keeps correcting J until every pattern is stable, beyond
# P = N. Near its limit the number of epochs it needs grows without bound, so
# where its curve falls depends also on the training budget ``n_iter``.
alpha = np.linspace(0.01, loads[-1], 300)
# The projection and perceptron curves coincide up to P = N: the projection
# curve is drawn wide and pale underneath to stay visible.
styles = {
    "hebbian": dict(marker="o", markersize=4),
    "storkey": dict(marker="s", markersize=4),
    "projection": dict(linewidth=7, alpha=0.35),
    "perceptron": dict(marker="^", markersize=4),
}
fig, ax = plt.subplots(figsize=(7, 4.5))
for rule in RULES:
    ax.plot(loads, stable[rule], label=rule, **styles[rule])
ax.plot(alpha, hebb_estimate(alpha), "k--", label="Hebb, crosstalk estimate")
ax.axvline(0.138, color="gray", linestyle=":", label="α_c ≈ 0.138 (Hebb, N → ∞)")
ax.set_xlabel("load α = P / N")
ax.set_ylabel("fraction of patterns that are fixed points")
ax.set_title(f"Storage capacity, N = {N}")
ax.set_ylim(-0.03, 1.03)
ax.legend(loc="center", bbox_to_anchor=(0.6, 0.55))
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
