"""Power capacity units (装机容量): kW, 千瓦, 万千瓦, MW/兆瓦, GW — not energy (kWh)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenghuang.sources import BASE_UNITS, split_header, unit_factor
from fenghuang.sources._units import find_quantity_of_unit


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        ("千瓦", 1.0),
        ("kW", 1.0),
        ("ＫＷ", 1.0),
        ("万千瓦", 1e4),
        ("万kW", 1e4),
        ("兆瓦", 1e3),
        ("MW", 1e3),
        ("GW", 1e6),
        ("亿千瓦", 1e8),
    ],
)
def test_power_factors(unit: str, factor: float) -> None:
    assert unit_factor("power", unit) == factor
    assert find_quantity_of_unit(unit) == "power"
    assert BASE_UNITS["power"] == "kW"


def test_power_is_not_energy() -> None:
    # 万千瓦 is a capacity, 万千瓦时 an amount of electricity: each in its own table
    assert unit_factor("electricity", "万千瓦") is None
    assert unit_factor("power", "万千瓦时") is None
    assert find_quantity_of_unit("万千瓦时") == "electricity"


@pytest.mark.parametrize(
    ("header", "split"),
    [
        ("电力装机容量（万千瓦）", ("电力装机容量", "万千瓦")),
        ("光伏装机(MW)", ("光伏装机", "MW")),
        ("装机容量/千瓦", ("装机容量", "千瓦")),
        ("风电装机（单位：万千瓦）", ("风电装机", "万千瓦")),
        ("全社会用电量（万千瓦时）", ("全社会用电量", "万千瓦时")),
    ],
)
def test_split_header_knows_power(header: str, split: tuple[str, str | None]) -> None:
    assert split_header(header) == split


def test_split_header_with_a_callers_vocabulary() -> None:
    # 天 is no firm-data unit; a caller that knows it (the monitor) may say so
    assert split_header("优良天数（天）") == ("优良天数（天）", None)
    assert split_header("优良天数（天）", known=lambda u: u == "天") == ("优良天数", "天")
    # known only widens: a unit sources knows is split whatever the caller says
    assert split_header("装机（万千瓦）", known=lambda u: False) == ("装机", "万千瓦")


@given(
    name=st.sampled_from(["电力装机容量", "光伏装机", "风电并网容量"]),
    unit=st.sampled_from(["千瓦", "万千瓦", "兆瓦", "MW", "kW", "GW"]),
    style=st.sampled_from(["{}（{}）", "{}({})", "{}/{}", "{}【{}】", "{}（单位：{}）"]),
)
def test_any_written_power_header_splits_and_converts(name: str, unit: str, style: str) -> None:
    stem, got = split_header(style.format(name, unit))
    assert (stem, got) == (name, unit)
    kw = {"千瓦": 1.0, "kW": 1.0, "万千瓦": 1e4, "兆瓦": 1e3, "MW": 1e3, "GW": 1e6}[unit]
    assert unit_factor("power", got) == kw
