"""``fenghuang results`` and ``fenghuang report summary`` on stored runs (real files).

The runs here are hand-made evaluations stored with ``record_run`` (see
test_runs.py), so the workbook and Word contents can be checked exactly.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from test_runs import CODES, METHOD, make_evaluation, make_facts

from fenghuang.cli import main
from fenghuang.evaluation import record_run
from fenghuang.warehouse import Store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "fh.duckdb"
    with Store(path) as store:
        store.execute("insert into web_meta values ('synthetic', '1')")
        record_run(store, make_evaluation(veto=1), METHOD, make_facts(), actor="analyst1")
    return path


def test_results_xlsx_is_the_publicity_list(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "公示.xlsx"
    args = ["results", "2023-toy-2023-v1", "--store", str(store_path), "--format", "xlsx"]
    assert main([*args, "--out", str(out)]) == 0
    assert "模拟数据" in capsys.readouterr().out
    wb = load_workbook(out)
    ws = wb["公示名单"]
    assert ws["A1"].value == "2023年度工业企业综合评价结果公示名单（模拟数据）"
    headers = [c.value for c in ws[3]]
    assert headers[:4] == ["序号", "统一社会信用代码", "企业名称", "所属区县"]
    assert "评价等级" in headers and "综合得分" in headers
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    by_code = {r[1]: dict(zip(headers, r, strict=True)) for r in rows}
    assert len(rows) == 4
    # firm 1: 200 万元 over 10 亩 = 20 万元/亩 → 100 points, class B vetoed to C
    assert by_code[CODES[1]]["综合得分"] == 100.0
    assert by_code[CODES[1]]["评价等级"] == "C"
    assert "一票否决" in by_code[CODES[1]]["备注"]
    assert by_code[CODES[0]]["综合得分"] == 150.0 and by_code[CODES[0]]["评价等级"] == "A"
    meta = {r[0].value: r[1].value for r in wb["说明"].iter_rows()}
    assert meta["评价批次"] == "2023-toy-2023-v1"
    assert "模拟数据" in meta["数据性质"]
    assert len(meta["输入数据快照 SHA-256"]) == 64


def test_results_csv_and_table(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.csv"
    base = ["results", "2023-toy-2023-v1", "--store", str(store_path)]
    assert main([*base, "--format", "csv", "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["评价等级"] for r in rows] == ["A", "C", "C", "D"]
    assert rows[3]["综合得分"] == "25.0"  # 50 万元 / 10 亩 = 5 万元/亩 → 25 points
    capsys.readouterr()
    assert main(base) == 0
    text = capsys.readouterr().out
    assert CODES[0] in text and "模拟企业0有限公司" in text and "模拟数据" in text
    assert "规上企业" in text
    capsys.readouterr()
    assert main(["runs", "--store", str(store_path)]) == 0
    listed = capsys.readouterr().out
    assert "2023-toy-2023-v1" in listed and "analyst1" in listed and "玩具办法" in listed


def test_results_of_a_missing_run_fails_in_both_languages(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["results", "2023-nope-v9", "--store", str(store_path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "E-RUN-NOT-FOUND" in err and "评价批次不存在" in err and "no such evaluation run" in err


def test_report_summary_docx(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.docx"
    args = ["report", "summary", "2023-toy-2023-v1", "--store", str(store_path)]
    assert main([*args, "--out", str(out)]) == 0
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "2023年度工业企业综合评价汇总报告" in text
    assert "模拟数据" in text
    assert "共纳入企业 4 家，其中定级企业 4 家：A 类 1 家，B 类 0 家，C 类 2 家，D 类 1 家" in text
    assert "二、分区县、园区、行业大类等级分布" in text
    assert "五、差别化要素价格" not in text  # a hand-made run: its method has no policies to read
    assert len(doc.inline_shapes) == 3  # county, park, industry division
    assert "重大安全事故，一票否决；一票否决" in cells  # the veto's reason from the run's events
    assert [c.text for c in doc.tables[0].rows[1].cells] == [
        "规上企业",
        "1",
        "0",
        "2",
        "1",
        "0",
        "4",
    ]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_summary_docx_converts_to_pdf_and_renders(store_path: Path, tmp_path: Path) -> None:
    from fenghuang.reports import docx_to_pdf

    docx = tmp_path / "summary.docx"
    args = ["report", "summary", "2023-toy-2023-v1", "--store", str(store_path)]
    assert main([*args, "--out", str(docx)]) == 0
    pdf = docx_to_pdf(docx)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "汇总报告" in text and "模拟数据" in text
    png = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(png)], check=True
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 10_000
    artifacts = Path(__file__).parents[1] / "_artifacts" / "reports"
    artifacts.mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[0], artifacts / "summary_page1.png")


def test_class_counts_per_pool_not_rated_last() -> None:
    import pyarrow as pa

    from fenghuang.cli._evaluate import class_counts

    t = pa.table(
        {
            "pool_name": ["规下企业", None, "规上企业", "规上企业", "规下企业"],
            "class_final": ["A", "参照B", "B", "B", None],
        }
    )
    counts = class_counts(t)
    assert list(counts) == ["规上企业", "规下企业", "不参评 not rated"]
    assert counts["规上企业"] == {"B": 2}
    assert counts["规下企业"] == {"A": 1, "不定级": 1}
    assert counts["不参评 not rated"] == {"参照B": 1}


def test_publicity_order_puts_not_rated_last() -> None:
    import pyarrow as pa

    from fenghuang.cli._evaluate import publicity_order

    t = pa.table(
        {
            "credit_code": ["a", "b", "c", "d"],
            "pool_name": ["", "规下企业", "规上企业", "规上企业"],
            "rank_in_pool": [None, 1, 2, 1],
        }
    )
    assert publicity_order(t).column("credit_code").to_pylist() == ["d", "c", "b", "a"]
