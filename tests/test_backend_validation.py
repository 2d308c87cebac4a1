"""The engine switch and spin validation."""

import warnings

import numpy as np
import pytest
from scipy.stats import kstest

from skhopfield import GaussianRBM
from skhopfield._backend import Engine, uniform_draws
from skhopfield._validation import check_spins, to_spins, to_units, validate_data


def test_numpy_engine_defaults_and_reproducibility():
    a, b = Engine(random_state=3), Engine(random_state=3)
    assert a.backend == "numpy" and a.device == "cpu"
    np.testing.assert_array_equal(
        a.uniform((4, 5), np.float64), b.uniform((4, 5), np.float64)
    )
    np.testing.assert_array_equal(a.permutation(10), b.permutation(10))
    assert a.uniform((3,), np.float32).dtype == np.float32
    assert a.normal((3,), np.float32).dtype == np.float32


def test_float32_uniform_draws_are_uniform_on_the_grid_of_2_to_the_minus_23():
    # an odd count: the last word gives one draw
    U = uniform_draws(np.random.Generator(np.random.SFC64(0)), (1000, 301), np.float32)
    assert U.dtype == np.float32 and U.shape == (1000, 301)
    assert U.min() >= 0.0 and U.max() < 1.0
    k = U.astype(np.float64) * 2.0**23
    np.testing.assert_array_equal(k, np.floor(k))
    assert kstest(U.ravel(), "uniform").pvalue > 1e-4
    # every one of the 23 bits is set in half of the draws (±5 standard errors)
    bits = k.astype(np.int64).ravel()
    on = np.array([((bits >> i) & 1).mean() for i in range(23)])
    assert np.abs(on - 0.5).max() < 5 * 0.5 / np.sqrt(bits.size)
    # the two halves of a word are not the same draw
    assert np.mean(U[:, 0:300:2] == U[:, 1:301:2]) < 1e-3
    # a seed fixes them; float64 draws are the generator's own
    again = uniform_draws(
        np.random.Generator(np.random.SFC64(0)), (1000, 301), np.float32
    )
    np.testing.assert_array_equal(U, again)
    np.testing.assert_array_equal(
        uniform_draws(np.random.Generator(np.random.SFC64(1)), (7, 3), np.float64),
        np.random.Generator(np.random.SFC64(1)).random((7, 3)),
    )


def test_to_units_returns_the_requested_dtype_deciding_in_the_input_dtype():
    X = np.array([[0.5, 0.1, np.nextafter(0.1, 1.0)], [-2.0, 0.0, 3.0]])
    for dtype, low in ((np.float32, -1.0), (np.float64, 0.0)):
        for data in (X, X.astype(np.float32)):
            S = to_units(data, 0.1, low, dtype=dtype)
            assert S.dtype == dtype
            # exactly x > 0.1, which the float32 0.1 (above 0.1) meets
            want = np.where(data.astype(np.float64) > 0.1, 1.0, low)
            np.testing.assert_array_equal(S, want)
    assert to_units(X, 0.1).dtype == np.float64
    assert to_units(X.astype(int), 0.1).dtype == np.float64


def test_engine_rejects_bad_backend_and_device():
    with pytest.raises(ValueError, match="backend must be"):
        Engine(backend="jax")
    with pytest.raises(ValueError, match="needs backend='torch'"):
        Engine(device="cuda")


def test_sigmoid_never_overflows():
    x = np.array([-1e308, -800.0, 0.0, 800.0, 1e308])
    with np.errstate(all="raise"):
        np.testing.assert_allclose(Engine().sigmoid(x), [0, 0, 0.5, 1, 1])


def test_torch_engine_round_trip_and_seeding():
    torch = pytest.importorskip("torch")
    eng = Engine(backend="torch", random_state=0)
    x = np.arange(6.0).reshape(2, 3)
    t = eng.asarray(x, dtype=np.float32)
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32
    np.testing.assert_array_equal(eng.to_numpy(t), x)
    u1 = Engine(backend="torch", random_state=5).uniform((3, 3), np.float64)
    u2 = Engine(backend="torch", random_state=5).uniform((3, 3), np.float64)
    assert torch.equal(u1, u2)
    # unit orders come from the NumPy stream on both engines
    np.testing.assert_array_equal(
        Engine(backend="torch", random_state=1).permutation(8).numpy(),
        Engine(random_state=1).permutation(8),
    )
    with pytest.raises(ValueError, match="not a valid torch device"):
        Engine(backend="torch", device="no-such-device")


def test_to_spins_threshold_and_dtypes():
    X = np.array([[0, 1, 255], [-3, 0.5, 0]])
    np.testing.assert_array_equal(to_spins(X), [[-1, 1, 1], [-1, 1, -1]])
    np.testing.assert_array_equal(to_spins(X, binarize=0.7), [[-1, 1, 1], [-1, -1, -1]])
    assert to_spins(X.astype(np.float32)).dtype == np.float32
    assert to_spins(X.astype(np.int64)).dtype == np.float64
    S = np.array([[1, -1], [-1, 1]])
    np.testing.assert_array_equal(to_spins(S, binarize=None), S)


def test_non_spin_values_named_in_error():
    with pytest.raises(ValueError, match=r"found 2 other entries \(values 0.0, 0.5\)"):
        check_spins(np.array([[1.0, 0.0, 0.5, -1.0]]))
    with pytest.raises(ValueError, match="binarize=0.0"):
        to_spins(np.array([[2.0]]), binarize=None)


def test_to_spins_threshold_beyond_float32_range_does_not_warn():
    # fuzz finding: a float64 threshold outside float32's range was cast to
    # float32 for the comparison ("overflow encountered in cast")
    X = np.array([[3e38, -3e38, 0.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S_high = to_spins(X, binarize=1e300)
        S_low = to_spins(X, binarize=-1e300)
    np.testing.assert_array_equal(S_high, -1.0)
    np.testing.assert_array_equal(S_low, 1.0)
    assert S_high.dtype == np.float32


@pytest.mark.parametrize(
    "binarize",
    [
        0.0,
        0.1,
        -0.1,
        1 / 3,
        127.5,
        1e-45,
        -1e-45,
        2.0**-149,
        3.4028234663852886e38,
        3.5e38,
        -3.5e38,
        1e300,
    ],
)
def test_float32_data_meet_the_threshold_exactly(binarize):
    # float32 data are compared in float32, through the largest float32 not
    # above the threshold: the same spins as comparing in float64
    rng = np.random.RandomState(0)
    values = np.concatenate([rng.randn(2000), [0.0, 3e38, -3e38]])
    with np.errstate(over="ignore"):
        near = np.float32(binarize)
        around = [np.nextafter(near, np.float32(s * np.inf)) for s in (-1, 1)]
    X = np.concatenate([values.astype(np.float32), [near, *around]]).reshape(1, -1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S = to_spins(X, binarize=binarize)
    assert S.dtype == np.float32
    np.testing.assert_array_equal(
        S, np.where(X.astype(np.float64) > binarize, 1.0, -1.0)
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_validation_of_plus_and_minus_infinity_does_not_warn(dtype):
    # fuzz finding: scikit-learn's finiteness test sums X first, so +inf and
    # -inf together emitted "invalid value encountered in reduce" before
    # its ValueError
    X = np.ones((4, 3), dtype=dtype)
    X[0, 0], X[1, 1] = np.inf, -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="infinity"):
            validate_data(GaussianRBM(), X)
        with pytest.raises(ValueError, match="infinity"):
            GaussianRBM(n_components=2).fit(X)
