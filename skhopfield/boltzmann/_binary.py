"""BinaryRBM: the {0, 1} restricted Boltzmann machine, with a true likelihood."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._validation import Interval, Real, StrOptions
from ..energy.layers import Binary
from ..energy.rbm import RBM, binary_to_spin, spin_to_binary
from ._base import CHAIN_CONSTRAINTS, EXACT_MAX_CONSTRAINT, BaseRBM
from ._spin import SpinRBM


class BinaryRBM(BaseRBM):
    """Restricted Boltzmann machine with {0, 1} visible and hidden units.

    The energy (Hinton (2002) [1]_; the RBM of
    :class:`sklearn.neural_network.BernoulliRBM`) is

        E(v, h) = −vᵀWh − bᵀv − cᵀh,   p(v, h) ∝ exp(−E),

    so p(h_j = 1 | v) = σ((Wᵀv + c)_j), p(v_i = 1 | h) = σ((Wh + b)_i) and
    the visible marginal is ln p(v) = bᵀv + Σ_j ln(1 + e^{(Wᵀv + c)_j}) − ln Z.
    Training is CD-k [1]_ or PCD [2]_ with any chain count, or the exact
    gradient on small models; unlike BernoulliRBM, whose ``score_samples`` is a
    pseudo-likelihood, :meth:`score_samples` is the true log-likelihood (exact
    ln Z for small models, annealed importance sampling [3]_ otherwise).
    :meth:`from_sklearn` imports a fitted BernoulliRBM to measure its true
    likelihood, and :meth:`to_spin_rbm` / :meth:`from_spin_rbm` convert
    exactly to and from the ±1 :class:`SpinRBM` (v = (s + 1)/2).

    Parameters
    ----------
    n_components : int, default=256
        Number of hidden units.
    learning_rate : float, default=0.1
        Step η of every update (gradient averaged over the batch).
    batch_size : int, default=10
        Number of samples per update.
    n_iter : int, default=10
        Epochs of training.
    cd_steps : int, default=1
        Gibbs steps k of CD-k (or per update of the persistent chains).
    persistent : bool, default=False
        Persistent chains (PCD, BernoulliRBM's training) instead of chains
        restarted at the data (CD).
    n_chains : int or None, default=None
        Number of persistent chains, started at random training samples;
        None runs as many as the first batch, started at it.
    exact_gradient : bool, default=False
        Use the exact model average (enumeration of the smaller layer, at most
        ``exact_max_units`` units) instead of sampled chains.
    fit_intercept : bool, default=True
        Train the biases; ``False`` holds them at 0.
    init : "random" or array-like of shape (n_features, n_components), \
            default="random"
        Initial W: ``"random"`` draws N(0, 0.01²) entries (as BernoulliRBM
        and Hinton's guide [4]_).
    binarize : float or None, default=0.5
        Threshold mapping X to {0, 1} (``X > binarize`` → 1); ``None``
        requires {0, 1} input.
    n_ais_chains : int, default=100
        AIS chains used by :meth:`score` when ln Z is not exact. They start
        from the base rate of the training data (see :meth:`log_partition`).
    n_ais_betas : int, default=1000
        AIS intermediate distributions.
    exact_max_units : int, default=20
        Largest smaller layer for which ln Z is computed by enumeration.
    n_jobs : int or None, default=None
        Workers that run the chains of an AIS estimate in groups through
        :class:`joblib.Parallel`; the result does not depend on it.
    dtype : {"float32", "float64"} or None, default="float32"
        Floating type of training, sampling and the fitted parameters. The
        {0, 1} data are exact in float32, whose matrix products take half
        the time of float64's; ``"float64"`` trains in double precision and
        None in the input's dtype (float64 for integer input). Scores, ln Z
        and the pseudo-likelihood are computed in float64 either way, and
        :meth:`transform` returns the dtype of its input.
    backend : {"numpy", "torch"}, default="numpy"
        Array library that runs training and sampling.
    device : str or None, default=None
        Torch device (``"cuda"`` …); None is the CPU.
    random_state : int, RandomState instance or None, default=None
        Seed of the initialization, the batch order, the chains and AIS.
    verbose : int, default=0
        Print the pseudo-log-likelihood after each epoch.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Wᵀ (BernoulliRBM's layout).
    intercept_visible_ : ndarray of shape (n_features,)
        b.
    intercept_hidden_ : ndarray of shape (n_components,)
        c.
    ais_base_bias_ : ndarray of shape (n_features,)
        Visible bias of independent units with the (smoothed) marginals of
        the data of the first ``fit`` / ``partial_fit``: the start of the
        AIS estimate of ln Z.
    n_iter_ : int
        Epochs trained.
    training_history_ : list of dict
        Per epoch: ``epoch``, ``seconds``, ``pseudo_log_likelihood``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        ``X`` has feature names that are all strings.

    See Also
    --------
    sklearn.neural_network.BernoulliRBM : The same model, trained by PCD-1
        and scored by pseudo-likelihood.
    SpinRBM : The same family on ±1 units.

    References
    ----------
    .. [1] G. E. Hinton, "Training products of experts by minimizing
       contrastive divergence", Neural Computation 14(8), 1771–1800, 2002.
    .. [2] T. Tieleman, "Training restricted Boltzmann machines using
       approximations to the likelihood gradient", Proceedings of the 25th
       International Conference on Machine Learning (ICML), 1064–1071, 2008.
    .. [3] R. Salakhutdinov and I. Murray, "On the quantitative analysis of
       deep belief networks", Proceedings of the 25th International
       Conference on Machine Learning (ICML), 872–879, 2008.
    .. [4] G. E. Hinton, "A practical guide to training restricted Boltzmann
       machines", Technical Report UTML TR 2010-003, University of Toronto,
       2010.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import BinaryRBM
    >>> X = np.random.RandomState(0).randint(0, 2, size=(200, 10))
    >>> rbm = BinaryRBM(n_components=3, learning_rate=0.05, random_state=0)
    >>> rbm.fit(X).transform(X).shape
    (200, 3)
    >>> from skhopfield.energy.layers import states
    >>> all_states = states(0, 2**10, 10, np.zeros(1), low=0.0)
    >>> round(float(np.exp(rbm.score_samples(all_states)).sum()), 10)
    1.0
    """

    _low = 0.0  # {0, 1} visible units

    # the quadratic path: on a BinaryRBM(16) with biases trained on 2000
    # MNIST images, 6 seeds of the default AIS (100 chains, 1000
    # distributions) were off the exact ln Z by -3.8 to +0.9 standard errors
    # on the linear path, -0.7 to +1.6 on the quadratic one
    _ais_schedule = "quadratic"

    _parameter_constraints = {
        **BaseRBM._parameter_constraints,
        **CHAIN_CONSTRAINTS,
        "exact_gradient": ["boolean"],
        "init": [StrOptions({"random"}), "array-like"],
        "exact_max_units": EXACT_MAX_CONSTRAINT,
        "binarize": [Interval(Real, None, None, closed="neither"), None],
    }

    def __init__(
        self,
        n_components=256,
        *,
        learning_rate=0.1,
        batch_size=10,
        n_iter=10,
        cd_steps=1,
        persistent=False,
        n_chains=None,
        exact_gradient=False,
        fit_intercept=True,
        init="random",
        binarize=0.5,
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
        return RBM(Binary(params["b"]), Binary(params["c"]), params["W"])

    def _exact_max(self):
        return self.exact_max_units

    def _use_exact_gradient(self):
        return self.exact_gradient

    def _init_parameters(self, S, y, engine, dtype):
        n_features = S.shape[1]
        if self.exact_gradient:
            self._check_exact_gradient(n_features)
        return {
            "W": self._initial_weights(n_features, 0.01, engine, dtype),
            "b": engine.zeros(n_features, dtype),
            "c": engine.zeros(self.n_components, dtype),
        }

    # -- conversions -----------------------------------------------------------
    @classmethod
    def from_sklearn(cls, rbm, X=None, **params):
        """A fitted BinaryRBM with the parameters of a fitted BernoulliRBM.

        BernoulliRBM and BinaryRBM are the same model (``components_``,
        ``intercept_visible_`` and ``intercept_hidden_`` mean the same), so
        the import is exact; it gives a scikit-learn model its true
        log-likelihood (:meth:`score_samples`), ln Z (:meth:`log_partition`)
        and this class's sampling.

        Parameters
        ----------
        rbm : sklearn.neural_network.BernoulliRBM
            A fitted BernoulliRBM.
        X : array-like of shape (n_samples, n_features) or None, default=None
            Training data, mapped to {0, 1} by ``binarize``: its marginals
            give the start of AIS (``ais_base_bias_``). None starts AIS from
            the model's own visible bias, which is fine when the model
            learned its biases (as BernoulliRBM does).
        **params : dict
            Parameters of the new estimator (e.g. ``n_ais_chains``,
            ``n_ais_betas``, ``random_state``, ``binarize``);
            ``n_components``, ``learning_rate``, ``batch_size``, ``n_iter``,
            ``random_state`` and ``verbose`` default to the BernoulliRBM's,
            and ``persistent`` to True (BernoulliRBM trains by PCD-1).

        Returns
        -------
        model : BinaryRBM
            The fitted estimator.
        """
        from sklearn.neural_network import BernoulliRBM

        if not isinstance(rbm, BernoulliRBM):
            raise TypeError(
                f"from_sklearn expects a fitted BernoulliRBM, got {type(rbm).__name__}."
            )
        check_is_fitted(rbm)
        shared = {
            key: getattr(rbm, key)
            for key in (
                "n_components",
                "learning_rate",
                "batch_size",
                "n_iter",
                "random_state",
                "verbose",
            )
        }
        # BernoulliRBM trains by PCD-1: further training continues that way
        shared["persistent"] = True
        model = cls(**{**shared, **params})
        W = np.asarray(rbm.components_, dtype=np.float64).T
        rbm_ = RBM(Binary(rbm.intercept_visible_), Binary(rbm.intercept_hidden_), W)
        model = _set_fitted(
            model, rbm_, W.shape[0], rbm.n_iter, getattr(rbm, "feature_names_in_", None)
        )
        if X is not None:
            V = model._validate_visible(X, reset=False)
            model.ais_base_bias_ = rbm_.visible.bias_for_data(V, rbm_.beta)
        return model

    def to_spin_rbm(self):
        """The exactly equal fitted :class:`SpinRBM` on ``s = 2v − 1``.

        With ``v = (s + 1)/2`` and ``h = (t + 1)/2`` the energy becomes a ±1
        RBM's (weights ``W/4``, biases ``b/2 + W1/4`` and ``c/2 + Wᵀ1/4``) up
        to a constant, so ``ln p(v)`` of this model equals ``ln p(2v − 1)``
        of the SpinRBM, and ``ln Z`` differs by :meth:`log_partition_offset`.

        Returns
        -------
        spin : SpinRBM
            A fitted SpinRBM with this model's settings where they are shared.
        """
        check_is_fitted(self)
        spin, _ = binary_to_spin(self.rbm_)
        # the same start of AIS: independent bits of bias a are spins of bias a/2
        base = 0.5 * self.ais_base_bias_
        shared = {
            key: value
            for key, value in self.get_params().items()
            if key in SpinRBM._parameter_constraints and key != "learning_rate"
        }
        est = _set_fitted(SpinRBM(**shared), spin, *_bookkeeping(self))
        est.ais_base_bias_ = base
        return est

    @classmethod
    def from_spin_rbm(cls, spin, **params):
        """The exactly equal fitted BinaryRBM of a fitted :class:`SpinRBM`.

        The inverse of :meth:`to_spin_rbm`.

        Parameters
        ----------
        spin : SpinRBM
            A fitted SpinRBM.
        **params : dict
            Parameters of the new estimator.

        Returns
        -------
        model : BinaryRBM
            The fitted estimator.
        """
        if not isinstance(spin, SpinRBM):
            raise TypeError(
                f"from_spin_rbm expects a SpinRBM, got {type(spin).__name__}."
            )
        check_is_fitted(spin)
        binary, _ = spin_to_binary(spin.rbm_)
        shared = {
            key: value
            for key, value in spin.get_params().items()
            if key in cls._parameter_constraints and key != "learning_rate"
        }
        est = _set_fitted(cls(**{**shared, **params}), binary, *_bookkeeping(spin))
        est.ais_base_bias_ = 2.0 * spin.ais_base_bias_
        return est

    def log_partition_offset(self):
        """``ln Z`` of this model minus ``ln Z`` of :meth:`to_spin_rbm`'s.

        Returns
        -------
        offset : float
            ``1ᵀW1/4 + Σb/2 + Σc/2``.
        """
        check_is_fitted(self)
        return binary_to_spin(self.rbm_)[1]


def _bookkeeping(est):
    """(n_features_in_, n_iter_, feature_names_in_ or None) of a fitted RBM."""
    return est.n_features_in_, est.n_iter_, getattr(est, "feature_names_in_", None)


def _set_fitted(est, model, n_features_in, n_iter, feature_names=None):
    """``est`` fitted with the arrays of the RBM ``model``."""
    est.components_ = np.ascontiguousarray(np.asarray(model.W, dtype=np.float64).T)
    est.intercept_visible_ = np.asarray(model.visible.bias, dtype=np.float64).copy()
    est.intercept_hidden_ = np.asarray(model.hidden.bias, dtype=np.float64).copy()
    est.n_features_in_ = int(n_features_in)
    if feature_names is not None:
        est.feature_names_in_ = feature_names
    est.n_iter_ = int(n_iter)
    est.training_history_ = []
    est.ais_base_bias_ = np.asarray(model.visible.bias, dtype=np.float64).copy()
    est._chains = None
    return est
