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

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.engine import rank_within_groups
from fenghuang.evaluation._classes import Events, apply_rules, classify_pool
from fenghuang.evaluation._combine import combine_shared_parcels
from fenghuang.evaluation._frame import Array, build_frame
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

FLAG_ORDER = ("数据缺失", "合并计算", "不参评", "暂定等级", "定档", "提档", "降档", "一票否决")
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
_MISSING_NOTE = "部分指标数据缺失，已按方法规则计分"

IntArray = npt.NDArray[np.intp]


def _f64(a: Array) -> pa.Array:
    arr = np.asarray(a, dtype=np.float64)
    return pa.array(arr, type=pa.float64(), mask=~np.isfinite(arr))


def _dict(codes: Array, vocab: list[str] | Array) -> pa.Array:
    """A string column from integer codes into a small vocabulary (fast for millions)."""
    ind = pa.array(np.asarray(codes, dtype=np.int32), pa.int32())
    voc = pa.array([str(v) for v in vocab], pa.string())
    return pa.DictionaryArray.from_arrays(ind, voc).cast(pa.string())


def _year(facts: pa.Table, method: Method) -> int:
    if "year" in facts.column_names:
        ys = facts.column("year").drop_null()
        if len(ys):
            return int(ys[0].as_py())
    return method.meta.year


