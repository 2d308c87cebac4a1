"""ModernHopfieldMemory: the modern continuous Hopfield network."""

import math

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted

from .._backend import get_engine
from .._validation import (
    ENGINE_CONSTRAINTS,
    Integral,
    Interval,
    Real,
    StrOptions,
    _fit_context,
    fitted_rows,
    unchanged_on_error,
    validate_data,
)
from ..energy.modern import ModernHopfield, _NonFiniteOverlaps

_FLOATS = (np.float64, np.float32)


def _largest_abs(Q):
    """max |Q| of a numpy array (NaN if Q holds a NaN), 0 when empty,
    without a temporary."""
    if not Q.size:
        return 0.0
    with np.errstate(invalid="ignore"):
        return float(max(Q.max(), -Q.min()))


def _retrieve(Q, model, clamp, max_iter, tol, xp, bound):
    """Run the (clamped) update from the queries Q on one engine.

    ``model`` is the :class:`~skhopfield.energy.modern.ModernHopfield` of
    the patterns (on the engine) and β. ``clamp`` (or None) marks the
    entries kept at their query value; the other entries of Q must be
    finite (the unknown ones are zero at t = 0).
    ``bound`` bounds every overlap |x_iᵀξ| along the way (every state is a
    convex combination of patterns, with clamped query entries).
    Returns the final states and the weights of the last update.
    """
    X = model.patterns
    xi = Q
    W = None
    for t in range(max_iter):
        # on torch, ``bound`` spares the pass that checks the overlaps
        W = model.weights(xi) if xp is np else model._weights(xi, bound)
        new = W @ X
        if clamp is not None:
            new = xp.where(clamp, Q, new)
        if t + 1 < max_iter:
            change = float(xp.abs(new - xi).max()) if new.shape[0] else 0.0
            xi = new
            if change <= tol:
                break
        else:
            xi = new
    return xi, W


