"""The cells of each visible sheet of a workbook (xlsx, or Excel 97-2003 xls).

Read by calamine, the Rust reader, through python-calamine. Two things it
does not give are added here: merged cells are filled with their value (a
firm's name over its three parcels), and in xlsx an error cell (``#DIV/0!``,
``#N/A``), which calamine reads as blank, keeps its text, read from the
sheet's XML, so that a formula error in a value column is rejected with its
reason instead of passing as a missing value.
"""

from __future__ import annotations

import datetime
import io
import pickle
import posixpath
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from fenghuang.errors import FenghuangError
from fenghuang.sources._codes import source_error
from fenghuang.sources._grid import OLE2_MAGIC, Cell, Grid

__all__ = ["read_xlsx_grids"]

#: Bytes of a worksheet's XML read at a time when looking for its error cells.
XML_PIECE = 1 << 20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: An error cell's start tag (any namespace prefix), then its reference and its value.
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*\bt=[\"']e[\"'][^>]*>")
_CELL_REF = re.compile(rb"\br=[\"']([A-Z]{1,3})([0-9]+)[\"']")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>|</(?:\w+:)?c>")
#: The start of a cell element: a piece of XML is cut before its last one.
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _fill_merged(ranges: list[tuple[int, int, int, int]], rows: list[list[Cell]]) -> None:
    """Copy each merged range's value into all its cells (e.g. a firm name over three parcels).

    ``ranges`` are 1-based (min_row, min_col, max_row, max_col).
    """
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


def _sheet_rows(
    raw: Sequence[Sequence[Cell] | None], start: Any, end: Any
) -> tuple[list[list[Cell]], list[int]]:
    """A sheet's rows from the first row of the sheet, and those calamine cannot convert.

    ``raw``, ``start`` and ``end``: calamine's rows (None for a row it could
    not turn into Python values: a huge number under a date or duration
    format) and the sheet's first and last cell. Empty cells become None and
    trailing ones are dropped (ragged rows, as openpyxl gives them). A row
    that failed is left empty, and its 1-based number is returned.
    """
    # iter_rows starts at the sheet's first row or at its first row with data, and
    # at its first column with data: pad what it left out.
    skip_rows = (end[0] + 1 - len(raw)) if end else 0
    skip_cols = [None] * (start[1] if end else 0)
    rows: list[list[Cell]] = [[] for _ in range(skip_rows)]
    failed = []
    for i, row in enumerate(raw):
        if row is None:
            failed.append(skip_rows + i + 1)
        cells = [*skip_cols, *(None if v == "" else v for v in row)] if row else []
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    return rows, failed


#: The calamine process may map at most this much memory (or 40 times the file, if more).
CHILD_MEMORY = 4 << 30
#: ... and take at most this long.
CHILD_SECONDS = 900


class _Cells(pickle.Unpickler):
    """Unpickles what the calamine process writes: containers, numbers, text and dates only."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in ("datetime", "date", "time", "timedelta"):
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def _calamine_sheets(data: bytes, name: str, fmt: str) -> list[tuple[Any, ...]]:
    """Every visible worksheet as calamine reads it, read in a process of its own.

    Calamine aborts its process when an allocation fails (a value far out, such
    as cell XFD1048576, makes it build a dense range of 17 billion cells; a
    corrupt .xls can ask for tens of GB), so it runs in a child process
    (:mod:`._calamine_child`) under an address-space limit: such a file is then
    refused with ``E-SOURCE-FORMAT`` instead of ending this process.
    """
    limit = max(CHILD_MEMORY, 40 * len(data))
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(Path(__file__).with_name("_calamine_child.py")), str(limit)],
            input=data,
            capture_output=True,
            timeout=CHILD_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh=f"读取 Excel 文件超过 {CHILD_SECONDS} 秒",
            detail_en=f"reading the workbook took over {CHILD_SECONDS} s",
            file=name,
        ) from exc
    if done.returncode == 3:
        raise _workbook_error(_ReaderError(done.stderr.decode("utf-8", "replace")), name, fmt)
    if done.returncode != 0:
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh="Excel 文件已损坏，或其数据范围过大（例如远处的单元格 XFD1048576 有内容），"
            "读取所需内存超出限制；如数据确实这么多，请另存为 CSV（UTF-8）后导入",
            detail_en="the workbook is corrupt, or its used range is too large (a value far "
            "out, such as in cell XFD1048576) to be read within the memory limit; if the data "
            "really is that large, save it as CSV (UTF-8) and import that",
            file=name,
        )
    sheets: list[tuple[Any, ...]] = _Cells(io.BytesIO(done.stdout)).load()
    return sheets


class _ReaderError(Exception):
    """Calamine refused the file: its error as the calamine process reported it
    (``Type: message``); ``kind`` is the error's type name."""

    def __init__(self, report: str) -> None:
        kind, _, text = report.partition(": ")
        super().__init__(text or report)
        self.kind = kind if text else "CalamineError"


def _openpyxl_rows(data: bytes, sheet: str) -> list[list[Cell]]:
    """A sheet's rows by openpyxl (streamed): for a sheet calamine cannot convert in full.

    openpyxl reads such a cell as an error (and warns), and the rest of the
    sheet as calamine would.
    """
    import warnings

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[sheet]
        ws.reset_dimensions()  # some writers store wrong dimensions
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return [list(values) for values in ws.iter_rows(min_row=1, values_only=True)]
    finally:
        wb.close()


