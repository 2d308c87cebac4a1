"""Binary-visible, gaussian-hidden RBM: the mathematics as pure functions.

The model (Smart & Zilman (2021), Eqs. 6, 9 and E.1) couples ``N`` visible
spins :math:`s \\in \\{-1, +1\\}^N` to ``p`` continuous hidden units
:math:`\\lambda \\in \\mathbb{R}^p` through :math:`W \\in \\mathbb{R}^{N
\\times p}`, with biases :math:`b \\in \\mathbb{R}^N`, :math:`c \\in
\\mathbb{R}^p` and inverse temperature :math:`\\beta`:

.. math::

    H(s, \\lambda) = \\tfrac12 \\|\\lambda - c\\|^2 - b^T s - s^T W \\lambda,
    \\qquad p(s, \\lambda) \\propto e^{-\\beta H(s, \\lambda)}.

Its conditionals are :math:`\\lambda \\mid s \\sim \\mathcal{N}(W^T s + c,
\\beta^{-1} I)` and :math:`p(s_i = +1 \\mid \\lambda) = \\sigma(2 \\beta (W
\\lambda + b)_i)` (Smart & Zilman (2021), App. E), its visible marginal is

.. math::

    \\ln p(s) = \\beta \\big[b^T s + \\tfrac12 \\|W^T s + c\\|^2
    - \\tfrac12 \\|c\\|^2\\big] - \\ln Z

(Smart & Zilman (2021), Eq. E.5; their Eqs. 10, D.3 and 16 drop the
``1/2`` that the gaussian integral over the hidden units gives) and its
partition function has the continuous representation

.. math::

    Z = \\Big(\\frac{\\beta}{2\\pi}\\Big)^{p/2} \\int
    e^{-\\beta \\|\\lambda - c\\|^2 / 2}
    \\prod_i 2 \\cosh\\big(\\beta (W \\lambda + b)_i\\big) \\, d\\lambda

(Smart & Zilman (2021), Eqs. 7 and E.6).

Conventions: batches are rows (``S`` has shape ``(n_samples, N)``, ``Lam``
has shape ``(n_samples, p)``); every function works on NumPy arrays and on
torch tensors (the namespace follows the inputs, or ``engine.xp`` where an
engine is passed); functions that draw random numbers take a
:class:`skhopfield._backend.Engine`. All formulas are written in overflow-free
forms (``log 2cosh(x) = |x| + log1p(exp(-2|x|))``, logistic sigmoid,
log-sum-exp), so that huge ``beta`` or weights give finite results.

References
----------
M. Smart and A. Zilman, "On the mapping between Hopfield networks and
Restricted Boltzmann Machines", International Conference on Learning
Representations (ICLR), 2021.
"""

import math

import numpy as np
from joblib import Parallel, delayed
from scipy.special import logsumexp as _np_logsumexp

from .._backend import Engine
from .._parallel import limit_worker_threads, runs_in_parallel
from ._xp import (
    _as_float,
    _astype_like,
    _finfo,
    _is_torch,
    _log2cosh,
    _logsumexp,
    _rowsum,
    _sigmoid,
    _spins,
    _states,
    _tanh,
    _to_float64,
    _torch_of,
)

__all__ = [
    "joint_energy",
    "hidden_mean",
    "sample_hidden",
    "visible_field",
    "visible_prob",
    "sample_visible",
    "gibbs_step",
    "log_unnormalized",
    "free_energy_saddle",
    "free_energy_saddle_grad",
    "log_partition_exact",
    "log_partition_ais",
    "ais_schedule",
    "AIS_GROUP_SIZE",
    "log_prob",
    "MAX_EXACT_FEATURES",
]

#: Largest number of visible units for which :func:`log_partition_exact`
#: enumerates the ``2**N`` states.
MAX_EXACT_FEATURES = 24

# -- energies and conditionals ------------------------------------------------
def joint_energy(S, Lam, W, b, c):
    """Joint energy ``H(s, λ)`` of each row pair.

    Implements Smart & Zilman (2021) [1]_, Eq. E.1 (Eq. 9 with the hidden
    bias ``c``): ``H(s, λ) = ½‖λ − c‖² − bᵀs − sᵀWλ``.

    Parameters
    ----------
    S : array of shape (n_samples, N)
        Visible spins (±1).
    Lam : array of shape (n_samples, p)
        Hidden values.
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    c : array of shape (p,)
        Hidden bias.

    Returns
    -------
    H : array of shape (n_samples,)
        The energy (without the factor ``beta``).

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    S, Lam, W, b, c = _as_float(S, Lam, W, b, c)
    D = Lam - c
    return 0.5 * _rowsum(D * D) - S @ b - _rowsum((S @ W) * Lam)


def hidden_mean(S, W, c):
    """Conditional mean of the hidden units, ``E[λ | s] = Wᵀs + c``.

    Smart & Zilman (2021) [1]_, App. E ("Hidden units":
    ``λ_μ | s ~ N(h_μ, β⁻¹)`` with ``h_μ = Σ_i W_iμ s_i + c_μ``). It does not
    depend on ``beta``.

    Parameters
    ----------
    S : array of shape (n_samples, N)
        Visible spins (±1).
    W : array of shape (N, p)
        Weights.
    c : array of shape (p,)
        Hidden bias.

    Returns
    -------
    mean : array of shape (n_samples, p)
        ``S @ W + c``.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    S, W, c = _as_float(S, W, c)
    return S @ W + c


