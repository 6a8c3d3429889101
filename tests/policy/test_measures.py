"""Per-firm incentives and restrictions by class."""

from __future__ import annotations

import pyarrow as pa

from fenghuang.policy import MEASURES_SCHEMA, PolicySet, compute_measures, parse_policies


def _by_firm(t: pa.Table) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in t.to_pylist():
        out.setdefault(r["credit_code"], []).append(r["text_zh"])
    return out


def test_measures_per_class(example_policies: PolicySet) -> None:
    results = pa.table(
        {
            "credit_code": ["A1", "B1", "C1", "CM", "D1", "X1", "T1"],
            "class_final": ["A", "B", "C", "C−", "D", "参照B", "T"],
            "rated": [True, True, True, True, True, False, False],
        }
    )
    m = compute_measures(results, example_policies)
    assert m.schema == MEASURES_SCHEMA
    got = _by_firm(m)
    assert got["A1"] == [
        "用地供应：第1优先",
        "用能指标：优先保障新增用能",
        "亩均效益领跑者奖励10万元",
        "优先推荐申报各级政策项目",
    ]
    assert got["B1"] == ["用地供应：第2优先", "优先推荐申报各级政策项目"]
    assert got["C1"] == ["用地供应：第3优先，指标核减20%", "不得享受技改补助"]
    assert got["CM"] == ["不得享受技改补助"]
    assert got["D1"] == ["用地供应：不予安排", "用能指标：不予新增用能指标", "不得享受技改补助"]
    # 参照B: B's measures, saying why
    assert got["X1"] == [
        "不定等级，参照B类：用地供应：第2优先",
        "不定等级，参照B类：优先推荐申报各级政策项目",
    ]
    assert "T1" not in got  # not rated, no rule for T: nothing

    rows = {(r["credit_code"], r["kind"], r["topic"]): r for r in m.to_pylist()}
    assert rows[("A1", "reward", "")]["amount_yuan"] == 100_000.0
    assert rows[("A1", "priority", "energy_quota")]["quota_pct"] == 10.0
    assert rows[("D1", "priority", "land")]["allowed"] is False
    assert rows[("C1", "priority", "land")]["level"] == 3
    assert rows[("D1", "restriction", "")]["text_en"] == "no technical-upgrade subsidy"
    assert set(m.column("source").to_pylist()) == {"示例"}


def test_no_measures() -> None:
    results = pa.table({"credit_code": ["A1"], "class_final": ["A"]})
    assert compute_measures(results, PolicySet()).num_rows == 0
    p = parse_policies(
        {
            "measures": [
                {
                    "classes": ["D"],
                    "kind": "restriction",
                    "zh": "限",
                    "en": "r",
                    "source": {"status": "example"},
                }
            ]
        }
    )
    assert compute_measures(results, p).num_rows == 0


def test_bills_and_measures_need_credit_codes(example_policies: PolicySet) -> None:
    import pytest

    from fenghuang.errors import InputError
    from fenghuang.policy import compute_bills

    no_codes = pa.table({"firm": ["A1"], "class_final": ["D"]})
    facts = pa.table({"credit_code": ["A1"], "electricity_kwh": [1.0]})
    for call in (
        lambda: compute_measures(no_codes, example_policies),
        lambda: compute_bills(no_codes, facts, example_policies),
    ):
        with pytest.raises(InputError) as ei:
            call()
        assert ei.value.code == "E-POLICY-INPUT" and ei.value.context["field"] == "credit_code"
        assert "credit_code" in ei.value.message("zh")
    # a null code is kept as "" (one line per firm, none lost)
    results = pa.table(
        {"credit_code": pa.array([None, "D1"], pa.string()), "class_final": ["D"] * 2}
    )
    got = compute_measures(results, example_policies).column("credit_code").to_pylist()
    assert set(got) == {"", "D1"}
