"""Fixtures shared by the tests of ``tests/``.

The tests run with ``--import-mode=importlib`` and ``tests/`` is not a
package, so test modules cannot import each other (nor this file): the shared
helpers are fixtures. A fixture that stands for a helper function returns the
function, e.g.::

    def test_normalized(all_states, make_model):
        W, b, c = make_model(0, 4, 3)
        V = all_states(4)                     # every ±1 state of 4 units

A test module that defines a function or fixture of the same name keeps its
own (pytest prefers the closer definition).

Every helper is written out independently of the library (itertools, plain
NumPy and SciPy), so that it can serve as a reference for it.
"""

import itertools

import numpy as np
import pytest
from scipy import stats


# -- torch ---------------------------------------------------------------------
@pytest.fixture
def torch_one_thread():
    """torch, limited to one intra-op thread (restored afterwards); skips the
    test where torch is not installed.

    The tensors of the tests are tiny: thread start-up would dominate, badly
    so on a busy machine.
    """
    torch = pytest.importorskip("torch")
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(n_threads)


# -- enumeration ---------------------------------------------------------------
def _all_states(n_units, low=-1.0):
    """Every state of ``n_units`` two-valued units (values ``low`` and 1), one
    per row, in the order of :func:`itertools.product` (the first unit is
    the most significant)."""
    return np.array(list(itertools.product([float(low), 1.0], repeat=n_units)))


@pytest.fixture
def all_states():
    """``all_states(n_units, low=-1.0)``: the (2**n_units, n_units) array of
    every state of two-valued units; ``low=0.0`` for {0, 1} units."""
    return _all_states


def _make_model(seed, n_visible, n_hidden, scale=0.5, bias_scale=0.3):
    """Random RBM parameters ``(W, b, c)``: ``W`` of shape (n_visible,
    n_hidden) with N(0, scale²) entries, biases with N(0, bias_scale²)."""
    rng = np.random.RandomState(seed)
    return (
        scale * rng.randn(n_visible, n_hidden),
        bias_scale * rng.randn(n_visible),
        bias_scale * rng.randn(n_hidden),
    )


@pytest.fixture
def make_model():
    """``make_model(seed, n_visible, n_hidden, scale=0.5, bias_scale=0.3)``
    → ``(W, b, c)``, random parameters of a small RBM."""
    return _make_model


def _structured_spins(n_samples, n_features, seed=0, noise=0.1, n_prototypes=2):
    """±1 data: noisy copies of ``n_prototypes`` random ±1 prototypes (each
    entry flipped with probability ``noise``)."""
    rng = np.random.RandomState(seed)
    protos = rng.choice([-1.0, 1.0], size=(n_prototypes, n_features))
    X = protos[rng.randint(n_prototypes, size=n_samples)]
    return np.where(rng.rand(n_samples, n_features) < noise, -X, X)


@pytest.fixture
def structured_spins():
    """``structured_spins(n_samples, n_features, seed=0, noise=0.1,
    n_prototypes=2)``: ±1 data with structure an RBM can learn."""
    return _structured_spins


# -- goodness of fit -----------------------------------------------------------
def _chi_square_pvalue(samples, states, log_p, min_expected=5.0):
    """P-value of the chi-square test of ``samples`` against the exact
    distribution ``exp(log_p)`` over the rows of ``states``.

    ``states`` lists every state once (in any order) and ``log_p`` its
    normalized log-probability; bins whose expected count is below
    ``min_expected`` are merged into one. A sample that is not a row of
    ``states`` raises ``ValueError``.
    """
    # + 0.0 turns -0.0 into 0.0, which has other bytes
    states = np.asarray(states, dtype=np.float64) + 0.0
    samples = np.asarray(samples, dtype=np.float64) + 0.0
    index = {row.tobytes(): i for i, row in enumerate(states)}
    try:
        codes = np.array([index[row.tobytes()] for row in samples])
    except KeyError as exc:
        raise ValueError("a sample is not one of the enumerated states") from exc
    observed = np.bincount(codes, minlength=len(states))
    expected = np.exp(np.asarray(log_p, dtype=np.float64)) * len(samples)
    rare = expected < min_expected
    obs = np.append(observed[~rare], observed[rare].sum())
    exp = np.append(expected[~rare], expected[rare].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    return stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue


@pytest.fixture
def chi_square_pvalue():
    """``chi_square_pvalue(samples, states, log_p, min_expected=5.0)``: the
    p-value of the samples' chi-square test against the exact distribution
    ``exp(log_p)`` over the rows of ``states``."""
    return _chi_square_pvalue
