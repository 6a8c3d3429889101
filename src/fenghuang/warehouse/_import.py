"""Importing department files: one transaction, idempotent by content hash.

Files are read by :func:`fenghuang.sources.read_source` *before* anything is
written; then every new file lands in one DuckDB transaction (all files of
the call, or none). Large files of the fast path (:mod:`._fast`) have their
rows written and committed first, each in a transaction of its own, under
an import key no ``imports`` row has yet (``import_pending``, migration
054): no reader sees them until that one transaction writes the ``imports``
rows, and if it never does they are removed (at once on an error, or by the
next :class:`Store` to open a file whose writer was killed). A file whose
sha256 is already in ``imports`` is skipped.
Rows without a valid credit code are linked by normalised name (and former
names) to the firm register; rows that stay unmatched go to the quarantine
as ``E-ROW-UNMATCHED``. Once a file's rows are final, its ``imports`` row,
``import_sizes`` and ``source_firms`` (the firm map of
:func:`~fenghuang.warehouse.fact_lineage`) are written in the same
transaction (:func:`._rows.record_import`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import WarehouseError
from fenghuang.facts import FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.sources import CODES, SourceBatch, distinct_rejects, normalize_name, read_source
from fenghuang.warehouse._fast import (
    FAST_MEMORY_LIMIT,
    Staged,
    drop_arrow,
    fast_candidate,
    load_fast,
    ragged_lines,
    stage_rows,
)
from fenghuang.warehouse._rows import insert_long, memory_limit, next_import_key, record_import
from fenghuang.warehouse._store import Store

__all__ = ["FileReport", "ImportReport", "import_files"]

_VALUE_FIELDS = [f for f in FIRM_YEAR_FIELDS if f not in ("credit_code", "year")]
_REGISTER_FIELDS = [f for f in FIRM_FIELDS if f != "credit_code"]


@dataclass
class FileReport:
    """What happened to one file."""

    file_name: str
    import_id: str
    department: str
    kind: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    skipped: bool = False
    by_reason: dict[str, int] = field(default_factory=dict)
    linked_by_name: int = 0
    fast: bool = False  # read by the DuckDB-direct path (._fast)


@dataclass
class ImportReport:
    """Result of :func:`import_files`: one :class:`FileReport` per file."""

    files: list[FileReport]

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


def _register_index(store: Store) -> dict[str, tuple[str, str]]:
    """Normalised name → (credit code, 'name'|'former_name')."""
    out: dict[str, tuple[str, str]] = {}
    for code, name, former in store.fetch_all(
        "select credit_code, name, former_names from firm_register"
    ):
        for old in (former or "").replace("；", ";").split(";"):
            if old.strip():
                out.setdefault(normalize_name(old.strip()), (code, "former_name"))
        if name:
            out[normalize_name(name)] = (code, "name")
    return out


def _reject_rows(batch: SourceBatch, rows: pa.Table, code: str, column: str) -> pa.Table:
    c = CODES[code]
    n = rows.num_rows
    raw = rows.column("name").cast(pa.string()) if "name" in rows.column_names else None
    return pa.table(
        {
            "file": pa.array([batch.file_name] * n, pa.string()),
            "sheet": rows.column("_sheet").cast(pa.string()),
            "row": rows.column("_row").cast(pa.int64()),
            "column": pa.array([column] * n, pa.string()),
            "code": pa.array([code] * n, pa.string()),
            "reason_zh": pa.array([c.zh] * n, pa.string()),
            "reason_en": pa.array([c.en] * n, pa.string()),
            "raw_value": raw if raw is not None else pa.nulls(n, pa.string()),
        }
    )


def _resolve(
    batch: SourceBatch, names: dict[str, tuple[str, str]]
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Fill missing credit codes by name; return (rows, unmatched rejects, links)."""
    rows = batch.rows
    codes = rows.column("credit_code").to_pylist()
    if all(c is not None for c in codes):
        return rows, _reject_rows(batch, rows.slice(0, 0), "E-ROW-UNMATCHED", ""), pa.table({})
    row_names = (
        rows.column("name").to_pylist() if "name" in rows.column_names else [None] * len(codes)
    )
    keep: list[bool] = []
    links: dict[tuple[object, object], dict[str, object]] = {}  # once per file row
    for i, (code, name) in enumerate(zip(codes, row_names, strict=True)):
        if code is not None:
            keep.append(True)
            continue
        hit = names.get(normalize_name(name)) if name else None
        keep.append(hit is not None)
        if hit is not None:
            codes[i] = hit[0]
            place = (rows.column("_sheet")[i].as_py(), rows.column("_row")[i].as_py())
            links.setdefault(
                place,
                {
                    "sheet": place[0],
                    "row_no": place[1],
                    "name": name,
                    "credit_code": hit[0],
                    "matched_on": hit[1],
                },
            )
    idx = rows.schema.get_field_index("credit_code")
    rows = rows.set_column(idx, "credit_code", pa.array(codes, pa.string()))
    mask = pa.array(keep)
    unmatched = rows.filter(pc.invert(mask))
    return (
        rows.filter(mask),
        _reject_rows(batch, unmatched, "E-ROW-UNMATCHED", batch.headers.get("name", "企业名称")),
        pa.Table.from_pylist(list(links.values())),
    )


