"""The import error list (导入错误清单): quarantined rows as an Excel workbook.

Written by ``fenghuang import`` and downloaded from the web app's data page,
so an analyst can send each department the rows of its file that were not
taken in, with the file, sheet, row, column, error code and reason in
Chinese and English, and the value as it was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from fenghuang.reports._labels import SYNTHETIC_NOTE
from fenghuang.reports._lists import write_notes, write_rows

__all__ = ["ERROR_LIST_COLUMNS", "LINK_COLUMNS", "write_error_list"]

#: (quarantine column, header, width) of the error list, in order.
ERROR_LIST_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("file", "文件", 28),
    ("sheet", "工作表", 14),
    ("row_no", "行号", 8),
    ("column_name", "列", 18),
    ("code", "错误代码", 24),
    ("reason_zh", "原因", 40),
    ("reason_en", "Reason", 40),
    ("raw_value", "原始值", 24),
)

#: (name_links column, header, width) of the sheet of rows linked by name.
LINK_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("file", "文件", 28),
    ("sheet", "工作表", 14),
    ("row_no", "行号", 8),
    ("name", "报送的企业名称", 30),
    ("credit_code", "关联的统一社会信用代码", 22),
    ("registered_name", "登记名称", 30),
    ("matched_on", "依据", 10),
)
_MATCHED_ON = {"name": "企业名称", "former_name": "曾用名"}


def write_error_list(
    rows: Iterable[Mapping[str, Any]],
    path: str | Path,
    *,
    synthetic: bool = False,
    title: str = "导入错误清单 Import error list",
    links: Iterable[Mapping[str, Any]] | None = None,
) -> Path:
    """Write quarantined rows (and the rows linked by name) as the 导入错误清单 workbook.

    Parameters
    ----------
    rows : iterable of mapping
        Rows of ``fenghuang.warehouse.quarantine`` (keys of
        :data:`ERROR_LIST_COLUMNS`; others are ignored), in the order to list.
    path : str or Path
    synthetic : bool
        The rows come from synthetic files: the title row and the 说明 sheet
        say 模拟数据.
    title : str
        The first row of each sheet.
    links : iterable of mapping, optional
        Rows of ``fenghuang.warehouse.name_links`` (keys of
        :data:`LINK_COLUMNS`): rows without a credit code that were linked
        to a firm by its name or a former name, for the department to check.

    Returns
    -------
    Path
        The written file.

    Notes
    -----
    Sheet 错误清单: a title row, a header row (frozen, with a filter), then
    one row per quarantined cell. Written in openpyxl's write-only mode
    (rows streamed to the file); a list longer than one sheet holds goes on
    in 错误清单2, 错误清单3 …. Sheet 说明: the number of rows and, for
    synthetic data, the 模拟数据 note. With ``links``, sheet 按名称关联 (before
    说明) lists them the same way.
    """
    path = Path(path)
    if synthetic:
        title += "（模拟数据）"
    wb = Workbook(write_only=True)
    n = write_rows(wb, "错误清单", ERROR_LIST_COLUMNS, rows, title)
    linked = None
    if links is not None:
        shown = (
            {**r, "matched_on": _MATCHED_ON.get(str(r.get("matched_on")), r.get("matched_on"))}
            for r in links
        )
        linked = write_rows(wb, "按名称关联", LINK_COLUMNS, shown, f"{title} · 按名称关联")
    lines: list[tuple[str, Any]] = [("清单", title), ("隔离行数 rows", n)]
    if linked is not None:
        lines.append(("按名称关联行数 linked by name", linked))
    if synthetic:
        lines.insert(0, ("数据性质", SYNTHETIC_NOTE))
    lines.append(
        (
            "说明 note",
            "每行为一个未入库的单元格：请部门按行号与原因核对、更正后重新报送。"
            " Each row is a cell that was not taken in: correct it by row and reason and send the file again.",
        )
    )
    if linked:
        lines.append(
            (
                "按名称关联 linked",
                "这些行没有统一社会信用代码，已按企业名称或曾用名关联到登记的企业：请部门核对，"
                "下次报送时填写信用代码。 These rows had no credit code and were linked to a "
                "registered firm by its name or a former name: check them, and give the code next time.",
            )
        )
    write_notes(wb, lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
