"""scikit-learn conformance of every public estimator of skhopfield.

Organized as scikit-learn's own common tests
(``sklearn/utils/_test_common/instance_generator.py``) and imbalanced-learn's:

- :data:`INIT_PARAMS`: constructor arguments, per estimator name, of the
  instances the checks run on (where the defaults would be slow);
- a torch instance (``backend="torch"``) of every estimator that has a
  ``backend`` parameter, next to its NumPy instance, so that the checks of
  fitting, transforming, scoring, dtypes, idempotence and pickling run on both
  engines (named ``Name(backend=torch)`` in the ids of this file's tests,
  ``Name(backend='torch')`` in those of the sklearn checks). Without torch
  these instances are left out, and :func:`test_torch_instances_are_checked`
  reports them as skipped (``import skhopfield`` never imports torch);
- :data:`PER_ESTIMATOR_CHECK_PARAMS`: parameters set for one check only;
- :data:`EXPECTED_FAILED_CHECKS`: the checks an estimator (or one instance)
  fails by design, with the reason.
"""

import importlib.util
import inspect

import pytest
from sklearn.base import BaseEstimator, clone
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
HAS_TORCH = importlib.util.find_spec("torch") is not None

#: Estimators that train with torch: without torch they cannot be fitted
#: (an ImportError that says how to install it), so they are left out of the
#: checks (test_torch_instances_are_checked reports them as skipped).
TORCH_ESTIMATORS = {"DeepHNNClassifier"}

#: Constructor arguments of the checks' instances, per estimator name, where
#: the defaults would be slow: 3 patterns per class instead of 5 and 2 epochs
#: instead of 40 keep DeepHNNClassifier's checks fast (the one check of its
#: accuracy trains longer: PER_ESTIMATOR_CHECK_PARAMS). A list of dicts gives
#: one instance per dict.
INIT_PARAMS = {
    "DeepHNNClassifier": dict(patterns_per_class=3, max_epochs=2),
}

#: The parameter that gives the torch instance of an estimator with a
#: ``backend`` parameter (added to each of its INIT_PARAMS sets).
TORCH_PARAMS = {"backend": "torch"}

#: Parameters set for one check only, per estimator name or instance id (see
#: _instance_id): {name: {check name: params}}, as scikit-learn's
#: PER_ESTIMATOR_CHECK_PARAMS. check_classifiers_train asks for a training
#: accuracy above 0.83, which DeepHNNClassifier reaches with its default 40
#: epochs (3 patterns per class), not with the 2 of INIT_PARAMS.
PER_ESTIMATOR_CHECK_PARAMS = {
    "DeepHNNClassifier": {"check_classifiers_train": dict(max_epochs=40)},
}

#: Expected failures of the sklearn checks, per estimator name (every
#: instance) or instance id (that instance only), with the reason.
EXPECTED_FAILED_CHECKS = {
    "ModernHopfieldMemory": {
        "check_estimators_nan_inf": (
            "predict and transform accept NaN by design: it marks the unknown "
            "features of a partial query (fit, energy and score reject NaN, "
            "every method rejects inf; tests/hopfield/test_modern_memory.py)"
        ),
    },
}


def _has_backend(Est):
    return "backend" in inspect.signature(Est.__init__).parameters


def _uses_torch(estimator):
    return (
        type(estimator).__name__ in TORCH_ESTIMATORS
        or estimator.get_params().get("backend") == "torch"
    )


def _instance_id(estimator):
    """``Name``, or ``Name(backend=torch)`` for a torch instance."""
    name = type(estimator).__name__
    if estimator.get_params().get("backend") == "torch":
        return f"{name}(backend=torch)"
    return name


def _construct_instances(Est):
    """The instances of ``Est`` that the checks run on: one per parameter
    set of INIT_PARAMS (default: the defaults), each also with
    ``backend="torch"`` where ``Est`` has a backend parameter and torch is
    installed; none for a torch-only estimator without torch."""
    name = Est.__name__
    if name in TORCH_ESTIMATORS and not HAS_TORCH:
        return []
    param_sets = INIT_PARAMS.get(name, {})
    if not isinstance(param_sets, list):
        param_sets = [param_sets]
    instances = [Est(**params) for params in param_sets]
    if HAS_TORCH and _has_backend(Est):
        instances += [Est(**params, **TORCH_PARAMS) for params in param_sets]
    return instances


def _instances():
    return [est for Est in ESTIMATORS for est in _construct_instances(Est)]


def _lookup(table, estimator):
    """Entries of ``table`` for the estimator's name, updated by those of
    its instance id."""
    found = dict(table.get(type(estimator).__name__, {}))
    found.update(table.get(_instance_id(estimator), {}))
    return found


def _expected_failed_checks(estimator):
    return _lookup(EXPECTED_FAILED_CHECKS, estimator)


def _check_name(check):
    return getattr(check, "__name__", None) or check.func.__name__


@pytest.fixture(autouse=True)
def _torch_on_one_thread(request):
    """One torch thread while a check runs on a torch instance (the
    ``torch_one_thread`` fixture of conftest.py): the data of the checks are
    tiny, and thread start-up would dominate."""
    callspec = getattr(request.node, "callspec", None)
    estimator = callspec.params.get("estimator") if callspec else None
    if estimator is not None and _uses_torch(estimator):
        request.getfixturevalue("torch_one_thread")


# -- what is checked -------------------------------------------------------------
def test_every_public_estimator_is_checked():
    assert ESTIMATORS, "no public estimator found in skhopfield.__all__"
    assert {
        "BinaryRBM",
        "BoltzmannMachine",
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
    checked = {type(e).__name__ for e in _instances()}
    missing = {Est.__name__ for Est in ESTIMATORS} - checked
    if not HAS_TORCH:
        missing -= TORCH_ESTIMATORS
    assert not missing, f"public estimators without a checked instance: {missing}"


def _torch_instance_names():
    """Estimators checked on torch: the torch-only ones and every estimator
    with a ``backend`` parameter."""
    return sorted(
        TORCH_ESTIMATORS | {Est.__name__ for Est in ESTIMATORS if _has_backend(Est)}
    )


@pytest.mark.parametrize("name", _torch_instance_names())
def test_torch_instances_are_checked(name):
    if not HAS_TORCH:
        pytest.skip(
            f"{name}'s torch instance needs torch (pip install "
            "skhopfield[torch]): left out of the scikit-learn checks"
        )
    assert name in {type(e).__name__ for e in _instances() if _uses_torch(e)}


def test_check_tables_name_checked_instances():
    """Every key of the check tables names an estimator or an instance (a
    misspelt key would silently do nothing)."""
    known = {Est.__name__ for Est in ESTIMATORS}
    known |= {
        f"{Est.__name__}(backend=torch)" for Est in ESTIMATORS if _has_backend(Est)
    }
    for table in (INIT_PARAMS, PER_ESTIMATOR_CHECK_PARAMS, EXPECTED_FAILED_CHECKS):
        assert set(table) <= known, set(table) - known


# -- the checks ------------------------------------------------------------------
@parametrize_with_checks(_instances(), expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    params = _lookup(PER_ESTIMATOR_CHECK_PARAMS, estimator).get(_check_name(check))
    if params:
        estimator = clone(estimator).set_params(**params)
    check(estimator)


@pytest.mark.parametrize("estimator", _instances(), ids=_instance_id)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


def _transformers():
    return [e for e in _instances() if hasattr(e, "transform")]


@pytest.mark.parametrize("estimator", _transformers(), ids=_instance_id)
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
