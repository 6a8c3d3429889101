"""The annotated example in docs/methods.md is a valid method file and evaluates."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from fenghuang.evaluation import evaluate
from fenghuang.methods import parse_method

DOC = Path(__file__).resolve().parents[2] / "docs" / "methods.md"


def test_docs_example_parses_and_evaluates() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1
    m = parse_method(blocks[0], file="docs/methods.md")
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
