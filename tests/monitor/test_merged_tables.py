"""Merged cells in the middle of tables that hold a period, in html, docx and xlsx.

A period merged across the columns of a second header row, a period merged across a
whole row between blocks of rows, a period merged down the side over several
indicators, an indicator merged down next to a year column, and indicators merged
above years. The tables are invented for these tests (模拟数据); the expected figures
were written by hand.
"""

from __future__ import annotations

import functools
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenghuang.monitor import Extractor, read_report, read_yearbook
from fenghuang.monitor._text import span_grid

Key = tuple[str | None, str, str | None, float]


@functools.cache
def _ex() -> Extractor:
    return Extractor()


def _figures(path: Path) -> set[Key]:
    obs = _ex().extract(read_report(path), place="萍乡市")
    return {(o.indicator_code, o.kind, o.period, o.value) for o in obs}


# period merged across two columns in the second row of the header; a title across the top
SECOND_ROW = """<table>
<tr><td colspan="5">萍乡市主要经济指标（模拟数据）</td></tr>
<tr><td rowspan="2">指标</td><td colspan="2">2023年</td><td colspan="2">2024年上半年</td></tr>
<tr><td>绝对值</td><td>比上年增长（%）</td><td>绝对值</td><td>比上年增长（%）</td></tr>
<tr><td>地区生产总值（亿元）</td><td>1242.8</td><td>5.6</td><td>598.1</td><td>4.9</td></tr>
<tr><td>原煤产量（万吨）</td><td>1200</td><td>-3.2</td><td>560</td><td>-2.5</td></tr>
</table>"""
SECOND_ROW_WANT = {
    ("gdp", "level", "2023", 1242.8),
    ("gdp", "growth", "2023", 5.6),
    ("gdp", "level", "2024H1", 598.1),
    ("gdp", "growth", "2024H1", 4.9),
    ("coal_output", "level", "2023", 1200.0),
    ("coal_output", "growth", "2023", -3.2),
    ("coal_output", "level", "2024H1", 560.0),
    ("coal_output", "growth", "2024H1", -2.5),
}

# a period merged across a whole row in the middle: the period of the rows below it
SECTIONS = """<table>
<tr><th>指标</th><th>数值</th><th>比上年增长（%）</th></tr>
<tr><td colspan="3">2023年</td></tr>
<tr><td>地区生产总值（亿元）</td><td>1242.8</td><td>5.6</td></tr>
<tr><td>原煤产量（万吨）</td><td>1200</td><td>-3.2</td></tr>
<tr><td colspan="3">2022年</td></tr>
<tr><td>地区生产总值（亿元）</td><td>1176.5</td><td>4.1</td></tr>
</table>"""
SECTIONS_WANT = {
    ("gdp", "level", "2023", 1242.8),
    ("gdp", "growth", "2023", 5.6),
    ("coal_output", "level", "2023", 1200.0),
    ("coal_output", "growth", "2023", -3.2),
    ("gdp", "level", "2022", 1176.5),
    ("gdp", "growth", "2022", 4.1),
}

# a period merged down the side over the rows of two indicators
DOWN = """<table>
<tr><th>年份</th><th>指标</th><th>数值</th><th>比上年增长（%）</th></tr>
<tr><td rowspan="2">2023年</td><td>地区生产总值（亿元）</td><td>1242.8</td><td>5.6</td></tr>
<tr><td>原煤产量（万吨）</td><td>1200</td><td>-3.2</td></tr>
<tr><td rowspan="2">2022年</td><td>地区生产总值（亿元）</td><td>1176.5</td><td>4.1</td></tr>
<tr><td>原煤产量（万吨）</td><td>1240</td><td>1.5</td></tr>
</table>"""
DOWN_WANT = SECTIONS_WANT | {
    ("coal_output", "level", "2022", 1240.0),
    ("coal_output", "growth", "2022", 1.5),
}

# an indicator merged down next to a column of years
BESIDE = """<table>
<tr><th>指标</th><th>年份</th><th>数值</th></tr>
<tr><td rowspan="2">地区生产总值（亿元）</td><td>2022</td><td>1176.5</td></tr>
<tr><td>2023</td><td>1242.8</td></tr>
</table>"""
BESIDE_WANT = {("gdp", "level", "2022", 1176.5), ("gdp", "level", "2023", 1242.8)}

