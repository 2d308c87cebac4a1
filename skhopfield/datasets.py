"""Data sets and corruption helpers.

:func:`load_mnist` reads the MNIST handwritten digits from the standard IDX
files in a folder the user points to and, only when asked to
(``download_if_missing=True``), falls back on the copy that OpenML serves.
:func:`flip_noise` and :func:`mask_noise` corrupt patterns the way retrieval
experiments do: flip the sign of a fixed number of spins per pattern, or
occlude ("nullify") a fixed number of pixels per pattern (Campagne 2025,
Sec. 3.1). :func:`make_bars` and :func:`make_bars_and_stripes` build the
Bars and Bars-and-Stripes images of ±1 spins, split into training and test
sets that keep every image with its negative (Pozas-Kerstjens et al. 2021,
Sec. V.A.3 and Sec. V.B).

Every public function validates its arguments with scikit-learn's
``validate_params``: a bad value raises
:class:`~sklearn.utils._param_validation.InvalidParameterError` (a
``ValueError`` and a ``TypeError``) that names the parameter and the values
it accepts.

References
----------
.. [1] Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
   learning applied to document recognition", Proceedings of the IEEE 86(11),
   1998 (the MNIST data set).
.. [2] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
   Boltzmann machines", 2025.
.. [3] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
   A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
   energy-based models via spin-glass control", Machine Learning: Science
   and Technology, 2021.
"""

import gzip
import importlib.util
import os
import zlib
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.datasets import fetch_openml
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_array

from ._validation import Interval, check_spins, validate_params

__all__ = [
    "flip_noise",
    "load_mnist",
    "make_bars",
    "make_bars_and_stripes",
    "mask_noise",
]

#: Environment variable naming a folder that holds the data sets.
DATA_ENV = "SKHOPFIELD_DATA"

#: Magic numbers of the IDX files MNIST ships: 0x00000803 (unsigned bytes,
#: 3 dimensions) for images and 0x00000801 (unsigned bytes, 1 dimension) for
#: labels.
_IMAGES_MAGIC = 2051
_LABELS_MAGIC = 2049

#: The four MNIST files, by role; each may be gzipped or not.
_MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

#: The OpenML copy of MNIST used by ``download_if_missing=True``: the 70,000
#: images of the standard release, the 60,000 training images first.
_OPENML_NAME = "mnist_784"
_OPENML_VERSION = 1

#: Number of trailing OpenML rows that form the test set.
_OPENML_N_TEST = 10_000

#: Side of the MNIST images.
_MNIST_SHAPE = (28, 28)

_MNIST_DESCR = """\
MNIST handwritten digits
------------------------

Gray-scale images of handwritten digits 0-9, 28 x 28 pixels with values
0 (background) to 255 (ink), from LeCun, Bottou, Bengio and Haffner,
"Gradient-based learning applied to document recognition" (1998),
http://yann.lecun.com/exdb/mnist/.

The standard release holds 60,000 training and 10,000 test images; a copy
of the IDX files may hold fewer (the loader returns exactly what each
file's header announces and checks the payload against it).

Loaded from: {source}
Training images: {n_train}
Test images: {n_test}
Image shape: {rows} x {cols} (rows of X are flattened in C order)
"""


def _read_bytes(path):
    """Return the content of ``path``, decompressed when it ends in ``.gz``."""
    path = Path(path)
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError, zlib.error) as exc:
        # gzip.BadGzipFile is an OSError; a cut stream raises EOFError.
        raise ValueError(
            f"{path} is not a complete gzip file ({exc}); the download may "
            "have been interrupted."
        ) from exc


def _parse_idx(data, expected_magic, source="<bytes>"):
    """Parse the bytes of an IDX file of unsigned bytes.

    The IDX format is a big-endian header (a 4-byte magic number whose last
    byte is the number of dimensions, then one 4-byte size per dimension)
    followed by the values in C order.

    Parameters
    ----------
    data : bytes
        Content of the (decompressed) file.
    expected_magic : int
        2051 for images, 2049 for labels.
    source : str, default="<bytes>"
        Name of the file, for error messages.

    Returns
    -------
    array : ndarray of dtype uint8
        Shape given by the header.

    Raises
    ------
    ValueError
        If the magic number is not ``expected_magic`` or the payload does not
        hold exactly the number of values the header announces.
    """
    if len(data) < 4:
        raise ValueError(
            f"{source} is too short ({len(data)} bytes) to be an IDX file."
        )
    magic = int.from_bytes(data[:4], "big")
    if magic != expected_magic:
        kind = "images" if expected_magic == _IMAGES_MAGIC else "labels"
        raise ValueError(
            f"{source} has magic number {magic}, expected {expected_magic} "
            f"(IDX {kind} of unsigned bytes); it is not the expected MNIST "
            "file or it is corrupted."
        )
    ndim = magic & 0xFF
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(
            f"{source} is truncated: its header needs {header_size} bytes, the "
            f"file holds {len(data)}."
        )
    shape = tuple(
        int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4)
    )
    expected = int(np.prod(shape, dtype=np.int64))
    found = len(data) - header_size
    if found != expected:
        item = int(np.prod(shape[1:], dtype=np.int64)) if ndim > 1 else 1
        complete = found // item if item else 0
        raise ValueError(
            f"{source}: the header announces shape {shape} ({expected} bytes "
            f"of data) but the file holds {found} bytes of data (room for "
            f"{complete} complete items). The file is truncated or corrupted."
        )
    array = np.frombuffer(data, dtype=np.uint8, offset=header_size)
    return array.reshape(shape).copy()


