"""The numpy / torch engine switch.

Every estimator of the suite runs its numerical kernels through an
:class:`Engine`, built from the estimator's ``backend``, ``device`` and
``random_state`` parameters. The numpy engine is the default and needs nothing
beyond NumPy; the torch engine imports torch lazily, only when it is asked for,
so ``import skhopfield`` never imports torch.

The project's conventions for engines:

- fitted attributes are always NumPy arrays; engines convert at the boundary
  (:meth:`Engine.asarray` in, :meth:`Engine.to_numpy` out);
- a requested CUDA device that is not available warns and falls back to the
  CPU (skorch's convention);
- randomness derives from ``random_state`` only: the same seed and the same
  engine give the same result.
"""

import copy
import math
import warnings

import numpy as np
from scipy.special import expit
from sklearn.utils import check_random_state

from .energy._kernels import KernelStream

__all__ = ["Engine", "get_engine", "import_torch", "uniform_draws"]

#: Second word of the seed of an engine's kernel stream (its first is the
#: engine's seed), so that its key differs from the SFC64 stream's seed.
_KERNEL_STREAM = 0x6B65726E


def import_torch():
    """Import torch, or raise an ImportError that says how to install it."""
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "backend='torch' needs PyTorch, which is not installed. Install it "
            "with `pip install skhopfield[torch]` (or `pip install torch`)."
        ) from exc
    return torch


def _resolve_torch_device(torch, device):
    """Return a ``torch.device``, falling back to the CPU with a warning."""
    if device is None:
        return torch.device("cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device={device!r} is not a valid torch device.") from exc
    if dev.type == "cuda":
        index = 0 if dev.index is None else dev.index
        if not torch.cuda.is_available() or index >= torch.cuda.device_count():
            warnings.warn(
                f"device={device!r} was requested but CUDA device {index} is not "
                "available; falling back to the CPU.",
                RuntimeWarning,
                stacklevel=3,
            )
            return torch.device("cpu")
    elif dev.type == "mps" and not (
        hasattr(torch.backends, "mps") and torch.backends.mps.is_available()
    ):
        warnings.warn(
            f"device={device!r} was requested but MPS is not available; "
            "falling back to the CPU.",
            RuntimeWarning,
            stacklevel=3,
        )
        return torch.device("cpu")
    return dev


def _float_dtype(dtype):
    """float32 stays float32; everything else draws in float64."""
    return np.float32 if np.dtype(dtype) == np.float32 else np.float64


