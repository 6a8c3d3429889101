from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenghuang.sources import UNIT_TABLES, split_header, unit_factor


@pytest.mark.parametrize(
    ("quantity", "unit", "factor"),
    [
        ("money", "万元", 1e4),
        ("money", "千元", 1e3),
        ("money", "亿元", 1e8),
        ("area", "亩", 1.0),
        ("area", "公顷", 15.0),
        ("area", "平方米", 1 / 666.6666666666666),
        ("area", "㎡", 1 / 666.6666666666666),
        ("electricity", "万千瓦时", 1e4),
        ("electricity", "万kWh", 1e4),
        ("electricity", "千瓦时", 1.0),
        ("energy", "万吨标准煤", 1e4),
        ("energy", "吨标准煤", 1.0),
        ("mass", "千克", 1e-3),
        ("volume", "万立方米", 1e4),
        ("volume", "m³", 1.0),
    ],
)
def test_factors(quantity: str, unit: str, factor: float) -> None:
    assert unit_factor(quantity, unit) == pytest.approx(factor)


def test_mu_and_hectare() -> None:
    # 1 亩 = 666.6667 m²; 1 公顷 = 15 亩 = 10 000 m²
    assert 666.6667 * unit_factor("area", "平方米") == pytest.approx(1.0, rel=1e-6)  # type: ignore[operator]
    assert 10000 * unit_factor("area", "平方米") == pytest.approx(unit_factor("area", "公顷"))  # type: ignore[operator]


def test_unknown_unit() -> None:
    assert unit_factor("money", "美元") is None
    assert unit_factor("nonsense", "元") is None


@pytest.mark.parametrize(
    ("header", "split"),
    [
        ("实缴税额（万元）", ("实缴税额", "万元")),
        ("用电量(万千瓦时)", ("用电量", "万千瓦时")),
        ("面积/公顷", ("面积", "公顷")),
        ("面积_亩", ("面积", "亩")),
        ("营业收入【千元】", ("营业收入", "千元")),
        ("实缴税额（单位：万元）", ("实缴税额", "万元")),
        ("实缴税额(美元)", ("实缴税额", "美元")),  # a unit, though unknown: reported later
        ("综合能耗(等价值)", ("综合能耗(等价值)", None)),
        ("企业名称", ("企业名称", None)),
    ],
)
def test_split_header(header: str, split: tuple[str, str | None]) -> None:
    assert split_header(header) == split


@given(st.sampled_from(sorted(UNIT_TABLES)), st.data(), st.floats(0, 1e9, allow_nan=False))
def test_unit_round_trip(quantity: str, data: st.DataObject, value: float) -> None:
    unit = data.draw(st.sampled_from(sorted(UNIT_TABLES[quantity])))
    factor = unit_factor(quantity, unit)
    assert factor is not None and factor > 0
    base = value * factor
    assert base / factor == pytest.approx(value, rel=1e-12, abs=1e-12)
