"""fenghuang.policy exports exactly its public names (STYLE 10)."""

from __future__ import annotations

import fenghuang.policy as policy
from fenghuang.methods import _policy as model
from fenghuang.policy import _bills, _classes, _history, _measures, _reasons, _store

MODULES = [_bills, _classes, _history, _measures, _reasons, _store]
HELPERS = {
    "as_string_array",
    "credit_codes",
    "require_column",
    "facts_column",
    "priority_text",
    "bill_reason",
    "rate_text",
}


def test_exports() -> None:
    for mod in MODULES:
        for name in mod.__all__:
            if name in HELPERS:
                continue  # helpers shared between modules, not public
            assert name in policy.__all__, name
            assert getattr(policy, name) is getattr(mod, name)
    for name in ("PolicySet", "Surcharge", "parse_policies", "policy_errors"):
        assert getattr(policy, name) is getattr(model, name)
    assert len(set(policy.__all__)) == len(policy.__all__)
    for name in policy.__all__:
        assert hasattr(policy, name), name
    for fn in ("firm_bill", "firm_measures", "run_bills", "run_measures"):
        assert callable(getattr(policy, fn))
