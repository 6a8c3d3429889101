"""Firm-year facts from source values, written with Ibis (engine-neutral).

Monthly rows are summed to the year, land comes from parcels (own and under
construction → ``land_own``, leased → ``land_leased_in`` for the lessee and
``land_leased_out`` for the lessor, a shared parcel split by ``share``), and
the latest correction of :mod:`._history` overrides a value.

Every sum is exact (:func:`_exact_sum`): each value is rounded to
1/:data:`SUM_SCALE` of its base unit (an area to 1/:data:`LAND_SCALE` 亩) and
the whole numbers are added, so the same rows give the same bits in any
order and on any engine. A plain sum of doubles does not: DuckDB adds a
firm's rows in the order its threads meet them, and on a file sorted by
month a third of 200,000 firms got other last bits from one call to the
next (the facts shown, exported and scored changed; only the run's input
hash, which rounds to 12 significant digits, absorbed it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import pyarrow as pa

from fenghuang.errors import WarehouseError
from fenghuang.facts import ARROW_TYPES, FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.warehouse._rows import memory_limit
from fenghuang.warehouse._store import Store

__all__ = ["FACTS_MEMORY_LIMIT", "firm_facts", "firm_year_expr"]

#: DuckDB's memory limit while :func:`firm_facts` runs (restored after); beyond it, it spills.
FACTS_MEMORY_LIMIT = "500MB"

_VALUE_FIELDS = [
    f for f in FIRM_YEAR_FIELDS if f not in ("credit_code", "year") and not f.startswith("land_")
]
_LAND_FIELDS = ["land_own", "land_leased_in", "land_leased_out"]
#: The computed firm-year fields, in the column order of :func:`firm_year_expr`.
_FIELDS = [*_VALUE_FIELDS, *_LAND_FIELDS]
#: Source values are summed exactly to 1/SUM_SCALE of their base unit (元, kWh, 吨标准煤 …;
#: see _exact_sum): a value with at most four decimals below 9e11 (2**53 / SUM_SCALE) is added
#: as it is. Each must be below 1e14 (SUM_LIMIT; every shipped mapping's max is 1e13 or less).
SUM_SCALE = 10_000
#: Parcel areas (亩, shares of a parcel) are summed exactly to 1/LAND_SCALE 亩.
LAND_SCALE = 1_000_000
#: The largest value (in base units) a sum takes: its scaled whole number fits DECIMAL(18, 0).
SUM_LIMIT = 1e14


def _contested(con: Any, year: int) -> tuple[Any, Any]:
    """(fields with more than one source in ``year``, values per file that year).

    Both from the small ``import_sizes`` table (written at import time), so
    that no pass over all values is needed to find them.
    """
    import ibis

    imp = con.table("imports").select("import_id", "department", "imported_at")
    sz = con.table("import_sizes")
    sz = sz.filter(sz.year == year).inner_join(imp, "import_id")
    sz = sz.mutate(_src=ibis.ifelse(sz.monthly, sz.department, sz.import_id))
    contested = (
        sz.group_by("field").aggregate(_n=sz._src.nunique()).filter(lambda t: t._n > 1)
    ).select("field")
    sizes = sz.group_by("import_id").aggregate(_rows=sz.n_values.sum())
    return contested, sizes


def _year_values(con: Any, year: int, contested: Any) -> tuple[Any, Any]:
    """The values of ``year``: (those of uncontested fields, those of contested fields).

    The first has columns (credit_code, field, value); the second also
    import_id, month, department and imported_at, for ranking the sources.
    Read from ``source_rows`` and ``source_parts`` (the store's compact
    layout, migration 051) when the backend has them, so the plain values
    need no join with ``imports`` per row (only the few parts are joined);
    otherwise from a long ``source_values`` table (migration 002's columns).
    Both give exactly the rows of the ``source_values`` view: a value, a
    year, a part and an ``imports`` row.
    """
    from ibis.common.exceptions import TableNotFound

    imp = con.table("imports")
    ranked_cols = ["import_id", "credit_code", "month", "field", "value"]
    try:
        r, parts = con.table("source_rows"), con.table("source_parts")
    except TableNotFound:
        r = parts = None
    if r is not None and parts is not None:
        r = r.filter((r.year == year) & r.value.notnull()).select(
            "import_key", "part", "credit_code", "month", "value"
        )
        parts = parts.select("import_key", "part", "field").semi_join(imp, "import_key")
        plain = r.inner_join(parts.anti_join(contested, "field"), ["import_key", "part"])
        disputed = r.inner_join(parts.semi_join(contested, "field"), ["import_key", "part"])
        disputed = disputed.inner_join(imp.select("import_key", "import_id"), "import_key")
    else:
        sv = con.table("source_values")
        sv = sv.filter(sv.year == year)
        plain = sv.anti_join(contested, "field")
        disputed = sv.semi_join(contested, "field")
    disputed = disputed.select(*ranked_cols).inner_join(
        imp.select("import_id", "department", "imported_at"), "import_id"
    )
    return plain.select("credit_code", "field", "value"), disputed


def _one_source_per_fact(con: Any, year: int) -> Any:
    """The values of ``year`` (credit_code, field, value), each firm's field from one source.

    Several files may report the same fact (统计局's annual return and a
    工信局 check list both give revenue). Their values are never added up;
    the disagreement stays visible in ``fact_checks``. A source is a
    department for monthly rows (its months and tax items are summed, over
    as many files as it sent) and one file for annual rows. Precedence, in
    order: the field's own department (``department`` in
    :data:`fenghuang.facts.FIRM_YEAR_FIELDS`); monthly over annual; the file
    with more rows that year (a department's full return over a partial
    list); the file received first; the import id.

    Which fields have more than one source that year, and each file's
    number of values, come from the small ``import_sizes`` table (written
    at import time); only the values of such contested fields are ranked.
    """
    import ibis

    contested, sizes = _contested(con, year)
    plain, sv = _year_values(con, year, contested)
    sv = sv.inner_join(sizes, "import_id")
    homes = {f: spec.department for f, spec in FIRM_YEAR_FIELDS.items() if spec.department}
    home = sv.field.substitute(homes, else_="")
    sv = sv.mutate(
        _pri=ibis.ifelse(sv.department == home, 0, 1),
        _annual=ibis.ifelse(sv.month.isnull(), 1, 0),
        _src=ibis.ifelse(sv.month.isnull(), sv.import_id, sv.department),
    )
    srcs = sv.group_by(["credit_code", "field", "_src"]).aggregate(
        _pri=sv._pri.min(),
        _annual=sv._annual.min(),
        _rows=sv._rows.max(),
        _first=sv.imported_at.min(),
    )
    order = ibis.row_number().over(
        group_by=[srcs.credit_code, srcs.field],
        order_by=[srcs._pri, srcs._annual, srcs._rows.desc(), srcs._first, srcs._src],
    )
    chosen = srcs.mutate(_n=order).filter(lambda t: t._n == 0)
    ranked = sv.semi_join(chosen, ["credit_code", "field", "_src"])
    return plain.union(ranked.select("credit_code", "field", "value"), distinct=False)


def _exact_sum(x: Any, where: Any = None, scale: int = SUM_SCALE) -> Any:
    """Ibis: the exact sum of ``x`` rounded to 1/``scale`` (float64; null when no row).

    The scaled values are rounded (half away from zero, by DuckDB and Spark
    alike, on the same double product) and cast to ``DECIMAL(18, 0)``; the
    sum of those is exact (DuckDB adds them as 128-bit integers) and does
    not depend on the order of the rows, and the quotient of the exact
    total by the scale is the double nearest to the decimal sum. A value of
    ``1e18 / scale`` or more cannot be cast: :func:`firm_facts` raises
    ``E-FACT-RANGE`` (on DuckDB and on Spark).
    """
    import ibis.expr.datatypes as dt

    units = (x * scale).round(0).cast(dt.Decimal(18, 0))
    return units.sum(where=where).cast("float64") / scale


def _range_error(year: int) -> WarehouseError:
    return WarehouseError(
        "E-FACT-RANGE",
        zh=f"{year} 年有数值过大，无法精确求和（绝对值须小于 {SUM_LIMIT:.0e} 基本单位，"
        "请在数据映射中为该字段设置上限 max）",
        en=f"a value of {year} is too large to sum exactly (it must be below {SUM_LIMIT:.0e} "
        "in its base unit; give the field a max in its mapping)",
    )


def _outer(left: Any, right: Any) -> Any:
    """Full outer join on ``credit_code`` (unique on both sides), one ``credit_code`` column."""
    import ibis

    t = left.outer_join(right, "credit_code")
    t = t.mutate(credit_code=ibis.coalesce(t.credit_code, t.credit_code_right))
    return t.drop("credit_code_right")


def firm_year_expr(con: Any, year: int, fields: Iterable[str] | None = None) -> Any:
    """Ibis expression: one row per firm with facts in ``year`` (no register columns).

    Parameters
    ----------
    con : ibis backend
        Holds the warehouse tables ``imports``, ``import_sizes``,
        ``parcels``, ``fact_history`` and the source values: the store's
        ``source_rows`` and ``source_parts`` (migration 051), or else a
        long ``source_values`` table.
    year : int
    fields : iterable of str, optional
        The firm-year fields to compute (default: all but ``credit_code``
        and ``year``). A field left out is not a column of the result; the
        rows do not change. :func:`firm_facts` leaves out the fields no
        source or correction has (they are null), because every aggregate
        column costs time on a million firms.

    Raises
    ------
    fenghuang.errors.WarehouseError
        ``E-FACT-FIELD`` for a name that is not a firm-year field.
    """
    import ibis

    wanted = _fields_to_compute(fields)
    sv = _one_source_per_fact(con, year)
    values = sv.group_by("credit_code").aggregate(
        **{f: _exact_sum(sv.value, sv.field == f) for f in wanted if f in _VALUE_FIELDS}
    )
    p = con.table("parcels")
    p = p.filter(p.year.isnull() | (p.year == year))
    area = p.area * p.share.fill_null(1.0)
    own = p.group_by(credit_code=p.credit_code.cast("string")).aggregate(
        land_own=_exact_sum(area, p.tenure.isin(["own", "construction"]), LAND_SCALE),
        land_leased_in=_exact_sum(area, p.tenure == "leased", LAND_SCALE),
    )
    leased = p.filter((p.tenure == "leased") & p.lessor_code.notnull())
    out = leased.group_by(credit_code=leased.lessor_code.cast("string")).aggregate(
        land_leased_out=_exact_sum(leased.area * leased.share.fill_null(1.0), scale=LAND_SCALE)
    )
    # each side is unique by credit_code: full outer joins give every firm once
    t = _outer(_outer(values.mutate(credit_code=values.credit_code.cast("string")), own), out)
    t = t.select("credit_code", *wanted)
    h = con.table("fact_history")
    h = h.filter(h.year == year)
    last = h.group_by(["credit_code", "field"]).aggregate(version=h.version.max())
    h = h.semi_join(last, ["credit_code", "field", "version"])
    aggs: dict[str, Any] = {}
    for f in wanted:
        aggs[f"_c_{f}"] = h.value.max(where=h.field == f)
        aggs[f"_h_{f}"] = (h.field == f).any()
    hp = h.group_by("credit_code").aggregate(**aggs)
    t = t.left_join(hp, "credit_code").drop("credit_code_right")
    t = t.mutate(
        **{f: ibis.ifelse(t[f"_h_{f}"].fill_null(False), t[f"_c_{f}"], t[f]) for f in wanted}
    )
    t = t.drop(*[c for f in wanted for c in (f"_c_{f}", f"_h_{f}")])
    return t.mutate(year=ibis.literal(year, "int64"))


def _fields_to_compute(fields: Iterable[str] | None) -> list[str]:
    if fields is None:
        return list(_FIELDS)
    given = set(fields)
    unknown = sorted(given - set(_FIELDS))
    if unknown:
        raise WarehouseError(
            "E-FACT-FIELD",
            zh=f"不是企业年度指标字段：{'、'.join(unknown)}",
            en=f"not a firm-year field: {', '.join(unknown)}",
            field=unknown[0],
        )
    return [f for f in _FIELDS if f in given]


#: What :func:`_spark_facts` copies into Spark: table → its columns firm_year_expr reads
#: (``*``: all); ``source_rows`` without its import-time columns (tag, key_tag, raw).
_SPARK_TABLES = {
    "source_rows": "import_key, part, credit_code, year, month, value",
    "source_parts": "import_key, part, field",
    "imports": "*",
    "import_sizes": "*",
    "parcels": "*",
    "fact_history": "*",
}


def _spark_facts(store: Store, year: int, fields: list[str]) -> pa.Table:
    """Run :func:`firm_year_expr` on a local PySpark session (local[1])."""
    import tempfile

    import ibis
    from pyspark.sql import SparkSession

    with tempfile.TemporaryDirectory() as tmp:
        session = (
            SparkSession.builder.master("local[1]")
            .config("spark.driver.memory", "512m")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.sql.warehouse.dir", tmp)
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            for name, cols in _SPARK_TABLES.items():
                data = store.fetch_arrow(f"select {cols} from {name}")
                session.createDataFrame(data).createOrReplaceTempView(name)
            expr = firm_year_expr(ibis.pyspark.connect(session), year, fields)
            out: pa.Table = expr.to_pyarrow()
        finally:
            session.stop()
    return out


def _fields_with_values(store: Store, year: int) -> list[str]:
    """The firm-year fields that can be non-null in ``year`` (a superset; the rest are null).

    Those of any source part (any year), those corrected in ``year``, and
    the land fields when there are parcels: a few small-table lookups.
    """
    rows = store.fetch_all(
        "select field from source_parts union select field from fact_history where year = ? "
        "union select unnest(?::varchar[]) where exists (select 1 from parcels)",
        [year, _LAND_FIELDS],
    )
    found = {r[0] for r in rows}
    return [f for f in _FIELDS if f in found]


def firm_facts(store: Store, year: int, *, engine: str = "duckdb") -> pa.Table:
    """One row per firm with all register and firm-year fields for ``year``.

    Parameters
    ----------
    store : Store
    year : int
    engine : {"duckdb", "spark"}
        Where the Ibis transform runs; ``spark`` copies the source tables
        into a local PySpark session (for checking and for large clusters).

    Returns
    -------
    pyarrow.Table
        Columns of :data:`fenghuang.facts.FIRM_FIELDS` then
        :data:`fenghuang.facts.FIRM_YEAR_FIELDS` (``credit_code`` once), in
        base units; a fact no source gave is null. Firms: those in the
        register and those with facts that year, sorted by credit code.

    Notes
    -----
    Only the fields some source part, correction or parcel can fill are
    computed (:func:`firm_year_expr` with ``fields``), and the register is
    joined only when it has rows; the other columns are added as nulls
    here. At 1,000,000 firms each aggregate column of the transform and
    each column through the final sort costs time, and a real import fills
    a few of the twenty-odd fields.
    """
    fields = _fields_with_values(store, year)
    (has_register,), *_ = store.fetch_all("select exists (select 1 from firm_register)")
    if has_register:
        reg_cols = ", ".join(f'r."{c}"' for c in FIRM_FIELDS if c != "credit_code")
        query = (
            f"select coalesce(r.credit_code, f.credit_code) as credit_code, {reg_cols}, f.* "
            "exclude (credit_code) from firm_register r full join {facts} f "
            "on r.credit_code = f.credit_code order by 1"
        )
    else:
        query = "select * from {facts} f order by credit_code"
    if engine == "spark":
        try:
            spark_year = _spark_facts(store, year, fields)
        except Exception as exc:  # pyspark's ArithmeticException: _exact_sum's casts
            if "CAST_OVERFLOW" not in str(exc) and "NUMERIC_VALUE_OUT_OF_RANGE" not in str(exc):
                raise
            raise _range_error(year) from exc
        with store.registered("_fh_year", spark_year):
            joined = store.fetch_arrow(query.format(facts="_fh_year"))
    else:
        import ibis

        # one DuckDB query (the Ibis transform and the register join) under a memory limit
        sql = ibis.to_sql(firm_year_expr(store.ibis(), year, fields), dialect="duckdb")
        with memory_limit(store, FACTS_MEMORY_LIMIT):
            try:
                joined = store.fetch_arrow(query.format(facts=f"({sql})"))
            except duckdb.ConversionException as exc:
                if "DECIMAL" not in str(exc):  # _exact_sum's cast, nothing else
                    raise
                raise _range_error(year) from exc
    cols: dict[str, pa.Array] = {}
    for name, spec in {**FIRM_FIELDS, **FIRM_YEAR_FIELDS}.items():
        if name in cols:
            continue
        typ = ARROW_TYPES[spec.dtype]
        if name == "year":
            cols[name] = pa.repeat(pa.scalar(year, pa.int64()), joined.num_rows)
        elif name in joined.column_names:
            col = joined.column(name)
            if pa.types.is_boolean(typ) and not pa.types.is_boolean(col.type):
                col = pa.compute.not_equal(col.cast(pa.float64()), 0.0)
            cols[name] = col.cast(typ)
        else:
            cols[name] = pa.nulls(joined.num_rows, typ)
    return pa.table(cols)
