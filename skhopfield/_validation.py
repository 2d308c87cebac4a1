"""Input validation shared by every estimator.

The private scikit-learn helpers the suite relies on (``validate_data``,
``_fit_context`` and the parameter-constraint classes) are imported here and
only here, so that a change in scikit-learn touches one file.
"""

import copy
import functools
import inspect
from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context  # noqa: F401  (re-exported)
from sklearn.utils._param_validation import (  # noqa: F401  (re-exported)
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
    validate_params,
)
from sklearn.utils.validation import check_is_fitted
from sklearn.utils.validation import validate_data as _sklearn_validate_data

__all__ = [
    "to_spins",
    "check_spins",
    "validate_spins",
    "ENGINE_CONSTRAINTS",
    "BINARIZE_CONSTRAINT",
    "HasMethods",
    "Interval",
    "StrOptions",
    "Integral",
    "Real",
    "_fit_context",
    "validate_params",
    "validate_data",
    "fitted_rows",
    "validate_method_params",
    "unchanged_on_error",
]

#: Constraints of the engine parameters, shared by every estimator.
ENGINE_CONSTRAINTS = {
    "backend": [StrOptions({"numpy", "torch"})],
    "device": [str, None],
    "random_state": ["random_state"],
}

#: Constraint of the ``binarize`` parameter.
BINARIZE_CONSTRAINT = [Interval(Real, None, None, closed="neither"), None]


