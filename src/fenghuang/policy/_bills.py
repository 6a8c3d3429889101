"""Surcharge bills: per firm and item, basis × rate in yuan (vectorised over firms).

The loops run over surcharge items and distinct classes (a handful), never
over firms: a country's million firms cost a few array passes per item.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import InputError
from fenghuang.methods._policy import PolicySet, Surcharge
from fenghuang.policy._classes import (
    PolicyClasses,
    as_string_array,
    credit_codes,
    policy_classes,
    require_column,
)
from fenghuang.policy._reasons import bill_reason

__all__ = ["BILLS_SCHEMA", "bill_summary", "compute_bills", "facts_column"]

BILLS_SCHEMA = pa.schema(
    [
        ("credit_code", pa.string()),
        ("class_final", pa.string()),  # the firm's own class
        ("policy_class", pa.string()),  # the class whose rates apply (参照B类 …)
        ("item", pa.string()),  # surcharge code from the method file (electricity …)
        ("item_zh", pa.string()),
        ("item_en", pa.string()),
        ("basis", pa.float64()),  # quantity charged (after basis_factor); null when missing
        ("unit", pa.string()),  # of the basis: kWh, m³ …
        ("rate", pa.float64()),  # yuan per unit of the basis
        ("percent", pa.float64()),  # percent of base_price (percent mode), else null
        ("consecutive_years", pa.int64()),  # years in the escalation class, else null
        ("amount", pa.float64()),  # yuan, rounded to 0.01; 0 when the basis is missing
        ("missing", pa.bool_()),  # basis missing or negative: not charged
        ("flag", pa.string()),  # '' | 数据缺失 | 数据异常
        ("reason_zh", pa.string()),
        ("reason_en", pa.string()),
        ("source", pa.string()),
    ]
)


def _match(codes: pa.Array, fcodes: pa.Array) -> pa.Array:
    """Per firm of ``codes``, its row in ``fcodes`` (null if absent); one hash join.

    Raises ``E-POLICY-FACTS`` when a firm has more than one row in the facts.
    """
    n = len(codes)
    left = pa.table({"credit_code": codes.cast(pa.string()), "_i": np.arange(n)})
    right = pa.table({"credit_code": fcodes.cast(pa.string()), "_j": np.arange(len(fcodes))})
    joined = left.join(right, "credit_code", join_type="inner", use_threads=True)
    i = joined.column("_i").to_numpy()
    j = joined.column("_j").to_numpy()
    if i.size:
        counts = np.bincount(i, minlength=n)
        if counts.max() > 1:
            dup = codes.take(pa.array(np.flatnonzero(counts > 1)[:3])).to_pylist()
            raise InputError(
                "E-POLICY-FACTS",
                zh="企业年度数据中同一企业出现多行",
                en="facts list a firm more than once",
                firm=", ".join(str(d) for d in dup),
                hint_zh="每企业每年一行（warehouse.firm_facts 的输出）",
                hint_en="one row per firm and year (as warehouse.firm_facts returns)",
            )
    idx = np.full(n, -1, dtype=np.int64)
    idx[i] = j
    return pa.array(idx, mask=idx < 0)


class _Aligned:
    """Facts aligned to the firms of ``codes``: one index pass, then any field by ``take``."""

    def __init__(self, codes: pa.Array, facts: pa.Table) -> None:
        column = require_column(
            facts, "credit_code", code="E-POLICY-FACTS", zh_table="企业年度数据", en_table="facts"
        )
        self.facts = facts
        fcodes = as_string_array(column, name="facts.credit_code")
        self.idx: pa.Array | None = None  # None: the facts are in the firms' order
        if not (len(fcodes) == len(codes) and fcodes.equals(codes)):
            self.idx = _match(codes, fcodes)
        self.n = len(codes)

    def column(self, field: str) -> npt.NDArray[np.float64]:
        """The field per firm as float64, NaN where missing (or the field is absent)."""
        if field not in self.facts.column_names:
            return np.full(self.n, np.nan)
        col = self.facts.column(field)
        if not (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)):
            raise InputError(
                "E-POLICY-FACTS",
                zh=f"计费依据字段 {field} 须为数值，实际为 {col.type}",
                en=f"basis field {field} must be numeric, got {col.type}",
                field=field,
            )
        vals = col.cast(pa.float64())
        if self.idx is not None:
            vals = pc.take(vals, self.idx)
        out = pc.fill_null(vals, np.nan).to_numpy(zero_copy_only=False)
        return np.asarray(out, dtype=np.float64)


def facts_column(codes: object, facts: pa.Table, field: str) -> npt.NDArray[np.float64]:
    """One numeric fact per firm of ``codes`` (NaN where absent).

    Raises
    ------
    fenghuang.errors.InputError
        ``E-POLICY-FACTS`` when facts have no ``credit_code``, a firm twice,
        or a non-numeric field.
    """
    return _Aligned(as_string_array(codes, name="codes"), facts).column(field)


def _one_item(
    s: Surcharge,
    pcl: PolicyClasses,
    years: npt.NDArray[np.int64],
    basis_all: npt.NDArray[np.float64],
) -> dict[str, Any] | None:
    """One surcharge item's lines as numpy arrays (None if no firm pays it).

    ``text`` indexes ``zh`` / ``en`` / ``pct``, built once per distinct
    (class group, consecutive years, flag).
    """
    esc = s.escalation
    k = len(esc.schedule) if esc is not None else 0
    group_rate = np.full(len(pcl.label), np.nan)
    for g, lab in enumerate(pcl.label):
        if lab and (esc is None or lab != esc.label):
            r = s.rate_yuan(lab)
            if r is not None:
                group_rate[g] = r
    rate = group_rate[pcl.group]
    is_esc = np.zeros(len(rate), dtype=bool)
    if esc is not None:
        is_esc = pcl.groups_of([esc.label])
        step = np.where(is_esc, np.clip(years, 1, k), 0)
        sched = np.array([0.0] + [s.rate_yuan(esc.label, j) or 0.0 for j in range(1, k + 1)])
        rate = np.where(is_esc, sched[step], rate)
    rows = np.flatnonzero(~np.isnan(rate))
    if rows.size == 0:
        return None
    rate, is_esc = rate[rows], is_esc[rows]
    yrs = np.where(is_esc, np.maximum(years[rows], 1), 0)
    basis = basis_all[rows] * s.basis_factor
    missing = np.isnan(basis)
    bad = ~missing & (basis < 0)
    ok = ~(missing | bad)
    safe = np.where(ok, basis, 0.0)
    amount = np.round(safe * rate, 2) + 0.0  # + 0.0: no -0.0
    flag = np.where(missing, 1, np.where(bad, 2, 0))
    group = pcl.group[rows]
    span = int(yrs.max()) + 1
    key = (group * span + yrs) * 3 + flag
    uniq, inv = np.unique(key, return_inverse=True)
    zh, en, pct = [], [], []
    for kv in uniq.tolist():
        texts = bill_reason(s, pcl, kv // 3 // span, kv // 3 % span, kv % 3)
        zh.append(texts[0])
        en.append(texts[1])
        pct.append(np.nan if texts[2] is None else texts[2])
    return {
        "rows": rows,
        "group": group,
        "basis": safe,
        "ok": ok,
        "rate": rate,
        "is_esc": is_esc,
        "years": yrs,
        "amount": amount,
        "flag": flag,
        "text": inv.ravel().astype(np.int64),
        "zh": zh,
        "en": en,
        "pct": np.array(pct, dtype=np.float64),
    }


def _years_by_label(consecutive_d: object | None, n: int) -> dict[str, npt.NDArray[np.int64]]:
    """``consecutive_d`` as {label: years}; ``"*"`` for one array meant for every label."""
    if consecutive_d is None:
        return {}
    raw = consecutive_d if isinstance(consecutive_d, Mapping) else {"*": consecutive_d}
    out = {}
    for label, values in raw.items():
        years = np.asarray(values, dtype=np.int64).reshape(-1)
        if years.shape[0] != n:
            raise InputError(
                "E-POLICY-INPUT",
                zh=f"consecutive_d 长度（{years.shape[0]}）与企业数（{n}）不一致",
                en=f"consecutive_d has {years.shape[0]} values for {n} firms",
                field="consecutive_d" if label == "*" else f"consecutive_d[{label}]",
            )
        out[str(label)] = years
    return out


def compute_bills(
    results: pa.Table,
    facts: pa.Table,
    policies: PolicySet,
    *,
    consecutive_d: object | None = None,
) -> pa.Table:
    """Surcharge bill lines for every firm of an evaluation.

    Parameters
    ----------
    results : pyarrow.Table, shape (n_firms, ...)
        An evaluation's results: ``credit_code``, ``class_final`` and
        optionally ``rated``.
    facts : pyarrow.Table
        Firm-year facts with ``credit_code`` and the surcharges' basis fields
        (``electricity_kwh``, ``water_m3``, ``gas_m3`` …), one row per firm.
        A firm or field absent from facts counts as missing.
    policies : PolicySet
        The method's ``[policies]``.
    consecutive_d : sequence of int, shape (n_firms,), or dict of str to it, optional
        Per firm, the consecutive years in the escalation's class ending
        this year (:func:`consecutive_d_years`); a dict gives them per
        escalation label (``{"D": …}``) when surcharges escalate on different
        classes. None, or a label not in the dict: 1 for every firm in that
        class (no earlier years known).

    Returns
    -------
    pyarrow.Table
        :data:`BILLS_SCHEMA`: one row per firm and surcharge item its class
        has a rate for, in the order of ``results`` then of the items in the
        method file. ``amount`` is never null or NaN: a missing or negative
        basis is charged 0 and flagged (``missing``, ``flag``).

    Examples
    --------
    >>> import pyarrow as pa
    >>> from fenghuang.methods._policy import PolicySet
    >>> p = PolicySet.model_validate({"surcharges": {"electricity": {
    ...     "rates": {"C": 0.1}, "source": {"status": "example"}}}})
    >>> r = pa.table({"credit_code": ["X1", "X2"], "class_final": ["A", "C"]})
    >>> f = pa.table({"credit_code": ["X1", "X2"], "electricity_kwh": [5e5, 2e5]})
    >>> compute_bills(r, f, p).select(["credit_code", "amount"]).to_pylist()
    [{'credit_code': 'X2', 'amount': 20000.0}]
    """
    codes = credit_codes(results)
    n = len(codes)
    pcl = policy_classes(results, policies)
    by_label = _years_by_label(consecutive_d, n)
    aligned = _Aligned(codes, facts)
    cache: dict[str, npt.NDArray[np.float64]] = {}
    items: list[tuple[int, str, Surcharge, dict[str, Any]]] = []
    for pos, (item, s) in enumerate(policies.surcharges.items()):
        if s.basis not in cache:
            cache[s.basis] = aligned.column(s.basis)
        label = s.escalation.label if s.escalation is not None else ""
        years = by_label.get(label, by_label.get("*", np.ones(n, dtype=np.int64)))
        got = _one_item(s, pcl, years, cache[s.basis])
        if got is not None:
            items.append((pos, item, s, got))
    if not items:
        return BILLS_SCHEMA.empty_table()
    return _assemble(codes, pcl, items, len(policies.surcharges))


def _assemble(
    codes: pa.Array,
    pcl: PolicyClasses,
    items: list[tuple[int, str, Surcharge, dict[str, Any]]],
    n_items: int,
) -> pa.Table:
    """One table from the items' arrays, sorted by firm then item, with one take per column."""

    def cat(key: str) -> npt.NDArray[Any]:
        return np.concatenate([d[key] for *_, d in items])

    rows = cat("rows")
    pos = np.concatenate([np.full(d["rows"].size, j) for j, (*_, d) in enumerate(items)])
    offsets = np.cumsum([0] + [len(d["zh"]) for *_, d in items])
    text = np.concatenate([d["text"] + offsets[j] for j, (*_, d) in enumerate(items)])
    order = np.argsort(rows * (n_items + 1) + np.array([p for p, *_ in items])[pos], kind="stable")
    rows, pos, text = rows[order], pos[order], text[order]
    group = cat("group")[order]
    ok = cat("ok")[order]
    is_esc = cat("is_esc")[order]
    zh = [t for *_, d in items for t in d["zh"]]
    en = [t for *_, d in items for t in d["en"]]
    pct = np.concatenate([d["pct"] for *_, d in items])[text]
    gidx, pidx, tidx = pa.array(group), pa.array(pos), pa.array(text)

    def per_item(values: list[str]) -> pa.Array:
        return pa.array(values, pa.string()).take(pidx)

    arrays = {
        "credit_code": codes.take(pa.array(rows)),
        "class_final": pa.array(pcl.original, pa.string()).take(gidx),
        "policy_class": pa.array(pcl.label, pa.string()).take(gidx),
        "item": per_item([i for _, i, _, _ in items]),
        "item_zh": per_item([s.name_zh for _, _, s, _ in items]),
        "item_en": per_item([s.name_en for _, _, s, _ in items]),
        "basis": pa.array(cat("basis")[order], pa.float64(), mask=~ok),
        "unit": per_item([s.unit for _, _, s, _ in items]),
        "rate": pa.array(cat("rate")[order], pa.float64()),
        "percent": pa.array(pct, pa.float64(), mask=np.isnan(pct)),
        "consecutive_years": pa.array(cat("years")[order], pa.int64(), mask=~is_esc),
        "amount": pa.array(cat("amount")[order], pa.float64()),
        "missing": pa.array(~ok),
        "flag": pa.array(["", "数据缺失", "数据异常"], pa.string()).take(
            pa.array(cat("flag")[order])
        ),
        "reason_zh": pa.array(zh, pa.string()).take(tidx),
        "reason_en": pa.array(en, pa.string()).take(tidx),
        "source": per_item([s.source.label() for _, _, s, _ in items]),
    }
    return pa.Table.from_arrays([arrays[f.name] for f in BILLS_SCHEMA], schema=BILLS_SCHEMA)


def bill_summary(bills: pa.Table) -> pa.Table:
    """Totals per surcharge item and applying class: firms, basis, yuan, firms flagged.

    Parameters
    ----------
    bills : pyarrow.Table
        From :func:`compute_bills` or :func:`fenghuang.policy.run_bills`.

    Returns
    -------
    pyarrow.Table
        ``item, item_zh, policy_class, firms, basis, amount, missing``, sorted
        by item and class.
    """
    g = bills.group_by(["item", "item_zh", "policy_class"]).aggregate(
        [
            ("credit_code", "count_distinct"),
            ("basis", "sum"),
            ("amount", "sum"),
            ("missing", "sum"),
        ]
    )
    g = g.rename_columns(["item", "item_zh", "policy_class", "firms", "basis", "amount", "missing"])
    g = g.set_column(5, "amount", pc.round(g.column("amount"), 2))
    return g.sort_by([("item", "ascending"), ("policy_class", "ascending")])
