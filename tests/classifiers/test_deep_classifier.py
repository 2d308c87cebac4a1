"""DeepHNNClassifier: training, the front end, the fixed-pattern init,
partial_fit, divergence, GridSearchCV, pickling and the CPU fallback.

Everything runs on small slices of scikit-learn's digits with a few epochs
and one torch thread, so the file takes seconds.
"""

import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from skhopfield import DeepHNNClassifier
from skhopfield.mapping import class_patterns

torch = pytest.importorskip("torch", reason="DeepHNNClassifier needs torch")


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread: these networks are tiny, and more threads only
    contend with other processes."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16.0, y[:600], X[600:900] / 16.0, y[600:900]


def _fit(X, y, **params):
    defaults = dict(patterns_per_class=2, max_epochs=10, random_state=0)
    defaults.update(params)
    return DeepHNNClassifier(**defaults).fit(X, y)


def test_fit_predict_digits(digits):
    X, y, X_test, y_test = digits
    clf = _fit(X, y)
    assert clf.score(X_test, y_test) > 0.85
    proba = clf.predict_proba(X_test)
    assert proba.shape == (len(X_test), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(1)], clf.predict(X_test))
    # the fitted state: one channel over the 64 raw features
    assert clf.n_channels_ == 1 and clf.n_neurons_ == 64 and clf.image_shape_ is None
    assert clf.patterns_.shape == (1, 10, 2, 64)
    assert clf.beta_.shape == (1,) and clf.intercept_.shape == (1, 10)
    np.testing.assert_allclose(clf.channel_weights_, 1.0)
    assert clf.n_iter_ == 10 and len(clf.loss_curve_) == 10
    assert len(clf.accuracy_curve_) == 10
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert all(isinstance(v, np.ndarray) for v in clf.state_dict_.values())
    # 1 log β, 10 biases, 20 patterns of 64 (one channel: no merge weights)
    assert clf.n_parameters_ == 1 + 10 + 20 * 64


def test_string_labels(digits):
    X, y, X_test, _ = digits
    labels = np.array([f"digit {k}" for k in range(10)], dtype=object)
    clf = _fit(X, labels[y], max_epochs=2)
    assert set(clf.predict(X_test)) <= set(labels)


def test_same_seed_same_model(digits):
    X, y, X_test, _ = digits
    a = _fit(X, y, max_epochs=3)
    b = _fit(X, y, max_epochs=3)
    c = _fit(X, y, max_epochs=3, random_state=1)
    for key in a.state_dict_:
        np.testing.assert_array_equal(a.state_dict_[key], b.state_dict_[key])
    np.testing.assert_array_equal(a.predict_proba(X_test), b.predict_proba(X_test))
    assert not np.array_equal(a.patterns_, c.patterns_)


def test_convolutional_front_end(digits):
    X, y, X_test, y_test = digits
    clf = _fit(X, y, conv_channels=3, kernel_size=3, stride=1, padding=1, max_epochs=8)
    assert clf.image_shape_ == (8, 8)
    assert clf.n_channels_ == 3 and clf.n_neurons_ == 64  # 8 x 8 with padding 1
    assert clf.patterns_.shape == (3, 10, 2, 64)
    np.testing.assert_allclose(clf.channel_weights_.sum(axis=1), 1.0)
    assert clf.score(X_test, y_test) > 0.8
    # an explicit image shape gives the same network
    same = _fit(
        X,
        y,
        conv_channels=3,
        kernel_size=3,
        stride=1,
        padding=1,
        max_epochs=8,
        image_shape=(8, 8),
    )
    np.testing.assert_array_equal(same.patterns_, clf.patterns_)


