"""Learning rules against their definitions."""

import numpy as np
import pytest

from skhopfield.hopfield import _rules


def _patterns(p, n, seed=0):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(p, n))


def test_hebbian_definition():
    xi = _patterns(4, 9)
    J = _rules.hebbian(xi)
    n = xi.shape[1]
    for i in range(n):
        for j in range(n):
            expected = 0.0 if i == j else sum(x[i] * x[j] for x in xi) / n
            assert J[i, j] == pytest.approx(expected)
    assert np.allclose(np.diag(_rules.hebbian(xi, zero_diagonal=False)), 4 / 9)


def test_projection_is_projector_onto_pattern_span():
    xi = _patterns(5, 12)
    J = _rules.projection(xi, zero_diagonal=False)
    expected = xi.T @ np.linalg.pinv(xi @ xi.T) @ xi
    np.testing.assert_allclose(J, expected, atol=1e-12)
    np.testing.assert_allclose(J @ xi.T, xi.T, atol=1e-12)
    np.testing.assert_allclose(J, J.T)


def test_projection_handles_duplicate_and_dependent_patterns():
    xi = _patterns(4, 16)
    dependent = np.vstack([xi, xi[:2], -xi[3:4]])  # duplicates and a sign flip
    J = _rules.projection(dependent, zero_diagonal=False)
    np.testing.assert_allclose(
        J, _rules.projection(xi, zero_diagonal=False), atol=1e-12
    )
    assert np.isfinite(J).all()
    assert np.linalg.matrix_rank(J) == 4


def test_storkey_matches_definition_loop():
    xi = _patterns(5, 8, seed=3)
    n = xi.shape[1]
    W = np.zeros((n, n))
    for x in xi:
        new = W.copy()
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                h_ij = sum(W[i, k] * x[k] for k in range(n) if k not in (i, j))
                h_ji = sum(W[j, k] * x[k] for k in range(n) if k not in (i, j))
                new[i, j] = W[i, j] + (x[i] * x[j] - x[i] * h_ji - h_ij * x[j]) / n
        W = new
    np.testing.assert_allclose(_rules.storkey(xi), W, atol=1e-12)
    np.testing.assert_allclose(W, W.T, atol=1e-12)


def test_perceptron_reaches_margin_beyond_hebbian_capacity():
    n = 100
    xi = _patterns(50, n, seed=1)  # P/N = 0.5: far beyond Hebb's rule
    J, epochs, converged = _rules.perceptron(xi, margin=0.5, n_iter=2000)
    assert converged
    np.testing.assert_allclose(J, J.T)
    assert np.all(np.diag(J) == 0)
    stability = xi * (xi @ J) / np.linalg.norm(J, axis=1)
    assert stability.min() >= 0.5
    # Hebb's rule alone does not store them
    H = _rules.hebbian(xi)
    assert (np.sign(xi @ H) != xi).any()


def test_perceptron_reports_failure_beyond_capacity():
    xi = _patterns(30, 10)
    J, epochs, converged = _rules.perceptron(xi, margin=1.0, n_iter=20)
    assert not converged and epochs == 20


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_projection_zeros_are_exact(dtype):
    # patterns that span every state: J is the identity, with no rounding
    # noise off the diagonal (noise there would steer the zero-diagonal
    # dynamics at random)
    J = _rules.projection(_patterns(70, 64).astype(dtype), zero_diagonal=False)
    assert J.dtype == dtype
    np.testing.assert_array_equal(J - np.diag(np.diag(J)), 0.0)
    np.testing.assert_allclose(np.diag(J), 1.0, atol=1e-5)
    # a unit whose axis lies in the span (two pairs differing in unit 0 only)
    x, y = _patterns(2, 32, seed=4)
    xi = np.array([x, y, x, y])
    xi[2:, 0] *= -1
    J = _rules.projection(xi.astype(dtype))
    np.testing.assert_array_equal(J[0], 0.0)
    np.testing.assert_array_equal(J[:, 0], 0.0)
    assert (J[1:, 1:] != 0).any()
