"""RAPIDRBM: the pattern parameterization, PID training, and the Bars benchmark."""

import math
import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skhopfield import RAPIDRBM, SpinRBM
from skhopfield.datasets import make_bars
from skhopfield.energy.layers import Spin
from skhopfield.energy.rbm import RBM, Patterns
from skhopfield.metrics import gibbs_accessibility, hamming_reconstruction_error


def _structured(n_samples, n_features, seed=0, noise=0.1):
    rng = np.random.RandomState(seed)
    protos = rng.choice([-1.0, 1.0], size=(2, n_features))
    X = protos[rng.randint(2, size=n_samples)]
    return np.where(rng.rand(n_samples, n_features) < noise, -X, X)


def _pid_objective(xi_v, xi_h, X, V_neg):
    W = Patterns(xi_v, xi_h).dense()
    model = RBM(Spin(np.zeros(W.shape[0])), Spin(np.zeros(W.shape[1])), W)
    return np.mean(-model.free_energy(X)) - np.mean(-model.free_energy(V_neg))


def test_fitted_attributes_and_weights_from_patterns():
    X = _structured(40, 9)
    rbm = RAPIDRBM(n_patterns=3, n_components=7, n_iter=2, random_state=0).fit(X)
    K = 3
    assert rbm.patterns_visible_.shape == (K, 9)
    assert rbm.patterns_hidden_.shape == (K, 7)
    W = rbm.patterns_visible_.T @ rbm.patterns_hidden_ / math.sqrt(K)
    assert np.allclose(rbm.components_, W.T)
    # sign binarization after every epoch: the patterns are spins
    assert set(np.unique(rbm.patterns_visible_)) <= {-1.0, 1.0}
    assert set(np.unique(rbm.patterns_hidden_)) <= {-1.0, 1.0}
    assert not rbm.intercept_visible_.any() and not rbm.intercept_hidden_.any()
    # the same model as a SpinRBM with those weights
    spin = SpinRBM(n_components=7, n_iter=0, init=W, fit_intercept=False).fit(X)
    assert np.allclose(spin.transform(X), rbm.transform(X))
    assert np.allclose(spin.score_samples(X), rbm.score_samples(X))


