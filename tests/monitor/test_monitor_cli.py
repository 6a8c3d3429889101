"""The monitor's CLI commands: extract, cities, yearbook, city-index."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from fenghuang.cli import main
from fenghuang.monitor import fetch_observations
from fenghuang.warehouse import Store

DATA = Path(__file__).parent / "data"


def test_extract_to_xlsx_and_store(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "240")
    out = tmp_path / "obs.xlsx"
    db = tmp_path / "w.duckdb"
    code = main(
        [
            "extract",
            str(DATA / "jiangxi-daily-2024-nine-papers.txt"),
            "--date",
            "2024-03-05",
            "--out",
            str(out),
            "--store",
            str(db),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "工业用电量" in printed and "抽取数据，待核实" in printed
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert "place_name" in header and "span_start" in header
    with Store(db) as st:
        assert fetch_observations(st).num_rows == ws.max_row - 1
    assert main(["city-index", "--store", str(db)]) == 0
    assert "萍乡市" in capsys.readouterr().out


def test_extract_with_place_and_csv(tmp_path: Path) -> None:
    txt = tmp_path / "r.txt"
    txt.write_text("今年1—7月，全市规上工业增加值增长8.1%。", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert (
        main(["extract", str(txt), "--date", "2024-08-10", "--place", "萍乡市", "--out", str(out)])
        == 0
    )
    text = out.read_text(encoding="utf-8-sig")
    assert "2024M01-M07" in text and "萍乡市" in text and "8.1" in text


def test_extract_bad_file_and_date(tmp_path: Path, capsys) -> None:
    assert main(["extract", str(tmp_path / "none.txt")]) == 2
    err = capsys.readouterr().err
    assert "无法读取报告文件" in err and "cannot read the report file" in err
    assert (
        main(["extract", str(DATA / "jiangxi-daily-2024-nine-papers.txt"), "--date", "5 March"])
        != 0
    )


def test_cities(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "240")
    assert main(["cities", "--unresolved"]) == 0
    out = capsys.readouterr().out
    assert "应有 262" in out and "已有 195" in out and "杨家杖子开发区" in out


def test_cities_seed(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    assert main(["cities-seed", "--store", str(db)]) == 0
    with Store(db) as st:
        codes = set(fetch_observations(st).column("place_code").to_pylist())
    assert {"360300", "620981", "140300", "230700"} <= codes


def test_extract_says_which_periods_came_from_the_document_date(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("COLUMNS", "240")
    out = tmp_path / "obs.csv"
    gaps = DATA / "gaps"
    news = [gaps / "xiangdong-2023-news-sim.txt", gaps / "luxi-undated-news-sim.txt"]
    assert main(["extract", *map(str, news), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2023（期间据文档日期推定）" in printed  # 工业用电量增长3.1%: no period but the dateline
    assert "2023M01-M04（期间据文档日期推定）" in printed
    assert "Q1-Q3（相对期间，年份未知（文档无日期））" in printed  # the undated news item
    gdp = next(line for line in printed.splitlines() if "186.4" in line)
    assert "│ 2022 " in gdp and "期间" not in gdp  # 2022年，…: written in the sentence, no note
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    by = {(r["source"], r["value"]): r for r in rows}
    assert (
        by[("xiangdong-2023-news-sim.txt", "3.1")]["label"]
        == "抽取数据，待核实；期间据文档日期推定"
    )
    assert by[("xiangdong-2023-news-sim.txt", "3.1")]["period"] == "2023"
    assert (
        by[("luxi-undated-news-sim.txt", "7.4")]["label"]
        == "抽取数据，待核实；相对期间，年份未知（文档无日期）"
    )


def test_extract_lists_what_was_left_without_a_year(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "240")
    news = tmp_path / "luxi-sim.txt"
    news.write_text(
        "芦溪县：产业转型加快（模拟数据）\n"
        "去年，芦溪县新增高新技术企业35家。\n芦溪县森林覆盖率达到68.2%。\n",
        encoding="utf-8",
    )
    assert main(["extract", str(news)]) == 0
    printed = capsys.readouterr().out
    assert "未定年份 / left without a year: 2" in printed
    assert "去年：相对期间，年份未知（文档无日期）" in printed
    assert "森林覆盖率 —：未写期间，文档无日期，年份未定" in printed
