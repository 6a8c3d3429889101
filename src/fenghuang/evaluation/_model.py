"""What an evaluation produces: the tables of one run (the contract between parts).

:func:`fenghuang.evaluation.evaluate` returns an :class:`Evaluation`; runs
store exactly these tables and reload them unchanged, so a diagnostic, a
policy bill or a publicity list computed from a reloaded run equals one
computed right after the evaluation.

Tables (Arrow, one schema each, see the ``*_SCHEMA`` constants):

``results``
    One row per firm in the input. ``score`` is null only for firms that
    are not rated (exempt, class T); ``class_raw`` is the class the score
    rule gave, ``class_final`` the class after not-rated rules, vetoes and
    adjustments. ``percentile_pool`` / ``percentile_industry`` are in
    [0, 1], 1 the best. ``flags`` are short zh labels such as ``数据缺失``,
    ``一票否决``, ``提档``; ``remark`` is the zh sentence shown in 公示.
``items``
    One row per firm and scored indicator: the indicator's value (null when
    missing), the benchmark used, the item's maximum points and cap, the
    item score, and how a missing value was handled.
``events``
    One row per veto, adjustment, not-rated or provisional rule that applied
    to a firm, with its reason in zh and en and the class before and after.
``boundaries``
    Per pool (and class group) and class, the lowest score that is in that
    class: what a firm must reach to move up (the counterfactual's target).
``pool_stats``
    Per pool and indicator, the statistics the scoring used (benchmark,
    min, max, mean, count), frozen so that one firm can be re-scored with
    one value changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

__all__ = [
    "BOUNDARIES_SCHEMA",
    "EVENTS_SCHEMA",
    "ITEMS_SCHEMA",
    "POOL_STATS_SCHEMA",
    "RESULTS_SCHEMA",
    "Evaluation",
]

RESULTS_SCHEMA = pa.schema(
    [
        ("credit_code", pa.string()),
        ("name", pa.string()),
        ("former_names", pa.string()),
        ("county_code", pa.string()),
        ("county", pa.string()),
        ("park", pa.string()),
        ("industry_code", pa.string()),
        ("chain", pa.string()),
        ("above_scale", pa.bool_()),
        ("pool", pa.string()),  # pool code from the method file
        ("pool_name", pa.string()),  # its zh name
        ("class_group", pa.string()),  # industry group classes are shared in ('' = whole pool)
        ("score", pa.float64()),
        ("rank_in_pool", pa.int64()),  # 1 = best; ties share the smaller rank
        ("pool_size", pa.int64()),  # rated firms in the pool
        ("percentile_pool", pa.float64()),
        ("percentile_industry", pa.float64()),
        ("class_raw", pa.string()),
        ("class_final", pa.string()),
        ("rated", pa.bool_()),
        ("flags", pa.list_(pa.string())),
        ("remark", pa.string()),
    ]
)

ITEMS_SCHEMA = pa.schema(
    [
        ("credit_code", pa.string()),
        ("indicator", pa.string()),  # indicator code from the method file
        ("name", pa.string()),  # zh name
        ("unit", pa.string()),
        ("value", pa.float64()),  # null when missing
        ("benchmark", pa.float64()),
        ("max_score", pa.float64()),  # the item's weight in points
        ("cap", pa.float64()),  # the most points the item can give
        ("item_score", pa.float64()),
        ("missing_rule", pa.string()),  # '' when the value was present
    ]
)

EVENTS_SCHEMA = pa.schema(
    [
        ("credit_code", pa.string()),
        ("kind", pa.string()),  # not_rated | provisional | veto | fix | up | down | missing
        ("rule", pa.string()),  # the rule's id in the method file
        ("reason_zh", pa.string()),
        ("reason_en", pa.string()),
        ("class_before", pa.string()),
        ("class_after", pa.string()),
    ]
)

BOUNDARIES_SCHEMA = pa.schema(
    [
        ("pool", pa.string()),
        ("class_group", pa.string()),
        ("class_label", pa.string()),
        ("min_score", pa.float64()),  # lowest score in the class (null if empty)
        ("count", pa.int64()),
    ]
)

POOL_STATS_SCHEMA = pa.schema(
    [
        ("pool", pa.string()),
        ("indicator", pa.string()),
        ("benchmark", pa.float64()),
        ("min", pa.float64()),
        ("max", pa.float64()),
        ("mean_item", pa.float64()),  # the pool's average item score (missing-data rule)
        ("count", pa.int64()),  # firms with a value
    ]
)


@dataclass(frozen=True)
class Evaluation:
    """One evaluation's outcome (see the module docstring for the tables).

    Attributes
    ----------
    method : str
        The method's name (``huangyan-2022`` …).
    year : int
        The evaluated year.
    results, items, events, boundaries, pool_stats : pyarrow.Table
        With the schemas of this module.
    log : list of dict
        The steps taken, each with its parameters (a run's log).
    """

    method: str
    year: int
    results: pa.Table
    items: pa.Table
    events: pa.Table
    boundaries: pa.Table
    pool_stats: pa.Table
    log: list[dict[str, Any]] = field(default_factory=list)
