"""Competition ranks within groups, and their agreement with the share classes."""

from __future__ import annotations

import doctest

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from fenghuang.engine import classify_shares, rank_within_groups

SHARES = (0.2, 0.4, 0.35, 0.05)
ABCD = np.array(["A", "B", "C", "D"])

scores_and_groups = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(
            st.one_of(st.integers(0, 6).map(float), st.floats(-1e3, 1e3), st.just(np.nan)),
            min_size=n,
            max_size=n,
        ),
        st.lists(st.sampled_from(["采矿", "化工", "陶瓷"]), min_size=n, max_size=n),
        st.booleans(),
        st.permutations(list(range(n))),
    )
)


@settings(max_examples=150, deadline=None)
@given(scores_and_groups)
def test_matches_scipy_min_rank_and_is_order_independent(case) -> None:  # type: ignore[no-untyped-def]
    raw, raw_groups, hib, perm = case
    s, g = np.array(raw), np.array(raw_groups)
    got = rank_within_groups(s, groups=g, higher_is_better=hib)
    for key in np.unique(g):
        idx = np.flatnonzero((g == key) & ~np.isnan(s))
        if idx.size:
            v = -s[idx] if hib else s[idx]
            np.testing.assert_array_equal(got.rank[idx], rankdata(v, method="min"))
        assert (got.of[g == key] == idx.size).all()
    assert (got.rank[np.isnan(s)] == 0).all()
    again = rank_within_groups(s[perm], groups=g[perm], higher_is_better=hib)
    np.testing.assert_array_equal(again.rank, got.rank[perm])
    # the share class follows from rank and group size
    labels = classify_shares(s, SHARES, list(ABCD), groups=g, higher_is_better=hib)
    for i in np.flatnonzero(~np.isnan(s)):
        c = np.floor(np.round(np.cumsum(SHARES) * got.of[i], 9) + 0.5)
        assert labels[i] == ABCD[np.argmax(got.rank[i] <= np.append(c[:-1], got.of[i]))]


def test_ungrouped_large() -> None:
    rng = np.random.default_rng(0)
    s = rng.integers(0, 1000, 100_000).astype(float)
    got = rank_within_groups(s)
    np.testing.assert_array_equal(got.rank, rankdata(-s, method="min"))
    assert (got.of == s.size).all()


def test_docstring_examples() -> None:
    from fenghuang.engine import _rank

    assert doctest.testmod(_rank).failed == 0
