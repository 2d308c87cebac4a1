"""Helpers shared by the modules of :mod:`skhopfield.mapping`.

Validation of real matrices, the numerical rank of a matrix from its
singular values, and the sign function with ``sgn(0) = +1``.
"""

import numpy as np


def _as_float_matrix(A, name):
    """``A`` as a finite 2-D float array (float32 kept, anything else float64)."""
    A = np.asarray(A)
    if A.dtype == object or not (
        np.issubdtype(A.dtype, np.number) or np.issubdtype(A.dtype, np.bool_)
    ):
        raise ValueError(f"{name} must be a numeric array, got dtype {A.dtype}.")
    if np.iscomplexobj(A):
        raise ValueError(f"{name} must be real-valued, got dtype {A.dtype}.")
    if A.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array, got an array with {A.ndim} "
            f"dimension(s) and shape {A.shape}."
        )
    if A.shape[0] == 0 or A.shape[1] == 0:
        raise ValueError(f"{name} must not be empty, got shape {A.shape}.")
    dtype = A.dtype if A.dtype in (np.float32, np.float64) else np.float64
    A = A.astype(dtype, copy=False)
    if not np.isfinite(A).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return A


def _numerical_rank(s, shape, dtype):
    """Rank from singular values ``s`` with NumPy's ``matrix_rank`` tolerance."""
    if s.size == 0 or s[0] == 0:
        return 0
    tol = s[0] * max(shape) * np.finfo(dtype).eps
    return int(np.sum(s > tol))


def _sgn(A):
    """``sgn`` with ties going to +1 (``sgn(0) = +1``), in A's dtype."""
    return np.where(A >= 0, 1.0, -1.0).astype(A.dtype, copy=False)
