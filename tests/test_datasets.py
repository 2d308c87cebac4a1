"""Tests of skhopfield.datasets: MNIST IDX loading and corruption helpers."""

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from skhopfield.datasets import (
    flip_noise,
    load_mnist,
    make_bars,
    make_bars_and_stripes,
    mask_noise,
)

MNIST_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"

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
        "X_train", "y_train", "X_test", "y_test", "images_shape", "DESCR"
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
@pytest.mark.parametrize(
    "role, magic", [("train_images", 2049), ("test_labels", 2051)]
)
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


def test_load_mnist_nothing_to_search():
    with pytest.raises(FileNotFoundError, match="SKHOPFIELD_DATA is not set"):
        load_mnist()


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


@pytest.mark.parametrize("p", [-0.1, 1.5, np.nan, "0.5", None, True])
def test_flip_noise_bad_p(p):
    with pytest.raises(ValueError, match="p must"):
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
    with pytest.raises(ValueError, match="p must"):
        mask_noise(np.ones((3, 4)), p)


def test_mask_noise_bad_input():
    with pytest.raises(ValueError, match="fill_value must"):
        mask_noise(np.ones((3, 4)), 0.5, fill_value="x")
    with pytest.raises(ValueError, match="2D"):
        mask_noise(np.ones(4), 0.5)


# --------------------------------------------------------------------------
# Bars and Bars-and-Stripes (seed 001, Sec. V.A.3 and Sec. V.B)


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
    expected = {
        tuple(_bars_image(format(k, f"0{n}b"))) for k in range(1, 2**n - 1)
    }
    assert _rows(X_train) == expected
    # increasing binary order of the column patterns, column 0 first
    np.testing.assert_array_equal(
        X_train[0], _bars_image("0" * (n - 1) + "1")
    )


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
    for x, y in zip(a, b):
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
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    tests = {
        frozenset(_rows(make_bars_and_stripes(5, random_state=s)[1]))
        for s in range(5)
    }
    assert len(tests) > 1
    # None means the default 0.2
    c = make_bars_and_stripes(5, test_size=None, random_state=3)
    np.testing.assert_array_equal(a[1], c[1])


@pytest.mark.parametrize("func", [make_bars, make_bars_and_stripes])
@pytest.mark.parametrize("n", [1, 0, -3, 21, 2.0, 4.5, "4", True, None])
def test_bars_bad_n(func, n):
    with pytest.raises(ValueError, match="n must"):
        func(n)


@pytest.mark.parametrize("func", [make_bars, make_bars_and_stripes])
@pytest.mark.parametrize(
    "test_size", [-0.1, 1.0, 1.5, float("nan"), "0.2", True, 3]
)
def test_bars_bad_test_size(func, test_size):
    with pytest.raises(ValueError, match="test_size"):
        func(4, test_size=test_size)


@pytest.mark.parametrize(
    "func, n, test_size",
    [(make_bars, 2, None), (make_bars, 3, 0.7), (make_bars_and_stripes, 2, 0.6)],
)
def test_bars_test_size_leaves_no_train_pair(func, n, test_size):
    with pytest.raises(ValueError, match="test_size"):
        func(n, test_size=test_size, random_state=0)
