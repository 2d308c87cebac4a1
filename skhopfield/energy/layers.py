"""Unit layers of the Boltzmann machines: ±1 spins, {0, 1} bits, gaussians.

A layer is a set of independent units with a bias ``θ`` (one entry per unit).
Under an input ``I`` (the field that the other layer sends through the
weights) and the inverse temperature ``β``, its units are independent with
the density ``p(x | I) ∝ exp(−β E(x) + β Iᵀx)`` with respect to the layer's
base measure (counting measure on the states of a discrete unit; the
normalized measure ``(β/2π)^{1/2} dx`` for a gaussian unit). A layer knows

- its energy ``E(x)`` (without the factor ``β``);
- its cumulant generating function, the log-normalizer of that density,
  ``Γ(I) = ln Σ_x exp(−β E(x) + β Iᵀx)``, summed over the units;
- its conditional mean ``E[x | I] = β⁻¹ ∂Γ/∂I`` and how to sample it;
- for the discrete layers, the table of its ``2**n`` states.

So the restricted Boltzmann machine of two layers is written once
(:mod:`skhopfield.energy.rbm`): summing out one layer leaves the other one's
``−βE`` plus the summed-out layer's ``Γ``. These are the unit layers of
J. Fernandez-de-Cossio-Diaz's RestrictedBoltzmannMachines.jl, written for
batches of rows, NumPy arrays and torch tensors alike (through the array-API
namespace of the inputs).

=========  ==============  =========================  =====================
layer      values          ``Γ(I)`` per unit           ``E[x | I]``
=========  ==============  =========================  =====================
Spin       ``{−1, +1}``    ``ln 2cosh(β(I + θ))``      ``tanh(β(I + θ))``
Binary     ``{0, 1}``      ``ln(1 + e^{β(I + θ)})``    ``σ(β(I + θ))``
Gaussian   ``ℝ``           ``β(½ I² + θ I)``           ``I + θ``
=========  ==============  =========================  =====================

The gaussian unit has the energy ``½(x − θ)²``, so ``x | I ~ N(I + θ, β⁻¹)``
(Smart & Zilman (2021), App. E); the ±1 unit is ``+1`` with the probability
``σ(2β(I + θ))`` (Pozas-Kerstjens et al. (2021), Eq. B2; the factor 2 comes
from the ±1 values); the {0, 1} unit with ``σ(β(I + θ))`` (Hinton (2002)).
All of them are computed in overflow-free forms.

References
----------
J. Fernandez-de-Cossio-Diaz, "RestrictedBoltzmannMachines.jl", Julia
package, https://github.com/cossio/RestrictedBoltzmannMachines.jl.

M. Smart and A. Zilman, "On the mapping between Hopfield networks and
Restricted Boltzmann Machines", International Conference on Learning
Representations (ICLR), 2021.

A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March, A. Acín,
M. Lewenstein and P. R. Grzybowski, "Efficient training of energy-based
models via spin-glass control", Machine Learning: Science and Technology,
2021.

G. E. Hinton, "Training products of experts by minimizing contrastive
divergence", Neural Computation 14(8), 1771–1800, 2002.
"""

import math

import numpy as np

from . import _kernels
from ._xp import _log2cosh, _namespace, _sigmoid, _softplus

__all__ = ["Spin", "Binary", "Gaussian", "MAX_EXACT_UNITS", "states"]

#: Largest number of units that exact sums (ln Z, model statistics, ground
#: states) enumerate: ``2**MAX_EXACT_UNITS`` states.
MAX_EXACT_UNITS = 24


def _independent_bias(mean, low, eps):
    """The bias (β = 1) of independent units of 'off' value ``low`` (−1 or 0)
    whose means are ``mean``, clipped ``eps`` inside the units' range so that
    a constant unit gets a finite bias: ``arctanh(m)`` for ±1 units (``E[x] =
    tanh(θ)``), ``logit(m)`` for {0, 1} units (``E[x] = σ(θ)``) — the start
    of Hinton's practical guide (2010)."""
    if low < 0:
        return np.arctanh(np.clip(mean, -1.0 + eps, 1.0 - eps))
    m = np.clip(mean, eps, 1.0 - eps)
    return np.log(m) - np.log1p(-m)


