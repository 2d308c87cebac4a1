"""
A Hopfield network of the digits is an RBM
==========================================

A projection-rule Hopfield network that stores p patterns is *exactly* a
restricted Boltzmann machine with p gaussian hidden units (M. Smart and
A. Zilman, "On the mapping between Hopfield networks and Restricted Boltzmann
Machines", ICLR 2021, §2): orthogonalize the patterns and use the result as
the RBM's weights. :class:`~skhopfield.ProjectionHopfieldRBM` does
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
# (``patterns_``, the sign of the class mean of Smart & Zilman's Eq. 14).
# These p = 10 patterns ξ are stored with the projection rule
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
# (red) where the digit has ink that they do not predict, negative (blue)
# where it lacks ink that they do.
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.datasets import load_digits

from skhopfield import HopfieldMemory, ProjectionHopfieldRBM
from skhopfield.mapping import rbm_to_hopfield

X, y = load_digits(return_X_y=True)
S = np.where(X > 4.0, 1.0, -1.0)  # the spins the estimator sees
BETA = 2.0  # Smart & Zilman's inverse temperature (see the sampling sections)

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
    for ax_row, images, label, cmap in zip(axes, rows, row_labels, cmaps, strict=True):
        images = np.asarray(images)
        # ±1 images on a fixed scale; real-valued weights on a symmetric one
        vmax = 1.0 if cmap == "gray_r" else np.abs(images).max()
        for ax, image in zip(ax_row, images, strict=False):
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
# the continuous representation of Z (Smart & Zilman, Eq. 7 and App. E).
# 50 chains of 300 steps are enough for a standard error of about 0.1.
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
# Melting and freezing: the choice of β
# -------------------------------------
# ``sample`` runs block-Gibbs chains, alternating λ | s ~ N(Wᵀs, β⁻¹I) and
# p(s_i = +1 | λ) = σ(2β(Wλ)_i). β sets the depth of the free-energy basins
# around the patterns (Smart & Zilman, §3.1.1); the weights themselves do
# not depend on it. We run 100 Gibbs steps from uniformly random images at
# four temperatures and measure how close each sample is to its nearest stored
# pattern: the largest overlap ``|m| = |ξ_μ · s| / N`` (1 for a stored pattern
# itself).
#
# - At β = 1 (hot) the basins have *melted*: the samples are noise with a
#   faint digit-like bias, far from every pattern. For a load
#   α = p / N ~ 0.1 (here 10 / 64 ≈ 0.16) the theory of Kanter &
#   Sompolinsky, quoted by Smart & Zilman, puts the melting transition near
#   β_c ≈ 1.5.
# - At β = 5 (cold) the basins are so deep that the chains *freeze* in them,
#   most of them exactly on a stored pattern: the model repeats its ten
#   prototypes and misses the diversity of the data.
# - In between, the samples are digits with variations. At Smart & Zilman's
#   β = 2, where their generative performance peaks (Fig. 2) and where the
#   likelihood of our k = 1 model is near its best too (table below), they
#   are recognisable but grainy; at β = 2.5 the 8 × 8 samples are the
#   cleanest digits that are still not copies of the prototypes, so we pick
#   ``BETA_SAMPLES = 2.5`` for the pictures.
#
# The energy is even, H(−s) = H(s) (there are no biases), so every inverted
# digit, ink and background swapped, is as likely as the digit itself: about
# half of the random starts fall into an inverted basin (light digits on a
# dark background below).
BETA_SAMPLES = 2.5
random_rows = []
for beta in (1.0, BETA, BETA_SAMPLES, 5.0):
    # fitting is one QR factorization, so we simply refit at each β
    model = ProjectionHopfieldRBM(binarize=4.0, beta=beta).fit(X, y)
    samples = model.sample(200, n_steps=100, random_state=0)
    overlaps = samples @ patterns.T / n_features
    nearest = np.abs(overlaps).argmax(axis=1)
    m = overlaps[np.arange(len(samples)), nearest]  # signed overlap
    print(
        f"β = {beta:<3g}: mean |m| with the nearest pattern {np.abs(m).mean():.2f}, "
        f"samples exactly on a stored pattern {np.mean(np.abs(m) == 1):3.0%}, "
        f"inverted (m < 0) {np.mean(m < 0):.0%}"
    )
    random_rows.append(samples[:n_patterns])
plot_rows(
    random_rows,
    ["β = 1\n(melted)", f"β = {BETA:g}", f"β = {BETA_SAMPLES:g}", "β = 5\n(frozen)"],
    "100 Gibbs steps from random images",
)

# %%
# Samples seeded with a digit
# ---------------------------
# As in Fig. 4c of Smart & Zilman we start the chains from one example image
# per class (``sample(init=...)``) and take 20 steps, at their β = 2 and at our
# ``BETA_SAMPLES``; two independent chains for each show the model's
# variations. Started on a digit, the chains stay on the digits' side
# (overlap m > 0 with their own class's pattern), but within 20 steps they
# may already wander into the basin of a similar digit.
first = np.array([np.flatnonzero(y == digit)[0] for digit in range(n_patterns)])
seeded_rows, seeded_labels = [S[first]], ["start"]
for beta in (BETA, BETA_SAMPLES):
    model = ProjectionHopfieldRBM(binarize=4.0, beta=beta).fit(X, y)
    chains = [
        model.sample(init=X[first], n_steps=20, random_state=seed) for seed in (0, 1)
    ]
    own = np.sum(np.array(chains) * patterns, axis=2) / n_features
    print(
        f"seeded chains at β = {beta:<3g}: overlap m with their own digit's "
        f"pattern {own.mean():.2f} on average, {own.min():.2f} at the least"
    )
    seeded_rows += chains
    seeded_labels += [f"β = {beta:g}"] * 2
plot_rows(seeded_rows, seeded_labels, "20 Gibbs steps from one image per digit")

# %%
# More patterns per digit
# -----------------------
# With ``n_subpatterns=k`` each class is split into k clusters by Ward
# agglomerative clustering and each cluster's majority vote becomes a
# pattern (Smart & Zilman, §3.1.1), p = 10k hidden units. ``score`` is the mean
# log-likelihood ln p(s) of the images, with ln Z from AIS as above.
print("\nmean log-likelihood of the digits (nats per image; AIS)")
betas = (1.5, 2.0, 2.5, 3.0)
print("   k    p" + "".join(f"{f'β = {beta:g}':>10}" for beta in betas))
for k in (1, 2, 3):
    model = ProjectionHopfieldRBM(
        n_subpatterns=k, binarize=4.0, n_ais_chains=50, n_ais_betas=300, random_state=0
    ).fit(X, y)
    scores = []
    for beta in betas:
        # the weights do not depend on β, so one fit (one Ward clustering)
        # serves every β; ln Z is recomputed for each
        scores.append(model.set_params(beta=beta).score(X))
    print(f"{k:>4} {10 * k:>4}" + "".join(f"{score:>10.2f}" for score in scores))

# %%
# In Smart & Zilman's runs on MNIST (N = 784), the likelihood rises steadily
# with k (their Fig. 2). On the 8 × 8 digits it does not: the step to k = 2
# helps a little at β ≥ 2, but k = 3 is worse than k = 1 at their β = 2. With
# p = 30 patterns in N = 64 pixels the load α = p / N ≈ 0.5 is far above
# their α ~ 0.1, the sub-patterns of one digit overlap strongly (by about
# 0.7), and the extra dimensions of their span give weight to many images
# that are not digits: from k = 1 to k = 3, ln Z grows by more than the
# images' own term β ½‖Wᵀs‖² does. What the extra patterns do buy is
# robustness to the temperature, as Smart & Zilman note: at β = 3 the
# single-pattern model has started to freeze onto its ten prototypes and
# loses 6 nats per image, while the models with sub-patterns keep spreading
# their probability over the variants of each digit.
#
# The table also shows the price of our sampling temperature: the
# likelihood of the k = 1 model peaks near β = 1.5–2, and at
# ``BETA_SAMPLES = 2.5`` it is about 2 nats per image lower. The likelihood
# rewards a model that covers the whole spread of the data, grainy samples
# and all; the eye prefers the cleaner samples of a slightly colder one.

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
    coefs = np.round(coefs)
    coefs *= np.sign(coefs[np.flatnonzero(coefs)[0]])  # B and −B: same pattern
    terms = " ".join(
        f"{'+' if c > 0 else '−'} {'' if abs(c) == 1 else f'{abs(c):g} '}"
        f"ξ_{rbm.pattern_labels_[mu]}"
        for mu, c in enumerate(coefs)
        if c != 0
    )
    print(f"  other pattern found (up to sign): B = {terms.removeprefix('+ ')}")

# %%
# The reverse map finds ten exactly binary patterns whose projection network
# is the RBM's J to machine precision, but with the QR weights one of them
# is not a digit: a signed sum of three digit patterns that happens to be
# ±1 on every pixel (shown below in the place of the digit it stands in
# for). It lies in the span of the digits, so the Hopfield network it
# defines is the same. The patterns behind a projection network are unique,
# up to order and sign, only when no other ±1 vector lies in their span,
# and on 64 pixels the digits are similar enough for such combinations to
# exist. Which ones the search returns depends on the basis it starts from:
# from the SVD weights of the same span it returns the ten digits.
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
