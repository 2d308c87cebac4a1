"""Fitting of :class:`~skhopfield.DeepHNNClassifier`: its base class.

:class:`BaseDeepHNNClassifier` validates the data and drives the training
(:mod:`._deep_training`) of the torch network (:mod:`._deep_network`);
:class:`~skhopfield.DeepHNNClassifier` adds the parameters and the
predictions.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._backend import _resolve_torch_device
from .._validation import _fit_context, unchanged_on_error, validate_data
from ._deep_network import (
    _ARCHITECTURE,
    _architecture,
    _as_float32,
    _fitted_network,
    _import_torch,
    _predict_logits,
)
from ._deep_training import (
    _label,
    _new_network,
    _resume,
    _set_fitted_attributes,
    _train,
)


def _check_first_classes(estimator, classes):
    """The sorted ``classes`` of a first call to partial_fit."""
    if classes is None:
        raise ValueError(
            "classes must be passed on the first call to partial_fit: "
            "the list of every class of the problem, e.g. "
            "partial_fit(X, y, classes=np.unique(y_all))."
        )
    classes = np.unique(np.asarray(classes))
    check_classification_targets(classes)
    if classes.size < 2:
        raise ValueError(
            f"{type(estimator).__name__} needs at least 2 classes; classes "
            f"holds {classes.size}."
        )
    return classes


def _check_same_network(estimator, classes):
    """The ``classes_`` of a fitted estimator, after checking that a later
    call to partial_fit keeps its classes and architecture."""
    if classes is not None and not np.array_equal(
        np.unique(np.asarray(classes)), estimator.classes_
    ):
        raise ValueError(
            f"classes={classes!r} is not the same as classes_="
            f"{estimator.classes_!r} of the first call to partial_fit."
        )
    changed = [
        name
        for name in _ARCHITECTURE
        if estimator._architecture_params[name] != getattr(estimator, name)
    ]
    if changed:
        raise ValueError(
            f"partial_fit cannot change the architecture of a fitted "
            f"network; {', '.join(changed)} changed since the first "
            "call. Call fit to train a new network."
        )
    return estimator.classes_


class BaseDeepHNNClassifier(ClassifierMixin, BaseEstimator):
    """Base class of :class:`~skhopfield.DeepHNNClassifier`: :meth:`fit`,
    :meth:`partial_fit` and the class logits of the fitted network.

    Warning: This class should not be used directly. Use
    :class:`~skhopfield.DeepHNNClassifier` instead.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    @unchanged_on_error
    def fit(self, X, y):
        """Train the network on (X, y) for ``max_epochs`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (the pixels of the images, in row-major order,
            with a front end).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : DeepHNNClassifier
            The fitted classifier.

        Raises
        ------
        ValueError
            If y holds fewer than two classes, if the image shape does not
            fit the data or the convolution, if ``init="class_patterns"`` is
            used with a front end or a class has fewer than
            ``patterns_per_class`` samples, or if training diverges (a
            non-finite loss or parameter); the estimator is then left as it
            was.
        """
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        classes, y_index = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; "
                f"got 1 class ({_label(classes[0])!r})."
            )
        X32 = _as_float32(X)
        arch = _architecture(self, X.shape[1])
        random_state = check_random_state(self.random_state)
        torch = _import_torch(self)
        device = _resolve_torch_device(torch, self.device)
        net = _new_network(self, torch, arch, random_state, X32, y_index, classes)
        history = {"loss": [], "accuracy": []}
        net, optimizer_state = _train(
            self,
            torch,
            net,
            arch,
            X32,
            y_index,
            device,
            random_state,
            n_epochs=self.max_epochs,
            epoch0=0,
            history=history,
            schedule=self.learning_rate_schedule,
            optimizer_state=None,
            recalibrate=True,
        )
        self.classes_ = classes
        _set_fitted_attributes(
            self, torch, net, arch, optimizer_state, history, self.max_epochs
        )
        self._random_state = random_state
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None):
        """Train the network for one epoch on (X, y).

        The first call builds the network as :meth:`fit` does, and needs
        ``classes``; later calls continue from the current parameters (and
        the state of the Adam optimizer), at ``learning_rate``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data of this epoch.
        y : array-like of shape (n_samples,)
            Class labels, all in ``classes`` (or in ``classes_`` for a fitted
            estimator).
        classes : array-like of shape (n_classes,), default=None
            Every class of the problem. Required on the first call, when it
            fixes ``classes_``; later it may be given again, unchanged.

        Returns
        -------
        self : DeepHNNClassifier
            The fitted classifier.

        Raises
        ------
        ValueError
            If ``classes`` is missing on the first call (or differs from
            ``classes_`` later), if y holds an unknown label, if a parameter
            of the architecture changed since the first call, or as
            :meth:`fit`.
        """
        first = not hasattr(self, "classes_")
        if not first:
            # scikit-learn's _fit_context skips it on a fitted estimator
            self._validate_params()
        return self._partial_fit(X, y, classes, first=first)

    @unchanged_on_error
    def _partial_fit(self, X, y, classes, *, first):
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], reset=first)
        check_classification_targets(y)
        if first:
            classes = _check_first_classes(self, classes)
        else:
            classes = _check_same_network(self, classes)
        unknown = ~np.isin(y, classes)
        if unknown.any():
            raise ValueError(
                f"y holds labels that are not in classes: "
                f"{np.unique(y[unknown])[:5]!r}. Pass every class of the "
                "problem in classes on the first call."
            )
        y_index = np.searchsorted(classes, y)
        X32 = _as_float32(X)
        torch = _import_torch(self)
        device = _resolve_torch_device(torch, self.device)
        if first:
            arch = _architecture(self, X.shape[1])
            random_state = check_random_state(self.random_state)
            net = _new_network(self, torch, arch, random_state, X32, y_index, classes)
            history = {"loss": [], "accuracy": []}
            optimizer_state = None
            epoch0 = 0
        else:
            arch, random_state, net, history, optimizer_state, epoch0 = _resume(
                self, torch
            )
        net, optimizer_state = _train(
            self,
            torch,
            net,
            arch,
            X32,
            y_index,
            device,
            random_state,
            n_epochs=1,
            epoch0=epoch0,
            history=history,
            schedule="constant",
            optimizer_state=optimizer_state,
            recalibrate=False,
        )
        self.classes_ = classes
        _set_fitted_attributes(
            self, torch, net, arch, optimizer_state, history, epoch0 + 1
        )
        self._random_state = random_state
        return self

    def _logits(self, X):
        """Class logits of X (float64), computed from the fitted state."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        X = _as_float32(X).astype(np.float64)
        torch = _import_torch(self)
        device = _resolve_torch_device(torch, self.device)
        arch = dict(self._arch)
        net = _fitted_network(torch, self, arch, dtype=torch.float64).to(device)
        logits = _predict_logits(torch, net, arch, X, self.batch_size, device)
        if not np.isfinite(logits).all():
            raise ValueError(
                "The network's class logits are not finite for some samples of "
                "X: X is far larger in magnitude than the training data. "
                "Rescale X as the training data was."
            )
        return logits
