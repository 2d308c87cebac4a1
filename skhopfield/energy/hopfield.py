"""Energy of a Hopfield network and its Boltzmann distribution.

States are ±1 row vectors ``s`` of length N, couplings a symmetric matrix
``J`` (N, N), thresholds ``theta`` (N,). The energy is (seed
``002_10be544b8478b70d.txt`` Eq. 25, ``004_bd324d3dcbdb2ba8.txt``)

    E(s) = −½ sᵀ J s − θᵀ s,

and the stochastic dynamics at inverse temperature β sample
p(s) = exp(−β E(s)) / Z.

Every function works on NumPy arrays and on torch tensors alike (operators
only), except the enumeration helpers, which are NumPy.
"""

import numpy as np
from scipy.special import logsumexp

__all__ = [
    "hopfield_energy",
    "local_field",
    "enumerate_spins",
    "boltzmann_log_probs",
    "tie_tolerance",
]

#: Largest N for which the enumeration helpers will run (2^N states).
MAX_ENUMERATION_FEATURES = 24


def local_field(S, J, theta=None):
    """Local fields h = J s + θ of every unit, for each row of ``S``.

    Parameters
    ----------
    S : array of shape (n_samples, N)
        ±1 states (rows).
    J : array of shape (N, N)
        Symmetric couplings. The diagonal, if not zero, is included.
    theta : array of shape (N,), default=None
        Thresholds (external fields); ``None`` means zero.

    Returns
    -------
    H : array of shape (n_samples, N)
        ``H[n, i] = Σ_j J_ij S[n, j] + θ_i``.
    """
    H = S @ J.T
    if theta is not None:
        H = H + theta
    return H


def hopfield_energy(S, J, theta=None):
    """Energy E(s) = −½ sᵀJs − θᵀs of each row of ``S``.

    Seed ``002_10be544b8478b70d.txt`` Eq. 25 (with thresholds as in
    ``004_bd324d3dcbdb2ba8.txt``).

    Parameters
    ----------
    S : array of shape (n_samples, N)
        ±1 states.
    J : array of shape (N, N)
        Symmetric couplings.
    theta : array of shape (N,), default=None
        Thresholds; ``None`` means zero.

    Returns
    -------
    E : array of shape (n_samples,)
    """
    E = -0.5 * ((S @ J.T) * S).sum(1)
    if theta is not None:
        E = E - S @ theta
    return E


def tie_tolerance(J, theta=None):
    """Per-unit magnitude below which a local field counts as zero.

    A field computed in floating point carries a rounding error bounded by
    about ``N · eps · (Σ_j |J_ij| + |θ_i|)`` (the standard bound on a dot
    product). Fields smaller than that have no reliable sign; the dynamics
    treat them as exact ties and keep the unit's state, so that results do
    not depend on the summation order (batch size, BLAS, engine).

    Returns
    -------
    tol : ndarray of shape (N,), in the dtype of ``J``.
    """
    J = np.asarray(J)
    n = J.shape[0]
    eps = np.finfo(J.dtype).eps
    scale = np.abs(J).sum(1)
    if theta is not None:
        scale = scale + np.abs(np.asarray(theta))
    return (max(n, 1) * eps * scale).astype(J.dtype, copy=False)


def enumerate_spins(n_features, dtype=np.float64):
    """All 2^N ±1 states, shape (2^N, N), in binary-counting order."""
    if n_features > MAX_ENUMERATION_FEATURES:
        raise ValueError(
            f"enumerating 2^{n_features} states is too large; exact "
            f"enumeration supports n_features <= {MAX_ENUMERATION_FEATURES}."
        )
    codes = np.arange(2**n_features)[:, None]
    bits = (codes >> np.arange(n_features - 1, -1, -1)) & 1
    return (2 * bits - 1).astype(dtype)


def boltzmann_log_probs(J, beta=1.0, theta=None):
    """Exact log-probabilities of all 2^N states under exp(−βE) / Z.

    Parameters
    ----------
    J : ndarray of shape (N, N)
        Symmetric couplings (N small enough to enumerate).
    beta : float, default=1.0
        Inverse temperature.
    theta : ndarray of shape (N,), default=None
        Thresholds.

    Returns
    -------
    states : ndarray of shape (2^N, N)
        The states, as :func:`enumerate_spins` orders them.
    log_p : ndarray of shape (2^N,)
        ``log p(s)``; ``logsumexp(log_p) == 0``.
    """
    J = np.asarray(J, dtype=np.float64)
    states = enumerate_spins(J.shape[0])
    log_w = -beta * hopfield_energy(states, J, theta)
    return states, log_w - logsumexp(log_w)
