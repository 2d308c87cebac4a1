"""ProjectionHopfieldRBM: the exact Hopfield → RBM mapping as an estimator."""

import numpy as np
from sklearn.utils import assert_all_finite
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, column_or_1d

from .._validation import Integral, Interval, StrOptions, _fit_context
from ..mapping import class_patterns, orthogonalize
from ._gaussian import GaussianRBM


class ProjectionHopfieldRBM(GaussianRBM):
    """Binary-gaussian RBM whose weights are an orthogonalized Hopfield memory.

    Smart & Zilman (2021) [1]_, §2, show that a projection-rule Hopfield
    network storing p < N patterns ξ (J = ξ(ξᵀξ)⁻¹ξᵀ) is exactly a
    binary-visible, gaussian-hidden RBM with W = Q, where ξ = QR (or any
    orthonormal basis of the patterns' span): its visible marginal at inverse
    temperature β is the Hopfield network's Boltzmann distribution. ``fit``
    builds the patterns from the data — the class means of the ±1 data (Eq.
    14 of [1]_), or ``n_subpatterns`` = k sub-pattern means per class from
    Ward clustering [4]_ (§3.1.1 of [1]_) — and sets W from them. With
    ``n_iter=0`` (the default) that is the whole fit, one-shot and fast; with
    ``n_iter > 0`` CD training [2]_ continues from these weights (the
    Hopfield initialization of §3.1.2 and Fig. 4 of [1]_). Every method of
    :class:`GaussianRBM` is available (``score`` by exact enumeration or AIS,
    ``sample``, ``transform``, ``partial_fit``).

    Parameters
    ----------
    n_subpatterns : int, default=1
        Number k of sub-patterns per class: p = k × n_classes hidden units
        (k clusters of the whole data when ``y`` is None).
    pattern_rule : {"majority", "mean"}, default="majority"
        ``"majority"`` takes the sign of each class (or cluster) mean, a ±1
        pattern, as the code published with [1]_ does; ``"mean"`` keeps the
        real-valued means of Eq. 14 of [1]_.
    orthogonalization : {"qr", "svd", "sqrt"}, default="qr"
        How the patterns are turned into orthonormal weights (see
        :func:`skhopfield.mapping.orthogonalize`); all give the same
        marginal distribution. When there are more patterns than features,
        or the patterns are linearly dependent, the weights are an
        orthonormal basis of their span (fewer hidden units than patterns,
        still exactly the projection network J = ξᵀ(ξξᵀ)⁺ξ), with a warning.
    beta : float, default=2.0
        Inverse temperature; the generative performance of [1]_ peaks near
        β = 2 (Fig. 2 of [1]_).
    n_iter : int, default=0
        Epochs of CD training after the mapping (0: the Hopfield RBM itself).
    learning_rate : float, default=1e-4
        Step η of the CD update W += η(⟨sλ̂ᵀ⟩_data − ⟨sλ̂ᵀ⟩_model), averaged
        over a batch, as in :class:`GaussianRBM` ([1]_ trains with
        η = 1e-4).
    batch_size : int, default=100
        Number of samples per gradient update ([1]_ uses batches of 100).
    cd_steps : int, default=20
        Gibbs steps k of CD-k ([1]_ uses CD-20).
    persistent : bool, default=False
        Persistent chains (PCD [3]_) instead of chains restarted at the data.
    n_chains : int or None, default=None
        Number of persistent chains (PCD), started at random training
        samples; None runs as many as the first batch, started at it.
        Ignored without ``persistent``.
    fit_intercept : bool, default=False
        Train the biases during CD (the mapping itself has b = c = 0, and
        [1]_ holds them there).
    binarize : float or None, default=0.0
        Threshold mapping X to spins (``+1`` where ``X > binarize``, else
        ``−1``); ``None`` requires ±1 input.
    n_ais_chains : int, default=100
        AIS chains used by :meth:`score` when ln Z is not exact (more than
        two hidden units and ``n_features > exact_max_features``). They start
        from the base rate of the training data; without biases (the
        default) from its even mixture with its mirror image (see
        :meth:`log_partition`).
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
    dtype : {"float32", "float64"} or None, default=None
        Floating type of training, sampling and the fitted parameters;
        ``None`` follows the input (float64 for integer input), which keeps
        the projection weights of the mapping in the input's precision.
        ``"float32"`` runs CD training about twice as fast as float64.
        Scores, ln Z and the pseudo-likelihood are computed in float64
        either way, and :meth:`transform` returns the dtype of its input.
    backend : {"numpy", "torch"}, default="numpy"
        Array library that runs training, sampling and scoring.
    device : str or None, default=None
        Torch device (``"cpu"``, ``"cuda"``, ``"cuda:1"``…); ``None`` is the
        CPU. A missing GPU warns and falls back to the CPU.
    random_state : int, RandomState instance or None, default=None
        Seeds the batch order and all sampling (the Gibbs chains of CD
        training and of :meth:`sample`, AIS); the mapping itself is
        deterministic.
    verbose : int, default=0
        Print the pseudo-log-likelihood after each epoch of CD training.

    Attributes
    ----------
    patterns_ : ndarray of shape (n_components, n_features)
        The patterns the weights were built from (before orthogonalization).
    pattern_labels_ : ndarray of shape (n_components,)
        The class of each pattern (its cluster index when ``y`` is None).
    classes_ : ndarray of shape (n_classes,) or None
        The classes seen in ``fit`` (None without ``y``).
    components_ : ndarray of shape (n_components, n_features)
        Wᵀ: orthonormal rows spanning the patterns (before training);
        n_components is the number of patterns (their rank in the degenerate
        case).
    intercept_visible_ : ndarray of shape (n_features,)
        b (zero unless ``fit_intercept`` and CD training change it).
    intercept_hidden_ : ndarray of shape (n_components,)
        c (zero unless ``fit_intercept`` and CD training change it).
    ais_base_bias_ : ndarray of shape (n_features,)
        Visible bias of independent units with the (smoothed) marginals of
        the data of the first ``fit`` / ``partial_fit``: the start of the
        AIS estimate of ln Z.
    n_iter_ : int
        Epochs of CD trained (``partial_fit`` adds one per call).
    training_history_ : list of dict
        Per epoch: ``epoch``, ``seconds``, ``pseudo_log_likelihood``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during :meth:`fit`, defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    skhopfield.GaussianRBM : The same RBM with random initial weights.
    skhopfield.mapping.hopfield_to_rbm : The map for a given Hopfield memory.

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
    .. [4] J. H. Ward, "Hierarchical grouping to optimize an objective
       function", Journal of the American Statistical Association 58(301),
       236–244, 1963.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skhopfield import ProjectionHopfieldRBM
    >>> X, y = load_digits(return_X_y=True)
    >>> rbm = ProjectionHopfieldRBM(binarize=4.0).fit(X, y)
    >>> rbm.components_.shape                     # one hidden unit per digit
    (10, 64)
    >>> rbm.transform(X[:2]).shape
    (2, 10)
    """

    _parameter_constraints = {
        **{
            k: v
            for k, v in GaussianRBM._parameter_constraints.items()
            if k not in ("n_components", "init")
        },
        "n_subpatterns": [Interval(Integral, 1, None, closed="left")],
        "pattern_rule": [StrOptions({"majority", "mean"})],
        "orthogonalization": [StrOptions({"qr", "svd", "sqrt"})],
    }

    def __init__(
        self,
        n_subpatterns=1,
        *,
        pattern_rule="majority",
        orthogonalization="qr",
        beta=2.0,
        n_iter=0,
        learning_rate=1e-4,
        batch_size=100,
        cd_steps=20,
        persistent=False,
        n_chains=None,
        fit_intercept=False,
        binarize=0.0,
        n_ais_chains=100,
        n_ais_betas=1000,
        exact_max_features=20,
        n_jobs=None,
        dtype=None,
        backend="numpy",
        device=None,
        random_state=None,
        verbose=0,
    ):
        self.n_subpatterns = n_subpatterns
        self.pattern_rule = pattern_rule
        self.orthogonalization = orthogonalization
        self.beta = beta
        self.n_iter = n_iter
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.cd_steps = cd_steps
        self.persistent = persistent
        self.n_chains = n_chains
        self.fit_intercept = fit_intercept
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

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Build the patterns and weights from X (and y), then train ``n_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data, mapped to ±1 by ``binarize``.
        y : array-like of shape (n_samples,), default=None
            Class labels: one group of k sub-patterns per class. None: k
            clusters of the whole data.

        Returns
        -------
        self : ProjectionHopfieldRBM
            The fitted estimator.
        """
        return self._fit(X, y, reset=True, n_epochs=self.n_iter)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, classes=None):
        """Build the model from the first batch, then train one epoch per call.

        The first call maps the patterns of that batch to weights, as
        :meth:`fit` does; every call then runs one epoch of CD (which uses X
        only). As in scikit-learn's incremental classifiers, a labelled first
        call names all the classes, and later labels must come from them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data of this batch, mapped to ±1 by ``binarize``. Its number of
            features must match the first call's.
        y : array-like of shape (n_samples,), default=None
            Class labels. On the first call they define the patterns, so the
            first batch must hold samples of every class in ``classes``;
            later they are only checked against ``classes_``.
        classes : array-like of shape (n_classes,), default=None
            All the classes, as scikit-learn's incremental classifiers take
            them on the first call; None there means the classes of the
            first batch. If given later, it must equal ``classes_``.

        Returns
        -------
        self : ProjectionHopfieldRBM
            The fitted estimator.

        Raises
        ------
        ValueError
            If the first batch lacks a class of ``classes`` or holds one that
            is not in it, or if a later y holds a class not in ``classes_``.
        """
        first = not hasattr(self, "components_")
        if not first:
            # skipped by _fit_context on a fitted estimator (see BaseRBM)
            self._validate_params()
        if classes is not None:
            classes = np.unique(column_or_1d(classes))
        if first:
            if y is not None:
                seen = np.unique(self._check_targets(X, y))
                if classes is None:
                    # the first batch builds the patterns, so it must hold
                    # every class anyway: its classes are all the classes
                    classes = seen
                missing = np.setdiff1d(classes, seen)
                extra = np.setdiff1d(seen, classes)
                if extra.size:
                    raise ValueError(
                        f"y holds classes {extra.tolist()} that are not in "
                        f"classes={classes.tolist()}."
                    )
                if missing.size:
                    raise ValueError(
                        f"The first batch has no sample of the classes "
                        f"{missing.tolist()}: their patterns are built from it, "
                        "so it must hold every class of `classes`."
                    )
        else:
            known = self.classes_
            if classes is not None and (
                known is None or not np.array_equal(classes, known)
            ):
                raise ValueError(
                    f"classes={classes.tolist()} differs from the classes of the "
                    f"first call, {None if known is None else known.tolist()}."
                )
            if y is not None:
                if known is None:
                    raise ValueError(
                        "This model was built without y (its patterns are "
                        "clusters, not classes); call partial_fit without y."
                    )
                unseen = np.setdiff1d(np.unique(self._check_targets(X, y)), known)
                if unseen.size:
                    raise ValueError(
                        f"y holds classes {unseen.tolist()} not seen in the first "
                        f"call (classes_ = {known.tolist()}); the patterns "
                        "cannot grow after it. Refit with all the classes."
                    )
        return self._fit(X, y, reset=first, n_epochs=1)

    @staticmethod
    def _check_targets(X, y):
        """y as a 1-d array of class labels of X's length (NaN and
        continuous targets raise ``ValueError``)."""
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        if y.dtype.kind in "fc":
            # before type_of_target, which casts NaN with a RuntimeWarning;
            # its first test sums y, which warns on +inf and −inf together
            with np.errstate(invalid="ignore", over="ignore"):
                assert_all_finite(y, input_name="y")
        check_classification_targets(y)
        return y

    def _init_parameters(self, S, y, engine, dtype):
        if y is not None:
            y = self._check_targets(S, y)
        patterns, labels = class_patterns(
            S, y, n_subpatterns=self.n_subpatterns, pattern_rule=self.pattern_rule
        )
        W = orthogonalize(patterns, method=self.orthogonalization, degenerate="span")
        n_hidden = W.shape[1]
        return {
            "W": engine.asarray(np.array(W, dtype=dtype), dtype=dtype),
            "b": engine.zeros(S.shape[1], dtype),
            "c": engine.zeros(n_hidden, dtype),
            # carried to _set_attributes (not trained)
            "patterns": patterns,
            "labels": labels,
            "classes": None if y is None else np.unique(y),
        }

    def _set_attributes(self, params, engine):
        super()._set_attributes(params, engine)
        if "patterns" in params:
            self.patterns_ = params["patterns"]
            self.pattern_labels_ = params["labels"]
            self.classes_ = params["classes"]
