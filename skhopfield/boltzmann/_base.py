"""The training loop shared by every RBM of the suite.

:class:`BaseRBM` is a template: it validates input, builds the engine, runs
epochs of shuffled mini-batches, keeps persistent chains, samples and scores.
A concrete RBM is a configuration: its ``_model(params)`` hook returns the
:class:`skhopfield.energy.rbm.RBM` (two unit layers, weights, β) of a dict
of engine arrays, and the mathematics — conditionals, Gibbs sampling, free
energy, exact and AIS ln Z, likelihood gradients — is the RBM's. The other
hooks:

- ``_init_parameters(S, y, engine, dtype)`` → the dict of engine arrays
  (``"W"`` (n_features, n_components), ``"b"``, ``"c"``, or RAPID's
  patterns) from the training data ``S`` (NumPy) and its targets ``y``;
- ``_negative_phase(S, params, engine, model, inputs)`` → visible states of
  the negative phase (default: CD-k from the data, or persistent chains);
- optional: ``_params_from_attributes`` / ``_set_attributes`` (the fitted
  attributes of other parameterizations), ``_end_batch`` / ``_end_epoch``
  (run after every update / epoch), ``_use_exact_gradient``.

The update is the difference of data and model statistics (Smart & Zilman
(2021), Eq. 15 and App. E.1), averaged over the batch::

    W += η (⟨s λ̂ᵀ⟩_data − ⟨s λ̂ᵀ⟩_negative),
    b += η (⟨s⟩_data − ⟨s⟩_negative),       c += η (⟨λ̂⟩_data − ⟨λ̂⟩_negative)

with λ̂ = E[λ | s] (the Rao–Blackwellized form of the CD estimate s⁽ᵏ⁾λ⁽ᵏ⁾
of Smart & Zilman (2021), App. E.1: same expectation, lower variance). There
is no extra β factor in the update: the exact log-likelihood gradient (their
Eq. E.3) carries a factor β, which their Eq. 15 absorbs into η, and so does
this update, so the step of Smart & Zilman (η = 1e-4) carries over. The
step of epoch ``e`` is ``learning_rate · learning_rate_decay^(e−1)`` for
estimators that have a ``learning_rate_decay``. CD-k is Hinton's (2002)
contrastive divergence, PCD Tieleman's (2008) persistent variant.

References
----------
M. Smart and A. Zilman, "On the mapping between Hopfield networks and
Restricted Boltzmann Machines", International Conference on Learning
Representations (ICLR), 2021.

G. E. Hinton, "Training products of experts by minimizing contrastive
divergence", Neural Computation 14(8), 1771–1800, 2002.

T. Tieleman, "Training restricted Boltzmann machines using approximations to
the likelihood gradient", Proceedings of the 25th International Conference on
Machine Learning (ICML), 1064–1071, 2008.
"""

import time

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils.validation import check_is_fitted

from .._backend import get_engine
from .._parallel import blas_threads_for
from .._validation import (
    BINARIZE_CONSTRAINT,
    ENGINE_CONSTRAINTS,
    Integral,
    Interval,
    Real,
    StrOptions,
    _fit_context,
    unchanged_on_error,
    validate_method_params,
    validate_units,
)
from ..energy._ais import (
    AISEstimate,
    LogPartitionBounds,
    warn_if_bounds_apart,
    warn_if_few_chains,
)
from ..energy._xp import _max_abs
from ..energy.layers import MAX_EXACT_UNITS
from ..energy.rbm import MAX_QUADRATURE_UNITS

__all__ = ["BaseRBM", "MAX_PARAMETER"]

#: Largest magnitude a trained parameter may reach before training counts as
#: diverged (``fit`` / ``partial_fit`` raise ``ValueError``). Far beyond any
#: useful model: a ±1 unit whose field exceeds about 20 is already
#: deterministic in float64.
MAX_PARAMETER = 1e4

_N_STEPS = [Interval(Integral, 0, None, closed="left")]
_POSITIVE = [Interval(Integral, 1, None, closed="left")]

#: Constraints of the estimators trained by CD-k / PCD chains.
CHAIN_CONSTRAINTS = {
    "cd_steps": _POSITIVE,
    "persistent": ["boolean"],
    "n_chains": [Interval(Integral, 1, None, closed="left"), None],
}

#: Constraint of the exact-sum caps (``exact_max_features``, ``exact_max_units``).
EXACT_MAX_CONSTRAINT = [Interval(Integral, 0, MAX_EXACT_UNITS, closed="both")]

