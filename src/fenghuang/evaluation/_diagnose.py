"""The per-firm diagnostic (体检报告) and its counterfactuals, from an Evaluation's tables.

``diagnose`` is pure: it reads the evaluation's tables (and, for changes in
the underlying fields, the facts that were evaluated) and re-scores one
firm with one value changed, every other value and every pool statistic
frozen (``pool_stats``, the benchmarks in ``items`` and the class boundaries
in ``boundaries``).

Counterfactual of indicator *j* for a firm in class *k* with score *s*:

1. the target is the lowest score of the nearest better class that has one
   (``boundaries.min_score``; a score equal to it reaches the class);
2. the item must give ``item_j + (target − s)`` points; if that exceeds the
   item's most points (its cap, or the weight under min-max) no change of
   this indicator alone can reach the class, and the diagnostic says so;
3. the indicator value giving those points is the inverse of the item rule:
   ``x = points × b / w`` (benchmark ratio), ``x = w × b / points`` (lower is
   better), ``x = min + (100 × points / w − lo)/(hi − lo) × (max − min)``
   (min-max; mirrored when lower is better);
4. with the facts, the indicator's lever field (``lever`` in the method
   file, e.g. tax paid for tax per mu) is solved from the indicator formula
   with the other fields fixed: e.g. 亩均税收 +x 万元/亩 = 实缴税金 +x × 亩数 万元.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.optimize import brentq

from fenghuang.errors import NotFoundError
from fenghuang.evaluation._frame import build_frame
from fenghuang.evaluation._model import Evaluation
from fenghuang.facts import FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.methods import Method

__all__ = ["diagnose"]


_UNIT_EN = {"元": "yuan", "万元/亩": "10k yuan/mu", "万元/人": "10k yuan/worker",
            "万元/吨标准煤": "10k yuan/tce", "万元/吨": "10k yuan/t", "元/千瓦时": "yuan/kWh",
            "吨标准煤": "tce", "吨": "t", "人": "workers", "件": "patents", "比值": ""}  # fmt: skip


def _fmt(v: float | None, unit: str = "", *, en: bool = False) -> str:
    if v is None or not math.isfinite(v):
        return "—"
    if en:
        unit = _UNIT_EN.get(unit, unit)
        if unit == "yuan":
            return f"{v:,.0f} yuan"
    elif unit == "元" and abs(v) >= 1e4:
        return f"{v / 1e4:,.2f} 万元"
    a = abs(v)
    digits = 2 if a >= 1 else 4 if a >= 0.01 else 6
    return f"{v:,.{digits}f}{(' ' + unit) if unit else ''}"


def _row(table: pa.Table, code: str) -> dict[str, Any] | None:
    hit = table.filter(pc.equal(table.column("credit_code"), code))
    return hit.to_pylist()[0] if hit.num_rows else None


def _next_class(ev: Evaluation, method: Method, r: dict[str, Any]) -> dict[str, Any] | None:
    pool = next((p for p in method.pools if p.code == r["pool"]), None)
    if pool is None or not r["rated"]:
        return None
    labels = list(method.class_rule(pool).labels)
    if r["class_raw"] not in labels:
        return None
    k = labels.index(r["class_raw"])
    b = ev.boundaries.filter(
        pc.and_(
            pc.equal(ev.boundaries.column("pool"), r["pool"]),
            pc.equal(ev.boundaries.column("class_group"), r["class_group"] or ""),
        )
    ).to_pylist()
    mins = {x["class_label"]: x["min_score"] for x in b}
    for j in range(k - 1, -1, -1):
        ms = mins.get(labels[j])
        if ms is not None and ms > r["score"]:
            return {"label": labels[j], "min_score": ms, "gap": ms - r["score"]}
    return None


def _value_for(
    points: float, it: dict[str, Any], stats: dict[str, Any], method: Method, pool_code: str
) -> float:
    pool = next(p for p in method.pools if p.code == pool_code)
    ind = method.indicator(it["indicator"])
    w = it["max_score"]
    if pool.scoring == "benchmark":
        b = it["benchmark"]
        if ind.direction == 1:
            return float(points * b / w)
        return float(w * b / points) if points > 0 else math.inf
    lo, hi = pool.minmax_range
    mn, mx = stats["min"], stats["max"]
    t = (100.0 * points / w - lo) / (hi - lo)
    t = min(max(t, 0.0), 1.0)
    return float(mn + t * (mx - mn)) if ind.direction == 1 else float(mx - t * (mx - mn))


def _lever(
    method: Method, facts: pa.Table, code: str, indicator: str, target_display: float
) -> dict[str, Any] | None:
    """Solve the lever field giving the indicator value ``target_display``; None if impossible."""
    ind = method.indicator(indicator)
    if ind.lever is None:
        return None
    row = facts.filter(pc.equal(facts.column("credit_code"), code))
    if row.num_rows != 1:
        return None
    frame = build_frame(row, method)
    lever = ind.lever
    derived = [d.name for d in method.derived]
    now = float(frame.cols[lever][0]) if lever in frame.cols else float("nan")
    f0 = 0.0 if math.isnan(now) else now

    def value_at(f: float) -> float:
        cols: dict[str, Any] = {k: frame.cols[k] for k in frame.cols}
        cols[lever] = np.asarray([f])
        if lever not in derived:
            for d in method.derived:
                cols[d.name] = method.formula(f"derived.{d.name}").evaluate(cols, n=1)
        return float(method.formula(f"indicator.{indicator}").evaluate(cols, n=1)[0] * ind.scale)

    def h(f: float) -> float:
        v = value_at(f)
        return v - target_display if math.isfinite(v) else math.nan

    h0 = h(f0)
    if h0 == 0:
        return {"now": now, "needed": f0}
    # search outward from the current value for a sign change (the indicator is monotone)
    step = max(abs(f0), 1.0)
    for k in range(60):
        for cand in (
            f0 + step * 2.0**k,
            f0 - step * 2.0**k if f0 - step * 2.0**k > 0 else f0 * 0.5 ** (k + 1),
        ):
            hc = h(cand)
            if math.isfinite(hc) and math.isfinite(h0) and np.sign(hc) != np.sign(h0):
                lo, hi = sorted((f0, cand))
                return {"now": now, "needed": float(brentq(h, lo, hi, xtol=1e-9, rtol=1e-12))}
    return None


def _field_label(method: Method, name: str) -> tuple[str, str]:
    spec = {**FIRM_FIELDS, **FIRM_YEAR_FIELDS}.get(name)
    if spec is not None:
        return spec.zh, spec.unit
    for d in method.derived:
        if d.name == name:
            return d.zh, d.unit
    return name, ""


def diagnose(
    evaluation: Evaluation,
    method: Method,
    credit_code: str,
    *,
    previous: Evaluation | None = None,
    facts: pa.Table | None = None,
    industry_medians: dict[str, float] | None = None,
) -> dict[str, Any]:
    """One firm's diagnostic: indicators, percentiles, change, events, counterfactuals.

    Parameters
    ----------
    evaluation : Evaluation
        What :func:`fenghuang.evaluation.evaluate` returned (or a reloaded run).
    method : Method
        The method evaluated (a run's stored text, parsed).
    credit_code : str
    previous : Evaluation, optional
        Last year's evaluation, for the change from last year.
    facts : pyarrow.Table, optional
        The facts evaluated; with them each counterfactual also gives the
        change of the indicator's lever field (e.g. 实缴税金 +x 元).
    industry_medians : dict, optional
        The median item score of each indicator over the firm's industry
        peers (same pool, same ``industry_code``, the firm included), as
        this function computes it (``numpy.median``, NaN if any is missing),
        when the caller has computed them once for many firms (the web
        does, per run). Given, the peers are not read, and ``evaluation``
        may hold only the firm's rows of ``results``/``items``/``events``.

    Returns
    -------
    dict
        ``credit_code``, ``name``, ``pool``, ``score``, ``class_raw``,
        ``class_final``, ``rated``, ``flags``, ``remark``, ``rank_in_pool``,
        ``pool_size``, ``percentile_pool``, ``percentile_industry``,
        ``indicators`` (list of dicts: ``code``, ``name``, ``unit``, ``value``,
        ``benchmark``, ``item_score``, ``max_score``, ``cap``,
        ``contribution`` (share of the score), ``industry_median_item``,
        ``missing_rule``), ``next_class``, ``change`` (or None),
        ``events`` and ``counterfactuals`` (list of dicts with
        ``sentence_zh``/``sentence_en`` and the numbers).

    Raises
    ------
    NotFoundError
        The firm is not in the evaluation.
    """
    r = _row(evaluation.results, credit_code)
    if r is None:
        raise NotFoundError(
            "E-EVAL-FIRM-NOT-FOUND",
            zh=f"评价结果中没有企业 {credit_code}",
            en=f"firm {credit_code} is not in this evaluation",
            firm=credit_code,
        )
    items_t = evaluation.items
    mine = items_t.filter(pc.equal(items_t.column("credit_code"), credit_code)).to_pylist()
    stats = {
        (s["pool"], s["indicator"]): s
        for s in evaluation.pool_stats.to_pylist()
        if s["pool"] == r["pool"]
    }
    if industry_medians is None:
        industry_medians = _industry_medians(evaluation, r)
    indicators = []
    for it in mine:
        ind = method.indicator(it["indicator"])
        med = industry_medians.get(it["indicator"])
        score = r["score"] or 0.0
        indicators.append(
            {
                "code": it["indicator"],
                "name": it["name"],
                "name_en": ind.en,
                "dimension": ind.dimension,
                "unit": it["unit"],
                "value": it["value"],
                "benchmark": it["benchmark"],
                "item_score": it["item_score"],
                "max_score": it["max_score"],
                "cap": it["cap"],
                "contribution": (it["item_score"] / score) if score > 0 else None,
                "industry_median_item": med,
                "missing_rule": it["missing_rule"],
            }
        )
    ev_rows = [
        e
        for e in evaluation.events.filter(
            pc.equal(evaluation.events.column("credit_code"), credit_code)
        ).to_pylist()
    ]
    nxt = _next_class(evaluation, method, r)
    out: dict[str, Any] = {
        k: r[k]
        for k in (
            "credit_code",
            "name",
            "county",
            "park",
            "industry_code",
            "pool",
            "pool_name",
            "class_group",
            "score",
            "rank_in_pool",
            "pool_size",
            "percentile_pool",
            "percentile_industry",
            "class_raw",
            "class_final",
            "rated",
            "flags",
            "remark",
        )
    }
    out.update(
        method=evaluation.method, year=evaluation.year, indicators=indicators, events=ev_rows
    )
    out["next_class"] = nxt
    out["change"] = _change(previous, credit_code, r, mine)
    out["counterfactuals"], out["counterfactual_note"] = _counterfactuals(
        method, r, mine, stats, nxt, facts
    )
    return out


def _industry_medians(evaluation: Evaluation, r: dict[str, Any]) -> dict[str, float]:
    """Median item score per indicator over the firm's peers: same pool and industry code."""
    res, items_t = evaluation.results, evaluation.items
    peer_mask = pc.and_(
        pc.equal(res.column("pool"), r["pool"] or ""),
        pc.equal(pc.fill_null(res.column("industry_code"), ""), r["industry_code"] or ""),
    )
    peers = res.filter(peer_mask).column("credit_code")
    peer_items = items_t.filter(pc.is_in(items_t.column("credit_code"), value_set=peers))
    out: dict[str, float] = {}
    for code in set(peer_items.column("indicator").to_pylist()):
        pi = peer_items.filter(pc.equal(peer_items.column("indicator"), code))
        out[str(code)] = float(np.median(pi.column("item_score").to_numpy()))
    return out


def _change(
    previous: Evaluation | None, code: str, r: dict[str, Any], mine: list[dict[str, Any]]
) -> dict[str, Any] | None:
    if previous is None:
        return None
    pr = _row(previous.results, code)
    if pr is None:
        return {"in_previous": False}
    pit = {
        x["indicator"]: x
        for x in previous.items.filter(
            pc.equal(previous.items.column("credit_code"), code)
        ).to_pylist()
    }

    def diff(a: float | None, b: float | None) -> float | None:
        return a - b if a is not None and b is not None else None

    return {
        "in_previous": True,
        "year": previous.year,
        "score_before": pr["score"],
        "score_change": diff(r["score"], pr["score"]),
        "class_before": pr["class_final"],
        "class_now": r["class_final"],
        "rank_before": pr["rank_in_pool"],
        "indicators": {
            it["indicator"]: {
                "value_before": pit[it["indicator"]]["value"],
                "value_change": diff(it["value"], pit[it["indicator"]]["value"]),
                "item_change": diff(it["item_score"], pit[it["indicator"]]["item_score"]),
            }
            for it in mine
            if it["indicator"] in pit
        },
    }


def _counterfactuals(
    method: Method,
    r: dict[str, Any],
    mine: list[dict[str, Any]],
    stats: dict[tuple[str, str], dict[str, Any]],
    nxt: dict[str, Any] | None,
    facts: pa.Table | None,
) -> tuple[list[dict[str, Any]], str]:
    if not r["rated"]:
        return [], "该企业未参评，无等级分数线可比 / not rated: no class boundary to reach"
    if nxt is None:
        return (
            [],
            f"已处于本组最高可达等级（{r['class_raw']}） / already in the best reachable class",
        )
    gap = float(nxt["gap"])
    target = nxt["label"]
    out = []
    for it in mine:
        ind = method.indicator(it["indicator"])
        cap = it["cap"] if it["cap"] is not None else math.inf
        need = it["item_score"] + gap
        entry: dict[str, Any] = {
            "indicator": it["indicator"],
            "name": it["name"],
            "unit": it["unit"],
            "target_class": target,
            "target_score": nxt["min_score"],
            "score_gap": gap,
            "item_now": it["item_score"],
            "item_needed": need,
            "value_now": it["value"],
        }
        pool = next(p for p in method.pools if p.code == r["pool"])
        st = stats.get((r["pool"], it["indicator"]), {})
        no_base = (
            it["benchmark"] is None
            if pool.scoring == "benchmark"
            else st.get("min") is None or st.get("max") is None
        )
        if no_base:
            entry.update(reachable=False)
            entry["sentence_zh"] = f"{it['name']}本组无可比数据（无基准值），无法测算。"
            entry["sentence_en"] = f"{ind.en}: no benchmark in the pool, cannot be computed."
            out.append(entry)
            continue
        if need > cap + 1e-9:
            entry.update(reachable=False)
            entry["sentence_zh"] = (
                f"仅提高{it['name']}无法达到{target}类：该项最多 {_fmt(cap)} 分，"
                f"当前 {_fmt(it['item_score'])} 分，而距{target}类分数线还差 {_fmt(gap)} 分。"
            )
            entry["sentence_en"] = (
                f"{ind.en} alone cannot reach class {target}: the item gives at most "
                f"{_fmt(cap)} points, now {_fmt(it['item_score'])}, and {_fmt(gap)} are missing."
            )
            out.append(entry)
            continue
        x_new = _value_for(need, it, st, method, r["pool"])
        x_now = it["value"]
        change = x_new - x_now if x_now is not None else None
        entry.update(reachable=True, value_needed=x_new, value_change=change)
        verb = "提高" if (change is None or change >= 0) else "降低"
        if x_now is not None and change is not None:
            now_txt = f"由 {_fmt(x_now)} {verb} {_fmt(abs(change), it['unit'])}"
        else:
            now_txt = "当前缺失，需补报数据"
        zh = f"{it['name']}需{verb}到 {_fmt(x_new, it['unit'])}（{now_txt}），"
        en = f"{ind.en} must reach {_fmt(x_new, it['unit'], en=True)}"
        if facts is not None:
            lev = _lever(method, facts, r["credit_code"], it["indicator"], x_new)
            if lev is not None and ind.lever is not None:
                lz, lu = _field_label(method, ind.lever)
                d = lev["needed"] - (lev["now"] if math.isfinite(lev["now"]) else 0.0)
                entry.update(
                    lever=ind.lever,
                    lever_name=lz,
                    lever_unit=lu,
                    lever_now=lev["now"],
                    lever_needed=lev["needed"],
                    lever_change=d,
                )
                zh += f"即{lz}{'增加' if d >= 0 else '减少'} {_fmt(abs(d), lu)}，"
                en += f", i.e. {ind.lever} {'+' if d >= 0 else '−'}{_fmt(abs(d), lu, en=True)}"
        zh += f"可达到{target}类分数线 {_fmt(nxt['min_score'])} 分（其他指标与本组统计不变）。"
        en += f", to reach class {target}'s threshold {_fmt(nxt['min_score'])} (others and pool statistics fixed)."
        entry["sentence_zh"], entry["sentence_en"] = zh, en
        out.append(entry)
    note = ""
    if "一票否决" in (r["flags"] or []):
        note = (
            f"该企业被一票否决，分数达到分数线后最终等级仍为 {r['class_final']} "
            f"/ vetoed: reaching the line does not lift the final class {r['class_final']}"
        )
    return out, note
