"""Share classification: counts, ties, groups, NaN, order independence, boundaries."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from fenghuang.engine import class_boundaries, classify_shares
from fenghuang.errors import EngineInputError

SHARES = (0.2, 0.4, 0.35, 0.05)
ABCD = ("A", "B", "C", "D")


def reference(scores, shares, labels, groups=None, higher_is_better=True):  # type: ignore[no-untyped-def]
    """The documented rule, written directly: c_k = floor(S_k n + 1/2), ties to the better class."""
    s = np.asarray(scores, dtype=float)
    g = np.zeros(s.size, dtype=int) if groups is None else np.asarray(groups)
    out = np.full(s.size, "", dtype=object)
    cum = np.cumsum(shares)
    for key in np.unique(g):
        idx = np.flatnonzero((g == key) & ~np.isnan(s))
        n = idx.size
        if n == 0:
            continue
        c = np.floor(np.round(cum * n, 9) + 0.5).astype(int)
        c[-1] = n
        good = s[idx] if higher_is_better else -s[idx]
        better_plus_one = rankdata(-good, method="min")  # 1 + units strictly better
        k = (better_plus_one[:, None] > c[None, :-1]).sum(axis=1)
        out[idx] = np.asarray(labels)[k]
    return out.astype(str)


def counts(labels: np.ndarray) -> list[int]:
    return [int((labels == lab).sum()) for lab in ABCD]


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (591, [118, 237, 206, 30]),
        (100, [20, 40, 35, 5]),
        (20, [4, 8, 7, 1]),
        (10, [2, 4, 4, 0]),
        (7, [1, 3, 3, 0]),
        (1, [0, 1, 0, 0]),
    ],
)
def test_exact_counts_under_the_share_rule(n: int, expected: list[int]) -> None:
    scores = np.random.default_rng(n).permutation(n).astype(float)  # distinct
    labels = classify_shares(scores, SHARES, ABCD)
    assert counts(labels) == expected
    # and the best scores are in the best classes
    order = np.argsort(-scores)
    assert list(labels[order]) == sorted(labels, key=ABCD.index)


def test_ties_at_a_boundary_all_get_the_better_class() -> None:
    # 10 units, A takes 2: the 2nd and 3rd best tie, so both are A
    scores = [10, 9, 9, 8, 7, 6, 5, 4, 3, 2]
    labels = classify_shares(scores, SHARES, ABCD)
    assert list(labels) == ["A", "A", "A", "B", "B", "B", "C", "C", "C", "C"]
    # all equal: everybody is in the best class
    assert set(classify_shares([5.0] * 9, SHARES, ABCD)) == {"A"}


def test_lower_is_better() -> None:
    labels = classify_shares([1, 2, 3, 4, 5], (0.4, 0.6), ("good", "bad"), higher_is_better=False)
    assert list(labels) == ["good", "good", "bad", "bad", "bad"]


def test_nan_scores_are_unclassified_and_do_not_count() -> None:
    scores = np.array([np.nan, 5, 4, 3, 2, 1, np.nan], dtype=float)
    labels = classify_shares(scores, (0.4, 0.6), ("A", "B"))
    assert list(labels) == ["", "A", "A", "B", "B", "B", ""]
    assert set(classify_shares([np.nan, np.nan], (0.4, 0.6), ("A", "B"))) == {""}


@pytest.mark.parametrize("kind", ["int", "str", "sparse-int"])
def test_groups_are_classified_separately(kind: str) -> None:
    rng = np.random.default_rng(1)
    n = 3000
    raw = rng.integers(0, 7, n)
    groups = {
        "int": raw,
        "str": np.array(["采矿", "化工", "陶瓷", "机械", "电子", "建材", "食品"])[raw],
        "sparse-int": raw * 1_000_003 - 5,
    }[kind]
    scores = rng.normal(size=n)
    got = classify_shares(scores, SHARES, ABCD, groups=groups)
    for key in np.unique(groups):
        idx = groups == key
        np.testing.assert_array_equal(got[idx], classify_shares(scores[idx], SHARES, ABCD))
    np.testing.assert_array_equal(got, reference(scores, SHARES, ABCD, groups))


@pytest.mark.parametrize("dist", ["normal", "ties", "heavy-tail", "constant"])
def test_large_groups_match_the_rule(dist: str) -> None:
    # large enough for the histogram path (thousands of bins per group)
    rng = np.random.default_rng(2)
    n = 200_000
    scores = {
        "normal": rng.normal(size=n),
        "ties": rng.integers(0, 50, n).astype(float),
        "heavy-tail": rng.lognormal(0, 4, n),
        "constant": np.full(n, 3.0),
    }[dist]
    scores[rng.random(n) < 0.02] = np.nan
    groups = rng.integers(0, 20, n)
    for hib in (True, False):
        got = classify_shares(scores, SHARES, ABCD, groups=groups, higher_is_better=hib)
        np.testing.assert_array_equal(got, reference(scores, SHARES, ABCD, groups, hib))


score_lists = st.lists(
    st.one_of(st.integers(0, 8).map(float), st.floats(-1e6, 1e6), st.just(float("nan"))),
    min_size=1,
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(score_lists, st.data())
def test_rule_and_order_independence(scores: list[float], data: st.DataObject) -> None:
    s = np.array(scores)
    groups = np.array(data.draw(st.lists(st.integers(0, 3), min_size=s.size, max_size=s.size)))
    hib = data.draw(st.booleans())
    got = classify_shares(s, SHARES, ABCD, groups=groups, higher_is_better=hib)
    np.testing.assert_array_equal(got, reference(s, SHARES, ABCD, groups, hib))
    perm = np.array(data.draw(st.permutations(list(range(s.size)))))
    again = classify_shares(s[perm], SHARES, ABCD, groups=groups[perm], higher_is_better=hib)
    np.testing.assert_array_equal(again, got[perm])


# -- boundaries -----------------------------------------------------------------


def test_boundaries_cutoffs_and_counts() -> None:
    scores = np.array([10, 9, 9, 8, 7, 6, 5, 4, 3, 2, 50, 40], dtype=float)
    groups = np.array(["x"] * 10 + ["y"] * 2)
    b = class_boundaries(scores, SHARES, ABCD, groups=groups)
    assert list(b.groups) == ["x", "y"]
    assert b.labels == ABCD
    np.testing.assert_array_equal(b.cutoffs[0], [9, 6, 2, 2])
    np.testing.assert_array_equal(b.counts[0], [3, 3, 4, 0])
    # group y: n = 2 gives c = (0, 1, 2, 2): no A, B from 50, C down to 40
    np.testing.assert_array_equal(b.cutoffs[1], [np.nan, 50, 40, 40])
    np.testing.assert_array_equal(b.counts[1], [0, 1, 1, 0])


def test_gap_to_better_class_is_exactly_enough() -> None:
    rng = np.random.default_rng(4)
    scores = rng.normal(size=40).round(2)
    groups = rng.integers(0, 2, 40)
    for hib in (True, False):
        b = class_boundaries(scores, SHARES, ABCD, groups=groups, higher_is_better=hib)
        gap = b.gap_to_better_class(scores, groups)
        labels = classify_shares(scores, SHARES, ABCD, groups=groups, higher_is_better=hib)
        sign = 1.0 if hib else -1.0
        for i in range(scores.size):
            k = ABCD.index(labels[i])
            if k == 0:
                assert gap[i] == 0
                continue
            cut = b.cutoffs[np.searchsorted(b.groups, groups[i]), k - 1]
            if np.isnan(cut):  # the better class is empty in this group
                assert np.isnan(gap[i])
                continue
            assert gap[i] > 0
            assert scores[i] + sign * gap[i] == pytest.approx(cut, abs=1e-12)
            moved = scores.copy()
            moved[i] = cut  # reaching the cut-off is enough ...
            new = classify_shares(moved, SHARES, ABCD, groups=groups, higher_is_better=hib)
            assert ABCD.index(new[i]) == k - 1
            moved[i] = cut - sign * 1e-9  # ... and just short of it is not
            new = classify_shares(moved, SHARES, ABCD, groups=groups, higher_is_better=hib)
            assert ABCD.index(new[i]) == k


def test_gap_needs_groups_when_boundaries_are_grouped() -> None:
    b = class_boundaries([1.0, 2.0, 3.0], (0.5, 0.5), groups=[0, 0, 1])
    assert b.labels == ("1", "2")
    with pytest.raises(EngineInputError, match="E-ENGINE-GROUPS"):
        b.gap_to_better_class([1.0])
    with pytest.raises(EngineInputError, match="E-ENGINE-GROUPS"):
        b.gap_to_better_class([1.0], groups=[7])


# -- bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shares", "labels", "code"),
    [
        ((0.2, 0.4, 0.3, 0.05), ABCD, "E-ENGINE-SHARES"),
        ((0.5, 0.6, -0.1), ("A", "B", "C"), "E-ENGINE-SHARES"),
        ((0.2, 0.8), ABCD, "E-ENGINE-LABELS"),
        ((0.2, 0.8), ("A", "A"), "E-ENGINE-LABELS"),
        ((0.2, 0.8), ("A", ""), "E-ENGINE-LABELS"),
    ],
)
def test_bad_shares_and_labels(shares: tuple, labels: tuple, code: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(EngineInputError) as exc:
        classify_shares([1.0, 2.0], shares, labels)
    assert exc.value.code == code
    assert exc.value.zh and exc.value.en


def test_bad_scores_and_groups() -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-NONFINITE") as exc:
        classify_shares([1.0, np.inf], SHARES, ABCD)
    assert exc.value.context["unit"] == 1
    with pytest.raises(EngineInputError, match="E-ENGINE-SHAPE"):
        classify_shares([[1.0]], SHARES, ABCD)
    with pytest.raises(EngineInputError, match="E-ENGINE-GROUPS"):
        classify_shares([1.0, 2.0], SHARES, ABCD, groups=[1])
    with pytest.raises(EngineInputError, match="E-ENGINE-GROUPS"):
        classify_shares([1.0, 2.0], SHARES, ABCD, groups=[1.0, np.nan])
    with pytest.raises(EngineInputError, match="E-ENGINE-GROUPS"):
        classify_shares([1.0, 2.0], SHARES, ABCD, groups=np.array([1, "a"], dtype=object))


def test_docstring_examples() -> None:
    from fenghuang.engine import _classify

    assert doctest.testmod(_classify).failed == 0


def test_boundaries_list_only_groups_that_occur() -> None:
    # small integer range with gaps; group 9 has only unscored units
    scores = np.array([1.0, 2.0, 3.0, 4.0, 5.0, np.nan])
    groups = np.array([2, 2, 5, 5, 7, 9])
    b = class_boundaries(scores, (0.5, 0.5), ("A", "B"), groups=groups)
    assert list(b.groups) == [2, 5, 7, 9]
    # n = 1 with a 0.5 share: c_A = floor(0.5 + 0.5) = 1, so the lone unit is A
    np.testing.assert_array_equal(b.counts, [[1, 1], [1, 1], [1, 0], [0, 0]])
    np.testing.assert_array_equal(b.cutoffs[:3], [[2, 1], [4, 3], [5, 5]])
    assert np.isnan(b.cutoffs[3]).all()
    b = class_boundaries(scores[:5], (0.5, 0.5), ("A", "B"), groups=groups[:5])
    assert list(b.groups) == [2, 5, 7]


def test_extreme_score_ranges() -> None:
    tiny = np.array([0.0, 5e-324, 1e-323, 1.5e-323, 2e-323])  # subnormal spread
    assert list(classify_shares(tiny, (0.4, 0.6), ("A", "B"))) == ["B", "B", "B", "A", "A"]
    huge = np.array([-1.7e308, 0.0, 1.7e308, 1.0, 2.0])  # range overflows to inf
    np.testing.assert_array_equal(
        classify_shares(huge, SHARES, ABCD), reference(huge, SHARES, ABCD)
    )


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_infinite_scores_are_refused_even_next_to_nan(bad: float) -> None:
    scores = np.array([1.0, np.nan, 3.0, bad, 2.0])
    for fn in (classify_shares, class_boundaries):
        with pytest.raises(EngineInputError, match="E-ENGINE-NONFINITE") as exc:
            fn(scores, SHARES, ABCD)
        assert exc.value.context["unit"] == 3


def test_single_class_and_empty_input() -> None:
    got = classify_shares([3.0, 1.0, 2.0, np.nan], (1.0,), ["all"], groups=[0, 0, 1, 1])
    assert list(got) == ["all", "all", "all", ""]
    assert classify_shares([], (0.5, 0.5), "AB").shape == (0,)
    b = class_boundaries(np.array([]), (0.5, 0.5), "AB", groups=np.array([], dtype=int))
    assert b.cutoffs.shape == (0, 2)
