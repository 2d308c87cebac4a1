"""The training loop of BaseRBM, through the concrete estimators.

BaseRBM owns fit / partial_fit, the persistent chains, the step schedule,
the divergence guard, the training history and the ``rbm_`` view; the
estimators (GaussianRBM, SpinRBM, BinaryRBM, RAPIDRBM) only configure it.
These tests pin down what the loop guarantees:

- resuming: ``partial_fit`` continues from the fitted parameters, the epoch
  count (and so the step schedule) and the random stream of the previous
  call. Where the update is deterministic (the exact gradient; RAPID's PID
  negative phase) ``fit(n_iter=3)`` therefore equals ``fit(n_iter=1)``
  followed by two ``partial_fit`` calls. With a sampled negative phase it
  does not, by design: each call draws its Gibbs samples from a generator
  seeded from the continued stream, so only the call sequence is
  reproducible;
- PCD chains: ``n_chains`` chains started at data rows (or the first batch
  when ``n_chains`` is None), carried through every update, epoch and
  ``partial_fit`` call;
- the step of epoch ``e`` is ``learning_rate · learning_rate_decay^(e−1)``
  (checked against a hand-written exact-gradient update), and RAPID's
  ``learning_rate="auto"`` is stored in ``learning_rate_``;
- divergence raises ``ValueError`` and leaves the estimator as it was.
"""

import pickle

import numpy as np
import pytest
from scipy.special import logsumexp

from skhopfield import RAPIDRBM, BinaryRBM, GaussianRBM, SpinRBM

CLASSES = {
    "GaussianRBM": GaussianRBM,
    "SpinRBM": SpinRBM,
    "BinaryRBM": BinaryRBM,
    "RAPIDRBM": RAPIDRBM,
}

#: Small, fast settings of each estimator (steps that move the parameters
#: visibly in a few epochs; RAPID's patterns unbinarized, so that small
#: steps add up).
SETTINGS = {
    "GaussianRBM": dict(n_components=3, learning_rate=0.01),
    "SpinRBM": dict(n_components=3, learning_rate=0.05),
    "BinaryRBM": dict(n_components=3, learning_rate=0.1),
    "RAPIDRBM": dict(
        n_patterns=3, n_components=4, learning_rate=0.05, pattern_binarization=None
    ),
}

NAMES = list(CLASSES)
SAMPLED = ["GaussianRBM", "SpinRBM", "BinaryRBM"]  # CD-k / PCD negative phase


def _estimator(name, **params):
    return CLASSES[name](
        **{**SETTINGS[name], "batch_size": 10, "random_state": 0, **params}
    )


def _units(estimator, X):
    """The ±1 data X as the visible units' values (±1, or {0, 1})."""
    return np.where(X > 0, 1.0, estimator.rbm_.visible.low)


def _fitted_arrays(estimator):
    names = ["components_", "intercept_visible_", "intercept_hidden_"]
    names += [
        n for n in ("patterns_visible_", "patterns_hidden_") if hasattr(estimator, n)
    ]
    return {n: getattr(estimator, n).copy() for n in names}


def _assert_same_arrays(a, b, **tol):
    assert a.keys() == b.keys()
    for key in a:
        if tol:
            np.testing.assert_allclose(a[key], b[key], err_msg=key, **tol)
        else:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)


@pytest.fixture
def X(structured_spins):
    return structured_spins(40, 6, seed=1)


# -- resuming ------------------------------------------------------------------
DETERMINISTIC = {
    "SpinRBM-exact": ("SpinRBM", dict(exact_gradient=True, learning_rate_decay=0.5)),
    "BinaryRBM-exact": ("BinaryRBM", dict(exact_gradient=True)),
    "RAPIDRBM-pid": ("RAPIDRBM", dict(negative_phase="pid", learning_rate_decay=0.5)),
}


