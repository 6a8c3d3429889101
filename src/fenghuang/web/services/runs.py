"""Evaluation runs: list, start in the background, compare, publish."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import fenghuang.warehouse as wh
from fenghuang.errors import InputError
from fenghuang.warehouse import Store
from fenghuang.web._schemas import PublicationPublic, UserPublic
from fenghuang.web.services import audit, publications
from fenghuang.web.services.backend import api, call, has_api, pick, records, run_id_of, table_of
from fenghuang.web.services.jobs import Job, JobRunner
from fenghuang.web.services.results import CLASSES, RunCache

__all__ = ["Comparison", "RunsPage", "compare", "publish", "runs_page", "start_run"]


@dataclass
class RunsPage:
    """Runs, the methods one can run, and publications."""

    runs: list[dict[str, Any]]
    methods: list[dict[str, str]]
    years: list[int]
    publications: dict[str, PublicationPublic]
    publicity_days: int
    default_method: str = ""  # the newest run's, so a new run repeats the city's method


def _method_names(raw: Any) -> list[dict[str, str]]:
    if isinstance(raw, (list, tuple)) and raw and isinstance(raw[0], str):
        return [{"name": n, "title": n} for n in raw]
    return []


def runs_page(store: Store, cache: RunCache, *, publicity_days: int) -> RunsPage:
    """Everything the runs page shows."""
    runs = cache.list_runs(store)
    methods: list[dict[str, str]] = []
    if has_api("evaluation", "list_methods"):
        raw = api("evaluation", "list_methods")()
        methods = _method_names(raw) or [
            {
                "name": str(pick(m, "name", "method", "id", default="")),
                "title": str(pick(m, "title", "title_zh", "name_zh", "name", default="")),
            }
            for m in records(raw)
        ]
    years = sorted({int(r["year"]) for r in runs if r.get("year")}, reverse=True)
    years = sorted(set(years) | {int(y) for y in wh.years(store)}, reverse=True)
    pubs = {p.run_id: p for p in reversed(publications.list_publications(store))}
    newest = str(runs[0].get("method") or "") if runs else ""
    return RunsPage(
        runs, methods, years or [date.today().year - 1], pubs, publicity_days, default_method=newest
    )


def start_run(
    store: Store,
    jobs: JobRunner,
    cache: RunCache,
    *,
    user: UserPublic,
    method: str,
    year: int,
    ip: str | None,
) -> Job:
    """Evaluate ``year`` with ``method`` in the background; the job's result is the run id."""
    if not method:
        raise InputError(
            "E-WEB-RUN-METHOD", zh="请选择评价办法", en="choose a method", field="method"
        )
    run_evaluation = api("evaluation", "run_evaluation")
    takes_progress = "progress" in inspect.signature(run_evaluation).parameters

    def work(progress: Any) -> str:
        progress(0.05, f"{year} · {method}")
        kwargs: dict[str, Any] = {"progress": progress} if takes_progress else {}
        run_id = run_id_of(call(run_evaluation, store, method, year, actor=user.username, **kwargs))
        cache.invalidate()
        audit.record(
            store,
            action="run",
            actor=user,
            object=run_id,
            detail=f"method={method} year={year}",
            ip=ip,
        )
        return run_id

    return jobs.submit(
        work, kind="run", owner=user.username, label=f"{year} · {method}", touches_facts=False
    )


@dataclass
class Comparison:
    """Two runs and the firms whose class differs, with the reason given."""

    a: dict[str, Any]
    b: dict[str, Any]
    moved: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def compare(store: Store, cache: RunCache, *, a: str, b: str) -> Comparison:
    """Who moved between runs ``a`` and ``b`` and why (``compare_runs``)."""
    ra, rb = cache.get(store, a), cache.get(store, b)
    cmp = Comparison(a=ra.info, b=rb.info)
    if has_api("evaluation", "compare_runs"):
        raw = api("evaluation", "compare_runs")(store, a, b)
        rows = records(table_of(raw, "moved", "changes", "table", "results"))
        cmp.moved = rows
        cmp.columns = list(rows[0]) if rows else []
    else:
        for r in rb.rows:
            p = ra.firm(r["credit_code"])
            if p is not None and p["class_"] != r["class_"]:
                cmp.moved.append(
                    {
                        "credit_code": r["credit_code"],
                        "name": r["name"],
                        "class_a": p["class_"],
                        "class_b": r["class_"],
                    }
                )
        cmp.columns = ["credit_code", "name", "class_a", "class_b"]
    for r in rb.rows:
        p = ra.firm(r["credit_code"])
        if p is not None and p["class_"] in CLASSES and r["class_"] in CLASSES:
            key = (
                "up"
                if r["class_"] < p["class_"]
                else "down"
                if r["class_"] > p["class_"]
                else "same"
            )
            cmp.counts[key] = cmp.counts.get(key, 0) + 1
    return cmp


def publish(
    store: Store, cache: RunCache, *, user: UserPublic, run_id: str, days: int, ip: str | None
) -> PublicationPublic:
    """Publish a run for 公示 for ``days`` days (audited)."""
    cache.get(store, run_id)
    return publications.publish_run(store, user=user, run_id=run_id, days=days, ip=ip)
