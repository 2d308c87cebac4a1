"""Bars and Bars-and-Stripes generators: :func:`make_bars` and
:func:`make_bars_and_stripes`.

Images of ±1 spins made of full vertical bars (and, for Bars-and-Stripes,
full horizontal stripes), split into training and test sets that keep every
image with its negative (A. Pozas-Kerstjens et al., "Efficient training of
energy-based models via spin-glass control", Machine Learning: Science and
Technology, 2021, Sec. V.A.3 and Sec. V.B).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from .._validation import Interval, validate_params

#: Largest side accepted by the Bars generators: they hold 2**n images.
_MAX_BARS_SIDE = 20

#: The paper's split of the 4 x 4 Bars (Pozas-Kerstjens et al. 2021,
#: Sec. V.A.3): column
#: patterns, column 0 first, "1" = on. Training: five patterns then their
#: negatives in the same order; test: two patterns then their negatives.
_PAPER_BARS4_TRAIN = (
    "1000",
    "1100",
    "1110",
    "1011",
    "1101",
    "0111",
    "0011",
    "0001",
    "0100",
    "0010",
)
_PAPER_BARS4_TEST = ("1010", "1001", "0101", "0110")

#: Fraction of negation pairs held out when ``test_size`` is not given
#: (the 80/20 ratio of Pozas-Kerstjens et al. 2021, Sec. V.B).
_DEFAULT_TEST_SIZE = 0.2


#: Constraints shared by the Bars generators. ``test_size`` is a fraction
#: only (an int other than 0 is rejected): the split is made by pairs.
_BARS_CONSTRAINTS = {
    "n": [Interval(Integral, 2, _MAX_BARS_SIDE, closed="both")],
    "test_size": [Interval(Real, 0, 1, closed="left"), None],
    "random_state": ["random_state"],
}


def _line_bits(codes, n):
    """On/off state (0 or 1) of the n lines of each integer code.

    Line 0 is the most significant of the n bits, so codes in increasing
    order are the line patterns in increasing binary order, read line 0
    first (``0b1000`` with ``n=4``: line 0 on, lines 1 to 3 off).
    """
    shifts = np.arange(n - 1, -1, -1)
    return (np.asarray(codes, dtype=np.int64)[:, None] >> shifts) & 1


def _bars_images(codes, n):
    """±1 images (flattened row-major) of full vertical bars.

    Pixel (r, c) is +1 when column c is on in the code.
    """
    bits = _line_bits(codes, n)
    images = np.broadcast_to(bits[:, None, :], (bits.shape[0], n, n))
    return (2.0 * images - 1.0).reshape(bits.shape[0], n * n)


def _stripes_images(codes, n):
    """±1 images (flattened row-major) of full horizontal stripes.

    Pixel (r, c) is +1 when row r is on in the code.
    """
    bits = _line_bits(codes, n)
    images = np.broadcast_to(bits[:, :, None], (bits.shape[0], n, n))
    return (2.0 * images - 1.0).reshape(bits.shape[0], n * n)


def _nonuniform_codes(n):
    """Codes 1 to 2**n - 2 (no all-off, no all-on) and their pair ids.

    A code and its complement ``2**n - 1 - code`` (the negative image) share
    the pair id ``min(code, complement) - 1``, in ``0 .. 2**(n-1) - 2``.
    """
    codes = np.arange(1, 2**n - 1, dtype=np.int64)
    pair_ids = np.minimum(codes, (2**n - 1) - codes) - 1
    return codes, pair_ids


def _split_pairs(X, pair_ids, n_pairs, test_size, random_state):
    """Split the rows of X by negation pair; both members go together.

    ``ceil(test_size * n_pairs)`` pairs, drawn uniformly without replacement,
    go to the test set (the rounding of
    :func:`sklearn.model_selection.train_test_split`); both sets keep the
    order of the rows of X.
    """
    n_test = int(np.ceil(test_size * n_pairs))
    if n_test >= n_pairs:
        raise ValueError(
            f"test_size={test_size!r} puts ceil({test_size!r} * {n_pairs}) = "
            f"{n_test} of the {n_pairs} negation pairs in the test set and "
            "leaves no training pair; use a smaller test_size or a larger n."
        )
    rng = check_random_state(random_state)
    test_pairs = rng.permutation(n_pairs)[:n_test]
    in_test = np.zeros(n_pairs, dtype=bool)
    in_test[test_pairs] = True
    test_rows = in_test[pair_ids]
    return X[~test_rows], X[test_rows]


@validate_params(_BARS_CONSTRAINTS, prefer_skip_nested_validation=True)
def make_bars(n=4, *, test_size=None, random_state=None):
    """Generate the Bars images, split into training and test sets.

    The Bars data set holds every n x n image made of full vertical bars:
    one image per on/off pattern of the n columns, except the all-on and
    all-off images, so ``2**n - 2`` images (14 for ``n=4``, the 4 x 4 Bars
    of Pozas-Kerstjens et al. (2021), Sec. V.A). Pixels are ±1
    spins: pixel (r, c) is +1 when column c is on.

    With ±1 spins and no biases an image ``x`` and its negative ``-x`` have
    the same energy, so splitting such a pair would leak the test set into
    training. The split therefore keeps every image and its negative on the
    same side (Pozas-Kerstjens et al. 2021, Sec. V.A.3).

    Parameters
    ----------
    n : int, default=4
        Side of the images, 2 to 20.
    test_size : float in [0, 1) or None, default=None
        Fraction of the ``2**(n-1) - 1`` negation pairs put in the test set:
        ``ceil(test_size * n_pairs)`` pairs (the rounding of
        :func:`sklearn.model_selection.train_test_split`), drawn at random;
        0 gives an empty test set. ``None`` with ``n=4`` gives the paper's
        fixed split (below); ``None`` with any other n means 0.2.
    random_state : int, RandomState instance or None, default=None
        Seed of the random split; an int gives the same split on every call.
        Unused by the paper's fixed split.

    Returns
    -------
    X_train : ndarray of shape (n_train, n * n), dtype float64
        Training images of ±1, flattened row by row.
    X_test : ndarray of shape (n_test, n * n), dtype float64
        Test images of ±1, flattened row by row.

    Raises
    ------
    ValueError
        If n is not an integer in [2, 20], if test_size is not None or a
        number in [0, 1), or if test_size leaves no training pair.

    Notes
    -----
    Write a column pattern as a string, column 0 first, ``1`` for on. The
    paper's split of the 4 x 4 Bars (``n=4, test_size=None``) has the 10
    training images 1000, 1100, 1110, 1011, 1101 followed by their negatives
    0111, 0011, 0001, 0100, 0010, and the 4 test images 1010, 1001, 0101,
    0110, in these orders. A random split keeps the images in increasing
    binary order of their column patterns.

    Examples
    --------
    >>> from skhopfield.datasets import make_bars
    >>> X_train, X_test = make_bars()
    >>> X_train.shape, X_test.shape
    ((10, 16), (4, 16))
    >>> X_test[0].reshape(4, 4)
    array([[ 1., -1.,  1., -1.],
           [ 1., -1.,  1., -1.],
           [ 1., -1.,  1., -1.],
           [ 1., -1.,  1., -1.]])
    >>> X_train, X_test = make_bars(5, test_size=0.25, random_state=0)
    >>> X_train.shape, X_test.shape
    ((22, 25), (8, 25))
    """
    n = int(n)
    if test_size is None and n == 4:
        train = np.array([int(code, 2) for code in _PAPER_BARS4_TRAIN])
        test = np.array([int(code, 2) for code in _PAPER_BARS4_TEST])
        return _bars_images(train, n), _bars_images(test, n)
    if test_size is None:
        test_size = _DEFAULT_TEST_SIZE
    codes, pair_ids = _nonuniform_codes(n)
    X = _bars_images(codes, n)
    return _split_pairs(X, pair_ids, 2 ** (n - 1) - 1, test_size, random_state)


@validate_params(_BARS_CONSTRAINTS, prefer_skip_nested_validation=True)
def make_bars_and_stripes(n=4, *, test_size=0.2, random_state=None):
    """Generate the Bars-and-Stripes images, split into training and test sets.

    The Bars-and-Stripes (BAS) data set holds every n x n image made of full
    vertical bars or of full horizontal stripes, except the two uniform
    images (all-on and all-off, which are both), each image once:
    ``2**(n+1) - 4`` images. For ``n=12`` that is the 8188 images of
    Pozas-Kerstjens et al. (2021), Sec. V.B and Fig. 5, and the default
    ``test_size=0.2`` gives its 6550 training images (1638 test images).
    Pixels are ±1 spins: in a bars image pixel (r, c) is +1 when column c is
    on, in a stripes image when row r is on.

    As in :func:`make_bars`, every image and its negative stay on the same
    side of the split (the negative of a bars image is a bars image, that of
    a stripes image a stripes image).

    Parameters
    ----------
    n : int, default=4
        Side of the images, 2 to 20.
    test_size : float in [0, 1) or None, default=0.2
        Fraction of the ``2**n - 2`` negation pairs put in the test set:
        ``ceil(test_size * n_pairs)`` pairs (the rounding of
        :func:`sklearn.model_selection.train_test_split`), drawn at random;
        0 gives an empty test set and ``None`` means 0.2.
    random_state : int, RandomState instance or None, default=None
        Seed of the split; an int gives the same split on every call.

    Returns
    -------
    X_train : ndarray of shape (n_train, n * n), dtype float64
        Training images of ±1, flattened row by row.
    X_test : ndarray of shape (n_test, n * n), dtype float64
        Test images of ±1, flattened row by row.

    Raises
    ------
    ValueError
        If n is not an integer in [2, 20], if test_size is not None or a
        number in [0, 1), or if test_size leaves no training pair.

    Notes
    -----
    Before the split the images are ordered bars first, then stripes, each
    in increasing binary order of its line pattern (column or row 0 as the
    most significant bit); both sets keep that order.

    Examples
    --------
    >>> from skhopfield.datasets import make_bars_and_stripes
    >>> X_train, X_test = make_bars_and_stripes(12, random_state=0)
    >>> X_train.shape, X_test.shape
    ((6550, 144), (1638, 144))
    >>> X_train, X_test = make_bars_and_stripes(3, test_size=0, random_state=0)
    >>> X_train.shape, X_test.shape
    ((12, 9), (0, 9))
    """
    n = int(n)
    if test_size is None:
        test_size = _DEFAULT_TEST_SIZE
    codes, pair_ids = _nonuniform_codes(n)
    n_line_pairs = 2 ** (n - 1) - 1
    X = np.concatenate([_bars_images(codes, n), _stripes_images(codes, n)])
    pair_ids = np.concatenate([pair_ids, pair_ids + n_line_pairs])
    return _split_pairs(X, pair_ids, 2 * n_line_pairs, test_size, random_state)