def sample_hidden(S, W, c, beta, engine, mean=None):
    """Draw ``λ ~ p(λ | s) = N(Wᵀs + c, β⁻¹ I)`` for each row of ``S``.

    Smart & Zilman (2021) [1]_, App. E ("Hidden units"): each hidden unit is
    gaussian with mean ``(Wᵀs + c)_μ`` and variance ``1/β``, independently.

    Parameters
    ----------
    S : array of shape (n_samples, N)
        Visible spins (±1).
    W : array of shape (N, p)
        Weights.
    c : array of shape (p,)
        Hidden bias.
    beta : float
        Inverse temperature (> 0).
    engine : skhopfield._backend.Engine
        Source of the normal draws; its namespace must match the inputs.
    mean : array of shape (n_samples, p) or None, default=None
        The conditional means ``Wᵀs + c`` of the rows of ``S``
        (:func:`hidden_mean`) when the caller has them already; ``S``, ``W``
        and ``c`` are then not read. None computes them.

    Returns
    -------
    Lam : array of shape (n_samples, p)
        One draw of the hidden values per row of ``S``, in the floating dtype
        of the means.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    if mean is None:
        mean = hidden_mean(S, W, c)
    noise = engine.normal(tuple(mean.shape), mean.dtype)
    noise *= 1.0 / math.sqrt(beta)
    return noise + mean


def visible_field(Lam, W, b):
    """Local field on the visible units, ``x = Wλ + b`` for each row.

    Smart & Zilman (2021) [1]_, App. E (``x_i = Σ_μ W_iμ λ_μ + b_i``).

    Parameters
    ----------
    Lam : array of shape (n_samples, p)
        Hidden values.
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.

    Returns
    -------
    x : array of shape (n_samples, N)
        ``Lam @ W.T + b``.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    Lam, W, b = _as_float(Lam, W, b)
    return Lam @ W.T + b


def visible_prob(Lam, W, b, beta):
    """``p(s_i = +1 | λ) = σ(2β (Wλ + b)_i)`` for each row of ``Lam``.

    Smart & Zilman (2021) [1]_, App. E ("Visible units"). The factor 2
    comes from the ±1 values of the units: ``p(s_i = ±1 | λ) ∝ exp(±β x_i)``,
    so ``p(s_i = +1 | λ) = e^{βx_i} / (e^{βx_i} + e^{−βx_i}) = σ(2βx_i)``,
    not ``σ(βx_i)`` as for {0, 1} units.

    Parameters
    ----------
    Lam : array of shape (n_samples, p)
        Hidden values.
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    beta : float
        Inverse temperature (> 0).

    Returns
    -------
    prob : array of shape (n_samples, N)
        Probabilities in ``[0, 1]`` (the logistic sigmoid saturates without
        overflow for huge fields).

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    x = visible_field(Lam, W, b)
    # an argument beyond the dtype's range becomes ±inf, where the sigmoid
    # is exactly 0 or 1: that overflow is harmless (2β itself must be
    # finite in the dtype, or 0·inf = NaN; gibbs_step sees to it)
    with np.errstate(over="ignore"):
        return _sigmoid((2.0 * beta) * x)


def sample_visible(Lam, W, b, beta, engine):
    """Draw ``s ~ p(s | λ)`` for each row of ``Lam``.

    The spins are independent given ``λ``, ``+1`` with the probability
    ``p(s_i = +1 | λ) = σ(2β (Wλ + b)_i)`` of :func:`visible_prob` and ``−1``
    otherwise (Smart & Zilman (2021) [1]_, App. E, "Visible units").

    Parameters
    ----------
    Lam : array of shape (n_samples, p)
        Hidden values.
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    beta : float
        Inverse temperature (> 0).
    engine : skhopfield._backend.Engine
        Source of the uniform draws; its namespace must match the inputs.

    Returns
    -------
    S : array of shape (n_samples, N)
        Spins ±1 (floating dtype of the inputs).

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    P = visible_prob(Lam, W, b, beta)
    U = engine.uniform(tuple(P.shape), P.dtype)
    return _spins(U < P, P)


