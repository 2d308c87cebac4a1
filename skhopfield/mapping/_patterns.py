"""Patterns from data: :func:`class_patterns` and its Ward clustering.

Class means (M. Smart and A. Zilman, "On the mapping between Hopfield
networks and Restricted Boltzmann Machines", ICLR 2021, §3.1.1, Eq. 14), or
the means of the clusters of each class found by agglomerative clustering
with Ward linkage (J. H. Ward, "Hierarchical grouping to optimize an
objective function", Journal of the American Statistical Association 58(301),
1963).
"""

import numbers

import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ._base import _as_float_matrix, _sgn


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
        classes, y_index, counts = np.unique(y, return_inverse=True, return_counts=True)
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
