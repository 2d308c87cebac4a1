"""Annealed importance sampling: schedules, chain groups, random streams.

The one AIS loop of the suite is :meth:`skhopfield.energy.rbm.RBM.log_partition_ais`
(and the fully visible machine's in :mod:`skhopfield.energy.hopfield`); this
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

import numpy as np
from joblib import Parallel, delayed

from .._backend import Engine, uniform_draws
from .._parallel import runs_in_parallel
from ._xp import _is_torch, _torch_of

__all__ = ["AIS_GROUP_SIZE", "ais_schedule"]

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
            raise ValueError(
                "An explicit schedule must increase strictly from 0 to 1."
            )
    return n_chains, [float(g) for g in gammas]


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

    def _draw(self, kind, shape, dtype):
        rest = tuple(shape[1:])
        if isinstance(self.gens[0], np.random.Generator):
            dtype = np.float32 if np.dtype(dtype) == np.float32 else np.float64
            parts = [
                uniform_draws(gen, (n, *rest), dtype)
                if kind == "uniform"
                else gen.standard_normal((n, *rest), dtype=dtype)
                for n, gen in zip(self.sizes, self.gens)
            ]
            return parts[0] if len(parts) == 1 else np.concatenate(parts)
        import torch

        draw = torch.rand if kind == "uniform" else torch.randn
        parts = [
            draw((n, *rest), generator=gen, dtype=dtype, device=self.device)
            for n, gen in zip(self.sizes, self.gens)
        ]
        return parts[0] if len(parts) == 1 else torch.cat(parts)

    def uniform(self, shape, dtype):
        return self._draw("uniform", shape, dtype)

    def normal(self, shape, dtype):
        return self._draw("normal", shape, dtype)


def _run_ais_groups(task, args, sizes, streams, n_jobs, batch=False, threads=1):
    """Log-weights of every chain, in the order of the groups.

    ``task(*args, sizes, streams, parallel)`` runs the groups of ``sizes``
    (with their random ``streams``) side by side in one batch. Each group
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
    """
    calls = [delayed(task)(*args, [n], [stream], True) for n, stream in zip(sizes, streams)]
    if runs_in_parallel(n_jobs, len(sizes)):
        parts = Parallel(n_jobs=n_jobs)(calls)
    elif batch:
        parts = [task(*args, sizes, streams, False)]
    elif threads > 1 and len(sizes) > 1:
        parts = Parallel(n_jobs=min(threads, len(sizes)), backend="threading")(calls)
    else:
        parts = [task(*args, [n], [stream], False) for n, stream in zip(sizes, streams)]
    return np.concatenate([np.asarray(p, dtype=np.float64) for p in parts])
