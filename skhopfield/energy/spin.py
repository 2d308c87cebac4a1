"""±1 / ±1 restricted Boltzmann machine: the mathematics as pure functions.

The model (Pozas-Kerstjens et al. (2021), Eq. 1 with the restricted
connectivity of their App. A, and with biases) couples ``V`` visible spins
:math:`v \\in \\{-1, +1\\}^V` to ``H`` hidden spins :math:`h \\in \\{-1,
+1\\}^H` through :math:`W \\in \\mathbb{R}^{V \\times H}`, with biases
:math:`b \\in \\mathbb{R}^V`, :math:`c \\in \\mathbb{R}^H`:

.. math::

    E(v, h) = -v^T W h - b^T v - c^T h, \\qquad p(v, h) \\propto e^{-E(v, h)}.

Its conditionals factorize, :math:`p(h_\\alpha = +1 \\mid v) = \\sigma(2 (W^T
v + c)_\\alpha)` and :math:`p(v_i = +1 \\mid h) = \\sigma(2 (W h + b)_i)`
(Pozas-Kerstjens et al. (2021), Eq. B2, with biases; the factor 2 comes from
the ±1 values), and summing out either layer gives a free energy,

.. math::

    F(v) = -b^T v - \\sum_\\alpha \\ln 2\\cosh\\big((W^T v + c)_\\alpha\\big),
    \\qquad
    F(h) = -c^T h - \\sum_i \\ln 2\\cosh\\big((W h + b)_i\\big),

with :math:`p(v) = e^{-F(v)} / Z` (Pozas-Kerstjens et al. (2021), Eqs.
A1–A2; their Eqs. A2 and A5 drop the minus sign in front of the sum). The
layers play symmetric roles, so exact sums enumerate the *smaller* layer.

RAPID (Pozas-Kerstjens et al. (2021), Eq. 5, App. A) builds the weights
from ``K`` patterns :math:`\\xi = (\\xi_v, \\xi_h)`,
:math:`W = \\xi_v^T \\xi_h / \\sqrt{K}`;
:func:`pattern_weights`, :func:`pattern_hidden_field` and
:func:`pattern_gradient` implement it without forming ``W`` where possible.

Conventions as in :mod:`skhopfield.energy.gaussian`: batches are rows, every
function works on NumPy arrays and on torch tensors, random draws come from a
:class:`skhopfield._backend.Engine`, and all formulas are overflow-free.

References
----------
A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March, A. Acín,
M. Lewenstein and P. R. Grzybowski, "Efficient training of energy-based
models via spin-glass control", Machine Learning: Science and Technology,
2021.
"""

import numpy as np

from ._ais import ais_schedule  # noqa: F401  (re-exported for users of this module)
from ._xp import _as_float, _to_numpy
from .layers import MAX_EXACT_UNITS, Spin
from .layers import states as _layer_states
from .rbm import RBM, Patterns

__all__ = [
    "joint_energy",
    "hidden_field",
    "hidden_mean",
    "visible_field",
    "visible_mean",
    "sample_spins",
    "sample_hidden",
    "sample_visible",
    "gibbs_step",
    "free_energy",
    "free_energy_from_field",
    "free_energy_hidden",
    "independent_visible_bias",
    "log_unnormalized",
    "log_partition_exact",
    "log_partition_ais",
    "log_prob",
    "ground_state",
    "model_statistics_exact",
    "pattern_weights",
    "pattern_hidden_field",
    "pattern_gradient",
    "MAX_EXACT_UNITS",
]


def model(W, b, c):
    """The ±1 RBM ``RBM(Spin(b), Spin(c), W)`` (:class:`skhopfield.energy.rbm.RBM`)
    of these parameters."""
    W, b, c = _as_float(W, b, c)
    return RBM(Spin(b), Spin(c), W)


def _states(start, stop, n_units, like):
    """Rows of the table of ±1 states (:func:`skhopfield.energy.layers.states`)."""
    return _layer_states(start, stop, n_units, like)