def _read_idx(path, expected_magic):
    """Read and parse one IDX file (gzipped or not)."""
    return _parse_idx(_read_bytes(path), expected_magic, source=str(path))


def _load_split(images_path, labels_path):
    """Read one split; return flattened uint8 images and int64 labels."""
    images = _read_idx(images_path, _IMAGES_MAGIC)
    labels = _read_idx(labels_path, _LABELS_MAGIC)
    if images.ndim != 3:
        raise ValueError(
            f"{images_path}: expected a 3-dimensional IDX file of images, got "
            f"shape {images.shape}."
        )
    if labels.ndim != 1:
        raise ValueError(
            f"{labels_path}: expected a 1-dimensional IDX file of labels, got "
            f"shape {labels.shape}."
        )
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{images_path} holds {images.shape[0]} images but {labels_path} "
            f"holds {labels.shape[0]} labels; the files do not belong together."
        )
    n, rows, cols = images.shape
    return images.reshape(n, rows * cols), labels.astype(np.int64), (rows, cols)


def _find_files(folder):
    """Return ``(paths, missing)`` for the four MNIST files in ``folder``.

    ``paths`` maps each role to an existing file (the ``.gz`` name first);
    ``missing`` lists the base names found in neither form.
    """
    paths, missing = {}, []
    for role, name in _MNIST_FILES.items():
        for candidate in (folder / f"{name}.gz", folder / name):
            if candidate.is_file():
                paths[role] = candidate
                break
        else:
            missing.append(name)
    return paths, missing


def _search_places(data_home):
    """Folders to search, in order, each with where it came from."""
    places = []
    if data_home is not None:
        base = Path(os.fspath(data_home)).expanduser()
        places += [(base, "data_home"), (base / "mnist", "data_home")]
    env = os.environ.get(DATA_ENV)
    if env:
        base = Path(env).expanduser()
        places += [(base, DATA_ENV), (base / "mnist", DATA_ENV)]
    return places


def _cache_folder(data_home):
    """Folder given to ``fetch_openml`` and how to describe it.

    ``data_home`` if given, else ``$SKHOPFIELD_DATA`` if set, else None
    (scikit-learn's own data home).
    """
    if data_home is not None:
        folder = str(Path(os.fspath(data_home)).expanduser())
        return folder, folder
    env = os.environ.get(DATA_ENV)
    if env:
        folder = str(Path(env).expanduser())
        return folder, f"{folder} (from {DATA_ENV})"
    return None, (
        "scikit-learn's data home (~/scikit_learn_data, or $SCIKIT_LEARN_DATA "
        "if set)"
    )


def _missing_message(places, report, cache):
    """Error message of :func:`load_mnist` when no folder holds the files."""
    files = ", ".join(f"{name}[.gz]" for name in _MNIST_FILES.values())
    if places:
        searched = "Searched:\n" + "\n".join(report)
    else:
        searched = (
            f"No folder to search: data_home is None and {DATA_ENV} is not set."
        )
    return (
        f"Could not find the four MNIST IDX files ({files}) in one folder, "
        f"and download_if_missing=False. {searched}\n"
        "To get MNIST, either:\n"
        "  - put the four files (gzipped or not) in a folder and pass "
        f"data_home=<folder>, or set the {DATA_ENV} environment variable to "
        "that folder (its 'mnist' sub-folder is searched too); or\n"
        "  - pass download_if_missing=True to download the data set from "
        f"OpenML (sklearn.datasets.fetch_openml('{_OPENML_NAME}', "
        f"version={_OPENML_VERSION})), cached in {cache}."
    )


