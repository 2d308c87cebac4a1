"""Pairwise energy: the Hopfield network and the fully visible Boltzmann machine.

States are row vectors ``s`` of length N, couplings a symmetric matrix
``J`` (N, N), thresholds (fields) ``theta`` or ``b`` (N,). The energy is
(Campagne (2025), Eq. 25, with the thresholds of the textbook form, Hopfield
(1982))

    E(s) = −½ sᵀ J s − θᵀ s,

and the stochastic dynamics at inverse temperature β sample
p(s) = exp(−β E(s)) / Z.

The Hopfield functions take ±1 states and work on NumPy arrays and on torch
tensors alike (operators only), except the enumeration helpers, which are
NumPy.

The fully visible Boltzmann machine (Ackley, Hinton & Sejnowski (1985);
Campagne (2025), Eqs. 56–68) is the same energy at β = 1 with a zero
diagonal, on ±1 units (``units="spin"``) or {0, 1} units
(``units="binary"``):

    p(s) = exp(½ sᵀJs + bᵀs) / Z,   Z = Σ_s exp(½ sᵀJs + bᵀs).

The ``bm_*`` functions (NumPy, float64) compute its unnormalized
log-probability, the single-unit conditionals
p(s_i = +1 | rest) = σ(2 h_i) (±1) or p(s_i = 1 | rest) = σ(h_i) ({0, 1})
with h = Js + b, exact ln Z and model moments by enumerating the
``2**N`` states in chunks, the exact log-likelihood gradient
∂ ln L / ∂J_ij = ⟨s_i s_j⟩_data − ⟨s_i s_j⟩_model (Campagne (2025),
Eq. 66), Besag's pseudo-log-likelihood and its gradient, a Gibbs sampler
over many chains, and ln Z by annealed importance sampling (Neal (2001)). A
nonzero diagonal of ``J`` is ignored by all of them: the self-couplings of
±1 units only add a constant, and the model has none.

References
----------
D. H. Ackley, G. E. Hinton and T. J. Sejnowski, "A learning algorithm for
Boltzmann machines", Cognitive Science 9(1), 147–169, 1985.

J. Besag, "Statistical analysis of non-lattice data", The Statistician
24(3), 179–195, 1975.

J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's Boltzmann
machines", 2025.

J. J. Hopfield, "Neural networks and physical systems with emergent
collective computational abilities", Proceedings of the National Academy of
Sciences 79(8), 2554–2558, 1982.

R. M. Neal, "Annealed importance sampling", Statistics and Computing 11(2),
125–139, 2001.
"""

import math
from numbers import Integral

import numpy as np
from scipy.special import expit, logsumexp
from sklearn.utils import check_random_state

from ._ais import (
    LogPartitionBounds,
    _ais_estimate,
    _chains_and_schedule,
    _resample,
    _reverse_estimate,
    _start_checks,
)
from ._xp import _log2cosh, _softplus
from .layers import MAX_EXACT_UNITS, check_enumerable, states

__all__ = [
    "hopfield_energy",
    "local_field",
    "enumerate_spins",
    "boltzmann_log_probs",
    "tie_tolerance",
    "bm_log_unnormalized",
    "bm_conditional_prob",
    "bm_log_partition_exact",
    "bm_log_probs_exact",
    "bm_moments_exact",
    "bm_log_prob",
    "bm_gradient_exact",
    "bm_pseudo_log_likelihood",
    "bm_pseudo_log_likelihood_grad",
    "bm_gibbs",
    "bm_log_partition_ais",
    "bm_log_partition_bounds",
    "bm_binary_to_spin",
]

#: Largest N for which the enumeration helpers will run (2^N states); the
#: same cap as every exact sum of skhopfield
#: (:data:`skhopfield.energy.layers.MAX_EXACT_UNITS`).
MAX_ENUMERATION_FEATURES = MAX_EXACT_UNITS


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

    The table of :func:`skhopfield.energy.layers.states` (the one
    enumerator of skhopfield, in which bit ``i`` of the row index gives unit
    ``i``) with its columns reversed, so that the rows read as binary
    numbers, most significant unit first.

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
        the bits 0 and 1 written as −1 and +1, most significant bit first
        (row 0 is all −1, row 1 flips the last unit).

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
    n_features = int(n_features)
    table = states(0, 2**n_features, n_features, np.empty(0, dtype=dtype), low=-1.0)
    return np.ascontiguousarray(table[:, ::-1])


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


