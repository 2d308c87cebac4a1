"""SpinRBM: standard restricted Boltzmann machine with ±1 visible and hidden units."""

import numpy as np

from .._validation import Interval, Real, StrOptions
from ..energy.layers import Spin, _independent_bias
from ..energy.rbm import RBM
from ._base import (
    CHAIN_CONSTRAINTS,
    EXACT_MAX_CONSTRAINT,
    BaseRBM,
)


class SpinRBM(BaseRBM):
    """Restricted Boltzmann machine with ±1 visible and ±1 hidden units.

    The energy (Pozas-Kerstjens et al. (2021) [1]_, Eq. 1 on the bipartite
    graph of an RBM, with biases) is

        E(v, h) = −vᵀWh − bᵀv − cᵀh,   p(v, h) ∝ exp(−E),

    so p(h_α = +1 | v) = σ(2(Wᵀv + c)_α), p(v_i = +1 | h) = σ(2(Wh + b)_i)
    (Eq. B2 of [1]_) and the free energy is
    F(v) = −bᵀv − Σ_α ln 2cosh((Wᵀv + c)_α) (Eq. A2 of [1]_, which drops
    the minus sign in front of the sum). Training maximizes the
    log-likelihood by CD-k [2]_, PCD [3]_ or, for models whose smaller layer
    can be enumerated, the exact gradient (Eqs. 4, A5–A6 of [1]_). This is
    the standard RBM that [1]_ compares RAPID with.

    Parameters
    ----------
    n_components : int, default=256
        Number of hidden units H.
    learning_rate : float, default=0.01
        Step η of W += η(⟨v tanh(Wᵀv + c)ᵀ⟩_data − ⟨…⟩_model), averaged over
        a batch.
    learning_rate_decay : float, default=1.0
        The step of epoch e is ``learning_rate * learning_rate_decay**(e-1)``.
    batch_size : int, default=100
        Number of samples per gradient update (mini-batch size).
    n_iter : int, default=10
        Epochs of training.
    cd_steps : int, default=1
        Gibbs steps k of CD-k / PCD-k.
    persistent : bool, default=False
        Persistent chains (PCD, Tieleman 2008 [3]_) instead of chains
        restarted at the data.
    n_chains : int or None, default=None
        Number of persistent chains (fantasy particles; [1]_ uses 2048),
        started at training samples drawn with replacement. ``None`` starts
        as many chains as the first batch, at that batch.
    exact_gradient : bool, default=False
        Compute the model average exactly by enumerating the smaller layer
        (only for ``min(n_features, n_components) <= exact_max_units``);
        ``cd_steps`` and ``persistent`` are then unused.
    fit_intercept : bool, default=True
        Train the biases b and c (b starts at ``arctanh`` of the data
        means); ``False`` holds them at 0, as [1]_ does.
    init : "random" or array-like of shape (n_features, n_components), \
            default="random"
        Initial W: ``"random"`` draws N(0, 0.01²) entries (Hinton's guide
        [4]_);
        an array gives a deterministic start.
    binarize : float or None, default=0.0
        Threshold mapping X to spins; ``None`` requires ±1 input.
    n_ais_chains : int, default=100
        AIS chains used by :meth:`score` when ln Z is not exact. They start
        from the base rate of the training data; without biases
        (``fit_intercept=False``) from its even mixture with its mirror image
        (see :meth:`log_partition`).
    n_ais_betas : int, default=1000
        AIS intermediate distributions.
    exact_max_units : int, default=20
        Largest size of the smaller layer for which ln Z is computed by
        enumeration; larger models use AIS.
    n_jobs : int or None, default=None
        Workers that run the chains of an AIS estimate of ln Z
        (:meth:`log_partition`, :meth:`score`) in groups through
        :class:`joblib.Parallel`, so the active joblib backend (e.g. a Dask
        cluster) runs them; training does not use it. ``None`` means 1
        unless in a :func:`joblib.parallel_config` context; ``-1`` uses all
        processors. The estimate does not depend on it. Each parallel task
        uses ``SKHOPFIELD_WORKER_THREADS`` BLAS / torch threads (default 1).
    dtype : {"float32", "float64"} or None, default="float32"
        Floating type of training, sampling and the fitted parameters. The
        ±1 data are exact in float32, whose matrix products take half
        the time of float64's; ``"float64"`` trains in double precision and
        None in the input's dtype (float64 for integer input). Scores, ln Z
        and the pseudo-likelihood are computed in float64 either way, and
        :meth:`transform` returns the dtype of its input.
    backend : {"numpy", "torch"}, default="numpy"
        Array library that runs training, sampling and scoring.
    device : str or None, default=None
        Torch device (``"cpu"``, ``"cuda"``, ``"cuda:1"``…); ``None`` is the
        CPU. A missing GPU warns and falls back to the CPU.
    random_state : int, RandomState instance or None, default=None
        Seeds the random initial weights, the batch order and all sampling
        (Gibbs chains, persistent chains, AIS).
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
    ais_base_bias_ : ndarray of shape (n_features,)
        Visible bias of independent units with the (smoothed) marginals of
        the data of the first ``fit`` / ``partial_fit``: the start of the
        AIS estimate of ln Z.
    n_iter_ : int
        Epochs trained (``partial_fit`` adds one per call).
    training_history_ : list of dict
        Per epoch: ``epoch``, ``seconds``, ``pseudo_log_likelihood``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during :meth:`fit`, defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    RAPIDRBM : ±1 RBM whose weights are built from trainable patterns.
    sklearn.neural_network.BernoulliRBM : RBM with {0, 1} visible and hidden units.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    .. [2] G. E. Hinton, "Training products of experts by minimizing
       contrastive divergence", Neural Computation 14(8), 1771–1800, 2002.
    .. [3] T. Tieleman, "Training restricted Boltzmann machines using
       approximations to the likelihood gradient", Proceedings of the 25th
       International Conference on Machine Learning (ICML), 1064–1071, 2008.
    .. [4] G. E. Hinton, "A practical guide to training restricted Boltzmann
       machines", Technical Report UTML TR 2010-003, University of Toronto,
       2010.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import SpinRBM
    >>> X = np.random.RandomState(0).choice([-1, 1], size=(200, 10))
    >>> rbm = SpinRBM(n_components=4, exact_gradient=True, random_state=0)
    >>> rbm.fit(X).transform(X).shape
    (200, 4)
    >>> from skhopfield.energy.layers import states
    >>> all_states = states(0, 2**10, 10, np.empty(0))  # exact: p(v) sums to one
    >>> round(float(np.exp(rbm.score_samples(all_states)).sum()), 10)
    1.0
    """

    _parameter_constraints = {
        **BaseRBM._parameter_constraints,
        **CHAIN_CONSTRAINTS,
        "learning_rate_decay": [Interval(Real, 0, 1, closed="right")],
        "exact_gradient": ["boolean"],
        "init": [StrOptions({"random"}), "array-like"],
        "exact_max_units": EXACT_MAX_CONSTRAINT,
    }

    def __init__(
        self,
        n_components=256,
        *,
        learning_rate=0.01,
        learning_rate_decay=1.0,
        batch_size=100,
        n_iter=10,
        cd_steps=1,
        persistent=False,
        n_chains=None,
        exact_gradient=False,
        fit_intercept=True,
        init="random",
        binarize=0.0,
        n_ais_chains=100,
        n_ais_betas=1000,
        exact_max_units=20,
        n_jobs=None,
        dtype="float32",
        backend="numpy",
        device=None,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.cd_steps = cd_steps
        self.persistent = persistent
        self.n_chains = n_chains
        self.exact_gradient = exact_gradient
        self.fit_intercept = fit_intercept
        self.init = init
        self.binarize = binarize
        self.n_ais_chains = n_ais_chains
        self.n_ais_betas = n_ais_betas
        self.exact_max_units = exact_max_units
        self.n_jobs = n_jobs
        self.dtype = dtype
        self.backend = backend
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # -- hooks -----------------------------------------------------------------
    def _model(self, params):
        return RBM(Spin(params["b"]), Spin(params["c"]), params["W"])

    def _exact_max(self):
        return self.exact_max_units

    def _use_exact_gradient(self):
        return self.exact_gradient

    def _epoch_learning_rate(self, epoch):
        return self.learning_rate * self.learning_rate_decay ** (epoch - 1)

    def _init_parameters(self, S, y, engine, dtype):
        n_features = S.shape[1]
        if self.exact_gradient:
            self._check_exact_gradient(n_features)
        b = (
            _independent_bias(S.mean(0), low=-1.0, eps=1e-2)
            if self.fit_intercept
            else np.zeros(n_features)
        )
        return {
            "W": self._initial_weights(n_features, 0.01, engine, dtype),
            "b": engine.asarray(b, dtype=dtype),
            "c": engine.zeros(self.n_components, dtype),
        }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
