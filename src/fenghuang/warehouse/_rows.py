"""Physical storage of source values (migration 051) behind the ``source_values`` view.

``source_rows`` holds one row per value with a small integer import key
(``imports.import_key``) and a part number; ``source_parts`` gives each
part's sheet, field and unit per import. ``import_sizes`` counts the values
of each file per year and field when the file is imported, so
:func:`~fenghuang.warehouse.firm_facts` needs no pass over all values to
rank sources. ``source_firms`` (migration 053) is the firm map behind
:func:`~fenghuang.warehouse.fact_lineage`: per import and hash of a credit
code, the ``row_no`` range of that code's rows.
Readers use the view ``source_values`` (the columns of migration 002); only
the import and :func:`~fenghuang.warehouse.fact_lineage` touch these tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

from fenghuang.warehouse._store import Store

__all__ = [
    "insert_long",
    "memory_limit",
    "next_import_key",
    "record_import",
    "write_firms",
    "write_parts",
]


def next_import_key(store: Store) -> int:
    """The next ``imports.import_key`` free in ``imports`` and ``import_pending``."""
    (k,), *_ = store.fetch_all(
        "select coalesce(max(k), 0) + 1 from (select max(import_key) as k from imports "
        "union all select max(import_key) from import_pending)"
    )
    return int(k)


def write_parts(store: Store, key: int, parts: list[tuple[str | None, str, str | None]]) -> None:
    """Parts 0, 1, … of import ``key``: (sheet, field, unit) each."""
    if not parts:
        return
    store.insert_arrow(
        "source_parts",
        pa.table(
            {
                "import_key": pa.array([key] * len(parts), pa.int32()),
                "part": pa.array(range(len(parts)), pa.int16()),
                "sheet": pa.array([p[0] for p in parts], pa.string()),
                "field": pa.array([p[1] for p in parts], pa.string()),
                "unit": pa.array([p[2] for p in parts], pa.string()),
            }
        ),
    )


def insert_long(store: Store, key: int, long: pa.Table) -> None:
    """Write source values in long form (sheet, row_no, credit_code, year, month, value, field, unit)."""
    if long.num_rows == 0:
        return
    trip = (
        long.select(["sheet", "field", "unit"]).group_by(["sheet", "field", "unit"]).aggregate([])
    )
    parts = sorted(
        zip(
            trip.column("sheet").to_pylist(),
            trip.column("field").to_pylist(),
            trip.column("unit").to_pylist(),
            strict=True,
        ),
        key=repr,
    )
    write_parts(store, key, parts)
    with store.registered("_fh_long", long):
        store.execute(
            "insert into source_rows (import_key, part, row_no, credit_code, year, month, value) "
            "select ?, p.part, l.row_no, l.credit_code, l.year, l.month, l.value from _fh_long l "
            "join source_parts p on p.import_key = ? and p.field = l.field "
            "and p.sheet is not distinct from l.sheet and p.unit is not distinct from l.unit",
            [key, key],
        )


def record_import(
    store: Store,
    key: int,
    import_id: str,
    file_name: str,
    department: str,
    counts: tuple[int, int, int],
    synthetic: bool = False,
) -> None:
    """The ``imports`` row of a file, its ``import_sizes`` (values per year and field)
    and its firm map (:func:`write_firms`). ``synthetic``: the file says it is (模拟数据).

    Call it once per file, inside the import transaction, after the file's
    rows are final (rejected rows deleted, name-linked rows given their code,
    repaired rows added).
    """
    rows_read, rows_loaded, rows_rejected = counts
    store.execute(
        "insert into imports(import_id, import_key, file_name, department, rows_read, "
        "rows_loaded, rows_rejected, synthetic) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [import_id, key, file_name, department, rows_read, rows_loaded, rows_rejected, synthetic],
    )
    store.execute(
        "insert into import_sizes select ?, r.year, p.field, r.month is not null, count(*) "
        "from source_rows r join source_parts p on p.import_key = r.import_key "
        "and p.part = r.part where r.import_key = ? and r.value is not null "
        "and r.year is not null group by all",
        [import_id, key],
    )
    write_firms(store, key)


def write_firms(store: Store, key: int) -> None:
    """The ``source_firms`` rows of import ``key``: one ``GROUP BY`` over its rows.

    Per hash ``h = hash(credit_code)`` of the import's codes (DuckDB's 64-bit
    hash), the smallest and largest ``row_no`` of its rows, inserted
    ``ORDER BY h``: the import's rows of ``source_firms`` are then sorted by
    ``h``, so DuckDB's zone maps on ``h`` (a fixed-width integer; a VARCHAR's
    keep an 8-byte prefix, which all codes of one city share) let
    :func:`~fenghuang.warehouse.fact_lineage` read about one row group of
    them per import. Codes of one hash share a row whose range covers both
    (the lookup filters by the code). A file whose rows of one firm lie
    close together — sorted by code, by name, by a firm number — gives
    narrow ranges; one sorted by month gives each firm a range over the
    whole file, and the lookup then reads that import (still correct).
    Measured cost: bench/README.md "Ingest".
    """
    store.execute(
        "insert into source_firms select h, ?, min(row_no), max(row_no) from "
        "(select hash(credit_code) as h, row_no from source_rows "
        "where import_key = ? and credit_code is not null) group by h order by h",
        [key, key],
    )


@contextmanager
def memory_limit(store: Store, limit: str) -> Iterator[None]:
    """DuckDB's memory limit set to ``limit`` for the block, restored after it (also on error).

    Restores what :meth:`Store.set_memory_limit` last set (DuckDB's default
    when nothing was). Beyond the limit DuckDB spills to its temporary
    folder (``<store>.tmp`` next to the store file, removed by DuckDB). The
    setting belongs to the database instance, so other cursors of the same
    store share it while the block runs.
    """
    old = store.memory_limit
    store.set_memory_limit(limit)
    try:
        yield
    finally:
        store.set_memory_limit(old)
