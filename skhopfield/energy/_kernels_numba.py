"""The compiled route of the sampling kernels (numba; imported only when numba is).

Each kernel updates rows ``r0 … r1 − 1`` of a layer in one pass: input plus
bias, times the layer's scale, the draw, the state. The random words come
from Philox4x64-10 (Salmon et al. (2011)), evaluated here at the counters
that :mod:`skhopfield.energy._kernels` documents, so a row's draws depend on
its position only, not on the rows a thread was given; the NumPy route of
that module draws the same words through :class:`numpy.random.Philox`.
Every function releases the GIL (``nogil``) so that row blocks run on
threads, and is compiled once per machine (``cache``).

References
----------
J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel random
numbers: as easy as 1, 2, 3", Proceedings of the International Conference for
High Performance Computing, Networking, Storage and Analysis (SC), 2011.

G. Marsaglia and W. W. Tsang, "The ziggurat method for generating random
variables", Journal of Statistical Software 5(8), 2000.
"""

import math

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

# numba's cache is keyed on this file alone: the constants that may change
# (the tie band, the tanh coefficients, the ziggurat's tables) come in as
# arguments; Philox's own constants are the generator's definition
_PHILOX_M0 = 0xD2E7470EE14C6C93
_PHILOX_M1 = 0xCA5A826395121157
_PHILOX_W0 = 0x9E3779B97F4A7C15
_PHILOX_W1 = 0xBB67AE8584CAA73B
# SplitMix64 (the rare words of the gaussian draws)
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)

_jit = numba.njit(nogil=True, cache=True, error_model="numpy")
_inline = numba.njit(nogil=True, error_model="numpy")

_U64 = np.uint64
_M0, _M1 = _U64(_PHILOX_M0), _U64(_PHILOX_M1)
_W0, _W1 = _U64(_PHILOX_W0), _U64(_PHILOX_W1)
_TWO_M53 = 2.0**-53


