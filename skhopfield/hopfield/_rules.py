"""Learning rules of the Hopfield memory: patterns → symmetric couplings J.

Every rule takes ξ of shape (P, N) (rows are ±1 patterns) and returns J of
shape (N, N), symmetric, in ξ's floating dtype.

References: J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
Boltzmann machines", 2025; M. Smart and A. Zilman, "On the mapping between
Hopfield networks and Restricted Boltzmann Machines", International
Conference on Learning Representations (ICLR), 2021; A. Storkey,
"Increasing the capacity of a Hopfield network without sacrificing
functionality", ICANN 1997.
"""

import numpy as np
from scipy import linalg

__all__ = ["hebbian", "projection", "storkey", "perceptron"]


def _set_diagonal(J, zero_diagonal):
    if zero_diagonal:
        np.fill_diagonal(J, 0.0)
    return J


def hebbian(xi, zero_diagonal=True):
    """Hebb's rule J = ξᵀξ / N (Campagne 2025, Eq. 26)."""
    n_features = xi.shape[1]
    J = (xi.T @ xi) / n_features
    return _set_diagonal(J, zero_diagonal)


def projection(xi, zero_diagonal=True):
    """Projection (pseudo-inverse) rule J = ξᵀ(ξξᵀ)⁺ξ.

    J is the orthogonal projector onto the span of the patterns (Smart &
    Zilman 2021, "On the mapping between Hopfield networks and restricted
    Boltzmann machines", App. A, Eq. 4 in the row convention), built
    from an orthonormal basis Q of that span (SVD with a rank tolerance) as
    J = QQᵀ. It is exact for correlated, duplicate and linearly dependent
    patterns: every pattern satisfies Jξ = ξ. With the zero diagonal, pattern
    μ stays a fixed point as long as J_ii < 1 for every i, i.e. for any
    P < N linearly independent patterns in general position.

    Entries within rounding of zero (``|J_ij| <= N·eps``) are set to exactly
    zero. They arise where the exact projector has zeros: a unit whose basis
    vector e_i lies in the span (J_ii = 1, e.g. every unit once the patterns
    span all N dimensions) has J_ij = 0 for every j ≠ i, so with the zero
    diagonal its field is exactly 0 and the dynamics keep its state. Left at
    their rounding noise (about 0.1·N·eps), such entries would give these
    fields arbitrary signs, far below the dynamics' tie tolerance, which is
    scaled by the row's own (tiny) entries.
    """
    if xi.shape[0] == 0:
        return np.zeros((xi.shape[1],) * 2, dtype=xi.dtype)
    Q = linalg.orth(xi.T)
    J = Q @ Q.T
    J = 0.5 * (J + J.T)
    J[np.abs(J) <= J.shape[0] * np.finfo(J.dtype).eps] = 0.0
    return _set_diagonal(J.astype(xi.dtype, copy=False), zero_diagonal)


def storkey(xi, zero_diagonal=True):
    """Storkey's incremental rule (Storkey 1997; Storkey & Valabregue 1999).

    For each pattern ξ in turn::

        J_ij += (ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j) / N,
        h_ij = Σ_{k ≠ i, j} J_ik ξ_k,

    which keeps J symmetric. It is local and incremental like Hebb's rule but
    subtracts the crosstalk each new pattern sees, raising the capacity from
    about 0.14 N to about N / sqrt(2 ln N).
    """
    n_patterns, n_features = xi.shape
    J = np.zeros((n_features, n_features), dtype=xi.dtype)
    for x in xi:
        h = J @ x
        # h_ij = h_i − J_ii x_i − J_ij x_j  (the sum over k ≠ i, j)
        Hm = (h - np.diag(J) * x)[:, None] - J * x[None, :]
        J += (np.outer(x, x) - x[:, None] * Hm.T - Hm * x[None, :]) / n_features
        _set_diagonal(J, zero_diagonal)
    return J


def perceptron(xi, margin=0.5, n_iter=1000):
    """Symmetric perceptron learning with a margin.

    Campagne (2025, §3.2) trains each unit as a perceptron
    whose inputs are the other units of a pattern and whose target is its own
    state. This is the margin-perceptron form of that idea (Gardner 1988;
    Diederich & Opper 1987) with symmetric updates, so that the network keeps
    an energy function. The stability of unit i in pattern μ is

        γ_iμ = ξ_iμ h_iμ / ‖J_i‖,   h_iμ = Σ_{j≠i} J_ij ξ_jμ,

    Gardner's normalization: scale-free (J and cJ have the same
    stabilities), and for random patterns the crosstalk of a Hebbian J has
    unit variance in these units. The largest load at which random patterns
    can reach margin κ is α_c(κ) = 1 / ∫_{−κ}^∞ Dt (t + κ)² for asymmetric
    couplings (2 at κ = 0, about 0.96 at κ = 0.5, 0.52 at κ = 1); the
    symmetric couplings learned here reach somewhat less. Each epoch, every pair
    (i, μ) with γ_iμ < ``margin`` adds a Hebbian term::

        J_ij += (E_iμ + E_jμ) ξ_iμ ξ_jμ / (2N),   E_iμ = [γ_iμ < margin],

    until all stabilities reach the margin or ``n_iter`` epochs pass. When it
    succeeds every pattern is a fixed point whose every unit is held by a
    field of at least ``margin · ‖J_i‖``, which widens its basin.
    Starting from J = 0, the first epoch is Hebb's rule. The rule learns no
    self-couplings: the diagonal of J is zero.

    Returns
    -------
    J : ndarray of shape (N, N)
    n_epochs : int
        Epochs that changed J.
    converged : bool
        Whether every stability reached the margin.
    """
    n_patterns, n_features = xi.shape
    J = np.zeros((n_features, n_features), dtype=xi.dtype)
    for epoch in range(n_iter):
        fields = xi @ J
        norms = np.sqrt((J * J).sum(1))
        with np.errstate(divide="ignore", invalid="ignore"):
            stability = np.where(norms > 0, xi * fields / norms, -np.inf)
        errors = (stability < margin).astype(xi.dtype)
        if not errors.any():
            return J, epoch, True
        D = (errors * xi).T @ xi
        J += (D + D.T) / (2 * n_features)
        np.fill_diagonal(J, 0.0)
    return J, n_iter, False
