"""Evaluation runs: evaluate, store immutably, list and reload.

A run is the record of one evaluation (STYLE convention 5): the method's
name, file text and its sha256, the exact facts evaluated (the input
snapshot) and its canonical hash, what else the evaluation read (the
previous year's facts, earlier years' classes), the code version, who made
it and when, the run it re-does, the five tables of the
:class:`~fenghuang.evaluation.Evaluation` and its log. The warehouse stores
it append-only (:func:`fenghuang.warehouse.insert_run`); reloading returns
an equal :class:`Evaluation`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from fenghuang.errors import EvaluationError
from fenghuang.evaluation._evaluate import evaluate
from fenghuang.evaluation._model import Evaluation
from fenghuang.evaluation._store import (
    evaluation_from_tables,
    evaluation_tables,
    facts_sha256,
    json_safe,
    tables_sha256,
)
from fenghuang.methods import Method, MethodInfo, load_method, parse_method
from fenghuang.methods import list_methods as _list_methods
from fenghuang.warehouse import (
    RunDraft,
    RunRecord,
    Store,
    find_run,
    firm_facts,
    insert_run,
    is_synthetic,
    list_run_records,
    run_class_rows,
    run_record,
    run_tables,
    year_parcels,
    years,
)

__all__ = [
    "MethodSource",
    "Progress",
    "Run",
    "list_methods",
    "list_runs",
    "load_run",
    "record_run",
    "resolve_method",
    "run_evaluation",
]

#: ``progress(fraction in [0, 1], message)``, as the web app's job runner passes it.
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class MethodSource:
    """A method as a run records it: name, title, file text and its sha256."""

    name: str
    title: str
    text: str
    sha256: str
    parsed: Any = None


@dataclass(frozen=True)
class Run:
    """One stored evaluation run.

    Attributes
    ----------
    run_id : str
        ``{year}-{method}-v{version}``, e.g. ``2023-huangyan-2022-v3``.
    method, method_title : str
        The method's name and Chinese title.
    year, version : int
    results : pyarrow.Table
        One row per firm, what pages and lists show (credit_code, name,
        county, county_code, park, industry_code, chain, pool, pool_name,
        score, rank_in_pool, pool_size, percentile_pool, class_raw,
        class_final, rated, flags, remark …).
    evaluation : Evaluation
        All tables of the evaluation, equal to those evaluated.
    method_text, method_sha256 : str
        The method file, verbatim, and its hash.
    input_sha256, context_sha256 : str
        Canonical hashes of the facts evaluated and of the rest read.
    facts : pyarrow.Table
        The input snapshot: the facts evaluated, as they were.
    created_at : str
        ISO time (UTC).
    created_by : str
    parent_run : str or None
    code_version : str
    created : bool
        True when :func:`run_evaluation` wrote this run now, False when it
        returned an existing identical run.
    info : dict
        Further facts (``synthetic``, ``source`` of the facts, …).
        ``synthetic`` is true when the input was synthetic or the store is
        now marked as holding synthetic data (labels are never dropped).
    """

    run_id: str
    method: str
    method_title: str
    year: int
    version: int
    results: pa.Table
    evaluation: Evaluation
    method_text: str
    method_sha256: str
    input_sha256: str
    context_sha256: str
    facts: pa.Table
    created_at: str
    created_by: str
    parent_run: str | None
    code_version: str
    created: bool = False
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """Whether the run's input was synthetic (模拟数据)."""
        return bool(self.info.get("synthetic"))


def _code_version() -> str:
    from fenghuang import __version__

    return __version__


def resolve_method(method: str | Path | MethodSource) -> MethodSource:
    """The method's name, title, text and hash, from a shipped name or a file path.

    Raises
    ------
    MethodError
        ``E-METHOD-NOT-FOUND`` when neither a shipped method nor a file, or
        the file's validation errors.
    """
    if isinstance(method, MethodSource):
        return method
    parsed = load_method(method)
    text = parsed.text
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return MethodSource(
        name=parsed.name,
        title=parsed.meta.title_zh or parsed.name,
        text=text,
        sha256=sha,
        parsed=parsed,
    )


