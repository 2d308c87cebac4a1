"""Zero- and finite-temperature dynamics of the pairwise model, on any engine.

The loops behind :meth:`skhopfield.energy.ising.Ising.run` (the recall of
:class:`~skhopfield.HopfieldMemory`) and the asynchronous sweeps shared with
the dense memory.

Four dynamics, each vectorized over a batch of probes (rows):

- synchronous, deterministic: all units at once, s ← sgn(Js) (Catacchini,
  Magrini Alunno & Ferracci 2024, "Continuous Hopfield Networks", §2,
  "parallel");
- asynchronous, deterministic: one unit at a time in a random order drawn
  afresh for each sweep (Campagne 2025, "Elements on J. Hopfield networks
  and G. Hinton's Boltzmann machines", Eq. 23); never
  raises the energy when the diagonal of J is nonnegative;
- asynchronous, stochastic (Glauber / Gibbs sampling) at inverse temperature
  β: p(s_i = +1) = σ(2β h_i) with h_i the field of the other units, which
  samples exp(−βE) exactly;
- synchronous, stochastic (Little dynamics): the same probabilities applied
  to all units at once. Its stationary distribution is not exp(−βE) (Peretto
  1984); use the asynchronous form to sample the Boltzmann distribution.

Deterministic dynamics stop each probe on its own: when a sweep changes
nothing (a fixed point) or, synchronously, when the state returns to the one
two steps before (a 2-cycle, the only other attractor of parallel dynamics
with symmetric couplings). Fields are kept up to date incrementally from the
units that flipped, so a sweep near convergence costs far less than a full
matrix product. A field within rounding of zero (``tol``) is a tie: the unit
keeps its state.
"""

import numpy as np
from scipy import sparse
from sklearn.utils import Bunch

#: Below this fraction of flipped units, fields are updated with a sparse
#: product (numpy engine), which then costs O(flips · N) instead of O(n · N²).
_SPARSE_DENSITY = 0.05


def _fields(S, J, theta):
    """``S J + θ`` (``θ = None``: no fields)."""
    H = S @ J
    return H if theta is None else H + theta


def _new_fields(engine, H, new, changed, J, theta=None):
    """Fields of the states ``new``, from the fields ``H`` of the old states.

    Only the flipped units contribute: H + Δ J with Δ = 2·new on the flips.
    When few units flipped (numpy engine) the product is sparse and costs
    O(flips · N); when many did, the fields are recomputed as new @ J.
    """
    if not engine.is_torch:
        r, c = np.nonzero(changed)
        if r.size < _SPARSE_DENSITY * changed.size:
            if r.size == 0:
                return H
            D = sparse.csr_array((2.0 * new[r, c], (r, c)), shape=new.shape)
            return H + D @ J
        return _fields(new, J, theta)
    n_flips = int(changed.sum())
    if n_flips >= _SPARSE_DENSITY * changed.numel():
        return _fields(new, J, theta)
    cols = engine.flatnonzero(changed.any(0))
    if cols.shape[0] == 0:
        return H
    delta = 2.0 * new[:, cols] * changed[:, cols]
    return H + delta @ J[cols]


def _index(engine, rows):
    return engine.asarray(rows) if engine.is_torch else rows


def _sync_deterministic(engine, S, H, J, tol, max_iter, theta=None):
    """Parallel updates; each probe stops on a fixed point or a 2-cycle.

    The arrays hold the still-active probes only (compacted as probes
    finish), and a probe's final state is written to ``S`` once, when it
    stops. A 2-cycle is a step whose flips undo exactly the previous step's.
    """
    n = S.shape[0]
    n_iter = np.zeros(n, dtype=np.int64)
    converged = np.zeros(n, dtype=bool)
    cycled = np.zeros(n, dtype=bool)
    active = np.arange(n)
    Sa, Ha = S, H
    prev_changed = prev_count = None
    for it in range(1, max_iter + 1):
        new = engine.copy(Sa)
        new[Ha > tol] = 1.0
        new[Ha < -tol] = -1.0
        changed = new != Sa
        count = engine.to_numpy(changed.sum(1))
        moved = count > 0
        two_cycle = np.zeros(active.size, dtype=bool)
        if prev_changed is not None:
            cand = np.flatnonzero(moved & (count == prev_count))
            if cand.size:
                ci = _index(engine, cand)
                two_cycle[cand] = engine.to_numpy(
                    (changed[ci] == prev_changed[ci]).all(1)
                )
        n_iter[active] = it
        converged[active[~moved]] = True
        cycled[active[two_cycle]] = True
        done = ~moved | two_cycle
        if done.any():
            S[_index(engine, active[done])] = new[_index(engine, np.flatnonzero(done))]
        if done.all():
            return n_iter, converged, cycled
        if done.any():
            keep = _index(engine, np.flatnonzero(~done))
            Sa, new, changed, Ha = Sa[keep], new[keep], changed[keep], Ha[keep]
            count = count[~done]
            active = active[~done]
        Ha = _new_fields(engine, Ha, new, changed, J, theta)
        Sa, prev_changed, prev_count = new, changed, count
    S[_index(engine, active)] = Sa  # max_iter reached: the last states
    return n_iter, converged, cycled