# -- the fully visible Boltzmann machine ------------------------------------------
#: Rows of the state table summed at once by the exact functions (memory:
#: a few chunk × N arrays of float64).
_EXACT_CHUNK = 1 << 15

def _low(units):
    """Value of a unit's 'off' state: −1 for ±1 spins, 0 for {0, 1} bits."""
    if units == "spin":
        return -1.0
    if units == "binary":
        return 0.0
    raise ValueError(f"units must be 'spin' or 'binary', got {units!r}.")


def _check_model(J, b):
    """J (N, N) and b (N,) as float64 arrays, J without its diagonal."""
    J = np.array(J, dtype=np.float64)
    if J.ndim != 2 or J.shape[0] != J.shape[1]:
        raise ValueError(f"J must be a square matrix, got shape {J.shape}.")
    n = J.shape[0]
    b = np.zeros(n) if b is None else np.asarray(b, dtype=np.float64)
    if b.shape != (n,):
        raise ValueError(f"b must have shape ({n},) to match J, got {b.shape}.")
    np.fill_diagonal(J, 0.0)
    return J, b


def _check_states(S, n):
    S = np.asarray(S, dtype=np.float64)
    if S.ndim != 2 or S.shape[1] != n:
        raise ValueError(
            f"S must be a 2-D array with {n} columns (one per unit), got "
            f"shape {S.shape}."
        )
    return S


def _pair_term(S, J):
    """½ sᵀJs of each row (J with a zero diagonal)."""
    return 0.5 * np.einsum("ij,ij->i", S @ J, S)


def _log_unnormalized(S, J, b):
    return _pair_term(S, J) + S @ b


def _state_chunks(n, units, chunk=None):
    """The table of the ``2**n`` states, in chunks of rows (layers.states)."""
    chunk = _EXACT_CHUNK if chunk is None else chunk
    like = np.empty(0, dtype=np.float64)
    total = 1 << n
    low = _low(units)
    for start in range(0, total, chunk):
        yield states(start, min(start + chunk, total), n, like, low=low)


def bm_log_unnormalized(S, J, b=None):
    """Unnormalized log-probability ln p*(s) = ½ sᵀJs + bᵀs of each row.

    The negative of the energy of Campagne (2025) [1]_, Eq. 56, with the
    fields ``b`` of the textbook form (Ackley, Hinton & Sejnowski (1985)
    [2]_); ``p(s) = p*(s) / Z``.

    Parameters
    ----------
    S : array-like of shape (n_samples, N)
        States: ±1 or {0, 1} values.
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields (biases); ``None`` means zero.

    Returns
    -------
    log_p : ndarray of shape (n_samples,)
        ``½ Σ_{i≠j} J_ij s_i s_j + Σ_i b_i s_i`` of each row, float64.

    References
    ----------
    .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
       Boltzmann machines", 2025.
    .. [2] D. H. Ackley, G. E. Hinton and T. J. Sejnowski, "A learning
       algorithm for Boltzmann machines", Cognitive Science 9(1), 147–169,
       1985.
    """
    J, b = _check_model(J, b)
    S = _check_states(S, J.shape[0])
    return _log_unnormalized(S, J, b)


def bm_conditional_prob(S, J, b=None, units="spin"):
    """Probability that each unit is on given the other units, for each row.

    With the field ``h = Js + b`` of the other units (the diagonal of ``J``
    ignored), ``p(s_i = +1 | rest) = σ(2 h_i)`` for ±1 units and
    ``p(s_i = 1 | rest) = σ(h_i)`` for {0, 1} units (Campagne (2025) [1]_,
    Eq. 60 and its note 25 on the factor 2 of ±1 units).

    Parameters
    ----------
    S : array-like of shape (n_samples, N)
        States (±1 or {0, 1}, as ``units``); entry ``i`` of a row does not
        enter the probability of unit ``i``.
    J : array-like of shape (N, N)
        Symmetric couplings.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.

    Returns
    -------
    P : ndarray of shape (n_samples, N)
        ``P[n, i] = p(s_i = on | s_j, j ≠ i)`` for row ``n``.

    References
    ----------
    .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
       Boltzmann machines", 2025.
    """
    low = _low(units)
    J, b = _check_model(J, b)
    S = _check_states(S, J.shape[0])
    H = S @ J + b
    return expit(2.0 * H if low < 0 else H)