@intrinsic
def _mulhilo(typingctx, a, b):
    """``(hi, lo)``: the 128-bit product of two 64-bit words (one instruction
    on x86-64 and AArch64)."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        i128, i64 = ir.IntType(128), ir.IntType(64)
        p = builder.mul(builder.zext(args[0], i128), builder.zext(args[1], i128))
        hi = builder.trunc(builder.lshr(p, ir.Constant(i128, 64)), i64)
        return context.make_tuple(
            builder, signature.return_type, (hi, builder.trunc(p, i64))
        )

    return sig, codegen


@_inline
def _philox(c0, c1, c2, c3, k0, k1):
    """Philox4x64-10 of the counter ``(c0, c1, c2, c3)`` under the key
    ``(k0, k1)``: four 64-bit words."""
    for _ in range(10):
        hi0, lo0 = _mulhilo(_M0, c0)
        hi1, lo1 = _mulhilo(_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
        k0 += _W0
        k1 += _W1
    return c0, c1, c2, c3


@_jit
def philox_words(k0, k1, c0, c1, c2, c3, out):
    """The words of the blocks ``(c0 + 1 + b, c1, c2, c3)``, ``b = 0, 1, …``,
    into ``out`` (uint64, a multiple of 4 long): NumPy's ``Philox`` stream
    of that key from that counter."""
    one = _U64(1)
    for b in range(out.size // 4):
        w = _philox(c0 + one + _U64(b), c1, c2, c3, k0, k1)
        out[4 * b] = w[0]
        out[4 * b + 1] = w[1]
        out[4 * b + 2] = w[2]
        out[4 * b + 3] = w[3]


@_inline
def _fill(buf, b0, n_blocks, k0, k1, c0):
    """The words of main-stream blocks ``b0 … b0 + n_blocks − 1`` into
    ``buf``."""
    one = _U64(1)
    zero = _U64(0)
    for b in range(n_blocks):
        w0, w1, w2, w3 = _philox(c0 + one + _U64(b0 + b), zero, zero, zero, k0, k1)
        buf[4 * b] = w0
        buf[4 * b + 1] = w1
        buf[4 * b + 2] = w2
        buf[4 * b + 3] = w3


@_inline
def _tanh32(x, coef):
    """A float32 rational approximation of ``tanh``: ``x P(x²) / Q(x²)`` on
    ``|x| <= coef[8]``, ``coef = (P0 … P4, Q1 … Q3, clamp)``."""
    x = min(max(x, -coef[8]), coef[8])
    z = x * x
    p = (((coef[4] * z + coef[3]) * z + coef[2]) * z + coef[1]) * z + coef[0]
    q = ((coef[7] * z + coef[6]) * z + coef[5]) * z + np.float32(1.0)
    return x * p / q


@_inline
def _uniforms24(buf, n_words, half, u):
    """24-bit uniforms, exact in float32, from ``n_words`` words of ``buf``:
    both 32-bit halves of each word (low half first) with ``half``, else
    the top 24 bits of each word (the float32 view of its 53-bit uniform).
    Through int32, whose conversion to float the CPU vectorizes."""
    step = np.float32(2.0**-24)
    if half:
        for q in range(n_words):
            w = buf[q]
            u[2 * q] = np.float32(np.int32((w & _U64(0xFFFFFFFF)) >> _U64(8))) * step
            u[2 * q + 1] = np.float32(np.int32(w >> _U64(40))) * step
    else:
        for q in range(n_words):
            u[q] = np.float32(np.int32(buf[q] >> _U64(40))) * step


@numba.njit(nogil=True, error_model="numpy", fastmath={"nsz", "contract"})
def _decide(row, b, scale, u, off, coef, band, high, lo, out, d):
    """The fast decisions of a row, in float32 (vectorized): ``out[j]`` is
    ``high`` where ``2u − 1 < tanh z`` with the float32 ``tanh``, ``d[j]``
    the difference of the two sides; returns how many fall within
    ``band`` (decided again in float64 by the caller)."""
    ties = 0
    band32 = np.float32(band)
    c = coef[8]
    one = np.float32(1.0)
    for j in range(row.shape[0]):
        z = np.float32(scale * np.float64(row[j] + b[j]))
        x = min(max(z, -c), c)
        zz = x * x
        p = (((coef[4] * zz + coef[3]) * zz + coef[2]) * zz + coef[1]) * zz + coef[0]
        q = ((coef[7] * zz + coef[6]) * zz + coef[5]) * zz + one
        dj = (np.float32(2.0) * u[off + j] - one) - x * p / q
        d[j] = dj
        # branch-free: the outcome is random, a branch on it mispredicts
        out[j] = lo + (high - lo) * (dj < np.float32(0.0))
        ties += abs(dj) <= band32
    return ties


@_jit
def discrete_rows(inputs, bias, scale, low, k0, k1, c0, half, band, coef, out, r0, r1):
    """Units at 1 with the probability ``σ(2 · scale · (I + θ))``, else at
    ``low``, for rows ``r0 … r1 − 1``.

    The event ``u < σ(2z)`` is decided as ``2u − 1 < tanh z`` in float32,
    with a rational ``tanh`` (:func:`_tanh32` of ``coef``), wherever the
    two sides are more than ``band`` apart (further than the float32 errors
    reach), and in float64 otherwise. ``half``: one 32-bit half of a word
    per unit (24-bit uniforms), else one word per unit (53-bit uniforms,
    whose top 24 bits serve the float32 decision).
    """
    m = inputs.shape[1]
    per_row = bias.shape[0] > 1
    high = out.dtype.type(1.0)
    lo = out.dtype.type(low)
    buf = np.empty(m + 16, np.uint64)
    u = np.empty(2 * m + 32, np.float32)
    d = np.empty(m, np.float32)
    for r in range(r0, r1):
        e0 = r * m
        if half:
            # unit e: half e % 2 of word e // 2
            w0 = e0 >> 1
            b0 = w0 >> 2
            n_blocks = ((((e0 + m + 1) >> 1) + 3) >> 2) - b0
            off = 2 * (w0 - 4 * b0) + (e0 & 1)
        else:
            b0 = e0 >> 2
            n_blocks = ((e0 + m + 3) >> 2) - b0
            off = e0 - 4 * b0
        _fill(buf, b0, n_blocks, k0, k1, c0)
        _uniforms24(buf, 4 * n_blocks, half, u)
        row = inputs[r]
        b = bias[r if per_row else 0]
        ties = _decide(row, b, scale, u, off, coef, band, high, lo, out[r], d)
        j = 0
        while ties:
            if abs(d[j]) <= band:
                ties -= 1
                z = scale * (np.float64(row[j]) + np.float64(b[j]))
                if half:
                    uj = np.float64(u[off + j])
                else:
                    uj = float(np.int64(buf[off + j] >> _U64(11))) * _TWO_M53
                p = 1.0 / (1.0 + math.exp(-2.0 * z))
                out[r, j] = high if uj < p else lo
            j += 1


@_inline
def _unit(w):
    """A uniform on (0, 1] from the top 53 bits of a word."""
    return (float(np.int64(w >> _U64(11))) + 1.0) * 1.1102230246251565e-16


@_inline
def _layer(w, zig_x):
    """Layer, sign and position of a ziggurat word."""
    i = int(w & _U64(255))
    # branch-free: the sign bit is random, a branch on it mispredicts half the time
    sign = 1.0 - 2.0 * float(np.int64((w >> _U64(8)) & _U64(1)))
    return i, sign, float(np.int64(w >> _U64(11))) * 1.1102230246251565e-16 * zig_x[i]


@_inline
def _rare(start, e, k):
    """Word ``k`` of unit ``e``'s rare draws: SplitMix64's output of the
    Weyl sequence from ``start`` at ``256 e + k + 1``."""
    z = start + (_U64(e) * _U64(256) + _U64(k + 1)) * _GAMMA
    z = (z ^ (z >> _U64(30))) * _MIX1
    z = (z ^ (z >> _U64(27))) * _MIX2
    return z ^ (z >> _U64(31))


@_inline
def _normal_slow(w, start, e, zig_x, zig_f, zig_r):
    """The ziggurat draw of unit ``e`` whose first word ``w`` fell outside
    its layer's rectangle: rounds of two of its rare words (round ``k``:
    words ``2k``, ``2k + 1``), as the NumPy route's ``_normal_slow``."""
    i, sign, x = _layer(w, zig_x)
    k = 0
    while True:
        a = _rare(start, e, 2 * k)
        b = _rare(start, e, 2 * k + 1)
        k += 1
        if i == 0:
            A = -math.log(_unit(a)) / zig_r
            B = -math.log(_unit(b))
            if 2.0 * B > A * A:
                return sign * (zig_r + A)
            continue
        y = zig_f[i] + _unit(a) * (zig_f[i + 1] - zig_f[i])
        if y < math.exp(-0.5 * x * x):
            return sign * x
        i, sign, x = _layer(b, zig_x)
        if x < zig_x[i + 1]:
            return sign * x


@_jit
def gaussian_rows(
    inputs, bias, scale, k0, k1, c0, start, zig_x, zig_f, zig_r, out, r0, r1
):
    """``I + θ + scale · ε`` for rows ``r0 … r1 − 1``, one standard normal
    ``ε`` per unit by the ziggurat of 256 layers (Marsaglia & Tsang
    (2000)): one word per unit, more for the rare draws outside the
    layers' rectangles."""
    m = inputs.shape[1]
    per_row = bias.shape[0] > 1
    buf = np.empty(m + 8, np.uint64)
    eps = np.empty(m, np.float64)
    for r in range(r0, r1):
        e0 = r * m
        b0 = e0 >> 2
        _fill(buf, b0, ((e0 + m + 3) >> 2) - b0, k0, k1, c0)
        off = e0 - 4 * b0
        for j in range(m):
            w = buf[off + j]
            i, sign, x = _layer(w, zig_x)
            if x < zig_x[i + 1]:
                eps[j] = sign * x
            else:
                eps[j] = _normal_slow(w, start, e0 + j, zig_x, zig_f, zig_r)
        b = bias[r if per_row else 0]
        row = inputs[r]
        for j in range(m):
            out[r, j] = (row[j] + b[j]) + scale * eps[j]
