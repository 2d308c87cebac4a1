"""Hopfield network ↔ RBM: the exact map and the approximate reverse map.

Smart & Zilman (2021), §2, show that the projection Hopfield
network storing ``p`` linearly independent patterns (Eq. 1),

.. math::

    H(s) = -\\tfrac12 s^T J s, \\qquad J = \\xi (\\xi^T \\xi)^{-1} \\xi^T,

is *exactly* the visible marginal of a binary-visible, gaussian-hidden RBM
(Eq. 6) whose weights ``W`` are any matrix with orthonormal columns spanning
the patterns, ``J = W W^T`` (Eqs. 2–5, App. B): the QR factor ``Q`` of
``ξ = QR``, the left singular vectors ``U`` of ``ξ``, or the square-root
(Löwdin) factor ``ξ(ξ^Tξ)^{-1/2}``. App. D goes the other way: given RBM
weights ``W``, find an invertible ``X`` that makes ``B_p = W X`` nearly binary
(Eq. 12–13) and read ``B = sgn(B_p)`` as Hopfield patterns.

Conventions
-----------
The paper writes the pattern matrix ``ξ`` as ``N × p`` with the patterns as
**columns**. This package keeps samples and patterns as **rows**: every
``patterns`` argument or attribute here has shape ``(p, N)`` and is the
paper's ``ξ^T``. RBM weights keep the paper's shape: ``W`` is ``(N, p)``
(estimators store ``components_ = W^T``). Every formula below is written in
the paper's notation; the code transposes where needed.

The visible marginal of the RBM with weights ``W``, visible bias ``b`` and
hidden bias ``c`` at inverse temperature ``β`` is
``p(s) ∝ exp(β[½ s^T W W^T s + (b + W c)^T s])`` (the ``½`` comes from the
gaussian integral over the hidden units; Eqs. 10, D.3 and 16 of Smart &
Zilman (2021) drop it): a Hopfield network ``E(s) = −½ s^T J s − θ^T s``
with ``J = W W^T`` (diagonal included) and ``θ = b + W c`` at the *same*
``β``.

References
----------
M. Smart and A. Zilman, "On the mapping between Hopfield networks and
Restricted Boltzmann Machines", International Conference on Learning
Representations (ICLR), 2021.
"""

import numbers
import warnings

import numpy as np
from scipy import linalg
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.extmath import svd_flip
from sklearn.utils.validation import check_consistent_length, column_or_1d

from .hopfield import HopfieldMemory
from .hopfield._rules import projection

__all__ = [
    "orthogonalize",
    "lowdin",
    "hopfield_to_rbm",
    "rbm_to_hopfield",
    "reverse_map_conditions",
    "class_patterns",
]

_ORTHOGONALIZE_METHODS = ("qr", "svd", "sqrt")


# -- validation -----------------------------------------------------------------
def _as_float_matrix(A, name):
    """``A`` as a finite 2-D float array (float32 kept, anything else float64)."""
    A = np.asarray(A)
    if A.dtype == object or not (
        np.issubdtype(A.dtype, np.number) or np.issubdtype(A.dtype, np.bool_)
    ):
        raise ValueError(f"{name} must be a numeric array, got dtype {A.dtype}.")
    if np.iscomplexobj(A):
        raise ValueError(f"{name} must be real-valued, got dtype {A.dtype}.")
    if A.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array, got an array with {A.ndim} "
            f"dimension(s) and shape {A.shape}."
        )
    if A.shape[0] == 0 or A.shape[1] == 0:
        raise ValueError(f"{name} must not be empty, got shape {A.shape}.")
    dtype = A.dtype if A.dtype in (np.float32, np.float64) else np.float64
    A = A.astype(dtype, copy=False)
    if not np.isfinite(A).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return A


def _numerical_rank(s, shape, dtype):
    """Rank from singular values ``s`` with NumPy's ``matrix_rank`` tolerance."""
    if s.size == 0 or s[0] == 0:
        return 0
    tol = s[0] * max(shape) * np.finfo(dtype).eps
    return int(np.sum(s > tol))


def _check_patterns(patterns, degenerate="raise"):
    """Validate patterns (p, N): finite, 2-D, p <= N, linearly independent.

    Returns the patterns as a float array, the thin SVD factors of the
    paper's ``ξ = patterns.T`` (``ξ = U Σ V^T``, float64) and the numerical
    rank. With ``degenerate="span"``, more patterns than features and
    dependent patterns are returned (with their rank) instead of refused.
    """
    patterns = _as_float_matrix(patterns, "patterns")
    n_patterns, n_features = patterns.shape
    if n_patterns > n_features and degenerate == "raise":
        raise ValueError(
            f"patterns has more patterns than features ({n_patterns} patterns "
            f"of {n_features} features): at most n_features linearly "
            "independent patterns fit in the projection Hopfield network "
            "(Eq. 1 of Smart & Zilman 2021 requires p <= N). Pass "
            "patterns as rows, shape (n_patterns, n_features)."
        )
    xi = patterns.astype(np.float64, copy=False).T  # the paper's ξ, N × p
    U, s, Vt = linalg.svd(xi, full_matrices=False)
    rank = _numerical_rank(s, xi.shape, np.float64)
    if rank < n_patterns and degenerate == "raise":
        raise ValueError(
            f"patterns are linearly dependent: rank {rank} < {n_patterns} "
            "patterns. The projection rule stores them through the "
            "pseudo-inverse, but an RBM with one hidden unit per pattern "
            "needs p orthonormal weight columns, which a rank-deficient span "
            "cannot hold. Remove duplicate (or sign-flipped, or linearly "
            "dependent) patterns, or use fewer patterns."
        )
    return patterns, U, s, Vt, rank


