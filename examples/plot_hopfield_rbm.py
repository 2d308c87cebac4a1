"""
A Hopfield network of the digits is an RBM
==========================================

A projection-rule Hopfield network that stores p patterns is *exactly* a
restricted Boltzmann machine with p gaussian hidden units (seed
``000_2f18927ee2d4e047.txt`` §2): orthogonalize the patterns and use the
result as the RBM's weights. :class:`~skhopfield.ProjectionHopfieldRBM` does
this in one shot from labelled data. On scikit-learn's bundled 8 × 8 digits
we look at the patterns and the weights built from them, draw samples from
the RBM at several temperatures, compare the log-likelihood of models with
more patterns per digit, and finally run the map backwards with
:func:`~skhopfield.mapping.rbm_to_hopfield` to read Hopfield patterns off the
RBM's weights.
"""

# %%
# Patterns and weights
# --------------------
# ``ProjectionHopfieldRBM(binarize=4.0)`` maps the gray levels (0 to 16) to
# spins, +1 (ink) above 4 and −1 (background) below, and ``fit(X, y)`` builds
# one pattern per class: the pixel-wise majority vote of the class's images
# (``patterns_``, the sign of the class mean of seed Eq. 14). These p = 10
# patterns ξ are stored with the projection rule
#
#     H(s) = −½ sᵀJs,   J = ξ(ξᵀξ)⁻¹ξᵀ          (Eq. 1; ξ is N × p)
#
# and orthogonalized, ξ = QR with Q an N × p matrix with orthonormal columns
# (Eq. 2). Then J = QQᵀ (Eq. 3), and a gaussian integral over one auxiliary
# variable λ_μ per pattern (Eqs. 4–5) turns the Boltzmann distribution of
# the Hopfield network into the marginal of an RBM with ±1 visible units s,
# gaussian hidden units λ and weights W = Q:
#
#     H(s, λ) = ½‖λ‖² − sᵀWλ                     (Eq. 6)
#
# The orthogonalized patterns *are* the RBM's weights: ``components_`` holds
# Wᵀ, one row per hidden unit. QR is Gram–Schmidt, so the first weight
# vector is the normalized "0" pattern and each later one keeps only the part
# of its digit that the earlier digits do not already explain: positive
# (red) where that digit has ink the others lack, negative (blue) where it
# lacks ink they have.
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.datasets import load_digits

from skhopfield import HopfieldMemory, ProjectionHopfieldRBM
from skhopfield.mapping import rbm_to_hopfield

X, y = load_digits(return_X_y=True)
S = np.where(X > 4.0, 1.0, -1.0)  # the spins the estimator sees
BETA = 2.0  # inverse temperature, chosen in the sampling section below

rbm = ProjectionHopfieldRBM(
    binarize=4.0, beta=BETA, n_ais_chains=50, n_ais_betas=300, random_state=0
).fit(X, y)
patterns = rbm.patterns_  # (p, N): the paper's ξᵀ
W = rbm.components_.T  # (N, p): the paper's W = Q
n_patterns, n_features = patterns.shape
print(
    f"{n_patterns} patterns of N = {n_features} pixels (classes "
    f"{rbm.pattern_labels_.tolist()}); weights W of shape {W.shape}, "
    f"max |WᵀW − I| = {np.abs(W.T @ W - np.eye(n_patterns)).max():.1e}"
)


def plot_rows(rows, row_labels, title, cmaps=None):
    """Show each row of 8 × 8 images as one line of the figure."""
    n_cols = max(len(images) for images in rows)
    fig, axes = plt.subplots(
        len(rows), n_cols, figsize=(n_cols, 1.1 * len(rows) + 0.4), squeeze=False
    )
    cmaps = cmaps or ["gray_r"] * len(rows)
    for ax_row, images, label, cmap in zip(axes, rows, row_labels, cmaps):
        images = np.asarray(images)
        # ±1 images on a fixed scale; real-valued weights on a symmetric one
        vmax = 1.0 if cmap == "gray_r" else np.abs(images).max()
        for ax, image in zip(ax_row, images):
            ax.imshow(image.reshape(8, 8), cmap=cmap, vmin=-vmax, vmax=vmax)
        for ax in ax_row:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_frame_on(ax.has_data())
        ax_row[0].set_ylabel(label, rotation=0, ha="right", va="center")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


plot_rows(
    [patterns, rbm.components_],
    ["majority\npatterns ξ", "weights\nW = Q"],
    "The orthogonalized Hopfield patterns are the RBM's weights",
    cmaps=["gray_r", "RdBu_r"],
)

