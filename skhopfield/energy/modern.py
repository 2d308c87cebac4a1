"""The modern continuous Hopfield network as an energy object, :class:`ModernHopfield`.

The rows of ``X`` are the P stored patterns x_1 … x_P ∈ ℝ^N (shape (P, N)),
M = max_i ‖x_i‖, and a state (query) ξ is a row vector of length N. With
inverse temperature β > 0 the energy is (Catacchini, Magrini Alunno &
Ferracci (2024), Def. 3.1.1 / Eq. 3.4; Ramsauer et al. (2021), Eq. 2)

    E_β(ξ) = −β⁻¹ ln Σ_i exp(β x_iᵀξ) + ½ ξᵀξ + β⁻¹ ln P + ½ M²  ≥ 0,

and the update (Eq. 3.5; attention with the patterns as keys and values) is

    ξ ← Xᵀ softmax(β X ξ),

which never raises the energy (Prop. 3.2) and whose fixed points are exactly
the stationary points of E_β (Thm. 3.1). The separation of pattern i is
Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j (Def. 3.3.2); a pattern is retrieved in one
step from anywhere in the sphere S_i = {ξ : ‖ξ − x_i‖ ≤ 1/(βPM)}, and the
dynamics never leave it, when

    Δ_i ≥ 2/(βP) + β⁻¹ ln(2(P − 1) P β M²)

(Prop. 3.4, with P the number of patterns).

A :class:`ModernHopfield` holds the patterns and β, with the methods of
every energy model of :mod:`skhopfield.energy`:
:meth:`~ModernHopfield.energy`, :meth:`~ModernHopfield.weights` (the softmax
of β times the overlaps), :meth:`~ModernHopfield.update` and
:meth:`~ModernHopfield.with_beta`. These accept NumPy arrays or torch
tensors (queries are batched rows, and the result stays in the inputs'
namespace, device and dtype). The retrieval theory of the pattern set is
in methods too (:meth:`~ModernHopfield.separation`,
:meth:`~ModernHopfield.max_norm`, :meth:`~ModernHopfield.retrieval_radius`,
:meth:`~ModernHopfield.one_step_error_bound`,
:meth:`~ModernHopfield.retrieval_condition`,
:meth:`~ModernHopfield.retrieval_beta`); they take array-likes and compute
in float64 NumPy.

References
----------
M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous Hopfield
Networks", 2024, ch. 3 and §4.4.

H. Ramsauer et al., "Hopfield Networks is All You Need", International
Conference on Learning Representations (ICLR), 2021.
"""

import math

import numpy as np
from scipy.optimize import brentq

from ._xp import _is_torch

__all__ = ["ModernHopfield"]

#: rows of the Gram matrix computed at once by :meth:`ModernHopfield.separation`
_GRAM_CHUNK = 1024


def _namespace(*arrays):
    for a in arrays:
        if _is_torch(a):
            import torch

            return torch
    return np


def _dtype_max(a):
    if _is_torch(a):
        import torch

        return float(torch.finfo(a.dtype).max)
    return float(np.finfo(a.dtype).max)


def _dtype_tiny(a):
    if _is_torch(a):
        import torch

        return float(torch.finfo(a.dtype).tiny)
    return float(np.finfo(a.dtype).tiny)


def _beta_for(a, beta):
    """β as a Python float within the normal range of the dtype of ``a``:
    at most its largest finite value, so that β · 0 is 0 (not inf · 0 =
    NaN), and at least its smallest normal value, so that β is not 0 in
    float32."""
    beta = float(beta)
    if not beta > 0:
        raise ValueError(f"beta must be a positive number, got {beta!r}.")
    return max(min(beta, _dtype_max(a)), _dtype_tiny(a))


#: below this β·max|x_iᵀξ − m| the log-mean-exp uses its cumulant series
_SERIES_BELOW = 1e-5


def _log_mean_exp_over_beta(D, beta, xp):
    """β⁻¹ ln mean_i exp(β D_i) per row, for D ≤ 0 with a zero in each row.

    ``log1p(mean(expm1(βD))) / β`` has no cancellation (every expm1 term
    has the same sign) but loses β·D to underflow for tiny β; there the
    cumulant series mean(D) + β var(D)/2 (error O((β|D|)²) relative) is
    used instead, which also gives the β → 0 limit mean(D).
    """
    if xp is np:
        with np.errstate(
            over="ignore", under="ignore", invalid="ignore", divide="ignore"
        ):
            T = D * beta
            direct = np.log1p(np.expm1(T).mean(axis=1)) / beta
            small = -T.min(axis=1) < _SERIES_BELOW
            if small.any():
                series = D.mean(axis=1) + 0.5 * beta * D.var(axis=1)
                direct = np.where(small, series, direct)
        return direct
    T = D * beta
    direct = xp.log1p(xp.expm1(T).mean(dim=1)) / beta
    small = -T.amin(dim=1) < _SERIES_BELOW
    series = D.mean(dim=1) + 0.5 * beta * D.var(dim=1, unbiased=False)
    return xp.where(small, series, direct)


