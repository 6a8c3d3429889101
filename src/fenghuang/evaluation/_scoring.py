"""Item scores of one pool: benchmarks (fixed or from the data), ratio or min-max, missing data.

Rules (each logged with its parameters):

* ``benchmark`` scoring: ``item = weight × x / b`` (``weight × b / x`` for a
  lower-is-better indicator) through :func:`fenghuang.engine.n_benchmark`,
  capped at ``cap × weight`` and floored at 0 (a net refund scores 0). A
  lower-is-better value of 0 scores the cap (or the weight without a cap).
* ``minmax`` scoring: ``item = weight × [lo + (hi − lo) × (x − min)/(max − min)] / 100``
  through :func:`fenghuang.engine.n_minmax` over the pool's firms with a
  value (Jingde's lo = 20, hi = 100). When every firm has the same value the
  range is undefined and each gets ``hi`` (no firm is worse than another).
* A benchmark computed from the data is ``factor × statistic`` of the
  indicator over the pool (or all pools) this year or the previous year,
  optionally per group (e.g. county); a group without data falls back to the
  whole pool's statistic, and that is logged. When no firm of the pool has a
  positive statistic this year (or no firm has a value this year) the item
  cannot discriminate: firms with a value score 0 on it, the others follow
  the missing rule (logged ``unusable``); when this year's firms have values
  but the previous year gives no benchmark the evaluation stops with
  ``E-EVAL-BENCHMARK``.
* Missing value: ``pool_mean`` gives the pool's average item score over the
  firms with a value (0 if none has one), ``zero`` gives 0, ``penalty``
  gives ``−penalty`` points. The firm is flagged 数据缺失; no NaN remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.engine import n_benchmark, n_minmax
from fenghuang.errors import EvaluationError
from fenghuang.evaluation._frame import Array, Frame
from fenghuang.methods import BenchmarkStat, Item, Method, Pool

__all__ = ["ItemScore", "score_pool"]

MISSING_ZH = {"pool_mean": "取本组平均单项得分", "zero": "计0分", "penalty": "扣分"}


@dataclass
class ItemScore:
    """One item over the pool's firms (arrays aligned with the pool's firm indices)."""

    indicator: str
    value: Array
    benchmark: Array
    weight: float
    cap_points: float  # inf: no cap
    score: Array
    missing: npt.NDArray[np.bool_]
    rule: str
    stats: dict[str, Any] = field(default_factory=dict)


def _stat(x: Array, b: BenchmarkStat) -> float:
    x = x[~np.isnan(x)]
    if x.size == 0:
        return float("nan")
    if b.statistic == "mean":
        return float(x.mean())
    if b.statistic == "median":
        return float(np.median(x))
    if b.statistic == "min":
        return float(x.min())
    if b.statistic == "max":
        return float(x.max())
    return float(np.quantile(x, b.q if b.q is not None else 0.5))


def _source(frame: Frame, pool_idx: int, b: BenchmarkStat) -> npt.NDArray[np.bool_]:
    if b.scope == "all":
        return np.asarray(frame.pool >= 0)
    return np.asarray(frame.pool == pool_idx)


def _benchmark(
    method: Method,
    pool: Pool,
    pool_idx: int,
    item: Item,
    frame: Frame,
    members: npt.NDArray[np.intp],
    prev: Frame | None,
    log: list[dict[str, Any]],
) -> tuple[Array, float]:
    """Per-firm benchmark (display units) and the pool-level value (NaN when grouped)."""
    b = item.benchmark
    if b is None:
        return np.full(members.size, np.nan), float("nan")
    if isinstance(b, float):
        return np.full(members.size, b), b
    src = frame if b.year == "current" else prev
    if src is None:
        raise EvaluationError(
            "E-EVAL-PREVIOUS-NEEDED",
            zh=f"指标 {item.indicator} 的基准值取上一年度数据，但未提供上一年度数据",
            en=f"the benchmark of {item.indicator} uses the previous year, which was not given",
            indicator=item.indicator,
            hint_zh="调用 evaluate(..., previous=上一年度 firm_facts)",
            hint_en="pass previous=<the previous year's firm_facts> to evaluate",
        )
    mask = _source(src, pool_idx, b)
    values = src.cols[item.indicator][mask]
    overall = _stat(values, b) * b.factor
    entry: dict[str, Any] = {
        "step": "benchmark",
        "pool": pool.code,
        "indicator": item.indicator,
        **b.model_dump(),
        "n_source": int(np.count_nonzero(~np.isnan(values))),
        "overall": overall,
    }
    have_now = bool(np.any(~np.isnan(frame.cols[item.indicator][members])))
    if not (np.isfinite(overall) and overall > 0) and (b.year == "current" or not have_now):
        # no firm of the pool has a (positive) value this year: nothing to compare with;
        # firms with a value score 0 on the item, firms without follow the missing rule
        entry["unusable"] = True
        log.append(entry)
        return np.full(members.size, np.nan), float("nan")
    if not (np.isfinite(overall) and overall > 0):
        raise EvaluationError(
            "E-EVAL-BENCHMARK",
            zh=f"指标 {item.indicator} 的基准值无法计算（{b.statistic} = {overall}）",
            en=f"the benchmark of {item.indicator} cannot be computed ({b.statistic} = {overall})",
            indicator=item.indicator,
            hint_zh="检查该组该年度是否有有效数据",
            hint_en="check that the pool has usable values for that year",
        )
    if b.group_by is None:
        log.append(entry)
        return np.full(members.size, overall), overall
    gf = method.formula(f"benchmark.{pool.code}.{item.indicator}")
    src_keys = src.group_keys(gf).filter(pa.array(mask))
    cur_keys = frame.group_keys(gf).take(pa.array(members))
    enc = pc.dictionary_encode(pa.concat_arrays([src_keys, cur_keys]))
    codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.intp)
    keys = np.asarray(enc.dictionary.to_pylist(), dtype=object)
    sc, cc = codes[: len(src_keys)], codes[len(src_keys) :]
    per = np.full(keys.size, np.nan)
    if b.statistic == "mean":  # one pass for all groups
        ok = ~np.isnan(values)
        tot = np.bincount(sc[ok], weights=values[ok], minlength=keys.size)
        cnt = np.bincount(sc[ok], minlength=keys.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            per = np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan) * b.factor
    else:
        for g in np.unique(sc):  # one pass per group (counties), not per firm
            per[g] = _stat(values[sc == g], b) * b.factor
    bad = ~(np.isfinite(per) & (per > 0))
    fallback = [str(k) for k in keys[bad] if k in set(keys[cc])]
    per[bad] = overall
    entry["groups"] = {str(k): float(v) for k, v in zip(keys, per, strict=True)}
    entry["fallback_to_overall"] = fallback
    log.append(entry)
    return per[cc], float("nan")


def score_pool(
    method: Method,
    pool_idx: int,
    frame: Frame,
    members: npt.NDArray[np.intp],
    prev: Frame | None,
    log: list[dict[str, Any]],
) -> list[ItemScore]:
    """Score every item of pool ``pool_idx`` for the firms ``members`` (indices into frame)."""
    pool = method.pools[pool_idx]
    out: list[ItemScore] = []
    for item in pool.items:
        ind = method.indicator(item.indicator)
        x = frame.cols[item.indicator][members]
        have = ~np.isnan(x)
        w = float(item.weight)
        cap = item.cap if item.cap is not None else pool.cap
        bench, bench_pool = _benchmark(method, pool, pool_idx, item, frame, members, prev, log)
        stats: dict[str, Any] = {"benchmark": bench_pool}
        if pool.scoring == "benchmark":
            cap_points = w * cap if cap is not None else float("inf")
            xs = np.where(have, x, np.nan)
            if ind.direction == -1:
                zero = have & (xs <= 0)
                xs = np.where(zero, np.nan, xs)
            if np.isnan(bench).all():
                sc = np.where(have, 0.0, np.nan)
            else:
                sc = n_benchmark(xs, bench, weight=w, cap=cap, direction=ind.direction)
                sc = np.maximum(sc, 0.0)
            if ind.direction == -1:
                best = cap_points if np.isfinite(cap_points) else w
                sc = np.where(zero & (x == 0), best, np.where(zero, 0.0, sc))
        else:
            lo, hi = pool.minmax_range
            cap_points = w * hi / 100.0
            sc = np.full(members.size, np.nan)
            if have.any():
                xv = x[have]
                if float(xv.max()) > float(xv.min()):
                    sc[have] = n_minmax(xv, lo=lo, hi=hi, direction=ind.direction) * w / 100.0
                else:
                    sc[have] = cap_points
                    log.append(
                        {
                            "step": "minmax_zero_range",
                            "pool": pool.code,
                            "indicator": item.indicator,
                            "value": float(xv[0]),
                            "score": cap_points,
                        }
                    )
                stats["min"], stats["max"] = float(xv.min()), float(xv.max())
        # A finite but absurd value (revenue of 1e-305 元 under an R&D ratio) can
        # overflow the item; such a value is unusable and follows the missing rule.
        over = have & ~np.isfinite(sc)
        if over.any():
            have = have & ~over
            sc = np.where(over, np.nan, sc)
            log.append(
                {
                    "step": "item_unusable",
                    "pool": pool.code,
                    "indicator": item.indicator,
                    "n_firms": int(over.sum()),
                    "reason": "item score not finite (absurd value)",
                }
            )
        mean_item = float(np.mean(sc[have])) if have.any() else 0.0
        if "min" not in stats:
            stats["min"] = float(x[have].min()) if have.any() else float("nan")
            stats["max"] = float(x[have].max()) if have.any() else float("nan")
        stats["mean_item"] = mean_item
        stats["count"] = int(have.sum())
        miss = ~have
        fill = {"pool_mean": mean_item, "zero": 0.0, "penalty": -float(item.penalty)}[item.missing]
        sc = np.where(miss, fill, sc)
        log.append(
            {
                "step": "item",
                "pool": pool.code,
                "indicator": item.indicator,
                "scoring": pool.scoring,
                "weight": w,
                "cap": cap,
                "direction": ind.direction,
                "missing_rule": item.missing,
                "missing_fill": fill,
                "n_missing": int(miss.sum()),
                **{k: v for k, v in stats.items() if k != "benchmark"},
            }
        )
        out.append(
            ItemScore(item.indicator, x, bench, w, cap_points, sc, miss, item.missing, stats)
        )
    return out
