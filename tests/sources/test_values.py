from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenghuang.sources import (
    parse_bool,
    parse_date,
    parse_month,
    parse_number,
    parse_numbers,
    parse_period,
    parse_year,
)

_FULL = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.5", 1234.5),
        ("1,234.5", 1234.5),
        ("1，234.5", 1234.5),
        ("１，２３４．５", 1234.5),
        (" 12 ", 12.0),
        ("+3", 3.0),
        ("-7", -7.0),
        ("(12)", -12.0),
        ("（12）", -12.0),
        ("3.5%", 0.035),
        ("３．５％", 0.035),
        ("1e3", 1000.0),
        (".5", 0.5),
    ],
)
def test_numbers(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", " ", "-", "—", "——", "/", "无", "N/A", None])
def test_missing(text: str | None) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12元", "1e999", "%", "１２a"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def _thousands(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}"


@given(st.floats(-1e12, 1e12, allow_nan=False), st.integers(0, 4), st.booleans(), st.booleans())
def test_number_round_trip(x: float, decimals: int, full_width: bool, chinese_comma: bool) -> None:
    text = _thousands(x, decimals)
    expected = float(text.replace(",", ""))
    if chinese_comma:
        text = text.replace(",", "，")
    if full_width:
        text = text.translate(_FULL)
    got = parse_number(text)
    assert got is not None and math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-9)


@given(st.lists(st.one_of(st.none(), st.text(max_size=8)), max_size=20))
def test_column_parser_never_raises(texts: list[str | None]) -> None:
    values, bad = parse_numbers(pa.array(texts, pa.string()))
    assert len(values) == len(texts) == len(bad)
    for v, b in zip(values.to_pylist(), bad, strict=True):
        assert not (b and v is not None)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2023年01月", (2023, 1)),
        ("2023年1月", (2023, 1)),
        ("202301", (2023, 1)),
        ("2023-01", (2023, 1)),
        ("2023/1/5", (2023, 1)),
        ("2023.12", (2023, 12)),
        ("2023-01-05 00:00:00", (2023, 1)),
        ("二〇二三年一月", (2023, 1)),
        ("二〇二三年十二月", (2023, 12)),
        ("２０２３年３月", (2023, 3)),
    ],
)
def test_periods(text: str, period: tuple[int, int]) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["2023", "202313", "2023-00", "abc", "23年1月"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(ValueError):
        parse_period(text)


@given(
    st.integers(1990, 2099),
    st.integers(1, 12),
    st.sampled_from(["{y}年{m:02d}月", "{y}{m:02d}", "{y}-{m:02d}", "{y}/{m}/1", "{y}年{m}月"]),
)
def test_period_round_trip(y: int, m: int, fmt: str) -> None:
    assert parse_period(fmt.format(y=y, m=m)) == (y, m)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2023-01-05", dt.date(2023, 1, 5)),
        ("2023/1/5", dt.date(2023, 1, 5)),
        ("2023年1月5日", dt.date(2023, 1, 5)),
        ("20230105", dt.date(2023, 1, 5)),
        ("二〇二三年一月二十五日", dt.date(2023, 1, 25)),
        ("44931", dt.date(2023, 1, 5)),  # Excel serial number
    ],
)
def test_dates(text: str, date: dt.date) -> None:
    assert parse_date(text) == date


def test_impossible_date() -> None:
    with pytest.raises(ValueError):
        parse_date("2023-02-30")


@given(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)))
def test_date_round_trip(d: dt.date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == d


def test_years_and_months() -> None:
    assert [parse_year(t) for t in ("2023", "2023年", "2023年度", "2023.0")] == [2023] * 4
    assert [parse_month(t) for t in ("1", "01", "1月", "一月", "十二月", "12.0")] == [
        1,
        1,
        1,
        1,
        12,
        12,
    ]
    with pytest.raises(ValueError):
        parse_month("13")


def test_bools() -> None:
    assert [parse_bool(t) for t in ("是", "否", "Y", "n", "√", "×", "1", "0", "3")] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
    ]
    assert parse_bool("") is None
    with pytest.raises(ValueError):
        parse_bool("也许")
