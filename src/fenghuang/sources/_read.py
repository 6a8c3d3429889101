"""Reading one department file into a :class:`SourceBatch`.

:func:`read_source` is the one entry point the warehouse import calls: it
detects the format (CSV in UTF-8/BOM/GBK/GB18030, xlsx, Parquet), finds the
header, recognises the department when not told, converts every mapped
column to base units and returns canonical rows plus the quarantine.
Large CSV/Parquet files are read in batches by :func:`iter_source`.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa

from fenghuang.errors import FenghuangError
from fenghuang.facts import DEPARTMENTS
from fenghuang.sources._codes import open_error, source_error
from fenghuang.sources._convert import RawTable, convert
from fenghuang.sources._dedup import duplicate_and_conflict
from fenghuang.sources._grid import Grid, cell_text, read_csv_grid, sniff_format
from fenghuang.sources._header import HeaderPlan, plan_header
from fenghuang.sources._mapping import DepartmentMapping, load_all_mappings, load_mapping
from fenghuang.sources._rejects import REJECT_SCHEMA, Rejects
from fenghuang.sources._workbook import read_xlsx_grids

__all__ = [
    "MappingArg",
    "SourceBatch",
    "SourceInput",
    "candidate_mappings",
    "read_bytes",
    "read_source",
]

SourceInput = str | Path | bytes | bytearray | IO[bytes]
MappingArg = str | Path | DepartmentMapping | dict[str, Any] | None


@dataclass(frozen=True)
class SourceBatch:
    """Canonical rows of one department file (or one batch of a large file).

    Attributes
    ----------
    department : str
        Key of :data:`fenghuang.facts.DEPARTMENTS`.
    kind : {"monthly", "annual", "parcel", "firm"}
    file_name : str
    file_hash : str
        sha256 (hex) of the file's bytes.
    rows : pyarrow.Table
        Canonical columns of the department in base units, then
        ``_sheet`` (str) and ``_row`` (int, 1-based row as Excel or an editor
        shows it; Parquet: 1-based record number). ``credit_code`` may be
        null when only a name was given; ``year`` (and ``month`` for monthly
        kinds) are always set for monthly and annual kinds.
    rejects : pyarrow.Table
        Quarantined cells/rows: file, sheet, row, column, code, reason_zh,
        reason_en, raw_value, field. A row is either in ``rows`` or here.
    units : dict of str to str
        Canonical column → the unit the file used (header, unit column,
        "单位：" line or the mapping's default).
    format, encoding : str
        ``csv``/``xlsx``/``parquet`` and, for CSV, the detected encoding.
    skipped_rows : int
        Empty, total (合计/小计/总计) and note rows left out.
    ignored_columns : tuple of str
        Headers that map to no canonical field.
    headers : dict of str to str
        Canonical field → its header as written (the first sheet's), so a
        reject found later (a name that matches no firm) names the column
        as the file does.
    synthetic : bool
        The file says it is synthetic (模拟数据 above a sheet's header or in its
        name; :attr:`~fenghuang.sources.HeaderPlan.synthetic`).
    """

    department: str
    kind: str
    file_name: str
    file_hash: str
    rows: pa.Table
    rejects: pa.Table
    units: dict[str, str]
    format: str = ""
    encoding: str = ""
    skipped_rows: int = 0
    ignored_columns: tuple[str, ...] = field(default_factory=tuple)
    headers: dict[str, str] = field(default_factory=dict)
    synthetic: bool = False

    @property
    def n_rows(self) -> int:
        """Number of accepted rows."""
        return int(self.rows.num_rows)

    @property
    def n_rejected_rows(self) -> int:
        """Number of distinct quarantined rows."""
        if self.rejects.num_rows == 0:
            return 0
        pairs = zip(
            self.rejects.column("sheet").to_pylist(),
            self.rejects.column("row").to_pylist(),
            strict=True,
        )
        return len(set(pairs))


def read_bytes(source: SourceInput) -> tuple[bytes, str]:
    """The bytes and file name of a path, bytes or binary file object."""
    if isinstance(source, bytes | bytearray):
        return bytes(source), "<bytes>"
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            return path.read_bytes(), path.name
        except OSError as exc:
            raise open_error(path, exc) from exc
    data = source.read()
    name = Path(str(getattr(source, "name", "<stream>"))).name
    return bytes(data), name


def candidate_mappings(department: str | None, mapping: MappingArg) -> list[DepartmentMapping]:
    """The mapping(s) to try: the one given, the department's, or all."""
    if mapping is not None:
        return [load_mapping(mapping)]
    if department is not None:
        if department not in DEPARTMENTS:
            raise source_error(
                "E-SOURCE-MAPPING",
                detail_zh=f"未知部门 {department}，可选 {'、'.join(DEPARTMENTS)}",
                detail_en=f"unknown department {department!r}; use one of {', '.join(DEPARTMENTS)}",
            )
        return [load_mapping(department)]
    return list(load_all_mappings().values())


def _grid_table(grid: Grid, plan: HeaderPlan) -> RawTable:
    body = grid.rows[plan.data_start :]
    width = len(plan.columns)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    for row in body:
        for j in range(width):
            columns[j].append(cell_text(row[j]) if j < len(row) else None)
    numbers = np.asarray(grid.numbers[plan.data_start :], dtype=np.int64)
    return RawTable([pa.array(c, pa.string()) for c in columns], numbers, grid.sheet)


def _parquet_tables(data: bytes, name: str) -> list[tuple[list[str], RawTable]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh="Parquet 文件无法读取",
            detail_en=f"cannot read Parquet: {exc}",
            file=name,
        ) from exc
    cols = [c.combine_chunks() for c in table.columns]
    numbers = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return [(list(table.column_names), RawTable(cols, numbers, ""))]


def read_source(
    path: SourceInput,
    department: str | None = None,
    *,
    mapping: MappingArg = None,
) -> SourceBatch:
    """Read one department file.

    Parameters
    ----------
    path : str, Path, bytes or binary file object
        A CSV (UTF-8, UTF-8 with BOM, GBK, GB18030), xlsx or Parquet file.
    department : str, optional
        ``"tax"``, ``"power"``, ``"land"``, ``"stats"``, ``"energy"``,
        ``"environment"``, ``"science"`` or ``"registry"``; recognised from
        the headers when omitted.
    mapping : str, Path, dict or DepartmentMapping, optional
        A mapping to use instead of the built-in one (a city's own TOML).

    Returns
    -------
    SourceBatch

    Raises
    ------
    fenghuang.errors.SourceError
        ``E-SOURCE-ENCODING``, ``E-SOURCE-FORMAT``, ``E-SOURCE-HEADER`` or
        ``E-SOURCE-EMPTY`` when the file as a whole cannot be read; bad rows
        do not raise, they go to ``rejects``.

    Examples
    --------
    >>> from fenghuang.sources import make_credit_code
    >>> code = make_credit_code("91360300MA35ABCDE")
    >>> csv = f"统一社会信用代码,企业名称,所属期,实缴税额（万元）\\n{code},安源陶瓷有限公司,2023年01月,1.5\\n"
    >>> batch = read_source(csv.encode("gbk"))
    >>> batch.department, batch.rows.column("tax_paid").to_pylist(), batch.units["tax_paid"]
    ('tax', [15000.0], '万元')
    """
    data, name = read_bytes(path)
    try:
        return _read(data, name, candidate_mappings(department, mapping))
    except FenghuangError as exc:
        raise exc.with_context(file=name) from None


def _read(data: bytes, name: str, mappings: list[DepartmentMapping]) -> SourceBatch:
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise source_error("E-SOURCE-EMPTY", file=name)
    fmt = sniff_format(data, name)
    tables: list[tuple[HeaderPlan, RawTable]] = []
    encoding = ""
    if fmt == "parquet":
        for headers, raw in _parquet_tables(data, name):
            plan = plan_header([headers], mappings, file=name)
            tables.append((plan, raw))
    else:
        grids = [read_csv_grid(data, name)] if fmt == "csv" else read_xlsx_grids(data, name)
        encoding = grids[0].encoding if grids else ""
        tables = _plan_grids(grids, mappings, name)
    return _assemble(tables, name, digest, fmt, encoding)


def _plan_grids(
    grids: Sequence[Grid], mappings: list[DepartmentMapping], name: str
) -> list[tuple[HeaderPlan, RawTable]]:
    first_error: FenghuangError | None = None
    out: list[tuple[HeaderPlan, RawTable]] = []
    for grid in grids:
        try:
            plan = plan_header(
                grid.rows, mappings, file=name, sheet=grid.sheet, numbers=grid.numbers
            )
        except FenghuangError as exc:
            if len(grids) == 1 or exc.code != "E-SOURCE-HEADER" or not any(grid.rows):
                first_error = first_error or exc
            first_error = first_error or exc
            continue
        mappings = [plan.mapping]  # every sheet of a file is the same department
        out.append((plan, _grid_table(grid, plan)))
    if not out:
        if first_error is not None:
            raise first_error
        raise source_error("E-SOURCE-EMPTY", file=name)
    return out


def _assemble(
    tables: list[tuple[HeaderPlan, RawTable]], name: str, digest: str, fmt: str, encoding: str
) -> SourceBatch:
    mapping = tables[0][0].mapping
    parts: list[pa.Table] = []
    rejects: list[pa.Table] = []
    units: dict[str, set[str]] = {}
    skipped = 0
    ignored: list[str] = []
    headers: dict[str, str] = {}
    for plan, raw in tables:
        for c in plan.columns:
            if c.field is not None and c.month is None:
                headers.setdefault(c.field, c.header)
        conv = convert(raw, plan, file=name)
        parts.append(conv.rows)
        rejects.append(conv.rejects)
        for k, v in conv.units.items():
            units.setdefault(k, set()).update(v.split(";"))
        skipped += conv.skipped
        ignored += [
            c.header
            for c in plan.columns
            if c.field is None and c.header and c.index != plan.unit_column
        ]
    rows = pa.concat_tables(parts)
    if len(parts) > 1:
        rej = Rejects(file=name, sheet="", numbers=np.zeros(0, dtype=np.int64))
        rows = duplicate_and_conflict(rows, mapping.key, tables[0][0], rej)
        rejects.append(rej.table())
    reject_table = pa.concat_tables(rejects) if rejects else REJECT_SCHEMA.empty_table()
    if rows.num_rows == 0 and reject_table.num_rows == 0:
        raise source_error("E-SOURCE-EMPTY", file=name)
    return SourceBatch(
        department=mapping.department,
        kind=mapping.kind,
        file_name=name,
        file_hash=digest,
        rows=rows,
        rejects=reject_table,
        units={k: ";".join(sorted(v)) for k, v in units.items()},
        format=fmt,
        encoding=encoding,
        skipped_rows=skipped,
        ignored_columns=tuple(dict.fromkeys(ignored)),
        headers=headers,
        synthetic=any(plan.synthetic for plan, _ in tables),
    )
