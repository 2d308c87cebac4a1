"""Annealed importance sampling of the RBM: ln Z and its bounds.

:class:`~skhopfield.energy.rbm.RBM` inherits :meth:`log_partition_ais` and
:meth:`log_partition_bounds` from the private mixin of this module, which
holds the annealing path of an RBM (the start, a mixture of independent
units and its mirror images, Rao-Blackwellized over the component), the
loops of the chains (a generic one for any pair of layers, a fused one for
±1 visible and gaussian hidden units) and the reverse runs of the bounds.
What every AIS estimate of the suite shares (schedules, groups of chains on
their own random streams, the estimates) is in :mod:`._ais`.

References
----------
R. M. Neal, "Annealed importance sampling", Statistics and Computing 11(2),
125–139, 2001.

R. Salakhutdinov and I. Murray, "On the quantitative analysis of deep belief
networks", Proceedings of the 25th International Conference on Machine
Learning (ICML), 872–879, 2008.

Y. Burda, R. B. Grosse and R. Salakhutdinov, "Accurate and conservative
estimates of MRF log-likelihood using reverse annealing", Proceedings of the
18th International Conference on Artificial Intelligence and Statistics
(AISTATS), 102–110, 2015.
"""

import math
from collections import namedtuple

import numpy as np
from scipy.special import logsumexp as _np_logsumexp

from .._parallel import blas_threads, blas_threads_for, limit_worker_threads
from . import _kernels
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
from ._weights import Dense
from ._xp import _logsumexp, _namespace, _to_float64, _to_numpy


class _AnnealedRBM:
    """The AIS estimate of ln Z and its bounds, inherited by
    :class:`~skhopfield.energy.rbm.RBM` (which gives the layers, weights, β
    and the conditionals these methods use)."""

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

    The same chains, path and random words as the generic loop (which
    allocates its temporaries and was 17–35 % slower on the MNIST-sized
    model of ``benchmarks/bench_speed.py``; the fields are summed in another
    order, so a draw may differ where a field's rounding decides it): with
    ``u = Wᵀs`` the increment is
    ``β (γ_k² − γ_{k−1}²) (½‖u‖² + cᵀu) + β (γ_k − γ_{k−1}) (b − a)ᵀs``, the
    hidden draw ``λ = γ (u + c) + ε/√β`` and the visible one
    ``s = +1 where u' < σ(2β (γ Wλ + a + γ (b − a)))``, decided as the
    layers decide it (the kernels of :mod:`skhopfield.energy._kernels`),
    with ``a`` the start's bias (its chain's component for a mixture, whose
    part of the increment is :func:`_mixture_term`).
    """
    with limit_worker_threads(parallel):
        W, c, b = model.W, model.hidden.bias, model.visible.bias
        beta, dtype = model.beta, W.dtype
        n_chains = int(sum(sizes))
        n_features, n_hidden = W.shape
        W = np.ascontiguousarray(W)
        Wt = np.ascontiguousarray(W.T)
        noise_scale = 1.0 / math.sqrt(beta)
        S = np.empty((n_chains, n_features), dtype=dtype)
        T = np.empty_like(S)
        U, Lam = (
            np.empty((n_chains, n_hidden), dtype=dtype),
            np.empty((n_chains, n_hidden), dtype=dtype),
        )

        draws = _GroupStreams(sizes, streams)
        no_bias = np.zeros(n_features, dtype=dtype)

        def draw_spins():
            # S = +1 where u < σ(2T), T = β x, as the layers decide it (the
            # buffers are closure variables, updated in place)
            S[:] = _kernels.draw(_kernels.sample_discrete, T, no_bias, draws, 1.0, -1.0)
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
            # λ = γ (u + c) + ε/√β, then βγλ for the product
            np.multiply(U, g, out=Lam)
            gc = (g * c).astype(dtype)
            Lam[:] = _kernels.draw(
                _kernels.sample_gaussian, Lam, gc, draws, noise_scale
            )
            Lam *= beta * g
            np.matmul(Lam, Wt, out=T)
            T += beta * (start_bias + g * shift)
            draw_spins()
        return log_w, S.copy()