def _lowest(energies, return_all, rtol):
    """``(E_0, rows)``: the minimum of ``energies`` (float64, one per
    enumerated state) and the index of its first row, or with
    ``return_all`` of every row within ``rtol · (1 + |E_0|)`` of it."""
    e0 = float(energies.min())
    if return_all:
        return e0, np.flatnonzero(energies <= e0 + rtol * (1.0 + abs(e0)))
    return e0, np.array([int(np.argmin(energies))])


def check_enumerable(n_units, alternative=None):
    """Raise ``ValueError`` if ``2**n_units`` states are too many to sum."""
    if n_units > MAX_EXACT_UNITS:
        hint = f" Use {alternative} instead." if alternative else ""
        raise ValueError(
            f"Exact enumeration of 2**{n_units} states is intractable; it is "
            f"limited to layers of N <= {MAX_EXACT_UNITS} units.{hint}"
        )


def states(start, stop, n_units, like, low=-1.0):
    """Build rows ``start`` to ``stop - 1`` of the table of ``2**n_units`` states.

    Bit ``i`` of the row index gives unit ``i`` (``1`` → ``+1``, ``0`` →
    ``low``): row 0 has every unit at ``low``, row 1 flips unit 0, and so on.
    This is the one order in which skhopfield enumerates states.

    Parameters
    ----------
    start, stop : int
        The rows of the table to build (``0 <= start <= stop <= 2**n_units``).
    n_units : int
        Number of units.
    like : array
        A NumPy array or torch tensor whose namespace, device and floating
        dtype the states take.
    low : float, default=-1.0
        Value of a ``0`` bit: ``-1`` for ±1 spins, ``0`` for {0, 1} units.

    Returns
    -------
    states : array of shape (stop - start, n_units)
        The states, in the namespace, device and dtype of ``like`` (a NumPy
        array for a NumPy ``like``, a tensor on ``like``'s device for a
        tensor).
    """
    xp = _namespace(like)
    idx = np.arange(start, stop, dtype=np.int64)[:, None]
    bits = (idx >> np.arange(n_units, dtype=np.int64)) & 1
    table = bits * (1.0 - low) + low
    device = getattr(like, "device", None)
    if isinstance(like, np.ndarray) or device is None:
        return table.astype(like.dtype)
    return xp.asarray(table, dtype=like.dtype, device=device)


#: Half-width of the band around float32's ``tanh`` of a float64 half-field
#: inside which :func:`_below_sigmoid` decides a draw again in float64.
#: float32 ``tanh`` of the rounded field is within 8e-8 of float64's (the
#: cast moves ``tanh`` by at most ``0.45 × 6e-8``; NumPy's float32 ``tanh``
#: errs by a few ulp), so the band is over a hundred times wider than needed.
_TIE_BAND = 1e-5


def _below_sigmoid(U, half_field):
    """The event ``U < σ(2 · half_field)`` of float64 NumPy arrays, as float64
    ``expit`` decides it, at the speed of float32 ``tanh``.

    ``2u − 1`` is compared with float32's ``tanh(half_field)`` (``u < σ(2x)``
    is the event ``2u − 1 < tanh x``); the few draws that fall within
    :data:`_TIE_BAND` of it are decided again with float64 ``expit``. NumPy's
    float64 ``tanh`` and SciPy's ``expit`` take 4–5 times as long as its
    float32 ``tanh`` on an AVX2 machine.
    """
    # fields beyond float32 become ±inf (tanh = ±1), tiny ones 0 (tanh = 0)
    with np.errstate(over="ignore", under="ignore"):
        T = half_field.astype(np.float32)
        np.tanh(T, out=T)
    E = np.multiply(U, 2.0)
    E -= 1.0
    E -= T
    below = E < 0.0
    np.abs(E, out=E)
    ties = np.flatnonzero(E < _TIE_BAND)
    if ties.size:
        with np.errstate(over="ignore"):
            P = _sigmoid(2.0 * half_field.reshape(-1)[ties])
        below.reshape(-1)[ties] = U.reshape(-1)[ties] < P
    return below