def _long_values(batch: SourceBatch, rows: pa.Table) -> pa.Table:
    """Source rows → one row per (row, field) with a non-null value."""
    parts = []
    month = (
        rows.column("month")
        if "month" in rows.column_names
        else pa.nulls(rows.num_rows, pa.int64())
    )
    for name in _VALUE_FIELDS:
        if name not in rows.column_names:
            continue
        col = rows.column(name)
        if pa.types.is_boolean(col.type):
            col = col.cast(pa.int8())
        part = pa.table(
            {
                "sheet": rows.column("_sheet").cast(pa.string()),
                "row_no": rows.column("_row").cast(pa.int64()),
                "credit_code": rows.column("credit_code").cast(pa.string()),
                "year": rows.column("year").cast(pa.int32()),
                "month": month.cast(pa.int32()),
                "value": col.cast(pa.float64()),
            }
        )
        part = part.filter(pc.is_valid(part.column("value")))
        part = part.filter(pc.is_valid(part.column("year")))
        n = part.num_rows
        part = part.append_column("field", pa.array([name] * n, pa.string()))
        part = part.append_column("unit", pa.array([batch.units.get(name)] * n, pa.string()))
        parts.append(part)
    if not parts:
        return pa.table({})
    return pa.concat_tables(parts)


def _with_id(table: pa.Table, import_id: str) -> pa.Table:
    return table.append_column("import_id", pa.array([import_id] * table.num_rows, pa.string()))


