"""A new city's method as text only: veto to D, earlier classes, thresholds per pool, no pool."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from fenghuang.evaluation import evaluate
from fenghuang.methods import parse_method

CITY = """
[meta]
name = "test-city"
title_zh = "测试城市"
title_en = "Test city"
year = 2023
reconstruction = true
[meta.source]
title = "测试用方法（模拟）"

[[derived]]
name = "land"
zh = "用地"
formula = "total(land_own, land_leased_in)"

[[indicators]]
code = "tax_per_mu"
zh = "亩均税收"
en = "Tax per mu"
unit = "万元/亩"
scale = 0.0001
formula = "tax_paid / land"
lever = "tax_paid"

[[pools]]
code = "big"
zh = "大企业"
en = "Big"
when = "land >= 10"
scoring = "benchmark"
cap = 3.0
[[pools.items]]
indicator = "tax_per_mu"
weight = 100
benchmark = 10.0

[[pools]]
code = "small"
zh = "小企业"
en = "Small"
when = "land > 0 and land < 10"
scoring = "benchmark"
[[pools.items]]
indicator = "tax_per_mu"
weight = 100
benchmark = 5.0
[pools.classes]
labels = ["优", "良", "差"]
rule = "thresholds"
thresholds = [150.0, 50.0]

[classes]
labels = ["A", "B", "C", "D"]
rule = "shares"
shares = [0.25, 0.25, 0.25, 0.25]

[[vetoes]]
id = "env"
when = "accident_environment"
to = "D"
reason_zh = "发生重大环境事件，直接评为D类"
reason_en = "major environmental incident: class D"

[[adjustments]]
id = "was_a"
kind = "up"
when = "class_last_year == 'A'"
reason_zh = "上年为A类，提升一档"
reason_en = "class A last year: up one"
"""


def facts(rows: list[dict[str, Any]]) -> pa.Table:
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    return pa.table({**{k: [r.get(k) for r in rows] for k in keys}, "year": [2023] * len(rows)})


def rows() -> list[dict[str, Any]]:
    big = [
        {"credit_code": f"B{i}", "land_own": 10.0, "tax_paid": (4 - i) * 1e5 * 10} for i in range(4)
    ]  # 亩均税收 40, 30, 20, 10 万元/亩 → 300 (capped), 300, 200, 100
    small = [
        {"credit_code": "S1", "land_leased_in": 2.0, "tax_paid": 2e4 * 2},  # 2 → 40: 差
        {"credit_code": "S2", "land_leased_in": 2.0, "tax_paid": 2.5e4 * 2},  # 2.5 → 50: 良
        {"credit_code": "S3", "land_own": 1.0, "tax_paid": 7.5e4},  # 7.5 → 150: 优
    ]
    return big + small + [{"credit_code": "N", "tax_paid": 1.0}]  # no land: no pool


def test_new_city_method_from_text_only() -> None:
    m = parse_method(CITY, file="test-city.toml")
    ev = evaluate(facts(rows()), m)
    r = {x["credit_code"]: x for x in ev.results.to_pylist()}
    assert [r[f"B{i}"]["score"] for i in range(4)] == pytest.approx([300, 300, 200, 100])
    # shares 25 % each of 4: B0 and B1 tie at the top → both A; then B2 C?  cumulative
    # c = 1, 2, 3, 4; B0 and B1 reach A's cut-off (300); B2 is 3rd → C; B3 → D
    assert [r[f"B{i}"]["class_raw"] for i in range(4)] == ["A", "A", "C", "D"]
    assert [r[s]["class_raw"] for s in ("S3", "S2", "S1")] == ["优", "良", "差"]
    assert r["N"]["class_final"] == "T" and not r["N"]["rated"]
    nr = [e for e in ev.events.to_pylist() if e["credit_code"] == "N"]
    assert nr[0]["rule"] == "no_pool"
    b = {(x["pool"], x["class_label"]): x for x in ev.boundaries.to_pylist()}
    assert b[("small", "优")]["min_score"] == 150.0 and b[("small", "差")]["min_score"] == 40.0
    assert b[("big", "B")]["count"] == 0 and b[("big", "B")]["min_score"] is None


def test_veto_to_d_and_class_last_year() -> None:
    m = parse_method(CITY, file="test-city.toml")
    data = rows()
    data[0]["accident_environment"] = True
    earlier = pa.table(
        {
            "credit_code": ["B2", "S1", "B3"],
            "year": [2022, 2022, 2021],  # B3's A is two years back: not last year
            "class_final": ["A", "A", "A"],
        }
    )
    ev = evaluate(facts(data), m, earlier_classes=earlier)
    r = {x["credit_code"]: x for x in ev.results.to_pylist()}
    assert (r["B0"]["class_raw"], r["B0"]["class_final"]) == ("A", "D")
    assert (r["B2"]["class_raw"], r["B2"]["class_final"]) == ("C", "B")
    assert (r["S1"]["class_raw"], r["S1"]["class_final"]) == ("差", "良")
    assert r["B3"]["class_final"] == "D"
    veto = [e for e in ev.events.to_pylist() if e["kind"] == "veto"]
    assert [(e["credit_code"], e["class_before"], e["class_after"]) for e in veto] == [
        ("B0", "A", "D")
    ]


def test_fact_of_the_wrong_type_is_a_clear_error() -> None:
    from fenghuang.errors import EvaluationError

    m = parse_method(CITY, file="test-city.toml")
    bad = pa.table({"credit_code": ["X"], "year": [2023], "land_own": ["十亩"], "tax_paid": [1.0]})
    with pytest.raises(EvaluationError) as ei:
        evaluate(bad, m)
    assert ei.value.code == "E-EVAL-FACT-TYPE" and ei.value.context["field"] == "land_own"
