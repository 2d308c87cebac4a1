"""DeepHNN: several modern Hopfield networks per channel, max over patterns."""

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["DeepHNN"]


class DeepHNN(nn.Module):
    r"""Deep Hopfield neural network: several patterns per feature, max-pooled.

    Per channel, ``features × depth`` stored patterns and, for each feature,
    the logit of its best-matching pattern.

    Each of the ``channels`` channels is a modern continuous Hopfield network
    over ``neurons`` units with its own patterns P_c (``depth × features``
    rows) and inverse temperature β_c. Its state is iterated in logit space,
    where the update ξ ← P_cᵀ softmax(β_c P_c ξ) reads

    .. math::

        \ell^{(0)} = \beta_c P_c \xi, \qquad
        \ell^{(t+1)} = \beta_c P_c P_c^\top \operatorname{softmax}(\ell^{(t)}),

    exactly the logits β_c P_c ξ^{(t)} of the state ξ^{(t)} after t updates,
    at O(C²) per step for C = ``depth × features`` patterns instead of O(C N).
    The output of feature f is the largest of the logits of its ``depth``
    patterns, plus a learned bias:
    y_{c,f} = max_d ℓ_{c, f·depth + d} + b_{c,f} (Catacchini, Magrini
    Alunno & Ferracci 2024 [1]_, §4.2 and Listing 4.1; the update is that of
    Ramsauer et al. 2021 [2]_).

    Parameters
    ----------
    channels : int
        Number of independent Hopfield networks, C_h.
    features : int
        Number of output features per channel.
    depth : int
        Number of stored patterns per feature.
    neurons : int
        Size N of each network's state (the input's last dimension).
    iterations : int, default=1
        Number of softmax updates after the first logits (0 returns the
        logits β P ξ of the input itself).
    beta : float, default=1.0
        Initial inverse temperature of every channel; β is learned as
        ``log_beta``.
    device : str or torch.device, default=None
        Device of the parameters.
    dtype : torch.dtype, default=None
        Floating dtype of the parameters.

    Attributes
    ----------
    log_beta : torch.nn.Parameter of shape (channels,)
        ln β_c.
    bias : torch.nn.Parameter of shape (channels, features)
        The bias b_{c,f} of each feature.
    patterns : torch.nn.Parameter of shape (channels, features * depth, neurons)
        The stored patterns; row ``f * depth + d`` is pattern d of feature f.

    References
    ----------
    .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
       Hopfield Networks" (2024).
    .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR
       (2021).

    Examples
    --------
    >>> import torch
    >>> from skhopfield.nn import DeepHNN
    >>> layer = DeepHNN(channels=2, features=10, depth=3, neurons=64)
    >>> layer(torch.randn(8, 2, 64)).shape
    torch.Size([8, 2, 10])
    """

    def __init__(
        self,
        channels,
        features,
        depth,
        neurons,
        iterations=1,
        beta=1.0,
        *,
        device=None,
        dtype=None,
    ):
        super().__init__()
        for name, value in (
            ("channels", channels),
            ("features", features),
            ("depth", depth),
            ("neurons", neurons),
        ):
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        if int(iterations) != iterations or iterations < 0:
            raise ValueError(
                f"iterations must be a non-negative integer; got {iterations!r}."
            )
        if not beta > 0:
            raise ValueError(f"beta must be positive; got {beta!r}.")
        self.channels, self.features = int(channels), int(features)
        self.depth, self.neurons = int(depth), int(neurons)
        self.iterations = int(iterations)
        self.initial_beta = float(beta)
        kw = {"device": device, "dtype": dtype}
        self.log_beta = nn.Parameter(torch.empty(self.channels, **kw))
        self.bias = nn.Parameter(torch.empty(self.channels, self.features, **kw))
        self.patterns = nn.Parameter(
            torch.empty(self.channels, self.features * self.depth, self.neurons, **kw)
        )
        self.reset_parameters()

    def reset_parameters(self):
        """Reset β to ``beta``, the biases to 0 and the patterns.

        The patterns are drawn uniformly in ±1/√N (the scale of
        :class:`torch.nn.Linear`'s weights).
        """
        bound = 1.0 / math.sqrt(self.neurons)
        with torch.no_grad():
            self.log_beta.fill_(math.log(self.initial_beta))
            self.bias.zero_()
            self.patterns.uniform_(-bound, bound)

    def forward(self, x):
        """Compute the features of the input.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, channels, neurons)
            Initial states, one network per channel.

        Returns
        -------
        y : torch.Tensor of shape (batch, channels, features)
            For each feature, the largest logit of its patterns after
            ``iterations`` updates, plus the bias.
        """
        if not torch.jit.is_tracing() and (
            x.dim() != 3 or x.shape[1] != self.channels or x.shape[2] != self.neurons
        ):
            raise ValueError(
                f"DeepHNN expects input of shape (batch, {self.channels}, "
                f"{self.neurons}); got {tuple(x.shape)}."
            )
        beta = self.log_beta.exp().view(-1, 1, 1)
        keys = beta * self.patterns  # β_c P_c
        loop = keys @ self.patterns.transpose(1, 2)  # β_c P_c P_cᵀ, (C_h, C, C)
        logits = torch.einsum("cln,bcn->bcl", keys, x)
        for _ in range(self.iterations):
            logits = torch.einsum("clp,bcp->bcl", loop, F.softmax(logits, dim=2))
        logits = logits.view(-1, self.channels, self.features, self.depth)
        return logits.amax(dim=3) + self.bias

    def extra_repr(self):
        """Describe the layer's sizes in its ``repr``.

        Returns
        -------
        text : str
            The constructor arguments that shape the layer.
        """
        return (
            f"channels={self.channels}, features={self.features}, "
            f"depth={self.depth}, neurons={self.neurons}, "
            f"iterations={self.iterations}"
        )
