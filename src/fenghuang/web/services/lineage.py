"""Firms' lineage held in memory by year: the firm page without store queries.

``warehouse.fact_lineage`` answers one firm with five point queries; each
DuckDB query has a fixed cost of about half a millisecond to two (more under
load), which made them most of a firm page's time. The web server is the
store's only writer, so it can read a year's source rows (with their
import's file and department), parcels, corrections and confirmations
once, keep them split by firm, and answer every firm of that year from
memory until its own next write (:class:`~fenghuang.web.services.caches.WriteTracker`).

:meth:`LineageCache.lineage` returns exactly the rows of
``fact_lineage`` (a test checks equality for every firm of the demo city,
after corrections and confirmations), or None when the year is not held
now — being read, too big, or a write in flight — and the caller then asks
``fact_lineage``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.warehouse import Store
from fenghuang.web.services.caches import WriteTracker

__all__ = ["LineageCache"]

#: The keys of a lineage row, in ``fact_lineage``'s column order.
_COLUMNS = ("field", "value", "unit", "file", "sheet", "row", "status", "version")

_VALUES_SQL = (
    'select credit_code, field, value, unit, import_id, sheet, row_no as "row", month '
    "from source_values where year = ?"
)
_PARCELS_SQL = (
    "select p.credit_code, p.lessor_code, p.tenure, p.area * coalesce(p.share, 1) as area, "
    'p.import_id, p.sheet, p.row_no as "row" from parcels p '
    "where (p.year is null or p.year = ?) and {cond}"
)


def _nulls_last(x: Any) -> tuple[bool, Any]:
    return (x is None, x if x is not None else 0)


def _sort_key(r: dict[str, Any]) -> tuple[Any, ...]:
    # fact_lineage's order: field, version, month, file, row (nulls last)
    return (
        _nulls_last(r["field"]),
        _nulls_last(r["version"]),
        _nulls_last(r.get("_month")),
        _nulls_last(r["file"]),
        _nulls_last(r["row"]),
    )


@dataclass
class _Column:
    """One column as a numpy array (values, or indices into ``dictionary``) and its nulls."""

    data: np.ndarray[Any, Any]
    valid: np.ndarray[Any, Any] | None  # False where null; None: no nulls
    dictionary: list[Any] | None = None

    @classmethod
    def of(cls, column: pa.ChunkedArray, order: np.ndarray[Any, Any]) -> _Column:
        arr = column.combine_chunks()
        valid = arr.is_valid().to_numpy(zero_copy_only=False)[order] if arr.null_count else None
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            enc = pc.dictionary_encode(arr)
            indices = pc.fill_null(enc.indices, 0).to_numpy(zero_copy_only=False)
            words = enc.dictionary.to_pylist() or [None]  # all null: index 0 stands for None
            return cls(indices[order].astype(np.int32), valid, words)
        if arr.null_count:
            arr = pc.fill_null(arr, 0)
        return cls(arr.to_numpy(zero_copy_only=False)[order], valid)

    def values(self, start: int, n: int) -> list[Any]:
        out: list[Any] = self.data[start : start + n].tolist()
        if self.dictionary is not None:
            d = self.dictionary
            out = [d[i] for i in out]
        if self.valid is not None:
            ok = self.valid[start : start + n].tolist()
            out = [v if k else None for v, k in zip(out, ok, strict=True)]
        return out


@dataclass
class _ByFirm:
    """A table's columns ordered by firm (credit code), with each firm's row range.

    Strings are held as indices into a dictionary, so a year of 3.6 million
    source rows takes about 130 MB; one firm's rows are a slice per column.
    """

    columns: dict[str, _Column]
    ranges: dict[str, tuple[int, int]]

    @classmethod
    def of(cls, table: pa.Table, key: str) -> _ByFirm:
        if table.num_rows == 0:
            return cls({}, {})
        enc = pc.dictionary_encode(table.column(key).combine_chunks())
        idx = enc.indices.to_numpy(zero_copy_only=False)
        order = np.argsort(idx, kind="stable")  # the read's order kept within a firm
        counts = np.bincount(idx, minlength=len(enc.dictionary))
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        ranges = {
            str(code): (int(s), int(n))
            for code, s, n in zip(enc.dictionary.to_pylist(), starts, counts, strict=True)
        }
        columns = {n: _Column.of(table.column(n), order) for n in table.column_names if n != key}
        return cls(columns, ranges)

    def rows(self, code: str) -> list[dict[str, Any]]:
        hit = self.ranges.get(code)
        if hit is None:
            return []
        names = list(self.columns)
        values = [c.values(*hit) for c in self.columns.values()]
        return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]

    def map_imports(self, imports: dict[str, tuple[Any, Any]]) -> None:
        """Replace ``import_id`` by the import's ``file`` and ``department``
        (None for an import not found, as ``fact_lineage`` gives)."""
        col = self.columns.pop("import_id", None)
        if col is None or col.dictionary is None:
            return
        files = [imports.get(str(i), (None, None)) for i in col.dictionary]
        self.columns["file"] = _Column(col.data, col.valid, [f for f, _ in files])
        self.columns["department"] = _Column(col.data, col.valid, [d for _, d in files])


@dataclass
class _Sources:
    """A year's source rows and parcels (change only with an import)."""

    generation: int
    values: _ByFirm | None = None  # None: too many rows to hold
    holders: _ByFirm | None = None
    lessors: _ByFirm | None = None


