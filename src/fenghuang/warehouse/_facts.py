"""Firm-year facts from source values, written with Ibis (engine-neutral).

Monthly rows are summed to the year, land comes from parcels (own and under
construction → ``land_own``, leased → ``land_leased_in`` for the lessee and
``land_leased_out`` for the lessor, a shared parcel split by ``share``), and
the latest correction of :mod:`._history` overrides a value.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from fenghuang.facts import FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.warehouse._rows import memory_limit
from fenghuang.warehouse._store import Store

__all__ = ["FACTS_MEMORY_LIMIT", "firm_facts", "firm_year_expr"]

#: DuckDB's memory limit while :func:`firm_facts` runs (restored after); beyond it, it spills.
FACTS_MEMORY_LIMIT = "500MB"

_VALUE_FIELDS = [
    f for f in FIRM_YEAR_FIELDS if f not in ("credit_code", "year") and not f.startswith("land_")
]
_ARROW = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
}


def _one_source_per_fact(con: Any, year: int) -> Any:
    """``source_values`` of ``year`` (credit_code, field, value), each firm's field from one source.

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

    sv = con.table("source_values")
    sv = sv.filter(sv.year == year)
    imp = con.table("imports").select("import_id", "department", "imported_at")
    sz = con.table("import_sizes")
    sz = sz.filter(sz.year == year).inner_join(imp, "import_id")
    sz = sz.mutate(_src=ibis.ifelse(sz.monthly, sz.department, sz.import_id))
    contested = (
        sz.group_by("field").aggregate(_n=sz._src.nunique()).filter(lambda t: t._n > 1)
    ).select("field")
    plain = sv.anti_join(contested, "field").select("credit_code", "field", "value")
    sv = sv.semi_join(contested, "field")
    sizes = sz.group_by("import_id").aggregate(_rows=sz.n_values.sum())
    sv = sv.inner_join(imp, "import_id").inner_join(sizes, "import_id")
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


def firm_year_expr(con: Any, year: int) -> Any:
    """Ibis expression: one row per firm with facts in ``year`` (no register columns).

    ``con`` is any Ibis backend holding the warehouse tables
    ``source_values``, ``imports``, ``import_sizes``, ``parcels`` and
    ``fact_history``.
    """
    import ibis

    sv = _one_source_per_fact(con, year)
    values = sv.group_by("credit_code").aggregate(
        **{f: sv.value.sum(where=sv.field == f) for f in _VALUE_FIELDS}
    )
    p = con.table("parcels")
    p = p.filter(p.year.isnull() | (p.year == year))
    area = p.area * p.share.fill_null(1.0)
    own = p.group_by("credit_code").aggregate(
        land_own=area.sum(where=p.tenure.isin(["own", "construction"])),
        land_leased_in=area.sum(where=p.tenure == "leased"),
    )
    leased = p.filter((p.tenure == "leased") & p.lessor_code.notnull())
    out = leased.group_by(credit_code=leased.lessor_code).aggregate(
        land_leased_out=(leased.area * leased.share.fill_null(1.0)).sum()
    )
    codes = (
        values.select(credit_code=values.credit_code.cast("string"))
        .union(own.select(credit_code=own.credit_code.cast("string")))
        .union(out.select(credit_code=out.credit_code.cast("string")))
        .distinct()
    )
    t = codes.left_join(values, "credit_code").drop("credit_code_right")
    t = t.left_join(own, "credit_code").drop("credit_code_right")
    t = t.left_join(out, "credit_code").drop("credit_code_right")
    h = con.table("fact_history")
    h = h.filter(h.year == year)
    last = h.group_by(["credit_code", "field"]).aggregate(version=h.version.max())
    h = h.semi_join(last, ["credit_code", "field", "version"])
    fields = [*_VALUE_FIELDS, "land_own", "land_leased_in", "land_leased_out"]
    aggs: dict[str, Any] = {}
    for f in fields:
        aggs[f"_c_{f}"] = h.value.max(where=h.field == f)
        aggs[f"_h_{f}"] = (h.field == f).any()
    hp = h.group_by("credit_code").aggregate(**aggs)
    t = t.left_join(hp, "credit_code").drop("credit_code_right")
    t = t.mutate(
        **{f: ibis.ifelse(t[f"_h_{f}"].fill_null(False), t[f"_c_{f}"], t[f]) for f in fields}
    )
    t = t.drop(*[c for f in fields for c in (f"_c_{f}", f"_h_{f}")])
    return t.mutate(year=ibis.literal(year, "int64"))


def _spark_facts(store: Store, year: int) -> pa.Table:
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
            for name in ("source_values", "imports", "import_sizes", "parcels", "fact_history"):
                data = store.fetch_arrow(f"select * from {name}")
                session.createDataFrame(data).createOrReplaceTempView(name)
            out: pa.Table = firm_year_expr(ibis.pyspark.connect(session), year).to_pyarrow()
        finally:
            session.stop()
    return out


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
    """
    reg_cols = ", ".join(f'r."{c}"' for c in FIRM_FIELDS if c != "credit_code")
    join = (
        f"select coalesce(r.credit_code, f.credit_code) as credit_code, {reg_cols}, f.* "
        "exclude (credit_code) from firm_register r full join {facts} f "
        "on r.credit_code = f.credit_code order by 1"
    )
    if engine == "spark":
        with store.registered("_fh_year", _spark_facts(store, year)):
            joined = store.fetch_arrow(join.format(facts="_fh_year"))
    else:
        import ibis

        # one DuckDB query (the Ibis transform and the register join) under a memory limit
        sql = ibis.to_sql(firm_year_expr(store.ibis(), year), dialect="duckdb")
        with memory_limit(store, FACTS_MEMORY_LIMIT):
            joined = store.fetch_arrow(join.format(facts=f"({sql})"))
    cols: dict[str, pa.Array] = {}
    for name, spec in {**FIRM_FIELDS, **FIRM_YEAR_FIELDS}.items():
        if name in cols:
            continue
        typ = _ARROW[spec.dtype]
        if name == "year":
            cols[name] = pa.array([year] * joined.num_rows, pa.int64())
        elif name in joined.column_names:
            col = joined.column(name)
            if pa.types.is_boolean(typ) and not pa.types.is_boolean(col.type):
                col = pa.compute.not_equal(col.cast(pa.float64()), 0.0)
            cols[name] = col.cast(typ)
        else:
            cols[name] = pa.nulls(joined.num_rows, typ)
    return pa.table(cols)
