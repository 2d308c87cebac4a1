"""VHNN: variational Hopfield network, a modern Hopfield network with
sampling noise on its softmax weights."""

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._conv import _count, _positive

__all__ = ["VHNN"]


class VHNN(nn.Module):
    r"""Variational Hopfield neural network: noisy modern Hopfield updates.

    Each of the ``channels`` channels is a modern continuous Hopfield network
    over ``neurons`` units with ``features`` patterns
    :math:`P_c \in \mathbb{R}^{F \times N}` and inverse temperature
    :math:`\beta_c`, written as an autoencoder with encoder and decoder
    :math:`L_c = \sqrt{\beta_c} P_c`. With :math:`z = \sqrt{\beta_c}\, \xi`,
    one iteration is

    .. math::

        p = \operatorname{softmax}(L_c z), \qquad
        \tilde p = p + \eta_c \sqrt{p \odot (1 - p)} \odot \varepsilon,
        \quad \varepsilon \sim \mathcal{N}(0, I), \qquad
        z \leftarrow L_c^\top \tilde p,

    and the output is :math:`z / \sqrt{\beta_c}`. :math:`\tilde p` is the
    normal approximation of the mean of :math:`1/\eta_c^2` draws from the
    categorical distribution p, so the noise level :math:`\eta_c` (learned
    as ``log_noise``) plays the part of :math:`1/\sqrt{n}`. The standard
    deviation :math:`\sqrt{p(1-p)}` is computed from p detached from the
    graph: gradients reach the patterns through p and the noise level
    through :math:`\eta_c`. Without noise one iteration is the update
    :math:`\xi \leftarrow P_c^\top \operatorname{softmax}(\beta_c P_c \xi)`
    (Catacchini, Magrini Alunno & Ferracci 2024 [1]_, §4.4 and Listing 4.3; the
    update is that of Ramsauer et al. 2021 [2]_).

    The noise is on in training mode and off in evaluation mode
    (``model.eval()``), where the layer returns the noise-free mean update;
    the ``noisy`` argument of :meth:`forward` overrides the mode.

    Parameters
    ----------
    channels : int
        Number of independent networks, one per channel of the input.
    features : int
        Number of stored patterns per channel.
    neurons : int
        Size N of each network's state (the input's last dimension).
    iterations : int, default=1
        Number of updates (0 returns the input).
    beta : float, default=1.0
        Initial inverse temperature of every channel; β is learned as
        ``log_beta``.
    noise : float, default=0.1
        Initial noise level η of every channel; it is learned as
        ``log_noise``.
    device : str or torch.device, default=None
        Device of the parameters.
    dtype : torch.dtype, default=None
        Floating dtype of the parameters.

    Attributes
    ----------
    log_beta : torch.nn.Parameter of shape (channels,)
        ln β_c.
    log_noise : torch.nn.Parameter of shape (channels,)
        ln η_c.
    patterns : torch.nn.Parameter of shape (channels, features, neurons)
        The stored patterns of each channel, one per row.

    References
    ----------
    .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
       Hopfield Networks" (2024).
    .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR
       (2021).

    Examples
    --------
    >>> import torch
    >>> from skhopfield.nn import VHNN
    >>> layer = VHNN(channels=1, features=30, neurons=1024, noise=0.3)
    >>> x = torch.randn(8, 1, 1024)
    >>> layer(x, noisy=True).shape
    torch.Size([8, 1, 1024])
    >>> mean = layer.eval()(x)  # evaluation mode: no noise
    """

    def __init__(
        self,
        channels,
        features,
        neurons,
        iterations=1,
        beta=1.0,
        noise=0.1,
        *,
        device=None,
        dtype=None,
    ):
        super().__init__()
        self.channels = _count("channels", channels)
        self.features = _count("features", features)
        self.neurons = _count("neurons", neurons)
        self.iterations = _count("iterations", iterations, minimum=0)
        self.initial_beta = _positive("beta", beta)
        self.initial_noise = _positive("noise", noise)
        kw = {"device": device, "dtype": dtype}
        self.log_beta = nn.Parameter(torch.empty(self.channels, **kw))
        self.log_noise = nn.Parameter(torch.empty(self.channels, **kw))
        self.patterns = nn.Parameter(
            torch.empty(self.channels, self.features, self.neurons, **kw)
        )
        self.reset_parameters()

    def reset_parameters(self):
        """Reset β to ``beta``, η to ``noise`` and the patterns.

        The patterns are drawn uniformly in ±1/√N (the scale of
        :class:`torch.nn.Linear`'s weights).
        """
        bound = 1.0 / math.sqrt(self.neurons)
        with torch.no_grad():
            self.log_beta.fill_(math.log(self.initial_beta))
            self.log_noise.fill_(math.log(self.initial_noise))
            self.patterns.uniform_(-bound, bound)

    def forward(self, x, *, noisy=None, generator=None):
        """Apply ``iterations`` (noisy) updates to the states.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, channels, neurons)
            Initial states.
        noisy : bool, default=None
            Add the sampling noise to the softmax weights. None follows the
            module's mode: noise in training mode (``self.training``), none
            in evaluation mode.
        generator : torch.Generator, default=None
            Source of the normal draws ε (on the input's device); None uses
            torch's global generator.

        Returns
        -------
        states : torch.Tensor of shape (batch, channels, neurons)
            The states after ``iterations`` updates.
        """
        if not torch.jit.is_tracing() and (
            x.dim() != 3 or x.shape[1] != self.channels or x.shape[2] != self.neurons
        ):
            raise ValueError(
                f"VHNN expects input of shape (batch, {self.channels}, "
                f"{self.neurons}); got {tuple(x.shape)}."
            )
        if noisy is None:
            noisy = self.training
        sqrt_beta = (0.5 * self.log_beta).exp()
        coder = sqrt_beta.view(-1, 1, 1) * self.patterns  # L_c = √β_c P_c
        z = sqrt_beta.view(1, -1, 1) * x
        if noisy:
            eta = self.log_noise.exp().view(1, -1, 1)
        for _ in range(self.iterations):
            p = F.softmax(torch.einsum("cfn,bcn->bcf", coder, z), dim=2)
            if noisy:
                if generator is None:
                    eps = torch.randn_like(p)
                else:
                    eps = torch.randn(
                        p.shape, generator=generator, device=p.device, dtype=p.dtype
                    )
                fixed = p.detach()
                p = p + eta * (fixed * (1 - fixed)).clamp_min(0).sqrt() * eps
            z = torch.einsum("cfn,bcf->bcn", coder, p)
        return z / sqrt_beta.view(1, -1, 1)

    def extra_repr(self):
        """Describe the layer's sizes in its ``repr``.

        Returns
        -------
        text : str
            The constructor arguments that shape the layer.
        """
        return (
            f"channels={self.channels}, features={self.features}, "
            f"neurons={self.neurons}, iterations={self.iterations}"
        )
