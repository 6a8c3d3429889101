"""The known gaps of figure extraction, closed: 分别 lists, tables either way, relative periods,
news datelines.

The passages in ``data/gaps/`` are invented for these tests (模拟数据，仅供测试), in the
shape of the example reports; the expected observations below were written by hand.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenghuang.errors import SourceError
from fenghuang.monitor import (
    EXTRACTED_LABEL,
    PERIOD_BASIS,
    PERIOD_NOTES,
    Extractor,
    Observation,
    extract_text,
    find_periods,
    observations_table,
    read_report,
    read_yearbook,
    split_blocks,
)
from fenghuang.monitor._extract import dateline

GAPS = Path(__file__).parent / "data" / "gaps"

# indicator code, kind, value → expected fields
Want = dict[tuple[str | None, str, float], dict[str, object]]


@functools.cache
def _shared_extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return _shared_extractor()


def _read(extractor: Extractor, name: str) -> tuple[str, list[Observation]]:
    report = read_report(GAPS / name)
    return report.text, extractor.extract(report)


def _by_value(obs: list[Observation]) -> dict[tuple[str | None, str, float], Observation]:
    out: dict[tuple[str | None, str, float], Observation] = {}
    for o in obs:
        key = (o.indicator_code or o.indicator, o.kind, o.value)
        assert key not in out, key
        out[key] = o
    return out


def _check(obs: list[Observation], want: Want, text: str) -> None:
    by = _by_value(obs)
    for key, fields in want.items():
        assert key in by, (key, sorted(by, key=str))
        o = by[key]
        for name, value in fields.items():
            assert getattr(o, name) == value, (key, name, getattr(o, name), value)
        assert o.period_basis in PERIOD_BASIS
        # the span is the figure as written in the text that was read
        span = text[o.span_start : o.span_end].replace(",", "").replace(" ", "")
        assert span.startswith(f"{abs(o.value):g}"[:3]), (key, span)


# -- 1. 分别: one indicator per figure ------------------------------------------------

PX = dict(place_name="萍乡市", place_code="360300", period="2023", year=2023)
AY = dict(place_name="安源区", place_code="360302", period="2023", year=2023)
BULLETIN: Want = {
    # 一、二、三产业增加值分别为…、…和…，分别增长…
    ("primary_va", "level", 98.6): {**PX, "indicator": "第一产业增加值", "unit": "亿元"},
    ("secondary_va", "level", 512.4): {**PX, "indicator": "第二产业增加值", "unit": "亿元"},
    ("tertiary_va", "level", 631.8): {**PX, "indicator": "第三产业增加值", "unit": "亿元"},
    ("primary_va", "growth", 3.9): {**PX, "unit": "%"},
    ("secondary_va", "growth", 6.4): {**PX, "unit": "%"},
    ("tertiary_va", "growth", 5.2): {**PX, "unit": "%"},
    # 城乡居民人均可支配收入分别达到 38,520 元和 19,870 元，分别增长 5.1% 和 7.2%
    ("urban_income", "level", 38520.0): {
        **PX,
        "indicator": "城镇居民人均可支配收入",
        "unit": "元",
        "value_norm": 38520.0,
        "period_basis": "context",  # 全年 in a bulletin titled 2023年…统计公报
    },
    ("rural_income", "level", 19870.0): {
        **PX,
        "indicator": "农村居民人均可支配收入",
        "unit": "元",
        "value_norm": 19870.0,
    },
    ("urban_income", "growth", 5.1): {**PX, "indicator": "城镇居民人均可支配收入"},
    ("rural_income", "growth", 7.2): {**PX, "indicator": "农村居民人均可支配收入"},
    # 安源区城镇和农村居民…分别为4.12万元和2.31万元: the district named in the sentence,
    # the title's period (no period in the sentence)
    ("urban_income", "level", 4.12): {**AY, "unit": "万元", "value_norm": 41200.0},
    ("rural_income", "level", 2.31): {**AY, "unit": "万元", "value_norm": 23100.0},
    # 营业收入、利润总额分别下降…
    ("规上工业营业收入", "growth", -2.4): {**PX, "unit": "%"},
    ("利润总额", "growth", -6.8): {**PX, "unit": "%"},
}


def test_respectively_lists_in_a_bulletin(extractor) -> None:
    text, obs = _read(extractor, "pingxiang-2023-bulletin-sim.txt")
    _check(obs, BULLETIN, text)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "2023年，城乡居民人均可支配收入分别达到 38,520 元和 19,870 元，分别增长 5.1% 和 7.2%。",
            [
                ("urban_income", "level", 38520.0, "元"),
                ("rural_income", "level", 19870.0, "元"),
                ("urban_income", "growth", 5.1, "%"),
                ("rural_income", "growth", 7.2, "%"),
            ],
        ),
        # a unit written once, after the last figure, goes to each
        (
            "2023年，全市二三产业增加值分别为512.4、631.8亿元，分别增长6.4和5.2%。",
            [
                ("secondary_va", "level", 512.4, "亿元"),
                ("tertiary_va", "level", 631.8, "亿元"),
                ("secondary_va", "growth", 6.4, "%"),
                ("tertiary_va", "growth", 5.2, "%"),
            ],
        ),
        (
            "2023年，全市第一、第二、第三产业增加值分别下降1.2%、增长6.4%和增长5.2%。",
            [
                ("primary_va", "growth", -1.2, "%"),
                ("secondary_va", "growth", 6.4, "%"),
                ("tertiary_va", "growth", 5.2, "%"),
            ],
        ),
        (
            "2023年，湘东区、芦溪县规上工业增加值分别增长6.1%和7.3%。",
            [("industry_va", "growth", 6.1, "%"), ("industry_va", "growth", 7.3, "%")],
        ),
    ],
)
def test_respectively_sentences(sentence: str, expected: list[tuple]) -> None:
    obs = extract_text(sentence, place="萍乡市")
    assert [(o.indicator_code, o.kind, o.value, o.unit) for o in obs] == expected
    assert {o.period for o in obs} == {"2023"}
    if "湘东区" in sentence:
        assert [o.place_name for o in obs] == ["湘东区", "芦溪县"]
    else:
        assert {o.place_name for o in obs} == {"萍乡市"}


@pytest.mark.parametrize(
    ("phrase", "n", "names"),
    [
        ("城乡居民人均可支配收入", 2, ["城镇居民人均可支配收入", "农村居民人均可支配收入"]),
        (
            "城乡常住居民人均可支配收入",
            2,
            ["城镇常住居民人均可支配收入", "农村常住居民人均可支配收入"],
        ),
        ("一、二、三产业增加值", 3, ["第一产业增加值", "第二产业增加值", "第三产业增加值"]),
        ("第一、第二、第三产业增加值", 3, ["第一产业增加值", "第二产业增加值", "第三产业增加值"]),
        ("二三产业增加值", 2, ["第二产业增加值", "第三产业增加值"]),
        ("三次产业增加值", 3, ["第一产业增加值", "第二产业增加值", "第三产业增加值"]),
        ("第二、三产业增加值", 2, ["第二产业增加值", "第三产业增加值"]),
        ("城镇和农村居民人均可支配收入", 2, ["城镇居民人均可支配收入", "农村居民人均可支配收入"]),
        ("钢铁、煤炭产业去产能", 2, ["钢铁产业去产能", "煤炭产业去产能"]),
        ("工业、服务业投资", 2, ["工业投资", "服务业投资"]),
        ("财政、税收收入", 2, ["财政收入", "税收收入"]),
        ("进出口总额", 2, ["进口总额", "出口总额"]),
        ("营业收入、利润总额", 2, ["营业收入", "利润总额"]),
        ("GDP、规上工业增加值", 2, ["GDP", "规上工业增加值"]),
        # not n names: left to the other rules
        ("城乡居民人均可支配收入", 3, None),
        ("营业收入、利润", 2, None),
        ("地区生产总值", 2, None),
        ("", 2, None),
    ],
)
def test_split_listed(phrase: str, n: int, names: list[str] | None) -> None:
    from fenghuang.monitor._grammar import split_listed

    assert split_listed(phrase, n) == names


_URBAN = ["38,520元", "3.852万元", "38520元", "38,520", "3.852万", "38520"]
_RURAL = ["19,870元", "1.987万元", "19870元"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    urban=st.sampled_from(_URBAN),
    rural=st.sampled_from(_RURAL),
    joiner=st.sampled_from(["和", "、", "及"]),
    verb=st.sampled_from(["达到", "为", ""]),
    place=st.sampled_from(["", "安源区", "芦溪县"]),
    growth=st.sampled_from(["分别增长5.1%和7.2%", "分别增长5.1和7.2%", "分别增长5.1%、7.2%"]),
)
def test_respectively_any_number_format_gives_the_same_values(
    urban: str, rural: str, joiner: str, verb: str, place: str, growth: str
) -> None:
    sentence = f"2023年，{place}城乡居民人均可支配收入分别{verb}{urban}{joiner}{rural}，{growth}。"
    obs = extract_text(sentence, place="萍乡市")
    got = {(o.indicator_code, o.kind): o for o in obs}
    assert len(obs) == 4, sentence
    assert got[("urban_income", "level")].value_norm == pytest.approx(38520.0)
    assert got[("rural_income", "level")].value_norm == pytest.approx(19870.0)
    assert got[("urban_income", "level")].unit_norm == "元"
    assert (got[("urban_income", "growth")].value, got[("rural_income", "growth")].value) == (
        5.1,
        7.2,
    )
    assert {o.period for o in obs} == {"2023"}
    assert {o.place_name for o in obs} == {place or "萍乡市"}


# -- 2. tables: periods across the top or down the side ------------------------------


def test_plain_text_table_with_years_down_the_side(extractor) -> None:
    text, obs = _read(extractor, "pingxiang-2023-bulletin-sim.txt")
    got = {
        (o.period, o.indicator_code, o.kind): (o.value, o.unit, o.period_basis)
        for o in obs
        if o.indicator_code in {"gdp", "coal_output"}
    }
    assert got == {
        ("2021", "gdp", "level"): (1108.3, "亿元", ""),
        ("2021", "gdp", "growth"): (8.6, "%", ""),
        ("2021", "coal_output", "level"): (560.0, "万吨", ""),
        ("2022", "gdp", "level"): (1176.5, "亿元", ""),
        ("2022", "gdp", "growth"): (4.2, "%", ""),
        ("2022", "coal_output", "level"): (548.0, "万吨", ""),
        ("2023", "gdp", "level"): (1242.8, "亿元", ""),
        ("2023", "gdp", "growth"): (5.6, "%", ""),
        ("2023", "coal_output", "level"): (531.0, "万吨", ""),
    }
    gdp = next(o for o in obs if o.indicator_code == "gdp" and o.value == 1176.5)
    assert text[gdp.span_start : gdp.span_end] == "1176.5亿元"
    assert gdp.place_name == "萍乡市"


def test_html_news_with_years_across_the_top(extractor) -> None:
    _, obs = _read(extractor, "yangquan-2023-news-sim.html")
    got = {
        (o.period, o.indicator_code, o.kind): o.value
        for o in obs
        if o.indicator_code in {"gdp", "coal_output"}
    }
    # 比上年增长 after the year columns is the growth of the last year
    assert got == {
        ("2021", "gdp", "level"): 800.3,
        ("2022", "gdp", "level"): 856.2,
        ("2022", "gdp", "growth"): 4.5,
        ("2021", "coal_output", "level"): 6300.0,
        ("2022", "coal_output", "level"): 6520.0,
        ("2022", "coal_output", "growth"): 3.5,
    }
    assert {o.place_name for o in obs} == {"阳泉市"}


def _docx_tables(path: Path) -> Path:
    import docx

    doc = docx.Document()
    doc.add_heading("长治市主要经济指标（模拟数据）", level=1)
    doc.add_paragraph("（模拟数据，仅供测试：数字为虚构）")
    down = [
        ["年份", "地区生产总值（亿元）", "比上年增长（%）", "规上工业增加值增速（%）"],
        ["2022", "2,800.5", "4.9", "6.1"],
        ["2023年", "2,950.2", "5.3", "-1.4"],
        ["2024年上半年", "1,480.7", "5.0", "4.2"],
    ]
    across = [
        ["指标", "单位", "2022年", "2023年"],
        ["原煤产量", "万吨", "12,600", "13,100"],
        ["森林覆盖率", "%", "32.1", "32.8"],
    ]
    for rows in (down, across):
        table = doc.add_table(rows=len(rows), cols=len(rows[0]))
        for i, row in enumerate(rows):
            for j, c in enumerate(row):
                table.cell(i, j).text = c
    doc.save(str(path))
    return path


def test_docx_tables_either_way(extractor, tmp_path: Path) -> None:
    report = read_report(_docx_tables(tmp_path / "changzhi-sim.docx"))
    obs = extractor.extract(report)
    got = {(o.period, o.indicator_code, o.kind): (o.value, o.unit) for o in obs}
    assert got == {
        ("2022", "gdp", "level"): (2800.5, "亿元"),
        ("2022", "gdp", "growth"): (4.9, "%"),
        ("2022", "industry_va", "growth"): (6.1, "%"),
        ("2023", "gdp", "level"): (2950.2, "亿元"),
        ("2023", "gdp", "growth"): (5.3, "%"),
        ("2023", "industry_va", "growth"): (-1.4, "%"),
        ("2024H1", "gdp", "level"): (1480.7, "亿元"),
        ("2024H1", "gdp", "growth"): (5.0, "%"),
        ("2024H1", "industry_va", "growth"): (4.2, "%"),
        ("2022", "coal_output", "level"): (12600.0, "万吨"),
        ("2023", "coal_output", "level"): (13100.0, "万吨"),
        ("2022", "forest_coverage", "level"): (32.1, "%"),
        ("2023", "forest_coverage", "level"): (32.8, "%"),
    }
    assert {o.place_name for o in obs} == {"长治市"}
    assert {o.period_basis for o in obs} == {""}  # every period is written in the table


def _one_place_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "萍乡市"  # the place is the sheet's name
    ws.append(["主要经济指标（模拟数据）"])
    ws.append(["年份", "地区生产总值（亿元）", "原煤产量（万吨）", "森林覆盖率（%）"])
    ws.append([2021, 1108.3, "1,200", 70.1])
    ws.append(["2022年", 1176.5, 1250, 70.3])
    ws.append([2023.0, 1242.8, None, "—"])  # blank and dash cells are missing, not errors
    across = wb.create_sheet("Sheet2")
    across.append(["阳泉市主要指标（模拟数据）"])  # the place is in the title row
    across.append(["指标", "2021年", "2022年", "2023"])
    across.append(["地区生产总值（亿元）", 800.3, 856.2, 900.1])
    across.append(["一般公共预算收入（亿元）", 50, 55, "abc"])
    corner = wb.create_sheet("玉门")  # years down the first column, a blank corner cell
    corner.append([None, "电力装机（万千瓦）", "原煤产量（万吨）"])
    corner.append(["2022", 400, 10])
    corner.append(["2023", 553.9, 12])
    wb.save(path)
    return path


def test_yearbook_tables_of_one_place_either_way(tmp_path: Path) -> None:
    result = read_yearbook(_one_place_workbook(tmp_path / "sim.xlsx"))
    got = {
        (r["sheet"], r["place_name"], r["year"], r["indicator_code"]): (r["value"], r["unit"])
        for r in result.observations.to_pylist()
    }
    assert got == {
        ("萍乡市", "萍乡市", 2021, "gdp"): (1108.3, "亿元"),
        ("萍乡市", "萍乡市", 2021, "coal_output"): (1200.0, "万吨"),
        ("萍乡市", "萍乡市", 2021, "forest_coverage"): (70.1, "%"),
        ("萍乡市", "萍乡市", 2022, "gdp"): (1176.5, "亿元"),
        ("萍乡市", "萍乡市", 2022, "coal_output"): (1250.0, "万吨"),
        ("萍乡市", "萍乡市", 2022, "forest_coverage"): (70.3, "%"),
        ("萍乡市", "萍乡市", 2023, "gdp"): (1242.8, "亿元"),
        ("Sheet2", "阳泉市", 2021, "gdp"): (800.3, "亿元"),
        ("Sheet2", "阳泉市", 2022, "gdp"): (856.2, "亿元"),
        ("Sheet2", "阳泉市", 2023, "gdp"): (900.1, "亿元"),
        ("Sheet2", "阳泉市", 2021, "fiscal_revenue"): (50.0, "亿元"),
        ("Sheet2", "阳泉市", 2022, "fiscal_revenue"): (55.0, "亿元"),
        ("玉门", "玉门市", 2022, "power_capacity"): (400.0, "万千瓦"),
        ("玉门", "玉门市", 2022, "coal_output"): (10.0, "万吨"),
        ("玉门", "玉门市", 2023, "power_capacity"): (553.9, "万千瓦"),
        ("玉门", "玉门市", 2023, "coal_output"): (12.0, "万吨"),
    }
    power = next(r for r in result.observations.to_pylist() if r["value"] == 553.9)
    assert (power["value_norm"], power["unit_norm"]) == (pytest.approx(5.539e6), "kW")
    rej = [(r["sheet"], r["row"], r["column"], r["code"]) for r in result.rejects.to_pylist()]
    assert rej == [("Sheet2", 4, "2023", "E-ROW-NUMBER")]


def test_yearbook_table_without_any_place_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["年份", "地区生产总值（亿元）"])
    ws.append([2023, 1242.8])
    path = tmp_path / "table.xlsx"
    wb.save(path)
    with pytest.raises(SourceError) as err:
        read_yearbook(path)
    assert err.value.code == "E-SOURCE-HEADER"
    assert err.value.context["sheet"] == "Sheet1"
    assert "地区" in err.value.message("zh") and "place" in err.value.message("en")


# -- 3. relative periods --------------------------------------------------------------


def test_relative_periods_from_the_title_year(extractor) -> None:
    _, obs = _read(extractor, "pingxiang-2023-bulletin-sim.txt")
    by = {o.value: o for o in obs}
    # 近三年 in a bulletin on 2023: 2021-2023; "十四五"以来: 2021 to the bulletin's year
    assert (by[312.5].period, by[312.5].year, by[312.5].period_basis) == (
        "2021-2023",
        2023,
        "context",
    )
    assert by[312.5].indicator == "技术改造投资"
    assert (by[186.0].period, by[186.0].year, by[186.0].indicator) == (
        "2021-2023",
        2023,
        "新增高新技术企业",
    )


def test_undated_news_keeps_relative_periods(extractor) -> None:
    text, obs = _read(extractor, "luxi-undated-news-sim.txt")
    want: Want = {
        ("industry_va", "growth", 7.4): dict(period="Q1-Q3", year=None, period_basis="relative"),
        ("foreign_trade", "level", 12.6): dict(period="H1", year=None, period_basis="relative"),
        ("引进新能源项目", "count", 38.0): dict(period="近3年", year=None, period_basis="relative"),
        ("新增高新技术企业", "count", 42.0): dict(
            period="2021至今", year=None, period_basis="relative"
        ),
        # no period and no date at all: undated, not guessed, and says so
        ("forest_coverage", "level", 68.2): dict(period=None, year=None, period_basis="undated"),
    }
    _check(obs, want, text)
    assert {o.place_name for o in obs} == {"芦溪县"}
    labels = observations_table(obs).column("label").to_pylist()
    assert labels.count(f"{EXTRACTED_LABEL}；{PERIOD_NOTES['relative']}") == 4
    assert labels.count(f"{EXTRACTED_LABEL}；{PERIOD_NOTES['undated']}") == 1


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 10),
    written=st.sampled_from(["近{}年", "近{}年来", "过去{}年"]),
    cn=st.booleans(),
    report_year=st.one_of(st.none(), st.integers(2005, 2035)),
    ref_offset=st.one_of(st.none(), st.integers(-2, 0)),
)
def test_last_n_years_are_never_guessed(
    n: int, written: str, cn: bool, report_year: int | None, ref_offset: int | None
) -> None:
    num = "两三四五六七八九十"[n - 2] if cn else str(n)
    ref = None if report_year is None or ref_offset is None else report_year + ref_offset
    ps = find_periods(written.format(num) + "，", report_year=report_year, ref_year=ref)
    assert len(ps) == 1
    p = ps[0]
    if ref is not None and ref != report_year:
        assert (p.label, p.year, p.basis) == (f"{ref - n + 1}-{ref}", ref, "ref")
    elif report_year is not None:
        end = report_year - 1  # the last complete year before the report's date
        assert (p.label, p.year, p.basis) == (f"{end - n + 1}-{end}", end, "report")
    else:
        assert (p.label, p.year, p.basis) == (f"近{n}年", None, "relative")


@pytest.mark.parametrize(
    ("text", "report_year", "ref_year", "label", "year"),
    [
        ("“十四五”以来", None, None, "2021至今", None),
        ("“十四五”以来", 2024, None, "2021-2024", 2024),
        ("“十四五”以来", 2024, 2023, "2021-2023", 2023),
        ("十三五期间", None, None, "2016-2020", 2020),
        ("前三季度", None, None, "Q1-Q3", None),
        ("上半年", None, 2023, "2023H1", 2023),
        ("全年", None, None, "全年", None),
        ("近五年", 2024, None, "2019-2023", 2023),
    ],
)
def test_relative_period_labels(
    text: str, report_year: int | None, ref_year: int | None, label: str, year: int | None
) -> None:
    ps = find_periods(text, report_year=report_year, ref_year=ref_year)
    assert [(p.label, p.year) for p in ps] == [(label, year)]
    assert (ps[0].basis == "relative") == (year is None)


# -- 4. news datelines date the figures without a year --------------------------------

XD = dict(place_name="湘东区", place_code="360313")


def test_iso_dateline_dates_the_figures(extractor) -> None:
    text, obs = _read(extractor, "xiangdong-2023-news-sim.txt")
    want: Want = {
        ("industry_va", "growth", 6.2): dict(
            **XD, period="2023M01-M04", year=2023, period_basis="document_date"
        ),
        # no period in the sentence: the dateline's year, marked as such
        ("industry_power", "growth", 3.1): dict(
            **XD, period="2023", year=2023, period_basis="document_date"
        ),
        ("industry_firms_new", "count", 12.0): dict(
            **XD, period="2023", period_basis="document_date", unit="户"
        ),
        # 近五年 in a news item of 2023: the five complete years before it
        ("技改项目", "count", 260.0): dict(
            **XD, period="2018-2022", year=2022, period_basis="document_date"
        ),
        # a year written in the sentence wins over the date
        ("gdp", "level", 186.4): dict(**XD, period="2022", year=2022, period_basis=""),
    }
    _check(obs, want, text)
    labels = {
        o.value: lb
        for o, lb in zip(obs, observations_table(obs).column("label").to_pylist(), strict=True)
    }
    assert labels[3.1] == f"{EXTRACTED_LABEL}；期间据文档日期推定"
    assert labels[186.4] == EXTRACTED_LABEL


def test_html_dateline_dates_quarters_and_undated_figures(extractor) -> None:
    _, obs = _read(extractor, "yangquan-2023-news-sim.html")
    by = {o.value: o for o in obs}
    assert (by[12.5].period, by[12.5].period_basis, by[12.5].kind) == (
        "2023Q1",
        "document_date",
        "growth",
    )
    assert (by[3260.0].period, by[3260.0].period_basis, by[3260.0].kind) == (
        "2023",
        "document_date",
        "count",
    )


def test_work_report_figures_are_not_dated_by_the_delivery_date() -> None:
    # a work report delivered in 2024 reviews 2023: an undated figure is not put in 2024
    obs = extract_text(
        "萍乡市2024年政府工作报告（模拟数据）\n2024年1月10日\n全市森林覆盖率达到70.5%。\n"
    )
    assert [(o.value, o.period, o.period_basis) for o in obs] == [(70.5, None, "undated_review")]


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)),
    shape=st.sampled_from(
        [
            "{d.year}年{d.month}月{d.day}日 来源：测试日报",
            "发布时间：{d.year}-{d.month:02d}-{d.day:02d} 09:30 来源：测试日报 作者：测试 浏览次数：12",
            "{d.year}/{d.month}/{d.day}",
            "发布日期：{d.year}.{d.month:02d}.{d.day:02d}",
            "【字体：大 中 小】 {d.year}-{d.month:02d}-{d.day:02d} 10:05:33 来源：测试网",
        ]
    ),
)
def test_datelines_in_any_common_shape(day: date, shape: str) -> None:
    text = f"某市工业经济稳中有进（模拟数据）\n{shape.format(d=day)}\n全市工业用电量增长3.1%。\n"
    assert dateline(split_blocks(text)) == day
    obs = extract_text(text, place="萍乡市")
    assert [(o.period, o.year, o.period_basis) for o in obs] == [
        (str(day.year), day.year, "document_date")
    ]


def test_a_date_in_the_body_is_not_a_dateline() -> None:
    text = "某市动态（模拟数据）\n2024年3月5日，该市召开转型发展大会，全市工业用电量增长3.1%。\n"
    assert dateline(split_blocks(text)) is None
    obs = extract_text(text, place="萍乡市")
    # the sentence's own date is its period, written there (not the document's date)
    assert [(o.period, o.period_basis) for o in obs] == [("2024", "")]
    later = extract_text(text + "全市规上工业增加值增长5.5%。\n", place="萍乡市")
    assert [(o.period, o.period_basis) for o in later] == [("2024", ""), (None, "undated")]


def test_docx_table_takes_the_period_of_the_heading_above_it(extractor, tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_heading("攀枝花市经济运行情况（模拟数据）", level=1)
    doc.add_paragraph("一、2022年主要指标")
    rows = [["指标", "数值", "比上年增长（%）"], ["地区生产总值（亿元）", "1,220.5", "4.1"]]
    table = doc.add_table(rows=2, cols=3)
    for i, row in enumerate(rows):
        for j, c in enumerate(row):
            table.cell(i, j).text = c
    doc.add_paragraph("二、2023年主要指标")
    doc.add_paragraph("全年全市地区生产总值1301.2亿元，增长5.8%。")
    path = tmp_path / "panzhihua-sim.docx"
    doc.save(str(path))
    obs = extractor.extract(read_report(path))
    got = {(o.value, o.kind): (o.period, o.period_basis) for o in obs}
    # the table is read where it stands, under 一、2022年…, not after the whole text
    assert got == {
        (1220.5, "level"): ("2022", "context"),
        (4.1, "growth"): ("2022", "context"),
        (1301.2, "level"): ("2023", "context"),
        (5.8, "growth"): ("2023", "context"),
    }
    assert {o.place_name for o in obs} == {"攀枝花市"}


def test_yearbook_periods_other_than_years(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "白银市"
    ws.append(["指标", "2023年上半年", "2024年上半年"])  # half years across
    ws.append(["地区生产总值（亿元）", 320.4, 341.7])
    down = wb.create_sheet("伊春 月度")
    down.append(["时间", "规模以上工业增加值增速（%）"])  # months down the side
    down.append(["2024年1-6月", 5.1])
    down.append(["2024年1—9月", 4.7])
    down.append(["上半年", 3.0])  # no year: not a period of the panel
    path = tmp_path / "periods-sim.xlsx"
    wb.save(path)
    result = read_yearbook(path)
    got = {
        (r["place_name"], r["period"], r["year"], r["indicator_code"], r["kind"]): r["value"]
        for r in result.observations.to_pylist()
    }
    assert got == {
        ("白银市", "2023H1", 2023, "gdp", "level"): 320.4,
        ("白银市", "2024H1", 2024, "gdp", "level"): 341.7,
        ("伊春市", "2024M01-M06", 2024, "industry_va", "growth"): 5.1,
        ("伊春市", "2024M01-M09", 2024, "industry_va", "growth"): 4.7,
    }
    rej = [(r["sheet"], r["row"], r["code"]) for r in result.rejects.to_pylist()]
    assert rej == [("伊春 月度", 4, "E-ROW-DATE")]


SPACED = """伊春市2023年国民经济和社会发展统计公报（模拟数据）
2024-03-20  来源：测试统计局
全市  森林覆盖率达到83.8%。

