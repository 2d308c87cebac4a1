"""Array-namespace helpers shared by the energy modules (NumPy or torch).

Every function of :mod:`skhopfield.energy` works on NumPy arrays and on torch
tensors; these helpers pick the namespace from the inputs and write the
overflow-free forms (``log 2cosh``, sigmoid, log-sum-exp) once.
"""

import numpy as np
from scipy.special import expit
from scipy.special import logsumexp as _np_logsumexp


def _is_torch(x):
    return type(x).__module__.split(".", 1)[0] == "torch"


def _torch_of(arrays):
    """Return the torch module if any of ``arrays`` is a tensor, else None."""
    for a in arrays:
        if _is_torch(a):
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
    ref = next(a for a in arrays if _is_torch(a))
    device = ref.device
    dtype = None
    for a in arrays:
        if _is_torch(a) and a.is_floating_point():
            dtype = a.dtype if dtype is None else torch.promote_types(dtype, a.dtype)
    if dtype is None:
        dtype = torch.float64
    return [torch.as_tensor(a, dtype=dtype, device=device) for a in arrays]


def _finfo(x):
    """``(tiny, max)``: the smallest normal and the largest finite value of
    the floating dtype of ``x`` (array or tensor)."""
    if _is_torch(x):
        import torch

        info = torch.finfo(x.dtype)
    else:
        info = np.finfo(x.dtype)
    return float(info.tiny), float(info.max)


def _to_float64(*arrays):
    """``arrays`` in float64, in their own namespace and device."""
    if _torch_of(arrays) is not None:
        import torch

        return [a.to(torch.float64) for a in arrays]
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def _astype_like(x, like):
    """``x`` in the dtype of ``like`` (same namespace)."""
    if _is_torch(x):
        return x.to(like.dtype)
    return x.astype(like.dtype, copy=False)


def _sigmoid(x):
    if _is_torch(x):
        import torch

        return torch.sigmoid(x)
    return expit(x)


def _log2cosh(x):
    """``log(2 cosh(x))`` without overflow: ``|x| + log1p(exp(-2|x|))``."""
    if _is_torch(x):
        import torch

        a = torch.abs(x)
        return a + torch.log1p(torch.exp(-2.0 * a))
    a = np.abs(x)
    return a + np.log1p(np.exp(-2.0 * a))


def _exp(x):
    if _is_torch(x):
        import torch

        return torch.exp(x)
    return np.exp(x)


def _to_numpy(a):
    """A NumPy array of ``a`` (a tensor is copied from its device)."""
    if _is_torch(a):
        return a.detach().cpu().numpy()
    return a


def _max_abs(x):
    """Largest ``|x|`` as a Python float: ``nan`` if ``x`` holds a NaN,
    ``inf`` if an infinity, 0 for an empty array."""
    if _is_torch(x):
        if x.numel() == 0:
            return 0.0
        return float(x.abs().max())
    x = np.asarray(x)
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x)))


def _tanh(x):
    if _is_torch(x):
        import torch

        return torch.tanh(x)
    return np.tanh(x)


def _logsumexp(x, axis):
    if _is_torch(x):
        import torch

        return torch.logsumexp(x, dim=axis)
    return _np_logsumexp(x, axis=axis)


def _rowsum(x):
    return x.sum(-1)


def _spins(mask, like):
    """±1 array of the dtype of ``like`` from a boolean mask (True -> +1)."""
    if _is_torch(mask):
        return mask.to(like.dtype) * 2.0 - 1.0
    return mask.astype(like.dtype) * 2.0 - 1.0


def _states(start, stop, n_features, like):
    """Rows ``start .. stop-1`` of the table of all ±1 states (bit i of the
    row index gives spin i), in the namespace and dtype of ``like``."""
    if _is_torch(like):
        import torch

        idx = torch.arange(start, stop, device=like.device)[:, None]
        bits = (idx >> torch.arange(n_features, device=like.device)) & 1
        return bits.to(like.dtype) * 2.0 - 1.0
    idx = np.arange(start, stop, dtype=np.int64)[:, None]
    bits = (idx >> np.arange(n_features, dtype=np.int64)) & 1
    return bits.astype(like.dtype) * 2.0 - 1.0