def _parse_text(text: str, name: str) -> Method:
    return parse_method(text, file=f"<run {name}>")


def _run_from(store: Store, rec: RunRecord, *, created: bool = False) -> Run:
    tables = run_tables(store, rec.run_id)
    evaluation = evaluation_from_tables(rec.method, rec.year, tables, rec.log)
    return Run(
        run_id=rec.run_id,
        method=rec.method,
        method_title=rec.method_title,
        year=rec.year,
        version=rec.version,
        results=evaluation.results,
        evaluation=evaluation,
        method_text=rec.method_text,
        method_sha256=rec.method_sha256,
        input_sha256=rec.input_sha256,
        context_sha256=rec.context_sha256,
        facts=tables["input"],
        created_at=rec.created_at.isoformat(timespec="seconds"),
        created_by=rec.created_by,
        parent_run=rec.parent_run,
        code_version=rec.code_version,
        created=created,
        info={**rec.info, "synthetic": bool(rec.info.get("synthetic")) or is_synthetic(store)},
    )


def load_run(store: Store, run_id: str) -> Run:
    """The stored run ``run_id``.

    Raises
    ------
    NotFoundError
        ``E-RUN-NOT-FOUND`` (zh and en) when there is no such run.
    """
    return _run_from(store, run_record(store, run_id))


def list_runs(store: Store) -> pa.Table:
    """All runs, newest first.

    Returns
    -------
    pyarrow.Table
        run_id, method, method_title, year, version, created_at, created_by,
        input_sha256, method_sha256, code_version, parent_run, n_firms,
        published.
    """
    return list_run_records(store)


def _context(
    previous: pa.Table | None, earlier: pa.Table | None, parcels: pa.Table | None = None
) -> tuple[str, dict[str, pa.Table]]:
    tables: dict[str, pa.Table] = {}
    if previous is not None:
        tables["input_previous"] = previous
    if earlier is not None and earlier.num_rows:
        tables["earlier_classes"] = earlier
    if parcels is not None:
        tables["input_parcels"] = parcels
    if not tables:
        return "", tables
    return tables_sha256(tables), tables


def record_run(
    store: Store,
    evaluation: Evaluation,
    method: MethodSource,
    facts: pa.Table,
    *,
    previous: pa.Table | None = None,
    earlier_classes: pa.Table | None = None,
    parcels: pa.Table | None = None,
    actor: str = "system",
    parent_run: str | None = None,
    info: dict[str, Any] | None = None,
) -> Run:
    """Store an evaluation as a new run (or return the identical existing one).

    Parameters
    ----------
    store : Store
    evaluation : Evaluation
        What :func:`evaluate` returned for ``facts`` under ``method``.
    method : MethodSource
        The method as evaluated (see :func:`resolve_method`).
    facts : pyarrow.Table
        The facts evaluated (the input snapshot), one row per firm.
    previous, earlier_classes, parcels : pyarrow.Table, optional
        The rest the evaluation read; part of the run's context hash.
    actor : str
        Who makes the run.
    parent_run : str, optional
        The run this one re-does.
    info : dict, optional
        Further JSON-serialisable facts about the run.

    Returns
    -------
    Run
        With ``created`` True when written now.
    """
    input_sha = facts_sha256(facts)
    context_sha, context = _context(previous, earlier_classes, parcels)
    meta = {"synthetic": is_synthetic(store), **(info or {})}
    draft = RunDraft(
        method=method.name,
        method_title=method.title,
        method_sha256=method.sha256,
        method_text=method.text,
        year=int(evaluation.year),
        input_sha256=input_sha,
        context_sha256=context_sha,
        code_version=_code_version(),
        created_by=actor,
        parent_run=parent_run,
        log=json_safe(list(evaluation.log)),
        info=json_safe(meta),
    )
    tables = {**evaluation_tables(evaluation), "input": facts, **context}
    rec, created = insert_run(store, draft, tables)
    return _run_from(store, rec, created=created)


def _earlier_classes(store: Store, method: str, year: int) -> pa.Table:
    t = run_class_rows(store, method=method, before_year=year)
    return t.select(["credit_code", "year", "class_final", "run_id"])


