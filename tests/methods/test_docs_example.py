"""The annotated example in docs/methods.md is a valid method file and evaluates."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from fenghuang.evaluation import evaluate
from fenghuang.methods import parse_method

DOC = Path(__file__).resolve().parents[2] / "docs" / "methods.md"


def _blocks() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_docs_city_index_example_parses() -> None:
    """The city-index example (second block) is a valid file of that kind, catalogue included."""
    from fenghuang.monitor import load_catalogue

    codes = load_catalogue().indicators.keys()
    text = next(b for b in _blocks() if 'kind = "city-index"' in b)
    m = parse_method(text, file="docs/methods.md", kind="city-index", catalogue=codes)
    assert m.name == "pressure-capacity" and m.index.score == "warning"
    refs = m.pillars[0].dimensions[0].indicators
    assert [(r.indicator, r.weight) for r in refs] == [("mining_share", 1.0), ("coal_output", 2.0)]
    assert parse_method(text, kind=None).kind == "city-index"


def test_docs_example_parses_and_evaluates() -> None:
    blocks = _blocks()
    assert len(blocks) == 2
    firm = next(b for b in blocks if 'kind = "city-index"' not in b)
    m = parse_method(firm, file="docs/methods.md")
    assert m.name == "example-city-2024" and [p.code for p in m.pools] == ["above", "below"]
    facts = pa.table(
        {
            "credit_code": ["a", "b", "c"],
            "year": [2024] * 3,
            "county_code": ["x", "x", "x"],
            "above_scale": [True, True, False],
            "land_own": [10.0, 10.0, 5.0],
            "tax_paid": [2.5e6, 5e6, 1e5],  # 25 and 50 万元/亩 → 60 and 90 (cap 1.5 × 60)
            "electricity_kwh": [1e6, 1e6, 1e5],
        }
    )
    prev = facts.set_column(0, "credit_code", pa.array(["p", "q", "r"]))
    ev = evaluate(facts, m, previous=prev)
    scores = dict(
        zip(
            ev.results.column("credit_code").to_pylist(),
            ev.results.column("score").to_pylist(),
            strict=True,
        )
    )
    # tax per kWh: 2.5 and 5 元/kWh; benchmark 2 × mean(2.5, 5) = 7.5 → 40 × (1/3, 2/3)
    assert abs(scores["a"] - (60 + 40 * 2.5 / 7.5)) < 1e-9
    assert abs(scores["b"] - (90 + 40 * 5 / 7.5)) < 1e-9
    assert scores["c"] == 100.0  # alone in a min-max pool: zero range → 100 % of the weight
