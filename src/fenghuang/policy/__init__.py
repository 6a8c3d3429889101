"""Differentiated resource-factor policies by class (差异化资源要素配置).

From an evaluation's classes and the firms' consumption, the method's
``[policies]`` give each firm a surcharge bill (power, water, gas, sewage,
with escalation for consecutive years in one class) and its list of
incentives and restrictions (land, energy-use and discharge-right
priorities, rewards, other measures). The core is pure and vectorised over
Arrow tables; the store-level functions read a stored run.
"""

from fenghuang.methods._policy import (
    Escalation,
    Measure,
    PolicySet,
    Priority,
    PriorityLevel,
    Reward,
    Source,
    Surcharge,
    parse_policies,
    policy_errors,
)
from fenghuang.policy._bills import BILLS_SCHEMA, bill_summary, compute_bills
from fenghuang.policy._classes import PolicyClasses, policy_classes
from fenghuang.policy._history import align_classes, consecutive_d_years
from fenghuang.policy._measures import MEASURES_SCHEMA, compute_measures
from fenghuang.policy._store import (
    bill_lines,
    firm_bill,
    firm_measures,
    run_bill_summary,
    run_bills,
    run_consecutive,
    run_measures,
    run_policies,
)

__all__ = [
    "BILLS_SCHEMA",
    "MEASURES_SCHEMA",
    "Escalation",
    "Measure",
    "PolicyClasses",
    "PolicySet",
    "Priority",
    "PriorityLevel",
    "Reward",
    "Source",
    "Surcharge",
    "align_classes",
    "bill_lines",
    "bill_summary",
    "compute_bills",
    "compute_measures",
    "consecutive_d_years",
    "firm_bill",
    "firm_measures",
    "parse_policies",
    "policy_classes",
    "policy_errors",
    "run_bill_summary",
    "run_bills",
    "run_consecutive",
    "run_measures",
    "run_policies",
]