# -- HN → RBM -------------------------------------------------------------------
def orthogonalize(patterns, method="qr", *, degenerate="raise"):
    """Orthonormal RBM weights spanning the patterns: ``J = W W^T``.

    Smart & Zilman (2021) [1]_, Eqs. 2–3 (QR) and App. B (Eqs. B.1–B.3:
    SVD and square root). All three methods return a ``W`` with
    ``W^T W = I`` whose columns span the patterns, so that
    ``W W^T = ξ (ξ^T ξ)^{-1} ξ^T`` is the projection rule's ``J`` (Eq. 3,
    B.3); they differ only by a ``p × p`` rotation (App. B: ``W' = W O``).

    Parameters
    ----------
    patterns : array-like of shape (n_patterns, n_features)
        The ``p`` patterns as **rows** (the transpose of the paper's
        ``N × p`` matrix ``ξ``). Any finite real values are accepted: ±1
        patterns, or real-valued class means (Eq. 14 of [1]_). They must be
        linearly independent, so ``p <= N``.
    method : {"qr", "svd", "sqrt"}, default="qr"
        - ``"qr"``: ``ξ = Q R`` (Eq. 2) with the diagonal of ``R`` made
          positive, which makes ``Q`` unique; column ``μ`` of ``Q`` is the
          Gram–Schmidt orthogonalization of pattern ``μ`` against the earlier
          ones, so ``W[:, 0]`` is the first pattern normalized and
          ``W[:, μ] · ξ^μ = R_μμ > 0``. It depends on the pattern order.
        - ``"svd"``: ``U`` of the thin SVD ``ξ = U Σ V^T`` (Eq. B.2), the
          principal directions of the patterns, ordered by decreasing
          singular value. ``U`` is only defined up to the sign of each
          column (and up to a rotation within repeated singular values);
          the signs are fixed deterministically, as
          :func:`sklearn.utils.extmath.svd_flip` does (largest-magnitude
          entry of each column positive). No other choice of the rotation
          is offered.
        - ``"sqrt"``: ``K = ξ (ξ^T ξ)^{-1/2} = U V^T`` (App. B, "square
          root" decomposition), the symmetric (Löwdin) orthogonalization of
          the patterns: of all ``W`` with orthonormal columns it is the one
          closest, in Frobenius norm, to ``ξ`` itself, so the columns stay,
          together, as close as possible to their patterns; it does not
          depend on the pattern order (permuting the patterns permutes the
          columns). It equals :func:`lowdin` applied to ``ξ``.

    degenerate : {"raise", "span"}, default="raise"
        What to do with more patterns than features, or linearly dependent
        patterns. ``"raise"`` refuses them (see Raises). ``"span"`` returns,
        with a ``UserWarning``, an orthonormal basis of their span (``rank <
        p`` columns, the left singular vectors): the RBM with those weights
        is still exactly the projection network ``J = ξ(ξ^T ξ)^+ ξ^T`` of the
        patterns, with fewer hidden units than patterns.

    Returns
    -------
    W : ndarray of shape (n_features, n_patterns)
        Orthonormal columns, ``W^T W = I``; float32 for float32 patterns,
        float64 otherwise. Column ``μ`` is hidden unit ``μ`` (``rank``
        columns in the degenerate case with ``degenerate="span"``).

    Raises
    ------
    ValueError
        If ``patterns`` is not a finite 2-D array, or, with
        ``degenerate="raise"``, if it has more patterns than features, or if
        the patterns are linearly dependent. Dependent
        patterns (duplicates, sign flips, combinations) are refused rather
        than dropped: the projection ``J`` still exists through the
        pseudo-inverse (``skhopfield.hopfield._rules.projection``), but an
        RBM with ``p`` hidden units would need ``p`` orthonormal columns in
        a span of smaller dimension; silently returning fewer columns would
        change the number of hidden units behind the caller's back.

    Notes
    -----
    ``W = Q`` exactly, with no rescaling: the RBM with weights ``W``, zero
    biases and inverse temperature ``β`` has visible marginal
    ``p(s) ∝ exp(½ β s^T W W^T s)`` (Eq. 5 of [1]_, with the ``½`` of the
    gaussian integral, which Eqs. 10, D.3 and 16 of [1]_ drop), the
    Boltzmann distribution of the projection Hopfield network at the same
    ``β``.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield.mapping import orthogonalize
    >>> xi = np.array([[1, 1, 1, 1], [1, -1, 1, 1]])  # two patterns as rows
    >>> W = orthogonalize(xi, method="qr")
    >>> W.shape
    (4, 2)
    >>> np.allclose(W.T @ W, np.eye(2)), np.allclose(W[:, 0], xi[0] / 2)
    (True, True)
    """
    if method not in _ORTHOGONALIZE_METHODS:
        raise ValueError(
            f"method must be one of {_ORTHOGONALIZE_METHODS}, got {method!r}."
        )
    if degenerate not in ("raise", "span"):
        raise ValueError(
            f"degenerate must be 'raise' or 'span', got {degenerate!r}."
        )
    patterns, U, s, Vt, rank = _check_patterns(patterns, degenerate)
    n_patterns, n_features = patterns.shape
    if rank < n_patterns:  # only reached with degenerate="span"
        reason = (
            f"{n_patterns} patterns of {n_features} features are more "
            "patterns than features"
            if n_patterns > n_features
            else f"the {n_patterns} patterns are linearly dependent (rank {rank})"
        )
        warnings.warn(
            f"{reason}: the weights are an orthonormal basis of their span "
            f"({rank} hidden units, from the SVD), which gives exactly the "
            "projection network J = ξ(ξᵀξ)⁺ξᵀ. Use fewer patterns for one "
            "hidden unit per pattern.",
            UserWarning,
            stacklevel=2,
        )
        return np.ascontiguousarray(U[:, :rank], dtype=patterns.dtype)
    xi = patterns.astype(np.float64, copy=False).T
    if method == "qr":
        Q, R = linalg.qr(xi, mode="economic")
        signs = np.sign(np.diag(R))
        signs[signs == 0] = 1.0  # cannot happen for full rank; kept for safety
        W = Q * signs
    elif method == "svd":
        U, _ = svd_flip(U, Vt, u_based_decision=True)
        W = U
    else:  # "sqrt"
        W = U @ Vt
    return np.ascontiguousarray(W, dtype=patterns.dtype)