def _async_sweeps(engine, S, A, changes, drive, max_iter, order):
    """Asynchronous sweeps of the rows of ``S``, in place, shared by the
    pairwise and the dense memories.

    ``A`` holds per-row quantities that each flip updates incrementally (the
    local fields of a pairwise memory, the overlaps of a dense one): flipping
    unit ``i`` to ``σ`` adds ``2 σ changes[i]`` to them. ``drive(A, i, s)``
    gives the drive of unit ``i`` for the rows' current ``A`` and spins
    ``s``, and a tolerance within which it counts as a tie (the unit keeps
    its state). ``order(k)`` is the unit order of sweep ``k``. A row stops
    when a sweep flips nothing; returns ``n_iter`` and ``converged``.
    """
    n = S.shape[0]
    n_iter = np.zeros(n, dtype=np.int64)
    converged = np.zeros(n, dtype=bool)
    active = np.arange(n)
    for sweep in range(1, max_iter + 1):
        idx = _index(engine, active)
        Sa, Aa = S[idx], A[idx]
        flipped = engine.zeros(Sa.shape[0], dtype=np.bool_)
        for i in order(sweep):
            s = Sa[:, i]
            d, t = drive(Aa, i, s)
            flip = ((d > t) & (s < 0)) | ((d < -t) & (s > 0))
            rows = engine.flatnonzero(flip)
            if rows.shape[0] == 0:
                continue
            new = -s[rows]
            Sa[rows, i] = new
            Aa[rows] += 2.0 * new[:, None] * changes[i][None, :]
            flipped[rows] = True
        S[idx] = Sa
        A[idx] = Aa
        n_iter[active] = sweep
        still = engine.to_numpy(flipped)
        converged[active[~still]] = True
        active = active[still]
        if active.size == 0:
            break
    return n_iter, converged


def _async_deterministic(engine, S, H, J, tol, max_iter):
    n_features = S.shape[1]
    n_iter, converged = _async_sweeps(
        engine,
        S,
        H,
        J,
        lambda Ha, i, s: (Ha[:, i], float(tol[i])),
        max_iter,
        lambda sweep: engine.to_numpy(engine.permutation(n_features)),
    )
    return n_iter, converged, np.zeros(S.shape[0], dtype=bool)


def _async_stochastic(engine, S, H, J, gain, max_iter, theta=None):
    n, n_features = S.shape
    dtype = S.dtype
    unchanged = np.zeros(n, dtype=bool)
    for _ in range(max_iter):
        U = engine.uniform((n, n_features), dtype=_np_dtype(engine, dtype))
        order = engine.to_numpy(engine.permutation(n_features))
        flipped = engine.zeros(n, dtype=np.bool_)
        for i in order:
            with np.errstate(over="ignore"):  # σ(±inf) is exactly 0 or 1
                p = engine.sigmoid(gain * H[:, i])
            new = (
                (U[:, i] < p).to(dtype) * 2 - 1
                if engine.is_torch
                else (np.where(U[:, i] < p, 1.0, -1.0).astype(dtype, copy=False))
            )
            rows = engine.flatnonzero(new != S[:, i])
            if rows.shape[0] == 0:
                continue
            S[rows, i] = new[rows]
            H[rows] += 2.0 * new[rows][:, None] * J[i][None, :]
            flipped[rows] = True
        unchanged = ~engine.to_numpy(flipped)
    return unchanged


