"""Aggregators: worked numbers, NA rule, bad input, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fenghuang.engine import a_amean, a_copeland, a_genmean, a_gmean, a_hmean
from fenghuang.errors import EngineInputError, WeightsError


def test_worked_means() -> None:
    assert a_gmean([[1.0, 2.0, 3.0]], [1, 1, 2])[0] == pytest.approx(2.0598, abs=1e-4)
    assert a_hmean([[1.0, 2.0, 3.0]], [2, 1, 1])[0] == pytest.approx(1.4118, abs=1e-4)
    assert a_genmean([[1.0, 2.0, 3.0]], [2, 1, 1], -1)[0] == pytest.approx(1.4118, abs=1e-4)
    assert a_genmean([[1.0, 2.0, 3.0]], [1, 1, 2], 0)[0] == pytest.approx(2.0598, abs=1e-4)
    assert a_amean([[1.0, 2.0, 3.0]], [1, 1, 2])[0] == pytest.approx(2.25)


def test_na_skipping_and_min_share() -> None:
    X = [[1.0, np.nan, 3.0], [np.nan, np.nan, 3.0]]
    np.testing.assert_allclose(a_amean(X, [1, 1, 2]), [7 / 3, 3.0])
    np.testing.assert_allclose(a_amean(X, [1, 1, 2], min_share=0.5), [7 / 3, np.nan])


def test_bad_inputs() -> None:
    with pytest.raises(EngineInputError):
        a_gmean([[1.0, 0.0]], [1, 1])
    with pytest.raises(EngineInputError):
        a_hmean([[1.0, -2.0]], [1, 1])
    with pytest.raises(WeightsError):
        a_amean([[1.0, 2.0]], [1, -1])
    with pytest.raises(WeightsError):
        a_amean([[1.0, 2.0]], [1])


def test_copeland() -> None:
    np.testing.assert_allclose(a_copeland([[1.0, 1.0], [2.0, 2.0], [3.0, 0.0]], [1, 1]), [-1, 1, 0])


pos = st.floats(0.01, 1e4, allow_nan=False)


@given(pos, st.integers(1, 6), st.floats(-3, 3).filter(lambda p: abs(p) > 1e-3))
def test_equal_values_return_value(v: float, k: int, p: float) -> None:
    X = np.full((2, k), v)
    w = np.arange(1, k + 1, dtype=float)
    for f in (a_amean, a_gmean, a_hmean):
        np.testing.assert_allclose(f(X, w), v, rtol=1e-9)
    np.testing.assert_allclose(a_genmean(X, w, p), v, rtol=1e-9)


@given(arrays(np.float64, (6, 3), elements=pos))
def test_order_of_units(X: np.ndarray) -> None:
    perm = np.array([5, 3, 1, 0, 2, 4])
    w = np.array([0.2, 0.3, 0.5])
    for f in (a_amean, a_gmean, a_hmean, a_copeland):
        np.testing.assert_allclose(f(X, w)[perm], f(X[perm], w))


@given(arrays(np.float64, (4, 5), elements=st.one_of(pos, st.just(np.nan))))
def test_weights_renormalised(X: np.ndarray) -> None:
    # a_amean of a matrix of ones equals 1 wherever any value is present:
    # the weights used per unit sum to 1 after renormalisation.
    ones = np.where(np.isnan(X), np.nan, 1.0)
    out = a_amean(ones, [1, 2, 3, 4, 5])
    present = ~np.isnan(X).all(axis=1)
    np.testing.assert_allclose(out[present], 1.0)
    assert np.isnan(out[~present]).all()


def test_weights_must_sum_to_one_when_required() -> None:
    with pytest.raises(WeightsError) as ei:
        a_amean([[1.0, 2.0]], [0.5, 0.6], require_sum_one=True)
    assert ei.value.code == "E-ENGINE-WEIGHTS-SUM"
    assert a_gmean([[1.0, 4.0]], [0.5, 0.5], require_sum_one=True)[0] == pytest.approx(2.0)
