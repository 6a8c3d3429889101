"""The audit log export (操作日志) workbook."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from fenghuang.reports import AUDIT_COLUMNS, write_audit_log

LINES = [
    {
        "audit_id": 7,
        "at": datetime(2026, 12, 2, 9, 30, 5),
        "actor": "wang",
        "role": "analyst",
        "action": "download",
        "action_label": "下载文件",
        "object": "error_list:ab12",
        "detail": "导入错误清单-税务.xlsx",
        "ip": "10.1.2.3",
    }
]


def test_lines_round_trip_with_the_filter_and_the_synthetic_label(tmp_path: Path) -> None:
    path = write_audit_log(iter(LINES), tmp_path / "a.xlsx", synthetic=True, filters="下载文件")
    wb = openpyxl.load_workbook(path)
    rows = list(wb["操作日志"].iter_rows(values_only=True))
    assert rows[0][0] == "操作日志 Audit log（模拟数据）"
    assert rows[1] == tuple(h for _, h, _ in AUDIT_COLUMNS)
    assert rows[2] == tuple(LINES[0][k] for k, _, _ in AUDIT_COLUMNS)
    meta = dict(wb["说明"].iter_rows(values_only=True))
    assert meta["行数 rows"] == 1 and meta["筛选 filter"] == "下载文件"
    assert "模拟数据" in meta["数据性质"]
    plain = dict(
        openpyxl.load_workbook(write_audit_log([], tmp_path / "b.xlsx"))["说明"].iter_rows(
            values_only=True
        )
    )
    assert plain["行数 rows"] == 0 and "数据性质" not in plain and "筛选 filter" not in plain