def _fetch_mnist(cache):
    """Download (or read from the cache) OpenML's MNIST; return its Bunch."""
    # The pandas parser is much faster and lighter than liac-arff; pandas is
    # optional for scikit-learn, so fall back on liac-arff without it.
    parser = "pandas" if importlib.util.find_spec("pandas") else "liac-arff"
    try:
        return fetch_openml(
            _OPENML_NAME,
            version=_OPENML_VERSION,
            as_frame=False,
            parser=parser,
            data_home=cache,
        )
    except OSError as exc:  # URLError, HTTPError, timeouts, a full disk, ...
        raise OSError(
            "The MNIST IDX files were not found and downloading "
            f"'{_OPENML_NAME}' from OpenML failed: {exc}. Check the network "
            "connection, or put the four IDX files in data_home or in "
            f"${DATA_ENV}."
        ) from exc


def _openml_to_splits(data, target, n_test):
    """Uint8 images and int64 labels of OpenML's MNIST, split in two.

    The first ``n - n_test`` rows are the training set, the last ``n_test``
    the test set (the order of the standard release). The pixels must be
    integers in [0, 255] and the labels integers in [0, 9]; anything else
    raises ``ValueError`` rather than being cast silently.
    """
    n_pixels = _MNIST_SHAPE[0] * _MNIST_SHAPE[1]
    X = np.asarray(data)
    if X.ndim != 2 or X.shape[1] != n_pixels or X.dtype.kind not in "biuf":
        raise ValueError(
            f"OpenML's '{_OPENML_NAME}' returned data of shape {X.shape} and "
            f"dtype {X.dtype}; expected numbers of shape (n_samples, "
            f"{n_pixels})."
        )
    n = X.shape[0]
    if n <= n_test:
        raise ValueError(
            f"OpenML's '{_OPENML_NAME}' returned {n} images; at least "
            f"{n_test + 1} are needed for the standard split (the last "
            f"{n_test} are the test set)."
        )
    # range first, so that the cast to uint8 below is exact or truncates
    # (never an invalid-value cast), then integrality through that cast
    in_range = bool(
        np.isfinite(X).all() and X.min() >= 0 and X.max() <= 255
    )
    X_bytes = X.astype(np.uint8) if in_range else None
    if not in_range or not np.array_equal(X_bytes, X):
        raise ValueError(
            f"OpenML's '{_OPENML_NAME}' returned pixel values that are not "
            "integers in [0, 255]."
        )
    y = np.asarray(target)
    if y.shape != (n,):
        raise ValueError(
            f"OpenML's '{_OPENML_NAME}' returned labels of shape {y.shape}; "
            f"expected ({n},)."
        )
    try:
        # labels come as strings ('0' to '9'); ints or floats are accepted too
        labels = y.astype(np.float64) if y.dtype.kind in "OSU" else y
        ok = labels.dtype.kind in "biuf" and bool(
            np.isfinite(labels).all()
            and (labels == np.floor(labels)).all()
            and labels.min() >= 0
            and labels.max() <= 9
        )
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(
            f"OpenML's '{_OPENML_NAME}' returned labels that are not the "
            "digits 0 to 9."
        )
    y = labels.astype(np.int64)
    split = n - n_test
    return (
        np.ascontiguousarray(X_bytes[:split]),
        np.ascontiguousarray(y[:split]),
        np.ascontiguousarray(X_bytes[split:]),
        np.ascontiguousarray(y[split:]),
    )


def _result(X_train, y_train, X_test, y_test, images_shape, source, bunch):
    """The tuple, or the Bunch, that :func:`load_mnist` returns."""
    if not bunch:
        return X_train, y_train, X_test, y_test
    descr = _MNIST_DESCR.format(
        source=source,
        n_train=X_train.shape[0],
        n_test=X_test.shape[0],
        rows=images_shape[0],
        cols=images_shape[1],
    )
    return Bunch(
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        images_shape=images_shape,
        DESCR=descr,
    )


