"""evaluate() under the other shipped methods, with hand-computed numbers."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from fenghuang.errors import EvaluationError
from fenghuang.evaluation import evaluate
from fenghuang.methods import load_method, method_text, parse_method

# jingde with fixed class lines A ≥ 80, B ≥ 60, C ≥ 40 (the shipped file uses shares)
JINGDE_LINES = parse_method(
    method_text("jingde").replace(
        'rule = "shares"\nshares = [0.2, 0.4, 0.35, 0.05]',
        'rule = "thresholds"\nthresholds = [80.0, 60.0, 40.0]',
    ),
    file="jingde-lines.toml",
)


def facts(rows: list[dict[str, Any]], year: int = 2023) -> pa.Table:
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    cols = {k: [r.get(k) for r in rows] for k in keys}
    cols.setdefault("year", [year] * len(rows))
    return pa.table(cols)


def res(ev: Any) -> dict[str, dict[str, Any]]:
    return {r["credit_code"]: r for r in ev.results.to_pylist()}


def item(ev: Any, code: str, ind: str) -> dict[str, Any]:
    (r,) = [r for r in ev.items.to_pylist() if r["credit_code"] == code and r["indicator"] == ind]
    return r


# --- zhejiang-2018: pool-mean benchmarks, cap 2 × weight, four pools ---------------------


def test_zhejiang_2018_scores_and_pools() -> None:
    common = {
        "above_scale": True,
        "land_own": 10.0,
        "value_added": 5e6,
        "employees": 50.0,
        "energy_tce": 500.0,
        "cod_t": 1.0,
        "rd_expense": 3e5,
        "revenue": 1e7,
    }
    rows = [
        dict(common, credit_code="Z1", tax_paid=10e4 * 10),  # 10 万元/亩
        dict(common, credit_code="Z2", tax_paid=20e4 * 10),  # 20 万元/亩
        dict(common, credit_code="Z3", tax_paid=60e4 * 10),  # 60 万元/亩
        {"credit_code": "L", "above_scale": False, "land_leased_in": 4.0, "tax_paid": 1e5},
        {"credit_code": "B5", "above_scale": False, "land_own": 5.0, "tax_paid": 1e5},
        {"credit_code": "B2", "above_scale": False, "land_own": 2.0, "tax_paid": 1e5},
    ]
    ev = evaluate(facts(rows), load_method("zhejiang-2018"))
    r = res(ev)
    # benchmark = pool mean (10 + 20 + 60) / 3 = 30; the other five items are equal across
    # firms, so ratio 1 → their full weights 20 + 10 + 10 + 10 + 10 = 60
    assert item(ev, "Z1", "tax_per_mu")["benchmark"] == pytest.approx(30.0)
    assert r["Z1"]["score"] == pytest.approx(40 * 10 / 30 + 60)
    assert r["Z2"]["score"] == pytest.approx(40 * 20 / 30 + 60)
    assert r["Z3"]["score"] == pytest.approx(80 + 60)  # 40 × 60/30 = 80 = cap 2 × 40
    assert item(ev, "Z3", "tax_per_mu")["cap"] == 80.0
    assert {c: r[c]["pool"] for c in ("L", "B5", "B2")} == {
        "L": "leased",
        "B5": "below_large",
        "B2": "below_small",
    }
    assert r["L"]["score"] == pytest.approx(100.0)  # alone in its pool: ratio 1 × 100


# --- kaihua-2014: leased land counted, social insurance in 税费, cap 1.5 × weight -----------


def test_kaihua_2014_land_tax_fees_and_cap() -> None:
    common = {
        "above_scale": True,
        "land_own": 8.0,
        "land_leased_in": 2.0,
        "land_leased_out": 3.0,  # not subtracted in Kaihua: land = 8 + 2 = 10 亩
        "revenue": 5e7,
        "value_added": 1e7,
    }
    rows = [
        # 900,000 − 100,000 + 200,000 = 1,000,000 元 → 10 万元/亩; energy keeps 税费/tce equal
        dict(
            common,
            credit_code="K1",
            tax_paid=9e5,
            tax_refund=1e5,
            social_insurance=2e5,
            energy_tce=100.0,
        ),
        dict(common, credit_code="K2", tax_paid=4e6, energy_tce=400.0),  # 40 万元/亩
    ]
    ev = evaluate(facts(rows), load_method("kaihua-2014"))
    r = res(ev)
    assert item(ev, "K1", "taxfee_per_mu")["value"] == pytest.approx(10.0)
    assert item(ev, "K1", "taxfee_per_mu")["benchmark"] == pytest.approx(25.0)  # (10 + 40)/2
    # K1: 50 × 10/25 = 20, plus 20 + 15 + 15 for the three equal items
    assert r["K1"]["score"] == pytest.approx(20 + 50)
    # K2: 50 × 40/25 = 80 capped at 1.5 × 50 = 75
    assert item(ev, "K2", "taxfee_per_mu")["item_score"] == pytest.approx(75.0)
    assert r["K2"]["score"] == pytest.approx(75 + 50)


# --- huaian: 2 × the county's previous-year average ---------------------------------------


def _huaian_row(code: str, county: str, tax_per_mu_wan: float, **kw: Any) -> dict[str, Any]:
    return {
        "credit_code": code,
        "county_code": county,
        "above_scale": False,
        "land_own": 10.0,
        "tax_paid": tax_per_mu_wan * 1e4 * 10,
        "revenue": 1e7,  # 100 万元/亩 everywhere
        "electricity_kwh": 1e6,
        **kw,
    }


def test_huaian_previous_year_county_benchmark() -> None:
    prev = facts(
        [
            _huaian_row("P1", "320803", 10.0),
            _huaian_row("P2", "320803", 20.0),
            _huaian_row("P3", "320804", 40.0),
        ],
        year=2022,
    )
    cur = facts(
        [
            _huaian_row("H1", "320803", 15.0),
            _huaian_row("H2", "320804", 100.0),
            _huaian_row("H3", "320899", 35.0),  # a county with no previous-year data
        ]
    )
    ev = evaluate(cur, load_method("huaian"), previous=prev)
    # county 320803: 2 × (10 + 20)/2 = 30 → 45 × 15/30 = 22.5
    assert item(ev, "H1", "tax_per_mu")["benchmark"] == pytest.approx(30.0)
    assert item(ev, "H1", "tax_per_mu")["item_score"] == pytest.approx(22.5)
    # county 320804: 2 × 40 = 80 → 45 × 100/80 capped at 45
    assert item(ev, "H2", "tax_per_mu")["benchmark"] == pytest.approx(80.0)
    assert item(ev, "H2", "tax_per_mu")["item_score"] == pytest.approx(45.0)
    # no data for 320899 last year: the pool's previous-year mean, 2 × 70/3
    assert item(ev, "H3", "tax_per_mu")["benchmark"] == pytest.approx(2 * 70 / 3)
    # revenue: 100 万元/亩 last year everywhere → benchmark 200 → 35 × 0.5 = 17.5;
    # tax per kWh: 元/kWh = tax / 1e6 (H1: 1.5 vs 2 × mean(1, 2) = 3 → 20 × 0.5 = 10)
    assert res(ev)["H1"]["score"] == pytest.approx(22.5 + 17.5 + 10.0)
    logged = [e for e in ev.log if e.get("step") == "benchmark" and e["indicator"] == "tax_per_mu"]
    assert logged[0]["fallback_to_overall"] == ["320899"]
    with pytest.raises(EvaluationError) as ei:
        evaluate(cur, load_method("huaian"))
    assert ei.value.code == "E-EVAL-PREVIOUS-NEEDED"


# --- jingde: min-max 20–100 % of the weight; with class lines 80/60/40 ----------------------


def test_jingde_minmax_and_thresholds() -> None:
    rows = [
        {
            "credit_code": f"J{v}",
            "above_scale": False,
            "land_own": 10.0,
            "tax_paid": v * 1e4 * 10,  # v 万元/亩
            "electricity_kwh": v * 1e5,  # tax per kWh = 1 元/kWh for all: zero range
        }
        for v in (1, 2, 5)
    ]
    ev = evaluate(facts(rows), JINGDE_LINES)
    r = res(ev)
    # tax per mu: min 1, max 5 → 60 × [20 + 80 × (x − 1)/4] / 100; tax per kWh all equal → 40
    assert r["J1"]["score"] == pytest.approx(60 * 20 / 100 + 40)  # 52
    assert r["J2"]["score"] == pytest.approx(60 * (20 + 80 * 0.25) / 100 + 40)  # 64
    assert r["J5"]["score"] == pytest.approx(60 + 40)  # 100
    assert [r[c]["class_raw"] for c in ("J5", "J2", "J1")] == ["A", "B", "C"]
    b = {x["class_label"]: x["min_score"] for x in ev.boundaries.to_pylist()}
    assert b == {"A": 80.0, "B": 60.0, "C": 40.0, "D": None}
    assert any(e["step"] == "minmax_zero_range" for e in ev.log)
    # the shipped jingde classes by shares: n = 3 → cumulative floor(0.6 + ½) = 1, 2, 3
    shipped = res(evaluate(facts(rows), load_method("jingde")))
    assert [shipped[c]["class_raw"] for c in ("J5", "J2", "J1")] == ["A", "B", "C"]
    assert shipped["J2"]["score"] == pytest.approx(64.0)


def test_jingde_threshold_equal_gets_better_class() -> None:
    # two firms: min-max gives 20 % and 100 %; with weights 60/40 the scores are 12 + x …
    # build a score of exactly 60: tax item 60 × [20 + 80 t]/100 + 40 × 0.2 (kWh worst) = 60
    # → 12 + 48 t + 8 = 60 → t = 5/6
    rows = [
        {
            "credit_code": "lo",
            "above_scale": False,
            "land_own": 1.0,
            "tax_paid": 0.0,
            "electricity_kwh": 1.0,
        },
        {
            "credit_code": "hi",
            "above_scale": False,
            "land_own": 1.0,
            "tax_paid": 6.0,
            "electricity_kwh": 1.0,
        },
        {
            "credit_code": "mid",
            "above_scale": False,
            "land_own": 1.0,
            "tax_paid": 5.0,
            "electricity_kwh": 1e6,
        },
    ]
    ev = evaluate(facts(rows), JINGDE_LINES)
    r = res(ev)
    assert r["mid"]["score"] == pytest.approx(60.0)
    assert r["mid"]["class_raw"] == "B"


# --- pingxiang-4heroes: four dimensions, industry groups, points penalty --------------------


def _px(code: str, industry: str, **kw: Any) -> dict[str, Any]:
    return {
        "credit_code": code,
        "industry_code": industry,
        "above_scale": True,
        "land_own": 10.0,
        "tax_paid": 1e6,
        "value_added": 5e6,
        "revenue": 2e7,
        "energy_tce": 1000.0,
        "cod_t": 2.0,
        "rd_expense": 4e5,
        "invention_patents": 2,
        "employees": 100.0,
        **kw,
    }


def test_pingxiang_high_tech_item_and_dimensions() -> None:
    ev = evaluate(
        facts([_px("P1", "1311", high_tech=True), _px("P2", "1311", high_tech=False)]),
        load_method("pingxiang-4heroes"),
    )
    r = res(ev)
    # every item equal across the two firms (ratio 1 → its weight) except high-tech:
    # 亩均 15 + 10 + 5, 低碳 15 + 10, 科技 10 + 5 + (5 or 0), 人均 15 + 10
    assert r["P1"]["score"] == pytest.approx(100.0)
    assert r["P2"]["score"] == pytest.approx(95.0)
    m = load_method("pingxiang-4heroes")
    dims = {i.dimension for i in m.indicators}
    assert dims == {"亩均", "低碳", "科技", "人均"} and m.meta.reconstruction


def test_pingxiang_industry_groups_merge_small_ones() -> None:
    rows = [_px(f"A{i:02d}", "1311", tax_paid=1e6 + i * 1e4) for i in range(12)]
    rows += [_px(f"B{i}", "1411", tax_paid=2e6 + i) for i in range(3)]
    ev = evaluate(facts(rows), load_method("pingxiang-4heroes"))
    r = res(ev)
    assert r["A00"]["class_group"] == "13"
    assert r["B0"]["class_group"] == ""  # 3 < min_group 10: merged into the pool remainder
    groups = {(b["class_group"], b["class_label"]): b["count"] for b in ev.boundaries.to_pylist()}
    # 12 firms, shares .2/.4/.35/.05: cumulative floor(S·12 + ½) = 2, 7, 11, 12 → 2/5/4/1
    assert [groups[("13", c)] for c in "ABCD"] == [2, 5, 4, 1]
    # 3 firms: floor(0.6 + ½) = 1, floor(1.8 + ½) = 2, floor(2.85 + ½) = 3 → 1/1/1/0
    assert [groups[("", c)] for c in "ABCD"] == [1, 1, 1, 0]


def test_pingxiang_below_scale_penalty_for_missing_employees() -> None:
    rows = [
        {
            "credit_code": "S1",
            "above_scale": False,
            "land_own": 5.0,
            "tax_paid": 5e5,
            "electricity_kwh": 1e6,
            "employees": 10.0,
        },
        {
            "credit_code": "S2",
            "above_scale": False,
            "land_own": 5.0,
            "tax_paid": 5e5,
            "electricity_kwh": 1e6,
        },
    ]
    ev = evaluate(facts(rows), load_method("pingxiang-4heroes"))
    r = res(ev)
    # S1: alone with employees → 20; both equal on the other items → 50 + 30
    assert r["S1"]["score"] == pytest.approx(100.0)
    assert r["S2"]["score"] == pytest.approx(80.0 - 5.0)  # penalty 5 points
    assert item(ev, "S2", "tax_per_worker")["item_score"] == -5.0
    assert "数据缺失" in r["S2"]["flags"]


def test_huaian_item_without_any_data_is_missing_not_an_error() -> None:
    # below-size firms rarely report revenue: with none this year and last, the revenue item
    # scores by the missing rule (zero) instead of stopping the evaluation
    prev = facts([_huaian_row("P1", "320803", 10.0, revenue=None)], year=2022)
    cur = facts([_huaian_row("H1", "320803", 15.0, revenue=None)])
    ev = evaluate(cur, load_method("huaian"), previous=prev)
    assert item(ev, "H1", "revenue_per_mu")["item_score"] == 0.0
    assert item(ev, "H1", "revenue_per_mu")["benchmark"] is None
    assert res(ev)["H1"]["score"] == pytest.approx(45 * 15 / 20 + 20 * 1.5 / 2)
    # but values this year with no benchmark last year is an error that says so
    cur2 = facts([_huaian_row("H1", "320803", 15.0)])
    with pytest.raises(EvaluationError) as ei:
        evaluate(cur2, load_method("huaian"), previous=prev)
    assert ei.value.code == "E-EVAL-BENCHMARK" and ei.value.context["indicator"] == "revenue_per_mu"


def test_kaihua_combines_firms_sharing_a_parcel() -> None:
    common = {"above_scale": False, "revenue": 1e7, "electricity_kwh": 1e6}
    rows = [
        # K1 and K2 share parcel P1 half and half (the warehouse gave each 5 亩)
        dict(common, credit_code="K1", land_own=5.0, tax_paid=3e5),
        dict(common, credit_code="K2", land_own=5.0, tax_paid=1e5),
        dict(common, credit_code="K3", land_own=10.0, tax_paid=2e5),
    ]
    parcels = pa.table(
        {
            "parcel_id": ["P1", "P1", "P2"],
            "credit_code": ["K1", "K2", "K3"],
            "area": [10.0, 10.0, 10.0],
            "share": [0.5, 0.5, None],
        }
    )
    m = load_method("kaihua-2014")
    assert m.combine_shared_parcels
    ev = evaluate(facts(rows), m, parcels=parcels)
    r = res(ev)
    # the unit K1+K2: (3e5 + 1e5) / (5 + 5) = 40,000 元/亩 = 4 万元/亩, like K3 (2e5 / 10 = 2)?
    assert item(ev, "K1", "taxfee_per_mu")["value"] == pytest.approx(4.0)
    assert item(ev, "K2", "taxfee_per_mu")["value"] == pytest.approx(4.0)
    assert item(ev, "K3", "taxfee_per_mu")["value"] == pytest.approx(2.0)
    assert r["K1"]["score"] == r["K2"]["score"]
    # benchmark over the three rows: (4 + 4 + 2)/3; K3: 70 × 2 / (10/3) = 42
    assert item(ev, "K3", "taxfee_per_mu")["item_score"] == pytest.approx(70 * 2 / (10 / 3))
    assert "合并计算" in r["K1"]["flags"] and "合并计算" not in r["K3"]["flags"]
    assert {e["credit_code"] for e in ev.events.to_pylist() if e["kind"] == "combined"} == {
        "K1",
        "K2",
    }
    # without the parcels every firm is scored alone, and the log says why
    alone = evaluate(facts(rows), m)
    assert item(alone, "K1", "taxfee_per_mu")["value"] == pytest.approx(6.0)
    assert {"step": "combine_shared_parcels", "skipped": "no parcels given"} in alone.log
