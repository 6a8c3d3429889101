"""evaluate() under huangyan-2022: hand-computed scores, classes, rules, missing data."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from fenghuang.evaluation import evaluate
from fenghuang.evaluation._model import (
    BOUNDARIES_SCHEMA,
    EVENTS_SCHEMA,
    ITEMS_SCHEMA,
    POOL_STATS_SCHEMA,
    RESULTS_SCHEMA,
)
from fenghuang.methods import load_method

METHOD = load_method("huangyan-2022")


def facts(rows: list[dict[str, Any]], year: int = 2023) -> pa.Table:
    """A firm_facts-like table from row dicts (columns not given are null)."""
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    cols = {k: [r.get(k) for r in rows] for k in keys}
    cols.setdefault("year", [year] * len(rows))
    return pa.table(cols)


def by_code(table: pa.Table) -> dict[str, dict[str, Any]]:
    return {r["credit_code"]: r for r in table.to_pylist()}


def items_of(ev: Any, code: str) -> dict[str, dict[str, Any]]:
    return {r["indicator"]: r for r in ev.items.to_pylist() if r["credit_code"] == code}


ABOVE_X = {
    "credit_code": "X",
    "above_scale": True,
    "land_own": 20.0,
    "land_leased_in": 5.0,
    "land_leased_out": 5.0,  # land = 20 + 5 - 5 = 20 亩
    "tax_paid": 5_000_000.0,
    "tax_refund": 180_600.0,  # tax = 4,819,400 元 → 240,970 元/亩 = 24.097 万元/亩
    "value_added": 13_616_000.0,  # 680,800 元/亩 = 68.08 万元/亩
    "energy_tce": 2527.0,
    "cod_t": 1.0,
    "nh3n_t": 0.4,
    "so2_t": 0.95,
    "nox_t": 0.0,  # equivalents 1 + 0.4/0.8 + 0.95/0.95 + 0 = 2.5 t
    "employees": 100.0,
    "rd_expense": 302_000.0,
    "revenue": 20_000_000.0,
}
X_SCORE = (
    24.097 / 24.097 * 30
    + 68.08 / 136.16 * 20
    + (13_616_000 / 2527 / 1e4) / 2.694 * 20
    + (13_616_000 / 2.5 / 1e4) / 4929.81 * 10
    + (13_616_000 / 100 / 1e4) / 18.14 * 10
    + (302_000 / 20_000_000) / 0.0302 * 10
)


def test_above_scale_score_by_hand() -> None:
    ev = evaluate(facts([ABOVE_X]), METHOD)
    r = by_code(ev.results)["X"]
    assert r["pool"] == "above" and r["pool_name"] == "规上企业"
    assert r["score"] == pytest.approx(X_SCORE, rel=1e-12)
    it = items_of(ev, "X")
    assert it["tax_per_mu"]["value"] == pytest.approx(24.097)
    assert it["tax_per_mu"]["item_score"] == pytest.approx(30.0)
    assert it["va_per_mu"]["item_score"] == pytest.approx(10.0)
    assert it["rd_ratio"]["item_score"] == pytest.approx(5.0)
    assert it["va_per_emission"]["value"] == pytest.approx(544.64)
    assert it["va_per_emission"]["unit"] == "万元/吨"
    assert it["tax_per_mu"]["benchmark"] == 24.097 and it["tax_per_mu"]["max_score"] == 30
    assert it["tax_per_mu"]["cap"] is None  # huangyan sets no cap
    assert ev.results.schema == RESULTS_SCHEMA and ev.items.schema == ITEMS_SCHEMA
    assert ev.events.schema == EVENTS_SCHEMA and ev.boundaries.schema == BOUNDARIES_SCHEMA
    assert ev.pool_stats.schema == POOL_STATS_SCHEMA
    assert ev.method == "huangyan-2022" and ev.year == 2023
    assert [e["step"] for e in ev.log][:2] == ["start", "pool"] or ev.log[0]["step"] == "start"


def test_below_scale_score_by_hand() -> None:
    row = {
        "credit_code": "S",
        "above_scale": False,
        "land_own": 4.0,
        "tax_paid": 46_372.8,  # 11,593.2 元/亩 = 1.15932 万元/亩
        "electricity_kwh": 400_000.0,  # 0.115932 元/kWh
    }
    ev = evaluate(facts([row]), METHOD)
    r = by_code(ev.results)["S"]
    assert r["pool"] == "below"
    expected = 1.15932 / 11.5932 * 50 + (46_372.8 / 400_000) / 0.2352 * 50  # 5 + 24.645…
    assert r["score"] == pytest.approx(expected, rel=1e-12)
    assert r["score"] == pytest.approx(5 + 24.64540816326531)


def test_missing_emission_gets_pool_mean_and_flag() -> None:
    z = dict(ABOVE_X, credit_code="Z", cod_t=2.0, nh3n_t=0.8, so2_t=1.9, nox_t=0.0)  # 5 t eq
    y = {k: v for k, v in ABOVE_X.items() if k not in ("cod_t", "nh3n_t", "so2_t", "nox_t")}
    y["credit_code"] = "Y"
    ev = evaluate(facts([ABOVE_X, z, y]), METHOD)
    ix, iz, iy = items_of(ev, "X"), items_of(ev, "Z"), items_of(ev, "Y")
    x_em = (13_616_000 / 2.5 / 1e4) / 4929.81 * 10
    z_em = (13_616_000 / 5.0 / 1e4) / 4929.81 * 10
    assert ix["va_per_emission"]["item_score"] == pytest.approx(x_em)
    assert iz["va_per_emission"]["item_score"] == pytest.approx(z_em)
    assert iy["va_per_emission"]["value"] is None
    assert iy["va_per_emission"]["item_score"] == pytest.approx((x_em + z_em) / 2)
    assert iy["va_per_emission"]["missing_rule"] == "pool_mean"
    res = by_code(ev.results)
    assert res["Y"]["score"] == pytest.approx(X_SCORE - x_em + (x_em + z_em) / 2)
    assert "数据缺失" in res["Y"]["flags"] and "数据缺失" not in res["X"]["flags"]
    ev_y = [e for e in ev.events.to_pylist() if e["credit_code"] == "Y"]
    assert [(e["kind"], e["rule"]) for e in ev_y] == [("missing", "missing.va_per_emission")]
    stats = {(r["pool"], r["indicator"]): r for r in ev.pool_stats.to_pylist()}
    assert stats[("above", "va_per_emission")]["count"] == 2
    assert stats[("above", "va_per_emission")]["mean_item"] == pytest.approx((x_em + z_em) / 2)


def test_missing_zero_rule_and_no_nan() -> None:
    # R&D missing scores 0 under huangyan (default rule "zero"): the firm is still rated
    x = {k: v for k, v in ABOVE_X.items() if k != "rd_expense"}
    ev = evaluate(facts([x]), METHOD)
    r = by_code(ev.results)["X"]
    assert r["score"] == pytest.approx(X_SCORE - 5.0)
    assert items_of(ev, "X")["rd_ratio"]["missing_rule"] == "zero"
    assert not np.isnan(ev.items.column("item_score").to_numpy()).any()


def ranked_rows(n: int, **extra: Any) -> list[dict[str, Any]]:
    """n below-scale firms F00… with 亩均税收 n, n-1, …, 1 万元/亩 and no electricity item."""
    rows = []
    for i in range(n):
        rows.append(
            {
                "credit_code": f"F{i:02d}",
                "above_scale": False,
                "land_own": 10.0,
                "tax_paid": (n - i) * 1e4 * 10,  # (n - i) 万元/亩
                "electricity_kwh": 1e9,  # tax/kWh tiny but positive
            }
        )
    return rows


def test_class_counts_under_shares() -> None:
    # n = 20 with shares .2/.4/.35/.05: cumulative floor(S n + 1/2) = 4, 12, 19, 20
    ev = evaluate(facts(ranked_rows(20)), METHOD)
    classes = ev.results.column("class_raw").to_pylist()
    assert classes == ["A"] * 4 + ["B"] * 8 + ["C"] * 7 + ["D"]
    b = {r["class_label"]: r for r in ev.boundaries.to_pylist() if r["pool"] == "below"}
    assert [b[c]["count"] for c in "ABCD"] == [4, 8, 7, 1]
    scores = ev.results.column("score").to_pylist()
    assert b["A"]["min_score"] == scores[3] and b["B"]["min_score"] == scores[11]
    assert ev.results.column("rank_in_pool").to_pylist() == list(range(1, 21))
    assert ev.results.column("percentile_pool").to_pylist()[0] == 1.0
    assert ev.results.column("percentile_pool").to_pylist()[19] == 0.0
    assert ev.results.column("percentile_pool").to_pylist()[1] == pytest.approx(18 / 19)


def test_tie_at_boundary_gets_better_class() -> None:
    rows = ranked_rows(20)
    rows[4]["tax_paid"] = rows[3]["tax_paid"]  # 4th and 5th tie at the A boundary
    ev = evaluate(facts(rows), METHOD)
    classes = ev.results.column("class_raw").to_pylist()
    assert classes[:5] == ["A"] * 5 and classes[5] == "B"
    assert classes.count("B") == 7  # 12 − 5
    ranks = ev.results.column("rank_in_pool").to_pylist()
    assert ranks[3] == ranks[4] == 4 and ranks[5] == 6


def test_veto_bars_a_and_b() -> None:
    rows = ranked_rows(20)
    rows[0]["accident_safety"] = True
    rows[19]["accident_environment"] = True  # already D: stays D
    ev = evaluate(facts(rows), METHOD)
    res = by_code(ev.results)
    assert res["F00"]["class_raw"] == "A" and res["F00"]["class_final"] == "C"
    assert "一票否决" in res["F00"]["flags"]
    assert res["F19"]["class_final"] == "D"
    vetoes = [e for e in ev.events.to_pylist() if e["kind"] == "veto"]
    assert {(e["credit_code"], e["class_before"], e["class_after"]) for e in vetoes} == {
        ("F00", "A", "C"),
        ("F19", "D", "D"),
    }
    assert "一票否决" in vetoes[0]["reason_zh"]
    assert "一票否决" in res["F00"]["remark"]


def test_adjustments_fix_up_down() -> None:
    rows = ranked_rows(20)
    rows[15]["tech_growth"] = True  # C → B (提档)
    rows[6]["tech_growth"] = True  # B → A
    rows[0]["tech_growth"] = True  # A stays A (clamped)
    prev_rows = [dict(r) for r in ranked_rows(20)]
    prev_rows[8]["above_scale"] = True  # was 规上 last year, 规下 now: B → C (降档)
    ev = evaluate(facts(rows), METHOD, previous=facts(prev_rows, year=2022))
    res = by_code(ev.results)
    assert (res["F15"]["class_raw"], res["F15"]["class_final"]) == ("C", "B")
    assert (res["F06"]["class_raw"], res["F06"]["class_final"]) == ("B", "A")
    assert res["F00"]["class_final"] == "A" and "提档" in res["F00"]["flags"]
    assert (res["F08"]["class_raw"], res["F08"]["class_final"]) == ("B", "C")
    assert "降档" in res["F08"]["flags"]
    ev_kinds = {(e["credit_code"], e["kind"], e["rule"]) for e in ev.events.to_pylist()}
    assert ("F08", "down", "fell_below_scale") in ev_kinds
    assert ("F15", "up", "tech_growth_up") in ev_kinds
    # without the previous year, prev(above_scale) is missing: no down-grade
    ev2 = evaluate(facts(rows), METHOD)
    assert by_code(ev2.results)["F08"]["class_final"] == "B"


def test_fix_listed_above_scale_at_a() -> None:
    low = dict(ABOVE_X, credit_code="L", tax_paid=100_000.0, tax_refund=0.0, listed=True)
    others = [dict(ABOVE_X, credit_code=f"O{i}", tax_paid=5e6 + i * 1e5) for i in range(9)]
    ev = evaluate(facts([low, *others]), METHOD)
    r = by_code(ev.results)["L"]
    assert r["class_raw"] in ("C", "D") and r["class_final"] == "A"
    assert "定档" in r["flags"]
    fix = [e for e in ev.events.to_pylist() if e["kind"] == "fix"]
    assert fix[0]["class_after"] == "A" and fix[0]["reason_zh"] == "规上上市企业定为A类"


def test_provisional_never_d_unless_vetoed() -> None:
    rows = ranked_rows(20)
    rows[19]["founded"] = dt.date(2022, 3, 1)  # 2023 − 2022 = 1 < 3 years: provisional
    ev = evaluate(facts(rows), METHOD)
    r = by_code(ev.results)["F19"]
    assert (r["class_raw"], r["class_final"]) == ("D", "C")
    assert "暂定等级" in r["flags"]
    rows[19]["accident_food"] = True  # vetoed: the floor no longer applies
    ev = evaluate(facts(rows), METHOD)
    r = by_code(ev.results)["F19"]
    assert r["class_final"] == "D"
    assert not [e for e in ev.events.to_pylist() if e["kind"] == "provisional"]
    rows[19].pop("accident_food")
    rows[19]["founded"] = dt.date(2019, 3, 1)  # 4 years: an ordinary firm
    rows[19]["major_project"] = True  # but in a major project's construction period
    r = by_code(evaluate(facts(rows), METHOD).results)["F19"]
    assert r["class_final"] == "C"


def test_exempt_no_land_no_data_not_rated() -> None:
    rows = ranked_rows(5)
    rows.append({"credit_code": "E", "above_scale": True, "exempt": "烟草", "land_own": 9.0})
    rows.append({"credit_code": "N", "above_scale": False, "tax_paid": 1e6})  # no land
    rows.append({"credit_code": "D", "above_scale": False, "land_own": 5.0})  # no data
    ev = evaluate(facts(rows), METHOD)
    res = by_code(ev.results)
    assert res["E"]["class_final"] == "参照B" and res["E"]["score"] is None
    assert res["E"]["remark"] == "不定等级，参照B类" and not res["E"]["rated"]
    assert res["N"]["class_final"] == "T" and res["N"]["score"] is None
    assert res["D"]["class_final"] == "T" and "不参评" in res["D"]["flags"]
    nr = {e["credit_code"]: e["rule"] for e in ev.events.to_pylist() if e["kind"] == "not_rated"}
    assert nr == {"E": "exempt", "N": "no_land", "D": "no_data"}
    assert res["F00"]["pool_size"] == 5  # not-rated firms do not count
    assert all(not math.isnan(s) for s in ev.results.column("score").drop_null().to_pylist())


def test_empty_facts() -> None:
    ev = evaluate(facts([]), METHOD)
    assert ev.results.num_rows == 0 and ev.items.num_rows == 0
