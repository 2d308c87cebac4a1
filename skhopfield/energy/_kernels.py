"""Fused sampling kernels: one pass per layer update, with their own random words.

A layer update takes the inputs ``I`` of a batch of rows (the product of the
other layer's states and the weights) and returns the new states: input plus
bias, times the layer's scale, the draw, the state, in one pass over memory
where NumPy would make one per operation. Two routes compute the same thing:

- the **compiled route** (:mod:`skhopfield.energy._kernels_numba`), taken
  when numba is installed (``pip install "skhopfield[fast]"``), which runs
  blocks of rows on threads;
- the **NumPy route**, taken otherwise (or with the environment variable
  ``SKHOPFIELD_KERNELS=numpy``), a few vectorized passes.

Both give the same states for the same seed, bit for bit for ±1 and {0, 1}
units, and to rounding for gaussian units (whose rare draws outside the
ziggurat's rectangles evaluate ``exp`` and ``log`` with the C library on one
route and NumPy on the other), for any number of threads.

The random words
----------------
Every draw comes from **Philox4x64-10** (Salmon et al. (2011)), a
counter-based generator: word ``4b + j`` of a stream of key ``(k0, k1)``
from counter ``c`` is word ``j`` of the Philox function of the counter
``(c + 1 + b, 0, 0, 0)`` — the stream of ``numpy.random.Philox(key=(k0,
k1), counter=(c, 0, 0, 0))``. A :class:`KernelStream` holds a key and a
counter; each layer update reserves the blocks it needs and advances the
counter past them, so unit ``e`` (in row-major order) of an update always
gets the same words, whoever computes it. Streams split: a seed gives the
key (:meth:`KernelStream.from_seed`), and independent streams get keys from
``SeedSequence`` children.

- ±1 and {0, 1} units: a uniform ``u`` per unit, from a 32-bit half of a
  word (``(h >> 8) · 2⁻²⁴``, low half first) for float32 states, from a
  whole word (``(w >> 11) · 2⁻⁵³``) for float64; the unit is at its high
  value on the event ``u < σ(2z)`` (``z = scale · (I + θ)``, computed in
  float64), decided as ``2u − 1 < tanh z`` with a fast float32 ``tanh``
  where the two sides differ by more than ``_BAND``, and by float64
  ``σ(2z)`` otherwise — so the decision is float64's on both routes.
- gaussian units: a standard normal per unit by the ziggurat of 256 layers
  (Marsaglia & Tsang (2000)) from one word (bits 0–7 the layer, bit 8 the
  sign, bits 11–63 the position); the draws that fall outside their
  layer's rectangle (about 1 in 150) take further words, scattered over
  the update, so they come from a generator that is cheap at any index
  on both routes: word ``k`` of unit ``e`` is ``mix(s + γ (256 e + k +
  1))``, the SplitMix64 output function ``mix`` of a Weyl sequence
  (Steele, Lea & Flood (2014)) whose start ``s = mix(k0 + mix(k1 ⊕ c))``
  is the update's own (``c`` its counter; a unit needing more than 256
  such words, which does not happen in practice, would read its
  neighbour's).

References
----------
J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel random
numbers: as easy as 1, 2, 3", Proceedings of the International Conference for
High Performance Computing, Networking, Storage and Analysis (SC), 2011.

G. Marsaglia and W. W. Tsang, "The ziggurat method for generating random
variables", Journal of Statistical Software 5(8), 2000.

G. Marsaglia, "Generating a variable from the tail of the normal
distribution", Technometrics 6(1), 101–102, 1964.

G. L. Steele, D. Lea and C. H. Flood, "Fast splittable pseudorandom number
generators", Proceedings of OOPSLA, 453–472, 2014.
"""

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import _parallel

__all__ = ["KernelStream", "draw", "route", "sample_discrete", "sample_gaussian"]

#: The environment variable that forces the NumPy route (``numpy``).
ROUTE_ENV = "SKHOPFIELD_KERNELS"