# indicators merged above the years, places down the side
ABOVE = """<table>
<tr><th rowspan="2">地区</th><th colspan="2">地区生产总值（亿元）</th><th colspan="2">原煤产量（万吨）</th></tr>
<tr><th>2022年</th><th>2023年</th><th>2022年</th><th>2023年</th></tr>
<tr><td>萍乡市</td><td>1176.5</td><td>1242.8</td><td>1240</td><td>1200</td></tr>
<tr><td>芦溪县</td><td>180.2</td><td>190.5</td><td>300</td><td>280</td></tr>
</table>"""


def _html(path: Path, table: str) -> Path:
    path.write_text(
        f"<html><body><h1>萍乡市统计数据（模拟数据）</h1>{table}</body></html>", encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("table", "want"),
    [
        (SECOND_ROW, SECOND_ROW_WANT),
        (SECTIONS, SECTIONS_WANT),
        (DOWN, DOWN_WANT),
        (BESIDE, BESIDE_WANT),
    ],
    ids=["second-header-row", "section-rows", "down-the-side", "year-beside-indicator"],
)
def test_html_merged_periods(tmp_path: Path, table: str, want: set[Key]) -> None:
    assert _figures(_html(tmp_path / "pingxiang-sim.html", table)) == want


def test_html_indicators_merged_above_years_by_place(tmp_path: Path) -> None:
    obs = _ex().extract(read_report(_html(tmp_path / "sim.html", ABOVE)), place="萍乡市")
    got = {(o.place_name, o.indicator_code, o.period, o.value) for o in obs}
    assert got == {
        ("萍乡市", "gdp", "2022", 1176.5),
        ("萍乡市", "gdp", "2023", 1242.8),
        ("萍乡市", "coal_output", "2022", 1240.0),
        ("萍乡市", "coal_output", "2023", 1200.0),
        ("芦溪县", "gdp", "2022", 180.2),
        ("芦溪县", "gdp", "2023", 190.5),
        ("芦溪县", "coal_output", "2022", 300.0),
        ("芦溪县", "coal_output", "2023", 280.0),
    }


def test_a_merged_number_counts_once() -> None:
    # 12.5 merged over two year columns is one figure, not one per column
    grid = span_grid(
        [["指标", "2022年", "2023年"], ["园区数量（个）", "12.5"]],
        [[(1, 1), (1, 1), (1, 1)], [(1, 1), (2, 1)]],
    )
    assert grid == [["指标", "2022年", "2023年"], ["园区数量（个）", "12.5", ""]]


# -- docx: the same tables with Word's merged cells -------------------------------------


def _docx_table(doc: docx.document.Document, rows: list[list[str]], merges: list[tuple]) -> None:
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for (r0, c0), (r1, c1) in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            if text:
                table.cell(i, j).text = text