def _facts_for(store: Store, year: int, facts: pa.Table | str | Path | None) -> pa.Table:
    if facts is None:
        return firm_facts(store, year)
    if isinstance(facts, pa.Table):
        return facts
    from fenghuang.evaluation._inputs import load_facts_file

    return load_facts_file(facts, year=year)


def run_evaluation(
    store: Store,
    method: str | Path | MethodSource,
    year: int,
    *,
    progress: Progress | None = None,
    actor: str = "system",
    facts: pa.Table | str | Path | None = None,
    parent_run: str | None = None,
) -> Run:
    """Evaluate every firm of ``year`` with ``method`` and store the run.

    Parameters
    ----------
    store : Store
        The warehouse; runs are written there.
    method : str or Path
        A shipped method's name (``huangyan-2022``) or a method file.
    year : int
        The year evaluated.
    progress : callable, optional
        Called as ``progress(fraction, message)``.
    actor : str
        Who makes the run (recorded).
    facts : pyarrow.Table or path, optional
        The facts to evaluate: by default ``firm_facts(store, year)``; or an
        xlsx/csv of firm-year facts (:func:`load_facts_file`) or a table.
    parent_run : str, optional
        The run this one re-does (after an appeal).

    Returns
    -------
    Run
        The new run, or the existing one when the same method was already
        run on identical input (``created`` False).

    Raises
    ------
    EvaluationError
        ``E-RUN-NO-FACTS`` when there are no facts for ``year``.

    Notes
    -----
    The previous year's facts (for methods that compare with last year)
    come from the warehouse when it has that year; earlier years' final
    classes (for consecutive-year escalation) from the newest earlier runs
    of the same method. Both are part of the run's context hash.
    """

    def step(frac: float, msg: str) -> None:
        if progress is not None:
            progress(frac, msg)

    step(0.05, "读取评价办法 / reading the method")
    src = resolve_method(method)
    step(0.15, f"读取 {year} 年数据 / reading the facts")
    source = "warehouse" if facts is None else str(facts) if not isinstance(facts, pa.Table) else ""
    table = _facts_for(store, year, facts)
    if table.num_rows == 0:
        raise EvaluationError(
            "E-RUN-NO-FACTS",
            zh=f"{year} 年没有企业数据，无法评价",
            en=f"no firm facts for {year}; nothing to evaluate",
            hint_zh="先导入部门数据（fenghuang import）或用 --facts 指定文件",
            hint_en="import department files first (fenghuang import) or pass --facts",
        )
    previous = firm_facts(store, year - 1) if (year - 1) in years(store) else None
    earlier = _earlier_classes(store, src.name, year)
    method_obj = src.parsed if src.parsed is not None else _parse_text(src.text, src.name)
    # Firms sharing a parcel are combined only by methods that say so, from the
    # warehouse's parcels (a facts file carries no parcels).
    parcels = (
        year_parcels(store, year) if method_obj.combine_shared_parcels and facts is None else None
    )
    context_sha, _ = _context(previous, earlier, parcels)
    found = find_run(
        store,
        method=src.name,
        year=year,
        method_sha256=src.sha256,
        input_sha256=facts_sha256(table),
        context_sha256=context_sha,
    )
    if found is not None:
        step(1.0, f"已有相同批次 / identical run exists: {found.run_id}")
        return _run_from(store, found)
    step(0.3, "评价中 / evaluating")
    evaluation = evaluate(
        table,
        method_obj,
        previous=previous,
        earlier_classes=earlier if earlier.num_rows else None,
        parcels=parcels,
    )
    step(0.85, "写入批次 / storing the run")
    run = record_run(
        store,
        evaluation,
        src,
        table,
        previous=previous,
        earlier_classes=earlier,
        parcels=parcels,
        actor=actor,
        parent_run=parent_run,
        info={"source": source} if source else None,
    )
    step(1.0, f"完成 / done: {run.run_id}")
    return run


def parsed_method_of(run: Run | RunRecord) -> Method:
    """The method a run used, parsed from the text the run stored."""
    return _parse_text(run.method_text, run.method)


def list_methods() -> list[MethodInfo]:
    """The shipped methods (:func:`fenghuang.methods.list_methods`)."""
    return _list_methods()
