"""Annealed importance sampling: schedules, chain groups, random streams.

The AIS loops of the suite are :meth:`skhopfield.energy.rbm.RBM.log_partition_ais`
and :meth:`skhopfield.energy.ising.Ising.log_partition_ais`; this
module holds what they share: the schedule, the estimate and its standard
error, and the groups of chains that run on independent random streams, so
that an estimate depends on ``n_chains`` and the seed only, never on how many
workers run it.

References
----------
R. M. Neal, "Annealed importance sampling", Statistics and Computing 11(2),
125–139, 2001.
"""

import math
import warnings
from collections import namedtuple

import numpy as np
from joblib import Parallel, delayed

from .._backend import Engine, uniform_draws
from .._parallel import runs_in_parallel
from ._kernels import KernelStream
from ._xp import _is_torch, _torch_of

__all__ = [
    "AIS_GROUP_SIZE",
    "AISEstimate",
    "AISWarning",
    "LogPartitionBounds",
    "ais_schedule",
]

#: Chains per AIS group. The chains of one estimate run in groups of at most
#: this many (``ceil(n_chains / AIS_GROUP_SIZE)`` groups of near-equal size),
#: each with its own random stream: the groups, and so the estimate, depend on
#: ``n_chains`` and the seed only, never on how many workers run them.
AIS_GROUP_SIZE = 256


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
    n_chains, gammas = _chains_and_schedule(n_chains, n_betas, schedule)
    return engine, dtype, n_chains, gammas


def _chains_and_schedule(n_chains, n_betas, schedule):
    """The number of chains (``>= 2``) and the couplings ``γ_k`` of a named
    schedule (:func:`ais_schedule`) or of explicit values from 0 to 1."""
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
            raise ValueError("An explicit schedule must increase strictly from 0 to 1.")
    return n_chains, [float(g) for g in gammas]


class AISEstimate(namedtuple("_Estimate", ["log_Z", "std_error"])):
    """An estimate of ``ln Z``: the pair ``(log_Z, std_error)``, and more.

    It unpacks and compares as the pair (``log_Z, std_error = estimate``)
    and carries

    - ``ess``: the effective sample size of the chains' weights,
      ``(Σ w)² / Σ w²``, between 1 and ``n_chains`` (None when exact);
    - ``n_chains``: the number of chains (0 when exact);
    - ``method``: ``"exact"``; ``"ais"``, forward AIS, whose ``exp(log_Z)``
      is unbiased, so that ``log_Z`` is a stochastic *lower* bound of
      ``ln Z``; or ``"reverse ais"``, reverse annealing, a stochastic
      *upper* bound when its chains start at exact samples of the model;
    - ``log_p_star``: for forward AIS, the chains' importance-weighted
      mean of ``ln p*(v)`` at their final states, an estimate of its
      expectation under the model, and its standard error (None
      otherwise);
    - ``start``: how the chains started (``"base"``: independent units;
      ``"mixture of K"``: a mixture of ``K`` such starts, e.g. ``K = 2``
      for the base rate and its mirror image; ``"model samples"`` for
      reverse annealing; None when exact).

    The standard error is the delta-method one, ``std(w) / (√n mean(w))``.
    It measures the spread of the weights that the chains found, not the
    modes that they missed; an ESS that is a small fraction of ``n_chains``
    says that a few chains carry the estimate.
    """

    def __new__(
        cls,
        log_Z,
        std_error,
        ess=None,
        n_chains=0,
        method="exact",
        start=None,
        log_p_star=None,
    ):
        self = super().__new__(cls, float(log_Z), float(std_error))
        self.ess = None if ess is None else float(ess)
        self.n_chains = int(n_chains)
        self.method = method
        self.start = start
        self.log_p_star = log_p_star
        return self

    def __reduce__(self):
        return type(self), (
            self.log_Z,
            self.std_error,
            self.ess,
            self.n_chains,
            self.method,
            self.start,
            self.log_p_star,
        )

    def __repr__(self):
        extra = "" if self.ess is None else f", ess={self.ess:.1f} of {self.n_chains}"
        return (
            f"AISEstimate(log_Z={self.log_Z!r}, std_error={self.std_error!r}, "
            f"method={self.method!r}{extra})"
        )


