"""Classes within a pool, then provisional floors, adjustments and vetoes.

Class rule (through the engine): by shares with
:func:`fenghuang.engine.classify_shares` / :func:`~fenghuang.engine.class_boundaries`
(best ``c_k = floor(S_k n + 1/2)`` firms are in class ``k`` or better; firms
tied at a boundary all get the BETTER class; independent of row order), or by
thresholds with :func:`fenghuang.engine.classify_thresholds` (a score equal
to a threshold gets the better class). With ``group_by`` the shares apply
within each group of the pool; groups with fewer than ``min_group`` rated
firms are merged into the pool's remainder group ``''``.

After the score rule (``class_raw``), in this order, for the rated firms:

1. adjustments in file order: 定档 ``fix`` sets the class, 提档 ``up`` and
   降档 ``down`` move it by ``steps`` (clamped to the first/last class);
2. provisional rules: a firm is never worse than ``floor`` — unless vetoed;
3. vetoes (一票否决): ``cap`` bars every class better than it, ``to`` sets
   the class. A veto therefore wins over an upward adjustment.

Every rule that applies to a firm gives one event (also when the class did
not change), with the class before and after that step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from fenghuang.engine import class_boundaries, classify_shares, classify_thresholds
from fenghuang.evaluation._frame import Array, Frame, factorize
from fenghuang.methods import Method
from fenghuang.methods._formula import condition

__all__ = ["Events", "apply_rules", "classify_pool"]

IntArray = npt.NDArray[np.intp]


@dataclass
class Events:
    """Event columns being collected (firm indices and per-event values)."""

    firm: list[IntArray] = field(default_factory=list)
    kind: list[Array] = field(default_factory=list)
    rule: list[Array] = field(default_factory=list)
    zh: list[Array] = field(default_factory=list)
    en: list[Array] = field(default_factory=list)
    before: list[Array] = field(default_factory=list)
    after: list[Array] = field(default_factory=list)

    def add(
        self, idx: IntArray, kind: str, rule: str, zh: str, en: str, before: Array, after: Array
    ) -> None:
        """Add one event per firm in ``idx``."""
        if idx.size == 0:
            return
        k = idx.size
        self.firm.append(idx)
        self.kind.append(np.full(k, kind, dtype=object))
        self.rule.append(np.full(k, rule, dtype=object))
        self.zh.append(np.full(k, zh, dtype=object))
        self.en.append(np.full(k, en, dtype=object))
        self.before.append(np.asarray(before, dtype=object))
        self.after.append(np.asarray(after, dtype=object))


def _labels_idx(res: Array, labels: list[str]) -> IntArray:
    lab = np.asarray(labels, dtype=object)
    hit = np.asarray(res, dtype=object)[:, None] == lab[None, :]
    return np.where(hit.any(axis=1), hit.argmax(axis=1), -1).astype(np.intp)


def classify_pool(
    method: Method,
    pool_idx: int,
    frame: Frame,
    rated: IntArray,
    scores: Array,
    log: list[dict[str, Any]],
) -> tuple[IntArray, Array, list[dict[str, Any]]]:
    """Raw classes (index into the pool's labels), class groups and boundary rows."""
    pool = method.pools[pool_idx]
    rule = method.class_rule(pool)
    labels = list(rule.labels)
    K = len(labels)
    groups = np.full(rated.size, "", dtype=object)
    if rule.group_by is not None:
        key = f"classes.{pool.code}" if pool.classes is not None else "classes.*"
        g = method.formula(key).evaluate(frame.cols, n=frame.n, prev=frame.prev_cols)[rated]
        g = np.where(g == None, "", g).astype(str).astype(object)  # noqa: E711
        codes, keys = factorize(g)
        sizes = np.bincount(codes, minlength=keys.size)
        small = sizes[codes] < rule.min_group
        groups = np.where(small, "", g)
    codes, keys = factorize(groups)
    rows: list[dict[str, Any]] = []
    if rated.size == 0:
        return np.zeros(0, np.intp), groups, rows
    if rule.rule == "shares":
        shares = np.asarray(rule.shares, dtype=np.float64)
        res = classify_shares(scores, shares, labels, groups=codes)
        cls = _labels_idx(res, labels)
        cb = class_boundaries(scores, shares, labels, groups=codes)
        for gi, gk in enumerate(cb.groups):
            for k in range(K):
                cnt = int(cb.counts[gi, k])
                cut = float(cb.cutoffs[gi, k])
                rows.append(
                    {
                        "pool": pool.code,
                        "class_group": str(keys[int(gk)]),
                        "class_label": labels[k],
                        "min_score": cut if cnt > 0 and np.isfinite(cut) else None,
                        "count": cnt,
                    }
                )
    else:
        thr = np.asarray(rule.thresholds, dtype=np.float64)
        res = classify_thresholds(scores, thr, labels)
        cls = _labels_idx(res, labels)
        for gi, gk in enumerate(keys):
            in_g = codes == gi
            for k in range(K):
                cnt = int(np.count_nonzero(in_g & (cls == k)))
                if k < K - 1:
                    ms: float | None = float(thr[k])
                else:
                    ms = float(scores[in_g & (cls == k)].min()) if cnt else None
                rows.append(
                    {
                        "pool": pool.code,
                        "class_group": str(gk),
                        "class_label": labels[k],
                        "min_score": ms,
                        "count": cnt,
                    }
                )
    log.append(
        {
            "step": "classes",
            "pool": pool.code,
            "rule": rule.rule,
            "labels": labels,
            "shares": rule.shares,
            "thresholds": rule.thresholds,
            "group_by": rule.group_by,
            "n_groups": int(keys.size),
            "counts": {lab: int(np.count_nonzero(cls == k)) for k, lab in enumerate(labels)},
        }
    )
    return cls, groups, rows


def apply_rules(
    method: Method,
    frame: Frame,
    cls: IntArray,
    rated: npt.NDArray[np.bool_],
    events: Events,
    log: list[dict[str, Any]],
) -> dict[str, npt.NDArray[np.bool_]]:
    """Adjust ``cls`` (index into each firm's pool labels; -1 not rated) in place.

    Returns the masks behind the flags: ``一票否决``, ``定档``, ``提档``,
    ``降档``, ``暂定等级``.
    """
    n = frame.n

    def cond(key: str) -> npt.NDArray[np.bool_]:
        return condition(method.formula(key), frame.cols, n=n, prev=frame.prev_cols) & rated

    veto_m = [cond(f"veto.{v.id}") for v in method.vetoes]
    vetoed = np.logical_or.reduce(veto_m) if veto_m else np.zeros(n, dtype=bool)
    adj_m = [cond(f"adjustment.{a.id}") for a in method.adjustments]
    prov_m = [cond(f"provisional.{r.id}") for r in method.provisional]
    flags = {k: np.zeros(n, dtype=bool) for k in ("一票否决", "定档", "提档", "降档", "暂定等级")}
    for p, pool in enumerate(method.pools):
        labels = list(method.class_rule(pool).labels)
        lab = np.asarray(labels, dtype=object)
        idx_of = {lb: i for i, lb in enumerate(labels)}
        K = len(labels)
        sel = frame.pool == p
        for a, m in zip(method.adjustments, adj_m, strict=True):
            idx = np.flatnonzero(m & sel)
            if idx.size == 0:
                continue
            before = cls[idx]
            if a.kind == "fix":
                if a.to not in idx_of:
                    continue
                after = np.full(idx.size, idx_of[a.to], dtype=np.intp)
            elif a.kind == "up":
                after = np.maximum(before - a.steps, 0)
            else:
                after = np.minimum(before + a.steps, K - 1)
            cls[idx] = after
            flags[{"fix": "定档", "up": "提档", "down": "降档"}[a.kind]][idx] = True
            events.add(idx, a.kind, a.id, a.reason_zh, a.reason_en, lab[before], lab[after])
            log.append({"step": "adjustment", "pool": pool.code, "rule": a.id, "n": int(idx.size)})
        for r, m in zip(method.provisional, prov_m, strict=True):
            if r.floor not in idx_of:
                continue
            idx = np.flatnonzero(m & sel & ~vetoed)
            if idx.size == 0:
                continue
            before = cls[idx]
            after = np.minimum(before, idx_of[r.floor])
            cls[idx] = after
            flags["暂定等级"][idx] = True
            events.add(idx, "provisional", r.id, r.reason_zh, r.reason_en, lab[before], lab[after])
            log.append({"step": "provisional", "pool": pool.code, "rule": r.id, "n": int(idx.size)})
        for v, m in zip(method.vetoes, veto_m, strict=True):
            idx = np.flatnonzero(m & sel)
            target = v.to if v.to is not None else v.cap
            if idx.size == 0 or target not in idx_of:
                continue
            before = cls[idx]
            t = idx_of[target]
            after = np.full(idx.size, t, np.intp) if v.to is not None else np.maximum(before, t)
            cls[idx] = after
            flags["一票否决"][idx] = True
            events.add(idx, "veto", v.id, v.reason_zh, v.reason_en, lab[before], lab[after])
            log.append({"step": "veto", "pool": pool.code, "rule": v.id, "n": int(idx.size)})
    return flags
