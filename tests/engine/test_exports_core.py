"""The engine-core names are exported exactly (STYLE 10)."""

from __future__ import annotations

import fenghuang.engine as engine
from fenghuang.engine import (
    _aggregate,
    _build,
    _framework,
    _layout,
    _normalise,
    _prep,
    _steps,
    _treat,
)

MODULES = [_aggregate, _build, _framework, _layout, _normalise, _prep, _steps, _treat]

CONTRACT = [
    "n_benchmark", "n_minmax", "n_goalposts", "n_target", "n_zscore", "n_rank",
    "n_percentile", "n_borda", "n_distance_to_max", "n_distance_to_ref",
    "a_amean", "a_gmean", "a_hmean", "a_genmean", "a_copeland",
]  # fmt: skip


def test_core_names_exported() -> None:
    for mod in MODULES:
        for name in mod.__all__:
            assert name in engine.__all__, name
            assert getattr(engine, name) is getattr(mod, name)


def test_contract_signatures() -> None:
    import inspect

    for name in CONTRACT:
        assert name in engine.__all__
    sig = inspect.signature(engine.n_benchmark)
    assert list(sig.parameters) == ["x", "benchmark", "weight", "cap", "direction"]
    assert sig.parameters["weight"].kind is inspect.Parameter.KEYWORD_ONLY
    assert list(inspect.signature(engine.n_minmax).parameters)[:4] == ["x", "lo", "hi", "direction"]
    assert "min_share" in inspect.signature(engine.a_gmean).parameters
