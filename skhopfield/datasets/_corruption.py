"""Corruption of patterns: :func:`flip_noise` and :func:`mask_noise`.

Both corrupt a fixed number of entries per pattern, at positions drawn
uniformly without replacement for each row: sign flips of ±1 spins, or
occluded ("nullified") pixels (J.-E. Campagne, "Elements on J. Hopfield
networks and G. Hinton's Boltzmann machines", 2025, Sec. 3.1).
"""

from numbers import Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array

from .._validation import Interval, check_spins, validate_params

#: Constraint of the corruption fraction ``p`` (NaN is rejected).
_FRACTION = [Interval(Real, 0, 1, closed="both")]


def _random_positions(n_samples, n_features, p, random_state):
    """Pick ``round(p * n_features)`` distinct columns for every row.

    Returns an integer array of shape (n_samples, k): for each row, the
    columns of the k smallest of ``n_features`` uniform keys, which is a
    uniformly random k-subset, drawn independently for every row.
    """
    n_pick = int(round(p * n_features))
    rng = check_random_state(random_state)
    if n_pick == 0:
        return np.empty((n_samples, 0), dtype=np.intp)
    keys = rng.random_sample((n_samples, n_features))
    if n_pick == n_features:
        return np.broadcast_to(np.arange(n_features), (n_samples, n_features))
    return np.argpartition(keys, n_pick - 1, axis=1)[:, :n_pick]


@validate_params(
    {"X": ["array-like"], "p": _FRACTION, "random_state": ["random_state"]},
    prefer_skip_nested_validation=True,
)
def flip_noise(X, p, *, random_state=None):
    """Flip the sign of a fixed fraction of the spins of every pattern.

    Each row gets exactly ``k = round(p * n_features)`` sign flips (Python's
    ``round``: to the nearest integer, ties to even), at positions drawn
    uniformly without replacement and independently for each row, so every
    corrupted pattern lies at Hamming distance exactly k from its original.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Patterns of ±1 spins.
    p : float in [0, 1]
        Fraction of the entries of each row to flip. 0 returns a copy of X,
        1 returns ``-X``.
    random_state : int, RandomState instance or None, default=None
        Seed of the positions; an int gives the same result on every call.

    Returns
    -------
    X_noisy : ndarray of shape (n_samples, n_features)
        Corrupted copy of X, in the dtype of X; X is not modified.

    Raises
    ------
    ValueError
        If X is not a non-empty 2-dimensional array of finite numbers, holds
        a value other than −1 and +1, or if p is not a number in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield.datasets import flip_noise
    >>> X = np.ones((2, 10))
    >>> X_noisy = flip_noise(X, 0.3, random_state=0)
    >>> (X_noisy != X).sum(axis=1)
    array([3, 3])
    """
    X = check_array(X, dtype="numeric", copy=True)
    check_spins(X, name="X")
    rows = np.arange(X.shape[0])[:, None]
    cols = _random_positions(X.shape[0], X.shape[1], p, random_state)
    X[rows, cols] = -X[rows, cols]
    return X


@validate_params(
    {
        "X": ["array-like"],
        "p": _FRACTION,
        "fill_value": [Real],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def mask_noise(X, p, *, fill_value=-1.0, random_state=None):
    """Occlude a fixed fraction of the entries of every pattern.

    Each row gets exactly ``k = round(p * n_features)`` entries (Python's
    ``round``: ties to even) set to ``fill_value``, at positions drawn
    uniformly without replacement and independently for each row: the
    "nullified pixels" corruption of Campagne (2025), Sec. 3.1. With ±1 spins and
    the default ``fill_value=-1.0`` an occluded pixel reads as background.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Real-valued patterns (spins, {0, 1}, bytes, ...).
    p : float in [0, 1]
        Fraction of the entries of each row to overwrite.
    fill_value : float, default=-1.0
        Value written at the occluded positions (``np.nan`` and infinities
        are allowed, e.g. to mark them as missing).
    random_state : int, RandomState instance or None, default=None
        Seed of the positions; an int gives the same result on every call.

    Returns
    -------
    X_noisy : ndarray of shape (n_samples, n_features)
        Corrupted copy of X; X is not modified. It keeps the dtype of X when
        ``fill_value`` is exactly representable in it (e.g. ``fill_value=0``
        on uint8 bytes) and is float64 otherwise (e.g. ``-1.0`` on uint8).

    Raises
    ------
    ValueError
        If X is not a non-empty 2-dimensional numeric array, or if p is not
        a number in [0, 1] or fill_value not a real number.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield.datasets import mask_noise
    >>> X = np.ones((2, 10))
    >>> X_noisy = mask_noise(X, 0.5, fill_value=0.0, random_state=0)
    >>> (X_noisy == 0).sum(axis=1)
    array([5, 5])
    """
    X = check_array(X, dtype="numeric", ensure_all_finite=False, copy=True)
    if not _fits_dtype(fill_value, X.dtype):
        X = X.astype(np.float64)
    rows = np.arange(X.shape[0])[:, None]
    cols = _random_positions(X.shape[0], X.shape[1], p, random_state)
    X[rows, cols] = fill_value
    return X


def _fits_dtype(value, dtype):
    """Whether ``value`` is stored exactly in an array of ``dtype``."""
    if dtype.kind in "fc":
        return True
    if dtype.kind in "iu":
        if not (np.isfinite(value) and float(value).is_integer()):
            return False
        info = np.iinfo(dtype)
        return info.min <= int(value) <= info.max
    return False
