"""The import error list (导入错误清单) workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from fenghuang.reports import ERROR_LIST_COLUMNS, write_error_list

ROWS = [
    {
        "import_id": "ab" * 32,
        "file": "税务_2023.csv",
        "sheet": "",
        "row_no": 7,
        "column_name": "统一社会信用代码",
        "code": "E-ROW-CREDIT-CODE-CHECK",
        "reason_zh": "统一社会信用代码校验位错误",
        "reason_en": "credit code check character is wrong",
        "raw_value": "91360300MA35ABCDE0",
    },
    {
        "import_id": "ab" * 32,
        "file": "税务_2023.csv",
        "sheet": "",
        "row_no": 12,
        "column_name": "实缴税金(元)",
        "code": "E-ROW-NEGATIVE",
        "reason_zh": "数值不能为负",
        "reason_en": "value must not be negative",
        "raw_value": "-3,200.50",
    },
]


def _cells(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_rows_round_trip_with_title_header_filter_and_note(tmp_path: Path) -> None:
    path = write_error_list(ROWS, tmp_path / "errors.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["错误清单", "说明"]
    ws = wb["错误清单"]
    cells = _cells(ws)
    assert cells[0][0] == "导入错误清单 Import error list"
    assert cells[1] == ["文件", "工作表", "行号", "列", "错误代码", "原因", "Reason", "原始值"]
    keys = [k for k, _, _ in ERROR_LIST_COLUMNS]
    # an empty sheet cell reads back as None; the raw value keeps its text as sent
    assert cells[2:] == [[r[k] or None for k in keys] for r in ROWS]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:H4"
    meta = {r[0]: r[1] for r in _cells(wb["说明"])}
    assert meta["隔离行数 rows"] == 2 and "数据性质" not in meta
    assert "模拟数据" not in " ".join(str(c) for row in cells for c in row)


def test_synthetic_rows_are_labelled(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_error_list(ROWS, tmp_path / "e.xlsx", synthetic=True))
    assert wb["错误清单"]["A1"].value.endswith("（模拟数据）")
    meta = {r[0]: r[1] for r in _cells(wb["说明"])}
    assert "模拟数据" in meta["数据性质"]


def test_an_empty_list_has_its_header(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_error_list([], tmp_path / "e.xlsx"))
    cells = _cells(wb["错误清单"])
    assert len(cells) == 2 and cells[1][0] == "文件"
    assert {r[0]: r[1] for r in _cells(wb["说明"])}["隔离行数 rows"] == 0


def test_a_list_longer_than_a_sheet_goes_on_in_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fenghuang.reports import _lists

    monkeypatch.setattr(_lists, "SHEET_ROWS", 3)  # Excel's limit is 1,048,574 data rows
    rows = [{**ROWS[0], "row_no": i} for i in range(1, 8)]
    wb = openpyxl.load_workbook(write_error_list(iter(rows), tmp_path / "e.xlsx"))
    assert wb.sheetnames == ["错误清单", "错误清单2", "错误清单3", "说明"]
    numbers = [[r[2] for r in _cells(wb[s])[2:]] for s in wb.sheetnames[:3]]
    assert numbers == [[1, 2, 3], [4, 5, 6], [7]]
    assert all(_cells(wb[s])[1][0] == "文件" for s in wb.sheetnames[:3])
    assert wb["错误清单3"].auto_filter.ref == "A2:H3"


LINKS = [
    {
        "file": "税务_2023.csv",
        "sheet": "",
        "row_no": 5,
        "name": "萍乡市甲电瓷有限责任公司",
        "credit_code": "91360300MA35XXXX1A",
        "registered_name": "萍乡市甲电瓷有限公司",
        "matched_on": "name",
        "import_id": "ab" * 32,
    },
    {
        "file": "税务_2023.csv",
        "sheet": "",
        "row_no": 9,
        "name": "萍乡市旧乙厂",
        "credit_code": "91360300MA35YYYY2B",
        "registered_name": "萍乡市乙陶瓷有限公司",
        "matched_on": "former_name",
        "import_id": "ab" * 32,
    },
]


def test_rows_linked_by_name_get_a_sheet_of_their_own(tmp_path: Path) -> None:
    from fenghuang.reports import LINK_COLUMNS

    wb = openpyxl.load_workbook(write_error_list(ROWS, tmp_path / "e.xlsx", links=iter(LINKS)))
    assert wb.sheetnames == ["错误清单", "按名称关联", "说明"]
    cells = _cells(wb["按名称关联"])
    assert cells[0][0] == "导入错误清单 Import error list · 按名称关联"
    assert cells[1] == [h for _, h, _ in LINK_COLUMNS]
    assert [c[2:] for c in cells[2:]] == [
        [5, "萍乡市甲电瓷有限责任公司", "91360300MA35XXXX1A", "萍乡市甲电瓷有限公司", "企业名称"],
        [9, "萍乡市旧乙厂", "91360300MA35YYYY2B", "萍乡市乙陶瓷有限公司", "曾用名"],
    ]
    assert wb["按名称关联"].auto_filter.ref == "A2:G4"
    meta = {r[0]: r[1] for r in _cells(wb["说明"])}
    assert (
        meta["按名称关联行数 linked by name"] == 2
        and "下次报送时填写信用代码" in meta["按名称关联 linked"]
    )
    # none linked: the sheet is there, empty, and the note says nothing of it
    wb = openpyxl.load_workbook(write_error_list(ROWS, tmp_path / "f.xlsx", links=[]))
    assert len(_cells(wb["按名称关联"])) == 2
    assert "按名称关联 linked" not in {r[0] for r in _cells(wb["说明"])}
