"""Header errors of a facts file name the file, row 1 and the column as written (csv and xlsx)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from fenghuang.errors import InputError
from fenghuang.evaluation import load_facts_file
from fenghuang.sources import make_credit_code

CODE = make_credit_code("91360300MA0000001")


def _write(path: Path, header: list[str]) -> Path:
    row = [CODE] + ["1"] * (len(header) - 1)
    if path.suffix == ".xlsx":
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(header)
        ws.append(row)
        wb.save(path)
    else:
        path.write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    ("header", "code", "column", "field", "zh"),
    [
        (
            ["统一社会信用代码", "实缴税金（公斤）"],
            "E-FACTS-UNIT",
            "实缴税金（公斤）",
            "tax_paid",
            "无法识别的单位：公斤",
        ),
        (
            ["统一社会信用代码", "利润总额"],
            "E-FACTS-COLUMN",
            "利润总额",
            None,
            "无法识别的列：利润总额",
        ),
        (
            ["统一社会信用代码", "tax_paid", "实缴税金"],
            "E-FACTS-DUP-COLUMN",
            "实缴税金",
            "tax_paid",
            "列重复：实缴税金",
        ),
    ],
)
def test_header_errors_name_file_row_and_column(
    tmp_path: Path,
    suffix: str,
    header: list[str],
    code: str,
    column: str,
    field: str | None,
    zh: str,
) -> None:
    path = _write(tmp_path / f"facts{suffix}", header)
    with pytest.raises(InputError) as info:
        load_facts_file(path, year=2023)
    e = info.value
    assert (e.code, e.zh) == (code, zh)
    assert e.context["file"] == str(path) and e.context["row"] == 1
    assert e.context["column"] == column and e.context.get("field") == field


def test_a_known_unit_is_converted(tmp_path: Path) -> None:
    path = _write(tmp_path / "facts.csv", ["统一社会信用代码", "实缴税金（万元）"])
    assert load_facts_file(path, year=2023).column("tax_paid").to_pylist() == [10_000.0]
