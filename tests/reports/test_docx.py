from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest
from docx import Document

from fenghuang.reports import (
    FirmReportData,
    IndicatorLine,
    RunInfo,
    docx_to_pdf,
    write_firm_report,
    write_summary_report,
)


def _text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    parts.extend(p.text for s in doc.sections for p in s.header.paragraphs)
    return "\n".join(parts)


def test_summary_report(tmp_path: Path, results: pa.Table, info: RunInfo) -> None:
    path = write_summary_report(
        results, info, tmp_path / "summary.docx", pool_names={"above": "规上企业"}
    )
    doc = Document(str(path))
    text = _text(path)
    assert "萍乡市2023年度工业企业综合评价汇总报告" in text
    assert "模拟数据" in text
    assert (
        "共纳入企业 6 家，其中定级企业 5 家：A 类 1 家，B 类 1 家，C 类 2 家，D 类 1 家；不定级企业 1 家"
        in text
    )
    # class counts per pool: 规上 A1 B1 C1, not rated 1
    first = [c.text for c in doc.tables[0].rows[1].cells]
    assert first == ["规上企业", "1", "1", "1", "0", "1", "4"]
    # three charts (county, park, chain)
    assert len(doc.inline_shapes) == 3
    assert "一票否决" in text and "数据缺失" in text
    assert "ab" * 32 in text


def _firm() -> FirmReportData:
    return FirmReportData(
        credit_code="913603000000000000",
        name="甲电瓷有限公司",
        county="安源区",
        industry="3824 电力电子元器件制造",
        pool_name="规上企业",
        score=71.25,
        class_final="B",
        rank_in_pool=12,
        pool_size=300,
        percentile_pool=0.96,
        percentile_industry=0.8,
        indicators=[
            IndicatorLine("tax_per_mu", "亩均税收", "万元/亩", 30.5, 24.097, 37.97, 45.0, 20.0),
            IndicatorLine("va_per_mu", "亩均增加值", "万元/亩", 100.0, 136.16, 14.69, 30.0, 15.0),
        ],
        previous={"score": 65.0, "class_final": "C"},
        counterfactuals=["亩均税收再增加 2.3 万元/亩，可升至 A 类"],
        bill=[("电价加价", 0.0)],
        measures=["优先保障用地、用能指标"],
    )


def test_firm_report(tmp_path: Path, info: RunInfo) -> None:
    path = write_firm_report(_firm(), info, tmp_path / "firm.docx")
    text = _text(path)
    for expected in (
        "甲电瓷有限公司 2023年度综合评价体检报告",
        "亩均税收",
        "24.10",
        "12 / 300",
        "96.0%",
        "可升至 A 类",
        "上年度：得分 65.00，等级 C",
    ):
        assert expected in text
    assert len(Document(str(path)).inline_shapes) == 1


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_docx_converts_to_pdf(tmp_path: Path, info: RunInfo) -> None:
    pdf = docx_to_pdf(write_firm_report(_firm(), info, tmp_path / "firm.docx"))
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = (
            subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
            .stdout.decode()
            .replace("\n", "")
        )
        assert "体检报告" in text and "甲电瓷有限公司" in text


def test_summary_gives_the_differentiated_prices(
    tmp_path: Path, results: pa.Table, info: RunInfo
) -> None:
    prices = [
        {
            "item_zh": "差别化电价",
            "policy_class": "C",
            "firms": 2,
            "amount": 123_456.0,
            "missing": 0,
        },
        {
            "item_zh": "差别化电价",
            "policy_class": "D",
            "firms": 1,
            "amount": 76_544.0,
            "missing": 1,
        },
    ]
    doc = Document(str(write_summary_report(results, info, tmp_path / "a.docx", surcharges=prices)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "五、差别化要素价格" in text and "预计加价合计 20.00 万元" in text
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "加价项目")
    assert [[c.text for c in r.cells] for r in table.rows[1:]] == [
        ["差别化电价", "C", "2", "12.35", "0"],
        ["差别化电价", "D", "1", "7.65", "1"],
    ]
    none = _text(write_summary_report(results, info, tmp_path / "b.docx", surcharges=[]))
    assert "本评价办法未设差别化加价" in none
    assert "五、" not in _text(write_summary_report(results, info, tmp_path / "c.docx"))
