"""MNIST loader: IDX parsing, file search, OpenML fallback and :func:`load_mnist`.

The four IDX files of the MNIST release (LeCun, Bottou, Bengio and Haffner,
"Gradient-based learning applied to document recognition", Proceedings of the
IEEE 86(11), 1998) are parsed here, looked for in ``data_home`` and
``$SKHOPFIELD_DATA``, and, only when asked to, replaced by the copy that
OpenML serves (cached by :func:`sklearn.datasets.fetch_openml`).
"""

import gzip
import importlib.util
import os
import zlib
from pathlib import Path

import numpy as np
from sklearn.datasets import fetch_openml
from sklearn.utils import Bunch

from .._validation import validate_params

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
        "scikit-learn's data home (~/scikit_learn_data, or $SCIKIT_LEARN_DATA if set)"
    )


def _missing_message(places, report, cache):
    """Error message of :func:`load_mnist` when no folder holds the files."""
    files = ", ".join(f"{name}[.gz]" for name in _MNIST_FILES.values())
    if places:
        searched = "Searched:\n" + "\n".join(report)
    else:
        searched = f"No folder to search: data_home is None and {DATA_ENV} is not set."
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
    in_range = bool(np.isfinite(X).all() and X.min() >= 0 and X.max() <= 255)
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
            f"OpenML's '{_OPENML_NAME}' returned labels that are not the digits 0 to 9."
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
    X_test, y_test, test_shape = _load_split(paths["test_images"], paths["test_labels"])
    if train_shape != test_shape:
        raise ValueError(
            f"Training images are {train_shape[0]} x {train_shape[1]} but test "
            f"images are {test_shape[0]} x {test_shape[1]}."
        )
    return _result(X_train, y_train, X_test, y_test, train_shape, folder, return_bunch)
