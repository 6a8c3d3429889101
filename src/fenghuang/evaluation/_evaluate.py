"""``evaluate``: one year's firm facts and a method in, the Evaluation tables out.

Pure: no store, no clock, no randomness. Vectorised over firms: every rule is
a numpy pass over a column or a pool (loops run over pools, items and rules
of the method, never over firms).

Steps (each logged with its parameters):

1. columns, derived fields and indicator values (:mod:`._frame`);
2. not-rated rules in file order (exempt → ``参照B``, no land → ``T`` …): the
   first that applies wins and the firm takes no part in scoring;
3. pools: the first pool whose ``when`` holds; a firm in no pool is not
   rated (``T``, rule ``no_pool``);
4. item scores per pool (:mod:`._scoring`); a firm with every item missing
   is not rated (``T``, rule ``no_data``), one with some missing is flagged
   数据缺失 and scored by the method's missing-data rule;
5. score = sum of item scores; raw classes per pool and class group, the
   boundaries (:mod:`._classes`);
6. adjustments, provisional floors and vetoes (:mod:`._classes`);
7. ranks within the pool (ties share the smaller rank), percentiles
   ``(n − rank)/(n − 1)`` within the pool and within pool × industry code
   (1 = best; a group of one gives 1), flags and the 公示 remark.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fenghuang.engine import rank_within_groups
from fenghuang.evaluation._classes import Events, apply_rules, classify_pool
from fenghuang.evaluation._frame import Array, Frame, build_frame, factorize
from fenghuang.evaluation._model import (
    BOUNDARIES_SCHEMA,
    EVENTS_SCHEMA,
    ITEMS_SCHEMA,
    POOL_STATS_SCHEMA,
    RESULTS_SCHEMA,
    Evaluation,
)
from fenghuang.evaluation._scoring import MISSING_ZH, ItemScore, score_pool
from fenghuang.methods import Method

__all__ = ["evaluate"]

FLAG_ORDER = ("数据缺失", "不参评", "暂定等级", "定档", "提档", "降档", "一票否决")
_NO_POOL = (
    "no_pool",
    "不属于方法规定的任何评价组，不参加评价（T类）",
    "in no pool of the method: not evaluated (class T)",
)
_NO_DATA = (
    "no_data",
    "全部评价指标均无数据，不参加评价（T类）",
    "no data for any indicator: not evaluated (class T)",
)


def _f64(a: Array) -> pa.Array:
    arr = np.asarray(a, dtype=np.float64)
    return pa.array(arr, type=pa.float64(), mask=~np.isfinite(arr))


def _str(a: Array) -> pa.Array:
    return pa.array(np.asarray(a, dtype=object), type=pa.string())


def _year(facts: pa.Table, method: Method) -> int:
    if "year" in facts.column_names:
        ys = facts.column("year").drop_null()
        if len(ys):
            return int(ys[0].as_py())
    return method.meta.year


def _last_classes(earlier: pa.Table | None, year: int, codes: Array) -> Array:
    out = np.full(codes.size, None, dtype=object)
    if earlier is None or earlier.num_rows == 0:
        return out
    t = earlier
    if "year" in t.column_names:
        t = t.filter(pa.compute.equal(t.column("year"), year - 1))
    col = "class_final" if "class_final" in t.column_names else "class"
    if t.num_rows == 0 or col not in t.column_names:
        return out
    src = np.asarray(t.column("credit_code").to_numpy(zero_copy_only=False), dtype=object)
    val = np.asarray(t.column(col).to_numpy(zero_copy_only=False), dtype=object)
    src_s = src.astype(str)
    order = np.argsort(src_s, kind="stable")
    cur = np.asarray(codes, dtype=object).astype(str)
    pos = np.minimum(np.searchsorted(src_s[order], cur), src_s.size - 1)
    idx = order[pos]
    return np.asarray(np.where(src_s[idx] == cur, val[idx], np.asarray(None, dtype=object)))


def _items_table(
    parts: list[tuple[Array, ItemScore, npt.NDArray[np.bool_]]], method: Method, codes: Array
) -> pa.Table:
    cols: dict[str, list[Any]] = {k: [] for k in ITEMS_SCHEMA.names}
    for members, it, keep in parts:
        ind = method.indicator(it.indicator)
        k = int(keep.sum())
        cols["credit_code"].append(codes[members[keep]])
        cols["indicator"].append(np.full(k, it.indicator, dtype=object))
        cols["name"].append(np.full(k, ind.zh, dtype=object))
        cols["unit"].append(np.full(k, ind.unit, dtype=object))
        cols["value"].append(it.value[keep])
        cols["benchmark"].append(it.benchmark[keep])
        cols["max_score"].append(np.full(k, it.weight))
        cols["cap"].append(np.full(k, it.cap_points))
        cols["item_score"].append(it.score[keep])
        cols["missing_rule"].append(np.where(it.missing[keep], it.rule, "").astype(object))
    arrays = []
    for f in ITEMS_SCHEMA:
        data = (
            np.concatenate(cols[f.name])
            if cols[f.name]
            else np.zeros(0, dtype=object if f.type == pa.string() else np.float64)
        )
        arrays.append(_f64(data) if f.type == pa.float64() else _str(data))
    return pa.Table.from_arrays(arrays, schema=ITEMS_SCHEMA)


def _flags_array(masks: dict[str, npt.NDArray[np.bool_]], n: int) -> pa.Array:
    names = [f for f in FLAG_ORDER if f in masks]
    mat = np.column_stack([masks[f] for f in names]) if names else np.zeros((n, 0), bool)
    rows, cols = np.nonzero(mat)  # row-major: firm by firm, flags in FLAG_ORDER
    counts = np.bincount(rows, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = pa.array(np.asarray(names, dtype=object)[cols] if names else [], type=pa.string())
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)


def _percentile(rank: npt.NDArray[np.intp], of: npt.NDArray[np.intp]) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(of > 1, (of - rank) / (of - 1), 1.0)
    return np.where(rank > 0, pct, np.nan)


def _events_table(ev: Events, codes: Array) -> pa.Table:
    if not ev.firm:
        return EVENTS_SCHEMA.empty_table()
    firm = np.concatenate(ev.firm)
    data = [codes[firm]] + [
        np.concatenate(x) for x in (ev.kind, ev.rule, ev.zh, ev.en, ev.before, ev.after)
    ]
    return pa.Table.from_arrays([_str(d) for d in data], schema=EVENTS_SCHEMA)


def _remarks(ev: Events, n: int) -> Array:
    remark = np.full(n, "", dtype=object)
    missing = np.zeros(n, dtype=bool)
    for idx, kind, zh in zip(ev.firm, ev.kind, ev.zh, strict=True):
        if kind.size and kind[0] == "missing":
            missing[idx] = True
            continue
        cur = remark[idx]
        remark[idx] = np.where(cur == "", zh, cur + "；" + zh)
    note = "部分指标数据缺失，已按方法规则计分"
    remark = np.where(missing, np.where(remark == "", note, remark + "；" + note), remark)
    return remark


def evaluate(
    facts: pa.Table,
    method: Method,
    *,
    previous: pa.Table | None = None,
    earlier_classes: pa.Table | None = None,
) -> Evaluation:
    """Evaluate every firm of one year under a method.

    Parameters
    ----------
    facts : pyarrow.Table
        What :func:`fenghuang.warehouse.firm_facts` returns for the year: one
        row per firm, base units, null where no source gave a value.
    method : Method
        From :func:`fenghuang.methods.load_method`.
    previous : pyarrow.Table, optional
        The same for the previous year: previous-year benchmarks (e.g. 2 ×
        the county's average) and ``prev(field)`` in rules.
    earlier_classes : pyarrow.Table, optional
        Earlier results (``credit_code``, ``year``, ``class_final``); the
        previous year's class is ``class_last_year`` in rules.

    Returns
    -------
    Evaluation
        Tables with the schemas of :mod:`fenghuang.evaluation._model`.

    Raises
    ------
    EvaluationError
        A benchmark that needs the previous year when none is given, or that
        cannot be computed from the data.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from fenghuang.methods import load_method
    >>> facts = pa.table({"credit_code": ["A1", "B2"], "year": [2023, 2023],
    ...     "above_scale": [False, False], "land_own": [10.0, 5.0],
    ...     "tax_paid": [115932.0 * 10, 0.0], "electricity_kwh": [1e6, 1e6]})
    >>> ev = evaluate(facts, load_method("huangyan-2022"))
    >>> round(ev.results.column("score")[0].as_py(), 4)  # 50 + 1.15932/0.2352 × 50
    296.4541
    """
    log: list[dict[str, Any]] = []
    year = _year(facts, method)
    log.append(
        {
            "step": "start",
            "method": method.name,
            "method_sha256": method.sha256,
            "year": year,
            "n_firms": facts.num_rows,
            "previous": previous.num_rows if previous is not None else None,
        }
    )
    prev_frame = build_frame(previous, method) if previous is not None else None
    codes0 = (
        np.asarray(facts.column("credit_code").to_numpy(zero_copy_only=False), dtype=object)
        if facts.num_rows
        else np.zeros(0, dtype=object)
    )
    extra = {"class_last_year": _last_classes(earlier_classes, year, codes0)}
    frame = build_frame(facts, method, prev=prev_frame, extra=extra)
    n = frame.n
    codes = frame.cols["credit_code"]
    log.append({"step": "derived", "fields": {d.name: d.formula for d in method.derived}})
    log.append(
        {
            "step": "indicators",
            "formulas": {i.code: (i.formula, i.scale) for i in method.indicators},
        }
    )
    events = Events()
    nr_label = np.full(n, "", dtype=object)
    for i, r in enumerate(method.not_rated):
        idx = np.flatnonzero(frame.not_rated == i)
        nr_label[idx] = r.label
        events.add(
            idx,
            "not_rated",
            r.id,
            r.remark_zh or r.reason_zh,
            r.reason_en,
            np.full(idx.size, ""),
            np.full(idx.size, r.label),
        )
        log.append({"step": "not_rated", "rule": r.id, "when": r.when, "n": int(idx.size)})
    idx = np.flatnonzero((frame.not_rated < 0) & (frame.pool < 0))
    nr_label[idx] = "T"
    events.add(
        idx,
        "not_rated",
        _NO_POOL[0],
        _NO_POOL[1],
        _NO_POOL[2],
        np.full(idx.size, ""),
        np.full(idx.size, "T"),
    )
    score = np.full(n, np.nan)
    cls = np.full(n, -1, dtype=np.intp)
    class_group = np.full(n, "", dtype=object)
    missing_any = np.zeros(n, dtype=bool)
    item_parts: list[tuple[Array, ItemScore, npt.NDArray[np.bool_]]] = []
    bounds: list[dict[str, Any]] = []
    stats_rows: list[dict[str, Any]] = []
    for p, pool in enumerate(method.pools):
        members = np.flatnonzero(frame.pool == p)
        log.append({"step": "pool", "pool": pool.code, "when": pool.when, "n": int(members.size)})
        if members.size == 0:
            continue
        items = score_pool(method, p, frame, members, prev_frame, log)
        miss = np.column_stack([it.missing for it in items])
        total = np.sum(np.column_stack([it.score for it in items]), axis=1)
        nodata = miss.all(axis=1)
        nd = members[nodata]
        nr_label[nd] = "T"
        events.add(
            nd,
            "not_rated",
            _NO_DATA[0],
            _NO_DATA[1],
            _NO_DATA[2],
            np.full(nd.size, ""),
            np.full(nd.size, "T"),
        )
        keep = np.asarray(~nodata, dtype=bool)
        rated_idx = members[keep]
        score[rated_idx] = total[keep]
        missing_any[rated_idx] = miss[keep].any(axis=1)
        for it in items:
            ind = method.indicator(it.indicator)
            mi = members[it.missing & keep]
            zh = f"{ind.zh}数据缺失，{MISSING_ZH[it.rule]}"
            en = f"{ind.en} missing: {it.rule}"
            events.add(
                mi,
                "missing",
                f"missing.{it.indicator}",
                zh,
                en,
                np.full(mi.size, ""),
                np.full(mi.size, ""),
            )
            item_parts.append((members, it, keep))
            stats_rows.append({"pool": pool.code, "indicator": it.indicator, **it.stats})
        cls_p, groups, rows = classify_pool(method, p, frame, rated_idx, score[rated_idx], log)
        cls[rated_idx] = cls_p
        class_group[rated_idx] = groups
        bounds.extend(rows)
    rated = ~np.isnan(score)
    pool_labels = [
        np.asarray([*method.class_rule(pl).labels, ""], dtype=object) for pl in method.pools
    ]

    def labels_of(c: npt.NDArray[np.intp]) -> Array:
        out = nr_label.copy()
        for p in range(len(method.pools)):
            sel = rated & (frame.pool == p)
            out[sel] = pool_labels[p][c[sel]]
        return out

    class_raw = labels_of(cls)
    class_raw[~rated] = ""
    final = cls.copy()
    masks = apply_rules(method, frame, final, rated, events, log)
    class_final = labels_of(final)
    masks["数据缺失"] = missing_any
    masks["不参评"] = ~rated
    pool_key = np.where(rated, frame.pool, -1)
    rk = rank_within_groups(np.where(rated, score, np.nan), groups=pool_key)
    ind_codes, _ = factorize(frame.cols["industry_code"])
    ind_key = (pool_key.astype(np.int64) + 1) * (int(ind_codes.max(initial=0)) + 1) + ind_codes
    rk_ind = rank_within_groups(np.where(rated, score, np.nan), groups=ind_key)
    pool_code = np.asarray([p.code for p in method.pools] + [""], dtype=object)[frame.pool]
    pool_name = np.asarray([p.zh for p in method.pools] + [""], dtype=object)[frame.pool]
    above = (
        facts.column("above_scale").cast(pa.bool_())
        if "above_scale" in facts.column_names
        else pa.nulls(n, pa.bool_())
    )
    results = pa.Table.from_arrays(
        [
            _str(codes),
            *(
                _str(frame.cols[c])
                for c in (
                    "name",
                    "former_names",
                    "county_code",
                    "county",
                    "park",
                    "industry_code",
                    "chain",
                )
            ),
            above,
            _str(pool_code),
            _str(pool_name),
            _str(class_group),
            _f64(score),
            pa.array(np.where(rated, rk.rank, 0), pa.int64(), mask=~rated),
            pa.array(np.where(rated, rk.of, 0), pa.int64(), mask=~rated),
            _f64(_percentile(rk.rank, rk.of)),
            _f64(_percentile(rk_ind.rank, rk_ind.of)),
            _str(class_raw),
            _str(class_final),
            pa.array(rated, pa.bool_()),
            _flags_array(masks, n),
            _str(_remarks(events, n)),
        ],
        schema=RESULTS_SCHEMA,
    )
    boundaries = pa.Table.from_pylist(bounds, schema=BOUNDARIES_SCHEMA)
    pool_stats = pa.Table.from_pylist(
        [
            {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
            for r in stats_rows
        ],
        schema=POOL_STATS_SCHEMA,
    )
    log.append(
        {
            "step": "done",
            "rated": int(rated.sum()),
            "not_rated": int((~rated).sum()),
            "classes": {
                str(k): int(v)
                for k, v in zip(
                    *np.unique(class_final.astype(str), return_counts=True), strict=True
                )
            },
        }
    )
    return Evaluation(
        method=method.name,
        year=year,
        results=results,
        items=_items_table(item_parts, method, codes),
        events=_events_table(events, codes),
        boundaries=boundaries,
        pool_stats=pool_stats,
        log=log,
    )


def frame_of(facts: pa.Table, method: Method, previous: pa.Table | None = None) -> Frame:
    """The evaluation's column frame (for diagnostics that re-evaluate formulas)."""
    prev = build_frame(previous, method) if previous is not None else None
    return build_frame(facts, method, prev=prev)