def bm_log_partition_exact(J, b=None, units="spin"):
    """Exact ln Z of the Boltzmann machine, by enumerating its states.

    ``Z = Σ_s exp(½ sᵀJs + bᵀs)`` (Campagne (2025) [1]_, Eq. 58), summed
    in float64 over the ``2**N`` states of
    :func:`skhopfield.energy.layers.states` in chunks, with log-sum-exp.

    Parameters
    ----------
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.

    Returns
    -------
    log_Z : float
        The natural log of the partition function.

    Raises
    ------
    ValueError
        If N exceeds :data:`skhopfield.energy.layers.MAX_EXACT_UNITS` (24).

    References
    ----------
    .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
       Boltzmann machines", 2025.
    """
    J, b = _check_model(J, b)
    n = J.shape[0]
    check_enumerable(n, alternative="bm_log_partition_ais")
    log_Z = -np.inf
    for S in _state_chunks(n, units):
        log_Z = np.logaddexp(log_Z, logsumexp(_log_unnormalized(S, J, b)))
    return float(log_Z)


def bm_log_probs_exact(J, b=None, units="spin"):
    """Every state of the Boltzmann machine and its exact log-probability.

    Parameters
    ----------
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.

    Returns
    -------
    states : ndarray of shape (2**N, N)
        The states in the order of :func:`skhopfield.energy.layers.states`
        (bit ``i`` of the row index gives unit ``i``).
    log_p : ndarray of shape (2**N,)
        ``ln p(s)``; ``logsumexp(log_p) == 0``.

    Raises
    ------
    ValueError
        If N exceeds :data:`skhopfield.energy.layers.MAX_EXACT_UNITS` (24).
    """
    J, b = _check_model(J, b)
    n = J.shape[0]
    check_enumerable(n, alternative="bm_gibbs")
    table = states(0, 1 << n, n, np.empty(0, dtype=np.float64), low=_low(units))
    log_w = _log_unnormalized(table, J, b)
    return table, log_w - logsumexp(log_w)


def _moments(J, b, units):
    """(ln Z, ⟨s⟩, ⟨s sᵀ⟩) by one streaming pass over the states."""
    n = J.shape[0]
    m = -np.inf
    Z = 0.0
    M1 = np.zeros(n)
    M2 = np.zeros((n, n))
    for S in _state_chunks(n, units):
        lw = _log_unnormalized(S, J, b)
        top = float(lw.max())
        if top > m:
            scale = math.exp(m - top) if np.isfinite(m) else 0.0
            Z, M1, M2 = Z * scale, M1 * scale, M2 * scale
            m = top
        w = np.exp(lw - m)
        Z += float(w.sum())
        M1 += w @ S
        M2 += (S * w[:, None]).T @ S
    return m + math.log(Z), M1 / Z, M2 / Z


def bm_moments_exact(J, b=None, units="spin"):
    """Exact ln Z and model moments ⟨s⟩ and ⟨s sᵀ⟩, by enumeration.

    One pass over the ``2**N`` states in chunks, with the weights rescaled
    by the running maximum of ``ln p*`` (float64, no overflow).

    Parameters
    ----------
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.

    Returns
    -------
    log_Z : float
        The log-partition function ln Z.
    mean : ndarray of shape (N,)
        ``⟨s_i⟩`` under the model.
    second : ndarray of shape (N, N)
        ``⟨s_i s_j⟩`` under the model (its diagonal is 1 for ±1 units and
        ``⟨s_i⟩`` for {0, 1} units).

    Raises
    ------
    ValueError
        If N exceeds :data:`skhopfield.energy.layers.MAX_EXACT_UNITS` (24).
    """
    J, b = _check_model(J, b)
    _low(units)
    check_enumerable(J.shape[0], alternative="bm_gibbs")
    return _moments(J, b, units)


def bm_log_prob(S, J, b=None, units="spin", log_Z=None):
    """Log-probability ln p(s) = ln p*(s) − ln Z of each row.

    Parameters
    ----------
    S : array-like of shape (n_samples, N)
        States (±1 or {0, 1}, as ``units``).
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.
    log_Z : float, default=None
        The log-partition function, e.g. from :func:`bm_log_partition_ais`; ``None`` computes it
        exactly (:func:`bm_log_partition_exact`).

    Returns
    -------
    log_p : ndarray of shape (n_samples,)
        ``ln p(s)`` of each row, float64 (nats).
    """
    J, b = _check_model(J, b)
    S = _check_states(S, J.shape[0])
    if log_Z is None:
        log_Z = bm_log_partition_exact(J, b, units)
    return _log_unnormalized(S, J, b) - float(log_Z)


