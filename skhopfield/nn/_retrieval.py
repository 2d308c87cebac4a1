"""HopfieldRetrieval and HopfieldLayer: the modern Hopfield update as a
torch module, on given or on learned patterns."""

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._conv import _count, _positive

__all__ = ["HopfieldRetrieval", "HopfieldLayer"]


def _check_fused(fused):
    if not (fused is True or fused is False or fused == "auto"):
        raise ValueError(f'fused must be "auto", True or False; got {fused!r}.')
    return fused


def _sdpa(query, keys, values, scale):
    """softmax(scale · Q Kᵀ) V by scaled_dot_product_attention, on 4-d views.

    Up to two leading (batch) dimensions are broadcast with ``expand`` and
    completed with leading 1s, both views without a copy: the fused kernels
    and the ONNX exporter take 4-d inputs with equal batch sizes.
    """
    batch = torch.broadcast_shapes(query.shape[:-2], keys.shape[:-2], values.shape[:-2])
    if len(batch) > 2:
        return F.scaled_dot_product_attention(query, keys, values, scale=scale)
    lead = (1,) * (2 - len(batch)) + tuple(batch)
    q, k, v = (
        t.expand(*batch, *t.shape[-2:]).view(*lead, *t.shape[-2:])
        for t in (query, keys, values)
    )
    out = F.scaled_dot_product_attention(q, k, v, scale=scale)
    return out.view(*batch, *out.shape[-2:])


def _retrieve(state, keys, values, beta, n_steps, return_weights, fused):
    """``n_steps`` updates ξ ← softmax(β ξ Kᵀ) K, the last one onto V.

    ``beta`` is a float (SDPA's ``scale``) or a tensor (SDPA then gets the
    scaled queries β ξ, so that gradients reach β). ``fused="auto"`` uses
    SDPA except on the CPU; the update that returns its weights is always
    the explicit form.
    """
    use_sdpa = fused is True or (fused == "auto" and state.device.type != "cpu")
    learned = isinstance(beta, torch.Tensor)
    weights = None
    for step in range(n_steps):
        last = step == n_steps - 1
        target = values if last else keys
        if use_sdpa and not (last and return_weights):
            if learned:
                state = _sdpa(beta * state, keys, target, 1.0)
            else:
                state = _sdpa(state, keys, target, beta)
        else:
            weights = F.softmax(beta * (state @ keys.transpose(-2, -1)), dim=-1)
            state = weights @ target
    if return_weights:
        return state, weights
    return state


