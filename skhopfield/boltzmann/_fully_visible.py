"""BoltzmannMachine: the fully visible pairwise Boltzmann machine."""

import time
import warnings

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils.validation import check_is_fitted

from .._validation import (
    BINARIZE_CONSTRAINT,
    Integral,
    Interval,
    Real,
    StrOptions,
    _fit_context,
    unchanged_on_error,
    user_stacklevel,
    validate_method_params,
    validate_units,
)
from ..energy._ais import (
    AISEstimate,
    LogPartitionBounds,
    warn_if_bounds_apart,
    warn_if_few_chains,
)
from ..energy.ising import _data_moments, _gibbs_sweeps, _ising
from ..energy.layers import MAX_EXACT_UNITS, _independent_bias

__all__ = ["BoltzmannMachine", "MAX_PARAMETER"]

#: Largest magnitude a coupling or field may reach before training counts as
#: diverged (``fit`` raises ``ValueError``): far beyond any useful model, a
#: unit whose field exceeds about 20 is already deterministic in float64.
MAX_PARAMETER = 1e4


class BoltzmannMachine(DensityMixin, BaseEstimator):
    """Fully visible Boltzmann machine (a pairwise Ising model).

    Trained by maximum likelihood: exactly, by pseudo-likelihood or by
    persistent Gibbs chains.

    The model has no hidden units: N visible units ``s`` (±1 or {0, 1}),
    symmetric couplings ``J`` with a zero diagonal and fields ``b``,

        p(s) = exp(½ sᵀJs + bᵀs) / Z,   Z = Σ_s exp(½ sᵀJs + bᵀs),

    the Gibbs distribution of the Hopfield energy E(s) = −½ sᵀJs − bᵀs at
    β = 1 (Campagne (2025) [2]_, Eqs. 56–58; Ackley, Hinton & Sejnowski
    (1985) [1]_). A unit is on given the others with the probability
    σ(2 h_i) (±1 units) or σ(h_i) ({0, 1} units), ``h = Js + b``. The
    gradient of the mean log-likelihood is ⟨s_i s_j⟩_data − ⟨s_i s_j⟩_model
    for the couplings and ⟨s_i⟩_data − ⟨s_i⟩_model for the fields
    (Eqs. 64–68 of [2]_); ``method`` chooses how the model averages are
    obtained. See the user guide page "The fully visible Boltzmann machine".

    Parameters
    ----------
    method : {"auto", "exact", "pcd", "pseudo_likelihood"}, default="auto"
        ``"exact"``: the model averages and ln Z summed over all ``2**N``
        states, the exact maximum-likelihood estimate by L-BFGS (needs
        ``n_features <= exact_max_features``). ``"pseudo_likelihood"``:
        Besag's pseudo-likelihood [3]_, the product of the single-unit
        conditionals, maximized by L-BFGS; no ln Z, no sampling,
        consistent, the fast choice for large N. ``"pcd"``: stochastic
        gradient ascent on the likelihood with the model averages from
        persistent Gibbs chains (Tieleman 2008 [5]_). ``"auto"``:
        ``"exact"`` when ``n_features <= exact_max_features``, else
        ``"pseudo_likelihood"``.
    units : {"spin", "binary"}, default="spin"
        ±1 units or {0, 1} units. The couplings of the two encodings of the
        same distribution differ (see :meth:`~skhopfield.energy.ising.Ising.to_spin`).
    alpha : float, default=1e-4
        L2 penalty ``½ alpha (Σ_{i<j} J_ij² + Σ_i b_i²)`` subtracted from the
        mean log-likelihood (or pseudo-log-likelihood). It keeps the
        estimate finite when the maximum-likelihood one is not (a constant
        feature, two features always equal); 0 gives the plain estimate.
    n_iter : int, default=100
        ``"exact"`` and ``"pseudo_likelihood"``: most L-BFGS iterations
        (each stops earlier when the gradient is below ``tol``). ``"pcd"``:
        epochs, passes over the data in batches of ``batch_size``.
    tol : float, default=1e-6
        L-BFGS stops when every component of the gradient of the penalized
        objective is at most ``tol`` (for {0, 1} units, the gradient with
        respect to the couplings and fields of the equivalent ±1 model, in
        which L-BFGS runs).
    learning_rate : float, default=0.05
        ``"pcd"``: initial step of the updates ``J += η(⟨ssᵀ⟩_batch −
        ⟨ssᵀ⟩_chains − alpha J)``; it decays linearly to 0 over the
        ``n_iter`` epochs, as Tieleman [5]_ does.
    batch_size : int, default=100
        ``"pcd"``: samples per update.
    n_chains : int, default=100
        ``"pcd"``: number of persistent chains (started at training samples
        drawn with replacement).
    gibbs_sweeps : int, default=1
        ``"pcd"``: Gibbs sweeps of the chains per update.
    binarize : float or None, default=0.0
        Threshold mapping X to the units: entries ``> binarize`` are on (+1
        or 1), the others off (−1 or 0), so ±1, {0, 1} and real data all
        work. ``None`` means X must already hold the unit values (±1 for
        ``units="spin"``, {0, 1} for ``"binary"``); anything else raises
        ``ValueError``.
    n_ais_chains : int, default=100
        AIS chains of :meth:`log_partition` when ln Z is not exact. They start
        from independent units with the model's fields (uniform, and so
        symmetric as the model, without fields).
    n_ais_betas : int, default=1000
        AIS intermediate distributions.
    exact_max_features : int, default=16
        Largest ``n_features`` for which ln Z and the model averages are
        summed exactly (``2**n_features`` states; at most 24): the limit of
        ``method="exact"`` and of exact :meth:`score_samples`.
    random_state : int, RandomState instance or None, default=None
        Seeds the chains of ``"pcd"`` and the AIS estimate of ln Z (an
        integer seed makes :meth:`score` reproducible; otherwise AIS uses
        the seed 0).
    verbose : int, default=0
        Print the progress of training.

    Attributes
    ----------
    couplings_ : ndarray of shape (n_features, n_features)
        The couplings J: symmetric, zero diagonal.
    intercept_ : ndarray of shape (n_features,)
        The fields b.
    method_ : str
        The method used (``"auto"`` resolved).
    n_iter_ : int
        L-BFGS iterations or PCD epochs run.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    skhopfield.SpinRBM : A ±1 RBM: hidden units add higher-order interactions.
    skhopfield.HopfieldMemory : The same energy as an associative memory
        (:meth:`to_hopfield`).

    Notes
    -----
    **Which method.** The likelihood of this exponential family is concave
    in ``(J, b)``, and so is the pseudo-likelihood: L-BFGS finds their
    unique maxima. ``"exact"`` is the maximum-likelihood estimate itself;
    each iteration costs ``2**N · N²``, so it is for N up to about 20.
    ``"pseudo_likelihood"`` costs ``n_samples · N²`` per iteration and is
    consistent, close to the maximum likelihood when the data are many.
    ``"pcd"`` follows the likelihood gradient for any N, at the price of
    Monte-Carlo noise (more ``n_chains``, more ``n_iter``).

    **Scores.** :meth:`score_samples` is the true log-likelihood ln p(s):
    ln Z is exact for ``n_features <= exact_max_features`` and an AIS
    estimate (Neal 2001 [4]_) otherwise.

    References
    ----------
    .. [1] D. H. Ackley, G. E. Hinton and T. J. Sejnowski, "A learning
       algorithm for Boltzmann machines", Cognitive Science 9(1), 147–169,
       1985.
    .. [2] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
       Boltzmann machines", 2025.
    .. [3] J. Besag, "Statistical analysis of non-lattice data", The
       Statistician 24(3), 179–195, 1975.
    .. [4] R. M. Neal, "Annealed importance sampling", Statistics and
       Computing 11(2), 125–139, 2001.
    .. [5] T. Tieleman, "Training restricted Boltzmann machines using
       approximations to the likelihood gradient", Proceedings of the 25th
       International Conference on Machine Learning (ICML), 1064–1071, 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import BoltzmannMachine
    >>> rng = np.random.RandomState(0)
    >>> a = rng.choice([-1.0, 1.0], size=(1000, 1))
    >>> flip = rng.choice([1.0, -1.0], p=[0.9, 0.1], size=(1000, 1))
    >>> X = np.hstack([a, a * flip])             # unit 1 copies unit 0, 90%
    >>> bm = BoltzmannMachine(method="exact").fit(X)
    >>> bm.couplings_.round(2)                   # arctanh(mean s0 s1)
    array([[0.  , 1.01],
           [1.01, 0.  ]])
    >>> np.exp(bm.score_samples([[1, 1], [1, -1]])).round(3)
    array([0.451, 0.053])
    """

    _parameter_constraints = {
        "method": [StrOptions({"auto", "exact", "pcd", "pseudo_likelihood"})],
        "units": [StrOptions({"spin", "binary"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_chains": [Interval(Integral, 1, None, closed="left")],
        "gibbs_sweeps": [Interval(Integral, 1, None, closed="left")],
        "binarize": BINARIZE_CONSTRAINT,
        "n_ais_chains": [Interval(Integral, 2, None, closed="left")],
        "n_ais_betas": [Interval(Integral, 2, None, closed="left")],
        "exact_max_features": [Interval(Integral, 0, MAX_EXACT_UNITS, closed="both")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        method="auto",
        *,
        units="spin",
        alpha=1e-4,
        n_iter=100,
        tol=1e-6,
        learning_rate=0.05,
        batch_size=100,
        n_chains=100,
        gibbs_sweeps=1,
        binarize=0.0,
        n_ais_chains=100,
        n_ais_betas=1000,
        exact_max_features=16,
        random_state=None,
        verbose=0,
    ):
        self.method = method
        self.units = units
        self.alpha = alpha
        self.n_iter = n_iter
        self.tol = tol
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_chains = n_chains
        self.gibbs_sweeps = gibbs_sweeps
        self.binarize = binarize
        self.n_ais_chains = n_ais_chains
        self.n_ais_betas = n_ais_betas
        self.exact_max_features = exact_max_features
        self.random_state = random_state
        self.verbose = verbose

    # -- data ------------------------------------------------------------------
    @property
    def _low(self):
        return -1.0 if self.units == "spin" else 0.0

    def _validate_units(self, X, *, reset):
        """Validate X and map it to the unit values, float64."""
        S = validate_units(self, X, reset=reset, low=self._low)
        return S.astype(np.float64, copy=False)

    # -- fitting ---------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    @unchanged_on_error
    def fit(self, X, y=None):
        """Fit the couplings and fields to the rows of X by maximum likelihood.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples, mapped to the units by ``binarize``.
        y : None
            Ignored.

        Returns
        -------
        self : BoltzmannMachine
            The fitted model.

        Raises
        ------
        ValueError
            If ``method="exact"`` and ``n_features > exact_max_features``,
            or if PCD training diverges (the estimator is then unchanged).

        Warns
        -----
        ConvergenceWarning
            When L-BFGS stops at ``n_iter`` iterations before reaching
            ``tol``.
        """
        S = self._validate_units(X, reset=True)
        n_features = S.shape[1]
        method = self.method
        if method == "auto":
            method = (
                "exact"
                if n_features <= self.exact_max_features
                else ("pseudo_likelihood")
            )
        if method == "exact" and n_features > self.exact_max_features:
            raise ValueError(
                f"method='exact' sums over 2**n_features states and is limited "
                f"to n_features <= exact_max_features={self.exact_max_features}; "
                f"X has {n_features} features. Use method='pseudo_likelihood' or "
                f"'pcd', or raise exact_max_features (at most {MAX_EXACT_UNITS})."
            )
        rng = check_random_state(self.random_state)
        t0 = time.perf_counter()
        J, b = self._init_parameters(S)
        if method == "pcd":
            J, b, n_iter = self._fit_pcd(S, J, b, rng)
        else:
            J, b, n_iter = self._fit_lbfgs(S, J, b, method)
        self._check_divergence(J, b, method)
        self.couplings_ = J
        self.intercept_ = b
        self.method_ = method
        self.n_iter_ = n_iter
        self._log_partition_cache = {}
        if self.verbose:
            print(
                f"[BoltzmannMachine] method={method}: {n_iter} iterations in "
                f"{time.perf_counter() - t0:.2f}s"
            )
        return self

    def _init_parameters(self, S):
        """J = 0 and the fields of independent units with the data means."""
        n_features = S.shape[1]
        b = _independent_bias(S.mean(0), low=self._low, eps=1e-3)
        return np.zeros((n_features, n_features)), b

    def _fit_lbfgs(self, S, J, b, method):
        n = S.shape[1]
        iu = np.triu_indices(n, 1)
        m = iu[0].size
        alpha = float(self.alpha)
        if method == "exact":
            data_mean, data_second = _data_moments(S)

            def objective(J, b):
                model = _ising(J, b, self.units)
                return model._exact_objective(data_mean, data_second)

        else:

            def objective(J, b):
                return _ising(J, b, self.units)._pseudo(S, grad=True)

        # {0, 1} units are optimized in the coordinates of the equivalent ±1
        # model (J_s = J/4, b_s = b/2 + J1/4), where L-BFGS converges about
        # twice as fast; the objective and its penalty stay those of (J, b)
        binary = self.units == "binary"

        def unpack(theta):
            Jt = np.zeros((n, n))
            Jt[iu] = theta[:m]
            Jt = Jt + Jt.T
            if binary:  # J = 4 J_s, b = 2 b_s − 2 J_s 1
                return 4.0 * Jt, 2.0 * theta[m:] - 2.0 * Jt.sum(1)
            return Jt, theta[m:]

        def f(theta):
            Jt, bt = unpack(theta)
            value, gJ, gb = objective(Jt, bt)
            params = np.concatenate([Jt[iu], bt])
            loss = -value + 0.5 * alpha * float(params @ params)
            grad = -np.concatenate([gJ[iu], gb]) + alpha * params
            if binary:  # the chain rule through unpack
                gJb, gbb = grad[:m], grad[m:]
                grad = np.concatenate(
                    [4.0 * gJb - 2.0 * (gbb[iu[0]] + gbb[iu[1]]), 2.0 * gbb]
                )
            return loss, grad

        theta0 = np.concatenate([J[iu], b / 2.0 if binary else b])
        with np.errstate(over="ignore", invalid="ignore"):
            result = minimize(
                f,
                theta0,
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": self.n_iter, "gtol": self.tol, "ftol": 1e-15},
            )
        if result.status == 1:
            warnings.warn(
                f"L-BFGS ({method}) did not reach tol={self.tol} in "
                f"n_iter={self.n_iter} iterations; raise n_iter.",
                ConvergenceWarning,
                stacklevel=user_stacklevel(),
            )
        J, b = unpack(result.x)
        return J, b, int(result.nit)

    def _fit_pcd(self, S, J, b, rng):
        n_samples, n_features = S.shape
        low = self._low
        alpha = float(self.alpha)
        chains = np.asfortranarray(S[rng.randint(0, n_samples, size=self.n_chains)])
        batches = list(gen_batches(n_samples, self.batch_size))
        total = self.n_iter * len(batches)
        step = 0
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(1, self.n_iter + 1):
                t0 = time.perf_counter()
                order = rng.permutation(n_samples)
                for batch in batches:
                    Sb = S[order[batch]]
                    _gibbs_sweeps(chains, J, b, low, self.gibbs_sweeps, rng)
                    lr = self.learning_rate * (1.0 - step / total)
                    step += 1
                    gJ = Sb.T @ Sb / Sb.shape[0] - chains.T @ chains / chains.shape[0]
                    np.fill_diagonal(gJ, 0.0)
                    J = J + lr * (gJ - alpha * J)
                    b = b + lr * (Sb.mean(0) - chains.mean(0) - alpha * b)
                    self._check_divergence(J, b, "pcd", epoch)
                if self.verbose:
                    print(
                        f"[BoltzmannMachine] epoch {epoch}, pseudo-likelihood = "
                        f"{_ising(J, b, self.units)._pseudo(S, grad=False):.4f}, "
                        f"time = {time.perf_counter() - t0:.2f}s"
                    )
        return J, b, self.n_iter

    def _check_divergence(self, J, b, method, epoch=None):
        """Raise ``ValueError`` if a parameter is not finite or exceeds
        :data:`MAX_PARAMETER` (training diverged)."""
        size = max(
            float(np.max(np.abs(J), initial=0.0)), float(np.max(np.abs(b), initial=0.0))
        )
        if size <= MAX_PARAMETER:
            return
        what = (
            "non-finite values"
            if not np.isfinite(size)
            else f"magnitude {size:.3g}, beyond the bound {MAX_PARAMETER:g}"
        )
        where = f" in epoch {epoch}" if epoch is not None else ""
        remedy = (
            "lower learning_rate, by a factor 10 or more"
            if method == "pcd"
            else "raise alpha (the data may make the likelihood unbounded)"
        )
        raise ValueError(
            f"BoltzmannMachine training ({method}) diverged{where}: the "
            f"parameters reached {what}. Remedy: {remedy}. The estimator was "
            "left unchanged."
        )

    @property
    def ising_(self):
        """The fitted model as an :class:`~skhopfield.energy.ising.Ising` (read-only).

        Built from ``couplings_`` and ``intercept_`` on every access, so
        changing it does not change the estimator: it gives the energy,
        conditionals, Gibbs sampling, exact and AIS ln Z and the gradients of
        the fitted model.
        """
        check_is_fitted(self)
        return _ising(self.couplings_, self.intercept_, self.units)

    # -- likelihood ------------------------------------------------------------
    def log_partition(self):
        """Return ln Z of the fitted model and its standard error.

        Exact (standard error 0) by enumeration when ``n_features <=
        exact_max_features``, else estimated by annealed importance sampling
        with ``n_ais_chains`` chains and ``n_ais_betas`` distributions
        (:meth:`~skhopfield.energy.ising.Ising.log_partition_ais`), seeded by
        ``random_state`` (0 when it is not an integer), so repeated calls
        give the same number.

        Without fields the start of AIS is the uniform distribution, as
        symmetric under the flip of every unit as the model, so the chains
        reach both modes of every mirror pair. AIS can still miss modes that
        none of its chains reaches: :meth:`log_partition_bounds` adds an
        upper bound. A warning says when the effective sample size of the
        weights is below a tenth of ``n_ais_chains`` (once per fitted model).

        Returns
        -------
        estimate : AISEstimate
            The pair ``(log_Z, std_error)``: the natural logarithm of Z, the
            normalizer of p(s) = exp(½ sᵀJs + bᵀs) / Z, and 0.0 when exact,
            else the delta-method standard error of the AIS estimate (which
            is biased low by about ``std_error² / 2``); ``estimate.ess`` is
            the effective sample size of the AIS weights (None when exact).
        """
        check_is_fitted(self)
        key = (
            self.couplings_.tobytes(),
            self.intercept_.tobytes(),
            self.units,
            self.exact_max_features,
            *self._ais_kwargs().values(),
        )
        cache = getattr(self, "_log_partition_cache", None)
        if cache is not None and key in cache:
            result = cache[key]
        else:
            model = self.ising_
            if model.units.n_units <= self.exact_max_features:
                result = AISEstimate(model.log_partition_exact(), 0.0)
            else:
                result = model.log_partition_ais(**self._ais_kwargs())
            if cache is not None:
                cache.clear()
                cache[key] = result
            # once per fitted model (later calls hit the memo)
            warn_if_few_chains(result, "n_ais_betas", stacklevel=2)
        return result

    def _ais_kwargs(self):
        seed = self.random_state
        seed = int(seed) if isinstance(seed, (int, np.integer)) else 0
        return dict(
            n_chains=self.n_ais_chains, n_betas=self.n_ais_betas, random_state=seed
        )

    def log_partition_bounds(self, X=None, n_burn=None):
        """Return stochastic lower and upper bounds of ln Z.

        Forward AIS and reverse annealing (Burda, Grosse & Salakhutdinov,
        2015): the lower bound is the estimate of :meth:`log_partition` (the same
        chains); the upper bound runs the same path backwards from samples
        of the model (:meth:`~skhopfield.energy.ising.Ising.log_partition_bounds`):
        from the rows of ``X`` after ``n_burn`` Gibbs sweeps when given
        (training data puts a chain in every mode the data has), else from
        the forward chains' final states resampled by their weights. A gap
        of more than a nat warns. Exact models return their exact ln Z
        twice.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None, default=None
            Start states of the reverse chains (mapped by ``binarize``), at
            least 2; e.g. the training data.
        n_burn : int or None, default=None
            Gibbs sweeps before the reverse run; None takes ``n_ais_betas``.

        Returns
        -------
        bounds : LogPartitionBounds
            ``(lower, upper)`` in nats, with ``bounds.forward``,
            ``bounds.reverse`` and ``bounds.burn_in_z``.

        References
        ----------
        .. [1] Y. Burda, R. B. Grosse and R. Salakhutdinov, "Accurate and
           conservative estimates of MRF log-likelihood using reverse
           annealing", Proceedings of the 18th International Conference on
           Artificial Intelligence and Statistics (AISTATS), 102–110, 2015.
        """
        check_is_fitted(self)
        init = None if X is None else self._validate_units(X, reset=False)
        model = self.ising_
        if model.units.n_units <= self.exact_max_features:
            exact = AISEstimate(model.log_partition_exact(), 0.0)
            return LogPartitionBounds(exact, exact)
        bounds = model.log_partition_bounds(
            init=init, n_burn=n_burn, **self._ais_kwargs()
        )
        warn_if_bounds_apart(bounds, stacklevel=2)
        return bounds

    def score_samples(self, X):
        """Log-likelihood ln p(s) of each sample (higher is better).

        ln Z comes from :meth:`log_partition` (exact for small models, AIS
        otherwise). The estimator is not changed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, mapped to the units by ``binarize``.

        Returns
        -------
        log_p : ndarray of shape (n_samples,)
            ``ln p(s) = ½ sᵀJs + bᵀs − ln Z`` of each sample, float64, in
            nats.
        """
        S = self._validate_units(X, reset=False)
        log_Z, _ = self.log_partition()
        return self.ising_.log_unnormalized(S) - log_Z

    def score(self, X, y=None):
        """Mean log-likelihood of the samples of X (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, mapped to the units by ``binarize``.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean of :meth:`score_samples`, in nats per sample.
        """
        return float(np.mean(self.score_samples(X)))

    # -- sampling --------------------------------------------------------------
    def sample(self, n_samples=1, n_sweeps=1000, *, init=None, random_state=None):
        """Draw samples by Gibbs chains (Glauber dynamics at β = 1).

        Each chain starts from a uniformly random state (or a row of
        ``init``) and runs ``n_sweeps`` sequential sweeps of the single-unit
        conditionals (:meth:`~skhopfield.energy.ising.Ising.gibbs`); the
        chains are independent.

        Parameters
        ----------
        n_samples : int, default=1
            Number of chains (ignored when ``init`` is given).
        n_sweeps : int, default=1000
            Sweeps per chain.
        init : array-like of shape (n_chains, n_features), default=None
            Start states (mapped to the units by ``binarize``); ``None``
            draws uniformly random states.
        random_state : int, RandomState instance or None, default=None
            Seeds the start states and the chains.

        Returns
        -------
        S : ndarray of shape (n_chains, n_features)
            The final state of each chain: ±1 (``units="spin"``) or {0, 1}
            (``units="binary"``) values, float64.
        """
        validate_method_params(
            {
                "n_samples": [Interval(Integral, 1, None, closed="left")],
                "n_sweeps": [Interval(Integral, 0, None, closed="left")],
                "init": ["array-like", None],
                "random_state": ["random_state"],
            },
            {
                "n_samples": n_samples,
                "n_sweeps": n_sweeps,
                "init": init,
                "random_state": random_state,
            },
            "sample",
        )
        check_is_fitted(self)
        rng = check_random_state(random_state)
        low = self._low
        if init is None:
            U = rng.random_sample((int(n_samples), self.n_features_in_))
            S = np.where(U < 0.5, 1.0, low)
        else:
            S = self._validate_units(init, reset=False)
        return self.ising_.gibbs(S, rng, int(n_sweeps))

    # -- the Hopfield network ----------------------------------------------------
    def to_hopfield(self, *, bias_unit="auto", max_iter=1000, random_state=None):
        """The Hopfield memory whose Glauber dynamics at β = 1 sample this model.

        A :class:`~skhopfield.HopfieldMemory` has ±1 units, the energy
        E(s) = −½ sᵀJs and no thresholds; with ``beta=1`` and
        ``update="async"`` it sets a unit to +1 with the probability
        σ(2 h_i), ``h = Js``, which samples exp(−E) / Z. The fields ``b``
        enter through a bias unit, a neuron of fixed activity (Campagne
        (2025) [1]_, §4, after Eq. 59): unit ``N`` is
        coupled to unit ``i`` by ``b_i``, so the memory of ``N + 1`` units
        has ``p(s, s_N) ∝ exp(½ sᵀJs + s_N bᵀs)``. Its states with
        ``s_N = +1`` have exactly this model's distribution, and since
        ``p(s, s_N) = p(−s, −s_N)``, ``s · s_N`` (every state multiplied by
        its bias unit) is an exact sample of it; given ``s_N = +1`` every
        single-unit conditional of the memory is this model's.

        {0, 1} units are mapped to ±1 by ``s = 2v − 1``: the memory holds
        ``J/4`` and the fields ``b/2 + J1/4``
        (:meth:`~skhopfield.energy.ising.Ising.to_spin`), and its
        ±1 state ``s`` stands for ``v = (s + 1)/2``.

        Parameters
        ----------
        bias_unit : {"auto", True, False}, default="auto"
            Append the bias unit: always (``True``), never (``False``, which
            raises ``ValueError`` if a ±1 field is nonzero), or only when a
            field is nonzero (``"auto"``).
        max_iter : int, default=1000
            Sweeps of the memory's stochastic dynamics (its ``max_iter``).
        random_state : int, RandomState instance or None, default=None
            The memory's ``random_state``.

        Returns
        -------
        memory : HopfieldMemory
            A fitted memory with ``beta=1.0``, ``update="async"``,
            ``couplings_`` as above (N or N + 1 units), no stored patterns
            (``patterns_`` has 0 rows, so its ``transform`` has 0 columns)
            and ``binarize`` of this model. Refitting it replaces the
            couplings by those of its learning rule.

        References
        ----------
        .. [1] J.-E. Campagne, "Elements on J. Hopfield networks and G.
           Hinton's Boltzmann machines", 2025.
        """
        validate_method_params(
            {
                "bias_unit": ["boolean", StrOptions({"auto"})],
                "max_iter": [Interval(Integral, 1, None, closed="left")],
                "random_state": ["random_state"],
            },
            {
                "bias_unit": bias_unit,
                "max_iter": max_iter,
                "random_state": random_state,
            },
            "to_hopfield",
        )
        check_is_fitted(self)
        from ..hopfield import HopfieldMemory

        J, b = self.couplings_, self.intercept_
        if self.units == "binary":
            spin, _ = self.ising_.to_spin()
            J, b = spin.couplings, spin.units.bias
        n = J.shape[0]
        add = bool(np.any(b != 0)) if bias_unit == "auto" else bool(bias_unit)
        if not add and np.any(b != 0):
            raise ValueError(
                "This model has nonzero fields, which a HopfieldMemory holds only "
                "through a bias unit; use bias_unit=True or 'auto'."
            )
        if add:
            Jm = np.zeros((n + 1, n + 1))
            Jm[:n, :n] = J
            Jm[:n, n] = b
            Jm[n, :n] = b
        else:
            Jm = J.copy()
        memory = HopfieldMemory(
            update="async",
            beta=1.0,
            max_iter=max_iter,
            binarize=self.binarize,
            random_state=random_state,
        )
        memory.couplings_ = Jm
        memory.patterns_ = np.empty((0, Jm.shape[0]))
        memory.n_iter_ = 1
        memory.n_features_in_ = Jm.shape[0]
        memory._device_couplings = None
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            memory.feature_names_in_ = (
                np.append(names, "bias_unit").astype(object) if add else names.copy()
            )
        return memory
