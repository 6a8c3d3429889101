"""Relative periods in undated reports: "Y年以来" is a period to the report's year, never
the year Y; 今年/去年 are dated from the report's own text where it can, and kept as
relative periods with the reason where it cannot.

The passages are invented for these tests (模拟数据，仅供测试); the expected periods were
worked out by hand.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.monitor import (
    EXTRACTED_LABEL,
    PERIOD_BASIS,
    PERIOD_NOTES,
    Extractor,
    extract_reports,
    extract_text,
    find_periods,
    observations_table,
    report_from_text,
)
from fenghuang.monitor._text import report_from_bytes


@functools.cache
def _ex() -> Extractor:
    return Extractor()


def _periods(text: str) -> dict[float, tuple[str | None, int | None, str]]:
    return {
        o.value: (o.period, o.year, o.period_basis) for o in extract_text(text, extractor=_ex())
    }


NEWS = """芦溪县：产业转型加快（模拟数据）
{dateline}
去年，芦溪县新增高新技术企业35家。今年以来，全县规上工业增加值同比增长8.2%。2021年以来，全县累计完成技改投资86.5亿元。
"""


def test_since_a_year_with_a_report_date_runs_to_that_year() -> None:
    got = _periods(NEWS.format(dateline="2024年5月10日 来源：萍乡日报"))
    assert got == {
        35.0: ("2023", 2023, "document_date"),
        8.2: ("2024", 2024, "document_date"),
        86.5: ("2021-2024", 2024, "document_date"),
    }


def test_since_a_year_without_a_date_is_open_ended_not_that_year() -> None:
    got = _periods(NEWS.format(dateline=""))
    assert got == {
        35.0: ("去年", None, "relative"),
        8.2: ("今年", None, "relative"),
        86.5: ("2021至今", None, "relative"),  # as "十四五"以来: never stored as 2021
    }
    obs = extract_text(NEWS.format(dateline=""), extractor=_ex())
    assert not [o for o in obs if o.year == 2021]


def test_since_a_year_in_a_bulletin_runs_to_the_year_reported_on() -> None:
    text = (
        "萍乡市2023年国民经济和社会发展统计公报（模拟数据）\n"
        "2021年以来，全市累计完成技改投资312.5亿元。“十四五”以来，全市新增高新技术企业186家。\n"
    )
    got = _periods(text)
    assert got[312.5] == ("2021-2023", 2023, "context")
    assert got[186.0] == ("2021-2023", 2023, "context")  # the same rule for both


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(2000, 2030),
    report_year=st.one_of(st.none(), st.integers(2000, 2035)),
    suffix=st.sampled_from(["以来", "来"]),
)
def test_since_a_year_is_never_read_as_that_single_year(
    start: int, report_year: int | None, suffix: str
) -> None:
    (p,) = find_periods(f"{start}年{suffix}，", report_year=report_year)
    if report_year is None:
        assert (p.label, p.year, p.basis) == (f"{start}至今", None, "relative")
    elif report_year > start:
        assert (p.label, p.year) == (f"{start}-{report_year}", report_year)
    else:  # 2024年以来 in a 2024 report: this year so far
        assert (p.label, p.year) == (str(start), start)


# -- 今年/去年 dated from the report's own text ------------------------------------------


def test_work_report_headings_date_this_year_and_last_year() -> None:
    text = (
        "萍乡市政府工作报告（模拟数据）\n"
        "一、过去一年工作回顾\n"
        "一年来，全市地区生产总值增长5.6%。去年全市新增高新技术企业35家。\n"
        "二、2024年主要任务\n"
        "今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右。\n"
    )
    got = _periods(text)
    assert got[5.6] == ("2023", 2023, "context")  # 一年来 in a report of 2024
    assert got[35.0] == ("2023", 2023, "context")
    assert got[6.0] == ("2024", 2024, "context")


def test_review_heading_with_a_year_dates_the_report() -> None:
    text = (
        "政府工作报告（模拟数据）\n"
        "一、2023年工作回顾\n"
        "去年全市新增高新技术企业35家。\n"
        "二、今后工作\n"
        "今年全市力争新增高新技术企业40家。\n"
    )
    got = _periods(text)
    assert got[35.0] == ("2023", 2023, "context")
    assert got[40.0] == ("2024", 2024, "context")


def test_html_title_of_a_work_report_dates_it() -> None:
    html = (
        "<html><head><title>2024年政府工作报告_萍乡市人民政府（模拟数据）</title></head><body>"
        "<p>萍乡市人民政府</p><p>去年，全市地区生产总值增长5.6%。</p></body></html>"
    )
    obs = _ex().extract(report_from_bytes(html.encode("utf-8"), "pingxiang-sim.html"))
    assert [(o.value, o.period, o.year, o.period_basis) for o in obs] == [
        (5.6, "2023", 2023, "context")
    ]


def test_title_on_part_of_a_year_dates_this_year() -> None:
    text = (
        "萍乡市2024年上半年经济运行情况（模拟数据）\n"
        "今年以来，全市规上工业增加值同比增长7.1%。去年全市原煤产量1200万吨。\n"
    )
    got = _periods(text)
    assert got[7.1] == ("2024", 2024, "context")
    assert got[1200.0] == ("2023", 2023, "context")


@pytest.mark.parametrize(("plan", "when", "year"), [("十四", "收官", 2025), ("十五", "开局", 2026)])
def test_this_year_is_the_plans_first_or_last(plan: str, when: str, year: int) -> None:
    text = f"萍乡市：奋力推进转型（模拟数据）\n今年是“{plan}五”规划的{when}之年。去年，全市地区生产总值增长5.2%。\n"
    assert _periods(text)[5.2] == (str(year - 1), year - 1, "context")


# -- and when the text cannot date them: kept, with the reason --------------------------


def test_what_cannot_be_dated_is_listed_with_its_reason() -> None:
    bulletin = (
        "萍乡市2023年国民经济和社会发展统计公报（模拟数据）\n"
        "全年地区生产总值1234.5亿元。去年全市新增高新技术企业35家。\n"
    )
    news = "芦溪县：产业转型加快（模拟数据）\n今年以来，芦溪县规上工业增加值增长8.2%。\n芦溪县森林覆盖率达到68.2%。\n"
    res = extract_reports(
        [report_from_text(bulletin, "bulletin-sim.txt"), report_from_text(news, "news-sim.txt")],
        extractor=_ex(),
    )
    # a bulletin on 2023 is not dated: its 去年 stays relative (its writing year is not given)
    got = {(u["source"], u["value"]): (u["period"], u["reason_zh"]) for u in res.undated()}
    assert got == {
        ("bulletin-sim.txt", 35.0): ("去年", PERIOD_BASIS["relative"][0]),
        ("news-sim.txt", 8.2): ("今年", PERIOD_BASIS["relative"][0]),
        ("news-sim.txt", 68.2): (None, PERIOD_BASIS["undated"][0]),
    }
    labels = dict(
        zip(
            res.observations.column("value").to_pylist(),
            res.observations.column("label").to_pylist(),
            strict=True,
        )
    )
    assert labels[1234.5] == EXTRACTED_LABEL  # written with its year in the title
    assert labels[35.0] == f"{EXTRACTED_LABEL}；{PERIOD_NOTES['relative']}"
    assert labels[68.2] == f"{EXTRACTED_LABEL}；{PERIOD_NOTES['undated']}"
    table = observations_table(extract_text(news, extractor=_ex()))
    assert table.column("year").to_pylist() == [None, None]


def test_a_dated_work_report_says_why_a_figure_has_no_period() -> None:
    text = "萍乡市2024年政府工作报告（模拟数据）\n2024年1月10日\n全市森林覆盖率达到70.5%。\n"
    (o,) = extract_text(text, extractor=_ex())
    assert (o.period, o.period_basis) == (None, "undated_review")
    assert "工作报告" in PERIOD_BASIS[o.period_basis][0]


def test_a_years_summary_does_not_date_the_report() -> None:
    # 2023年工作总结 may be written late in 2023 or early in 2024: 今年 is left relative
    text = "萍乡市发改委2023年工作总结（模拟数据）\n今年全市新增高新技术企业35家。\n"
    assert _periods(text)[35.0] == ("今年", None, "relative")