# the trained parameters (keys of the params dict) and their names in messages
_PARAMETER_NAMES = {
    "W": "weights",
    "b": "visible biases",
    "c": "hidden biases",
    "xi_v": "visible patterns",
    "xi_h": "hidden patterns",
}


class BaseRBM(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Template of the suite's RBMs (not an estimator on its own)."""

    _parameter_constraints = {
        "n_components": _POSITIVE,
        "learning_rate": [Interval(Real, 0, None, closed="left")],
        "batch_size": _POSITIVE,
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "binarize": BINARIZE_CONSTRAINT,
        "n_ais_chains": [Interval(Integral, 2, None, closed="left")],
        "n_ais_betas": [Interval(Integral, 2, None, closed="left")],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
        "dtype": [StrOptions({"float32", "float64"}), None],
        **ENGINE_CONSTRAINTS,
    }

    #: AIS coupling schedule of the model (see ``energy._ais.ais_schedule``)
    _ais_schedule = "linear"
    #: the low value of a visible unit (−1: ±1 spins; BinaryRBM's 0: bits)
    _low = -1.0

    # -- hooks ---------------------------------------------------------------
    def _model(self, params):  # pragma: no cover - abstract
        """The :class:`~skhopfield.energy.rbm.RBM` of the arrays ``params``."""
        raise NotImplementedError

    def _init_parameters(self, S, y, engine, dtype):  # pragma: no cover
        raise NotImplementedError

    def _exact_max(self):  # pragma: no cover - abstract
        """Largest enumerated layer for which ln Z is summed exactly."""
        raise NotImplementedError

    def _persistent_chains(self):
        """Whether the negative phase runs persistent chains (PCD)."""
        return self.persistent

    def _use_exact_gradient(self):
        """Whether the negative phase is the exact model average."""
        return False

    def _negative_phase(self, S, params, engine, model, inputs):
        """Visible states of the negative phase: CD-k or PCD chains.

        CD-k restarts k-step chains at the batch (``inputs`` is ``Wᵀs`` of
        the batch, which the first step reuses). PCD keeps one set of chains
        through all updates and epochs: ``n_chains`` data rows drawn at the
        start, or the first batch when ``n_chains`` is None.
        """
        if self._persistent_chains():
            chains = S if self._chains is None else self._chains
            self._chains, _ = model.gibbs(chains, engine, self.cd_steps)
            return self._chains
        V, _ = model.gibbs(S, engine, self.cd_steps, inputs=inputs)
        return V

    def _init_chains(self, S, engine):
        """Start states of the persistent chains (NumPy): ``n_chains`` random
        rows of the data, or None to start them at the first batch."""
        if self.n_chains is None:
            return None
        rows = engine.np_rng.randint(0, S.shape[0], size=self.n_chains)
        return S[rows]

    def _check_exact_gradient(self, n_features):
        """Raise ``ValueError`` if ``exact_gradient=True`` would enumerate a
        layer of more than ``exact_max_units`` units."""
        n_small = min(n_features, self.n_components)
        if n_small > self.exact_max_units:
            raise ValueError(
                "exact_gradient=True enumerates the smaller layer, which has "
                f"{n_small} units here; that is more than exact_max_units="
                f"{self.exact_max_units}. Use CD-k or PCD instead."
            )

    def _initial_weights(self, n_features, scale, engine, dtype):
        """The initial W of ``init``: ``"random"`` draws N(0, scale²)
        entries; an array of shape (n_features, n_components) is copied."""
        init = self.init
        if isinstance(init, str):
            return scale * engine.normal((n_features, self.n_components), dtype)
        init = np.asarray(init, dtype=np.float64)
        expected = (n_features, self.n_components)
        if init.shape != expected:
            raise ValueError(
                f"init has shape {init.shape}; expected (n_features, "
                f"n_components) = {expected}."
            )
        if not np.isfinite(init).all():
            raise ValueError("init contains NaN or infinity.")
        return engine.copy(engine.asarray(init, dtype=dtype))

    # -- parameters <-> fitted attributes ------------------------------------
    def _params_from_attributes(self, engine, dtype):
        return {
            "W": engine.asarray(self.components_.T, dtype=dtype),
            "b": engine.asarray(self.intercept_visible_, dtype=dtype),
            "c": engine.asarray(self.intercept_hidden_, dtype=dtype),
        }

    def _set_attributes(self, params, engine):
        self.components_ = np.ascontiguousarray(engine.to_numpy(params["W"]).T)
        self.intercept_visible_ = engine.to_numpy(params["b"]).copy()
        self.intercept_hidden_ = engine.to_numpy(params["c"]).copy()

    def _eval_params(self, dtype=None):
        """Fitted parameters as NumPy arrays (scoring runs in NumPy)."""
        return self._params_from_attributes(
            get_engine("numpy"), dtype or self.components_.dtype
        )

    @property
    def rbm_(self):
        """The fitted model as an :class:`skhopfield.energy.rbm.RBM` (read-only).

        Built from the fitted attributes (NumPy, float64) on every access, so
        changing it does not change the estimator: its layers, weights and β
        give the energy, conditionals, free energy, Gibbs sampling, exact and
        AIS ln Z of the fitted model.
        """
        check_is_fitted(self)
        return self._model(
            {
                key: np.array(value, dtype=np.float64)
                for key, value in self._eval_params().items()
            }
        )

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    # -- training --------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the RBM on X for ``n_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, mapped to ±1 by ``binarize``.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, reset=True, n_epochs=self.n_iter)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train for one epoch on X, starting from the current parameters.

        The first call initializes the model as :meth:`fit` does.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data of this epoch, mapped to ±1 by ``binarize``. Its
            number of features must match the first call's.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        first = not hasattr(self, "components_")
        if not first:
            # scikit-learn's _fit_context skips it on a fitted estimator;
            # set_params may have set a value _fit would crash on
            self._validate_params()
        return self._fit(X, y, reset=first, n_epochs=1)

    @unchanged_on_error
    def _fit(self, X, y=None, *, reset, n_epochs):
        # training runs in the estimator's dtype (None: the input's): the two
        # unit values are exact in float32 too, which halves the products' time
        S = self._validate_visible(X, reset=reset, dtype=self.dtype)
        dtype = S.dtype
        if reset or not hasattr(self, "_random_state"):
            # one stream for the whole training, continued by partial_fit
            random_state = check_random_state(self.random_state)
        else:
            random_state = self._random_state
        engine = get_engine(self.backend, self.device, random_state)
        if reset:
            params = self._init_parameters(S, y, engine, dtype)
            model = self._model(params)
            base_rate = model.visible.bias_for_data(S, model.beta)
            self._chains = None
            history = []
            epoch0 = 0
        else:
            # copies: the fitted attributes stay untouched until the end
            params = {
                key: engine.copy(value)
                for key, value in self._params_from_attributes(engine, dtype).items()
            }
            history = list(self.training_history_)
            epoch0 = self.n_iter_
        self._random_state = random_state
        batch_size = min(self.batch_size, S.shape[0])
        S_dev = engine.asarray(S, dtype=dtype)
        if self._chains is None and self._persistent_chains():
            self._chains = self._init_chains(S, engine)
        if self._chains is not None:
            self._chains = engine.copy(engine.asarray(self._chains, dtype=dtype))
        self._log_partition_cache = {}
        shape = self._model(params).weights.shape
        with blas_threads_for(batch_size, *shape, active=not engine.is_torch):
            history = self._epochs(
                S_dev, params, engine, history, epoch0, n_epochs, batch_size
            )
        self._set_attributes(params, engine)
        if reset:
            self.ais_base_bias_ = base_rate
        if self._chains is not None:
            self._chains = engine.to_numpy(self._chains)
        self.n_iter_ = epoch0 + n_epochs
        self.training_history_ = history
        return self

    def _epochs(self, S_dev, params, engine, history, epoch0, n_epochs, batch_size):
        """Run the epochs ``epoch0 + 1 … epoch0 + n_epochs`` on ``params``
        (in place) and return the training history with their records."""
        n_samples = S_dev.shape[0]
        n_batches = -(-n_samples // batch_size)
        order_rng = engine.np_rng
        for epoch in range(epoch0 + 1, epoch0 + n_epochs + 1):
            t0 = time.perf_counter()
            order = order_rng.permutation(n_samples)
            self._learning_rate_now = self._epoch_learning_rate(epoch)
            # overflow on the way to a diverged parameter is reported by
            # _check_divergence, not as numpy warnings
            with np.errstate(over="ignore", invalid="ignore"):
                bound = None  # of max |W|, from the steps (an exact check resets it)
                for i, batch in enumerate(gen_batches(n_samples, batch_size)):
                    step = self._update(
                        S_dev[engine.asarray(order[batch])], params, engine
                    )
                    self._end_batch(params, engine)
                    bound = None if bound is None or step is None else bound + step
                    bound = self._check_divergence(
                        params, epoch, i + 1, n_batches, weight_bound=bound
                    )
                self._end_epoch(params, engine)
                self._check_divergence(params, epoch, n_batches, n_batches)
            record = {"epoch": epoch, "seconds": time.perf_counter() - t0}
            record["pseudo_log_likelihood"] = self._pseudo_log_likelihood(
                S_dev, params, engine
            )
            history.append(record)
            if self.verbose:
                print(
                    f"[{type(self).__name__}] epoch {epoch}, pseudo-likelihood "
                    f"= {record['pseudo_log_likelihood']:.4f}, time = "
                    f"{record['seconds']:.2f}s"
                )
        return history

    def _check_divergence(self, params, epoch, batch, n_batches, weight_bound=None):
        """Raise ``ValueError`` if a trained parameter is not finite or
        exceeds :data:`MAX_PARAMETER` in magnitude (training diverged).

        ``weight_bound``, an upper bound of ``max |W|`` (the last exact
        value plus the bounds of the steps since), spares the pass over the
        weights while it is within the bound. Returns the bound to carry on
        with: ``max |W|`` where it was computed, else ``weight_bound``.
        """
        for key, value in params.items():
            if key not in _PARAMETER_NAMES:
                continue
            if (
                key == "W"
                and weight_bound is not None
                and weight_bound <= MAX_PARAMETER
            ):
                continue  # (a NaN bound is not <= and gets the exact check)
            size = _max_abs(value)
            if key == "W":
                weight_bound = size
            if size <= MAX_PARAMETER:
                continue
            what = (
                "non-finite values"
                if not np.isfinite(size)
                else f"magnitude {size:.3g}, beyond the bound {MAX_PARAMETER:g} "
                "(at that size every conditional probability is 0 or 1)"
            )
            lr = self._step()
            raise ValueError(
                f"{type(self).__name__} training diverged in epoch {epoch} "
                f"(batch {batch} of {n_batches}): the {_PARAMETER_NAMES[key]} "
                f"reached {what}. The step ({lr:g} in that epoch) is too large "
                "for this data: lower learning_rate, by a factor 10 or more. "
                "The estimator was left unchanged."
            )
        return weight_bound

    def _update(self, S, params, engine):
        """One step along the likelihood gradient of the batch ``S``: the
        model's :meth:`~skhopfield.energy.rbm.RBM.gradient` against the
        negative phase, or its exact gradient. Returns an upper bound of the
        largest entry of the weights' step where the model gives one, else
        None."""
        model = self._model(params)
        inputs = model.inputs_h(S)
        lr = self._step()
        step = None
        if self._use_exact_gradient():
            grads = model.exact_gradient(S, scale=lr, inputs_pos=inputs)
        else:
            S_neg = self._negative_phase(S, params, engine, model, inputs)
            # dense weights take their step inside the product
            grads = model.gradient(S, S_neg, scale=lr, inputs_pos=inputs, add=True)
            if isinstance(grads.get("W"), float):
                step = grads.pop("W")
        self._apply(params, grads)
        return step

    def _apply(self, params, grads):
        """``params += grads`` in place; the biases only with ``fit_intercept``."""
        for key, step in grads.items():
            if key in ("b", "c") and not self.fit_intercept:
                continue
            params[key] += step

    def _epoch_learning_rate(self, epoch):
        """Step size of ``epoch`` (1-based)."""
        return self.learning_rate

    def _step(self):
        """The step of the current epoch (set by ``_fit``; the first
        epoch's outside of it)."""
        step = self.__dict__.get("_learning_rate_now")
        return self._epoch_learning_rate(1) if step is None else step

    def _end_batch(self, params, engine):
        """Hook run after every update (RAPID clips its patterns here)."""

    def _end_epoch(self, params, engine):
        """Hook run after every epoch (RAPID binarizes its patterns here)."""

    def _pseudo_log_likelihood(self, S, params, engine, max_samples=1000):
        """Mean stochastic pseudo-log-likelihood, N · ln σ(ln p*(s) − ln p*(s̃)).

        One random unit per sample is flipped (as in
        :class:`sklearn.neural_network.BernoulliRBM`); at most
        ``max_samples`` samples are used.
        """
        rng = check_random_state(0)
        n, n_features = S.shape
        rows = rng.permutation(n)[:max_samples]
        cols = rng.randint(0, n_features, size=rows.size)
        # in float64 NumPy, on few samples once per epoch: ln p* of float32
        # training can overflow (a huge beta) where float64 does not
        sub = np.asarray(
            engine.to_numpy(S[engine.asarray(rows)]),
            dtype=np.float64,
        )
        model = self._model(
            {
                key: np.asarray(engine.to_numpy(value), dtype=np.float64)
                for key, value in params.items()
                if key in _PARAMETER_NAMES
            }
        )
        # flip one unit: x -> low + high - x (−x for ±1, 1 − x for {0, 1})
        flipped = sub.copy()
        at = (np.arange(rows.size), cols)
        flipped[at] = (model.visible.low + 1.0) - flipped[at]
        # ln σ(x) = −softplus(−x), computed stably; a NaN (ln p* beyond even
        # float64's range) is recorded as it is
        with np.errstate(over="ignore", invalid="ignore"):
            delta = model.log_unnormalized(sub) - model.log_unnormalized(flipped)
            return float(n_features * np.mean(-np.logaddexp(0.0, -delta)))

    # -- inference --------------------------------------------------------------
    def transform(self, X):
        """Hidden conditional means E[λ | s] (deterministic features).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, mapped to ±1 by ``binarize``.

        Returns
        -------
        H : ndarray of shape (n_samples, n_components)
            The mean of each hidden unit given each sample: ``Wᵀs + c`` for
            gaussian hidden units, ``tanh(Wᵀs + c)`` for ±1 hidden units,
            ``σ(Wᵀv + c)`` for {0, 1} hidden units.
        """
        S = self._validate_visible(X, reset=False)
        return self._model(self._eval_params(S.dtype)).mean_h(S)

    def log_partition(self):
        """Return ln Z of the fitted model and its standard error.

        Exact (standard error 0) when the model allows it: by enumeration
        when it is small enough (``n_features`` at most
        ``exact_max_features`` for the gaussian-hidden RBMs; the smaller
        layer at most ``exact_max_units`` for the ±1 and {0, 1} RBMs), by
        quadrature of the continuous representation for at most two
        gaussian hidden units. Else it is estimated by annealed importance
        sampling with the estimator's AIS settings
        (:meth:`skhopfield.energy.rbm.RBM.log_partition_ais`). The chains
        start from independent visible units with the marginals of the
        training data (``ais_base_bias_``, Salakhutdinov & Murray's
        base-rate model), whose bias moves to the model's along the path;
        for a model without biases on ±1 units, which is symmetric under
        the flip of every unit, they start from the even mixture of that
        model and its mirror image, so that they reach both modes of every
        mirror pair (from one side only, ln Z comes out ``ln 2`` too low).
        The AIS seed derives from ``random_state`` (0 when it is not an
        integer), so repeated calls give the same number.

        AIS can miss modes that none of its chains reaches, and its
        standard error cannot show it: :meth:`log_partition_bounds` adds an
        upper bound. A warning says when the effective sample size of the
        weights is below a tenth of ``n_ais_chains`` (once per fitted model).

        Returns
        -------
        estimate : AISEstimate
            The pair ``(log_Z, std_error)``: the natural logarithm of the
            partition function Z (the normalizer of p(s) = p*(s) / Z) at the
            estimator's ``beta``, and its standard error (0.0 when exact,
            else the delta-method error of the AIS estimate, which is biased
            low by about ``std_error² / 2``); ``estimate.ess`` is the
            effective sample size of the AIS weights (None when exact).
        """
        model = self.rbm_
        key = self._log_partition_key(model)
        # memo of this pure function of the fitted model, created by fit
        cache = getattr(self, "_log_partition_cache", None)
        if cache is not None and key in cache:
            result = cache[key]
        else:
            result = self._log_partition(model)
            if cache is not None:
                cache.clear()
                cache[key] = result
            # once per fitted model (later calls hit the memo)
            warn_if_few_chains(result, "n_ais_betas", stacklevel=2)
        return result

    def log_partition_bounds(self, X=None, n_burn=None):
        """Return stochastic lower and upper bounds of ln Z.

        Forward AIS and reverse annealing (Burda, Grosse & Salakhutdinov,
        2015): the lower bound is the estimate of :meth:`log_partition` (the same
        chains). The upper bound runs the same path backwards from samples
        of the model: from the rows of ``X`` after ``n_burn`` Gibbs sweeps
        when given (training data puts a chain in every mode the data
        has), else from the forward chains' final states resampled by
        their weights (which share the forward chains' blind spots). It is
        an upper bound in expectation as far as those starts are samples of
        the model; ``bounds.burn_in_z`` is the drift of their mean ``ln
        p*(v)`` over the second half of the sweeps, in standard errors (near
        0 at equilibrium), and ``bounds.start_z`` compares their final mean
        with the forward chains' weighted estimate of its expectation. Either
        beyond 3 standard errors warns, and so does a gap ``upper − lower``
        of more than a nat. Exact models return
        their exact ln Z twice.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None, default=None
            Start states of the reverse chains (mapped by ``binarize``), at
            least 2; e.g. the training data.
        n_burn : int or None, default=None
            Gibbs sweeps of the model before the reverse run; None takes
            ``n_ais_betas``.

        Returns
        -------
        bounds : LogPartitionBounds
            ``(lower, upper)`` in nats, with ``bounds.forward`` and
            ``bounds.reverse`` (each an
            :class:`~skhopfield.energy.AISEstimate`: standard error and
            effective sample size) and ``bounds.burn_in_z``.

        References
        ----------
        .. [1] Y. Burda, R. B. Grosse and R. Salakhutdinov, "Accurate and
           conservative estimates of MRF log-likelihood using reverse
           annealing", Proceedings of the 18th International Conference on
           Artificial Intelligence and Statistics (AISTATS), 102–110, 2015.
        """
        init = None if X is None else self._validate_visible(X, reset=False)
        estimate = self.log_partition()  # memoized
        if estimate.method == "exact":
            return LogPartitionBounds(estimate, estimate)
        # the forward run is log_partition's own (with its chains' final
        # states, unless the estimate was unpickled: then it runs again)
        bounds = self.rbm_.log_partition_bounds(
            init=init, n_burn=n_burn, forward=estimate, **self._ais_kwargs()
        )
        warn_if_bounds_apart(bounds, stacklevel=2)
        return bounds

    def _log_partition_key(self, model):
        base = self._ais_base_bias()
        return (
            tuple(a.tobytes() for a in self._eval_params(np.float64).values()),
            model.beta,
            self.n_ais_chains,
            self.n_ais_betas,
            self._exact_max(),
            self._ais_seed(),
            None if base is None else base.tobytes(),
        )

    def _log_partition_exact(self, model):
        """The exact ln Z of ``model`` as an AISEstimate when its smaller
        discrete layer has at most ``_exact_max()`` units (enumeration) or
        its gaussian layer at most two (quadrature), else None."""
        sizes = [
            layer.n_units for layer in (model.visible, model.hidden) if layer.discrete
        ]
        if min(sizes) <= self._exact_max():
            return AISEstimate(model.log_partition_exact(), 0.0)
        gaussian = [
            layer.n_units
            for layer in (model.visible, model.hidden)
            if not layer.discrete
        ]
        if gaussian and gaussian[0] <= MAX_QUADRATURE_UNITS:
            return AISEstimate(model.log_partition_quadrature(), 0.0)
        return None

    def _ais_kwargs(self):
        return dict(
            n_chains=self.n_ais_chains,
            n_betas=self.n_ais_betas,
            random_state=self._ais_seed(),
            schedule=self._ais_schedule,
            n_jobs=self.n_jobs,
            base_bias=self._ais_base_bias(),
        )

    def _log_partition(self, model):
        """(ln Z, standard error) of ``model``, as an AISEstimate: exact
        when :meth:`_log_partition_exact` allows it, else AIS."""
        exact = self._log_partition_exact(model)
        if exact is not None:
            return exact
        return model.log_partition_ais(**self._ais_kwargs())

    def _ais_base_bias(self):
        """The start of AIS: ``ais_base_bias_``, or None (the model's own
        visible bias) for a model assembled from its attributes by hand."""
        return self.__dict__.get("ais_base_bias_")

    def _validate_visible(self, X, *, reset, dtype=None):
        """Validate X and map it to the visible units' values (``{_low, 1}``),
        in the floating ``dtype`` (None: the input's)."""
        return validate_units(self, X, reset=reset, low=self._low, dtype=dtype)

    def _ais_seed(self):
        rs = self.random_state
        return int(rs) if isinstance(rs, (int, np.integer)) else 0

    def score_samples(self, X):
        """Log-likelihood ln p(s) of each sample (higher is better).

        ln Z comes from :meth:`log_partition` (exact for small models, AIS
        otherwise). The estimator is not changed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, mapped to ±1 by ``binarize``.

        Returns
        -------
        log_p : ndarray of shape (n_samples,)
            Natural log-probability ln p(s) = ln p*(s) − ln Z of each sample,
            in float64 (nats).
        """
        S = self._validate_visible(X, reset=False)
        log_Z, _ = self.log_partition()
        return self.rbm_.log_unnormalized(S.astype(np.float64)) - log_Z

    def score(self, X, y=None):
        """Mean log-likelihood of the samples of X (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, mapped to ±1 by ``binarize``.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean of :meth:`score_samples` over the samples of X, in nats
            per sample.
        """
        return float(np.mean(self.score_samples(X)))

    def gibbs(self, X, n_steps=1, random_state=None):
        """Visible states after ``n_steps`` block-Gibbs steps from X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Start states (mapped to ±1 by ``binarize``).
        n_steps : int, default=1
            Number of full block-Gibbs steps s → h → s (0 returns the start
            states).
        random_state : int, RandomState instance or None, default=None
            Seed of the chains (``None``: a fresh stream).

        Returns
        -------
        S : ndarray of shape (n_samples, n_features), ±1
            The visible states after the last step, one chain per row of X,
            in the floating dtype of the input.
        """
        validate_method_params(
            {"n_steps": _N_STEPS, "random_state": ["random_state"]},
            {"n_steps": n_steps, "random_state": random_state},
            "gibbs",
        )
        S = self._validate_visible(X, reset=False)
        return self._run_chains(S, n_steps, random_state)

    def sample(self, n_samples=1, n_steps=1000, init=None, random_state=None):
        """Draw samples by block-Gibbs chains.

        Parameters
        ----------
        n_samples : int, default=1
            Number of independent chains (ignored when ``init`` is given).
        n_steps : int, default=1000
            Gibbs steps per chain.
        init : array-like of shape (n_chains, n_features), default=None
            Start states (e.g. data images, as Smart & Zilman (2021) [1]_,
            Fig. 4c, start from an image of the desired class); ``None``
            draws uniform random ±1 states.
        random_state : int, RandomState instance or None, default=None
            Seeds the random start states and the chains (``None``: a fresh
            stream).

        Returns
        -------
        S : ndarray of shape (n_chains, n_features), ±1
            The final visible state of each chain (``n_chains`` is
            ``n_samples``, or the number of rows of ``init``).

        References
        ----------
        .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
           and Restricted Boltzmann Machines", International Conference on
           Learning Representations (ICLR), 2021.
        """
        validate_method_params(
            {
                "n_samples": [Interval(Integral, 1, None, closed="left")],
                "n_steps": _N_STEPS,
                "init": ["array-like", None],
                "random_state": ["random_state"],
            },
            {
                "n_samples": n_samples,
                "n_steps": n_steps,
                "init": init,
                "random_state": random_state,
            },
            "sample",
        )
        check_is_fitted(self)
        rng = check_random_state(random_state)
        if init is None:
            low = self.rbm_.visible.low
            S = rng.choice([low, 1.0], size=(int(n_samples), self.n_features_in_))
        else:
            S = self._validate_visible(init, reset=False)
        return self._run_chains(S, n_steps, rng)

    def _run_chains(self, S, n_steps, random_state):
        engine = get_engine(self.backend, self.device, random_state)
        if int(n_steps) == 0:
            return S
        # the chains run in the dtype of the fitted parameters (the training
        # dtype); their two unit values are exact in either dtype
        dtype = self.components_.dtype
        model = self._model(self._params_from_attributes(engine, dtype))
        shape = model.weights.shape
        with blas_threads_for(S.shape[0], *shape, active=not engine.is_torch):
            out, _ = model.gibbs(engine.asarray(S, dtype=dtype), engine, int(n_steps))
        return engine.to_numpy(out).astype(S.dtype, copy=False)

    def __getstate__(self):
        state = super().__getstate__()
        chains = state.get("_chains")
        if chains is not None and not isinstance(chains, np.ndarray):
            state["_chains"] = np.asarray(chains.detach().cpu().numpy())
        return state