# -- energies and conditionals ------------------------------------------------
def joint_energy(V, H, W, b, c):
    """Energy ``E(v, h) = −vᵀWh − bᵀv − cᵀh`` of each row pair.

    Eq. 1 of Pozas-Kerstjens et al. (2021) [1]_ on the bipartite graph of an
    RBM, with the biases that [1]_ sets to zero.

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Visible spins (±1).
    H : array of shape (n_samples, n_hidden)
        Hidden spins (±1).
    W : array of shape (n_visible, n_hidden)
        Weights.
    b : array of shape (n_visible,)
        Visible bias.
    c : array of shape (n_hidden,)
        Hidden bias.

    Returns
    -------
    E : array of shape (n_samples,)
        The energy of each pair ``(V[n], H[n])``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    V, H = _as_float(V, H)
    return model(W, b, c).energy(V, H)


def hidden_field(V, W, c):
    """Field on the hidden units, ``Wᵀv + c``, for each row of ``V``.

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Visible states, one per row: ±1 spins (a 0 contributes no field).
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    c : array of shape (n_hidden,)
        Hidden bias.

    Returns
    -------
    field : array of shape (n_samples, n_hidden)
        The local field ``(Wᵀv + c)_α`` of every hidden unit, per sample.
    """
    V, W, c = _as_float(V, W, c)
    return V @ W + c


def hidden_mean(V, W, c):
    """``E[h | v] = tanh(Wᵀv + c)``: the conditional mean of ±1 hidden units.

    Pozas-Kerstjens et al. (2021) [1]_, Eq. A6 (the ``tanh`` of the
    free-energy gradient); it is ``2 p(h = +1 | v) − 1`` with Eq. B2b of
    [1]_.

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Visible states, one per row: ±1 spins (a 0 contributes no field).
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    c : array of shape (n_hidden,)
        Hidden bias.

    Returns
    -------
    mean : array of shape (n_samples, n_hidden)
        The conditional mean of each hidden spin, in ``[−1, 1]``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    V, W, c = _as_float(V, W, c)
    return model(W, V[0] * 0, c).mean_h(V)


def visible_field(H, W, b):
    """Field on the visible units, ``Wh + b``, for each row of ``H``.

    Parameters
    ----------
    H : array of shape (n_samples, n_hidden)
        Hidden states, one per row: ±1 spins.
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.

    Returns
    -------
    field : array of shape (n_samples, n_visible)
        The local field ``(Wh + b)_i`` of every visible unit, per sample.
    """
    H, W, b = _as_float(H, W, b)
    return H @ W.T + b


def visible_mean(H, W, b):
    """``E[v | h] = tanh(Wh + b)``: the conditional mean of ±1 visible units.

    Parameters
    ----------
    H : array of shape (n_samples, n_hidden)
        Hidden states, one per row: ±1 spins.
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.

    Returns
    -------
    mean : array of shape (n_samples, n_visible)
        The conditional mean of each visible spin, in ``[−1, 1]``.
    """
    H, W, b = _as_float(H, W, b)
    return model(W, b, H[0] * 0).mean_v(H)


def sample_spins(field, engine):
    """Independent ±1 spins with ``p(s = +1) = σ(2 · field)``.

    The conditional of a ±1 unit in a field ``x`` at unit temperature
    (Pozas-Kerstjens et al. (2021) [1]_, Eq. B2). The factor 2 comes from
    the ±1 values: ``p(s = +1) = e^x / (e^x + e^{−x}) = σ(2x)``.

    Parameters
    ----------
    field : array
        Local fields (any shape).
    engine : skhopfield._backend.Engine
        Source of the uniform draws; its namespace must match ``field``.

    Returns
    -------
    S : array of the shape and floating dtype of ``field``
        The sampled spins, ±1, one per entry of ``field``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    return Spin(0.0 * field).sample(field, 1.0, engine)


def sample_hidden(V, W, c, engine):
    """Draw ``h ~ p(h | v)``, ``p(h_α = +1 | v) = σ(2(Wᵀv + c)_α)``.

    Eq. B2b of Pozas-Kerstjens et al. (2021) [1]_, with the hidden bias.

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Visible states, one per row: ±1 spins (a 0 contributes no field).
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    c : array of shape (n_hidden,)
        Hidden bias.
    engine : skhopfield._backend.Engine
        Source of the uniform draws; its namespace (NumPy or torch) and
        device must match the arrays.

    Returns
    -------
    H : array of shape (n_samples, n_hidden)
        One ±1 hidden state per row of ``V``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    V, W, c = _as_float(V, W, c)
    return model(W, V[0] * 0, c).sample_h(V, engine)


