"""HopfieldMemory: a classical (binary) Hopfield associative memory."""

import math
import warnings

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning

from .._backend import get_engine
from .._validation import (
    BINARIZE_CONSTRAINT,
    ENGINE_CONSTRAINTS,
    Integral,
    Interval,
    Real,
    StrOptions,
    _fit_context,
    unchanged_on_error,
    user_stacklevel,
    validate_spins,
)
from ..energy.ising import Ising
from ..energy.layers import Spin
from . import _capacity, _rules
from ._capacity import CapacityWarning


def _projection_span(J):
    """Rank of the patterns and number of units whose axis lies in their span.

    ``J`` is the projector onto the span with its diagonal (rule output with
    ``zero_diagonal=False``): its trace is the rank, and unit i's basis vector
    lies in the span exactly when row i is zero off the diagonal (then
    J_ii = 1), which :func:`_rules.projection` makes exact.
    """
    rank = int(round(float(np.trace(J))))
    off = J != 0
    np.fill_diagonal(off, False)
    return rank, int((~off.any(axis=1)).sum())


class HopfieldMemory(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Associative memory of ±1 patterns (a binary Hopfield network).

    ``fit`` stores the rows of ``X`` as patterns in symmetric couplings J;
    ``predict`` runs the network's dynamics from each probe and returns the
    recalled states; ``transform`` returns the overlaps of the recalled
    states with the stored patterns, so the memory can feed a classifier in a
    :class:`~sklearn.pipeline.Pipeline`.

    The energy is E(s) = −½ sᵀJs (Campagne 2025 [2]_, Eq. 25); deterministic
    dynamics follow s_i ← sgn(h_i), h = Js (Eqs. 22–23 of [2]_), and
    stochastic dynamics at inverse temperature β set s_i = +1 with
    probability σ(2βh_i) (Catacchini, Magrini Alunno & Ferracci 2024 [3]_,
    §2).

    Parameters
    ----------
    rule : {"hebbian", "projection", "storkey", "perceptron"}, default="hebbian"
        Learning rule. The capacities are those of random ±1 patterns (see
        Notes).

        - ``"hebbian"``: J = ξᵀξ / N (Campagne 2025 [2]_, Eq. 26). Capacity
          about 0.138 N with a few wrong units (Amit, Gutfreund &
          Sompolinsky 1985 [1]_), about N / (2 ln N) without.
        - ``"projection"``: J = ξᵀ(ξξᵀ)⁺ξ, the projector onto the span of
          the patterns (Smart & Zilman 2021 [6]_, App. A; Personnaz, Guyon
          & Dreyfus 1985 [5]_). Every pattern is a fixed point for any P < N
          linearly independent patterns, correlated ones included; duplicate
          or dependent patterns are handled through the pseudo-inverse, but
          the rule then stores their whole span.
        - ``"storkey"``: Storkey's local incremental rule, capacity about
          N / sqrt(2 ln N), 0.27–0.34 N for N between 64 and 1000 (Storkey
          1997 [7]_).
        - ``"perceptron"``: symmetric perceptron learning with a margin
          (Campagne 2025 [2]_, §3.2), iterated until every pattern is a fixed
          point with stability ``margin`` (0.5 N random patterns and more).
    update : {"async", "sync"}, default="async"
        ``"async"``: one unit at a time, in a random order drawn for each
        sweep; the energy never increases (with the zero diagonal).
        ``"sync"``: all units at once; ends on a fixed point or a 2-cycle,
        which is detected and reported (see :meth:`recall`), not looped on.
    beta : float or None, default=None
        ``None`` for deterministic dynamics. A float ≥ 0 runs stochastic
        (Glauber) dynamics at inverse temperature β for exactly
        ``max_iter`` sweeps; with ``update="async"`` they sample the
        Boltzmann distribution exp(−βE) / Z exactly. β = 0 is pure noise,
        large β approaches the deterministic dynamics.
    max_iter : int, default=100
        Most sweeps of the dynamics per probe (each probe stops on its own
        when a sweep changes nothing).
    zero_diagonal : bool, default=True
        Set the self-couplings J_ii to zero (the classical network). With
        ``False`` the self-couplings of the rule are kept (Hebbian P/N,
        projection J_ii) and enter the deterministic field; they stabilise
        the patterns and the spurious states alike.
    margin : float, default=0.5
        Stability κ every unit of every pattern must reach under
        ``rule="perceptron"``, in Gardner's normalization: the field
        ξ_i h_i must be at least κ‖J_i‖. Larger margins give wider basins of
        attraction and a lower capacity (about 0.7 N random patterns at
        κ = 0.5, beyond 1.3 N at κ → 0).
    n_iter : int, default=1000
        Most epochs of perceptron learning.
    binarize : float or None, default=0.0
        Threshold mapping X to spins: +1 where X > binarize, else −1. With
        ``None`` X must already be ±1, and anything else raises
        ``ValueError``.
    backend : {"numpy", "torch"}, default="numpy"
        Engine that runs the dynamics. The engines give identical results
        for deterministic dynamics.
    device : str or None, default=None
        Torch device (``"cpu"``, ``"cuda"``, ``"cuda:1"``); a missing GPU
        warns and falls back to the CPU.
    random_state : int, RandomState instance or None, default=None
        Seeds the asynchronous update order and the stochastic dynamics.

    Attributes
    ----------
    patterns_ : ndarray of shape (n_patterns, n_features)
        The stored ±1 patterns.
    couplings_ : ndarray of shape (n_features, n_features)
        The symmetric coupling matrix J.
    n_iter_ : int
        Epochs of learning (perceptron); 1 for the one-pass rules.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    sklearn.neural_network.BernoulliRBM : A {0, 1} RBM; the suite's RBMs are
        ±1 and map exactly onto projection Hopfield networks.

    Notes
    -----
    **Capacity.** ``fit`` warns with a
    :class:`~skhopfield.hopfield.CapacityWarning` (a ``UserWarning``) when
    the patterns exceed what the rule can store *for random patterns*; the
    message names the load P/N, the rule's limit, what recall will do and the
    remedies. Patterns are counted as the distinct rows of the ±1 data, a row
    and its negation counting once (the couplings of ξ and −ξ are the same).

    - ``"hebbian"``: P/N > 0.138 (Amit, Gutfreund & Sompolinsky 1985).
      Beyond it the patterns stop being fixed points and recall ends in
      spurious mixture and spin-glass states (with ``zero_diagonal=False``
      the self-couplings hold the units in place instead, and far beyond it
      ``predict`` returns the probes unchanged).
    - ``"storkey"``: P > N / sqrt(2 ln N) (Storkey 1997), likewise.
    - ``"projection"``: patterns that span all N dimensions (rank N, which
      needs P ≥ N): J is the identity, every state is a fixed point and
      ``predict`` returns the probes unchanged; or linearly dependent
      patterns (rank < P): the rule stores their span, every ±1 state in it
      is a fixed point too, and units whose axis lies in the span are coupled
      to no other unit, so the dynamics never change them (Personnaz, Guyon
      & Dreyfus 1985 [5]_; Kanter & Sompolinsky 1987 [4]_).
    - ``"perceptron"``: learning reports its own failure with a
      :class:`~sklearn.exceptions.ConvergenceWarning`.

    A single pattern never warns, and neither do repeated rows. The bounds
    are those of random patterns: correlated data fail far sooner. Five 8 × 8
    digit images, a 0 to a 4 of :func:`sklearn.datasets.load_digits`
    (P/N = 0.08), already send every probe to one and the same state under
    Hebb's rule, and only two of them are fixed points under Storkey's. No
    warning is given there, since the load is within the bound; staying
    below it guarantees nothing for such data. For a few correlated patterns
    (class prototypes, say) use ``rule="projection"`` or ``"perceptron"``.

    References
    ----------
    .. [1] D. J. Amit, H. Gutfreund and H. Sompolinsky, "Storing infinite
       numbers of patterns in a spin-glass model of neural networks",
       Physical Review Letters 55, 1530, 1985.
    .. [2] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
       Boltzmann machines", 2025.
    .. [3] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
       Hopfield Networks", 2024.
    .. [4] I. Kanter and H. Sompolinsky, "Associative recall of memory
       without errors", Physical Review A 35, 380, 1987.
    .. [5] L. Personnaz, I. Guyon and G. Dreyfus, "Information storage and
       retrieval in spin-glass like neural networks", Journal de Physique
       Lettres 46, L359, 1985.
    .. [6] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    .. [7] A. Storkey, "Increasing the capacity of a Hopfield network without
       sacrificing functionality", ICANN 1997, LNCS 1327, 451–456.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import HopfieldMemory
    >>> rng = np.random.RandomState(0)
    >>> patterns = rng.choice([-1, 1], size=(5, 100))
    >>> memory = HopfieldMemory(binarize=None, random_state=0).fit(patterns)
    >>> probe = patterns[:1].copy()
    >>> probe[0, :10] *= -1                      # flip 10 bits
    >>> bool((memory.predict(probe) == patterns[:1]).all())
    True
    >>> memory.transform(probe).round(2)         # overlaps with the patterns
    array([[ 1.  , -0.02,  0.06, -0.16, -0.04]])
    """

    _parameter_constraints = {
        "rule": [StrOptions({"hebbian", "projection", "storkey", "perceptron"})],
        "update": [StrOptions({"async", "sync"})],
        "beta": [Interval(Real, 0, None, closed="left"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "zero_diagonal": ["boolean"],
        "margin": [Interval(Real, 0, None, closed="left")],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "binarize": BINARIZE_CONSTRAINT,
        **ENGINE_CONSTRAINTS,
    }

    def __init__(
        self,
        rule="hebbian",
        *,
        update="async",
        beta=None,
        max_iter=100,
        zero_diagonal=True,
        margin=0.5,
        n_iter=1000,
        binarize=0.0,
        backend="numpy",
        device=None,
        random_state=None,
    ):
        self.rule = rule
        self.update = update
        self.beta = beta
        self.max_iter = max_iter
        self.zero_diagonal = zero_diagonal
        self.margin = margin
        self.n_iter = n_iter
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
        self : HopfieldMemory
            The fitted memory.

        Warns
        -----
        CapacityWarning
            When the distinct patterns exceed the rule's capacity for random
            patterns (see Notes of :class:`HopfieldMemory`).
        ConvergenceWarning
            When perceptron learning does not reach ``margin`` for every
            pattern within ``n_iter`` epochs.
        """
        xi = validate_spins(self, X, reset=True)
        # build the engine first: a bad backend/device fails before any change
        engine = get_engine(self.backend, self.device, self.random_state)
        n_iter = 1
        message = None  # the capacity warning (perceptron: its own warning)
        if self.rule == "perceptron":
            J, n_iter, converged = _rules.perceptron(
                xi, margin=self.margin, n_iter=self.n_iter
            )
            if not converged:
                warnings.warn(
                    f"Perceptron learning did not bring every pattern to "
                    f"stability {self.margin} in {self.n_iter} epochs; the "
                    "patterns may exceed the capacity at this margin. Lower "
                    "`margin` or raise `n_iter`.",
                    ConvergenceWarning,
                    stacklevel=user_stacklevel(),
                )
        elif self.rule == "projection":
            J = _rules.projection(xi, zero_diagonal=False)
            rank, n_free = _projection_span(J)
            if self.zero_diagonal:
                np.fill_diagonal(J, 0.0)
            message = _capacity.capacity_message(
                "projection",
                _capacity.count_patterns(xi),
                xi.shape[1],
                zero_diagonal=self.zero_diagonal,
                rank=rank,
                n_free=n_free,
            )
        else:
            J = getattr(_rules, self.rule)(xi, zero_diagonal=self.zero_diagonal)
            message = _capacity.capacity_message(
                self.rule,
                _capacity.count_patterns(xi),
                xi.shape[1],
                zero_diagonal=self.zero_diagonal,
            )
        self.patterns_ = xi
        self.couplings_ = J
        self.n_iter_ = n_iter
        self._device_couplings = engine.asarray(J) if engine.is_torch else None
        if message is not None:
            # after fitting, as ConvergenceWarning: even when warnings are
            # turned into errors, the estimator is left in one consistent state
            warnings.warn(message, CapacityWarning, stacklevel=4)
        return self

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_device_couplings", None)
        return state

    @property
    def _n_features_out(self):
        return self.patterns_.shape[0]

    def _couplings_on(self, engine, dtype):
        """J on the engine's device in ``dtype`` (the cached copy if it fits)."""
        cached = getattr(self, "_device_couplings", None)
        if engine.is_torch and cached is not None and cached.device == engine.device:
            return cached.to(engine.torch_dtype(dtype))
        return engine.asarray(self.couplings_, dtype=dtype)

    def _no_fields(self, dtype):
        """The memory's ±1 units: no thresholds."""
        return Spin(np.zeros(self.n_features_in_, dtype=dtype))

    def recall(self, X):
        """Run the dynamics from each probe and report how each one ended.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Probes, mapped to ±1 by ``binarize``.

        Returns
        -------
        result : :class:`~sklearn.utils.Bunch`
            ``states`` (n_samples, n_features): the final ±1 states;
            ``n_iter`` (n_samples,): sweeps run per probe;
            ``converged`` (n_samples,): reached a fixed point (stochastic
            dynamics: the last sweep changed nothing);
            ``cycled`` (n_samples,): stopped on a 2-cycle of synchronous
            dynamics (its last state is returned).
        """
        S = validate_spins(self, X, reset=False)
        engine = get_engine(self.backend, self.device, self.random_state)
        beta = math.inf if self.beta is None else self.beta
        model = Ising(
            self._no_fields(S.dtype), self._couplings_on(engine, S.dtype), beta
        )
        result = model.run(S, update=self.update, max_iter=self.max_iter, engine=engine)
        if self.beta is None:
            stuck = ~(result.converged | result.cycled)
            if stuck.any():
                warnings.warn(
                    f"{int(stuck.sum())} of {stuck.size} probes neither reached "
                    f"a fixed point nor a 2-cycle in max_iter={self.max_iter} "
                    "sweeps.",
                    ConvergenceWarning,
                    stacklevel=user_stacklevel(),
                )
        return result

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

        The overlap of a recalled state ``s`` with pattern μ is
        m_μ = s·ξ_μ / N.

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
        """Energy E(s) = −½ sᵀJs of each state of X, as given (no dynamics).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States to evaluate, mapped to ±1 by ``binarize``.

        Returns
        -------
        energy : ndarray of shape (n_samples,)
            The energy of each state under the stored couplings.
        """
        S = validate_spins(self, X, reset=False)
        J = self.couplings_.astype(S.dtype, copy=False)
        return Ising(self._no_fields(S.dtype), J).energy(S)

    def score_samples(self, X):
        """Negative energy −E(s) of each state of X (higher is better).

        This is the log of the unnormalized Boltzmann weight at β = 1: the
        stored patterns and the states near them score highest.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States to evaluate, mapped to ±1 by ``binarize``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``−E(s)`` of each state.
        """
        return -self.energy(X)

    def score(self, X, y=None):
        """Mean negative energy of the states of X (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States to evaluate, mapped to ±1 by ``binarize``.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean of ``−E(s)`` over the states of X.
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
