"""Raw grids: the cells of a CSV file (and of each sheet of a workbook, :mod:`._workbook`).

A :class:`Grid` is what a person sees: rows of cell values with their row
numbers as Excel or a text editor shows them. Header detection and value
parsing happen later (:mod:`._header`, :mod:`._convert`); this module only
gets the cells out, refusing unreadable files with ``E-SOURCE-FORMAT``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from fenghuang.sources._codes import source_error
from fenghuang.sources._encoding import decode_text

__all__ = [
    "OLE2_MAGIC",
    "WORKBOOK_FORMATS",
    "Grid",
    "cell_text",
    "read_csv_grid",
    "sniff_delimiter",
    "sniff_format",
]

Cell = object

#: The first bytes of an OLE2 compound file: an Excel 97-2003 workbook (.xls), or an
#: encrypted (password-protected) xlsx, which Excel wraps in the same container.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The formats whose cells :func:`fenghuang.sources._workbook.read_xlsx_grids` reads.
WORKBOOK_FORMATS = ("xlsx", "xls")


@dataclass
class Grid:
    """The cells of one table.

    Attributes
    ----------
    sheet : str
        Sheet name ('' for CSV).
    rows : list of list
        Cell values (str, int, float, bool, date, datetime, time, timedelta or
        None), ragged: a row ends at its last cell with a value.
    numbers : list of int
        1-based row number of each row (Excel row, or CSV line).
    encoding, delimiter : str
        For CSV input.
    """

    sheet: str
    rows: list[list[Cell]]
    numbers: list[int]
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)
    #: A workbook sheet's merged ranges, 1-based (min_row, min_col, max_row, max_col).
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def sniff_format(data: bytes, name: str) -> str:
    """``"xlsx"``, ``"xls"``, ``"parquet"`` or ``"csv"`` from the bytes (the name only breaks ties)."""
    lower = name.lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:8] == OLE2_MAGIC:
        return "xls"
    if lower.endswith((".xlsx", ".xlsm", ".parquet", ".xls")):
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh="文件内容与扩展名不符",
            detail_en="the content does not match the file extension",
            file=name,
        )
    return "csv"


def sniff_delimiter(text: str) -> str:
    """The most consistent of ``, \\t ; |`` over the first lines (default ``,``)."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ",", 0.0
    for d in (",", "\t", ";", "|"):
        counts = [ln.count(d) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        top = max(counts)
        score = sum(1 for c in counts if c == top) * top
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv_grid(data: bytes, name: str) -> Grid:
    """The cells of a CSV file, with line numbers."""
    text, encoding = decode_text(data, file=name)
    if "\x00" in text:
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh="文本中含有空字符，可能不是 CSV 文件",
            detail_en="NUL characters in the text; probably not a CSV file",
            file=name,
        )
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    prev = 0
    try:
        for rec in reader:
            rows.append(list(rec))
            numbers.append(prev + 1)
            prev = reader.line_num
    except csv.Error as exc:
        raise source_error(
            "E-SOURCE-FORMAT", detail_zh=str(exc), detail_en=str(exc), file=name, line=prev + 1
        ) from exc
    return Grid("", rows, numbers, encoding=encoding, delimiter=delimiter)


def cell_text(value: Cell) -> str | None:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO, blanks as None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
