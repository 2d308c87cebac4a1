"""The fused sampling kernels of :mod:`skhopfield.energy._kernels` and their
compiled route :mod:`skhopfield.energy._kernels_numba`.

What is checked, against references written here from NumPy's own
``numpy.random.Philox``, ``scipy.special.expit`` and plain Python:

- the random words: :class:`KernelStream` and the compiled ``philox_words``
  give NumPy's Philox4x64-10 stream, and ``reserve``
  advances by whole blocks;
- the two routes (NumPy and numba) give the same states, bit for bit for ±1
  and {0, 1} units (float32 and float64, 1-D and 2-D bias, odd row lengths,
  huge, tiny and infinite fields) and to rounding for gaussian units, and
  both equal the references (``u < expit(2z)`` from the documented uniforms;
  the ziggurat from the documented words);
- the compiled route gives the same states for any number of threads, and
  the rows really are split;
- the stream semantics: same state, same draws; counters advance; seeds
  differ; a call on the first rows equals the first rows of a full call; a
  batch split at whole blocks equals one call;
- the distributions: gaussian draws pass a KS test, their tail beyond the
  ziggurat's ``r`` has the normal's mass and shape; discrete frequencies
  follow ``σ(2z)``; fair units are balanced and uncorrelated;
- the tie band: draws placed inside ``_BAND`` are decided as float64's
  ``u < σ(2z)``, where a float32 decision would be wrong;
- the float32 ``tanh`` is within ``_BAND / 8`` of ``tanh``;
- no floating-point warning escapes for huge, tiny or infinite fields.

Every test names its route itself (by monkeypatching ``_compiled_module``),
so the file runs the same with ``SKHOPFIELD_KERNELS=numpy``; the tests of
the compiled route skip where numba is not installed.
"""

import functools
import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal, assert_array_max_ulp
from scipy import stats
from scipy.special import expit

from skhopfield.energy import _kernels as kernels
from skhopfield.energy._kernels import KernelStream

ROUTES = ["numpy", "numba"]
DTYPES = [np.float32, np.float64]
KEY = (0x0123456789ABCDEF, 0xFEDCBA9876543210)
MASK32 = np.uint64(0xFFFFFFFF)


# -- helpers -------------------------------------------------------------------
def _numba_module():
    """The compiled route's module (skips the test without numba)."""
    pytest.importorskip("numba")
    from skhopfield.energy import _kernels_numba

    return _kernels_numba


@pytest.fixture
def use_route(monkeypatch):
    """``use_route(name)``: make the kernels take the route ``name``."""

    def use(name):
        module = _numba_module() if name == "numba" else None
        monkeypatch.setattr(kernels, "_compiled_module", lambda: module)
        assert kernels.route() == name

    return use


def _numpy_philox(key, counter, n_words):
    """Words of NumPy's Philox of ``key`` from ``counter`` (four words)."""
    gen = np.random.Philox(
        key=np.array(key, np.uint64), counter=np.array(counter, np.uint64)
    )
    return gen.random_raw(n_words)


