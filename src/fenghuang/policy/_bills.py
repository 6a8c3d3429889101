"""Surcharge bills: per firm and item, basis × rate in yuan (vectorised over firms).

The loops run over surcharge items and distinct classes (a handful), never
over firms: a country's million firms cost a few array passes per item.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import InputError
from fenghuang.methods._policy import PolicySet, Surcharge
from fenghuang.policy._classes import PolicyClasses, as_string_array, policy_classes

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


def _num(x: float) -> str:
    """A rate as text without float noise: 0.1 → '0.10', 0.615 → '0.615', 2 → '2.00'."""
    s = f"{x:.6f}".rstrip("0")
    head, _, tail = s.partition(".")
    return f"{head}.{tail.ljust(2, '0')}"


def facts_column(
    codes: pa.Array, facts: pa.Table, field: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """One numeric fact per firm of ``codes`` (NaN where absent) and whether the firm is in facts.

    Raises
    ------
    fenghuang.errors.InputError
        ``E-POLICY-FACTS`` when facts have no ``credit_code`` or a firm twice.
    """
    if "credit_code" not in facts.column_names:
        raise InputError(
            "E-POLICY-FACTS",
            zh="企业年度数据缺少 credit_code 列",
            en="facts have no credit_code column",
            field="credit_code",
        )
    fcodes = as_string_array(facts.column("credit_code"), name="facts.credit_code")
    if pc.count_distinct(fcodes).as_py() != len(fcodes):
        counts = pc.value_counts(fcodes)
        dup = [v["values"] for v in counts.to_pylist() if v["counts"] > 1][:3]
        raise InputError(
            "E-POLICY-FACTS",
            zh="企业年度数据中同一企业出现多行",
            en="facts list a firm more than once",
            firm=", ".join(str(d) for d in dup),
            hint_zh="每企业每年一行（warehouse.firm_facts 的输出）",
            hint_en="one row per firm and year (as warehouse.firm_facts returns)",
        )
    idx = pc.index_in(codes, value_set=fcodes)
    found = pc.is_valid(idx).to_numpy(zero_copy_only=False).astype(bool)
    if field not in facts.column_names:
        return np.full(len(codes), np.nan), found
    col = facts.column(field)
    if not (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)):
        raise InputError(
            "E-POLICY-FACTS",
            zh=f"计费依据字段 {field} 须为数值，实际为 {col.type}",
            en=f"basis field {field} must be numeric, got {col.type}",
            field=field,
        )
    taken = pc.take(col.cast(pa.float64()), idx)
    vals = pc.fill_null(taken, np.nan).to_numpy(zero_copy_only=False)
    return np.asarray(vals, dtype=np.float64), found


def _one_item(
    item: str,
    s: Surcharge,
    pcl: PolicyClasses,
    years: npt.NDArray[np.int64],
    basis_all: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], dict[str, object]] | None:
    """Rows of one surcharge item: (firm indices, column arrays), None if no firm pays it."""
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
    step = np.zeros(len(rate), dtype=np.int64)
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

    # texts per distinct (class group, consecutive years, flag); firms take them by index
    span = int(yrs.max()) + 1
    key = (pcl.group[rows] * span + yrs) * 3 + flag
    uniq, inv = np.unique(key, return_inverse=True)
    zh, en, pct = [], [], []
    for kv in uniq.tolist():
        g, y, fl = kv // 3 // span, kv // 3 % span, kv % 3
        texts = _reason(s, pcl, g, y, fl)
        zh.append(texts[0])
        en.append(texts[1])
        pct.append(texts[2])
    take = pa.array(inv.ravel())
    cols: dict[str, object] = {
        "item": item,
        "item_zh": s.name_zh,
        "item_en": s.name_en,
        "basis": pa.array(safe, pa.float64(), mask=~ok),
        "unit": s.unit,
        "rate": pa.array(rate, pa.float64()),
        "percent": pa.array(pct, pa.float64()).take(take),
        "consecutive_years": pa.array(yrs, pa.int64(), mask=~is_esc),
        "amount": pa.array(amount, pa.float64()),
        "missing": pa.array(~ok),
        "flag": pa.array(["", "数据缺失", "数据异常"]).take(pa.array(flag)),
        "reason_zh": pa.array(zh, pa.string()).take(take),
        "reason_en": pa.array(en, pa.string()).take(take),
        "source": s.source.label(),
    }
    return rows, cols


def _reason(
    s: Surcharge, pcl: PolicyClasses, g: int, years: int, flag: int
) -> tuple[str, str, float | None]:
    """The zh and en reason of one bill line, and its percent (percent mode)."""
    lab = pcl.label[g]
    unit = s.unit
    esc = s.escalation
    if years and esc is not None:
        raw = esc.rate_for(years)
        k = len(esc.schedule)
        head_zh = f"连续{years}年{lab}类"
        head_en = f"class {lab} for {years} consecutive year(s)"
        if k == 1:
            head_zh, head_en = f"{lab}类企业", f"class {lab}"
        elif years > k:
            head_zh += f"（按第{k}年及以后标准）"
            head_en += f" (the rate from year {k} on)"
    else:
        raw = s.rates[lab]
        head_zh, head_en = f"{lab}类企业", f"class {lab}"
    percent: float | None = None
    if s.mode == "percent":
        assert s.base_price is not None
        percent = float(raw)
        yuan = s.base_price * raw / 100.0
        what_zh = (
            f"{s.name_zh}：加价{raw:g}%（基准价{_num(s.base_price)}元/{unit}，"
            f"即{_num(yuan)}元/{unit}）"
        )
        what_en = (
            f"{s.name_en} +{raw:g}% of {_num(s.base_price)} yuan/{unit} = {_num(yuan)} yuan/{unit}"
        )
    else:
        what_zh = f"{s.name_zh}：加价{_num(raw)}元/{unit}"
        what_en = f"{s.name_en} +{_num(raw)} yuan/{unit}"
    if s.basis_factor != 1.0:
        what_zh += f"，计费量=用量×{s.basis_factor:g}"
        what_en += f", charged on use × {s.basis_factor:g}"
    zh = f"{head_zh}，{what_zh}"
    en = f"{head_en}: {what_en}"
    if pcl.prefix_zh[g]:
        zh = f"{pcl.prefix_zh[g]}；{zh}"
        en = f"{pcl.prefix_en[g]}; {en}"
    if flag == 1:
        zh += f"。计费依据（{s.basis}）缺失，未计加价（数据缺失）"
        en += f". Basis ({s.basis}) missing: not charged (data missing)"
    elif flag == 2:
        zh += f"。计费依据（{s.basis}）为负数，未计加价（数据异常）"
        en += f". Basis ({s.basis}) negative: not charged (invalid data)"
    return zh, en, percent


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
    if "credit_code" not in results.column_names:
        raise InputError(
            "E-POLICY-INPUT",
            zh="评价结果缺少 credit_code 列",
            en="results have no credit_code column",
            field="credit_code",
        )
    codes = pc.fill_null(as_string_array(results.column("credit_code"), name="credit_code"), "")
    n = len(codes)
    pcl = policy_classes(results, policies)
    by_label = _years_by_label(consecutive_d, n)
    parts: list[pa.Table] = []
    order: list[npt.NDArray[np.int64]] = []
    cache: dict[str, npt.NDArray[np.float64]] = {}
    own = pa.array(pcl.original, pa.string())
    eff = pa.array(pcl.label, pa.string())
    for pos, (item, s) in enumerate(policies.surcharges.items()):
        if s.basis not in cache:
            cache[s.basis] = facts_column(codes, facts, s.basis)[0]
        label = s.escalation.label if s.escalation is not None else ""
        years = by_label.get(label, by_label.get("*", np.ones(n, dtype=np.int64)))
        got = _one_item(item, s, pcl, years, cache[s.basis])
        if got is None:
            continue
        rows, cols = got
        m = rows.size
        idx = pa.array(rows)
        gidx = pa.array(pcl.group[rows])
        arrays = []
        for f in BILLS_SCHEMA:
            if f.name == "credit_code":
                arrays.append(codes.take(idx))
            elif f.name == "class_final":
                arrays.append(own.take(gidx))
            elif f.name == "policy_class":
                arrays.append(eff.take(gidx))
            else:
                v = cols[f.name]
                arrays.append(pa.repeat(pa.scalar(v, f.type), m) if isinstance(v, str) else v)
        parts.append(pa.Table.from_arrays(arrays, schema=BILLS_SCHEMA))
        order.append(rows * (len(policies.surcharges) + 1) + pos)
    if not parts:
        return BILLS_SCHEMA.empty_table()
    table = pa.concat_tables(parts)
    keys = np.concatenate(order)
    return table.take(pa.array(np.argsort(keys, kind="stable")))


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
