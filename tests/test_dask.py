"""Scaling out with Dask: searches, out-of-core training, AIS and the PoE
experts on a (here in-process) ``distributed`` cluster.

Skipped when the ``dask`` extra (``pip install skhopfield[dask]``) is absent.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
dask_ml_wrappers = pytest.importorskip("dask_ml.wrappers")
joblib = pytest.importorskip("joblib")

from skhopfield import (  # noqa: E402
    RAPIDRBM,
    GaussianRBM,
    HopfieldPoEClassifier,
    ProjectionHopfieldRBM,
    SpinRBM,
)

#: The timing columns of cv_results_ (the only ones that may differ).
TIMING = {"mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"}


@pytest.fixture(scope="module")
def client():
    """An in-process cluster (threads of this process, no subprocesses)."""
    with warnings.catch_warnings():
        # distributed warns about the dashboard port when 8787 is taken
        warnings.simplefilter("ignore")
        c = distributed.Client(
            processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
        )
    yield c
    c.close()


def _digits(n_per_class=40, n_classes=3, n_features=16, seed=0):
    """``n_classes`` classes of noisy ±1 images, each class drawn from three
    prototypes (so that the Ward sub-patterns of a class differ)."""
    rng = np.random.RandomState(seed)
    protos = rng.choice([-1.0, 1.0], size=(n_classes, 3, n_features))
    y = np.repeat(np.arange(n_classes), n_per_class)
    X = protos[y, rng.randint(0, 3, size=y.size)]
    flips = rng.rand(y.size, n_features) < 0.1
    return np.where(flips, -X, X), y


def _same_cv_results(a, b):
    assert a.keys() == b.keys()
    for key in a.keys() - TIMING:
        if key == "params":
            assert a[key] == b[key]
        else:
            assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)


def _search_on_cluster(search, X, y):
    serial = clone(search).fit(X, y)
    with joblib.parallel_config(backend="dask"):
        on_cluster = clone(search).fit(X, y)
    _same_cv_results(serial.cv_results_, on_cluster.cv_results_)
    assert serial.best_params_ == on_cluster.best_params_


def test_grid_search_rbm_pipeline_on_cluster(client):
    X, y = _digits()
    pipe = make_pipeline(
        GaussianRBM(n_components=3, n_iter=2, learning_rate=1e-2, random_state=0),
        LogisticRegression(max_iter=500),
    )
    grid = {"gaussianrbm__beta": [0.5, 2.0], "gaussianrbm__n_components": [2, 4]}
    _search_on_cluster(GridSearchCV(pipe, grid, cv=3), X, y)


def test_grid_search_poe_on_cluster(client):
    X, y = _digits()
    poe = HopfieldPoEClassifier(n_components=2, n_iter=1, random_state=0)
    grid = {"n_components": [1, 3], "beta": [1.0, 4.0]}
    _search_on_cluster(GridSearchCV(poe, grid, cv=3), X, y)


def test_poe_experts_run_on_cluster(client):
    X, y = _digits()
    poe = HopfieldPoEClassifier(n_components=2, n_iter=1, random_state=0)
    serial = clone(poe).fit(X, y)
    with (
        distributed.get_task_stream(client) as stream,
        joblib.parallel_config(backend="dask"),
    ):
        on_cluster = clone(poe).set_params(n_jobs=-1).fit(X, y)
    keys = [str(task["key"]) for task in stream.data]
    assert any("_fit_expert" in key for key in keys), keys
    for a, b in zip(serial.experts_, on_cluster.experts_, strict=True):
        assert_array_equal(a.components_, b.components_)
    assert_array_equal(serial.predict_proba(X), on_cluster.predict_proba(X))


def _fitted_arrays(est):
    return {
        key: value
        for key, value in vars(est).items()
        if key.endswith("_")
        and not key.startswith("_")
        and isinstance(value, np.ndarray)
    }


@pytest.mark.parametrize(
    "estimator, supervised",
    [
        (
            GaussianRBM(
                n_components=3, learning_rate=1e-2, batch_size=10, random_state=0
            ),
            False,
        ),
        (SpinRBM(n_components=3, batch_size=10, random_state=0), False),
        (RAPIDRBM(n_patterns=3, n_components=4, batch_size=10, random_state=0), False),
        (
            ProjectionHopfieldRBM(
                n_subpatterns=2, learning_rate=1e-2, batch_size=10, random_state=0
            ),
            True,
        ),
    ],
    ids=lambda p: type(p).__name__ if not isinstance(p, bool) else "",
)
def test_incremental_equals_serial_partial_fit(client, estimator, supervised):
    X, y = _digits(n_per_class=30)
    order = np.random.RandomState(1).permutation(y.size)  # mixed classes per block
    X, y = X[order], y[order]
    chunk = 30
    dX = da.from_array(X, chunks=(chunk, X.shape[1]))
    dy = da.from_array(y, chunks=chunk)
    kwargs = {"classes": np.unique(y)} if supervised else {}

    serial = clone(estimator)
    for start in range(0, y.size, chunk):
        block = slice(start, start + chunk)
        serial.partial_fit(X[block], y[block], **kwargs)

    inc = dask_ml_wrappers.Incremental(clone(estimator), shuffle_blocks=False)
    inc.fit(dX, dy if supervised else None, **kwargs)
    fitted = inc.estimator_

    assert fitted.n_iter_ == serial.n_iter_ == dX.numblocks[0]
    expected = _fitted_arrays(serial)
    got = _fitted_arrays(fitted)
    assert expected.keys() == got.keys() and expected
    for key in expected:
        assert_array_equal(got[key], expected[key], err_msg=key)


def test_parallel_post_fit_transforms_lazily_block_by_block(client):
    X, _ = _digits()
    rbm = GaussianRBM(n_components=3, n_iter=2, learning_rate=1e-2, random_state=0)
    rbm.fit(X)
    dX = da.from_array(X, chunks=(30, X.shape[1]))
    meta = np.empty((0, 3), dtype=np.float64)
    wrapped = dask_ml_wrappers.ParallelPostFit(rbm, transform_meta=meta)
    H = wrapped.transform(dX)
    assert isinstance(H, da.Array)  # nothing computed yet
    assert H.numblocks[0] == dX.numblocks[0] == 4  # one task per block
    out = H.compute()
    assert out.shape == (X.shape[0], 3)
    assert_array_equal(out, rbm.transform(X))


@pytest.mark.parametrize(
    "Estimator, exact",
    [(GaussianRBM, {"exact_max_features": 20}), (SpinRBM, {"exact_max_units": 2})],
)
def test_ais_chains_split_over_the_cluster(client, Estimator, exact):
    # beyond exact enumeration: ln Z by AIS, 600 chains in 3 groups
    X, _ = _digits(n_features=30)
    params = dict(
        n_components=3,
        n_iter=1,
        n_ais_chains=600,
        n_ais_betas=40,
        random_state=0,
        **exact,
    )
    serial = Estimator(**params).fit(X)
    log_Z = serial.log_partition()
    with (
        distributed.get_task_stream(client) as stream,
        joblib.parallel_config(backend="dask"),
    ):
        on_cluster = Estimator(**params).fit(X)
        assert on_cluster.log_partition() == log_Z
        assert on_cluster.score(X) == serial.score(X)
    assert any("_ais_log_weights" in str(task["key"]) for task in stream.data)
