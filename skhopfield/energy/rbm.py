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

import numpy as np
from scipy.special import logsumexp as _np_logsumexp

from . import layers as _layers
from ._rbm_ais import _AnnealedRBM
from ._weights import Dense, Patterns
from ._xp import _finfo, _logsumexp, _namespace, _to_float64, _to_numpy

__all__ = ["RBM", "Patterns", "MAX_QUADRATURE_UNITS"]

#: Most gaussian units whose ln Z :meth:`RBM.log_partition_quadrature` integrates.
MAX_QUADRATURE_UNITS = 2


def _weights(weights):
    return weights if isinstance(weights, (Dense, Patterns)) else Dense(weights)


class RBM(_AnnealedRBM):
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
    def gradient(
        self, V_pos, V_neg, *, scale=1.0, inputs_pos=None, w_neg=None, add=False
    ):
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
        add : bool, default=False
            Add the dense weights' gradient to the weights in place
            (:meth:`Dense.add_gradient`), instead of returning
            it; then ``grads["W"]`` is a float, an upper bound of the
            largest entry of the step (for a divergence check). Weights in
            patterns return their gradients as usual.

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
        if add and isinstance(self.weights, Dense):
            grads = {"W": self.weights.add_gradient(V_pos, T_pos, V_neg, T_neg)}
        else:
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
        e0, idx = _layers._lowest(np.concatenate(energies), return_all, rtol)
        S = np.concatenate(table)[idx]
        T = small.hidden.ground(small.inputs_h(S))[1]
        v, h = (T, S) if mirrored else (S, T)
        if not return_all:
            v, h = v[0], h[0]
        return e0, v, h

    # -- symmetry ---------------------------------------------------------------
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