def _draw_units(half_field, rng, low):
    """Units at 1 with the probability ``(1 + tanh(half_field)) / 2``, else
    at ``low``: one uniform draw per unit, compared as ``2u − 1 < tanh``
    (the same event as ``u < σ(2 · half_field)``, without overflow).
    ``half_field`` is overwritten."""
    xp = _namespace(half_field)
    if isinstance(half_field, np.ndarray) and half_field.dtype == np.float64:
        U = rng.uniform(tuple(half_field.shape), np.float64)
        X = _below_sigmoid(U, np.ascontiguousarray(half_field)).astype(np.float64)
    else:
        # half_field is the caller's temporary (a layer's field): tanh in place
        numpy = isinstance(half_field, np.ndarray)
        T = np.tanh(half_field, out=half_field) if numpy else half_field.tanh_()
        U = rng.uniform(tuple(T.shape), T.dtype)
        U *= 2.0
        U -= 1.0
        if numpy:  # the states in one pass
            return np.where(U < T, T.dtype.type(1.0), T.dtype.type(low))
        X = xp.astype(U < T, T.dtype)
    if low != 0.0:
        X *= 1.0 - low
        X += low
    return X


class _Layer:
    """A layer of independent units with the bias ``bias`` (see module)."""

    discrete = True
    #: value of a unit's 0 bit in the state table (discrete layers)
    low = -1.0

    def __init__(self, bias):
        self.bias = bias

    def __repr__(self):
        return f"{type(self).__name__}(n_units={self.n_units})"

    @property
    def n_units(self):
        """Number of units (the length of the last axis of the bias)."""
        return int(self.bias.shape[-1])

    def with_bias(self, bias):
        """Return a layer of the same kind with another bias.

        Parameters
        ----------
        bias : array of shape (n_units,) or (n_samples, n_units)
            The new bias ``θ``, a NumPy array or torch tensor. A 2-D bias
            holds one bias per row of the inputs of :meth:`field`,
            :meth:`cgf`, :meth:`mean` and :meth:`sample` (broadcast against
            them).

        Returns
        -------
        layer : Spin, Binary or Gaussian
            A new layer of the class of this one, holding ``bias`` (not
            copied).
        """
        return type(self)(bias)

    def energy(self, x):
        """Return the energy ``E(x) = −θᵀx`` of each row of ``x`` (no factor β).

        Parameters
        ----------
        x : array of shape (n_samples, n_units)
            States of the units, a NumPy array or torch tensor.

        Returns
        -------
        energy : array of shape (n_samples,)
            ``−x θ``, in the namespace of ``x`` and the dtype of the product
            of ``x`` and the bias.
        """
        return -(x @ self.bias)

    def field(self, inputs, beta=1.0):
        """Return ``β (I + θ)``: the inputs plus the bias, times β.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I`` (the field that the other layer sends through
            the weights), a NumPy array or torch tensor.
        beta : float, default=1.0
            Inverse temperature ``β``.

        Returns
        -------
        field : array of shape (n_samples, n_units)
            ``β (inputs + bias)``: a new array (``inputs`` is left unchanged),
            in the namespace of ``inputs`` and the dtype of ``inputs + bias``.
            Beyond the dtype's range an entry is ``±inf``, where every
            probability of the unit is exactly 0 or 1.
        """
        x = inputs + self.bias
        if beta != 1.0:
            # beyond the dtype's range the field is ±inf, where every
            # probability is exactly 0 or 1: that overflow is harmless
            with np.errstate(over="ignore"):
                x *= beta
        return x

    def cgf(self, inputs, beta=1.0):  # pragma: no cover - abstract
        """Return ``Γ(I)`` of each row of ``inputs``, summed over the units.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float, default=1.0
            Inverse temperature ``β``.

        Returns
        -------
        cgf : array of shape (n_samples,)
            The cumulant generating function of each row.
        """
        raise NotImplementedError

    def mean(self, inputs, beta=1.0):  # pragma: no cover - abstract
        """Return ``E[x | I]`` of each unit.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float, default=1.0
            Inverse temperature ``β``.

        Returns
        -------
        mean : array of shape (n_samples, n_units)
            The conditional mean of each unit.
        """
        raise NotImplementedError

    def sample(self, inputs, beta, rng):  # pragma: no cover - abstract
        """Draw one state of ``x | I`` per row of ``inputs``.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float
            Inverse temperature ``β``.
        rng : Engine
            Source of the random draws: an object with the methods
            ``uniform(shape, dtype)`` and ``normal(shape, dtype)`` (an
            engine or AIS streams).

        Returns
        -------
        x : array of shape (n_samples, n_units)
            One draw of the units per row.
        """
        raise NotImplementedError

    def ground(self, inputs):
        """Return ``min_x (E(x) − Iᵀx)`` of each row and the states that reach it.

        The minimum is ``−Σ|I + θ|`` at ``x = sign(I + θ)`` for ±1 units and
        ``−Σ max(I + θ, 0)`` at ``x = [I + θ >= 0]`` for {0, 1} units (no
        factor β); a unit with zero field takes its high value.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.

        Returns
        -------
        energy : array of shape (n_samples,)
            ``min_x (E(x) − Iᵀx)`` of each row, in the namespace of ``inputs``
            and the dtype of ``inputs + bias``.
        states : array of shape (n_samples, n_units)
            The states that reach the minimum: float64 for NumPy inputs,
            torch's default floating dtype for tensors.
        """
        x = inputs + self.bias
        return -self._gain(x).sum(-1), self._argmax(x)

    def states(self, start, stop, like):
        """Return rows ``start`` to ``stop - 1`` of the layer's state table.

        The table of :func:`states`, with the layer's value ``low`` for a
        ``0`` bit (``-1`` for ±1 units, ``0`` for {0, 1} units).

        Parameters
        ----------
        start, stop : int
            The rows of the table to build
            (``0 <= start <= stop <= 2**n_units``).
        like : array
            A NumPy array or torch tensor whose namespace, device and floating
            dtype the states take.

        Returns
        -------
        states : array of shape (stop - start, n_units)
            The states, in the namespace, device and dtype of ``like``.
        """
        return states(start, stop, self.n_units, like, low=self.low)

    def bias_for_data(self, X, beta=1.0):
        """Return the bias of independent units with the marginals of the data.

        The units are independent with the marginals of the rows of ``X``
        (the base-rate model of the data). The fraction ``p`` of each unit's
        high values is Laplace-smoothed, ``(n_high + 1) / (n + 2)``, so a
        unit never on (or never off) gets a finite bias, and the bias is
        ``logit(p) / (β (1 − low))``: ``p = σ(βθ)`` for {0, 1} units,
        ``σ(2βθ)`` for ±1 units. Returned in float64.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_units)
            The data: NumPy rows of the units' values, ``1`` and ``low``
            (``-1`` for ±1 units, ``0`` for {0, 1} units).
        beta : float, default=1.0
            Inverse temperature ``β`` at which the bias gives these marginals.

        Returns
        -------
        bias : ndarray of shape (n_units,)
            The bias ``θ``, float64.
        """
        n = X.shape[0]
        on = (X.sum(0, dtype=np.float64) - self.low * n) / (1.0 - self.low)
        p = (on + 1.0) / (n + 2.0)
        return (np.log(p) - np.log1p(-p)) * (1.0 / (beta * (1.0 - self.low)))


