"""ProjectionHopfieldRBM: the Hopfield → RBM mapping as an estimator."""

import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skhopfield import HopfieldMemory, ProjectionHopfieldRBM
from skhopfield.energy.ising import Ising
from skhopfield.energy.layers import Spin, states


def _patterns(p, n, seed=0):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(p, n))


def _hopfield_boltzmann(J, beta):
    """Every ±1 state and its ln p under exp(−βE(s)) / Z, E = −½ sᵀJs."""
    return Ising(Spin(np.zeros(J.shape[0])), J, beta).log_prob_table()


@pytest.mark.parametrize("method", ["qr", "svd", "sqrt"])
@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_marginal_equals_projection_hopfield_boltzmann(method, beta):
    n, p = 10, 4
    xi = _patterns(p, n, seed=int(beta * 10))
    # one sample per class: the class means are the patterns themselves
    rbm = ProjectionHopfieldRBM(orthogonalization=method, beta=beta, binarize=None).fit(
        xi, np.arange(p)
    )
    np.testing.assert_array_equal(rbm.patterns_, xi)
    gram = rbm.components_ @ rbm.components_.T
    np.testing.assert_allclose(gram, np.eye(p), atol=1e-12)
    # every state, in the order of the tables of ln p below
    log_p_rbm = rbm.score_samples(states(0, 2**n, n, np.empty(0)))
    assert logsumexp(log_p_rbm) == pytest.approx(0.0, abs=1e-10)
    for zero_diagonal in (True, False):
        memory = HopfieldMemory(
            "projection", zero_diagonal=zero_diagonal, update="sync", binarize=None
        ).fit(xi)
        _, log_p_hopfield = _hopfield_boltzmann(memory.couplings_, beta)
        np.testing.assert_allclose(log_p_rbm, log_p_hopfield, atol=1e-10)
        # and every stored pattern is a fixed point of sgn(Js)
        np.testing.assert_array_equal(memory.predict(xi), xi)


def test_one_shot_fit_from_class_means_on_digits():
    X, y = load_digits(return_X_y=True)
    rbm = ProjectionHopfieldRBM(binarize=4.0).fit(X, y)
    assert rbm.n_iter_ == 0 and rbm.training_history_ == []
    assert rbm.components_.shape == (10, 64)
    np.testing.assert_array_equal(rbm.classes_, np.arange(10))
    np.testing.assert_array_equal(rbm.pattern_labels_, np.arange(10))
    S = np.where(X > 4.0, 1.0, -1.0)
    for k in range(10):
        majority = np.where(S[y == k].mean(0) >= 0, 1.0, -1.0)
        np.testing.assert_array_equal(rbm.patterns_[k], majority)
    means = ProjectionHopfieldRBM(binarize=4.0, pattern_rule="mean").fit(X, y)
    np.testing.assert_allclose(means.patterns_[3], S[y == 3].mean(0))
    np.testing.assert_allclose(rbm.intercept_visible_, 0.0)
    np.testing.assert_allclose(rbm.intercept_hidden_, 0.0)
    # transform is E[λ | s]: the overlaps with the orthonormal patterns
    np.testing.assert_allclose(rbm.transform(X[:5]), S[:5] @ rbm.components_.T)


def test_subpatterns_and_unlabelled_clusters():
    X, y = load_digits(return_X_y=True)
    rbm = ProjectionHopfieldRBM(n_subpatterns=3, binarize=4.0).fit(X, y)
    assert rbm.components_.shape == (30, 64)
    np.testing.assert_array_equal(np.bincount(rbm.pattern_labels_), np.full(10, 3))
    unlabelled = ProjectionHopfieldRBM(n_subpatterns=5, binarize=4.0).fit(X)
    assert unlabelled.components_.shape == (5, 64)
    assert unlabelled.classes_ is None
    np.testing.assert_array_equal(unlabelled.pattern_labels_, np.arange(5))


def test_cd_training_continues_from_the_hopfield_weights():
    X, y = load_digits(return_X_y=True)
    X, y = X[:500], y[:500]
    start = ProjectionHopfieldRBM(binarize=4.0, beta=1.0).fit(X, y)
    trained = ProjectionHopfieldRBM(
        binarize=4.0, beta=1.0, n_iter=3, learning_rate=1e-3, cd_steps=2, random_state=0
    ).fit(X, y)
    assert trained.n_iter_ == 3 and len(trained.training_history_) == 3
    assert not np.allclose(trained.components_, start.components_)
    # a few epochs fine-tune: the weights stay close to the Hopfield start
    cos = np.sum(trained.components_ * start.components_, 1) / np.linalg.norm(
        trained.components_, axis=1
    )
    assert cos.min() > 0.9


def test_pipeline_passes_y_and_grid_search_over_beta_and_k():
    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    pipe = Pipeline(
        [
            ("rbm", ProjectionHopfieldRBM(binarize=4.0)),
            ("clf", LogisticRegression(max_iter=500)),
        ]
    )
    search = GridSearchCV(
        pipe, {"rbm__beta": [1.0, 2.0], "rbm__n_subpatterns": [1, 3]}, cv=2
    )
    search.fit(X, y)
    assert search.best_params_["rbm__n_subpatterns"] == 3  # more patterns help
    assert search.best_score_ > 0.8
    assert search.best_estimator_["rbm"].components_.shape == (30, 64)
    # as an unsupervised model, GridSearchCV scores it by its log-likelihood
    alone = GridSearchCV(
        ProjectionHopfieldRBM(
            binarize=4.0, n_ais_chains=20, n_ais_betas=100, random_state=0
        ),
        {"beta": [0.5, 1.0]},
        cv=2,
    )
    alone.fit(X, y)
    assert np.isfinite(alone.best_score_)


