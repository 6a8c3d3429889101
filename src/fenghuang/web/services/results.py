"""Run results as the pages need them, cached per run (runs are immutable).

A run never changes once written (STYLE convention 5), so a loaded run can be
kept in memory for the life of the process: the firm page is then a
dictionary lookup plus a few point queries, whatever the city's size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from fenghuang.errors import NotFoundError
from fenghuang.industries import industry_label
from fenghuang.warehouse import Store
from fenghuang.web.services.backend import api, has_api, pick, record, records, table_of

__all__ = ["CLASSES", "RunCache", "RunData", "latest_run_id", "list_runs", "normalise_row"]

CLASSES = ("A", "B", "C", "D")


def normalise_row(row: dict[str, Any]) -> dict[str, Any]:
    """One firm's result with the field names the pages use (original fields kept)."""
    out = dict(row)
    out["credit_code"] = str(pick(row, "credit_code", "code", default=""))
    out["name"] = pick(row, "name", "firm_name", default=out["credit_code"])
    out["county"] = pick(row, "county", "county_name", default="")
    out["county_code"] = str(pick(row, "county_code", default="") or "")
    out["park"] = pick(row, "park", default="") or ""
    out["industry_code"] = pick(row, "industry_code", default="") or ""
    named = pick(row, "industry_name", "industry", default="")
    code = out["industry_code"]
    out["industry"] = named or (industry_label(code) if code else "")
    out["chain"] = pick(row, "chain", default="") or ""
    out["pool_code"] = str(row.get("pool") or "")  # the method file's pool code
    out["pool"] = pick(row, "pool_name", "pool", default="") or ""
    score = pick(row, "score", "total_score", "score_final")
    out["score"] = float(score) if score is not None else None
    cls = pick(row, "class_final", "class", "grade", "class_label", default="")
    out["class_"] = str(cls) if cls is not None else ""
    out["rank"] = pick(row, "rank_in_pool", "rank")
    out["pool_size"] = pick(row, "pool_size", "n_pool")
    out["percentile"] = pick(row, "percentile_pool", "percentile")
    return out


def list_runs(store: Store) -> list[dict[str, Any]]:
    """All runs, newest year first (then newest version), as dicts with ``run_id``, ``method``, ``year``."""
    if not has_api("evaluation", "list_runs"):
        return []  # the evaluation part is not installed: nothing evaluated
    rows = records(table_of(api("evaluation", "list_runs")(store), "runs", "table"))
    for r in rows:
        r.setdefault("created_at", pick(r, "created_at", "started_at", default=""))
    # newest year first, then its newest version: "the current run" is runs[0]
    rows.sort(
        key=lambda r: (int(r.get("year") or 0), int(r.get("version") or 0), str(r["created_at"])),
        reverse=True,
    )
    return rows


def latest_run_id(store: Store, *, year: int | None = None) -> str | None:
    """The newest run (of ``year`` if given), or None when there is none."""
    for r in list_runs(store):
        if year is None or int(r.get("year") or 0) == year:
            return str(r["run_id"])
    return None


@dataclass
class RunData:
    """One run's metadata and its rows, indexed by credit code."""

    run_id: str
    info: dict[str, Any]
    rows: list[dict[str, Any]]
    by_code: dict[str, int] = field(default_factory=dict)
    raw: Any = None
    derived: dict[str, Any] = field(default_factory=dict)
    run: Any = None  # the loaded run object (``fenghuang.evaluation.Run``)

    @property
    def year(self) -> int:
        return int(self.info.get("year") or 0)

    @property
    def method(self) -> str:
        return str(self.info.get("method") or "")

    def firm(self, credit_code: str) -> dict[str, Any] | None:
        """This firm's result row, or None if it was not in the run."""
        i = self.by_code.get(credit_code)
        return None if i is None else self.rows[i]


def _load(store: Store, run_id: str) -> RunData:
    run = api("evaluation", "load_run")(store, run_id)
    table = getattr(run, "results", None)
    if table is None and isinstance(run, dict):
        table = run.get("results")
    if table is None:
        table, info = run, {}
    else:
        info = {k: v for k, v in record(run).items() if k != "results"}
    info.setdefault("run_id", run_id)
    if not info.get("year") or not info.get("method"):
        for r in list_runs(store):
            if str(r.get("run_id")) == run_id:
                info = {**r, **{k: v for k, v in info.items() if v not in (None, "")}}
                break
    rows = [normalise_row(r) for r in records(table)]
    by_code = {r["credit_code"]: i for i, r in enumerate(rows)}
    info.pop("evaluation", None)
    info.pop("facts", None)
    return RunData(run_id=run_id, info=info, rows=rows, by_code=by_code, raw=table, run=run)


class RunCache:
    """Loaded runs by id (least recently used dropped beyond ``size``).

    ``settle_rows``: a run of at least this many firms is moved out of the
    cyclic garbage collector's scans once its firm-page indexes are built
    (see ``fenghuang.web.services.firms``).
    """

    def __init__(self, size: int = 8, *, settle_rows: int = 10_000) -> None:
        self.size = size
        self.settle_rows = settle_rows
        self._runs: OrderedDict[str, RunData] = OrderedDict()
        self._list: list[dict[str, Any]] | None = None
        self._loading: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def list_runs(self, store: Store) -> list[dict[str, Any]]:
        """All runs, newest first, kept until :meth:`invalidate`.

        The server holds the store's write lock, so every new run is made
        through this application, which calls :meth:`invalidate` after it.
        """
        with self._lock:
            runs = self._list
        if runs is None:
            runs = list_runs(store)
            with self._lock:
                self._list = runs
        return runs

    def invalidate(self) -> None:
        """Forget the list of runs (after a run was made)."""
        with self._lock:
            self._list = None

    def get(self, store: Store, run_id: str) -> RunData:
        """The run, loaded once even when many requests ask for it at the same time."""
        with self._lock:
            hit = self._runs.get(run_id)
            if hit is not None:
                self._runs.move_to_end(run_id)
                return hit
            loading = self._loading.setdefault(run_id, threading.Lock())
        with loading:  # one loader per run; the others wait for its result
            with self._lock:
                hit = self._runs.get(run_id)
            if hit is not None:
                return hit
            try:
                data = _load(store, run_id)
            except BaseException as exc:
                with self._lock:
                    self._loading.pop(run_id, None)
                if isinstance(exc, KeyError) and not isinstance(exc, NotFoundError):
                    raise NotFoundError(
                        "E-WEB-NO-RUN", zh="评价批次不存在", en="no such run", field=run_id
                    ) from exc
                raise
            with self._lock:
                self._runs[run_id] = data
                self._loading.pop(run_id, None)
                while len(self._runs) > self.size:
                    self._runs.popitem(last=False)
            return data