def gibbs_step(S, W, b, c, beta, engine, n_steps=1, hidden=None):
    """Block Gibbs sampling ``s → λ → s``, repeated ``n_steps`` times.

    Each step draws ``λ ~ p(λ | s)`` (:func:`sample_hidden`) then
    ``s ~ p(s | λ)`` (:func:`sample_visible`); Smart & Zilman (2021) [1]_,
    App. E (the CD-k chain of Eq. 15).

    Parameters
    ----------
    S : array of shape (n_samples, N)
        Initial visible spins (±1).
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    c : array of shape (p,)
        Hidden bias.
    beta : float
        Inverse temperature (> 0).
    engine : skhopfield._backend.Engine
        Source of the random draws.
    n_steps : int, default=1
        Number of full steps (``>= 1``).
    hidden : array of shape (n_samples, p), default=None
        ``E[λ | S]`` of the start states when the caller has it already (CD
        computes it for the positive phase); saves one matrix product.

    Returns
    -------
    S : array of shape (n_samples, N)
        Visible spins after the last step, in the dtype of the inputs.
    Lam : array of shape (n_samples, p)
        The hidden values drawn in the last step (from which ``S`` was drawn);
        float64 when the step ran in float64 (see Notes).

    Notes
    -----
    A step needs ``2β`` (the visible fields' scale) and ``1/√β`` (the hidden
    noise's) as finite, normal numbers of the working dtype. Where one is not
    (float32 inputs with ``β`` above about 1.7e38 or below about 5.9e-39),
    the steps run in float64 instead, with float64 random draws, and ``S`` is
    returned in the input dtype; in float32, ``2β`` would round to inf or 0
    and meet ``0 · inf``, giving NaN probabilities.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    if int(n_steps) < 1:
        raise ValueError(f"n_steps must be >= 1, got {n_steps!r}.")
    S, W, b, c = _as_float(S, W, b, c)
    like = S
    tiny, big = _finfo(S)
    if not tiny <= 2.0 * beta <= big or 1.0 / math.sqrt(beta) > big:
        S, W, b, c = _to_float64(S, W, b, c)
        if hidden is not None:
            (hidden,) = _to_float64(hidden)
    mean = hidden
    for _ in range(int(n_steps)):
        Lam = sample_hidden(S, W, c, beta, engine, mean=mean)
        S = sample_visible(Lam, W, b, beta, engine)
        mean = None
    return _astype_like(S, like), Lam


def log_unnormalized(S, W, b, c, beta):
    """Unnormalized log-marginal of the visible units, ``ln p(s) + ln Z``.

    ``β [bᵀs + ½‖Wᵀs + c‖² − ½‖c‖²]``: the negative marginal free energy
    ``−β H(s)`` of Smart & Zilman (2021) [1]_, Eq. E.5 (per sample). It
    equals ``ln((β/2π)^{p/2} ∫ exp(−βH(s, λ)) dλ)`` exactly. Eqs. 10, D.3 and
    16 of [1]_ drop the ``½`` on the quadratic term, which the gaussian
    integral over ``λ`` gives (Eq. E.5 keeps it); this function follows the
    corrected form ``H(s) = −bᵀs − ½‖Wᵀs + c‖² + ½‖c‖²``.

    Computed as ``β [bᵀs + ½‖u‖² + cᵀu]`` with ``u = Wᵀs``, which is the same
    quantity without the cancellation of ``½‖u + c‖² − ½‖c‖²`` for large ``c``.

    Parameters
    ----------
    S : array of shape (n_samples, N)
        Visible spins (±1).
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    c : array of shape (p,)
        Hidden bias.
    beta : float
        Inverse temperature (> 0).

    Returns
    -------
    log_p_tilde : array of shape (n_samples,)
        ``ln p*(s) = ln p(s) + ln Z`` of each row of ``S`` (dimensionless; the
        factor ``β`` is included).

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    S, W, b, c = _as_float(S, W, b, c)
    U = S @ W
    return beta * (S @ b + _rowsum(U * (0.5 * U + c)))


