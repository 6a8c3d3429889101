"""Bills and measures of a stored run (what the web app and reports call).

Everything comes from the run itself, so a bill computed today equals one
computed when the run was made: the method file as the run stored it (its
``[policies]``), the facts it evaluated (the input snapshot) and the
earlier years' classes it read (its ``earlier_classes`` context table).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import MethodError, NotFoundError
from fenghuang.evaluation import Run, load_run
from fenghuang.methods import parse_method
from fenghuang.methods._policy import PolicySet
from fenghuang.policy._bills import bill_summary, compute_bills
from fenghuang.policy._history import align_classes, consecutive_d_years
from fenghuang.policy._measures import compute_measures
from fenghuang.warehouse import Store, run_tables

__all__ = [
    "bill_lines",
    "firm_bill",
    "firm_measures",
    "run_bill_summary",
    "run_bills",
    "run_consecutive",
    "run_measures",
    "run_policies",
]


def run_policies(run: Run) -> PolicySet:
    """The ``[policies]`` of the method file the run stored."""
    method = parse_method(run.method_text, file=f"<run {run.run_id}>")
    return method.policies


def _earlier(store: Store, run: Run) -> pa.Table | None:
    return run_tables(store, run.run_id, ["earlier_classes"]).get("earlier_classes")


def run_consecutive(
    store: Store, run: Run, policies: PolicySet, results: pa.Table | None = None
) -> dict[str, npt.NDArray[np.int64]]:
    """Per escalation label, each firm's consecutive years in it ending with the run's year.

    Parameters
    ----------
    store : Store
    run : Run
    policies : PolicySet
    results : pyarrow.Table, optional
        The firms to count for (default: all of the run's results).

    Returns
    -------
    dict of str to ndarray of int64, shape (n_firms,)
        Empty when no surcharge escalates.
    """
    labels = sorted(
        {s.escalation.label for s in policies.surcharges.values() if s.escalation is not None}
    )
    if not labels:
        return {}
    res = run.results if results is None else results
    codes = res.column("credit_code")
    earlier = _earlier(store, run)
    if earlier is not None and results is not None:  # a few firms: only their history
        earlier = earlier.filter(pc.is_in(earlier.column("credit_code"), value_set=codes))
    by_year: dict[int, pa.Array] = {}
    if earlier is not None and earlier.num_rows:
        for y in sorted(set(earlier.column("year").to_pylist())):
            sub = earlier.filter(pc.equal(earlier.column("year"), y))
            by_year[int(y)] = align_classes(
                codes, sub.column("credit_code"), sub.column("class_final")
            )
    current = res.column("class_final")
    return {lab: consecutive_d_years(current, by_year, year=run.year, label=lab) for lab in labels}


def _tag(status: str) -> str:
    """What a bill line's display name says about its numbers' standing."""
    return {"official": "", "example": "（示例）", "reconstruction": "（重构）"}[status]


def bill_lines(bills: pa.Table, policies: PolicySet, *, synthetic: bool) -> list[dict[str, Any]]:
    """Bill rows of :func:`compute_bills` as the lines pages and reports show.

    Parameters
    ----------
    bills : pyarrow.Table
        From :func:`fenghuang.policy.compute_bills` or :func:`run_bills`.
    policies : PolicySet
        The run's policies (their source status labels the item names).
    synthetic : bool
        Whether the run is on synthetic data (each line says so).

    Returns
    -------
    list of dict
        One per row, in the rows' order, with the keys :func:`firm_bill`
        documents.
    """
    tags = {k: _tag(s.source.status) for k, s in policies.surcharges.items()}
    return [
        {
            "item": r["item_zh"] + tags.get(r["item"], ""),
            "item_en": r["item_en"],
            "item_code": r["item"],
            "basis": r["basis"],
            "unit": r["unit"],
            "rate": r["rate"],
            "rate_unit": f"元/{r['unit']}",
            "percent": r["percent"],
            "consecutive_years": r["consecutive_years"],
            "amount": r["amount"],
            "missing": r["missing"],
            "flag": r["flag"],
            "reason": r["reason_zh"],
            "reason_en": r["reason_en"],
            "source": r["source"],
            "policy_class": r["policy_class"],
            "synthetic": synthetic,
        }
        for r in bills.to_pylist()
    ]


def _one_firm(run: Run, code: str) -> pa.Table:
    res = run.results.filter(pc.equal(run.results.column("credit_code"), code))
    if res.num_rows == 0:
        raise NotFoundError(
            "E-RUN-NO-FIRM",
            zh=f"该企业不在评价批次 {run.run_id} 中",
            en=f"the firm is not in run {run.run_id}",
            firm=code,
        )
    return res


def run_bills(store: Store, run_id: str, *, run: Run | None = None) -> pa.Table:
    """Every firm's surcharge bill lines in a run (:data:`BILLS_SCHEMA`).

    Parameters
    ----------
    store : Store
    run_id : str
    run : Run, optional
        The run already loaded (saves reloading it).

    Raises
    ------
    NotFoundError
        When there is no such run.
    """
    run = run if run is not None else load_run(store, run_id)
    policies = run_policies(run)
    if not policies.surcharges:
        return compute_bills(run.results, run.facts, policies)
    years = run_consecutive(store, run, policies)
    return compute_bills(run.results, run.facts, policies, consecutive_d=years)


def run_bill_summary(store: Store, run_id: str, *, run: Run | None = None) -> pa.Table | None:
    """:func:`bill_summary` of the run's bills, or None when the run stored a method text
    that is not a whole method file (a hand-made run recorded with ``record_run``), so
    a report of such a run leaves out its section on prices instead of failing."""
    try:
        bills = run_bills(store, run_id, run=run)
    except MethodError:  # the stored method text does not parse: no policies to read
        return None
    return bill_summary(bills)


def run_measures(store: Store, run_id: str, *, run: Run | None = None) -> pa.Table:
    """Every firm's incentives and restrictions in a run (:data:`MEASURES_SCHEMA`)."""
    run = run if run is not None else load_run(store, run_id)
    return compute_measures(run.results, run_policies(run))


def firm_bill(
    store: Store, run_id: str, code: str, *, run: Run | None = None
) -> list[dict[str, Any]]:
    """One firm's surcharge bill in a run, one dict per item.

    Parameters
    ----------
    store : Store
    run_id : str
    code : str
        The firm's credit code.
    run : Run, optional
        The run already loaded.

    Returns
    -------
    list of dict
        Keys ``item`` (zh name as pages and reports show it, with ``（示例）``
        or ``（重构）`` when the file labels the rates so), ``item_en``,
        ``item_code``, ``basis``, ``unit``, ``rate`` (元 per unit),
        ``rate_unit``, ``percent``, ``consecutive_years``, ``amount`` (元),
        ``missing``, ``flag``, ``reason`` (zh), ``reason_en``, ``source``,
        ``policy_class``, ``synthetic``. Empty when the firm pays no surcharge.

    Raises
    ------
    NotFoundError
        When there is no such run, or the firm is not in it.
    """
    run = run if run is not None else load_run(store, run_id)
    res = _one_firm(run, code)
    policies = run_policies(run)
    years = run_consecutive(store, run, policies, res)
    facts = run.facts.filter(pc.equal(run.facts.column("credit_code"), code))
    bills = compute_bills(res, facts, policies, consecutive_d=years)
    return bill_lines(bills, policies, synthetic=run.synthetic)


def firm_measures(
    store: Store, run_id: str, code: str, *, lang: str = "zh", run: Run | None = None
) -> list[str]:
    """One firm's incentives and restrictions in a run, as lines of text.

    Parameters
    ----------
    store : Store
    run_id : str
    code : str
    lang : {"zh", "en"}
    run : Run, optional

    Returns
    -------
    list of str
        Priorities first, then rewards, then other measures (file order);
        a line whose policy the file labels an example or a reconstruction
        ends in ``（示例）`` / ``（重构）``.

    Raises
    ------
    NotFoundError
        When there is no such run, or the firm is not in it.
    """
    run = run if run is not None else load_run(store, run_id)
    res = _one_firm(run, code)
    t = compute_measures(res, run_policies(run))
    col = "text_en" if lang == "en" else "text_zh"
    tag = {"示例": " (example)", "重构": " (reconstruction)"} if lang == "en" else {}
    out = []
    for text, source in zip(t.column(col).to_pylist(), t.column("source").to_pylist(), strict=True):
        head = str(source).split("（", 1)[0]
        if head in ("示例", "重构"):
            text = f"{text}{tag.get(head, f'（{head}）')}"
        out.append(str(text))
    return out