def test_docx_merged_periods(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("萍乡市统计数据（模拟数据）")
    _docx_table(
        doc,
        [
            ["萍乡市主要经济指标（模拟数据）", "", "", "", ""],
            ["指标", "2023年", "", "2024年上半年", ""],
            ["", "绝对值", "比上年增长（%）", "绝对值", "比上年增长（%）"],
            ["地区生产总值（亿元）", "1242.8", "5.6", "598.1", "4.9"],
            ["原煤产量（万吨）", "1200", "-3.2", "560", "-2.5"],
        ],
        [((0, 0), (0, 4)), ((1, 0), (2, 0)), ((1, 1), (1, 2)), ((1, 3), (1, 4))],
    )
    doc.add_paragraph("分年度情况如下。")
    _docx_table(
        doc,
        [
            ["指标", "数值", "比上年增长（%）"],
            ["2023年", "", ""],
            ["地区生产总值（亿元）", "1242.8", "5.6"],
            ["原煤产量（万吨）", "1200", "-3.2"],
            ["2022年", "", ""],
            ["地区生产总值（亿元）", "1176.5", "4.1"],
        ],
        [((1, 0), (1, 2)), ((4, 0), (4, 2))],
    )
    doc.add_paragraph("按年份列示如下。")
    _docx_table(
        doc,
        [
            ["年份", "指标", "数值", "比上年增长（%）"],
            ["2021年", "地区生产总值（亿元）", "1108.3", "3.9"],
            ["", "原煤产量（万吨）", "1300", "2.0"],
        ],
        [((1, 0), (2, 0))],
    )
    path = tmp_path / "pingxiang-sim.docx"
    doc.save(str(path))
    assert _figures(path) == SECOND_ROW_WANT | SECTIONS_WANT | {
        ("gdp", "level", "2021", 1108.3),
        ("gdp", "growth", "2021", 3.9),
        ("coal_output", "level", "2021", 1300.0),
        ("coal_output", "growth", "2021", 2.0),
    }


# -- xlsx yearbook: merged periods in the header and down the side ----------------------


def _yearbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "主要指标"
    ws.append(["资源型城市主要指标（模拟数据）"])
    ws.append(["城市", "主要指标"])
    ws.append([None, "2023年", None, "2022年", None])  # the period in the second header row
    ws.append(
        [
            None,
            "地区生产总值（亿元）",
            "原煤产量（万吨）",
            "地区生产总值（亿元）",
            "原煤产量（万吨）",
        ]
    )
    ws.append(["萍乡市", 1242.8, 1200, 1176.5, 1240])
    ws.append(["阳泉市", 900.1, 6500, 856.2, 6300])
    for rng in ("A1:E1", "B2:E2", "B3:C3", "D3:E3", "A2:A4"):
        ws.merge_cells(rng)
    long = wb.create_sheet("逐年")  # place and year merged down the side
    long.append(["城市", "年份", "指标", "数值"])
    long.append(["萍乡市", 2023, "地区生产总值（亿元）", 1242.8])
    long.append([None, None, "原煤产量（万吨）", 1200])
    long.append([None, 2022, "地区生产总值（亿元）", 1176.5])
    long.append([None, None, "原煤产量（万吨）", 1240])
    for rng in ("A2:A5", "B2:B3", "B4:B5"):
        long.merge_cells(rng)
    above = wb.create_sheet("指标在上")  # indicators merged above the years
    above.append(["城市", "地区生产总值（亿元）", None, "电力装机容量（万千瓦）", None])
    above.append([None, "2022年", "2023年", "2022年", "2023年"])
    above.append(["玉门市", 250.5, 270.1, 400, 553.9])
    for rng in ("B1:C1", "D1:E1", "A1:A2"):
        above.merge_cells(rng)
    wb.save(path)
    return path


def test_yearbook_merged_periods(tmp_path: Path) -> None:
    result = read_yearbook(_yearbook(tmp_path / "sim.xlsx"))
    assert result.rejects.num_rows == 0
    got = {
        (r["sheet"], r["place_name"], r["period"], r["indicator_code"]): r["value"]
        for r in result.observations.to_pylist()
    }
    assert got == {
        ("主要指标", "萍乡市", "2023", "gdp"): 1242.8,
        ("主要指标", "萍乡市", "2023", "coal_output"): 1200.0,
        ("主要指标", "萍乡市", "2022", "gdp"): 1176.5,
        ("主要指标", "萍乡市", "2022", "coal_output"): 1240.0,
        ("主要指标", "阳泉市", "2023", "gdp"): 900.1,
        ("主要指标", "阳泉市", "2023", "coal_output"): 6500.0,
        ("主要指标", "阳泉市", "2022", "gdp"): 856.2,
        ("主要指标", "阳泉市", "2022", "coal_output"): 6300.0,
        ("逐年", "萍乡市", "2023", "gdp"): 1242.8,
        ("逐年", "萍乡市", "2023", "coal_output"): 1200.0,
        ("逐年", "萍乡市", "2022", "gdp"): 1176.5,
        ("逐年", "萍乡市", "2022", "coal_output"): 1240.0,
        ("指标在上", "玉门市", "2022", "gdp"): 250.5,
        ("指标在上", "玉门市", "2023", "gdp"): 270.1,
        ("指标在上", "玉门市", "2022", "power_capacity"): 400.0,
        ("指标在上", "玉门市", "2023", "power_capacity"): 553.9,
    }
    power = next(r for r in result.observations.to_pylist() if r["value"] == 553.9)
    assert (power["value_norm"], power["unit_norm"]) == (pytest.approx(5.539e6), "kW")


# -- property: merged or written out in full, the same figures -------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    years=st.lists(st.integers(2015, 2024), min_size=1, max_size=3, unique=True),
    inds=st.lists(
        st.sampled_from(["地区生产总值（亿元）", "原煤产量（万吨）", "一般公共预算收入（亿元）"]),
        min_size=2,
        max_size=3,
        unique=True,
    ),
    data=st.data(),
)
def test_merged_down_the_side_equals_written_in_full(
    tmp_path: Path, years: list[int], inds: list[str], data: st.DataObject
) -> None:
    values = {
        (y, i): data.draw(st.decimals(1, 9999, places=1).map(str)) for y in years for i in inds
    }
    full = ["<tr><th>年份</th><th>指标</th><th>数值</th></tr>"]
    merged = list(full)
    for y in years:
        for k, i in enumerate(inds):
            full.append(f"<tr><td>{y}年</td><td>{i}</td><td>{values[(y, i)]}</td></tr>")
            side = f'<td rowspan="{len(inds)}">{y}年</td>' if k == 0 else ""
            merged.append(f"<tr>{side}<td>{i}</td><td>{values[(y, i)]}</td></tr>")
    a = _figures(_html(tmp_path / "full.html", "<table>" + "".join(full) + "</table>"))
    b = _figures(_html(tmp_path / "merged.html", "<table>" + "".join(merged) + "</table>"))
    assert a == b
    assert {(p, v) for _, _, p, v in b} == {(str(y), float(values[(y, i)])) for y, i in values}