def _shifted_overlaps(Q, X):
    """Overlaps S = Q Xᵀ minus their row maxima (all ≤ 0), and the maxima.

    Raises ValueError when an overlap overflows the dtype (the maxima are
    then not finite), instead of returning NaN weights.
    """
    xp = _namespace(Q, X)
    if xp is np:
        with np.errstate(over="ignore", invalid="ignore"):
            S = Q @ X.T
            m = S.max(axis=1, keepdims=True)
        finite = bool(np.isfinite(m).all())
    else:
        S = Q @ X.T
        m = S.amax(dim=1, keepdim=True)
        finite = bool(xp.isfinite(m).all())
    if not finite:
        raise ValueError(
            "The overlaps of the queries with the stored patterns overflow "
            f"{S.dtype}; rescale the data."
        )
    if xp is np:
        S -= m
    else:  # out of place: autograd saved S for the backward of amax
        S = S - m
    return S, m


def _softmax_rows_inplace(D, beta):
    """softmax(β D) row by row for D ≤ 0 with a zero in each row, in place."""
    if _is_torch(D):
        import torch

        return torch.softmax(D.mul_(beta), dim=1)
    with np.errstate(over="ignore"):  # β · D may reach −inf: weight 0
        D *= beta
    np.exp(D, out=D)
    D /= D.sum(axis=1, keepdims=True)
    return D


class _NonFiniteOverlaps(ValueError):
    """Some overlap x_iᵀξ is inf or NaN (an overflow, or a non-finite query)."""


def _torch_weights(Q, X, beta, bound=None):
    """torch: softmax(β S) with torch's fused softmax when β S is finite,
    else on the shifted overlaps S − max S (which β cannot overflow).

    ``bound`` (optional, a float) is a known bound on |x_iᵀξ|, which saves
    the pass over S that checks it. Without it, a non-finite overlap (an
    overflow, or a NaN or inf in Q) raises ``_NonFiniteOverlaps``.
    """
    import torch

    S = Q @ X.T
    beta = _beta_for(S, beta)
    if bound is not None and beta * bound < _dtype_max(S) / 2:
        return torch.softmax(S.mul_(beta), dim=1)
    if S.numel():
        lo, hi = torch.aminmax(S)
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise _NonFiniteOverlaps(
                "The overlaps of the queries with the stored patterns overflow "
                f"{S.dtype}; rescale the data."
            )
        if beta * max(abs(lo), abs(hi)) < _dtype_max(S) / 2:
            return torch.softmax(S.mul_(beta), dim=1)
    D, _ = _shifted_overlaps(Q, X)
    return _softmax_rows_inplace(D, beta)


def _log_terms(n_patterns, max_sq_norm):
    """ln(2(P − 1)P M²), summed in logs (no overflow)."""
    with np.errstate(divide="ignore"):
        return (
            math.log(2.0)
            + math.log(n_patterns - 1)
            + math.log(n_patterns)
            + float(np.log(max_sq_norm))
        )


