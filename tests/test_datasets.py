"""Tests of skhopfield.datasets: MNIST loading (IDX files, OpenML fallback),
corruption helpers and the Bars generators.

No test downloads anything: ``fetch_openml`` is replaced by a fake in every
test (one that fails the test if it is called unexpectedly).
"""

import gzip
import inspect
import os
import struct
import urllib.error
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils import Bunch
from sklearn.utils._param_validation import InvalidParameterError

import skhopfield.datasets as datasets
from skhopfield.datasets import (
    _mnist,  # the module of load_mnist, whose fetch_openml the tests replace
    flip_noise,
    load_mnist,
    make_bars,
    make_bars_and_stripes,
    mask_noise,
)

#: the real MNIST files: $SKHOPFIELD_DATA, else the project's shared copy
MNIST_DIR = Path(
    os.environ.get("SKHOPFIELD_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
)

NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


# --------------------------------------------------------------------------
# synthetic IDX files


def _idx_bytes(array, magic=None):
    array = np.asarray(array, dtype=np.uint8)
    if magic is None:
        magic = 0x0800 | array.ndim
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def _write(path, data, compress):
    if compress:
        path = path.with_name(path.name + ".gz")
        with gzip.open(path, "wb") as f:
            f.write(data)
    else:
        path.write_bytes(data)
    return path


def _make_split(rng, n, rows=28, cols=28):
    images = rng.randint(0, 256, size=(n, rows, cols)).astype(np.uint8)
    labels = rng.randint(0, 10, size=n).astype(np.uint8)
    return images, labels


def _write_mnist(folder, *, compress=True, n_train=7, n_test=5, seed=0, **over):
    """Write four small MNIST files; ``over`` replaces a file's bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(seed)
    train = _make_split(rng, n_train)
    test = _make_split(rng, n_test)
    content = {
        "train_images": _idx_bytes(train[0]),
        "train_labels": _idx_bytes(train[1]),
        "test_images": _idx_bytes(test[0]),
        "test_labels": _idx_bytes(test[1]),
    }
    content.update(over)
    for role, data in content.items():
        _write(folder / NAMES[role], data, compress)
    return train, test


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv("SKHOPFIELD_DATA", raising=False)


@pytest.fixture(autouse=True)
def _no_download(monkeypatch):
    """Fail any test that would reach OpenML."""

    def forbidden(*args, **kwargs):
        pytest.fail(f"fetch_openml called: args={args}, kwargs={kwargs}")

    monkeypatch.setattr(_mnist, "fetch_openml", forbidden)


@pytest.mark.parametrize("compress", [True, False])
def test_load_mnist_round_trip(tmp_path, compress):
    train, test = _write_mnist(tmp_path, compress=compress)
    X_train, y_train, X_test, y_test = load_mnist(tmp_path)
    assert X_train.shape == (7, 784) and X_test.shape == (5, 784)
    assert X_train.dtype == np.uint8 and X_test.dtype == np.uint8
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    np.testing.assert_array_equal(X_train, train[0].reshape(7, -1))
    np.testing.assert_array_equal(y_train, train[1])
    np.testing.assert_array_equal(X_test, test[0].reshape(5, -1))
    np.testing.assert_array_equal(y_test, test[1])
    assert X_train.flags.writeable


def test_load_mnist_bunch_and_mnist_subfolder(tmp_path):
    train, _ = _write_mnist(tmp_path / "mnist")
    bunch = load_mnist(str(tmp_path), return_bunch=True)
    assert set(bunch) == {
        "X_train",
        "y_train",
        "X_test",
        "y_test",
        "images_shape",
        "DESCR",
    }
    assert bunch.images_shape == (28, 28)
    assert "MNIST" in bunch.DESCR and str(tmp_path / "mnist") in bunch.DESCR
    np.testing.assert_array_equal(bunch.X_train, train[0].reshape(7, -1))


def test_load_mnist_mixed_gz_and_raw(tmp_path):
    rng = np.random.RandomState(1)
    images, labels = _make_split(rng, 3)
    _write(tmp_path / NAMES["train_images"], _idx_bytes(images), True)
    _write(tmp_path / NAMES["train_labels"], _idx_bytes(labels), False)
    _write(tmp_path / NAMES["test_images"], _idx_bytes(images), False)
    _write(tmp_path / NAMES["test_labels"], _idx_bytes(labels), True)
    X_train, y_train, X_test, y_test = load_mnist(tmp_path)
    np.testing.assert_array_equal(X_train, X_test)
    np.testing.assert_array_equal(y_train, labels)


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("role, magic", [("train_images", 2049), ("test_labels", 2051)])
def test_load_mnist_bad_magic(tmp_path, compress, role, magic):
    rng = np.random.RandomState(2)
    images, labels = _make_split(rng, 5)
    data = _idx_bytes(images if "images" in role else labels, magic=magic)
    _write_mnist(tmp_path, compress=compress, **{role: data})
    with pytest.raises(ValueError, match=f"magic number {magic}, expected"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("role", ["train_images", "test_labels"])
def test_load_mnist_truncated_payload(tmp_path, compress, role):
    rng = np.random.RandomState(3)
    images, labels = _make_split(rng, 5)
    data = _idx_bytes(images if "images" in role else labels)[:-3]
    _write_mnist(tmp_path, compress=compress, **{role: data})
    with pytest.raises(ValueError, match="truncated or corrupted"):
        load_mnist(tmp_path)


def test_load_mnist_extra_payload(tmp_path):
    rng = np.random.RandomState(4)
    images, _ = _make_split(rng, 7)
    _write_mnist(tmp_path, train_images=_idx_bytes(images) + b"\x00" * 784)
    with pytest.raises(ValueError, match="header announces shape"):
        load_mnist(tmp_path)


def test_load_mnist_truncated_header(tmp_path):
    _write_mnist(tmp_path, train_labels=struct.pack(">I", 2049) + b"\x00\x00")
    with pytest.raises(ValueError, match="truncated"):
        load_mnist(tmp_path)


def test_load_mnist_cut_gzip_stream(tmp_path):
    _write_mnist(tmp_path)
    path = tmp_path / (NAMES["train_images"] + ".gz")
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match="not a complete gzip file"):
        load_mnist(tmp_path)


def test_load_mnist_images_labels_count_mismatch(tmp_path):
    rng = np.random.RandomState(5)
    _, labels = _make_split(rng, 6)
    _write_mnist(tmp_path, train_labels=_idx_bytes(labels))
    with pytest.raises(ValueError, match="7 images but .* 6 labels"):
        load_mnist(tmp_path)


def test_load_mnist_missing_files_lists_places(tmp_path, monkeypatch):
    home = tmp_path / "home"
    env = tmp_path / "env"
    _write_mnist(env)
    (env / (NAMES["test_labels"] + ".gz")).unlink()
    monkeypatch.setenv("SKHOPFIELD_DATA", str(env))
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(home)
    message = str(info.value)
    for place in (home, home / "mnist", env, env / "mnist"):
        assert f"{place} (from" in message
    assert "t10k-labels-idx1-ubyte[.gz]" in message
    assert "data_home" in message and "SKHOPFIELD_DATA" in message
    # how to get the files, and where a download would be cached
    assert "download_if_missing=True" in message
    assert f"cached in {home}" in message


def test_load_mnist_nothing_to_search():
    with pytest.raises(FileNotFoundError, match="SKHOPFIELD_DATA is not set"):
        load_mnist()


def test_load_mnist_missing_message_is_complete(tmp_path):
    """Where it looked, which files, and both ways to get them."""
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path, download_if_missing=False)
    message = str(info.value)
    for name in NAMES.values():
        assert f"{name}[.gz]" in message
    assert f"{tmp_path} (from data_home): missing" in message
    assert f"{tmp_path / 'mnist'} (from data_home): not a folder" in message
    assert "download_if_missing=False" in message
    assert "pass download_if_missing=True" in message
    assert "fetch_openml('mnist_784', version=1)" in message
    assert "data_home=<folder>" in message
    assert "set the SKHOPFIELD_DATA environment variable" in message


def test_load_mnist_download_is_opt_in():
    assert (
        inspect.signature(load_mnist).parameters["download_if_missing"].default is False
    )


@pytest.mark.parametrize("sub", ["", "mnist"])
def test_load_mnist_env_var(tmp_path, monkeypatch, sub):
    train, _ = _write_mnist(tmp_path / sub if sub else tmp_path)
    monkeypatch.setenv("SKHOPFIELD_DATA", str(tmp_path))
    X_train, y_train, _, _ = load_mnist()
    np.testing.assert_array_equal(y_train, train[1])
    # a data_home without the files falls back on the variable
    X_train2, _, _, _ = load_mnist(tmp_path / "empty")
    np.testing.assert_array_equal(X_train2, X_train)


def test_load_mnist_data_home_takes_precedence(tmp_path, monkeypatch):
    home_train, _ = _write_mnist(tmp_path / "home", n_train=4, seed=10)
    _write_mnist(tmp_path / "env", n_train=6, seed=11)
    monkeypatch.setenv("SKHOPFIELD_DATA", str(tmp_path / "env"))
    _, y_train, _, _ = load_mnist(tmp_path / "home")
    np.testing.assert_array_equal(y_train, home_train[1])


# --------------------------------------------------------------------------
# OpenML fallback (fetch_openml replaced by a fake: nothing is downloaded)


def _fake_openml(n, *, calls, dtype=np.float64, seed=0):
    """A fake ``fetch_openml`` returning ``n`` MNIST-like rows, as OpenML does:
    float pixels and string labels. Records its arguments in ``calls``."""
    rng = np.random.RandomState(seed)
    data = rng.randint(0, 256, size=(n, 784)).astype(dtype)
    target = np.array([str(d) for d in rng.randint(0, 10, size=n)], dtype=object)

    def fake(*args, **kwargs):
        calls.append((args, kwargs))
        return Bunch(data=data, target=target, DESCR="fake")

    return fake, data, target


def test_openml_fallback_split_dtypes_and_arguments(tmp_path, monkeypatch):
    calls = []
    fake, data, target = _fake_openml(8, calls=calls)
    monkeypatch.setattr(_mnist, "fetch_openml", fake)
    monkeypatch.setattr(_mnist, "_OPENML_N_TEST", 3)
    X_train, y_train, X_test, y_test = load_mnist(tmp_path, download_if_missing=True)
    # one call, with the documented arguments; the cache is data_home
    assert len(calls) == 1
    args, kwargs = calls[0]
    assert args == ("mnist_784",)
    assert kwargs["version"] == 1 and kwargs["as_frame"] is False
    assert kwargs["data_home"] == str(tmp_path)
    assert kwargs["parser"] in ("pandas", "liac-arff")
    # the first rows train, the last _OPENML_N_TEST rows test, same dtypes
    # and shapes as the IDX path
    assert X_train.shape == (5, 784) and X_test.shape == (3, 784)
    assert X_train.dtype == np.uint8 and X_test.dtype == np.uint8
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert y_train.shape == (5,) and y_test.shape == (3,)
    np.testing.assert_array_equal(X_train, data[:5])
    np.testing.assert_array_equal(X_test, data[5:])
    np.testing.assert_array_equal(y_train, target[:5].astype(int))
    np.testing.assert_array_equal(y_test, target[5:].astype(int))
    for a in (X_train, y_train, X_test, y_test):
        assert a.flags.c_contiguous and a.flags.writeable


def test_openml_fallback_default_split_keeps_last_10000(monkeypatch):
    """The real constant: 10,005 rows give 5 training images (the pixels
    are a broadcast view, so the fake costs no memory)."""
    n = 10_005
    column = (np.arange(n) % 256).astype(np.float64)[:, None]
    data = np.broadcast_to(column, (n, 784))
    target = np.array([str(i % 10) for i in range(n)], dtype=object)
    monkeypatch.setattr(
        _mnist, "fetch_openml", lambda *a, **k: Bunch(data=data, target=target)
    )
    b = load_mnist(download_if_missing=True, return_bunch=True)
    assert b.X_train.shape == (5, 784) and b.X_test.shape == (10_000, 784)
    np.testing.assert_array_equal(b.y_train, np.arange(5))
    np.testing.assert_array_equal(b.y_test[:3], [5, 6, 7])
    np.testing.assert_array_equal(b.X_test[:, 0], np.arange(5, n) % 256)
    assert b.images_shape == (28, 28)
    assert "OpenML" in b.DESCR and "mnist_784" in b.DESCR
    assert "Training images: 5" in b.DESCR


def test_openml_fallback_bunch_matches_tuple(monkeypatch):
    calls = []
    fake, _, _ = _fake_openml(9, calls=calls, dtype=np.int64)
    monkeypatch.setattr(_mnist, "fetch_openml", fake)
    monkeypatch.setattr(_mnist, "_OPENML_N_TEST", 4)
    b = load_mnist(download_if_missing=True, return_bunch=True)
    t = load_mnist(download_if_missing=True)
    assert set(b) == {"X_train", "y_train", "X_test", "y_test", "images_shape", "DESCR"}
    for key, a in zip(("X_train", "y_train", "X_test", "y_test"), t, strict=True):
        np.testing.assert_array_equal(b[key], a)
        assert b[key].dtype == a.dtype
    # no data_home and no SKHOPFIELD_DATA: scikit-learn's own data home
    assert all(kwargs["data_home"] is None for _, kwargs in calls)


def test_openml_cache_follows_the_environment_variable(tmp_path, monkeypatch):
    calls = []
    fake, _, _ = _fake_openml(5, calls=calls)
    monkeypatch.setattr(_mnist, "fetch_openml", fake)
    monkeypatch.setattr(_mnist, "_OPENML_N_TEST", 2)
    monkeypatch.setenv("SKHOPFIELD_DATA", str(tmp_path))
    load_mnist(download_if_missing=True)
    assert calls[0][1]["data_home"] == str(tmp_path)


def test_idx_files_take_precedence_over_download(tmp_path):
    """With the files present nothing is fetched (the autouse fake fails the
    test if fetch_openml is called)."""
    train, _ = _write_mnist(tmp_path)
    _, y_train, _, _ = load_mnist(tmp_path, download_if_missing=True)
    np.testing.assert_array_equal(y_train, train[1])


def test_openml_download_failure(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(_mnist, "fetch_openml", offline)
    with pytest.raises(OSError, match="downloading 'mnist_784' from OpenML failed"):
        load_mnist(tmp_path, download_if_missing=True)


@pytest.mark.parametrize(
    "data, target, match",
    [
        (np.zeros((6, 783)), ["1"] * 6, "expected numbers of shape"),
        (np.zeros((3, 784)), ["1"] * 3, "at least 4"),
        (np.full((6, 784), 256.0), ["1"] * 6, "integers in \\[0, 255\\]"),
        (np.full((6, 784), 0.5), ["1"] * 6, "integers in \\[0, 255\\]"),
        (np.full((6, 784), np.nan), ["1"] * 6, "integers in \\[0, 255\\]"),
        (np.zeros((6, 784)), ["1"] * 5, "labels of shape"),
        (np.zeros((6, 784)), ["1"] * 5 + ["x"], "not the digits"),
        (np.zeros((6, 784)), ["1"] * 5 + ["10"], "not the digits"),
        (np.zeros((6, 784)), [1.0] * 5 + [1.5], "not the digits"),
    ],
)
def test_openml_unexpected_content(monkeypatch, data, target, match):
    target = np.array(target, dtype=object)
    monkeypatch.setattr(
        _mnist, "fetch_openml", lambda *a, **k: Bunch(data=data, target=target)
    )
    monkeypatch.setattr(_mnist, "_OPENML_N_TEST", 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=match):
            load_mnist(download_if_missing=True)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"data_home": 3}, "data_home"),
        ({"download_if_missing": "yes"}, "download_if_missing"),
        ({"return_bunch": None}, "return_bunch"),
    ],
)
def test_load_mnist_bad_arguments(kwargs, name):
    match = f"'{name}' parameter of load_mnist"
    with pytest.raises(InvalidParameterError, match=match):
        load_mnist(**kwargs)


# --------------------------------------------------------------------------
# the real MNIST files


@pytest.fixture(scope="module")
def real_mnist():
    if not all(
        (MNIST_DIR / f"{name}.gz").is_file() or (MNIST_DIR / name).is_file()
        for name in NAMES.values()
    ):
        pytest.skip(f"MNIST files not found in {MNIST_DIR}")
    return load_mnist(MNIST_DIR, return_bunch=True)


def test_real_mnist(real_mnist):
    b = real_mnist
    # the shared copy holds the first 22,699 training images (its headers say
    # so) and the full test set
    assert b.X_train.shape == (22699, 784)
    assert b.y_train.shape == (22699,)
    assert b.X_test.shape == (10000, 784)
    assert b.y_test.shape == (10000,)
    assert b.X_train.dtype == np.uint8 and b.X_test.dtype == np.uint8
    assert b.y_train.dtype == np.int64 and b.y_test.dtype == np.int64
    for y in (b.y_train, b.y_test):
        np.testing.assert_array_equal(np.unique(y), np.arange(10))
    for X in (b.X_train, b.X_test):
        assert X.min() == 0 and X.max() == 255
    assert b.images_shape == (28, 28)
    assert "22699" in b.DESCR and "10000" in b.DESCR
    # the first labels of the standard training and test sets
    np.testing.assert_array_equal(b.y_train[:5], [5, 0, 4, 1, 9])
    np.testing.assert_array_equal(b.y_test[:5], [7, 2, 1, 0, 4])


def test_real_mnist_tuple_matches_bunch(real_mnist, monkeypatch):
    monkeypatch.setenv("SKHOPFIELD_DATA", str(MNIST_DIR.parent))
    X_train, y_train, X_test, y_test = load_mnist()  # found in <env>/mnist
    np.testing.assert_array_equal(X_test, real_mnist.X_test)
    np.testing.assert_array_equal(y_train, real_mnist.y_train)


# --------------------------------------------------------------------------
# flip_noise


def _spins(n=20, d=50, seed=0):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(n, d))


@pytest.mark.parametrize("p, k", [(0.1, 5), (0.25, 12), (0.5, 25), (0.33, 16)])
def test_flip_noise_exact_count(p, k):
    X = _spins()
    X_before = X.copy()
    X_noisy = flip_noise(X, p, random_state=0)
    np.testing.assert_array_equal(X, X_before)  # input untouched
    assert X_noisy.shape == X.shape and X_noisy.dtype == X.dtype
    assert set(np.unique(X_noisy)) <= {-1.0, 1.0}
    np.testing.assert_array_equal((X_noisy != X).sum(axis=1), np.full(20, k))


def test_flip_noise_rows_independent_and_uniform():
    X = np.ones((2000, 10))
    X_noisy = flip_noise(X, 0.3, random_state=1)
    flipped = X_noisy < 0
    # rows differ from one another
    assert len({row.tobytes() for row in flipped}) > 50
    # every position is flipped with frequency about 0.3
    np.testing.assert_allclose(flipped.mean(axis=0), 0.3, atol=0.05)


def test_flip_noise_seed():
    X = _spins()
    a = flip_noise(X, 0.2, random_state=3)
    np.testing.assert_array_equal(a, flip_noise(X, 0.2, random_state=3))
    assert not np.array_equal(a, flip_noise(X, 0.2, random_state=4))
    rng = np.random.RandomState(3)
    np.testing.assert_array_equal(a, flip_noise(X, 0.2, random_state=rng))


def test_flip_noise_extremes_and_dtype():
    X = _spins().astype(np.int8)
    X0 = flip_noise(X, 0.0, random_state=0)
    np.testing.assert_array_equal(X0, X)
    assert X0 is not X and X0.dtype == np.int8
    np.testing.assert_array_equal(flip_noise(X, 1.0, random_state=0), -X)
    np.testing.assert_array_equal(flip_noise(X.tolist(), 1, random_state=0), -X)


@pytest.mark.parametrize("p", [-0.1, 1.5, np.nan, np.inf, "0.5", None, [0.5]])
def test_flip_noise_bad_p(p):
    with pytest.raises(
        InvalidParameterError,
        match=r"'p' parameter of flip_noise must be a float in the range "
        r"\[0.0, 1.0\]",
    ):
        flip_noise(_spins(), p)


def test_flip_noise_bad_X():
    with pytest.raises(ValueError, match="only -1 and \\+1"):
        flip_noise(np.array([[0.0, 1.0], [1.0, -1.0]]), 0.5)
    with pytest.raises(ValueError, match="2D"):
        flip_noise(np.ones(5), 0.5)
    with pytest.raises(ValueError):
        flip_noise(np.ones((2, 2, 2)), 0.5)


# --------------------------------------------------------------------------
# mask_noise


@pytest.mark.parametrize("p, k", [(0.1, 5), (0.5, 25), (0.9, 45)])
def test_mask_noise_exact_count(p, k):
    X = np.random.RandomState(0).uniform(1, 2, size=(20, 50))
    X_before = X.copy()
    X_noisy = mask_noise(X, p, fill_value=0.0, random_state=0)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal((X_noisy == 0).sum(axis=1), np.full(20, k))
    kept = X_noisy != 0
    np.testing.assert_array_equal(X_noisy[kept], X[kept])


def test_mask_noise_default_fill_on_spins():
    X = np.ones((10, 40))
    X_noisy = mask_noise(X, 0.25, random_state=0)
    np.testing.assert_array_equal((X_noisy == -1).sum(axis=1), np.full(10, 10))
    assert set(np.unique(X_noisy)) == {-1.0, 1.0}


def test_mask_noise_seed_and_extremes():
    X = np.arange(200, dtype=float).reshape(4, 50) + 1
    a = mask_noise(X, 0.3, fill_value=0, random_state=5)
    np.testing.assert_array_equal(a, mask_noise(X, 0.3, fill_value=0, random_state=5))
    assert not np.array_equal(a, mask_noise(X, 0.3, fill_value=0, random_state=6))
    X0 = mask_noise(X, 0.0, random_state=0)
    np.testing.assert_array_equal(X0, X)
    assert X0 is not X
    np.testing.assert_array_equal(
        mask_noise(X, 1.0, fill_value=7.5, random_state=0), np.full_like(X, 7.5)
    )


def test_mask_noise_same_positions_as_flip_noise():
    X = np.ones((30, 20))
    flipped = flip_noise(X, 0.4, random_state=9) < 0
    masked = mask_noise(X, 0.4, fill_value=0.0, random_state=9) == 0
    np.testing.assert_array_equal(flipped, masked)


def test_mask_noise_dtypes():
    X = np.random.RandomState(0).randint(1, 256, size=(5, 784)).astype(np.uint8)
    X_zero = mask_noise(X, 0.5, fill_value=0, random_state=0)
    assert X_zero.dtype == np.uint8
    assert ((X_zero == 0).sum(axis=1) == 392).all()
    X_neg = mask_noise(X, 0.5, random_state=0)  # -1.0 does not fit in uint8
    assert X_neg.dtype == np.float64
    assert ((X_neg == -1).sum(axis=1) == 392).all()
    X_nan = mask_noise(X.astype(np.float32), 0.5, fill_value=np.nan, random_state=0)
    assert X_nan.dtype == np.float32
    assert (np.isnan(X_nan).sum(axis=1) == 392).all()


@pytest.mark.parametrize("p", [-0.5, 2.0, np.nan, "a"])
def test_mask_noise_bad_p(p):
    with pytest.raises(ValueError, match="'p' parameter of mask_noise must"):
        mask_noise(np.ones((3, 4)), p)


def test_mask_noise_bad_input():
    with pytest.raises(
        InvalidParameterError, match="'fill_value' parameter of mask_noise must"
    ):
        mask_noise(np.ones((3, 4)), 0.5, fill_value="x")
    with pytest.raises(ValueError, match="2D"):
        mask_noise(np.ones(4), 0.5)
    with pytest.raises(InvalidParameterError, match="'X' parameter"):
        mask_noise("abc", 0.5)
    with pytest.raises(InvalidParameterError, match="'random_state' parameter"):
        mask_noise(np.ones((3, 4)), 0.5, random_state="seed")


# --------------------------------------------------------------------------
# Bars and Bars-and-Stripes (Pozas-Kerstjens et al. 2021, Sec. V.A.3 and
# Sec. V.B)


def _bars_image(pattern):
    """±1 image (flattened) of the column pattern string, column 0 first."""
    cols = np.array([1.0 if ch == "1" else -1.0 for ch in pattern])
    return np.tile(cols, (len(pattern), 1)).ravel()


def _rows(X):
    return {tuple(row) for row in X}


def _is_bars(X, n):
    images = X.reshape(-1, n, n)
    return (images == images[:, :1, :]).all(axis=(1, 2))


def _is_stripes(X, n):
    images = X.reshape(-1, n, n)
    return (images == images[:, :, :1]).all(axis=(1, 2))


def _check_split(X_train, X_test, n, n_images):
    """Shared checks: ±1, no duplicates, disjoint, negatives on the same side."""
    for X in (X_train, X_test):
        assert X.dtype == np.float64
        assert X.ndim == 2 and X.shape[1] == n * n
        assert np.isin(X, (-1.0, 1.0)).all()
        # not uniform
        assert (X.min(axis=1) == -1).all() and (X.max(axis=1) == 1).all()
    train, test = _rows(X_train), _rows(X_test)
    assert len(train) == X_train.shape[0] and len(test) == X_test.shape[0]
    assert not train & test
    assert len(train) + len(test) == n_images
    assert _rows(-X_train) == train
    assert _rows(-X_test) == test


def test_make_bars_paper_split():
    X_train, X_test = make_bars()
    assert X_train.shape == (10, 16) and X_test.shape == (4, 16)
    _check_split(X_train, X_test, 4, 14)
    assert _is_bars(np.vstack([X_train, X_test]), 4).all()
    expected_test = ["1010", "1001", "0101", "0110"]
    np.testing.assert_array_equal(
        X_test, np.array([_bars_image(p) for p in expected_test])
    )
    expected_train = ["1000", "1100", "1110", "1011", "1101"]
    expected_train += ["0111", "0011", "0001", "0100", "0010"]
    np.testing.assert_array_equal(
        X_train, np.array([_bars_image(p) for p in expected_train])
    )
    # deterministic, random_state unused
    X_train2, X_test2 = make_bars(4, random_state=123)
    np.testing.assert_array_equal(X_train, X_train2)
    np.testing.assert_array_equal(X_test, X_test2)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8])
def test_make_bars_full_set(n):
    X_train, X_test = make_bars(n, test_size=0.0)
    assert X_test.shape == (0, n * n)
    assert X_train.shape == (2**n - 2, n * n)
    _check_split(X_train, X_test, n, 2**n - 2)
    assert _is_bars(X_train, n).all()
    expected = {tuple(_bars_image(format(k, f"0{n}b"))) for k in range(1, 2**n - 1)}
    assert _rows(X_train) == expected
    # increasing binary order of the column patterns, column 0 first
    np.testing.assert_array_equal(X_train[0], _bars_image("0" * (n - 1) + "1"))


@pytest.mark.parametrize(
    "n, test_size, n_test_pairs",
    [(3, None, 1), (4, 0.2, 2), (4, 0.5, 4), (5, 0.25, 4), (6, 0.1, 4)],
)
def test_make_bars_random_split(n, test_size, n_test_pairs):
    X_train, X_test = make_bars(n, test_size=test_size, random_state=0)
    n_images = 2**n - 2
    assert X_test.shape == (2 * n_test_pairs, n * n)
    assert X_train.shape == (n_images - 2 * n_test_pairs, n * n)
    _check_split(X_train, X_test, n, n_images)
    assert _is_bars(np.vstack([X_train, X_test]), n).all()


def test_make_bars_seed():
    a = make_bars(6, test_size=0.3, random_state=0)
    b = make_bars(6, test_size=0.3, random_state=0)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    tests = {
        frozenset(_rows(make_bars(6, test_size=0.3, random_state=s)[1]))
        for s in range(5)
    }
    assert len(tests) > 1
    rng = np.random.RandomState(7)
    c = make_bars(6, test_size=0.3, random_state=rng)
    assert c[0].shape == a[0].shape


@pytest.mark.parametrize("n", [3, 4, 12])
def test_make_bars_and_stripes_full_set(n):
    X_train, X_test = make_bars_and_stripes(n, test_size=0)
    n_images = 2 ** (n + 1) - 4
    assert X_train.shape == (n_images, n * n) and X_test.shape == (0, n * n)
    _check_split(X_train, X_test, n, n_images)
    bars, stripes = _is_bars(X_train, n), _is_stripes(X_train, n)
    assert (bars ^ stripes).all()
    assert bars.sum() == stripes.sum() == 2**n - 2
    # bars first, then stripes
    assert bars[: 2**n - 2].all() and stripes[2**n - 2 :].all()


def test_make_bars_and_stripes_paper_size():
    X_train, X_test = make_bars_and_stripes(12, random_state=0)
    assert int(np.ceil(0.2 * 4094)) == 819
    assert X_train.shape == (6550, 144) and X_test.shape == (1638, 144)
    _check_split(X_train, X_test, 12, 8188)
    X = np.vstack([X_train, X_test])
    assert (_is_bars(X, 12) ^ _is_stripes(X, 12)).all()


@pytest.mark.parametrize("n", [3, 4])
def test_make_bars_and_stripes_random_split(n):
    X_train, X_test = make_bars_and_stripes(n, test_size=0.5, random_state=1)
    n_pairs = 2**n - 2
    n_test_pairs = int(np.ceil(0.5 * n_pairs))
    assert X_test.shape[0] == 2 * n_test_pairs
    _check_split(X_train, X_test, n, 2 * n_pairs)
    X = np.vstack([X_train, X_test])
    assert (_is_bars(X, n) | _is_stripes(X, n)).all()


def test_make_bars_and_stripes_seed():
    a = make_bars_and_stripes(5, random_state=3)
    b = make_bars_and_stripes(5, random_state=3)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    tests = {
        frozenset(_rows(make_bars_and_stripes(5, random_state=s)[1])) for s in range(5)
    }
    assert len(tests) > 1
    # None means the default 0.2
    c = make_bars_and_stripes(5, test_size=None, random_state=3)
    np.testing.assert_array_equal(a[1], c[1])


@pytest.mark.parametrize("func", [make_bars, make_bars_and_stripes])
@pytest.mark.parametrize("n", [1, 0, -3, 21, 2.0, 4.5, "4", True, None])
def test_bars_bad_n(func, n):
    with pytest.raises(
        InvalidParameterError,
        match=rf"'n' parameter of {func.__name__} must be an int in the range "
        r"\[2, 20\]",
    ):
        func(n)


@pytest.mark.parametrize("func", [make_bars, make_bars_and_stripes])
@pytest.mark.parametrize("test_size", [-0.1, 1.0, 1.5, float("nan"), "0.2", True, 3])
def test_bars_bad_test_size(func, test_size):
    with pytest.raises(
        InvalidParameterError,
        match=rf"'test_size' parameter of {func.__name__} must be a float in "
        r"the range \[0.0, 1.0\) or None",
    ):
        func(4, test_size=test_size)


@pytest.mark.parametrize("func", [make_bars, make_bars_and_stripes])
def test_bars_numpy_scalars_and_int_zero(func):
    a = func(np.int64(3), test_size=0, random_state=np.int32(0))
    b = func(3, test_size=np.float32(0.0), random_state=0)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert a[1].shape == (0, 9)


@pytest.mark.parametrize(
    "func, n, test_size",
    [(make_bars, 2, None), (make_bars, 3, 0.7), (make_bars_and_stripes, 2, 0.6)],
)
def test_bars_test_size_leaves_no_train_pair(func, n, test_size):
    with pytest.raises(ValueError, match="test_size"):
        func(n, test_size=test_size, random_state=0)


# --------------------------------------------------------------------------
# every public function validates its arguments


PUBLIC = [flip_noise, load_mnist, make_bars, make_bars_and_stripes, mask_noise]


def test_public_functions_are_listed():
    assert sorted(f.__name__ for f in PUBLIC) == sorted(datasets.__all__)


@pytest.mark.parametrize("func", PUBLIC, ids=lambda f: f.__name__)
def test_every_parameter_has_a_constraint(func):
    """validate_params covers every parameter, and each is documented."""
    constraints = func.__wrapped__._skl_parameter_constraints
    params = inspect.signature(func).parameters
    assert set(constraints) == set(params)
    for name in params:
        assert f"\n    {name} : " in func.__doc__, name


def test_no_runtime_warning_on_edge_inputs():
    """Extreme but valid inputs go through without numpy warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        one = np.ones((1, 1))
        np.testing.assert_array_equal(flip_noise(one, 0.5, random_state=0), one)
        np.testing.assert_array_equal(flip_noise(one, 0.6, random_state=0), -one)
        const = np.full((4, 6), -1.0)  # constant columns
        assert (flip_noise(const, 1.0, random_state=0) == 1).all()
        X = np.array([[np.inf, np.nan, 0.0, 1.0]])
        out = mask_noise(X, 0.5, fill_value=-np.inf, random_state=0)
        assert (out == -np.inf).sum() == 2
        ints = np.array([[1, 2, 3]], dtype=np.int64)
        assert mask_noise(ints, 1.0, fill_value=-np.inf).dtype == np.float64
        assert mask_noise(ints, 1.0, fill_value=1e300).dtype == np.float64
        assert mask_noise(ints, 1.0, fill_value=np.nan).dtype == np.float64
        u8 = np.zeros((2, 3), dtype=np.uint8)
        assert mask_noise(u8, 1.0, fill_value=255).dtype == np.uint8
        assert mask_noise(u8, 1.0, fill_value=256).dtype == np.float64
        b = np.array([[True, False]])
        assert mask_noise(b, 0.5, fill_value=0, random_state=0).dtype == np.float64
        make_bars(2, test_size=0.0)
        make_bars_and_stripes(2, test_size=0.0)


@pytest.mark.parametrize("func", [flip_noise, mask_noise])
@pytest.mark.parametrize("shape", [(0, 3), (3, 0)])
def test_noise_rejects_empty_arrays_clearly(func, shape):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="minimum of 1 is required"):
            func(np.ones(shape), 0.5)