class LogPartitionBounds(namedtuple("_Bounds", ["lower", "upper"])):
    """Stochastic bounds ``(lower, upper)`` of ``ln Z``, in nats, and more.

    It unpacks as the pair (``lower, upper = bounds``); ``forward`` and
    ``reverse`` are the two :class:`AISEstimate` objects behind it (their
    standard errors and effective sample sizes), and ``burn_in_z`` is the
    evidence that the reverse chains started at samples of the model: the
    drift of the chains' mean ``ln p*(v)`` over the second half of their
    burn-in, in standard errors (about ±2 at most when the chains had
    converged; None when exact); ``start_z`` compares their mean ``ln
    p*(v)`` at the end of it with the forward chains' weighted estimate of
    its expectation under the model, in standard errors (None when that is
    not known): chains stuck away from the model's mass show there.
    ``lower <= ln Z <= upper`` holds in expectation, the upper side only as
    far as those starts are exact.
    """

    def __new__(cls, forward, reverse, burn_in_z=None, start_z=None):
        self = super().__new__(cls, float(forward.log_Z), float(reverse.log_Z))
        self.forward, self.reverse = forward, reverse
        self.burn_in_z = None if burn_in_z is None else float(burn_in_z)
        self.start_z = None if start_z is None else float(start_z)
        return self

    def __reduce__(self):
        return type(self), (self.forward, self.reverse, self.burn_in_z, self.start_z)

    @property
    def lower_std_error(self):
        """Standard error of the lower bound."""
        return self.forward.std_error

    @property
    def upper_std_error(self):
        """Standard error of the upper bound."""
        return self.reverse.std_error

    @property
    def gap(self):
        """``upper − lower``: how far apart the two estimates are (nats)."""
        return self.upper - self.lower

    def __repr__(self):
        drift = "" if self.burn_in_z is None else f", burn_in_z={self.burn_in_z:.2f}"
        return (
            f"LogPartitionBounds(lower={self.lower!r} ± {self.lower_std_error:.3g}, "
            f"upper={self.upper!r} ± {self.upper_std_error:.3g}{drift})"
        )


class AISWarning(UserWarning):
    """An estimate of ln Z that its own diagnostics call into question: an
    effective sample size that is a small fraction of the chains, or a
    lower and an upper bound far apart."""


#: An AIS estimate whose effective sample size is below this fraction of
#: its chains warns (:func:`warn_if_few_chains`).
MIN_ESS_FRACTION = 0.1

#: Bounds of ln Z further apart than this (nats) warn (:func:`warn_if_bounds_apart`).
MAX_BOUNDS_GAP = 1.0


def warn_if_few_chains(estimate, raise_what, stacklevel=2):
    """Warn (:class:`AISWarning`) when the weights of an AIS ``estimate``
    rest on fewer than :data:`MIN_ESS_FRACTION` of its chains, naming the
    parameter to raise."""
    if estimate.ess is None or estimate.ess >= MIN_ESS_FRACTION * estimate.n_chains:
        return
    warnings.warn(
        f"The AIS estimate of ln Z ({estimate.log_Z:.3f} ± {estimate.std_error:.3f}) "
        f"rests on an effective {estimate.ess:.1f} of its {estimate.n_chains} "
        "chains: its standard error is unreliable and the estimate may be too "
        f"low (so log-likelihoods too high). Raise {raise_what}, or compare "
        "with log_partition_bounds.",
        AISWarning,
        stacklevel=stacklevel + 1,
    )


#: Reverse chains whose burn-in drift exceeds this many standard errors warn.
MAX_BURN_IN_Z = 3.0