def lowdin(W):
    """Löwdin (symmetric) orthogonalization ``L = W (W^T W)^{-1/2} = U V^T``.

    The symmetric orthogonalization of Löwdin [2]_.

    Smart & Zilman (2021) [1]_, App. D.2, Case 2: with the SVD
    ``W = U Σ V^T``, ``L = U V^T`` is the matrix with orthonormal columns
    closest to ``W`` in Frobenius norm (the orthogonal polar factor of
    ``W``). It spans the same subspace as ``W`` and equals ``W`` when all
    singular values are one. Applied to patterns it is the ``"sqrt"`` method
    of :func:`orthogonalize`.

    Parameters
    ----------
    W : array-like of shape (n_features, n_components)
        RBM weights in the paper's orientation (columns are hidden units;
        an estimator's ``components_.T``), full column rank.

    Returns
    -------
    L : ndarray of shape (n_features, n_components)
        ``L^T L = I``; float32 for float32 ``W``, float64 otherwise.

    Raises
    ------
    ValueError
        If ``W`` is not a finite 2-D array, has more columns than rows, or
        is rank deficient (the polar factor is then not unique).

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    .. [2] P.-O. Löwdin, "On the non-orthogonality problem connected with the
       use of atomic wave functions in the theory of molecules and
       crystals", Journal of Chemical Physics 18(3), 365–375, 1950.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield.mapping import lowdin
    >>> W = np.array([[2.0, 0.0], [0.0, 0.5], [0.0, 0.0]])
    >>> lowdin(W)
    array([[1., 0.],
           [0., 1.],
           [0., 0.]])
    """
    W = _as_float_matrix(W, "W")
    n_features, n_components = W.shape
    if n_components > n_features:
        raise ValueError(
            f"W has more columns (hidden units) than rows (features): shape "
            f"{W.shape}; W must have shape (n_features, n_components) with "
            "n_components <= n_features."
        )
    U, s, Vt = linalg.svd(W.astype(np.float64, copy=False), full_matrices=False)
    rank = _numerical_rank(s, W.shape, np.float64)
    if rank < n_components:
        raise ValueError(
            f"W is rank deficient: rank {rank} < {n_components} columns; its "
            "closest matrix with orthonormal columns is not unique."
        )
    return np.ascontiguousarray(U @ Vt, dtype=W.dtype)


def hopfield_to_rbm(patterns_or_memory, method="qr"):
    """RBM weights ``W`` whose visible marginal is a projection Hopfield network.

    Smart & Zilman (2021) [1]_, §2.1, Eqs. 1–6 (and App. B): with
    ``W`` from :func:`orthogonalize`, the binary-gaussian RBM

    ``H(s, λ) = ½‖λ‖² − s^T W λ``  (Eq. 6), ``p(s, λ) ∝ exp(−β H)``,

    with zero biases has the visible marginal

    ``p(s) ∝ exp(−β H(s))``, ``H(s) = −½ s^T J s``, ``J = W W^T``

    (Eq. 5), the Boltzmann distribution of the projection Hopfield network
    (Eq. 1) at the **same** inverse temperature ``β``. ``J`` here includes
    its diagonal ``J_ii``; for ±1 states the diagonal only adds the constant
    ``½ Σ_i J_ii s_i² = ½ trace(J) = p / 2`` to ``H``, so the Boltzmann
    distributions with and without the diagonal are identical (the
    deterministic dynamics ``sgn(J s)`` are not: the diagonal enters the
    fields).

    Parameters
    ----------
    patterns_or_memory : array-like of shape (n_patterns, n_features) or \
fitted HopfieldMemory
        The patterns as **rows** (the paper's ``ξ^T``), or a fitted
        :class:`~skhopfield.HopfieldMemory` with ``rule="projection"``,
        whose ``patterns_`` are used.
    method : {"qr", "svd", "sqrt"}, default="qr"
        Orthogonalization, see :func:`orthogonalize`. All give the same
        ``J`` and hence the same RBM marginal.

    Returns
    -------
    W : ndarray of shape (n_features, n_patterns)
        RBM weights (``components_ = W.T`` in the estimators), ``W^T W = I``.

    Raises
    ------
    ValueError
        For a memory fitted with another rule (the exact map holds for the
        projection rule only: Hebbian, Storkey and perceptron couplings are
        not projectors), for an unfitted memory, and for the pattern
        problems listed in :func:`orthogonalize`.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import HopfieldMemory
    >>> from skhopfield.mapping import hopfield_to_rbm
    >>> rng = np.random.RandomState(0)
    >>> xi = rng.choice([-1.0, 1.0], size=(3, 20))
    >>> memory = HopfieldMemory(rule="projection", zero_diagonal=False).fit(xi)
    >>> W = hopfield_to_rbm(memory)
    >>> np.allclose(W @ W.T, memory.couplings_)
    True
    """
    if isinstance(patterns_or_memory, HopfieldMemory):
        memory = patterns_or_memory
        if not hasattr(memory, "patterns_"):
            raise ValueError(
                "This HopfieldMemory instance is not fitted yet; call fit "
                "before mapping it to an RBM."
            )
        if memory.rule != "projection":
            raise ValueError(
                f"The exact Hopfield → RBM map holds for the projection rule "
                f"only (Smart & Zilman 2021, Eq. 1), got a memory "
                f"fitted with rule={memory.rule!r}. Refit with "
                "rule='projection', or pass the patterns directly to map the "
                "projection network that stores them."
            )
        patterns = memory.patterns_
    else:
        patterns = patterns_or_memory
    return orthogonalize(patterns, method=method)


# -- RBM → HN -------------------------------------------------------------------
def _sgn(A):
    """``sgn`` with ties going to +1 (``sgn(0) = +1``), in A's dtype."""
    return np.where(A >= 0, 1.0, -1.0).astype(A.dtype, copy=False)


