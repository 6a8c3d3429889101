"""The class labels of a firm method's ``[policies]``, checked against its classes.

A policy keyed by a label no firm can have bills nobody and says nothing:
``rates = { C- = 0.10 }`` for ``C``, ``d`` for ``D``, ``E`` in a method of
A–D. The loader therefore refuses every label of ``[policies]`` that cannot
take effect, with the file, line, column and key path of the label and the
labels that would be valid (:func:`policy_labels`).

Which labels can take effect follows how :func:`fenghuang.policy.policy_classes`
picks the class whose policies a firm gets:

* a *rated* firm's ``class_final`` is one of the labels of the class rules
  its pool uses (``[pools.classes]``, else ``[classes]``); adjustments,
  floors and vetoes only move it among them. A label of ``[classes]`` that
  no pool uses (every pool has its own rule with other labels) is a class
  the rules never produce;
* a *not-rated* firm has the label of its not-rated rule (``参照B``) or
  ``T`` (no pool, no data); it never gets the policies of its own label,
  only those of ``treat_as[label]`` or of ``not_rated``;
* ``treat_as`` is looked up first, for every firm: a class that is a
  ``treat_as`` key never gets its own policies.

So, by :data:`~fenghuang.methods._policy.LabelRole`: a ``"given"`` label
(a ``treat_as`` key) must be a label firms get — a produced class, a
not-rated rule's label or ``T``; a ``"target"`` (``not_rated``, a
``treat_as`` value) must be a produced class; a ``"policy"`` label (rates,
escalation, priorities, rewards, measures) must be a class some firm's
policies are looked up by: a produced class that is not a ``treat_as`` key,
or a ``treat_as`` value, or ``not_rated``. Labels are compared exactly
(``d`` is not ``D``; the message says when only the case differs).
"""

from __future__ import annotations

import difflib

from fenghuang.methods._checks import Collector
from fenghuang.methods._schema import Method

__all__ = ["NOT_RATED_LABELS", "policy_labels", "produced_labels"]

#: Labels the evaluation gives not-rated firms besides the method's not-rated rules.
NOT_RATED_LABELS: tuple[str, ...] = ("T",)


def produced_labels(m: Method) -> list[str]:
    """The labels a rated firm's class can take: those of the class rules the pools use.

    Examples
    --------
    >>> from fenghuang.methods import load_method
    >>> produced_labels(load_method("huangyan-2022"))
    ['A', 'B', 'C', 'D']
    """
    out: list[str] = []
    for pool in m.pools:
        out.extend(lab for lab in m.class_rule(pool).labels if lab not in out)
    return out


def _join(labels: list[str], sep: str) -> str:
    return sep.join(labels) if labels else "—"


def _why(m: Method, label: str, valid: list[str], produced: list[str]) -> tuple[str, str]:
    """The zh and en reason a label is refused (before the list of valid labels)."""
    unrated = [r.label for r in m.not_rated] + list(NOT_RATED_LABELS)
    treat_as = m.policies.treat_as
    same = [v for v in valid if v.casefold() == label.casefold()]
    if same:
        return (
            f"标签 {label!r} 大小写不符，应为 {same[0]!r}（类别标签区分大小写）",
            f"label {label!r} differs in case from {same[0]!r} (labels are case-sensitive)",
        )
    if label in unrated:
        return (
            f"{label!r} 是不定等级企业的标签，不是评价类别：这些企业执行 treat_as 或 "
            "not_rated 所指类别的政策，按此标签写的政策不会对任何企业生效",
            f"{label!r} is the label of not-rated firms, not a class: they get the policies "
            "of the class treat_as or not_rated names, so this applies to no firm",
        )
    if label in treat_as and label in produced:
        dst = treat_as[label]
        return (
            f"{label}类企业按 treat_as 执行{dst}类的政策，按 {label} 写的政策不会对任何企业生效",
            f"class {label} firms get class {dst}'s policies (treat_as), "
            f"so this applies to no firm",
        )
    if label in m.classes.labels:
        return (
            f"类别 {label} 不会由任何组的分类规则产生（各组都有自己的 [pools.classes]），"
            "按此写的政策不会对任何企业生效",
            f"no pool's class rule gives class {label} (every pool has its own "
            "[pools.classes]), so this applies to no firm",
        )
    near = difflib.get_close_matches(label, valid, n=1, cutoff=0.5)
    return (
        f"未知的类别 {label!r}" + (f"，是否为 {near[0]!r}？" if near else ""),
        f"unknown class {label!r}" + (f"; did you mean {near[0]!r}?" if near else ""),
    )


def policy_labels(col: Collector, m: Method) -> None:
    """Add a located error for each label of ``m.policies`` that cannot take effect.

    Parameters
    ----------
    col : Collector
        Receives one error per bad label, at the label's key path
        (``policies.surcharges.electricity.rates.C-``; a reward's or
        measure's ``policies.measures[1].classes[0]``), listing the valid
        labels in zh and en.
    m : Method
        A schema-valid firm method.
    """
    p = m.policies
    produced = produced_labels(m)
    given = produced + [lab for lab in [r.label for r in m.not_rated] if lab not in produced]
    given += [lab for lab in NOT_RATED_LABELS if lab not in given]
    extra = [*p.treat_as.values(), *([p.not_rated] if p.not_rated else [])]
    looked_up = [lab for lab in produced if lab not in p.treat_as or lab in extra]
    valid_by_role = {"given": given, "target": produced, "policy": looked_up}
    what_zh = {"given": "企业的类别标签", "target": "评价类别", "policy": "执行政策的类别"}
    what_en = {"given": "firm labels", "target": "classes", "policy": "classes with policies"}
    for path, label, role in p.label_refs():
        valid = valid_by_role[role]
        if label in valid:
            continue
        zh, en = _why(m, label, valid, produced)
        col.add(
            path,
            f"{zh}（可用的{what_zh[role]}：{_join(valid, '、')}）",
            f"{en} (valid {what_en[role]}: {_join(valid, ', ')})",
        )
