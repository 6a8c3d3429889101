"""Writing department files byte-for-byte reproducibly: xlsx, CSV in any encoding, Parquet.

openpyxl stamps the time of saving into the workbook (``docProps/core.xml``
and every zip entry); :func:`write_xlsx` rewrites the archive with a fixed
time so that the same arguments give the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

__all__ = ["FIXED_TIME", "Sheet", "fullwidth", "write_csv", "write_parquet", "write_xlsx"]

#: Timestamp written into every workbook (the generator's output must not depend on the clock).
FIXED_TIME = "2024-01-01T00:00:00Z"
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
_FULL = str.maketrans("0123456789.,", "０１２３４５６７８９．，")

Cell = Any


def fullwidth(text: str) -> str:
    """Digits, point and comma as full-width characters (as some Excel users type them)."""
    return text.translate(_FULL)


@dataclass
class Sheet:
    """One worksheet: its rows (as written, top to bottom) and merged ranges.

    Attributes
    ----------
    name : str
    rows : list of list
    merges : list of (min_row, min_col, max_row, max_col), 1-based
    widths : dict of column letter to width
    """

    name: str
    rows: list[Sequence[Cell]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[str, float] = field(default_factory=dict)

    @property
    def next_row(self) -> int:
        """1-based number the next appended row will have."""
        return len(self.rows) + 1


def _deterministic(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIME.sub(rb"\g<1>" + FIXED_TIME.encode() + rb"\g<3>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def _merge(ws: Any, merges: Sequence[tuple[int, int, int, int]]) -> None:
    """Set the merged ranges of a sheet at once, as ``ws.merge_cells`` would one by one.

    ``merge_cells`` checks each new range against all earlier ones, which is
    quadratic: the 17,000 merged parcel cells of a 20,000-firm city took
    minutes. The generator's ranges never overlap (checked here, in linear
    time), so they are set together, then each is cleaned as merge_cells does.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import MultiCellRange
    from openpyxl.worksheet.merge import MergedCellRange

    seen: set[tuple[int, int]] = set()
    ranges = []
    for r0, c0, r1, c1 in merges:
        cells = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if not seen.isdisjoint(cells):
            raise ValueError(f"overlapping merged range {(r0, c0, r1, c1)}")
        seen |= cells
        coord = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"
        ranges.append(MergedCellRange(ws, coord))
    ws.merged_cells = MultiCellRange(ranges)
    for mcr in ranges:
        ws._clean_merge_range(mcr)


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write a workbook of ``sheets`` (merged ranges applied) reproducibly."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        for row in sh.rows:
            ws.append(list(row))
        _merge(ws, sh.merges)
        if sh.rows:
            ws.cell(1, 1).font = Font(bold=True, size=13)
            ws.cell(1, 1).alignment = Alignment(horizontal="center")
        for col, width in sh.widths.items():
            ws.column_dimensions[col].width = width
    wb.properties.creator = "fenghuang.synthetic（模拟数据）"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_deterministic(buf.getvalue()))
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Cell]], encoding: str) -> Path:
    """Write rows as CSV in ``encoding`` (``utf-8``, ``utf-8-sig``, ``gbk``, ``gb18030``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if encoding in ("gbk", "gb18030") else "\n")
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_parquet(path: Path, table: pa.Table) -> Path:
    """Write a Parquet file (the 模拟数据 mark is in the file name and the metadata)."""
    import pyarrow.parquet as pq

    meta = {b"fenghuang.synthetic": "模拟数据 synthetic".encode()}
    pq.write_table(table.replace_schema_metadata(meta), path, compression="zstd")
    return path
