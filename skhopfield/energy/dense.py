"""Dense associative memory: an energy object, :class:`DenseAssociativeMemory`.

``P`` stored ±1 patterns :math:`\\xi^\\mu` (the rows of ``patterns``, shape
``(P, N)``) and a state :math:`\\sigma \\in \\{-1, +1\\}^N` have the overlaps
:math:`m_\\mu = \\xi^\\mu \\cdot \\sigma` (integers in ``[−N, N]``). The
dense associative memory of Krotov & Hopfield (2016) has the energy

.. math::

    E(\\sigma) = -\\sum_{\\mu=1}^{P} F(\\xi^\\mu \\cdot \\sigma)

with an interaction function :math:`F`: ``"polynomial"``
:math:`F(x) = x^n`, ``"rectified_polynomial"`` :math:`F(x) = \\max(x, 0)^n`
(both from Krotov & Hopfield (2016)) or ``"exponential"`` :math:`F(x) =
e^x` (Demircigil et al. (2017)). Unit :math:`i` takes the sign that gives
the lower energy with the other units held (Campagne (2025), Eq. 43;
Krotov & Hopfield (2016)):

.. math::

    \\sigma_i \\leftarrow \\operatorname{sgn} \\sum_{\\mu} \\Big[
    F\\big(\\xi^\\mu_i + r^\\mu_i\\big) - F\\big(-\\xi^\\mu_i + r^\\mu_i\\big)
    \\Big], \\qquad r^\\mu_i = \\sum_{j \\ne i} \\xi^\\mu_j \\sigma_j
    = m_\\mu - \\xi^\\mu_i \\sigma_i .

The bracket is :math:`E(\\sigma_i = -1) - E(\\sigma_i = +1)`. A sum that is
exactly zero (within the rounding bound, see
:meth:`DenseAssociativeMemory.unit_field`) is a tie: the unit keeps its
state. With :math:`F(x) = x^2` the update is Hebb's rule with a zero
diagonal, :math:`\\sigma_i \\leftarrow \\operatorname{sgn} \\sum_{j \\ne i}
\\sum_\\mu \\xi^\\mu_i \\xi^\\mu_j \\sigma_j` (Campagne (2025), Eq. 44).

A :class:`DenseAssociativeMemory` holds the patterns and the interaction
(``kind`` and ``degree``) and has the methods of every energy model of
:mod:`skhopfield.energy`: :meth:`~DenseAssociativeMemory.energy`,
:meth:`~DenseAssociativeMemory.field` (the drive of every unit),
:meth:`~DenseAssociativeMemory.update` (one synchronous step),
:meth:`~DenseAssociativeMemory.unit_field` (the drive of one unit, for
asynchronous dynamics), :meth:`~DenseAssociativeMemory.interaction` and,
for the exponential kind, :meth:`~DenseAssociativeMemory.log_neg_energy`.
The capacity formula :func:`krotov_hopfield_capacity` and the names of the
interactions :data:`INTERACTIONS` are module-level: they are not properties
of one memory.

**Never overflowing.** Every drive is computed with a positive factor per
state that keeps the numbers in range and does not change its sign: the
polynomials are evaluated at :math:`x / 2^k` with :math:`2^k` above the
largest argument (a power of two, so the scaling itself is exact), the
exponential at :math:`x - \\max x` (log-sum-exp form). The exponential
energy itself overflows for overlaps beyond about 709, so compare energies
with :meth:`DenseAssociativeMemory.log_neg_energy`, :math:`\\ln(-E) =
\\operatorname{logsumexp}_\\mu m_\\mu`, which is finite for any N.

Every method works on NumPy arrays and on torch tensors; the computations
are done in float64.

References
----------
J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's Boltzmann
machines", 2025, §3.3.

D. Krotov and J. J. Hopfield, "Dense associative memory for pattern
recognition", Advances in Neural Information Processing Systems 29
(NeurIPS), 2016.

M. Demircigil, J. Heusel, M. Löwe, S. Upgang and F. Vermet, "On a model of
associative memory with huge storage capacity", Journal of Statistical
Physics 168, 288–299, 2017.
"""

