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

import numpy as np

from ._ais import AIS_GROUP_SIZE, ais_schedule
from ._xp import _as_float, _sigmoid
from .layers import MAX_EXACT_UNITS, Gaussian, Spin
from .rbm import RBM

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
MAX_EXACT_FEATURES = MAX_EXACT_UNITS


def model(W, b, c, beta=1.0):
    """The binary-gaussian RBM ``RBM(Spin(b), Gaussian(c), W, beta)``
    (:class:`skhopfield.energy.rbm.RBM`) of these parameters."""
    W, b, c = _as_float(W, b, c)
    return RBM(Spin(b), Gaussian(c), W, beta)


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
    S, Lam = _as_float(S, Lam)
    return model(W, b, c).energy(S, Lam)


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
    return Gaussian(0.0).sample(None, beta, engine, mean=mean)


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
    # an argument beyond the dtype's range becomes ±inf, where the sigmoid
    # is exactly 0 or 1: that overflow is harmless (2β itself must be
    # finite in the dtype, or 0·inf = NaN; gibbs_step sees to it)
    x = visible_field(Lam, W, b)
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
    Lam, W, b = _as_float(Lam, W, b)
    return Spin(b).sample(Lam @ W.T, beta, engine)


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
    S, W, b, c = _as_float(S, W, b, c)
    inputs = None if hidden is None else hidden - c
    return model(W, b, c, beta).gibbs(S, engine, n_steps, inputs=inputs)


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
    return model(W, b, c, beta).log_unnormalized(S)


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
    return model(W, b, c, beta).mirror().free_energy(Lam)


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
    return Lam - c - model(W, b, c, beta).mean_v(Lam) @ W


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
    return model(W, b, c, beta).log_partition_exact(chunk_size)


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

    The coupling ``W`` and the hidden bias ``c`` are annealed from 0 to 1
    (Neal [2]_; Salakhutdinov & Murray [3]_) through the models
    ``H_γ(s, λ) = ½‖λ − γc‖² − bᵀs − γ sᵀWλ``
    (:meth:`skhopfield.energy.rbm.RBM.log_partition_ais`). The hidden units
    are summed out analytically (Rao–Blackwellization), so the chains
    importance-weight the visible marginals

    ``ln p*_γ(s) = β [bᵀs + ½ γ² ‖Wᵀs‖² + γ² cᵀWᵀs]``,

    ``ln Z_γ = ln Σ_s p*_γ(s)`` (the model's ``ln Z`` at ``γ = 1``,
    :func:`log_unnormalized`). At ``γ = 0`` the spins are independent with
    field ``b``, so ``ln Z_0 = Σ_i ln 2cosh(β b_i)`` and ``p_0`` is sampled
    exactly. Each chain accumulates the log-weight increments
    ``β (γ_k² − γ_{k-1}²) [½ ‖Wᵀs‖² + cᵀWᵀs]`` and moves by
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
    return model(W, b, c, beta).log_partition_ais(
        n_chains, n_betas, engine, random_state, dtype, schedule, n_jobs
    )


