"""DenseHopfieldMemory: a dense associative memory (Krotov & Hopfield 2016)."""

import warnings

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import Bunch

from .._backend import get_engine
from .._validation import (
    BINARIZE_CONSTRAINT,
    ENGINE_CONSTRAINTS,
    Integral,
    Interval,
    StrOptions,
    _fit_context,
    unchanged_on_error,
    user_stacklevel,
    validate_spins,
)
from ..energy._dynamics import _async_sweeps, _index
from ..energy.dense import INTERACTIONS, DenseAssociativeMemory

#: Most entries of one (rows, P) or (rows, N) work array: batches of probes
#: are processed in chunks of rows so that memory stays bounded (16 MiB per
#: float64 array) whatever the number of probes and patterns.
_CHUNK_ELEMENTS = 2**21


def _chunk_rows(n_patterns, n_features):
    return max(1, _CHUNK_ELEMENTS // max(n_patterns, n_features, 1))


def _sync_step(engine, S, model):
    """One parallel update of every row of ``S`` (a new array), in chunks of
    rows; a tie keeps the unit. ``model`` is the
    :class:`~skhopfield.energy.dense.DenseAssociativeMemory`."""
    new = engine.copy(S)
    step = _chunk_rows(*model.patterns.shape)
    for start in range(0, S.shape[0], step):
        block = slice(start, start + step)
        drive, tol = model.field(S[block])
        part = new[block]
        part[drive > tol] = 1.0
        part[drive < -tol] = -1.0
        new[block] = part
    return new


def _sync(engine, S, model, max_iter):
    """Parallel updates of the rows of ``S`` (in place); each probe stops on
    a fixed point or a 2-cycle (the state of two steps before)."""
    n = S.shape[0]
    n_iter = np.zeros(n, dtype=np.int64)
    converged = np.zeros(n, dtype=bool)
    cycled = np.zeros(n, dtype=bool)
    active = np.arange(n)
    Sa, prev = S, None
    for it in range(1, max_iter + 1):
        new = _sync_step(engine, Sa, model)
        moved = engine.to_numpy((new != Sa).any(1))
        two_cycle = np.zeros(active.size, dtype=bool)
        if prev is not None:
            two_cycle = moved & engine.to_numpy((new == prev).all(1))
        n_iter[active] = it
        converged[active[~moved]] = True
        cycled[active[two_cycle]] = True
        done = ~moved | two_cycle
        if done.any():
            S[_index(engine, active[done])] = new[_index(engine, np.flatnonzero(done))]
        if done.all():
            return n_iter, converged, cycled
        keep = _index(engine, np.flatnonzero(~done))
        prev, Sa = Sa[keep], new[keep]
        active = active[~done]
    S[_index(engine, active)] = Sa  # max_iter reached: the last states
    return n_iter, converged, cycled


def _async_block(engine, S, model, max_iter, order):
    """Asynchronous sweeps of the rows of ``S`` (in place); ``order(k)`` is
    the unit order of sweep k, the same for every row and every chunk. The
    overlaps are updated in O(P) per flip: a flip of unit i to σ changes
    every overlap by 2 σ ξᵢ^μ."""
    Xi = model.patterns
    XiT = Xi.T  # row i: unit i of every pattern
    return _async_sweeps(
        engine,
        S,
        S @ Xi.T,
        XiT,
        lambda M, i, s: model.unit_field(M, XiT[i], s),
        max_iter,
        order,
    )


def _async(engine, S, model, max_iter):
    """One unit at a time, in a random order drawn for each sweep (the
    orders of :class:`HopfieldMemory` with the same seed: one permutation
    per sweep, shared by all probes); the overlaps are updated in O(P) per
    flip. Each probe stops when a sweep changes nothing. Chunks of probes
    replay the same orders, so chunking does not change the result."""
    n, n_features = S.shape
    orders = []

    def order(k):
        while len(orders) < k:
            orders.append(engine.to_numpy(engine.permutation(n_features)))
        return orders[k - 1]

    n_iter = np.zeros(n, dtype=np.int64)
    converged = np.zeros(n, dtype=bool)
    step = _chunk_rows(*model.patterns.shape)
    for start in range(0, n, step):
        block = slice(start, start + step)
        Sb = S[block]
        n_iter[block], converged[block] = _async_block(
            engine, Sb, model, max_iter, order
        )
        S[block] = Sb
    return n_iter, converged, np.zeros(n, dtype=bool)


class DenseHopfieldMemory(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Dense associative memory of ±1 patterns (Krotov & Hopfield 2016).

    The memory keeps the patterns ξ^μ themselves (the rows of ``X``) and
    has the energy E(σ) = −Σ_μ F(ξ^μ·σ) with a rapidly growing interaction
    function F (Campagne 2025 [1]_, §3.3; Krotov & Hopfield 2016 [3]_).
    Unit i takes the sign that lowers the energy with the others held
    (Campagne 2025 [1]_, Eq. 43),

    σᵢ ← sgn Σ_μ [F(ξᵢ^μ + Σ_{j≠i} ξⱼ^μσⱼ) − F(−ξᵢ^μ + Σ_{j≠i} ξⱼ^μσⱼ)],

    a sum that is exactly zero (a tie) keeping σᵢ. With F(x) = x² this is
    the Hebbian :class:`HopfieldMemory` (zero diagonal, Eq. 44 of [1]_);
    with F(x) = xⁿ about N^(n−1) random patterns can be stored, with
    F(x) = eˣ exponentially many (Demircigil et al. 2017 [2]_).

    Parameters
    ----------
    interaction : {"polynomial", "rectified_polynomial", "exponential"}, \
default="polynomial"
        The interaction function F: ``"polynomial"`` F(x) = xⁿ,
        ``"rectified_polynomial"`` F(x) = max(x, 0)ⁿ (Krotov & Hopfield
        2016 [3]_), ``"exponential"`` F(x) = eˣ (Demircigil et al.
        2017 [2]_), computed in log-sum-exp form so that no overlap
        overflows it.
    degree : int, default=3
        The exponent n ≥ 2 of the polynomials. Ignored (but still
        validated) by ``interaction="exponential"``.
    update : {"async", "sync"}, default="async"
        ``"async"``: one unit at a time, in a random order drawn for each
        sweep (the orders of :class:`HopfieldMemory` with the same
        ``random_state``); the energy never increases. ``"sync"``: all units
        at once; a 2-cycle is detected and reported (see :meth:`recall`),
        not looped on; for n > 2 longer cycles are possible and end at
        ``max_iter``.
    max_iter : int, default=100
        Most sweeps of the dynamics per probe (each probe stops on its own
        when a sweep changes nothing).
    binarize : float or None, default=0.0
        Threshold mapping X to spins: +1 where X > binarize, else −1. With
        ``None`` X must already be ±1, and anything else raises
        ``ValueError``.
    backend : {"numpy", "torch"}, default="numpy"
        Engine that runs the dynamics. The engines give identical results.
    device : str or None, default=None
        Torch device (``"cpu"``, ``"cuda"``, ``"cuda:1"``); a missing GPU
        warns and falls back to the CPU.
    random_state : int, RandomState instance or None, default=None
        Seeds the asynchronous update order.

    Attributes
    ----------
    patterns_ : ndarray of shape (n_patterns, n_features)
        The stored ±1 patterns.
    n_iter_ : int
        Passes over the data in ``fit``: always 1 (the patterns are stored as
        they are; ``max_iter`` bounds the recall dynamics, not ``fit``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    HopfieldMemory : The classical network, F(x) = x² in couplings J.

    Notes
    -----
    **Capacity** (random ±1 patterns). F(x) = xⁿ stores about
    N^(n−1) / (2 (2n − 3)!! ln N) patterns as exact fixed points (Krotov &
    Hopfield 2016 [3]_; Campagne 2025 [1]_, Eq. 46), N² / (6 ln N) for
    n = 3 against N / (2 ln N) for Hebb's rule; F(x) = eˣ stores exponentially many,
    up to about 2^(N/2), and corrects up to a fraction ρ < ½ of wrong units
    while P < exp(N·I(1 − 2ρ)/2) (Demircigil et al. 2017 [2]_). The price is
    the computation: a sweep costs O(P·N) per probe and the memory keeps all
    P patterns instead of N² couplings.

    **Numerics.** The update is computed for every interaction with a
    positive factor per state that keeps the numbers in range (the
    polynomials at x / 2^k, the exponential at x − max x), so any N works:
    an exponential memory of N = 10,000 units gives finite updates and
    scores. Drives within the rounding bound of zero are ties. The
    computations run in float64 whatever the dtype of X.

    **Scores.** :meth:`energy` returns E(σ); for the exponential it is
    −inf once an overlap exceeds about 709. :meth:`score_samples` returns
    −E(σ) for the polynomials and ln(−E(σ)) = logsumexp_μ ξ^μ·σ for the
    exponential, which is finite and orders the states as −E does.

    References
    ----------
    .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
       Boltzmann machines", 2025.
    .. [2] M. Demircigil, J. Heusel, M. Löwe, S. Upgang and F. Vermet, "On a
       model of associative memory with huge storage capacity", Journal of
       Statistical Physics 168, 288–299, 2017.
    .. [3] D. Krotov and J. J. Hopfield, "Dense associative memory for
       pattern recognition", Advances in Neural Information Processing
       Systems 29 (NeurIPS), 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import DenseHopfieldMemory
    >>> rng = np.random.RandomState(0)
    >>> patterns = rng.choice([-1, 1], size=(100, 100))  # P = N patterns
    >>> memory = DenseHopfieldMemory(degree=3, binarize=None, random_state=0)
    >>> memory = memory.fit(patterns)
    >>> probe = patterns[:1].copy()
    >>> probe[0, :10] *= -1                      # flip 10 bits
    >>> bool((memory.predict(probe) == patterns[:1]).all())
    True
    >>> memory.transform(probe)[:, :4].round(2)  # overlaps with the patterns
    array([[ 1.  , -0.02,  0.06, -0.16]])
    """

    _parameter_constraints = {
        "interaction": [StrOptions(set(INTERACTIONS))],
        "degree": [Interval(Integral, 2, None, closed="left")],
        "update": [StrOptions({"async", "sync"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "binarize": BINARIZE_CONSTRAINT,
        **ENGINE_CONSTRAINTS,
    }

    def __init__(
        self,
        interaction="polynomial",
        *,
        degree=3,
        update="async",
        max_iter=100,
        binarize=0.0,
        backend="numpy",
        device=None,
        random_state=None,
    ):
        self.interaction = interaction
        self.degree = degree
        self.update = update
        self.max_iter = max_iter
        self.binarize = binarize
        self.backend = backend
        self.device = device
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    @unchanged_on_error
    def fit(self, X, y=None):
        """Store the rows of X as patterns.

        Parameters
        ----------
        X : array-like of shape (n_patterns, n_features)
            Patterns, mapped to ±1 by ``binarize``.
        y : None
            Ignored.

        Returns
        -------
        self : DenseHopfieldMemory
            The fitted memory.
        """
        xi = validate_spins(self, X, reset=True)
        # build the engine first: a bad backend/device fails before any change
        engine = get_engine(self.backend, self.device, self.random_state)
        self.patterns_ = xi
        self.n_iter_ = 1
        self._device_patterns = (
            engine.asarray(xi, dtype=np.float64) if engine.is_torch else None
        )
        return self

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_device_patterns", None)
        return state

    @property
    def _n_features_out(self):
        return self.patterns_.shape[0]

    def _patterns_on(self, engine):
        """The patterns on the engine's device, in float64."""
        cached = getattr(self, "_device_patterns", None)
        if engine.is_torch and cached is not None and cached.device == engine.device:
            return cached
        return engine.asarray(self.patterns_, dtype=np.float64)

    def _by_chunks(self, function, S):
        """``function(S)`` row-chunk by row-chunk (NumPy)."""
        step = _chunk_rows(*self.patterns_.shape)
        parts = [
            function(S[start : start + step]) for start in range(0, S.shape[0], step)
        ]
        return np.concatenate(parts) if parts else np.zeros(0)

    def _energy_model(self, patterns):
        """The :class:`~skhopfield.energy.dense.DenseAssociativeMemory` of
        ``patterns`` (the stored ones, on an engine or not) with the
        interaction of the estimator."""
        return DenseAssociativeMemory(patterns, self.interaction, int(self.degree))

    def recall(self, X):
        """Run the dynamics from each probe and report how each one ended.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Probes, mapped to ±1 by ``binarize``.

        Returns
        -------
        result : :class:`~sklearn.utils.Bunch`
            ``states`` (n_samples, n_features): the final ±1 states, in the
            floating dtype of X;
            ``n_iter`` (n_samples,): sweeps run per probe;
            ``converged`` (n_samples,): reached a fixed point;
            ``cycled`` (n_samples,): stopped on a 2-cycle of synchronous
            dynamics (its last state is returned).

        Warns
        -----
        ConvergenceWarning
            When some probes reach neither a fixed point nor a 2-cycle in
            ``max_iter`` sweeps.
        """
        S0 = validate_spins(self, X, reset=False)
        engine = get_engine(self.backend, self.device, self.random_state)
        S = engine.asarray(np.array(S0, dtype=np.float64, copy=True), dtype=np.float64)
        model = self._energy_model(self._patterns_on(engine))
        run = _sync if self.update == "sync" else _async
        n_iter, converged, cycled = run(engine, S, model, self.max_iter)
        stuck = ~(converged | cycled)
        if stuck.any():
            warnings.warn(
                f"{int(stuck.sum())} of {stuck.size} probes neither reached "
                f"a fixed point nor a 2-cycle in max_iter={self.max_iter} "
                "sweeps.",
                ConvergenceWarning,
                stacklevel=user_stacklevel(),
            )
        return Bunch(
            states=engine.to_numpy(S).astype(S0.dtype, copy=False),
            n_iter=n_iter,
            converged=converged,
            cycled=cycled,
        )

    def predict(self, X):
        """Recalled ±1 states: the end points of the dynamics from each probe.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Probes (noisy or partial patterns).

        Returns
        -------
        states : ndarray of shape (n_samples, n_features)
            ±1 states, in the floating dtype of X (float64 for integer X).
        """
        return self.recall(X).states

    def transform(self, X):
        """Compute the overlaps of the recalled states with the stored patterns.

        As :meth:`HopfieldMemory.transform`: the overlap of a recalled state
        ``s`` with pattern μ is m_μ = s·ξ_μ / N.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Probes.

        Returns
        -------
        overlaps : ndarray of shape (n_samples, n_patterns)
            Values in [−1, 1]; 1 means pattern μ was recalled exactly.
        """
        states = self.predict(X)
        return states @ self.patterns_.T.astype(states.dtype) / states.shape[1]

    def energy(self, X):
        """Energy E(σ) = −Σ_μ F(ξ^μ·σ) of each state of X, as given.

        No dynamics are run. For ``interaction="exponential"`` E is −inf
        once an overlap exceeds about 709 (float64); compare such states
        with :meth:`score_samples`, which is ln(−E) there.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States to evaluate, mapped to ±1 by ``binarize``.

        Returns
        -------
        energy : ndarray of shape (n_samples,)
            The energy of each state under the stored patterns (float64).
        """
        S = validate_spins(self, X, reset=False)
        return self._by_chunks(self._energy_model(self.patterns_).energy, S)

    def score_samples(self, X):
        """How well each state of X is stored (higher is better).

        ``−E(σ) = Σ_μ F(ξ^μ·σ)`` for the polynomial interactions;
        ``ln(−E(σ)) = logsumexp_μ(ξ^μ·σ)`` for the exponential one, which
        orders the states as −E does and never overflows. The stored
        patterns and the states near them score highest.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States to evaluate, mapped to ±1 by ``binarize``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The score of each state (float64).
        """
        S = validate_spins(self, X, reset=False)
        model = self._energy_model(self.patterns_)
        if model.kind == "exponential":
            return self._by_chunks(model.log_neg_energy, S)
        return -self._by_chunks(model.energy, S)

    def score(self, X, y=None):
        """Mean of :meth:`score_samples` over the states of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States to evaluate, mapped to ±1 by ``binarize``.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean score (higher is better).
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