def free_energy_saddle(Lam, W, b, c, beta):
    """Free energy of the hidden configuration, ``F0(λ)``, per row.

    The hidden-unit free energy of Smart & Zilman (2021) [1]_, Eq. 8, with
    the biases of Eq. E.6 (the visible units summed out):

    ``F0(λ) = ½‖λ − c‖² − β⁻¹ Σ_i ln 2cosh(β (Wλ + b)_i)``,

    so that ``Z = (β/2π)^{p/2} ∫ exp(−β F0(λ)) dλ`` exactly (Eq. 7 / E.6) and
    its saddle point ``min_λ F0(λ)`` approximates ``F = −β⁻¹ ln Z``. Eq. 8
    writes ``ln cosh``; this function keeps the ``ln 2`` of each ``2cosh``
    (the ``2^N`` of Eq. 7), so ``F0`` here is Eq. 8 (with biases) shifted by
    the constant ``−N β⁻¹ ln 2``. ``F0`` is the Lyapunov function of the mean
    dynamics of ``λ``; its gradient is :func:`free_energy_saddle_grad`.

    Parameters
    ----------
    Lam : array of shape (n_samples, p)
        Hidden values.
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    c : array of shape (p,)
        Hidden bias.
    beta : float
        Inverse temperature (> 0).

    Returns
    -------
    F0 : array of shape (n_samples,)
        ``F0(λ)`` of each row of ``Lam``, in energy units (``β F0`` is
        dimensionless).

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    Lam, W, b, c = _as_float(Lam, W, b, c)
    D = Lam - c
    X = Lam @ W.T + b
    return 0.5 * _rowsum(D * D) - _rowsum(_log2cosh(beta * X)) / beta


def free_energy_saddle_grad(Lam, W, b, c, beta):
    """Gradient ``∇F0(λ)`` of :func:`free_energy_saddle`, for each row.

    ``∇F0(λ) = λ − c − Wᵀ tanh(β (Wλ + b))``, from Smart & Zilman (2021)
    [1]_, Eq. 8 (with biases): ``−∇F0`` drives the mean dynamics of the
    hidden units, and ``∇F0(λ*) = 0`` is the saddle-point (mean-field)
    equation ``λ* = c + Wᵀ E[s | λ*]``.

    Parameters
    ----------
    Lam : array of shape (n_samples, p)
        Hidden values.
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    c : array of shape (p,)
        Hidden bias.
    beta : float
        Inverse temperature (> 0).

    Returns
    -------
    grad : array of shape (n_samples, p)
        ``∂F0/∂λ`` at each row of ``Lam``.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    Lam, W, b, c = _as_float(Lam, W, b, c)
    X = Lam @ W.T + b
    return Lam - c - _tanh(beta * X) @ W