class Spin(_Layer):
    """±1 units: ``p(x = +1 | I) = σ(2β(I + θ))``, ``Γ = Σ ln 2cosh(β(I + θ))``.

    The energy is ``E(x) = −θᵀx``.

    Parameters
    ----------
    bias : array of shape (n_units,)
        The bias ``θ``, a NumPy array or torch tensor.

    Attributes
    ----------
    bias : array of shape (n_units,)
        The bias ``θ``.
    discrete : bool
        True: the layer has a finite table of states.
    low : float
        ``-1.0``, the value of a unit's ``0`` bit in the state table.
    """

    low = -1.0

    def _gain(self, x):
        return abs(x)

    def _argmax(self, x):
        return (x >= 0) * 2.0 - 1.0

    def cgf(self, inputs, beta=1.0):
        """Return ``Γ(I) = Σ ln 2cosh(β(I + θ))`` of each row of ``inputs``.

        The log-normalizer of ``p(x | I)`` summed over the units, computed
        without overflow as ``|z| + log1p(exp(−2|z|))`` of the field ``z =
        β(I + θ)``.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float, default=1.0
            Inverse temperature ``β``.

        Returns
        -------
        cgf : array of shape (n_samples,)
            ``Γ(I)`` of each row, in the namespace of ``inputs`` and the dtype
            of ``inputs + bias``.
        """
        return _log2cosh(self.field(inputs, beta)).sum(-1)

    def mean(self, inputs, beta=1.0):
        """Return the conditional mean ``E[x | I] = tanh(β(I + θ))`` of each unit.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float, default=1.0
            Inverse temperature ``β``.

        Returns
        -------
        mean : array of shape (n_samples, n_units)
            ``tanh(β(I + θ))``, in ``[−1, 1]``, in the namespace of ``inputs``
            and the dtype of ``inputs + bias``.
        """
        return _namespace(inputs).tanh(self.field(inputs, beta))

    def sample(self, inputs, beta, rng):
        """Draw one state of ``x | I`` per row of ``inputs``.

        Each unit is ``+1`` with the probability ``σ(2β(I + θ)) = (1 +
        tanh(β(I + θ))) / 2``, else ``−1``: one uniform draw ``u`` per unit,
        compared as ``2u − 1 < tanh(β(I + θ))`` (the same event, without
        overflow; float64 NumPy draws are decided as float64 ``expit``
        decides them).

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float
            Inverse temperature ``β``.
        rng : Engine
            Source of the random draws: an object with the method
            ``uniform(shape, dtype)`` (an engine or AIS streams). NumPy inputs
            are drawn by the fused kernels of
            :mod:`skhopfield.energy._kernels` where ``rng`` also has
            ``kernel_streams(n_rows)`` (the NumPy engine and AIS streams do).

        Returns
        -------
        x : array of shape (n_samples, n_units)
            The ±1 states, in the namespace of ``inputs`` and the dtype of
            ``inputs + bias``.
        """
        # p(x = +1) = σ(2βx̃) = (1 + tanh(βx̃)) / 2
        x = _kernels.draw(
            _kernels.sample_discrete, inputs, self.bias, rng, beta, self.low
        )
        if x is not None:
            return x
        return _draw_units(self.field(inputs, beta), rng, self.low)