@validate_params(
    {
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "return_bunch": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_mnist(data_home=None, *, download_if_missing=False, return_bunch=False):
    """Load the MNIST handwritten digits from local IDX files or from OpenML.

    The four standard IDX files of the MNIST release [1]_ are looked for
    first, gzipped (``train-images-idx3-ubyte.gz``,
    ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``,
    ``t10k-labels-idx1-ubyte.gz``) or not (the same names without ``.gz``).
    The folders searched, in order, are ``data_home``, ``data_home/mnist``,
    then ``$SKHOPFIELD_DATA`` and ``$SKHOPFIELD_DATA/mnist``; the first that
    holds all four files is used.

    Each split holds exactly the number of images its header announces (the
    standard release has 60,000 training and 10,000 test images; a smaller
    copy with a consistent header loads as it is). A payload that does not
    match its header, a wrong magic number, or image and label files of
    different lengths raise ``ValueError``; the loader never silently drops
    or pads data.

    When no folder holds the four files and ``download_if_missing=True``,
    the data set is taken from OpenML with
    ``sklearn.datasets.fetch_openml("mnist_784", version=1, as_frame=False)``
    (downloaded once, then read from the cache) and split the standard way:
    its first 60,000 images are the training set, its last 10,000 the test
    set. The arrays have the same shapes and dtypes as those read from the
    IDX files.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder holding the files (or a ``mnist`` sub-folder holding them).
        ``None`` searches only ``$SKHOPFIELD_DATA``. It is also where the
        OpenML download is cached; with ``None`` the cache is
        ``$SKHOPFIELD_DATA`` if set, else scikit-learn's data home
        (``~/scikit_learn_data``, see :func:`sklearn.datasets.get_data_home`).
    download_if_missing : bool, default=False
        If True and the IDX files are not found, fetch MNIST from OpenML
        (a download of some megabytes the first time, which needs the
        network; later calls read the cache). The default is False, unlike
        scikit-learn's ``fetch_*`` functions, so that a missing or misplaced
        copy is reported at once, with where the files were looked for,
        instead of starting a download that may be slow, unwanted or
        impossible (offline machines, test suites).
    return_bunch : bool, default=False
        If True, return a :class:`~sklearn.utils.Bunch` instead of a tuple.

    Returns
    -------
    X_train : ndarray of shape (n_train, 784), dtype uint8
        Training images, flattened in C order, pixel values 0 to 255.
    y_train : ndarray of shape (n_train,), dtype int64
        Training labels, 0 to 9.
    X_test : ndarray of shape (n_test, 784), dtype uint8
        Test images.
    y_test : ndarray of shape (n_test,), dtype int64
        Test labels.
    data : :class:`~sklearn.utils.Bunch`
        Returned instead of the tuple above if ``return_bunch=True``: the
        keys ``X_train``, ``y_train``, ``X_test``, ``y_test``,
        ``images_shape`` (``(28, 28)``) and ``DESCR`` (a description, with
        the folder the files came from or the OpenML cache).

    Raises
    ------
    FileNotFoundError
        If no searched folder holds all four files and
        ``download_if_missing=False``; the message lists every folder
        searched, what was missing there, and how to get the files.
    OSError
        If the files are missing and the OpenML download fails.
    ValueError
        If a file is not a valid MNIST IDX file (see above), or if OpenML
        returns data that are not MNIST's shapes and values.

    References
    ----------
    .. [1] Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
       learning applied to document recognition", Proceedings of the IEEE
       86(11), 2278–2324, 1998.

    Examples
    --------
    >>> from skhopfield.datasets import load_mnist
    >>> X_train, y_train, X_test, y_test = load_mnist("~/data")  # doctest: +SKIP
    >>> X_train.shape  # doctest: +SKIP
    (60000, 784)
    >>> b = load_mnist(download_if_missing=True, return_bunch=True)  # doctest: +SKIP
    """
    places = _search_places(data_home)
    report = []
    for folder, origin in places:
        paths, missing = _find_files(folder)
        if not missing:
            break
        if not folder.is_dir():
            reason = "not a folder"
        else:
            reason = "missing " + ", ".join(f"{name}[.gz]" for name in missing)
        report.append(f"  - {folder} (from {origin}): {reason}")
    else:
        cache, cache_text = _cache_folder(data_home)
        if not download_if_missing:
            raise FileNotFoundError(_missing_message(places, report, cache_text))
        fetched = _fetch_mnist(cache)
        splits = _openml_to_splits(fetched.data, fetched.target, _OPENML_N_TEST)
        source = (
            f"OpenML data set '{_OPENML_NAME}' version {_OPENML_VERSION}, "
            f"cached in {cache_text} (the last {_OPENML_N_TEST} images are "
            "the test set)"
        )
        return _result(*splits, _MNIST_SHAPE, source, return_bunch)

    X_train, y_train, train_shape = _load_split(
        paths["train_images"], paths["train_labels"]
    )
    X_test, y_test, test_shape = _load_split(
        paths["test_images"], paths["test_labels"]
    )
    if train_shape != test_shape:
        raise ValueError(
            f"Training images are {train_shape[0]} x {train_shape[1]} but test "
            f"images are {test_shape[0]} x {test_shape[1]}."
        )
    return _result(
        X_train, y_train, X_test, y_test, train_shape, folder, return_bunch
    )


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


# --------------------------------------------------------------------------
# Bars and Bars-and-Stripes

#: Largest side accepted by the Bars generators: they hold 2**n images.
_MAX_BARS_SIDE = 20

#: The paper's split of the 4 x 4 Bars (Pozas-Kerstjens et al. 2021,
#: Sec. V.A.3): column
#: patterns, column 0 first, "1" = on. Training: five patterns then their
#: negatives in the same order; test: two patterns then their negatives.
_PAPER_BARS4_TRAIN = (
    "1000", "1100", "1110", "1011", "1101",
    "0111", "0011", "0001", "0100", "0010",
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