def test_pid_update_equals_finite_differences_of_the_pid_objective():
    """One full-batch PID step moves ξ by η ∇J with the binarized visible
    patterns held fixed as the negative states (Pozas-Kerstjens et al. 2021,
    Eqs. 6, A7)."""
    X = _structured(10, 6, seed=4)
    lr = 1e-3
    rbm = RAPIDRBM(
        n_patterns=2,
        n_components=5,
        learning_rate=lr,
        batch_size=10,
        n_iter=0,
        pattern_binarization=None,
        binarize=None,
        random_state=3,
        dtype="float64",
    ).fit(X)
    xi_v0, xi_h0 = rbm.patterns_visible_.copy(), rbm.patterns_hidden_.copy()
    # continuous start: the gradient must hold off the spin values too
    rng = np.random.RandomState(0)
    xi_v0 += 0.3 * rng.randn(*xi_v0.shape)
    xi_h0 += 0.3 * rng.randn(*xi_h0.shape)
    rbm.patterns_visible_, rbm.patterns_hidden_ = xi_v0.copy(), xi_h0.copy()
    rbm.partial_fit(X)
    V_neg = np.where(xi_v0 >= 0, 1.0, -1.0)
    eps = 1e-6
    for which, xi in ((0, xi_v0), (1, xi_h0)):
        new = rbm.patterns_visible_ if which == 0 else rbm.patterns_hidden_
        got = (new - xi) / lr
        num = np.zeros_like(xi)
        for idx in np.ndindex(*xi.shape):
            up, down = xi.copy(), xi.copy()
            up[idx] += eps
            down[idx] -= eps
            pair_up = (up, xi_h0) if which == 0 else (xi_v0, up)
            pair_down = (down, xi_h0) if which == 0 else (xi_v0, down)
            up_J = _pid_objective(*pair_up, X, V_neg)
            num[idx] = (up_J - _pid_objective(*pair_down, X, V_neg)) / (2 * eps)
        assert np.allclose(got, num, atol=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_single_pattern_model_has_ground_states_plus_minus_xi(seed):
    """K = 1 is the Mattis model: ±ξ are its exact ground states."""
    X = _structured(30, 8, seed=seed)
    rbm = RAPIDRBM(n_patterns=1, n_components=6, n_iter=3, random_state=seed).fit(X)
    W = rbm.components_.T
    model = RBM(Spin(np.zeros(8)), Spin(np.zeros(6)), W)
    e0, v, h = model.ground_state(return_all=True)
    xi = np.r_[rbm.patterns_visible_[0], rbm.patterns_hidden_[0]]
    got = {tuple(np.r_[a, b]) for a, b in zip(v, h, strict=True)}
    assert got == {tuple(xi), tuple(-xi)}
    acc = gibbs_accessibility(rbm, random_state=0, ground_energy=e0)
    assert acc == pytest.approx(1.0)


def test_clip_and_gibbs_binarization():
    X = _structured(50, 10, seed=1)
    clip = RAPIDRBM(
        n_patterns=4,
        n_components=20,
        learning_rate=0.05,
        n_iter=3,
        batch_size=10,
        pattern_binarization="clip",
        clip_value=0.5,
        random_state=0,
    ).fit(X)
    for xi in (clip.patterns_visible_, clip.patterns_hidden_):
        assert np.abs(xi).max() <= 0.5
    assert len(np.unique(clip.patterns_visible_)) > 2  # continuous inside the bound
    gibbs = RAPIDRBM(
        n_patterns=4,
        n_components=20,
        n_iter=2,
        batch_size=10,
        pattern_binarization="gibbs",
        negative_phase="pid_gibbs",
        cd_steps=2,
        random_state=0,
    ).fit(X)
    assert set(np.unique(gibbs.patterns_visible_)) <= {-1.0, 1.0}
    assert set(np.unique(gibbs.patterns_hidden_)) <= {-1.0, 1.0}
    free = RAPIDRBM(
        n_patterns=4,
        n_components=20,
        learning_rate=0.1,
        n_iter=2,
        pattern_binarization=None,
        random_state=0,
    ).fit(X)
    assert np.abs(free.patterns_visible_).max() > 1.0


def test_fit_intercept_trains_biases():
    X = _structured(60, 8, seed=2)
    X[:, 0] = 1.0  # a constant pixel needs its bias
    rbm = RAPIDRBM(
        n_patterns=2, n_components=10, fit_intercept=True, n_iter=3, random_state=0
    ).fit(X)
    assert rbm.intercept_visible_[0] > 1.0
    assert rbm.intercept_hidden_.any()


# -- the Bars benchmark (Pozas-Kerstjens et al. 2021, Sec. V.A) ------------------------
BARS_RAPID = dict(
    n_patterns=8,
    n_components=1000,
    learning_rate=0.03,
    learning_rate_decay=0.9,
    batch_size=10,
)


def test_bars_rapid_generalizes_within_20_epochs():
    """Mean over 5 seeds of the test Hamming distance drops below 0.1 within
    20 epochs, and the train and test curves stay together."""
    X_train, X_test = make_bars(4)
    curves = []
    for seed in range(5):
        rbm = RAPIDRBM(random_state=seed, **BARS_RAPID)
        row = []
        for _ in range(20):
            rbm.partial_fit(X_train)
            row.append(
                (
                    hamming_reconstruction_error(rbm, X_train, 4, random_state=0),
                    hamming_reconstruction_error(rbm, X_test, 4, random_state=0),
                )
            )
        curves.append(row)
    train, test = np.mean(curves, axis=0).T
    assert test.min() < 0.1
    assert test[-1] < 0.1
    assert np.abs(train - test)[4:].max() < 0.1


def test_bars_rapid_learns_on_its_defaults_within_20_epochs():
    """Issue 10: with only K, H and the seed set, RAPID learns the 4×4 Bars
    (mean test Hamming distance over 5 seeds below 0.1 within 20 epochs),
    and epochs that change nothing once it has learned do not warn."""
    X_train, X_test = make_bars(4)
    curves = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for seed in range(5):
            rbm = RAPIDRBM(
                n_patterns=8, n_components=1000, n_iter=20, random_state=seed
            )
            row = []
            for _ in range(rbm.n_iter):
                rbm.partial_fit(X_train)
                row.append(hamming_reconstruction_error(rbm, X_test, 4, random_state=0))
            curves.append(row)
            # "auto" chose a step of the Bars benchmark's order (0.03)
            assert 0.01 < rbm.learning_rate_ < 0.1
    test = np.mean(curves, axis=0)
    assert test.min() < 0.1
    assert test[-1] < 0.1


@pytest.fixture(scope="module")
def digits():
    return load_digits().data


def test_fit_that_flips_no_sign_warns_once(digits):
    """A step too small to flip a sign on the digits (18 updates of 1e-4
    times a gradient of order one per epoch, reset to the signs after each):
    the fit returns its random initialization, and says so, once per call."""
    old = dict(
        n_components=16,
        learning_rate=1e-4,
        batch_size=100,
        pattern_binarization="sign",
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning) as record:
        rbm = RAPIDRBM(**old).fit(digits)
    assert len(record) == 1
    message = str(record[0].message)
    assert "changed no pattern in 10 epoch(s)" in message
    assert "too small to flip any sign" in message
    assert "larger learning_rate" in message
    assert "pattern_binarization='clip' or None" in message
    init = RAPIDRBM(**{**old, "n_iter": 0}).fit(digits)
    assert np.array_equal(rbm.patterns_visible_, init.patterns_visible_)
    assert np.array_equal(rbm.patterns_hidden_, init.patterns_hidden_)
    # a partial_fit that still changes nothing warns again, once
    with pytest.warns(
        ConvergenceWarning, match=r"too small to flip any sign"
    ) as record:
        rbm.partial_fit(digits)
    assert len(record) == 1
    # no epoch asked for: nothing to report
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        RAPIDRBM(**{**old, "n_iter": 0}).fit(digits)


def test_fit_that_changes_patterns_does_not_warn(digits):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        rbm = RAPIDRBM(n_components=16, random_state=0).fit(digits)  # the defaults
        init = RAPIDRBM(n_components=16, n_iter=0, random_state=0).fit(digits)
        assert not np.array_equal(rbm.patterns_visible_, init.patterns_visible_)
        # once it has learned, an epoch that changes nothing is no failure
        rbm.set_params(learning_rate=0.0).partial_fit(digits)
    with pytest.warns(
        ConvergenceWarning,
        match=r"the updates \(learning_rate_=0\) left them unchanged",
    ):
        RAPIDRBM(
            n_components=16, learning_rate=0.0, n_iter=1, pattern_binarization="clip"
        ).fit(digits)


def test_auto_learning_rate_is_relative_to_the_gradient_and_the_epoch():
    """ "auto": 1.25 / m0 per epoch under "sign" (shared by its batches),
    0.1 / m0 per update otherwise; m0 is measured at initialization and the
    step is kept by partial_fit; passing it as a number trains the same way."""
    X_train, _ = make_bars(4)
    kw = dict(n_patterns=8, n_components=50, n_iter=3, random_state=0)
    full = RAPIDRBM(**kw).fit(X_train)  # one batch per epoch
    halves = RAPIDRBM(batch_size=5, **kw).fit(X_train)
    clip = RAPIDRBM(pattern_binarization="clip", **kw).fit(X_train)
    assert halves.learning_rate_ == pytest.approx(full.learning_rate_ / 2)
    assert full.learning_rate_ == pytest.approx(12.5 * clip.learning_rate_)
    same = RAPIDRBM(learning_rate=full.learning_rate_, **kw).fit(X_train)
    assert np.array_equal(same.patterns_visible_, full.patterns_visible_)
    assert np.array_equal(same.patterns_hidden_, full.patterns_hidden_)
    step = full.learning_rate_
    full.partial_fit(X_train[:4])
    assert full.learning_rate_ == step
    # the step scales with the gradient: larger H, larger visible gradient
    wide = RAPIDRBM(**{**kw, "n_components": 500, "n_iter": 0}).fit(X_train)
    assert wide.learning_rate_ < step / 3


def test_bars_rapid_accessibility_above_cd10_at_epoch_1():
    X_train, _ = make_bars(4)
    rapid, cd = [], []
    for seed in range(3):
        r = RAPIDRBM(random_state=seed, n_iter=1, **BARS_RAPID)
        s = SpinRBM(
            n_components=1000,
            cd_steps=10,
            learning_rate=0.05,
            batch_size=10,
            n_iter=1,
            fit_intercept=False,
            random_state=seed,
        )
        rapid.append(gibbs_accessibility(r.fit(X_train), random_state=seed))
        cd.append(gibbs_accessibility(s.fit(X_train), random_state=seed))
    assert min(rapid) > 0.9
    assert min(rapid) > max(cd)


# -- estimator behaviour -----------------------------------------------------------
def test_grid_search_over_n_patterns_in_a_pipeline():
    rng = np.random.RandomState(0)
    y = rng.randint(3, size=150)
    protos = rng.choice([-1.0, 1.0], size=(3, 16))
    X = np.where(rng.rand(150, 16) < 0.1, -protos[y], protos[y])
    pipe = Pipeline(
        [
            ("rbm", RAPIDRBM(n_components=40, n_iter=3, batch_size=25, random_state=0)),
            ("clf", LogisticRegression()),
        ]
    )
    grid = GridSearchCV(pipe, {"rbm__n_patterns": [1, 3, 6]}, cv=3).fit(X, y)
    assert set(grid.cv_results_["param_rbm__n_patterns"]) == {1, 3, 6}
    best = grid.best_estimator_.named_steps["rbm"]
    assert best.patterns_visible_.shape[0] == grid.best_params_["rbm__n_patterns"]
    # unsupervised: GridSearchCV scores by the (exact) log-likelihood
    unsup = GridSearchCV(
        RAPIDRBM(n_components=12, n_iter=2, random_state=0),
        {"n_patterns": [1, 2]},
        cv=2,
    ).fit(X)
    assert np.isfinite(unsup.best_score_)


def test_partial_fit_continues_and_pickles():
    X = _structured(40, 9, seed=5)
    a = RAPIDRBM(n_patterns=3, n_components=8, n_iter=3, random_state=1).fit(X)
    b = RAPIDRBM(n_patterns=3, n_components=8, n_iter=2, random_state=1).fit(X)
    b.partial_fit(X)
    assert b.n_iter_ == 3
    assert np.array_equal(a.patterns_visible_, b.patterns_visible_)
    c = pickle.loads(pickle.dumps(a))
    assert np.array_equal(c.transform(X), a.transform(X))


def test_torch_engine_matches_numpy_for_pid():
    pytest.importorskip("torch")
    X = _structured(40, 9, seed=6)
    kw = dict(
        n_patterns=3,
        n_components=8,
        learning_rate=0.05,
        batch_size=10,
        pattern_binarization=None,
        random_state=0,
    )
    a = RAPIDRBM(n_iter=0, **kw).fit(X)
    b = RAPIDRBM(n_iter=0, backend="torch", **kw).fit(X)
    b.patterns_visible_ = a.patterns_visible_.copy()
    b.patterns_hidden_ = a.patterns_hidden_.copy()
    for _ in range(3):
        a.partial_fit(X)
        b.partial_fit(X)
    # pure PID is deterministic given the patterns and the (NumPy) batch order
    assert np.allclose(a.patterns_visible_, b.patterns_visible_, atol=1e-9)
    assert np.allclose(a.patterns_hidden_, b.patterns_hidden_, atol=1e-9)
