"""Exact duplicates and key conflicts within one table.

An exact duplicate (every canonical value equal) keeps its first copy; the
others get ``E-ROW-DUPLICATE``. Rows that share the key (e.g. credit code,
year and month) but differ elsewhere all get ``E-ROW-CONFLICT``: which one
is right is for a person to decide. Rows without a credit code are keyed by
their normalised name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.sources._names import normalize_name
from fenghuang.sources._rejects import Rejects

if TYPE_CHECKING:
    from fenghuang.sources._header import HeaderPlan

__all__ = ["duplicate_and_conflict"]

_NULL = "\x00"


def _joined(table: pa.Table, names: list[str]) -> pa.Array:
    parts = [pc.fill_null(pc.cast(table.column(n), pa.string()), _NULL) for n in names]
    if len(parts) == 1:
        return parts[0].combine_chunks() if isinstance(parts[0], pa.ChunkedArray) else parts[0]
    joined = pc.binary_join_element_wise(*parts, "\x1f")
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def _indices(arr: pa.Array) -> np.ndarray:
    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    return np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)


def _key_column(table: pa.Table) -> pa.Array:
    """Credit code, or ``~`` + normalised name where the code is missing."""
    code = table.column("credit_code").combine_chunks()
    missing = pc.is_null(code)
    if not pc.any(missing).as_py():
        return code
    names = pc.filter(table.column("name").combine_chunks(), missing)
    unique = pc.unique(names).to_pylist()
    keys = pa.array([None if v is None else "~" + normalize_name(v) for v in unique], pa.string())
    by_name = pc.take(
        keys,
        pc.index_in(table.column("name").combine_chunks(), value_set=pa.array(unique, pa.string())),
    )
    out = pc.coalesce(code, by_name)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def duplicate_and_conflict(
    rows: pa.Table, key: list[str], plan: HeaderPlan, rej: Rejects
) -> pa.Table:
    """Flag duplicates and conflicts in ``rows``; return the rows that remain."""
    if rows.num_rows < 2:
        return rows
    values = [n for n in rows.column_names if not n.startswith("_")]
    fp = _indices(_joined(rows, values))
    row_no = rows.column("_row").to_numpy()
    sheets = rows.column("_sheet").to_pylist()
    _, first = np.unique(fp, return_index=True)
    is_first = np.zeros(rows.num_rows, dtype=bool)
    is_first[first] = True
    first_row_of = dict(zip(fp[first].tolist(), row_no[first].tolist(), strict=True))
    ident = plan.column_of("credit_code") or plan.column_of("name")
    column = ident.header if ident else "credit_code"
    for i in np.flatnonzero(~is_first):
        other = first_row_of[int(fp[i])]
        rej.add_row(
            int(row_no[i]),
            "E-ROW-DUPLICATE",
            column,
            "*",
            None,
            f"与第 {other} 行相同",
            f"same as row {other}",
            sheet=sheets[i],
        )
    rows = rows.filter(pa.array(is_first))
    sheets = [s for s, k in zip(sheets, is_first, strict=True) if k]
    fp = fp[is_first]
    row_no = row_no[is_first]
    if rows.num_rows < 2:
        return rows
    key_cols = [k for k in key if k in rows.column_names]
    with_key = rows.append_column("__key", _key_column(rows))
    kid = _indices(_joined(with_key, ["__key", *[k for k in key_cols if k != "credit_code"]]))
    pairs = np.unique(kid * (int(fp.max()) + 1) + fp)
    distinct = np.bincount(pairs // (int(fp.max()) + 1), minlength=int(kid.max()) + 1)
    conflict = distinct[kid] > 1
    if conflict.any():
        groups: dict[int, list[int]] = {}
        for pos in np.flatnonzero(conflict):
            groups.setdefault(int(kid[pos]), []).append(int(pos))
        keys = "、".join(key_cols)
        for members in groups.values():
            for k in members:
                others = ", ".join(str(row_no[x]) for x in members if x != k)
                rej.add_row(
                    int(row_no[k]),
                    "E-ROW-CONFLICT",
                    column,
                    keys,
                    None,
                    f"主键（{keys}）同第 {others} 行",
                    f"key ({keys}) as row(s) {others}",
                    sheet=sheets[k],
                )
        rows = rows.filter(pa.array(~conflict))
    return rows
