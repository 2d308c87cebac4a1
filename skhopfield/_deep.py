"""DeepHNNClassifier: a convolutional front end, a DeepHNN and a convex merge.

The estimator is trained with torch, imported only inside :meth:`fit`,
:meth:`partial_fit` and the prediction methods, so that ``import skhopfield``
never imports torch. Its fitted state is kept as NumPy arrays, so a model
fitted on a GPU pickles and predicts on a machine without one.
"""

import math
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ._backend import _resolve_torch_device, import_torch
from ._validation import (
    Integral,
    Interval,
    Real,
    StrOptions,
    _fit_context,
    unchanged_on_error,
    validate_data,
)

__all__ = ["DeepHNNClassifier"]

#: Largest magnitude of a float32 number: X is cast to float32 for training.
_FLOAT32_MAX = float(np.finfo(np.float32).max)

#: The parameters that fix the shape of the network: partial_fit of a fitted
#: model refuses a change of any of them.
_ARCHITECTURE = (
    "conv_channels",
    "kernel_size",
    "stride",
    "padding",
    "image_shape",
    "batch_norm",
    "patterns_per_class",
    "iterations",
)


def _label(value):
    """A class label as a plain Python value (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _import_torch(estimator):
    """torch, or an ImportError that says the estimator needs it."""
    try:
        return import_torch()
    except ImportError as error:
        raise ImportError(
            f"{type(estimator).__name__} trains and predicts with PyTorch, which "
            "is not installed. Install it with `pip install skhopfield[torch]` "
            "(or `pip install torch`)."
        ) from error


def _conv_output_size(size, kernel_size, stride, padding):
    return (size + 2 * padding - kernel_size) // stride + 1


def _build_network(torch, arch, n_classes, seed):
    """The torch modules of the classifier, on the CPU, in float32.

    Every random initial value comes from ``torch.manual_seed(seed)`` inside
    :func:`torch.random.fork_rng`, so the global random state of torch is
    left as it was and two builds with the same seed are identical.
    """
    from .nn import DeepHNN

    nn = torch.nn
    net = nn.Module()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if arch["conv_channels"] is not None:
            net.conv = nn.Conv2d(
                1,
                arch["conv_channels"],
                arch["kernel_size"],
                stride=arch["stride"],
                padding=arch["padding"],
            )
        if arch["batch_norm"]:
            # momentum=None: the running statistics are the plain average of
            # the batch statistics since the last reset
            net.norm = nn.BatchNorm1d(arch["n_channels"], affine=False, momentum=None)
        net.hopfield = DeepHNN(
            arch["n_channels"],
            n_classes,
            arch["patterns_per_class"],
            arch["n_neurons"],
            iterations=arch["iterations"],
            beta=arch["beta"],
        )
    # the logits of the convex merge: uniform weights to start with
    net.merge = nn.Parameter(torch.zeros(n_classes, arch["n_channels"]))
    return net


def _forward(torch, net, arch, x):
    """Class logits of a batch ``x`` of shape (batch, n_features)."""
    if arch["conv_channels"] is not None:
        height, width = arch["image_shape"]
        x = net.conv(x.view(-1, 1, height, width)).flatten(2)
    else:
        x = x.unsqueeze(1)
    if arch["batch_norm"]:
        norm = net.norm
        # a batch holding one value per channel has no variance: it is
        # normalized with the running statistics and does not update them
        training = norm.training
        norm.train(training and x.shape[0] * x.shape[2] > 1)
        x = norm(x)
        norm.train(training)
    y = net.hopfield(x)  # (batch, channels, n_classes)
    weights = torch.softmax(net.merge, dim=1)  # (n_classes, channels)
    return torch.einsum("bck,kc->bk", y, weights)


def _to_numpy_tree(value, torch):
    """Tensors of a (nested) state dict as NumPy copies."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().copy()
    if isinstance(value, dict):
        return {k: _to_numpy_tree(v, torch) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_numpy_tree(v, torch) for v in value]
    return value


def _to_torch_tree(value, torch):
    """NumPy arrays of a (nested) state dict as new CPU tensors."""
    if isinstance(value, np.ndarray):
        return torch.tensor(value)
    if isinstance(value, dict):
        return {k: _to_torch_tree(v, torch) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_torch_tree(v, torch) for v in value]
    return value