def _load(
    store: Store, batch: SourceBatch, names: dict[str, tuple[str, str]], key: int
) -> FileReport:
    iid = batch.file_hash
    rejects = batch.rejects
    if batch.kind == "firm":
        rows, unmatched, links = batch.rows, None, pa.table({})
    else:
        rows, unmatched, links = _resolve(batch, names)
    if batch.kind == "firm":
        cols = {"credit_code": rows.column("credit_code"), "row_no": rows.column("_row")}
        for f in _REGISTER_FIELDS:
            if f in rows.column_names:
                cols[f] = rows.column(f)
        reg = _with_id(pa.table(cols), iid)
        store.con.register("_fh_reg", reg)
        try:
            # A register file may carry only some columns (an accident list has code,
            # name and a flag): update what it gives, keep what it does not.
            names_sql = ", ".join(f'"{c}"' for c in reg.column_names)
            sets = ", ".join(
                f'"{c}" = excluded."{c}"'
                if c in ("import_id", "row_no")
                else f'"{c}" = coalesce(excluded."{c}", firm_register."{c}")'
                for c in reg.column_names
                if c != "credit_code"
            )
            store.execute(
                f"insert into firm_register ({names_sql}) select {names_sql} from _fh_reg "
                f"on conflict (credit_code) do update set {sets}"
            )
        finally:
            store.con.unregister("_fh_reg")
        names.update(_register_index(store))
    if batch.kind == "parcel":
        p = pa.table(
            {
                "sheet": rows.column("_sheet").cast(pa.string()),
                "row_no": rows.column("_row").cast(pa.int64()),
                "year": rows.column("year").cast(pa.int32())
                if "year" in rows.column_names
                else pa.nulls(rows.num_rows, pa.int32()),
                "parcel_id": rows.column("parcel_id").cast(pa.string()),
                "credit_code": rows.column("credit_code").cast(pa.string()),
                "area": rows.column("area").cast(pa.float64()),
                "tenure": rows.column("tenure").cast(pa.string()),
                "lessor_code": rows.column("lessor_code").cast(pa.string())
                if "lessor_code" in rows.column_names
                else pa.nulls(rows.num_rows, pa.string()),
                "share": rows.column("share").cast(pa.float64())
                if "share" in rows.column_names
                else pa.nulls(rows.num_rows, pa.float64()),
            }
        )
        if p.num_rows:
            store.insert_arrow("parcels", _with_id(p, iid))
    long = _long_values(batch, rows) if batch.kind != "parcel" else pa.table({})
    if long.num_rows:
        insert_long(store, key, long)
    if unmatched is not None and unmatched.num_rows:  # once per file row (a wide layout's months)
        rejects = distinct_rejects(
            pa.concat_tables([rejects.select(unmatched.column_names), unmatched])
        )
    q = rejects.select(
        ["file", "sheet", "row", "column", "code", "reason_zh", "reason_en", "raw_value"]
    )
    q = q.rename_columns(
        ["file", "sheet", "row_no", "column_name", "code", "reason_zh", "reason_en", "raw_value"]
    )
    if q.num_rows:
        store.insert_arrow("quarantine", _with_id(q, iid))
    if links.num_rows:
        store.insert_arrow("name_links", _with_id(links, iid))
    quarantined: set[tuple[str | None, int | None]] = set(
        zip(q.column("sheet").to_pylist(), q.column("row_no").to_pylist(), strict=True)
    )
    by_reason: dict[str, int] = {}
    for code in q.column("code").to_pylist():
        by_reason[code] = by_reason.get(code, 0) + 1
    n_loaded, n_read = _row_counts(rows, quarantined)
    report = FileReport(
        file_name=batch.file_name,
        import_id=iid,
        department=batch.department,
        kind=batch.kind,
        rows_read=n_read,
        rows_loaded=n_loaded,
        rows_quarantined=len(quarantined),
        by_reason=by_reason,
        linked_by_name=links.num_rows,
    )
    record_import(
        store,
        key,
        iid,
        batch.file_name,
        batch.department,
        (report.rows_read, report.rows_loaded, report.rows_quarantined),
        synthetic=batch.synthetic,
    )
    return report


def _row_counts(rows: pa.Table, quarantined: set[tuple[str | None, int | None]]) -> tuple[int, int]:
    """(rows loaded, rows read) of a file, counted as rows of the file: (sheet, row number).

    A wide layout gives a loaded row per month of a file row; a file row with
    a month quarantined and the others loaded counts as loaded and as
    quarantined, and once as read.
    """
    n = rows.num_rows
    if n == 0 or "_row" not in rows.column_names or "_sheet" not in rows.column_names:
        return n, n + len(quarantined)
    sheet = pc.fill_null(rows.column("_sheet").cast(pa.string()), "")
    placed = [(x or "", r) for x, r in quarantined if r is not None]
    names = sorted({x for x, _ in placed} | set(pc.unique(sheet).to_pylist()))
    index = pc.index_in(sheet, value_set=pa.array(names, pa.string())).to_numpy()
    loaded = np.unique(index.astype(np.int64) << 40 | rows.column("_row").to_numpy())
    pos = {name: i for i, name in enumerate(names)}
    q = np.array([pos[x] << 40 | r for x, r in placed], dtype=np.int64)
    unplaced = len(quarantined) - len(placed)  # rejects without a row number
    return len(loaded), len(np.union1d(loaded, q)) + unplaced