class HopfieldRetrieval(nn.Module):
    r"""Retrieval from a set of stored patterns by the modern Hopfield update.

    The rows of ``query`` are states :math:`\xi`, the rows of ``stored`` the
    P patterns :math:`X \in \mathbb{R}^{P \times N}`. For a batch
    :math:`\Xi` of queries (rows) one update is

    .. math::

        \Xi \leftarrow \operatorname{softmax}(\beta\, \Xi X^\top)\, X,

    the update :math:`\xi \leftarrow X^\top \operatorname{softmax}(\beta X
    \xi)` of every query, which never raises the energy of the modern
    continuous Hopfield network (Ramsauer et al. 2021 [2]_, Eq. 3; Catacchini,
    Magrini Alunno & Ferracci 2024 [1]_, ch. 3). It is attention with the
    stored patterns as keys and values. On accelerators (CUDA) it is computed by
    :func:`torch.nn.functional.scaled_dot_product_attention` with
    ``scale=beta``, whose fused kernels need not hold the Q × P weights in
    memory; on the CPU, where torch's fused kernel is slower than two
    matrix products for large N (``benchmarks/bench_nn.py``), by the
    explicit form, as when the weights are asked for (``fused`` chooses).
    The module applies ``n_steps`` updates. With ``values``
    :math:`V \in \mathbb{R}^{P \times M}` the first ``n_steps - 1``
    updates move the state among the keys and the last one reads out
    :math:`\operatorname{softmax}(\beta\, \Xi X^\top) V`.

    The stored set is shared by the whole batch: a ``stored`` of shape
    (P, N) is broadcast over the query's leading dimensions without being
    copied. The module has no parameters; see :class:`HopfieldLayer` for
    learned patterns.

    Parameters
    ----------
    beta : float
        Inverse temperature β > 0.
    n_steps : int, default=1
        Number of updates.
    fused : {"auto", True, False}, default="auto"
        Compute the updates with
        :func:`~torch.nn.functional.scaled_dot_product_attention` (True),
        with the explicit softmax(β Ξ Xᵀ) X (False), or with the first
        except on the CPU ("auto"). Both give the same states up to
        rounding; the last update is explicit when the weights are asked
        for.

    References
    ----------
    .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
       Hopfield Networks" (2024).
    .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR
       (2021).

    Examples
    --------
    >>> import torch
    >>> from skhopfield.nn import HopfieldRetrieval
    >>> _ = torch.manual_seed(0)
    >>> stored = torch.randn(100, 64)
    >>> queries = stored[:8] + 0.1 * torch.randn(8, 64)
    >>> retrieve = HopfieldRetrieval(beta=1.0)
    >>> states, weights = retrieve(queries, stored, return_weights=True)
    >>> states.shape, weights.shape
    (torch.Size([8, 64]), torch.Size([8, 100]))
    >>> bool((weights.argmax(dim=1) == torch.arange(8)).all())
    True
    """

    def __init__(self, beta, n_steps=1, *, fused="auto"):
        super().__init__()
        self.beta = _positive("beta", beta)
        self.n_steps = _count("n_steps", n_steps)
        self.fused = _check_fused(fused)

    def forward(self, query, stored, values=None, *, return_weights=False):
        """Apply ``n_steps`` updates to the queries.

        Parameters
        ----------
        query : torch.Tensor of shape (..., Q, N)
            The initial states, one per row.
        stored : torch.Tensor of shape (P, N) or (..., P, N)
            The stored patterns (keys), one per row, broadcast over the
            leading dimensions of ``query``.
        values : torch.Tensor of shape (P, M) or (..., P, M), default=None
            What the last update reads out; None reads out ``stored``.
        return_weights : bool, default=False
            Also return the softmax weights of the last update.

        Returns
        -------
        states : torch.Tensor of shape (..., Q, N) or (..., Q, M)
            The retrieved states.
        weights : torch.Tensor of shape (..., Q, P)
            The weights softmax(β ξ Xᵀ) of the last update; only if
            ``return_weights`` is True.
        """
        if not torch.jit.is_tracing() and (
            query.dim() < 2 or stored.dim() < 2 or query.shape[-1] != stored.shape[-1]
        ):
            raise ValueError(
                "query must have shape (..., Q, N) and stored (..., P, N) with the "
                f"same N; got {tuple(query.shape)} and {tuple(stored.shape)}."
            )
        if values is None:
            values = stored
        elif not torch.jit.is_tracing() and (
            values.dim() < 2 or values.shape[-2] != stored.shape[-2]
        ):
            raise ValueError(
                "values must have shape (..., P, M) with one row per stored pattern "
                f"(P = {stored.shape[-2]}); got {tuple(values.shape)}."
            )
        return _retrieve(
            query, stored, values, self.beta, self.n_steps, return_weights, self.fused
        )

    def extra_repr(self):
        """Describe the module's settings in its ``repr``.

        Returns
        -------
        text : str
            The inverse temperature, the number of steps and ``fused``.
        """
        return f"beta={self.beta}, n_steps={self.n_steps}, fused={self.fused!r}"


