"""The [policies] model: defaults, validation errors naming the key path, labels."""

from __future__ import annotations

import tomllib

import pydantic
import pytest

from fenghuang.errors import MethodError
from fenghuang.policy import PolicySet, parse_policies, policy_errors

EX = {"status": "example"}


def _where(data: object) -> list[str]:
    return [e["where"] for e in policy_errors(data)]


def test_empty_policies_load() -> None:
    p = parse_policies(None)
    assert p == PolicySet() == parse_policies({})
    assert p.is_empty()
    assert p.labels() == {}


def test_usual_items_get_their_basis_and_names() -> None:
    p = parse_policies(
        {
            "surcharges": {
                "electricity": {"rates": {"C": 0.1}, "source": EX},
                "water": {"rates": {"C": 0.5}, "source": EX},
                "gas": {"rates": {"C": 0.5}, "source": EX},
                "sewage": {"rates": {"C": 0.5}, "source": EX},
            },
            "priorities": {"land": {"classes": {"A": {"level": 1}}, "source": EX}},
        }
    )
    assert {k: s.basis for k, s in p.surcharges.items()} == {
        "electricity": "electricity_kwh",
        "water": "water_m3",
        "gas": "gas_m3",
        "sewage": "water_m3",
    }
    assert p.surcharges["electricity"].unit == "kWh"
    assert p.surcharges["sewage"].name_zh == "差别化污水处理费"
    assert p.priorities["land"].name_zh == "用地供应"


def test_rate_in_yuan_percent_and_escalation() -> None:
    p = parse_policies(
        {
            "surcharges": {
                "water": {
                    "mode": "percent",
                    "base_price": 4.0,
                    "rates": {"C": 15, "D": 30},
                    "source": EX,
                },
                "gas": {"escalation": {"schedule": [1, 2, 3]}, "rates": {"C": 0.5}, "source": EX},
            }
        }
    )
    w = p.surcharges["water"]
    assert w.rate_yuan("C") == 0.6  # 4.0 元/m³ × 15%
    assert w.rate_yuan("D") == 1.2  # 4.0 × 30%
    assert w.rate_yuan("A") is None
    g = p.surcharges["gas"]
    assert [g.rate_yuan("D", k) for k in (0, 1, 2, 3, 7)] == [1.0, 1.0, 2.0, 3.0, 3.0]
    assert g.rate_yuan("C", 5) == 0.5  # only the escalation label escalates


def test_policyset_is_frozen(example_policies: PolicySet) -> None:
    with pytest.raises(pydantic.ValidationError):
        example_policies.not_rated = "B"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "where", "text"),
    [
        (
            {"surcharges": {"electricity": {"rates": {"C": -0.1}, "source": EX}}},
            "policies.surcharges.electricity.rates.C",
            "greater than or equal to 0",
        ),
        (
            {
                "surcharges": {
                    "power": {"basis": "kwh", "name_zh": "电", "name_en": "p", "source": EX}
                }
            },
            "policies.surcharges.power.basis",
            "not a numeric firm-year field",
        ),
        (
            {"surcharges": {"power": {"rates": {"C": 1}, "source": EX}}},
            "policies.surcharges.power.basis",
            "Field required",
        ),
        (
            {"surcharges": {"water": {"mode": "percent", "rates": {"C": 15}, "source": EX}}},
            "policies.surcharges.water",
            "base_price",
        ),
        (
            {"surcharges": {"gas": {"escalation": {"schedule": [1, 3, 2]}, "source": EX}}},
            "policies.surcharges.gas.escalation.schedule",
            "must not fall",
        ),
        (
            {
                "surcharges": {
                    "gas": {"escalation": {"schedule": [1, 2]}, "rates": {"D": 1}, "source": EX}
                }
            },
            "policies.surcharges.gas",
            "rates.D and escalation",
        ),
        (
            {"surcharges": {"gas": {"rates": {"D": 1}, "source": {}}}},
            "policies.surcharges.gas.source",
            "source document",
        ),
        (
            {"surcharges": {"water": {"rate": {"D": 1}, "source": EX}}},
            "policies.surcharges.water.rate",
            "Extra inputs",
        ),
        (
            {"priorities": {"land": {"classes": {"A": {"level": 0}}, "source": EX}}},
            "policies.priorities.land.classes.A.level",
            "greater than or equal to 1",
        ),
        (
            {
                "rewards": [
                    {"classes": ["A"], "zh": "奖", "en": "award", "source": EX},
                    {"classes": []},
                ]
            },
            "policies.rewards[1].classes",
            "at least 1",
        ),
        (
            {"measures": [{"classes": ["D"], "kind": "ban", "zh": "限", "en": "x", "source": EX}]},
            "policies.measures[0].kind",
            "incentive",
        ),
        (
            {"treat_as": {"T": "X", "X": "B"}},
            "policies.treat_as",
            "treat_as.T points to X",
        ),
        ({"surchages": {}}, "policies.surchages", "Extra inputs"),
        (
            {"surcharges": {"electricity": {"source": EX}}},
            "policies.surcharges.electricity",
            "sets no rate",
        ),
        (
            {
                "priorities": {
                    "land": {"classes": {"D": {"allowed": False, "level": 4}}, "source": EX}
                }
            },
            "policies.priorities.land.classes.D",
            "denied",
        ),
        (
            {"priorities": {"land": {"classes": {"A": {"level": 1, "zh": "优先"}}, "source": EX}}},
            "policies.priorities.land.classes.A",
            "both zh and en",
        ),
    ],
)
def test_errors_name_the_key_path(data: object, where: str, text: str) -> None:
    errors = policy_errors(data)
    assert where in [e["where"] for e in errors], errors
    hit = next(e for e in errors if e["where"] == where)
    assert text in hit["en"]
    assert hit["zh"]  # a Chinese message too