# -- partition function ------------------------------------------------------
def log_partition_exact(W, b, c, beta, chunk_size=16384):
    """Exact ``ln Z`` by enumerating the ``2**N`` visible states.

    ``ln Z = logsumexp_s β [bᵀs + ½‖Wᵀs + c‖² − ½‖c‖²]`` (Smart & Zilman
    (2021) [1]_, Eqs. E.4–E.5), which equals the continuous representation
    Eq. 7 / E.6. States are processed in chunks and combined
    with log-sum-exp, so memory is ``O(chunk_size · (N + p))``. The sum is
    computed in float64 whatever the input dtype.

    Parameters
    ----------
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    c : array of shape (p,)
        Hidden bias.
    beta : float
        Inverse temperature (> 0).
    chunk_size : int, default=16384
        Number of states per chunk.

    Returns
    -------
    log_Z : float
        The natural logarithm of the partition function ``Z = Σ_s p*(s)``,
        summed over all ``2**N`` visible states in float64.

    Raises
    ------
    ValueError
        If ``N > MAX_EXACT_FEATURES`` (24): enumeration would not finish.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    W, b, c = _as_float(W, b, c)
    if _is_torch(W):
        import torch

        W, b, c = (a.to(torch.float64) for a in (W, b, c))
    else:
        W, b, c = (a.astype(np.float64, copy=False) for a in (W, b, c))
    n_features = int(W.shape[0])
    if n_features > MAX_EXACT_FEATURES:
        raise ValueError(
            f"Exact enumeration of 2**{n_features} visible states is "
            f"intractable; it is limited to N <= {MAX_EXACT_FEATURES}. Use "
            "log_partition_ais for larger models."
        )
    chunk_size = max(1, int(chunk_size))
    n_states = 1 << n_features
    parts = []
    for start in range(0, n_states, chunk_size):
        S = _states(start, min(start + chunk_size, n_states), n_features, W)
        parts.append(_logsumexp(log_unnormalized(S, W, b, c, beta), 0))
    parts = [float(v) for v in parts]
    return float(_np_logsumexp(np.asarray(parts, dtype=np.float64)))


def log_prob(S, W, b, c, beta, log_Z=None):
    """Log-likelihood ``ln p(s)`` of each row of ``S`` under the model.

    ``ln p(s) = β [bᵀs + ½‖Wᵀs + c‖² − ½‖c‖²] − ln Z`` (Smart & Zilman
    (2021) [1]_, Eqs. E.4–E.5; Eqs. 10, D.3 and 16 of [1]_ drop the ``½``,
    see :func:`log_unnormalized`).

    Parameters
    ----------
    S : array of shape (n_samples, N)
        Visible spins (±1).
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    c : array of shape (p,)
        Hidden bias.
    beta : float
        Inverse temperature (> 0).
    log_Z : float or None, default=None
        ``ln Z`` (e.g. from :func:`log_partition_ais`); computed exactly with
        :func:`log_partition_exact` when None.

    Returns
    -------
    log_p : array of shape (n_samples,)
        The natural log-probability of each row of ``S`` (``≤ 0`` up to the
        error of an estimated ``log_Z``).

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    """
    if log_Z is None:
        log_Z = log_partition_exact(W, b, c, beta)
    return log_unnormalized(S, W, b, c, beta) - float(log_Z)


def ais_schedule(n_betas, schedule="quadratic"):
    """Coupling schedule ``0 = γ_0 < γ_1 < … < γ_{K-1} = 1`` for AIS.

    Parameters
    ----------
    n_betas : int
        Number of distributions, endpoints included (``>= 2``).
    schedule : {"quadratic", "linear"}, default="quadratic"
        ``"linear"``: ``γ_k = k/(K-1)``. ``"quadratic"``: ``γ_k² = k/(K-1)``,
        uniform steps in the strength ``γ²`` of the induced visible coupling
        ``γ² W Wᵀ`` (as the linear-in-β schedules of Neal [1]_ and
        Salakhutdinov & Murray [2]_); it is denser near ``γ = 1``.

    Returns
    -------
    gammas : ndarray of shape (n_betas,)
        The couplings ``γ_k``, float64, strictly increasing from exactly 0 to
        exactly 1.

    References
    ----------
    .. [1] R. M. Neal, "Annealed importance sampling", Statistics and
       Computing 11(2), 125–139, 2001.
    .. [2] R. Salakhutdinov and I. Murray, "On the quantitative analysis of
       deep belief networks", Proceedings of the 25th International
       Conference on Machine Learning (ICML), 872–879, 2008.
    """
    n_betas = int(n_betas)
    if n_betas < 2:
        raise ValueError(f"n_betas must be >= 2, got {n_betas!r}.")
    t = np.linspace(0.0, 1.0, n_betas)
    if schedule == "linear":
        return t
    if schedule == "quadratic":
        return np.sqrt(t)
    raise ValueError(
        f"schedule must be 'quadratic', 'linear' or an array, got {schedule!r}."
    )


def _ais_setup(W, engine, random_state, dtype, n_chains, n_betas, schedule):
    """Shared argument handling of the AIS estimators: the engine (torch on
    the device of ``W`` if ``W`` is a tensor), the sampling dtype, the
    number of chains and the list of couplings ``γ_k``."""
    if engine is None:
        if _torch_of([W]) is None:
            engine = Engine(backend="numpy", random_state=random_state)
        else:
            engine = Engine(
                backend="torch", device=str(W.device), random_state=random_state
            )
    if dtype is None:
        dtype = W.dtype if (_is_torch(W) and W.is_floating_point()) else np.float64
    n_chains = int(n_chains)
    if n_chains < 2:
        raise ValueError(f"n_chains must be >= 2, got {n_chains!r}.")
    if isinstance(schedule, str):
        gammas = ais_schedule(n_betas, schedule)
    else:
        gammas = np.asarray(schedule, dtype=np.float64).ravel()
        if (
            gammas.size < 2
            or gammas[0] != 0.0
            or gammas[-1] != 1.0
            or np.any(np.diff(gammas) <= 0)
        ):
            raise ValueError(
                "An explicit schedule must increase strictly from 0 to 1."
            )
    return engine, dtype, n_chains, [float(g) for g in gammas]


def _ais_estimate(log_w, log_Z0):
    """``ln Z_0 + ln mean exp(ln w)`` and its delta-method standard error,
    ``std(w) / (sqrt(n) mean(w))``, computed in log space."""
    log_w = np.asarray(log_w, dtype=np.float64)
    m = float(np.max(log_w))
    r = np.exp(log_w - m)
    mean_r = float(np.mean(r))
    log_Z = log_Z0 + m + math.log(mean_r)
    std_error = float(np.std(r, ddof=1) / (math.sqrt(log_w.size) * mean_r))
    return float(log_Z), std_error


#: Chains per AIS group. The chains of one estimate run in groups of at most
#: this many (``ceil(n_chains / AIS_GROUP_SIZE)`` groups of near-equal size),
#: each with its own random stream: the groups, and so the estimate, depend on
#: ``n_chains`` and the seed only, never on how many workers run them.
AIS_GROUP_SIZE = 256


def _ais_group_sizes(n_chains):
    """Sizes of the chain groups of an AIS estimate (see AIS_GROUP_SIZE)."""
    n_groups = -(-int(n_chains) // AIS_GROUP_SIZE)
    q, r = divmod(int(n_chains), n_groups)
    return [q + 1] * r + [q] * (n_groups - r)


def _child_seeds(root, n):
    """``n`` independent child seeds of the ``SeedSequence`` ``root`` (its
    spawn keys ``(0,)``, ``(1,)``, …, whatever ``root`` spawned before)."""
    return [
        np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key + (i,))
        for i in range(n)
    ]


def _torch_generators(engine, n_groups):
    """One ``torch.Generator`` per AIS group: the engine's own for the first
    group (one group gives exactly the stream of a single run), generators
    seeded from ``SeedSequence`` children of one draw of ``engine.np_rng``
    for the others."""
    gens = [engine._gen]
    if n_groups > 1:
        torch = engine.xp
        root = np.random.SeedSequence(int(engine.np_rng.randint(0, 2**31 - 1)))
        for seq in _child_seeds(root, n_groups - 1):
            gen = torch.Generator(device=engine.device)
            gen.manual_seed(int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1)))
            gens.append(gen)
    return gens


def _run_ais_groups(task, args, sizes, streams, n_jobs):
    """Log-weights of every chain, in the order of the groups.

    ``task(*args, sizes, streams, parallel)`` runs the groups of ``sizes``
    (with their random ``streams``) side by side in one batch: serially all
    groups run in one batch (large matrix products, as fast as one run of all
    chains); in parallel each group is one :class:`joblib.Parallel` task, and
    limits the threads of its process.
    """
    if not runs_in_parallel(n_jobs, len(sizes)):
        return np.asarray(task(*args, sizes, streams, False), dtype=np.float64)
    parts = Parallel(n_jobs=n_jobs)(
        delayed(task)(*args, [n], [stream], True) for n, stream in zip(sizes, streams)
    )
    return np.concatenate([np.asarray(p, dtype=np.float64) for p in parts])


def _group_slices(sizes):
    """Row slices of the groups of ``sizes`` in one batch."""
    stops = np.cumsum(sizes)
    return [slice(int(stop - n), int(stop)) for n, stop in zip(sizes, stops)]


def _torch_draw(draw, sizes, gens, n_cols, dtype, device):
    """``draw`` (``torch.rand`` or ``torch.randn``) of ``(n, n_cols)`` from
    each group's generator, stacked."""
    parts = [
        draw((n, n_cols), generator=gen, dtype=dtype, device=device)
        for n, gen in zip(sizes, gens)
    ]
    return parts[0] if len(parts) == 1 else _torch_of(parts).cat(parts)


