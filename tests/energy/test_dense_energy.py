"""Dense associative memory: energy and update against brute force."""

import math
import warnings

import numpy as np
import pytest
from scipy.special import logsumexp

from skhopfield.energy.dense import (
    INTERACTIONS,
    DenseAssociativeMemory,
    krotov_hopfield_capacity,
)
from skhopfield.energy.layers import states as state_table

DEGREES = [2, 3, 4, 5]
CASES = [(k, d) for k in ("polynomial", "rectified_polynomial") for d in DEGREES]
CASES.append(("exponential", 3))


def _spins(shape, seed):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=shape)


def _exact_preference(xi, s, i, kind, degree):
    """+1 / −1 / 0: which value of unit i gives the lower energy with the
    others held (0 for an exact tie), in exact arithmetic.

    Polynomials in Python integers. For the exponential, Σ e^{x_μ} over two
    multisets of integers is equal only when the multisets are (e is
    transcendental); otherwise ``math.fsum`` decides, with a wide margin.
    """
    overlaps = {}
    for v in (1, -1):
        t = s.copy()
        t[i] = v
        overlaps[v] = sorted(int(m) for m in xi @ t)
    if kind == "exponential":
        if overlaps[1] == overlaps[-1]:
            return 0
        plus = math.fsum(math.exp(m) for m in overlaps[1])
        minus = math.fsum(math.exp(m) for m in overlaps[-1])
        assert abs(plus - minus) > 1e-9 * max(plus, minus)
        return 1 if plus > minus else -1

    def neg_energy(ms):
        if kind == "rectified_polynomial":
            ms = [max(m, 0) for m in ms]
        return sum(m**degree for m in ms)

    diff = neg_energy(overlaps[1]) - neg_energy(overlaps[-1])
    return (diff > 0) - (diff < 0)


@pytest.mark.parametrize("kind, degree", CASES)
def test_update_is_clamp_to_lower_energy_brute_force(kind, degree):
    """The drive's sign is the clamp of unit i to ±1 with the lower energy
    (ties keep the state), for every unit of many random small systems."""
    rng = np.random.RandomState(degree)
    n_ties = 0
    for trial in range(25):
        n = rng.randint(1, 9)
        p = rng.randint(1, 7)
        xi = _spins((p, n), seed=1000 * degree + trial)
        S = _spins((5, n), seed=2000 * degree + trial)
        model = DenseAssociativeMemory(xi, kind, degree)
        drive, tol = model.field(S)
        new = model.update(S)
        M = S @ xi.T
        for i in range(n):
            d_i, tol_i = model.unit_field(M, xi[:, i], S[:, i])
            for row in range(S.shape[0]):
                want = _exact_preference(xi, S[row], i, kind, degree)
                n_ties += want == 0
                got = 0 if abs(drive[row, i]) <= tol[row, 0] else np.sign(drive[row, i])
                assert got == want
                got_unit = 0 if abs(d_i[row]) <= tol_i[row] else np.sign(d_i[row])
                assert got_unit == want
                assert new[row, i] == (S[row, i] if want == 0 else want)
    assert n_ties > 0  # ties were exercised (even N, P)


@pytest.mark.parametrize("kind, degree", CASES)
def test_energy_by_enumeration(kind, degree):
    xi = _spins((4, 7), seed=3)
    states = state_table(0, 2**7, 7, np.empty(0))
    F = {
        "polynomial": lambda m: m**degree,
        "rectified_polynomial": lambda m: max(m, 0) ** degree,
        "exponential": math.exp,
    }[kind]
    expected = [-math.fsum(F(int(m)) for m in xi @ s) for s in states]
    model = DenseAssociativeMemory(xi, kind, degree)
    np.testing.assert_allclose(model.energy(states), expected, rtol=1e-14)
    if kind == "exponential":
        np.testing.assert_allclose(
            model.log_neg_energy(states), np.log(-np.asarray(expected)), rtol=1e-14
        )


def test_interaction_functions():
    x = np.array([-3.0, -1.0, 0.0, 2.0])
    xi = _spins((2, 4), seed=0)
    np.testing.assert_array_equal(
        DenseAssociativeMemory(xi, "polynomial", 3).interaction(x), x**3
    )
    np.testing.assert_array_equal(
        DenseAssociativeMemory(xi, "rectified_polynomial", 3).interaction(x),
        [0.0, 0.0, 0.0, 8.0],
    )
    np.testing.assert_allclose(
        DenseAssociativeMemory(xi, "exponential").interaction(x), np.exp(x)
    )


def test_kind_and_degree_are_checked_once_at_construction():
    xi = _spins((2, 4), seed=0)
    with pytest.raises(ValueError, match="kind"):
        DenseAssociativeMemory(xi, "cubic")
    with pytest.raises(ValueError, match="degree"):
        DenseAssociativeMemory(xi, "polynomial", 1.5)
    with pytest.raises(ValueError, match="degree"):
        DenseAssociativeMemory(xi, "rectified_polynomial", 0)
    # the exponential ignores the degree, and does not check it
    model = DenseAssociativeMemory(xi, "exponential", 1.5)
    assert model.kind == "exponential" and model.degree == 1.5
    assert model.patterns.dtype == np.float64
    assert "exponential" in repr(model)


