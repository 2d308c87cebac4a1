"""One restricted Boltzmann machine, composed from two unit layers.

An :class:`RBM` is a visible layer, a hidden layer (:mod:`~skhopfield.energy.layers`),
weights and an inverse temperature ``β``:

.. math::

    E(v, h) = E_v(v) + E_h(h) - v^T W h, \\qquad p(v, h) \\propto e^{-\\beta E(v, h)}.

Summing out the hidden layer leaves the visible marginal, written once for
every pair of layers with the hidden layer's cumulant generating function
``Γ_h`` (RestrictedBoltzmannMachines.jl's ``free_energy``):

.. math::

    \\ln p(v) + \\ln Z = -\\beta E_v(v) + \\Gamma_h(W^T v),

and both conditionals factorize, ``h | v`` is the hidden layer under the input
``Wᵀv`` and ``v | h`` the visible one under ``Wh``. :meth:`RBM.mirror` swaps
the layers, so every sum over the hidden layer is a sum over the visible
layer of the mirror. The models of the suite are configurations:

- ``RBM(Spin(b), Gaussian(c), W, β)``: the binary-gaussian RBM of Smart &
  Zilman (2021), Eq. E.1 (GaussianRBM, ProjectionHopfieldRBM);
- ``RBM(Spin(b), Spin(c), W)``: the ±1 RBM of Pozas-Kerstjens et al. (2021)
  (SpinRBM), with ``W = ξ_vᵀξ_h/√K`` from :class:`Patterns` for RAPID;
- ``RBM(Binary(b), Binary(c), W)``: the {0, 1} RBM of Hinton (2002) (BinaryRBM).

Weights are a dense array ``W`` of shape ``(n_visible, n_hidden)`` or a
:class:`Patterns` object; arrays are NumPy arrays or torch tensors (the
array-API namespace follows them), random draws come from an object with
``uniform(shape, dtype)`` and ``normal(shape, dtype)`` (an engine).

References
----------
M. Smart and A. Zilman, "On the mapping between Hopfield networks and
Restricted Boltzmann Machines", International Conference on Learning
Representations (ICLR), 2021.

A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March, A. Acín,
M. Lewenstein and P. R. Grzybowski, "Efficient training of energy-based
models via spin-glass control", Machine Learning: Science and Technology,
2021.

G. E. Hinton, "Training products of experts by minimizing contrastive
divergence", Neural Computation 14(8), 1771–1800, 2002.

R. M. Neal, "Annealed importance sampling", Statistics and Computing 11(2),
125–139, 2001.

J. Fernandez-de-Cossio-Diaz, "RestrictedBoltzmannMachines.jl", Julia package,
https://github.com/cossio/RestrictedBoltzmannMachines.jl.
"""

import math
from collections import namedtuple

import numpy as np
from scipy.special import logsumexp as _np_logsumexp

from .._parallel import blas_threads, blas_threads_for, limit_worker_threads
from . import layers as _layers
from ._ais import (
    LogPartitionBounds,
    _ais_estimate,
    _ais_group_sizes,
    _ais_setup,
    _group_streams,
    _GroupStreams,
    _resample,
    _reverse_estimate,
    _run_ais_groups,
    _start_checks,
)
from ._xp import _finfo, _logsumexp, _namespace, _to_float64, _to_numpy

__all__ = ["RBM", "Patterns", "MAX_QUADRATURE_UNITS"]

#: Most gaussian units whose ln Z :meth:`RBM.log_partition_quadrature` integrates.
MAX_QUADRATURE_UNITS = 2


class Dense:
    """Dense weights ``W`` of shape ``(n_visible, n_hidden)``.

    Parameters
    ----------
    W : array of shape (n_visible, n_hidden)
        The weight matrix, a NumPy array or torch tensor.
    """

    def __init__(self, W):
        self.W = W

    @property
    def shape(self):
        """Shape ``(n_visible, n_hidden)`` of the weights, a tuple of ints."""
        return tuple(int(d) for d in self.W.shape)

    @property
    def T(self):
        """The transposed weights ``Wᵀ``, a :class:`Dense` (a view of ``W``)."""
        return Dense(self.W.T)

    def dense(self):
        """Return the matrix ``W``.

        Returns
        -------
        W : array of shape (n_visible, n_hidden)
            The weight matrix itself (not a copy).
        """
        return self.W

    def forward(self, v):
        """Return ``v W``: the input of the hidden layer from visible rows ``v``.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, in the namespace of the weights.

        Returns
        -------
        inputs : array of shape (n_samples, n_hidden)
            ``v W``.
        """
        return v @ self.W

    def backward(self, h):
        """Return ``h Wᵀ``: the input of the visible layer from hidden rows ``h``.

        Parameters
        ----------
        h : array of shape (n_samples, n_hidden)
            Hidden rows, in the namespace of the weights.

        Returns
        -------
        inputs : array of shape (n_samples, n_visible)
            ``h Wᵀ``.
        """
        return h @ self.W.T

    def arrays(self):
        """Return the parameter arrays by name.

        Returns
        -------
        arrays : dict
            ``{"W": W}``, keyed as the gradients of :meth:`gradient`.
        """
        return {"W": self.W}

    def astype(self, convert):
        """Return the weights with the array passed through ``convert``.

        Parameters
        ----------
        convert : callable
            Function of an array that returns an array (a dtype or device
            change).

        Returns
        -------
        weights : Dense
            ``Dense(convert(W))``.
        """
        return Dense(convert(self.W))

    def gradient(self, V_pos, T_pos, V_neg, T_neg):
        """Return ``V_posᵀT_pos − V_negᵀT_neg``, the gradient of the weights.

        The rows of ``T`` are pre-scaled; the difference is computed as one
        product of the stacked rows, ``[V_pos; V_neg]ᵀ [T_pos; −T_neg]``
        (half the time of two products and a subtraction in float64).

        Parameters
        ----------
        V_pos : array of shape (n_pos, n_visible)
            Visible rows of the positive phase.
        T_pos : array of shape (n_pos, n_hidden)
            Their hidden statistics (``E[h | v]``), pre-scaled.
        V_neg : array of shape (n_neg, n_visible)
            Visible rows of the negative phase.
        T_neg : array of shape (n_neg, n_hidden)
            Their hidden statistics, pre-scaled.

        Returns
        -------
        grads : dict
            ``{"W": G}`` with ``G`` of shape ``(n_visible, n_hidden)``.
        """
        xp = _namespace(V_pos)
        V = xp.concat([V_pos, V_neg])
        T = xp.concat([T_pos, -T_neg])
        return {"W": V.T @ T}

    def gradient_from_dense(self, G):
        """Return the gradient of the parameters from the gradient ``G`` of ``W``.

        Parameters
        ----------
        G : array of shape (n_visible, n_hidden)
            Gradient with respect to the dense weight matrix.

        Returns
        -------
        grads : dict
            ``{"W": G}`` (``G`` itself).
        """
        return {"W": G}


