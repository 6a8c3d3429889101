"""The column plan of a file: where the data starts, which column is which field.

Read from the first megabyte only, so it is cheap on a file of any size.
A national import has tens of millions of monthly rows: the warehouse can
hand a :class:`ColumnPlan` to DuckDB's CSV/Parquet reader and convert in SQL
(:meth:`ColumnPlan.sql_select`), or read batch by batch with
:func:`~fenghuang.sources.iter_source`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fenghuang.errors import FenghuangError
from fenghuang.sources._codes import open_error, source_error
from fenghuang.sources._encoding import detect_encoding
from fenghuang.sources._grid import WORKBOOK_FORMATS, Grid, sniff_delimiter, sniff_format
from fenghuang.sources._header import SCAN_ROWS, HeaderPlan, plan_header
from fenghuang.sources._mapping import DepartmentMapping
from fenghuang.sources._read import (
    MappingArg,
    SourceInput,
    candidate_mappings,
    read_bytes,
)
from fenghuang.sources._units import UNIT_TABLES, normalize_unit
from fenghuang.sources._workbook import read_xlsx_grids

__all__ = ["ColumnPlan", "ColumnSpec", "plan_columns"]

SAMPLE_BYTES = 1 << 20


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
    year, month : int or None
        Wide monthly layouts: the period of a month column.
    """

    index: int
    header: str
    field: str | None
    quantity: str | None
    unit: str | None
    factor: float | None
    year: int | None = None
    month: int | None = None


@dataclass(frozen=True)
class ColumnPlan:
    """How to read a file without going through Python per row.

    Attributes
    ----------
    department, kind : str
    format : {"csv", "xlsx", "xls", "parquet"}
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
        """Canonical field → its column (long layouts; see :attr:`wide`)."""
        return {c.field: c for c in self.columns if c.field is not None and c.month is None}

    @property
    def wide(self) -> bool:
        """Whether the file has one column per month (then read with ``iter_source``)."""
        return any(c.month is not None for c in self.columns)

    def sql_select(self, column: str = "column{index}") -> str:
        """DuckDB SELECT list giving canonical columns (see :mod:`._sql`)."""
        from fenghuang.sources._sql import sql_select

        return sql_select(self, column)


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
        out.append(ColumnSpec(c.index, c.header, c.field, q, unit, factor, c.year, c.month))
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
            raise open_error(path, exc) from exc
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
        if fmt in WORKBOOK_FORMATS:
            data = head if whole else read_bytes(path)[0]
            return _xlsx_plan(data, name, mappings, sheet, fmt)
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
    data: bytes, name: str, mappings: list[DepartmentMapping], sheet: str | None, fmt: str
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
        return _make(plan, fmt, "", "", grid.sheet, skip)
    raise error or source_error("E-SOURCE-HEADER", file=name, sheet=sheet)
