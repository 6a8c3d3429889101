"""Large files: a column plan for DuckDB, and batch-wise reading.

A national import has tens of millions of monthly rows. Two fast paths:

* :func:`plan_columns` reads only the start of a file and says where the
  data starts, which column is which canonical field and by which factor
  to multiply it (``ColumnPlan``). The warehouse can hand that to DuckDB's
  CSV/Parquet reader and convert in SQL.
* :func:`iter_source` reads CSV with Arrow's streaming reader (Parquet by
  row groups) and converts each batch with the same vectorised code as
  :func:`~fenghuang.sources.read_source`, yielding one
  :class:`~fenghuang.sources.SourceBatch` per batch. Duplicates and key
  conflicts are checked within a batch only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from fenghuang.errors import FenghuangError
from fenghuang.sources._codes import CODES, source_error
from fenghuang.sources._convert import RawTable, convert
from fenghuang.sources._encoding import detect_encoding
from fenghuang.sources._grid import Grid, read_xlsx_grids, sniff_delimiter, sniff_format
from fenghuang.sources._header import SCAN_ROWS, HeaderPlan, plan_header
from fenghuang.sources._mapping import DepartmentMapping
from fenghuang.sources._read import (
    MappingArg,
    SourceBatch,
    SourceInput,
    candidate_mappings,
    read_bytes,
    read_source,
)
from fenghuang.sources._rejects import REJECT_SCHEMA
from fenghuang.sources._units import UNIT_TABLES, normalize_unit

__all__ = ["ColumnPlan", "ColumnSpec", "iter_source", "plan_columns"]

SAMPLE_BYTES = 1 << 20
_SKIPPABLE = re.compile(
    r"^\s*$|合\s*计|小\s*计|总\s*计|^\s*(注|备注|说明|填报单位|填表单位|制表|审核|负责人|联系|数据来源|资料来源)"
)


@dataclass(frozen=True)
class ColumnSpec:
    """One source column in a :class:`ColumnPlan`.

    Attributes
    ----------
    index : int
        0-based position.
    header : str
        Header as written.
    field : str or None
        Canonical field (None: not used).
    quantity : str or None
        Quantity of the field (``money``, ``area`` …).
    unit : str or None
        Unit that applies to the whole column (header, "单位：" line or
        the mapping default); None when a unit column gives it per row.
    factor : float or None
        Multiply by it to get base units; None when per-row or unknown.
    """

    index: int
    header: str
    field: str | None
    quantity: str | None
    unit: str | None
    factor: float | None


@dataclass(frozen=True)
class ColumnPlan:
    """How to read a file without going through Python per row.

    Attributes
    ----------
    department, kind : str
    format : {"csv", "xlsx", "parquet"}
    encoding, delimiter : str
        CSV only (Python codec name, one character).
    sheet : str
        xlsx only.
    skip_lines : int
        Lines (or Excel rows) before the first data row.
    columns : tuple of ColumnSpec
    unit_column : int or None
        Position of the per-row unit column.
    year_hint, month_hint : int or None
        Year/month from the title, sheet or file name when no column has them.
    mapping : DepartmentMapping
    header_plan : HeaderPlan
        The full header analysis (title units, hints) used by :func:`iter_source`.
    """

    department: str
    kind: str
    format: str
    encoding: str
    delimiter: str
    sheet: str
    skip_lines: int
    columns: tuple[ColumnSpec, ...]
    unit_column: int | None
    year_hint: int | None
    month_hint: int | None
    mapping: DepartmentMapping
    header_plan: HeaderPlan = field(repr=False, compare=False)

    def fields(self) -> dict[str, ColumnSpec]:
        """Canonical field → its column."""
        return {c.field: c for c in self.columns if c.field is not None}


def _plan_to_columns(plan: HeaderPlan) -> tuple[ColumnSpec, ...]:
    out = []
    for c in plan.columns:
        spec = plan.mapping.fields.get(c.field) if c.field else None
        q = spec.quantity if spec else None
        unit: str | None = None
        factor: float | None = None
        if spec is not None and q in UNIT_TABLES:
            table = UNIT_TABLES[q]
            if c.unit is not None:
                unit = c.unit
                factor = table[normalize_unit(c.unit)] if spec.allows(c.unit) else None
            elif plan.unit_column is None:
                title = plan.title_units.get(q)
                unit = title if title and spec.allows(title) else (spec.default_unit or None)
                factor = table[normalize_unit(unit)] if unit else 1.0
        out.append(ColumnSpec(c.index, c.header, c.field, q, unit, factor))
    return tuple(out)


def _csv_head(data: bytes, name: str) -> tuple[Grid, str]:
    encoding = detect_encoding(data, file=name, sample=True)
    text = data.decode(encoding, errors="ignore").lstrip("\ufeff")
    lines = text.splitlines(keepends=True)[: SCAN_ROWS + 2]
    delimiter = sniff_delimiter("".join(lines))
    rows: list[list[object]] = []
    numbers: list[int] = []
    reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter)
    prev = 0
    try:
        for rec in reader:
            rows.append(list(rec))
            numbers.append(prev + 1)
            prev = reader.line_num
    except csv.Error as exc:
        raise source_error(
            "E-SOURCE-FORMAT", detail_zh=str(exc), detail_en=str(exc), file=name
        ) from exc
    return Grid("", rows, numbers, encoding=encoding, delimiter=delimiter), encoding


def _head(source: SourceInput) -> tuple[bytes, str, bool]:
    """(first bytes, name, is_whole_file)."""
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            with path.open("rb") as fh:
                head = fh.read(SAMPLE_BYTES)
                whole = len(head) < SAMPLE_BYTES
        except OSError as exc:
            raise source_error(
                "E-SOURCE-FORMAT", detail_zh="无法读取文件", detail_en=str(exc), file=str(path)
            ) from exc
        return head, path.name, whole
    data, name = read_bytes(source)
    return data, name, True


def plan_columns(
    path: SourceInput,
    department: str | None = None,
    *,
    mapping: MappingArg = None,
    sheet: str | None = None,
) -> ColumnPlan:
    """Where the data starts and what each column means, from the start of a file.

    Parameters
    ----------
    path : str, Path, bytes or binary file
    department, mapping
        As for :func:`~fenghuang.sources.read_source`.
    sheet : str, optional
        xlsx only: the sheet (default: the first one with a header).

    Returns
    -------
    ColumnPlan
    """
    head, name, whole = _head(path)
    try:
        mappings = candidate_mappings(department, mapping)
        if not head.strip():
            raise source_error("E-SOURCE-EMPTY", file=name)
        fmt = sniff_format(head, name)
        if fmt == "parquet":
            return _parquet_plan(path, name, mappings)
        if fmt == "xlsx":
            data = head if whole else read_bytes(path)[0]
            return _xlsx_plan(data, name, mappings, sheet)
        grid, encoding = _csv_head(head, name)
        plan = plan_header(grid.rows, mappings, file=name, numbers=grid.numbers)
        skip = (
            grid.numbers[plan.data_start] - 1
            if plan.data_start < len(grid.numbers)
            else len(grid.rows)
        )
        return _make(plan, "csv", encoding, grid.delimiter, "", skip)
    except FenghuangError as exc:
        raise exc.with_context(file=name) from None


def _make(
    plan: HeaderPlan, fmt: str, encoding: str, delimiter: str, sheet: str, skip: int
) -> ColumnPlan:
    return ColumnPlan(
        department=plan.department,
        kind=plan.mapping.kind,
        format=fmt,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        skip_lines=int(skip),
        columns=_plan_to_columns(plan),
        unit_column=plan.unit_column,
        year_hint=plan.year_hint,
        month_hint=plan.month_hint,
        mapping=plan.mapping,
        header_plan=plan,
    )


def _parquet_plan(path: SourceInput, name: str, mappings: list[DepartmentMapping]) -> ColumnPlan:
    import pyarrow.parquet as pq

    src: Any = path if isinstance(path, str | Path) else io.BytesIO(read_bytes(path)[0])
    try:
        schema = pq.read_schema(src)
    except Exception as exc:
        raise source_error(
            "E-SOURCE-FORMAT", detail_zh="Parquet 文件无法读取", detail_en=str(exc), file=name
        ) from exc
    plan = plan_header([list(schema.names)], mappings, file=name)
    return _make(plan, "parquet", "", "", "", 0)


def _xlsx_plan(
    data: bytes, name: str, mappings: list[DepartmentMapping], sheet: str | None
) -> ColumnPlan:
    grids = read_xlsx_grids(data, name)
    error: FenghuangError | None = None
    for grid in grids:
        if sheet is not None and grid.sheet != sheet:
            continue
        try:
            plan = plan_header(
                grid.rows, mappings, file=name, sheet=grid.sheet, numbers=grid.numbers
            )
        except FenghuangError as exc:
            error = error or exc
            continue
        skip = (
            grid.numbers[plan.data_start] - 1
            if plan.data_start < len(grid.numbers)
            else len(grid.rows)
        )
        return _make(plan, "xlsx", "", "", grid.sheet, skip)
    raise error or source_error("E-SOURCE-HEADER", file=name, sheet=sheet)


def _sha256(path: SourceInput) -> str:
    h = hashlib.sha256()
    if isinstance(path, str | Path):
        with Path(path).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                h.update(chunk)
        return h.hexdigest()
    h.update(read_bytes(path)[0])
    return h.hexdigest()


def iter_source(
    path: SourceInput,
    department: str | None = None,
    *,
    mapping: MappingArg = None,
    batch_rows: int = 200_000,
) -> Iterator[SourceBatch]:
    """Read a large CSV or Parquet file in batches of about ``batch_rows`` rows.

    Each yielded :class:`~fenghuang.sources.SourceBatch` has the file's name
    and hash, canonical rows with their line numbers, and the rejects of
    that batch. An xlsx file is read whole and yielded as one batch.

    Examples
    --------
    >>> from fenghuang.sources import make_credit_code
    >>> code = make_credit_code("91360300MA35ABCDE")
    >>> body = "".join(f"{code},2023-{m:02d},{m}\\n" for m in range(1, 13))
    >>> data = ("信用代码,抄表年月,用电量(万千瓦时)\\n" + body).encode()
    >>> [b.n_rows for b in iter_source(data, batch_rows=5)]
    [5, 5, 2]
    """
    if batch_rows < 1:
        raise ValueError("batch_rows must be positive")
    plan = plan_columns(path, department, mapping=mapping)
    name = read_bytes(path)[1] if not isinstance(path, str | Path) else Path(path).name
    if plan.format == "xlsx":
        yield read_source(path, mapping=plan.mapping)
        return
    digest = _sha256(path)
    hp = plan.header_plan
    try:
        if plan.format == "parquet":
            yield from _iter_parquet(path, plan, hp, name, digest, batch_rows)
        else:
            yield from _iter_csv(path, plan, hp, name, digest, batch_rows)
    except FenghuangError as exc:
        raise exc.with_context(file=name) from None


def _batch(
    plan: ColumnPlan,
    hp: HeaderPlan,
    raw: RawTable,
    name: str,
    digest: str,
    extra: list[dict[str, Any]],
) -> SourceBatch:
    conv = convert(raw, hp, file=name)
    rejects = conv.rejects
    if extra:
        rejects = pa.concat_tables([rejects, pa.Table.from_pylist(extra, schema=REJECT_SCHEMA)])
    return SourceBatch(
        department=plan.department,
        kind=plan.kind,
        file_name=name,
        file_hash=digest,
        rows=conv.rows,
        rejects=rejects,
        units=conv.units,
        format=plan.format,
        encoding=plan.encoding,
        skipped_rows=conv.skipped,
        ignored_columns=tuple(c.header for c in plan.columns if c.field is None and c.header),
    )


def _iter_parquet(
    path: SourceInput, plan: ColumnPlan, hp: HeaderPlan, name: str, digest: str, batch_rows: int
) -> Iterator[SourceBatch]:
    import pyarrow.parquet as pq

    src: Any = path if isinstance(path, str | Path) else io.BytesIO(read_bytes(path)[0])
    start = 1
    for rb in pq.ParquetFile(src).iter_batches(batch_size=batch_rows):
        numbers = np.arange(start, start + rb.num_rows, dtype=np.int64)
        start += rb.num_rows
        yield _batch(plan, hp, RawTable(list(rb.columns), numbers, ""), name, digest, [])


def _iter_csv(
    path: SourceInput, plan: ColumnPlan, hp: HeaderPlan, name: str, digest: str, batch_rows: int
) -> Iterator[SourceBatch]:
    import pyarrow.csv as pcsv

    width = len(plan.columns)
    names = [f"c{j}" for j in range(width)]
    skipped: list[int] = []
    extra: list[dict[str, Any]] = []
    code = CODES["E-ROW-COLUMNS"]

    def on_invalid(row: Any) -> str:
        number = int(row.number) if row.number is not None else -1
        skipped.append(number)
        text = str(row.text or "")
        if not _SKIPPABLE.search(text):
            extra.append(
                {
                    "file": name,
                    "sheet": "",
                    "row": number,
                    "column": "",
                    "code": code.code,
                    "reason_zh": f"{code.zh}：应有 {row.expected_columns} 列，实有 {row.actual_columns} 列",
                    "reason_en": f"{code.en}: expected {row.expected_columns}, got {row.actual_columns}",
                    "raw_value": text[:200],
                    "field": "",
                }
            )
        return "skip"

    encoding = plan.encoding
    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    src: Any = str(path) if isinstance(path, str | Path) else io.BytesIO(read_bytes(path)[0])
    try:
        reader = pcsv.open_csv(
            src,
            read_options=pcsv.ReadOptions(
                use_threads=False,
                skip_rows=plan.skip_lines,
                column_names=names,
                encoding=arrow_encoding,
                block_size=max(1 << 16, min(batch_rows * 64, 1 << 26)),
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=plan.delimiter or ",",
                invalid_row_handler=on_invalid,
                ignore_empty_lines=False,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError) as exc:
        raise source_error(
            "E-SOURCE-FORMAT", detail_zh=str(exc), detail_en=str(exc), file=name
        ) from exc
    next_line = plan.skip_lines + 1
    while True:
        try:
            rb = reader.read_next_batch()
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise source_error(
                "E-SOURCE-FORMAT", detail_zh=str(exc), detail_en=str(exc), file=name
            ) from exc
        for offset in range(0, rb.num_rows, batch_rows):
            part = rb.slice(offset, batch_rows)
            n = part.num_rows
            window = [s for s in skipped if s >= next_line]
            lines = np.arange(next_line, next_line + n + len(window), dtype=np.int64)
            if window:
                lines = np.setdiff1d(lines, np.asarray(window, dtype=np.int64))
            numbers = lines[:n]
            next_line = int(numbers[-1]) + 1 if n else next_line
            here = [e for e in extra if e["row"] < next_line]
            extra[:] = [e for e in extra if e["row"] >= next_line]
            yield _batch(plan, hp, RawTable(list(part.columns), numbers, ""), name, digest, here)
    if extra:
        empty = RawTable(
            [pa.array([], pa.string()) for _ in names], np.zeros(0, dtype=np.int64), ""
        )
        yield _batch(plan, hp, empty, name, digest, extra)