def _ais_log_weights_torch(W, b, c, beta, gammas, sizes, gens, parallel=False):
    """AIS log-weights (see :func:`log_partition_ais`) of groups of chains
    for the torch engine.

    Out-of-place tensor operations (torch's caching allocator makes them
    cheap); the chains of group ``g`` (``sizes[g]`` of them) draw from the
    ``torch.Generator`` ``gens[g]``; on the device of ``W``. ``parallel``
    limits the threads of the process (a joblib task).
    """
    with limit_worker_threads(parallel):
        return _ais_log_weights_torch_run(W, b, c, beta, gammas, sizes, gens)


def _ais_log_weights_torch_run(W, b, c, beta, gammas, sizes, gens):
    torch = _torch_of([W])
    dtype, device = W.dtype, W.device
    n_chains = int(sum(sizes))
    n_features, n_hidden = (int(d) for d in W.shape)
    Wt = W.T.contiguous()
    two_beta_b = (2.0 * beta) * b
    noise_scale = 1.0 / math.sqrt(beta)

    def draw_spins(P):
        # s = +1 with probability P.
        V = _torch_draw(torch.rand, sizes, gens, n_features, dtype, device)
        return (V < P).to(dtype) * 2.0 - 1.0

    S = draw_spins(torch.sigmoid(two_beta_b))  # exact draw from p_0
    U = S @ W
    log_w = torch.zeros((n_chains,), dtype=torch.float64, device=device)
    last = len(gammas) - 1
    for k in range(1, last + 1):
        g, g_prev = gammas[k], gammas[k - 1]
        inc = (U * ((0.5 * beta * (g * g - g_prev * g_prev)) * U
                    + (beta * (g - g_prev)) * c)).sum(-1)
        log_w = log_w + inc.to(torch.float64)
        if k == last:
            break
        # One Gibbs sweep s -> lambda -> s of H_{gamma_k}.
        noise = _torch_draw(torch.randn, sizes, gens, n_hidden, dtype, device)
        Lam = g * U + c + noise_scale * noise
        S = draw_spins(torch.sigmoid(((2.0 * beta * g) * Lam) @ Wt + two_beta_b))
        U = S @ W
    return log_w.detach().cpu().numpy()


