"""Hopfield ↔ RBM mapping (skhopfield.mapping) against brute force.

Smart & Zilman (2021) §2, App. B and App. D: the exact map of a
projection Hopfield network onto a binary-gaussian RBM is checked by
enumerating every visible state; the approximate reverse map on weights
built from known patterns.
"""

import numpy as np
import pytest
from scipy import linalg
from scipy.stats import ortho_group
from sklearn.cluster import AgglomerativeClustering
from sklearn.utils import Bunch

from skhopfield import HopfieldMemory
from skhopfield.energy.ising import Ising
from skhopfield.energy.layers import Gaussian, Spin, states
from skhopfield.energy.rbm import RBM
from skhopfield.hopfield import _rules
from skhopfield.mapping import (
    class_patterns,
    hopfield_to_rbm,
    lowdin,
    orthogonalize,
    rbm_to_hopfield,
    reverse_map_conditions,
)

METHODS = ["qr", "svd", "sqrt"]
BETAS = [0.5, 1.0, 2.0]


def random_patterns(p, n, seed):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(p, n))


def correlated_patterns(p, n, flip, seed):
    """Patterns that each flip a fraction ``flip`` of a common prototype."""
    rng = np.random.RandomState(seed)
    prototype = rng.choice([-1.0, 1.0], size=n)
    return np.where(rng.rand(p, n) < flip, -prototype, prototype)


def assert_same_up_to_order_and_sign(A, B):
    """Rows of A are the rows of B, permuted and sign-flipped."""
    assert A.shape == B.shape
    match = np.abs(A @ B.T) == A.shape[1]
    assert (match.sum(axis=1) == 1).all() and (match.sum(axis=0) == 1).all(), match


