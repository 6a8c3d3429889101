"""The departments' submission templates (数据报送模板): filled in, they import as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fenghuang.facts import DEPARTMENTS
from fenghuang.reports import template_columns, write_submission_template
from fenghuang.sources import load_mapping, make_credit_code, read_source

A = make_credit_code("91360300MA35XXXX1")
B = make_credit_code("91360300MA35YYYY2")
SAMPLE = {
    "code": A,
    "text": "萍乡市甲电瓷有限公司",
    "period": "2023-03",
    "year": 2023,
    "month": 3,
    "money": 1234.5,
    "area": 12.5,
    "electricity": 45000,
    "energy": 320.5,
    "mass": 1.25,
    "volume": 800,
    "count": 7,
    "ratio": 0.5,
    "bool": "是",
    "date": "2018-05-01",
}


def _value(mapping: Any, name: str) -> Any:
    spec = mapping.fields[name]
    if spec.values:  # coded text: its first spelling of the first value
        return next(iter(spec.values.values()))[0]
    if name == "lessor_code":
        return B
    if name in ("industry_code",):
        return "3073"
    if name in ("county_code",):
        return "360302"
    return SAMPLE.get(spec.quantity, "x")


@pytest.mark.parametrize("department", sorted(DEPARTMENTS))
def test_a_filled_template_imports_as_it_is(tmp_path: Path, department: str) -> None:
    mapping = load_mapping(department)
    path = write_submission_template(mapping, tmp_path / f"{department}_模板.xlsx", year=2023)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["报送表", "说明"]
    ws = wb["报送表"]
    columns = template_columns(mapping)
    assert [c.value for c in ws[2]][: len(columns)] == [
        wb["说明"].cell(row=6 + i, column=1).value for i in range(len(columns))
    ]
    ws.append([_value(mapping, n) for n in columns])
    wb.save(path)
    batch = read_source(path)
    assert batch.department == department and batch.kind == mapping.kind
    assert batch.n_rows == 1 and batch.n_rejected_rows == 0, batch.rejects.to_pylist()
    (row,) = batch.rows.to_pylist()
    assert row["credit_code"] == A and row["_row"] == 3
    for name in columns:
        if name in ("period",):
            assert (row["year"], row["month"]) == (2023, 3)
        elif name in row:
            assert row[name] is not None, name


def test_tax_template_columns_and_notes(tmp_path: Path) -> None:
    path = write_submission_template(load_mapping("tax"), tmp_path / "t.xlsx", year=2024)
    wb = openpyxl.load_workbook(path)
    assert wb["报送表"]["A1"].value == "税务局2024年度数据报送表"
    assert [c.value for c in wb["报送表"][2]] == [
        "统一社会信用代码", "企业名称", "所属期", "征收项目", "实缴税金(元)", "退税(元)", "社保费(元)",
    ]  # fmt: skip
    notes = {r[0]: r for r in wb["说明"].iter_rows(min_row=6, values_only=True)}
    assert notes["实缴税金(元)"][1] == "实缴税金" and "万元" in notes["实缴税金(元)"][3]
    assert "不能为负" in notes["实缴税金(元)"][4] and "实缴税额" in notes["实缴税金(元)"][5]
    assert notes["统一社会信用代码"][2] == "是" and "纳税人识别号" in notes["统一社会信用代码"][5]
    assert notes["所属期"][2] == "是" and not notes["征收项目"][2]  # period keys the rows
    assert wb["报送表"].column_dimensions["A"].number_format == "@"  # codes kept as text


def test_cli_writes_a_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fenghuang.cli import main

    out = tmp_path / "供电.xlsx"
    assert main(["template", "power", "--year", "2024", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out)["报送表"]["D2"].value == "用电量(kWh)"
    assert main(["template", "water", "--out", str(tmp_path / "x.xlsx")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "未知部门 water" in err and "tax（税务局）" in err