def _data_moments(S):
    n = S.shape[0]
    return S.mean(0), (S.T @ S) / n


def _exact_objective(J, b, data_mean, data_second, units):
    """Mean log-likelihood and its exact gradient from the data moments."""
    log_Z, mean, second = _moments(J, b, units)
    value = 0.5 * float(np.sum(J * data_second)) + float(b @ data_mean) - log_Z
    grad_J = data_second - second
    np.fill_diagonal(grad_J, 0.0)
    return value, grad_J, data_mean - mean


def bm_gradient_exact(S, J, b=None, units="spin"):
    """Exact mean log-likelihood of the rows of ``S`` and its gradient.

    ``L = mean_n ln p(s_n)`` and, for the pair ``J_ij = J_ji`` (i ≠ j) as
    one parameter, ``∂L/∂J_ij = ⟨s_i s_j⟩_data − ⟨s_i s_j⟩_model``,
    ``∂L/∂b_i = ⟨s_i⟩_data − ⟨s_i⟩_model`` (Campagne (2025) [1]_,
    Eqs. 64–67; Ackley, Hinton & Sejnowski (1985) [2]_), with the model
    averages summed exactly over the ``2**N`` states.

    Parameters
    ----------
    S : array-like of shape (n_samples, N)
        Data (±1 or {0, 1}, as ``units``).
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.

    Returns
    -------
    log_likelihood : float
        ``mean_n ln p(s_n)`` in nats.
    grad_J : ndarray of shape (N, N)
        Symmetric, zero diagonal: ``∂L/∂J_ij`` of the pair parameter
        (moving ``J_ij`` and ``J_ji`` together by ε changes L by
        ``ε grad_J[i, j]``).
    grad_b : ndarray of shape (N,)
        ``∂L/∂b``.

    Raises
    ------
    ValueError
        If N exceeds :data:`skhopfield.energy.layers.MAX_EXACT_UNITS` (24).

    References
    ----------
    .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
       Boltzmann machines", 2025.
    .. [2] D. H. Ackley, G. E. Hinton and T. J. Sejnowski, "A learning
       algorithm for Boltzmann machines", Cognitive Science 9(1), 147–169,
       1985.
    """
    J, b = _check_model(J, b)
    S = _check_states(S, J.shape[0])
    _low(units)
    check_enumerable(J.shape[0], alternative="bm_pseudo_log_likelihood_grad")
    return _exact_objective(J, b, *_data_moments(S), units)


def _pseudo(S, J, b, units, grad):
    """Mean pseudo-log-likelihood (and its gradient) of the rows of S."""
    H = S @ J + b
    if _low(units) < 0:
        # ln p(s_i | rest) = ln σ(2 s_i h_i); d/dh_i = s_i − tanh(h_i)
        value = -_softplus(-2.0 * S * H).sum() / S.shape[0]
        R = S - np.tanh(H) if grad else None
    else:
        # ln p(s_i | rest) = s_i h_i − ln(1 + e^{h_i}); d/dh_i = s_i − σ(h_i)
        value = (S * H - _softplus(H)).sum() / S.shape[0]
        R = S - expit(H) if grad else None
    if not grad:
        return float(value)
    G = S.T @ R / S.shape[0]
    grad_J = G + G.T
    np.fill_diagonal(grad_J, 0.0)
    return float(value), grad_J, R.mean(0)


def bm_pseudo_log_likelihood(S, J, b=None, units="spin"):
    """Mean pseudo-log-likelihood Σ_i ln p(s_i | s_j, j ≠ i) of the rows.

    Besag's (1975) [1]_ pseudo-likelihood: the product of the single-unit
    conditionals of :func:`bm_conditional_prob`. It needs no ln Z, and its
    maximizer is a consistent estimator of the couplings.

    Parameters
    ----------
    S : array-like of shape (n_samples, N)
        Data (±1 or {0, 1}, as ``units``).
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.

    Returns
    -------
    pll : float
        ``mean_n Σ_i ln p(s_ni | rest)`` in nats (at most 0).

    References
    ----------
    .. [1] J. Besag, "Statistical analysis of non-lattice data", The
       Statistician 24(3), 179–195, 1975.
    """
    J, b = _check_model(J, b)
    S = _check_states(S, J.shape[0])
    return _pseudo(S, J, b, units, grad=False)