def _ais_log_weights_numpy(W, b, c, beta, gammas, sizes, seeds, parallel=False):
    """AIS log-weights (see :func:`log_partition_ais`) of groups of chains
    for the numpy engine.

    The same computation as :func:`_ais_log_weights_torch`, with preallocated
    buffers and in-place operations, and random numbers from
    ``numpy.random.Generator`` objects (SFC64: native float32 draws, ziggurat
    normals), one per group, seeded by ``seeds`` (ints or
    ``numpy.random.SeedSequence`` objects). ``parallel`` limits the threads
    of the process (a joblib task).
    """
    with limit_worker_threads(parallel):
        return _ais_log_weights_numpy_run(W, b, c, beta, gammas, sizes, seeds)


def _ais_log_weights_numpy_run(W, b, c, beta, gammas, sizes, seeds):
    dtype = W.dtype
    rngs = [np.random.Generator(np.random.SFC64(seed)) for seed in seeds]
    slices = _group_slices(sizes)
    n_chains = int(sum(sizes))
    n_features, n_hidden = (int(d) for d in W.shape)
    W = np.ascontiguousarray(W)
    Wt = np.ascontiguousarray(W.T)
    beta_b = beta * b
    noise_scale = dtype.type(1.0 / math.sqrt(beta))
    S = np.empty((n_chains, n_features), dtype=dtype)
    T = np.empty_like(S)
    V = np.empty_like(S)
    mask = np.empty(S.shape, dtype=bool)
    U = np.empty((n_chains, n_hidden), dtype=dtype)
    Lam = np.empty_like(U)

    def draw_spins():
        # S = +1 with probability sigma(2 x) = (1 + T) / 2, where T = tanh(x).
        # (Buffers are updated through ``out=``: they are closure variables.)
        for rng, rows in zip(rngs, slices):
            rng.random(out=V[rows], dtype=dtype)
        np.multiply(V, 2.0, out=V)
        np.subtract(V, 1.0, out=V)
        np.less(V, T, out=mask)
        np.copyto(S, mask)
        np.multiply(S, 2.0, out=S)
        np.subtract(S, 1.0, out=S)
        np.matmul(S, W, out=U)

    np.copyto(T, np.tanh(beta_b))  # exact draw from p_0
    draw_spins()
    log_w = np.zeros(n_chains, dtype=np.float64)
    last = len(gammas) - 1
    for k in range(1, last + 1):
        g, g_prev = gammas[k], gammas[k - 1]
        inc = np.einsum("ij,ij->i", U, U) * (0.5 * beta * (g * g - g_prev * g_prev))
        inc += (beta * (g - g_prev)) * (U @ c)
        log_w += inc
        if k == last:
            break
        # One Gibbs sweep s -> lambda -> s of H_{gamma_k}.
        for rng, rows in zip(rngs, slices):
            rng.standard_normal(out=Lam[rows], dtype=dtype)
        Lam *= noise_scale
        Lam += c
        Lam += g * U
        Lam *= beta * g
        np.matmul(Lam, Wt, out=T)
        T += beta_b
        np.tanh(T, out=T)
        draw_spins()
    return log_w