class ModernHopfieldMemory(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Modern continuous Hopfield network (attention as associative memory).

    ``fit`` stores the rows of ``X`` (real vectors, not binarized) as P
    patterns x_i; ``predict`` updates each query ξ by
    ξ ← Xᵀ softmax(β X ξ) (Catacchini, Magrini Alunno & Ferracci 2024 [1]_,
    Eq. 3.5; Ramsauer et al. 2021 [2]_, Eq. 3) and returns the retrieved
    states; ``transform`` returns the softmax weights over the stored
    patterns, so the memory can feed a classifier in a
    :class:`~sklearn.pipeline.Pipeline`. One step (``max_iter=1``) is the
    attention of a transformer with the patterns as keys and values.

    The update never raises the energy
    E_β(ξ) = −β⁻¹ ln Σ_i exp(β x_iᵀξ) + ½ξᵀξ + β⁻¹ ln P + ½M² ≥ 0
    (Eq. 3.4 and Prop. 3.2 of [1]_), M = max_i ‖x_i‖, and its fixed points
    are the stationary points of E_β (Thm. 3.1).

    Parameters
    ----------
    beta : float or "auto", default=1.0
        Inverse temperature β > 0. Small β (β m_max² < 1, m_max the largest
        distance of a pattern to the patterns' mean) sends every query to one
        and the same point near the mean of the patterns (Prop. 3.3 of
        [1]_); large β retrieves the stored pattern nearest in overlap.
        ``"auto"`` takes the smallest β for which Prop. 3.4 guarantees that
        every pattern is retrieved from its sphere S_i
        (:meth:`skhopfield.energy.modern.ModernHopfield.retrieval_beta`);
        ``fit`` then raises ``ValueError`` if no β can (a pattern with
        separation Δ_i ≤ 0, e.g. duplicates).
    max_iter : int, default=1
        Most updates per query. 1 is one-step retrieval, as in attention.
    tol : float, default=1e-6
        With ``max_iter > 1`` the updates stop once no entry of any query
        changed by more than ``tol`` times the largest absolute entry of
        the patterns.
    backend : {"numpy", "torch"}, default="numpy"
        Engine that runs the updates; the engines agree to rounding.
    device : str or None, default=None
        Torch device (``"cpu"``, ``"cuda"``, ``"cuda:1"``); a missing GPU
        warns and falls back to the CPU.

    Attributes
    ----------
    patterns_ : ndarray of shape (n_patterns, n_features)
        The stored patterns, in the floating dtype of the training data.
    beta_ : float
        The inverse temperature used: ``beta``, or the value chosen by
        ``beta="auto"`` (1.0 for a single pattern, which every β retrieves).
    separation_ : ndarray of shape (n_patterns,)
        Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j of each pattern (Def. 3.3.2 of
        [1]_); ``inf`` for a single pattern.
    retrieval_guaranteed_ : ndarray of shape (n_patterns,)
        Whether Prop. 3.4 of [1]_ holds for pattern i at ``beta_``:
        Δ_i ≥ 2/(βP) + β⁻¹ ln(2(P − 1)PβM²). Then every query within
        distance 1/(βPM) of x_i is updated into that sphere again.
    n_iter_ : int
        Passes over the data in ``fit``: always 1 (storing the patterns is
        one pass; ``max_iter`` bounds the updates of ``predict``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    HopfieldMemory : The classical binary Hopfield network.

    Notes
    -----
    **Partial queries.** ``predict`` and ``transform`` accept NaN entries
    in X and a boolean ``mask`` (True = known); an entry is unknown when it
    is NaN or its mask is False. A row with no unknown entry is a noisy cue:
    every feature is replaced by the retrieved state. A row with unknown
    entries is a partial cue: the first update computes the overlaps
    x_iᵀξ from the known features only (the unknown ones count as zero),
    the known features keep their query values (they are clamped during
    every update) and the unknown ones are replaced by the retrieved state.
    Clamping never raises the energy either: each clamped update minimizes
    the same convex upper bound as the free one, over the unknown entries
    only. A row with every entry unknown is filled with the mean of the
    patterns.

    **Scores.** ``score_samples`` is −E_β (higher is better): the stored
    patterns and states near them score highest; ``score`` is its mean.

    **Numerics.** The softmax subtracts each row's largest overlap before
    the exponential, and the energy is computed in a form without
    overflow or cancellation, so any β > 0 (e.g. β = 1e3 on 0–255 pixel
    data) gives finite results. Overlaps that overflow the floating dtype
    raise ``ValueError``.

    References
    ----------
    .. [1] M. Catacchini, S. Magrini Alunno and D. Ferracci, "Continuous
       Hopfield Networks", 2024.
    .. [2] H. Ramsauer et al., "Hopfield Networks is All You Need",
       International Conference on Learning Representations (ICLR), 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import ModernHopfieldMemory
    >>> rng = np.random.RandomState(0)
    >>> patterns = rng.normal(size=(5, 100))
    >>> memory = ModernHopfieldMemory(beta="auto").fit(patterns)
    >>> bool(memory.retrieval_guaranteed_.all())
    True
    >>> memory = ModernHopfieldMemory(beta=1.0).fit(patterns)
    >>> probe = patterns[:1] + 0.1 * rng.normal(size=(1, 100))
    >>> bool(np.allclose(memory.predict(probe), patterns[:1]))
    True
    >>> partial = patterns[:1].copy()
    >>> partial[0, 50:] = np.nan                 # half of the features unknown
    >>> bool(np.allclose(memory.predict(partial), patterns[:1]))
    True
    """

    _parameter_constraints = {
        "beta": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "backend": ENGINE_CONSTRAINTS["backend"],
        "device": ENGINE_CONSTRAINTS["device"],
    }

    def __init__(self, beta=1.0, *, max_iter=1, tol=1e-6, backend="numpy", device=None):
        self.beta = beta
        self.max_iter = max_iter
        self.tol = tol
        self.backend = backend
        self.device = device

    @_fit_context(prefer_skip_nested_validation=True)
    @unchanged_on_error
    def fit(self, X, y=None):
        """Store the rows of X as patterns.

        Parameters
        ----------
        X : array-like of shape (n_patterns, n_features)
            Patterns (real values; float32 is kept as float32).
        y : None
            Ignored.

        Returns
        -------
        self : ModernHopfieldMemory
            The fitted memory.

        Raises
        ------
        ValueError
            If the squared norm of a pattern overflows float64, or if
            ``beta="auto"`` and no β satisfies Prop. 3.4 for every pattern.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=True)
        # build the engine first: a bad backend/device fails before any change
        engine = get_engine(self.backend, self.device)
        # the analyses of the pattern set do not depend on β
        pattern_set = ModernHopfield(X)
        sq_norm = pattern_set.max_norm() ** 2
        if not sq_norm < float(np.finfo(X.dtype).max):
            # then no overlap x_iᵀx_j overflows either (Cauchy–Schwarz)
            raise ValueError(
                f"The squared norms of the patterns overflow {X.dtype} "
                f"(largest |x| = {float(np.abs(X).max()):.3g}); rescale the "
                "data."
            )
        delta = pattern_set.separation()
        if self.beta == "auto":
            beta = pattern_set.retrieval_beta()
            if not math.isfinite(beta):
                worst = int(np.argmin(delta))
                raise ValueError(
                    "beta='auto': no inverse temperature guarantees the "
                    "retrieval of every pattern, because pattern "
                    f"{worst} has separation Δ = {delta[worst]:.6g} ≤ 0 (its "
                    "overlap with another pattern is at least its own squared "
                    "norm, e.g. a duplicate). Remove or merge such patterns, "
                    "or pass a float beta."
                )
            if beta == 0.0:  # a single pattern: every β retrieves it
                beta = 1.0
        else:
            beta = float(self.beta)
        self.patterns_ = X.copy()
        self.beta_ = float(beta)
        self.separation_ = delta
        self.retrieval_guaranteed_ = pattern_set.with_beta(beta).retrieval_condition()
        self.n_iter_ = 1
        self._scale = float(np.abs(X).max()) if X.size else 0.0
        self._device_patterns = engine.asarray(X) if engine.is_torch else None
        self._device_key = (self.backend, self.device)
        return self

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_device_patterns", None)
        return state

    @property
    def _n_features_out(self):
        return self.patterns_.shape[0]

    def _patterns_on(self, engine, dtype):
        """The patterns on the engine's device in ``dtype``."""
        cached = getattr(self, "_device_patterns", None)
        if engine.is_torch and cached is not None and cached.device == engine.device:
            return cached.to(engine.torch_dtype(dtype))
        return engine.asarray(self.patterns_, dtype=dtype)

    def _on_engine(self, dtype):
        """``(xp, to_device, to_numpy, patterns)`` for the current engine.

        The numpy engine and the torch device copy made by ``fit`` (when
        ``backend`` and ``device`` are unchanged since) need no
        :class:`~skhopfield._backend.Engine`; building one per call would
        cost about a millisecond, a tenth of a one-step retrieval of 256
        MNIST queries.
        """
        cached = getattr(self, "_device_patterns", None)
        if self.backend == "numpy" and self.device in (None, "cpu"):
            patterns = self.patterns_.astype(dtype, copy=False)
            return np, np.asarray, np.asarray, patterns
        if cached is not None and self._device_key == (self.backend, self.device):
            import torch

            device = cached.device
            tdtype = torch.float32 if dtype == np.float32 else torch.float64

            def to_device(a):
                return torch.from_numpy(np.ascontiguousarray(a)).to(device)

            def to_numpy(t):
                return t.detach().cpu().numpy()

            return torch, to_device, to_numpy, cached.to(tdtype)
        engine = get_engine(self.backend, self.device)
        patterns = self._patterns_on(engine, dtype)
        return engine.xp, engine.asarray, engine.to_numpy, patterns

    def _validate_queries(self, X, mask):
        """Validated queries (NaN allowed), unknown entries set to zero, the
        clamp mask (None when every row is complete) and the largest |entry|
        of the known ones."""
        Q = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            reset=False,
            ensure_all_finite="allow-nan",
        )
        largest = _largest_abs(Q)  # finite or NaN: inf was refused above
        if mask is None and math.isfinite(largest):
            return Q, None, largest
        unknown = np.isnan(Q)
        if mask is not None:
            mask = np.asarray(mask)
            if mask.dtype != np.bool_ or mask.shape != Q.shape:
                raise ValueError(
                    "mask must be a boolean array of the shape of X "
                    f"{Q.shape} (True = known feature); got dtype "
                    f"{mask.dtype} and shape {mask.shape}."
                )
            unknown |= ~mask
        partial = unknown.any(axis=1)
        largest = float(np.abs(np.where(unknown, 0, Q)).max()) if Q.size else 0.0
        if not partial.any():
            return Q, None, largest
        Q = np.where(unknown, Q.dtype.type(0), Q)
        clamp = ~unknown & partial[:, None]
        return Q, clamp, largest

    def _queries_on_engine(self, X, mask):
        """``(xp, to_numpy, patterns, Q, clamp, largest)``: the queries (and
        the clamp mask, or None) on the engine, with the largest |entry| of
        their known features (None when it is not known yet).

        Complete rows in a plain array skip ``validate_data``. On the numpy
        engine their test for NaN and inf is the reduction that finds the
        largest entry; on torch it is the one of the overlaps, made between
        the two products of an update (``largest`` None: see
        :meth:`_retrieve`), since a numpy pass before them lets torch's
        thread pool fall asleep, which costs more than the pass. Any other
        input, or one that fails the test, takes :meth:`_validate_queries`.
        """
        check_is_fitted(self)
        Q = None if mask is not None else fitted_rows(self, X, _FLOATS)
        if Q is not None:
            xp, to_device, to_numpy, patterns = self._on_engine(Q.dtype)
            if xp is not np:
                return xp, to_numpy, patterns, to_device(Q), None, None
            largest = _largest_abs(Q)
            if math.isfinite(largest):
                return xp, to_numpy, patterns, Q, None, largest
        return self._validated_queries_on_engine(X, mask)

    def _validated_queries_on_engine(self, X, mask):
        Q, clamp, largest = self._validate_queries(X, mask)
        xp, to_device, to_numpy, patterns = self._on_engine(Q.dtype)
        if clamp is not None:
            clamp = to_device(clamp)
        return xp, to_numpy, patterns, to_device(Q), clamp, largest

    def _retrieve(self, X, mask):
        queries = self._queries_on_engine(X, mask)
        if queries[-1] is None:
            try:
                return self._retrieve_on_engine(*queries)
            except _NonFiniteOverlaps:
                # unchecked torch queries holding a NaN (unknown features) or
                # an inf, or overflowing overlaps: the validated path decides
                queries = self._validated_queries_on_engine(X, mask)
        try:
            return self._retrieve_on_engine(*queries)
        except _NonFiniteOverlaps as exc:
            raise ValueError(str(exc)) from None

    def _retrieve_on_engine(self, xp, to_numpy, patterns, Q, clamp, largest):
        # |x_iᵀξ| ≤ N max|ξ| max|x| along the updates (float64, may be inf);
        # unknown (None): every update checks its overlaps
        bound = (
            None
            if largest is None
            else Q.shape[1] * max(largest, self._scale) * self._scale
        )
        states, weights = _retrieve(
            Q,
            ModernHopfield(patterns, self.beta_),
            clamp,
            self.max_iter,
            self.tol * self._scale,
            xp,
            bound,
        )
        return to_numpy(states), to_numpy(weights)

    def predict(self, X, mask=None):
        """Retrieved states: the queries after the updates.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Queries (noisy or partial patterns); NaN marks an unknown
            feature.
        mask : array-like of bool of shape (n_samples, n_features), default=None
            True where a feature is known, False where it is unknown (in
            addition to the NaN entries). See Notes of
            :class:`ModernHopfieldMemory` for the rule.

        Returns
        -------
        states : ndarray of shape (n_samples, n_features)
            The retrieved states, in the floating dtype of X (float64 for
            integer X). Rows with unknown features keep their known ones.
        """
        return self._retrieve(X, mask)[0]

    def transform(self, X, mask=None):
        """Softmax weights of the last update over the stored patterns.

        For a complete query the retrieved state is
        ``transform(X) @ patterns_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Queries; NaN marks an unknown feature.
        mask : array-like of bool of shape (n_samples, n_features), default=None
            True where a feature is known (see :meth:`predict`).

        Returns
        -------
        weights : ndarray of shape (n_samples, n_patterns)
            The weights softmax(β X ξ) of the state before the last update:
            non-negative, each row summing to one.
        """
        return self._retrieve(X, mask)[1]

    def energy(self, X):
        """Energy E_β(ξ) of each state of X, as given (no update).

        E_β(ξ) = −β⁻¹ ln Σ_i exp(β x_iᵀξ) + ½ξᵀξ + β⁻¹ ln P + ½M², computed
        in float64 (Eq. 3.4 of Catacchini, Magrini Alunno & Ferracci 2024).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States to evaluate (NaN is not allowed).

        Returns
        -------
        energy : ndarray of shape (n_samples,)
            The energy of each state, ≥ 0 up to rounding.

        Raises
        ------
        ValueError
            If an energy overflows float64 (states far beyond the scale of
            the patterns).
        """
        check_is_fitted(self)
        Q = validate_data(self, X, dtype=np.float64, reset=False)
        xp, to_device, to_numpy, patterns = self._on_engine(np.dtype(np.float64))
        with np.errstate(over="ignore", invalid="ignore"):
            model = ModernHopfield(patterns, self.beta_)
            E = to_numpy(model.energy(to_device(Q)))
            finite = np.isfinite(E).all()
        if not finite:
            raise ValueError(
                "The energy of a state of X overflows float64; the states are "
                "far beyond the scale of the patterns."
            )
        return E

    def score_samples(self, X):
        """Negative energy −E_β(ξ) of each state of X (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States to evaluate.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``−E_β(ξ)`` of each state, ≤ 0 up to rounding; the stored
            patterns score highest.
        """
        return -self.energy(X)

    def score(self, X, y=None):
        """Mean negative energy of the states of X (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States to evaluate.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean of ``−E_β(ξ)`` over the states of X.
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
