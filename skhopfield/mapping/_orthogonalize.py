"""Orthonormal RBM weights from patterns: :func:`orthogonalize` and
:func:`lowdin`.

The QR, SVD and square-root (Löwdin) factors of the pattern matrix, whose
columns span the patterns, so that ``J = W W^T`` is the projection rule's
coupling matrix (M. Smart and A. Zilman, "On the mapping between Hopfield
networks and Restricted Boltzmann Machines", ICLR 2021, Eqs. 2–3 and App. B).
"""

import warnings

import numpy as np
from scipy import linalg
from sklearn.utils.extmath import svd_flip

from ._base import _as_float_matrix, _numerical_rank

_ORTHOGONALIZE_METHODS = ("qr", "svd", "sqrt")


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
        raise ValueError(f"degenerate must be 'raise' or 'span', got {degenerate!r}.")
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