def bm_pseudo_log_likelihood_grad(S, J, b=None, units="spin"):
    """Mean pseudo-log-likelihood of the rows and its gradient.

    With the residuals ``r_i = s_i − E[s_i | rest]`` (``tanh(h_i)`` for ±1
    units, ``σ(h_i)`` for {0, 1} units, ``h = Js + b``),
    ``∂PL/∂b_i = mean r_i`` and, for the pair ``J_ij = J_ji``,
    ``∂PL/∂J_ij = mean(r_i s_j + r_j s_i)`` (Besag (1975) [1]_).

    Parameters
    ----------
    S : array-like of shape (n_samples, N)
        Data (±1 or {0, 1}, as ``units``).
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.

    Returns
    -------
    pll : float
        The mean pseudo-log-likelihood (:func:`bm_pseudo_log_likelihood`).
    grad_J : ndarray of shape (N, N)
        Symmetric, zero diagonal: the derivative for the pair parameter.
    grad_b : ndarray of shape (N,)
        The derivative for the fields.

    References
    ----------
    .. [1] J. Besag, "Statistical analysis of non-lattice data", The
       Statistician 24(3), 179–195, 1975.
    """
    J, b = _check_model(J, b)
    S = _check_states(S, J.shape[0])
    return _pseudo(S, J, b, units, grad=True)


def _gibbs_sweeps(S, J, b, low, n_sweeps, rng):
    """Sequential single-site Gibbs sweeps of the rows of the F-ordered
    float64 array ``S``, in place (J with a zero diagonal)."""
    n, n_units = S.shape
    gain = 2.0 if low < 0 else 1.0
    for _ in range(n_sweeps):
        U = rng.random_sample((n_units, n))
        for i in range(n_units):
            p = expit(gain * (S @ J[:, i] + b[i]))
            S[:, i] = np.where(U[i] < p, 1.0, low)
    return S


def bm_gibbs(S, J, b=None, units="spin", n_sweeps=1, random_state=None):
    """Run Gibbs sampling (Glauber dynamics) from each row of ``S``.

    A sweep updates the units one at a time in the order 0, 1, …, N − 1,
    each from its conditional given the current others
    (:func:`bm_conditional_prob`): ``p(s_i = +1 | rest) = σ(2 h_i)`` for ±1
    units, ``σ(h_i)`` for {0, 1} units, ``h = Js + b``. Every update leaves
    ``p(s) ∝ exp(½ sᵀJs + bᵀs)`` invariant, so the chains (the rows,
    vectorized) converge to the model; each is independent of the others.

    Parameters
    ----------
    S : array-like of shape (n_chains, N)
        Start states (±1 or {0, 1}, as ``units``); not modified.
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.
    n_sweeps : int, default=1
        Number of sweeps (0 returns the start states).
    random_state : int, RandomState instance or None, default=None
        Seeds the chains.

    Returns
    -------
    S : ndarray of shape (n_chains, N)
        The states after the last sweep, float64.

    References
    ----------
    .. [1] R. J. Glauber, "Time-dependent statistics of the Ising model",
       Journal of Mathematical Physics 4(2), 294–307, 1963.
    """
    low = _low(units)
    J, b = _check_model(J, b)
    S = np.array(_check_states(S, J.shape[0]), dtype=np.float64, order="F")
    if not isinstance(n_sweeps, Integral) or n_sweeps < 0:
        raise ValueError(f"n_sweeps must be a non-negative integer, got {n_sweeps!r}.")
    rng = check_random_state(random_state)
    return np.ascontiguousarray(_gibbs_sweeps(S, J, b, low, int(n_sweeps), rng))


def _independent(b, low):
    """ln Z_0 and p(on) of independent units with the fields b."""
    if low < 0:
        return float(_log2cosh(b).sum()), expit(2.0 * b)
    return float(_softplus(b).sum()), expit(b)