def test_log_neg_energy_is_the_exponential_kinds_only():
    xi = _spins((3, 6), seed=1)
    S = _spins((4, 6), seed=2)
    with pytest.raises(ValueError, match="exponential"):
        DenseAssociativeMemory(xi, "polynomial", 3).log_neg_energy(S)
    np.testing.assert_array_equal(
        DenseAssociativeMemory(xi, "exponential").log_neg_energy(S),
        logsumexp(S @ xi.T, axis=1),
    )


def test_quadratic_drive_is_four_n_times_hebbian_field():
    """F(x) = x²: the drive is 4 Σ_{j≠i} Σ_μ ξᵢ^μ ξⱼ^μ σⱼ (Campagne 2025,
    Eq. 44), the Hebbian field with a zero diagonal times 4N."""
    xi = _spins((9, 30), seed=0)
    S = _spins((12, 30), seed=1)
    J = xi.T @ xi
    np.fill_diagonal(J, 0.0)
    drive, _ = DenseAssociativeMemory(xi, "polynomial", 2).field(S)
    field = 4.0 * S @ J
    # the drive is the field times a positive factor per row (the scale),
    # exactly: polynomials of integers at a power-of-two scale
    nz = field != 0
    assert np.all(drive[~nz] == 0.0)
    for row in range(S.shape[0]):
        ratio = drive[row, nz[row]] / field[row, nz[row]]
        assert np.all(ratio > 0) and np.all(ratio == ratio[0])


def test_no_overflow_at_ten_thousand_units():
    n = 10_000
    xi = _spins((5, n), seed=0)
    probes = xi[:3].copy()
    probes[:, : n // 5] *= -1  # 20% flipped
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning
        for kind, degree in [
            ("exponential", 3),
            ("polynomial", 3),
            ("polynomial", 100),
            ("rectified_polynomial", 50),
        ]:
            model = DenseAssociativeMemory(xi, kind, degree)
            drive, tol = model.field(probes)
            assert np.isfinite(drive).all() and np.isfinite(tol).all()
            np.testing.assert_array_equal(model.update(probes), xi[:3])
            M = probes @ xi.T
            d0, t0 = model.unit_field(M, xi[:, 0], probes[:, 0])
            assert np.isfinite(d0).all() and np.isfinite(t0).all()
        exponential = DenseAssociativeMemory(xi, "exponential")
        lne = exponential.log_neg_energy(xi[:3])
        assert np.isfinite(lne).all()
        np.testing.assert_allclose(lne, logsumexp(xi[:3] @ xi.T, axis=1))
        assert lne[0] >= n  # the pattern's own overlap
        # the energy itself saturates (documented), without a warning
        assert np.all(exponential.energy(xi[:3]) == -np.inf)
        E3 = DenseAssociativeMemory(xi, "polynomial", 3).energy(xi[:3])
        assert np.isfinite(E3).all() and np.all(E3 <= -(float(n) ** 3) + 5 * n**2.0)


def test_krotov_hopfield_capacity():
    n = 100
    assert krotov_hopfield_capacity(n, 2) == pytest.approx(n / (2 * math.log(n)))
    assert krotov_hopfield_capacity(n, 3) == pytest.approx(n**2 / (6 * math.log(n)))
    assert krotov_hopfield_capacity(n, 4) == pytest.approx(n**3 / (30 * math.log(n)))


@pytest.mark.parametrize("kind", INTERACTIONS)
def test_torch_arrays_give_numpy_results(kind):
    torch = pytest.importorskip("torch")
    xi = _spins((6, 40), seed=4)
    S = _spins((10, 40), seed=5)
    model = DenseAssociativeMemory(xi, kind, 3)
    t_model = DenseAssociativeMemory(torch.as_tensor(xi), kind, 3)
    assert torch.is_tensor(t_model.patterns)
    drive, tol = model.field(S)
    t_drive, t_tol = t_model.field(torch.as_tensor(S))
    np.testing.assert_allclose(t_drive.numpy(), drive, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(t_tol.numpy(), tol, rtol=1e-12)
    np.testing.assert_array_equal(
        t_model.update(torch.as_tensor(S)).numpy(), model.update(S)
    )
    np.testing.assert_allclose(
        t_model.energy(torch.as_tensor(S)).numpy(), model.energy(S), rtol=1e-12
    )
    np.testing.assert_allclose(
        t_model.interaction(torch.as_tensor(S)).numpy(),
        model.interaction(S),
        rtol=1e-12,
    )
    if kind == "exponential":
        np.testing.assert_allclose(
            t_model.log_neg_energy(torch.as_tensor(S)).numpy(),
            model.log_neg_energy(S),
            rtol=1e-12,
        )
    M = S @ xi.T
    d, t = t_model.unit_field(
        torch.as_tensor(M), torch.as_tensor(xi[:, 2]), torch.as_tensor(S[:, 2])
    )
    d_np, t_np = model.unit_field(M, xi[:, 2], S[:, 2])
    np.testing.assert_allclose(d.numpy(), d_np, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(t.numpy(), t_np, rtol=1e-12)