@pytest.mark.parametrize(
    ("rows", "want"),
    [
        # a year row without figures in a years-down-the-side table is a row, not a section
        (
            [["年份", "地区生产总值（亿元）"], ["2021", ""], ["2022", "800"]],
            ["年份，地区生产总值（亿元）。", "2022年，地区生产总值800亿元。"],
        ),
        # a section row in a table written without merges (a markdown table, a CSV copy)
        (
            [
                ["指标", "数值"],
                ["2023年", ""],
                ["地区生产总值（亿元）", "856"],
                ["2022年", ""],
                ["地区生产总值（亿元）", "800"],
            ],
            ["指标，数值。", "2023年，地区生产总值856亿元。", "2022年，地区生产总值800亿元。"],
        ),
    ],
)
def test_table_rows_that_only_name_a_period(rows: list[list[str]], want: list[str]) -> None:
    from fenghuang.monitor import table_sentences

    assert table_sentences(rows) == want


def test_plain_text_table_with_period_rows(tmp_path: Path) -> None:
    path = tmp_path / "pingxiang-sim.txt"
    path.write_text(
        "萍乡市主要指标（模拟数据）\n"
        "| 指标 | 数值 | 比上年增长（%） |\n|---|---|---|\n| 2023年 | | |\n"
        "| 地区生产总值（亿元） | 1242.8 | 5.6 |\n| 2022年 | | |\n"
        "| 地区生产总值（亿元） | 1176.5 | 4.1 |\n",
        encoding="utf-8",
    )
    assert _figures(path) == {
        ("gdp", "level", "2023", 1242.8),
        ("gdp", "growth", "2023", 5.6),
        ("gdp", "level", "2022", 1176.5),
        ("gdp", "growth", "2022", 4.1),
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    years=st.lists(st.integers(2015, 2024), min_size=1, max_size=3, unique=True),
    data=st.data(),
)
def test_merged_across_a_second_header_row_equals_written_in_full(
    tmp_path: Path, years: list[int], data: st.DataObject
) -> None:
    inds = ["地区生产总值（亿元）", "原煤产量（万吨）"]
    num = st.decimals(1, 9999, places=1).map(str)
    values = {(y, i): (data.draw(num), data.draw(num)) for y in years for i in inds}
    sub = "<td>绝对值</td><td>比上年增长（%）</td>" * len(years)
    merged = ['<tr><td rowspan="2">指标</td>']
    merged += [f'<td colspan="2">{y}年</td>' for y in years] + [f"</tr><tr>{sub}</tr>"]
    full = ["<tr><td>指标</td>"] + [f"<td>{y}年</td><td>{y}年</td>" for y in years]
    full += [f"</tr><tr><td>指标</td>{sub}</tr>"]
    for i in inds:
        cells = "".join(f"<td>{values[(y, i)][0]}</td><td>{values[(y, i)][1]}</td>" for y in years)
        merged.append(f"<tr><td>{i}</td>{cells}</tr>")
        full.append(f"<tr><td>{i}</td>{cells}</tr>")
    a = _figures(_html(tmp_path / "full.html", "<table>" + "".join(full) + "</table>"))
    b = _figures(_html(tmp_path / "merged.html", "<table>" + "".join(merged) + "</table>"))
    assert a == b
    codes = {"地区生产总值（亿元）": "gdp", "原煤产量（万吨）": "coal_output"}
    want = {(codes[i], "level", str(y), float(v[0])) for (y, i), v in values.items()}
    want |= {(codes[i], "growth", str(y), float(v[1])) for (y, i), v in values.items()}
    assert b == want