def warn_if_bounds_apart(bounds, stacklevel=2, raise_what="n_ais_betas", burn="n_burn"):
    """Warn (:class:`AISWarning`) when the bounds of ln Z are more than
    :data:`MAX_BOUNDS_GAP` nats apart, when they cross (the upper one below
    the lower one by more than :data:`MAX_BURN_IN_Z` standard errors of
    their difference: the reverse chains did not start at samples of the
    model), or when the reverse chains were still drifting at the end of
    their burn-in (more than :data:`MAX_BURN_IN_Z` standard errors: the
    upper bound is then no bound)."""
    if bounds.burn_in_z is not None and abs(bounds.burn_in_z) > MAX_BURN_IN_Z:
        warnings.warn(
            f"The reverse chains of the upper bound of ln Z ({bounds.upper:.3f}) "
            f"were still drifting at the end of their burn-in ({bounds.burn_in_z:+.1f} "
            "standard errors): they had not reached the model, and the upper "
            f"bound may be none. Raise {burn}, or start them elsewhere.",
            AISWarning,
            stacklevel=stacklevel + 1,
        )
    if bounds.start_z is not None and abs(bounds.start_z) > MAX_BURN_IN_Z:
        warnings.warn(
            f"The reverse chains of the upper bound of ln Z ({bounds.upper:.3f}) "
            f"started {bounds.start_z:+.1f} standard errors away, in mean ln p*(v), "
            "from where the forward chains put the model's mass: they are not "
            f"samples of the model, and the upper bound may be none. Raise {burn}, "
            "or start them elsewhere (without X: at the forward chains' states).",
            AISWarning,
            stacklevel=stacklevel + 1,
        )
    spread = math.hypot(bounds.lower_std_error, bounds.upper_std_error)
    if -bounds.gap > MAX_BURN_IN_Z * spread:
        z = -bounds.gap / spread if spread > 0 else math.inf
        warnings.warn(
            f"The bounds of ln Z cross: the upper one ({bounds.upper:.3f}) is "
            f"{-bounds.gap:.2f} nats below the lower one ({bounds.lower:.3f}), "
            f"{z:.1f} standard errors. The reverse chains did "
            "not start at samples of the model (they miss some of its modes), so "
            f"the upper bound is none. Raise {burn}, or start them from data (X).",
            AISWarning,
            stacklevel=stacklevel + 1,
        )
    if bounds.gap > MAX_BOUNDS_GAP:
        warnings.warn(
            f"The bounds of ln Z are {bounds.gap:.2f} nats apart (lower "
            f"{bounds.lower:.3f}, upper {bounds.upper:.3f}): at least one of "
            f"them is that far from ln Z. Raise {raise_what}, or start the "
            "reverse chains from data (X) to reach more of the model's modes.",
            AISWarning,
            stacklevel=stacklevel + 1,
        )


def _log_mean_exp(log_w):
    """``(ln mean exp(ln w), relative s.e. of the mean weight, ESS)``, in
    log space (shifted by the largest log-weight)."""
    log_w = np.asarray(log_w, dtype=np.float64)
    m = float(np.max(log_w))
    r = np.exp(log_w - m)
    mean_r = float(np.mean(r))
    std_error = float(np.std(r, ddof=1) / (math.sqrt(log_w.size) * mean_r))
    ess = float(np.sum(r) ** 2 / np.sum(r * r))
    return m + math.log(mean_r), std_error, ess


def _ais_estimate(log_w, log_Z0, start="base", log_p_star=None):
    """Forward AIS: ``ln Z_0 + ln mean exp(ln w)``, its delta-method
    standard error ``std(w) / (sqrt(n) mean(w))`` and its effective sample
    size, as an :class:`AISEstimate`; with ``log_p_star``, the ``ln p*`` of
    the final states, their importance-weighted mean and its standard
    error (delta method for a self-normalized mean)."""
    log_mean, std_error, ess = _log_mean_exp(log_w)
    moment = None
    if log_p_star is not None:
        log_w = np.asarray(log_w, dtype=np.float64)
        w = np.exp(log_w - log_w.max())
        w /= w.sum()
        values = np.asarray(log_p_star, dtype=np.float64)
        mean = float(w @ values)
        moment = (mean, float(np.sqrt(np.sum(w * w * (values - mean) ** 2))))
    return AISEstimate(
        log_Z0 + log_mean,
        std_error,
        ess,
        np.size(log_w),
        method="ais",
        start=start,
        log_p_star=moment,
    )