class ModernHopfield:
    """Modern continuous Hopfield network: stored patterns and a β.

    The energy model of Ramsauer et al. (2021) [2]_ in the form of
    Catacchini, Magrini Alunno & Ferracci (2024) [1]_ (ch. 3): the energy
    E_β(ξ) = −β⁻¹ ln Σ_i exp(β x_iᵀξ) + ½ ξᵀξ + β⁻¹ ln P + ½ M², its update
    ξ ← Xᵀ softmax(β X ξ), and the retrieval theory of the pattern set.

    Parameters
    ----------
    patterns : array of shape (P, N)
        Stored patterns x_i, one per row (a NumPy array or a torch tensor;
        kept as given).
    beta : float, default=1.0
        Inverse temperature β > 0 (``inf`` is allowed).

    Attributes
    ----------
    patterns : array of shape (P, N)
        The stored patterns.
    beta : float
        The inverse temperature.

    Raises
    ------
    ValueError
        If ``beta`` is not a positive number.

    References
    ----------
    .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
       Hopfield Networks", 2024.
    .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need",
       International Conference on Learning Representations (ICLR), 2021.
    """

    def __init__(self, patterns, beta=1.0):
        beta = float(beta)
        if not beta > 0:
            raise ValueError(f"beta must be a positive number, got {beta!r}.")
        self.patterns = patterns
        self.beta = beta

    def __repr__(self):
        shape = tuple(int(d) for d in self.patterns.shape)
        return f"ModernHopfield(patterns{shape}, beta={self.beta:g})"

    def with_beta(self, beta):
        """The same patterns at another inverse temperature.

        Parameters
        ----------
        beta : float
            Inverse temperature β > 0.

        Returns
        -------
        model : ModernHopfield
            A new model that shares the patterns.
        """
        return ModernHopfield(self.patterns, beta)

    # -- energy and dynamics (NumPy arrays or torch tensors) -----------------
    def weights(self, Q):
        """Softmax weights softmax(β X ξ) of each query over the stored patterns.

        The weights of a query are the probabilities p_i of the convex
        combination ξ_new = Σ_i p_i x_i that the update returns (Catacchini,
        Magrini Alunno & Ferracci (2024) [1]_, Eq. 3.5 and §3.2). They are
        computed stably (the row maximum of the overlaps is subtracted before
        the exponential), so any β > 0 gives finite weights.

        Parameters
        ----------
        Q : array of shape (n_queries, N)
            Queries (states ξ), one per row.

        Returns
        -------
        P : array of shape (n_queries, P)
            Non-negative weights, each row summing to one.

        Raises
        ------
        ValueError
            If an overlap x_iᵀξ overflows the floating dtype.

        References
        ----------
        .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
           Hopfield Networks", 2024.
        """
        return self._weights(Q)

    def _weights(self, Q, bound=None):
        """:meth:`weights`; on torch, ``bound`` (a float, or None) is a
        known bound on |x_iᵀξ| that saves the pass checking the overlaps,
        and a non-finite overlap raises ``_NonFiniteOverlaps``."""
        X, beta = self.patterns, self.beta
        if _is_torch(Q) or _is_torch(X):
            return _torch_weights(Q, X, beta, bound)
        D, _ = _shifted_overlaps(Q, X)
        return _softmax_rows_inplace(D, _beta_for(D, beta))

    def update(self, Q):
        """One update ξ ← Xᵀ softmax(β X ξ) of each query (a batch of rows).

        For a batch Ξ of queries (rows) this is softmax(β Ξ Xᵀ) X: two matrix
        products and a stable row-wise softmax, the form of attention with
        the patterns as keys and values (Ramsauer et al. (2021) [2]_, Eq. 3;
        Catacchini, Magrini Alunno & Ferracci (2024) [1]_, Eq. 3.5). The
        energy :meth:`energy` never increases under it (Prop. 3.2 of [1]_).

        Parameters
        ----------
        Q : array of shape (n_queries, N)
            Queries (states ξ), one per row.

        Returns
        -------
        Xi : array of shape (n_queries, N)
            The updated states, convex combinations of the patterns.

        Raises
        ------
        ValueError
            If an overlap x_iᵀξ overflows the floating dtype.

        References
        ----------
        .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
           Hopfield Networks", 2024.
        .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need",
           International Conference on Learning Representations (ICLR), 2021.
        """
        return self.weights(Q) @ self.patterns

    def energy(self, Q):
        """Energy E_β(ξ) of each query (Eq. 3.4 of Catacchini et al. 2024).

        E_β(ξ) = −β⁻¹ ln Σ_i exp(β x_iᵀξ) + ½ ξᵀξ + β⁻¹ ln P + ½ M², with
        M² = max_i ‖x_i‖² (Catacchini, Magrini Alunno & Ferracci (2024) [1]_,
        Def. 3.1.1 and Eq. 3.4; Ramsauer et al. (2021) [2]_, Eq. 2). It is
        non-negative everywhere (Lemma 3.2.1 of [1]_) and at most
        min(2M², β⁻¹ ln P + ½M²) on the convex hull of the patterns
        (Lemma 3.2.2). It is computed as

            E = ½‖ξ‖² + ½M² − m − β⁻¹ ln(1 + mean_i expm1(β(x_iᵀξ − m))),

        with m = max_i x_iᵀξ, which is exact algebra and free of overflow and
        cancellation for any β > 0; where β(x_iᵀξ − m) would underflow, the
        last term is its cumulant series, which gives the β → 0 limit
        ½‖ξ‖² + ½M² − mean_i x_iᵀξ.

        Parameters
        ----------
        Q : array of shape (n_queries, N)
            States ξ, one per row.

        Returns
        -------
        E : array of shape (n_queries,)
            The energy of each state, in the dtype of the inputs.

        Raises
        ------
        ValueError
            If an overlap x_iᵀξ overflows the floating dtype.

        References
        ----------
        .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
           Hopfield Networks", 2024.
        .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need",
           International Conference on Learning Representations (ICLR), 2021.
        """
        X = self.patterns
        xp = _namespace(Q, X)
        D, m = _shifted_overlaps(Q, X)
        beta = _beta_for(D, self.beta)
        lse_gap = _log_mean_exp_over_beta(D, beta, xp)  # ≤ 0
        if xp is np:
            sq_q = np.einsum("ij,ij->i", Q, Q)
            sq_x = np.einsum("ij,ij->i", X, X).max()
        else:
            sq_q = (Q * Q).sum(dim=1)
            sq_x = (X * X).sum(dim=1).max()
        return 0.5 * sq_q + 0.5 * sq_x - m[:, 0] - lse_gap

    # -- retrieval theory of the pattern set (float64 NumPy) -----------------
    def max_norm(self):
        """Largest pattern norm M = max_i ‖x_i‖, computed in float64.

        Returns
        -------
        M : float
            ``max_i ‖x_i‖``; ``inf`` if a squared norm overflows float64, 0
            for no patterns.
        """
        X = np.asarray(self.patterns, dtype=np.float64)
        if X.size == 0:
            return 0.0
        with np.errstate(over="ignore", invalid="ignore"):
            sq = np.einsum("ij,ij->i", X, X)
        return math.sqrt(float(sq.max()))

    def separation(self):
        """Separation Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j of every pattern.

        Definition 3.3.2 of Catacchini, Magrini Alunno & Ferracci (2024) [1]_
        (Ramsauer et al. (2021) [2]_, Def. 1). Pattern i can only be
        retrieved when Δ_i > 0: its own overlap must beat every other one. A
        duplicate pattern has Δ_i = 0. Computed in float64, in blocks of rows
        of the Gram matrix (memory O(P) per block row).

        Returns
        -------
        delta : ndarray of shape (P,)
            Δ_i per pattern (float64); ``inf`` for a single pattern (no other
            pattern to be separated from).

        References
        ----------
        .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
           Hopfield Networks", 2024.
        .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need",
           International Conference on Learning Representations (ICLR), 2021.
        """
        X = np.asarray(self.patterns, dtype=np.float64)
        n = X.shape[0]
        delta = np.full(n, np.inf)
        if n < 2:
            return delta
        for start in range(0, n, _GRAM_CHUNK):
            stop = min(start + _GRAM_CHUNK, n)
            G = X[start:stop] @ X.T
            rows = np.arange(stop - start)
            own = G[rows, start + rows].copy()
            G[rows, start + rows] = -np.inf
            delta[start:stop] = own - G.max(axis=1)
        return delta

    def retrieval_radius(self):
        """Compute the radius 1/(βPM) of the spheres S_i around the patterns.

        Returns
        -------
        radius : float
            The radius ``1 / (β P M)`` of Def. 3.3.3, with M = max_i ‖x_i‖
            (``inf`` if M = 0).

        References
        ----------
        M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous Hopfield
        Networks", 2024, Def. 3.3.3.
        """
        n = np.shape(self.patterns)[0]
        denom = float(self.beta) * n * self.max_norm()
        return math.inf if denom == 0 else 1.0 / denom

    def one_step_error_bound(self, Q):
        """Lemma 3.3.2: how far one update can land from the nearest pattern.

        For a query ξ let i be the pattern of largest overlap x_iᵀξ and
        c = x_iᵀξ − max_{j≠i} x_jᵀξ ≥ 0 its margin. Then
        ‖x_i − f(ξ)‖ ≤ 2εM with ε = (P − 1) e^{−βc} and M = max_k ‖x_k‖
        (Catacchini, Magrini Alunno & Ferracci (2024) [1]_, Lemma 3.3.2;
        Ramsauer et al. (2021) [2]_, Lemma A4). The bound is informative for
        a well separated query (large βc), where it decays exponentially.

        Parameters
        ----------
        Q : array-like of shape (n_queries, N)
            Queries ξ, one per row.

        Returns
        -------
        index : ndarray of shape (n_queries,)
            The pattern i of largest overlap with each query.
        bound : ndarray of shape (n_queries,)
            2 (P − 1) e^{−βc} M per query (float64); 0 for a single pattern.

        References
        ----------
        .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
           Hopfield Networks", 2024.
        .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need",
           International Conference on Learning Representations (ICLR), 2021.
        """
        Q = np.asarray(Q, dtype=np.float64)
        X = np.asarray(self.patterns, dtype=np.float64)
        n_patterns = X.shape[0]
        S = Q @ X.T
        index = S.argmax(axis=1)
        if n_patterns < 2:
            return index, np.zeros(Q.shape[0])
        top2 = np.partition(S, n_patterns - 2, axis=1)[:, -2:]
        c = top2[:, 1] - top2[:, 0]
        with np.errstate(under="ignore"):
            bound = (
                2.0 * (n_patterns - 1) * np.exp(-float(self.beta) * c) * self.max_norm()
            )
        return index, bound

    def retrieval_condition(self):
        """Tell for each pattern whether Prop. 3.4 guarantees its retrieval at β.

        Tests Δ_i ≥ 2/(βP) + β⁻¹ ln(2(P − 1) P β M²) per pattern, with P the
        number of patterns and M = max_k ‖x_k‖ (Catacchini, Magrini Alunno &
        Ferracci (2024) [1]_, Prop. 3.4; Ramsauer et al. (2021) [2]_,
        Lemma A5). When it holds, every ξ in S_i = {‖ξ − x_i‖ ≤ 1/(βPM)} is
        mapped into S_i by the update, so the fixed point reached from S_i
        lies in S_i. A pattern with Δ_i ≤ 0 (a duplicate, say) never
        satisfies it; a single stored pattern always does.

        Returns
        -------
        holds : ndarray of shape (P,)
            Boolean, True where the condition holds.

        References
        ----------
        .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
           Hopfield Networks", 2024.
        .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need",
           International Conference on Learning Representations (ICLR), 2021.
        """
        delta = self.separation()
        n = delta.shape[0]
        if n < 2:
            return np.ones(n, dtype=bool)
        beta = float(min(float(self.beta), np.finfo(np.float64).max))
        log_m2 = _log_terms(n, self.max_norm() ** 2)
        rhs = 2.0 / (beta * n) + (log_m2 + math.log(beta)) / beta
        return (delta > 0) & (delta >= rhs)

    def retrieval_beta(self):
        """Smallest β for which Prop. 3.4 guarantees retrieval of every pattern.

        A property of the pattern set: the result does not depend on the
        model's own β. With Δ = min_i Δ_i, multiplying the condition of
        :meth:`retrieval_condition` by β and writing u = βΔ gives

            u ≥ a + ln u,  a = 2/P + ln(2(P − 1) P M² / Δ)

        (Catacchini, Magrini Alunno & Ferracci (2024) [1]_, §4.4, with P the
        number of patterns). Since Δ ≤ 2M², a ≥ 2/P + ln(P(P − 1)) > 1 for
        every P ≥ 2, so u − ln u = a has two roots u₋ < 1 < u₊ and the
        condition holds for u ≤ u₋ (the useless small-β side, where the
        spheres S_i are so large that the network averages every pattern) and
        for u ≥ u₊. The value returned is β = u₊/Δ, with u₊ = −W₋₁(−e^{−a})
        found by a bracketing root finder on [a, 2a] (rounded up by a
        relative 1e-12); the condition holds with equality there and fails
        just below.

        Returns
        -------
        beta : float
            The smallest β of the retrieval branch; ``inf`` when no β can
            satisfy the condition (some Δ_i ≤ 0: duplicate patterns, or a
            pattern whose overlap with another exceeds its own squared norm),
            0.0 for a single pattern (every β > 0 retrieves it).

        References
        ----------
        .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
           Hopfield Networks", 2024.
        """
        delta = self.separation()
        n = delta.shape[0]
        if n < 2:
            return 0.0
        d_min = float(delta.min())
        if not d_min > 0:
            return math.inf
        a = 2.0 / n + _log_terms(n, self.max_norm() ** 2) - math.log(d_min)
        if a <= 1.0:  # unreachable for Δ ≤ 2M²; kept for rounding at the edge
            return 1.0 / d_min
        u = brentq(
            lambda v: v - math.log(v) - a, a, 2.0 * a, xtol=1e-14 * a, rtol=1e-15
        )
        # rounded up by a relative 1e-12, so that the condition, which holds
        # with equality at the root, also holds in floating point
        return u / d_min * (1.0 + 1e-12)