@functools.wraps(_sklearn_validate_data)
def validate_data(*args, **kwargs):
    """scikit-learn's ``validate_data``, without its numpy RuntimeWarning.

    Its finiteness test sums the array first, with only overflow silenced,
    so an input holding both +inf and −inf (or a float32 input whose sum
    overflows into them) emits "invalid value encountered in reduce" before
    the ``ValueError`` that names the infinity. The whole validation runs
    with the floating-point warnings off; non-finite input still raises.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        return _sklearn_validate_data(*args, **kwargs)


def fitted_rows(estimator, X, dtypes):
    """X itself when it is a plain array that needs no conversion, else None.

    The fast path of a fitted estimator's prediction: a 2-D C- or
    F-contiguous :class:`numpy.ndarray` holding at least one row, of a dtype
    in ``dtypes``, with ``n_features_in_`` columns, given to an estimator
    fitted without feature names. Such an input passes ``validate_data``
    unchanged, except for its finiteness test, which the caller must make
    (calling ``validate_data`` when the test fails, so that its error is the
    one raised). Anything else (lists, data frames, sparse or other dtypes,
    a wrong shape) returns None: ``validate_data`` converts it or raises.
    ``validate_data`` costs about half a millisecond per call, a tenth of a
    one-step retrieval of 256 MNIST queries.
    """
    if (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in dtypes
        and X.shape[0] > 0
        and X.shape[1] == getattr(estimator, "n_features_in_", None)
        and (X.flags.c_contiguous or X.flags.f_contiguous)
        and not hasattr(estimator, "feature_names_in_")
    ):
        return X
    return None


def to_spins(X, binarize=0.0):
    """Map real-valued data to ±1 spins.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite real values (already validated).
    binarize : float or None, default=0.0
        Threshold: entries ``> binarize`` become +1, the others −1, so MNIST
        bytes, {0, 1} and ±1 data all work with the default. ``None`` means X
        must already hold ±1 values only; anything else raises ``ValueError``.

    Returns
    -------
    S : ndarray of shape (n_samples, n_features)
        ±1 spins, in the floating dtype of ``X`` (float64 for integer input).

    Raises
    ------
    ValueError
        If ``binarize`` is None and X holds a value other than −1 and +1.
    """
    return to_units(X, binarize, low=-1.0)


def to_units(X, binarize=0.0, low=-1.0, dtype=None):
    """Map real-valued data to two-valued units, ``{low, 1}``.

    Entries ``> binarize`` become 1, the others ``low`` (−1 for spins, 0 for
    bits); ``binarize=None`` means X must hold those two values only
    (:func:`check_units`). The result has the floating ``dtype``, or when it
    is None the floating dtype of ``X`` (float64 for integer input); the
    comparison runs in the dtype of ``X`` whatever the result's.
    """
    X = np.asarray(X)
    if dtype is None:
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    dtype = np.dtype(dtype)
    if binarize is None:
        check_units(X, low)
        return X.astype(dtype, copy=False)
    # x > b is decided exactly, in the dtype of X: for float32 X through the
    # largest float32 t <= b (x > b exactly when x > t), which is -inf or
    # the largest finite float32 for thresholds beyond float32's range
    threshold = _largest_not_above(float(binarize), X.dtype)
    return np.where(X > threshold, dtype.type(1.0), dtype.type(low))


def _largest_not_above(b, dtype):
    """The largest value of the floating ``dtype`` that is ``<= b`` (``b``
    itself for float64 and integer data, which are compared in float64)."""
    dtype = np.dtype(dtype)
    if dtype != np.float32:
        return np.float64(b)
    with np.errstate(over="ignore"):
        t = np.float32(b)
    if float(t) > b:
        t = np.nextafter(t, np.float32(-np.inf))
    return t


def check_spins(X, name="X"):
    """Raise ``ValueError`` unless every entry of ``X`` is −1 or +1."""
    check_units(X, -1.0, name)


def check_units(X, low, name="X"):
    """Raise ``ValueError`` unless every entry of ``X`` is ``low`` or 1."""
    X = np.asarray(X)
    bad = (X != 1) & (X != low)
    if not bad.any():
        return
    values = np.unique(X[bad])
    shown = ", ".join(repr(v.item()) for v in values[:5])
    more = "" if values.size <= 5 else f" and {values.size - 5} more"
    if low == -1.0:
        raise ValueError(
            f"{name} must contain only -1 and +1 when binarize=None; found "
            f"{int(bad.sum())} other entries (values {shown}{more}). Pass a "
            "threshold, e.g. binarize=0.0, to map real data to spins."
        )
    raise ValueError(
        f"{name} must contain only 0 and 1: a model with binarize=None needs "
        f"{{0, 1}} data, but {name} holds {shown}{more} ({int(bad.sum())} "
        "entries). Pass a threshold as binarize (X > binarize becomes 1) to "
        "map real data to {0, 1}."
    )


def validate_spins(estimator, X, *, reset):
    """Validate ``X`` with scikit-learn's rules and map it to ±1 spins.

    ``reset=True`` (in ``fit``) records ``n_features_in_`` and
    ``feature_names_in_``; ``reset=False`` checks them and that the estimator
    is fitted. NaN, inf, complex, sparse and empty input are rejected with
    scikit-learn's messages; non-±1 values with ``binarize=None`` with
    :func:`check_spins`'s.
    """
    return validate_units(estimator, X, reset=reset, low=-1.0)


def validate_units(estimator, X, *, reset, low, dtype=None):
    """:func:`validate_spins` for units of the values ``{low, 1}``
    (:func:`to_units` with the estimator's ``binarize``), returned in the
    floating ``dtype`` (None: the input's)."""
    if not reset:
        check_is_fitted(estimator)
    X = validate_data(estimator, X, dtype=[np.float64, np.float32], reset=reset)
    return to_units(X, estimator.binarize, low, dtype=dtype)


def validate_method_params(constraints, params, method):
    """Check the arguments of a method other than ``fit`` (``sample``,
    ``gibbs``…) against ``constraints``, as ``_parameter_constraints`` does
    for the constructor: a bad value raises scikit-learn's
    ``InvalidParameterError`` (a ``ValueError`` and ``TypeError``) naming
    the parameter and what it accepts."""
    validate_parameter_constraints(constraints, params, caller_name=method)


def unchanged_on_error(method):
    """Decorate a fitting method so that an exception leaves the estimator
    exactly as it was.

    The attributes are restored from a snapshot taken on entry: a shallow
    copy of ``__dict__`` in which random generators (which a fit advances in
    place) are deep-copied. The decorated method must not write into the
    arrays it finds on ``self``; it works on copies and assigns new arrays.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        saved = {
            key: copy.deepcopy(value)
            if isinstance(value, (np.random.RandomState, np.random.Generator))
            else value
            for key, value in vars(self).items()
        }
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(saved)
            raise

    return wrapper


def user_stacklevel():
    """The ``stacklevel`` with which the calling function's
    :func:`warnings.warn` names the first frame outside skhopfield and
    scikit-learn: the user's call, however deep (``predict``, ``transform``,
    the decorators of ``fit``) the warning is raised."""
    frame = inspect.currentframe()
    frame = frame.f_back if frame is not None else None  # the warning function
    level = 1
    while frame is not None and _in_library(frame):
        frame = frame.f_back
        level += 1
    return level


def _in_library(frame):
    package = frame.f_globals.get("__name__", "").partition(".")[0]
    return package in ("skhopfield", "sklearn")
