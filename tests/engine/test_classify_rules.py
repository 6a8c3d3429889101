"""Classification by fixed thresholds and by Jenks natural breaks."""

from __future__ import annotations

import doctest

import jenkspy
import numpy as np
import pytest

from fenghuang.engine import classify_breaks, classify_thresholds
from fenghuang.errors import EngineInputError


def test_thresholds_boundary_goes_to_the_better_class() -> None:
    got = classify_thresholds([100, 90, 89.999, 75, 74, 60, 59.9, 0], [90, 75, 60], "ABCD")
    assert list(got) == ["A", "A", "B", "B", "C", "C", "D", "D"]


def test_thresholds_lower_is_better_and_nan() -> None:
    got = classify_thresholds(
        [0.1, 0.5, 0.51, 1.0, 3.0, np.nan],
        [0.5, 1.0],
        ("低耗", "中耗", "高耗"),
        higher_is_better=False,
    )
    assert list(got) == ["低耗", "低耗", "中耗", "中耗", "高耗", ""]


def test_thresholds_order_independent() -> None:
    rng = np.random.default_rng(0)
    s = rng.uniform(0, 100, 500).round()
    perm = rng.permutation(500)
    got = classify_thresholds(s, [80, 50], "ABC")
    np.testing.assert_array_equal(classify_thresholds(s[perm], [80, 50], "ABC"), got[perm])


@pytest.mark.parametrize(
    ("thresholds", "hib"),
    [([60, 75, 90], True), ([90, 90, 60], True), ([90, 75, 60], False), ([90, np.nan, 60], True)],
)
def test_thresholds_must_be_monotone_from_the_best(thresholds: list[float], hib: bool) -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-THRESHOLDS"):
        classify_thresholds([1.0], thresholds, "ABCD", higher_is_better=hib)


def test_thresholds_label_count() -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-LABELS"):
        classify_thresholds([1.0], [90, 75, 60], "ABC")


def test_breaks_follow_jenkspy_intervals() -> None:
    rng = np.random.default_rng(1)
    s = np.concatenate([rng.normal(10, 1, 50), rng.normal(30, 1, 30), rng.normal(60, 2, 20)])
    got = classify_breaks(s, 3, ("高", "中", "低"))
    assert (got[:50] == "低").all() and (got[50:80] == "中").all() and (got[80:] == "高").all()
    # exactly jenkspy's intervals: (b1, b2] etc., the minimum in the lowest
    breaks = jenkspy.jenks_breaks(s.tolist(), n_classes=3)
    jnb = jenkspy.JenksNaturalBreaks(3)
    jnb.fit(s.tolist())
    np.testing.assert_allclose(jnb.breaks_, breaks)
    ours_ascending = np.array([("低", "中", "高").index(lab) for lab in got])
    np.testing.assert_array_equal(ours_ascending, jnb.predict(s.tolist()))


def test_breaks_lower_is_better_nan_and_order() -> None:
    s = np.array([1, 2, 3, 10, 11, 12, 30, 31, np.nan])
    got = classify_breaks(s, 3, "ABC", higher_is_better=False)
    assert list(got) == ["A", "A", "A", "B", "B", "B", "C", "C", ""]
    perm = np.random.default_rng(2).permutation(s.size)
    np.testing.assert_array_equal(
        classify_breaks(s[perm], 3, "ABC", higher_is_better=False), got[perm]
    )


def test_breaks_need_enough_distinct_scores() -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-BREAKS"):
        classify_breaks([1.0, 1.0, 2.0], 3, "ABC")
    with pytest.raises(EngineInputError, match="E-ENGINE-BREAKS"):
        classify_breaks([1.0, 2.0, 3.0], 1, "A")


def test_docstring_examples() -> None:
    from fenghuang.engine import _classify_rules

    assert doctest.testmod(_classify_rules).failed == 0