@pytest.mark.parametrize("case", DETERMINISTIC)
def test_partial_fit_resumes_a_deterministic_fit_exactly(case, X):
    """fit(n_iter=3) = fit(n_iter=1) + partial_fit + partial_fit, on the same
    data with the same integer random_state, for a deterministic update: the
    batch order continues the same stream and the step schedule the same
    epoch count (learning_rate_decay=0.5 makes the epochs' steps differ)."""
    name, params = DETERMINISTIC[case]
    whole = _estimator(name, n_iter=3, **params).fit(X)
    parts = _estimator(name, n_iter=1, **params).fit(X)
    parts.partial_fit(X).partial_fit(X)
    _assert_same_arrays(
        _fitted_arrays(parts), _fitted_arrays(whole), rtol=1e-10, atol=1e-13
    )
    assert parts.n_iter_ == whole.n_iter_ == 3
    assert [r["epoch"] for r in parts.training_history_] == [1, 2, 3]
    np.testing.assert_allclose(
        [r["pseudo_log_likelihood"] for r in parts.training_history_],
        [r["pseudo_log_likelihood"] for r in whole.training_history_],
        rtol=1e-10,
    )
    # power: one more epoch changes the model beyond that tolerance
    more = _estimator(name, n_iter=4, **params).fit(X)
    assert not np.allclose(more.components_, whole.components_, rtol=1e-6, atol=0)


@pytest.mark.parametrize(
    "name, params",
    [(n, {}) for n in NAMES] + [("SpinRBM", dict(persistent=True, n_chains=5))],
    ids=NAMES + ["SpinRBM-PCD"],
)
def test_partial_fit_continues_from_the_fitted_model(name, params, X):
    """partial_fit starts from the fitted parameters (no re-initialization):
    a zero step leaves them exactly as they were, the epoch count and the
    history grow by one, the earlier records are kept."""
    est = _estimator(name, n_iter=2, **params).fit(X)
    fitted, history = _fitted_arrays(est), list(est.training_history_)
    chains = None if est._chains is None else est._chains.copy()
    lr = est.learning_rate

    est.set_params(learning_rate=0.0).partial_fit(X)
    _assert_same_arrays(_fitted_arrays(est), fitted)
    assert est.n_iter_ == 3
    assert est.training_history_[:2] == history
    assert [r["epoch"] for r in est.training_history_] == [1, 2, 3]
    if chains is not None:  # the chains moved on, from where they were
        assert est._chains.shape == chains.shape
        assert not np.array_equal(est._chains, chains)

    est.set_params(learning_rate=lr).partial_fit(X)
    assert est.n_iter_ == 4 and len(est.training_history_) == 4
    assert not np.array_equal(est.components_, fitted["components_"])


@pytest.mark.parametrize("name", SAMPLED)
@pytest.mark.parametrize("persistent", [False, True], ids=["CD", "PCD"])
def test_the_same_call_sequence_gives_the_same_model(name, persistent, X):
    """With a sampled negative phase the sequence fit, partial_fit,
    partial_fit is reproducible (the random stream continues from call to
    call); it is not required to equal one fit of three epochs."""

    def run():
        est = _estimator(name, n_iter=1, persistent=persistent).fit(X)
        est.partial_fit(X).partial_fit(X[:25])
        return est

    a, b = run(), run()
    _assert_same_arrays(_fitted_arrays(a), _fitted_arrays(b))
    if persistent:
        np.testing.assert_array_equal(a._chains, b._chains)
    assert a.n_iter_ == 3


@pytest.mark.parametrize("name", NAMES)
def test_fit_after_partial_fit_starts_afresh(name, X):
    est = _estimator(
        name, n_iter=2, **({} if name == "RAPIDRBM" else {"persistent": True})
    )
    fresh = pickle.loads(pickle.dumps(est)).fit(X)
    est.fit(X).partial_fit(X)
    est.fit(X)
    _assert_same_arrays(_fitted_arrays(est), _fitted_arrays(fresh))
    assert est.n_iter_ == 2 and len(est.training_history_) == 2
    if name != "RAPIDRBM":
        np.testing.assert_array_equal(est._chains, fresh._chains)


# -- persistent chains -----------------------------------------------------------
def _spy_negative_phase(monkeypatch, Est):
    """Record, for every update, (batch, chains before, states returned)."""
    calls = []
    original = Est._negative_phase

    def spy(self, S, params, engine, model, inputs):
        before = (
            None if self._chains is None else np.array(engine.to_numpy(self._chains))
        )
        out = original(self, S, params, engine, model, inputs)
        calls.append(
            (np.array(engine.to_numpy(S)), before, np.array(engine.to_numpy(out)))
        )
        return out

    monkeypatch.setattr(Est, "_negative_phase", spy)
    return calls


