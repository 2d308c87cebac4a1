"""Storage capacity of the learning rules, and the warning ``fit`` gives past it.

The bounds are those of *random* (unbiased, independent) ±1 patterns, the
setting in which they are derived. Correlated patterns (images, class means)
can fail far below them, so staying under a bound is no guarantee; going over
it is, for random patterns, a sure failure, and that is when ``fit`` warns.

Patterns are counted as the distinct rows of the fitted ±1 data, a row and
its negation counting once: every rule stores ξ and −ξ in the same couplings
(J depends on ξ through products ξ_i ξ_j only), and repeating a row adds no
new memory.
"""

import numpy as np

__all__ = [
    "CapacityWarning",
    "HEBBIAN_CRITICAL_LOAD",
    "count_patterns",
    "storkey_capacity",
    "capacity_message",
]

#: Largest load P/N at which Hebb's rule still retrieves random patterns
#: (with about 1.5% wrong units) in the limit of large N (Amit, Gutfreund &
#: Sompolinsky 1985).
HEBBIAN_CRITICAL_LOAD = 0.138

_REMEDY = "Store fewer patterns or use more units (features)"


class CapacityWarning(UserWarning):
    """``HopfieldMemory.fit`` stored more patterns than its rule can recall.

    Raised (as a warning) when the number of distinct patterns exceeds the
    storage capacity of the learning rule for random patterns; the message
    names the load, the rule's limit, what recall will do and the remedies.
    Silence it with ``warnings.simplefilter("ignore", CapacityWarning)``.
    """


def count_patterns(xi):
    """Number of distinct rows of ``xi``, a row and its negation counting once.

    Parameters
    ----------
    xi : ndarray of shape (n_rows, n_features)
        ±1 patterns.

    Returns
    -------
    n_patterns : int
    """
    xi = np.asarray(xi)
    if xi.shape[0] == 0 or xi.shape[1] == 0:
        return int(xi.shape[0] > 0)
    canonical = xi * np.where(xi[:, :1] < 0, -1, 1)  # first unit made +1
    return int(np.unique(np.packbits(canonical > 0, axis=1), axis=0).shape[0])


def storkey_capacity(n_features):
    """Patterns Storkey's rule stores with every one a fixed point: N/√(2 ln N).

    The absolute capacity of the rule for random patterns (Storkey 1997),
    against N/(2 ln N) for Hebb's rule. It is 0.34 N at N = 64, 0.31 N at
    N = 200 and 0.27 N at N = 1000 ("about 0.3 N"), and falls slowly for
    larger N. ``N < 2`` is treated as 2.
    """
    n = max(int(n_features), 2)
    return n / np.sqrt(2.0 * np.log(n))


def capacity_message(
    rule, n_patterns, n_features, *, zero_diagonal=True, rank=None, n_free=0
):
    """The text of the capacity warning, or ``None`` within capacity.

    Parameters
    ----------
    rule : {"hebbian", "storkey", "projection", "perceptron"}
    n_patterns : int
        Distinct patterns, as :func:`count_patterns` counts them.
    n_features : int
        Units N.
    zero_diagonal : bool, default=True
        Whether the self-couplings were removed (changes what recall does).
    rank : int, default=None
        Rank of the patterns (``rule="projection"`` only).
    n_free : int, default=0
        Units whose basis vector lies in the span of the patterns
        (``rule="projection"`` only): their coupling row is zero apart from
        J_ii = 1, so the dynamics never update them.

    Returns
    -------
    message : str or None
        ``None`` when the load is within the rule's capacity, or for
        ``rule="perceptron"`` (whose learning reports its own failure with a
        ``ConvergenceWarning``).
    """
    P, N = int(n_patterns), int(n_features)
    if P < 2 or rule not in ("hebbian", "storkey", "projection"):
        # a single pattern is a fixed point of every rule, whatever N
        return None
    load = P / N
    head = (
        f"HopfieldMemory(rule={rule!r}) stores P={P} distinct patterns in "
        f"N={N} units, a load P/N = {load:.3g}"
    )
    if rule in ("hebbian", "storkey"):
        if rule == "hebbian":
            limit = HEBBIAN_CRITICAL_LOAD * N
            bound = (
                f"the capacity of Hebb's rule for random patterns, P/N ≈ "
                f"{HEBBIAN_CRITICAL_LOAD} (Amit, Gutfreund & Sompolinsky 1985)"
            )
        else:
            limit = storkey_capacity(N)
            bound = (
                f"the capacity of Storkey's rule for random patterns, "
                f"N/√(2 ln N) = {limit:.1f} patterns here, P/N ≈ "
                f"{limit / N:.2f} (Storkey 1997)"
            )
        if P <= limit:
            return None
        if zero_diagonal:
            effect = (
                "The patterns stop being fixed points: recall ends in spurious "
                "(mixture or spin-glass) states instead of the stored "
                "patterns, so predict does not restore noisy patterns and the "
                "overlaps of transform are small for every pattern; with "
                "correlated patterns such as images, most probes end in the "
                "same few states and transform repeats the same few rows."
            )
        else:
            effect = (
                "The patterns are no longer recalled reliably: the "
                "self-couplings kept by zero_diagonal=False hold the units "
                "where the probe put them, so predict corrects the probes "
                "less and less as the load grows and, far beyond the limit, "
                "returns them unchanged."
            )
        return (
            f"{head}, beyond {bound}. {effect} {_REMEDY}, or use "
            "rule='projection' (up to N - 1 linearly independent patterns) or "
            "rule='perceptron'."
        )
    if rule == "projection":
        sources = "(Personnaz, Guyon & Dreyfus 1985; Kanter & Sompolinsky 1987)"
        if rank is None or (rank < N and rank >= P):
            return None
        if rank >= N:
            return (
                f"{head}; they span all N dimensions (rank {rank}), beyond the "
                "projection rule's capacity of N - 1 linearly independent "
                f"patterns {sources}. J is then the identity (zero once its "
                "diagonal is removed): every state is a fixed point, so "
                "predict returns the probes unchanged and transform returns "
                "the probes' own overlaps with the patterns. Store fewer than "
                "N patterns or use more units (features)."
            )
        free = (
            f" Here the span contains the unit vector of {n_free} of the {N} "
            "units: they are coupled to no other unit, the dynamics never "
            "change them, and predict returns the probes' values on them "
            "unchanged."
            if n_free
            else ""
        )
        more = " (more patterns than units cannot be independent)" if P > N else ""
        return (
            f"{head}, but they are linearly dependent: their span has rank "
            f"{rank} < P{more}. The projection rule stores the span, not the "
            "patterns, so every ±1 state in it is a fixed point as well "
            f"{sources}.{free} Store fewer, less redundant patterns (e.g. one "
            "prototype per class) or use more units (features)."
        )
    return None