def sample_visible(H, W, b, engine):
    """Draw ``v ~ p(v | h)``, ``p(v_i = +1 | h) = σ(2(Wh + b)_i)``.

    Eq. B2a of Pozas-Kerstjens et al. (2021) [1]_, with the visible bias.

    Parameters
    ----------
    H : array of shape (n_samples, n_hidden)
        Hidden states, one per row: ±1 spins.
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.
    engine : skhopfield._backend.Engine
        Source of the uniform draws; its namespace (NumPy or torch) and
        device must match the arrays.

    Returns
    -------
    V : array of shape (n_samples, n_visible)
        One ±1 visible state per row of ``H``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    H, W, b = _as_float(H, W, b)
    return model(W, b, H[0] * 0).sample_v(H, engine)


def gibbs_step(V, W, b, c, engine, n_steps=1, field=None):
    """Block Gibbs sampling ``v → h → v``, repeated ``n_steps`` times.

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Start states. Entries need not be ±1: a 0 contributes no field, so a
        partly blanked image (Pozas-Kerstjens et al. (2021) [1]_, App. C)
        is a valid start.
    W, b, c : arrays
        Weights ``(n_visible, n_hidden)`` and biases.
    engine : skhopfield._backend.Engine
        Source of the uniform draws; its namespace (NumPy or torch) and
        device must match the arrays.
    n_steps : int, default=1
        Number of full steps (``>= 1``).
    field : array of shape (n_samples, n_hidden), default=None
        ``Wᵀv + c`` of the start states when the caller has it already.

    Returns
    -------
    V : array of shape (n_samples, n_visible)
        Visible spins after the last step.
    H : array of shape (n_samples, n_hidden)
        The hidden spins of the last step (from which ``V`` was drawn).

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    V, W, b, c = _as_float(V, W, b, c)
    inputs = None if field is None else field - c
    return model(W, b, c).gibbs(V, engine, n_steps, inputs=inputs)


