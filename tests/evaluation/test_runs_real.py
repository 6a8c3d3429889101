"""Runs with the real ``evaluate`` and shipped methods, from a facts workbook (real files)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from openpyxl import Workbook

from fenghuang.cli import main
from fenghuang.errors import InputError, RowError
from fenghuang.evaluation import list_runs, load_facts_file, load_run, run_evaluation
from fenghuang.sources import make_credit_code
from fenghuang.warehouse import Store

CODES = [make_credit_code(f"91360300MA{i:07d}") for i in range(6)]
# 规下 firms, 10 亩 each; tax in 万元, electricity in 万千瓦时 (converted to 元 and kWh)
TAX_WAN = [116.0, 58.0, 23.2, 11.6, 5.8]
POWER_WAN = [100.0, 100.0, 50.0, 100.0, 100.0]
HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "规上企业",
    "自有用地面积（亩）",
    "实缴税金（万元）",
    "用电量（万千瓦时）",
]


def write_facts(path: Path, tax: list[float] = TAX_WAN, year: int = 2023) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for i, (t, e) in enumerate(zip(tax, POWER_WAN, strict=True)):
        ws.append([CODES[i], f"模拟企业{i}有限公司", year, "否", 10, t, e])
    ws.append([CODES[5], "模拟企业5有限公司", 2022, "否", 10, 1.0, 1.0])  # another year: skipped
    wb.save(path)
    return path


def by_code(table: pa.Table, column: str) -> dict[str, object]:
    codes = table.column("credit_code").to_pylist()
    return dict(zip(codes, table.column(column).to_pylist(), strict=True))


def huangyan_below(tax_wan: float, power_wan: float, land: float = 10.0) -> float:
    """huangyan-2022 规下 score: 亩均税收/11.5932×50 + 单位电耗税收/0.2352×50.

    亩均税收 in 万元/亩 = tax_wan / land; 单位电耗税收 in 元/kWh = tax 元 / kWh
    = (tax_wan × 1e4) / (power_wan × 1e4).
    """
    return tax_wan / land / 11.5932 * 50 + tax_wan / power_wan / 0.2352 * 50


def test_load_facts_file_converts_units(tmp_path: Path) -> None:
    facts = load_facts_file(write_facts(tmp_path / "f.xlsx"), year=2023)
    assert facts.num_rows == 5  # the 2022 row is left out
    assert facts.column("credit_code").to_pylist() == sorted(CODES[:5])
    row = {r["credit_code"]: r for r in facts.to_pylist()}[CODES[0]]
    assert row["tax_paid"] == pytest.approx(1_160_000.0)  # 116 万元
    assert row["electricity_kwh"] == pytest.approx(1_000_000.0)  # 100 万千瓦时
    assert row["above_scale"] is False and row["land_own"] == 10.0 and row["year"] == 2023
    assert row["value_added"] is None


def test_facts_workbook_number_cells_as_text_and_its_first_visible_sheet(tmp_path: Path) -> None:
    """A facts workbook is read by the department files' reader: an industry or county
    code typed as a number reads as its digits (not 2672.0), a founding date as a date,
    and a hidden first sheet (a draft) is not the data."""
    import datetime as dt

    wb = Workbook()
    draft = wb.active
    draft.title = "草稿"
    draft.append(["统一社会信用代码", "年度", "实缴税金（万元）"])
    draft.append([CODES[0], 2023, 999])
    draft.sheet_state = "hidden"
    ws = wb.create_sheet("企业数据")
    ws.append(
        [
            "统一社会信用代码",
            "年度",
            "行业代码（GB/T 4754-2017）",
            "区县代码",
            "成立日期",
            "实缴税金（万元）",
        ]
    )
    ws.append([CODES[0], 2023, 2672, 360302, dt.date(2005, 3, 1), 1.5])
    ws["E2"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "f.xlsx")
    (row,) = load_facts_file(tmp_path / "f.xlsx", year=2023).to_pylist()
    assert (row["industry_code"], row["county_code"]) == ("2672", "360302")
    assert row["founded"] == dt.date(2005, 3, 1) and row["tax_paid"] == pytest.approx(15_000.0)


def test_evaluate_cli_on_a_facts_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_path = tmp_path / "fh.duckdb"
    facts = write_facts(tmp_path / "facts.xlsx")
    args = ["evaluate", "--method", "huangyan-2022", "--year", "2023", "--store", str(store_path)]
    assert main([*args, "--facts", str(facts)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "2023-huangyan-2022-v1" in out and "新批次 new run" in out
    assert "规下企业" in out
    with Store(store_path) as store:
        run = load_run(store, "2023-huangyan-2022-v1")
    scores = by_code(run.results, "score")
    for i in range(5):
        assert scores[CODES[i]] == pytest.approx(huangyan_below(TAX_WAN[i], POWER_WAN[i]))
    # firm 0: 116/10/11.5932×50 + 1.16/0.2352×50 = 50.0293 + 246.5986
    assert scores[CODES[0]] == pytest.approx(296.6279, abs=1e-4)
    cls = by_code(run.results, "class_final")
    assert cls[CODES[0]] == "A"
    assert run.info["source"] == str(facts)
    assert run.evaluation.log and run.evaluation.log[0]["step"] == "start"
    # the same file again: the existing run, no new version
    assert main([*args, "--facts", str(facts)]) == 0
    assert "已有相同批次" in " ".join(capsys.readouterr().out.split())
    # a corrected figure: version 2, the first run unchanged
    fixed = write_facts(tmp_path / "fixed.xlsx", [116.0, 58.0, 23.2, 11.6, 58.0])
    assert main([*args, "--facts", str(fixed)]) == 0
    with Store(store_path) as store:
        assert [r["run_id"] for r in list_runs(store).to_pylist()] == [
            "2023-huangyan-2022-v2",
            "2023-huangyan-2022-v1",
        ]
        v2 = load_run(store, "2023-huangyan-2022-v2")
        v1 = load_run(store, "2023-huangyan-2022-v1")
    s2, s1 = by_code(v2.results, "score"), by_code(v1.results, "score")
    assert s2[CODES[4]] == pytest.approx(huangyan_below(58.0, 100.0))
    assert s1[CODES[4]] == pytest.approx(huangyan_below(5.8, 100.0))


def test_run_evaluation_reports_progress_and_refuses_an_empty_year(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    seen: list[float] = []
    facts = load_facts_file(write_facts(tmp_path / "f.xlsx"), year=2023)
    run = run_evaluation(
        store, "huangyan-2022", 2023, facts=facts, progress=lambda f, m: seen.append(f)
    )
    assert run.created and seen == sorted(seen) and seen[-1] == 1.0
    from fenghuang.errors import EvaluationError

    with pytest.raises(EvaluationError) as info:
        run_evaluation(store, "huangyan-2022", 2019)
    assert info.value.code == "E-RUN-NO-FACTS" and "2019" in info.value.zh


def test_facts_file_errors_name_file_row_and_column(tmp_path: Path) -> None:
    bad_code = tmp_path / "bad_code.csv"
    bad_code.write_text(
        f"统一社会信用代码,实缴税金（万元）\n{CODES[0]},1\n91360300MA0000000X,2\n", encoding="utf-8"
    )
    with pytest.raises(RowError) as info:
        load_facts_file(bad_code, year=2023)
    e = info.value
    assert e.code == "E-FACTS-CREDIT-CODE" and e.context["row"] == 3
    assert e.context["file"] == str(bad_code) and e.context["column"] == "统一社会信用代码"
    assert "统一社会信用代码校验位错误" in e.zh and "wrong check character" in e.en
    assert "91360300MA0000000X" in e.zh

    bad_value = tmp_path / "bad_value.csv"
    bad_value.write_text(f"credit_code,tax_paid\n{CODES[0]},1\n{CODES[1]},很多\n", encoding="gbk")
    with pytest.raises(RowError) as info:
        load_facts_file(bad_value, year=2023)
    assert info.value.code == "E-FACTS-VALUE"
    assert info.value.context["row"] == 3 and info.value.context["field"] == "tax_paid"

    unknown = tmp_path / "unknown.csv"
    unknown.write_text(f"统一社会信用代码,利润总额\n{CODES[0]},1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_facts_file(unknown, year=2023)
    assert info.value.code == "E-FACTS-COLUMN" and info.value.context["column"] == "利润总额"

    dup = tmp_path / "dup.csv"
    dup.write_text(f"统一社会信用代码\n{CODES[0]}\n{CODES[0]}\n", encoding="utf-8")
    with pytest.raises(RowError) as info:
        load_facts_file(dup, year=2023)
    assert info.value.code == "E-FACTS-DUP-FIRM" and info.value.context["row"] == 3


def test_evaluate_cli_shows_file_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"统一社会信用代码,实缴税金（万元）\n{CODES[0]},abc\n", encoding="utf-8")
    args = ["evaluate", "--method", "huangyan-2022", "--year", "2023"]
    assert main([*args, "--store", str(tmp_path / "s.duckdb"), "--facts", str(bad)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "E-FACTS-VALUE" in err and "行号=2" in err and "row=2" in err


def test_firm_diagnostic_and_word_report(tmp_path: Path) -> None:
    from docx import Document

    from fenghuang.errors import NotFoundError
    from fenghuang.evaluation import firm_diagnostic

    store_path = tmp_path / "fh.duckdb"
    tax22 = [100.0, 40.0, 23.2, 11.6, 5.8]
    with Store(store_path) as store:
        f22 = load_facts_file(write_facts(tmp_path / "f22.xlsx", tax22, 2022), year=2022)
        run_evaluation(store, "huangyan-2022", 2022, facts=f22)
        f23 = load_facts_file(write_facts(tmp_path / "f23.xlsx"), year=2023)
        run = run_evaluation(store, "huangyan-2022", 2023, facts=f23)
        d = firm_diagnostic(store, run.run_id, CODES[1])
        assert firm_diagnostic(store, run.run_id, CODES[1], run=run) == d
        with pytest.raises(NotFoundError):
            firm_diagnostic(store, run.run_id, "91360300MA0000099X")
    assert d["run_id"] == "2023-huangyan-2022-v1"
    assert d["previous_run_id"] == "2022-huangyan-2022-v1"
    items = {i["code"]: i for i in d["indicators"]}
    # firm 1: 58 万元 / 10 亩 = 5.8 万元/亩 → 5.8/11.5932×50; 58e4 元 / 100e4 kWh = 0.58 元/kWh
    assert items["tax_per_mu"]["item_score"] == pytest.approx(5.8 / 11.5932 * 50)
    assert items["tax_per_kwh"]["item_score"] == pytest.approx(0.58 / 0.2352 * 50)
    assert d["score"] == pytest.approx(huangyan_below(58.0, 100.0))
    assert d["change"]["score_before"] == pytest.approx(huangyan_below(40.0, 100.0))
    out = tmp_path / "firm.docx"
    args = ["report", "firm", CODES[1], "--run", run.run_id, "--store", str(store_path)]
    assert main([*args, "--out", str(out)]) == 0
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "模拟企业1有限公司 2023年度综合评价体检报告" in text
    assert CODES[1] in cells and "亩均税收" in cells
    assert f"{huangyan_below(58.0, 100.0):,.2f}" in cells
    assert f"上年度：得分 {huangyan_below(40.0, 100.0):,.2f}" in text
    assert "三、提升路径" in text
    # small values keep 4 significant digits: 0.58 元/kWh and its benchmark 0.2352
    assert "0.58" in cells and "0.2352" in cells
    assert len(doc.inline_shapes) == 1  # item scores against the industry median


@pytest.mark.slow
def test_warehouse_runs_see_last_year_and_a_correction_makes_a_new_version(
    tmp_path: Path,
) -> None:
    from fenghuang.evaluation import class_history
    from fenghuang.synthetic import generate_city
    from fenghuang.warehouse import correct_fact, import_files, run_tables

    city = generate_city(tmp_path / "city", firms=30, seed=5, years=(2022, 2023))
    store = Store(tmp_path / "fh.duckdb")
    import_files(store, [p for ps in city.department_files.values() for p in ps])
    r22 = run_evaluation(store, "huangyan-2022", 2022, actor="analyst1")
    r23 = run_evaluation(store, "huangyan-2022", 2023, actor="analyst1")
    assert (r22.run_id, r23.run_id) == ("2022-huangyan-2022-v1", "2023-huangyan-2022-v1")
    assert r22.context_sha256 == ""  # no earlier year in the store
    stored = run_tables(store, r23.run_id)
    assert stored["input_previous"].num_rows > 0  # last year's facts were read and kept
    earlier = stored["earlier_classes"].to_pylist()
    assert {r["year"] for r in earlier} == {2022}
    assert {r["run_id"] for r in earlier} == {r22.run_id}
    # an appeal accepted: one firm's tax corrected, the re-run is v2 with its parent
    rated = [r for r in r23.results.to_pylist() if r["rated"] and r["score"] is not None]
    firm = rated[-1]["credit_code"]
    old_tax = {r["credit_code"]: r["tax_paid"] for r in r23.facts.to_pylist()}[firm]
    correct_fact(
        store, firm, 2023, "tax_paid", (old_tax or 0.0) + 5e6, "申诉更正（模拟）", "analyst1"
    )
    r23b = run_evaluation(store, "huangyan-2022", 2023, actor="analyst1", parent_run=r23.run_id)
    assert r23b.run_id == "2023-huangyan-2022-v2" and r23b.parent_run == r23.run_id
    new_tax = {r["credit_code"]: r["tax_paid"] for r in r23b.facts.to_pylist()}[firm]
    assert new_tax == pytest.approx((old_tax or 0.0) + 5e6)
    assert load_run(store, r23.run_id).facts.equals(r23.facts)  # v1 reproducible as it was
    s_old = by_code(r23.results, "score")[firm]
    s_new = by_code(r23b.results, "score")[firm]
    assert s_new is not None and s_old is not None and s_new > s_old
    hist = class_history(store, firm, method="huangyan-2022", before_year=2023).to_pylist()
    assert [(h["year"], h["run_id"]) for h in hist] == [(2022, r22.run_id)]
    # identical re-run of the corrected data: the existing v2
    assert run_evaluation(store, "huangyan-2022", 2023).run_id == r23b.run_id


def test_an_edited_method_file_is_a_new_version(tmp_path: Path) -> None:
    from importlib import resources

    text = (resources.files("fenghuang.methods") / "data" / "huangyan-2022.toml").read_text(
        encoding="utf-8"
    )
    assert "benchmark = 11.5932" in text
    edited = tmp_path / "huangyan-2022.toml"  # the 规下 tax benchmark halved
    edited.write_text(text.replace("benchmark = 11.5932", "benchmark = 5.7966"), encoding="utf-8")
    store = Store(tmp_path / "fh.duckdb")
    facts = load_facts_file(write_facts(tmp_path / "f.xlsx"), year=2023)
    v1 = run_evaluation(store, "huangyan-2022", 2023, facts=facts)
    v2 = run_evaluation(store, edited, 2023, facts=facts)
    assert (v1.run_id, v2.run_id) == ("2023-huangyan-2022-v1", "2023-huangyan-2022-v2")
    assert v1.input_sha256 == v2.input_sha256 and v1.method_sha256 != v2.method_sha256
    assert "benchmark = 5.7966" in v2.method_text
    # firm 0: 11.6 万元/亩 / 5.7966 × 50 + 1.16 元/kWh / 0.2352 × 50
    s2 = by_code(v2.results, "score")[CODES[0]]
    assert s2 == pytest.approx(11.6 / 5.7966 * 50 + 1.16 / 0.2352 * 50)
    assert run_evaluation(store, edited, 2023, facts=facts).run_id == v2.run_id