@dataclass
class _State:
    """A year's confirmations and corrections (change with any write)."""

    generation: int
    general: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_firm: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    history: dict[str, list[tuple[Any, Any, Any]]] = field(default_factory=dict)

    def status(self, code: str, department: Any) -> str:
        if department is None:
            return "pending"
        dep = str(department)
        a = self.general.get(dep)
        b = self.by_firm.get((code, dep))
        best = max((x for x in (a, b) if x is not None), default=None)
        return best[1] if best is not None else "pending"


class LineageCache:
    """Each held year's lineage split by firm, valid until the app's next write.

    Parameters
    ----------
    writes : WriteTracker
        The app's write tracker (form posts and jobs are writes).
    max_rows : int
        A year with more source rows than this is not held (answered by
        ``fact_lineage``); about 50 bytes are kept per row.
    years : int
        Years held at once (the least recently used dropped).
    """

    def __init__(self, writes: WriteTracker, *, max_rows: int = 20_000_000, years: int = 2) -> None:
        self.writes = writes
        self.max_rows = max_rows
        self.years = years
        self._sources: OrderedDict[int, _Sources] = OrderedDict()
        self._state: dict[int, _State] = {}
        self._lock = threading.Lock()
        self._building = threading.Lock()

    # -- reading a year ----------------------------------------------------
    def _read_sources(self, store: Store, year: int, generation: int) -> _Sources:
        n = int(store.fetch_all("select count(*) from source_values where year = ?", [year])[0][0])
        if n > self.max_rows:
            return _Sources(generation)
        imports = {
            str(i): (f, d)
            for i, f, d in store.fetch_all("select import_id, file_name, department from imports")
        }
        parts = []
        for sql, key in (
            (_VALUES_SQL, "credit_code"),
            (_PARCELS_SQL.format(cond="p.credit_code is not null"), "credit_code"),
            (_PARCELS_SQL.format(cond="p.lessor_code is not null"), "lessor_code"),
        ):
            table = store.fetch_arrow(sql, [year])
            if key == "lessor_code":
                names = ["_lessor" if c == key else c for c in table.column_names]
                table, key = table.rename_columns(names), "_lessor"
            part = _ByFirm.of(table, key)
            part.map_imports(imports)
            parts.append(part)
        return _Sources(generation, values=parts[0], holders=parts[1], lessors=parts[2])

    def _read_state(self, store: Store, year: int, generation: int) -> _State:
        state = _State(generation)
        rows = store.fetch_all(
            "select department, credit_code, status from fact_status where year = ? order by seq",
            [year],
        )
        for i, (dep, code, st) in enumerate(rows):  # ascending seq: the latest entry wins
            if code is None:
                state.general[str(dep)] = (i, str(st))
            else:
                state.by_firm[(str(code), str(dep))] = (i, str(st))
        for code, fld, value, version in store.fetch_all(
            "select credit_code, field, value, version from fact_history where year = ?", [year]
        ):
            state.history.setdefault(str(code), []).append((fld, value, version))
        return state

    def _held(self, store: Store, year: int) -> tuple[_Sources, _State] | None:
        snap = self.writes.snapshot()
        with self._lock:
            sources = self._sources.get(year)
            state = self._state.get(year)
            if sources is not None:
                self._sources.move_to_end(year)
        if snap[2]:  # a write in flight: read the store
            return None
        if sources is None or sources.generation != snap[1]:
            if not self._building.acquire(blocking=False):
                return None  # another request is reading the year: read the store meanwhile
            try:
                sources = self._read_sources(store, year, snap[1])
            finally:
                self._building.release()
            if not self.writes.sources_unchanged_since(snap):
                return None
            with self._lock:
                self._sources[year] = sources
                while len(self._sources) > self.years:
                    old, _ = self._sources.popitem(last=False)
                    self._state.pop(old, None)
        if state is None or state.generation != snap[0]:
            state = self._read_state(store, year, snap[0])
            if not self.writes.unchanged_since(snap):
                return None
            with self._lock:
                self._state[year] = state
        return sources, state

    # -- one firm ------------------------------------------------------------
    def lineage(self, store: Store, credit_code: str, year: int) -> list[dict[str, Any]] | None:
        """The rows of ``warehouse.fact_lineage(store, credit_code, year)`` as dicts.

        Returns
        -------
        list of dict or None
            Keys field, value, unit, file, sheet, row, status, version, in
            ``fact_lineage``'s order; None when the year is not held now
            (ask ``fact_lineage``).
        """
        held = self._held(store, year)
        if held is None:
            return None
        sources, state = held
        if sources.values is None or sources.holders is None or sources.lessors is None:
            return None  # too many rows to hold
        code = credit_code
        rows: list[dict[str, Any]] = []
        for r in sources.values.rows(code):
            rows.append(
                {
                    "field": r["field"],
                    "value": r["value"],
                    "unit": r["unit"],
                    "file": r["file"],
                    "sheet": r["sheet"],
                    "row": r["row"],
                    "status": state.status(code, r["department"]),
                    "version": 0,
                    "_month": r["month"],
                }
            )
        for lessor_side, part in ((False, sources.holders), (True, sources.lessors)):
            for r in part.rows(code):
                if lessor_side and (r["credit_code"] is None or r["credit_code"] == code):
                    continue  # SQL's credit_code <> code: the holder rows have the firm's own
                lessor = code if lessor_side else r["lessor_code"]
                fld = (
                    "land_leased_out"
                    if lessor == code
                    else "land_leased_in"
                    if r["tenure"] == "leased"
                    else "land_own"
                )
                rows.append(
                    {
                        "field": fld,
                        "value": r["area"],
                        "unit": "亩",
                        "file": r["file"],
                        "sheet": r["sheet"],
                        "row": r["row"],
                        "status": state.status(code, r["department"]),
                        "version": 0,
                        "_month": None,
                    }
                )
        for fld, value, version in state.history.get(code, []):
            rows.append(
                {
                    "field": fld,
                    "value": value,
                    "unit": None,
                    "file": None,
                    "sheet": None,
                    "row": None,
                    "status": "pending",
                    "version": version,
                    "_month": None,
                }
            )
        rows.sort(key=_sort_key)
        for r in rows:
            del r["_month"]
        return rows
