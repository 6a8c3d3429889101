"""Long lists as Excel sheets: title row, frozen header with a filter, streamed rows.

Shared by the import error list and the audit log export. Workbooks are in
openpyxl's write-only mode, so rows go to the file as they come; a list
longer than a sheet holds goes on in the next sheet (``错误清单2``, ``3`` …).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

__all__ = ["SHEET_ROWS", "Columns", "write_notes", "write_rows"]

#: (key, header, width) of each column, in order.
Columns = tuple[tuple[str, str, int], ...]

#: Rows per sheet: Excel's limit (1,048,576) less the title and header rows.
SHEET_ROWS = 1_048_576 - 2

_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _sheet(wb: Workbook, name: str, columns: Columns, title: str) -> Any:
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


def write_rows(
    wb: Workbook, base: str, columns: Columns, rows: Iterable[Mapping[str, Any]], title: str
) -> int:
    """Stream ``rows`` into sheet ``base`` (then ``base``2, 3 … past :data:`SHEET_ROWS`);
    each sheet gets the title, the header and a filter. Returns the number of rows."""
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


def write_notes(wb: Workbook, lines: Sequence[tuple[str, Any]], name: str = "说明") -> None:
    """A sheet of key / value lines (the list's 说明)."""
    meta = wb.create_sheet(name)
    meta.column_dimensions["A"].width = 18
    meta.column_dimensions["B"].width = 90
    for k, v in lines:
        key = WriteOnlyCell(meta, value=k)
        key.font = Font(bold=True)
        meta.append([key, v])
