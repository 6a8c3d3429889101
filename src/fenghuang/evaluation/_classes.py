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

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.engine import class_boundaries, classify_shares, classify_thresholds
from fenghuang.evaluation._frame import Array, Frame
from fenghuang.methods import Method
from fenghuang.methods._formula import condition

__all__ = ["Events", "apply_rules", "classify_pool"]

IntArray = npt.NDArray[np.intp]


class Events:
    """Events being collected: firm indices, a rule (kind, id, zh, en) and class codes.

    Rules and class labels are kept once each (``meta``, ``labels``) and
    referred to by integer codes, so a million events cost a few int arrays.
    """

    def __init__(self) -> None:
        self.meta: list[tuple[str, str, str, str]] = []
        self._meta_ids: dict[tuple[str, str, str, str], int] = {}
        self.labels: list[str] = [""]
        self._label_ids: dict[str, int] = {"": 0}
        self.firm: list[IntArray] = []
        self.meta_id: list[int] = []
        self.before: list[IntArray] = []
        self.after: list[IntArray] = []

    def label_codes(self, labels: list[str]) -> IntArray:
        """Codes of ``labels`` in the shared label vocabulary (added if new)."""
        out = []
        for lab in labels:
            if lab not in self._label_ids:
                self._label_ids[lab] = len(self.labels)
                self.labels.append(lab)
            out.append(self._label_ids[lab])
        return np.asarray(out, dtype=np.intp)

    def add(
        self,
        idx: IntArray,
        kind: str,
        rule: str,
        zh: str,
        en: str,
        before: IntArray | int = 0,
        after: IntArray | int = 0,
    ) -> None:
        """One event per firm in ``idx``; ``before``/``after`` are label codes."""
        if idx.size == 0:
            return
        key = (kind, rule, zh, en)
        if key not in self._meta_ids:
            self._meta_ids[key] = len(self.meta)
            self.meta.append(key)
        self.firm.append(idx)
        self.meta_id.append(self._meta_ids[key])
        self.before.append(np.broadcast_to(np.asarray(before, np.intp), idx.shape))
        self.after.append(np.broadcast_to(np.asarray(after, np.intp), idx.shape))


def _labels_idx(res: Array, labels: list[str]) -> IntArray:
    lab = np.asarray(labels)
    order = np.argsort(lab)
    r = np.asarray(res).astype(str)
    pos = np.minimum(np.searchsorted(lab[order], r), lab.size - 1)
    hit = lab[order][pos] == r
    return np.where(hit, order[pos], -1).astype(np.intp)


def classify_pool(
    method: Method,
    pool_idx: int,
    frame: Frame,
    rated: IntArray,
    scores: Array,
    log: list[dict[str, Any]],
) -> tuple[IntArray, IntArray, Array, list[dict[str, Any]]]:
    """Raw classes (index into the pool's labels), class-group codes and keys, boundary rows."""
    pool = method.pools[pool_idx]
    rule = method.class_rule(pool)
    labels = list(rule.labels)
    K = len(labels)
    codes: IntArray = np.zeros(rated.size, dtype=np.intp)
    keys: Array = np.asarray([""], dtype=object)
    if rule.group_by is not None:
        key = f"classes.{pool.code}" if pool.classes is not None else "classes.*"
        enc = pc.dictionary_encode(frame.group_keys(method.formula(key)).take(pa.array(rated)))
        c0 = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.intp)
        k0 = np.asarray(enc.dictionary.to_pylist(), dtype=object)
        small = np.bincount(c0, minlength=k0.size) < rule.min_group
        k0 = np.where(small, "", k0)
        keys, remap = np.unique(k0, return_inverse=True)
        codes = remap[c0].astype(np.intp)
    rows: list[dict[str, Any]] = []
    if rated.size == 0:
        return np.zeros(0, np.intp), codes, keys, rows
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
    return cls, codes, keys, rows


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
        vocab = events.label_codes(labels)
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
            events.add(idx, a.kind, a.id, a.reason_zh, a.reason_en, vocab[before], vocab[after])
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
            events.add(
                idx, "provisional", r.id, r.reason_zh, r.reason_en, vocab[before], vocab[after]
            )
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
            events.add(idx, "veto", v.id, v.reason_zh, v.reason_en, vocab[before], vocab[after])
            log.append({"step": "veto", "pool": pool.code, "rule": v.id, "n": int(idx.size)})
    return flags
