"""DeepHNNClassifier: a convolutional front end, a DeepHNN and a convex merge.

The estimator is trained with torch, imported only inside :meth:`fit`,
:meth:`partial_fit` and the prediction methods, so that ``import skhopfield``
never imports torch. Its fitted state is kept as NumPy arrays, so a model
fitted on a GPU pickles and predicts on a machine without one.

The estimator's parameters and predictions are here; the fitting is in its
base class (:mod:`._deep_base`), the training loop in :mod:`._deep_training`
and the torch network in :mod:`._deep_network`.
"""

import numpy as np

from .._validation import Integral, Interval, Real, StrOptions
from ._deep_base import BaseDeepHNNClassifier
from ._deep_network import _FLOAT32_MAX

__all__ = ["DeepHNNClassifier"]


class DeepHNNClassifier(BaseDeepHNNClassifier):
    r"""Classifier made of modern Hopfield networks (the "DeepHNN as MLP").

    The network of Catacchini, Magrini Alunno & Ferracci (2024) [1]_, §4.2,
    trained by gradient descent on the cross-entropy:

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
    """  # noqa: E501 (the type of patterns_ holds on one line)

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