def _reverse_estimate(log_w, log_Z0):
    """Reverse annealing: the chains' weights estimate ``Z_0 / Z``, so
    ``ln Z ≈ ln Z_0 − ln mean exp(ln w)`` (biased high by Jensen)."""
    log_mean, std_error, ess = _log_mean_exp(log_w)
    return AISEstimate(
        log_Z0 - log_mean,
        std_error,
        ess,
        np.size(log_w),
        method="reverse ais",
        start="model samples",
    )


def _start_checks(half, end, moment):
    """The evidence that the reverse chains start at samples of the model:
    the drift of their mean ``ln p*`` over the second half of the burn-in
    (``end − half``, per chain), and the distance of its final mean from
    the forward estimate ``moment = (mean, se)`` of its expectation, both in
    standard errors (the second None without ``moment``)."""
    drift = end - half
    spread = float(np.std(drift, ddof=1))
    burn_in_z = (
        0.0
        if spread == 0.0
        else float(np.mean(drift)) / (spread / math.sqrt(drift.size))
    )
    if moment is None:
        return burn_in_z, None
    se = math.hypot(moment[1], float(np.std(end, ddof=1)) / math.sqrt(end.size))
    diff = float(np.mean(end)) - moment[0]
    return burn_in_z, (0.0 if se == 0.0 else diff / se)


def _resample(log_w, rng):
    """Indices of ``len(log_w)`` rows drawn by systematic resampling with
    probabilities proportional to ``exp(log_w)`` (one uniform of ``rng``,
    a ``numpy.random.RandomState``)."""
    log_w = np.asarray(log_w, dtype=np.float64)
    p = np.exp(log_w - np.max(log_w))
    cdf = np.cumsum(p / p.sum())
    cdf[-1] = 1.0
    n = log_w.size
    points = (rng.random_sample() + np.arange(n)) / n
    return np.searchsorted(cdf, points, side="right").clip(0, n - 1)


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


def _group_streams(engine, n_groups):
    """One random generator per AIS group, all fixed by one draw of the
    engine's seed.

    NumPy: ``numpy.random.Generator(SFC64)`` objects (native float32 draws,
    ziggurat normals), the first seeded by the draw itself, the others by
    ``SeedSequence`` children of it. Torch: the engine's own
    ``torch.Generator`` for the first group (one group gives exactly the
    stream of a single run), generators seeded from ``SeedSequence``
    children of one draw of ``engine.np_rng`` for the others.
    """
    base = int(engine.np_rng.randint(0, 2**31 - 1))
    children = _child_seeds(np.random.SeedSequence(base), n_groups - 1)
    if not engine.is_torch:
        return [np.random.Generator(np.random.SFC64(s)) for s in [base, *children]]
    torch = engine.xp
    gens = [engine._gen]
    for seq in children:
        gen = torch.Generator(device=engine.device)
        gen.manual_seed(int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1)))
        gens.append(gen)
    return gens


