"""The approximate reverse map, RBM → Hopfield network:
:func:`rbm_to_hopfield` and :func:`reverse_map_conditions`.

The search for an invertible ``X`` that makes ``W X`` nearly binary (Eq. 12)
and the sufficient conditions of App. D.2 for its candidate patterns to be
fixed points (M. Smart and A. Zilman, "On the mapping between Hopfield
networks and Restricted Boltzmann Machines", ICLR 2021, §2.2 and App. D).
"""

import numbers

import numpy as np
from scipy import linalg
from scipy.optimize import linear_sum_assignment
from sklearn.utils import Bunch, check_random_state

from ..hopfield._rules import projection
from ._base import _as_float_matrix, _numerical_rank, _sgn


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


def _unpack_estimator(W, b, c):
    """``W``, ``b`` and ``c`` of a fitted estimator, or as given.

    An object with ``components_`` gives ``W = components_.T`` and, unless
    ``b`` or ``c`` is given, its ``intercept_visible_`` and
    ``intercept_hidden_`` (None where absent); anything else is returned
    unchanged.
    """
    if hasattr(W, "components_"):
        estimator = W
        W = np.asarray(estimator.components_).T
        if b is None:
            b = getattr(estimator, "intercept_visible_", None)
        if c is None:
            c = getattr(estimator, "intercept_hidden_", None)
    return W, b, c


def _check_search_params(n_init, max_iter, orthogonal_tol):
    """Validate the search parameters of :func:`rbm_to_hopfield`."""
    for name, value, low in (("n_init", n_init, 0), ("max_iter", max_iter, 1)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise ValueError(f"{name} must be an integer, got {value!r}.")
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}.")
    if not isinstance(orthogonal_tol, numbers.Real) or not orthogonal_tol >= 0:
        raise ValueError(
            f"orthogonal_tol must be a non-negative number, got {orthogonal_tol!r}."
        )


def _initial_starts(W, U, n_init, rng):
    """The starts ``B_0`` of the search, as the columns of one ±1 matrix.

    ``sgn(W)`` (``X_0 = I``), the columns ``sgn(P e_i)`` of the projector
    ``P = U Uᵀ``, then ``sgn(W X_0)`` for ``n_init`` Haar-distributed
    orthogonal ``X_0`` drawn from ``rng``.
    """
    n_components = W.shape[1]
    P_cols = U @ U.T  # columns sgn(P e_i)
    starts = [_sgn(W), _sgn(P_cols)]
    for _ in range(n_init):  # Haar-distributed orthogonal X_0
        Q, R = np.linalg.qr(rng.standard_normal((n_components, n_components)))
        starts.append(_sgn(W @ (Q * np.where(np.diag(R) < 0, -1.0, 1.0))))
    return np.hstack(starts)


def _candidates(U, starts, max_iter):
    """Descended starts that are consistent, ``sgn(P b) = b``, up to sign."""
    B = _descend(U, starts, max_iter)
    B = B[:, (_sgn(U @ (U.T @ B)) == B).all(axis=0)]
    return _unique_columns(B)


def _select_lowest_error(W, U, w_norms, pool):
    """Columns of ``pool`` to use as patterns: :func:`_select_independent`
    with the binarization errors and the alignments with the columns of W."""
    n_features, n_components = W.shape
    errors = n_features - np.sum((U.T @ pool) ** 2, axis=0)
    alignment = np.max(np.abs(W.T @ pool) / w_norms[:, None], axis=0)
    return _select_independent(U, pool, errors, alignment, n_components)


def _search_patterns(W, U, w_norms, n_init, max_iter, rng):
    """The ``p`` candidate ±1 patterns ``B`` (N × p) of the search (Eq. 12).

    Low-error candidates from the starts, with linearly independent
    projections onto the span of W; more random starts are tried (up to ten
    rounds) when the pool does not hold ``p`` of them.
    """
    n_components = W.shape[1]
    pool = _candidates(U, _initial_starts(W, U, n_init, rng), max_iter)
    chosen = _select_lowest_error(W, U, w_norms, pool)
    for _ in range(10):
        if len(chosen) == n_components:
            break
        # rarely needed: more random starts until X can be invertible
        extra = _sgn(W @ rng.standard_normal((n_components, 4 * n_components)))
        pool = _unique_columns(np.hstack([pool, _candidates(U, extra, max_iter)]))
        chosen = _select_lowest_error(W, U, w_norms, pool)
    if len(chosen) < n_components:
        raise ValueError(
            f"Could not find {n_components} sign vectors with linearly "
            "independent projections onto the span of W; W may be nearly "
            "rank deficient."
        )
    return pool[:, chosen]


def _match_hidden_units(W, B, w_norms):
    """Order and sign the columns of ``B``: pattern μ goes with hidden unit μ.

    An optimal assignment of the absolute correlations of the patterns with
    the columns of W, then a sign flip of each pattern whose overlap with its
    column is negative.
    """
    corr = (W.T @ B) / w_norms[:, None]
    rows, cols = linear_sum_assignment(-np.abs(corr))
    B = B[:, cols[np.argsort(rows)]]
    overlap = np.sum(W * B, axis=0)
    return B * np.where(overlap < 0, -1.0, 1.0)


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
    W, b, c = _unpack_estimator(W, b, c)
    _check_search_params(n_init, max_iter, orthogonal_tol)
    W, U, s, Vt = _check_weights(W)
    rng = check_random_state(random_state)

    w_norms = np.linalg.norm(W, axis=0) * np.sqrt(W.shape[0])
    B = _search_patterns(W, U, w_norms, n_init, max_iter, rng)
    B = _match_hidden_units(W, B, w_norms)

    X = Vt.T @ ((U.T @ B) / s[:, None])  # W⁺ B, W⁺ = V Σ⁻¹ Uᵀ
    result = _conditions(W, U, s, X, orthogonal_tol)
    result.X = X
    result.binarization_error = float(np.linalg.norm(result.error))
    result.pattern_couplings = projection(result.patterns, zero_diagonal=False)
    result.thresholds = _thresholds(W, b, c)
    return result


def _thresholds(W, b, c):
    """``θ = b + W c``, with None for a zero bias."""
    n_features, n_components = W.shape
    theta = np.zeros(n_features) if b is None else _bias(b, n_features, "b")
    if c is not None:
        theta = theta + W @ _bias(c, n_components, "c")
    return theta


def _bias(v, size, name):
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {v.shape}.")
    if not np.isfinite(v).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return v
