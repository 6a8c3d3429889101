"""The indicator panel in a real DuckDB warehouse, and yearbook imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from fenghuang.errors import InputError, SourceError
from fenghuang.monitor import (
    EXTRACTED_LABEL,
    PERIOD_NOTES,
    extract_files,
    fetch_documents,
    fetch_observations,
    load_yearbook,
    read_yearbook,
    set_status,
    write_observations,
)
from fenghuang.warehouse import Store

DATA = Path(__file__).parent / "data"
JX = DATA / "jiangxi-daily-2024-nine-papers.txt"


def test_extract_load_and_reload_keeps_verified(tmp_path: Path) -> None:
    store = Store(tmp_path / "w.duckdb")
    res = extract_files([JX], report_date=date(2024, 3, 5), store=store)
    n = res.observations.num_rows
    panel = fetch_observations(store)
    assert panel.num_rows == n > 30
    assert set(panel.column("status").to_pylist()) == {"待核实"}
    # figures dated only by the report's date say so in their label
    dated = f"{EXTRACTED_LABEL}；{PERIOD_NOTES['document_date']}"
    assert set(panel.column("label").to_pylist()) == {EXTRACTED_LABEL, dated}
    noted = next(r for r in panel.to_pylist() if r["label"] == dated)
    assert noted["period"] == "2024"
    px = fetch_observations(store, place_code="360300", indicator_code="industry_power")
    growth = next(r for r in px.to_pylist() if r["kind"] == "growth")
    text = fetch_documents(store)[JX.name]
    assert text[growth["span_start"] : growth["span_end"]] == "1.5%"
    assert set_status(store, [growth["obs_id"]], "已核实") == 1
    # loading the same report again replaces its rows but keeps the analyst's check
    extract_files([JX], report_date=date(2024, 3, 5), store=store)
    again = fetch_observations(store)
    assert again.num_rows == n
    row = next(r for r in again.to_pylist() if r["obs_id"] == growth["obs_id"])
    assert (row["status"], row["label"]) == ("已核实", "")
    # a checked figure keeps its period note, also through a reload and back to 待核实
    assert set_status(store, [noted["obs_id"]], "已核实") == 1
    extract_files([JX], report_date=date(2024, 3, 5), store=store)
    row = next(r for r in fetch_observations(store).to_pylist() if r["obs_id"] == noted["obs_id"])
    assert (row["status"], row["label"]) == ("已核实", PERIOD_NOTES["document_date"])
    assert set_status(store, [noted["obs_id"]], "待核实") == 1
    row = next(r for r in fetch_observations(store).to_pylist() if r["obs_id"] == noted["obs_id"])
    assert (row["status"], row["label"]) == ("待核实", dated)
    assert set_status(store, ["no-such-id"], "已核实") == 0
    with pytest.raises(InputError):
        set_status(store, [growth["obs_id"]], "done")
    store.close()


def test_failed_load_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "w.duckdb")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"broken")
    with pytest.raises(Exception):  # noqa: B017 - the error type is tested in test_extract
        extract_files([JX, bad], store=store)
    assert fetch_observations(store).num_rows == 0
    assert fetch_documents(store) == {}


def test_write_csv_and_xlsx(tmp_path: Path) -> None:
    obs = extract_files([JX], report_date=date(2024, 3, 5)).observations
    csv_path = write_observations(obs, tmp_path / "o.csv")
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    xlsx = write_observations(obs, tmp_path / "o.xlsx")
    ws = openpyxl.load_workbook(xlsx).active
    assert ws.max_row == obs.num_rows + 1
    with pytest.raises(InputError):
        write_observations(obs, tmp_path / "o.txt")


def _yearbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "主要指标"
    ws.append(["2023年资源型城市主要经济指标"])
    ws.append(
        [
            "城市",
            "年份",
            "地区生产总值（亿元）",
            "森林覆盖率（%）",
            "城镇登记失业率",
            "未知指标（万元）",
        ]
    )
    ws.append(["萍乡市", 2023, 1234.5, "65.2", "3.1", 5])
    ws.append(["阳泉", 2023, "1,000.2", "—", "abc", None])
    ws.append(["火星市", 2023, 1, 2, 3, 4])
    ws.append(["合计", 2023, 9999, None, None, None])  # an aggregate row: skipped, not an error
    long = wb.create_sheet("按年")
    long.append(["地区", "指标", "单位", "2021", "2022年"])
    long.append(["玉门市", "电力装机", "万千瓦", 400, 553.9])
    long.append(["玉门市", "原煤产量", "万桶", 1, 2])
    tall = wb.create_sheet("长表")
    tall.append(["行政区划代码", "年份", "指标", "数值", "单位"])
    tall.append(["230700", "2022", "森林蓄积量", "3.7", "亿立方米"])
    tall.append(["230700", "二〇二二", "森林覆盖率", "83", "%"])
    wb.save(path)
    return path


def test_yearbook_layouts_and_quarantine(tmp_path: Path) -> None:
    result = read_yearbook(_yearbook(tmp_path / "yb.xlsx"))
    got = {
        (r["sheet"], r["place_name"], r["year"], r["indicator_code"]): (
            r["value"],
            r["unit"],
            r["value_norm"],
        )
        for r in result.observations.to_pylist()
    }
    assert got[("主要指标", "萍乡市", 2023, "gdp")] == (1234.5, "亿元", pytest.approx(1.2345e11))
    assert got[("主要指标", "阳泉市", 2023, "gdp")] == (1000.2, "亿元", pytest.approx(1.0002e11))
    assert got[("主要指标", "萍乡市", 2023, "unemployment")][:2] == (3.1, "%")
    assert got[("按年", "玉门市", 2022, "power_capacity")] == (
        553.9,
        "万千瓦",
        pytest.approx(5.539e6),
    )
    assert got[("长表", "伊春市", 2022, "forest_stock")] == (3.7, "亿立方米", pytest.approx(3.7e8))
    assert result.ok == 7
    rej = {(r["sheet"], r["row"], r["column"], r["code"]) for r in result.rejects.to_pylist()}
    assert rej == {
        ("主要指标", 3, "未知指标（万元）", "E-ROW-VALUE"),
        ("主要指标", 4, "城镇登记失业率", "E-ROW-NUMBER"),
        ("主要指标", 5, "城市", "E-ROW-VALUE"),
        ("按年", 3, "2021", "E-ROW-UNIT"),
        ("按年", 3, "2022年", "E-ROW-UNIT"),
        ("长表", 3, "数值", "E-ROW-DATE"),
    }
    mars = next(r for r in result.rejects.to_pylist() if r["row"] == 5)
    assert "火星市" in mars["reason_zh"] and "unknown place" in mars["reason_en"]
    assert mars["file"] == "yb.xlsx"


def test_load_yearbook_into_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "w.duckdb")
    result = load_yearbook(store, _yearbook(tmp_path / "yb.xlsx"), verified=True)
    panel = fetch_observations(store)
    assert panel.num_rows == result.ok
    assert set(panel.column("status").to_pylist()) == {"已核实"}
    assert set(panel.column("origin").to_pylist()) == {"yearbook"}
    rejects = store.fetch_all("select count(*) from monitor_rejects")
    assert rejects[0][0] == result.rejects.num_rows == 6


def test_yearbook_file_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        read_yearbook(tmp_path / "missing.xlsx")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    with pytest.raises(SourceError) as err:
        read_yearbook(junk)
    assert err.value.context["file"] == "junk.xlsx"
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SourceError) as err2:
        read_yearbook(nohead)
    assert "城市" in err2.value.message("zh")
    csv_ok = tmp_path / "ok.csv"
    csv_ok.write_bytes("城市,年份,森林覆盖率\n伊春市,2023,83.8\n".encode("gb18030"))
    r = read_yearbook(csv_ok)
    assert r.observations.column("value").to_pylist() == [83.8]
    assert isinstance(r.observations, pa.Table)


def test_yearbook_two_level_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["城市", "2022年", None, "2023年", None])
    ws.append(
        [None, "地区生产总值（亿元）", "森林覆盖率（%）", "地区生产总值（亿元）", "森林覆盖率（%）"]
    )
    ws.append(["伊春市", 300.1, 83.5, 320.4, 83.8])
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:E1")
    path = tmp_path / "two.xlsx"
    wb.save(path)
    result = read_yearbook(path)
    got = {(r["year"], r["indicator_code"]): r["value"] for r in result.observations.to_pylist()}
    assert got == {
        (2022, "gdp"): 300.1,
        (2022, "forest_coverage"): 83.5,
        (2023, "gdp"): 320.4,
        (2023, "forest_coverage"): 83.8,
    }
    assert result.rejects.num_rows == 0