def test_thesis_architecture_has_56440_parameters():
    # Conv(1 -> 5, 4 x 4, stride 2) on 32 x 32 images: 15 x 15 = 225 neurons,
    # then DeepHNN(5, 10, 5, 225) and the convex merge (Magrini Alunno 2025)
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(20, 32 * 32))
    y = np.arange(20) % 10
    clf = DeepHNNClassifier(
        patterns_per_class=5,
        conv_channels=5,
        kernel_size=4,
        stride=2,
        max_epochs=0,
        random_state=0,
    ).fit(X, y)
    assert clf.n_neurons_ == 225
    assert clf.n_parameters_ == 56_440


def test_shape_errors(digits):
    X, y, _, _ = digits
    with pytest.raises(ValueError, match="not a square number"):
        _fit(X[:, :60], y, conv_channels=2)
    with pytest.raises(ValueError, match="holds 60 pixels"):
        _fit(X, y, conv_channels=2, image_shape=(6, 10))
    with pytest.raises(ValueError, match="does not fit"):
        _fit(X, y, conv_channels=2, kernel_size=9)
    with pytest.raises(ValueError, match="pair of positive integers"):
        _fit(X, y, conv_channels=2, image_shape=(8, 8, 1))
    with pytest.raises(ValueError, match="at least 2 classes"):
        _fit(X, np.zeros(len(X)))


def test_class_patterns_init(digits):
    X, y, X_test, y_test = digits
    # without batch norm the patterns are the Ward sub-patterns of X itself
    clf = _fit(X, y, init="class_patterns", batch_norm=False, max_epochs=0)
    expected, labels = class_patterns(X, y, n_subpatterns=2)
    np.testing.assert_allclose(
        clf.patterns_[0].reshape(20, 64), expected, rtol=1e-6, atol=1e-6
    )
    np.testing.assert_array_equal(labels, np.repeat(np.arange(10), 2))
    # with batch norm, those of the normalized X
    clf = _fit(X, y, init="class_patterns", max_epochs=0)
    Z = (X - X.mean()) / np.sqrt(X.var() + 1e-5)
    np.testing.assert_allclose(
        clf.patterns_[0].reshape(20, 64),
        class_patterns(Z, y, n_subpatterns=2)[0],
        rtol=1e-5,
        atol=1e-5,
    )
    assert clf.score(X_test, y_test) > 0.7  # untrained, biases at 0


def test_fixed_patterns_stay_fixed(digits):
    X, y, _, _ = digits
    start = _fit(X, y, init="class_patterns", max_epochs=0, beta=0.5)
    clf = _fit(
        X,
        y,
        init="class_patterns",
        learn_patterns=False,
        learn_beta=False,
        beta=0.5,
        max_epochs=3,
    )
    np.testing.assert_array_equal(clf.patterns_, start.patterns_)
    np.testing.assert_allclose(clf.beta_, 0.5, rtol=1e-6)
    assert np.abs(clf.intercept_).max() > 0  # the biases were trained
    assert clf.n_parameters_ == 10  # the biases
    with pytest.raises(ValueError, match="needs conv_channels=None"):
        _fit(X, y, init="class_patterns", conv_channels=2)
    with pytest.raises(ValueError, match="has 1 samples"):
        _fit(X[:11], y[:11], init="class_patterns")


def test_learning_rate_schedules(digits, capsys):
    X, y, _, _ = digits
    _fit(X, y, max_epochs=4, learning_rate_schedule="step", verbose=1)
    out = capsys.readouterr().out.splitlines()
    assert ["learning rate 0.01," in line for line in out] == [True, True, False, False]
    assert all("learning rate 0.001," in line for line in out[2:])
    clf = _fit(X, y, max_epochs=6, learning_rate_schedule="adaptive", verbose=1)
    out = capsys.readouterr().out.splitlines()
    # the step is halved after every epoch that does not beat the best accuracy
    rates = [float(line.split("learning rate ")[1].split(",")[0]) for line in out]
    acc = clf.accuracy_curve_
    for k in range(1, 6):
        worse = acc[k - 1] <= max(acc[: k - 1], default=-1.0)
        assert rates[k] == pytest.approx(rates[k - 1] / (2 if worse else 1))


