"""The fully visible pairwise model: the Hopfield network and the Boltzmann machine.

One object, :class:`Ising`, for the energy

    E(s) = −½ sᵀ J s − θᵀ s

of ±1 or {0, 1} units with symmetric couplings ``J`` and fields ``θ`` (a
:class:`~skhopfield.energy.layers.Spin` or
:class:`~skhopfield.energy.layers.Binary` layer holds the units and their
fields), at the inverse temperature β:

- at β = ∞ its dynamics are the recall of the Hopfield network (Hopfield
  (1982); Campagne (2025), Eqs. 23–25): ``s_i ← sgn(h_i)`` with the local
  field ``h = Js + θ``;
- at finite β it is the Boltzmann distribution ``p(s) = exp(−βE(s)) / Z``,
  the fully visible Boltzmann machine at β = 1 (Ackley, Hinton & Sejnowski
  (1985); Campagne (2025), Eqs. 56–68), sampled by Glauber dynamics.

The model has no self-couplings: the diagonal of ``J`` enters
:meth:`Ising.energy` (the Hopfield energy, where for ±1 units it only adds
the constant ``−½ tr J``) and the zero-temperature dynamics, and is dropped
from every probability. The probabilistic methods (float64, NumPy) give the
single-unit conditionals ``p(s_i = +1 | rest) = σ(2β h_i)`` (±1) or
``σ(β h_i)`` ({0, 1}), exact ln Z and model statistics by enumerating the
``2**N`` states in chunks, the exact log-likelihood gradient
``∂ ln L / ∂J_ij = ⟨s_i s_j⟩_data − ⟨s_i s_j⟩_model`` (Campagne (2025),
Eq. 66), Besag's pseudo-log-likelihood and its gradient, Gibbs sweeps over
many chains, and ln Z by annealed importance sampling (Neal (2001)) with
reverse-annealing bounds (Burda, Grosse & Salakhutdinov (2015)). The method
names are those of :class:`skhopfield.energy.rbm.RBM`.

References
----------
D. H. Ackley, G. E. Hinton and T. J. Sejnowski, "A learning algorithm for
Boltzmann machines", Cognitive Science 9(1), 147–169, 1985.

J. Besag, "Statistical analysis of non-lattice data", The Statistician
24(3), 179–195, 1975.

Y. Burda, R. B. Grosse and R. Salakhutdinov, "Accurate and conservative
estimates of MRF log-likelihood using reverse annealing", Proceedings of the
18th International Conference on Artificial Intelligence and Statistics
(AISTATS), 102–110, 2015.

J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's Boltzmann
machines", 2025.

R. J. Glauber, "Time-dependent statistics of the Ising model", Journal of
Mathematical Physics 4(2), 294–307, 1963.

J. J. Hopfield, "Neural networks and physical systems with emergent
collective computational abilities", Proceedings of the National Academy of
Sciences 79(8), 2554–2558, 1982.

R. M. Neal, "Annealed importance sampling", Statistics and Computing 11(2),
125–139, 2001.
"""

import math
from numbers import Integral

import numpy as np
from scipy.special import expit, logsumexp
from sklearn.utils import check_random_state

from ._ais import (
    LogPartitionBounds,
    _ais_estimate,
    _chains_and_schedule,
    _resample,
    _reverse_estimate,
    _start_checks,
)
from ._dynamics import run_dynamics
from ._xp import _log2cosh, _softplus, _to_numpy
from .layers import Binary, Spin, _lowest, check_enumerable, states

__all__ = ["Ising"]

#: Rows of the state table summed at once by the exact methods (memory: a
#: few chunk × N arrays of float64).
_EXACT_CHUNK = 1 << 15


