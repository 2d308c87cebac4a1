"""scikit-learn conformance of every public estimator of skhopfield."""

import importlib.util
import inspect

import pytest
from sklearn.base import BaseEstimator
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_global_output_transform_pandas,
    check_param_validation,
    check_set_output_transform,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)

import skhopfield


def _public_estimators():
    """Every estimator class that ``import skhopfield`` exposes."""
    found = []
    for name in skhopfield.__all__:
        obj = getattr(skhopfield, name)
        if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
            found.append(obj)
    return found


ESTIMATORS = _public_estimators()

#: Estimators that train with torch: without torch they cannot be fitted
#: (an ImportError that says how to install it), so they are left out of the
#: checks (test_torch_estimators_are_checked reports them as skipped).
TORCH_ESTIMATORS = {"DeepHNNClassifier"}
HAS_TORCH = importlib.util.find_spec("torch") is not None

#: Constructor arguments of the checks, where the defaults would be slow:
#: 3 patterns per class instead of 5 keep DeepHNNClassifier's checks fast
#: (and above their accuracy bar).
CHECK_PARAMS = {
    "DeepHNNClassifier": dict(patterns_per_class=3),
}

#: Expected failures of the sklearn checks, per estimator, with the reason.
EXPECTED_FAILED_CHECKS = {
    "ModernHopfieldMemory": {
        "check_estimators_nan_inf": (
            "predict and transform accept NaN by design: it marks the unknown "
            "features of a partial query (fit, energy and score reject NaN, "
            "every method rejects inf; tests/hopfield/test_modern_memory.py)"
        ),
    },
}


def _instances():
    return [
        Est(**CHECK_PARAMS.get(Est.__name__, {}))
        for Est in ESTIMATORS
        if HAS_TORCH or Est.__name__ not in TORCH_ESTIMATORS
    ]


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@pytest.mark.parametrize("name", sorted(TORCH_ESTIMATORS))
def test_torch_estimators_are_checked(name):
    if not HAS_TORCH:
        pytest.skip(f"{name} needs torch (pip install skhopfield[torch]): "
                    "left out of the scikit-learn checks")
    assert name in {type(e).__name__ for e in _instances()}


def test_every_public_estimator_is_checked():
    assert ESTIMATORS, "no public estimator found in skhopfield.__all__"
    assert {
        "DeepHNNClassifier",
        "DenseHopfieldMemory",
        "GaussianRBM",
        "HopfieldMemory",
        "HopfieldPoEClassifier",
        "ModernHopfieldMemory",
        "ProjectionHopfieldRBM",
        "RAPIDRBM",
        "SpinRBM",
    } <= {Est.__name__ for Est in ESTIMATORS}


@parametrize_with_checks(_instances(), expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", _instances(), ids=lambda e: type(e).__name__)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


def _transformers():
    return [e for e in _instances() if hasattr(e, "transform")]


@pytest.mark.parametrize("estimator", _transformers(), ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(
    "check",
    [
        check_set_output_transform,
        check_global_output_transform_pandas,
        check_transformer_get_feature_names_out,
        check_transformer_get_feature_names_out_pandas,
        check_dataframe_column_names_consistency,
    ],
    ids=lambda c: c.__name__,
)
def test_transformer_output_checks(estimator, check):
    check(type(estimator).__name__, estimator)