# %%
# The RBM's marginal is the Hopfield network's Boltzmann distribution
# -------------------------------------------------------------------
# Integrating the hidden units out of exp(−βH(s, λ)) leaves
# ln p(s) = β ½‖Wᵀs‖² − ln Z = −β H(s) − ln Z with J = WWᵀ: the RBM's
# marginal over images is exactly the Boltzmann distribution of the
# projection Hopfield network at the same β. We check it on every image
# against a :class:`~skhopfield.HopfieldMemory` that stores the same patterns
# with the projection rule (keeping the diagonal of J, which for ±1 states
# only shifts the energy by a constant anyway).
#
# ``score_samples`` needs ln Z, a sum over 2⁶⁴ images here: too many to
# enumerate, so it is estimated by annealed importance sampling (AIS) over
# the continuous representation of Z (seed Eq. 7, App. E). 50 chains of 300
# steps are enough for a standard error of about 0.1.
hopfield = HopfieldMemory(rule="projection", zero_diagonal=False, binarize=None)
hopfield.fit(patterns)
log_Z, log_Z_error = rbm.log_partition()
gap = rbm.score_samples(X) + log_Z + BETA * hopfield.energy(S)
print(
    f"max |J − WWᵀ| = {np.abs(hopfield.couplings_ - W @ W.T).max():.1e}; "
    f"ln Z = {log_Z:.2f} ± {log_Z_error:.2f} (AIS) at β = {BETA:g}; "
    f"max |ln p(s) + ln Z + βH(s)| over the {len(X)} images = "
    f"{np.abs(gap).max():.1e}"
)

# %%
# Samples seeded with a digit
# ---------------------------
# ``sample(init=...)`` runs block-Gibbs chains, alternating λ | s ~ N(Wᵀs,
# β⁻¹I) and p(s_i = +1 | λ) = σ(2β(Wλ)_i), from the given images. As in seed
# Fig. 4c we start from one example image per class and take 20 steps at
# β = 2; three independent chains per digit show the model's variations on
# each of them.
first = np.array([np.flatnonzero(y == digit)[0] for digit in range(n_patterns)])
chains = [rbm.sample(init=X[first], n_steps=20, random_state=seed) for seed in range(3)]
plot_rows(
    [S[first], *chains],
    ["start", "chain 1", "chain 2", "chain 3"],
    f"20 Gibbs steps at β = {BETA:g} from one image per digit",
)

# %%
# Melting and freezing: the choice of β
# -------------------------------------
# β sets the depth of the free-energy basins around the patterns (seed
# §3.1.1). We run 100 Gibbs steps from uniformly random images at three
# temperatures and measure how close each sample is to its nearest stored
# pattern: the largest overlap |m| = |ξ_μ · s| / N (1 for a stored pattern
# itself).
#
# - At β = 1 (hot) the basins have *melted*: the samples are noise with a
#   faint digit-like bias, far from every pattern. For p / N ≈ 0.1 the
#   theory of Kanter & Sompolinsky puts the melting transition near
#   β_c ≈ 1.5.
# - At β = 5 (cold) the basins are so deep that every chain *freezes* in
#   one of them, on a stored pattern or close to it: the model just repeats
#   its ten prototypes and misses the diversity of the data.
# - β = 2, close to the seed's best generative β (Fig. 2), lies between:
#   recognisable digits with variations. This is the β used throughout.
#
# The energy is even, H(−s) = H(s) (there are no biases), so every inverted
# digit, ink and background swapped, is as likely as the digit itself.
# Chains seeded with a digit stay on its side at β = 2, but a random start
# falls into an inverted basin about half of the time: those are the light
# digits on a dark background below.
random_rows = []
for beta in (1.0, BETA, 5.0):
    # fitting is one QR factorization; the weights do not depend on β
    hot_or_cold = ProjectionHopfieldRBM(binarize=4.0, beta=beta).fit(X, y)
    samples = hot_or_cold.sample(200, n_steps=100, random_state=0)
    overlaps = samples @ patterns.T / n_features
    nearest = np.abs(overlaps).max(axis=1)
    inverted = overlaps[np.arange(len(samples)), np.abs(overlaps).argmax(axis=1)] < 0
    print(
        f"β = {beta:g}: mean overlap with the nearest pattern {nearest.mean():.2f}, "
        f"samples on a stored pattern (|m| = 1) {np.mean(nearest == 1):.0%}, "
        f"inverted {inverted.mean():.0%}"
    )
    random_rows.append(samples[:n_patterns])
plot_rows(
    random_rows,
    ["β = 1\n(melted)", f"β = {BETA:g}", "β = 5\n(frozen)"],
    "100 Gibbs steps from random images",
)

