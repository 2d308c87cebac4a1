"""GaussianRBM: binary (±1) visible, gaussian hidden restricted Boltzmann machine."""

from .._validation import Interval, Real, StrOptions
from ..energy.layers import Gaussian, Spin
from ..energy.rbm import RBM
from ._base import CHAIN_CONSTRAINTS, EXACT_MAX_CONSTRAINT, BaseRBM


class GaussianRBM(BaseRBM):
    """Restricted Boltzmann machine with ±1 visible and gaussian hidden units.

    The energy (Smart & Zilman (2021) [1]_, Eq. E.1) is

        H(s, λ) = ½‖λ − c‖² − bᵀs − sᵀWλ,   p(s, λ) ∝ exp(−βH),

    so λ | s ~ N(Wᵀs + c, β⁻¹I), p(s_i = +1 | λ) = σ(2β(Wλ + b)_i), and the
    visible marginal is ln p(s) = β[bᵀs + ½‖Wᵀs + c‖² − ½‖c‖²] − ln Z (Eq.
    E.5 of [1]_; Eqs. 10 and D.3 of [1]_ drop the ½). Training is CD-k
    [2]_ or PCD [3]_ (Eq. 15 of [1]_); log-likelihoods use the exact ln Z
    for small models and annealed importance sampling otherwise.

    Parameters
    ----------
    n_components : int, default=256
        Number of hidden units p.
    beta : float, default=1.0
        Inverse temperature β.
    learning_rate : float, default=1e-4
        Step η of the update W += η(⟨sλ̂ᵀ⟩_data − ⟨sλ̂ᵀ⟩_model), averaged
        over a batch (the η = 1e-4 of [1]_ carries over).
    batch_size : int, default=100
        Number of samples per gradient update (mini-batch size).
    n_iter : int, default=10
        Epochs of training.
    cd_steps : int, default=1
        Gibbs steps k of CD-k ([1]_ uses CD-20).
    persistent : bool, default=False
        Persistent chains (PCD) instead of chains restarted at the data.
    n_chains : int or None, default=None
        Number of persistent chains (PCD), started at random training
        samples; None runs as many as the first batch, started at it.
        Ignored without ``persistent``.
    fit_intercept : bool, default=True
        Train the biases b and c; ``False`` holds them at 0 (as [1]_ does).
    init : "random" or array-like of shape (n_features, n_components), \
            default="random"
        Initial W: ``"random"`` draws N(0, 0.1²) entries (the N(0, 0.01)
        of [1]_, variance 0.01); an array gives a deterministic start (for instance the
        orthogonalized Hopfield patterns of :class:`ProjectionHopfieldRBM`).
    binarize : float or None, default=0.0
        Threshold mapping X to spins; ``None`` requires ±1 input.
    n_ais_chains : int, default=100
        AIS chains used by :meth:`score` when ln Z is not exact (more than
        two hidden units and ``n_features > exact_max_features``). They start
        from the base rate of the training data; without biases
        (``fit_intercept=False``) from its even mixture with its mirror image
        (see :meth:`log_partition`).
    n_ais_betas : int, default=1000
        AIS intermediate distributions.
    exact_max_features : int, default=20
        Largest ``n_features`` for which ln Z is computed by enumeration.
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
        (Gibbs chains, AIS).
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
    sklearn.neural_network.BernoulliRBM : RBM with {0, 1} visible and hidden units.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.
    .. [2] G. E. Hinton, "Training products of experts by minimizing
       contrastive divergence", Neural Computation 14(8), 1771–1800, 2002.
    .. [3] T. Tieleman, "Training restricted Boltzmann machines using
       approximations to the likelihood gradient", Proceedings of the 25th
       International Conference on Machine Learning (ICML), 1064–1071, 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import GaussianRBM
    >>> X = np.random.RandomState(0).choice([-1, 1], size=(200, 10))
    >>> rbm = GaussianRBM(n_components=3, learning_rate=1e-2, random_state=0)
    >>> rbm.fit(X).transform(X).shape
    (200, 3)
    >>> from skhopfield.energy.layers import states
    >>> all_states = states(0, 2**10, 10, np.empty(0))  # exact: p(s) sums to one
    >>> round(float(np.exp(rbm.score_samples(all_states)).sum()), 10)
    1.0
    """

    _parameter_constraints = {
        **BaseRBM._parameter_constraints,
        **CHAIN_CONSTRAINTS,
        "beta": [Interval(Real, 0, None, closed="neither")],
        "init": [StrOptions({"random"}), "array-like"],
        "exact_max_features": EXACT_MAX_CONSTRAINT,
    }

    _ais_schedule = "quadratic"

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
        n_chains=None,
        fit_intercept=True,
        init="random",
        binarize=0.0,
        n_ais_chains=100,
        n_ais_betas=1000,
        exact_max_features=20,
        n_jobs=None,
        dtype="float32",
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
        self.n_chains = n_chains
        self.fit_intercept = fit_intercept
        self.init = init
        self.binarize = binarize
        self.n_ais_chains = n_ais_chains
        self.n_ais_betas = n_ais_betas
        self.exact_max_features = exact_max_features
        self.n_jobs = n_jobs
        self.dtype = dtype
        self.backend = backend
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # -- hooks -----------------------------------------------------------------
    def _model(self, params):
        return RBM(Spin(params["b"]), Gaussian(params["c"]), params["W"], self.beta)

    def _exact_max(self):
        return self.exact_max_features

    def _init_parameters(self, S, y, engine, dtype):
        n_features = S.shape[1]
        return {
            "W": self._initial_weights(n_features, 0.1, engine, dtype),
            "b": engine.zeros(n_features, dtype),
            "c": engine.zeros(self.n_components, dtype),
        }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