def test_partial_fit(digits):
    X, y, X_test, y_test = digits
    clf = DeepHNNClassifier(patterns_per_class=2, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    assert not hasattr(clf, "classes_")
    # the first batch lacks the 9s: classes fixes the output anyway
    first = y != 9
    clf.partial_fit(X[first], y[first], classes=np.arange(10))
    assert clf.n_iter_ == 1 and clf.classes_.tolist() == list(range(10))
    for _ in range(5):
        clf.partial_fit(X, y)
    assert clf.n_iter_ == 6 and len(clf.loss_curve_) == 6
    assert clf.score(X_test, y_test) > 0.8
    before = pickle.dumps(clf)
    with pytest.raises(ValueError, match="not in classes"):
        clf.partial_fit(X, y + 1)
    with pytest.raises(ValueError, match="not the same as classes_"):
        clf.partial_fit(X, y, classes=np.arange(11))
    clf.set_params(patterns_per_class=3)
    with pytest.raises(ValueError, match="patterns_per_class changed"):
        clf.partial_fit(X, y)
    clf.set_params(patterns_per_class=2)
    assert pickle.dumps(clf) == before


def test_divergence_is_an_error_and_leaves_the_model(digits):
    X, y, X_test, _ = digits
    clf = _fit(X, y, max_epochs=2)
    before = pickle.dumps(clf)
    proba = clf.predict_proba(X_test)
    clf.set_params(learning_rate=1e30)
    with pytest.raises(ValueError, match="training diverged in epoch 1"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match="training diverged"):
        clf.partial_fit(X, y)
    clf.set_params(learning_rate=0.01)
    assert pickle.dumps(clf) == before
    np.testing.assert_array_equal(clf.predict_proba(X_test), proba)
    with pytest.raises(ValueError, match="beyond the float32 range"):
        clf.fit(X * 1e300, y)


def test_grid_search_over_beta_and_patterns(digits):
    X, y, X_test, y_test = digits
    search = GridSearchCV(
        DeepHNNClassifier(max_epochs=4, random_state=0),
        {"beta": [0.5, 2.0], "patterns_per_class": [1, 2]},
        cv=2,
    ).fit(X[:400], y[:400])
    assert set(search.best_params_) == {"beta", "patterns_per_class"}
    assert len(search.cv_results_["mean_test_score"]) == 4
    assert search.score(X_test, y_test) > 0.7


def test_pickle_predicts_in_a_cpu_only_process(digits, tmp_path):
    X, y, X_test, _ = digits
    clf = _fit(X, y, conv_channels=2, kernel_size=3, stride=1, max_epochs=2)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(clf))
    np.save(tmp_path / "X.npy", X_test)
    code = textwrap.dedent(f"""
        import pickle, sys
        import numpy as np
        import torch
        assert not torch.cuda.is_available()
        clf = pickle.loads(open({str(path)!r}, "rb").read())
        np.save({str(tmp_path / "proba.npy")!r},
                clf.predict_proba(np.load({str(tmp_path / "X.npy")!r})))
    """)
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", OMP_NUM_THREADS="1")
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    np.testing.assert_array_equal(
        np.load(tmp_path / "proba.npy"), clf.predict_proba(X_test)
    )


def test_missing_cuda_falls_back_to_the_cpu(digits):
    if torch.cuda.is_available():
        pytest.skip("CUDA is available: no fallback to test")
    X, y, X_test, _ = digits
    with pytest.warns(RuntimeWarning, match="falling back to the CPU"):
        clf = _fit(X, y, max_epochs=2, device="cuda")
    cpu = _fit(X, y, max_epochs=2)
    with pytest.warns(RuntimeWarning, match="falling back to the CPU"):
        proba = clf.predict_proba(X_test)
    np.testing.assert_array_equal(proba, cpu.predict_proba(X_test))
    with pytest.raises(ValueError, match="not a valid torch device"):
        _fit(X, y, max_epochs=1, device="not-a-device")
