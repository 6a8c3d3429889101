"""diagnose(): indicators, percentiles, change from last year, counterfactuals by hand."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from fenghuang.errors import NotFoundError
from fenghuang.evaluation import diagnose, evaluate
from fenghuang.methods import load_method, method_text, parse_method

# jingde with fixed class lines A ≥ 80, B ≥ 60, C ≥ 40 (the shipped file uses shares)
JINGDE = parse_method(
    method_text("jingde").replace(
        'rule = "shares"\nshares = [0.2, 0.4, 0.35, 0.05]',
        'rule = "thresholds"\nthresholds = [80.0, 60.0, 40.0]',
    ),
    file="jingde-lines.toml",
)

HUANGYAN = load_method("huangyan-2022")


def facts(rows: list[dict[str, Any]], year: int = 2023) -> pa.Table:
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    cols = {k: [r.get(k) for r in rows] for k in keys}
    cols.setdefault("year", [year] * len(rows))
    return pa.table(cols)


def jingde_rows(values: tuple[float, ...] = (1, 2, 5)) -> list[dict[str, Any]]:
    return [
        {
            "credit_code": f"J{v:g}",
            "industry_code": "1311",
            "above_scale": False,
            "land_own": 10.0,
            "tax_paid": v * 1e4 * 10,  # v 万元/亩
            "electricity_kwh": v * 1e5,  # 1 元/kWh for everyone: the min-max range is zero
        }
        for v in values
    ]


def test_counterfactual_minmax_by_hand() -> None:
    f = facts(jingde_rows())
    ev = evaluate(f, JINGDE)
    d = diagnose(ev, JINGDE, "J2", facts=f)
    # J2: 60 × [20 + 80 × (2 − 1)/4]/100 + 40 = 24 + 40 = 64 → B; A's line is 80: gap 16
    assert d["score"] == pytest.approx(64.0) and d["class_raw"] == "B"
    assert d["next_class"] == {"label": "A", "min_score": 80.0, "gap": pytest.approx(16.0)}
    cf = {c["indicator"]: c for c in d["counterfactuals"]}
    t = cf["tax_per_mu"]
    # the item must give 24 + 16 = 40 points: 100 × 40/60 = 66.67 % of the weight
    # x = 1 + (66.67 − 20)/80 × (5 − 1) = 3.3333 万元/亩
    assert t["reachable"] and t["item_needed"] == pytest.approx(40.0)
    assert t["value_needed"] == pytest.approx(1 + (100 * 40 / 60 - 20) / 80 * 4)
    assert t["value_change"] == pytest.approx(10 / 3 - 2)
    # tax paid: (3.3333 − 2) 万元/亩 × 10 亩 = 133,333 元
    assert t["lever"] == "tax_paid"
    assert t["lever_change"] == pytest.approx((10 / 3 - 2) * 1e4 * 10, rel=1e-6)
    assert "亩均税收需提高到 3.33 万元/亩（由 2.00 提高 1.33 万元/亩）" in t["sentence_zh"]
    assert "实缴税金增加 13.33 万元" in t["sentence_zh"] and "A类" in t["sentence_zh"]
    # tax per kWh already gives all 40 points (zero range): no change of it alone reaches A
    k = cf["tax_per_kwh"]
    assert not k["reachable"] and "无法达到A类" in k["sentence_zh"]


def test_diagnostic_indicators_and_percentiles() -> None:
    ev = evaluate(facts(jingde_rows()), JINGDE)
    d = diagnose(ev, JINGDE, "J2")
    ind = {i["code"]: i for i in d["indicators"]}
    assert ind["tax_per_mu"]["value"] == pytest.approx(2.0)
    assert ind["tax_per_mu"]["item_score"] == pytest.approx(24.0)
    assert ind["tax_per_mu"]["contribution"] == pytest.approx(24 / 64)
    # industry peers 1311 in the pool: item scores 12, 24, 60 → median 24
    assert ind["tax_per_mu"]["industry_median_item"] == pytest.approx(24.0)
    assert d["percentile_pool"] == pytest.approx(0.5)  # rank 2 of 3: (3 − 2)/(3 − 1)
    assert d["rank_in_pool"] == 2 and d["pool_size"] == 3
    assert "lever" not in d["counterfactuals"][0]  # no facts given: indicator level only
    top = diagnose(ev, JINGDE, "J5")
    assert top["counterfactuals"] == [] and "最高" in top["counterfactual_note"]
    with pytest.raises(NotFoundError):
        diagnose(ev, JINGDE, "nope")


def test_counterfactual_benchmark_ratio_by_hand() -> None:
    # 20 below-scale firms under huangyan, 亩均税收 (20 − i) 万元/亩, tax per kWh (20 − i) × 1e-4
    rows = [
        {
            "credit_code": f"F{i:02d}",
            "above_scale": False,
            "land_own": 10.0,
            "tax_paid": (20 - i) * 1e5,
            "electricity_kwh": 1e9,
        }
        for i in range(20)
    ]
    f = facts(rows)
    ev = evaluate(f, HUANGYAN)
    d = diagnose(ev, HUANGYAN, "F05", facts=f)  # v = 15, class B; A's line is v = 17 (F03)

    def s(v: float) -> float:
        return 50 * v / 11.5932 + 50 * v * 1e-4 / 0.2352

    assert d["next_class"]["label"] == "A"
    assert d["next_class"]["gap"] == pytest.approx(s(17) - s(15))
    t = {c["indicator"]: c for c in d["counterfactuals"]}["tax_per_mu"]
    # x' = (item + gap) × 11.5932 / 50
    x_new = (50 * 15 / 11.5932 + s(17) - s(15)) * 11.5932 / 50
    assert t["value_needed"] == pytest.approx(x_new)
    assert t["value_needed"] == pytest.approx(17 + 2 * 1e-4 * 11.5932 / 0.2352)
    assert t["lever_change"] == pytest.approx((x_new - 15) * 1e4 * 10, rel=1e-6)
    e = {c["indicator"]: c for c in d["counterfactuals"]}["tax_per_kwh"]
    # tax per kWh: (item + gap) × 0.2352 / 50; lever electricity (lower electricity → higher)
    y_new = (50 * 15e-4 / 0.2352 + s(17) - s(15)) * 0.2352 / 50
    assert e["value_needed"] == pytest.approx(y_new)
    assert e["lever"] == "tax_paid"  # huangyan's lever for tax per kWh
    assert e["lever_change"] == pytest.approx((y_new - 15e-4) * 1e9, rel=1e-6)


def test_change_from_last_year() -> None:
    prev = evaluate(facts(jingde_rows((1, 3, 5)), year=2022), JINGDE)
    ev = evaluate(facts(jingde_rows((1, 2, 5))), JINGDE)
    d = diagnose(ev, JINGDE, "J1", previous=prev)
    ch = d["change"]
    assert ch["in_previous"] and ch["year"] == 2022
    assert ch["score_change"] == pytest.approx(0.0)  # J1 is the pool minimum both years
    assert ch["indicators"]["tax_per_mu"]["value_change"] == pytest.approx(0.0)
    d2 = diagnose(ev, JINGDE, "J2", previous=prev)
    assert d2["change"] == {"in_previous": False}


def test_vetoed_and_not_rated() -> None:
    rows = jingde_rows()
    rows.append({"credit_code": "EX", "above_scale": True, "exempt": "军工", "land_own": 3.0})
    ev = evaluate(facts(rows), JINGDE)
    d = diagnose(ev, JINGDE, "EX")
    assert not d["rated"] and d["counterfactuals"] == [] and d["class_final"] == "参照B"
    assert d["events"][0]["kind"] == "not_rated"


def test_applying_the_counterfactual_reaches_the_class() -> None:
    rows = [
        {
            "credit_code": f"F{i:02d}",
            "above_scale": False,
            "land_own": 10.0,
            "tax_paid": (20 - i) * 1e5,
            "electricity_kwh": 1e9,
        }
        for i in range(20)
    ]
    f = facts(rows)
    ev = evaluate(f, HUANGYAN)
    d = diagnose(ev, HUANGYAN, "F10", facts=f)  # class B → A
    cf = {c["indicator"]: c for c in d["counterfactuals"]}["tax_per_mu"]
    rows[10]["tax_paid"] += cf["lever_change"] * (1 + 1e-9)
    after = {r["credit_code"]: r for r in evaluate(facts(rows), HUANGYAN).results.to_pylist()}
    assert after["F10"]["class_raw"] == "A"
    assert after["F10"]["score"] >= d["next_class"]["min_score"]
    # a vetoed firm gets the counterfactuals and a note that the veto caps its class
    rows[10]["tax_paid"] = 10 * 1e5  # back to class B, now with an accident
    rows[10]["accident_safety"] = True
    ev = evaluate(facts(rows), HUANGYAN)
    d = diagnose(ev, HUANGYAN, "F10")
    assert "一票否决" in d["counterfactual_note"]
