"""Capacity warnings of HopfieldMemory.fit: when they fire, what they say,
and that what they say recall will do is what recall does."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skhopfield import HopfieldMemory
from skhopfield.hopfield import CapacityWarning
from skhopfield.hopfield._capacity import (
    HEBBIAN_CRITICAL_LOAD,
    capacity_message,
    count_patterns,
    storkey_capacity,
)


def _patterns(p, n, seed=0):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(p, n))


def _fit_silently(model, X):
    """Fit with every warning turned into an error: proves none is given."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return model.fit(X)


# -- the bounds ---------------------------------------------------------------


def test_count_patterns_ignores_repeats_and_negations():
    xi = _patterns(5, 12)
    X = np.vstack([xi, xi[:3], -xi[1:4], -xi[4:]])
    assert count_patterns(X) == 5
    assert count_patterns(xi[:1]) == 1
    assert count_patterns(np.ones((7, 1))) == 1
    assert count_patterns(np.array([[1.0], [-1.0]])) == 1


def test_storkey_capacity_is_n_over_sqrt_2_ln_n():
    for n in (64, 200, 1000):
        assert storkey_capacity(n) == pytest.approx(n / np.sqrt(2 * np.log(n)))
    # "about 0.3 N" over the sizes people use
    assert 0.26 < storkey_capacity(1000) / 1000 < storkey_capacity(64) / 64 < 0.35
    assert np.isfinite(storkey_capacity(1))


def test_perceptron_has_no_capacity_message():
    assert capacity_message("perceptron", 1000, 10) is None


# -- Hebb's rule --------------------------------------------------------------


def test_hebbian_above_critical_load_warns_naming_the_load():
    n = 100
    with pytest.warns(CapacityWarning) as record:
        HopfieldMemory(binarize=None).fit(_patterns(20, n))
    assert len(record) == 1
    message = str(record[0].message)
    for part in (
        "rule='hebbian'",
        "P=20",
        "N=100",
        "P/N = 0.2",
        "0.138",
        "Amit, Gutfreund & Sompolinsky 1985",
        "spurious",
        "rule='projection'",
        "rule='perceptron'",
    ):
        assert part in message
    assert record[0].filename == __file__  # points at the caller's fit


def test_hebbian_threshold_is_0138_n():
    n = 64  # 0.138 N = 8.8
    assert 8 <= HEBBIAN_CRITICAL_LOAD * n < 9
    _fit_silently(HopfieldMemory(binarize=None), _patterns(8, n))
    with pytest.warns(CapacityWarning, match="P=9 distinct patterns in N=64"):
        HopfieldMemory(binarize=None).fit(_patterns(9, n))


def test_hebbian_below_critical_load_is_silent():
    _fit_silently(HopfieldMemory(binarize=None), _patterns(13, 100))  # 0.13


def test_hebbian_far_beyond_capacity_recalls_spurious_states():
    # the load of the issue: 200 random patterns on 64 units
    xi = _patterns(200, 64, seed=1)
    with pytest.warns(CapacityWarning, match="P/N = 3.12"):
        model = HopfieldMemory(binarize=None, random_state=0).fit(xi)
    assert not (model.predict(xi) == xi).all(1).any()  # no pattern is stable
    # a probe that starts on its pattern drifts far away from it
    overlaps = model.transform(xi[:50])
    assert np.abs(overlaps).max(1).mean() < 0.5


def test_hebbian_with_self_couplings_returns_probes_unchanged_far_beyond():
    xi = _patterns(1257, 64, seed=2)
    with pytest.warns(CapacityWarning, match="zero_diagonal=False") as record:
        model = HopfieldMemory(zero_diagonal=False, binarize=None, random_state=0).fit(
            xi
        )
    assert "returns them unchanged" in str(record[0].message)
    probes = _patterns(30, 64, seed=3)
    np.testing.assert_array_equal(model.predict(probes), probes)


def test_single_pattern_and_repeated_rows_never_warn():
    for rule in ("hebbian", "storkey", "projection"):
        for n in (1, 2, 5):
            _fit_silently(HopfieldMemory(rule, binarize=None), _patterns(1, n))
        # 3 distinct patterns on 64 units, each given 40 times and negated
        xi = _patterns(3, 64)
        _fit_silently(
            HopfieldMemory(rule, binarize=None), np.vstack([xi] * 20 + [-xi] * 20)
        )


def test_warning_raised_as_an_error_leaves_the_estimator_unchanged():
    xi = _patterns(30, 64)
    model = HopfieldMemory(binarize=None).fit(xi[:5])
    with warnings.catch_warnings():
        warnings.simplefilter("error", CapacityWarning)
        with pytest.raises(CapacityWarning):
            model.fit(xi)
    # a call that raised changes nothing: still the 5-pattern memory
    assert model.patterns_.shape == (5, 64) and model.n_features_in_ == 64


