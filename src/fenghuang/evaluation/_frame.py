"""Facts as numpy columns, derived fields, indicator values and pool membership.

Column conventions (what the method formulas see):

* numbers are float64 with NaN for missing; integers become floats;
* booleans are 0.0/1.0, and a null boolean counts as false (no source said
  the firm is listed, had an accident, is above scale …);
* strings are object arrays with ``None`` for missing; dates datetime64[D].
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import EvaluationError
from fenghuang.facts import FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.methods import Method
from fenghuang.methods._formula import Formula, condition

__all__ = ["Columns", "Frame", "build_frame"]

Array = npt.NDArray[Any]


class Columns(Mapping[str, Array]):
    """Columns converted from the Arrow table on first use (a formula reads few of them)."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table
        self._n = table.num_rows
        self._spec = {**FIRM_FIELDS, **FIRM_YEAR_FIELDS}
        self._cache: dict[str, Array] = {}

    def __getitem__(self, name: str) -> Array:
        if name not in self._cache:
            if name not in self._spec:
                raise KeyError(name)
            try:
                self._cache[name] = _column(self._table, name, self._spec[name].dtype, self._n)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError) as exc:
                raise EvaluationError(
                    "E-EVAL-FACT-TYPE",
                    zh=f"企业事实字段 {name} 的类型无法使用（应为 {self._spec[name].dtype}）",
                    en=f"firm fact {name!r} has an unusable type (expected "
                    f"{self._spec[name].dtype}): {exc}",
                    field=name,
                    hint_zh="请使用 warehouse.firm_facts 的输出或按 facts.py 的类型提供",
                    hint_en="pass warehouse.firm_facts output or the types of facts.py",
                ) from exc
        return self._cache[name]

    def __setitem__(self, name: str, value: Array) -> None:
        self._cache[name] = value

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(self._spec), **dict.fromkeys(self._cache)})

    def __len__(self) -> int:
        return len(set(self._spec) | set(self._cache))

    def arrow(self, name: str, typ: pa.DataType) -> pa.Array:
        """A data-model column as Arrow (nulls if the table lacks it)."""
        if name in self._table.column_names:
            return self._table.column(name).combine_chunks().cast(typ)
        return pa.nulls(self._n, typ)


@dataclass
class Frame:
    """One year's firms as columns, with the method's values computed.

    Attributes
    ----------
    n : int
    cols : Columns
        Fields (converted on first use), derived fields and indicator values
        (display units).
    base : dict of str to ndarray
        Indicator values in base units (before ``scale``).
    not_rated : ndarray of int, shape (n,)
        Index of the first not-rated rule that applies, -1 for none.
    pool : ndarray of int, shape (n,)
        Index of the pool, -1 for a not-rated firm or one in no pool.
    prev_cols : mapping, optional
        The previous year's columns aligned to these firms.
    """

    n: int
    cols: Columns
    base: dict[str, Array]
    not_rated: npt.NDArray[np.intp]
    pool: npt.NDArray[np.intp]
    prev_cols: Mapping[str, Array] | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    def group_keys(self, formula: Formula) -> pa.Array:
        """A grouping formula's value per firm as Arrow strings (null → ''), cached.

        A bare field name (``county_code``) is read from the Arrow table
        directly; anything else is evaluated and converted once.
        """
        text = formula.text.strip()
        if text not in self.cache:
            if text in FIRM_FIELDS or text in FIRM_YEAR_FIELDS:
                arr = self.cols.arrow(text, pa.string())
            else:
                v = formula.evaluate(self.cols, n=self.n, prev=self.prev_cols)
                v = np.where(v == None, "", v).astype(str)  # noqa: E711
                arr = pa.array(v, pa.string())
            self.cache[text] = arr.fill_null("")
        out: pa.Array = self.cache[text]
        return out


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
    cols = Columns(facts)
    cols["class_last_year"] = np.full(n, None, dtype=object)
    for k, v in (extra or {}).items():
        cols[k] = v
    prev_cols = _align(prev, cols.arrow("credit_code", pa.string())) if prev is not None else None
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


class _Aligned(Mapping[str, Array]):
    """The previous year's columns re-ordered to this year's firms, on first use."""

    def __init__(self, prev: Columns, idx: npt.NDArray[np.intp], found: npt.NDArray[np.bool_]):
        self._prev, self._idx, self._found = prev, idx, found
        self._cache: dict[str, Array] = {}

    def __getitem__(self, name: str) -> Array:
        if name not in self._cache:
            col = self._prev[name]
            if col.size == 0:
                col = (
                    np.asarray([None], dtype=object) if col.dtype == object else np.full(1, np.nan)
                )
            taken = col[self._idx]
            if col.dtype == object:
                out = np.where(self._found, taken, np.asarray(None, dtype=object))
            elif col.dtype.kind == "M":
                out = np.where(self._found, taken, np.datetime64("NaT"))
            else:
                out = np.where(self._found, taken, np.nan)
            self._cache[name] = out
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._prev)

    def __len__(self) -> int:
        return len(self._prev)


def _align(prev: Frame, codes: pa.Array) -> Mapping[str, Array]:
    """The previous year's columns aligned to this year's firms by credit code (hash join)."""
    prev_codes = prev.cols.arrow("credit_code", pa.string())
    if len(prev_codes) == 0:
        n = len(codes)
        return _Aligned(prev.cols, np.zeros(n, np.intp), np.zeros(n, bool))
    pos = pc.index_in(codes, value_set=prev_codes)
    found = np.asarray(pos.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    idx = np.asarray(pos.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.intp)
    return _Aligned(prev.cols, idx, found)
