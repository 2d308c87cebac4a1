"""
Learning the couplings of an Ising model
========================================

A fully visible Boltzmann machine is a pairwise Ising model,
p(s) ∝ exp(½ sᵀJs + bᵀs) over ±1 spins (D. H. Ackley, G. E. Hinton and
T. J. Sejnowski, "A learning algorithm for Boltzmann machines", 1985). Its
maximum-likelihood couplings match the data's pair correlations,
⟨s_i s_j⟩_data = ⟨s_i s_j⟩_model. We draw samples from a known 10-spin
model, learn it back with the three methods of
:class:`~skhopfield.BoltzmannMachine`, and compare the learned couplings with
the true ones.
"""

# %%
# A known model and exact samples
# -------------------------------
# Ten spins, couplings J_ij ~ N(0, 0.4²), fields b_i ~ N(0, 0.2²). With 2¹⁰
# states the model is enumerable: we draw 5000 exact samples from its
# probabilities.
import time

import matplotlib.pyplot as plt
import numpy as np

from skhopfield import BoltzmannMachine
from skhopfield.energy.ising import Ising
from skhopfield.energy.layers import Spin

rng = np.random.RandomState(0)
n = 10
J = np.triu(rng.normal(0.0, 0.4, (n, n)), 1)
J = J + J.T
b = rng.normal(0.0, 0.2, n)
states, log_p = Ising(Spin(b), J).log_prob_table()  # every state and its ln p
X = states[rng.choice(len(states), size=5000, p=np.exp(log_p))]

# %%
# Three ways to learn it
# ----------------------
# ``"exact"`` sums the model averages over all 2¹⁰ states and reaches the
# maximum-likelihood estimate; ``"pseudo_likelihood"`` (Besag 1975) fits the
# single-spin conditionals p(s_i | rest) = σ(2 s_i h_i) and needs no
# partition function; ``"pcd"`` estimates the model averages with persistent
# Gibbs chains (Tieleman 2008), which scales to any number of spins.
methods = {
    "exact": BoltzmannMachine("exact"),
    "pseudo_likelihood": BoltzmannMachine("pseudo_likelihood"),
    "pcd": BoltzmannMachine("pcd", n_iter=30, learning_rate=0.1, random_state=0),
}
iu = np.triu_indices(n, 1)
fig, axes = plt.subplots(1, 3, figsize=(11, 3.8), sharex=True, sharey=True)
for ax, (name, bm) in zip(axes, methods.items(), strict=True):
    t0 = time.perf_counter()
    bm.fit(X)
    seconds = time.perf_counter() - t0
    error = np.linalg.norm(bm.couplings_ - J) / np.linalg.norm(J)
    print(
        f"{name:>18}: relative error of J {error:.3f}, "
        f"log-likelihood {bm.score(X):.4f}, {seconds:.2f} s"
    )
    ax.scatter(J[iu], bm.couplings_[iu], s=12)
    lim = 1.1 * np.abs(J).max()
    ax.plot([-lim, lim], [-lim, lim], color="gray", lw=0.8, ls="--")
    ax.set_title(f"{name}: ‖Ĵ − J‖/‖J‖ = {error:.3f}", fontsize=9)
    ax.set_xlabel("true coupling J_ij")
axes[0].set_ylabel("learned coupling")
fig.suptitle("A 10-spin Ising model learned from 5000 samples")
fig.tight_layout()

# %%
# The same model as a Hopfield network
# -------------------------------------
# ``to_hopfield`` returns the :class:`~skhopfield.HopfieldMemory` whose
# stochastic dynamics at β = 1 sample the learned model: its couplings are
# J, plus one bias unit coupled to the others by the fields b. Running its
# Glauber dynamics from random states and multiplying every state by its
# bias unit gives samples of the Boltzmann machine, whose pair correlations
# match the data's.
memory = methods["exact"].to_hopfield(max_iter=50, random_state=0)
start = rng.choice([-1.0, 1.0], size=(5000, n + 1))
end = memory.predict(start)
samples = end[:, :n] * end[:, n:]
fig2, ax = plt.subplots(figsize=(4.2, 4))
ax.scatter((X.T @ X / len(X))[iu], (samples.T @ samples / len(samples))[iu], s=12)
ax.plot([-1, 1], [-1, 1], color="gray", lw=0.8, ls="--")
ax.set_xlabel("⟨s_i s_j⟩ of the data")
ax.set_ylabel("⟨s_i s_j⟩ of the Hopfield dynamics")
ax.set_title("Glauber dynamics of to_hopfield()", fontsize=9)
fig2.tight_layout()

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