_MASK32 = np.uint64(0xFFFFFFFF)
_MASK64 = 0xFFFFFFFFFFFFFFFF
# SplitMix64: the Weyl increment and the multipliers of its output function
_GAMMA = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB

#: Half-width of the band around the fast ``tanh`` inside which a unit's
#: draw is decided in float64: eight times the largest error of
#: :func:`_tanh32` (with float32 rounding), so about 1 draw in 1000 takes
#: the float64 path.
_BAND = 1e-3

# tanh(x) ≈ x P(x²) / Q(x²) on |x| <= _TANH_X (a least-squares rational fit;
# its error, below 1.2e-4 in float32 everywhere, is checked by the tests)
_TANH_X = 7.8
_TANH_P = (
    0.999999999955208,
    0.12980962513272443,
    0.0029834727147642504,
    9.663040149942431e-06,
    -1.198678577923884e-08,
)
_TANH_Q = (1.0, 0.46314295786678195, 0.024031127374671155, 0.00023589553846603897)


def _ziggurat_tables():
    """Edges ``x_i`` and heights ``f(x_i) = exp(−x_i²/2)`` of the 256 layers
    of equal area ``v`` under the normal curve (Marsaglia & Tsang (2000)):
    ``x_0 = v / f(r)`` (the base layer with its tail), ``x_1 = r``,
    ``x_{i+1} = f⁻¹(v / x_i + f(x_i))``, ``x_256 = 0``."""
    r, v = 3.6541528853610088, 0.00492867323399
    x = np.empty(257)
    x[0], x[1] = v / math.exp(-0.5 * r * r), r
    for i in range(1, 255):
        x[i + 1] = math.sqrt(-2.0 * math.log(v / x[i] + math.exp(-0.5 * x[i] ** 2)))
    x[256] = 0.0
    return r, x, np.exp(-0.5 * x * x)


_ZIG_R, _ZIG_X, _ZIG_F = _ziggurat_tables()
_ZIG_XS, _ZIG_X1 = _ZIG_X * 2.0**-53, _ZIG_X[1:]  # the NumPy route's gathers

#: The arguments of the compiled ``tanh``: ``P0 … P4, Q1 … Q3, clamp``.
_TANH_COEF = np.array([*_TANH_P, *_TANH_Q[1:], _TANH_X], dtype=np.float32)