class Patterns:
    """RAPID's weights ``W = ξ_vᵀ ξ_h / √K`` from ``K`` patterns.

    Fields are computed through the ``K`` overlaps, ``(v ξ_vᵀ) ξ_h / √K``, in
    ``O(K (V + H))`` per row instead of the ``O(V H)`` of a dense product
    (Pozas-Kerstjens et al. (2021) [1]_, Eq. 5 and App. D), and the
    gradient with respect to the patterns follows by the chain rule (their
    Eqs. A7a–b): for the weight gradient ``G``, ``∂/∂ξ_v = ξ_h Gᵀ / √K`` and
    ``∂/∂ξ_h = ξ_v G / √K``.

    Parameters
    ----------
    xi_v : array of shape (K, n_visible)
        Visible parts of the patterns, a NumPy array or torch tensor.
    xi_h : array of shape (K, n_hidden)
        Hidden parts of the patterns, in the namespace of ``xi_v``.

    Attributes
    ----------
    xi_v : array of shape (K, n_visible)
        Visible parts of the patterns.
    xi_h : array of shape (K, n_hidden)
        Hidden parts of the patterns.
    scale : float
        ``1 / √K``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """

    def __init__(self, xi_v, xi_h):
        self.xi_v, self.xi_h = xi_v, xi_h
        self.scale = 1.0 / math.sqrt(int(xi_v.shape[0]))

    @property
    def shape(self):
        """Shape ``(n_visible, n_hidden)`` of the weights, a tuple of ints."""
        return int(self.xi_v.shape[1]), int(self.xi_h.shape[1])

    @property
    def T(self):
        """The transposed weights ``Wᵀ = ξ_hᵀ ξ_v / √K``: the parts swapped."""
        return Patterns(self.xi_h, self.xi_v)

    def dense(self):
        """Return the dense weight matrix ``W = ξ_vᵀ ξ_h / √K``.

        Returns
        -------
        W : array of shape (n_visible, n_hidden)
            The weights, a new array in the namespace and dtype of the
            patterns.
        """
        return (self.xi_v.T @ self.xi_h) * self.scale

    def forward(self, v):
        """Return ``v W = ((v ξ_vᵀ) / √K) ξ_h``: the input of the hidden layer.

        Computed through the ``K`` overlaps of each row, in ``O(K (V + H))``
        per row.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, in the namespace of the patterns.

        Returns
        -------
        inputs : array of shape (n_samples, n_hidden)
            ``v W``.
        """
        return ((v @ self.xi_v.T) * self.scale) @ self.xi_h

    def backward(self, h):
        """Return ``h Wᵀ = ((h ξ_hᵀ) / √K) ξ_v``: the input of the visible layer.

        Computed through the ``K`` overlaps of each row, in ``O(K (V + H))``
        per row.

        Parameters
        ----------
        h : array of shape (n_samples, n_hidden)
            Hidden rows, in the namespace of the patterns.

        Returns
        -------
        inputs : array of shape (n_samples, n_visible)
            ``h Wᵀ``.
        """
        return ((h @ self.xi_h.T) * self.scale) @ self.xi_v

    def arrays(self):
        """Return the parameter arrays by name.

        Returns
        -------
        arrays : dict
            ``{"xi_v": xi_v, "xi_h": xi_h}``, keyed as the gradients of
            :meth:`gradient`.
        """
        return {"xi_v": self.xi_v, "xi_h": self.xi_h}

    def astype(self, convert):
        """Return the patterns with every array passed through ``convert``.

        Parameters
        ----------
        convert : callable
            Function of an array that returns an array (a dtype or device
            change).

        Returns
        -------
        weights : Patterns
            ``Patterns(convert(xi_v), convert(xi_h))``.
        """
        return Patterns(convert(self.xi_v), convert(self.xi_h))

    def gradient(self, V_pos, T_pos, V_neg, T_neg):
        """Return the gradients of the patterns for ``G = V_posᵀT_pos − V_negᵀT_neg``.

        By the chain rule, ``∂/∂ξ_v = ξ_h Gᵀ / √K`` and ``∂/∂ξ_h = ξ_v G /
        √K`` (Pozas-Kerstjens et al. (2021), Eqs. A7a–b), computed without
        forming ``G``: ``ξ_h Gᵀ = (ξ_h T_posᵀ) V_pos − (ξ_h T_negᵀ) V_neg``,
        and likewise ``ξ_v G``, in ``O(n K (V + H))``.

        Parameters
        ----------
        V_pos : array of shape (n_pos, n_visible)
            Visible rows of the positive phase.
        T_pos : array of shape (n_pos, n_hidden)
            Their hidden statistics (``E[h | v]``), pre-scaled.
        V_neg : array of shape (n_neg, n_visible)
            Visible rows of the negative phase.
        T_neg : array of shape (n_neg, n_hidden)
            Their hidden statistics, pre-scaled.

        Returns
        -------
        grads : dict
            ``{"xi_v": array of shape (K, n_visible), "xi_h": array of shape
            (K, n_hidden)}``.
        """
        # ξ_h Gᵀ = (ξ_h T_posᵀ) V_pos − (ξ_h T_negᵀ) V_neg, and likewise
        # ξ_v G, without forming G: O(n K (V + H))
        xi_v, xi_h, s = self.xi_v, self.xi_h, self.scale
        grad_v = (xi_h @ T_pos.T) @ V_pos - (xi_h @ T_neg.T) @ V_neg
        grad_h = (xi_v @ V_pos.T) @ T_pos - (xi_v @ V_neg.T) @ T_neg
        return {"xi_v": grad_v * s, "xi_h": grad_h * s}

    def gradient_from_dense(self, G):
        """Return the gradients of the patterns from the gradient ``G`` of ``W``.

        By the chain rule, ``∂/∂ξ_v = ξ_h Gᵀ / √K`` and ``∂/∂ξ_h = ξ_v G /
        √K``.

        Parameters
        ----------
        G : array of shape (n_visible, n_hidden)
            Gradient with respect to the dense weight matrix.

        Returns
        -------
        grads : dict
            ``{"xi_v": array of shape (K, n_visible), "xi_h": array of shape
            (K, n_hidden)}``.
        """
        return {
            "xi_v": (self.xi_h @ G.T) * self.scale,
            "xi_h": (self.xi_v @ G) * self.scale,
        }


def _weights(weights):
    return weights if isinstance(weights, (Dense, Patterns)) else Dense(weights)


