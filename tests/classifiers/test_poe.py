"""Tests of HopfieldPoEClassifier (Smart & Zilman (2021) §3.2, Fig. 5)."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from skhopfield import GaussianRBM, ProjectionHopfieldRBM
from skhopfield.classifiers import HopfieldPoEClassifier
from skhopfield.classifiers._poe import _expert_feature

pytestmark = pytest.mark.filterwarnings(
    # tiny data make degenerate Ward patterns; ProjectionHopfieldRBM says so
    "ignore:.*orthonormal basis of their span:UserWarning"
)


def _blobs(n_per_class=40, n_features=12, n_classes=3, seed=0):
    """±1 data: noisy copies (10% flips) of one random prototype per class."""
    rng = np.random.RandomState(seed)
    prototypes = rng.choice([-1.0, 1.0], size=(n_classes, n_features))
    y = np.repeat(np.arange(n_classes), n_per_class)
    flips = np.where(rng.rand(y.size, n_features) < 0.1, -1.0, 1.0)
    X = prototypes[y] * flips
    order = rng.permutation(y.size)
    return X[order], y[order]


# -- the features (Eq. 16 with the ½) ------------------------------------------
@pytest.mark.parametrize("init", ["hopfield", "random"])
def test_transform_is_half_squared_projection(init):
    X, y = _blobs()
    clf = HopfieldPoEClassifier(
        n_components=3,
        init=init,
        n_iter=2,
        cd_steps=1,
        learning_rate=1e-2,
        random_state=0,
    ).fit(X, y)
    F = clf.transform(X)
    assert F.shape == (X.shape[0], 3)
    for mu, expert in enumerate(clf.experts_):
        # the seed holds the biases at 0: f = ½‖Wᵀs‖²
        assert_array_equal(expert.intercept_visible_, 0.0)
        assert_array_equal(expert.intercept_hidden_, 0.0)
        W = expert.components_.T
        assert_allclose(F[:, mu], 0.5 * ((X @ W) ** 2).sum(axis=1), rtol=1e-12)


def test_expert_feature_with_biases_is_log_probability_over_beta():
    # ½‖Wᵀs + c‖² − ½‖c‖² + bᵀs, and (ln p(s) + ln Z) / β through the
    # expert's own score_samples (exact ln Z: 10 visible units)
    X, _ = _blobs(n_features=10)
    beta = 1.7
    rbm = GaussianRBM(
        n_components=3,
        beta=beta,
        n_iter=3,
        cd_steps=1,
        learning_rate=5e-2,
        fit_intercept=True,
        binarize=None,
        random_state=0,
        dtype="float64",
    ).fit(X)
    W, b, c = rbm.components_.T, rbm.intercept_visible_, rbm.intercept_hidden_
    assert np.abs(b).max() > 0 and np.abs(c).max() > 0
    f = _expert_feature(X, rbm)
    expected = 0.5 * ((X @ W + c) ** 2).sum(1) - 0.5 * (c @ c) + X @ b
    assert_allclose(f, expected, rtol=1e-10)
    log_Z, std_error = rbm.log_partition()
    assert std_error == 0.0
    assert_allclose(f, (rbm.score_samples(X) + log_Z) / beta, rtol=1e-10)


def test_untrained_hopfield_experts_are_ward_subpatterns_of_their_class():
    X, y = _blobs()
    clf = HopfieldPoEClassifier(n_components=2).fit(X, y)
    for label, expert in zip(clf.classes_, clf.experts_, strict=True):
        ref = ProjectionHopfieldRBM(n_subpatterns=2, binarize=None).fit(X[y == label])
        assert_allclose(expert.components_, ref.components_)
        assert expert.n_iter_ == 0


# -- prediction API --------------------------------------------------------------
@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_proba_decision_function_shapes_and_consistency(n_classes):
    X, y = _blobs(n_classes=n_classes)
    clf = HopfieldPoEClassifier(n_components=3).fit(X, y)
    n = X.shape[0]
    pred = clf.predict(X)
    proba = clf.predict_proba(X)
    decision = clf.decision_function(X)
    assert pred.shape == (n,)
    assert proba.shape == (n, n_classes)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(clf.predict_log_proba(X), np.log(proba))
    assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    if n_classes == 2:
        assert decision.shape == (n,)
        assert_array_equal(pred, clf.classes_[(decision > 0).astype(int)])
    else:
        assert decision.shape == (n, n_classes)
        assert_array_equal(pred, clf.classes_[decision.argmax(axis=1)])
    assert clf.score(X, y) == np.mean(pred == y)
    assert clf.score(X, y) > 0.85  # measured: 0.93 (3 classes), 1.0 (2)
    assert_array_equal(clf.final_estimator_.classes_, clf.classes_)


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["cat", "dog", "emu"]),
        np.array([-3, 7, 100]),
        np.array([1.0, 5.0, 9.0]),
    ],
    ids=["strings", "non-contiguous-int", "integral-float"],
)
def test_any_labels(labels):
    X, y = _blobs()
    ref = HopfieldPoEClassifier(n_components=3).fit(X, y)
    clf = HopfieldPoEClassifier(n_components=3).fit(X, labels[y])
    assert_array_equal(clf.classes_, labels)
    assert_array_equal(clf.predict(X), labels[ref.predict(X)])
    assert_allclose(clf.predict_proba(X), ref.predict_proba(X))
    assert_allclose(clf.transform(X), ref.transform(X))


def test_class_with_fewer_samples_than_components_raises():
    X, y = _blobs()
    labels = np.array(["ant", "bee", "cow"])[y]
    keep = np.ones(len(y), dtype=bool)
    keep[np.flatnonzero(labels == "bee")[3:]] = False  # 3 bees left
    with pytest.raises(
        ValueError,
        match=r"class 'bee' has 3 training samples, "
        r"fewer than n_components=4",
    ):
        HopfieldPoEClassifier(n_components=4).fit(X[keep], labels[keep])
    with pytest.raises(ValueError, match="n_components=4"):
        HopfieldPoEClassifier(n_components=4, init="random").fit(X[keep], labels[keep])
    HopfieldPoEClassifier(n_components=3).fit(X[keep], labels[keep])  # enough


def test_one_class_raises():
    X, _ = _blobs()
    with pytest.raises(ValueError, match="at least 2 classes; got 1 class"):
        HopfieldPoEClassifier(n_components=1).fit(X, np.full(len(X), "a"))


def test_infinite_input_raises_without_a_warning():
    # fuzz finding: +inf and -inf together in X or y made scikit-learn's
    # finiteness test (a sum) warn "invalid value encountered in reduce"
    X, y = _blobs()
    X_inf = X.copy()
    X_inf[0, 0], X_inf[1, 1] = np.inf, -np.inf
    y_inf = y.astype(float)
    y_inf[:2] = [np.inf, -np.inf]
    clf = HopfieldPoEClassifier(n_components=2).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="X contains infinity"):
            HopfieldPoEClassifier(n_components=2).fit(X_inf, y)
        with pytest.raises(ValueError, match="y contains infinity"):
            HopfieldPoEClassifier(n_components=2).fit(X, y_inf)
        with pytest.raises(ValueError, match="X contains infinity"):
            clf.predict(X_inf)


def test_float32_features_with_huge_beta():
    # fuzz finding: the features were ln p*(s) / β = (β·f) / β, which
    # overflowed float32 for β beyond its range ("overflow encountered in
    # cast"); they are f itself, the same at every β
    X, y = _blobs()
    ref = HopfieldPoEClassifier(n_components=2).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        clf = HopfieldPoEClassifier(n_components=2, beta=1e300).fit(
            X.astype(np.float32), y
        )
        F = clf.transform(X.astype(np.float32))
    assert F.dtype == np.float32
    assert_allclose(F, ref.transform(X), rtol=1e-6, atol=1e-5)


def test_binarize():
    X, y = _blobs()
    bytes_ = np.where(X > 0, 200, 10)
    ref = HopfieldPoEClassifier(n_components=2, binarize=None).fit(X, y)
    clf = HopfieldPoEClassifier(n_components=2, binarize=100).fit(bytes_, y)
    assert_allclose(clf.transform(bytes_), ref.transform(X))
    with pytest.raises(ValueError, match="only -1 and \\+1"):
        HopfieldPoEClassifier(binarize=None).fit(bytes_, y)
    for expert in clf.experts_:  # the experts receive spins
        assert expert.binarize is None


def test_set_output_pandas_does_not_reach_the_final_estimator():
    pd = pytest.importorskip("pandas")
    X, y = _blobs()
    clf = HopfieldPoEClassifier(n_components=2).set_output(transform="pandas")
    clf.fit(X, y)
    F = clf.transform(X)
    assert isinstance(F, pd.DataFrame)
    assert list(F.columns) == [f"hopfieldpoeclassifier{i}" for i in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no feature-name mismatch warning
        clf.predict_proba(X)


def test_float32_stays_float32():
    X, y = _blobs()
    clf = HopfieldPoEClassifier(n_components=2).fit(X.astype(np.float32), y)
    assert clf.transform(X.astype(np.float32)).dtype == np.float32
    assert clf.experts_[0].components_.dtype == np.float32


# -- experts, seeds, parallelism --------------------------------------------------
def test_experts_are_fitted_estimators():
    X, y = _blobs()
    for init, Expert in [("hopfield", ProjectionHopfieldRBM), ("random", GaussianRBM)]:
        clf = HopfieldPoEClassifier(
            n_components=2, init=init, n_iter=1, cd_steps=1, random_state=0
        ).fit(X, y)
        assert len(clf.experts_) == 3
        for expert in clf.experts_:
            assert type(expert) is Expert
            check_is_fitted(expert)
            assert expert.components_.shape == (2, X.shape[1])
            assert expert.n_iter_ == 1
            assert np.isfinite(expert.score(X))  # exact ln Z (12 units)
            samples = expert.sample(4, n_steps=5, random_state=0)
            assert samples.shape == (4, X.shape[1])
            assert set(np.unique(samples)) <= {-1.0, 1.0}
        # each expert gives the highest likelihood to its own class
        own = [clf.experts_[mu].score(X[y == mu]) for mu in range(3)]
        other = [clf.experts_[mu].score(X[y != mu]) for mu in range(3)]
        if init == "hopfield":
            assert all(o > t for o, t in zip(own, other, strict=True))


def test_each_expert_gets_its_own_seed():
    X, y = _blobs()
    # the same data for every class: only the seeds differ between experts
    X3 = np.vstack([X, X, X])
    y3 = np.repeat([0, 1, 2], len(X))
    clf = HopfieldPoEClassifier(n_components=2, init="random", random_state=0).fit(
        X3, y3
    )
    W = [e.components_ for e in clf.experts_]
    assert not np.allclose(W[0], W[1])
    assert len({e.random_state for e in clf.experts_}) == 3


def test_n_jobs_does_not_change_the_result():
    X, y = _blobs()
    params = dict(
        n_components=2,
        init="random",
        n_iter=2,
        cd_steps=2,
        learning_rate=1e-2,
        random_state=42,
    )
    one = HopfieldPoEClassifier(n_jobs=1, **params).fit(X, y)
    two = HopfieldPoEClassifier(n_jobs=2, **params).fit(X, y)
    for a, b in zip(one.experts_, two.experts_, strict=True):
        assert_array_equal(a.components_, b.components_)
    assert_array_equal(one.predict_proba(X), two.predict_proba(X))
    # and the same seed gives the same model again
    again = HopfieldPoEClassifier(n_jobs=1, **params).fit(X, y)
    assert_array_equal(again.transform(X), one.transform(X))


def test_final_estimator_is_cloned_and_replaceable():
    X, y = _blobs()
    knn = KNeighborsClassifier(n_neighbors=3)
    clf = HopfieldPoEClassifier(n_components=2, final_estimator=knn).fit(X, y)
    assert clf.final_estimator_ is not knn
    assert not hasattr(knn, "classes_")
    assert isinstance(clf.final_estimator_, KNeighborsClassifier)
    assert clf.predict_proba(X).shape == (len(X), 3)
    assert not hasattr(clf, "decision_function")  # KNN has none
    svc = HopfieldPoEClassifier(n_components=2, final_estimator=LinearSVC())
    assert not hasattr(svc, "predict_proba")
    assert svc.fit(X, y).decision_function(X).shape == (len(X), 3)


# -- digits -----------------------------------------------------------------------
def test_digits_one_shot_hopfield_accuracy():
    """k = 10 untrained Hopfield experts on the bundled digits.

    Measured: 0.933 test accuracy on this split (0.91-0.94 over five
    stratified splits; untrained random experts give 0.54-0.61).
    """
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, random_state=0, stratify=y
    )
    clf = HopfieldPoEClassifier(n_components=10, binarize=4.0)
    assert clf.fit(X_train, y_train).score(X_test, y_test) >= 0.92
    rand = clone(clf).set_params(init="random", random_state=0)
    assert rand.fit(X_train, y_train).score(X_test, y_test) < 0.8


def test_grid_search_over_n_components_and_beta_in_parallel():
    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    search = GridSearchCV(
        HopfieldPoEClassifier(binarize=4.0, n_iter=1, cd_steps=2, random_state=0),
        {"n_components": [2, 10], "beta": [1.0, 2.0]},
        cv=2,
        n_jobs=2,
    ).fit(X, y)
    assert search.best_params_["n_components"] == 10
    assert search.best_score_ > 0.75  # measured: 0.82
    assert len(search.best_estimator_.experts_) == 10
    assert search.best_estimator_.experts_[0].components_.shape == (10, 64)


# -- scikit-learn conformance -----------------------------------------------------


# sklearn's estimator, parameter and output checks run on this classifier in
# tests/test_common.py, with every other public estimator.
