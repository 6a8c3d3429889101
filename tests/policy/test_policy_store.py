"""Bills and measures of a stored run, on a real DuckDB file.

The run is a hand-made :class:`Evaluation` stored with the huangyan-2022
method text (its [policies]) and an ``earlier_classes`` context, so the
numbers below are computed by hand from that file's rates.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import fenghuang.evaluation as ev
import fenghuang.methods as methods
from fenghuang.errors import NotFoundError
from fenghuang.evaluation import MethodSource, record_run
from fenghuang.evaluation._model import (
    BOUNDARIES_SCHEMA,
    EVENTS_SCHEMA,
    ITEMS_SCHEMA,
    POOL_STATS_SCHEMA,
    RESULTS_SCHEMA,
    Evaluation,
)
from fenghuang.policy import (
    compute_bills,
    consecutive_d_years,
    firm_bill,
    firm_measures,
    run_bills,
    run_measures,
    run_policies,
)
from fenghuang.warehouse import Store

MARK = "# --- policies: filled in by the policy work ---"
CODES = ["913603000000000A01", "913603000000000C01", "913603000000000D01", "913603000000000D02"]
CODES += ["913603000000000X01"]
CLASSES = ["A", "C", "D", "D", "参照B"]


def huangyan_text() -> str:
    """The shipped method file, with its [policies]."""
    text = methods.method_text("huangyan-2022")
    assert "[policies]" in text.partition(MARK)[2]
    return text


def _facts() -> pa.Table:
    cols: dict[str, Any] = {}
    typ = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64()}
    typ |= {"bool": pa.bool_(), "date": pa.date32()}
    n = len(CODES)
    for name, f in ev.FACTS_COLUMNS.items():
        cols[name] = pa.nulls(n, typ[f.dtype])
    cols["credit_code"] = pa.array(CODES)
    cols["year"] = pa.array([2023] * n, pa.int64())
    cols["electricity_kwh"] = pa.array([5e6, 1e6, 2e6, 4e5, 3e6])
    cols["water_m3"] = pa.array([1e5, 2e4, 5e4, None, 1e4])
    cols["gas_m3"] = pa.array([1e4, 1e4, 3e4, 2e3, 1e4])
    return pa.table(cols)


def _evaluation() -> Evaluation:
    rows = [
        {
            "credit_code": c,
            "name": f"模拟企业{i}有限公司",
            "pool": "above",
            "pool_name": "规上企业",
            "score": None if k == "参照B" else 90.0 - 10 * i,
            "class_raw": k,
            "class_final": k,
            "rated": k != "参照B",
            "flags": [],
            "remark": "不定等级，参照B类" if k == "参照B" else "",
        }
        for i, (c, k) in enumerate(zip(CODES, CLASSES, strict=True))
    ]
    return Evaluation(
        method="huangyan-2022",
        year=2023,
        results=pa.Table.from_pylist(rows, schema=RESULTS_SCHEMA),
        items=ITEMS_SCHEMA.empty_table(),
        events=EVENTS_SCHEMA.empty_table(),
        boundaries=BOUNDARIES_SCHEMA.empty_table(),
        pool_stats=POOL_STATS_SCHEMA.empty_table(),
    )


def _earlier() -> pa.Table:
    # D01: D in 2022 and 2021 → 3rd consecutive D year in 2023; D02: C in 2022 → 1st
    rows = [
        (CODES[2], 2022, "D"),
        (CODES[2], 2021, "D"),
        (CODES[3], 2022, "C"),
        (CODES[3], 2021, "D"),
        (CODES[0], 2022, "A"),
    ]
    return pa.table(
        {
            "credit_code": [r[0] for r in rows],
            "year": pa.array([r[1] for r in rows], pa.int64()),
            "class_final": [r[2] for r in rows],
            "run_id": [f"{r[1]}-huangyan-2022-v1" for r in rows],
        }
    )


@pytest.fixture()
def stored(tmp_path: Path) -> tuple[Store, str]:
    text = huangyan_text()
    method = MethodSource(
        name="huangyan-2022",
        title="黄岩区工业企业亩均效益综合评价（2022）",
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    store = Store(tmp_path / "fh.duckdb")
    run = record_run(store, _evaluation(), method, _facts(), earlier_classes=_earlier())
    return store, run.run_id


def test_the_run_s_policies_are_huangyan_s(stored: tuple[Store, str]) -> None:
    store, run_id = stored
    p = run_policies(ev.load_run(store, run_id))
    assert p == methods.load_method("huangyan-2022").policies
    shipped = tomllib.loads(huangyan_text())["policies"]
    assert p.surcharges["electricity"].rates == shipped["surcharges"]["electricity"]["rates"]
    assert p.surcharges["electricity"].rates == {"C": 0.10, "D": 0.30}
    assert p.surcharges["gas"].escalation is not None
    assert p.surcharges["gas"].escalation.schedule == (1.0, 2.0, 3.0)


def test_firm_bill_from_a_stored_run(stored: tuple[Store, str]) -> None:
    store, run_id = stored
    assert firm_bill(store, run_id, CODES[0]) == []  # class A pays nothing

    c01 = {b["item_code"]: b for b in firm_bill(store, run_id, CODES[1])}
    # C: 1,000,000 kWh × 0.10 = 100,000; water 20,000 m³ × 4.10 × 15% = 12,300;
    # sewage 20,000 m³ × 0.20 = 4,000; no gas surcharge for C
    assert {k: b["amount"] for k, b in c01.items()} == {
        "electricity": 100_000.0,
        "water": 12_300.0,
        "sewage": 4_000.0,
    }
    # the display name says the rates are examples (the file labels them so)
    assert c01["electricity"]["item"] == "差别化电价（示例）"
    assert c01["electricity"]["rate_unit"] == "元/kWh"
    assert c01["water"]["reason"].startswith("C类企业，差别化水价：加价15%")

    d01 = {b["item_code"]: b for b in firm_bill(store, run_id, CODES[2])}
    # D, 3rd consecutive year: 2,000,000 × 0.30 = 600,000; 50,000 × 4.10 × 30% = 61,500;
    # gas 30,000 m³ × 3 元 = 90,000; sewage 50,000 × 0.50 = 25,000
    assert {k: b["amount"] for k, b in d01.items()} == {
        "electricity": 600_000.0,
        "water": 61_500.0,
        "gas": 90_000.0,
        "sewage": 25_000.0,
    }
    assert d01["gas"]["consecutive_years"] == 3
    assert d01["gas"]["reason"] == "连续3年D类，差别化气价：加价3.00元/m³"

    d02 = {b["item_code"]: b for b in firm_bill(store, run_id, CODES[3])}
    # D after a C year: gas back to 1 元: 2,000 × 1 = 2,000; water missing → 0, flagged
    assert d02["gas"]["amount"] == 2_000.0 and d02["gas"]["consecutive_years"] == 1
    assert d02["water"]["amount"] == 0.0 and d02["water"]["flag"] == "数据缺失"
    assert d02["electricity"]["amount"] == 120_000.0  # 400,000 × 0.30

    # 参照B: B pays no surcharge under this method
    assert firm_bill(store, run_id, CODES[4]) == []


def test_run_bills_equal_the_pure_computation(stored: tuple[Store, str]) -> None:
    store, run_id = stored
    bills = run_bills(store, run_id)
    run = ev.load_run(store, run_id)
    current = run.results.column("class_final")
    earlier = _earlier()
    by_year = {}
    for y in (2022, 2021):
        got = dict(
            (r["credit_code"], r["class_final"]) for r in earlier.to_pylist() if r["year"] == y
        )
        by_year[y] = [got.get(c) for c in CODES]
    years = consecutive_d_years(current, by_year, year=2023)
    assert years.tolist() == [0, 0, 3, 1, 0]
    direct = compute_bills(_evaluation().results, _facts(), run_policies(run), consecutive_d=years)
    assert bills.equals(direct)
    # firm_bill and run_bills agree line by line
    for code in CODES:
        mine = [b["amount"] for b in firm_bill(store, run_id, code, run=run)]
        theirs = [r["amount"] for r in bills.to_pylist() if r["credit_code"] == code]
        assert mine == theirs


def test_firm_measures(stored: tuple[Store, str]) -> None:
    store, run_id = stored
    a = firm_measures(store, run_id, CODES[0])
    assert a[0] == "用地供应：优先保障新增用地指标（示例）"
    assert "排污权：优先配置排污权（示例）" in a
    d = firm_measures(store, run_id, CODES[2])
    assert d[:2] == [
        "用地供应：不予新增用地（示例）",
        "用能指标：不予新增用能指标，实施有序用电时优先限制（示例）",
    ]
    en = firm_measures(store, run_id, CODES[2], lang="en")
    assert en[0] == "Land supply: no new land (example)"
    x = firm_measures(store, run_id, CODES[4])
    assert x[0] == "不定等级，参照B类：用地供应：适当保障新增用地（示例）"
    assert run_measures(store, run_id).num_rows == sum(
        len(firm_measures(store, run_id, c)) for c in CODES
    )


def test_unknown_run_or_firm(stored: tuple[Store, str]) -> None:
    store, run_id = stored
    with pytest.raises(NotFoundError):
        firm_bill(store, "2023-nope-v1", CODES[0])
    with pytest.raises(NotFoundError) as err:
        firm_bill(store, run_id, "91360300NOTAFIRM00")
    assert err.value.context["firm"] == "91360300NOTAFIRM00"
    with pytest.raises(NotFoundError):
        firm_measures(store, run_id, "91360300NOTAFIRM00")