def _workbook_error(exc: BaseException, name: str, fmt: str) -> Exception:
    kind = getattr(exc, "kind", type(exc).__name__)
    if fmt == "xls":
        return source_error(
            "E-SOURCE-FORMAT",
            detail_zh=f"旧版 Excel（.xls）文件无法读取，或文件已加密（{kind}），"
            "请去除密码后另存为 .xlsx",
            detail_en=f"cannot read the old Excel (.xls) file, or it is encrypted "
            f"({kind}: {exc}); remove its password and save it as .xlsx",
            file=name,
        )
    return source_error(
        "E-SOURCE-FORMAT",
        detail_zh=f"Excel 文件无法打开或已损坏（{kind}）",
        detail_en=f"cannot open the workbook, or it is corrupt ({kind}: {exc})",
        file=name,
    )


def read_xlsx_grids(data: bytes, name: str, *, fill_merged: bool = True) -> list[Grid]:
    """The cells of every visible sheet of a workbook (xlsx or xls), merged cells filled in.

    Read by calamine (the Rust reader, through python-calamine): 5-9x as
    fast as openpyxl's read-only mode on the synthetic city's workbooks
    (bench/workbooks.py), with the same cell values (numbers, dates by their
    number format, booleans, formulas' cached values), and it reads Excel
    97-2003 files too. Rows are numbered from the sheet's first row (Excel's
    row numbers). Each grid's ``merges`` holds its merged ranges (1-based
    (min_row, min_col, max_row, max_col)); with ``fill_merged=False`` they
    are left to the caller.
    """
    fmt = "xls" if data[:8] == OLE2_MAGIC else "xlsx"
    grids = []
    archive: zipfile.ZipFile | None = None
    try:
        parts: dict[str, str] = {}
        if fmt == "xlsx":
            archive = zipfile.ZipFile(io.BytesIO(data))
            parts = _sheet_parts(archive)
        for sheet_name, raw, start, end, ranges in _calamine_sheets(data, name, fmt):
            rows, failed = _sheet_rows(raw, start, end)
            if failed and fmt == "xls":
                raise source_error(
                    "E-SOURCE-FORMAT",
                    detail_zh=f"第 {failed[0]} 行有无法读取的值（日期或时长超出范围）",
                    detail_en=f"row {failed[0]} holds a value that cannot be read "
                    "(a date or duration out of range)",
                    file=name,
                    sheet=sheet_name,
                    row=failed[0],
                )
            if failed:
                rows = _openpyxl_rows(data, sheet_name)
            elif archive is not None and sheet_name in parts:
                _put_errors(_error_cells(archive, parts[sheet_name]), rows)
            merged = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in ranges]
            if fill_merged:
                _fill_merged(merged, rows)
            grids.append(Grid(sheet_name, rows, list(range(1, len(rows) + 1)), merges=merged))
    except FenghuangError:
        raise
    except Exception as exc:  # a zip that is no workbook, or one openpyxl cannot follow
        raise _workbook_error(exc, name, fmt) from exc
    finally:
        if archive is not None:
            archive.close()
    return grids


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its worksheet part in the zip; empty if the package cannot be followed.

    From the package's relationships to the workbook part (``xl/workbook.xml``
    by convention), then the workbook's to each sheet.
    """
    try:
        root = ElementTree.fromstring(archive.read("_rels/.rels"))
        book_part = next(
            r.get("Target", "").lstrip("/")
            for r in root.iter(f"{_REL}Relationship")
            if r.get("Type", "").endswith("/officeDocument")
        )
        folder, base = posixpath.split(book_part)
        book = ElementTree.fromstring(archive.read(book_part))
        rels = ElementTree.fromstring(archive.read(posixpath.join(folder, "_rels", base + ".rels")))
    except (KeyError, StopIteration, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_REL}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_DOC_REL}id"), "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            parts[sheet.get("name", "")] = posixpath.normpath(path)
    return parts


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _pieces(fh: IO[bytes]) -> Iterator[bytes]:
    """The XML in pieces of :data:`XML_PIECE` bytes, each cut before its last cell's start.

    So no cell is split between two pieces (a cell whose start is more than
    64 KiB before a piece's end, a very long text, may be).
    """
    tail = b""
    for chunk in iter(lambda: fh.read(XML_PIECE), b""):
        buf = tail + chunk
        starts = [m.start() for m in _CELL_START.finditer(buf, max(0, len(buf) - 65536))]
        cut = starts[-1] if starts else len(buf)
        yield buf[:cut]
        tail = buf[cut:]
    yield tail


def _error_cells(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int, str]]:
    """(row, column, text) of each error cell of a worksheet part, 1-based.

    Only a piece holding ``t="e"`` is searched. A cell without a reference
    (``r`` is optional in the format; Excel always writes it) is not placed.
    """
    out = []
    with archive.open(part) as fh:
        for buf in _pieces(fh):
            if b't="e"' not in buf and b"t='e'" not in buf:
                continue
            for m in _ERROR_CELL.finditer(buf):
                ref = _CELL_REF.search(m.group(0))
                end = _VALUE.search(buf, m.end())
                if ref is None or end is None or end.group(1) is None:
                    continue
                text = end.group(1).decode("utf-8", "replace")
                out.append((int(ref.group(2)), _column_number(ref.group(1)), text))
    return out


def _put_errors(errors: list[tuple[int, int, str]], rows: list[list[Cell]]) -> None:
    for r, c, text in errors:
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = text