import math

import numpy as np

from ._xp import _is_torch, _logsumexp

__all__ = [
    "INTERACTIONS",
    "DenseAssociativeMemory",
    "krotov_hopfield_capacity",
]

#: The interaction functions F.
INTERACTIONS = ("polynomial", "rectified_polynomial", "exponential")


def _check_kind(kind, degree):
    if kind not in INTERACTIONS:
        raise ValueError(f"kind must be one of {INTERACTIONS}, got {kind!r}.")
    if kind != "exponential" and (int(degree) != degree or degree < 1):
        raise ValueError(f"degree must be a positive integer, got {degree!r}.")


def _f64(x):
    if _is_torch(x):
        import torch

        return x.to(torch.float64)
    return np.asarray(x, dtype=np.float64)


def _interaction(x, kind, degree):
    """F(x) in float64, for a ``kind`` and ``degree`` already checked."""
    x = _f64(x)
    if kind == "exponential":
        if _is_torch(x):
            import torch

            return torch.exp(x)
        with np.errstate(over="ignore"):
            return np.exp(x)
    if kind == "rectified_polynomial":
        x = x.clamp(min=0.0) if _is_torch(x) else np.maximum(x, 0.0)
    if _is_torch(x):
        return x ** int(degree)
    with np.errstate(over="ignore"):
        return x ** int(degree)


def _row_max(x):
    """Largest entry of each row (``-inf`` for an empty row), kept 2-D."""
    if _is_torch(x):
        if x.shape[-1] == 0:
            return x.new_full((*x.shape[:-1], 1), -math.inf)
        return x.amax(-1, keepdim=True)
    if x.shape[-1] == 0:
        return np.full((*x.shape[:-1], 1), -np.inf)
    return x.max(-1, keepdims=True)


def _pow2_at_least(a):
    """The power of two 2^k > ``a`` (a ≥ 0), elementwise, exactly."""
    if _is_torch(a):
        import torch

        _, k = torch.frexp(a + 1.0)
        return torch.ldexp(torch.ones_like(a), k)
    _, k = np.frexp(a + 1.0)
    return np.ldexp(1.0, k)


def _scaled_F(args, kind, degree):
    """F of each array of ``args`` (each (n, P)) times one positive factor
    per row, chosen so that nothing overflows.

    Polynomials: evaluated at x / 2^k with 2^k above every |x| of the row
    (exact scaling; the values lie in [−1, 1]). Exponential: e^(x − max x).
    """
    if kind == "exponential":
        top = None
        for a in args:
            m = _row_max(a)
            top = (
                m
                if top is None
                else (top.maximum(m) if _is_torch(m) else np.maximum(top, m))
            )
        return [(a - top).exp() if _is_torch(a) else np.exp(a - top) for a in args]
    top = None
    for a in args:
        m = _row_max(abs(a))
        if top is None:
            top = m
        else:
            top = top.maximum(m) if _is_torch(m) else np.maximum(top, m)
    top = top.clamp(min=0.0) if _is_torch(top) else np.maximum(top, 0.0)
    scale = 1.0 / _pow2_at_least(top)
    return [_interaction(a * scale, kind, degree) for a in args]


def _tolerance(values, n_terms, degree, kind):
    """Rounding bound of a signed sum of the ``values`` (each (n, P)) per
    row: (P + n + 8)·eps·Σ|values| (the dot-product bound, with the
    rounding of the powers)."""
    extra = 0 if kind == "exponential" else int(degree)
    eps = float(np.finfo(np.float64).eps)
    total = None
    for weight, v in values:
        s = weight * abs(v).sum(-1, keepdims=True)
        total = s if total is None else total + s
    return (n_terms + extra + 8) * eps * total


