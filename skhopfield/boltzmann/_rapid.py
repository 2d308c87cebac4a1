"""RAPIDRBM: ±1 RBM with Regularized Axons, trained via Pattern-InDuced correlations."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from .._validation import Integral, Interval, Real, StrOptions
from ..energy._xp import _namespace
from ..energy.layers import Spin, _independent_bias
from ..energy.rbm import RBM, Patterns
from ._base import EXACT_MAX_CONSTRAINT, BaseRBM

#: ``learning_rate="auto"``: the first epoch's step over m₀ (the mean size
#: of the initial gradient), per epoch under "sign" binarization ...
_AUTO_EPOCH_STEP = 1.25
#: ... and per update under the binarizations applied after every update.
_AUTO_UPDATE_STEP = 0.1
#: At most this many training samples estimate m₀.
_AUTO_MAX_SAMPLES = 1000


def _sign(x):
    """±1 signs, with +1 for 0 (a pattern entry must be a spin)."""
    return _namespace(x).astype(x >= 0, x.dtype) * 2.0 - 1.0


class RAPIDRBM(BaseRBM):
    """±1 RBM whose weights are built from K trainable patterns (RAPID).

    Pozas-Kerstjens et al. (2021) [1]_ (Regularized Axons, Eq. 5): the
    weights are W = ξ_vᵀ ξ_h / √K, with K patterns ξ⁽ᵏ⁾ = (ξ_v⁽ᵏ⁾, ξ_h⁽ᵏ⁾) of
    ``n_features + n_components`` spins as the trainable parameters. With
    K ≪ V + H the model is out of the spin-glass phase: its low-energy
    states are near the patterns (for K = 1 the ground states are exactly
    ±ξ, the Mattis model), so the negative phase of the log-likelihood
    gradient can be read off the patterns instead of sampled (Pattern-InDuced
    correlations, PID, Eq. 6). The gradient with respect to the patterns is
    Eq. A7; after an update the patterns are brought back to spins, or
    bounded (App. B). Fields are computed from the patterns, ``(v ξ_vᵀ) ξ_h /
    √K``, in ``O(K (V + H))`` per sample, so ``W`` is never formed in
    training (App. D).

    The model is a :class:`SpinRBM` (the same energy, conditionals, free
    energy, scores and sampling); only the parameterization and the
    training differ.

    Parameters
    ----------
    n_patterns : int, default=10
        Number of patterns K.
    n_components : int, default=256
        Number of hidden units H (choose it so that K ≪ V + H).
    learning_rate : float or "auto", default="auto"
        Step η of ξ += η ∂⟨ln p(v)⟩/∂ξ (Eq. A7, the gradient averaged over a
        batch), taken by every update. ``"auto"`` chooses η once, when the
        model is initialized, relative to the pattern scale ``|ξ| = 1`` and to
        the size of the gradient, so that the patterns move on any data
        (see Notes); the value is kept by later :meth:`partial_fit` calls
        and stored in ``learning_rate_``.
    learning_rate_decay : float, default=1.0
        The step of epoch e is ``learning_rate_ * learning_rate_decay**(e-1)``.
    batch_size : int, default=100
        Samples per update (at most the number of samples: a training set
        as small as the 10 images of the 4×4 Bars is one batch per epoch).
        Under ``"sign"`` binarization with ``learning_rate="auto"`` the step
        of a whole epoch does not depend on it (see Notes).
    n_iter : int, default=10
        Epochs of training.
    negative_phase : {"pid", "pid_gibbs"}, default="pid"
        ``"pid"``: the model average is the average over the K binarized
        visible patterns sign(ξ_v⁽ᵏ⁾) (Eq. 6, with the hidden layer summed
        out as in Eq. A5). ``"pid_gibbs"``: over the states reached by
        ``cd_steps`` block-Gibbs steps from them (Sec. V.B, MNIST).
    cd_steps : int, default=1
        Gibbs steps of ``"pid_gibbs"``.
    pattern_binarization : {"sign", "clip", "gibbs"} or None, default="sign"
        How the patterns are brought back after updates (App. B):
        ``"sign"``: ξ ← sign(ξ) after every epoch (B1; the Bars and BAS
        experiments); ``"clip"``: ξ ← clip(ξ, −clip_value, clip_value) after
        every update (MNIST); ``"gibbs"``: after every update, ξ_v ~ p(v | ξ_h)
        then ξ_h ~ p(h | ξ_v) (B2), seeded at the continuous patterns;
        ``None``: the patterns stay continuous and unbounded.
    clip_value : float, default=1.0
        Bound x of ``"clip"`` ([1]_ uses x = 1).
    fit_intercept : bool, default=False
        Train the biases b and c as well (b starts at ``arctanh`` of the data
        means). The RAPID of [1]_ has none (``False``).
    binarize : float or None, default=0.0
        Threshold mapping X to spins; ``None`` requires ±1 input.
    n_ais_chains : int, default=100
        AIS chains used by :meth:`score` when ln Z is not exact. They start
        from the even mixture of the base rate of the training data and its
        mirror image, as the model without biases is symmetric under the
        flip of every unit (see :meth:`log_partition`).
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
        Seeds the random ±1 initial patterns (Algorithm 1), the batch order
        and any sampling.
    verbose : int, default=0
        Print the pseudo-log-likelihood after each epoch.

    Attributes
    ----------
    patterns_visible_ : ndarray of shape (n_patterns, n_features)
        ξ_v, the visible parts of the patterns.
    patterns_hidden_ : ndarray of shape (n_patterns, n_components)
        ξ_h, the hidden parts.
    components_ : ndarray of shape (n_components, n_features)
        Wᵀ = ξ_hᵀ ξ_v / √K.
    intercept_visible_ : ndarray of shape (n_features,)
        b (zero unless ``fit_intercept``).
    intercept_hidden_ : ndarray of shape (n_components,)
        c (zero unless ``fit_intercept``).
    learning_rate_ : float
        The step η of the updates of the first epoch (before
        ``learning_rate_decay``): ``learning_rate`` itself when it is a
        number, the step chosen at initialization with ``"auto"``.
        ``RAPIDRBM(learning_rate=rbm.learning_rate_, ...)`` trains the same
        way.
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
    SpinRBM : The standard ±1 RBM (CD-k, PCD, exact gradient).

    Notes
    -----
    **Step size.** With ``pattern_binarization="sign"`` (the binarization
    of Algorithm 1, used for the Bars and Bars-and-Stripes experiments of
    [1]_) the patterns are reset to ξ ← sign(ξ) after
    every epoch (App. B.1). Only the sum of the epoch's updates therefore
    matters, and only where it flips a sign: an entry ξ = ±1 changes when
    that sum opposes it by more than 1. The gradient of Eq. A7 has no fixed
    scale, though: its visible part sums H terms, its hidden part V terms,
    each weighted by data correlations, so one fixed η is too small to flip
    anything on one data set and far too large on another (App. B warns of
    both failures and names the remedy: a learning rate "large enough so as
    to permit an appropriate size of the cumulants"). ``"auto"`` sets the
    step relative to the pattern scale instead: at initialization it
    measures m₀, the mean absolute entry of the gradient at the initial
    patterns (on at most 1000 training samples, with the binarized visible
    patterns as the negative phase), in the visible or hidden part, whichever
    is larger. Under ``"sign"`` the step of a whole epoch is 1.25 / m₀: over
    the first epoch an entry flips when its gradient opposes it and is at
    least 0.8 m₀, so the typical entry can move and small correlations cannot
    flip it; each of the epoch's updates takes its share,
    ``learning_rate_ = 1.25 / m₀ * min(batch_size, n_samples) / n_samples``,
    so that the epoch's step does not depend on the batch size. The factor
    1.25 is the middle of the range, about 1 to 1.5, in which the 4×4 Bars
    is learned (mean test distance below 0.1 over 20 seeds); m₀ carries it
    to other shapes and data (on 12×12 Bars and Stripes it gives, within a
    factor of two, the per-epoch step found best there by hand). The
    binarizations applied after every update (``"clip"``, ``"gibbs"``, and
    None) keep small steps instead of erasing them; there each update moves
    a typical entry by a tenth of the pattern scale,
    ``learning_rate_ = 0.1 / m₀``. The gradient's direction is Eq. A7's in
    both cases; only its length is set.

    On the paper's 4×4 Bars (``make_bars(4)``, K = 8, H = 1000) the
    defaults reach a test Hamming distance (App. C) below 0.1 within 20
    epochs: ``"auto"`` gives a step of about 0.03 there, close to the one
    tuned by hand for that benchmark, and no learning-rate decay is needed
    (the default ``learning_rate_decay=1.0`` keeps the step constant, so
    that longer trainings, such as the 12×12 Bars and Stripes, do not
    freeze). The other defaults follow the paper's Bars and Bars-and-Stripes
    runs: ``"sign"`` binarization and the pure PID negative phase. For
    complex data (MNIST) the paper switches to
    ``pattern_binarization="clip"`` with ``negative_phase="pid_gibbs"``
    (Sec. V.B): pure PID overfits there.

    A :class:`~sklearn.exceptions.ConvergenceWarning` is emitted, once per
    call of :meth:`fit` or :meth:`partial_fit`, when training has left the
    patterns exactly at their random initialization (under ``"sign"``:
    steps too small to flip any sign), with the remedy.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.

    Examples
    --------
    >>> from skhopfield import RAPIDRBM
    >>> from skhopfield.datasets import make_bars
    >>> X_train, X_test = make_bars(4)
    >>> rbm = RAPIDRBM(n_patterns=8, n_components=100, n_iter=5,
    ...                random_state=0).fit(X_train)
    >>> rbm.patterns_visible_.shape, rbm.components_.shape
    ((8, 16), (100, 16))
    """

    _parameter_constraints = {
        **BaseRBM._parameter_constraints,
        "n_patterns": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "learning_rate_decay": [Interval(Real, 0, 1, closed="right")],
        "negative_phase": [StrOptions({"pid", "pid_gibbs"})],
        "cd_steps": [Interval(Integral, 1, None, closed="left")],
        "pattern_binarization": [StrOptions({"sign", "clip", "gibbs"}), None],
        "clip_value": [Interval(Real, 0, None, closed="neither")],
        "exact_max_units": EXACT_MAX_CONSTRAINT,
    }

    def __init__(
        self,
        n_patterns=10,
        n_components=256,
        *,
        learning_rate="auto",
        learning_rate_decay=1.0,
        batch_size=100,
        n_iter=10,
        negative_phase="pid",
        cd_steps=1,
        pattern_binarization="sign",
        clip_value=1.0,
        fit_intercept=False,
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
        self.n_patterns = n_patterns
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.negative_phase = negative_phase
        self.cd_steps = cd_steps
        self.pattern_binarization = pattern_binarization
        self.clip_value = clip_value
        self.fit_intercept = fit_intercept
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

    # -- the model: a ±1 RBM with weights from the patterns -----------------------
    def _model(self, params):
        weights = Patterns(params["xi_v"], params["xi_h"])
        return RBM(Spin(params["b"]), Spin(params["c"]), weights)

    def _exact_max(self):
        return self.exact_max_units

    def _persistent_chains(self):
        return False

    # -- parameters <-> fitted attributes ------------------------------------
    def _params_from_attributes(self, engine, dtype):
        return {
            "xi_v": engine.asarray(self.patterns_visible_, dtype=dtype),
            "xi_h": engine.asarray(self.patterns_hidden_, dtype=dtype),
            "b": engine.asarray(self.intercept_visible_, dtype=dtype),
            "c": engine.asarray(self.intercept_hidden_, dtype=dtype),
        }

    def _set_attributes(self, params, engine):
        xi_v = engine.to_numpy(params["xi_v"]).copy()
        xi_h = engine.to_numpy(params["xi_h"]).copy()
        self.patterns_visible_ = xi_v
        self.patterns_hidden_ = xi_h
        self.components_ = np.ascontiguousarray(Patterns(xi_v, xi_h).dense().T)
        self.intercept_visible_ = engine.to_numpy(params["b"]).copy()
        self.intercept_hidden_ = engine.to_numpy(params["c"]).copy()

    # -- training ------------------------------------------------------------
    def _init_parameters(self, S, y, engine, dtype):
        n_features = S.shape[1]
        K, H = self.n_patterns, self.n_components
        # Algorithm 1: random ±1 patterns
        xi_v = _sign(engine.uniform((K, n_features), dtype) - 0.5)
        xi_h = _sign(engine.uniform((K, H), dtype) - 0.5)
        b = (
            _independent_bias(S.mean(0), low=-1.0, eps=1e-2)
            if self.fit_intercept
            else np.zeros(n_features)
        )
        initial = (engine.to_numpy(xi_v).copy(), engine.to_numpy(xi_h).copy())
        if isinstance(self.learning_rate, str):  # "auto"
            self.learning_rate_ = self._auto_learning_rate(S, *initial)
        else:
            self.learning_rate_ = float(self.learning_rate)
        self._initial_patterns = initial  # read (and dropped) by _fit
        return {
            "xi_v": xi_v,
            "xi_h": xi_h,
            "b": engine.asarray(b, dtype=dtype),
            "c": engine.zeros(H, dtype),
        }

    def _auto_learning_rate(self, S, xi_v, xi_h):
        """Step of ``learning_rate="auto"`` for the data S (NumPy ±1) and the
        initial patterns (see Notes of the class)."""
        n_samples = S.shape[0]
        rows = check_random_state(0).permutation(n_samples)[:_AUTO_MAX_SAMPLES]
        V = S[np.sort(rows)].astype(np.float64)
        xi_v, xi_h = xi_v.astype(np.float64), xi_h.astype(np.float64)
        params = {
            "xi_v": xi_v,
            "xi_h": xi_h,
            "b": np.zeros(xi_v.shape[1]),
            "c": np.zeros(xi_h.shape[1]),
        }
        V_neg = _sign(xi_v)  # pure PID: no sampling, the RNG is not touched
        with np.errstate(all="ignore"):
            grads = self._model(params).gradient(V, V_neg)
            grad_v, grad_h = grads["xi_v"], grads["xi_h"]
            m0 = max(np.abs(grad_v).mean(), np.abs(grad_h).mean())
        if not (np.isfinite(m0) and m0 > 0):
            m0 = 1.0  # no gradient to measure: steps of the pattern scale
        # a Python float: a NumPy float64 step would promote the update of
        # float32 parameters to float64
        m0 = float(m0)
        if self.pattern_binarization == "sign":
            return _AUTO_EPOCH_STEP / m0 * min(self.batch_size, n_samples) / n_samples
        return _AUTO_UPDATE_STEP / m0

    def _epoch_learning_rate(self, epoch):
        if not isinstance(self.learning_rate, str):
            # a number set (or changed by set_params) is used as it is
            self.learning_rate_ = float(self.learning_rate)
        return self.learning_rate_ * self.learning_rate_decay ** (epoch - 1)

    def _fit(self, X, y=None, *, reset, n_epochs):
        # super()._fit leaves self unchanged on error; nothing is set before it
        start = None if reset else (self.patterns_visible_, self.patterns_hidden_)
        moved_before = not reset and getattr(self, "_patterns_moved", True)
        super()._fit(X, y, reset=reset, n_epochs=n_epochs)
        if start is None:
            start = self._initial_patterns
            del self._initial_patterns
        moved = not (
            np.array_equal(start[0], self.patterns_visible_)
            and np.array_equal(start[1], self.patterns_hidden_)
        )
        self._patterns_moved = moved_before or moved
        if n_epochs and not self._patterns_moved:
            self._warn_unchanged()
        return self

    def _warn_unchanged(self):
        lr = f"learning_rate_={self.learning_rate_:.3g}"
        if self.pattern_binarization == "sign":
            cause = (
                "under pattern_binarization='sign' the patterns are reset to "
                "their signs after every epoch, and the steps "
                f"({lr} per update) were too small to flip any sign"
            )
        else:
            cause = f"the updates ({lr}) left them unchanged"
        auto = (
            ""
            if isinstance(self.learning_rate, str)
            else " (learning_rate='auto' sets it from the gradient's size)"
        )
        warnings.warn(
            f"{type(self).__name__} changed no pattern in {self.n_iter_} "
            f"epoch(s) of training: {cause}, so the model is still its "
            f"random initialization. Use a larger learning_rate{auto}, or "
            "pattern_binarization='clip' or None, under which small steps "
            "add up.",
            ConvergenceWarning,
            stacklevel=5,  # the caller of fit or partial_fit
        )

    def _negative_phase(self, S, params, engine, model, inputs):
        """Visible states of the negative phase: the binarized visible
        patterns (PID, Eq. 6), after ``cd_steps`` Gibbs steps for
        ``"pid_gibbs"``."""
        V_neg = _sign(params["xi_v"])
        if self.negative_phase == "pid_gibbs":
            V_neg, _ = model.gibbs(V_neg, engine, self.cd_steps)
        return V_neg

    def _end_batch(self, params, engine):
        mode = self.pattern_binarization
        if mode == "clip":
            x = float(self.clip_value)
            for key in ("xi_v", "xi_h"):
                params[key] = _namespace(params[key]).clip(params[key], -x, x)
        elif mode == "gibbs":
            # App. B.3 (Eq. B2): one Gibbs step seeded at the continuous
            # patterns, with the weights they define
            model = self._model(params)
            xi_v = model.sample_v(params["xi_h"], engine)
            params["xi_h"] = model.sample_h(xi_v, engine)
            params["xi_v"] = xi_v

    def _end_epoch(self, params, engine):
        if self.pattern_binarization == "sign":
            params["xi_v"] = _sign(params["xi_v"])
            params["xi_h"] = _sign(params["xi_h"])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