# -- Storkey's rule -----------------------------------------------------------


def test_storkey_above_capacity_warns_naming_the_load():
    n = 64  # N / sqrt(2 ln N) = 22.2
    with pytest.warns(CapacityWarning) as record:
        HopfieldMemory("storkey", binarize=None).fit(_patterns(23, n))
    message = str(record[0].message)
    for part in (
        "rule='storkey'",
        "P=23",
        "N=64",
        "P/N = 0.359",
        "22.2",
        "Storkey 1997",
    ):
        assert part in message


def test_storkey_below_capacity_is_silent():
    _fit_silently(HopfieldMemory("storkey", binarize=None), _patterns(22, 64))
    _fit_silently(HopfieldMemory("storkey", binarize=None), _patterns(60, 200))


# -- projection rule ----------------------------------------------------------


@pytest.mark.parametrize("zero_diagonal", [True, False])
@pytest.mark.parametrize("update", ["sync", "async"])
def test_projection_spanning_every_state_warns_and_keeps_probes(zero_diagonal, update):
    n = 64
    xi = _patterns(n + 6, n)  # P >= N: rank N
    model = HopfieldMemory(
        "projection",
        update=update,
        zero_diagonal=zero_diagonal,
        binarize=None,
        random_state=0,
    )
    with pytest.warns(CapacityWarning) as record:
        model.fit(xi)
    message = str(record[0].message)
    for part in (
        "rule='projection'",
        "P=70",
        "N=64",
        "P/N = 1.09",
        "rank 64",
        "every state is a fixed point",
        "unchanged",
    ):
        assert part in message
    # ... which is what happens: J is exactly 0 (or I), every probe stays put
    J = model.couplings_
    np.testing.assert_array_equal(J - np.diag(np.diag(J)), 0.0)
    np.testing.assert_allclose(np.diag(J), 0.0 if zero_diagonal else 1.0, atol=1e-12)
    probes = _patterns(40, n, seed=9)
    np.testing.assert_array_equal(model.predict(probes), probes)
    np.testing.assert_allclose(model.transform(probes), probes @ xi.T / n)


def test_projection_p_equal_n_independent_warns():
    xi = _patterns(64, 64, seed=1)
    assert np.linalg.matrix_rank(xi) == 64
    with pytest.warns(CapacityWarning, match="rank 64"):
        HopfieldMemory("projection", binarize=None).fit(xi)
    _fit_silently(HopfieldMemory("projection", binarize=None), xi[:63])


def test_projection_dependent_patterns_warn():
    # x4 = x1 - x2 + x3 is a fourth ±1 pattern, distinct from the others
    rng = np.random.RandomState(0)
    x1, x2 = rng.choice([-1.0, 1.0], size=(2, 32))
    x3 = np.where(x1 != x2, -x1, rng.choice([-1.0, 1.0], size=32))
    xi = np.array([x1, x2, x3, x1 - x2 + x3])
    assert set(np.unique(xi)) == {-1.0, 1.0} and count_patterns(xi) == 4
    with pytest.warns(CapacityWarning) as record:
        HopfieldMemory("projection", binarize=None).fit(xi)
    message = str(record[0].message)
    for part in (
        "P=4",
        "N=32",
        "linearly dependent",
        "rank 3 < P",
        "every ±1 state in it is a fixed point",
    ):
        assert part in message
    assert "unit vector" not in message  # no unit is left free here


def test_projection_dependent_patterns_free_units_are_never_updated():
    # two pairs of patterns that differ in unit 0 only: e_0 lies in the span
    x, y = _patterns(2, 32, seed=4)
    xi = np.array([x, y, x, y])
    xi[2:, 0] *= -1
    model = HopfieldMemory("projection", binarize=None, random_state=0)
    with pytest.warns(
        CapacityWarning,
        match="unit vector of 1 of the 32 units: they are coupled to no other",
    ):
        model.fit(xi)
    np.testing.assert_array_equal(model.couplings_[0], 0.0)
    probes = _patterns(50, 32, seed=5)
    np.testing.assert_array_equal(model.predict(probes)[:, 0], probes[:, 0])


def test_projection_independent_patterns_below_n_are_silent():
    _fit_silently(HopfieldMemory("projection", binarize=None), _patterns(56, 64))


# -- perceptron rule ------------------------------------------------------------


def test_perceptron_keeps_its_convergence_warning_only():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        HopfieldMemory("perceptron", n_iter=5, binarize=None).fit(_patterns(40, 10))
    assert [w.category for w in record] == [ConvergenceWarning]
