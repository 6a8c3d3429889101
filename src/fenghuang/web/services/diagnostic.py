"""A firm's diagnostic from a loaded run: items, industry medians, what lifts a class.

Everything is read from the run's :class:`~fenghuang.evaluation.Evaluation`
(items, boundaries, events tables), indexed once per run and kept with the
cached run, so a firm page costs a few dictionary lookups whatever the
city's size. When ``fenghuang.evaluation.diagnose`` is available its
counterfactuals are shown as well.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import FenghuangError
from fenghuang.web.services.backend import api, has_api, pick, record
from fenghuang.web.services.results import CLASSES, RunData

__all__ = ["RunIndex", "firm_events", "firm_items", "lift_lines", "run_index"]


@dataclass
class RunIndex:
    """Per-run lookups built once: item rows by firm, medians by industry, boundaries."""

    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    medians: dict[tuple[str, str], float] = field(default_factory=dict)
    boundaries: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def industry_of(row: dict[str, Any]) -> str:
    """The industry a firm is compared with: its 2-digit division (GB/T 4754 大类)."""
    return str(row.get("industry_code") or "")[:2]


def _table(evaluation: Any, name: str) -> pa.Table | None:
    t = getattr(evaluation, name, None)
    return t if isinstance(t, pa.Table) else None


def _group_rows(table: pa.Table) -> dict[str, list[dict[str, Any]]]:
    """Rows of ``table`` by credit code (one pass over sorted columns)."""
    if table.num_rows == 0:
        return {}
    order = np.argsort(
        np.asarray(table.column("credit_code").to_pylist(), dtype=object), kind="stable"
    )
    rows = table.take(pa.array(order)).to_pylist()
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(str(r["credit_code"]), []).append(r)
    return out


def _medians(items: pa.Table, industry_by_code: dict[str, str]) -> dict[tuple[str, str], float]:
    """Median item score per (industry division, indicator) over firms with a score."""
    codes = items.column("credit_code").to_pylist()
    inds = items.column("indicator").to_pylist()
    scores = items.column("item_score").to_numpy(zero_copy_only=False).astype(float)
    keys = np.asarray(
        [f"{industry_by_code.get(c, '')}\x00{i}" for c, i in zip(codes, inds, strict=True)],
        dtype=object,
    )
    ok = ~np.isnan(scores)
    keys, scores = keys[ok], scores[ok]
    if not len(keys):
        return {}
    uniq, inverse = np.unique(keys, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(uniq) + 1))
    out: dict[tuple[str, str], float] = {}
    for g, key in enumerate(uniq):
        industry, indicator = str(key).split("\x00", 1)
        out[(industry, indicator)] = float(np.median(scores[order[bounds[g] : bounds[g + 1]]]))
    return out


def run_index(run: RunData) -> RunIndex:
    """The lookups of ``run`` (built on first use, then kept with the cached run)."""
    hit = run.derived.get("diagnostic_index")
    if isinstance(hit, RunIndex):
        return hit
    idx = RunIndex()
    evaluation = getattr(run.run, "evaluation", None)
    items = _table(evaluation, "items")
    if items is not None and items.num_rows:
        idx.items = _group_rows(items)
        idx.medians = _medians(items, {r["credit_code"]: industry_of(r) for r in run.rows})
    bounds = _table(evaluation, "boundaries")
    for b in bounds.to_pylist() if bounds is not None else []:
        if b.get("min_score") is not None:
            key = (str(b.get("pool") or ""), str(b.get("class_group") or ""))
            idx.boundaries.setdefault(key, {})[str(b["class_label"])] = float(b["min_score"])
    events = _table(evaluation, "events")
    if events is not None:
        idx.events = _group_rows(events)
    run.derived["diagnostic_index"] = idx
    return idx


def firm_items(run: RunData, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The firm's scored indicators with the industry median item score added."""
    idx = run_index(run)
    industry = industry_of(row)
    out = []
    for it in idx.items.get(row["credit_code"], []):
        out.append(
            {
                **it,
                "code": str(it.get("indicator") or ""),
                "name": str(it.get("name") or it.get("indicator") or ""),
                "unit": str(it.get("unit") or ""),
                "value": it.get("value"),
                "score": it.get("item_score"),
                "max": it.get("cap") if it.get("cap") is not None else it.get("max_score"),
                "benchmark": it.get("benchmark"),
                "median": idx.medians.get((industry, str(it.get("indicator") or ""))),
                "missing": bool(it.get("missing_rule")),
            }
        )
    return out


