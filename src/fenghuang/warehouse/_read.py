"""Public read functions over the warehouse (register, years, lineage, imports)."""

from __future__ import annotations

import pyarrow as pa

from fenghuang.warehouse._store import Store

__all__ = ["fact_lineage", "firm_register", "list_imports", "quarantine", "year_parcels", "years"]


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


def _status_sql() -> str:
    return (
        "coalesce((select s.status from fact_status s where s.year = v.year "
        "and (s.credit_code is null or s.credit_code = v.credit_code) "
        "and s.department = v.department order by s.seq desc limit 1), 'pending')"
    )


def fact_lineage(store: Store, credit_code: str, year: int) -> pa.Table:
    """Every source value behind a firm's facts in ``year``, and every correction.

    Returns
    -------
    pyarrow.Table
        Columns field, value, unit, file, sheet, row, status, version. Source
        rows have version 0; corrections carry their version and file null.
    """
    return store.fetch_arrow(
        f"""
        with v as (
            select s.field, s.value, s.unit, i.file_name as file, s.sheet, s.row_no as "row",
                   i.department, s.credit_code, s.year, 0 as version, s.month
            from source_values s join imports i using (import_id)
            where s.credit_code = ? and s.year = ?
            union all
            select case when p.lessor_code = ? then 'land_leased_out' when p.tenure = 'leased'
                   then 'land_leased_in' else 'land_own' end, p.area * coalesce(p.share, 1), '亩', i.file_name,
                   p.sheet, p.row_no, i.department, p.credit_code, ?, 0, null
            from parcels p join imports i using (import_id)
            where (p.credit_code = ? or p.lessor_code = ?) and (p.year is null or p.year = ?)
            union all
            select h.field, h.value, null, null, null, null, null, h.credit_code, h.year,
                   h.version, null
            from fact_history h where h.credit_code = ? and h.year = ?
        )
        select field, value, unit, file, sheet, "row", {_status_sql()} as status, version
        from v order by field, version, month, file, "row"
        """,
        [credit_code, year, credit_code, year, credit_code, credit_code, year, credit_code, year],
    )


def list_imports(store: Store) -> pa.Table:
    """All imports, newest first."""
    return store.fetch_arrow("select * from imports order by imported_at desc, file_name")


def quarantine(store: Store, import_id: str | None = None) -> pa.Table:
    """Quarantined rows (of one import, or all)."""
    if import_id is None:
        return store.fetch_arrow("select * from quarantine order by file, sheet, row_no")
    return store.fetch_arrow(
        "select * from quarantine where import_id = ? order by file, sheet, row_no", [import_id]
    )
