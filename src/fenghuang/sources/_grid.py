"""Raw grids: the cells of a CSV file or of each sheet of a workbook.

A :class:`Grid` is what a person sees: rows of cell values with their row
numbers as Excel or a text editor shows them. Header detection and value
parsing happen later (:mod:`._header`, :mod:`._convert`); this module only
gets the cells out, refusing unreadable files with ``E-SOURCE-FORMAT``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from fenghuang.sources._codes import source_error
from fenghuang.sources._encoding import decode_text

__all__ = [
    "Grid",
    "cell_text",
    "read_csv_grid",
    "read_xlsx_grids",
    "sniff_delimiter",
    "sniff_format",
]

Cell = object


@dataclass
class Grid:
    """The cells of one table.

    Attributes
    ----------
    sheet : str
        Sheet name ('' for CSV).
    rows : list of list
        Cell values (str, int, float, datetime or None), ragged.
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


def sniff_format(data: bytes, name: str) -> str:
    """``"xlsx"``, ``"parquet"`` or ``"csv"`` from the bytes (the name only breaks ties)."""
    lower = name.lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh="旧版 Excel（.xls）文件，请另存为 .xlsx",
            detail_en="old Excel (.xls) file; save it as .xlsx",
            file=name,
        )
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


#: Bytes of a worksheet's XML read at a time when looking for its merged ranges.
XML_PIECE = 1 << 20
#: A merged range in a worksheet's XML (``<mergeCell ref="C2:E2"/>``, any namespace prefix).
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of each merged range of a worksheet part.

    Read from the part's XML in pieces: openpyxl's read-only mode, which
    streams the cells, knows nothing of merges.
    """
    from openpyxl.utils.cell import range_boundaries

    out = []
    tail = b""
    with archive.open(part.lstrip("/")) as fh:
        for chunk in iter(lambda: fh.read(XML_PIECE), b""):
            buf = tail + chunk
            cut = buf.rfind(b"<")  # an element cut at the piece's end waits for the next
            cut = cut if cut >= 0 and buf.find(b">", cut) < 0 else len(buf)
            for m in _MERGE.finditer(buf, 0, cut):
                c0, r0, c1, r1 = range_boundaries(m.group(1).decode("ascii"))
                out.append((int(r0 or 1), int(c0 or 1), int(r1 or 1), int(c1 or 1)))
            tail = buf[cut:]
    return out


def _fill_merged(ranges: list[tuple[int, int, int, int]], rows: list[list[Cell]]) -> None:
    """Copy each merged range's value into all its cells (e.g. a firm name over three parcels)."""
    for r0, c0, r1, c1 in ranges:
        if r0 - 1 >= len(rows):
            continue
        top = rows[r0 - 1]
        value = top[c0 - 1] if c0 - 1 < len(top) else None
        if value is None:
            continue
        for r in range(r0, min(r1, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < c1:
                row.extend([None] * (c1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c - 1] = value


def read_xlsx_grids(data: bytes, name: str) -> list[Grid]:
    """The cells of every visible sheet of a workbook, merged cells filled in.

    Streamed (openpyxl's read-only mode, 1.7x as fast as loading the
    workbook, for any size); the merged ranges come from each sheet's XML.
    """
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        IndexError,
        AttributeError,
    ) as exc:
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh=f"无法打开 Excel 文件（{type(exc).__name__}）",
            detail_en=f"cannot open the workbook ({type(exc).__name__}: {exc})",
            file=name,
        ) from exc
    except Exception as exc:
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh=f"Excel 文件已损坏（{type(exc).__name__}）",
            detail_en=f"corrupt workbook ({type(exc).__name__}: {exc})",
            file=name,
        ) from exc
    grids = []
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            ws.reset_dimensions()  # some writers store wrong dimensions
            rows: list[list[Cell]] = []
            numbers: list[int] = []
            for i, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
                rows.append(list(values))
                numbers.append(i)
            _fill_merged(_merged_ranges(archive, ws._worksheet_path), rows)
            grids.append(Grid(str(ws.title), rows, numbers))
    except Exception as exc:
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh=f"Excel 工作表无法读取（{type(exc).__name__}）",
            detail_en=f"a sheet cannot be read ({type(exc).__name__}: {exc})",
            file=name,
        ) from exc
    finally:
        wb.close()
        archive.close()
    return grids


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