def _rows_of(A, B):
    """Whether every row of A is a row of B."""
    return all((B == row).all(axis=1).any() for row in A)


@pytest.mark.parametrize("name", SAMPLED)
def test_pcd_chains_start_at_data_rows_and_persist(name, X, monkeypatch):
    calls = _spy_negative_phase(monkeypatch, CLASSES[name])
    est = _estimator(name, n_iter=2, persistent=True, n_chains=7).fit(X)
    S = _units(est, X)
    assert len(calls) == 2 * 4  # 40 samples, batches of 10
    _, first, _ = calls[0]
    assert first.shape == (7, 6) and _rows_of(first, S)
    for (_, _, out_prev), (_, before, out) in zip(calls, calls[1:], strict=False):
        np.testing.assert_array_equal(before, out_prev)  # carried over
        assert out.shape == (7, 6)
    assert isinstance(est._chains, np.ndarray)
    np.testing.assert_array_equal(est._chains, calls[-1][2])

    # partial_fit continues the same chains
    end = est._chains.copy()
    del calls[:]
    est.partial_fit(X)
    np.testing.assert_array_equal(calls[0][1], end)
    assert est._chains.shape == (7, 6)


@pytest.mark.parametrize("name", SAMPLED)
def test_pcd_without_n_chains_runs_as_many_chains_as_the_first_batch(
    name, structured_spins, monkeypatch
):
    X = structured_spins(45, 6, seed=2)  # batches of 10, 10, 10, 10 and 5
    calls = _spy_negative_phase(monkeypatch, CLASSES[name])
    est = _estimator(name, n_iter=2, persistent=True, n_chains=None).fit(X)
    batch, before, out = calls[0]
    assert before is None and batch.shape == (10, 6) and out.shape == (10, 6)
    assert [c[2].shape for c in calls] == [(10, 6)] * 10  # the short batch too
    assert est._chains.shape == (10, 6)
    est.partial_fit(X[:3])  # a smaller batch does not restart them
    assert est._chains.shape == (10, 6)


@pytest.mark.parametrize("name", SAMPLED)
def test_cd_restarts_at_every_batch_and_differs_from_pcd(name, X, monkeypatch):
    calls = _spy_negative_phase(monkeypatch, CLASSES[name])
    cd = _estimator(name, n_iter=2, persistent=False).fit(X)
    assert all(
        before is None and out.shape == batch.shape for batch, before, out in calls
    )
    assert cd._chains is None
    pcd = _estimator(name, n_iter=2, persistent=True, n_chains=10).fit(X)
    assert not np.allclose(cd.components_, pcd.components_)


def test_rapid_keeps_no_chains(X):
    est = _estimator("RAPIDRBM", n_iter=2, negative_phase="pid_gibbs").fit(X)
    assert est._chains is None
    assert est.partial_fit(X)._chains is None


def test_torch_pcd_chains_are_numpy_after_fit_and_continue(X, torch_one_thread):
    est = _estimator(
        "GaussianRBM", n_iter=2, persistent=True, n_chains=5, backend="torch"
    )
    est.fit(X)
    assert isinstance(est._chains, np.ndarray) and est._chains.shape == (5, 6)
    assert set(np.unique(est._chains)) <= {-1.0, 1.0}
    est.partial_fit(X)
    assert isinstance(est._chains, np.ndarray) and est._chains.shape == (5, 6)
    clone = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(clone._chains, est._chains)


# -- step schedule -----------------------------------------------------------------
def _exact_gradient_by_enumeration(V_data, W, b, c, low, all_states):
    """Gradient of the mean ln p(v) of the data over (W, b, c), with every
    expectation a sum over the enumerated joint states (E = −vᵀWh − bᵀv − cᵀh)."""
    n_v, n_h = W.shape
    Vs, Hs = all_states(n_v, low), all_states(n_h, low)
    neg_E = Vs @ W @ Hs.T + (Vs @ b)[:, None] + (Hs @ c)[None, :]
    p = np.exp(neg_E - logsumexp(neg_E))  # p(v, h)
    model_vh = np.einsum("vh,vi,hj->ij", p, Vs, Hs)
    model_v, model_h = p.sum(1) @ Vs, p.sum(0) @ Hs
    neg_E_data = V_data @ W @ Hs.T + (Hs @ c)[None, :]  # p(h | v) of each row
    p_h = np.exp(neg_E_data - logsumexp(neg_E_data, axis=1, keepdims=True))
    mean_h = p_h @ Hs  # E[h | v]
    n = V_data.shape[0]
    return (
        V_data.T @ mean_h / n - model_vh,
        V_data.mean(0) - model_v,
        mean_h.mean(0) - model_h,
    )