def _sync_stochastic(engine, S, H, J, gain, max_iter, theta=None):
    n, n_features = S.shape
    dtype = S.dtype
    unchanged = np.zeros(n, dtype=bool)
    for _ in range(max_iter):
        U = engine.uniform((n, n_features), dtype=_np_dtype(engine, dtype))
        with np.errstate(over="ignore"):  # σ(±inf) is exactly 0 or 1
            up = U < engine.sigmoid(gain * H)
        new = engine.copy(S)
        new[up] = 1.0
        new[~up] = -1.0
        unchanged = engine.to_numpy((new == S).all(1))
        S[...] = new
        H[...] = _fields(S, J, theta)
    return unchanged


def _np_dtype(engine, dtype):
    if engine.is_torch:
        return np.float32 if dtype == engine._torch.float32 else np.float64
    return dtype


def run_dynamics(S0, J, *, update, beta, max_iter, engine, tol=None, theta=None):
    """Run Hopfield dynamics from the rows of ``S0``.

    Parameters
    ----------
    S0 : ndarray of shape (n_samples, N)
        ±1 start states (NumPy); not modified.
    J : ndarray of shape (N, N)
        Symmetric couplings, NumPy or already on the engine's device.
    update : {"sync", "async"}
        Parallel or one-unit-at-a-time updates.
    beta : float or None
        ``None`` for deterministic dynamics; else the inverse temperature of
        Glauber dynamics, run for exactly ``max_iter`` sweeps.
    max_iter : int
        Most sweeps (a sweep updates every unit once).
    engine : skhopfield._backend.Engine
    tol : ndarray of shape (N,), default=None
        Tie tolerance of the fields (deterministic dynamics); see
        :meth:`skhopfield.energy.ising.Ising.tie_tolerance`.
    theta : ndarray of shape (N,) or None, default=None
        Fields (thresholds) added to ``S J``, NumPy or on the engine's
        device; None adds nothing.

    Returns
    -------
    Bunch with
        states : ndarray (n_samples, N), NumPy, in S0's dtype
        n_iter : ndarray (n_samples,) of sweeps run per probe
        converged : ndarray (n_samples,) bool, reached a fixed point (for
            stochastic dynamics: the last sweep changed nothing)
        cycled : ndarray (n_samples,) bool, stopped on a synchronous 2-cycle
    """
    dtype = S0.dtype
    S = engine.asarray(np.array(S0, dtype=dtype, copy=True), dtype=dtype)
    Jd = engine.asarray(J, dtype=dtype)
    n = S0.shape[0]
    if theta is not None:
        theta = engine.asarray(theta, dtype=dtype)
    if beta is None:
        H = _fields(S, Jd, theta)
        told = engine.asarray(tol.astype(dtype, copy=False), dtype=dtype)
        if update == "sync":
            n_iter, converged, cycled = _sync_deterministic(
                engine, S, H, Jd, told, max_iter, theta
            )
        else:
            n_iter, converged, cycled = _async_deterministic(
                engine, S, H, Jd, engine.to_numpy(told), max_iter
            )
    else:
        # Glauber dynamics use the field of the *other* units: the
        # self-coupling only adds a constant to the energy.
        if engine.is_torch:
            Jd = Jd.clone()
            Jd.fill_diagonal_(0.0)
        else:
            Jd = Jd.copy()
            np.fill_diagonal(Jd, 0.0)
        H = _fields(S, Jd, theta)
        run = _sync_stochastic if update == "sync" else _async_stochastic
        # p(s_i = +1) = σ(2β h_i) with 2β a finite number of the working
        # dtype: beyond its range every p is 0 or 1 anyway, and a finite
        # gain keeps σ(2β · 0) = ½ (inf · 0 would be NaN)
        gain = min(2.0 * float(beta), float(np.finfo(dtype).max))
        converged = run(engine, S, H, Jd, gain, max_iter, theta)
        n_iter = np.full(n, max_iter, dtype=np.int64)
        cycled = np.zeros(n, dtype=bool)
    return Bunch(
        states=engine.to_numpy(S).astype(dtype, copy=False),
        n_iter=n_iter,
        converged=converged,
        cycled=cycled,
    )