class Binary(_Layer):
    """{0, 1} units: ``p(x = 1 | I) = σ(β(I + θ))``, ``Γ = Σ ln(1 + e^{β(I + θ)})``.

    The energy is ``E(x) = −θᵀx``.

    Parameters
    ----------
    bias : array of shape (n_units,)
        The bias ``θ``, a NumPy array or torch tensor.

    Attributes
    ----------
    bias : array of shape (n_units,)
        The bias ``θ``.
    discrete : bool
        True: the layer has a finite table of states.
    low : float
        ``0.0``, the value of a unit's ``0`` bit in the state table.
    """

    low = 0.0

    def _gain(self, x):
        return (x > 0) * x

    def _argmax(self, x):
        return (x >= 0) * 1.0

    def cgf(self, inputs, beta=1.0):
        """Return ``Γ(I) = Σ ln(1 + e^{β(I + θ)})`` of each row of ``inputs``.

        The log-normalizer of ``p(x | I)`` summed over the units, computed
        without overflow as the softplus ``max(z, 0) + log1p(exp(−|z|))`` of
        the field ``z = β(I + θ)``.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float, default=1.0
            Inverse temperature ``β``.

        Returns
        -------
        cgf : array of shape (n_samples,)
            ``Γ(I)`` of each row, in the namespace of ``inputs`` and the dtype
            of ``inputs + bias``.
        """
        return _softplus(self.field(inputs, beta)).sum(-1)

    def mean(self, inputs, beta=1.0):
        """Return the conditional mean ``E[x | I] = σ(β(I + θ))`` of each unit.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float, default=1.0
            Inverse temperature ``β``.

        Returns
        -------
        mean : array of shape (n_samples, n_units)
            ``σ(β(I + θ))``, in ``[0, 1]``, in the namespace of ``inputs`` and
            the dtype of ``inputs + bias``.
        """
        with np.errstate(over="ignore"):
            return _sigmoid(self.field(inputs, beta))

    def sample(self, inputs, beta, rng):
        """Draw one state of ``x | I`` per row of ``inputs``.

        Each unit is ``1`` with the probability ``σ(β(I + θ)) = (1 +
        tanh(β(I + θ) / 2)) / 2``, else ``0``: one uniform draw ``u`` per
        unit, compared as ``2u − 1 < tanh(β(I + θ) / 2)`` (the same event,
        without overflow; float64 NumPy draws are decided as float64
        ``expit`` decides them).

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float
            Inverse temperature ``β``.
        rng : Engine
            Source of the random draws: an object with the method
            ``uniform(shape, dtype)`` (an engine or AIS streams). NumPy inputs
            are drawn by the fused kernels of
            :mod:`skhopfield.energy._kernels` where ``rng`` also has
            ``kernel_streams(n_rows)`` (the NumPy engine and AIS streams do).

        Returns
        -------
        x : array of shape (n_samples, n_units)
            The {0, 1} states, in the namespace of ``inputs`` and the dtype of
            ``inputs + bias``.
        """
        # p(x = 1) = σ(βx̃) = (1 + tanh(βx̃ / 2)) / 2
        x = _kernels.draw(
            _kernels.sample_discrete, inputs, self.bias, rng, 0.5 * beta, self.low
        )
        if x is not None:
            return x
        return _draw_units(self.field(inputs, 0.5 * beta), rng, self.low)