@pytest.mark.parametrize(
    "name, decay", [("SpinRBM", 0.5), ("SpinRBM", 1.0), ("BinaryRBM", None)]
)
def test_step_of_epoch_e_is_learning_rate_times_decay_power(
    name, decay, structured_spins, all_states
):
    """Full-batch exact-gradient training against a hand-written update:
    θ_e = θ_{e−1} + η·decay^(e−1)·∇⟨ln p⟩(θ_{e−1})."""
    X = structured_spins(30, 4, seed=3, noise=0.2)
    W0 = 0.3 * np.random.RandomState(0).randn(4, 3)
    eta, n_epochs = 0.3, 3
    params = dict(
        n_components=3,
        learning_rate=eta,
        batch_size=30,
        exact_gradient=True,
        init=W0,
        random_state=0,
        dtype="float64",
    )
    if decay is not None:
        params["learning_rate_decay"] = decay
    start = CLASSES[name](n_iter=0, **params).fit(X)  # the initial biases
    low = start.rbm_.visible.low
    V = _units(start, X)
    W, b, c = W0.copy(), start.intercept_visible_.copy(), start.intercept_hidden_.copy()
    for epoch in range(1, n_epochs + 1):
        step = eta * (1.0 if decay is None else decay) ** (epoch - 1)
        gW, gb, gc = _exact_gradient_by_enumeration(V, W, b, c, low, all_states)
        W, b, c = W + step * gW, b + step * gb, c + step * gc
    est = CLASSES[name](n_iter=n_epochs, **params).fit(X)
    np.testing.assert_allclose(est.components_, W.T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(est.intercept_visible_, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(est.intercept_hidden_, c, rtol=1e-9, atol=1e-12)
    # power: the training moved W beyond the tolerance
    assert not np.allclose(est.components_, W0.T, rtol=1e-3, atol=0)


@pytest.mark.parametrize(
    "name, params",
    [("SpinRBM", dict(exact_gradient=True)), ("RAPIDRBM", dict(negative_phase="pid"))],
)
def test_decay_equals_a_step_set_per_epoch(name, params, X):
    """Epoch 2 of fit(learning_rate=η, learning_rate_decay=d) takes the step
    η·d: the same as one epoch at η, then partial_fit at learning_rate=η·d
    without decay."""
    eta, d = 0.05, 0.3
    decayed = _estimator(
        name, n_iter=2, learning_rate=eta, learning_rate_decay=d, **params
    ).fit(X)
    manual = _estimator(
        name, n_iter=1, learning_rate=eta, learning_rate_decay=1.0, **params
    ).fit(X)
    manual.set_params(learning_rate=eta * d).partial_fit(X)
    _assert_same_arrays(
        _fitted_arrays(decayed), _fitted_arrays(manual), rtol=1e-10, atol=1e-13
    )
    constant = _estimator(name, n_iter=2, learning_rate=eta, **params).fit(X)
    assert not np.allclose(constant.components_, decayed.components_, rtol=1e-6, atol=0)


def test_rapid_auto_learning_rate_is_stored_and_is_the_step_used(X):
    params = dict(n_iter=2, learning_rate_decay=0.5, negative_phase="pid")
    auto = _estimator("RAPIDRBM", learning_rate="auto", **params).fit(X)
    lr = auto.learning_rate_
    assert isinstance(lr, float) and np.isfinite(lr) and lr > 0
    fixed = _estimator("RAPIDRBM", learning_rate=lr, **params).fit(X)
    _assert_same_arrays(
        _fitted_arrays(auto), _fitted_arrays(fixed), rtol=1e-10, atol=1e-13
    )
    assert fixed.learning_rate_ == lr
    # "auto" is measured once, at the initialization; a number set later wins
    auto.partial_fit(X)
    assert auto.learning_rate_ == lr
    auto.set_params(learning_rate=0.2).partial_fit(X)
    assert auto.learning_rate_ == 0.2


# -- divergence --------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, params",
    [(n, {}) for n in NAMES] + [("BinaryRBM", dict(persistent=True, n_chains=4))],
    ids=NAMES + ["BinaryRBM-PCD"],
)
def test_divergence_raises_and_leaves_the_estimator_unchanged(name, params, X):
    est = _estimator(name, n_iter=1, **params).fit(X)
    twin = pickle.loads(pickle.dumps(est))
    lr = est.learning_rate
    est.set_params(learning_rate=1e7)
    before = pickle.dumps(est)
    with pytest.raises(ValueError, match=rf"{name} training diverged in epoch 2"):
        est.partial_fit(X)
    assert pickle.dumps(est) == before
    with pytest.raises(ValueError, match="diverged in epoch 1"):
        est.fit(X)
    assert pickle.dumps(est) == before
    # the random stream was restored too: training goes on as if the failed
    # calls had not happened
    est.set_params(learning_rate=lr).partial_fit(X)
    twin.partial_fit(X)
    _assert_same_arrays(_fitted_arrays(est), _fitted_arrays(twin))
    assert est.n_iter_ == twin.n_iter_ == 2


# -- history and verbosity -----------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_training_history_records_every_epoch(name, X):
    est = _estimator(name, n_iter=3).fit(X)
    est.partial_fit(X)
    history = est.training_history_
    assert [r["epoch"] for r in history] == [1, 2, 3, 4]
    for record in history:
        assert set(record) == {"epoch", "seconds", "pseudo_log_likelihood"}
        assert record["seconds"] >= 0
        pll = record["pseudo_log_likelihood"]
        assert isinstance(pll, float) and np.isfinite(pll) and pll <= 0


@pytest.mark.parametrize("name", SAMPLED)
def test_pseudo_likelihood_of_the_uniform_model_is_minus_n_ln_2(name, X):
    """W = 0, biases 0 and no step: p is uniform over the 2^n visible
    states, so every flip leaves ln p* unchanged and the recorded
    pseudo-log-likelihood is n·ln σ(0) = −n ln 2 (n = 6 features)."""
    balanced = np.vstack([X, -X])  # every feature has mean 0: SpinRBM's b = 0
    est = _estimator(name, n_iter=2, learning_rate=0.0, init=np.zeros((6, 3))).fit(
        balanced
    )
    assert not est.intercept_visible_.any()
    for record in est.training_history_:
        assert record["pseudo_log_likelihood"] == pytest.approx(
            -6 * np.log(2), rel=1e-12
        )


@pytest.mark.parametrize("name", NAMES)
def test_verbose_prints_one_line_per_epoch(name, X, capsys):
    _estimator(name, n_iter=2, verbose=1).fit(X)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        f"[{name}] epoch 1",
        f"[{name}] epoch 2",
    ]
    assert all("pseudo-likelihood" in line for line in lines)