def firm_events(run: RunData, code: str, lang: str) -> list[str]:
    """Vetoes, adjustments and not-rated rules that applied to the firm, as text."""
    key = "reason_en" if lang == "en" else "reason_zh"
    return [
        str(e.get(key) or e.get("reason_zh") or "") for e in run_index(run).events.get(code, [])
    ]


def _points(x: float) -> str:
    return f"{x:.2f}"


def lift_lines(
    run: RunData,
    row: dict[str, Any],
    items: list[dict[str, Any]],
    lang: str,
    *,
    room: bool = True,
) -> list[str]:
    """What would lift the firm a class: the next class's lowest score and where points lie.

    The score needed is the lowest score in the next better class of the
    firm's pool (the run's class boundaries); the indicators with the most
    points still open (cap minus item score) are named. A veto or
    adjustment that fixed the class is stated instead of a score gap.
    """
    en = lang == "en"
    cls = str(row.get("class_") or "")
    score = row.get("score")
    events = firm_events(run, row["credit_code"], lang)
    raw = str(row.get("class_raw") or cls)
    if cls not in CLASSES or score is None:
        return events
    lines: list[str] = []
    if raw != cls and events:
        lines.extend(events)
    if cls == "A":
        lines.append("Already in the best class (A)." if en else "已处于最高等级（A 类）。")
        return lines
    better = CLASSES[CLASSES.index(cls) - 1]
    key = (str(row.get("pool_code") or ""), str(row.get("class_group") or ""))
    target = run_index(run).boundaries.get(key, {}).get(better)
    if target is not None and raw == cls:
        gap = max(0.0, target - float(score))
        lines.append(
            f"{_points(gap)} more points (a score of {_points(target)}) would reach class {better}."
            if en
            else f"得分再提高 {_points(gap)} 分（达到 {_points(target)} 分）即可升至 {better} 类。"
        )
    open_points = sorted(
        (
            (float(i["max"]) - float(i["score"]), i["name"])
            for i in items
            if i["max"] is not None and i["score"] is not None
        ),
        reverse=True,
    )
    top = [(r, n) for r, n in open_points[:3] if r > 0.005] if room else []
    if top:
        parts = ", ".join(f"{n} (+{_points(r)})" for r, n in top)
        parts_zh = "、".join(f"{n}（+{_points(r)} 分）" for r, n in top)
        lines.append(
            f"Most points still open: {parts}." if en else f"提升空间最大的指标：{parts_zh}。"
        )
    return lines


@dataclass
class _Split:
    """A table sorted by one column, with each value's row range: a slice per lookup."""

    table: pa.Table
    ranges: dict[str, tuple[int, int]]

    def get(self, key: str, empty: pa.Table) -> pa.Table:
        hit = self.ranges.get(key)
        return self.table.slice(*hit) if hit is not None else empty


def _by_key(table: pa.Table, column: str) -> _Split:
    """``table`` sorted (stably) by ``column``, with the row range of each value."""
    if table.num_rows == 0:
        return _Split(table, {})
    sorted_t = table.take(pc.sort_indices(table, sort_keys=[(column, "ascending")]))
    ranges: dict[str, tuple[int, int]] = {}
    start = 0
    for key, group in itertools.groupby(sorted_t.column(column).to_pylist()):
        n = len(list(group))
        ranges[str(key)] = (start, n)
        start += n
    return _Split(sorted_t, ranges)


@dataclass
class _FirmTables:
    """A run's evaluation tables split once by firm, and its industry medians."""

    results: _Split
    items: _Split
    events: _Split
    pool_stats: _Split
    medians: dict[tuple[str, str], dict[str, float]]
    empty_items: pa.Table
    empty_events: pa.Table
    empty_stats: pa.Table


def _peer_key(r: dict[str, Any]) -> tuple[str, str]:
    return (str(r.get("pool") or ""), str(r.get("industry_code") or ""))


def _group_medians(evaluation: Any) -> dict[tuple[str, str], dict[str, float]]:
    """Median item score per (pool, industry code) and indicator, as ``diagnose`` takes them.

    The same numbers ``evaluation.diagnose`` computes for one firm from its
    peers (``numpy.median`` of the item scores, NaN when one is missing),
    computed for every group at once.
    """
    res = evaluation.results
    group_of = {
        str(c): (str(p), str(i or ""))
        for c, p, i in zip(
            res.column("credit_code").to_pylist(),
            res.column("pool").to_pylist(),
            res.column("industry_code").to_pylist(),
            strict=True,
        )
        if p is not None  # a null pool has no peers (diagnose computes those itself)
    }
    items = evaluation.items
    scores = items.column("item_score").to_numpy()
    cells: dict[tuple[str, str, str], list[int]] = {}
    for n, (c, ind) in enumerate(
        zip(
            items.column("credit_code").to_pylist(),
            items.column("indicator").to_pylist(),
            strict=True,
        )
    ):
        g = group_of.get(str(c))
        if g is not None:
            cells.setdefault((g[0], g[1], str(ind)), []).append(n)
    out: dict[tuple[str, str], dict[str, float]] = {}
    for (pool, industry, ind), rows in cells.items():
        out.setdefault((pool, industry), {})[ind] = float(np.median(scores[rows]))
    return out