class DenseAssociativeMemory:
    """Dense associative memory of ±1 patterns: E(σ) = −Σ_μ F(ξ^μ·σ).

    The energy model of Krotov & Hopfield (2016) [2]_ (Campagne (2025)
    [1]_, §3.3), with the exponential interaction of Demircigil et al.
    (2017) [3]_. It holds the stored patterns and the interaction function
    F; every method takes NumPy arrays or torch tensors (the patterns and
    the states in the same namespace) and computes in float64.

    Parameters
    ----------
    patterns : array of shape (P, N)
        ±1 stored patterns ξ^μ, one per row (kept in float64).
    kind : {"polynomial", "rectified_polynomial", "exponential"}, \
default="polynomial"
        The interaction function F: ``"polynomial"`` F(x) = xⁿ,
        ``"rectified_polynomial"`` F(x) = max(x, 0)ⁿ, ``"exponential"``
        F(x) = eˣ (see :meth:`interaction`).
    degree : int, default=3
        The exponent n ≥ 1 of the polynomials; ignored (and not checked) by
        ``"exponential"``.

    Attributes
    ----------
    patterns : array of shape (P, N)
        The stored patterns, in float64 (a NumPy array or a torch tensor).
    kind : str
        The interaction function F.
    degree : int
        The exponent of the polynomials, as given.

    Raises
    ------
    ValueError
        If ``kind`` is not one of :data:`INTERACTIONS`, or if ``degree`` is
        not a positive integer for a polynomial kind.

    References
    ----------
    .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G.
       Hinton's Boltzmann machines", 2025.
    .. [2] D. Krotov and J. J. Hopfield, "Dense associative memory for
       pattern recognition", NeurIPS 2016.
    .. [3] M. Demircigil, J. Heusel, M. Löwe, S. Upgang and F. Vermet, "On a
       model of associative memory with huge storage capacity", Journal of
       Statistical Physics 168, 288–299, 2017.
    """

    def __init__(self, patterns, kind="polynomial", degree=3):
        _check_kind(kind, degree)
        self.patterns = _f64(patterns)
        self.kind = kind
        self.degree = degree

    def __repr__(self):
        shape = tuple(int(d) for d in self.patterns.shape)
        return (
            f"DenseAssociativeMemory(patterns{shape}, kind={self.kind!r}, "
            f"degree={self.degree!r})"
        )

    def interaction(self, x):
        """The interaction function F of the memory.

        Parameters
        ----------
        x : array
            Arguments (overlaps).

        Returns
        -------
        F : array
            F(x), of the shape of ``x``, in float64: xⁿ for
            ``"polynomial"``, max(x, 0)ⁿ for ``"rectified_polynomial"``,
            eˣ for ``"exponential"`` (which overflows beyond x ≈ 709 in
            float64: the other methods never evaluate it there).

        References
        ----------
        .. [1] D. Krotov and J. J. Hopfield, "Dense associative memory for
           pattern recognition", NeurIPS 2016.
        .. [2] M. Demircigil, J. Heusel, M. Löwe, S. Upgang and F. Vermet,
           "On a model of associative memory with huge storage capacity",
           Journal of Statistical Physics 168, 288–299, 2017.
        """
        return _interaction(x, self.kind, self.degree)

    def field(self, S):
        """The update drive of every unit of every state, all at once.

        For state σ with overlaps m = Ξσ and unit i, the drive is
        Σ_μ [F(ξᵢ^μ + rᵢ^μ) − F(−ξᵢ^μ + rᵢ^μ)] with rᵢ^μ = m_μ − ξᵢ^μσᵢ
        (Campagne (2025) [1]_, Eq. 43), times a positive factor per state
        (see the module's notes). Since F(r + ξ) − F(r − ξ) = ξ·[F(r + 1) −
        F(r − 1)] for ξ = ±1, the drive is two matrix products,

            D_i = Σ_μ ξᵢ^μ u_μ + σᵢ Σ_μ v_μ,
            u = ½[F(m + 2) − F(m − 2)], v = ½[2F(m) − F(m − 2) − F(m + 2)],

        so a batch costs O(n·P·N) time and O(n·(P + N)) memory.

        Parameters
        ----------
        S : array of shape (n_samples, N)
            ±1 states.

        Returns
        -------
        drive : array of shape (n_samples, N)
            Positive where unit i prefers +1 (lower energy), negative where
            it prefers −1, in float64.
        tol : array of shape (n_samples, 1)
            Rounding bound of the drives of each state: ``|drive| <= tol`` is
            a tie (the unit keeps its state).

        References
        ----------
        .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G.
           Hinton's Boltzmann machines", 2025.
        .. [2] D. Krotov and J. J. Hopfield, "Dense associative memory for
           pattern recognition", NeurIPS 2016.
        """
        kind, degree = self.kind, self.degree
        S, Xi = _f64(S), self.patterns
        M = S @ Xi.T
        Fm, F0, Fp = _scaled_F([M - 2.0, M, M + 2.0], kind, degree)
        u = 0.5 * (Fp - Fm)
        v = (0.5 * (2.0 * F0 - Fm - Fp)).sum(-1, keepdims=True)
        drive = u @ Xi + S * v
        tol = _tolerance([(1.0, Fm), (2.0, F0), (1.0, Fp)], Xi.shape[0], degree, kind)
        return drive, tol

    def unit_field(self, overlaps, column, s):
        """The update drive of one unit i, from the overlaps of the states.

        The asynchronous form of :meth:`field`: O(P) per state, with the
        overlaps kept up to date as units flip (a flip of unit i changes
        every overlap by 2ξᵢ^μσᵢ). Computed with the same formula as
        :meth:`field`, so both make the same decisions.

        Parameters
        ----------
        overlaps : array of shape (n_samples, P)
            The overlaps m = Ξσ of each state.
        column : array of shape (P,)
            Unit i of every pattern, ξᵢ^μ.
        s : array of shape (n_samples,)
            Unit i of every state, σᵢ.

        Returns
        -------
        drive : array of shape (n_samples,)
            Positive where unit i prefers +1, negative where it prefers −1
            (a positive factor per state times Σ_μ [F(ξᵢ^μ + rᵢ^μ) −
            F(−ξᵢ^μ + rᵢ^μ)]).
        tol : array of shape (n_samples,)
            Rounding bound: ``|drive| <= tol`` is a tie.
        """
        kind, degree = self.kind, self.degree
        M, c, s = _f64(overlaps), _f64(column), _f64(s)
        Fm, F0, Fp = _scaled_F([M - 2.0, M, M + 2.0], kind, degree)
        u = 0.5 * (Fp - Fm)
        v = (0.5 * (2.0 * F0 - Fm - Fp)).sum(-1)
        drive = u @ c + s * v
        tol = _tolerance([(1.0, Fm), (2.0, F0), (1.0, Fp)], M.shape[-1], degree, kind)
        return drive, tol[..., 0]

    def update(self, S):
        """One synchronous step of every unit of every state.

        Each unit takes the sign of its drive (:meth:`field`); a tie keeps
        the unit's state.

        Parameters
        ----------
        S : array of shape (n_samples, N)
            ±1 states.

        Returns
        -------
        new : array of shape (n_samples, N)
            The updated ±1 states, in float64.
        """
        drive, tol = self.field(S)
        S = _f64(S)
        if _is_torch(S):
            import torch

            new = torch.where(drive > tol, 1.0, torch.where(drive < -tol, -1.0, S))
            return new.to(torch.float64)
        return np.where(drive > tol, 1.0, np.where(drive < -tol, -1.0, S))

    def energy(self, S):
        """Energy E(σ) = −Σ_μ F(ξ^μ·σ) of each state.

        Campagne (2025) [1]_, §3.3; Krotov & Hopfield (2016) [2]_.
        The polynomials are summed at a scale that cannot overflow and scaled
        back exactly, so E is ±inf only when the true value is beyond the
        float64 range (Nⁿ·P > 1.8e308). The exponential energy
        −exp(logsumexp_μ m_μ) is −inf as soon as an overlap exceeds about 709
        (N > 709): compare such energies with :meth:`log_neg_energy`.

        Parameters
        ----------
        S : array of shape (n_samples, N)
            ±1 states.

        Returns
        -------
        E : array of shape (n_samples,)
            The energy of each state, in float64.

        References
        ----------
        .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G.
           Hinton's Boltzmann machines", 2025.
        .. [2] D. Krotov and J. J. Hopfield, "Dense associative memory for
           pattern recognition", NeurIPS 2016.
        """
        kind, degree = self.kind, self.degree
        if kind == "exponential":
            lne = self.log_neg_energy(S)
            if _is_torch(lne):
                return -lne.exp()
            with np.errstate(over="ignore"):
                return -np.exp(lne)
        S, Xi = _f64(S), self.patterns
        M = S @ Xi.T
        top = _row_max(abs(M))
        top = top.clamp(min=0.0) if _is_torch(top) else np.maximum(top, 0.0)
        scale = _pow2_at_least(top)  # 2^k, exactly
        total = _interaction(M / scale, kind, degree).sum(-1)
        # multiply back by (2^k)^n = 2^(k n): exact unless out of range
        if _is_torch(total):
            import torch

            _, k = torch.frexp(scale[..., 0])
            return -torch.ldexp(total, (k - 1) * int(degree))
        _, k = np.frexp(scale[..., 0])
        with np.errstate(over="ignore"):
            return -np.ldexp(total, (k - 1) * int(degree))

    def log_neg_energy(self, S):
        """Log of minus the exponential energy, ln(−E(σ)) = logsumexp_μ ξ^μ·σ.

        The exponential energy E = −Σ_μ exp(ξ^μ·σ) is always negative; its
        logarithm ``ln(−E)`` is finite for any N (an overlap of 10,000 is
        fine) and is the form in which energies of the exponential memory
        are compared: a lower energy is a larger ``log_neg_energy``.

        Parameters
        ----------
        S : array of shape (n_samples, N)
            ±1 states.

        Returns
        -------
        log_neg_E : array of shape (n_samples,)
            ``logsumexp`` of the overlaps of each state, in float64.

        Raises
        ------
        ValueError
            If the memory's kind is not ``"exponential"`` (the logsumexp of
            the overlaps is ln(−E) of the exponential energy only).

        References
        ----------
        .. [1] M. Demircigil, J. Heusel, M. Löwe, S. Upgang and F. Vermet,
           "On a model of associative memory with huge storage capacity",
           Journal of Statistical Physics 168, 288–299, 2017.
        """
        if self.kind != "exponential":
            raise ValueError(
                "log_neg_energy is ln(-E) of the exponential interaction only; "
                f"this memory has kind={self.kind!r} (use energy)."
            )
        S, Xi = _f64(S), self.patterns
        return _logsumexp(S @ Xi.T, axis=-1)


def _double_factorial(k):
    return math.prod(range(k, 0, -2)) if k > 0 else 1


def krotov_hopfield_capacity(n_features, degree):
    """Error-free capacity of F(x) = xⁿ for random patterns.

    P_max ≈ N^(n−1) / (2 (2n − 3)!! ln N), the number of random ±1
    patterns that are all fixed points with high probability (Krotov &
    Hopfield (2016) [1]_; Campagne (2025) [2]_, Eq. 46). For n = 2
    it is the classical N / (2 ln N).

    Parameters
    ----------
    n_features : int or float
        Number of units N (> 1).
    degree : int
        Exponent n ≥ 2.

    Returns
    -------
    p_max : float
        The estimated capacity.

    References
    ----------
    .. [1] D. Krotov and J. J. Hopfield, "Dense associative memory for
       pattern recognition", NeurIPS 2016.
    .. [2] J.-E. Campagne, "Elements on J. Hopfield networks and G.
       Hinton's Boltzmann machines", 2025.
    """
    n = int(degree)
    N = float(n_features)
    return N ** (n - 1) / (2.0 * _double_factorial(2 * n - 3) * math.log(N))