# -- fit_intercept -------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_fit_intercept_false_keeps_the_biases_at_zero(name, X):
    est = _estimator(name, n_iter=2, fit_intercept=False).fit(X)
    est.partial_fit(X)
    assert not est.intercept_visible_.any() and not est.intercept_hidden_.any()
    # power: with fit_intercept=True the same training moves them
    trained = _estimator(name, n_iter=2, fit_intercept=True).fit(X)
    assert trained.intercept_hidden_.any()
    assert not np.array_equal(trained.intercept_visible_, np.zeros(6))


# -- dtype -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_training_dtype_is_the_dtype_parameter(name, X):
    """float32 by default whatever the input, float64 on request, the input's
    with None; scores in float64 and transform / gibbs / sample in the dtype
    of their input, whatever the training dtype."""
    assert CLASSES[name]().dtype == "float32"
    cases = [
        ("float32", np.float64, np.float32),
        ("float64", np.float32, np.float64),
        (None, np.float32, np.float32),
        (None, np.float64, np.float64),
    ]
    for dtype, data_dtype, trained in cases:
        est = _estimator(name, n_iter=1, dtype=dtype).fit(X.astype(data_dtype))
        for key, array in _fitted_arrays(est).items():
            assert array.dtype == trained, (dtype, data_dtype, key)
        for query in (np.float32, np.float64):
            Xq = X.astype(query)
            assert est.transform(Xq).dtype == query
            assert est.gibbs(Xq, random_state=0).dtype == query
            assert est.sample(2, n_steps=1, init=Xq[:2], random_state=0).dtype == query
            assert est.score_samples(Xq).dtype == np.float64


