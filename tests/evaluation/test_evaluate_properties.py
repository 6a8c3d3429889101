"""Property tests of evaluate(): monotone scores, class shares, row order, no NaN."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.evaluation import evaluate
from fenghuang.methods import load_method

HUANGYAN = load_method("huangyan-2022")
JINGDE = load_method("jingde")
ZHEJIANG = load_method("zhejiang-2018")
METHODS = [HUANGYAN, JINGDE, ZHEJIANG]

firm = st.fixed_dictionaries(
    {
        "above_scale": st.booleans(),
        "land_own": st.one_of(st.none(), st.floats(0.0, 200.0)),
        "land_leased_in": st.one_of(st.none(), st.floats(0.0, 20.0)),
        "tax_paid": st.one_of(st.none(), st.floats(-1e5, 1e8)),
        "value_added": st.one_of(st.none(), st.floats(0.0, 1e9)),
        "energy_tce": st.one_of(st.none(), st.floats(0.0, 1e5)),
        "electricity_kwh": st.one_of(st.none(), st.floats(0.0, 1e9)),
        "cod_t": st.one_of(st.none(), st.floats(0.0, 10.0)),
        "employees": st.one_of(st.none(), st.floats(0.0, 5000.0)),
        "rd_expense": st.one_of(st.none(), st.floats(0.0, 1e7)),
        "revenue": st.one_of(st.none(), st.floats(0.0, 1e10)),
        "accident_safety": st.booleans(),
        "tech_growth": st.booleans(),
    }
)


def table(rows: list[dict[str, Any]]) -> pa.Table:
    cols: dict[str, list[Any]] = {"credit_code": [f"C{i:04d}" for i in range(len(rows))]}
    for k in rows[0]:
        cols[k] = [r[k] for r in rows]
    cols["year"] = [2023] * len(rows)
    return pa.table(cols)


def _key(ev: Any) -> list[tuple[Any, ...]]:
    rows = sorted(ev.results.to_pylist(), key=lambda r: r["credit_code"])
    return [
        (
            r["credit_code"],
            None if r["score"] is None else round(r["score"], 9),
            r["class_raw"],
            r["class_final"],
            r["rank_in_pool"],
            tuple(r["flags"]),
        )
        for r in rows
    ]


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(firm, min_size=1, max_size=25), seed=st.integers(0, 2**32 - 1))
def test_independent_of_row_order_and_never_nan(rows: list[dict[str, Any]], seed: int) -> None:
    t = table(rows)
    perm = np.random.default_rng(seed).permutation(t.num_rows)
    for m in METHODS:
        a, b = evaluate(t, m), evaluate(t.take(pa.array(perm)), m)
        assert _key(a) == _key(b)
        scores = a.results.column("score").to_numpy(zero_copy_only=False)
        rated = np.asarray(a.results.column("rated").to_pylist())
        assert np.isfinite(scores[rated]).all()
        assert np.isnan(scores[~rated]).all()  # null ⇔ not rated
        assert np.isfinite(a.items.column("item_score").to_numpy()).all()


@settings(max_examples=25, deadline=None)
@given(
    taxes=st.lists(st.integers(1, 10**6), min_size=1, max_size=80, unique=True),
)
def test_class_counts_follow_shares(taxes: list[int]) -> None:
    # distinct scores in one pool: class k holds exactly c_k − c_{k−1} firms,
    # c_k = floor(S_k n + 1/2), S = cumulative shares (0.2, 0.6, 0.95, 1)
    rows = [
        {"above_scale": False, "land_own": 1.0, "tax_paid": float(t), "electricity_kwh": 1e12}
        for t in taxes
    ]
    ev = evaluate(table(rows), HUANGYAN)
    n = len(taxes)
    cum = [math.floor(round(s * n, 9) + 0.5) for s in (0.2, 0.6, 0.95)] + [n]
    expected = np.diff([0, *cum]).tolist()
    got = [ev.results.column("class_raw").to_pylist().count(c) for c in "ABCD"]
    assert got == expected


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(firm, min_size=2, max_size=15),
    i=st.integers(0, 14),
    factor=st.floats(1.0, 10.0),
)
def test_score_non_decreasing_in_tax(rows: list[dict[str, Any]], i: int, factor: float) -> None:
    i = i % len(rows)
    t = table(rows)
    up = [dict(r) for r in rows]
    tax = up[i]["tax_paid"]
    if tax is None or tax <= 0:
        up[i]["tax_paid"] = 1e6
    else:
        up[i]["tax_paid"] = tax * factor
    for m in (HUANGYAN, JINGDE, ZHEJIANG):
        a = evaluate(t, m).results.column("score")[i].as_py()
        b = evaluate(table(up), m).results.column("score")[i].as_py()
        if a is not None and b is not None:
            assert b >= a - 1e-9 * max(1.0, abs(a))