def uniform_draws(generator, shape, dtype):
    """Uniform draws on [0, 1) of ``shape`` from a NumPy ``Generator``, in
    the floating ``dtype`` (float32, or float64 for any other).

    float32 draws are made from the generator's raw 64-bit words, in place:
    each 32-bit half gives ``1.m − 1`` with 23 random mantissa bits ``m``
    under the exponent of 1.0 (exact; multiples of 2⁻²³, where
    ``Generator.random`` gives multiples of 2⁻²⁴), at about half the time
    of ``Generator.random``, which converts each draw in a separate call
    (measured on an AVX2 machine). float64 draws are
    ``Generator.random``'s, which the same bit operations on 64-bit words do
    not beat.
    """
    shape = tuple(int(k) for k in shape)
    if np.dtype(dtype) != np.float32:
        return generator.random(shape)
    n = math.prod(shape)
    bits = generator.bit_generator.random_raw(-(-n // 2)).view(np.uint32)[:n]
    bits >>= np.uint32(9)
    bits |= np.uint32(0x3F800000)
    draws = bits.view(np.float32)
    draws -= 1.0
    return draws.reshape(shape)


class Engine:
    """Array operations and random numbers for one backend and device.

    Parameters
    ----------
    backend : {"numpy", "torch"}
        Which array library runs the computation.
    device : str or None
        ``None`` or ``"cpu"`` for the CPU; ``"cuda"``, ``"cuda:1"``, ... for a
        GPU (torch engine only). A missing GPU warns and falls back to the CPU.
    random_state : int, RandomState instance or None
        Seed of the engine's random streams. The engine owns a NumPy
        ``RandomState`` (``self.np_rng``) in every case; the torch engine also
        owns a ``torch.Generator`` seeded from it.
    """

    def __init__(self, backend="numpy", device=None, random_state=None):
        if backend not in ("numpy", "torch"):
            raise ValueError(f"backend must be 'numpy' or 'torch', got {backend!r}.")
        self.backend = backend
        self.np_rng = check_random_state(random_state)
        # uniform and normal draws of the numpy engine come from an SFC64
        # Generator (the fastest of NumPy's bit generators here; uniforms
        # through uniform_draws), seeded from a copy of np_rng, which must
        # stay untouched: it draws the unit orders on both engines
        seed = int(copy.deepcopy(self.np_rng).randint(0, 2**31 - 1))
        if backend == "numpy":
            self._np_gen = np.random.Generator(np.random.SFC64(seed))
            # the words of the sampling kernels: a Philox stream of its own
            self._kernel_stream = KernelStream.from_seed(
                np.random.SeedSequence([seed, _KERNEL_STREAM])
            )
            if device not in (None, "cpu"):
                raise ValueError(
                    f"device={device!r} needs backend='torch'; the numpy engine "
                    "runs on the CPU only."
                )
            self.xp = np
            self.device = "cpu"
            self._torch = None
            self._gen = None
        else:
            torch = import_torch()
            self._torch = torch
            self.xp = torch
            self.device = _resolve_torch_device(torch, device)
            self._gen = torch.Generator(device=self.device)
            self._gen.manual_seed(seed ^ 0x2545F491)

    # -- conversion ---------------------------------------------------------
    @property
    def is_torch(self):
        return self.backend == "torch"

    def asarray(self, x, dtype=None):
        """Move ``x`` onto the engine (a no-copy view where possible)."""
        if not self.is_torch:
            return np.asarray(x, dtype=dtype)
        torch = self._torch
        if isinstance(x, torch.Tensor):
            t = x
        else:
            t = torch.from_numpy(np.ascontiguousarray(x))
        tdtype = self.torch_dtype(dtype if dtype is not None else t.dtype)
        return t.to(device=self.device, dtype=tdtype)

    def torch_dtype(self, dtype):
        torch = self._torch
        if isinstance(dtype, torch.dtype):
            return dtype
        return {
            np.dtype(np.float64): torch.float64,
            np.dtype(np.float32): torch.float32,
            np.dtype(np.int64): torch.int64,
            np.dtype(np.bool_): torch.bool,
        }[np.dtype(dtype)]

    def to_numpy(self, x):
        """Return ``x`` as a NumPy array (from any device)."""
        if self.is_torch and isinstance(x, self._torch.Tensor):
            return x.detach().cpu().numpy()
        return np.asarray(x)

    # -- small array helpers that differ between numpy and torch ------------
    def zeros(self, shape, dtype):
        if self.is_torch:
            return self._torch.zeros(
                shape, dtype=self.torch_dtype(dtype), device=self.device
            )
        return np.zeros(shape, dtype=dtype)

    def flatnonzero(self, mask):
        if self.is_torch:
            return self._torch.nonzero(mask, as_tuple=True)[0]
        return np.flatnonzero(mask)

    def any(self, x):
        return bool(x.any())

    def copy(self, x):
        return x.clone() if self.is_torch else x.copy()

    def sigmoid(self, x):
        """Logistic function, computed without overflow for any ``x``."""
        if self.is_torch:
            return self._torch.sigmoid(x)
        return expit(x)

    # -- random numbers -----------------------------------------------------
    def uniform(self, shape, dtype):
        """Uniform [0, 1) draws of ``shape`` on the engine."""
        if self.is_torch:
            return self._torch.rand(
                shape,
                generator=self._gen,
                dtype=self.torch_dtype(dtype),
                device=self.device,
            )
        return uniform_draws(self._np_gen, shape, dtype)

    def normal(self, shape, dtype):
        """Standard normal draws of ``shape`` on the engine."""
        if self.is_torch:
            return self._torch.randn(
                shape,
                generator=self._gen,
                dtype=self.torch_dtype(dtype),
                device=self.device,
            )
        return self._np_gen.standard_normal(shape, dtype=_float_dtype(dtype))

    def kernel_streams(self, n_rows):
        """The random words of the sampling kernels for ``n_rows`` rows:
        ``[(stream, n_rows)]`` on the NumPy engine (one
        :class:`~skhopfield.energy._kernels.KernelStream`), None on torch."""
        if self.is_torch:
            return None
        return [(self._kernel_stream, int(n_rows))]

    def permutation(self, n):
        """A random permutation of ``range(n)``, drawn from the NumPy stream.

        Unit orders come from the NumPy stream in both engines, so that
        deterministic asynchronous dynamics give identical results on numpy
        and torch.
        """
        perm = self.np_rng.permutation(n)
        if self.is_torch:
            return self._torch.as_tensor(perm, device=self.device)
        return perm


def get_engine(backend="numpy", device=None, random_state=None):
    """Build the :class:`Engine` for an estimator's parameters."""
    return Engine(backend=backend, device=device, random_state=random_state)