class KernelStream:
    """A Philox4x64-10 stream: a 128-bit key and a position (see module).

    Parameters
    ----------
    key : tuple of two int
        The key ``(k0, k1)``, each in ``[0, 2**64)``.
    counter : int, default=0
        The counter of the next block.
    """

    def __init__(self, key, counter=0):
        self.key = (int(key[0]), int(key[1]))
        self.counter = int(counter)

    @classmethod
    def from_seed(cls, seed):
        """The stream whose key is the first two words of ``SeedSequence(seed)``.

        Parameters
        ----------
        seed : int or numpy.random.SeedSequence
            The seed.

        Returns
        -------
        stream : KernelStream
        """
        seq = seed if isinstance(seed, np.random.SeedSequence) else None
        if seq is None:
            seq = np.random.SeedSequence(int(seed))
        return cls(tuple(int(w) for w in seq.generate_state(2, np.uint64)))

    def reserve(self, n_words):
        """Reserve the blocks of ``n_words`` words; return the counter they
        start from (see module)."""
        c = self.counter
        self.counter = c + -(-int(n_words) // 4)
        return c

    def words(self, n_words):
        """The next ``n_words`` words (uint64) of the stream, NumPy's
        ``Philox`` reproduced; the counter moves past their blocks."""
        c = self.reserve(n_words)
        return _main_words(self.key, c, n_words)

    def __repr__(self):
        return f"KernelStream(key={self.key}, counter={self.counter})"


def _main_words(key, c, n_words):
    """Words ``0 … n_words − 1`` of the stream of ``key`` from counter ``c``."""
    n_blocks = -(-int(n_words) // 4)
    counter = np.array([c % 2**64, 0, 0, 0], dtype=np.uint64)
    gen = np.random.Philox(key=np.array(key, np.uint64), counter=counter)
    return gen.random_raw(4 * n_blocks)[:n_words]


def _mix(z):
    """SplitMix64's output function of uint64 arrays (wrapping arithmetic)."""
    z = z ^ (z >> np.uint64(30))
    z *= np.uint64(_MIX1)
    z ^= z >> np.uint64(27)
    z *= np.uint64(_MIX2)
    return z ^ (z >> np.uint64(31))


def _rare_start(key, c):
    """The start ``s`` of an update's rare words (see module), as an int."""
    inner = int(_mix(np.array([(key[1] ^ c) & _MASK64], np.uint64))[0])
    return int(_mix(np.array([(key[0] + inner) & _MASK64], np.uint64))[0])


def _rare_words(start, e, k):
    """Word ``k`` of the rare draws of units ``e`` (uint64 array)."""
    index = e * np.uint64(256) + np.uint64(k + 1)
    return _mix(index * np.uint64(_GAMMA) + np.uint64(start))


# -- the NumPy route ------------------------------------------------------------
def _uniforms(key, c, n, half):
    """The uniforms of units ``0 … n − 1`` of an update (see module)."""
    if half:
        w = _main_words(key, c, -(-n // 2))
        h = np.empty((w.size, 2), np.uint64)
        h[:, 0] = w & _MASK32
        h[:, 1] = w >> np.uint64(32)
        h = h.reshape(-1)[:n] >> np.uint64(8)
        return h * 5.9604644775390625e-08
    return (_main_words(key, c, n) >> np.uint64(11)) * 1.1102230246251565e-16


def _discrete_numpy(inputs, bias, scale, low, key, c, half, out):
    n, m = inputs.shape
    u = _uniforms(key, c, n * m, half).reshape(n, m)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        z = inputs.astype(np.float64)
        z += bias
        z *= scale
        t = np.tanh(z.astype(np.float32)).astype(np.float64)
        d = u * 2.0
        d -= 1.0
        d -= t
        high = d < -_BAND
        ties = np.flatnonzero(np.abs(d) <= _BAND)
        if ties.size:
            p = 1.0 / (1.0 + np.exp(-2.0 * z.reshape(-1)[ties]))
            high.reshape(-1)[ties] = u.reshape(-1)[ties] < p
    np.copyto(out, np.where(high, 1.0, low))


def _unit(w):
    """Uniforms on (0, 1] from the top 53 bits of words."""
    return ((w >> np.uint64(11)) + 1.0) * 1.1102230246251565e-16


def _layer(w):
    """Layer, sign and position ``x`` of ziggurat words; whether ``x`` is
    inside the layer's rectangle."""
    i = (w & np.uint64(255)).astype(np.intp)
    sign = np.where(w & np.uint64(256), -1.0, 1.0)
    # (w >> 11) 2⁻⁵³ x_i: the scaling by 2⁻⁵³ is exact, so one rounding as
    # the compiled route's
    x = (w >> np.uint64(11)).astype(np.float64)
    x *= _ZIG_XS[i]
    return i, sign, x, x < _ZIG_X1[i]


def _normal_slow(w, start, e):
    """The ziggurat draws of units ``e`` whose first words ``w`` fell
    outside their layer's rectangle, in rounds of two of each unit's rare
    words ``(a, b)`` (round ``k``: words ``2k`` and ``2k + 1``; see module).

    A unit in a wedge (layer ``i > 0``) accepts ``x`` if ``f(x_i) + a
    (f(x_{i+1}) − f(x_i)) < f(x)``, else starts over from the word ``b``; a
    unit in the tail (layer 0) draws ``r + A`` with ``A = −ln a / r``,
    accepted if ``−2 ln b > A²`` (Marsaglia (1964)), else tries again.
    """
    out = np.empty(e.size)
    i, sign, x, _ = _layer(w)
    todo = np.arange(e.size)
    k = 0
    while todo.size:
        a, b = (
            _rare_words(start, e[todo], 2 * k),
            _rare_words(start, e[todo], 2 * k + 1),
        )
        it, xt = i[todo], x[todo]
        done = np.zeros(todo.size, bool)
        tail = it == 0
        # the tail
        with np.errstate(divide="ignore"):
            A = -np.log(_unit(a[tail])) / _ZIG_R
            B = -np.log(_unit(b[tail]))
        ok = 2.0 * B > A * A
        t = todo[tail][ok]
        out[t] = sign[t] * (_ZIG_R + A[ok])
        done[np.flatnonzero(tail)[ok]] = True
        # the wedges
        wedge = np.flatnonzero(~tail)
        iw, xw = it[wedge], xt[wedge]
        y = _ZIG_F[iw] + _unit(a[wedge]) * (_ZIG_F[iw + 1] - _ZIG_F[iw])
        ok = y < np.exp(-0.5 * xw * xw)
        t = todo[wedge[ok]]
        out[t] = sign[t] * xw[ok]
        done[wedge[ok]] = True
        # a failed wedge starts over from b
        again = wedge[~ok]
        t = todo[again]
        i[t], sign[t], x[t], inside = _layer(b[again])
        out[t[inside]] = sign[t[inside]] * x[t[inside]]
        done[again[inside]] = True
        todo = todo[~done]
        k += 1
    return out


def _gaussian_numpy(inputs, bias, scale, key, c, out):
    n, m = inputs.shape
    w = _main_words(key, c, n * m)
    _, sign, eps, inside = _layer(w)
    eps *= sign
    slow = np.flatnonzero(~inside)
    if slow.size:
        start = _rare_start(key, c)
        eps[slow] = _normal_slow(w[slow], start, slow.astype(np.uint64))
    eps *= scale
    mean = inputs + bias
    np.add(mean, eps.reshape(n, m), out=out, casting="unsafe")


def draw(sample, inputs, bias, rng, *args):
    """Draw through a kernel of this module, ``sample(inputs, bias, *args,
    stream, threads)`` (:func:`sample_discrete`, :func:`sample_gaussian`),
    on the threads :func:`~skhopfield._parallel.kernel_threads` allows, for
    NumPy float inputs
    and a source of kernel streams (an engine or AIS streams); None
    otherwise (torch tensors, other sources), for the caller's own path.
    The rows of each stream's part are drawn from that stream; a None
    ``bias`` is zero."""
    streams = getattr(rng, "kernel_streams", None)
    if streams is None or not isinstance(inputs, np.ndarray):
        return None
    if bias is None:
        bias = np.zeros(inputs.shape[-1], dtype=inputs.dtype)
    dtype = np.result_type(inputs, bias)
    parts = streams(inputs.shape[0]) if dtype in (np.float32, np.float64) else None
    if parts is None:
        return None
    inputs = inputs.astype(dtype, copy=False)
    bias = np.asarray(bias, dtype=dtype)
    threads = _parallel.kernel_threads()
    if len(parts) == 1:
        return sample(inputs, bias, *args, parts[0][0], threads)
    out, start = [], 0
    for stream, n in parts:
        rows = slice(start, start + n)
        part_bias = bias[rows] if bias.ndim == 2 else bias
        out.append(sample(inputs[rows], part_bias, *args, stream, threads))
        start += n
    return np.concatenate(out)


# -- dispatch ---------------------------------------------------------------------
def _load_compiled():
    if os.environ.get(ROUTE_ENV, "").strip().lower() == "numpy":
        return None
    try:
        from . import _kernels_numba
    except ImportError:
        return None
    return _kernels_numba


_compiled = None
_loaded = False
_pool = None
_pool_lock = threading.Lock()


def _compiled_module():
    global _compiled, _loaded
    if not _loaded:
        _compiled, _loaded = _load_compiled(), True
    return _compiled


def route():
    """``"numba"`` when the compiled route runs the kernels, else ``"numpy"``."""
    return "numpy" if _compiled_module() is None else "numba"


def _threads_pool(n):
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers < n:
            _pool = ThreadPoolExecutor(max_workers=n)
        return _pool


#: Units an update must have before its rows are split over threads.
_MIN_UNITS_PER_THREAD = 20_000


def _run_rows(kernel, n_rows, n_units, threads, args):
    """``kernel(*args, r0, r1)`` over blocks of rows: the calling thread
    takes the first block, pool threads the others."""
    threads = max(1, min(int(threads), n_rows * n_units // _MIN_UNITS_PER_THREAD))
    if threads == 1:
        kernel(*args, 0, n_rows)
        return
    edges = [n_rows * t // threads for t in range(threads + 1)]
    pool = _threads_pool(threads - 1)
    futures = [
        pool.submit(kernel, *args, edges[t], edges[t + 1]) for t in range(1, threads)
    ]
    kernel(*args, edges[0], edges[1])
    for f in futures:
        f.result()


def _bias_rows(bias, dtype):
    bias = np.asarray(bias, dtype=dtype)
    return bias.reshape(1, -1) if bias.ndim == 1 else bias


def sample_discrete(inputs, bias, scale, low, stream, threads=1):
    """States of ±1 or {0, 1} units: 1 with the probability ``σ(2z)``,
    ``z = scale · (I + θ)``, else ``low``.

    Parameters
    ----------
    inputs : ndarray of shape (n_samples, n_units)
        The inputs ``I`` (float32 or float64; the states take its dtype).
    bias : ndarray of shape (n_units,) or (n_samples, n_units)
        The bias ``θ``.
    scale : float
        ``β`` for ±1 units, ``β / 2`` for {0, 1} units.
    low : float
        The unit's other value (``-1`` or ``0``).
    stream : KernelStream
        The random words (see module); its counter moves on.
    threads : int, default=1
        Threads the compiled route may use.

    Returns
    -------
    states : ndarray of shape (n_samples, n_units)
    """
    inputs = np.ascontiguousarray(inputs)
    n, m = inputs.shape
    half = inputs.dtype == np.float32
    c = stream.reserve(-(-n * m // 2) if half else n * m)
    bias = _bias_rows(bias, inputs.dtype)
    out = np.empty_like(inputs)
    compiled = _compiled_module()
    if compiled is None:
        _discrete_numpy(inputs, bias, scale, low, stream.key, c, half, out)
    else:
        k0, k1 = (np.uint64(k) for k in stream.key)
        args = (inputs, bias, float(scale), float(low), k0, k1, np.uint64(c), half)
        args = (*args, _BAND, _TANH_COEF, out)
        _run_rows(compiled.discrete_rows, n, m, threads, args)
    return out


def sample_gaussian(inputs, bias, scale, stream, threads=1):
    """States of gaussian units: ``I + θ + scale · ε``, ``ε ~ N(0, 1)``.

    Parameters
    ----------
    inputs : ndarray of shape (n_samples, n_units)
        The inputs ``I`` (float32 or float64; the states take its dtype).
    bias : ndarray of shape (n_units,) or (n_samples, n_units)
        The bias ``θ``.
    scale : float
        The standard deviation ``β^{-1/2}``.
    stream : KernelStream
        The random words (see module); its counter moves on.
    threads : int, default=1
        Threads the compiled route may use.

    Returns
    -------
    states : ndarray of shape (n_samples, n_units)
    """
    inputs = np.ascontiguousarray(inputs)
    n, m = inputs.shape
    c = stream.reserve(n * m)
    bias = _bias_rows(bias, inputs.dtype)
    out = np.empty_like(inputs)
    compiled = _compiled_module()
    if compiled is None:
        _gaussian_numpy(inputs, bias, scale, stream.key, c, out)
    else:
        k0, k1 = (np.uint64(k) for k in stream.key)
        start = np.uint64(_rare_start(stream.key, c))
        args = (inputs, bias, float(scale), k0, k1, np.uint64(c), start)
        args = (*args, _ZIG_X, _ZIG_F, _ZIG_R, out)
        _run_rows(compiled.gaussian_rows, n, m, threads, args)
    return out
