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


def test_an_absurd_value_that_overflows_an_item_follows_the_missing_rule() -> None:
    # Found by hypothesis: R&D 11 元 over revenue 1.9e-305 元 is a ratio of ~6e305;
    # ÷ the 0.0302 benchmark × 10 points overflows to inf (huangyan's R&D item has no cap).
    base = {
        "above_scale": True,
        "land_own": 10.0,
        "land_leased_in": None,
        "tax_paid": 2e6,
        "value_added": 1e7,
        "energy_tce": 1e3,
        "electricity_kwh": 1e6,
        "cod_t": 1.0,
        "employees": 100.0,
        "rd_expense": 3e5,
        "revenue": 1e7,
        "accident_safety": False,
        "tech_growth": False,
    }
    rows = [dict(base) for _ in range(4)]
    rows[3]["revenue"] = 1.90312286813872e-305
    rows[3]["rd_expense"] = 11.0
    ev = evaluate(table(rows), HUANGYAN)
    scores = ev.results.column("score").to_pylist()
    assert all(s is not None and math.isfinite(s) for s in scores)
    rd = [i for i in ev.items.to_pylist() if i["indicator"] == "rd_ratio"]
    # The other three have R&D ratio 0.03 → 0.03 / 0.0302 × 10 = 9.933774834 points;
    # the absurd one follows the item's missing rule (huangyan's default: zero points).
    assert [round(i["item_score"], 6) for i in rd] == [9.933775] * 3 + [0.0]
    assert rd[3]["missing_rule"] == "zero"
    assert any(s.get("step") == "item_unusable" for s in ev.log)