class HopfieldLayer(nn.Module):
    r"""Modern Hopfield layer with learned patterns (a learned lookup).

    The layer stores ``n_patterns`` learned patterns
    :math:`X \in \mathbb{R}^{P \times N}` and maps each input
    :math:`\xi \in \mathbb{R}^N` to the state after ``n_steps`` updates

    .. math::

        \xi \leftarrow X^\top \operatorname{softmax}(\beta X \xi)

    of the modern continuous Hopfield network (Ramsauer et al. 2021 [2]_,
    Eq. 3 and the layer "HopfieldLayer" of §3; Catacchini, Magrini Alunno &
    Ferracci 2024 [1]_, ch. 3 and 4). β is learned as ``log_beta``; the
    patterns are the keys and the values. As in :class:`HopfieldRetrieval`,
    the update runs on
    :func:`torch.nn.functional.scaled_dot_product_attention` (with β applied
    to the queries, so that gradients reach it) except on the CPU, where it
    is the explicit softmax(β ξ Xᵀ) X.

    Parameters
    ----------
    in_features : int
        Size N of the input (its last dimension) and of the patterns.
    n_patterns : int
        Number P of learned patterns.
    beta : float, default=None
        Initial inverse temperature; None uses 1/√N, the scale of
        attention.
    n_steps : int, default=1
        Number of updates.
    fused : {"auto", True, False}, default="auto"
        As in :class:`HopfieldRetrieval`: the fused kernel (True), the
        explicit form (False), or the first except on the CPU ("auto").
    device : str or torch.device, default=None
        Device of the parameters.
    dtype : torch.dtype, default=None
        Floating dtype of the parameters.

    Attributes
    ----------
    log_beta : torch.nn.Parameter of shape ()
        ln β.
    patterns : torch.nn.Parameter of shape (n_patterns, in_features)
        The learned patterns, one per row.

    References
    ----------
    .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
       Hopfield Networks" (2024).
    .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR
       (2021).

    Examples
    --------
    >>> import torch
    >>> from skhopfield.nn import HopfieldLayer
    >>> layer = HopfieldLayer(in_features=16, n_patterns=32)
    >>> layer(torch.randn(4, 10, 16)).shape
    torch.Size([4, 10, 16])
    """

    def __init__(
        self,
        in_features,
        n_patterns,
        beta=None,
        n_steps=1,
        *,
        fused="auto",
        device=None,
        dtype=None,
    ):
        super().__init__()
        self.in_features = _count("in_features", in_features)
        self.n_patterns = _count("n_patterns", n_patterns)
        self.initial_beta = (
            1.0 / math.sqrt(self.in_features)
            if beta is None
            else _positive("beta", beta)
        )
        self.n_steps = _count("n_steps", n_steps)
        self.fused = _check_fused(fused)
        kw = {"device": device, "dtype": dtype}
        self.log_beta = nn.Parameter(torch.empty((), **kw))
        self.patterns = nn.Parameter(
            torch.empty(self.n_patterns, self.in_features, **kw)
        )
        self.reset_parameters()

    def reset_parameters(self):
        """Reset β to its initial value and draw the patterns.

        The patterns are drawn from the standard normal distribution, so
        that with β = 1/√N the overlaps β x_iᵀξ of unit-variance inputs are
        of order one.
        """
        with torch.no_grad():
            self.log_beta.fill_(math.log(self.initial_beta))
            self.patterns.normal_()

    def forward(self, x):
        """Retrieve a state for every input vector.

        Parameters
        ----------
        x : torch.Tensor of shape (..., in_features)
            The initial states, along the last dimension.

        Returns
        -------
        states : torch.Tensor of shape (..., in_features)
            The states after ``n_steps`` updates.
        """
        if not torch.jit.is_tracing() and (
            x.dim() < 1 or x.shape[-1] != self.in_features
        ):
            raise ValueError(
                f"HopfieldLayer expects input of shape (..., {self.in_features}); "
                f"got {tuple(x.shape)}."
            )
        beta = self.log_beta.exp()
        if x.dim() == 1:
            return _retrieve(
                x.unsqueeze(0),
                self.patterns,
                self.patterns,
                beta,
                self.n_steps,
                False,
                self.fused,
            ).squeeze(0)
        return _retrieve(
            x, self.patterns, self.patterns, beta, self.n_steps, False, self.fused
        )

    def extra_repr(self):
        """Describe the layer's sizes in its ``repr``.

        Returns
        -------
        text : str
            The constructor arguments that shape the layer.
        """
        return (
            f"in_features={self.in_features}, n_patterns={self.n_patterns}, "
            f"n_steps={self.n_steps}, fused={self.fused!r}"
        )