class _GroupStreams:
    """The random source of a batch of AIS chains run in groups.

    Has the two methods the layers draw through (``uniform(shape, dtype)``
    and ``normal(shape, dtype)``, as an engine); the rows of group ``g``
    (``sizes[g]`` of them, in order) come from ``gens[g]``, a NumPy
    ``Generator`` or a ``torch.Generator``.
    """

    def __init__(self, sizes, gens, device=None):
        self.sizes, self.gens, self.device = list(sizes), list(gens), device
        # the sampling kernels' words: a Philox stream per group, keyed by
        # the group's first two words
        self.kernels = None
        if isinstance(self.gens[0], np.random.Generator):
            self.kernels = [
                KernelStream(tuple(int(w) for w in g.bit_generator.random_raw(2)))
                for g in self.gens
            ]

    def kernel_streams(self, n_rows):
        """``[(stream, rows)]``: each group's kernel stream and its number
        of rows (NumPy groups of ``n_rows`` rows in all), else None."""
        if self.kernels is None or int(n_rows) != sum(self.sizes):
            return None
        return list(zip(self.kernels, self.sizes, strict=True))

    def _draw(self, kind, shape, dtype):
        rest = tuple(shape[1:])
        if isinstance(self.gens[0], np.random.Generator):
            dtype = np.float32 if np.dtype(dtype) == np.float32 else np.float64
            parts = [
                uniform_draws(gen, (n, *rest), dtype)
                if kind == "uniform"
                else gen.standard_normal((n, *rest), dtype=dtype)
                for n, gen in zip(self.sizes, self.gens, strict=True)
            ]
            return parts[0] if len(parts) == 1 else np.concatenate(parts)
        import torch

        draw = torch.rand if kind == "uniform" else torch.randn
        parts = [
            draw((n, *rest), generator=gen, dtype=dtype, device=self.device)
            for n, gen in zip(self.sizes, self.gens, strict=True)
        ]
        return parts[0] if len(parts) == 1 else torch.cat(parts)

    def uniform(self, shape, dtype):
        return self._draw("uniform", shape, dtype)

    def normal(self, shape, dtype):
        return self._draw("normal", shape, dtype)


def _run_ais_groups(
    task, args, sizes, streams, n_jobs, batch=False, threads=1, init=None
):
    """Log-weights and final states of every chain, in the order of the
    groups.

    ``task(*args, sizes, streams, parallel, init)`` runs the groups of
    ``sizes`` (with their random ``streams``, and their rows of the start
    states ``init``, or None to draw them) side by side in one batch and
    returns their log-weights and final states. Each group
    is one call of ``task``, so that every matrix product has the same rows
    however the groups are run (BLAS sums in an order that depends on the
    number of rows): one :class:`joblib.Parallel` task each under ``n_jobs``
    (which limits the threads of its process); serially, on ``threads``
    threads when that is more than 1 (NumPy work, given the process's BLAS
    threads, :func:`~skhopfield._parallel.blas_threads`), each group's
    products on one BLAS thread, so that the elementwise work and random
    draws of the groups run side by side too, and no thread waits for
    another's part of a product (as the threads of one small product do on
    a loaded machine); else one after another.
    ``batch=True`` runs all groups in one call when serial (on an
    accelerator, where a large batch is faster and the result may differ
    from a parallel run by rounding).

    Returns
    -------
    log_w : ndarray of shape (n_chains,)
        float64.
    states : ndarray of shape (n_chains, n_visible)
        The chains' last states, as NumPy arrays.
    """
    stops = np.cumsum(sizes)
    parts_init = (
        [None] * len(sizes)
        if init is None
        else [
            init[int(stop - n) : int(stop)]
            for n, stop in zip(sizes, stops, strict=True)
        ]
    )
    calls = [
        delayed(task)(*args, [n], [stream], True, part)
        for n, stream, part in zip(sizes, streams, parts_init, strict=True)
    ]
    if runs_in_parallel(n_jobs, len(sizes)):
        parts = Parallel(n_jobs=n_jobs)(calls)
    elif batch:
        parts = [task(*args, sizes, streams, False, init)]
    elif threads > 1 and len(sizes) > 1:
        parts = Parallel(n_jobs=min(threads, len(sizes)), backend="threading")(calls)
    else:
        parts = [
            task(*args, [n], [stream], False, part)
            for n, stream, part in zip(sizes, streams, parts_init, strict=True)
        ]
    log_w = np.concatenate([np.asarray(p[0], dtype=np.float64) for p in parts])
    states = np.concatenate([np.asarray(p[1]) for p in parts])
    return log_w, states
