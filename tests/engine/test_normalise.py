"""Normalisers: worked numbers, bad input and hypothesis properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fenghuang.engine import (
    n_benchmark,
    n_borda,
    n_distance_to_max,
    n_distance_to_ref,
    n_goalposts,
    n_minmax,
    n_percentile,
    n_rank,
    n_target,
    n_zscore,
)
from fenghuang.errors import EngineInputError


def test_distance_to_target() -> None:
    np.testing.assert_allclose(n_target([0.0, 5.0, 11.0], target=10), [0, 0.5, 1.1])


def test_goalposts() -> None:
    assert n_goalposts([1.0], low=0, high=10)[0] == pytest.approx(0.1)
    assert n_goalposts([1.0], low=0, high=10, direction=-1)[0] == pytest.approx(0.9)
    np.testing.assert_allclose(n_goalposts([-5.0, 20.0], low=0, high=10, scale=100), [0, 100])


def test_benchmark_contract() -> None:
    x = np.array([5.0, 10.0, 20.0, np.nan])
    np.testing.assert_allclose(n_benchmark(x, 10.0, weight=20), [10, 20, 40, np.nan])
    np.testing.assert_allclose(n_benchmark(x, 10.0, weight=20, cap=1.5), [10, 20, 30, np.nan])
    np.testing.assert_allclose(n_benchmark(x, 10.0, weight=10, direction=-1), [20, 10, 5, np.nan])
    # per-group benchmarks broadcast
    np.testing.assert_allclose(n_benchmark([4.0, 4.0], np.array([2.0, 8.0])), [2.0, 0.5])


def test_benchmark_zero_denominator() -> None:
    with pytest.raises(EngineInputError):
        n_benchmark([1.0], 0.0)


def test_minmax_direction_and_nan() -> None:
    np.testing.assert_allclose(n_minmax([1.0, np.nan, 3.0]), [0, np.nan, 100])
    # any range, either direction
    np.testing.assert_allclose(n_minmax([1.0, 2.0, 5.0], lo=1, hi=10), [1, 3.25, 10])
    np.testing.assert_allclose(n_minmax([1.0, 2.0, 5.0], lo=-1, hi=1, direction=-1), [1, 0.5, -1])
    np.testing.assert_allclose(n_minmax([1.0, 2.0, 3.0], direction=-1), [100, 50, 0])


@pytest.mark.parametrize("x", [[2.0, 2.0, 2.0], [np.nan, np.nan]])
def test_minmax_zero_variance_or_missing(x: list[float]) -> None:
    with pytest.raises(EngineInputError) as ei:
        n_minmax(x, indicator="LPI")
    assert "LPI" in str(ei.value)


def test_non_numeric() -> None:
    with pytest.raises(EngineInputError):
        n_minmax(["a", "b"], indicator="X")


def test_ranks() -> None:
    x = [10.0, 30.0, 20.0, 20.0]
    np.testing.assert_allclose(n_rank(x), [1, 4, 2, 2])  # COINr ties "min"
    np.testing.assert_allclose(n_rank(x, ties="average"), [1, 4, 2.5, 2.5])
    np.testing.assert_allclose(n_borda(x), [0, 3, 1, 1])
    np.testing.assert_allclose(n_percentile(x), [0, 1, 1 / 3, 1 / 3])
    np.testing.assert_allclose(n_zscore([1.0, 2.0, 3.0], direction=-1), [1, 0, -1])
    np.testing.assert_allclose(n_distance_to_max([0.0, 5.0, 10.0]), [0, 0.5, 1])
    np.testing.assert_allclose(n_distance_to_ref([2.0, 4.0, 8.0], 1, direction=-1), [2, 1, 0.5])
    with pytest.raises(EngineInputError):
        n_distance_to_ref([2.0, 0.0], 1)


finite = arrays(
    np.float64,
    st.integers(3, 30),
    elements=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    unique=True,
)

NORMALISERS = [
    lambda x, d: n_minmax(x, direction=d),
    lambda x, d: n_zscore(x, direction=d),
    lambda x, d: n_rank(x, direction=d),
    lambda x, d: n_percentile(x, direction=d),
    lambda x, d: n_borda(x, direction=d),
    lambda x, d: n_distance_to_max(x, direction=d),
    lambda x, d: n_goalposts(x, low=-1e6, high=1e6, direction=d),
]


@given(finite, st.sampled_from([1, -1]), st.integers(0, len(NORMALISERS) - 1))
def test_monotone_in_direction(x: np.ndarray, d: int, which: int) -> None:
    y = NORMALISERS[which](x, d)
    order = np.argsort(x * d, kind="stable")
    assert np.all(np.diff(y[order]) >= -1e-9)


@given(finite, st.randoms(use_true_random=False))
def test_unit_order_does_not_matter(x: np.ndarray, rnd: object) -> None:
    perm = np.random.default_rng(len(x)).permutation(len(x))
    np.testing.assert_allclose(n_minmax(x)[perm], n_minmax(x[perm]))
    np.testing.assert_allclose(n_rank(x)[perm], n_rank(x[perm]))


positive = arrays(
    np.float64,
    st.integers(3, 30),
    elements=st.floats(1e-3, 1e6, allow_nan=False, allow_subnormal=False),
    unique=True,
)

RATIO_NORMALISERS = [
    lambda x, d: n_target(x, target=7.5, direction=d),
    lambda x, d: n_distance_to_ref(x, 0, direction=d),
    lambda x, d: n_benchmark(x, 3.0, weight=20, cap=1.5, direction=d),
]


@given(positive, st.sampled_from([1, -1]), st.integers(0, len(RATIO_NORMALISERS) - 1))
def test_ratio_normalisers_monotone_in_direction(x: np.ndarray, d: int, which: int) -> None:
    y = RATIO_NORMALISERS[which](x, d)
    order = np.argsort(x * d, kind="stable")
    assert np.all(np.diff(y[order]) >= -1e-9 * np.abs(y[order][1:]))
