"""A header unit of another quantity is refused by name, with the units the field takes."""

from __future__ import annotations

from pathlib import Path

from fenghuang.sources import make_credit_code, read_source


def _power(tmp: Path, header: str) -> list[dict[str, object]]:
    code = make_credit_code("91360300MA0000000")
    path = tmp / "供电.csv"
    path.write_text(f"统一社会信用代码,企业名称,所属期,{header}\n{code},甲,2023-01,5\n", "utf-8")
    rows: list[dict[str, object]] = read_source(path).rejects.to_pylist()
    return rows


def test_a_power_unit_on_energy_use_names_the_units_it_takes(tmp_path: Path) -> None:
    (r,) = _power(tmp_path, "用电量(千瓦)")  # kW is a power; 用电量 is an energy (kWh)
    assert r["code"] == "E-ROW-UNIT" and r["row"] == 2 and r["column"] == "用电量(千瓦)"
    assert "“千瓦”不是该字段的单位" in str(r["reason_zh"]) and "千瓦时" in str(r["reason_zh"])
    assert "'千瓦' is not a unit of this field" in str(r["reason_en"])
    assert "kWh" in str(r["reason_en"])


def test_the_right_unit_is_read(tmp_path: Path) -> None:
    assert _power(tmp_path, "用电量(万千瓦时)") == []
