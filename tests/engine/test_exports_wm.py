"""The weights/MCDA/classification/audit names are exported exactly (STYLE 10)."""

from __future__ import annotations

import fenghuang.engine as engine
from fenghuang.engine import (
    _audit,
    _classify,
    _classify_rules,
    _fused,
    _mcda,
    _promethee,
    _rank,
    _weighting,
    _weights,
    _weights_objective,
)

MODULES = [
    _audit,
    _classify,
    _classify_rules,
    _fused,
    _mcda,
    _promethee,
    _rank,
    _weighting,
    _weights,
    _weights_objective,
]


def test_every_public_name_is_re_exported() -> None:
    for module in MODULES:
        for name in module.__all__:
            assert name in engine.__all__, f"{module.__name__}.{name} missing from __all__"
            assert getattr(engine, name) is getattr(module, name)


def test_contract_names_for_firm_evaluation() -> None:
    for name in ("classify_shares", "classify_thresholds", "classify_breaks", "class_boundaries"):
        assert callable(getattr(engine, name))
