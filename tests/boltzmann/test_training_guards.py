"""Training that goes wrong is never silent, and never changes a fitted model.

Every trained RBM (and the experts of the product-of-experts classifier)
raises a ``ValueError`` naming the epoch and the remedy when an update makes
a parameter non-finite or larger than ``MAX_PARAMETER``; a failed ``fit`` or
``partial_fit`` leaves the estimator exactly as it was; no numpy
RuntimeWarning escapes; ``sample`` and ``gibbs`` validate their arguments.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.utils._param_validation import InvalidParameterError

from skhopfield import (
    RAPIDRBM,
    GaussianRBM,
    HopfieldPoEClassifier,
    ProjectionHopfieldRBM,
    SpinRBM,
)
from skhopfield.boltzmann._base import MAX_PARAMETER


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300], y[:300]


MODELS = {
    "GaussianRBM": lambda lr: GaussianRBM(
        n_components=5, n_iter=2, learning_rate=lr, random_state=0
    ),
    "SpinRBM": lambda lr: SpinRBM(
        n_components=5, n_iter=2, learning_rate=lr, random_state=0
    ),
    "SpinRBM-PCD": lambda lr: SpinRBM(
        n_components=5, n_iter=2, learning_rate=lr, persistent=True, random_state=0
    ),
    "ProjectionHopfieldRBM": lambda lr: ProjectionHopfieldRBM(
        n_iter=2, learning_rate=lr, cd_steps=1, random_state=0
    ),
    "RAPIDRBM": lambda lr: RAPIDRBM(
        n_components=16,
        n_iter=2,
        learning_rate=lr,
        pattern_binarization=None,
        random_state=0,
    ),
}


def _fit(model, X, y):
    supervised = isinstance(model, ProjectionHopfieldRBM)
    return model.fit(X, y) if supervised else model.fit(X)


@pytest.mark.parametrize("name", MODELS)
def test_divergence_raises_and_leaves_the_fitted_model_unchanged(name, digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model = _fit(MODELS[name](1e-4), X, y)
        model.set_params(learning_rate=1e6)
        before = pickle.dumps(model)
        with pytest.raises(
            ValueError,
            match=r"diverged in epoch 1 \(batch 1 of "
            r"3\).*lower learning_rate.*left unchanged",
        ):
            _fit(model, X, y)
        assert pickle.dumps(model) == before
        if not isinstance(model, ProjectionHopfieldRBM):
            with pytest.raises(ValueError, match="diverged in epoch 3"):
                model.partial_fit(X)
            assert pickle.dumps(model) == before


def test_divergence_is_caught_before_inf_or_nan(digits):
    """A step that grows slowly is stopped at the bound, while every
    parameter is still finite; with more epochs it would reach inf/NaN."""
    X, _ = digits
    model = GaussianRBM(
        n_components=5, n_iter=200, learning_rate=3.0, batch_size=300, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=f"beyond the bound {MAX_PARAMETER:g}"):
            model.fit(X)
    assert not hasattr(model, "components_")


def test_diverged_expert_names_its_class(digits):
    X, y = digits
    clf = HopfieldPoEClassifier(
        n_components=2, n_iter=1, learning_rate=1e6, cd_steps=1, random_state=0
    )
    with pytest.raises(ValueError, match=r"expert of class 0: .*diverged"):
        clf.fit(X, y)
    assert not hasattr(clf, "experts_")


def test_a_normal_fit_and_score_emit_no_runtime_warning(digits):
    X, _ = digits
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for make in MODELS.values():
            model = make(1e-2)
            _fit(model, X, digits[1])
            model.sample(3, n_steps=2, random_state=0)
    # a model with the largest allowed parameters still scores finitely
    rbm = SpinRBM(n_components=3, n_iter=0, random_state=0).fit(X[:, :12])
    rbm.components_ = np.full_like(rbm.components_, MAX_PARAMETER)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert np.isfinite(rbm.score_samples(X[:5, :12])).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": -1}, "'n_samples' parameter of sample must be"),
        ({"n_samples": 0}, "'n_samples' parameter of sample must be"),
        ({"n_samples": 2.5}, "'n_samples' parameter of sample must be"),
        ({"n_steps": -1}, "'n_steps' parameter of sample must be"),
        ({"random_state": "x"}, "'random_state' parameter of sample must be"),
    ],
)
def test_sample_validates_its_arguments(kwargs, match, digits):
    X, _ = digits
    rbm = SpinRBM(n_components=3, n_iter=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match=match):
        rbm.sample(**kwargs)


def test_gibbs_validates_its_arguments(digits):
    X, _ = digits
    rbm = GaussianRBM(n_components=3, n_iter=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match="'n_steps' parameter of gibbs must be"):
        rbm.gibbs(X[:2], n_steps=-1)
    assert rbm.gibbs(X[:2], n_steps=0).shape == (2, 64)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize(
    "params", [{"batch_size": 0}, {"learning_rate": -1.0}, {"cd_steps": 0}]
)
def test_partial_fit_of_a_fitted_model_validates_the_parameters(name, params, digits):
    # fuzz finding: scikit-learn's _fit_context skips the validation of the
    # parameters in partial_fit of a fitted estimator, so batch_size=0 set
    # by set_params crashed with a ZeroDivisionError
    X, y = digits
    model = _fit(MODELS[name](1e-4), X, y)
    model.set_params(**params)
    before = pickle.dumps(model)
    with pytest.raises(InvalidParameterError, match=f"'{next(iter(params))}'"):
        model.partial_fit(X)
    assert pickle.dumps(model) == before