class Ising:
    """The pairwise model ``E(s) = −½ sᵀJs − θᵀs`` of ±1 or {0, 1} units.

    Parameters
    ----------
    units : Spin or Binary
        The units and their fields ``θ`` (:mod:`skhopfield.energy.layers`).
    couplings : array of shape (N, N)
        Symmetric couplings ``J``. The diagonal enters :meth:`energy` and the
        zero-temperature dynamics only (see the module).
    beta : float, default=1.0
        Inverse temperature β (> 0); ``math.inf`` for the deterministic
        (zero-temperature) dynamics of :meth:`run`.

    Notes
    -----
    :meth:`energy`, :meth:`field` and :meth:`run` work in the dtype (and,
    for :meth:`energy` and :meth:`field`, the namespace) of their inputs;
    the probabilistic methods in float64 NumPy. Likelihood gradients are
    returned without the factor β, as those of the RBM.
    """

    def __init__(self, units, couplings, beta=1.0):
        if not isinstance(units, (Spin, Binary)):
            raise TypeError(
                f"units must be a Spin or Binary layer, got {type(units).__name__}."
            )
        J = couplings
        if J.ndim != 2 or J.shape[0] != J.shape[1]:
            raise ValueError(f"couplings must be a square matrix, got shape {J.shape}.")
        if tuple(units.bias.shape) != (J.shape[0],):
            raise ValueError(
                f"the fields must have shape ({J.shape[0]},) to match the "
                f"couplings, got {tuple(units.bias.shape)}."
            )
        self.units, self.couplings, self.beta = units, J, float(beta)

    def __repr__(self):
        shape = tuple(self.couplings.shape)
        return f"Ising({self.units!r}, couplings{shape}, beta={self.beta:g})"

    def with_beta(self, beta):
        """Return the same units and couplings at another inverse temperature.

        Parameters
        ----------
        beta : float
            The inverse temperature of the new model.

        Returns
        -------
        model : Ising
            A model sharing this one's arrays.
        """
        return Ising(self.units, self.couplings, beta)

    def astype(self, convert):
        """Return the model with every array passed through ``convert``.

        Parameters
        ----------
        convert : callable
            Maps an array to another (a dtype or device change).

        Returns
        -------
        model : Ising
            The model of the converted arrays, at the same β.
        """
        return Ising(
            self.units.with_bias(convert(self.units.bias)),
            convert(self.couplings),
            self.beta,
        )

    # -- energy and dynamics --------------------------------------------------
    def field(self, S):
        """Return the local fields ``h = Js + θ`` of every unit.

        Parameters
        ----------
        S : array of shape (n_samples, N)
            States, one per row (NumPy array or torch tensor).

        Returns
        -------
        H : array of shape (n_samples, N)
            ``H[n, i] = Σ_j J_ij S[n, j] + θ_i``, the diagonal of ``J``
            included, in the namespace and dtype of ``S``.
        """
        return S @ self.couplings.T + self.units.bias

    def energy(self, S):
        """Return the energy ``E(s) = −½ sᵀJs − θᵀs`` of each row (no factor β).

        Campagne (2025) [1]_, Eq. 25, with the thresholds of the textbook
        form (Hopfield (1982) [2]_); the diagonal of ``J`` included.

        Parameters
        ----------
        S : array of shape (n_samples, N)
            States, one per row (NumPy array or torch tensor).

        Returns
        -------
        E : array of shape (n_samples,)
            The energy of each row, in the namespace and dtype of ``S``.

        References
        ----------
        .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G.
           Hinton's Boltzmann machines", 2025.
        .. [2] J. J. Hopfield, "Neural networks and physical systems with
           emergent collective computational abilities", Proceedings of the
           National Academy of Sciences 79(8), 2554–2558, 1982.
        """
        return -0.5 * ((S @ self.couplings.T) * S).sum(1) + self.units.energy(S)

    def update(self, S):
        """Take one synchronous zero-temperature step ``s ← sgn(h)``.

        A field within :meth:`tie_tolerance` of zero keeps the unit's state;
        :meth:`run` iterates such steps (or their asynchronous form) to a
        fixed point.

        Parameters
        ----------
        S : ndarray of shape (n_samples, N)
            ±1 states, one per row.

        Returns
        -------
        S_new : ndarray of shape (n_samples, N)
            The states after the step.
        """
        H = self.field(S)
        tol = self.tie_tolerance()
        up, down = H > tol, H < -tol
        return up * 1.0 - down * 1.0 + (~(up | down)) * S

    def tie_tolerance(self):
        """Return the magnitude below which each unit's local field counts as zero.

        A field computed in floating point carries a rounding error bounded
        by about ``N · eps · (Σ_j |J_ij| + |θ_i|)`` (the standard bound on a
        dot product), in the dtype of ``J``. Smaller fields have no reliable
        sign: the zero-temperature dynamics treat them as exact ties and keep
        the unit's state, so that results do not depend on the summation
        order (batch size, BLAS, engine).

        Returns
        -------
        tol : ndarray of shape (N,)
            The tolerance of each unit's field, in the dtype of ``J``.
        """
        J = np.asarray(self.couplings)
        scale = np.abs(J).sum(1) + np.abs(np.asarray(self.units.bias))
        eps = np.finfo(J.dtype).eps
        return (max(self.units.n_units, 1) * eps * scale).astype(J.dtype, copy=False)

    def run(self, S0, *, update, max_iter, engine):
        """Run the network's dynamics from each row of ``S0`` (±1 units).

        At ``β = inf``, deterministic: ``s_i ← sgn(h_i)`` (a field within
        :meth:`tie_tolerance` keeps the unit), asynchronously (one unit at a
        time, in a random order drawn afresh each sweep; Campagne (2025),
        Eq. 23) or synchronously; each row stops at a fixed point or, for
        synchronous updates, a 2-cycle. At finite β, Glauber dynamics
        ``p(s_i = +1) = σ(2β h_i)`` with the field of the other units, for
        exactly ``max_iter`` sweeps (asynchronous updates sample
        ``exp(−βE) / Z`` exactly, :meth:`gibbs` on any engine; synchronous
        ones are Little's dynamics, whose stationary law is another).

        Parameters
        ----------
        S0 : ndarray of shape (n_samples, N)
            ±1 start states (NumPy); not modified.
        update : {"sync", "async"}
            Parallel or one-unit-at-a-time updates.
        max_iter : int
            Most sweeps (a sweep updates every unit once).
        engine : Engine
            The array engine (``skhopfield._backend.get_engine``), which
            holds the device and the random stream.

        Returns
        -------
        result : Bunch
            ``states`` (NumPy, the dtype of ``S0``), ``n_iter`` (sweeps per
            row), ``converged`` (a fixed point; stochastic: the last sweep
            changed nothing), ``cycled`` (stopped on a 2-cycle).
        """
        if self.units.low != -1.0:
            raise ValueError("run() is the dynamics of ±1 units (a Spin layer).")
        deterministic = math.isinf(self.beta)
        bias = np.asarray(_to_numpy(self.units.bias)).astype(S0.dtype, copy=False)
        theta = self.units.bias if np.any(bias) else None
        tol = None
        if deterministic:
            J = np.asarray(_to_numpy(self.couplings)).astype(S0.dtype, copy=False)
            tol = Ising(Spin(bias), J).tie_tolerance()
        return run_dynamics(
            S0,
            self.couplings,
            update=update,
            beta=None if deterministic else self.beta,
            max_iter=max_iter,
            engine=engine,
            tol=tol,
            theta=theta,
        )

    # -- the Boltzmann distribution ---------------------------------------------
    def _params(self):
        """β J (zero diagonal) and β θ in float64: the model's log-weights."""
        if not 0.0 < self.beta < math.inf:
            raise ValueError(
                "the Boltzmann distribution needs a finite beta > 0, got "
                f"{self.beta!r}."
            )
        J = np.array(self.couplings, dtype=np.float64)
        np.fill_diagonal(J, 0.0)
        b = np.asarray(self.units.bias, dtype=np.float64)
        if self.beta != 1.0:
            J, b = self.beta * J, self.beta * b
        return J, b

    def _check_states(self, S):
        S = np.asarray(S, dtype=np.float64)
        if S.ndim != 2 or S.shape[1] != self.units.n_units:
            raise ValueError(
                f"S must be a 2-D array with {self.units.n_units} columns (one per "
                f"unit), got shape {S.shape}."
            )
        return S

    def log_unnormalized(self, S):
        """Return ``ln p*(s) = β(½ sᵀJs + θᵀs)`` of each row (diagonal dropped).

        ``p(s) = p*(s) / Z``: the negative energy of Campagne (2025) [1]_,
        Eq. 56, times β.

        Parameters
        ----------
        S : array-like of shape (n_samples, N)
            States (±1 or {0, 1}, as the units).

        Returns
        -------
        log_p_star : ndarray of shape (n_samples,)
            ``ln p*(s)`` of each row, float64.

        References
        ----------
        .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G.
           Hinton's Boltzmann machines", 2025.
        """
        return _log_unnormalized(self._check_states(S), *self._params())

    def log_prob(self, S, log_Z=None):
        """Return ``ln p(s) = ln p*(s) − ln Z`` of each row.

        Parameters
        ----------
        S : array-like of shape (n_samples, N)
            States (±1 or {0, 1}, as the units).
        log_Z : float or None, default=None
            ``ln Z``, e.g. from :meth:`log_partition_ais`; None computes it
            exactly (:meth:`log_partition_exact`).

        Returns
        -------
        log_p : ndarray of shape (n_samples,)
            ``ln p(s)`` of each row, float64, in nats.
        """
        if log_Z is None:
            log_Z = self.log_partition_exact()
        return self.log_unnormalized(S) - float(log_Z)

    def mean(self, S):
        """Return ``E[s_i | s_j, j ≠ i]`` of every unit, for each row of ``S``.

        With the field ``h = Js + θ`` of the other units, ``tanh(β h_i)``
        for ±1 units and ``σ(β h_i)`` for {0, 1} units (Campagne (2025)
        [1]_, Eq. 60 and its note 25 on the factor 2 of ±1 units: ``p(s_i =
        +1 | rest) = σ(2β h_i)``). Entry ``i`` of a row does not enter unit
        ``i``'s mean.

        Parameters
        ----------
        S : array-like of shape (n_samples, N)
            States (±1 or {0, 1}, as the units).

        Returns
        -------
        M : ndarray of shape (n_samples, N)
            The conditional mean of each unit, float64.

        References
        ----------
        .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G.
           Hinton's Boltzmann machines", 2025.
        """
        J, b = self._params()
        H = self._check_states(S) @ J + b
        return np.tanh(H) if self.units.low < 0 else expit(H)

    def gibbs(self, S, rng, n_sweeps=1):
        """Run Gibbs sampling (Glauber dynamics, Glauber (1963) [1]_) from each row.

        A sweep updates the units one at a time in the order 0, …, N − 1,
        each from its conditional given the current others (:meth:`mean`).
        Every update leaves ``p(s)`` invariant, so the chains (the rows,
        vectorized, independent) converge to the model.

        Parameters
        ----------
        S : array-like of shape (n_chains, N)
            Start states (±1 or {0, 1}); not modified.
        rng : int, RandomState instance or None
            Seeds the chains.
        n_sweeps : int, default=1
            Number of sweeps (0 returns the start states).

        Returns
        -------
        S : ndarray of shape (n_chains, N)
            The states after the last sweep, float64.

        References
        ----------
        .. [1] R. J. Glauber, "Time-dependent statistics of the Ising
           model", Journal of Mathematical Physics 4(2), 294–307, 1963.
        """
        if not isinstance(n_sweeps, Integral) or n_sweeps < 0:
            raise ValueError(
                f"n_sweeps must be a non-negative integer, got {n_sweeps!r}."
            )
        S = np.array(self._check_states(S), dtype=np.float64, order="F")
        J, b = self._params()
        rng = check_random_state(rng)
        return np.ascontiguousarray(
            _gibbs_sweeps(S, J, b, self.units.low, int(n_sweeps), rng)
        )

    # -- exact sums -------------------------------------------------------------
    def _state_chunks(self, chunk=None):
        """The table of the ``2**N`` states, in chunks of rows."""
        chunk = _EXACT_CHUNK if chunk is None else chunk
        n = self.units.n_units
        like = np.empty(0, dtype=np.float64)
        total = 1 << n
        for start in range(0, total, chunk):
            yield states(start, min(start + chunk, total), n, like, low=self.units.low)

    def log_partition_exact(self):
        """Return the exact ln Z, summed over the ``2**N`` states.

        ``Z = Σ_s p*(s)`` (Campagne (2025) [1]_, Eq. 58), with log-sum-exp
        over chunks of states, in float64.

        Returns
        -------
        log_Z : float
            The natural log of the partition function.

        Raises
        ------
        ValueError
            If N exceeds :data:`skhopfield.energy.layers.MAX_EXACT_UNITS`.

        References
        ----------
        .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G.
           Hinton's Boltzmann machines", 2025.
        """
        check_enumerable(self.units.n_units, alternative="log_partition_ais")
        J, b = self._params()
        log_Z = -np.inf
        for S in self._state_chunks():
            log_Z = np.logaddexp(log_Z, logsumexp(_log_unnormalized(S, J, b)))
        return float(log_Z)

    def log_prob_table(self):
        """Return every state and its exact ``ln p(s)``.

        Returns
        -------
        states : ndarray of shape (2**N, N)
            The states in the order of :func:`skhopfield.energy.layers.states`
            (bit ``i`` of the row index gives unit ``i``).
        log_p : ndarray of shape (2**N,)
            ``ln p(s)``; ``logsumexp(log_p) == 0``.
        """
        check_enumerable(self.units.n_units, alternative="gibbs")
        n = self.units.n_units
        table = states(0, 1 << n, n, np.empty(0, dtype=np.float64), low=self.units.low)
        log_w = _log_unnormalized(table, *self._params())
        return table, log_w - logsumexp(log_w)

    def _moments(self):
        """(ln Z, ⟨s⟩, ⟨s sᵀ⟩) by one streaming pass over the states."""
        J, b = self._params()
        n = self.units.n_units
        m, Z = -np.inf, 0.0
        M1, M2 = np.zeros(n), np.zeros((n, n))
        for S in self._state_chunks():
            lw = _log_unnormalized(S, J, b)
            top = float(lw.max())
            if top > m:
                scale = math.exp(m - top) if np.isfinite(m) else 0.0
                Z, M1, M2 = Z * scale, M1 * scale, M2 * scale
                m = top
            w = np.exp(lw - m)
            Z += float(w.sum())
            M1 += w @ S
            M2 += (S * w[:, None]).T @ S
        return m + math.log(Z), M1 / Z, M2 / Z

    def model_statistics_exact(self):
        """Return the exact model averages ``⟨s sᵀ⟩`` and ``⟨s⟩``, by enumeration.

        One pass over the ``2**N`` states in chunks, the weights rescaled by
        the running maximum of ``ln p*`` (float64, no overflow).

        Returns
        -------
        ss : ndarray of shape (N, N)
            ``⟨s_i s_j⟩`` (its diagonal is 1 for ±1 units, ``⟨s_i⟩`` for
            {0, 1} units).
        s : ndarray of shape (N,)
            ``⟨s_i⟩``.
        """
        check_enumerable(self.units.n_units, alternative="gibbs")
        _, mean, second = self._moments()
        return second, mean

    def ground_state(self, *, return_all=False, rtol=1e-12):
        """Return the exact minimum of :meth:`energy` over the ``2**N`` states.

        Parameters
        ----------
        return_all : bool, default=False
            Return every state whose energy is within ``rtol · (1 + |E_0|)``
            of the minimum (e.g. both ``±s`` of a model without fields).
        rtol : float, default=1e-12
            Relative tolerance on the energy for ``return_all``.

        Returns
        -------
        energy : float
            The ground-state energy ``E_0`` (float64).
        s : ndarray of shape (N,) or (n_ground_states, N)
            The ground state, or one row per ground state.
        """
        check_enumerable(self.units.n_units, alternative="run")
        model = self.astype(lambda a: np.asarray(_to_numpy(a), dtype=np.float64))
        table = list(self._state_chunks())
        energies = np.concatenate([model.energy(S) for S in table])
        e0, rows = _lowest(energies, return_all, rtol)
        S = np.concatenate(table)[rows]
        return e0, (S if return_all else S[0])

    # -- gradients ----------------------------------------------------------------
    def _exact_objective(self, data_mean, data_second):
        """Mean ln-likelihood and its exact gradient from the data moments."""
        J, b = self._params()
        log_Z, mean, second = self._moments()
        value = 0.5 * float(np.sum(J * data_second)) + float(b @ data_mean) - log_Z
        grad_J = data_second - second
        np.fill_diagonal(grad_J, 0.0)
        return value, grad_J, data_mean - mean

    def exact_gradient(self, S):
        """Return the exact gradient of the mean log-likelihood of the rows of ``S``.

        For the pair ``J_ij = J_ji`` (i ≠ j) as one parameter,
        ``∂L/∂J_ij = ⟨s_i s_j⟩_data − ⟨s_i s_j⟩_model`` and ``∂L/∂θ_i =
        ⟨s_i⟩_data − ⟨s_i⟩_model`` (Campagne (2025) [1]_, Eqs. 64–67;
        Ackley, Hinton & Sejnowski (1985) [2]_), with the model averages
        summed exactly over the states; without the factor β.

        Parameters
        ----------
        S : array-like of shape (n_samples, N)
            Data (±1 or {0, 1}, as the units).

        Returns
        -------
        grads : dict
            ``"J"`` (symmetric, zero diagonal: moving ``J_ij`` and ``J_ji``
            together by ε changes L by ``ε grads["J"][i, j]``) and ``"b"``.

        References
        ----------
        .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G.
           Hinton's Boltzmann machines", 2025.
        .. [2] D. H. Ackley, G. E. Hinton and T. J. Sejnowski, "A learning
           algorithm for Boltzmann machines", Cognitive Science 9(1),
           147–169, 1985.
        """
        S = self._check_states(S)
        check_enumerable(self.units.n_units, alternative="pseudo_log_likelihood")
        _, grad_J, grad_b = self._exact_objective(*_data_moments(S))
        return {"J": grad_J, "b": grad_b}

    def _pseudo(self, S, grad):
        """Mean pseudo-log-likelihood (and its gradient) of the rows of S."""
        J, b = self._params()
        H = S @ J + b
        if self.units.low < 0:
            # ln p(s_i | rest) = ln σ(2 s_i h_i); d/dh_i = s_i − tanh(h_i)
            value = -_softplus(-2.0 * S * H).sum() / S.shape[0]
            R = S - np.tanh(H) if grad else None
        else:
            # ln p(s_i | rest) = s_i h_i − ln(1 + e^{h_i}); d/dh_i = s_i − σ(h_i)
            value = (S * H - _softplus(H)).sum() / S.shape[0]
            R = S - expit(H) if grad else None
        if not grad:
            return float(value)
        G = S.T @ R / S.shape[0]
        grad_J = G + G.T
        np.fill_diagonal(grad_J, 0.0)
        return float(value), grad_J, R.mean(0)

    def pseudo_log_likelihood(self, S, gradient=False):
        """Return the mean pseudo-log-likelihood ``Σ_i ln p(s_i | rest)`` of the rows.

        Besag's (1975) [1]_ pseudo-likelihood: the product of the single-unit
        conditionals. It needs no ln Z, and its maximizer is a consistent
        estimator of the couplings.

        Parameters
        ----------
        S : array-like of shape (n_samples, N)
            Data (±1 or {0, 1}, as the units).
        gradient : bool, default=False
            Also return its gradient: with the residuals ``r_i = s_i −
            E[s_i | rest]``, ``∂PL/∂θ_i = mean r_i`` and, for the pair
            ``J_ij = J_ji``, ``∂PL/∂J_ij = mean(r_i s_j + r_j s_i)``
            (without the factor β).

        Returns
        -------
        pll : float
            ``mean_n Σ_i ln p(s_ni | rest)`` in nats (at most 0).
        grads : dict
            With ``gradient=True``: ``"J"`` (symmetric, zero diagonal) and
            ``"b"``.

        References
        ----------
        .. [1] J. Besag, "Statistical analysis of non-lattice data", The
           Statistician 24(3), 179–195, 1975.
        """
        S = self._check_states(S)
        if not gradient:
            return self._pseudo(S, grad=False)
        value, grad_J, grad_b = self._pseudo(S, grad=True)
        return value, {"J": grad_J, "b": grad_b}

    # -- annealed importance sampling -------------------------------------------
    def _independent(self, b):
        """ln Z_0 and p(on) of the independent units of log-fields b."""
        if self.units.low < 0:
            return float(_log2cosh(b).sum()), expit(2.0 * b)
        return float(_softplus(b).sum()), expit(b)

    def _forward(self, J, b, gammas, n_chains, rng):
        """Forward AIS from exact draws of the independent units: the
        log-weights, the final states and ``ln Z_0``."""
        log_Z0, p_on = self._independent(b)
        S = np.where(
            rng.random_sample((n_chains, self.units.n_units)) < p_on,
            1.0,
            self.units.low,
        )
        log_w, S = _ais_chains(J, b, self.units.low, gammas, S, rng)
        return log_w, S, log_Z0

    def log_partition_ais(
        self, n_chains=100, n_betas=1000, random_state=None, schedule="linear"
    ):
        """Estimate ln Z by annealed importance sampling (Neal (2001) [1]_).

        The couplings are annealed through ``p*_γ(s) = exp(β(γ ½ sᵀJs +
        θᵀs))``, ``0 = γ_0 < … < γ_{K−1} = 1``. At ``γ = 0`` the units are
        independent (``ln Z_0 = Σ_i ln 2cosh(βθ_i)`` or ``Σ_i ln(1 +
        e^{βθ_i})``) and the chains start from exact samples. At each
        ``γ_k`` a chain adds ``(γ_k − γ_{k−1}) β ½ sᵀJs`` to its log-weight
        and moves by one Gibbs sweep of ``p_{γ_k}``; ``Z ≈ Z_0 mean(w)``.

        Parameters
        ----------
        n_chains : int, default=100
            Number of independent AIS runs (``>= 2``).
        n_betas : int, default=1000
            Number of distributions, endpoints included. Ignored when
            ``schedule`` is an array.
        random_state : int, RandomState instance or None, default=None
            Seeds the chains.
        schedule : {"linear", "quadratic"} or array-like, default="linear"
            ``"linear"``: ``γ_k = k/(K−1)``; ``"quadratic"``: ``γ_k =
            sqrt(k/(K−1))``; or the values ``γ_k`` themselves, increasing
            strictly from 0 to 1.

        Returns
        -------
        estimate : AISEstimate
            ``(log_Z, std_error)`` with the effective sample size
            (``estimate.ess``). ``exp(log_Z)`` is unbiased, so ``log_Z`` is
            a stochastic lower bound.

        Notes
        -----
        Without fields (±1 units) the start is the uniform distribution,
        symmetric under the flip ``s → −s`` as the model is, so the chains
        stay evenly spread over its mirror pairs of modes.

        References
        ----------
        .. [1] R. M. Neal, "Annealed importance sampling", Statistics and
           Computing 11(2), 125–139, 2001.
        """
        J, b = self._params()
        n_chains, gammas = _chains_and_schedule(n_chains, n_betas, schedule)
        rng = check_random_state(random_state)
        log_w, _, log_Z0 = self._forward(J, b, gammas, n_chains, rng)
        return _ais_estimate(log_w, log_Z0)

    def log_partition_bounds(
        self,
        n_chains=100,
        n_betas=1000,
        random_state=None,
        schedule="linear",
        init=None,
        n_burn=None,
    ):
        """Return stochastic lower and upper bounds of ln Z.

        Forward AIS and reverse annealing (Burda, Grosse & Salakhutdinov
        (2015) [1]_): the lower bound is :meth:`log_partition_ais`. The
        upper bound runs the same path from ``γ = 1`` to 0, from samples of
        the model, whose weights have the mean ``Z_0 / Z`` when those
        samples are exact: ``ln Z_0 − ln mean(w)`` is at least ln Z in
        expectation. The reverse chains start from ``init`` or from the
        forward chains' final states resampled by their weights (mirrored
        with probability ½ each when the model has no field and ±1 units),
        then take ``n_burn`` Gibbs sweeps; the drift of their mean ``ln p*``
        over the second half of those sweeps, in standard errors, is
        ``burn_in_z``.

        Parameters
        ----------
        n_chains : int, default=100
            Number of chains of each direction (``>= 2``).
        n_betas : int, default=1000
            Number of distributions, endpoints included.
        random_state : int, RandomState instance or None, default=None
            Seeds the chains.
        schedule : {"linear", "quadratic"} or array-like, default="linear"
            As for :meth:`log_partition_ais`.
        init : array-like of shape (n_init, N) or None, default=None
            Start states of the reverse chains (at least 2).
        n_burn : int or None, default=None
            Gibbs sweeps before the reverse run (``>= 2``); None takes
            ``n_betas``.

        Returns
        -------
        bounds : LogPartitionBounds
            ``(lower, upper)`` with the two estimates, ``burn_in_z`` and
            ``start_z``.

        References
        ----------
        .. [1] Y. Burda, R. B. Grosse and R. Salakhutdinov, "Accurate and
           conservative estimates of MRF log-likelihood using reverse
           annealing", Proceedings of the 18th International Conference on
           Artificial Intelligence and Statistics (AISTATS), 102–110, 2015.
        """
        J, b = self._params()
        low = self.units.low
        n_chains, gammas = _chains_and_schedule(n_chains, n_betas, schedule)
        rng = check_random_state(random_state)
        log_w, S, log_Z0 = self._forward(J, b, gammas, n_chains, rng)
        forward = _ais_estimate(log_w, log_Z0, log_p_star=_log_unnormalized(S, J, b))
        if init is None:
            S = S[_resample(log_w, rng)]
        else:
            S = self._check_states(init)
            if S.shape[0] < 2:
                raise ValueError("init needs at least 2 start states.")
        n_burn = len(gammas) if n_burn is None else int(n_burn)
        if n_burn < 2:
            raise ValueError(f"n_burn must be >= 2, got {n_burn!r}.")
        S = np.array(S, dtype=np.float64, order="F")
        if low < 0 and not np.any(b):
            S *= np.where(rng.random_sample((S.shape[0], 1)) < 0.5, -1.0, 1.0)
        _gibbs_sweeps(S, J, b, low, n_burn - n_burn // 2, rng)
        half = _log_unnormalized(S, J, b)
        _gibbs_sweeps(S, J, b, low, n_burn // 2, rng)
        checks = _start_checks(half, _log_unnormalized(S, J, b), forward.log_p_star)
        log_w_rev, _ = _ais_chains(J, b, low, gammas[::-1], S, rng)
        return LogPartitionBounds(
            forward, _reverse_estimate(log_w_rev, log_Z0), *checks
        )

    # -- units ------------------------------------------------------------------
    def to_spin(self):
        """Return the ±1 model of a {0, 1} model, through ``s = 2v − 1``.

        ``½ vᵀJv + θᵀv = ½ sᵀJ′s + θ′ᵀs + c`` with ``J′ = J/4``, ``θ′ = θ/2
        + J1/4`` and ``c = 1ᵀJ1/8 + 1ᵀθ/2`` (``J`` without its diagonal), so
        the two models give every pair of corresponding states the same
        probability and ``ln Z_{0,1} = ln Z_{±1} + βc``.

        Returns
        -------
        model : Ising
            The ±1 model (float64, zero diagonal, the same β).
        log_Z_offset : float
            ``βc``: the ln Z of this model minus that of the ±1 model.
        """
        if self.units.low < 0:
            raise ValueError("to_spin() converts a model of {0, 1} (Binary) units.")
        J = np.array(self.couplings, dtype=np.float64)
        np.fill_diagonal(J, 0.0)
        b = np.asarray(self.units.bias, dtype=np.float64)
        row = J.sum(1)
        offset = float(row.sum() / 8.0 + b.sum() / 2.0) * self.beta
        return Ising(Spin(b / 2.0 + row / 4.0), J / 4.0, self.beta), offset


def _ising(couplings, fields=None, units="spin", beta=1.0):
    """The float64 model of the arrays ``J`` and ``θ`` (None: zero) on
    ``units="spin"`` (±1) or ``"binary"`` ({0, 1}) units, on copies."""
    J = np.array(couplings, dtype=np.float64)
    n = J.shape[0] if J.ndim == 2 else 0
    b = np.zeros(n) if fields is None else np.array(fields, dtype=np.float64)
    if units == "spin":
        return Ising(Spin(b), J, beta)
    if units == "binary":
        return Ising(Binary(b), J, beta)
    raise ValueError(f"units must be 'spin' or 'binary', got {units!r}.")


def _log_unnormalized(S, J, b):
    """``½ sᵀJs + bᵀs`` of each row (J with a zero diagonal)."""
    return 0.5 * np.einsum("ij,ij->i", S @ J, S) + S @ b


def _data_moments(S):
    n = S.shape[0]
    return S.mean(0), (S.T @ S) / n


def _gibbs_sweeps(S, J, b, low, n_sweeps, rng):
    """Sequential single-site Gibbs sweeps of the rows of the F-ordered
    float64 array ``S``, in place (J with a zero diagonal, β folded in)."""
    n, n_units = S.shape
    gain = 2.0 if low < 0 else 1.0
    for _ in range(n_sweeps):
        U = rng.random_sample((n_units, n))
        for i in range(n_units):
            p = expit(gain * (S @ J[:, i] + b[i]))
            S[:, i] = np.where(U[i] < p, 1.0, low)
    return S


def _ais_chains(J, b, low, gammas, S, rng):
    """Log-weights and final states of AIS chains from the rows of ``S``
    along the couplings ``gammas`` (0 → 1 forward, 1 → 0 reverse): each
    step adds ``(γ_k − γ_{k−1}) ½ sᵀJs`` and takes one Gibbs sweep at
    ``γ_k J``."""
    gammas = np.asarray(gammas, dtype=np.float64)
    S = np.array(S, dtype=np.float64, order="F")
    log_w = np.zeros(S.shape[0])
    for k in range(1, gammas.size):
        log_w += (gammas[k] - gammas[k - 1]) * (0.5 * np.einsum("ij,ij->i", S @ J, S))
        if k < gammas.size - 1:
            _gibbs_sweeps(S, gammas[k] * J, b, low, 1, rng)
    return log_w, np.ascontiguousarray(S)
