"""Facts as numpy columns, derived fields, indicator values and pool membership.

Column conventions (what the method formulas see):

* numbers are float64 with NaN for missing; integers become floats;
* booleans are 0.0/1.0, and a null boolean counts as false (no source said
  the firm is listed, had an accident, is above scale …);
* strings are object arrays with ``None`` for missing; dates datetime64[D].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fenghuang.facts import FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.methods import Method
from fenghuang.methods._formula import condition

__all__ = ["Frame", "build_frame", "factorize"]

Array = npt.NDArray[Any]


@dataclass
class Frame:
    """One year's firms as columns, with the method's values computed.

    Attributes
    ----------
    n : int
    cols : dict of str to ndarray
        Fields, derived fields and indicator values (display units).
    base : dict of str to ndarray
        Indicator values in base units (before ``scale``).
    not_rated : ndarray of int, shape (n,)
        Index of the first not-rated rule that applies, -1 for none.
    pool : ndarray of int, shape (n,)
        Index of the pool, -1 for a not-rated firm or one in no pool.
    """

    n: int
    cols: dict[str, Array]
    base: dict[str, Array]
    not_rated: npt.NDArray[np.intp]
    pool: npt.NDArray[np.intp]
    prev_cols: dict[str, Array] | None = None


def _column(table: pa.Table, name: str, dtype: str, n: int) -> Array:
    if name not in table.column_names:
        if dtype == "string":
            return np.full(n, None, dtype=object)
        if dtype == "date":
            return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        return np.zeros(n) if dtype == "bool" else np.full(n, np.nan)
    col = table.column(name)
    if dtype == "string":
        return np.asarray(col.to_numpy(zero_copy_only=False), dtype=object)
    if dtype == "date":
        return np.asarray(col.cast(pa.date32()).to_numpy(zero_copy_only=False), "datetime64[D]")
    if dtype == "bool":
        return np.asarray(col.fill_null(False).to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.asarray(
        col.cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False), np.float64
    )


def factorize(values: Array) -> tuple[npt.NDArray[np.intp], Array]:
    """Integer codes and sorted keys of a column (``None`` becomes ``''``)."""
    v = np.asarray(values, dtype=object)
    v = np.where(v == None, "", v).astype(str)  # noqa: E711
    keys, codes = np.unique(v, return_inverse=True)
    return codes.astype(np.intp), keys


def build_frame(
    facts: pa.Table,
    method: Method,
    *,
    prev: Frame | None = None,
    extra: dict[str, Array] | None = None,
) -> Frame:
    """Columns, derived fields, indicators, not-rated rules and pools for one year.

    Parameters
    ----------
    facts : pyarrow.Table
        As :func:`fenghuang.warehouse.firm_facts` returns it; missing columns
        are treated as all-null.
    method : Method
    prev : Frame, optional
        The previous year, for ``prev(field)``; aligned by credit code
        (kept as ``prev_cols``).
    extra : dict, optional
        Extra columns (e.g. ``class_last_year``).
    """
    n = facts.num_rows
    cols: dict[str, Array] = {}
    for name, f in {**FIRM_FIELDS, **FIRM_YEAR_FIELDS}.items():
        cols[name] = _column(facts, name, f.dtype, n)
    cols["class_last_year"] = np.full(n, None, dtype=object)
    if extra:
        cols.update(extra)
    prev_cols = _align(prev, cols["credit_code"]) if prev is not None else None
    for d in method.derived:
        cols[d.name] = method.formula(f"derived.{d.name}").evaluate(cols, n=n, prev=prev_cols)
    base: dict[str, Array] = {}
    for ind in method.indicators:
        v = method.formula(f"indicator.{ind.code}").evaluate(cols, n=n, prev=prev_cols)
        base[ind.code] = v
        cols[ind.code] = v * ind.scale
    not_rated = np.full(n, -1, dtype=np.intp)
    for i, rule in enumerate(method.not_rated):
        hit = condition(method.formula(f"not_rated.{rule.id}"), cols, n=n, prev=prev_cols)
        not_rated[(not_rated < 0) & hit] = i
    pool = np.full(n, -1, dtype=np.intp)
    for i, p in enumerate(method.pools):
        hit = condition(method.formula(f"pool.{p.code}"), cols, n=n, prev=prev_cols)
        pool[(pool < 0) & (not_rated < 0) & hit] = i
    return Frame(n, cols, base, not_rated, pool, prev_cols)


def _align(prev: Frame, codes: Array) -> dict[str, Array]:
    """The previous year's columns re-ordered to this year's firms (missing if absent)."""
    pc = np.asarray(prev.cols["credit_code"], dtype=object).astype(str)
    cur = np.asarray(codes, dtype=object).astype(str)
    if pc.size == 0:
        pc = np.asarray([""])
        prev_cols = {
            k: np.asarray([None] if v.dtype == object else [np.nan]) for k, v in prev.cols.items()
        }
    else:
        prev_cols = prev.cols
    order = np.argsort(pc, kind="stable")
    pos = np.minimum(np.searchsorted(pc[order], cur), pc.size - 1)
    idx = order[pos]
    found = (pc[idx] == cur) & (cur != "")
    out: dict[str, Array] = {}
    for name, col in prev_cols.items():
        taken = col[idx]
        if col.dtype == object:
            out[name] = np.where(found, taken, np.asarray(None, dtype=object))
        elif col.dtype.kind == "M":
            out[name] = np.where(found, taken, np.datetime64("NaT"))
        else:
            out[name] = np.where(found, taken, np.nan)
    return out
