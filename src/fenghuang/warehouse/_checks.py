"""Plausibility checks on firm-year facts; thresholds are data."""

from __future__ import annotations

import pyarrow as pa

from fenghuang.warehouse._facts import firm_facts
from fenghuang.warehouse._store import Store

__all__ = ["THRESHOLDS", "fact_checks"]

#: Absurd-value thresholds (base units). Tax per mu above 1,000 万元/亩 is absurd.
THRESHOLDS: dict[str, float] = {"tax_per_mu_max": 1e7}


def fact_checks(store: Store, year: int, thresholds: dict[str, float] | None = None) -> pa.Table:
    """Firms whose facts in ``year`` are impossible or absurd.

    Returns
    -------
    pyarrow.Table
        credit_code, code (E-ROW-NEGATIVE, E-ROW-ABSURD, or E-ROW-CONFLICT when
        annual sources disagree: value = number of distinct values), field, value,
        threshold.
    """
    th = {**THRESHOLDS, **(thresholds or {})}
    rows = []
    for r in firm_facts(store, year).to_pylist():
        land = sum(r[f] or 0.0 for f in ("land_own", "land_leased_in")) - (
            r["land_leased_out"] or 0.0
        )
        for f in ("land_own", "land_leased_in", "land_leased_out", "tax_paid"):
            if r[f] is not None and r[f] < 0:
                rows.append((r["credit_code"], "E-ROW-NEGATIVE", f, r[f], 0.0))
        if r["tax_paid"] is not None and land > 0 and r["tax_paid"] / land > th["tax_per_mu_max"]:
            rows.append(
                (
                    r["credit_code"],
                    "E-ROW-ABSURD",
                    "tax_per_mu",
                    r["tax_paid"] / land,
                    th["tax_per_mu_max"],
                )
            )
    conflicts = store.fetch_all(
        "select credit_code, field, count(distinct value) from source_values "
        "where year = ? and month is null group by all having count(distinct value) > 1 "
        "order by 1, 2",
        [year],
    )
    for code, f, n in conflicts:
        rows.append((code, "E-ROW-CONFLICT", f, float(n), 1.0))
    names = ["credit_code", "code", "field", "value", "threshold"]
    return pa.table(
        {n: [row[i] for row in rows] for i, n in enumerate(names)},
        schema=pa.schema(
            [
                (n, t)
                for n, t in zip(
                    names,
                    [pa.string(), pa.string(), pa.string(), pa.float64(), pa.float64()],
                    strict=True,
                )
            ]
        ),
    )