def bm_log_partition_ais(
    J,
    b=None,
    units="spin",
    n_chains=100,
    n_betas=1000,
    random_state=None,
    schedule="linear",
):
    """Estimate ln Z of the Boltzmann machine by annealed importance sampling.

    The couplings are annealed through ``p*_γ(s) = exp(γ ½ sᵀJs + bᵀs)``,
    ``0 = γ_0 < γ_1 < … < γ_{K−1} = 1`` (Neal (2001) [1]_). At ``γ = 0``
    the units are independent: ``ln Z_0 = Σ_i ln 2cosh(b_i)`` (±1) or
    ``Σ_i ln(1 + e^{b_i})`` ({0, 1}), and the chains start from exact
    samples of ``p_0``. At each ``γ_k`` a chain adds
    ``(γ_k − γ_{k−1}) ½ sᵀJs`` to its log-weight (float64) and moves by one
    Gibbs sweep of ``p_{γ_k}`` (:func:`bm_gibbs`). Then
    ``Z ≈ Z_0 mean(w)``.

    Parameters
    ----------
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.
    n_chains : int, default=100
        Number of independent AIS runs (``>= 2``).
    n_betas : int, default=1000
        Number of distributions, endpoints included. Ignored when
        ``schedule`` is an array.
    random_state : int, RandomState instance or None, default=None
        Seeds the chains.
    schedule : {"linear", "quadratic"} or array-like, default="linear"
        ``"linear"``: ``γ_k = k/(K−1)``, uniform steps in the coupling
        strength; ``"quadratic"``: ``γ_k = sqrt(k/(K−1))``
        (:func:`skhopfield.energy.gaussian.ais_schedule`); or the values
        ``γ_k`` themselves, increasing strictly from 0 to 1.

    Returns
    -------
    estimate : AISEstimate
        ``(log_Z, std_error)``: the estimate of ln Z and its delta-method
        standard error, ``std(w) / (sqrt(n_chains) mean(w))``, with the
        effective sample size of the weights (``estimate.ess``). ``exp(log_Z)``
        is unbiased, so ``log_Z`` is a stochastic lower bound, low by about
        ``std_error² / 2`` when the chains reach every mode.

    Notes
    -----
    Without fields (``b = 0``, ±1 units) the start is the uniform
    distribution, symmetric under the flip ``s → −s`` as the model is, so
    the chains stay evenly spread over its mirror pairs of modes.

    References
    ----------
    .. [1] R. M. Neal, "Annealed importance sampling", Statistics and
       Computing 11(2), 125–139, 2001.
    """
    low = _low(units)
    J, b = _check_model(J, b)
    n_chains, gammas = _chains_and_schedule(n_chains, n_betas, schedule)
    rng = check_random_state(random_state)
    log_w, _, log_Z0 = _bm_forward(J, b, low, gammas, n_chains, rng)
    return _ais_estimate(log_w, log_Z0)


def _bm_forward(J, b, low, gammas, n_chains, rng):
    """Forward AIS from exact draws of the independent units of fields
    ``b``: the log-weights, the final states and ``ln Z_0``."""
    log_Z0, p_on = _independent(b, low)
    S = np.where(rng.random_sample((n_chains, J.shape[0])) < p_on, 1.0, low)
    log_w, S = _bm_ais_chains(J, b, low, gammas, S, rng)
    return log_w, S, log_Z0


def _bm_ais_chains(J, b, low, gammas, S, rng):
    """Log-weights and final states of AIS chains from the rows of ``S``
    along the couplings ``gammas`` (0 → 1 forward, 1 → 0 reverse): each
    step adds ``(γ_k − γ_{k−1}) ½ sᵀJs`` and takes one Gibbs sweep at
    ``γ_k J``."""
    gammas = np.asarray(gammas, dtype=np.float64)
    S = np.array(S, dtype=np.float64, order="F")
    log_w = np.zeros(S.shape[0])
    for k in range(1, gammas.size):
        log_w += (gammas[k] - gammas[k - 1]) * _pair_term(S, J)
        if k < gammas.size - 1:
            _gibbs_sweeps(S, gammas[k] * J, b, low, 1, rng)
    return log_w, np.ascontiguousarray(S)


