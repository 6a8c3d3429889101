"""Number + unit grammar and periods."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenghuang.monitor import find_periods, parse_quantity


@pytest.mark.parametrize(
    ("text", "value", "unit", "norm", "unit_norm", "qualifier", "high"),
    [
        ("1.08亿吨", 1.08, "亿吨", 1.08e8, "吨", "", None),
        ("444.1亿元", 444.1, "亿元", 4.441e10, "元", "", None),
        ("553.9万千瓦", 553.9, "万千瓦", 5.539e6, "kW", "", None),
        ("3.75亿立方米", 3.75, "亿立方米", 3.75e8, "m³", "", None),
        ("两千", 2000.0, "", 2000.0, "", "", None),
        ("十六年", 16.0, "年", 16.0, "年", "", None),
        ("百万千瓦", 100.0, "万千瓦", 1e6, "kW", "", None),  # as 100万千瓦 is written
        ("一百二十万吨", 120.0, "万吨", 1.2e6, "吨", "", None),
        ("超500亿千瓦时", 500.0, "亿千瓦时", 5e10, "kWh", "超", None),
        ("近2万人", 2.0, "万人", 2e4, "人", "近", None),
        ("65%以上", 65.0, "%", 65.0, "%", "以上", None),
        ("6%左右", 6.0, "%", 6.0, "%", "左右", None),
        ("20余台", 20.0, "台", 20.0, "台", "余", None),
        ("3000余万元", 3000.0, "万元", 3e7, "元", "余", None),
        ("5%—6%", 5.0, "%", 5.0, "%", "", 6.0),
        ("12万至15万亩", 12.0, "万亩", 1.2e5, "亩", "", 15.0),
        ("1,234.5万元", 1234.5, "万元", 1.2345e7, "元", "", None),
        ("5.1个百分点", 5.1, "个百分点", 5.1, "个百分点", "", None),
        ("4000平方公里", 4000.0, "平方公里", 6e6, "亩", "", None),
        ("0.52吨标准煤/万元", 0.52, "吨标准煤/万元", 0.52, "吨标准煤/万元", "", None),
        ("32微克/立方米", 32.0, "微克/立方米", 32.0, "μg/m³", "", None),
    ],
)
def test_quantities(text, value, unit, norm, unit_norm, qualifier, high) -> None:
    q = parse_quantity(text)
    assert q is not None
    assert (q.value, q.unit, q.unit_norm, q.qualifier, q.value_high) == (
        value,
        unit,
        unit_norm,
        qualifier,
        high,
    )
    assert q.value_norm == pytest.approx(norm)


@given(
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(["元", "万元", "亿元", "吨", "万吨", "%", "家"]),
)
def test_arabic_round_trip(n: int, unit: str) -> None:
    q = parse_quantity(f"{n}{unit}")
    assert q is not None and q.value == n and q.unit == unit


@pytest.mark.parametrize(
    ("text", "year", "labels"),
    [
        ("2023年，该市", None, ["2023"]),
        ("今年1月—8月，全市", 2024, ["2024M01-M08"]),
        ("1—7月", 2024, ["2024M01-M07"]),
        ("前三季度", 2024, ["2024Q1-Q3"]),
        ("前三季度", None, ["Q1-Q3"]),
        ("上半年", 2024, ["2024H1"]),
        ("2024年一季度", None, ["2024Q1"]),
        ("去年", 2024, ["2023"]),
        ("去年", None, ["去年"]),  # relative, year unknown (not dropped, not guessed)
        ("2016年以来", None, ["2016至今"]),
        ("2024年以来", 2024, ["2024"]),
        ("2023年来自煤炭", 2024, ["2023"]),  # 来自: not "since"
        ("一年来", 2024, ["2023"]),
        ("十一年来", 2024, []),
        ("2020至2022年", None, ["2020-2022"]),
        ("2016年以来", 2024, ["2016-2024"]),
        ("截至目前", 2024, ["2024"]),
        ("截至5月末", 2024, ["2024M05"]),
        ("过去一年", 2024, ["2023"]),
    ],
)
def test_periods(text: str, year: int | None, labels: list[str]) -> None:
    assert [p.label for p in find_periods(text, report_year=year)] == labels


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("“十四五”以来", "2021-2024"),
        ("十三五期间", "2016-2020"),
        ("十四五末", "2025"),
        ("“十二五”时期", "2011-2015"),
    ],
)
def test_five_year_plan_periods(text: str, label: str) -> None:
    assert [p.label for p in find_periods(text, report_year=2024)] == [label]