表1  主要指标（模拟数据）
指标名称              2022年        2023年
森林蓄积量（亿立方米）    3.70          3.75
地区生产总值（亿元）      312.4         330.6
"""


def test_space_aligned_text_table(extractor, tmp_path: Path) -> None:
    path = tmp_path / "yichun-sim.txt"
    path.write_text(SPACED, encoding="utf-8")
    report = read_report(path)
    obs = extractor.extract(report)
    got = {(o.period, o.indicator_code): (o.value, o.unit) for o in obs}
    assert got == {
        ("2023", "forest_coverage"): (83.8, "%"),  # a line of prose with a double space
        ("2022", "forest_stock"): (3.7, "亿立方米"),
        ("2023", "forest_stock"): (3.75, "亿立方米"),
        ("2022", "gdp"): (312.4, "亿元"),
        ("2023", "gdp"): (330.6, "亿元"),
    }
    assert {o.place_name for o in obs} == {"伊春市"}
    stock = next(o for o in obs if o.value == 3.75)
    assert report.text[stock.span_start : stock.span_end] == "3.75亿立方米"


_INDICATORS = [
    ("地区生产总值（亿元）", "gdp", "亿元"),
    ("原煤产量（万吨）", "coal_output", "万吨"),
    ("森林覆盖率（%）", "forest_coverage", "%"),
    ("一般公共预算收入（亿元）", "fiscal_revenue", "亿元"),
    ("发电量（亿千瓦时）", "power_generation", "亿千瓦时"),
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    years=st.lists(st.integers(2010, 2030), min_size=2, max_size=4, unique=True).map(sorted),
    picks=st.lists(st.sampled_from(_INDICATORS), min_size=1, max_size=4, unique=True),
    data=st.data(),
    year_cell=st.sampled_from(["{}", "{}年"]),
)
def test_a_table_and_its_transpose_give_the_same_figures(
    years: list[int], picks: list[tuple[str, str, str]], data, year_cell: str
) -> None:
    from fenghuang.monitor import Report, table_sentences

    values = {
        (y, code): data.draw(st.decimals("0.1", "9999.9", places=1).map(float), label=f"{y}{code}")
        for y in years
        for _, code, _ in picks
    }
    across = [["指标", *(year_cell.format(y) for y in years)]] + [
        [label, *(f"{values[(y, code)]:g}" for y in years)] for label, code, _ in picks
    ]
    down = [["年份", *(label for label, _, _ in picks)]] + [
        [year_cell.format(y), *(f"{values[(y, code)]:g}" for _, code, _ in picks)] for y in years
    ]
    want = {(str(y), code, values[(y, code)], unit) for y in years for _, code, unit in picks}
    for rows in (across, down):
        text = "萍乡市主要指标（模拟数据）\n" + "\n".join(table_sentences(rows))
        obs = _shared_extractor().extract(Report(text, "sim"))
        assert {(o.period, o.indicator_code, o.value, o.unit) for o in obs} == want, rows
        assert {o.place_name for o in obs} == {"萍乡市"}


def test_a_date_under_the_text_dates_it() -> None:
    text = (
        "上栗县：花炮产业提质升级（模拟数据）\n"
        "今年前三季度，上栗县花炮产业实现营业收入218.6亿元，同比增长9.3%。\n"
        "全县花炮企业数量缩减到240家以内。\n"
        "（2024年10月30日）\n责任编辑：测试\n"
    )
    assert dateline(split_blocks(text)) == date(2024, 10, 30)
    obs = extract_text(text)
    got = [(o.value, o.period, o.period_basis) for o in obs]
    assert got == [
        (218.6, "2024Q1-Q3", "document_date"),
        (9.3, "2024Q1-Q3", "document_date"),
        (240.0, "2024", "document_date"),
    ]
    assert {o.place_name for o in obs} == {"上栗县"}
