"""Array-namespace helpers shared by the energy modules (NumPy or torch).

Every function of :mod:`skhopfield.energy` works on NumPy arrays and on torch
tensors: the code is written once against the array-API namespace of its
inputs (``array_api_compat``, which scikit-learn vendors), and these helpers
write the overflow-free forms (``log 2cosh``, softplus, sigmoid) once.
"""

import math

import numpy as np
from scipy.special import expit
from scipy.special import logsumexp as _np_logsumexp
from sklearn.externals.array_api_compat import array_namespace, is_torch_array


def _namespace(*arrays):
    """The array-API namespace of ``arrays`` (NumPy's or torch's)."""
    return array_namespace(*arrays)


def _is_torch(x):
    return is_torch_array(x)


def _torch_of(arrays):
    """Return the torch module if any of ``arrays`` is a tensor, else None."""
    for a in arrays:
        if is_torch_array(a):
            import torch

            return torch
    return None


def _as_float(*arrays):
    """Bring ``arrays`` to one namespace and one floating dtype.

    NumPy inputs stay NumPy (integer or boolean inputs become float64, mixed
    float precisions promote). If any input is a torch tensor, every input
    becomes a tensor on that tensor's device, with a common floating dtype.
    """
    torch = _torch_of(arrays)
    if torch is None:
        arrays = [np.asarray(a) for a in arrays]
        dtype = np.result_type(*[a.dtype for a in arrays], np.float32)
        if not np.issubdtype(dtype, np.floating):
            dtype = np.float64
        return [a.astype(dtype, copy=False) for a in arrays]
    ref = next(a for a in arrays if is_torch_array(a))
    dtype = None
    for a in arrays:
        if is_torch_array(a) and a.is_floating_point():
            dtype = a.dtype if dtype is None else torch.promote_types(dtype, a.dtype)
    if dtype is None:
        dtype = torch.float64
    return [torch.as_tensor(a, dtype=dtype, device=ref.device) for a in arrays]


def _to_float64(*arrays):
    """``arrays`` in float64, in their own namespace and device."""
    xp = _namespace(*arrays)
    return [xp.astype(a, xp.float64) for a in arrays]


def _finfo(x):
    """``(tiny, max)``: the smallest normal and the largest finite value of
    the floating dtype of ``x`` (array or tensor)."""
    info = _namespace(x).finfo(x.dtype)
    return float(info.smallest_normal), float(info.max)


def _to_numpy(a):
    """A NumPy array of ``a`` (a tensor is copied from its device)."""
    if is_torch_array(a):
        return a.detach().cpu().numpy()
    return np.asarray(a)


def _sigmoid(x):
    """Logistic function, without overflow for any ``x``."""
    return x.sigmoid() if is_torch_array(x) else expit(x)


def _log2cosh(x):
    """``log(2 cosh(x))`` without overflow: ``|x| + log1p(exp(-2|x|))``."""
    xp = _namespace(x)
    a = xp.abs(x)
    return a + xp.log1p(xp.exp(-2.0 * a))


def _softplus(x):
    """``log(1 + exp(x))`` without overflow: ``max(x, 0) + log1p(exp(-|x|))``."""
    xp = _namespace(x)
    return xp.maximum(x, xp.zeros_like(x)) + xp.log1p(xp.exp(-xp.abs(x)))


def _max_abs(x):
    """Largest ``|x|`` as a Python float: ``nan`` if ``x`` holds a NaN,
    ``inf`` if an infinity, 0 for an empty array."""
    if not is_torch_array(x):
        x = np.asarray(x)
    if int(np.prod(x.shape)) == 0:
        return 0.0
    if isinstance(x, np.ndarray):
        # two reductions and no |x| temporary; a NaN propagates into both
        high, low = float(x.max()), float(x.min())
        return math.nan if math.isnan(high) else max(high, -low)
    xp = _namespace(x)
    return float(xp.max(xp.abs(x)))


def _logsumexp(x, axis):
    if is_torch_array(x):
        return x.logsumexp(dim=axis)
    return _np_logsumexp(x, axis=axis)