class DeepHNNClassifier(ClassifierMixin, BaseEstimator):
    r"""Classifier made of modern Hopfield networks (the "DeepHNN as MLP").

    The network of Catacchini, Magrini Alunno & Ferracci (2024) [1]_, §4.2, trained by gradient
    descent on the cross-entropy:

    1. an optional convolutional front end: ``conv_channels`` linear
       convolutions (``kernel_size``, ``stride``, ``padding``) of the image,
       each output channel flattened into ``n_neurons_`` values;
       without it (``conv_channels=None``) the network has one channel, the
       raw features;
    2. optionally, a batch normalization without learned scale or shift
       (``batch_norm``), per channel;
    3. a :class:`skhopfield.nn.DeepHNN`: in every channel c, a modern
       continuous Hopfield network (Ramsauer et al. 2021 [2]_) storing
       ``patterns_per_class`` patterns per class, iterated ``iterations``
       times in logit space; the score of class k in channel c is the largest
       logit of its patterns, plus a learned bias,
       :math:`y_{c,k} = \max_d \ell_{c,kd} + b_{c,k}`;
    4. a convex merge of the channels into the class logits,
       :math:`z_k = \sum_c \operatorname{softmax}(w_k)_c \, y_{c,k}`, with
       learned weights :math:`w_k` (one weight per class and channel).

    Class probabilities are ``softmax(z)``.

    With ``conv_channels=5, kernel_size=4, stride=2`` on 32 × 32 images this
    is the §4.2 network of [1]_: Conv(1 → 5, 4 × 4, stride 2), batch norm,
    DeepHNN(5 channels, 10 classes, 5 patterns per class, 15 × 15 = 225
    neurons) and the convex merge, 56,440 parameters.

    Parameters
    ----------
    patterns_per_class : int, default=5
        Number of stored patterns per class and channel (the "depth" of the
        DeepHNN).
    conv_channels : int or None, default=None
        Number of channels of the convolutional front end (and of Hopfield
        networks). ``None`` means no front end: one Hopfield network over
        the raw features.
    kernel_size : int, default=4
        Side of the square convolution kernels (front end only).
    stride : int, default=2
        Stride of the convolution (front end only).
    padding : int, default=0
        Zero padding added to each side of the image before the convolution
        (front end only).
    image_shape : tuple of two ints or None, default=None
        ``(height, width)`` of the images, whose pixels are the features in
        row-major (C) order (front end only). ``None`` infers square images
        from ``n_features``, which must then be a perfect square.
    batch_norm : bool, default=True
        Normalize each channel of the Hopfield networks' input to zero mean
        and unit variance (a batch normalization without learned scale and
        shift). Batch statistics are used in training; predictions use the
        average of the batch statistics over one pass through the training
        data at the end of :meth:`fit` (over every batch of every
        :meth:`partial_fit` call since the first), so that a sample's
        prediction does not depend on the other samples.
    beta : float, default=1.0
        Initial inverse temperature β of every Hopfield network.
    learn_beta : bool, default=True
        Train β (as ln β, one per channel). ``False`` keeps ``beta``.
    iterations : int, default=1
        Number of Hopfield updates after the first logits β P ξ (0: the
        logits of the input itself).
    init : {"random", "class_patterns"}, default="random"
        Initial patterns. ``"random"``: uniform in ±1/√N for N neurons.
        ``"class_patterns"``: the means of ``patterns_per_class`` Ward
        clusters of each class (:func:`skhopfield.mapping.class_patterns`)
        of the network's input, that is of X after the batch normalization
        (X itself with ``batch_norm=False``), as in the fixed-pattern
        experiment of [1]_, §4.2. It needs ``conv_channels=None`` (the front
        end's output has no class patterns before it is trained) and at
        least ``patterns_per_class`` samples of every class in the first
        call of :meth:`fit` or :meth:`partial_fit`.
    learn_patterns : bool, default=True
        Train the stored patterns. ``False`` keeps the initial ones (the
        fixed-pattern experiment: with ``init="class_patterns"`` only the
        biases, the merge weights and, if ``learn_beta``, β are trained).
    max_epochs : int, default=40
        Number of passes through the training data in :meth:`fit` (0: the
        initial network, untrained).
    learning_rate : float, default=0.01
        Step size of the Adam optimizer.
    learning_rate_schedule : {"constant", "step", "adaptive"}, default="constant"
        How :meth:`fit` changes the step: ``"constant"`` keeps it;
        ``"step"`` divides it by 10 after the first half of the epochs
        (``ceil(max_epochs / 2)``), restarting Adam, as in the published code
        of [1]_ (20 epochs at 0.01, then 20 at 0.001); ``"adaptive"``
        halves it after every epoch whose training accuracy does not exceed
        the best so far (the "adaptive learning rate using the current
        accuracy" of [1]_). :meth:`partial_fit` always uses
        ``learning_rate``.
    batch_size : int, default=64
        Number of samples per gradient step (and per chunk of prediction).
    device : str or None, default=None
        The torch device of training and prediction (``"cpu"``, ``"cuda"``,
        ``"cuda:1"``…). ``None`` means the CPU. A requested CUDA device that
        is not available warns and falls back to the CPU.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial parameters and the order of the samples in each
        epoch: the same seed gives the same model on the same device.
    verbose : int, default=0
        Print the loss, the training accuracy, the step and the time of
        every epoch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined only when X has feature names that are all strings.
    image_shape_ : tuple of two ints or None
        ``(height, width)`` of the images (``None`` without front end).
    n_channels_ : int
        Number of channels: ``conv_channels``, or 1 without front end.
    n_neurons_ : int
        Number of neurons N of each Hopfield network: the size of a channel
        of the front end's output, or ``n_features_in_``.
    patterns_ : ndarray of shape (`n_channels_`, n_classes, patterns_per_class, `n_neurons_`)
        The stored patterns: ``patterns_[c, k, d]`` is pattern d of class
        ``classes_[k]`` in channel c.
    beta_ : ndarray of shape (`n_channels_`,)
        The inverse temperature of each channel.
    intercept_ : ndarray of shape (`n_channels_`, n_classes)
        The bias b_{c,k} of each class in each channel.
    channel_weights_ : ndarray of shape (n_classes, `n_channels_`)
        The weights of the convex merge (each row sums to 1).
    state_dict_ : dict of str to ndarray
        Every parameter and buffer of the torch network, as NumPy arrays
        (the state the predictions are computed from).
    n_parameters_ : int
        Number of trainable parameters (the fixed patterns of
        ``learn_patterns=False``, the fixed β of ``learn_beta=False`` and the
        merge weights of a single channel, which always merges to itself,
        are not counted).
    n_iter_ : int
        Number of epochs run: by the last :meth:`fit`, plus one per
        :meth:`partial_fit` call since.
    loss_curve_ : list of float
        Mean training cross-entropy of each epoch.
    accuracy_curve_ : list of float
        Training accuracy of each epoch (on the batches as they were
        trained, in training mode).

    See Also
    --------
    skhopfield.nn.DeepHNN : The torch layer at the heart of the network.
    skhopfield.ModernHopfieldMemory : One modern Hopfield network, without
        training.
    sklearn.neural_network.MLPClassifier : A multilayer perceptron.

    Notes
    -----
    Training runs in float32; predictions are computed in float64 from the
    stored state, one chunk of ``batch_size`` samples at a time, so that the
    prediction of a sample does not depend on the others.

    The paper [1]_ reports about 87% MNIST accuracy for the §4.2 network
    (a value of its training curve); the authors' published code reached
    92.05% test accuracy.

    References
    ----------
    .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
       Hopfield Networks" (2024).
    .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR
       (2021).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import train_test_split
    >>> from skhopfield import DeepHNNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> clf = DeepHNNClassifier(patterns_per_class=3, max_epochs=20,
    ...                         random_state=0).fit(X_train, y_train)
    >>> clf.patterns_.shape          # 1 channel, 10 classes, 3 patterns, 64 pixels
    (1, 10, 3, 64)
    >>> clf.score(X_test, y_test) > 0.9
    True
    """

    _parameter_constraints = {
        "patterns_per_class": [Interval(Integral, 1, None, closed="left")],
        "conv_channels": [Interval(Integral, 1, None, closed="left"), None],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "padding": [Interval(Integral, 0, None, closed="left")],
        "image_shape": [tuple, None],
        "batch_norm": ["boolean"],
        "beta": [Interval(Real, 0, _FLOAT32_MAX, closed="neither")],
        "learn_beta": ["boolean"],
        "iterations": [Interval(Integral, 0, None, closed="left")],
        "init": [StrOptions({"random", "class_patterns"})],
        "learn_patterns": ["boolean"],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="left")],
        "learning_rate_schedule": [StrOptions({"constant", "step", "adaptive"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        patterns_per_class=5,
        *,
        conv_channels=None,
        kernel_size=4,
        stride=2,
        padding=0,
        image_shape=None,
        batch_norm=True,
        beta=1.0,
        learn_beta=True,
        iterations=1,
        init="random",
        learn_patterns=True,
        max_epochs=40,
        learning_rate=0.01,
        learning_rate_schedule="constant",
        batch_size=64,
        device=None,
        random_state=None,
        verbose=0,
    ):
        self.patterns_per_class = patterns_per_class
        self.conv_channels = conv_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.image_shape = image_shape
        self.batch_norm = batch_norm
        self.beta = beta
        self.learn_beta = learn_beta
        self.iterations = iterations
        self.init = init
        self.learn_patterns = learn_patterns
        self.max_epochs = max_epochs
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.batch_size = batch_size
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # -- fitting ------------------------------------------------------------
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
        X32 = self._as_float32(X)
        arch = self._architecture(X.shape[1])
        random_state = check_random_state(self.random_state)
        torch = _import_torch(self)
        device = _resolve_torch_device(torch, self.device)
        seed = int(random_state.randint(np.iinfo(np.int32).max))
        net = _build_network(torch, arch, classes.size, seed)
        if self.init == "class_patterns":
            self._init_class_patterns(torch, net, arch, X32, y_index, classes)
        self._set_trainable(net)
        net = net.to(device)
        X_t = torch.from_numpy(X32).to(device)
        y_t = torch.from_numpy(y_index.astype(np.int64)).to(device)
        history = {"loss": [], "accuracy": []}
        optimizer_state = self._train(
            torch, net, arch, X_t, y_t, random_state,
            n_epochs=self.max_epochs, epoch0=0, history=history,
            schedule=self.learning_rate_schedule, optimizer_state=None,
        )
        if arch["batch_norm"]:
            self._recalibrate(torch, net, arch, X_t)
        self.classes_ = classes
        self._store(torch, net, arch, optimizer_state, history, self.max_epochs)
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
                    f"{type(self).__name__} needs at least 2 classes; classes "
                    f"holds {classes.size}."
                )
        else:
            if classes is not None and not np.array_equal(
                np.unique(np.asarray(classes)), self.classes_
            ):
                raise ValueError(
                    f"classes={classes!r} is not the same as classes_="
                    f"{self.classes_!r} of the first call to partial_fit."
                )
            classes = self.classes_
            changed = [
                name for name in _ARCHITECTURE
                if self._architecture_params[name] != getattr(self, name)
            ]
            if changed:
                raise ValueError(
                    f"partial_fit cannot change the architecture of a fitted "
                    f"network; {', '.join(changed)} changed since the first "
                    "call. Call fit to train a new network."
                )
        unknown = ~np.isin(y, classes)
        if unknown.any():
            raise ValueError(
                f"y holds labels that are not in classes: "
                f"{np.unique(y[unknown])[:5]!r}. Pass every class of the "
                "problem in classes on the first call."
            )
        y_index = np.searchsorted(classes, y)
        X32 = self._as_float32(X)
        torch = _import_torch(self)
        device = _resolve_torch_device(torch, self.device)
        if first:
            arch = self._architecture(X.shape[1])
            random_state = check_random_state(self.random_state)
            seed = int(random_state.randint(np.iinfo(np.int32).max))
            net = _build_network(torch, arch, classes.size, seed)
            if self.init == "class_patterns":
                self._init_class_patterns(torch, net, arch, X32, y_index, classes)
            history = {"loss": [], "accuracy": []}
            optimizer_state = None
            epoch0 = 0
        else:
            arch = self._fitted_architecture()
            random_state = self._random_state
            net = self._network(torch, arch, dtype=torch.float32)
            history = {
                "loss": list(self.loss_curve_),
                "accuracy": list(self.accuracy_curve_),
            }
            optimizer_state = _to_torch_tree(self._optimizer_state, torch)
            epoch0 = self.n_iter_
        self._set_trainable(net)
        net = net.to(device)
        X_t = torch.from_numpy(X32).to(device)
        y_t = torch.from_numpy(y_index.astype(np.int64)).to(device)
        optimizer_state = self._train(
            torch, net, arch, X_t, y_t, random_state,
            n_epochs=1, epoch0=epoch0, history=history,
            schedule="constant", optimizer_state=optimizer_state,
        )
        self.classes_ = classes
        self._store(torch, net, arch, optimizer_state, history, epoch0 + 1)
        self._random_state = random_state
        return self

    # -- the pieces of fitting ----------------------------------------------
    @staticmethod
    def _as_float32(X):
        """X as a new C-contiguous float32 array, or a clear ValueError."""
        largest = float(np.max(np.abs(X))) if X.size else 0.0
        if largest > _FLOAT32_MAX:
            raise ValueError(
                f"X holds values up to {largest:.3g} in magnitude, beyond the "
                f"float32 range ({_FLOAT32_MAX:.3g}) the network computes in. "
                "Rescale X (e.g. with sklearn.preprocessing.StandardScaler)."
            )
        return np.array(X, dtype=np.float32, order="C", copy=True)

    def _architecture(self, n_features):
        """The shapes of the network for ``n_features`` inputs."""
        if self.init == "class_patterns" and self.conv_channels is not None:
            raise ValueError(
                "init='class_patterns' needs conv_channels=None: the class "
                "patterns are sub-patterns of the raw input, while the Hopfield "
                "networks behind a convolutional front end store patterns of "
                "its (untrained) output. Use init='random' with a front end."
            )
        arch = {name: getattr(self, name) for name in _ARCHITECTURE}
        arch["beta"] = float(self.beta)
        if self.conv_channels is None:
            arch["image_shape"] = None
            arch["n_channels"] = 1
            arch["n_neurons"] = n_features
            return arch
        if self.image_shape is None:
            side = math.isqrt(n_features)
            if side * side != n_features:
                raise ValueError(
                    f"X has {n_features} features, which is not a square "
                    "number: the convolutional front end cannot infer the "
                    "image shape. Pass image_shape=(height, width)."
                )
            shape = (side, side)
        else:
            shape = tuple(self.image_shape)
            if len(shape) != 2 or not all(
                isinstance(s, Integral) and not isinstance(s, bool) and s >= 1
                for s in shape
            ):
                raise ValueError(
                    "image_shape must be a pair of positive integers "
                    f"(height, width); got {self.image_shape!r}."
                )
            if shape[0] * shape[1] != n_features:
                raise ValueError(
                    f"image_shape={self.image_shape!r} holds "
                    f"{shape[0] * shape[1]} pixels, but X has {n_features} "
                    "features."
                )
            shape = (int(shape[0]), int(shape[1]))
        out = [
            _conv_output_size(s, self.kernel_size, self.stride, self.padding)
            for s in shape
        ]
        if min(out) < 1:
            raise ValueError(
                f"A {self.kernel_size}x{self.kernel_size} kernel does not fit "
                f"into images of shape {shape} with padding={self.padding}: "
                "lower kernel_size or raise padding."
            )
        arch["image_shape"] = shape
        arch["n_channels"] = int(self.conv_channels)
        arch["n_neurons"] = out[0] * out[1]
        return arch

    def _init_class_patterns(self, torch, net, arch, X32, y_index, classes):
        """Seed the patterns with the Ward class sub-patterns of the
        network's input (X after the batch normalization)."""
        from .mapping import class_patterns

        counts = np.bincount(y_index, minlength=classes.size)
        if counts.min() < self.patterns_per_class:
            bad = int(np.argmin(counts))
            raise ValueError(
                f"init='class_patterns' takes {self.patterns_per_class} "
                f"sub-patterns of every class, but class "
                f"{_label(classes[bad])!r} has {counts[bad]} samples here. "
                "Lower patterns_per_class or use init='random'."
            )
        S = X32.astype(np.float64)
        if arch["batch_norm"]:
            # the statistics BatchNorm1d(1) computes on the whole data
            eps = net.norm.eps
            S = (S - S.mean()) / np.sqrt(S.var() + eps)
        patterns, _ = class_patterns(
            S, y_index, n_subpatterns=self.patterns_per_class
        )
        with torch.no_grad():
            net.hopfield.patterns.copy_(
                torch.from_numpy(patterns.astype(np.float32))[None]
            )

    def _set_trainable(self, net):
        net.hopfield.patterns.requires_grad_(bool(self.learn_patterns))
        net.hopfield.log_beta.requires_grad_(bool(self.learn_beta))
        # the merge of a single channel is the identity, whatever its weights
        net.merge.requires_grad_(net.merge.shape[1] > 1)

    def _train(self, torch, net, arch, X_t, y_t, random_state, *, n_epochs,
               epoch0, history, schedule, optimizer_state):
        """``n_epochs`` epochs of Adam on the cross-entropy; returns the
        optimizer's state (on the CPU)."""
        F = torch.nn.functional
        params = list(net.parameters())
        learning_rate = float(self.learning_rate)
        optimizer = torch.optim.Adam(params, lr=learning_rate)
        if optimizer_state is not None:
            optimizer.load_state_dict(optimizer_state)
            for group in optimizer.param_groups:
                group["lr"] = learning_rate
        n_samples = X_t.shape[0]
        batch_size = min(self.batch_size, n_samples)
        n_batches = -(-n_samples // batch_size)
        first_half = math.ceil(n_epochs / 2)
        best_accuracy = -1.0
        net.train()
        for epoch in range(1, n_epochs + 1):
            if schedule == "step" and epoch == first_half + 1:
                learning_rate /= 10
                optimizer = torch.optim.Adam(params, lr=learning_rate)
            t0 = time.perf_counter()
            generator = torch.Generator().manual_seed(
                int(random_state.randint(np.iinfo(np.int32).max))
            )
            order = torch.randperm(n_samples, generator=generator).to(X_t.device)
            total_loss = torch.zeros((), dtype=torch.float64, device=X_t.device)
            n_correct = torch.zeros((), dtype=torch.int64, device=X_t.device)
            for b in range(n_batches):
                index = order[b * batch_size:(b + 1) * batch_size]
                logits = _forward(torch, net, arch, X_t[index])
                loss = F.cross_entropy(logits, y_t[index])
                if not torch.isfinite(loss):
                    self._diverged(epoch0 + epoch, b, n_batches, f"the loss is {loss.item()}")
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                try:
                    optimizer.step()
                except RuntimeError as error:
                    # Adam's step size lr / (1 - β₁ᵗ) beyond float32's range
                    if "overflow" not in str(error):
                        raise
                    self._diverged(
                        epoch0 + epoch, b, n_batches, "the Adam step overflows float32"
                    )
                with torch.no_grad():
                    total_loss += loss.detach().double() * index.numel()
                    n_correct += (logits.argmax(1) == y_t[index]).sum()
            for name, value in net.named_parameters():
                if not torch.isfinite(value).all():
                    self._diverged(
                        epoch0 + epoch, n_batches - 1, n_batches,
                        f"the parameter {name!r} is no longer finite",
                    )
            loss_value = total_loss.item() / n_samples
            accuracy = n_correct.item() / n_samples
            history["loss"].append(loss_value)
            history["accuracy"].append(accuracy)
            if self.verbose:
                print(
                    f"[{type(self).__name__}] epoch {epoch0 + epoch}: loss "
                    f"{loss_value:.4f}, training accuracy {accuracy:.4f}, "
                    f"learning rate {learning_rate:.3g}, "
                    f"{time.perf_counter() - t0:.2f} s"
                )
            if schedule == "adaptive":
                if accuracy <= best_accuracy:
                    learning_rate /= 2
                    for group in optimizer.param_groups:
                        group["lr"] = learning_rate
                best_accuracy = max(best_accuracy, accuracy)
        return _to_numpy_tree(optimizer.state_dict(), torch)

    def _diverged(self, epoch, batch, n_batches, what):
        raise ValueError(
            f"{type(self).__name__} training diverged in epoch {epoch} (batch "
            f"{batch + 1} of {n_batches}): {what}. The step "
            f"(learning_rate={self.learning_rate:g}) is too large for this "
            "data, or X is too large in magnitude: lower learning_rate, by a "
            "factor 10 or more, or rescale X. The estimator was left unchanged."
        )

    @staticmethod
    def _recalibrate(torch, net, arch, X_t):
        """Running statistics of the batch normalization: the average of the
        batch statistics over one pass through X with the final weights."""
        net.norm.reset_running_stats()
        net.train()
        batch_size = 1024
        with torch.no_grad():
            for start in range(0, X_t.shape[0], batch_size):
                _forward(torch, net, arch, X_t[start:start + batch_size])
        net.eval()

    def _store(self, torch, net, arch, optimizer_state, history, n_iter):
        """Write the fitted attributes (new NumPy arrays)."""
        state = {k: _to_numpy_tree(v, torch) for k, v in net.state_dict().items()}
        self.state_dict_ = state
        self._optimizer_state = optimizer_state
        self._architecture_params = {name: getattr(self, name) for name in _ARCHITECTURE}
        self._arch = dict(arch)
        n_classes = self.classes_.size
        self.image_shape_ = arch["image_shape"]
        self.n_channels_ = arch["n_channels"]
        self.n_neurons_ = arch["n_neurons"]
        self.patterns_ = state["hopfield.patterns"].reshape(
            arch["n_channels"], n_classes, arch["patterns_per_class"], arch["n_neurons"]
        ).copy()
        self.beta_ = np.exp(state["hopfield.log_beta"])
        self.intercept_ = state["hopfield.bias"].copy()
        merge = state["merge"].astype(np.float64)
        merge = np.exp(merge - merge.max(axis=1, keepdims=True))
        self.channel_weights_ = merge / merge.sum(axis=1, keepdims=True)
        self.n_parameters_ = int(
            sum(p.numel() for p in net.parameters() if p.requires_grad)
        )
        self.n_iter_ = int(n_iter)
        self.loss_curve_ = history["loss"]
        self.accuracy_curve_ = history["accuracy"]

    # -- prediction ---------------------------------------------------------
    def _fitted_architecture(self):
        return dict(self._arch)

    def _network(self, torch, arch, dtype):
        """A new torch network holding the fitted state, on the CPU."""
        net = _build_network(torch, arch, self.classes_.size, seed=0)
        net.load_state_dict(_to_torch_tree(self.state_dict_, torch))
        return net.to(dtype=dtype)

    def _logits(self, X):
        """Class logits of X (float64), computed from the fitted state."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        X = self._as_float32(X).astype(np.float64)
        torch = _import_torch(self)
        device = _resolve_torch_device(torch, self.device)
        arch = self._fitted_architecture()
        net = self._network(torch, arch, dtype=torch.float64).to(device)
        net.eval()
        out = []
        with torch.no_grad():
            for start in range(0, X.shape[0], self.batch_size):
                chunk = torch.from_numpy(X[start:start + self.batch_size]).to(device)
                out.append(_forward(torch, net, arch, chunk).cpu().numpy())
        logits = np.concatenate(out)
        if not np.isfinite(logits).all():
            raise ValueError(
                "The network's class logits are not finite for some samples of "
                "X: X is far larger in magnitude than the training data. "
                "Rescale X as the training data was."
            )
        return logits

    def predict_proba(self, X):
        """Class probabilities, the softmax of the class logits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; each row sums to 1.
        """
        logits = self._logits(X)
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict(self, X):
        """Predicted class of each sample (the largest class logit).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels of ``classes_``.
        """
        logits = self._logits(X)
        return self.classes_[np.argmax(logits, axis=1)]