def _last_classes(earlier: pa.Table | None, year: int, codes: pa.Array) -> Array:
    """Each firm's class in ``year - 1`` from earlier results (None if none)."""
    out = np.full(len(codes), None, dtype=object)
    if earlier is None or earlier.num_rows == 0:
        return out
    t = earlier
    if "year" in t.column_names:
        t = t.filter(pa.compute.equal(t.column("year"), year - 1))
    col = "class_final" if "class_final" in t.column_names else "class"
    if t.num_rows == 0 or col not in t.column_names:
        return out
    src = t.column("credit_code").combine_chunks().cast(pa.string())
    pos = pa.compute.index_in(codes, value_set=src)
    found = np.asarray(pos.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    idx = np.asarray(pos.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.intp)
    val = np.asarray(t.column(col).to_numpy(zero_copy_only=False), dtype=object)
    out[found] = val[idx[found]]
    return out


def _items_table(
    parts: list[tuple[IntArray, ItemScore, npt.NDArray[np.bool_]]],
    method: Method,
    codes: pa.Array,
) -> pa.Table:
    if not parts:
        return ITEMS_SCHEMA.empty_table()
    inds = [i.code for i in method.indicators]
    rules = ["", "pool_mean", "zero", "penalty"]
    firm, ind, val, bench, mx, cap, sc, miss = [], [], [], [], [], [], [], []
    for members, it, keep in parts:
        k = int(keep.sum())
        firm.append(members[keep])
        ind.append(np.full(k, inds.index(it.indicator), np.int32))
        val.append(it.value[keep])
        bench.append(it.benchmark[keep])
        mx.append(np.full(k, it.weight))
        cap.append(np.full(k, it.cap_points))
        sc.append(it.score[keep])
        miss.append(np.where(it.missing[keep], rules.index(it.rule), 0).astype(np.int32))
    ind_c = np.concatenate(ind)
    return pa.Table.from_arrays(
        [
            codes.take(pa.array(np.concatenate(firm))),
            _dict(ind_c, inds),
            _dict(ind_c, [i.zh for i in method.indicators]),
            _dict(ind_c, [i.unit for i in method.indicators]),
            _f64(np.concatenate(val)),
            _f64(np.concatenate(bench)),
            _f64(np.concatenate(mx)),
            _f64(np.concatenate(cap)),
            _f64(np.concatenate(sc)),
            _dict(np.concatenate(miss), rules),
        ],
        schema=ITEMS_SCHEMA,
    )


def _flags_array(masks: dict[str, npt.NDArray[np.bool_]], n: int) -> pa.Array:
    names = [f for f in FLAG_ORDER if f in masks]
    mat = np.column_stack([masks[f] for f in names]) if names else np.zeros((n, 0), bool)
    rows, cols = np.nonzero(mat)  # row-major: firm by firm, flags in FLAG_ORDER
    counts = np.bincount(rows, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = _dict(cols, names) if names else pa.array([], pa.string())
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)


def _percentile(rank: IntArray, of: IntArray) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(of > 1, (of - rank) / (of - 1), 1.0)
    return np.where(rank > 0, pct, np.nan)


def _events_table(ev: Events, codes: pa.Array) -> pa.Table:
    if not ev.firm:
        return EVENTS_SCHEMA.empty_table()
    firm = np.concatenate(ev.firm)
    meta = np.repeat(np.asarray(ev.meta_id), [f.size for f in ev.firm])
    cols = [codes.take(pa.array(firm))]
    for j in range(4):
        cols.append(_dict(meta, [m[j] for m in ev.meta]))
    cols.append(_dict(np.concatenate(ev.before), ev.labels))
    cols.append(_dict(np.concatenate(ev.after), ev.labels))
    return pa.Table.from_arrays(cols, schema=EVENTS_SCHEMA)


def _remarks(ev: Events, n: int) -> pa.Array:
    """The 公示 remark: the zh reasons of the rules applied, in order, as one sentence.

    Each firm's set of rules is a bit mask; the text is built once per distinct
    set (a handful), not per firm. Missing-data events give one shared note.
    """
    texts: list[str] = []
    bit_of: dict[str, int] = {}
    mask = np.zeros(n, dtype=np.int64)
    for idx, mid in zip(ev.firm, ev.meta_id, strict=True):
        kind, _, zh, _ = ev.meta[mid]
        text = _MISSING_NOTE if kind == "missing" else zh
        if text not in bit_of:
            bit_of[text] = min(len(texts), 62)
            texts.append(text)
        mask[idx] |= np.int64(1) << bit_of[text]
    uniq, inv = np.unique(mask, return_inverse=True)
    order = sorted(range(len(texts)), key=lambda i: texts[i] == _MISSING_NOTE)  # note last
    vocab = []
    for m in uniq.tolist():
        parts = [texts[i] for i in order if i < 63 and m >> min(i, 62) & 1]
        vocab.append("；".join(dict.fromkeys(parts)))
    return _dict(inv, vocab)


def _existing_firms(facts: pa.Table, year: int, log: list[dict[str, Any]]) -> pa.Table:
    """Drop the firms founded after ``year`` (the register lists them, the year did not)."""
    if "founded" not in facts.column_names:
        return facts
    col = facts.column("founded")
    if not (pa.types.is_date(col.type) or pa.types.is_timestamp(col.type)):
        return facts
    later = pc.fill_null(pc.greater(col.cast(pa.date32()), pa.scalar(dt.date(year, 12, 31))), False)
    n_later = int(pc.sum(later.cast(pa.int64())).as_py() or 0)
    if n_later == 0:
        return facts
    log.append({"step": "not_yet_founded", "n_firms": n_later, "founded_after": f"{year}-12-31"})
    return facts.filter(pc.invert(later))


def evaluate(
    facts: pa.Table,
    method: Method,
    *,
    previous: pa.Table | None = None,
    earlier_classes: pa.Table | None = None,
    parcels: pa.Table | None = None,
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
    parcels : pyarrow.Table, optional
        The year's parcels (``credit_code``, ``parcel_id``, ``share``), for a
        method with ``combine_shared_parcels = true`` (see :mod:`._combine`);
        without them such a method scores every firm alone and logs so.

    Returns
    -------
    Evaluation
        Tables with the schemas of :mod:`fenghuang.evaluation._model`. Firms
        founded after the year (``founded`` later than 31 December) are left
        out and counted in the log (``not_yet_founded``).

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
    n_input = facts.num_rows
    facts = _existing_firms(facts, year, log)
    log.insert(
        0,
        {
            "step": "start",
            "method": method.name,
            "method_sha256": method.sha256,
            "year": year,
            "n_firms": n_input,
            "previous": previous.num_rows if previous is not None else None,
        },
    )
    prev_frame = build_frame(previous, method) if previous is not None else None
    unit = np.full(facts.num_rows, -1, dtype=np.intp)
    if method.combine_shared_parcels:
        if parcels is None:
            log.append({"step": "combine_shared_parcels", "skipped": "no parcels given"})
        else:
            facts, unit = combine_shared_parcels(facts, parcels, log)
    extra = {}
    if earlier_classes is not None and earlier_classes.num_rows:
        codes0 = facts.column("credit_code").combine_chunks().cast(pa.string())
        extra["class_last_year"] = _last_classes(earlier_classes, year, codes0)
    frame = build_frame(facts, method, prev=prev_frame, extra=extra)
    n = frame.n
    codes = frame.cols.arrow("credit_code", pa.string())
    log.append({"step": "derived", "fields": {d.name: d.formula for d in method.derived}})
    log.append(
        {
            "step": "indicators",
            "formulas": {i.code: (i.formula, i.scale) for i in method.indicators},
        }
    )
    events = Events()
    combined = unit >= 0
    if combined.any():
        events.add(
            np.flatnonzero(combined),
            "combined",
            "combine_shared_parcels",
            "与共用宗地的企业合并计算",
            "scored together with the firms sharing its parcel",
        )
    t_code = int(events.label_codes(["T"])[0])
    nr_code = np.zeros(n, dtype=np.intp)  # label code of a not-rated firm
    for i, r in enumerate(method.not_rated):
        idx = np.flatnonzero(frame.not_rated == i)
        lab = int(events.label_codes([r.label])[0])
        nr_code[idx] = lab
        zh = r.remark_zh or r.reason_zh
        events.add(idx, "not_rated", r.id, zh, r.reason_en, 0, lab)
        log.append({"step": "not_rated", "rule": r.id, "when": r.when, "n": int(idx.size)})
    idx = np.flatnonzero((frame.not_rated < 0) & (frame.pool < 0))
    nr_code[idx] = t_code
    events.add(idx, "not_rated", *_NO_POOL, 0, t_code)
    score = np.full(n, np.nan)
    cls = np.full(n, -1, dtype=np.intp)
    group_code = np.zeros(n, dtype=np.intp)
    group_vocab: list[str] = [""]
    missing_any = np.zeros(n, dtype=bool)
    item_parts: list[tuple[IntArray, ItemScore, npt.NDArray[np.bool_]]] = []
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
        nr_code[nd] = t_code
        events.add(nd, "not_rated", *_NO_DATA, 0, t_code)
        keep = np.asarray(~nodata, dtype=bool)
        rated_idx = members[keep]
        score[rated_idx] = total[keep]
        missing_any[rated_idx] = miss[keep].any(axis=1)
        for it in items:
            ind = method.indicator(it.indicator)
            mi = members[it.missing & keep]
            zh = f"{ind.zh}数据缺失，{MISSING_ZH[it.rule]}"
            en = f"{ind.en} missing: {it.rule}"
            events.add(mi, "missing", f"missing.{it.indicator}", zh, en)
            item_parts.append((members, it, keep))
            stats_rows.append({"pool": pool.code, "indicator": it.indicator, **it.stats})
        cls_p, gcodes, gkeys, rows = classify_pool(
            method, p, frame, rated_idx, score[rated_idx], log
        )
        cls[rated_idx] = cls_p
        offset = len(group_vocab)
        group_vocab.extend(str(k) for k in gkeys)
        group_code[rated_idx] = gcodes + offset
        bounds.extend(rows)
    rated = ~np.isnan(score)
    pool_vocab = [events.label_codes(list(method.class_rule(pl).labels)) for pl in method.pools]

    def label_codes(c: IntArray) -> IntArray:
        out = nr_code.copy()
        for p in range(len(method.pools)):
            sel = rated & (frame.pool == p)
            out[sel] = pool_vocab[p][c[sel]]
        return out

    class_raw = np.where(rated, label_codes(cls), 0)
    final = cls.copy()
    masks = apply_rules(method, frame, final, rated, events, log)
    class_final = label_codes(final)
    masks["数据缺失"] = missing_any
    masks["合并计算"] = combined
    masks["不参评"] = ~rated
    pool_key = np.where(rated, frame.pool, -1)
    scored = np.where(rated, score, np.nan)
    rk = rank_within_groups(scored, groups=pool_key)
    industry = frame.cols.arrow("industry_code", pa.string()).fill_null("")
    ind_codes = np.asarray(
        pa.compute.dictionary_encode(industry).indices.to_numpy(zero_copy_only=False), np.int64
    )
    ind_key = (pool_key.astype(np.int64) + 1) * (int(ind_codes.max(initial=0)) + 1) + ind_codes
    rk_ind = rank_within_groups(scored, groups=ind_key)
    pool_idx = np.where(frame.pool >= 0, frame.pool, len(method.pools))
    results = pa.Table.from_arrays(
        [
            codes,
            *(
                frame.cols.arrow(c, pa.string())
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
            frame.cols.arrow("above_scale", pa.bool_()),
            _dict(pool_idx, [p.code for p in method.pools] + [""]),
            _dict(pool_idx, [p.zh for p in method.pools] + [""]),
            _dict(group_code, group_vocab),
            _f64(score),
            pa.array(np.where(rated, rk.rank, 0), pa.int64(), mask=~rated),
            pa.array(np.where(rated, rk.of, 0), pa.int64(), mask=~rated),
            _f64(_percentile(rk.rank, rk.of)),
            _f64(_percentile(rk_ind.rank, rk_ind.of)),
            _dict(class_raw, events.labels),
            _dict(class_final, events.labels),
            pa.array(rated, pa.bool_()),
            _flags_array(masks, n),
            _remarks(events, n),
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
    counts = np.bincount(class_final, minlength=len(events.labels))
    log.append(
        {
            "step": "done",
            "rated": int(rated.sum()),
            "not_rated": int((~rated).sum()),
            "classes": {lab: int(c) for lab, c in zip(events.labels, counts, strict=True) if c},
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