# -- HN → RBM: orthogonalize / hopfield_to_rbm --------------------------------
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n, p, seed", [(8, 3, 0), (10, 5, 1), (12, 7, 2), (12, 11, 3)])
def test_orthogonalize_gives_orthonormal_basis_of_projection(method, n, p, seed):
    xi = random_patterns(p, n, seed)
    W = orthogonalize(xi, method=method)
    assert W.shape == (n, p)
    np.testing.assert_allclose(W.T @ W, np.eye(p), atol=1e-12)
    J = _rules.projection(xi, zero_diagonal=False)
    np.testing.assert_allclose(W @ W.T, J, atol=1e-12)
    J_def = xi.T @ np.linalg.inv(xi @ xi.T) @ xi  # ξ(ξᵀξ)⁻¹ξᵀ, Eq. 1
    np.testing.assert_allclose(W @ W.T, J_def, atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("beta", BETAS)
def test_rbm_marginal_is_hopfield_boltzmann_distribution(method, beta):
    """Eq. 5: the RBM with W, b = c = 0 has p(s) ∝ exp(−β H(s)), J = W Wᵀ."""
    n, p = 10, 3
    xi = random_patterns(p, n, seed=4)
    W = hopfield_to_rbm(xi, method=method)
    table = states(0, 2**n, n, np.empty(0))
    rbm = RBM(Spin(np.zeros(n)), Gaussian(np.zeros(p)), W, beta)
    log_p_rbm = rbm.log_prob(table)
    J = _rules.projection(xi, zero_diagonal=False)
    J0 = _rules.projection(xi, zero_diagonal=True)
    for couplings in (J, J0):  # with and without the diagonal
        states_h, log_p_hn = Ising(Spin(np.zeros(n)), couplings, beta).log_prob_table()
        np.testing.assert_array_equal(states_h, table)
        np.testing.assert_allclose(log_p_rbm, log_p_hn, atol=1e-10)


def test_diagonal_is_a_constant_for_spins():
    """sᵀ diag(J) s = trace(J) = p for every ±1 state: E shifts by p / 2."""
    n, p = 10, 4
    xi = random_patterns(p, n, seed=5)
    W = hopfield_to_rbm(xi)
    J = W @ W.T
    table = states(0, 2**n, n, np.empty(0))
    diag_term = (table**2) @ np.diag(J)
    np.testing.assert_allclose(diag_term, p, atol=1e-12)
    np.testing.assert_allclose(np.trace(J), p, atol=1e-12)
    J0 = J - np.diag(np.diag(J))
    no_fields = Spin(np.zeros(n))
    shift = Ising(no_fields, J0).energy(table) - Ising(no_fields, J).energy(table)
    np.testing.assert_allclose(shift, p / 2, atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stored_patterns_are_fixed_points(method, seed):
    n, p = 12, 5
    xi = random_patterns(p, n, seed)
    W = hopfield_to_rbm(xi, method=method)
    J = W @ W.T
    for zero_diagonal in (False, True):
        Jd = J - np.diag(np.diag(J)) if zero_diagonal else J
        np.testing.assert_array_equal(np.sign(xi @ Jd), xi)


def test_qr_has_positive_diagonal_and_first_column_is_first_pattern():
    xi = correlated_patterns(4, 16, flip=0.3, seed=6)
    W = orthogonalize(xi, method="qr")
    np.testing.assert_allclose(W[:, 0], xi[0] / np.sqrt(16), atol=1e-12)
    R = W.T @ xi.T  # ξ = Q R in the paper's orientation
    np.testing.assert_allclose(W @ R, xi.T, atol=1e-12)
    np.testing.assert_allclose(np.tril(R, -1), 0, atol=1e-12)
    assert (np.diag(R) > 0).all()
    # unique: the same Q from a differently signed LAPACK factorization
    Q, _ = np.linalg.qr(-xi.T)
    np.testing.assert_allclose(np.abs(Q), np.abs(W), atol=1e-12)


def test_svd_and_sqrt_definitions():
    xi = correlated_patterns(5, 14, flip=0.25, seed=7)
    U, s, Vt = np.linalg.svd(xi.T, full_matrices=False)
    W_svd = orthogonalize(xi, method="svd")
    # U up to the sign of each column, the largest entry of each made positive
    np.testing.assert_allclose(np.abs(W_svd), np.abs(U), atol=1e-10)
    largest = np.abs(W_svd).argmax(axis=0)
    assert (W_svd[largest, np.arange(5)] > 0).all()
    # square root: ξ (ξᵀξ)^{-1/2}, computed from the eigendecomposition
    evals, evecs = np.linalg.eigh(xi @ xi.T)
    inv_sqrt = evecs @ np.diag(evals**-0.5) @ evecs.T
    W_sqrt = orthogonalize(xi, method="sqrt")
    np.testing.assert_allclose(W_sqrt, xi.T @ inv_sqrt, atol=1e-12)
    np.testing.assert_allclose(W_sqrt, lowdin(xi.T), atol=1e-12)
    # the three differ by a p × p rotation (App. B: W' = W O)
    W_qr = orthogonalize(xi, method="qr")
    for W in (W_svd, W_sqrt):
        O = W_qr.T @ W
        np.testing.assert_allclose(O.T @ O, np.eye(5), atol=1e-12)
        np.testing.assert_allclose(W_qr @ O, W, atol=1e-12)


def test_sqrt_columns_are_closest_to_patterns_and_order_free():
    xi = correlated_patterns(4, 20, flip=0.3, seed=8)
    target = xi.T / np.sqrt(20)
    W_sqrt = orthogonalize(xi, method="sqrt")
    for method in ("qr", "svd"):
        W = orthogonalize(xi, method=method)
        assert np.linalg.norm(W_sqrt - xi.T) <= np.linalg.norm(W - xi.T) + 1e-12
    assert (np.sum(W_sqrt * target, axis=0) > 0.9).all()
    perm = [2, 0, 3, 1]
    W_perm = orthogonalize(xi[perm], "sqrt")
    np.testing.assert_allclose(W_perm, W_sqrt[:, perm], atol=1e-12)


def test_real_valued_patterns_and_dtypes():
    rng = np.random.RandomState(9)
    means = rng.uniform(-1, 1, size=(3, 10))  # class means are real-valued
    W = orthogonalize(means)
    np.testing.assert_allclose(W @ W.T, _rules.projection(means, False), atol=1e-12)
    assert W.dtype == np.float64
    assert orthogonalize(means.astype(np.float32)).dtype == np.float32
    assert orthogonalize(np.sign(means).astype(int)).dtype == np.float64


@pytest.mark.parametrize("zero_diagonal", [False, True])
def test_hopfield_to_rbm_from_projection_memory(zero_diagonal):
    xi = random_patterns(4, 15, seed=10)
    memory = HopfieldMemory(rule="projection", zero_diagonal=zero_diagonal).fit(xi)
    W = hopfield_to_rbm(memory, method="sqrt")
    np.testing.assert_allclose(W, hopfield_to_rbm(xi, method="sqrt"))
    J = W @ W.T
    if zero_diagonal:
        J = J - np.diag(np.diag(J))
    np.testing.assert_allclose(J, memory.couplings_, atol=1e-10)


def test_hopfield_to_rbm_rejects_other_rules_and_unfitted_memory():
    xi = random_patterns(3, 12, seed=11)
    with pytest.raises(ValueError, match="projection rule only.*rule='hebbian'"):
        hopfield_to_rbm(HopfieldMemory(rule="hebbian").fit(xi))
    with pytest.raises(ValueError, match="not fitted"):
        hopfield_to_rbm(HopfieldMemory(rule="projection"))


def test_orthogonalize_bad_input():
    xi = random_patterns(3, 8, seed=12)
    with pytest.raises(ValueError, match="more patterns than features"):
        orthogonalize(random_patterns(9, 8, seed=0))
    with pytest.raises(ValueError, match=r"linearly dependent: rank 3 < 4 .*duplicate"):
        orthogonalize(np.vstack([xi, xi[:1]]))
    with pytest.raises(ValueError, match=r"linearly dependent: rank 3 < 4"):
        orthogonalize(np.vstack([xi, -xi[1:2]]))
    with pytest.raises(ValueError, match=r"linearly dependent: rank 2 < 3"):
        orthogonalize(np.vstack([xi[:2], xi[0] + xi[1]]))
    bad = xi.copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        orthogonalize(bad)
    with pytest.raises(ValueError, match="2-D array.*1 dimension"):
        orthogonalize(xi[0])
    with pytest.raises(ValueError, match="2-D array.*3 dimension"):
        orthogonalize(xi[None])
    with pytest.raises(ValueError, match="must not be empty"):
        orthogonalize(np.zeros((0, 5)))
    with pytest.raises(ValueError, match="method must be one of"):
        orthogonalize(xi, method="lowdin")
    with pytest.raises(ValueError, match="numeric"):
        orthogonalize(np.array([["a", "b"]]))


# -- Löwdin --------------------------------------------------------------------
def test_lowdin_is_the_closest_orthonormal_matrix():
    rng = np.random.RandomState(13)
    W = rng.randn(9, 4)
    L = lowdin(W)
    np.testing.assert_allclose(L.T @ L, np.eye(4), atol=1e-12)
    U, _, Vt = np.linalg.svd(W, full_matrices=False)
    np.testing.assert_allclose(L, U @ Vt, atol=1e-12)
    inv_sqrt = linalg.inv(linalg.sqrtm(W.T @ W).real)
    np.testing.assert_allclose(L, W @ inv_sqrt, atol=1e-10)
    best = np.linalg.norm(W - L)
    for seed in range(20):  # any other orthonormal basis is farther
        O = orthogonalize(W.T, "qr") @ ortho_group.rvs(4, random_state=seed)
        assert best <= np.linalg.norm(W - O) + 1e-12
        other = linalg.qr(np.random.RandomState(seed).randn(9, 4), mode="economic")[0]
        assert best <= np.linalg.norm(W - other) + 1e-12
    Q = orthogonalize(random_patterns(4, 9, seed=0))
    np.testing.assert_allclose(lowdin(Q), Q, atol=1e-12)  # fixed point


def test_lowdin_bad_input():
    with pytest.raises(ValueError, match="more columns"):
        lowdin(np.ones((3, 4)))
    with pytest.raises(ValueError, match="rank deficient: rank 1 < 2"):
        lowdin(np.ones((5, 2)))
    with pytest.raises(ValueError, match="2-D"):
        lowdin(np.ones(5))


# -- RBM → HN: rbm_to_hopfield ------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "n, p, seed", [(30, 5, 0), (40, 8, 1), (40, 13, 2), (60, 10, 3)]
)
def test_reverse_map_recovers_patterns(method, n, p, seed):
    xi = random_patterns(p, n, seed)
    W = hopfield_to_rbm(xi, method=method)
    result = rbm_to_hopfield(W, random_state=seed)
    assert_same_up_to_order_and_sign(result.patterns, xi)
    assert result.binarization_error < 1e-9
    assert result.orthogonal
    assert result.conditions.all and result.fixed_points.all()
    np.testing.assert_allclose(result.B_p, (W @ result.X).T, atol=1e-12)
    np.testing.assert_allclose(result.error, result.B_p - result.patterns)
    np.testing.assert_allclose(result.couplings, W @ W.T, atol=1e-10)
    np.testing.assert_allclose(result.pattern_couplings, W @ W.T, atol=1e-10)
    assert abs(np.linalg.det(result.X)) > 1e-8
    if method in ("qr", "sqrt"):  # aligned columns: order and sign kept too
        np.testing.assert_array_equal(result.patterns, xi)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reverse_map_recovers_patterns_from_rotated_weights(seed):
    n, p = 36, 9
    xi = random_patterns(p, n, seed)
    W = hopfield_to_rbm(xi) @ ortho_group.rvs(p, random_state=seed)  # W = Q R0
    result = rbm_to_hopfield(W, random_state=seed)
    assert_same_up_to_order_and_sign(result.patterns, xi)
    assert result.binarization_error < 1e-9 and result.conditions.all


def test_reverse_map_recovers_correlated_patterns():
    xi = correlated_patterns(6, 40, flip=0.2, seed=14)
    assert np.abs(xi @ xi.T / 40 - np.eye(6)).max() > 0.4  # strongly correlated
    for method in METHODS:
        W = hopfield_to_rbm(xi, method=method)
        for R0 in (np.eye(6), ortho_group.rvs(6, random_state=0)):
            result = rbm_to_hopfield(W @ R0, random_state=0)
            assert_same_up_to_order_and_sign(result.patterns, xi)
            assert result.binarization_error < 1e-9


def test_reverse_map_is_reproducible_and_validates():
    rng = np.random.RandomState(15)
    W = rng.randn(20, 5)
    a = rbm_to_hopfield(W, random_state=0)
    b = rbm_to_hopfield(W, random_state=0)
    for key in ("patterns", "X", "B_p", "error", "couplings"):
        np.testing.assert_array_equal(a[key], b[key])
    with pytest.raises(ValueError, match="rank deficient: rank 1 < 2"):
        rbm_to_hopfield(np.ones((6, 2)))
    with pytest.raises(ValueError, match="more columns"):
        rbm_to_hopfield(rng.randn(3, 5))
    with pytest.raises(ValueError, match="NaN"):
        rbm_to_hopfield(np.full((4, 2), np.nan))
    with pytest.raises(ValueError, match="max_iter must be >= 1"):
        rbm_to_hopfield(W, max_iter=0)
    with pytest.raises(ValueError, match=r"b must have shape \(20,\)"):
        rbm_to_hopfield(W, b=np.zeros(3))


def test_reverse_map_of_general_weights_is_a_local_optimum():
    """For a trained-like W: B = sgn(W X), X = W⁺B, and no single flip helps."""
    rng = np.random.RandomState(16)
    W = rng.randn(16, 4)
    result = rbm_to_hopfield(W, random_state=0)
    B = result.patterns.T
    np.testing.assert_allclose(result.X, np.linalg.pinv(W) @ B, atol=1e-10)
    np.testing.assert_array_equal(np.where(W @ result.X >= 0, 1.0, -1.0), B)
    P = W @ np.linalg.pinv(W)
    err = np.sum((P @ B - B) ** 2, axis=0)
    for mu in range(4):
        for i in range(16):
            b = B[:, mu].copy()
            b[i] *= -1
            assert np.sum((P @ b - b) ** 2) >= err[mu] - 1e-9
    # no worse than the identity start and any of a few random starts
    B0 = np.sign(W)  # the identity start X = I
    assert result.binarization_error**2 <= np.sum((P @ B0 - B0) ** 2) + 1e-9
    assert not result.orthogonal


def test_reverse_map_non_orthogonal_weights_and_thresholds():
    """Case 2 (Eq. D.5): J = W Wᵀ exactly, and θ = b + W c gives the marginal."""
    n, p = 10, 3
    xi = random_patterns(p, n, seed=17)
    Q = hopfield_to_rbm(xi)
    M = np.array([[1.5, 0.3, 0.0], [0.0, 0.8, -0.2], [0.1, 0.0, 1.2]])
    W = Q @ M
    rng = np.random.RandomState(0)
    b, c = 0.3 * rng.randn(n), 0.5 * rng.randn(p)
    result = rbm_to_hopfield(W, b=b, c=c, random_state=0)
    assert not result.orthogonal
    assert_same_up_to_order_and_sign(result.patterns, xi)  # only span(W) matters
    np.testing.assert_allclose(result.couplings, W @ W.T, atol=1e-10)
    C = np.linalg.pinv(W).T @ np.linalg.pinv(W)
    Bp = result.B_p.T
    J_d5 = Bp @ np.linalg.inv(Bp.T @ C @ Bp) @ Bp.T
    np.testing.assert_allclose(J_d5, W @ W.T, atol=1e-10)
    np.testing.assert_allclose(result.thresholds, b + W @ c)
    for beta in BETAS:
        table = states(0, 2**n, n, np.empty(0))
        log_p_rbm = RBM(Spin(b), Gaussian(c), W, beta).log_prob(table)
        hopfield = Ising(Spin(result.thresholds), result.couplings, beta)
        _, log_p_hn = hopfield.log_prob_table()
        np.testing.assert_allclose(log_p_rbm, log_p_hn, atol=1e-10)
    # an estimator-like object: W = components_.T and its intercepts
    rbm = Bunch(components_=W.T, intercept_visible_=b, intercept_hidden_=c)
    from_estimator = rbm_to_hopfield(rbm, random_state=0)
    np.testing.assert_allclose(from_estimator.thresholds, result.thresholds)
    np.testing.assert_array_equal(from_estimator.patterns, result.patterns)


# -- the sufficient conditions of App. D.2 -------------------------------------
def test_conditions_constructed_cases_orthogonal_weights():
    """Case 1 with X = c·W⁺ξ: B_p = cξ, E = (c − 1)ξ, J E = (c − 1)ξ."""
    xi = random_patterns(4, 20, seed=18)
    W = hopfield_to_rbm(xi)
    X0 = W.T @ xi.T
    only_b = reverse_map_conditions(W, 0.4 * X0)  # |JE| = 0.6 > 0.4 = |B_p|
    assert not only_b.conditions.small_error.any()
    assert only_b.conditions.compatible_sign.all()
    only_a = reverse_map_conditions(W, 2.0 * X0)  # |JE| = 1 < 2, same sign
    assert only_a.conditions.small_error.all()
    assert not only_a.conditions.compatible_sign.any()
    for res in (only_a, only_b):
        np.testing.assert_array_equal(res.patterns, xi)
        assert res.conditions.all and res.fixed_points.all() and res.orthogonal


def test_conditions_negative_case_and_equivalence():
    """A random X gives candidates that are not all fixed points; in Case 1,
    "(a) or (b)" holds at (i, μ) exactly when B_iμ (J B)_iμ > 0."""
    failures = 0
    for seed in range(10):
        rng = np.random.RandomState(seed)
        W = orthogonalize(random_patterns(4, 16, seed))
        res = reverse_map_conditions(W, rng.randn(4, 4))
        J = W @ W.T
        B = res.patterns.T
        union = (res.conditions.small_error | res.conditions.compatible_sign).T
        np.testing.assert_array_equal(union, B * (J @ B) > 0)
        np.testing.assert_array_equal(res.conditions.holds, res.fixed_points)
        assert res.conditions.all == bool(res.conditions.holds.all())
        failures += not res.conditions.all
        # the paper's conditions per element, written out
        Bp, E = res.B_p.T, res.error.T
        a = np.abs(J @ E) < np.abs(Bp)
        b = (J @ E) * Bp < 0
        np.testing.assert_array_equal(res.conditions.small_error.T, a)
        np.testing.assert_array_equal(res.conditions.compatible_sign.T, b)
    assert failures >= 3


def test_conditions_non_orthogonal_use_J_B_p():
    """Case 2: with B_p in (a) every element would pass (J E = 0 at the
    least-squares X) although the candidates are not fixed points of W Wᵀ;
    with G = J B_p the conditions match the direct check.

    N = 40 makes the answer unique: the span of 4 random patterns then holds
    no ±1 vector but ±ξ, so the search must return ξ (at N = 12 other ±1
    vectors lie in the span, and which one is found depends on rounding).
    Whether ξ_μ is a fixed point of J = W Wᵀ is then a property of ξ and the
    scales alone, decided with margins far above rounding."""
    xi = random_patterns(4, 40, seed=19)
    W = hopfield_to_rbm(xi) @ np.diag([3.0, 1.0, 0.2, 0.05])
    res = rbm_to_hopfield(W, random_state=0)
    assert_same_up_to_order_and_sign(res.patterns, xi)
    assert np.abs(res.couplings @ res.patterns.T).min() > 0.1
    assert not res.orthogonal
    J = res.couplings
    E, Bp = res.error.T, res.B_p.T
    literal_a = np.abs(J @ E) < np.abs(Bp)
    assert literal_a.all()
    assert not res.fixed_points.all()
    np.testing.assert_array_equal(res.conditions.holds, res.fixed_points)
    # the Löwdin route (App. D.2 Case 2): same patterns, J = projector
    res_l = rbm_to_hopfield(lowdin(W), random_state=0)
    assert res_l.orthogonal and res_l.fixed_points.all() and res_l.conditions.all
    assert_same_up_to_order_and_sign(res_l.patterns, res.patterns)


def test_reverse_map_conditions_bad_input():
    W = orthogonalize(random_patterns(3, 8, seed=0))
    with pytest.raises(ValueError, match=r"X must have shape \(3, 3\)"):
        reverse_map_conditions(W, np.eye(2))
    with pytest.raises(ValueError, match="singular"):
        reverse_map_conditions(W, np.ones((3, 3)))


# -- class_patterns -------------------------------------------------------------
S_TINY = np.array(
    [
        [1, 1, -1, 1],
        [1, -1, -1, 1],
        [1, 1, -1, -1],
        [-1, -1, 1, 1],
        [-1, 1, 1, -1],
    ],
    dtype=float,
)
Y_TINY = np.array(["b", "b", "b", "a", "a"])


def test_class_patterns_means_and_majority():
    patterns, labels = class_patterns(S_TINY, Y_TINY)
    np.testing.assert_array_equal(labels, ["a", "b"])
    np.testing.assert_allclose(
        patterns, [[-1, 0, 1, 0], [1, 1 / 3, -1, 1 / 3]], atol=1e-15
    )
    majority, labels_m = class_patterns(S_TINY, Y_TINY, pattern_rule="majority")
    # ties (mean 0) go to +1
    np.testing.assert_array_equal(majority, [[-1, 1, 1, 1], [1, 1, -1, 1]])
    np.testing.assert_array_equal(labels_m, labels)
    whole, whole_labels = class_patterns(S_TINY)  # y=None: one group
    np.testing.assert_allclose(whole, S_TINY.mean(0, keepdims=True))
    np.testing.assert_array_equal(whole_labels, [0])


def test_class_patterns_ward_subpatterns():
    rng = np.random.RandomState(20)
    S = rng.choice([-1.0, 1.0], size=(90, 12))
    y = np.repeat([3, 1, 7], 30)
    patterns, labels = class_patterns(S, y, n_subpatterns=4)
    assert patterns.shape == (12, 12)
    np.testing.assert_array_equal(labels, np.repeat([1, 3, 7], 4))
    for k, cls in enumerate([1, 3, 7]):
        Sc = S[y == cls]
        ward = AgglomerativeClustering(n_clusters=4, linkage="ward").fit_predict(Sc)
        expected = [Sc[ward == j].mean(0) for j in range(4)]
        sizes = np.bincount(ward)
        first = [np.flatnonzero(ward == j)[0] for j in range(4)]
        order = sorted(range(4), key=lambda j: (-sizes[j], first[j]))
        expected = [expected[j] for j in order]
        block = patterns[4 * k : 4 * k + 4]
        # the cluster means, largest cluster first (ties: earlier sample first)
        np.testing.assert_allclose(block, expected)
    # all means of the whole data for y=None, labels are cluster indices
    whole, whole_labels = class_patterns(S, n_subpatterns=5, pattern_rule="majority")
    assert whole.shape == (5, 12) and set(np.unique(whole)) <= {-1.0, 1.0}
    np.testing.assert_array_equal(whole_labels, np.arange(5))
    # k equal to a class size: the samples themselves
    exact, _ = class_patterns(S_TINY, Y_TINY, n_subpatterns=2)
    np.testing.assert_allclose(exact[:2], S_TINY[3:])


def test_ward_clusters_match_scikit_learn_with_tied_distances():
    """Few features: many equal distances and merge heights; the clusters are
    still those of AgglomerativeClustering(linkage="ward")."""
    rng = np.random.RandomState(22)
    S = rng.choice([-1.0, 1.0], size=(300, 6))
    patterns, _ = class_patterns(S, n_subpatterns=7)
    ward = AgglomerativeClustering(n_clusters=7, linkage="ward").fit_predict(S)
    expected = np.array([S[ward == j].mean(0) for j in range(7)])
    # compare as sets of rows
    np.testing.assert_allclose(
        patterns[np.lexsort(patterns.T)], expected[np.lexsort(expected.T)]
    )


def test_class_patterns_bad_input():
    msg = r"class 'a' has 2 samples, fewer than n_subpatterns=3"
    with pytest.raises(ValueError, match=msg):
        class_patterns(S_TINY, Y_TINY, n_subpatterns=3)
    with pytest.raises(ValueError, match="S has 5 samples, fewer than n_subpatterns=6"):
        class_patterns(S_TINY, n_subpatterns=6)
    with pytest.raises(ValueError, match="n_subpatterns must be a positive integer"):
        class_patterns(S_TINY, Y_TINY, n_subpatterns=0)
    with pytest.raises(ValueError, match="pattern_rule"):
        class_patterns(S_TINY, Y_TINY, pattern_rule="median")
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        class_patterns(S_TINY, Y_TINY[:3])
    with pytest.raises(ValueError, match="2-D"):
        class_patterns(S_TINY[0], None)


def test_class_patterns_feed_the_mapping():
    rng = np.random.RandomState(21)
    S = rng.choice([-1.0, 1.0], size=(200, 30))
    y = rng.randint(0, 4, size=200)
    patterns, _ = class_patterns(S, y, n_subpatterns=2)
    W = hopfield_to_rbm(patterns)
    np.testing.assert_allclose(W.T @ W, np.eye(8), atol=1e-12)
    np.testing.assert_allclose(W @ W.T, _rules.projection(patterns, False), atol=1e-12)


def test_orthogonalize_span_fallback_for_degenerate_patterns():
    from skhopfield.hopfield import _rules

    rng = np.random.RandomState(0)
    xi = rng.choice([-1.0, 1.0], size=(3, 10))
    assert np.linalg.matrix_rank(xi) == 3
    dependent = np.vstack([xi, -xi[1]])
    with pytest.warns(UserWarning, match="linearly dependent \\(rank 3\\)"):
        W = orthogonalize(dependent, degenerate="span")
    assert W.shape == (10, 3)
    np.testing.assert_allclose(W.T @ W, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(
        W @ W.T, _rules.projection(dependent, zero_diagonal=False), atol=1e-12
    )
    with pytest.warns(UserWarning, match="more patterns than features"):
        assert orthogonalize(
            rng.choice([-1.0, 1.0], size=(6, 4)), degenerate="span"
        ).shape == (4, 4)
    with pytest.raises(ValueError, match="degenerate must be"):
        orthogonalize(xi, degenerate="drop")