class RBM:
    """A restricted Boltzmann machine: two layers, weights, inverse temperature.

    Parameters
    ----------
    visible : Spin, Binary or Gaussian
        The visible layer (:mod:`skhopfield.energy.layers`).
    hidden : Spin, Binary or Gaussian
        The hidden layer.
    weights : array of shape (n_visible, n_hidden) or Patterns
        The couplings ``W``.
    beta : float, default=1.0
        Inverse temperature ``β`` (> 0).

    Attributes
    ----------
    visible : Spin, Binary or Gaussian
        The visible layer.
    hidden : Spin, Binary or Gaussian
        The hidden layer.
    weights : Dense or Patterns
        The couplings (a dense array is held in a ``Dense`` object).
    beta : float
        Inverse temperature ``β``.

    Notes
    -----
    The likelihood gradients are returned without the factor ``β`` of the
    exact gradient of ``⟨ln p⟩`` (a step size absorbs it, as Smart & Zilman
    (2021), Eq. 15, do).
    """

    def __init__(self, visible, hidden, weights, beta=1.0):
        self.visible, self.hidden = visible, hidden
        self.weights = _weights(weights)
        self.beta = float(beta)

    def __repr__(self):
        return (
            f"RBM({self.visible!r}, {self.hidden!r}, "
            f"{type(self.weights).__name__}{self.weights.shape}, beta={self.beta:g})"
        )

    @property
    def W(self):
        """The dense weight matrix (formed from the patterns if need be).

        An array of shape ``(n_visible, n_hidden)``.
        """
        return self.weights.dense()

    def mirror(self):
        """Return the same model with the layers swapped (weights transposed).

        Returns
        -------
        model : RBM
            ``RBM(hidden, visible, Wᵀ, beta)``, sharing the layers and the
            arrays of the weights with this model.
        """
        return RBM(self.hidden, self.visible, self.weights.T, self.beta)

    def with_beta(self, beta):
        """Return the same layers and weights at another inverse temperature.

        Parameters
        ----------
        beta : float
            The new inverse temperature ``β`` (> 0).

        Returns
        -------
        model : RBM
            A model sharing the layers and weights with this one.
        """
        return RBM(self.visible, self.hidden, self.weights, beta)

    def astype(self, convert):
        """Return the model with every array passed through ``convert``.

        Parameters
        ----------
        convert : callable
            Function of an array that returns an array (a dtype or device
            change), applied to the biases and the weights' arrays.

        Returns
        -------
        model : RBM
            The converted model, with layers of the same kinds and the same
            ``beta``.
        """
        return RBM(
            self.visible.with_bias(convert(self.visible.bias)),
            self.hidden.with_bias(convert(self.hidden.bias)),
            self.weights.astype(convert),
            self.beta,
        )

    # -- energies -----------------------------------------------------------
    def inputs_h(self, v):
        """Return the input ``Wᵀv`` of the hidden layer from visible rows ``v``.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, a NumPy array or torch tensor (the namespace of the
            weights).

        Returns
        -------
        inputs : array of shape (n_samples, n_hidden)
            ``v W``: one row ``Wᵀv`` per row of ``v``.
        """
        return self.weights.forward(v)

    def inputs_v(self, h):
        """Return the input ``Wh`` of the visible layer from hidden rows ``h``.

        Parameters
        ----------
        h : array of shape (n_samples, n_hidden)
            Hidden rows, a NumPy array or torch tensor (the namespace of the
            weights).

        Returns
        -------
        inputs : array of shape (n_samples, n_visible)
            ``h Wᵀ``: one row ``Wh`` per row of ``h``.
        """
        return self.weights.backward(h)

    def energy(self, v, h):
        """Return the joint energy ``E(v, h)`` of each row pair (without β).

        ``E(v, h) = E_v(v) + E_h(h) − vᵀWh``.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, a NumPy array or torch tensor.
        h : array of shape (n_samples, n_hidden)
            Hidden rows, in the namespace of ``v``.

        Returns
        -------
        energy : array of shape (n_samples,)
            ``E(v, h)`` of each pair of rows, in the namespace of ``v``.
        """
        return (
            self.visible.energy(v)
            + self.hidden.energy(h)
            - (self.inputs_h(v) * h).sum(-1)
        )

    def log_unnormalized(self, v, inputs=None):
        """Return ``ln p(v) + ln Z = −β E_v(v) + Γ_h(Wᵀv)`` of each row of ``v``.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, a NumPy array or torch tensor.
        inputs : array of shape (n_samples, n_hidden) or None, default=None
            ``Wᵀv`` (:meth:`inputs_h`) when the caller has it already.

        Returns
        -------
        log_p : array of shape (n_samples,)
            The unnormalized log-probability of each row (the hidden layer
            summed out), in the namespace of ``v``.
        """
        if inputs is None:
            inputs = self.inputs_h(v)
        return self.hidden.cgf(inputs, self.beta) - self.beta * self.visible.energy(v)

    def free_energy(self, v):
        """Return the free energy ``F(v) = −β⁻¹ (ln p(v) + ln Z)`` of each row of ``v``.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, a NumPy array or torch tensor.

        Returns
        -------
        free_energy : array of shape (n_samples,)
            ``F(v)`` of each row, in the namespace of ``v``.
        """
        return self.log_unnormalized(v) * (-1.0 / self.beta)

    def log_prob(self, v, log_Z=None):
        """Return the log-probability ``ln p(v)`` of each row of ``v``.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, a NumPy array or torch tensor.
        log_Z : float or None, default=None
            ``ln Z``; None computes it by :meth:`log_partition_exact`.

        Returns
        -------
        log_prob : array of shape (n_samples,)
            ``ln p(v)`` of each row, in the namespace of ``v``.
        """
        if log_Z is None:
            log_Z = self.log_partition_exact()
        return self.log_unnormalized(v) - float(log_Z)

    # -- conditionals and sampling --------------------------------------------
    def mean_h(self, v, inputs=None):
        """Return the conditional mean ``E[h | v]`` of each visible row.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, a NumPy array or torch tensor.
        inputs : array of shape (n_samples, n_hidden) or None, default=None
            ``Wᵀv`` (:meth:`inputs_h`) when the caller has it already.

        Returns
        -------
        mean : array of shape (n_samples, n_hidden)
            ``E[h | v]``, in the namespace of ``v``.
        """
        return self.hidden.mean(
            self.inputs_h(v) if inputs is None else inputs, self.beta
        )

    def mean_v(self, h):
        """Return the conditional mean ``E[v | h]`` of each hidden row.

        Parameters
        ----------
        h : array of shape (n_samples, n_hidden)
            Hidden rows, a NumPy array or torch tensor.

        Returns
        -------
        mean : array of shape (n_samples, n_visible)
            ``E[v | h]``, in the namespace of ``h``.
        """
        return self.visible.mean(self.inputs_v(h), self.beta)

    def sample_h(self, v, rng, inputs=None):
        """Draw one state of ``h | v`` per visible row.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, a NumPy array or torch tensor.
        rng : Engine
            Source of the random draws: an object with the methods
            ``uniform(shape, dtype)`` and ``normal(shape, dtype)`` (an engine,
            see :mod:`skhopfield.energy.layers`).
        inputs : array of shape (n_samples, n_hidden) or None, default=None
            ``Wᵀv`` (:meth:`inputs_h`) when the caller has it already.

        Returns
        -------
        h : array of shape (n_samples, n_hidden)
            The hidden states, in the namespace of ``v``.
        """
        return self.hidden.sample(
            self.inputs_h(v) if inputs is None else inputs, self.beta, rng
        )

    def sample_v(self, h, rng):
        """Draw one state of ``v | h`` per hidden row.

        Parameters
        ----------
        h : array of shape (n_samples, n_hidden)
            Hidden rows, a NumPy array or torch tensor.
        rng : Engine
            Source of the random draws: an object with the methods
            ``uniform(shape, dtype)`` and ``normal(shape, dtype)`` (an engine,
            see :mod:`skhopfield.energy.layers`).

        Returns
        -------
        v : array of shape (n_samples, n_visible)
            The visible states, in the namespace of ``h``.
        """
        return self.visible.sample(self.inputs_v(h), self.beta, rng)

    def _sampling_dtype_ok(self, like):
        """Whether ``2β`` and ``1/√β`` are finite normal numbers of the dtype
        of ``like`` (else sampling in it would meet ``0 · inf``)."""
        tiny, big = _finfo(like)
        return tiny <= 2.0 * self.beta <= big and 1.0 / math.sqrt(self.beta) <= big

    def gibbs(self, v, rng, n_steps=1, inputs=None):
        """Block Gibbs sampling ``v → h → v``, ``n_steps`` times.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Start states.
        rng : Engine
            Source of the random draws.
        n_steps : int, default=1
            Number of full steps (``>= 1``).
        inputs : array of shape (n_samples, n_hidden) or None
            ``Wᵀv`` of the start states when the caller has it already (CD
            computes it for the positive phase).

        Returns
        -------
        v : array of shape (n_samples, n_visible)
            The visible states after the last step, in the dtype of ``v``.
        h : array of shape (n_samples, n_hidden)
            The hidden states drawn in the last step.

        Notes
        -----
        Where ``2β`` or ``1/√β`` is not a finite normal number of the input
        dtype (float32 with ``β`` beyond about 1.7e38 or below 5.9e-39), the
        steps run in float64 and the states are returned in the input dtype.
        """
        if int(n_steps) < 1:
            raise ValueError(f"n_steps must be >= 1, got {n_steps!r}.")
        like = v
        model = self
        if not self._sampling_dtype_ok(v):
            model = self.astype(lambda a: _to_float64(a)[0])
            (v,) = _to_float64(v)
            inputs = None if inputs is None else _to_float64(inputs)[0]
        for _ in range(int(n_steps)):
            h = model.sample_h(v, rng, inputs=inputs)
            v = model.sample_v(h, rng)
            inputs = None
        return _namespace(v).astype(v, like.dtype, copy=False), h

    # -- exact sums ---------------------------------------------------------------
    def _enumerated(self, alternative):
        """``(model, mirrored)``: this model or its mirror, whichever has the
        smaller discrete visible layer, checked to be enumerable."""
        vis, hid = self.visible, self.hidden
        mirrored = hid.discrete and (not vis.discrete or hid.n_units < vis.n_units)
        model = self.mirror() if mirrored else self
        if not model.visible.discrete:
            raise ValueError("An RBM with two gaussian layers has no exact sum.")
        _layers.check_enumerable(model.visible.n_units, alternative)
        return model, mirrored

    def _chunks(self, chunk_size, first=0):
        n = self.visible.n_units
        n_states = 1 << n
        step = max(1, int(chunk_size))
        for start in range(first, n_states, step):
            yield self.visible.states(
                start, min(start + step, n_states), self.visible.bias
            )

    def log_partition_exact(self, chunk_size=16384):
        """Exact ``ln Z`` by enumerating the smaller discrete layer.

        ``ln Z = logsumexp_v (−β E_v(v) + Γ_h(Wᵀv))`` over the states of the
        smaller discrete layer (half of them, plus ``ln 2``, for a
        :attr:`flip_symmetric` model) (the other one summed out
        analytically), in chunks of ``chunk_size`` states, in float64.

        Parameters
        ----------
        chunk_size : int, default=16384
            States of the enumerated layer evaluated at once (memory only).

        Returns
        -------
        log_Z : float
            The natural logarithm of the partition function.

        Raises
        ------
        ValueError
            If both layers are gaussian, or if the smaller discrete layer has
            more than :data:`~skhopfield.energy.layers.MAX_EXACT_UNITS` units.
        """
        model, _ = self._enumerated("log_partition_ais")
        model = model.astype(lambda a: _to_float64(a)[0])
        # a flip-symmetric model: the states with the last unit at +1 (the
        # second half of the table) hold half of Z
        half = model.flip_symmetric and isinstance(model.visible, _layers.Spin)
        first = 1 << (model.visible.n_units - 1) if half else 0
        parts = [
            float(_logsumexp(model.log_unnormalized(S), 0))
            for S in model._chunks(chunk_size, first)
        ]
        log_Z = float(_np_logsumexp(np.asarray(parts, dtype=np.float64)))
        return log_Z + math.log(2.0) if half else log_Z

    def model_statistics_exact(self, chunk_size=16384):
        """Exact model averages ``⟨v E[h|v]ᵀ⟩``, ``⟨v⟩``, ``⟨h⟩`` by enumeration.

        The negative phase of the exact log-likelihood gradient: the smaller
        discrete layer is enumerated and the other one enters through its
        conditional mean (a streaming, rescaled log-sum-exp over chunks), in
        float64; the results come back in the dtype and namespace of the
        visible bias.

        Parameters
        ----------
        chunk_size : int, default=16384
            States of the enumerated layer evaluated at once (memory only).

        Returns
        -------
        vh : array of shape (n_visible, n_hidden)
            ``⟨v E[h|v]ᵀ⟩`` under the model.
        v : array of shape (n_visible,)
            ``⟨v⟩`` under the model.
        h : array of shape (n_hidden,)
            ``⟨h⟩`` under the model.

        Raises
        ------
        ValueError
            If both layers are gaussian, or if the smaller discrete layer has
            more than :data:`~skhopfield.energy.layers.MAX_EXACT_UNITS` units.
        """
        like = self.visible.bias
        model, mirrored = self._enumerated("CD-k or PCD")
        model = model.astype(lambda a: _to_float64(a)[0])
        m = -math.inf
        vh = v = h = Z = 0.0
        for S in model._chunks(chunk_size):
            inputs = model.inputs_h(S)
            log_p = model.log_unnormalized(S, inputs=inputs)
            m_new = max(m, float(log_p.max()))
            if m_new > m:
                rescale = math.exp(m - m_new) if m > -math.inf else 0.0
                vh, v, h, Z = vh * rescale, v * rescale, h * rescale, Z * rescale
                m = m_new
            w = _namespace(log_p).exp(log_p - m)
            T = model.hidden.mean(inputs, model.beta)
            vh = vh + S.T @ (T * w[:, None])
            v = v + w @ S
            h = h + w @ T
            Z = Z + float(w.sum())
        vh, v, h = vh / Z, v / Z, h / Z
        if mirrored:
            vh, v, h = vh.T, h, v
        xp = _namespace(like)
        return tuple(xp.astype(a, like.dtype) for a in (vh, v, h))

    # -- gradients ----------------------------------------------------------------
    def gradient(self, V_pos, V_neg, *, scale=1.0, inputs_pos=None, w_neg=None):
        """Likelihood gradient estimated from data and negative-phase states.

        ``⟨v E[h|v]ᵀ⟩_pos − ⟨v E[h|v]ᵀ⟩_neg`` for the weights (through the
        chain rule for :class:`Patterns`), ``⟨v⟩_pos − ⟨v⟩_neg`` for the
        visible bias and ``⟨E[h|v]⟩_pos − ⟨E[h|v]⟩_neg`` for the hidden one:
        the Rao–Blackwellized CD / PCD estimate (Hinton (2002); Tieleman
        (2008); Smart & Zilman (2021), Eq. 15), without the factor ``β``.

        Parameters
        ----------
        V_pos : array of shape (n_pos, n_visible)
            Data.
        V_neg : array of shape (n_neg, n_visible)
            Negative-phase states.
        scale : float, default=1.0
            Factor applied to every gradient (a step size), on the small
            factors rather than on the ``(n_visible, n_hidden)`` products.
        inputs_pos : array or None
            ``Wᵀ V_pos`` when the caller has it already.
        w_neg : array of shape (n_neg,) or None
            Weights of the negative states (summing to 1); uniform when None.

        Returns
        -------
        grads : dict
            Gradients keyed ``"W"`` (or ``"xi_v"``, ``"xi_h"``), ``"b"``
            (visible bias) and ``"c"`` (hidden bias).
        """
        T_pos = self.mean_h(V_pos, inputs=inputs_pos) * (scale / int(V_pos.shape[0]))
        T_neg = self.mean_h(V_neg)
        if w_neg is None:
            T_neg = T_neg * (scale / int(V_neg.shape[0]))
            v_neg = V_neg.mean(0) * scale
        else:
            T_neg = T_neg * (w_neg[:, None] * scale)
            v_neg = (w_neg @ V_neg) * scale
        grads = self.weights.gradient(V_pos, T_pos, V_neg, T_neg)
        grads["b"] = V_pos.mean(0) * scale - v_neg
        grads["c"] = T_pos.sum(0) - T_neg.sum(0)
        return grads

    def log_partition_quadrature(self, points_per_width=3.0, chunk_size=4096):
        """``ln Z`` of an RBM with one or two gaussian units, by quadrature.

        The discrete layer is summed out and the gaussian one integrated on
        a grid (Smart & Zilman (2021), Eq. E.5, the continuous
        representation):

        .. math::

            Z = \\left(\\frac{\\beta}{2\\pi}\\right)^{p/2} \\int
            e^{-\\beta \\lVert \\lambda - c \\rVert^2 / 2 + \\Gamma(W\\lambda)}
            \\, d\\lambda.

        Every stationary point satisfies ``λ − c = Wᵀ E[x | Wλ]``, so the
        mass lies within ``Σ_i |W_ij|`` of ``c_j`` in each direction, plus a
        margin over which the integrand falls by ``e^{-60}`` or more. The
        integrand is smooth and its peaks are at least ``β^{-1/2}`` wide
        (the Hessian of its logarithm is at least ``−β I``: the discrete
        layer's part is convex), so the trapezoidal
        rule with ``points_per_width`` points per ``β^{-1/2}`` converges
        spectrally (on MNIST-sized models the result did not move, to
        rounding, between 2 and 4 points per width).

        Parameters
        ----------
        points_per_width : float, default=3.0
            Grid points per ``β^{-1/2}``.
        chunk_size : int, default=4096
            Grid points evaluated at once.

        Returns
        -------
        log_Z : float
            The natural logarithm of the partition function.

        Raises
        ------
        ValueError
            Unless one layer is discrete and the other gaussian with at most
            two units.
        """
        model = self.mirror() if isinstance(self.hidden, _layers.Gaussian) else self
        if not (isinstance(model.visible, _layers.Gaussian) and model.hidden.discrete):
            raise ValueError("Quadrature needs one discrete and one gaussian layer.")
        p = model.visible.n_units
        if p > MAX_QUADRATURE_UNITS:
            raise ValueError(
                f"Quadrature integrates at most {MAX_QUADRATURE_UNITS} gaussian units, "
                f"got {p}; use log_partition_ais instead."
            )
        model = model.astype(lambda a: _to_numpy(_to_float64(a)[0]))
        W, c, beta = model.W, model.visible.bias, model.beta
        # W here is (p, n_discrete): the mirror's weights
        reach = np.abs(W).sum(1) + math.sqrt(2.0 * 60.0 / beta)
        h = 1.0 / (math.sqrt(beta) * float(points_per_width))
        axes = [
            c[j] + h * np.arange(-math.ceil(reach[j] / h), math.ceil(reach[j] / h) + 1)
            for j in range(p)
        ]
        grid = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], 1)
        parts = [
            float(_np_logsumexp(model.log_unnormalized(grid[i : i + chunk_size])))
            for i in range(0, grid.shape[0], int(chunk_size))
        ]
        # the trapezoid's cell h^p and the base measure's (β/2π)^{p/2}
        return float(_np_logsumexp(parts)) + p * (
            math.log(h) + 0.5 * math.log(beta / (2 * math.pi))
        )

    def exact_gradient(self, V_pos, *, scale=1.0, inputs_pos=None):
        """Return the exact likelihood gradient, without the factor ``β``.

        The data statistics minus the exact model statistics
        (:meth:`model_statistics_exact`), keyed as :meth:`gradient`.

        Parameters
        ----------
        V_pos : array of shape (n_pos, n_visible)
            Data, a NumPy array or torch tensor.
        scale : float, default=1.0
            Factor applied to every gradient (a step size).
        inputs_pos : array of shape (n_pos, n_hidden) or None, default=None
            ``Wᵀ V_pos`` when the caller has it already.

        Returns
        -------
        grads : dict
            Gradients keyed ``"W"`` (or ``"xi_v"``, ``"xi_h"``), ``"b"``
            (visible bias) and ``"c"`` (hidden bias).

        Raises
        ------
        ValueError
            If the model statistics cannot be enumerated
            (:meth:`model_statistics_exact`).
        """
        T_pos = self.mean_h(V_pos, inputs=inputs_pos) * (scale / int(V_pos.shape[0]))
        vh, v, h = self.model_statistics_exact()
        G = V_pos.T @ T_pos - vh * scale
        grads = self.weights.gradient_from_dense(G)
        grads["b"] = (V_pos.mean(0) - v) * scale
        grads["c"] = T_pos.sum(0) - h * scale
        return grads

    def free_energy_grad(self, v):
        """Return the gradient ``∇F(v) = ∇E_v(v) − W E[h | v]`` of each row of ``v``.

        For a gaussian visible layer (e.g. the mirror of a binary–gaussian
        RBM, whose ``F`` is the hidden free energy ``F0(λ)`` of Smart &
        Zilman (2021) [1]_, Eq. 8) ``−∇F`` drives the mean dynamics of the
        units, and ``∇F(v*) = 0`` is the saddle-point (mean-field) equation
        ``v* = θ + W E[h | v*]``. For a discrete layer it is the gradient of
        the same formula, continued between the states.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, a NumPy array or torch tensor.

        Returns
        -------
        grad : array of shape (n_samples, n_visible)
            ``∇F(v)`` of each row: ``−θ − W E[h | v]`` for a discrete visible
            layer, ``v − θ − W E[h | v]`` for a gaussian one, in the namespace
            of ``v``.

        References
        ----------
        .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield
           networks and Restricted Boltzmann Machines", International
           Conference on Learning Representations (ICLR), 2021.
        """
        bias = self.visible.bias
        grad_energy = -bias if self.visible.discrete else v - bias
        return grad_energy - self.inputs_v(self.mean_h(v))

    def ground_state(self, *, return_all=False, rtol=1e-12, chunk_size=16384):
        """Exact minimum of ``E(v, h)``, enumerating the smaller discrete layer.

        For fixed states ``s`` of that layer, the other layer's minimum
        ``min_t (E(t) − tᵀ inputs(s))`` is in closed form (for ±1 units
        ``−Σ|x_α|`` at ``t = sign(x)``; Pozas-Kerstjens et al. (2021) [1]_,
        Sec. V.A.1), so only ``2**n`` states are visited. In float64.

        Parameters
        ----------
        return_all : bool, default=False
            Return every configuration whose energy is within ``rtol · (1 +
            |E_0|)`` of the minimum (degenerate ground states, e.g. ``±ξ`` of
            a Mattis model) instead of the first one found. A unit of the
            other layer with zero field takes its high value (degenerate
            directions of that layer are not expanded).
        rtol : float, default=1e-12
            Relative tolerance on the energy for ``return_all``.
        chunk_size : int, default=16384
            States of the enumerated layer evaluated at once (memory only).

        Returns
        -------
        energy : float
            The ground-state energy ``E_0``.
        v : ndarray of shape (n_visible,) or (n_ground_states, n_visible)
            The visible states (NumPy) of the ground state, one row per
            ground state with ``return_all=True``.
        h : ndarray of shape (n_hidden,) or (n_ground_states, n_hidden)
            The hidden states paired with ``v``.

        References
        ----------
        .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A.
           García-March, A. Acín, M. Lewenstein and P. R. Grzybowski,
           "Efficient training of energy-based models via spin-glass
           control", Machine Learning: Science and Technology, 2021.
        """
        model = self.astype(lambda a: np.asarray(_to_numpy(a), dtype=np.float64))
        small, mirrored = model._enumerated(alternative=None)
        energies, table = [], []
        for S in small._chunks(chunk_size):
            energies.append(
                small.visible.energy(S) + small.hidden.ground(small.inputs_h(S))[0]
            )
            table.append(S)
        energies = np.concatenate(energies)
        e0 = float(energies.min())
        if return_all:
            idx = np.flatnonzero(energies <= e0 + rtol * (1.0 + abs(e0)))
        else:
            idx = np.array([int(np.argmin(energies))])
        S = np.concatenate(table)[idx]
        T = small.hidden.ground(small.inputs_h(S))[1]
        v, h = (T, S) if mirrored else (S, T)
        if not return_all:
            v, h = v[0], h[0]
        return e0, v, h

    # -- annealed importance sampling ---------------------------------------------
    @property
    def flip_symmetric(self):
        """Whether ``p(v, h) = p(−v, −h)``, a bool.

        True for ±1 or gaussian layers (at least one discrete) with every
        bias zero (the ±1 RBM without biases, RAPID, the projection Hopfield
        RBM). Such a model has its modes in mirror pairs.
        """
        layers = (self.visible, self.hidden)
        if not all(
            isinstance(layer, (_layers.Spin, _layers.Gaussian)) for layer in layers
        ):
            return False
        if not any(layer.discrete for layer in layers):
            return False
        return not any(
            bool(_namespace(layer.bias).any(layer.bias != 0)) for layer in layers
        )

    def _ais_start(self, engine, base_bias, base_weights, mirror):
        """The AIS start: the biases ``θ_κ`` of its components (``(n_visible,)``
        for one, ``(K, n_visible)`` for a mixture), its log-weights
        ``ln π_κ`` (None for one) and ``ln Z_0``; ``mirror`` resolved
        (``"auto"``: for a flip-symmetric model) adds the mirror image of
        every component, each pair sharing its component's weight."""
        like = self.visible.bias
        if base_bias is None:
            if base_weights is not None:
                raise ValueError("base_weights needs base_bias.")
            base_bias = like
        elif not self.visible.discrete:
            raise ValueError("base_bias needs a discrete visible layer.")
        biases = engine.asarray(base_bias, dtype=np.float64)
        n = self.visible.n_units
        if biases.ndim not in (1, 2) or int(biases.shape[-1]) != n:
            raise ValueError(
                f"base_bias has shape {tuple(biases.shape)}; expected ({n},), one "
                f"bias per visible unit, or (n_components, {n}) for a mixture."
            )
        xp = _namespace(biases)
        biases = xp.reshape(biases, (-1, n))
        k = int(biases.shape[0])
        if base_weights is None:
            log_prior = np.full(k, -math.log(k))
        else:
            w = np.asarray(_to_numpy(base_weights), dtype=np.float64)
            if w.shape != (k,) or not np.all(np.isfinite(w)) or np.any(w <= 0):
                raise ValueError(
                    f"base_weights must hold {k} positive finite weights, one per "
                    f"row of base_bias; got {w!r}."
                )
            log_prior = np.log(w / w.sum())
        if mirror == "auto":
            # (a gaussian start, centred at 0 here, is its own mirror image)
            mirror = self.flip_symmetric and isinstance(self.visible, _layers.Spin)
        elif not isinstance(mirror, (bool, np.bool_)):
            raise ValueError(f"mirror must be True, False or 'auto', got {mirror!r}.")
        if mirror and not isinstance(self.visible, _layers.Spin):
            raise ValueError("mirror=True needs a visible layer of ±1 units.")
        if mirror and bool(xp.any(biases != 0)):  # (a zero bias is its own mirror)
            biases = xp.concat([biases, -biases])
            log_prior = np.concatenate([log_prior, log_prior]) - math.log(2.0)
        free = self.hidden.with_bias(
            xp.zeros((1, self.hidden.n_units), dtype=xp.float64)
        )
        log_Z_hidden = float(free.cgf(free.bias, self.beta)[0])
        # ln Z of each component: its independent units without input
        log_Z_parts = _to_numpy(
            self.visible.with_bias(biases).cgf(xp.zeros_like(biases), self.beta)
        )
        if int(biases.shape[0]) == 1:
            return biases[0], None, log_Z_hidden + float(log_Z_parts[0])
        # the mixture of normalized components has Z = 1; the extended model
        # at γ = 1 is Σ_κ π_κ / Z_κ times the model (see _mixture_term)
        log_mix = log_prior - log_Z_parts
        return (
            biases,
            (log_prior, log_mix),
            log_Z_hidden - float(_np_logsumexp(log_mix)),
        )

    def _ais_prepare(
        self,
        engine,
        random_state,
        dtype,
        n_chains,
        n_betas,
        schedule,
        base_bias,
        base_weights,
        mirror,
    ):
        """What forward and reverse AIS share: the engine, the model in the
        sampling dtype, the start, ``ln Z_0``, the couplings and the chain
        groups."""
        engine, dtype, n_chains, gammas = _ais_setup(
            self.visible.bias, engine, random_state, dtype, n_chains, n_betas, schedule
        )
        biases, mixture, log_Z0 = self._ais_start(
            engine, base_bias, base_weights, mirror
        )
        model = self.astype(lambda a: engine.asarray(a, dtype=dtype))
        fast = (
            not engine.is_torch
            and isinstance(model.visible, _layers.Spin)
            and isinstance(model.hidden, _layers.Gaussian)
            and isinstance(model.weights, Dense)
        )
        if mixture is not None:
            mixture = tuple(engine.asarray(a, dtype=np.float64) for a in mixture)
        return _AISRun(
            engine=engine,
            model=model,
            base_bias=engine.asarray(biases, dtype=dtype),
            log_Z0=log_Z0,
            gammas=gammas,
            sizes=_ais_group_sizes(n_chains),
            mixture=mixture,
            task=_ais_log_weights_spin_gaussian if fast else _ais_log_weights,
        )

    def _ais_chains(self, run, gammas, n_jobs, init=None):
        """Log-weights and final states of the chains of ``run`` along the
        couplings ``gammas`` (from ``init``, or from the start when None)."""
        engine, model = run.engine, run.model
        streams = _group_streams(engine, len(run.sizes))
        # the process's BLAS threads, before blas_threads_for may limit them
        threads = 1 if engine.is_torch else blas_threads()
        with blas_threads_for(
            max(run.sizes), *model.weights.shape, active=not engine.is_torch
        ):
            return _run_ais_groups(
                run.task,
                (model, run.base_bias, gammas, engine.device, run.mixture),
                run.sizes,
                streams,
                n_jobs,
                batch=engine.is_torch and engine.device.type != "cpu",
                threads=threads,
                init=init,
            )

    def log_partition_ais(
        self,
        n_chains=500,
        n_betas=1000,
        engine=None,
        random_state=None,
        dtype=None,
        schedule="quadratic",
        n_jobs=None,
        base_bias=None,
        base_weights=None,
        mirror="auto",
    ):
        """Estimate ``ln Z`` by annealed importance sampling (Neal, 2001).

        The weights and the hidden bias are annealed from 0 to 1 through
        the models of hidden field ``γ (Wᵀv + c)``, ``0 = γ_0 < … < γ_{K−1}
        = 1``, with the hidden layer summed out, so the chains
        importance-weight the visible marginals ``ln p*_γ(v) = −β E_v(v) +
        Γ_h^{γc}(γ Wᵀv)`` (the hidden layer's cgf with the bias ``γc``). At
        ``γ = 0`` the visible units are independent and the hidden ones free:
        ``ln Z_0 = Γ_v(0) + Γ_h^0(0)`` and ``p_0`` is sampled exactly. Each
        chain adds ``ln p*_{γ_k}(v) − ln p*_{γ_{k−1}}(v)`` to its log-weight
        (in float64) and moves by one block Gibbs sweep ``v → h → v`` of the
        model at ``γ_k``, which leaves ``p*_{γ_k}`` invariant (Neal [1]_).
        With ``base_bias`` the visible bias is annealed too, from the
        base-rate model of the data: the path of Salakhutdinov & Murray [2]_.

        The start may also be a mixture of such independent models
        (``base_bias`` of shape ``(K, n_visible)``, weights ``π_κ``), through
        a component index ``κ`` of each chain: the extended model ``p*_γ(v,
        κ) ∝ (π_κ / Z_κ) exp(β (1 − γ) θ_κᵀv + β γ θᵀv) Γ_h^{γc}(γ Wᵀv)``
        is the normalized mixture at ``γ = 0`` and ``Σ_κ π_κ / Z_κ`` times the
        model at ``γ = 1``; each sweep draws ``κ | v`` as well, and the
        weights sum ``κ`` out, ``ln Σ_κ (π_κ / Z_κ) exp(β (1 − γ) θ_κᵀv)``
        (fewer random terms than carrying ``κ``). Components at the data's
        clusters start chains near the data's modes; whether chains stay in
        a mode along the path is another matter (on a two-digit projection
        Hopfield RBM they did not: see :meth:`log_partition_bounds`).

        A flip-symmetric model (:attr:`flip_symmetric`: ``p(v) = p(−v)``)
        has its modes in mirror pairs, and chains that start on one side
        never cross to the other: from the base-rate start alone they find
        half of ``Z`` and the estimate is ``ln 2`` too low with a tiny
        standard error. With ``mirror`` (by default for such a model) every
        component is joined by its mirror image ``−θ_κ``; every step then
        commutes with the flip ``(v, h) → (−v, −h)``, so the chains stay
        evenly spread over the mirror pairs along the whole path.

        Parameters
        ----------
        n_chains : int, default=500
            Number of independent AIS runs (``>= 2``).
        n_betas : int, default=1000
            Number of distributions, endpoints included. Ignored when
            ``schedule`` is an array.
        engine : skhopfield._backend.Engine or None, default=None
            Backend, device and seed; built from ``random_state`` when None
            (torch on the weights' device if they are tensors).
        random_state : int, RandomState instance or None, default=None
            Seed, used only when ``engine`` is None.
        dtype : dtype or None, default=None
            Floating dtype of the sampling (float64 for NumPy weights).
        schedule : {"quadratic", "linear"} or array-like, default="quadratic"
            ``"linear"``: ``γ_k = k/(K−1)``; ``"quadratic"``: ``γ_k =
            sqrt(k/(K−1))``; or the values ``γ_k`` themselves, increasing
            strictly from 0 to 1.
        n_jobs : int or None, default=None
            Workers that run the groups of chains through joblib; the result
            does not depend on it.
        base_bias : array of shape (n_visible,) or None, default=None
            Visible bias ``θ_A`` of the start distribution (a discrete visible
            layer only). The visible bias then moves along the path too,
            ``(1 − γ) θ_A + γ θ``, and each increment gains
            ``β (γ_k − γ_{k−1}) (θ − θ_A)ᵀv``: the base-rate start of
            Salakhutdinov & Murray [2]_, whose ``θ_A`` fits the independent
            marginals of the data. None starts from the model's own visible
            bias (``θ_A = θ``).
            Of shape ``(K, n_visible)``: the biases ``θ_κ`` of a mixture of
            ``K`` such starts (each annealed to ``θ``).
        base_weights : array of shape (K,) or None, default=None
            Weights ``π_κ`` of the components of ``base_bias`` (normalized
            here); None weighs them evenly.
        mirror : bool or "auto", default="auto"
            Add the mirror image ``−θ_κ`` of every start component (±1
            visible units), with half its weight; ``"auto"``: exactly when
            the model is :attr:`flip_symmetric`.

        Returns
        -------
        estimate : AISEstimate
            ``(log_Z, std_error)``: the estimate of ``ln Z`` and its
            delta-method standard error, with the effective sample size of
            the weights (``estimate.ess``) and the start.

        Notes
        -----
        The chains run in ``ceil(n_chains / 256)`` groups, each on its own
        random stream fixed by the seed (see :mod:`skhopfield.energy._ais`),
        so the estimate does not depend on ``n_jobs``. ``exp(log_Z)`` is
        unbiased, so ``log_Z`` is biased low (by about ``std_error² / 2``
        when the chains reach every mode, by far more when they miss some):
        a stochastic lower bound. :meth:`log_partition_bounds` adds the
        upper side.

        References
        ----------
        .. [1] R. M. Neal, "Annealed importance sampling", Statistics and
           Computing 11(2), 125–139, 2001.
        .. [2] R. Salakhutdinov and I. Murray, "On the quantitative analysis
           of deep belief networks", Proceedings of the 25th International
           Conference on Machine Learning (ICML), 872–879, 2008.
        """
        run = self._ais_prepare(
            engine,
            random_state,
            dtype,
            n_chains,
            n_betas,
            schedule,
            base_bias,
            base_weights,
            mirror,
        )
        log_w, states = self._ais_chains(run, run.gammas, n_jobs)
        estimate = _ais_estimate(log_w, run.log_Z0, run.start, self._log_p_star(states))
        # the chains' end, for log_partition_bounds(forward=estimate)
        estimate._chains = (log_w, states)
        return estimate

    def log_partition_bounds(
        self,
        n_chains=500,
        n_betas=1000,
        engine=None,
        random_state=None,
        dtype=None,
        schedule="quadratic",
        n_jobs=None,
        base_bias=None,
        base_weights=None,
        mirror="auto",
        init=None,
        n_burn=None,
        forward=None,
    ):
        """Stochastic lower and upper bounds of ``ln Z``.

        Forward AIS and reverse annealing (Burda, Grosse & Salakhutdinov,
        2015): the lower bound is :meth:`log_partition_ais`. The upper bound runs
        the same path backwards, ``γ = 1 → 0``, from samples of the model:
        the chains' weights ``Π p*_{γ_{k−1}}(v_k) / p*_{γ_k}(v_k)`` have the
        mean ``Z_0 / Z`` when the chains start at exact samples, so ``ln Z_0
        − ln mean(w)`` is at least ``ln Z`` in expectation (Jensen), as the
        forward estimate is at most ``ln Z``. A gap between the two says
        how far either can be from ``ln Z``; a small gap with
        :attr:`~LogPartitionBounds.burn_in_z` near 0 says that both are
        close.

        The reverse chains start from ``init`` or, by default, from the
        final states of the forward chains resampled in proportion to their
        weights (approximate samples of the model); for a flip-symmetric
        model each start is mirrored with probability ½ (an exact symmetry
        of the model). They then take ``n_burn`` Gibbs sweeps of the model,
        and the drift of their mean ``ln p*(v)`` over the second half of
        those sweeps (``burn_in_z``) and the distance of its final value from
        the forward chains' importance-weighted estimate of its expectation
        (``start_z``), in standard errors, are returned as the evidence of
        how far the starts are from samples of the model.

        Parameters
        ----------
        n_chains : int, default=500
            Number of independent AIS runs (``>= 2``), as for
            :meth:`log_partition_ais` (the reverse chains use the same path
            and, unless ``init`` says otherwise, as many chains).
        n_betas : int, default=1000
            Number of distributions, as for :meth:`log_partition_ais`.
        engine : skhopfield._backend.Engine or None, default=None
            Backend, device and seed, as for :meth:`log_partition_ais`.
        random_state : int, RandomState instance or None, default=None
            Seed, used only when ``engine`` is None.
        dtype : dtype or None, default=None
            Floating dtype of the sampling, as for :meth:`log_partition_ais`.
        schedule : {"quadratic", "linear"} or array-like, default="quadratic"
            The couplings ``γ_k``, as for :meth:`log_partition_ais`.
        n_jobs : int or None, default=None
            Workers that run the groups of chains through joblib, as for
            :meth:`log_partition_ais`.
        base_bias : array of shape (n_visible,) or (K, n_visible), default=None
            The start, as for :meth:`log_partition_ais` (None: the model's
            own visible bias).
        base_weights : array of shape (K,) or None, default=None
            Weights of the components of the start, as for
            :meth:`log_partition_ais`.
        mirror : bool or "auto", default="auto"
            Mirror images of the start's components, as for
            :meth:`log_partition_ais`.
        init : array of shape (n_init, n_visible) or None, default=None
            Start states of the reverse chains (e.g. training data or the
            states of long chains); the reverse run then has ``n_init``
            chains (``>= 2``).
        n_burn : int or None, default=None
            Gibbs sweeps of the model before the reverse run (``>= 2``);
            None takes ``n_betas``.
        forward : AISEstimate or None, default=None
            The forward estimate of these settings, when the caller has it
            (from :meth:`log_partition_ais` in this process, which keeps its
            chains' final states with it): the forward run is then skipped.

        Returns
        -------
        bounds : LogPartitionBounds
            ``(lower, upper)`` in nats, with the two :class:`AISEstimate`
            objects (``bounds.forward``, ``bounds.reverse``: standard errors
            and effective sample sizes) and ``bounds.burn_in_z``.

        References
        ----------
        .. [1] Y. Burda, R. B. Grosse and R. Salakhutdinov, "Accurate and
           conservative estimates of MRF log-likelihood using reverse
           annealing", Proceedings of the 18th International Conference on
           Artificial Intelligence and Statistics (AISTATS), 102–110, 2015.
        .. [2] R. M. Neal, "Annealed importance sampling", Statistics and
           Computing 11(2), 125–139, 2001.
        """
        run = self._ais_prepare(
            engine,
            random_state,
            dtype,
            n_chains,
            n_betas,
            schedule,
            base_bias,
            base_weights,
            mirror,
        )
        chains = getattr(forward, "_chains", None)
        if forward is None or (init is None and chains is None):
            log_w, states = self._ais_chains(run, run.gammas, n_jobs)
            forward = _ais_estimate(
                log_w, run.log_Z0, run.start, self._log_p_star(states)
            )
        elif init is None:
            log_w, states = chains
        engine, model = run.engine, run.model
        if init is None:
            starts = states[_resample(log_w, engine.np_rng)]
        else:
            starts = _to_numpy(init)
            if (
                starts.ndim != 2
                or starts.shape[1] != self.visible.n_units
                or starts.shape[0] < 2
            ):
                raise ValueError(
                    f"init has shape {starts.shape}; expected (n_init >= 2, "
                    f"{self.visible.n_units}), start states of the visible units."
                )
        n_burn = int(run.gammas_count if n_burn is None else n_burn)
        if n_burn < 2:
            raise ValueError(f"n_burn must be >= 2, got {n_burn!r}.")
        V = engine.asarray(starts, dtype=model.visible.bias.dtype)
        if model.flip_symmetric:
            flips = engine.asarray(
                np.where(engine.np_rng.random_sample((V.shape[0], 1)) < 0.5, -1.0, 1.0),
                dtype=V.dtype,
            )
            V = V * flips
        V, _ = model.gibbs(V, engine, n_steps=n_burn - n_burn // 2)
        half = _to_numpy(_to_float64(model.log_unnormalized(V))[0])
        V, _ = model.gibbs(V, engine, n_steps=n_burn // 2)
        end = _to_numpy(_to_float64(model.log_unnormalized(V))[0])
        burn_in_z, start_z = _start_checks(half, end, forward.log_p_star)
        reverse_run = (
            run
            if V.shape[0] == sum(run.sizes)
            else run._replace(sizes=_ais_group_sizes(int(V.shape[0])))
        )
        log_w_rev, _ = self._ais_chains(
            reverse_run, run.gammas[::-1], n_jobs, init=_to_numpy(V)
        )
        reverse = _reverse_estimate(log_w_rev, run.log_Z0)
        return LogPartitionBounds(forward, reverse, burn_in_z, start_z)

    def _log_p_star(self, states):
        """``ln p*(v)`` of NumPy ``states``, in float64 (on the BLAS threads
        that the size of the product calls for)."""
        model = self.astype(lambda a: _to_numpy(_to_float64(a)[0]))
        with blas_threads_for(len(states), *model.weights.shape):
            return model.log_unnormalized(np.asarray(states, dtype=np.float64))


class _AISRun(
    namedtuple(
        "_AISRun",
        [
            "engine",
            "model",
            "base_bias",
            "log_Z0",
            "gammas",
            "sizes",
            "mixture",
            "task",
        ],
    )
):
    """What one AIS estimate holds fixed (see :meth:`RBM._ais_prepare`)."""

    __slots__ = ()

    @property
    def start(self):
        if self.mixture is None:
            return "base"
        return f"mixture of {int(self.mixture[0].shape[0])}"

    @property
    def gammas_count(self):
        return len(self.gammas)


def _mixture_term(M, t, log_mix, beta, g, g_prev):
    """The visible part of ``ln p*_γ(v) − ln p*_γ'(v)`` on the path from a
    mixture start, the component ``κ`` summed out (float64):
    ``lse_κ(ln(π_κ/Z_κ) + β (1 − γ) M_κ) − lse_κ(… γ' …) + β (γ − γ') t``
    with ``M = Θ v`` (one column per component) and ``t = θᵀv``."""
    return (
        _logsumexp(log_mix + M * (beta * (1.0 - g)), 1)
        - _logsumexp(log_mix + M * (beta * (1.0 - g_prev)), 1)
        + (beta * (g - g_prev)) * t
    )


def _draw_component(logits, rng):
    """One component index per row of ``logits`` (float64, shape (n, K)),
    drawn with the probabilities ``softmax(logits)`` by one uniform per row
    (the inverse of the cumulative distribution)."""
    xp = _namespace(logits)
    P = xp.exp(logits - _logsumexp(logits, 1)[:, None])
    cdf = P[:, :1]
    n = int(logits.shape[0])
    U = rng.uniform((n, 1), logits.dtype)
    index = xp.zeros((n,), dtype=xp.int64, device=getattr(logits, "device", None))
    for j in range(1, int(logits.shape[1])):
        index = index + xp.astype(U[:, 0] >= cdf[:, 0], xp.int64)
        cdf = cdf + P[:, j : j + 1]
    return index


def _ais_log_weights(
    model, base_bias, gammas, device, mixture, sizes, streams, parallel=False, init=None
):
    """AIS log-weights and final states (see :meth:`RBM.log_partition_ais`)
    of groups of chains run side by side: the ``sizes[g]`` chains of group
    ``g`` draw from ``streams[g]``. The couplings ``gammas`` run from 0 to 1
    (forward, the chains drawn at the start) or from 1 to 0 (reverse, from
    the states ``init``). ``mixture`` is None (one start, bias
    ``base_bias``) or the pair ``(ln π_κ, ln(π_κ / Z_κ))`` of a start of
    ``K`` components, the rows of ``base_bias``. ``parallel`` limits the
    threads of the process (a joblib task)."""
    with limit_worker_threads(parallel):
        rng = _GroupStreams(sizes, streams, device)
        vis, hid, beta = model.visible, model.hidden, model.beta
        xp = _namespace(vis.bias)
        n = int(sum(sizes))
        c, c64 = hid.bias, xp.astype(hid.bias, xp.float64)

        def log_weight(U64, g):
            # Γ_h of the hidden field γ (Wᵀv + c), in float64
            return hid.with_bias(g * c64).cgf(g * U64, beta)

        if init is not None:
            V = xp.asarray(init, dtype=vis.bias.dtype, device=device)
        if mixture is None:
            start_bias = base_bias
            moving = bool(xp.any(vis.bias != base_bias))
        else:
            log_prior, log_mix = mixture
            Theta64 = xp.astype(base_bias, xp.float64)
            if init is None:
                logits = xp.zeros((n, 1), dtype=xp.float64, device=device) + log_prior
            else:
                # κ | v at the first coupling
                M = xp.astype(V, xp.float64) @ Theta64.T
                logits = log_mix + M * (beta * (1.0 - gammas[0]))
            start_bias = xp.take(base_bias, _draw_component(logits, rng), axis=0)
            moving = True
        # the visible bias moves from the start's to the model's (a zero
        # step when the start has the model's own bias)
        shift = vis.bias - start_bias
        if init is None:
            zeros = xp.zeros((n, vis.n_units), dtype=vis.bias.dtype, device=device)
            V = vis.with_bias(start_bias).sample(zeros, beta, rng)
        theta64 = xp.astype(vis.bias, xp.float64)
        log_w = xp.zeros((n,), dtype=xp.float64, device=device)
        last = len(gammas) - 1
        for k in range(1, last + 1):
            g, g_prev = gammas[k], gammas[k - 1]
            U = model.inputs_h(V)
            U64 = xp.astype(U, xp.float64, copy=False)
            log_w = log_w + (log_weight(U64, g) - log_weight(U64, g_prev))
            if mixture is not None:
                V64 = xp.astype(V, xp.float64)
                M = V64 @ Theta64.T
                log_w = log_w + _mixture_term(
                    M, V64 @ theta64, log_mix, beta, g, g_prev
                )
            elif moving:
                shift64 = xp.astype(shift, xp.float64)
                log_w = log_w + (beta * (g - g_prev)) * (
                    xp.astype(V, xp.float64) @ shift64
                )
            if k == last:
                break
            if mixture is not None:
                # κ | v at γ_k
                kappa = _draw_component(log_mix + M * (beta * (1.0 - g)), rng)
                start_bias = xp.take(base_bias, kappa, axis=0)
                shift = vis.bias - start_bias
            H = hid.with_bias(g * c).sample(g * U, beta, rng)
            H *= g  # γ W h, scaled on the smaller side
            layer = vis.with_bias(start_bias + g * shift) if moving else vis
            V = layer.sample(model.inputs_v(H), beta, rng)
        return _to_numpy(log_w), _to_numpy(V)


def _ais_log_weights_spin_gaussian(
    model, base_bias, gammas, device, mixture, sizes, streams, parallel=False, init=None
):
    """:func:`_ais_log_weights` for ``RBM(Spin, Gaussian)`` with dense NumPy
    weights, with preallocated buffers and in-place operations.

    The same chains, path and random draws as the generic loop (which
    allocates its temporaries and was 17–35 % slower on the MNIST-sized
    model of ``benchmarks/bench_speed.py``): with ``u = Wᵀs`` the increment is
    ``β (γ_k² − γ_{k−1}²) (½‖u‖² + cᵀu) + β (γ_k − γ_{k−1}) (b − a)ᵀs``, the
    hidden draw ``λ = γ (u + c) + ε/√β`` and the visible one
    ``s = +1 where u' < σ(2β (γ Wλ + a + γ (b − a)))``, decided as the
    layers decide it (:func:`skhopfield.energy.layers._below_sigmoid` in
    float64), with ``a`` the start's bias (its chain's component for a
    mixture, whose part of the increment is :func:`_mixture_term`).
    """
    with limit_worker_threads(parallel):
        W, c, b = model.W, model.hidden.bias, model.visible.bias
        beta, dtype = model.beta, W.dtype
        slices = [
            slice(int(stop - n), int(stop))
            for n, stop in zip(sizes, np.cumsum(sizes), strict=True)
        ]
        n_chains = int(sum(sizes))
        n_features, n_hidden = W.shape
        W = np.ascontiguousarray(W)
        Wt = np.ascontiguousarray(W.T)
        noise_scale = dtype.type(1.0 / math.sqrt(beta))
        S = np.empty((n_chains, n_features), dtype=dtype)
        T = np.empty_like(S)
        mask = np.empty(S.shape, dtype=bool)
        U, Lam = (
            np.empty((n_chains, n_hidden), dtype=dtype),
            np.empty((n_chains, n_hidden), dtype=dtype),
        )

        exact64 = dtype == np.float64
        draws = _GroupStreams(sizes, streams)

        def draw_spins():
            # S = +1 where v < σ(2T), T = β x: in float64 as float64 expit
            # decides it, in float32 as 2v − 1 < tanh T (the buffers are
            # closure variables: updated through out=; v is a fresh draw)
            V = draws.uniform(S.shape, dtype)
            if exact64:
                below = _layers._below_sigmoid(V, T)
            else:
                np.tanh(T, out=T)
                np.multiply(V, 2.0, out=V)
                np.subtract(V, 1.0, out=V)
                below = np.less(V, T, out=mask)
            np.copyto(S, below)
            np.multiply(S, 2.0, out=S)
            np.subtract(S, 1.0, out=S)
            np.matmul(S, W, out=U)

        if init is not None:
            np.copyto(S, init)
            np.matmul(S, W, out=U)
        if mixture is None:
            start_bias = base_bias
            moving = bool(np.any(b != base_bias))
        else:
            log_prior, log_mix = mixture
            Theta64 = base_bias.astype(np.float64)
            if init is None:
                logits = np.zeros((n_chains, 1)) + log_prior
            else:
                logits = log_mix + (S @ Theta64.T) * (beta * (1.0 - gammas[0]))
            start_bias = base_bias[_draw_component(logits, draws)]
            moving = True
        shift = b - start_bias
        if init is None:
            np.multiply(start_bias, beta, out=T)  # exact draw from p_0
            draw_spins()
        b64 = b.astype(np.float64)
        log_w = np.zeros(n_chains, dtype=np.float64)
        last = len(gammas) - 1
        for k in range(1, last + 1):
            g, g_prev = gammas[k], gammas[k - 1]
            quad = np.einsum("ij,ij->i", U, U, dtype=np.float64) * 0.5
            quad += U @ c.astype(np.float64)
            log_w += (beta * (g * g - g_prev * g_prev)) * quad
            if mixture is not None:
                S64 = S.astype(np.float64)
                M = S64 @ Theta64.T
                log_w += _mixture_term(M, S64 @ b64, log_mix, beta, g, g_prev)
            elif moving:
                log_w += (beta * (g - g_prev)) * (S @ shift.astype(np.float64))
            if k == last:
                break
            if mixture is not None:
                kappa = _draw_component(log_mix + M * (beta * (1.0 - g)), draws)
                start_bias = base_bias[kappa]
                shift = b - start_bias
            for rng, rows in zip(streams, slices, strict=True):
                rng.standard_normal(out=Lam[rows], dtype=dtype)
            Lam *= noise_scale
            Lam += g * c
            Lam += g * U
            Lam *= beta * g
            np.matmul(Lam, Wt, out=T)
            T += beta * (start_bias + g * shift)
            draw_spins()
        return log_w, S.copy()


def binary_to_spin(model):
    """Convert a {0, 1} RBM to the equal ±1 RBM.

    The ±1 RBM is equal to the {0, 1} RBM under ``v = (s + 1)/2``,
    ``h = (t + 1)/2``: ``E_b(v, h) = −vᵀWh − aᵀv − cᵀh`` becomes
    ``E_s(s, t) − E_0`` with the weights ``W/4``, biases ``a/2 + W1/4`` and
    ``c/2 + Wᵀ1/4`` and the constant ``E_0 = 1ᵀW1/4 + Σa/2 + Σc/2``; the
    map of states is one to one, so ``ln p_b(v) = ln p_s(2v − 1)`` and
    ``ln Z_b = ln Z_s + β E_0``.

    Parameters
    ----------
    model : RBM
        An ``RBM(Binary, Binary)``.

    Returns
    -------
    spin : RBM
        ``RBM(Spin, Spin)`` with the converted parameters (dense weights, in
        the namespace of ``model``'s arrays) and the same ``beta``.
    log_Z_offset : float
        ``ln Z_b − ln Z_s``.

    Raises
    ------
    TypeError
        If ``model`` does not have two Binary layers.
    """
    if not (
        isinstance(model.visible, _layers.Binary)
        and isinstance(model.hidden, _layers.Binary)
    ):
        raise TypeError("binary_to_spin converts an RBM of two Binary layers.")
    W, a, c = model.W, model.visible.bias, model.hidden.bias
    spin = RBM(
        _layers.Spin(0.5 * a + 0.25 * W.sum(1)),
        _layers.Spin(0.5 * c + 0.25 * W.sum(0)),
        0.25 * W,
        model.beta,
    )
    offset = model.beta * float(0.25 * W.sum() + 0.5 * a.sum() + 0.5 * c.sum())
    return spin, offset


def spin_to_binary(model):
    """Convert a ±1 RBM to the equal {0, 1} RBM.

    The {0, 1} RBM is equal to the ±1 RBM under ``s = 2v − 1``,
    ``t = 2h − 1`` (the inverse of :func:`binary_to_spin`).

    Parameters
    ----------
    model : RBM
        An ``RBM(Spin, Spin)``.

    Returns
    -------
    binary : RBM
        ``RBM(Binary, Binary)`` with weights ``4W``, biases ``2b − 2W1`` and
        ``2c − 2Wᵀ1`` (dense weights, in the namespace of ``model``'s arrays)
        and the same ``beta``.
    log_Z_offset : float
        ``ln Z_b − ln Z_s``.

    Raises
    ------
    TypeError
        If ``model`` does not have two Spin layers.
    """
    if not (
        isinstance(model.visible, _layers.Spin)
        and isinstance(model.hidden, _layers.Spin)
    ):
        raise TypeError("spin_to_binary converts an RBM of two Spin layers.")
    W, b, c = model.W, model.visible.bias, model.hidden.bias
    binary = RBM(
        _layers.Binary(2.0 * b - 2.0 * W.sum(1)),
        _layers.Binary(2.0 * c - 2.0 * W.sum(0)),
        4.0 * W,
        model.beta,
    )
    _, offset = binary_to_spin(binary)
    return binary, offset
