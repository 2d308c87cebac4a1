"""GaussianRBM: binary (±1) visible, gaussian hidden restricted Boltzmann machine."""

import numpy as np

from .._validation import (
    BINARIZE_CONSTRAINT,
    ENGINE_CONSTRAINTS,
    Integral,
    Interval,
    Real,
    StrOptions,
)
from ..energy import gaussian as _g
from ._base import BaseRBM


class GaussianRBM(BaseRBM):
    """Restricted Boltzmann machine with ±1 visible and gaussian hidden units.

    The energy (seed ``000_2f18927ee2d4e047.txt`` Eq. E.1) is

        H(s, λ) = ½‖λ − c‖² − bᵀs − sᵀWλ,   p(s, λ) ∝ exp(−βH),

    so λ | s ~ N(Wᵀs + c, β⁻¹I), p(s_i = +1 | λ) = σ(2β(Wλ + b)_i), and the
    visible marginal is ln p(s) = β[bᵀs + ½‖Wᵀs + c‖² − ½‖c‖²] − ln Z (Eq.
    E.5, with the ½ that Eqs. 10 and D.3 drop). Training is CD-k or PCD
    (Eq. 15); log-likelihoods use the exact ln Z for small models and
    annealed importance sampling otherwise.

    Parameters
    ----------
    n_components : int, default=256
        Number of hidden units p.
    beta : float, default=1.0
        Inverse temperature β.
    learning_rate : float, default=1e-4
        Step η of the update W += η(⟨sλ̂ᵀ⟩_data − ⟨sλ̂ᵀ⟩_model), averaged
        over a batch (the seed's η = 1e-4 carries over).
    batch_size : int, default=100
    n_iter : int, default=10
        Epochs of training.
    cd_steps : int, default=1
        Gibbs steps k of CD-k (the seed uses CD-20).
    persistent : bool, default=False
        Persistent chains (PCD) instead of chains restarted at the data.
    fit_intercept : bool, default=True
        Train the biases b and c; ``False`` holds them at 0 (as the seed).
    init : "random" or array-like of shape (n_features, n_components), \
            default="random"
        Initial W: ``"random"`` draws N(0, 0.1²) entries (the seed's
        N(0, 0.01)); an array gives a deterministic start (for instance the
        orthogonalized Hopfield patterns of :class:`ProjectionHopfieldRBM`).
    binarize : float or None, default=0.0
        Threshold mapping X to spins; ``None`` requires ±1 input.
    n_ais_chains : int, default=100
        AIS chains used by :meth:`score` when ln Z is not exact.
    n_ais_betas : int, default=1000
        AIS intermediate distributions.
    exact_max_features : int, default=20
        Largest ``n_features`` for which ln Z is computed by enumeration.
    backend : {"numpy", "torch"}, default="numpy"
    device : str or None, default=None
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
        Print the pseudo-log-likelihood after each epoch.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Wᵀ.
    intercept_visible_ : ndarray of shape (n_features,)
        b.
    intercept_hidden_ : ndarray of shape (n_components,)
        c.
    n_iter_ : int
        Epochs trained (``partial_fit`` adds one per call).
    training_history_ : list of dict
        Per epoch: ``epoch``, ``seconds``, ``pseudo_log_likelihood``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    sklearn.neural_network.BernoulliRBM : {0, 1} visible and hidden units.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import GaussianRBM
    >>> X = np.random.RandomState(0).choice([-1, 1], size=(200, 10))
    >>> rbm = GaussianRBM(n_components=3, learning_rate=1e-2, random_state=0)
    >>> rbm.fit(X).transform(X).shape
    (200, 3)
    >>> from skhopfield.energy.hopfield import enumerate_spins
    >>> all_states = enumerate_spins(10)           # exact: p(s) sums to one
    >>> round(float(np.exp(rbm.score_samples(all_states)).sum()), 10)
    1.0
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "learning_rate": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "cd_steps": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "fit_intercept": ["boolean"],
        "init": [StrOptions({"random"}), "array-like"],
        "binarize": BINARIZE_CONSTRAINT,
        "n_ais_chains": [Interval(Integral, 2, None, closed="left")],
        "n_ais_betas": [Interval(Integral, 2, None, closed="left")],
        "exact_max_features": [
            Interval(Integral, 0, _g.MAX_EXACT_FEATURES, closed="both")
        ],
        "verbose": ["verbose"],
        **ENGINE_CONSTRAINTS,
    }

    def __init__(
        self,
        n_components=256,
        *,
        beta=1.0,
        learning_rate=1e-4,
        batch_size=100,
        n_iter=10,
        cd_steps=1,
        persistent=False,
        fit_intercept=True,
        init="random",
        binarize=0.0,
        n_ais_chains=100,
        n_ais_betas=1000,
        exact_max_features=20,
        backend="numpy",
        device=None,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.beta = beta
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.cd_steps = cd_steps
        self.persistent = persistent
        self.fit_intercept = fit_intercept
        self.init = init
        self.binarize = binarize
        self.n_ais_chains = n_ais_chains
        self.n_ais_betas = n_ais_betas
        self.exact_max_features = exact_max_features
        self.backend = backend
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _check_init(self, n_features):
        init = self.init
        if isinstance(init, str):
            return None
        init = np.asarray(init, dtype=np.float64)
        expected = (n_features, self.n_components)
        if init.shape != expected:
            raise ValueError(
                f"init has shape {init.shape}; expected (n_features, "
                f"n_components) = {expected}."
            )
        if not np.isfinite(init).all():
            raise ValueError("init contains NaN or infinity.")
        return init

    # -- hooks -----------------------------------------------------------------
    def _init_parameters(self, S, y, engine, dtype):
        n_features = S.shape[1]
        init = self._check_init(n_features)
        if init is None:
            W = 0.1 * engine.normal((n_features, self.n_components), dtype)
        else:
            W = engine.asarray(init, dtype=dtype)
        return {
            "W": engine.copy(W),
            "b": engine.zeros(n_features, dtype),
            "c": engine.zeros(self.n_components, dtype),
        }

    def _hidden_statistics(self, S, params):
        return _g.hidden_mean(S, params["W"], params["c"])

    def _gibbs(self, S, params, n_steps, engine, hidden=None):
        if n_steps == 0:
            return S
        S, _ = _g.gibbs_step(
            S, params["W"], params["b"], params["c"], self.beta, engine,
            n_steps=n_steps, hidden=hidden,
        )
        return S

    def _log_unnormalized(self, S, params):
        return _g.log_unnormalized(S, params["W"], params["b"], params["c"], self.beta)

    def _log_partition(self, params):
        W, b, c = params["W"], params["b"], params["c"]
        if W.shape[0] <= self.exact_max_features:
            return float(_g.log_partition_exact(W, b, c, self.beta)), 0.0
        log_Z, std_error = _g.log_partition_ais(
            W, b, c, self.beta,
            n_chains=self.n_ais_chains,
            n_betas=self.n_ais_betas,
            random_state=self._ais_seed(),
        )
        return float(log_Z), float(std_error)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
