"""Energy of a Hopfield network and its Boltzmann distribution.

States are ±1 row vectors ``s`` of length N, couplings a symmetric matrix
``J`` (N, N), thresholds ``theta`` (N,). The energy is (Campagne (2025),
Eq. 25, with the thresholds of the textbook form, Hopfield (1982))

    E(s) = −½ sᵀ J s − θᵀ s,

and the stochastic dynamics at inverse temperature β sample
p(s) = exp(−β E(s)) / Z.

Every function works on NumPy arrays and on torch tensors alike (operators
only), except the enumeration helpers, which are NumPy.

References
----------
J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's Boltzmann
machines", 2025.

J. J. Hopfield, "Neural networks and physical systems with emergent
collective computational abilities", Proceedings of the National Academy of
Sciences 79(8), 2554–2558, 1982.
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

    Campagne (2025) [1]_, Eq. 25, with the thresholds ``θ`` of the
    textbook form (Hopfield (1982) [2]_).

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
        The energy of each state.

    References
    ----------
    .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
       Boltzmann machines", 2025.
    .. [2] J. J. Hopfield, "Neural networks and physical systems with
       emergent collective computational abilities", Proceedings of the
       National Academy of Sciences 79(8), 2554–2558, 1982.
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

    Parameters
    ----------
    J : array-like of shape (N, N)
        Couplings, in the floating dtype of the fields they produce.
    theta : array-like of shape (N,), default=None
        Thresholds; ``None`` means zero.

    Returns
    -------
    tol : ndarray of shape (N,)
        The tolerance of each unit's field, in the dtype of ``J``.
    """
    J = np.asarray(J)
    n = J.shape[0]
    eps = np.finfo(J.dtype).eps
    scale = np.abs(J).sum(1)
    if theta is not None:
        scale = scale + np.abs(np.asarray(theta))
    return (max(n, 1) * eps * scale).astype(J.dtype, copy=False)


def enumerate_spins(n_features, dtype=np.float64):
    """Enumerate all 2^N ±1 states in binary-counting order.

    Parameters
    ----------
    n_features : int
        Number of units N, at most ``MAX_ENUMERATION_FEATURES`` (24).
    dtype : data-type, default=np.float64
        Data type of the returned states.

    Returns
    -------
    states : ndarray of shape (2^N, N)
        Every ±1 state once: row ``k`` is the binary code of ``k`` with
        the bits 0 and 1 written as −1 and +1, most significant bit first.

    Raises
    ------
    ValueError
        If ``n_features`` is larger than ``MAX_ENUMERATION_FEATURES``.
    """
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