def test_degenerate_patterns_fall_back_to_their_span_with_a_warning():
    xi = _patterns(3, 8)
    X = np.vstack([xi, xi[0]])  # classes 0 and 3 share a pattern
    with pytest.warns(UserWarning, match="linearly dependent \\(rank 3\\)"):
        rbm = ProjectionHopfieldRBM(binarize=None, beta=1.0).fit(X, [0, 1, 2, 3])
    assert rbm.components_.shape == (3, 8)
    # still exactly the projection network of the (dependent) patterns
    memory = HopfieldMemory("projection", zero_diagonal=False, binarize=None).fit(X)
    table, log_p = _hopfield_boltzmann(memory.couplings_, 1.0)
    np.testing.assert_allclose(rbm.score_samples(table), log_p, atol=1e-10)
    with pytest.warns(UserWarning, match="more patterns than features"):
        ProjectionHopfieldRBM(binarize=None).fit(_patterns(5, 3), np.arange(5))


def test_bad_input_raises_clear_errors():
    X, y = load_digits(return_X_y=True)
    with pytest.raises(
        ValueError, match="fewer samples than n_subpatterns|n_subpatterns"
    ):
        ProjectionHopfieldRBM(n_subpatterns=5, binarize=4.0).fit(X[:12], y[:12])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        ProjectionHopfieldRBM(binarize=4.0).fit(X[:10], y[:9])
    with pytest.raises(ValueError, match="orthogonalization"):
        ProjectionHopfieldRBM(orthogonalization="gram").fit(X, y)
    rbm = ProjectionHopfieldRBM(binarize=4.0).fit(X, y)
    W = rbm.components_.copy()
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        rbm.fit(bad, y)
    np.testing.assert_array_equal(rbm.components_, W)


# -- targets, as a classifier's ---------------------------------------------------
def test_nan_and_continuous_targets_are_rejected():
    X, y = load_digits(return_X_y=True)
    y_nan = y.astype(float)
    y_nan[3] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="y contains NaN"):
            ProjectionHopfieldRBM(binarize=4.0).fit(X, y_nan)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        ProjectionHopfieldRBM(binarize=4.0).fit(X, np.linspace(0, 1, len(y)))


def test_infinite_targets_are_rejected_without_a_warning():
    # fuzz finding: +inf and -inf in y made the finiteness test (a sum)
    # warn "invalid value encountered in reduce" before its ValueError
    X, y = load_digits(return_X_y=True)
    y_inf = y.astype(float)
    y_inf[:2] = [np.inf, -np.inf]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="y contains infinity"):
            ProjectionHopfieldRBM(binarize=4.0).fit(X, y_inf)


def test_partial_fit_fixes_the_classes_on_the_first_call():
    X, y = load_digits(return_X_y=True)
    rbm = ProjectionHopfieldRBM(binarize=4.0, random_state=0)
    with pytest.raises(ValueError, match=r"no sample of the classes \[10\]"):
        rbm.partial_fit(X[:300], y[:300], classes=np.arange(11))
    with pytest.raises(ValueError, match=r"classes \[9\] that are not in"):
        rbm.partial_fit(X[:300], y[:300], classes=np.arange(9))
    assert not hasattr(rbm, "components_")
    rbm.partial_fit(X[:300], y[:300], classes=np.arange(10))
    np.testing.assert_array_equal(rbm.classes_, np.arange(10))
    # without classes, the first batch's classes are all the classes
    implicit = ProjectionHopfieldRBM(binarize=4.0, random_state=0)
    implicit.partial_fit(X[:300], y[:300])
    np.testing.assert_array_equal(implicit.components_, rbm.components_)
    # the same model as one epoch of fit on that batch
    full = ProjectionHopfieldRBM(binarize=4.0, n_iter=1, random_state=0).fit(
        X[:300], y[:300]
    )
    np.testing.assert_array_equal(rbm.components_, full.components_)
    before = rbm.components_.copy()
    with pytest.raises(ValueError, match=r"classes \[11\] not seen in the first call"):
        rbm.partial_fit(X[:3], [1, 2, 11])
    with pytest.raises(ValueError, match="differs from the classes of the first"):
        rbm.partial_fit(X[:3], [1, 2, 3], classes=np.arange(5))
    np.testing.assert_array_equal(rbm.components_, before)
    rbm.partial_fit(X[300:400], y[300:400])  # known classes: one more epoch
    assert rbm.n_iter_ == 2
    unsupervised = ProjectionHopfieldRBM(n_subpatterns=3, binarize=4.0)
    unsupervised.partial_fit(X[:50])
    with pytest.raises(ValueError, match="built without y"):
        unsupervised.partial_fit(X[:3], [0, 1, 2])
