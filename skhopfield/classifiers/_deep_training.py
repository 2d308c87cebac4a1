"""Training of :class:`~skhopfield.DeepHNNClassifier`.

The initial network, the epochs of Adam on the cross-entropy (mini-batches,
learning-rate schedules, divergence checks), the final statistics of the
batch normalization, and the fitted attributes written from the trained
network. The functions take the estimator as their first argument and read
its parameters; only :func:`_set_fitted_attributes` writes to it.
"""

import math
import time

import numpy as np

from ._deep_network import (
    _ARCHITECTURE,
    _build_network,
    _fitted_network,
    _forward,
    _to_numpy_tree,
    _to_torch_tree,
)


def _label(value):
    """A class label as a plain Python value (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


# -- the network to train ----------------------------------------------------
def _new_network(estimator, torch, arch, random_state, X32, y_index, classes):
    """A new network, seeded from ``random_state``, with its initial
    patterns."""
    seed = int(random_state.randint(np.iinfo(np.int32).max))
    net = _build_network(torch, arch, classes.size, seed)
    if estimator.init == "class_patterns":
        _init_class_patterns(estimator, torch, net, arch, X32, y_index, classes)
    return net


def _init_class_patterns(estimator, torch, net, arch, X32, y_index, classes):
    """Seed the patterns with the Ward class sub-patterns of the network's
    input (X after the batch normalization)."""
    from ..mapping import class_patterns

    patterns_per_class = estimator.patterns_per_class
    counts = np.bincount(y_index, minlength=classes.size)
    if counts.min() < patterns_per_class:
        bad = int(np.argmin(counts))
        raise ValueError(
            f"init='class_patterns' takes {patterns_per_class} "
            f"sub-patterns of every class, but class "
            f"{_label(classes[bad])!r} has {counts[bad]} samples here. "
            "Lower patterns_per_class or use init='random'."
        )
    S = X32.astype(np.float64)
    if arch["batch_norm"]:
        # the statistics BatchNorm1d(1) computes on the whole data
        eps = net.norm.eps
        S = (S - S.mean()) / np.sqrt(S.var() + eps)
    patterns, _ = class_patterns(S, y_index, n_subpatterns=patterns_per_class)
    with torch.no_grad():
        net.hopfield.patterns.copy_(torch.from_numpy(patterns.astype(np.float32))[None])


def _resume(estimator, torch):
    """The fitted state of ``estimator`` to train on: its architecture,
    random state, network (float32, on the CPU), history, optimizer state
    (as tensors) and number of epochs run."""
    arch = dict(estimator._arch)
    net = _fitted_network(torch, estimator, arch, dtype=torch.float32)
    history = {
        "loss": list(estimator.loss_curve_),
        "accuracy": list(estimator.accuracy_curve_),
    }
    optimizer_state = _to_torch_tree(estimator._optimizer_state, torch)
    return (
        arch,
        estimator._random_state,
        net,
        history,
        optimizer_state,
        estimator.n_iter_,
    )


def _set_trainable(estimator, net):
    net.hopfield.patterns.requires_grad_(bool(estimator.learn_patterns))
    net.hopfield.log_beta.requires_grad_(bool(estimator.learn_beta))
    # the merge of a single channel is the identity, whatever its weights
    net.merge.requires_grad_(net.merge.shape[1] > 1)


# -- training ----------------------------------------------------------------
def _train(
    estimator,
    torch,
    net,
    arch,
    X32,
    y_index,
    device,
    random_state,
    *,
    n_epochs,
    epoch0,
    history,
    schedule,
    optimizer_state,
    recalibrate,
):
    """Train ``net`` on (X32, y_index) on ``device`` for ``n_epochs`` epochs.

    Appends the loss and accuracy of every epoch to ``history`` and, with
    ``recalibrate`` (and a batch normalization), ends with the running
    statistics of one pass through X. Returns the trained network and the
    optimizer's state (NumPy arrays).
    """
    _set_trainable(estimator, net)
    net = net.to(device)
    X_t = torch.from_numpy(X32).to(device)
    y_t = torch.from_numpy(y_index.astype(np.int64)).to(device)
    optimizer_state = _epochs(
        estimator,
        torch,
        net,
        arch,
        X_t,
        y_t,
        random_state,
        n_epochs=n_epochs,
        epoch0=epoch0,
        history=history,
        schedule=schedule,
        optimizer_state=optimizer_state,
    )
    if recalibrate and arch["batch_norm"]:
        _recalibrate(torch, net, arch, X_t)
    return net, optimizer_state


def _epochs(
    estimator,
    torch,
    net,
    arch,
    X_t,
    y_t,
    random_state,
    *,
    n_epochs,
    epoch0,
    history,
    schedule,
    optimizer_state,
):
    """``n_epochs`` epochs of Adam on the cross-entropy; returns the
    optimizer's state (on the CPU)."""
    params = list(net.parameters())
    learning_rate = float(estimator.learning_rate)
    optimizer = torch.optim.Adam(params, lr=learning_rate)
    if optimizer_state is not None:
        optimizer.load_state_dict(optimizer_state)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate
    n_samples = X_t.shape[0]
    batch_size = min(estimator.batch_size, n_samples)
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
        loss_value, accuracy = _epoch(
            estimator,
            torch,
            net,
            arch,
            optimizer,
            X_t,
            y_t,
            order,
            batch_size,
            epoch0 + epoch,
        )
        history["loss"].append(loss_value)
        history["accuracy"].append(accuracy)
        if estimator.verbose:
            print(
                f"[{type(estimator).__name__}] epoch {epoch0 + epoch}: loss "
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


def _epoch(estimator, torch, net, arch, optimizer, X_t, y_t, order, batch_size, epoch):
    """One pass through the batches of X_t in ``order``; returns the mean
    loss and the accuracy of the epoch."""
    F = torch.nn.functional
    n_samples = X_t.shape[0]
    n_batches = -(-n_samples // batch_size)
    total_loss = torch.zeros((), dtype=torch.float64, device=X_t.device)
    n_correct = torch.zeros((), dtype=torch.int64, device=X_t.device)
    for b in range(n_batches):
        index = order[b * batch_size : (b + 1) * batch_size]
        logits = _forward(torch, net, arch, X_t[index])
        loss = F.cross_entropy(logits, y_t[index])
        if not torch.isfinite(loss):
            _diverged(estimator, epoch, b, n_batches, f"the loss is {loss.item()}")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        try:
            optimizer.step()
        except RuntimeError as error:
            # Adam's step size lr / (1 - β₁ᵗ) beyond float32's range
            if "overflow" not in str(error):
                raise
            _diverged(estimator, epoch, b, n_batches, "the Adam step overflows float32")
        with torch.no_grad():
            total_loss += loss.detach().double() * index.numel()
            n_correct += (logits.argmax(1) == y_t[index]).sum()
    for name, value in net.named_parameters():
        if not torch.isfinite(value).all():
            _diverged(
                estimator,
                epoch,
                n_batches - 1,
                n_batches,
                f"the parameter {name!r} is no longer finite",
            )
    return total_loss.item() / n_samples, n_correct.item() / n_samples


def _diverged(estimator, epoch, batch, n_batches, what):
    raise ValueError(
        f"{type(estimator).__name__} training diverged in epoch {epoch} (batch "
        f"{batch + 1} of {n_batches}): {what}. The step "
        f"(learning_rate={estimator.learning_rate:g}) is too large for this "
        "data, or X is too large in magnitude: lower learning_rate, by a "
        "factor 10 or more, or rescale X. The estimator was left unchanged."
    )


def _recalibrate(torch, net, arch, X_t):
    """Running statistics of the batch normalization: the average of the
    batch statistics over one pass through X with the final weights."""
    net.norm.reset_running_stats()
    net.train()
    batch_size = 1024
    with torch.no_grad():
        for start in range(0, X_t.shape[0], batch_size):
            _forward(torch, net, arch, X_t[start : start + batch_size])
    net.eval()


# -- the fitted attributes ---------------------------------------------------
def _set_fitted_attributes(
    estimator, torch, net, arch, optimizer_state, history, n_iter
):
    """Write the fitted attributes of ``estimator`` (new NumPy arrays)."""
    state = {k: _to_numpy_tree(v, torch) for k, v in net.state_dict().items()}
    estimator.state_dict_ = state
    estimator._optimizer_state = optimizer_state
    estimator._architecture_params = {
        name: getattr(estimator, name) for name in _ARCHITECTURE
    }
    estimator._arch = dict(arch)
    n_classes = estimator.classes_.size
    estimator.image_shape_ = arch["image_shape"]
    estimator.n_channels_ = arch["n_channels"]
    estimator.n_neurons_ = arch["n_neurons"]
    estimator.patterns_ = (
        state["hopfield.patterns"]
        .reshape(
            arch["n_channels"],
            n_classes,
            arch["patterns_per_class"],
            arch["n_neurons"],
        )
        .copy()
    )
    estimator.beta_ = np.exp(state["hopfield.log_beta"])
    estimator.intercept_ = state["hopfield.bias"].copy()
    merge = state["merge"].astype(np.float64)
    merge = np.exp(merge - merge.max(axis=1, keepdims=True))
    estimator.channel_weights_ = merge / merge.sum(axis=1, keepdims=True)
    estimator.n_parameters_ = int(
        sum(p.numel() for p in net.parameters() if p.requires_grad)
    )
    estimator.n_iter_ = int(n_iter)
    estimator.loss_curve_ = history["loss"]
    estimator.accuracy_curve_ = history["accuracy"]