# -- free energies and partition function ------------------------------------
def free_energy(V, W, b, c):
    """Free energy of the visible states, ``F(v) = −bᵀv − Σ_α ln 2cosh((Wᵀv + c)_α)``.

    ``e^{−F(v)} = Σ_h e^{−E(v, h)}`` (Pozas-Kerstjens et al. (2021) [1]_,
    Eq. A1, and Eqs. A2 and A5 with biases; Eqs. A2 and A5 of [1]_ drop
    the minus sign in front of the sum).

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Visible states, one per row: ±1 spins (a 0 contributes no field).
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.
    c : array of shape (n_hidden,)
        Hidden bias.

    Returns
    -------
    F : array of shape (n_samples,)
        The free energy of each row of ``V``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    V, W, b, c = _as_float(V, W, b, c)
    return model(W, b, c).free_energy(V)


def free_energy_from_field(V, field, b):
    """``F(v) = −bᵀv − Σ_α ln 2cosh(x_α)`` from the hidden field ``x = Wᵀv + c``.

    :func:`free_energy` for callers that have the field already, or compute
    it another way (RAPID's ``(v ξ_vᵀ) ξ_h / √K + c``, :func:`pattern_hidden_field`).

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Visible states, one per row: ±1 spins (a 0 contributes no field).
    field : array of shape (n_samples, n_hidden)
        The hidden field ``x = Wᵀv + c`` of each row of ``V``.
    b : array of shape (n_visible,)
        Visible bias.

    Returns
    -------
    F : array of shape (n_samples,)
        The free energy of each row of ``V``.
    """
    V, field, b = _as_float(V, field, b)
    return Spin(b).energy(V) - Spin(0.0 * field[0]).cgf(field)


def independent_visible_bias(mean, eps=1e-2):
    """Visible bias ``b = arctanh(⟨v⟩)`` of independent ±1 units with means ``⟨v⟩``.

    ``E[v_i] = tanh(b_i)`` when W = 0; the means are clipped to
    ``[−1 + eps, 1 − eps]`` so that constant units get a finite bias (the ±1
    form of the start Hinton's guide [1]_ recommends, ``b = log(p / (1 − p))``).

    Parameters
    ----------
    mean : ndarray of shape (n_visible,)
        Mean ``⟨v_i⟩`` of each ±1 visible unit over the data, in ``[−1, 1]``.
    eps : float, default=1e-2
        Distance from ±1 at which the means are clipped; bounds the bias to
        ``|b_i| <= arctanh(1 − eps)`` (about 2.65 for the default).

    Returns
    -------
    b : ndarray of shape (n_visible,)
        The visible bias whose independent units have the (clipped) means.

    References
    ----------
    .. [1] G. E. Hinton, "A practical guide to training restricted Boltzmann
       machines", Technical Report UTML TR 2010-003, University of Toronto,
       2010.
    """
    return np.arctanh(np.clip(mean, -1.0 + eps, 1.0 - eps))


def free_energy_hidden(H, W, b, c):
    """Free energy of the hidden states, ``F(h) = −cᵀh − Σ_i ln 2cosh((Wh + b)_i)``.

    ``e^{−F(h)} = Σ_v e^{−E(v, h)}``: the visible layer summed out, the
    mirror image of :func:`free_energy`.

    Parameters
    ----------
    H : array of shape (n_samples, n_hidden)
        Hidden states, one per row: ±1 spins.
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.
    c : array of shape (n_hidden,)
        Hidden bias.

    Returns
    -------
    F : array of shape (n_samples,)
        The free energy of each row of ``H``.
    """
    H, W, b, c = _as_float(H, W, b, c)
    return model(W, b, c).mirror().free_energy(H)


def log_unnormalized(V, W, b, c):
    """Unnormalized log-probability ``ln p(v) + ln Z = −F(v)`` of each row.

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Visible states, one per row: ±1 spins (a 0 contributes no field).
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.
    c : array of shape (n_hidden,)
        Hidden bias.

    Returns
    -------
    log_p : array of shape (n_samples,)
        ``−F(v)`` of each row of ``V`` (see :func:`free_energy`).
    """
    V, W, b, c = _as_float(V, W, b, c)
    return model(W, b, c).log_unnormalized(V)


def log_partition_exact(W, b, c, chunk_size=16384):
    """Exact ``ln Z = ln Σ_{v,h} e^{−E(v, h)}`` by enumerating the smaller layer.

    ``ln Z = logsumexp_v −F(v)`` when ``n_visible <= n_hidden``, else
    ``logsumexp_h −F(h)`` (Pozas-Kerstjens et al. (2021) [1]_, Eq. A4), in
    chunks of states, in float64.

    Parameters
    ----------
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.
    c : array of shape (n_hidden,)
        Hidden bias.
    chunk_size : int, default=16384
        Number of states of the smaller layer evaluated at once; bounds the
        memory (``chunk_size × n_units`` floats), not the result.

    Returns
    -------
    log_Z : float
        The natural logarithm of the partition function.

    Raises
    ------
    ValueError
        If the smaller layer has more than ``MAX_EXACT_UNITS`` (24) units.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    return model(W, b, c).log_partition_exact(chunk_size)


def log_prob(V, W, b, c, log_Z=None):
    """``ln p(v) = −F(v) − ln Z`` for each row of ``V``.

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Visible states, one per row: ±1 spins (a 0 contributes no field).
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.
    c : array of shape (n_hidden,)
        Hidden bias.
    log_Z : float or None, default=None
        The log-partition function of the model; computed by
        :func:`log_partition_exact` when None.

    Returns
    -------
    log_p : array of shape (n_samples,)
        The normalized log-probability of each row of ``V``.
    """
    if log_Z is None:
        log_Z = log_partition_exact(W, b, c)
    return log_unnormalized(V, W, b, c) - float(log_Z)


def ground_state(W, b, c, *, return_all=False, rtol=1e-12, chunk_size=16384):
    """Exact minimum of ``E(v, h)`` by enumerating the smaller layer.

    For fixed ``v``, ``min_h E(v, h) = −bᵀv − Σ_α |(Wᵀv + c)_α|``, reached at
    ``h = sign(Wᵀv + c)``, so only the smaller layer is enumerated (the
    ground state of Pozas-Kerstjens et al. (2021) [1]_, Sec. V.A.1).

    Parameters
    ----------
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.
    c : array of shape (n_hidden,)
        Hidden bias.
    return_all : bool, default=False
        Return every configuration whose energy is within
        ``rtol · (1 + |E_0|)`` of the minimum (degenerate ground states,
        e.g. ``±ξ`` of a Mattis model), instead of the first one found.
        A unit with zero field takes +1 (degenerate directions of the
        larger layer are not expanded).
    rtol : float, default=1e-12
        Relative tolerance on the energy for ``return_all``: configurations
        with ``E <= E_0 + rtol · (1 + |E_0|)`` count as ground states.
    chunk_size : int, default=16384
        Number of states of the smaller layer evaluated at once; bounds the
        memory (``chunk_size × n_units`` floats), not the result.

    Returns
    -------
    energy : float
        The ground-state energy ``E_0``.
    v : ndarray of shape (n_visible,) or (n_ground_states, n_visible)
        The visible spins (±1, NumPy) of the ground state, or one row per
        ground state with ``return_all=True``.
    h : ndarray of shape (n_hidden,) or (n_ground_states, n_hidden)
        The hidden spins (±1, NumPy) paired with ``v``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    W, b, c = (np.asarray(_to_numpy(a), dtype=np.float64) for a in (W, b, c))
    small, mirrored = model(W, b, c)._enumerated(alternative=None)
    Ws, bs, cs = small.W, small.visible.bias, small.hidden.bias
    energies, states = [], []
    for S in small._chunks(chunk_size):
        # min over the other layer: −bᵀs − Σ |(Wᵀs + c)_α|, at its signs
        energies.append(-(S @ bs) - np.abs(S @ Ws + cs).sum(1))
        states.append(S)
    energies = np.concatenate(energies)
    e0 = float(energies.min())
    if return_all:
        idx = np.flatnonzero(energies <= e0 + rtol * (1.0 + abs(e0)))
    else:
        idx = np.array([int(np.argmin(energies))])
    S = np.concatenate(states)[idx]
    T = np.where(S @ Ws + cs >= 0, 1.0, -1.0)
    v, h = (T, S) if mirrored else (S, T)
    if not return_all:
        v, h = v[0], h[0]
    return e0, v, h


def model_statistics_exact(W, b, c, chunk_size=16384):
    """Exact model averages ``⟨v hᵀ⟩``, ``⟨v⟩``, ``⟨h⟩`` by enumeration.

    The negative phase of the exact log-likelihood gradient
    (Pozas-Kerstjens et al. (2021) [1]_, Eqs. 4 and A5): with the smaller layer
    enumerated and the other one summed out analytically (its conditional
    mean is a ``tanh``), e.g. ``⟨v hᵀ⟩ = Σ_v p(v) v tanh(Wᵀv + c)ᵀ``.

    Parameters
    ----------
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.
    c : array of shape (n_hidden,)
        Hidden bias.
    chunk_size : int, default=16384
        Number of states of the smaller layer evaluated at once; bounds the
        memory (``chunk_size × n_units`` floats), not the result.

    Returns
    -------
    vh : array of shape (n_visible, n_hidden)
        The model average ``⟨v hᵀ⟩``.
    v : array of shape (n_visible,)
        The model average ``⟨v⟩``.
    h : array of shape (n_hidden,)
        The model average ``⟨h⟩``. All three are in the namespace and
        floating dtype of ``W``, summed in float64.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    W, b, c = _as_float(W, b, c)
    return model(W, b, c).model_statistics_exact(chunk_size)


# -- annealed importance sampling ---------------------------------------------
def log_partition_ais(
    W,
    b,
    c,
    n_chains=100,
    n_betas=1000,
    engine=None,
    random_state=None,
    dtype=None,
    schedule="linear",
    n_jobs=None,
):
    """Estimate ``ln Z`` by annealed importance sampling (Neal, 2001).

    The coupling and the hidden bias are annealed through the models
    ``E_γ(v, h) = −γ vᵀWh − bᵀv − γ cᵀh``, ``0 = γ_0 < … < γ_{K−1} = 1``
    (Neal [2]_; Pozas-Kerstjens et al. (2021) [1]_, Fig. 6, use AIS after
    Salakhutdinov & Murray [3]_;
    :meth:`skhopfield.energy.rbm.RBM.log_partition_ais`). The hidden layer
    is summed out, so the chains weight the visible marginals
    ``ln p*_γ(v) = bᵀv + Σ_α ln 2cosh(γ (Wᵀv + c)_α)``. At ``γ = 0`` the
    visible units are independent and the hidden ones free: ``ln Z_0 =
    Σ_i ln 2cosh(b_i) + H ln 2`` and ``p_0`` is sampled exactly. Each chain adds
    ``ln p*_{γ_k}(v) − ln p*_{γ_{k−1}}(v)`` to its log-weight and moves by one
    block Gibbs sweep ``v → h → v`` of ``E_{γ_k}``.

    Parameters
    ----------
    W : array of shape (n_visible, n_hidden)
        Weights; ``W[i, α]`` couples visible unit ``i`` to hidden unit ``α``.
    b : array of shape (n_visible,)
        Visible bias.
    c : array of shape (n_hidden,)
        Hidden bias.
    n_chains : int, default=100
        Number of independent AIS runs (``>= 2``).
    n_betas : int, default=1000
        Number of distributions, endpoints included. Ignored when
        ``schedule`` is an array.
    engine : skhopfield._backend.Engine or None, default=None
        Backend, device and random streams; built from ``random_state`` when
        None (torch on the device of ``W`` if ``W`` is a tensor).
    random_state : int, RandomState instance or None, default=None
        Seed, used only when ``engine`` is None.
    dtype : dtype or None, default=None
        Floating dtype of the sampling; log-weights accumulate in float64.
    schedule : {"linear", "quadratic"} or array-like, default="linear"
        See :func:`skhopfield.energy.gaussian.ais_schedule`, or the values
        ``γ_k`` themselves, increasing from 0 to 1.
    n_jobs : int or None, default=None
        Workers that run the groups of chains through
        :class:`joblib.Parallel` (the active joblib backend, e.g. a Dask
        cluster, runs them). ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; ``-1`` uses all processors.
        The chains run in groups of at most
        :data:`~skhopfield.energy.gaussian.AIS_GROUP_SIZE` (256), the first
        on the engine's stream, the others on streams seeded by
        ``numpy.random.SeedSequence`` children of one draw of the engine's
        seed; the groups depend on ``n_chains`` and the seed only, so the
        result does not depend on ``n_jobs``. Each parallel task limits its
        process to ``SKHOPFIELD_WORKER_THREADS`` BLAS / torch threads
        (default 1).

    Returns
    -------
    log_Z : float
        ``ln Z_0 + ln mean_r exp(ln w_r)``.
    std_error : float
        Delta-method standard error, ``std(w) / (sqrt(n_chains) mean(w))``.
        The estimate is biased low by about ``std_error² / 2``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    .. [2] R. M. Neal, "Annealed importance sampling", Statistics and
       Computing 11(2), 125–139, 2001.
    .. [3] R. Salakhutdinov and I. Murray, "On the quantitative analysis of
       deep belief networks", Proceedings of the 25th International
       Conference on Machine Learning (ICML), 872–879, 2008.
    """
    return model(W, b, c).log_partition_ais(
        n_chains, n_betas, engine, random_state, dtype, schedule, n_jobs
    )


# -- RAPID: weights from patterns ---------------------------------------------
def pattern_weights(xi_v, xi_h):
    """RAPID weights ``W = ξ_vᵀ ξ_h / √K``.

    Eq. 5 of Pozas-Kerstjens et al. (2021) [1]_ (Regularized Axons).

    Parameters
    ----------
    xi_v : array of shape (K, n_visible)
        Visible parts of the K patterns.
    xi_h : array of shape (K, n_hidden)
        Hidden parts.

    Returns
    -------
    W : array of shape (n_visible, n_hidden)
        The RBM weights built from the patterns.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    xi_v, xi_h = _as_float(xi_v, xi_h)
    return Patterns(xi_v, xi_h).dense()


def pattern_hidden_field(V, xi_v, xi_h, c):
    """``Wᵀv + c`` for RAPID weights, as ``(v ξ_vᵀ) ξ_h / √K + c``.

    ``O(n K (V + H))`` operations instead of the ``O(n V H)`` of a dense
    product (Pozas-Kerstjens et al. (2021) [1]_, App. D).

    Parameters
    ----------
    V : array of shape (n_samples, n_visible)
        Visible states, one per row: ±1 spins (a 0 contributes no field).
    xi_v : array of shape (K, n_visible)
        Visible parts of the K patterns.
    xi_h : array of shape (K, n_hidden)
        Hidden parts of the K patterns.
    c : array of shape (n_hidden,)
        Hidden bias.

    Returns
    -------
    field : array of shape (n_samples, n_hidden)
        The hidden field ``Wᵀv + c`` of each row of ``V``, with
        ``W = ξ_vᵀ ξ_h / √K``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    V, xi_v, xi_h, c = _as_float(V, xi_v, xi_h, c)
    return Patterns(xi_v, xi_h).forward(V) + c


def pattern_gradient(V_pos, T_pos, V_neg, T_neg, xi_v, xi_h, w_neg=None):
    """Gradient of the log-likelihood with respect to the patterns.

    With ``G = ⟨v tanh(Wᵀv + c)ᵀ⟩_pos − ⟨v tanh(Wᵀv + c)ᵀ⟩_neg`` (the weight
    gradient, Eq. A6 with Eq. 4 of [1]_) and ``W = ξ_vᵀξ_h/√K``, the chain
    rule gives (Pozas-Kerstjens et al. (2021) [1]_, Eqs. A7a–b, with the
    sign of ``−∂L``)

    ``∂/∂ξ_v = ξ_h Gᵀ / √K``,   ``∂/∂ξ_h = ξ_v G / √K``,

    computed without forming ``G``: ``O(n K (V + H))``.

    Parameters
    ----------
    V_pos : array of shape (n_pos, n_visible)
        Data (positive phase).
    T_pos : array of shape (n_pos, n_hidden)
        ``tanh(Wᵀv + c)`` of the data.
    V_neg : array of shape (n_neg, n_visible)
        States of the negative phase (the binarized visible patterns for
        PID, Eq. 6).
    T_neg : array of shape (n_neg, n_hidden)
        Their ``tanh(Wᵀv + c)``.
    xi_v : array of shape (K, n_visible)
        Visible parts of the K patterns.
    xi_h : array of shape (K, n_hidden)
        Hidden parts of the K patterns.
    w_neg : array of shape (n_neg,) or None, default=None
        Weights of the negative states (summing to one); uniform when None.

    Returns
    -------
    grad_v : array of shape (K, n_visible)
        Ascent direction of the mean log-likelihood for ``ξ_v``.
    grad_h : array of shape (K, n_hidden)
        Ascent direction of the mean log-likelihood for ``ξ_h``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """
    if w_neg is None:
        T_neg = T_neg * (1.0 / int(V_neg.shape[0]))
    else:
        T_neg = T_neg * w_neg[:, None]
    T_pos = T_pos * (1.0 / int(V_pos.shape[0]))
    grads = Patterns(xi_v, xi_h).gradient(V_pos, T_pos, V_neg, T_neg)
    return grads["xi_v"], grads["xi_h"]