_KIND_ORDER = {"firm": 0, "parcel": 1, "annual": 2, "monthly": 3}


def import_files(
    store: Store,
    paths: Sequence[str | Path] | Iterable[str | Path],
    *,
    engine: str = "duckdb",
    progress: Callable[[str, int, int], None] | None = None,
    fast: bool | None = None,
) -> ImportReport:
    """Import department files into the warehouse as one transaction.

    Parameters
    ----------
    store : Store
    paths : sequence of path
        Department files (CSV, xlsx, xls, Parquet). The register file, if given,
        is loaded first so names can be linked.
    engine : {"duckdb"}
        Engine of the transforms (only DuckDB so far).
    progress : callable, optional
        Called as ``progress(file_name, done, total)``: once per file when it
        has been read, once per file when it has been written, and once more
        for a fast-path file when its rows are written (the long step). While
        the files are read ``total`` is twice their number; it then grows by
        one per fast-path file.
    fast : bool, optional
        The DuckDB-direct path (:mod:`._fast`) for CSV (UTF-8, GBK,
        GB18030; quoted cells as Excel writes them) and Parquet files of
        monthly and annual departments with a plain column plan: None (the
        default) uses it for such files of at least 1 MiB, True for all of
        them, False never. Both paths give the same source values,
        quarantine and lineage.

    Returns
    -------
    ImportReport
        One entry per file; files already imported (same sha256) are
        reported with ``skipped=True`` and change nothing.
    """
    if engine != "duckdb":
        raise WarehouseError(
            "E-ENGINE",
            zh=f"暂不支持的计算引擎：{engine}",
            en=f"engine not supported yet: {engine}",
            hint_zh="请使用 duckdb",
            hint_en="use duckdb",
        )
    done = {r[0] for r in store.fetch_all("select import_id from imports")}
    paths = list(paths)
    items: list[SourceBatch | Staged] = []
    try:
        for i, p in enumerate(paths, start=1):  # all reading (general path) before any writing
            staged = fast_candidate(p, fast, done)
            items.append(staged if staged is not None else read_source(p))
            if progress is not None:
                progress(items[-1].file_name, i, 2 * len(paths))
        items.sort(key=lambda b: _KIND_ORDER.get(b.kind, 9))
        # bounded memory: DuckDB spills hash tables and sorts to its temporary folder
        with memory_limit(store, FAST_MEMORY_LIMIT):
            while True:
                try:
                    return _write(store, items, set(done), progress, len(paths))
                except _FastFailed as exc:  # rolled back: read that file on the general path
                    failed = items[exc.index]
                    if isinstance(failed, Staged):
                        failed.close()
                    items[exc.index] = read_source(exc.path)
                    items.sort(key=lambda b: _KIND_ORDER.get(b.kind, 9))
    finally:  # the UTF-8 copies of GBK files
        for item in items:
            if isinstance(item, Staged):
                item.close()


class _FastFailed(Exception):
    """DuckDB could not read a fast-path file (e.g. a byte that is not UTF-8 far into it)."""

    def __init__(self, index: int, path: Path) -> None:
        super().__init__(str(path))
        self.index = index
        self.path = path


def _digest(item: SourceBatch | Staged) -> str:
    return item.digest if isinstance(item, Staged) else item.file_hash


def _keys(store: Store, items: list[SourceBatch | Staged], done: set[str]) -> list[int | None]:
    """The import key of each item, in order; None for a file already imported (or twice)."""
    key = next_import_key(store)
    seen = set(done)
    out: list[int | None] = []
    for item in items:
        digest = _digest(item)
        if digest in seen:
            out.append(None)
        else:
            out.append(key)
            seen.add(digest)
            key += 1
    return out


