"""Public read functions over the warehouse (register, years, lineage, imports)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from fenghuang.warehouse._store import Store

__all__ = [
    "fact_lineage",
    "firm_register",
    "list_imports",
    "name_links",
    "quarantine",
    "year_parcels",
    "years",
]


def firm_register(store: Store) -> pa.Table:
    """The firm register, one row per credit code."""
    return store.fetch_arrow(
        "select * exclude (import_id, row_no) from firm_register order by credit_code"
    )


def years(store: Store) -> list[int]:
    """Years with any source value or parcel, ascending."""
    rows = store.fetch_all(
        "select distinct year from (select year from source_values union all "
        "select year from parcels) where year is not null order by year"
    )
    return [int(r[0]) for r in rows]


def year_parcels(store: Store, year: int) -> pa.Table:
    """The parcels in use in ``year`` (rows without a year count for every year).

    Columns ``parcel_id``, ``credit_code``, ``area`` (亩), ``tenure``,
    ``lessor_code``, ``share``; sorted by parcel and firm. The evaluation
    reads it to combine firms that share a parcel.
    """
    return store.fetch_arrow(
        "select parcel_id, credit_code, area, tenure, lessor_code, share from parcels "
        "where year is null or year = ? order by parcel_id, credit_code",
        [year],
    )


#: Columns and types of :func:`fact_lineage`'s table.
_LINEAGE_SCHEMA = pa.schema(
    [
        ("field", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("file", pa.string()),
        ("sheet", pa.string()),
        ("row", pa.int64()),
        ("status", pa.string()),
        ("version", pa.int32()),
    ]
)


def _nulls_last(x: Any) -> tuple[bool, Any]:
    return (x is None, x if x is not None else 0)


#: At most this many ``row_no`` ranges of one import are read; more (only codes
#: sharing a hash give an import more than one range) read one range over all of them.
_MAX_RANGES = 32

#: Ranges of one import less than this many lines apart are read as one (a few
#: rows between them cost less than another ``OR`` in the scan).
_MERGE_GAP = 8192


def _ranges(found: list[tuple[Any, ...]]) -> dict[int, list[tuple[int, int]]]:
    """Ranges (import_key, lo, hi), sorted → merged ``row_no`` ranges per import.

    Overlapping ranges of one import, or ranges less than :data:`_MERGE_GAP`
    lines apart, become one; an import with more than :data:`_MAX_RANGES`
    ranges gets one range over all of them.
    """
    by_key: dict[int, list[tuple[int, int]]] = {}
    for k, lo, hi in found:
        ranges = by_key.setdefault(int(k), [])
        if ranges and int(lo) <= ranges[-1][1] + _MERGE_GAP:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], int(hi)))
        else:
            ranges.append((int(lo), int(hi)))
    for k, ranges in by_key.items():
        if len(ranges) > _MAX_RANGES:
            by_key[k] = [(ranges[0][0], max(r[1] for r in ranges))]
    return by_key


def _rows_query(store: Store, credit_code: str, year: int) -> tuple[str, list[Any]] | None:
    """The query of the firm's rows of ``source_rows`` in ``year``, by the firm map.

    First the firm map (``source_firms``, migration 053) by ``h =
    hash(code)``, which DuckDB folds to a constant and prunes by its zone
    maps on ``h`` to about one row group per import; then one ``UNION ALL``
    branch per import, with ``import_key`` and the merged ``row_no`` ranges
    as constants, which DuckDB pushes into its scan as zone-map filters: it
    reads only the row groups of those ranges. The query gives (import_key,
    part, value, row_no, month); None when the map does not hold the firm.
    """
    found = store.fetch_all(
        "select import_key, lo, hi from source_firms where h = hash(?::varchar) "
        "order by import_key, lo",
        [credit_code],
    )
    if not found:
        return None
    branches = [
        "select import_key, part, value, row_no, month from source_rows "
        f"where import_key = {k:d} and ("
        + " or ".join(f"row_no between {lo:d} and {hi:d}" for lo, hi in ranges)
        + ") and credit_code = $1 and year = $2 and value is not null"
        for k, ranges in _ranges(found).items()
    ]
    return " union all ".join(branches), [credit_code, year]


def fact_lineage(store: Store, credit_code: str, year: int) -> pa.Table:
    """Every source value behind a firm's facts in ``year``, and every correction.

    The firm's source rows are found through the firm map of migration 053
    (``source_firms``: per import and hash of a credit code, the row range
    of that code's rows, sorted by the hash so that DuckDB's zone maps find
    it in about one row group per import), then read with the import and
    row range as constants, so DuckDB reads only the row groups of that
    range: one or two per file at any city size when a firm's rows lie
    close together — a file sorted by code, by firm name or by a firm or
    account number. A file sorted by month (each firm in every month's
    part of the file), or a firm with a row far from its others (a row
    without a code linked by name), gives a wide range, and the lookup then
    scans that import's rows between them — correct, but it grows with the
    file (bench/README.md "Ingest" gives the times). Parcels and
    corrections are point queries on the firm indexes of migration 050
    (``parcels`` by firm and by lessor, ``fact_history``); the few rows are
    joined to their imports and confirmation status here.

    Returns
    -------
    pyarrow.Table
        Columns field, value, unit, file, sheet, row, status, version. Source
        rows have version 0; corrections carry their version and file null.
        Sorted by field, version, month, file, row (nulls last). ``status``
        is the latest confirmation of the row's department for the firm (or
        the whole department) in ``year``, ``pending`` without one;
        corrections have no department and show ``pending``.
    """
    query = _rows_query(store, credit_code, year)
    rows_ = store.fetch_all(*query) if query is not None else []
    parts: dict[tuple[Any, Any], tuple[Any, ...]] = {}
    if rows_:
        parts = {
            (r[0], r[1]): r[2:]
            for r in store.fetch_all(
                "select p.import_key, p.part, p.field, p.unit, p.sheet, i.import_id "
                "from source_parts p join imports i using (import_key) "
                "where p.import_key in (select unnest(?::integer[]))",
                [sorted({r[0] for r in rows_})],
            )
        }
    values = []
    for key, part, value, row_no, month in rows_:
        field, unit, sheet, iid = parts[(key, part)]
        values.append((field, value, unit, iid, sheet, row_no, month))
    parcels = store.fetch_all(
        "select tenure, area * coalesce(share, 1), import_id, sheet, row_no, lessor_code "
        "from parcels where credit_code = ? and (year is null or year = ?) "
        "union all "
        "select tenure, area * coalesce(share, 1), import_id, sheet, row_no, lessor_code "
        "from parcels where lessor_code = ? and credit_code <> ? and (year is null or year = ?)",
        [credit_code, year, credit_code, credit_code, year],
    )
    history = store.fetch_all(
        "select field, value, version from fact_history where credit_code = ? and year = ?",
        [credit_code, year],
    )
    ids = sorted({r[3] for r in values} | {r[2] for r in parcels})
    imports: dict[str, tuple[Any, Any]] = {}
    if ids:
        imports = {
            str(r[0]): (r[1], r[2])
            for r in store.fetch_all(
                "select import_id, file_name, department from imports "
                "where import_id in (select unnest(?::varchar[]))",
                [ids],
            )
        }
    status: dict[Any, str] = {}
    for dep, st in store.fetch_all(
        "select department, status from fact_status where year = ? "
        "and (credit_code is null or credit_code = ?) order by seq",
        [year, credit_code],
    ):
        status[dep] = str(st)  # ascending seq: the latest entry wins

    def _status(dep: Any) -> str:
        return status.get(dep, "pending") if dep is not None else "pending"

    rows: list[tuple[Any, ...]] = []  # field, value, unit, file, sheet, row, status, version, month
    for field, value, unit, iid, sheet, row_no, month in values:
        file, dep = imports.get(str(iid), (None, None))
        rows.append((field, value, unit, file, sheet, row_no, _status(dep), 0, month))
    for tenure, area, iid, sheet, row_no, lessor in parcels:
        field = (
            "land_leased_out"
            if lessor == credit_code
            else "land_leased_in"
            if tenure == "leased"
            else "land_own"
        )
        file, dep = imports.get(str(iid), (None, None))
        rows.append((field, area, "亩", file, sheet, row_no, _status(dep), 0, None))
    for field, value, version in history:
        rows.append((field, value, None, None, None, None, "pending", version, None))
    rows.sort(
        key=lambda r: (
            _nulls_last(r[0]),
            _nulls_last(r[7]),
            _nulls_last(r[8]),
            _nulls_last(r[3]),
            _nulls_last(r[5]),
        )
    )
    cols = list(zip(*rows, strict=True)) if rows else [()] * 9
    return pa.Table.from_arrays(
        [pa.array(list(cols[i]), type=f.type) for i, f in enumerate(_LINEAGE_SCHEMA)],
        schema=_LINEAGE_SCHEMA,
    )


def list_imports(store: Store) -> pa.Table:
    """All imports, newest first."""
    return store.fetch_arrow("select * from imports order by imported_at desc, file_name")


def name_links(store: Store, import_id: str | None = None) -> pa.Table:
    """Rows without a credit code that were linked to a firm by name (of one import, or all).

    The entity-resolution report beside the quarantine's E-ROW-UNMATCHED
    rows: the file, sheet and row, the name as the department wrote it, the
    credit code it was linked to, the firm's registered name, and whether it
    matched the registered name or a former name (``name`` / ``former_name``).
    """
    where, params = ("where l.import_id = ?", [import_id]) if import_id is not None else ("", [])
    return store.fetch_arrow(
        "select i.file_name as file, l.sheet, l.row_no, l.name, l.credit_code, "
        "r.name as registered_name, l.matched_on, l.import_id "
        "from name_links l join imports i using (import_id) "
        f"left join firm_register r using (credit_code) {where} "
        "order by i.file_name, l.sheet, l.row_no",
        params,
    )


def quarantine(store: Store, import_id: str | None = None) -> pa.Table:
    """Quarantined rows (of one import, or all)."""
    if import_id is None:
        return store.fetch_arrow("select * from quarantine order by file, sheet, row_no")
    return store.fetch_arrow(
        "select * from quarantine where import_id = ? order by file, sheet, row_no", [import_id]
    )