def _firm_tables(evaluation: Any) -> _FirmTables:
    """Split ``evaluation`` once per run (see :func:`_firm_evaluation`)."""
    return _FirmTables(
        results=_by_key(evaluation.results, "credit_code"),
        items=_by_key(evaluation.items, "credit_code"),
        events=_by_key(evaluation.events, "credit_code"),
        pool_stats=_by_key(evaluation.pool_stats, "pool"),
        medians=_group_medians(evaluation),
        empty_items=evaluation.items.slice(0, 0),
        empty_events=evaluation.events.slice(0, 0),
        empty_stats=evaluation.pool_stats.slice(0, 0),
    )


def _firm_evaluation(run: RunData, code: str) -> tuple[Any, dict[str, float] | None]:
    """The run's evaluation cut to firm ``code``'s rows, and its industry medians.

    ``evaluation.diagnose`` filters the whole run's tables for one firm (its
    row, items, events, pool statistics and its industry peers' items): at
    100,000 firms ≈ 15–30 ms per call. Given the firm's rows and the
    medians of its (pool, industry) group, computed once per run, it
    returns the same diagnostic (a test checks equality for every firm of
    a run) in about a millisecond. A firm not in the run, or without a
    pool, gets the whole evaluation.
    """
    evaluation = run.run.evaluation
    tables = run.derived.get("firm_tables")
    if not isinstance(tables, _FirmTables):
        tables = _firm_tables(evaluation)
        run.derived["firm_tables"] = tables
    row = tables.results.get(code, evaluation.results.slice(0, 0))
    if row.num_rows != 1:
        return evaluation, None
    r = row.to_pylist()[0]
    medians = tables.medians.get(_peer_key(r))
    if r.get("pool") is None or medians is None:
        return evaluation, None
    return (
        dataclasses.replace(
            evaluation,
            results=row,
            items=tables.items.get(code, tables.empty_items),
            events=tables.events.get(code, tables.empty_events),
            pool_stats=tables.pool_stats.get(str(r["pool"]), tables.empty_stats),
        ),
        medians,
    )


def evaluation_diagnose(run: RunData, code: str) -> dict[str, Any]:
    """``fenghuang.evaluation.diagnose`` on the cached run (kept per firm; runs never change).

    ``diagnose`` is given the run's tables cut to the firm and its group's
    industry medians (:func:`_firm_evaluation`, split once per run), so a
    call costs about a millisecond instead of scans of the whole run.
    """
    if not has_api("evaluation", "diagnose") or run.run is None:
        return {}
    cache: dict[str, dict[str, Any]] = run.derived.setdefault("diagnose", {})
    if code in cache:
        return cache[code]
    try:
        parsed = run.derived.get("parsed_method")
        if parsed is None:
            from fenghuang.methods import parse_method

            parsed = parse_method(run.run.method_text, file=f"<run {run.run_id}>")
            run.derived["parsed_method"] = parsed
        cut, medians = _firm_evaluation(run, code)
        out = record(
            api("evaluation", "diagnose")(cut, parsed, code, industry_medians=medians)
            if medians is not None
            else api("evaluation", "diagnose")(cut, parsed, code)
        )
    except (FenghuangError, KeyError, ValueError, TypeError):
        out = {}
    if len(cache) > 2_000:  # bounded: each result is ~25 containers the cyclic GC walks
        cache.clear()
    cache[code] = out
    return out


def diagnose_lift(diag: dict[str, Any], lang: str = "zh") -> list[str]:
    """The counterfactual sentences of a ``diagnose`` result, in ``lang``."""
    lift = pick(diag, "counterfactuals", default=[])
    if isinstance(lift, str):
        return [lift]
    key = "sentence_en" if lang == "en" else "sentence_zh"
    out = []
    for x in lift or []:
        if isinstance(x, str):
            out.append(x)
            continue
        text = pick(record(x), key, "sentence_zh", "text")
        if text:
            out.append(str(text))
    return out
