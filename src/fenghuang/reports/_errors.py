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
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from fenghuang.reports._labels import SYNTHETIC_NOTE

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

#: Rows per sheet: Excel's limit (1,048,576) less the title and header rows.
SHEET_ROWS = 1_048_576 - 2

_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _sheet(wb: Workbook, name: str, columns: tuple[tuple[str, str, int], ...], title: str) -> Any:
    ws = wb.create_sheet(name)
    for j, (_, _, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A3"
    head = WriteOnlyCell(ws, value=title)
    head.font = Font(bold=True, size=12)
    ws.append([head])
    cells = []
    for _, h, _ in columns:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        c.fill = _HEAD_FILL
        cells.append(c)
    ws.append(cells)
    return ws


def _write_rows(
    wb: Workbook,
    base: str,
    columns: tuple[tuple[str, str, int], ...],
    rows: Iterable[Mapping[str, Any]],
    title: str,
) -> int:
    """Stream ``rows`` into sheet ``base`` (then ``base``2, 3 … past a sheet's limit);
    each sheet gets a header filter. Returns the number of rows."""
    sheets: list[Any] = []
    counts: list[int] = []
    ws: Any = None
    for r in rows:
        if ws is None or counts[-1] == SHEET_ROWS:
            ws = _sheet(wb, base if not sheets else f"{base}{len(sheets) + 1}", columns, title)
            sheets.append(ws)
            counts.append(0)
        ws.append([r.get(k) for k, _, _ in columns])
        counts[-1] += 1
    if ws is None:
        sheets.append(_sheet(wb, base, columns, title))
        counts.append(0)
    last = get_column_letter(len(columns))
    for sheet, count in zip(sheets, counts, strict=True):
        sheet.auto_filter.ref = f"A2:{last}{2 + count}"
    return sum(counts)


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
    n = _write_rows(wb, "错误清单", ERROR_LIST_COLUMNS, rows, title)
    linked = None
    if links is not None:
        shown = (
            {**r, "matched_on": _MATCHED_ON.get(str(r.get("matched_on")), r.get("matched_on"))}
            for r in links
        )
        linked = _write_rows(wb, "按名称关联", LINK_COLUMNS, shown, f"{title} · 按名称关联")
    meta = wb.create_sheet("说明")
    meta.column_dimensions["A"].width = 18
    meta.column_dimensions["B"].width = 90
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
    for k, v in lines:
        key = WriteOnlyCell(meta, value=k)
        key.font = Font(bold=True)
        meta.append([key, v])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
