"""Surcharge bills with hand-computed numbers (the arithmetic is written next to each)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from fenghuang.errors import InputError
from fenghuang.policy import (
    BILLS_SCHEMA,
    PolicySet,
    bill_summary,
    compute_bills,
    consecutive_d_years,
    parse_policies,
)


def _results(codes: list[str], classes: list[str | None], rated: list[bool] | None = None):
    cols = {"credit_code": codes, "class_final": classes}
    if rated is not None:
        cols["rated"] = rated
    return pa.table(cols)


def _lines(bills: pa.Table, code: str) -> dict[str, dict[str, object]]:
    return {r["item"]: r for r in bills.to_pylist() if r["credit_code"] == code}


@pytest.fixture()
def firms() -> tuple[pa.Table, pa.Table]:
    codes = ["A1", "C1", "CM", "D1", "X1"]
    results = _results(
        codes,
        ["A", "C", "C−", "D", "参照B"],
        [True, True, True, True, False],
    )
    facts = pa.table(
        {
            "credit_code": codes,
            "electricity_kwh": [2_000_000.0, 1_200_000.0, 800_000.0, 500_000.0, 3_000_000.0],
            "water_m3": [50_000.0, 30_000.0, 10_000.0, 20_000.0, 40_000.0],
            "gas_m3": [10_000.0, 5_000.0, 2_000.0, 8_000.0, 9_000.0],
        }
    )
    return results, facts


def test_bill_per_class(firms: tuple[pa.Table, pa.Table], example_policies: PolicySet) -> None:
    results, facts = firms
    bills = compute_bills(results, facts, example_policies)
    assert bills.schema == BILLS_SCHEMA

    # class A: no surcharge at all
    assert _lines(bills, "A1") == {}

    c1 = _lines(bills, "C1")
    assert set(c1) == {"electricity", "water"}
    # 1,200,000 kWh × 0.10 元/kWh = 120,000.00 元
    assert c1["electricity"]["amount"] == 120_000.00
    assert c1["electricity"]["rate"] == 0.10
    assert c1["electricity"]["unit"] == "kWh"
    assert c1["electricity"]["basis"] == 1_200_000.0
    # water: 4.10 元/m³ × 15% = 0.615 元/m³; 30,000 m³ × 0.615 = 18,450.00 元
    assert c1["water"]["rate"] == pytest.approx(0.615)
    assert c1["water"]["percent"] == 15.0
    assert c1["water"]["amount"] == 18_450.00
    assert "加价15%" in str(c1["water"]["reason_zh"])
    assert "0.615元/m³" in str(c1["water"]["reason_zh"])

    cm = _lines(bills, "CM")
    # C−: 800,000 kWh × 0.15 = 120,000.00 元; C− has no water rate
    assert set(cm) == {"electricity"}
    assert cm["electricity"]["amount"] == 120_000.00
    assert cm["electricity"]["reason_zh"] == "C−类企业，差别化电价：加价0.15元/kWh"

    d1 = _lines(bills, "D1")
    assert set(d1) == {"electricity", "water", "gas", "sewage"}
    # 500,000 kWh × 0.30 = 150,000.00
    assert d1["electricity"]["amount"] == 150_000.00
    # 20,000 m³ × 4.10 × 30% = 20,000 × 1.23 = 24,600.00
    assert d1["water"]["amount"] == 24_600.00
    # gas, first D year (no history given): 8,000 m³ × 1.00 = 8,000.00
    assert d1["gas"]["amount"] == 8_000.00
    assert d1["gas"]["consecutive_years"] == 1
    # sewage: 20,000 m³ × 折污系数 0.8 = 16,000 m³; × 0.50 = 8,000.00
    assert d1["sewage"]["basis"] == 16_000.0
    assert d1["sewage"]["amount"] == 8_000.00
    # total of D1: 150,000 + 24,600 + 8,000 + 8,000 = 190,600
    assert sum(float(r["amount"]) for r in d1.values()) == 190_600.00  # type: ignore[arg-type]

    # exempt firm 参照B: B pays no surcharge in this policy
    assert _lines(bills, "X1") == {}
    # every line is cited
    assert set(bills.column("source").to_pylist()) == {"示例"}


def test_rows_ordered_by_firm_then_item(
    firms: tuple[pa.Table, pa.Table], example_policies: PolicySet
) -> None:
    results, facts = firms
    bills = compute_bills(results, facts, example_policies)
    pairs = list(zip(bills["credit_code"].to_pylist(), bills["item"].to_pylist(), strict=True))
    assert pairs == [
        ("C1", "electricity"),
        ("C1", "water"),
        ("CM", "electricity"),
        ("D1", "electricity"),
        ("D1", "water"),
        ("D1", "gas"),
        ("D1", "sewage"),
    ]


def test_gas_escalates_over_consecutive_d_years(example_policies: PolicySet) -> None:
    # five D firms this year, with 1, 2, 3, 4 consecutive D years and one that was C last year
    codes = ["G1", "G2", "G3", "G4", "G5"]
    current = ["D", "D", "D", "D", "D"]
    earlier = {
        2022: ["B", "D", "D", "D", "C"],
        2021: ["A", "A", "D", "D", "D"],
        2020: ["A", "A", "B", "D", "D"],
    }
    years = consecutive_d_years(current, earlier, year=2023)
    assert years.tolist() == [1, 2, 3, 4, 1]  # G5: D, C, D → reset to 1
    results = _results(codes, current)
    facts = pa.table({"credit_code": codes, "gas_m3": [8_000.0] * 5})
    bills = compute_bills(results, facts, example_policies, consecutive_d=years)
    gas = {r["credit_code"]: r for r in bills.to_pylist() if r["item"] == "gas"}
    # 8,000 m³ × 1 / 2 / 3 元; the 4th year stays at the schedule's last value 3 元
    assert [gas[c]["amount"] for c in codes] == [8_000.0, 16_000.0, 24_000.0, 24_000.0, 8_000.0]
    assert [gas[c]["rate"] for c in codes] == [1.0, 2.0, 3.0, 3.0, 1.0]
    assert [gas[c]["consecutive_years"] for c in codes] == [1, 2, 3, 4, 1]
    assert gas["G2"]["reason_zh"] == "连续2年D类，差别化气价：加价2.00元/m³"
    assert "按第3年及以后标准" in str(gas["G4"]["reason_zh"])
    # electricity does not escalate: 0.30 for every D firm
    elec = [r["rate"] for r in bills.to_pylist() if r["item"] == "electricity"]
    assert set(elec) == {0.30}


def test_missing_consumption_is_flagged_not_charged(example_policies: PolicySet) -> None:
    codes = ["D1", "D2", "D3", "D4"]
    results = _results(codes, ["D", "D", "D", "D"])
    # D2: electricity null; D3: not in the facts at all; D4: negative water (invalid)
    facts = pa.table(
        {
            "credit_code": ["D1", "D2", "D4"],
            "electricity_kwh": [100_000.0, None, 100_000.0],
            "water_m3": [1_000.0, 1_000.0, -5.0],
            "gas_m3": [100.0, float("nan"), 100.0],
        }
    )
    bills = compute_bills(results, facts, example_policies)
    amounts = bills.column("amount").to_numpy()
    assert not np.isnan(amounts).any()
    assert bills.column("amount").null_count == 0

    d2 = _lines(bills, "D2")
    assert d2["electricity"]["amount"] == 0.0
    assert d2["electricity"]["missing"] is True
    assert d2["electricity"]["flag"] == "数据缺失"
    assert d2["electricity"]["basis"] is None
    assert "缺失" in str(d2["electricity"]["reason_zh"])
    assert d2["gas"]["missing"] is True  # NaN counts as missing
    # D2's water is there: 1,000 × 1.23 = 1,230.00; sewage 1,000 × 0.8 × 0.5 = 400.00
    assert d2["water"]["amount"] == 1_230.00
    assert d2["sewage"]["amount"] == 400.00

    d3 = _lines(bills, "D3")
    assert {k: (v["amount"], v["missing"]) for k, v in d3.items()} == {
        "electricity": (0.0, True),
        "water": (0.0, True),
        "gas": (0.0, True),
        "sewage": (0.0, True),
    }
    d4 = _lines(bills, "D4")
    assert d4["water"]["flag"] == "数据异常"
    assert d4["water"]["amount"] == 0.0
    assert d4["sewage"]["flag"] == "数据异常"
    # D4's electricity is fine: 100,000 × 0.30 = 30,000
    assert d4["electricity"]["amount"] == 30_000.00
    assert d4["electricity"]["flag"] == ""


def test_missing_basis_column_flags_every_line(example_policies: PolicySet) -> None:
    results = _results(["D1"], ["D"])
    facts = pa.table({"credit_code": ["D1"], "electricity_kwh": [10.0]})
    bills = compute_bills(results, facts, example_policies)
    lines = _lines(bills, "D1")
    assert lines["electricity"]["amount"] == 3.0  # 10 kWh × 0.30
    assert [lines[k]["missing"] for k in ("water", "gas", "sewage")] == [True, True, True]


def test_not_rated_firms() -> None:
    policies = parse_policies(
        {
            "not_rated": "C",
            "treat_as": {"参照B": "B"},
            "surcharges": {
                "electricity": {"rates": {"B": 0.02, "C": 0.10}, "source": {"status": "example"}}
            },
        }
    )
    results = _results(
        ["X1", "T1", "N1", "B1"],
        ["参照B", "T", None, "B"],
        [False, False, False, True],
    )
    facts = pa.table({"credit_code": ["X1", "T1", "N1", "B1"], "electricity_kwh": [1e5] * 4})
    bills = compute_bills(results, facts, policies)
    by = {r["credit_code"]: r for r in bills.to_pylist()}
    # 参照B: treat_as → B: 100,000 × 0.02 = 2,000
    assert by["X1"]["policy_class"] == "B"
    assert by["X1"]["class_final"] == "参照B"
    assert by["X1"]["amount"] == 2_000.00
    assert str(by["X1"]["reason_zh"]).startswith("不定等级，参照B类；")
    # T and a null class, not rated: the not_rated rule → C: 100,000 × 0.10 = 10,000
    assert by["T1"]["policy_class"] == "C"
    assert by["T1"]["amount"] == 10_000.00
    assert by["N1"]["amount"] == 10_000.00
    assert by["B1"]["reason_zh"] == "B类企业，差别化电价：加价0.02元/kWh"


def test_not_rated_without_rule_pays_nothing(example_policies: PolicySet) -> None:
    results = _results(["T1", "D1"], ["T", "D"], [False, True])
    facts = pa.table({"credit_code": ["T1", "D1"], "electricity_kwh": [1e6, 1e6]})
    bills = compute_bills(results, facts, example_policies)
    assert set(bills.column("credit_code").to_pylist()) == {"D1"}


def test_empty_policies_and_empty_results() -> None:
    results = _results(["A1"], ["D"])
    facts = pa.table({"credit_code": ["A1"], "electricity_kwh": [1.0]})
    assert compute_bills(results, facts, PolicySet()).num_rows == 0
    empty = pa.table(
        {"credit_code": pa.array([], pa.string()), "class_final": pa.array([], pa.string())}
    )
    policies = parse_policies(
        {"surcharges": {"electricity": {"rates": {"D": 0.3}, "source": {"status": "example"}}}}
    )
    out = compute_bills(empty, facts, policies)
    assert out.num_rows == 0 and out.schema == BILLS_SCHEMA


def test_bad_inputs_raise_our_errors(example_policies: PolicySet) -> None:
    results = _results(["D1"], ["D"])
    dup = pa.table({"credit_code": ["D1", "D1"], "electricity_kwh": [1.0, 2.0]})
    with pytest.raises(InputError) as err:
        compute_bills(results, dup, example_policies)
    assert err.value.code == "E-POLICY-FACTS"
    assert err.value.context["firm"] == "D1"
    with pytest.raises(InputError, match="consecutive_d"):
        compute_bills(
            results, pa.table({"credit_code": ["D1"]}), example_policies, consecutive_d=[1, 2]
        )
    with pytest.raises(InputError) as err2:
        compute_bills(pa.table({"class_final": ["D"]}), dup, example_policies)
    assert err2.value.context["field"] == "credit_code"


def test_bill_summary(firms: tuple[pa.Table, pa.Table], example_policies: PolicySet) -> None:
    results, facts = firms
    s = bill_summary(compute_bills(results, facts, example_policies)).to_pylist()
    elec = {r["policy_class"]: r for r in s if r["item"] == "electricity"}
    # C 120,000; C− 120,000; D 150,000
    assert {k: v["amount"] for k, v in elec.items()} == {
        "C": 120_000.0,
        "C−": 120_000.0,
        "D": 150_000.0,
    }
    assert all(r["firms"] == 1 for r in s)


def test_large_city_is_vectorised(example_policies: PolicySet) -> None:
    """200,000 firms: every amount equals basis × rate computed independently."""
    rng = np.random.default_rng(7)
    n = 200_000
    labels = np.array(["A", "B", "C", "C−", "D"], dtype=object)
    cls = labels[rng.integers(0, 5, n)]
    kwh = rng.uniform(0, 1e7, n)
    codes = [f"F{i:07d}" for i in range(n)]
    results = pa.table({"credit_code": codes, "class_final": pa.array(cls, pa.string())})
    facts = pa.table({"credit_code": codes, "electricity_kwh": kwh})
    bills = compute_bills(results, facts, example_policies)
    elec = bills.filter(pa.compute.equal(bills["item"], "electricity"))
    rate = {"C": 0.10, "C−": 0.15, "D": 0.30}
    expect = np.array([round(k * rate[c], 2) for k, c in zip(kwh, cls, strict=True) if c in rate])
    assert elec.num_rows == expect.size
    assert np.allclose(elec["amount"].to_numpy(), expect, rtol=0, atol=0.005)
    assert math.isclose(float(pa.compute.sum(elec["amount"]).as_py()), expect.sum(), rel_tol=1e-12)


def test_facts_in_any_order_give_the_same_bill(
    firms: tuple[pa.Table, pa.Table], example_policies: PolicySet
) -> None:
    results, facts = firms
    same = compute_bills(results, facts, example_policies)  # facts in the firms' order
    shuffled = facts.take([3, 0, 4, 2, 1])
    other = pa.table(
        {"credit_code": ["ZZ"], "electricity_kwh": [1.0], "water_m3": [2.0], "gas_m3": [3.0]}
    )
    extra = pa.concat_tables([shuffled, other])  # a firm not evaluated: ignored
    assert compute_bills(results, shuffled, example_policies).equals(same)
    assert compute_bills(results, extra, example_policies).equals(same)