def _stage(store: Store, st: Staged, index: int) -> None:
    """Step 1 of a fast-path file, committed in its own transaction under its pending key.

    When pyarrow refuses the file, DuckDB's own CSV parser reads it
    (:func:`._fast.drop_arrow`); when DuckDB cannot read it either,
    :class:`_FastFailed` sends it to the general path.
    """
    while True:
        try:
            with store.transaction():
                store.mark_pending(st.key)
                stage_rows(store, st)
            return
        except (duckdb.Error, pa.ArrowException) as exc:
            if st.arrow and st.ragged is None:  # rows of another width: pyarrow skips them
                plan = st.fp.plan
                width = len(plan.columns)
                st.ragged = ragged_lines(st.cells_path, plan.skip_lines, plan.delimiter, width)
                if len(st.ragged):
                    continue
            if not st.arrow or st.quoted:  # only pyarrow reads quoted cells
                raise _FastFailed(index, st.path) from exc
            drop_arrow(st)


def _write(
    store: Store,
    items: list[SourceBatch | Staged],
    done: set[str],
    progress: Callable[[str, int, int], None] | None,
    read: int,
) -> ImportReport:
    """Rows first, then the import (migration 054); ``read`` files were read (progress).

    Each new fast-path file's rows are written and committed first, under
    its key listed in ``import_pending`` (no ``imports`` row: no reader sees
    them). Then one transaction checks them, deletes the rejected ones,
    writes the general-path files and every ``imports`` row, and clears
    ``import_pending``: the whole call lands at that commit or not at all.
    On any failure the pending rows are removed again; a killed process's
    are removed by the next :class:`Store` to open the file.
    """
    keys = _keys(store, items, done)
    staged = sum(
        isinstance(it, Staged) and k is not None for it, k in zip(items, keys, strict=True)
    )
    total = read + len(items) + staged
    steps = iter(range(read + 1, total + 1))  # a staged file: its rows, then the rest
    try:
        for i, (item, k) in enumerate(zip(items, keys, strict=True)):
            if isinstance(item, Staged) and k is not None:
                item.key = k
                _stage(store, item, i)
                if progress is not None:
                    progress(item.file_name, next(steps), total)
        reports: list[FileReport] = []
        with store.transaction():
            names = _register_index(store)
            for i, item in enumerate(items):
                key = keys[i]
                if key is None:
                    reports.append(
                        FileReport(
                            item.file_name,
                            _digest(item),
                            item.department,
                            item.kind,
                            0,
                            0,
                            0,
                            skipped=True,
                        )
                    )
                elif isinstance(item, Staged):
                    try:
                        reports.append(_load_fast(store, item, names))
                    except duckdb.Error as exc:
                        raise _FastFailed(i, item.path) from exc
                else:
                    reports.append(_load(store, item, names, key))
                if progress is not None:
                    progress(item.file_name, next(steps), total)
            store.clear_pending()
        return ImportReport(reports)
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # else the next Store to open the file does
            store.discard_pending(mine=True)
        raise


def _load_fast(store: Store, st: Staged, names: dict[str, tuple[str, str]]) -> FileReport:
    loaded, n_q, by_reason, linked = load_fast(store, st, names)
    record_import(
        store,
        st.key,
        st.digest,
        st.file_name,
        st.department,
        (loaded + n_q, loaded, n_q),
        synthetic=st.fp.plan.header_plan.synthetic,
    )
    return FileReport(
        file_name=st.file_name,
        import_id=st.digest,
        department=st.department,
        kind=st.kind,
        rows_read=loaded + n_q,
        rows_loaded=loaded,
        rows_quarantined=n_q,
        by_reason=by_reason,
        linked_by_name=linked,
        fast=True,
    )
