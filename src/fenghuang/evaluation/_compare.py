"""Across runs: who moved between two runs and why, a firm's class history, its diagnostic."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyarrow as pa

from fenghuang.errors import NotFoundError
from fenghuang.evaluation._diagnose import diagnose
from fenghuang.evaluation._runs import Run, load_run, parsed_method_of
from fenghuang.warehouse import Store, latest_run_id, run_class_rows

__all__ = ["COMPARE_SCHEMA", "class_history", "compare_runs", "firm_diagnostic"]

_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}

#: Columns of :func:`compare_runs`.
COMPARE_SCHEMA = pa.schema(
    [
        ("credit_code", pa.string()),
        ("name", pa.string()),
        ("pool_name", pa.string()),
        ("class_a", pa.string()),
        ("class_b", pa.string()),
        ("score_a", pa.float64()),
        ("score_b", pa.float64()),
        ("move", pa.string()),  # up | down | changed | new | gone
        ("indicator", pa.string()),  # the item that changed most ('' if an event explains it)
        ("item_delta", pa.float64()),
        ("reason_zh", pa.string()),
        ("reason_en", pa.string()),
    ]
)


def _move(a: str | None, b: str | None) -> str:
    if a is None:
        return "new"
    if b is None:
        return "gone"
    if a in _ORDER and b in _ORDER:
        return "up" if _ORDER[b] < _ORDER[a] else "down"
    return "changed"


def _by_code(table: pa.Table) -> dict[str, dict[str, Any]]:
    return {str(r["credit_code"]): r for r in table.to_pylist()}


def _items(run: Run) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in run.evaluation.items.to_pylist():
        out[str(r["credit_code"])][str(r["indicator"])] = r
    return out


def _events(run: Run) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    out: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for r in run.evaluation.events.to_pylist():
        out[str(r["credit_code"])][(str(r["kind"]), str(r["rule"]))] = r
    return out


def _num(v: Any, missing: str) -> str:
    """A value as people read it: 50,000 / 12.35 / 0.0302."""
    if v is None:
        return missing
    x = float(v)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 1 or x == 0:
        return f"{x:,.2f}"
    return f"{x:.4g}"


def _reason(
    code: str,
    items_a: dict[str, dict[str, dict[str, Any]]],
    items_b: dict[str, dict[str, dict[str, Any]]],
    events_a: dict[str, dict[tuple[str, str], dict[str, Any]]],
    events_b: dict[str, dict[tuple[str, str], dict[str, Any]]],
) -> tuple[str, float | None, str, str]:
    ea, eb = events_a.get(code, {}), events_b.get(code, {})
    added = [eb[k] for k in eb if k not in ea]
    removed = [ea[k] for k in ea if k not in eb]
    if added:
        e = added[0]
        return "", None, f"新增：{e['reason_zh']}", f"new: {e['reason_en']}"
    if removed:
        e = removed[0]
        return "", None, f"不再适用：{e['reason_zh']}", f"no longer applies: {e['reason_en']}"
    ia, ib = items_a.get(code, {}), items_b.get(code, {})
    best: tuple[float, str] | None = None
    for ind in set(ia) | set(ib):
        sa = (ia.get(ind) or {}).get("item_score") or 0.0
        sb = (ib.get(ind) or {}).get("item_score") or 0.0
        d = float(sb) - float(sa)
        if best is None or abs(d) > abs(best[0]) or (abs(d) == abs(best[0]) and ind < best[1]):
            best = (d, ind)
    if best is None or best[0] == 0.0:
        return (
            "",
            None,
            "分项得分未变，等级随组内其他企业变化",
            "item scores unchanged; the class moved with the rest of the pool",
        )
    d, ind = best
    row = ib.get(ind) or ia.get(ind) or {}
    name = str(row.get("name") or ind)
    va = (ia.get(ind) or {}).get("value")
    vb = (ib.get(ind) or {}).get("value")

    unit = str(row.get("unit") or "")
    zh = (
        f"{name}得分{d:+.2f}（指标值 {_num(va, '缺失')} → {_num(vb, '缺失')}{unit and ' ' + unit}）"
    )
    en = f"{ind} item score {d:+.2f} (value {_num(va, 'missing')} → {_num(vb, 'missing')}{unit and ' ' + unit})"
    return ind, d, zh, en


def compare_runs(store: Store, a: str, b: str) -> pa.Table:
    """Firms whose final class differs between runs ``a`` and ``b``, and why.

    Parameters
    ----------
    store : Store
    a, b : str
        Run ids: ``a`` the earlier (or reference) run, ``b`` the other.

    Returns
    -------
    pyarrow.Table
        With :data:`COMPARE_SCHEMA`, one row per firm whose class differs
        (or that is in one run only), sorted by credit code. The reason is
        the veto/adjustment/not-rated event that one run has and the other
        not, else the item whose score changed most (with the indicator's
        values in both runs).

    Raises
    ------
    NotFoundError
        When either run does not exist.
    """
    ra, rb = load_run(store, a), load_run(store, b)
    res_a, res_b = _by_code(ra.results), _by_code(rb.results)
    items_a, items_b = _items(ra), _items(rb)
    events_a, events_b = _events(ra), _events(rb)
    rows: list[dict[str, Any]] = []
    for code in sorted(set(res_a) | set(res_b)):
        x, y = res_a.get(code), res_b.get(code)
        ca = None if x is None else x.get("class_final")
        cb = None if y is None else y.get("class_final")
        if x is not None and y is not None and ca == cb:
            continue
        ref = y or x or {}
        if x is None:
            ind, delta = "", None
            zh, en = "仅在后一批次中参评", "evaluated in the second run only"
        elif y is None:
            ind, delta = "", None
            zh, en = "仅在前一批次中参评", "evaluated in the first run only"
        else:
            ind, delta, zh, en = _reason(code, items_a, items_b, events_a, events_b)
        rows.append(
            {
                "credit_code": code,
                "name": ref.get("name"),
                "pool_name": ref.get("pool_name"),
                "class_a": ca,
                "class_b": cb,
                "score_a": None if x is None else x.get("score"),
                "score_b": None if y is None else y.get("score"),
                "move": _move(ca if x is not None else None, cb if y is not None else None),
                "indicator": ind,
                "item_delta": delta,
                "reason_zh": zh,
                "reason_en": en,
            }
        )
    return pa.Table.from_pylist(rows, schema=COMPARE_SCHEMA)


def class_history(
    store: Store,
    code: str,
    *,
    method: str | None = None,
    before_year: int | None = None,
) -> pa.Table:
    """A firm's final class in each earlier year (newest run of each year).

    Parameters
    ----------
    store : Store
    code : str
        The firm's credit code.
    method : str, optional
        Only runs of this method.
    before_year : int, optional
        Only years before this one (what consecutive-year escalation reads).

    Returns
    -------
    pyarrow.Table
        year, run_id, method, pool, score, class_final, rated; by year.
    """
    t = run_class_rows(store, credit_code=code, method=method, before_year=before_year)
    return t.select(["year", "run_id", "method", "pool", "score", "class_final", "rated"])


def firm_diagnostic(
    store: Store, run_id: str, code: str, *, run: Run | None = None
) -> dict[str, Any]:
    """One firm's diagnostic (体检) in a run, against last year's run of the same method.

    Wraps :func:`fenghuang.evaluation.diagnose` with the method as the run
    stored it, the run's input snapshot as ``facts`` (so counterfactuals name
    the lever field, e.g. 实缴税金 +x 元) and, as ``previous``, the newest run
    of the same method for the year before (if any). Adds ``run_id`` and
    ``previous_run_id``. Pass ``run`` (the loaded run ``run_id``) to save
    reloading it.

    Raises
    ------
    NotFoundError
        When the run does not exist or the firm is not in it.
    """
    run = run if run is not None and run.run_id == run_id else load_run(store, run_id)
    codes = set(run.results.column("credit_code").to_pylist())
    if code not in codes:
        raise NotFoundError(
            "E-RUN-NO-FIRM",
            zh=f"该企业不在评价批次 {run_id} 中",
            en=f"the firm is not in run {run_id}",
            firm=code,
        )
    prev_id = latest_run_id(store, run.method, run.year - 1)
    previous = load_run(store, prev_id).evaluation if prev_id else None
    out = diagnose(run.evaluation, parsed_method_of(run), code, previous=previous, facts=run.facts)
    out.setdefault("run_id", run_id)
    out.setdefault("previous_run_id", prev_id)
    return out
