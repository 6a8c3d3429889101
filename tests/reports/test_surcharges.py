"""The surcharge execution list (差别化价格执行名单) workbook, on hand-made bill lines."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyarrow as pa

from fenghuang.policy import BILLS_SCHEMA
from fenghuang.reports import RunInfo, write_surcharge_list

A, B, C = "91360300MA35AAAA1A", "91360300MA35BBBB2B", "91360300MA35CCCC3C"


def _line(code: str, cls: str, item: str, zh: str, basis: float | None, rate: float) -> dict:
    missing = basis is None
    return {
        "credit_code": code,
        "class_final": cls,
        "policy_class": cls,
        "item": item,
        "item_zh": zh,
        "item_en": item,
        "basis": basis,
        "unit": "kWh" if item == "electricity" else "m³",
        "rate": rate,
        "percent": None,
        "consecutive_years": None,
        "amount": 0.0 if missing else round(basis * rate, 2),
        "missing": missing,
        "flag": "数据缺失" if missing else "",
        "reason_zh": f"{cls}类企业，{zh}：加价{rate:.2f}元",
        "reason_en": "",
        "source": "test",
    }


def test_one_sheet_per_item_worst_class_and_largest_amount_first(tmp_path: Path) -> None:
    bills = pa.Table.from_pylist(
        [
            _line(A, "C", "electricity", "差别化电价", 100_000.0, 0.1),
            _line(B, "D", "electricity", "差别化电价", 50_000.0, 0.3),
            _line(C, "C", "electricity", "差别化电价", 300_000.0, 0.1),
            _line(B, "D", "water", "差别化水价", None, 1.08),
        ],
        schema=BILLS_SCHEMA,
    )
    results = pa.table(
        {"credit_code": [A, B, C], "name": ["甲厂", "乙厂", "丙厂"], "county": ["安源区"] * 3}
    )
    info = RunInfo(run_id="r1", method="m", method_title="测试办法", year=2023, city="萍乡市")
    wb = openpyxl.load_workbook(write_surcharge_list(bills, results, info, tmp_path / "s.xlsx"))
    assert wb.sheetnames == ["汇总", "差别化电价", "差别化水价", "说明"]
    power = list(wb["差别化电价"].iter_rows(values_only=True))
    assert power[0][0] == "萍乡市2023年度差别化价格执行名单 · 差别化电价"
    assert [(r[0], r[1], r[10]) for r in power[2:]] == [
        (B, "乙厂", 15000.0),  # D first
        (C, "丙厂", 30000.0),  # then C, the larger amount first
        (A, "甲厂", 10000.0),
    ]
    water = list(wb["差别化水价"].iter_rows(values_only=True))[2]
    assert water[5] is None and water[10] == 0 and water[11] == "数据缺失"
    summary = list(wb["汇总"].iter_rows(values_only=True))[2:]
    assert summary == [
        ("差别化电价", "C", 2, 400000, "kWh", 40000, 0),
        ("差别化电价", "D", 1, 50000, "kWh", 15000, 0),
        ("差别化水价", "D", 1, None, "m³", 0, 1),
    ]
    meta = dict(wb["说明"].iter_rows(values_only=True))
    assert meta["加价企业数"] == 3 and "数据性质" not in meta and "模拟数据" not in power[0][0]
