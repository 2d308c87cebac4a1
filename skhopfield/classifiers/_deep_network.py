"""The torch network of :class:`~skhopfield.DeepHNNClassifier`.

Its shapes (the "architecture", a dict computed from the estimator's
parameters and the number of features), its construction, its forward pass
and the conversion of its state to and from NumPy arrays. torch is passed in
as an argument, never imported at module level, so that ``import skhopfield``
does not import it.
"""

import math

import numpy as np

from .._backend import import_torch
from .._validation import Integral

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


def _conv_output_size(size, kernel_size, stride, padding):
    return (size + 2 * padding - kernel_size) // stride + 1


def _image_shape(estimator, n_features):
    """``(height, width)`` of the images of ``n_features`` pixels."""
    if estimator.image_shape is None:
        side = math.isqrt(n_features)
        if side * side != n_features:
            raise ValueError(
                f"X has {n_features} features, which is not a square "
                "number: the convolutional front end cannot infer the "
                "image shape. Pass image_shape=(height, width)."
            )
        return (side, side)
    shape = tuple(estimator.image_shape)
    if len(shape) != 2 or not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in shape
    ):
        raise ValueError(
            "image_shape must be a pair of positive integers "
            f"(height, width); got {estimator.image_shape!r}."
        )
    if shape[0] * shape[1] != n_features:
        raise ValueError(
            f"image_shape={estimator.image_shape!r} holds "
            f"{shape[0] * shape[1]} pixels, but X has {n_features} "
            "features."
        )
    return (int(shape[0]), int(shape[1]))


def _architecture(estimator, n_features):
    """The shapes of the network of ``estimator`` for ``n_features`` inputs."""
    if estimator.init == "class_patterns" and estimator.conv_channels is not None:
        raise ValueError(
            "init='class_patterns' needs conv_channels=None: the class "
            "patterns are sub-patterns of the raw input, while the Hopfield "
            "networks behind a convolutional front end store patterns of "
            "its (untrained) output. Use init='random' with a front end."
        )
    arch = {name: getattr(estimator, name) for name in _ARCHITECTURE}
    arch["beta"] = float(estimator.beta)
    if estimator.conv_channels is None:
        arch["image_shape"] = None
        arch["n_channels"] = 1
        arch["n_neurons"] = n_features
        return arch
    shape = _image_shape(estimator, n_features)
    kernel_size, padding = estimator.kernel_size, estimator.padding
    out = [_conv_output_size(s, kernel_size, estimator.stride, padding) for s in shape]
    if min(out) < 1:
        raise ValueError(
            f"A {kernel_size}x{kernel_size} kernel does not fit "
            f"into images of shape {shape} with padding={padding}: "
            "lower kernel_size or raise padding."
        )
    arch["image_shape"] = shape
    arch["n_channels"] = int(estimator.conv_channels)
    arch["n_neurons"] = out[0] * out[1]
    return arch


def _build_network(torch, arch, n_classes, seed):
    """The torch modules of the classifier, on the CPU, in float32.

    Every random initial value comes from ``torch.manual_seed(seed)`` inside
    :func:`torch.random.fork_rng`, so the global random state of torch is
    left as it was and two builds with the same seed are identical.
    """
    from ..nn import DeepHNN

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


def _fitted_network(torch, estimator, arch, dtype):
    """A new torch network holding the fitted state of ``estimator``, on the
    CPU."""
    net = _build_network(torch, arch, estimator.classes_.size, seed=0)
    net.load_state_dict(_to_torch_tree(estimator.state_dict_, torch))
    return net.to(dtype=dtype)


def _predict_logits(torch, net, arch, X, batch_size, device):
    """Class logits of the float64 array X, ``batch_size`` rows at a time."""
    net.eval()
    out = []
    with torch.no_grad():
        for start in range(0, X.shape[0], batch_size):
            chunk = torch.from_numpy(X[start : start + batch_size]).to(device)
            out.append(_forward(torch, net, arch, chunk).cpu().numpy())
    return np.concatenate(out)
