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

__all__ = ["ERROR_LIST_COLUMNS", "write_error_list"]

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

#: Rows per sheet: Excel's limit (1,048,576) less the title and header rows.
SHEET_ROWS = 1_048_576 - 2

_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _sheet(wb: Workbook, index: int, title: str) -> Any:
    ws = wb.create_sheet("错误清单" if index == 0 else f"错误清单{index + 1}")
    for j, (_, _, width) in enumerate(ERROR_LIST_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A3"
    head = WriteOnlyCell(ws, value=title)
    head.font = Font(bold=True, size=12)
    ws.append([head])
    cells = []
    for _, h, _ in ERROR_LIST_COLUMNS:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        c.fill = _HEAD_FILL
        cells.append(c)
    ws.append(cells)
    return ws


def write_error_list(
    rows: Iterable[Mapping[str, Any]],
    path: str | Path,
    *,
    synthetic: bool = False,
    title: str = "导入错误清单 Import error list",
) -> Path:
    """Write quarantined rows as the 导入错误清单 workbook.

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
    synthetic data, the 模拟数据 note.
    """
    path = Path(path)
    if synthetic:
        title += "（模拟数据）"
    wb = Workbook(write_only=True)
    sheets: list[Any] = []
    counts: list[int] = []
    ws: Any = None
    n = 0
    for r in rows:
        if ws is None or counts[-1] == SHEET_ROWS:
            ws = _sheet(wb, len(sheets), title)
            sheets.append(ws)
            counts.append(0)
        ws.append([r.get(k) for k, _, _ in ERROR_LIST_COLUMNS])
        counts[-1] += 1
        n += 1
    if ws is None:
        sheets.append(_sheet(wb, 0, title))
        counts.append(0)
    last = get_column_letter(len(ERROR_LIST_COLUMNS))
    for sheet, count in zip(sheets, counts, strict=True):
        sheet.auto_filter.ref = f"A2:{last}{2 + count}"
    meta = wb.create_sheet("说明")
    meta.column_dimensions["A"].width = 18
    meta.column_dimensions["B"].width = 90
    lines = [("清单", title), ("隔离行数 rows", n)]
    if synthetic:
        lines.insert(0, ("数据性质", SYNTHETIC_NOTE))
    lines.append(
        (
            "说明 note",
            "每行为一个未入库的单元格：请部门按行号与原因核对、更正后重新报送。"
            " Each row is a cell that was not taken in: correct it by row and reason and send the file again.",
        )
    )
    for k, v in lines:
        key = WriteOnlyCell(meta, value=k)
        key.font = Font(bold=True)
        meta.append([key, v])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
