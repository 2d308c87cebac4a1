"""ConvHNN2d: a modern Hopfield network on every region of an image."""

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["ConvHNN2d"]


def _count(name, value, minimum=1):
    """``value`` as an int >= ``minimum``, or a ValueError naming it."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (int(value) != value or value < minimum)
    ):
        kind = "positive" if minimum == 1 else "non-negative"
        raise ValueError(f"{name} must be a {kind} integer; got {value!r}.")
    return int(value)


def _pair(name, value, minimum=1):
    """An int or a pair of ints (each >= ``minimum``) as a pair of ints."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an integer or a pair of integers; got {value!r}."
            )
        return tuple(_count(name, v, minimum) for v in value)
    v = _count(name, value, minimum)
    return (v, v)


def _positive(name, value):
    """``value`` as a finite float > 0, or a ValueError naming it."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number; got {value!r}.") from None
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{name} must be a positive finite number; got {value!r}.")
    return value


class ConvHNN2d(nn.Module):
    r"""Convolutional Hopfield layer: a modern Hopfield network per region.

    Each region (receptive field) of the input, flattened to a vector
    :math:`\xi_r` of :math:`N = C_\text{in} k_h k_w` values, is the state of
    one shared modern continuous Hopfield network with the ``out_channels``
    patterns :math:`P \in \mathbb{R}^{C_\text{out} \times N}` and inverse
    temperature β. The layer returns, for every region, the logits
    :math:`\beta P \xi_r^{(t)}` of the state after t = ``iterations``
    updates :math:`\xi \leftarrow P^\top \operatorname{softmax}(\beta P \xi)`,
    computed in logit space

    .. math::

        \ell^{(0)} = \operatorname{conv2d}(x, \beta P), \qquad
        \ell^{(t+1)} = \operatorname{conv2d}_{1 \times 1}\big(
            \operatorname{softmax}_c(\ell^{(t)}),\ \beta P P^\top\big),
        \qquad y = \ell^{(T)} + b,

    where the softmax runs over the channel (pattern) axis of each pixel and
    the second convolution applies the :math:`C_\text{out} \times
    C_\text{out}` matrix :math:`\beta P P^\top` to every pixel (Catacchini,
    Magrini Alunno & Ferracci 2024 [1]_, §4.3 and Listing 4.2; the update is
    that of Ramsauer et al. 2021 [2]_). :meth:`recall` maps logits back to image space.

    Parameters
    ----------
    in_channels : int
        Number of channels C_in of the input image.
    out_channels : int
        Number of stored patterns C_out, the channels of the output.
    kernel_size : int or tuple of 2 ints
        Height and width (k_h, k_w) of a pattern.
    stride : int or tuple of 2 ints, default=1
        Stride of the convolution, as in :func:`torch.nn.functional.conv2d`.
    padding : int or tuple of 2 ints, default=0
        Zero padding on both sides of each spatial axis.
    dilation : int or tuple of 2 ints, default=1
        Spacing between the pixels of a region.
    iterations : int, default=1
        Number of softmax updates after the first logits (0 returns the
        logits β P ξ_r of each region itself).
    beta : float, default=1.0
        Initial inverse temperature β; it is learned as ``log_beta``.
    device : str or torch.device, default=None
        Device of the parameters.
    dtype : torch.dtype, default=None
        Floating dtype of the parameters.

    Attributes
    ----------
    log_beta : torch.nn.Parameter of shape (1,)
        ln β.
    bias : torch.nn.Parameter of shape (out_channels,)
        The bias b added to the logits of each pattern.
    patterns : torch.nn.Parameter of shape (out_channels, in_channels, kh, kw)
        The stored patterns, one per output channel.

    References
    ----------
    .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
       Hopfield Networks" (2024).
    .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR
       (2021).

    Examples
    --------
    >>> import torch
    >>> from skhopfield.nn import ConvHNN2d
    >>> layer = ConvHNN2d(1, 9, kernel_size=5, padding=2)
    >>> x = torch.randn(4, 1, 28, 28)
    >>> logits = layer(x)
    >>> logits.shape
    torch.Size([4, 9, 28, 28])
    >>> layer.recall(logits).shape
    torch.Size([4, 1, 28, 28])
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        iterations=1,
        beta=1.0,
        *,
        device=None,
        dtype=None,
    ):
        super().__init__()
        self.in_channels = _count("in_channels", in_channels)
        self.out_channels = _count("out_channels", out_channels)
        self.kernel_size = _pair("kernel_size", kernel_size)
        self.stride = _pair("stride", stride)
        self.padding = _pair("padding", padding, minimum=0)
        self.dilation = _pair("dilation", dilation)
        self.iterations = _count("iterations", iterations, minimum=0)
        self.initial_beta = _positive("beta", beta)
        kw = {"device": device, "dtype": dtype}
        self.log_beta = nn.Parameter(torch.empty(1, **kw))
        self.bias = nn.Parameter(torch.empty(self.out_channels, **kw))
        self.patterns = nn.Parameter(
            torch.empty(self.out_channels, self.in_channels, *self.kernel_size, **kw)
        )
        self.reset_parameters()

    def reset_parameters(self):
        """Reset β to ``beta``, the biases to 0 and the patterns.

        The patterns are drawn uniformly in ±1/√N, N = C_in·k_h·k_w (the
        scale of :class:`torch.nn.Conv2d`'s weights).
        """
        fan_in = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
        bound = 1.0 / math.sqrt(fan_in)
        with torch.no_grad():
            self.log_beta.fill_(math.log(self.initial_beta))
            self.bias.zero_()
            self.patterns.uniform_(-bound, bound)

    def forward(self, x):
        """Compute the logits of every region's retrieved pattern, plus the bias.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, in_channels, H, W)
            Input images.

        Returns
        -------
        logits : torch.Tensor of shape (batch, out_channels, H', W')
            ``β P ξ_r`` after ``iterations`` updates, plus the bias; H' and
            W' are those of :func:`torch.nn.functional.conv2d` with the
            layer's stride, padding and dilation.
        """
        if not torch.jit.is_tracing() and (
            x.dim() != 4 or x.shape[1] != self.in_channels
        ):
            raise ValueError(
                f"ConvHNN2d expects input of shape (batch, {self.in_channels}, H, W); "
                f"got {tuple(x.shape)}."
            )
        beta = self.log_beta.exp()
        flat = self.patterns.reshape(self.out_channels, -1)
        loop = (beta * (flat @ flat.T)).view(self.out_channels, self.out_channels, 1, 1)
        logits = F.conv2d(
            x,
            beta.view(1, 1, 1, 1) * self.patterns,
            None,
            self.stride,
            self.padding,
            self.dilation,
        )
        for _ in range(self.iterations):
            logits = F.conv2d(F.softmax(logits, dim=1), loop)
        return logits + self.bias.view(1, -1, 1, 1)

    def recall(self, logits, output_size=None):
        """Map logits back to an image: each region's recalled pattern, overlapped.

        Each pixel's logits give the recalled pattern
        ``Pᵀ softmax(logits)`` of its region; the transposed convolution
        with the patterns adds these patches up where the regions overlap,
        ``conv_transpose2d(softmax(logits, dim=1), patterns)``.

        Parameters
        ----------
        logits : torch.Tensor of shape (batch, out_channels, H', W')
            Logits per region, such as the output of :meth:`forward`.
        output_size : tuple of 2 ints, default=None
            Height and width (H, W) of the image to return, for strides
            where several input sizes give the same H', W'. None returns
            the smallest.

        Returns
        -------
        image : torch.Tensor of shape (batch, in_channels, H, W)
            The recalled image.
        """
        if not torch.jit.is_tracing() and (
            logits.dim() != 4 or logits.shape[1] != self.out_channels
        ):
            raise ValueError(
                f"recall expects logits of shape (batch, {self.out_channels}, H', W'); "
                f"got {tuple(logits.shape)}."
            )
        output_padding = (0, 0)
        if output_size is not None:
            output_size = tuple(output_size)[-2:]
            output_padding = []
            for axis in range(2):
                smallest = (
                    (logits.shape[2 + axis] - 1) * self.stride[axis]
                    - 2 * self.padding[axis]
                    + self.dilation[axis] * (self.kernel_size[axis] - 1)
                    + 1
                )
                extra = int(output_size[axis]) - smallest
                if not 0 <= extra < max(self.stride[axis], self.dilation[axis]):
                    raise ValueError(
                        f"output_size={output_size!r} cannot be reached from logits of "
                        f"shape {tuple(logits.shape)}: along axis {axis} it must be "
                        f"between {smallest} and "
                        f"{smallest + max(self.stride[axis], self.dilation[axis]) - 1}."
                    )
                output_padding.append(extra)
            output_padding = tuple(output_padding)
        return F.conv_transpose2d(
            F.softmax(logits, dim=1),
            self.patterns,
            None,
            self.stride,
            self.padding,
            output_padding,
            1,
            self.dilation,
        )

    def extra_repr(self):
        """Describe the layer's sizes in its ``repr``.

        Returns
        -------
        text : str
            The constructor arguments that shape the layer.
        """
        return (
            f"{self.in_channels}, {self.out_channels}, "
            f"kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}, dilation={self.dilation}, "
            f"iterations={self.iterations}"
        )