class Gaussian(_Layer):
    """Gaussian units of energy ``½(x − θ)²``: ``x | I ~ N(I + θ, β⁻¹)``.

    ``Γ(I) = β Σ (½ I² + θ I)``, the log of ``∫ (β/2π)^{1/2}
    exp(−β ½(x − θ)² + β I x) dx`` (so ``Γ(0) = 0``; Smart & Zilman (2021),
    Eq. E.5).

    Parameters
    ----------
    bias : array of shape (n_units,)
        The mean ``θ`` of the units without input, a NumPy array or torch
        tensor.

    Attributes
    ----------
    bias : array of shape (n_units,)
        The mean ``θ`` of the units without input.
    discrete : bool
        False: the layer has no finite table of states.
    """

    discrete = False

    def energy(self, x):
        """Return the energy ``E(x) = ½‖x − θ‖²`` of each row of ``x`` (no factor β).

        Parameters
        ----------
        x : array of shape (n_samples, n_units)
            States of the units, a NumPy array or torch tensor.

        Returns
        -------
        energy : array of shape (n_samples,)
            ``½‖x − θ‖²``, in the namespace of ``x`` and the dtype of
            ``x - bias``.
        """
        D = x - self.bias
        return 0.5 * (D * D).sum(-1)

    def ground(self, inputs):
        """Return ``min_x (E(x) − Iᵀx)`` of each row and the states that reach it.

        ``min_x ½‖x − θ‖² − Iᵀx = −Σ (½ I² + θ I)``, reached at ``x = I + θ``
        (no factor β).

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.

        Returns
        -------
        energy : array of shape (n_samples,)
            ``−Σ (½ I² + θ I)`` of each row, in the namespace of ``inputs`` and
            the dtype of ``inputs + bias``.
        states : array of shape (n_samples, n_units)
            ``I + θ``, in the same namespace and dtype.
        """
        # min_x ½(x − θ)² − Ix at x = I + θ: −½I² − θI
        return -(inputs * (0.5 * inputs + self.bias)).sum(-1), inputs + self.bias

    def cgf(self, inputs, beta=1.0):
        """Return ``Γ(I) = β Σ (½ I² + θ I)`` of each row of ``inputs``.

        The log of ``∫ (β/2π)^{1/2} exp(−β ½(x − θ)² + β I x) dx`` summed
        over the units, computed without the cancellation of ``½‖I + θ‖² −
        ½‖θ‖²``.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float, default=1.0
            Inverse temperature ``β``.

        Returns
        -------
        cgf : array of shape (n_samples,)
            ``Γ(I)`` of each row, in the namespace of ``inputs`` and the dtype
            of ``inputs + bias``.
        """
        # β (½‖I‖² + θᵀI), without the cancellation of ½‖I + θ‖² − ½‖θ‖²
        return beta * (inputs * (0.5 * inputs + self.bias)).sum(-1)

    def mean(self, inputs, beta=1.0):
        """Return the conditional mean ``E[x | I] = I + θ`` of each unit.

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor.
        beta : float, default=1.0
            Inverse temperature ``β``; unused (the mean does not depend on
            it), accepted for the signature common to the layers.

        Returns
        -------
        mean : array of shape (n_samples, n_units)
            ``I + θ``, a new array in the namespace of ``inputs`` and the dtype
            of ``inputs + bias``.
        """
        return inputs + self.bias

    def sample(self, inputs, beta, rng, mean=None):
        """Draw one state of ``x | I ~ N(I + θ, β⁻¹)`` per row of ``inputs``.

        One standard normal draw ``ε`` per unit gives ``x = I + θ + ε/√β``
        (``mean + ε/√β`` when ``mean`` is given).

        Parameters
        ----------
        inputs : array of shape (n_samples, n_units)
            The inputs ``I``, a NumPy array or torch tensor; unused when
            ``mean`` is given.
        beta : float
            Inverse temperature ``β``.
        rng : Engine
            Source of the random draws: an object with the method
            ``normal(shape, dtype)`` (an engine or AIS streams). NumPy inputs
            are drawn by the fused kernels of
            :mod:`skhopfield.energy._kernels` where ``rng`` also has
            ``kernel_streams(n_rows)`` (the NumPy engine and AIS streams do).
        mean : array of shape (n_samples, n_units) or None, default=None
            The conditional mean ``I + θ`` when the caller has it already
            (:meth:`mean`).

        Returns
        -------
        x : array of shape (n_samples, n_units)
            The draws, a new array of the shape of ``inputs`` (or ``mean``),
            in its namespace and dtype.
        """
        like = inputs if mean is None else mean
        bias = self.bias if mean is None else None
        x = _kernels.draw(
            _kernels.sample_gaussian, like, bias, rng, 1.0 / math.sqrt(beta)
        )
        if x is not None:
            return x
        x = rng.normal(tuple(like.shape), like.dtype)
        x *= 1.0 / math.sqrt(beta)
        # the noise plus the mean, in place: I + θ + ε/√β
        x += like
        if mean is None:
            x += self.bias
        return x

    def states(self, start, stop, like):
        """Raise ``ValueError``: a gaussian layer has no finite table of states.

        Parameters
        ----------
        start, stop : int
            The rows of the table that were asked for.
        like : array
            A NumPy array or torch tensor (unused).

        Raises
        ------
        ValueError
            Always.
        """
        raise ValueError("A gaussian layer has no finite table of states.")