def _check_weights(W):
    """Validate RBM weights; return W (float64), the span basis U, s, Vt."""
    W = _as_float_matrix(W, "W").astype(np.float64, copy=False)
    n_features, n_components = W.shape
    if n_components > n_features:
        raise ValueError(
            f"W has more columns (hidden units) than rows (features): shape "
            f"{W.shape}; W must have shape (n_features, n_components) with "
            "n_components <= n_features (an estimator's components_.T)."
        )
    U, s, Vt = linalg.svd(W, full_matrices=False)
    rank = _numerical_rank(s, W.shape, np.float64)
    if rank < n_components:
        raise ValueError(
            f"W is rank deficient: rank {rank} < {n_components} columns. The "
            "reverse map (Smart & Zilman 2021, Eq. 12) assumes W has "
            "full column rank; drop the redundant hidden units first."
        )
    return W, U, s, Vt


def _is_orthogonal(W, tol):
    G = W.T @ W
    return bool(np.max(np.abs(G - np.eye(G.shape[0]))) <= tol)


def reverse_map_conditions(W, X, *, orthogonal_tol=1e-6):
    """Candidate Hopfield patterns of an RBM for a given ``X`` and their checks.

    Smart & Zilman (2021) [1]_, §2.2 and App. D.2. For RBM weights
    ``W`` (``N × p``) and an invertible ``X`` (``p × p``), ``B_p = W X``
    (Eq. 13) is the approximately binary pattern matrix, ``B = sgn(B_p)``
    the candidate patterns and ``E = B_p − B`` the error. The visible
    couplings of the RBM are rewritten as a projection rule storing ``B_p``:

    - Case 1, ``W^T W = I`` (Eq. D.4): ``J = B_p (B_p^T B_p)^{-1} B_p^T``;
    - Case 2, otherwise (Eq. D.5): ``J = B_p (B_p^T C B_p)^{-1} B_p^T``
      with ``C = (W^+)^T W^+ = U Σ^{-2} U^T``.

    Both are identities: ``J = W W^T`` exactly, for any invertible ``X``,
    because ``X = W^+ B_p`` gives ``X^T X = B_p^T C B_p`` (the step
    ``J = B_p (X^T X)^{-1} B_p`` of [1]_ just before Eq. D.4 misses a
    transpose on its last ``B_p``). The ``½`` that Eqs. 10 and D.3 of [1]_
    drop is restored: the RBM's visible energy is ``−½ s^T J s − b^T s``
    (the ``½`` comes from the gaussian integral over the hidden units), so
    ``J`` is the Hopfield coupling at the same ``β``.

    Parameters
    ----------
    W : array-like of shape (n_features, n_components)
        RBM weights (columns are hidden units; an estimator's
        ``components_.T``), full column rank.
    X : array-like of shape (n_components, n_components)
        Invertible transformation.
    orthogonal_tol : float, default=1e-6
        ``W`` counts as orthogonal (Case 1) when
        ``max |W^T W − I| <= orthogonal_tol``.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        All pattern-indexed arrays hold one pattern per **row** (the
        transpose of the paper's ``N × p`` matrices):

        - ``patterns`` (p, N): ``B^T``, the candidate ±1 patterns,
          ``sgn(0) = +1``;
        - ``B_p`` (p, N): ``(W X)^T``;
        - ``error`` (p, N): ``E^T = (B_p − B)^T``;
        - ``couplings`` (N, N): ``J`` from Eq. D.4 (Case 1) or D.5 (Case 2),
          equal to ``W W^T``, diagonal included;
        - ``conditions``: a Bunch of the sufficient conditions of App. D.2
          (see Notes): ``small_error`` (p, N) bool, condition (a) per
          element; ``compatible_sign`` (p, N) bool, condition (b) per
          element; ``holds`` (p,) bool, (a) or (b) at every unit of the
          pattern, which guarantees ``sgn(J B^μ) = B^μ``; ``all`` bool,
          ``holds`` for every pattern;
        - ``fixed_points`` (p,) bool: the direct check, every unit of
          pattern ``μ`` has a field of its own sign, ``B_iμ (J B)_iμ > 0``
          (a zero field counts as not fixed);
        - ``orthogonal`` bool: Case 1 or Case 2.

    Notes
    -----
    App. D.2 tests whether the candidates are fixed points of
    ``s ← sgn(J s)`` through ``J B = J B_p − J E``. In Case 1 ``J B_p = B_p``
    and the sufficient conditions of [1]_, for each element ``(i, μ)``, are

    (a) small error: ``|(J E)_iμ| < |(B_p)_iμ|``;
    (b) compatible sign: ``(J E)_iμ (B_p)_iμ < 0``.

    In Case 2 ``J B_p = W W^T W X ≠ B_p``, and the derivation of [1]_ does
    not carry over: with ``B_p`` in (a)/(b) a non-orthogonal ``W`` can pass
    while its candidates are not fixed points. This function therefore uses
    ``G = J B_p`` in place of ``B_p`` (identical in Case 1) and also asks
    ``sgn(G_iμ) = B_iμ``:

    (a) ``|(J E)_iμ| < |G_iμ|`` and ``sgn(G_iμ) = B_iμ``;
    (b) ``(J E)_iμ G_iμ < 0`` and ``sgn(G_iμ) = B_iμ``.

    Each is sufficient for ``sgn((J B)_iμ) = B_iμ``. Together they are also
    necessary: writing ``t = (J B)_iμ / G_iμ``, (a) is ``0 < t < 2`` and
    (b) is ``t > 1``, so "(a) or (b)" is exactly ``t > 0``. Hence
    ``conditions.holds == fixed_points`` whenever ``G`` has the signs of
    ``B`` (always in Case 1, where ``G = B_p``).

    The conditions say the candidates are fixed points; as [1]_ notes,
    not that they are stable minima.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    W, U, s, _ = _check_weights(W)
    n_components = W.shape[1]
    X = _as_float_matrix(X, "X").astype(np.float64, copy=False)
    if X.shape != (n_components, n_components):
        raise ValueError(
            f"X must have shape ({n_components}, {n_components}) for W of "
            f"shape {W.shape}, got {X.shape}."
        )
    sx = linalg.svdvals(X)
    if _numerical_rank(sx, X.shape, np.float64) < n_components:
        raise ValueError("X is singular; the reverse map needs an invertible X.")
    return _conditions(W, U, s, X, orthogonal_tol)


def _conditions(W, U, s, X, orthogonal_tol):
    """:func:`reverse_map_conditions` on validated input (``W = U Σ Vᵀ``)."""
    orthogonal = _is_orthogonal(W, orthogonal_tol)
    Bp = W @ X  # N × p, the paper's orientation
    B = _sgn(Bp)
    E = Bp - B
    if orthogonal:  # Eq. D.4
        inner = Bp.T @ Bp
    else:  # Eq. D.5, C = (W⁺)ᵀ W⁺ = U Σ⁻² Uᵀ
        Y = (U.T @ Bp) / s[:, None]  # Σ⁻¹ Uᵀ B_p, so B_pᵀ C B_p = YᵀY
        inner = Y.T @ Y
    J = Bp @ linalg.solve(inner, Bp.T, assume_a="pos")
    J = 0.5 * (J + J.T)

    G = J @ Bp
    JE = J @ E
    agree = _sgn(G) == B
    nonzero = G != 0
    small_error = (np.abs(JE) < np.abs(G)) & agree & nonzero
    compatible_sign = (JE * G < 0) & agree & nonzero
    holds = (small_error | compatible_sign).all(axis=0)
    fixed_points = (B * (J @ B) > 0).all(axis=0)

    conditions = Bunch(
        small_error=small_error.T,
        compatible_sign=compatible_sign.T,
        holds=holds,
        all=bool(holds.all()),
    )
    return Bunch(
        patterns=B.T.copy(),
        B_p=Bp.T.copy(),
        error=E.T.copy(),
        couplings=J,
        conditions=conditions,
        fixed_points=fixed_points,
        orthogonal=orthogonal,
    )


def _descend(U, B, max_iter):
    """Lower the binarization error of each column of ``B`` (N × m) in place.

    The alternating minimization of Eq. 12: given ``B``, ``X = W⁺ B`` is the
    least-squares optimum and ``W X = P B`` with ``P = U Uᵀ`` the orthogonal
    projector onto the span of ``W``; given ``X``, ``B = sgn(W X)`` is
    optimal. Each column evolves on its own, and its error ``‖P b − b‖²`` never
    increases. Then single-spin flips (asynchronous descent of
    ``−½ bᵀ P b``, the error being ``N − bᵀ P b``) polish the columns to
    local minima, where ``sgn(P b) = b`` still holds.
    """
    n_features = U.shape[0]
    diag = np.einsum("ij,ij->i", U, U)
    # alternating minimization (synchronous), per column until unchanged
    active = np.arange(B.shape[1])
    for _ in range(max_iter):
        if active.size == 0:
            break
        Bn = _sgn(U @ (U.T @ B[:, active]))
        changed = (Bn != B[:, active]).any(axis=0)
        B[:, active] = Bn
        active = active[changed]
    # single-flip polishing: a flip of unit i raises ‖Uᵀb‖² by −4 b_i h_i,
    # h_i = (P b)_i − P_ii b_i, so flip while b_i h_i < 0; sweeps go over
    # the units in order, and over the columns that changed in the last sweep
    tol = 1e-9 * max(1.0, np.sqrt(n_features))
    active = np.arange(B.shape[1])
    for _ in range(max_iter):
        if active.size == 0:
            break
        Ba = B[:, active]
        Aa = U.T @ Ba
        changed = np.zeros(active.size, dtype=bool)
        for i in range(n_features):
            h = U[i] @ Aa - diag[i] * Ba[i]
            flip = np.flatnonzero(Ba[i] * h < -tol)
            if flip.size:
                Aa[:, flip] -= 2.0 * np.outer(U[i], Ba[i, flip])
                Ba[i, flip] *= -1.0
                changed[flip] = True
        B[:, active] = Ba
        active = active[changed]
    return B


def _select_independent(U, B, errors, alignment, p, rtol=1e-6):
    """Greedy lowest-error columns of ``B`` with independent projections.

    ``X = W⁺ B`` is invertible iff the projections ``Uᵀ b`` of the chosen
    columns are linearly independent. Picking candidates by increasing error
    and keeping those that raise the rank is optimal for a sum of per-column
    errors under an independence constraint (a linear matroid). Equal errors
    (to 9 decimals) are broken by decreasing ``alignment``.
    """
    order = np.lexsort((-alignment, np.round(errors, 9)))
    basis = np.zeros((U.shape[1], 0))
    chosen = []
    for j in order:
        a = U.T @ B[:, j]
        norm = np.linalg.norm(a)
        if norm <= 1e-12:
            continue
        r = a - basis @ (basis.T @ a)
        rnorm = np.linalg.norm(r)
        if rnorm > rtol * norm:
            basis = np.column_stack([basis, r / rnorm])
            chosen.append(j)
            if len(chosen) == p:
                break
    return chosen


def _unique_columns(B):
    """Distinct columns of ±1 ``B`` up to sign, in order of first appearance."""
    Bc = B * B[0]  # canonical sign: first entry +1
    _, first = np.unique(Bc.T, axis=0, return_index=True)
    return Bc[:, np.sort(first)]


def rbm_to_hopfield(
    W,
    *,
    n_init=20,
    max_iter=100,
    b=None,
    c=None,
    orthogonal_tol=1e-6,
    random_state=None,
):
    """Approximate reverse map: Hopfield patterns from RBM weights.

    Smart & Zilman (2021) [1]_, §2.2 (Eqs. 11–13) and App. D. Looks
    for an invertible ``X`` minimizing the binarization error
    ``‖W X − sgn(W X)‖_F`` (Eq. 12) and returns the candidate patterns
    ``B = sgn(W X)``, the error matrix and the checks of App. D.2 (see
    :func:`reverse_map_conditions`).

    For ``W = hopfield_to_rbm(ξ)`` with ±1 patterns ``ξ`` the minimum is zero
    and is reached at the patterns, unique up to their order and signs as
    long as no other ±1 vector lies in their span. The search (see Notes)
    finds them from the columns of ``W`` for the ``"qr"`` and ``"sqrt"``
    weights, which point at the patterns, and from the random starts for an
    arbitrarily rotated ``W = Q R_0`` (reliably up to about ``p = N / 10``;
    beyond, some candidates may be spurious mixtures, and a larger
    ``n_init`` helps).

    Parameters
    ----------
    W : array-like of shape (n_features, n_components), or fitted RBM
        RBM weights with hidden units as columns, full column rank, or an
        estimator with ``components_`` (``W = components_.T``; its
        ``intercept_visible_`` and ``intercept_hidden_``, if present, are
        used as ``b`` and ``c`` unless given).
    n_init : int, default=20
        Number of random orthogonal starts ``X_0`` drawn from
        ``random_state`` (each gives ``p`` candidate columns), on top of the
        deterministic starts.
    max_iter : int, default=100
        Most iterations of the alternating minimization, and most sweeps of
        the single-flip polishing, per start.
    b : array-like of shape (n_features,), default=None
        Visible bias, for ``thresholds``; None means zero.
    c : array-like of shape (n_components,), default=None
        Hidden bias, for ``thresholds``; None means zero.
    orthogonal_tol : float, default=1e-6
        ``W`` is orthogonal (App. D.2 Case 1) when
        ``max |W^T W − I| <= orthogonal_tol``.
    random_state : int, RandomState instance or None, default=None
        Seeds the random starts.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        The keys of :func:`reverse_map_conditions` for the ``X`` found —
        ``patterns`` (p, N), ``B_p`` (p, N) ``= (W X)^T``, ``error``
        (p, N), ``couplings`` (N, N) ``= W W^T`` through Eq. D.4 / D.5,
        ``conditions``, ``fixed_points`` (p,), ``orthogonal`` — and:

        - ``X`` (p, p): the invertible transformation, ``B_p = W X`` in the
          paper's orientation (``result.B_p == (W @ result.X).T``);
        - ``binarization_error`` float: ``‖E‖_F``, the objective of Eq. 12;
        - ``pattern_couplings`` (N, N): the projection rule on the binary
          candidates, ``B (B^T B)^{-1} B^T`` (Eq. D.4 with ``B_p`` replaced
          by ``B``; diagonal kept), the projection Hopfield network that
          stores the candidates exactly. It equals ``couplings`` when
          ``E = 0`` and ``W`` is orthogonal; a non-orthogonal ``W`` also
          rescales the energy (``W W^T`` is not a projector);
        - ``thresholds`` (N,): ``θ = b + W c``, so that the RBM's visible
          marginal is exactly ``p(s) ∝ exp(β[½ s^T J s + θ^T s])`` with
          ``J = couplings``.

    Notes
    -----
    The search. For a fixed ``B`` the best ``X`` is the least-squares
    ``X = W^+ B``, and then ``W X = P B`` with ``P = W W^+`` the projector
    onto the span of ``W``; for a fixed ``X`` the best ``B`` is
    ``sgn(W X)``. Alternating the two never increases the error, and the
    columns decouple: each evolves as ``b ← sgn(P b)``, the synchronous
    dynamics of the projection Hopfield network on ``span(W)``, and its
    error ``‖P b − b‖² = N − b^T P b`` is the energy ``2 H(b) + N`` of that
    network. So the candidates are low-energy states of that network, found
    from several starts: the identity ``X_0 = I`` (``B_0 = sgn(W)``), the
    columns ``sgn(P e_i)`` of ``P`` (one per unit ``i``) and ``n_init``
    random orthogonal ``X_0``. Each start is improved by the alternating
    minimization, then by single-spin flips (each flip that lowers the
    error; at their end ``sgn(P b) = b`` still holds), and the distinct
    results (up to sign) form a pool. ``X`` is invertible
    iff the projections of the chosen columns are independent; picking from
    the pool by increasing error and skipping a column that would make ``X``
    singular gives the pool's minimum of Eq. 12 (a minimum-weight basis of a
    linear matroid). Equal errors, e.g. several exact ±1 vectors in the span,
    go to the candidate best aligned with a column of ``W``. The order and
    signs of the chosen patterns are then matched to the hidden units:
    pattern ``μ`` is the one most correlated with column ``μ`` of ``W`` (an
    optimal assignment) and has a positive overlap with it.

    At the least-squares ``X``, ``J E = 0`` for every ``W`` (``E`` is
    orthogonal to ``span(W)``), so condition (a) reduces to the direct
    fixed-point check. For an orthogonal ``W`` the candidates found are
    fixed points of ``J``; for a non-orthogonal ``W`` they are fixed points
    of the projector ``P``, not necessarily of ``J = W W^T``. The Löwdin
    route of App. D.2 Case 2, ``rbm_to_hopfield(lowdin(W))``, has the same
    ``P`` (``lowdin`` keeps the span), hence the same criterion for the
    candidates, and ``J = P``.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield.mapping import hopfield_to_rbm, rbm_to_hopfield
    >>> xi = np.random.RandomState(0).choice([-1.0, 1.0], size=(4, 40))
    >>> result = rbm_to_hopfield(hopfield_to_rbm(xi), random_state=0)
    >>> bool(np.array_equal(result.patterns, xi))
    True
    >>> float(result.binarization_error) < 1e-10, bool(result.conditions.all)
    (True, True)
    """
    if hasattr(W, "components_"):
        estimator = W
        W = np.asarray(estimator.components_).T
        if b is None:
            b = getattr(estimator, "intercept_visible_", None)
        if c is None:
            c = getattr(estimator, "intercept_hidden_", None)
    for name, value, low in (("n_init", n_init, 0), ("max_iter", max_iter, 1)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise ValueError(f"{name} must be an integer, got {value!r}.")
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}.")
    if not isinstance(orthogonal_tol, numbers.Real) or not orthogonal_tol >= 0:
        raise ValueError(
            f"orthogonal_tol must be a non-negative number, got {orthogonal_tol!r}."
        )
    W, U, s, Vt = _check_weights(W)
    n_features, n_components = W.shape
    rng = check_random_state(random_state)

    P_cols = U @ U.T  # columns sgn(P e_i)
    starts = [_sgn(W), _sgn(P_cols)]
    for _ in range(n_init):  # Haar-distributed orthogonal X_0
        Q, R = np.linalg.qr(rng.standard_normal((n_components, n_components)))
        starts.append(_sgn(W @ (Q * np.where(np.diag(R) < 0, -1.0, 1.0))))
    w_norms = np.linalg.norm(W, axis=0) * np.sqrt(n_features)

    def candidates(starts):
        """Descended starts that are consistent, ``sgn(P b) = b``, up to sign."""
        B = _descend(U, starts, max_iter)
        B = B[:, (_sgn(U @ (U.T @ B)) == B).all(axis=0)]
        return _unique_columns(B)

    def select(pool):
        errors = n_features - np.sum((U.T @ pool) ** 2, axis=0)
        alignment = np.max(np.abs(W.T @ pool) / w_norms[:, None], axis=0)
        return _select_independent(U, pool, errors, alignment, n_components)

    pool = candidates(np.hstack(starts))
    chosen = select(pool)
    for _ in range(10):
        if len(chosen) == n_components:
            break
        # rarely needed: more random starts until X can be invertible
        extra = _sgn(W @ rng.standard_normal((n_components, 4 * n_components)))
        pool = _unique_columns(np.hstack([pool, candidates(extra)]))
        chosen = select(pool)
    if len(chosen) < n_components:
        raise ValueError(
            f"Could not find {n_components} sign vectors with linearly "
            "independent projections onto the span of W; W may be nearly "
            "rank deficient."
        )
    B = pool[:, chosen]

    # order and sign: pattern μ goes with hidden unit μ (optimal assignment of
    # the absolute correlations), with a positive overlap
    corr = (W.T @ B) / w_norms[:, None]
    rows, cols = linear_sum_assignment(-np.abs(corr))
    B = B[:, cols[np.argsort(rows)]]
    overlap = np.sum(W * B, axis=0)
    B = B * np.where(overlap < 0, -1.0, 1.0)

    X = Vt.T @ ((U.T @ B) / s[:, None])  # W⁺ B, W⁺ = V Σ⁻¹ Uᵀ
    result = _conditions(W, U, s, X, orthogonal_tol)
    result.X = X
    result.binarization_error = float(np.linalg.norm(result.error))
    result.pattern_couplings = projection(result.patterns, zero_diagonal=False)
    theta = np.zeros(n_features) if b is None else _bias(b, n_features, "b")
    if c is not None:
        theta = theta + W @ _bias(c, n_components, "c")
    result.thresholds = theta
    return result


def _bias(v, size, name):
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {v.shape}.")
    if not np.isfinite(v).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return v


# -- patterns from data ---------------------------------------------------------
def _label_repr(label):
    """``repr`` of a class label without NumPy's scalar wrapper (``'a'``, ``3``)."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def _condensed_distances(S, block=1024):
    """Euclidean distances of the rows of ``S`` in condensed form (as pdist).

    Computed from Gram blocks ``S_a S_bᵀ`` (BLAS) instead of pairwise loops:
    several times faster than :func:`scipy.spatial.distance.pdist`, and for
    ±1 data exact (integer squared distances), so identical to it. Memory is
    the condensed vector plus one ``block × n`` block.
    """
    S = S.astype(np.float64, copy=False)
    n_samples = S.shape[0]
    sq = np.einsum("ij,ij->i", S, S)
    out = np.empty(n_samples * (n_samples - 1) // 2)
    for start in range(0, n_samples - 1, block):
        stop = min(start + block, n_samples - 1)
        gram = S[start:stop] @ S[start:].T
        D2 = sq[start:stop, None] + sq[None, start:] - 2.0 * gram
        np.maximum(D2, 0.0, out=D2)
        np.sqrt(D2, out=D2)
        for i in range(start, stop):
            offset = i * n_samples - i * (i + 1) // 2
            out[offset : offset + n_samples - i - 1] = D2[i - start, i - start + 1 :]
    return out


def _ward_labels(S, n_clusters):
    """Ward clusters of the rows of ``S``: the partition of
    ``AgglomerativeClustering(n_clusters, linkage="ward")``.

    The same tree (``scipy.cluster.hierarchy`` Ward linkage on Euclidean
    distances), cut like scikit-learn's ``_hc_cut``: the first
    ``n − n_clusters`` merges are kept, so ties in the merge heights still
    give exactly ``n_clusters`` clusters. Labels are arbitrary integers
    ``0 … n_clusters − 1``.
    """
    from scipy.cluster import hierarchy

    n_samples = S.shape[0]
    Z = hierarchy.linkage(_condensed_distances(S), method="ward")
    children = Z[:, :2].astype(np.intp)
    n_merges = n_samples - n_clusters
    label = np.full(2 * n_samples - 1, -1, dtype=np.intp)
    merged = np.zeros(2 * n_samples - 1, dtype=bool)
    merged[children[:n_merges].ravel()] = True
    roots = np.flatnonzero(~merged[: n_samples + n_merges])
    label[roots] = np.arange(roots.size)
    for m in range(n_merges - 1, -1, -1):  # top-down through the kept merges
        label[children[m]] = label[n_samples + m]
    return label[:n_samples]


def _group_patterns(S, n_subpatterns, group_name):
    """``n_subpatterns`` Ward cluster means of the rows of ``S`` (k, N)."""
    n_samples = S.shape[0]
    if n_samples < n_subpatterns:
        raise ValueError(
            f"{group_name} has {n_samples} samples, fewer than "
            f"n_subpatterns={n_subpatterns}; every group must have at least "
            "n_subpatterns samples."
        )
    if n_subpatterns == 1:
        return S.mean(axis=0, dtype=np.float64)[None, :]
    if n_subpatterns == n_samples:
        return S.astype(np.float64)
    labels = _ward_labels(S, n_subpatterns)
    # cluster means through a sparse one-hot product; order clusters by
    # decreasing size, ties by their first sample, so the order is stable
    counts = np.bincount(labels, minlength=n_subpatterns)
    first = np.full(n_subpatterns, n_samples)
    np.minimum.at(first, labels, np.arange(n_samples))
    order = np.lexsort((first, -counts))
    onehot = sparse.csr_matrix(
        (np.ones(n_samples, dtype=S.dtype), (labels, np.arange(n_samples))),
        shape=(n_subpatterns, n_samples),
    )
    means = np.asarray(onehot @ S, dtype=np.float64) / counts[:, None]
    return means[order]


def class_patterns(S, y=None, *, n_subpatterns=1, pattern_rule="mean"):
    """Representative patterns of labelled (or unlabelled) data.

    Smart & Zilman (2021) [1]_, §3.1.1: the class means (Eq. 14),
    ``ξ^μ = |S_μ|^{-1} Σ_{s ∈ S_μ} s``, one pattern per class (``k = 1``), or
    ``k`` sub-patterns per class, the means of the ``k`` clusters found by
    agglomerative clustering with Ward linkage [2]_ and Euclidean distance, for
    ``p = k × n_classes`` patterns. The patterns feed
    :func:`hopfield_to_rbm` / :func:`orthogonalize`.

    Parameters
    ----------
    S : array-like of shape (n_samples, n_features)
        The data, normally ±1 spins (binarize first, e.g. with
        ``skhopfield._validation.to_spins``); any finite real values are
        averaged as they are. Sums accumulate in the dtype of ``S`` (exact
        for ±1 data in float32 or float64).
    y : array-like of shape (n_samples,), default=None
        Class labels. None treats the whole data as one group and returns
        its ``n_subpatterns`` Ward cluster means (its mean for
        ``n_subpatterns=1``).
    n_subpatterns : int, default=1
        ``k``, the number of sub-patterns per class (per group).
    pattern_rule : {"mean", "majority"}, default="mean"
        ``"mean"`` keeps the real-valued means (Eq. 14), entries in
        ``[−1, 1]`` for ±1 data. ``"majority"`` takes their sign, the
        majority vote of each pixel in the class or cluster, with ties
        (mean exactly 0) going to +1.

    Returns
    -------
    patterns : ndarray of shape (n_subpatterns * n_groups, n_features)
        The patterns as rows, float64: grouped by class in the order of
        ``np.unique(y)``, and within a class by decreasing cluster size
        (ties: the cluster holding the earlier sample first).
    pattern_labels : ndarray of shape (n_subpatterns * n_groups,)
        The class of each pattern (values of ``y``); with ``y=None``, the
        cluster index ``0 … n_subpatterns − 1``.

    Raises
    ------
    ValueError
        If ``S`` is not a finite 2-D array, if ``y`` does not match it, or if
        a class (or the data, for ``y=None``) has fewer samples than
        ``n_subpatterns``.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    .. [2] J. H. Ward, "Hierarchical grouping to optimize an objective
       function", Journal of the American Statistical Association 58(301),
       236–244, 1963.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield.mapping import class_patterns
    >>> S = np.array([[1, 1, -1], [1, -1, -1], [-1, -1, 1], [-1, -1, 1]])
    >>> patterns, labels = class_patterns(S, [0, 0, 1, 1])
    >>> patterns
    array([[ 1.,  0., -1.],
           [-1., -1.,  1.]])
    >>> class_patterns(S, [0, 0, 1, 1], pattern_rule="majority")[0]
    array([[ 1.,  1., -1.],
           [-1., -1.,  1.]])
    """
    S = _as_float_matrix(S, "S")
    if (
        not isinstance(n_subpatterns, numbers.Integral)
        or isinstance(n_subpatterns, bool)
        or n_subpatterns < 1
    ):
        raise ValueError(
            f"n_subpatterns must be a positive integer, got {n_subpatterns!r}."
        )
    if pattern_rule not in ("mean", "majority"):
        raise ValueError(
            f"pattern_rule must be 'mean' or 'majority', got {pattern_rule!r}."
        )
    n_subpatterns = int(n_subpatterns)

    if y is None:
        patterns = _group_patterns(S, n_subpatterns, "S")
        labels = np.arange(n_subpatterns)
    else:
        y = column_or_1d(y, warn=True)
        check_consistent_length(S, y)
        classes, y_index, counts = np.unique(
            y, return_inverse=True, return_counts=True
        )
        small = counts < n_subpatterns
        if small.any():
            bad = int(np.flatnonzero(small)[0])
            raise ValueError(
                f"class {_label_repr(classes[bad])} has {counts[bad]} samples, fewer "
                f"than n_subpatterns={n_subpatterns}; every class must have "
                "at least n_subpatterns samples."
            )
        if n_subpatterns == 1:
            onehot = sparse.csr_matrix(
                (np.ones(y.size, dtype=S.dtype), (y_index, np.arange(y.size))),
                shape=(classes.size, y.size),
            )
            patterns = np.asarray(onehot @ S, dtype=np.float64) / counts[:, None]
        else:
            patterns = np.vstack(
                [
                    _group_patterns(
                        S[y_index == k], n_subpatterns, f"class {_label_repr(cls)}"
                    )
                    for k, cls in enumerate(classes)
                ]
            )
        labels = np.repeat(classes, n_subpatterns)
    if pattern_rule == "majority":
        patterns = _sgn(patterns)
    return patterns, labels
