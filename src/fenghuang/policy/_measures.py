"""Per-firm incentives and restrictions: priorities and quotas, rewards, other measures.

Vectorised like the bills: one pass per policy entry over the firms' class
groups, never a loop over firms.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fenghuang.methods._policy import Measure, PolicySet, PriorityLevel, Reward
from fenghuang.policy._classes import credit_codes, policy_classes

__all__ = ["MEASURES_SCHEMA", "compute_measures", "priority_text"]

MEASURES_SCHEMA = pa.schema(
    [
        ("credit_code", pa.string()),
        ("class_final", pa.string()),
        ("policy_class", pa.string()),
        ("kind", pa.string()),  # priority | reward | incentive | restriction
        ("topic", pa.string()),  # priority topic (land, energy_quota …) or ''
        ("level", pa.int64()),  # priority level, 1 = first; null if none
        ("allowed", pa.bool_()),  # priorities: allowed/denied; null otherwise
        ("quota_pct", pa.float64()),  # quota change in percent; null if none
        ("amount_yuan", pa.float64()),  # rewards: yuan; null if none
        ("text_zh", pa.string()),
        ("text_en", pa.string()),
        ("source", pa.string()),
    ]
)


def priority_text(name_zh: str, name_en: str, lv: PriorityLevel) -> tuple[str, str]:
    """The zh and en line for one class's priority (its own text, else one made up).

    Examples
    --------
    >>> from fenghuang.methods._policy import PriorityLevel
    >>> priority_text("用地供应", "Land supply", PriorityLevel(level=1, quota_pct=10))[0]
    '用地供应：第1优先，指标增加10%'
    >>> priority_text("用地供应", "Land supply", PriorityLevel(allowed=False))[0]
    '用地供应：不予安排'
    """
    if lv.zh and lv.en:
        return f"{name_zh}：{lv.zh}", f"{name_en}: {lv.en}"
    if not lv.allowed:
        zh, en = ["不予安排"], ["denied"]
    else:
        zh, en = [], []
        if lv.level is not None:
            zh.append(f"第{lv.level}优先")
            en.append(f"priority {lv.level}")
        if lv.quota_pct is not None and lv.quota_pct != 0:
            q = lv.quota_pct
            zh.append(f"指标{'增加' if q > 0 else '核减'}{abs(q):g}%")
            en.append(f"quota {'+' if q > 0 else '−'}{abs(q):g}%")
        if not zh:
            zh, en = ["正常安排"], ["as usual"]
    zh_t = lv.zh or "，".join(zh)
    en_t = lv.en or ", ".join(en)
    return f"{name_zh}：{zh_t}", f"{name_en}: {en_t}"


def compute_measures(results: pa.Table, policies: PolicySet) -> pa.Table:
    """Every firm's incentives and restrictions under the method's policies.

    Parameters
    ----------
    results : pyarrow.Table, shape (n_firms, ...)
        ``credit_code``, ``class_final`` and optionally ``rated``.
    policies : PolicySet

    Returns
    -------
    pyarrow.Table
        :data:`MEASURES_SCHEMA`: per firm, its priorities (in the order of
        the method file), then rewards, then other measures; firms in the
        order of ``results``. A not-rated firm gets the class the method
        names (``not_rated``, e.g. 参照B类), and its lines say so.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from fenghuang.methods._policy import PolicySet
    >>> p = PolicySet.model_validate({"measures": [{"classes": ["D"], "kind": "restriction",
    ...     "zh": "不得新增用地", "en": "no new land", "source": {"status": "example"}}]})
    >>> r = pa.table({"credit_code": ["X1", "X2"], "class_final": ["A", "D"]})
    >>> compute_measures(r, p).select(["credit_code", "text_zh"]).to_pylist()
    [{'credit_code': 'X2', 'text_zh': '不得新增用地'}]
    """
    codes = credit_codes(results)
    pcl = policy_classes(results, policies)
    own = pa.array(pcl.original, pa.string())
    eff = pa.array(pcl.label, pa.string())
    n_groups = len(pcl.label)
    # one entry: per group its (level, allowed, quota, amount, zh, en) or None
    entries: list[tuple[str, str, str, list[tuple[object, ...] | None]]] = []
    for topic, p in policies.priorities.items():
        per: list[tuple[object, ...] | None] = []
        for g in range(n_groups):
            lv = p.classes.get(pcl.label[g]) if pcl.label[g] else None
            if lv is None:
                per.append(None)
                continue
            zh, en = priority_text(p.name_zh, p.name_en, lv)
            per.append((lv.level, lv.allowed, lv.quota_pct, None, zh, en))
        entries.append(("priority", topic, p.source.label(), per))
    others: list[tuple[str, Reward | Measure]] = [("reward", r) for r in policies.rewards]
    others += [(m.kind, m) for m in policies.measures]
    for kind, m in others:
        amount = m.amount_yuan if isinstance(m, Reward) else None
        per = [
            (None, None, None, amount, m.zh, m.en)
            if pcl.label[g] != "" and pcl.label[g] in m.classes
            else None
            for g in range(n_groups)
        ]
        entries.append((kind, "", m.source.label(), per))

    # one lookup row per (entry, group): every column is then one take by that index
    n_ent = len(entries)
    look: list[tuple[object, ...]] = []
    hit = np.zeros((n_ent, n_groups), dtype=bool)
    for j, (kind, topic, source, per) in enumerate(entries):
        for g, e in enumerate(per):
            if e is None:
                look.append((kind, topic, None, None, None, None, None, None, source))
                continue
            hit[j, g] = True
            pz = f"{pcl.prefix_zh[g]}：" if pcl.prefix_zh[g] else ""
            pe = f"{pcl.prefix_en[g]}: " if pcl.prefix_en[g] else ""
            look.append((kind, topic, *e[:4], f"{pz}{e[4]}", f"{pe}{e[5]}", source))
    rows_l: list[npt.NDArray[np.int64]] = []
    keys_l: list[npt.NDArray[np.int64]] = []
    for j in range(n_ent):
        if not hit[j].any():
            continue
        rows = np.flatnonzero(hit[j][pcl.group])
        rows_l.append(rows)
        keys_l.append(j * n_groups + pcl.group[rows])
    if not rows_l:
        return MEASURES_SCHEMA.empty_table()
    rows = np.concatenate(rows_l)
    key = np.concatenate(keys_l)
    order = np.argsort(rows * (n_ent + 1) + key // max(n_groups, 1), kind="stable")
    rows, key = rows[order], key[order]
    kidx = pa.array(key)
    gidx = pa.array(key % n_groups)
    cols = list(zip(*look, strict=True))
    types = [pa.string(), pa.string(), pa.int64(), pa.bool_(), pa.float64(), pa.float64()]
    types += [pa.string(), pa.string(), pa.string()]
    looked = [pa.array(list(c), t).take(kidx) for c, t in zip(cols, types, strict=True)]
    arrays = [codes.take(pa.array(rows)), own.take(gidx), eff.take(gidx), *looked]
    return pa.Table.from_arrays(arrays, schema=MEASURES_SCHEMA)
