"""The audit log (操作日志) as an Excel workbook, for an administrator's review.

China's graded protection of information systems (等级保护) asks that the
audit records of a system holding confidential data be kept and reviewed;
an administrator exports them from the web app's admin page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from fenghuang.reports._labels import SYNTHETIC_NOTE
from fenghuang.reports._lists import Columns, write_notes, write_rows

__all__ = ["AUDIT_COLUMNS", "write_audit_log"]

#: (audit column, header, width) of the export, in order.
AUDIT_COLUMNS: Columns = (
    ("audit_id", "序号", 8),
    ("at", "时间", 20),
    ("actor", "操作人", 16),
    ("role", "角色", 12),
    ("action", "操作", 14),
    ("action_label", "操作说明", 14),
    ("object", "对象", 36),
    ("detail", "详情", 48),
    ("ip", "IP", 16),
)


def write_audit_log(
    rows: Iterable[Mapping[str, Any]],
    path: str | Path,
    *,
    synthetic: bool = False,
    title: str = "操作日志 Audit log",
    filters: str = "",
) -> Path:
    """Write audit lines (keys of :data:`AUDIT_COLUMNS`) as sheet 操作日志, with 说明.

    ``filters`` says which lines were chosen (e.g. one action); ``synthetic``
    adds the 模拟数据 label to the title and the notes.
    """
    path = Path(path)
    if synthetic:
        title += "（模拟数据）"
    wb = Workbook(write_only=True)
    n = write_rows(wb, "操作日志", AUDIT_COLUMNS, rows, title)
    lines: list[tuple[str, Any]] = [("清单", title), ("行数 rows", n)]
    if filters:
        lines.append(("筛选 filter", filters))
    if synthetic:
        lines.insert(0, ("数据性质", SYNTHETIC_NOTE))
    lines.append(
        (
            "说明 note",
            "操作日志只追加、不修改；每次导出本身也记入日志。"
            " The log is append-only; each export is itself logged.",
        )
    )
    write_notes(wb, lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
