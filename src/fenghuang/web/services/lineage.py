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

import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.warehouse import Store
from fenghuang.web.services.caches import WriteTracker

__all__ = ["LineageCache"]

#: The keys of a lineage row, in ``fact_lineage``'s column order.
_COLUMNS = ("field", "value", "unit", "file", "sheet", "row", "status", "version")

_VALUES_SQL = (
    "select s.credit_code, s.field, s.value, s.unit, i.file_name as file, i.department, "
    's.sheet, s.row_no as "row", s.month from source_values s '
    "left join imports i on i.import_id = s.import_id "
    "where s.year = ? order by s.credit_code"
)
_PARCELS_SQL = (
    "select p.credit_code, p.lessor_code, p.tenure, p.area * coalesce(p.share, 1) as area, "
    'i.file_name as file, i.department, p.sheet, p.row_no as "row" from parcels p '
    "left join imports i on i.import_id = p.import_id "
    "where (p.year is null or p.year = ?) and {cond} order by p.{key}"
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
class _ByFirm:
    """A table sorted by credit code (column dropped, strings dictionary-encoded)
    with each firm's row range."""

    table: pa.Table
    ranges: dict[str, tuple[int, int]]

    @classmethod
    def of(cls, table: pa.Table, key: str) -> _ByFirm:
        ranges: dict[str, tuple[int, int]] = {}
        if table.num_rows:
            counts = pc.value_counts(table.column(key))  # in order of appearance: sorted
            start = 0
            for code, n in zip(
                counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True
            ):
                ranges[str(code)] = (start, int(n))
                start += int(n)
        cols = {}
        for name in table.column_names:
            if name == key:
                continue
            col = table.column(name)
            cols[name] = pc.dictionary_encode(col) if pa.types.is_string(col.type) else col
        return cls(pa.table(cols) if cols else table, ranges)

    def rows(self, code: str) -> list[dict[str, Any]]:
        hit = self.ranges.get(code)
        if hit is None:
            return []
        out: list[dict[str, Any]] = self.table.slice(*hit).to_pylist()
        return out


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
        values = store.fetch_arrow(_VALUES_SQL, [year])
        holders = store.fetch_arrow(_PARCELS_SQL.format(cond="true", key="credit_code"), [year])
        lessors = store.fetch_arrow(
            _PARCELS_SQL.format(cond="p.lessor_code is not null", key="lessor_code"), [year]
        )
        return _Sources(
            generation,
            values=_ByFirm.of(values, "credit_code"),
            holders=_ByFirm.of(holders, "credit_code"),
            lessors=_ByFirm.of(
                lessors.rename_columns(
                    ["_lessor" if n == "lessor_code" else n for n in lessors.column_names]
                ),
                "_lessor",
            ),
        )

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