def _uniforms(key, c, n, dtype):
    """The documented uniforms of units ``0 … n − 1`` of an update from
    counter ``c``: 32-bit halves (low first, 24 bits) for float32, whole
    words (53 bits) for float64."""
    if np.dtype(dtype) == np.float32:
        w = _numpy_philox(key, [c, 0, 0, 0], -(-n // 2))
        h = np.stack([w & MASK32, w >> np.uint64(32)], axis=1).reshape(-1)[:n]
        return (h >> np.uint64(8)).astype(np.float64) * 2.0**-24
    w = _numpy_philox(key, [c, 0, 0, 0], n)
    return (w >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _fields(inputs, bias, scale):
    """``z = scale · (I + θ)`` in float64, θ in the inputs' dtype."""
    dtype = inputs.dtype
    with np.errstate(over="ignore", invalid="ignore"):
        return scale * (
            inputs.astype(np.float64) + np.asarray(bias, dtype).astype(np.float64)
        )


def _reference_discrete(inputs, bias, scale, low, key, c):
    """States ``1`` on the event ``u < expit(2z)``, else ``low``."""
    z = _fields(inputs, bias, scale)
    u = _uniforms(key, c, inputs.size, inputs.dtype).reshape(inputs.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        high = u < expit(2.0 * z)
    return np.where(high, 1.0, low).astype(inputs.dtype)


def _zig_layer(w):
    """Layer, sign and position of a ziggurat word (a Python int)."""
    i = w & 255
    sign = -1.0 if (w >> 8) & 1 else 1.0
    return i, sign, float(w >> 11) * 2.0**-53 * kernels._ZIG_X[i]


def _zig_unit(w):
    return (float(w >> 11) + 1.0) * 2.0**-53


_M64 = 2**64 - 1


def _py_mix(z):
    """SplitMix64's output function, in Python integers."""
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & _M64
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _py_rare(key, c, e, k):
    """Word ``k`` of unit ``e``'s rare draws, as documented."""
    start = _py_mix((key[0] + _py_mix(key[1] ^ c)) & _M64)
    return _py_mix((start + 0x9E3779B97F4A7C15 * (256 * e + k + 1)) & _M64)


def _reference_slow(w, key, c, e, log):
    """The documented rare path of unit ``e``: rounds of two of its rare
    words (SplitMix64 of a Weyl sequence), words ``2k`` and ``2k + 1`` in
    round ``k``. ``log`` collects what happened (for coverage)."""
    X, F, r = kernels._ZIG_X, kernels._ZIG_F, kernels._ZIG_R
    i, sign, x = _zig_layer(w)
    log["tail"] += i == 0
    k = 0
    while True:
        a, b = _py_rare(key, c, e, 2 * k), _py_rare(key, c, e, 2 * k + 1)
        k += 1
        log["rounds"] = max(log["rounds"], k)
        if i == 0:
            A = -math.log(_zig_unit(a)) / r
            if -2.0 * math.log(_zig_unit(b)) > A * A:
                return sign * (r + A)
            continue
        if F[i] + _zig_unit(a) * (F[i + 1] - F[i]) < math.exp(-0.5 * x * x):
            return sign * x
        log["restarts"] += 1
        i, sign, x = _zig_layer(b)
        if x < X[i + 1]:
            return sign * x


def _reference_normals(key, c, n, log):
    """The documented standard normals of units ``0 … n − 1``."""
    X = kernels._ZIG_X
    w = _numpy_philox(key, [c, 0, 0, 0], n)
    i = (w & np.uint64(255)).astype(np.intp)
    sign = np.where((w >> np.uint64(8)) & np.uint64(1), -1.0, 1.0)
    x = (w >> np.uint64(11)).astype(np.float64) * 2.0**-53 * X[i]
    eps = sign * x
    slow = np.flatnonzero(x >= X[i + 1])
    log["slow"] = slow.size
    for e in slow:
        eps[e] = _reference_slow(int(w[e]), key, c, int(e), log)
    return eps


@functools.cache
def _tanh32_array():
    """The compiled ``_tanh32`` over a float32 array."""
    module = _numba_module()
    import numba

    tanh32 = module._tanh32
    coef = kernels._TANH_COEF

    @numba.njit
    def apply(x):
        out = np.empty_like(x)
        for j in range(x.size):
            out[j] = tanh32(x[j], coef)
        return out

    return apply


def _special_inputs(rng, n, m, dtype):
    """Normal inputs with huge, tiny, infinite and zero entries sprinkled."""
    inputs = rng.normal(0.0, 1.5, (n, m))
    tiny = 1e-40 if dtype == np.float32 else 1e-300
    special = [1e30, -1e30, np.inf, -np.inf, 0.0, -0.0, tiny, -tiny, 5e-324]
    where = rng.choice(n * m, size=min(n * m, 3 * len(special)), replace=False)
    inputs.reshape(-1)[where] = np.resize(special, where.size)
    return inputs.astype(dtype)


# -- the random words --------------------------------------------------------------
KEYS = [(0, 0), KEY, (2**64 - 1, 12345), (2**63 + 7, 2**64 - 5)]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("counter", [0, 5, 2**40 + 3, 2**63 - 100])
@pytest.mark.parametrize("n_words", [1, 4, 7, 30])
def test_stream_words_are_numpy_philox(key, counter, n_words):
    stream = KernelStream(key, counter)
    words = stream.words(n_words)
    assert words.dtype == np.uint64
    assert_array_equal(words, _numpy_philox(key, [counter, 0, 0, 0], n_words))
    assert stream.counter == counter + -(-n_words // 4)
    # the next words continue from the next whole block
    n_blocks = -(-n_words // 4)
    ahead = _numpy_philox(key, [counter, 0, 0, 0], 4 * n_blocks + 8)[-8:]
    assert_array_equal(stream.words(8), ahead)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize(
    "counter",
    [(0, 0, 0, 0), (7, 1, 2, 3), (2**40, 2**64 - 1, 5, 2**63), (2**64 - 9, 0, 0, 1)],
)
def test_numba_philox_words_are_numpy_philox(key, counter):
    module = _numba_module()
    out = np.zeros(32, np.uint64)
    args = [np.uint64(k) for k in key] + [np.uint64(c) for c in counter]
    module.philox_words(*args, out)
    assert_array_equal(out, _numpy_philox(key, counter, 32))


def test_reserve_advances_whole_blocks():
    stream = KernelStream(KEY, 10)
    assert [stream.reserve(n) for n in [0, 1, 4, 5, 8, 9]] == [10, 10, 11, 12, 14, 16]
    assert stream.counter == 19
    assert repr(stream) == f"KernelStream(key={KEY}, counter=19)"


def test_from_seed():
    stream = KernelStream.from_seed(42)
    key = np.random.SeedSequence(42).generate_state(2, np.uint64)
    assert stream.key == tuple(int(k) for k in key)
    assert stream.counter == 0
    assert KernelStream.from_seed(np.random.SeedSequence(42)).key == stream.key
    keys = {KernelStream.from_seed(s).key for s in range(20)}
    assert len(keys) == 20
    child = np.random.SeedSequence(42).spawn(1)[0]
    assert KernelStream.from_seed(child).key != stream.key


@pytest.mark.parametrize("counter", [2**53 + 1, 2**63 + 1, 2**64 - 3])
def test_stream_words_large_counters(counter):
    # counters that a Python list would turn into float64 (and round)
    words = KernelStream(KEY, counter).words(8)
    assert_array_equal(words, _numpy_philox(KEY, [counter, 0, 0, 0], 8))


# -- the routes agree (and equal the references) ---------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("low", [-1.0, 0.0])
@pytest.mark.parametrize("bias_ndim", [1, 2])
@pytest.mark.parametrize("n_units", [7, 785])
def test_discrete_routes_agree(use_route, dtype, low, bias_ndim, n_units):
    rng = np.random.default_rng(
        [n_units, bias_ndim, int(-low), np.dtype(dtype).itemsize]
    )
    n_rows = 41 if n_units == 7 else 9
    inputs = _special_inputs(rng, n_rows, n_units, dtype)
    shape = (n_units,) if bias_ndim == 1 else (n_rows, n_units)
    bias = rng.normal(0.0, 0.5, shape)
    n_words = -(-n_rows * n_units // 2) if dtype == np.float32 else n_rows * n_units
    for scale in [0.05, 0.5, 1.0, 3.0, 1e30]:
        c = int(rng.integers(0, 2**40))
        ref = _reference_discrete(inputs, bias, scale, low, KEY, c)
        assert np.isin(ref, [low, 1.0]).all()
        assert 0 < (ref == 1.0).mean() < 1
        for route in ROUTES:
            use_route(route)
            stream = KernelStream(KEY, c)
            got = kernels.sample_discrete(inputs, bias, scale, low, stream)
            assert got.dtype == dtype
            assert got.shape == inputs.shape
            assert_array_equal(got, ref, err_msg=f"{route} scale={scale}")
            assert stream.counter == c + -(-n_words // 4)


@pytest.mark.parametrize("dtype", DTYPES)
def test_discrete_routes_agree_at_infinite_scale(use_route, dtype):
    # no field is exactly 0, so that every z is ±inf and every unit sure
    rng = np.random.default_rng(3)
    inputs = rng.normal(0.0, 1.0, (13, 7)).astype(dtype)
    inputs[0, :4] = [1e-30, -1e-30, np.inf, -np.inf]
    for route in ROUTES:
        use_route(route)
        got = kernels.sample_discrete(
            inputs, np.zeros(7), np.inf, 0.0, KernelStream(KEY, 9)
        )
        assert_array_equal(got, (inputs > 0).astype(dtype), err_msg=route)


@pytest.mark.parametrize("dtype", DTYPES)
def test_discrete_bias_1d_equals_tiled(use_route, dtype):
    rng = np.random.default_rng(4)
    inputs = rng.normal(0.0, 1.0, (11, 13)).astype(dtype)
    bias = rng.normal(0.0, 1.0, 13)
    for route in ROUTES:
        use_route(route)
        a = kernels.sample_discrete(inputs, bias, 0.8, -1.0, KernelStream(KEY, 3))
        b = kernels.sample_discrete(
            inputs, np.tile(bias, (11, 1)), 0.8, -1.0, KernelStream(KEY, 3)
        )
        assert_array_equal(a, b)
        # non-contiguous inputs are the same inputs
        strided = np.asfortranarray(inputs)
        c = kernels.sample_discrete(strided, bias, 0.8, -1.0, KernelStream(KEY, 3))
        assert_array_equal(a, c)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bias_ndim", [1, 2])
def test_gaussian_routes_agree_with_reference(use_route, dtype, bias_ndim):
    rng = np.random.default_rng([bias_ndim, np.dtype(dtype).itemsize])
    n_rows, n_units, c, scale = 53, 757, 777, 0.7
    inputs = rng.normal(0.0, 2.0, (n_rows, n_units)).astype(dtype)
    inputs[0, :3] = [1e30, -1e30, np.inf]
    shape = (n_units,) if bias_ndim == 1 else (n_rows, n_units)
    bias = rng.normal(0.0, 1.0, shape).astype(dtype)
    log = {"tail": 0, "rounds": 0, "restarts": 0}
    eps = _reference_normals(KEY, c, n_rows * n_units, log).reshape(n_rows, n_units)
    ref = ((inputs + bias) + scale * eps).astype(dtype)
    # the rare path, its tail, its restarts and its later rounds all ran
    assert 200 < log["slow"] < 800
    assert log["tail"] > 0
    assert log["restarts"] > 0
    assert log["rounds"] > 1
    got = {}
    for route in ROUTES:
        use_route(route)
        stream = KernelStream(KEY, c)
        got[route] = kernels.sample_gaussian(inputs, bias, scale, stream)
        assert got[route].dtype == dtype
        assert stream.counter == c + -(-n_rows * n_units // 4)
        if dtype == np.float64:
            assert_allclose(got[route], ref, rtol=1e-12, atol=1e-12, err_msg=route)
        else:
            assert_array_max_ulp(got[route], ref, maxulp=1)
    if dtype == np.float64:
        assert_allclose(got["numba"], got["numpy"], rtol=1e-12, atol=1e-12)
    else:
        assert_array_max_ulp(got["numba"], got["numpy"], maxulp=1)


# -- threads -------------------------------------------------------------------
class _Spy:
    """The compiled module, recording the row blocks its kernels get."""

    def __init__(self, module):
        self.module = module
        self.blocks = []

    def discrete_rows(self, *args):
        self.blocks.append(args[-2:])
        self.module.discrete_rows(*args)

    def gaussian_rows(self, *args):
        self.blocks.append(args[-2:])
        self.module.gaussian_rows(*args)


def _check_blocks(blocks, n_rows, n_blocks):
    blocks = sorted(blocks)
    assert len(blocks) == n_blocks
    assert blocks[0][0] == 0 and blocks[-1][1] == n_rows
    assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:], strict=False))


@pytest.mark.parametrize("dtype", DTYPES)
def test_threads_give_the_same_states(use_route, monkeypatch, dtype):
    rng = np.random.default_rng(5)
    n_rows, n_units = 199, 785  # 156,215 units: up to 7 blocks of 20,000
    inputs = rng.normal(0.0, 1.0, (n_rows, n_units)).astype(dtype)
    bias = rng.normal(0.0, 1.0, n_units)
    use_route("numpy")
    want_d = kernels.sample_discrete(inputs, bias, 1.3, -1.0, KernelStream(KEY, 1))
    want_g = kernels.sample_gaussian(inputs, bias, 1.3, KernelStream(KEY, 1))
    spy = _Spy(_numba_module())
    monkeypatch.setattr(kernels, "_compiled_module", lambda: spy)
    for threads in [1, 2, 3]:
        spy.blocks.clear()
        d = kernels.sample_discrete(
            inputs, bias, 1.3, -1.0, KernelStream(KEY, 1), threads=threads
        )
        _check_blocks(spy.blocks, n_rows, threads)
        assert_array_equal(d, want_d, err_msg=f"threads={threads}")
        spy.blocks.clear()
        g = kernels.sample_gaussian(
            inputs, bias, 1.3, KernelStream(KEY, 1), threads=threads
        )
        _check_blocks(spy.blocks, n_rows, threads)
        assert_array_max_ulp(g, want_g, maxulp=1)


@pytest.mark.parametrize("dtype", DTYPES)
def test_small_row_blocks_give_the_same_states(use_route, monkeypatch, dtype):
    # with the threshold lowered, blocks of one or a few rows (and odd row
    # starts), and more threads than rows
    rng = np.random.default_rng(6)
    inputs = rng.normal(0.0, 1.0, (13, 7)).astype(dtype)
    bias = rng.normal(0.0, 1.0, (13, 7))
    use_route("numpy")
    want_d = kernels.sample_discrete(inputs, bias, 1.0, 0.0, KernelStream(KEY, 2))
    want_g = kernels.sample_gaussian(inputs, bias, 1.0, KernelStream(KEY, 2))
    spy = _Spy(_numba_module())
    monkeypatch.setattr(kernels, "_compiled_module", lambda: spy)
    monkeypatch.setattr(kernels, "_MIN_UNITS_PER_THREAD", 1)
    for threads in [2, 5, 13, 20]:
        spy.blocks.clear()
        d = kernels.sample_discrete(
            inputs, bias, 1.0, 0.0, KernelStream(KEY, 2), threads=threads
        )
        assert len(spy.blocks) == threads
        assert_array_equal(d, want_d, err_msg=f"threads={threads}")
        g = kernels.sample_gaussian(
            inputs, bias, 1.0, KernelStream(KEY, 2), threads=threads
        )
        assert_array_max_ulp(g, want_g, maxulp=1)


# -- stream semantics ----------------------------------------------------------------
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_stream_semantics(use_route, route, dtype):
    use_route(route)
    n_rows, n_units = 20, 7
    inputs = np.zeros((n_rows, n_units), dtype)  # p = 1/2
    zero = np.zeros(n_units)

    def discrete(stream, rows=n_rows):
        return kernels.sample_discrete(inputs[:rows], zero, 1.0, -1.0, stream)

    def gaussian(stream, rows=n_rows):
        return kernels.sample_gaussian(inputs[:rows], zero, 1.0, stream)

    for sample in [discrete, gaussian]:
        # the same stream state, the same draws
        assert_array_equal(sample(KernelStream(KEY, 5)), sample(KernelStream(KEY, 5)))
        # the counter moves on: consecutive calls differ
        stream = KernelStream(KEY, 5)
        a, b = sample(stream), sample(stream)
        assert (a != b).mean() > 0.3
        # different seeds differ
        a = sample(KernelStream.from_seed(1))
        b = sample(KernelStream.from_seed(2))
        assert (a != b).mean() > 0.3
        # the first rows of a call are a call on the first rows
        for rows in [1, 3, 8]:
            full = sample(KernelStream(KEY, 11))
            assert_array_equal(sample(KernelStream(KEY, 11), rows), full[:rows])

    # a batch split where the first call takes whole blocks is one call
    split = 4 if dtype == np.float64 else 8  # 28 words: 7 blocks
    full = kernels.sample_discrete(inputs, zero, 1.0, -1.0, KernelStream(KEY, 0))
    stream = KernelStream(KEY, 0)
    first = kernels.sample_discrete(inputs[:split], zero, 1.0, -1.0, stream)
    assert stream.counter == 7
    rest = kernels.sample_discrete(inputs[split:], zero, 1.0, -1.0, stream)
    assert_array_equal(np.vstack([first, rest]), full)
    # ... but not where it leaves part of a block unused
    stream = KernelStream(KEY, 0)
    first = kernels.sample_discrete(inputs[: split - 1], zero, 1.0, -1.0, stream)
    rest = kernels.sample_discrete(inputs[split - 1 :], zero, 1.0, -1.0, stream)
    assert (np.vstack([first, rest]) != full)[split - 1 :].mean() > 0.3


@pytest.mark.parametrize("route", ROUTES)
def test_counter_advance(use_route, route):
    use_route(route)
    for n_rows, n_units in [(1, 1), (3, 7), (5, 8), (0, 4)]:
        n = n_rows * n_units
        for dtype, n_words in [(np.float64, n), (np.float32, -(-n // 2))]:
            inputs = np.zeros((n_rows, n_units), dtype)
            stream = KernelStream(KEY, 100)
            kernels.sample_discrete(inputs, np.zeros(n_units), 1.0, 0.0, stream)
            assert stream.counter == 100 + -(-n_words // 4)
            stream = KernelStream(KEY, 100)
            kernels.sample_gaussian(inputs, np.zeros(n_units), 1.0, stream)
            assert stream.counter == 100 + -(-n // 4)


# -- distributions -------------------------------------------------------------------
def test_ziggurat_tables():
    X, F, r = kernels._ZIG_X, kernels._ZIG_F, kernels._ZIG_R
    v = X[1] * (F[2] - F[1])
    assert X.shape == F.shape == (257,)
    assert X[1] == r and X[256] == 0.0
    assert np.all(np.diff(X) < 0)
    assert_allclose(F, np.exp(-0.5 * X * X), rtol=1e-15)
    # layers of equal area: the wedges, the top one, and the base with its tail
    assert_allclose(X[1:256] * (F[2:] - F[1:256]), v, rtol=1e-8)
    tail = math.sqrt(math.pi / 2) * math.erfc(r / math.sqrt(2))
    assert_allclose(X[0] * F[1], v, rtol=1e-8)
    assert_allclose(r * F[1] + tail, v, rtol=1e-8)


@pytest.mark.parametrize("route", ROUTES)
def test_gaussian_distribution(use_route, route):
    use_route(route)
    x = kernels.sample_gaussian(
        np.zeros((200, 1000)), np.zeros(1000), 1.0, KernelStream.from_seed(7)
    ).ravel()
    assert stats.kstest(x, "norm").pvalue > 1e-3
    # scale and mean as documented
    y = kernels.sample_gaussian(
        np.full((200, 1000), 1.5), np.full(1000, -0.5), 2.5, KernelStream.from_seed(8)
    ).ravel()
    assert stats.kstest(y, "norm", args=(1.0, 2.5)).pvalue > 1e-3


@pytest.mark.parametrize("route", ROUTES)
def test_gaussian_tail(use_route, route):
    use_route(route)
    r = kernels._ZIG_R
    x = kernels.sample_gaussian(
        np.zeros((1000, 2000)), np.zeros(2000), 1.0, KernelStream.from_seed(9)
    ).ravel()
    # the mass beyond the ziggurat's r: drawn by the rare path only
    p = 2 * stats.norm.sf(r)
    beyond = np.abs(x[np.abs(x) > r])
    assert abs(beyond.size - x.size * p) < 5 * math.sqrt(x.size * p * (1 - p))
    # the shape of the tail: N(0, 1) conditioned on |x| > r
    sf_r = stats.norm.sf(r)
    ks = stats.kstest(beyond, lambda t: 1 - stats.norm.sf(t) / sf_r)
    assert ks.pvalue > 1e-3
    # the rare path's share of the draws: 1 − mean of x_{i+1} / x_i
    X = kernels._ZIG_X
    q = 1 - np.mean(X[1:] / X[:-1])
    w = _numpy_philox(KernelStream.from_seed(9).key, [0, 0, 0, 0], x.size)
    i = (w & np.uint64(255)).astype(np.intp)
    slow = ((w >> np.uint64(11)).astype(np.float64) * 2.0**-53 * X[i]) >= X[i + 1]
    assert abs(slow.sum() - x.size * q) < 5 * math.sqrt(x.size * q * (1 - q))
    # ... which alone draw beyond r, and often another value than the
    # first word's (a rejected wedge, or the tail)
    fast = np.where((w >> np.uint64(8)) & np.uint64(1), -1.0, 1.0)
    fast *= (w >> np.uint64(11)).astype(np.float64) * 2.0**-53 * X[i]
    assert_array_equal(x[~slow], fast[~slow])
    assert slow[np.abs(x) > r].all()
    assert np.mean(x[slow] != fast[slow]) > 0.2


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("dtype", "low"), [(np.float32, -1.0), (np.float64, 0.0)])
def test_discrete_frequencies(use_route, route, dtype, low):
    use_route(route)
    z = np.concatenate([np.linspace(-3.0, 3.0, 25), [1e30, -1e30]])
    n = 8000
    scale = 2.0
    inputs = np.tile(z, (n, 1)).astype(dtype)  # I + θ = z / 2
    states = kernels.sample_discrete(
        inputs, -z / 2, scale, low, KernelStream.from_seed(10)
    )
    assert np.isin(states, [low, 1.0]).all()
    freq = (states == 1.0).mean(axis=0)
    p = expit(2 * z)
    se = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(freq - p) <= 5 * se + 1e-12)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_fair_units_are_balanced_and_uncorrelated(use_route, route, dtype):
    use_route(route)
    n, m = 2000, 785
    stream = KernelStream.from_seed(11)
    inputs = np.zeros((n, m), dtype)
    s = kernels.sample_discrete(inputs, np.zeros(m), 1.0, -1.0, stream)
    assert np.isin(s, [-1.0, 1.0]).all()
    s = s.astype(np.float64)
    # each unit and all of them: ±1 with mean 0 and variance 1
    assert np.abs(s.sum(axis=0) / math.sqrt(n)).max() < 5
    assert abs(s.sum() / math.sqrt(s.size)) < 5
    # successive units (the two halves of a word, the words of a block, the
    # rows) and successive calls
    flat = s.ravel()
    for lag in [1, 2, 3, 4, 5, 8, m]:
        r = np.corrcoef(flat[:-lag], flat[lag:])[0, 1]
        assert abs(r) * math.sqrt(flat.size - lag) < 5, lag
    t = kernels.sample_discrete(inputs, np.zeros(m), 1.0, -1.0, stream).ravel()
    assert abs(np.corrcoef(flat, t)[0, 1]) * math.sqrt(flat.size) < 5


# -- the tie band ------------------------------------------------------------------
ROUTE_DTYPES = [
    ("numpy", np.float32),
    ("numpy", np.float64),
    ("numba", np.float32),
    ("numba", np.float64),
]


@pytest.mark.parametrize(("route", "dtype"), ROUTE_DTYPES)
@pytest.mark.parametrize(("scale", "low"), [(1.0, -1.0), (0.5, 0.0), (1.7, -1.0)])
def test_tie_band_is_decided_in_float64(use_route, route, dtype, scale, low):
    rng = np.random.default_rng([np.dtype(dtype).itemsize, int(10 * scale)])
    n_rows, n_units, c = 61, 37, 4242
    n = n_rows * n_units
    u = _uniforms(KEY, c, n, dtype)
    # fields that put 2u − 1 within 1e-9 … 3e-4 of tanh z
    z0 = np.arctanh(np.clip(2 * u - 1, -0.999999, 0.999999))
    delta = rng.choice([-1.0, 1.0], n) * 10 ** rng.uniform(-9, np.log10(3e-4), n)
    bias = rng.normal(0.0, 0.3, (n_rows, n_units)).astype(dtype)
    inputs = ((z0 + delta).reshape(n_rows, n_units) / scale - bias).astype(dtype)
    z = _fields(inputs, bias, scale).ravel()  # the fields, in float64
    high = u < expit(2 * z)
    assert 0.3 < high.mean() < 0.7
    # nearly all draws are in the band of the route's fast tanh ...
    if route == "numba":
        t = _tanh32_array()(z.astype(np.float32)).astype(np.float64)
    else:
        t = np.tanh(z.astype(np.float32)).astype(np.float64)
    d = (2 * u - 1) - t
    assert np.mean(np.abs(d) <= kernels._BAND) > 0.95
    # ... where a float32 decision would often be wrong
    assert np.sum((d < 0) != high) > 20
    use_route(route)
    got = kernels.sample_discrete(inputs, bias, scale, low, KernelStream(KEY, c))
    assert_array_equal(got, np.where(high, 1.0, low).reshape(n_rows, n_units))


@pytest.mark.parametrize("route", ["numpy", "numba"])
def test_float32_fields_are_summed_in_float64(use_route, route):
    # one unit whose field I + θ is past the boundary σ(2z) = u in float64
    # but short of it once rounded to float32
    key = (1, 2)
    w = int(_numpy_philox(key, [0, 0, 0, 0], 1)[0])
    u = float((w & 0xFFFFFFFF) >> 8) * 2.0**-24
    boundary = 0.5 * math.log(u / (1 - u))
    I = np.float32(boundary)
    gap = boundary - float(I)
    theta = np.float32(1.1 * gap)
    z = float(I) + float(theta)
    assert (z > boundary) == (gap > 0)
    assert float(np.float32(I + theta)) == float(I)  # the float32 sum is I
    want = 1.0 if u < expit(2 * z) else -1.0
    assert want == (1.0 if gap > 0 else -1.0)
    use_route(route)
    inputs, bias = np.array([[I]], np.float32), np.array([theta], np.float32)
    got = kernels.sample_discrete(inputs, bias, 1.0, -1.0, KernelStream(key))
    assert got[0, 0] == want


# -- the float32 tanh --------------------------------------------------------------
def test_tanh32_error():
    tanh32 = _tanh32_array()
    xmax = np.float32(kernels._TANH_X)
    x = np.concatenate(
        [
            np.linspace(-20.0, 20.0, 400_001, dtype=np.float32),
            np.geomspace(1e-30, 20.0, 20_001, dtype=np.float32),
            [np.nextafter(xmax, np.float32(0)), xmax, np.nextafter(xmax, np.inf)],
            [np.float32(1e-45), np.finfo(np.float32).max, np.inf],
        ]
    ).astype(np.float32)
    x = np.concatenate([x, -x])
    t = tanh32(x)
    assert t.dtype == np.float32
    err = np.abs(t.astype(np.float64) - np.tanh(x.astype(np.float64)))
    assert err.max() < kernels._BAND / 8
    assert_array_equal(t[: x.size // 2], -t[x.size // 2 :])  # odd


# -- warnings ------------------------------------------------------------------------
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_no_floating_point_warnings(use_route, route, dtype):
    use_route(route)
    info = np.finfo(dtype)
    values = [
        1e30,
        -1e30,
        float(info.max),
        -float(info.max),
        np.inf,
        -np.inf,
        float(info.tiny) / 8,  # subnormal
        float(info.tiny),
        0.0,
        -0.0,
        1.0,
    ]
    inputs = np.tile(np.array(values, dtype), (9, 1))
    bias = np.zeros(len(values))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for scale in [1.0, 0.5, 1e-3, 1e-300]:
                for low in [-1.0, 0.0]:
                    s = kernels.sample_discrete(
                        inputs, bias, scale, low, KernelStream(KEY, 1)
                    )
                    assert np.isin(s, [low, 1.0]).all()
                g = kernels.sample_gaussian(inputs, bias, scale, KernelStream(KEY, 1))
                finite = np.isfinite(values)
                assert np.isfinite(g[:, finite]).all()
                assert_array_equal(g[:, ~finite], inputs[:, ~finite])


def test_numpy_route_field_overflow_does_not_warn(use_route):
    use_route("numpy")
    inputs = np.array([[1e30, -1e30]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = kernels.sample_discrete(inputs, np.zeros(2), 1e300, -1.0, KernelStream(KEY))
    assert_array_equal(s, [[1.0, -1.0]])


# -- dispatch ------------------------------------------------------------------------
def test_route_dispatch(monkeypatch):
    monkeypatch.setattr(kernels, "_loaded", False)
    monkeypatch.setattr(kernels, "_compiled", None)
    monkeypatch.setenv(kernels.ROUTE_ENV, " NumPy ")
    assert kernels.route() == "numpy"
    assert kernels._loaded
    # the choice is made once
    monkeypatch.delenv(kernels.ROUTE_ENV)
    assert kernels.route() == "numpy"
    module = _numba_module()
    assert kernels._load_compiled() is module
    monkeypatch.setattr(kernels, "_loaded", False)
    assert kernels.route() == "numba"