@pytest.mark.parametrize("name", ["SpinRBM", "BinaryRBM"])
def test_float32_training_follows_float64_training(name, X):
    """The same deterministic (exact-gradient) training in both dtypes ends
    within float32 rounding of each other, and the scores agree."""
    W0 = 0.3 * np.random.RandomState(0).randn(X.shape[1], 3)
    kw = dict(n_iter=3, exact_gradient=True, batch_size=X.shape[0], init=W0)
    single = _estimator(name, dtype="float32", **kw).fit(X)
    double = _estimator(name, dtype="float64", **kw).fit(X)
    a, b = _fitted_arrays(single), _fitted_arrays(double)
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-5, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(
        single.score_samples(X), double.score_samples(X), rtol=1e-5
    )
    # power: the training moved the weights well beyond that tolerance
    assert not np.allclose(double.components_, W0.T, rtol=1e-2, atol=0)


# -- the rbm_ view ---------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", NAMES)
def test_rbm_is_the_fitted_model(name, dtype, X, all_states):
    est = _estimator(name, n_iter=2, dtype=np.dtype(dtype).name).fit(X)
    assert est.components_.dtype == dtype
    rbm = est.rbm_
    for array in (rbm.W, rbm.visible.bias, rbm.hidden.bias):
        assert isinstance(array, np.ndarray) and array.dtype == np.float64
    # RAPID's rbm_ forms W from the patterns in float64; its float32
    # components_ are that product rounded
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(rbm.W, est.components_.T, rtol=rtol, atol=rtol)
    V = all_states(6, rbm.visible.low)
    log_Z, std_error = est.log_partition()
    assert std_error == 0.0
    log_w = rbm.log_unnormalized(V)
    # ln Z sums p* over every visible state; ln p*(v) = ln p(v) + ln Z
    assert logsumexp(log_w) == pytest.approx(log_Z, rel=1e-12)
    np.testing.assert_allclose(
        log_w, est.score_samples(V) + log_Z, rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("name", NAMES)
def test_rbm_does_not_alias_the_fitted_arrays(name, X):
    est = _estimator(name, n_iter=2).fit(X)
    fitted = _fitted_arrays(est)
    transform = est.transform(X)
    rbm = est.rbm_
    W = rbm.W.copy()
    for array in (rbm.visible.bias, rbm.hidden.bias, *rbm.weights.arrays().values()):
        array[...] = 7.0
    _assert_same_arrays(_fitted_arrays(est), fitted)
    np.testing.assert_array_equal(est.transform(X), transform)
    np.testing.assert_array_equal(est.rbm_.W, W)


# -- sampling from the fitted model ----------------------------------------------------
@pytest.mark.parametrize("name", SAMPLED)
def test_sample_and_gibbs_follow_the_fitted_distribution(
    name, make_model, all_states, chi_square_pvalue, X
):
    W, b, c = make_model(4, 4, 3, scale=0.6, bias_scale=0.4)
    est = _estimator(name, n_iter=0, init=W).fit(X[:, :4])
    est.intercept_visible_, est.intercept_hidden_ = b, c
    V = all_states(4, est.rbm_.visible.low)
    log_p = est.score_samples(V)
    samples = est.sample(n_samples=3000, n_steps=20, random_state=0)
    assert chi_square_pvalue(samples, V, log_p) > 1e-3
    starts = np.repeat(V[:1], 3000, axis=0)  # every chain from one state
    moved = est.gibbs(starts, n_steps=20, random_state=1)
    assert chi_square_pvalue(moved, V, log_p) > 1e-3
    # power: the samples reject the model with the opposite couplings
    wrong = _estimator(name, n_iter=0, init=-W).fit(X[:, :4])
    wrong.intercept_visible_, wrong.intercept_hidden_ = b, c
    assert chi_square_pvalue(samples, V, wrong.score_samples(V)) < 1e-6