# %%
# More patterns per digit
# -----------------------
# With ``n_subpatterns=k`` each class is split into k clusters by Ward
# agglomerative clustering and each cluster's majority vote becomes a
# pattern (seed §3.1.1), p = 10k hidden units. ``score`` is the mean
# log-likelihood ln p(s) of the images, with ln Z from AIS as above.
print("\nmean log-likelihood of the digits (nats per image; AIS)")
print("   k    p   " + "".join(f"   β = {beta:<4g}" for beta in (1.5, 2.0, 3.0)))
for k in (1, 2, 3):
    scores = [
        ProjectionHopfieldRBM(
            n_subpatterns=k,
            binarize=4.0,
            beta=beta,
            n_ais_chains=50,
            n_ais_betas=300,
            random_state=0,
        )
        .fit(X, y)
        .score(X)
        for beta in (1.5, 2.0, 3.0)
    ]
    print(f"{k:>4} {10 * k:>4}   " + "".join(f"{score:>11.2f}" for score in scores))

# %%
# In the seed, on MNIST (N = 784), the likelihood rises steadily with k
# (Fig. 2). On the 8 × 8 digits only the step to k = 2 helps at β = 2: with
# p = 30 patterns in N = 64 pixels the load α = p / N ≈ 0.5 is far above the
# seed's 0.06, the sub-patterns of a digit are nearly alike, and the extra
# dimensions of their span give weight to many mixtures that are not digits,
# which raises ln Z more than the images' own terms. What the extra patterns
# do buy is robustness to the temperature, as the seed notes: at β = 3 the
# single-pattern model has started to freeze onto its ten prototypes while
# the models with sub-patterns keep spreading their probability over the
# variants of each digit.

# %%
# Back from the RBM to a Hopfield network
# ---------------------------------------
# App. D inverts the map: given RBM weights W, look for an invertible p × p
# matrix X that makes WX as close to binary as possible (Eq. 12) and read
# B = sgn(WX) as Hopfield patterns. For our orthogonalized digits the error
# can be made zero, since the patterns themselves lie in the span of W; then
# the projection network of B is the RBM's J = WWᵀ (App. D.2).
reverse = rbm_to_hopfield(rbm, random_state=0)
match = np.abs(reverse.patterns @ patterns.T) / n_features  # |overlap|
recovered = np.isclose(match, 1.0)
print(
    f"\nreverse map: binarization error ‖WX − sgn(WX)‖ = "
    f"{reverse.binarization_error:.1e}; "
    f"{int(recovered.any(axis=0).sum())}/{n_patterns} majority patterns "
    "recovered exactly (up to order and sign); "
    f"max |J(B) − WWᵀ| = {np.abs(reverse.pattern_couplings - W @ W.T).max():.1e}"
)
for row in np.flatnonzero(~recovered.any(axis=1)):
    # a ±1 vector that is not a stored digit: write it in the digits' basis
    coefs, *_ = np.linalg.lstsq(patterns.T, reverse.patterns[row], rcond=None)
    terms = " ".join(
        f"{'+' if c > 0 else '−'} ξ_{rbm.pattern_labels_[mu]}"
        for mu, c in enumerate(np.round(coefs))
        if c != 0
    )
    print(f"  other pattern found: B = {terms.lstrip('+ ')}")

# %%
# The reverse map finds ten exactly binary patterns whose projection network
# is the RBM's J to machine precision, but with the QR weights one of them
# is not a digit: a signed sum of three digit patterns (shown below in the
# place of the digit it stands in for) that happens to be ±1 on every pixel. It lies in
# the span of the digits, so the Hopfield network it defines is the same;
# the patterns behind a projection network are unique, up to order and
# sign, only when no other ±1 vector lies in their span, and on 64 pixels
# the digits are similar enough for such combinations to exist. Which ones
# the search returns depends on the basis it starts from: from the SVD
# weights of the same span it returns the ten digits.
svd_rbm = ProjectionHopfieldRBM(binarize=4.0, orthogonalization="svd").fit(X, y)
svd_reverse = rbm_to_hopfield(svd_rbm, random_state=0)
svd_match = np.isclose(np.abs(svd_reverse.patterns @ patterns.T) / n_features, 1.0)
print(
    f"from the SVD weights: {int(svd_match.any(axis=0).sum())}/{n_patterns} "
    "majority patterns recovered exactly"
)

# put each recovered pattern under the stored digit it is paired with (an
# optimal assignment of the overlaps), with the sign that makes the overlap
# positive
rows, cols = linear_sum_assignment(-match)
paired = reverse.patterns[rows[np.argsort(cols)]]
paired *= np.sign(np.sum(paired * patterns, axis=1))[:, None]
plot_rows(
    [patterns, paired],
    ["stored ξ", "recovered\nsgn(WX)"],
    "Reverse map (App. D): Hopfield patterns read off the RBM's weights",
)
plt.show()