def log_partition_ais(
    W,
    b,
    c,
    beta,
    n_chains=500,
    n_betas=1000,
    engine=None,
    random_state=None,
    dtype=None,
    schedule="quadratic",
    n_jobs=None,
):
    """Estimate ``ln Z`` by annealed importance sampling (Neal, 2001).

    The coupling ``W`` is annealed from 0 to 1 (Neal [2]_; Salakhutdinov &
    Murray [3]_) through the models
    ``H_γ(s, λ) = ½‖λ − c‖² − bᵀs − γ sᵀWλ``. The hidden units are summed
    out analytically (Rao–Blackwellization), so the chains importance-weight
    the visible marginals

    ``ln p*_γ(s) = β [bᵀs + ½ γ² ‖Wᵀs‖² + γ cᵀWᵀs]``,

    ``ln Z_γ = ln Σ_s p*_γ(s)`` (the model's ``ln Z`` at ``γ = 1``,
    :func:`log_unnormalized`). At ``γ = 0`` the spins are independent with
    field ``b``, so ``ln Z_0 = Σ_i ln 2cosh(β b_i)`` and ``p_0`` is sampled
    exactly. Each chain accumulates the log-weight increments
    ``β [½ (γ_k² − γ_{k-1}²) ‖Wᵀs‖² + (γ_k − γ_{k-1}) cᵀWᵀs]`` and moves by
    one block Gibbs sweep ``s → λ → s`` of ``H_{γ_k}``, which leaves
    ``p*_{γ_k}`` invariant. The marginal ratio
    ``p*_{γ_k}(s) / p*_{γ_{k-1}}(s)`` is the average of the joint ratio
    ``exp(β (γ_k − γ_{k-1}) sᵀWλ)`` over ``λ ~ p_{γ_{k-1}}(λ | s)``, so the
    gaussian noise of ``λ`` no longer enters the weights: on
    brute-force-checked models this gave a smaller spread of the log-weights
    than annealing the joint ``(s, λ)`` or the continuous representation over
    ``λ`` (Eq. E.7 of Smart & Zilman (2021) [1]_, whose App. E.2 and Fig. 2
    anneal it with 500 chains for 1000 steps; it also costs ``N`` log-cosh
    evaluations per chain and step), for the same cost of one Gibbs sweep per
    distribution. The default schedule is uniform in ``γ²``
    (:func:`ais_schedule`), which gave the smaller spread of the two.

    Parameters
    ----------
    W : array of shape (N, p)
        Weights.
    b : array of shape (N,)
        Visible bias.
    c : array of shape (p,)
        Hidden bias.
    beta : float
        Inverse temperature (> 0).
    n_chains : int, default=500
        Number of independent AIS runs.
    n_betas : int, default=1000
        Number of intermediate distributions, endpoints included (``n_betas -
        2`` Gibbs sweeps per chain). Ignored when ``schedule`` is an array.
    engine : skhopfield._backend.Engine or None, default=None
        Array backend, device and random streams. When None, an engine is
        built from ``random_state`` (torch on the inputs' device if ``W`` is a
        torch tensor, else numpy).
    random_state : int, RandomState instance or None, default=None
        Seed, used only when ``engine`` is None.
    dtype : dtype or None, default=None
        Floating dtype of the sampling (``np.float32`` roughly halves the
        time); log-weights always accumulate in float64. Default: float64
        for NumPy inputs, the dtype of a floating ``W`` tensor.
    schedule : {"quadratic", "linear"} or array-like, default="quadratic"
        Coupling schedule, see :func:`ais_schedule`, or the increasing values
        ``γ_k`` themselves, from 0 to 1.
    n_jobs : int or None, default=None
        Workers that run the groups of chains (see Notes) through
        :class:`joblib.Parallel`, so the active joblib backend (processes,
        threads, a Dask cluster) runs them. ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; ``-1`` uses all processors.
        The result does not depend on it. Each parallel task limits its
        process to ``SKHOPFIELD_WORKER_THREADS`` BLAS / torch threads
        (default 1).

    Returns
    -------
    log_Z : float
        ``ln mean_r exp(ln w_r) + ln Z_0``.
    std_error : float
        Delta-method standard error of ``log_Z``,
        ``std(w) / (sqrt(n_chains) mean(w))`` (computed in log space).

    Notes
    -----
    With the numpy engine the draws come from a ``numpy.random.Generator``
    seeded by one draw of ``engine.np_rng`` (for speed: native float32 draws
    into preallocated buffers); the result is still fixed by the engine's
    ``random_state``. The torch engine uses its ``torch.Generator``. The
    estimate of ``ln Z`` is biased low by about ``std_error² / 2`` (Jensen).

    The chains run in ``ceil(n_chains / AIS_GROUP_SIZE)`` independent groups
    (:data:`AIS_GROUP_SIZE` = 256 chains at most), the first one on the
    stream described above, the others on streams seeded by
    ``numpy.random.SeedSequence`` children of one further draw of the seed.
    The groups depend on ``n_chains`` and the seed only, so the estimate and
    its standard error are the same for every ``n_jobs``; a single group
    (``n_chains <= 256``) is a single run of all chains.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    .. [2] R. M. Neal, "Annealed importance sampling", Statistics and
       Computing 11(2), 125–139, 2001.
    .. [3] R. Salakhutdinov and I. Murray, "On the quantitative analysis of
       deep belief networks", Proceedings of the 25th International
       Conference on Machine Learning (ICML), 872–879, 2008.
    """
    engine, dtype, n_chains, gammas = _ais_setup(
        W, engine, random_state, dtype, n_chains, n_betas, schedule
    )
    beta = float(beta)
    log_Z0 = float(_rowsum(_log2cosh(beta * engine.asarray(b, dtype=np.float64))))
    W = engine.asarray(W, dtype=dtype)
    b = engine.asarray(b, dtype=dtype)
    c = engine.asarray(c, dtype=dtype)
    gammas = [float(g) for g in gammas]
    sizes = _ais_group_sizes(n_chains)
    if engine.is_torch:
        gens = _torch_generators(engine, len(sizes))
        task, streams = _ais_log_weights_torch, gens
    else:
        base = int(engine.np_rng.randint(0, 2**31 - 1))
        seeds = [base] + _child_seeds(np.random.SeedSequence(base), len(sizes) - 1)
        task, streams = _ais_log_weights_numpy, seeds
    log_w = _run_ais_groups(task, (W, b, c, beta, gammas), sizes, streams, n_jobs)
    return _ais_estimate(log_w, log_Z0)