def bm_log_partition_bounds(
    J,
    b=None,
    units="spin",
    n_chains=100,
    n_betas=1000,
    random_state=None,
    schedule="linear",
    init=None,
    n_burn=None,
):
    """Stochastic lower and upper bounds of ln Z of the Boltzmann machine.

    Forward AIS and reverse annealing (Burda, Grosse & Salakhutdinov, 2015):
    the lower bound is :func:`bm_log_partition_ais`. The upper bound runs
    the same path from ``γ = 1`` to 0, from samples of the model, whose
    weights have the mean ``Z_0 / Z`` when those samples are exact: ``ln
    Z_0 − ln mean(w)`` is at least ln Z in expectation. The reverse chains
    start from ``init`` or from the forward chains' final states resampled
    by their weights (mirrored with probability ½ each when the model has
    no field and ±1 units), then take ``n_burn`` Gibbs sweeps of the model;
    the drift of their mean ``ln p*(s)`` over the second half of those
    sweeps, in standard errors, is ``burn_in_z``.

    Parameters
    ----------
    J : array-like of shape (N, N)
        Symmetric couplings; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields; ``None`` means zero.
    units : {"spin", "binary"}, default="spin"
        ±1 or {0, 1} units.
    n_chains : int, default=100
        Number of chains of each direction (``>= 2``).
    n_betas : int, default=1000
        Number of distributions, endpoints included.
    random_state : int, RandomState instance or None, default=None
        Seeds the chains.
    schedule : {"linear", "quadratic"} or array-like, default="linear"
        As for :func:`bm_log_partition_ais`.
    init : array-like of shape (n_init, N) or None, default=None
        Start states of the reverse chains (±1 or {0, 1}, as ``units``).
    n_burn : int or None, default=None
        Gibbs sweeps before the reverse run (``>= 2``); None takes
        ``n_betas``.

    Returns
    -------
    bounds : LogPartitionBounds
        ``(lower, upper)`` with the two estimates and ``burn_in_z``.

    References
    ----------
    .. [1] Y. Burda, R. B. Grosse and R. Salakhutdinov, "Accurate and
       conservative estimates of MRF log-likelihood using reverse
       annealing", Proceedings of the 18th International Conference on
       Artificial Intelligence and Statistics (AISTATS), 102–110, 2015.
    """
    low = _low(units)
    J, b = _check_model(J, b)
    n_chains, gammas = _chains_and_schedule(n_chains, n_betas, schedule)
    rng = check_random_state(random_state)
    n = J.shape[0]
    log_w, S, log_Z0 = _bm_forward(J, b, low, gammas, n_chains, rng)
    forward = _ais_estimate(log_w, log_Z0, log_p_star=_log_unnormalized(S, J, b))
    if init is None:
        S = S[_resample(log_w, rng)]
    else:
        S = _check_states(init, n)
        if S.shape[0] < 2:
            raise ValueError("init needs at least 2 start states.")
    n_burn = len(gammas) if n_burn is None else int(n_burn)
    if n_burn < 2:
        raise ValueError(f"n_burn must be >= 2, got {n_burn!r}.")
    S = np.array(S, dtype=np.float64, order="F")
    if low < 0 and not np.any(b):
        S *= np.where(rng.random_sample((S.shape[0], 1)) < 0.5, -1.0, 1.0)
    _gibbs_sweeps(S, J, b, low, n_burn - n_burn // 2, rng)
    half = _log_unnormalized(S, J, b)
    _gibbs_sweeps(S, J, b, low, n_burn // 2, rng)
    checks = _start_checks(half, _log_unnormalized(S, J, b), forward.log_p_star)
    log_w_rev, _ = _bm_ais_chains(J, b, low, gammas[::-1], S, rng)
    return LogPartitionBounds(forward, _reverse_estimate(log_w_rev, log_Z0), *checks)


def bm_binary_to_spin(J, b=None):
    """The ±1 model of a {0, 1} Boltzmann machine, through s = 2v − 1.

    ``½ vᵀJv + bᵀv = ½ sᵀJ′s + b′ᵀs + c`` with ``J′ = J/4``,
    ``b′ = b/2 + J1/4`` and ``c = 1ᵀJ1/8 + 1ᵀb/2``, so the two models give
    every pair of corresponding states the same probability and
    ``ln Z_{0,1} = ln Z_{±1} + c``.

    Parameters
    ----------
    J : array-like of shape (N, N)
        Symmetric couplings of the {0, 1} model; the diagonal is ignored.
    b : array-like of shape (N,), default=None
        Fields of the {0, 1} model; ``None`` means zero.

    Returns
    -------
    J_spin : ndarray of shape (N, N)
        ``J/4``, zero diagonal.
    b_spin : ndarray of shape (N,)
        ``b/2 + J1/4``.
    log_Z_offset : float
        ``c``: the ln Z of the {0, 1} model minus that of the ±1 model.
    """
    J, b = _check_model(J, b)
    row = J.sum(1)
    return J / 4.0, b / 2.0 + row / 4.0, float(row.sum() / 8.0 + b.sum() / 2.0)