def test_parse_raises_method_error_listing_every_problem() -> None:
    text = """
[policies.surcharges.electricity]
rates = { C = 0.10, D = -0.30 }
source = { status = "example" }

[policies.surcharges.water]
mode = "percent"
rates = { D = 30 }
source = { document = "" }
"""
    data = tomllib.loads(text)["policies"]
    with pytest.raises(MethodError) as err:
        parse_policies(data, file="city.toml")
    e = err.value
    assert e.code == "E-METHOD-POLICY"
    assert e.context["file"] == "city.toml"
    wheres = [x["where"] for x in e.errors]
    assert "policies.surcharges.electricity.rates.D" in wheres
    assert "policies.surcharges.water.source" in wheres
    assert "policies.surcharges.electricity.rates.D" in str(e)
    assert "差异化政策" in e.message("zh")


def test_unknown_labels_catch_a_typo(example_policies: PolicySet) -> None:
    assert example_policies.unknown_labels(["A", "B", "C", "C−", "D"]) == []
    p = parse_policies({"surcharges": {"electricity": {"rates": {"C-": 0.15}, "source": EX}}})
    assert p.unknown_labels(["A", "B", "C", "C−", "D"]) == [
        ("policies.surcharges.electricity.rates.C-", "C-")
    ]


def test_source_labels() -> None:
    p = parse_policies(
        {
            "surcharges": {
                "electricity": {
                    "rates": {"D": 0.3},
                    "source": {"document": "浙政发〔2018〕5号"},
                },
                "water": {
                    "rates": {"D": 0.3},
                    "source": {"status": "reconstruction", "document": "浙政发〔2018〕5号"},
                },
            }
        }
    )
    assert p.surcharges["electricity"].source.label() == "浙政发〔2018〕5号"
    assert p.surcharges["water"].source.label() == "重构（参照浙政发〔2018〕5号）"


def test_the_documented_example_parses_and_bills_as_documented() -> None:
    from pathlib import Path

    import pyarrow as pa

    from fenghuang.policy import compute_bills, compute_measures

    doc = (Path(__file__).parents[2] / "docs" / "policy.md").read_text(encoding="utf-8")
    block = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    p = parse_policies(tomllib.loads(block)["policies"], file="docs/policy.md")
    assert p.surcharges["water"].rate_yuan("C") == 0.615  # 4.10 × 15%
    assert p.surcharges["water"].rate_yuan("D") == 1.23  # 4.10 × 30%
    results = pa.table({"credit_code": ["C1"], "class_final": ["C"]})
    m = compute_measures(results, p)
    assert "用地供应：第3优先，指标核减20%" in m.column("text_zh").to_pylist()
    facts = pa.table({"credit_code": ["C1"], "electricity_kwh": [1e4]})
    assert compute_bills(results, facts, p).column("amount").to_pylist()[0] == 1_000.0
