"""End to end on a small synthetic city (模拟数据): generate, import, evaluate three years, bill.

The vectorised bill of the newest run is checked against an independent,
firm-by-firm computation: classes from ``class_history``, consumption from
``firm_facts``, rates from the method file.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import fenghuang.evaluation as ev
import fenghuang.methods as methods
import fenghuang.synthetic as syn
import fenghuang.warehouse as wh
from fenghuang.policy import firm_bill, firm_measures, run_bills, run_measures
from fenghuang.web.services.demo import mark_synthetic

METHOD = "huangyan-2022"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    work = tmp_path_factory.mktemp("city")
    manifest = syn.generate_city(work / "files", firms=120, seed=5)
    files = [p for paths in manifest.department_files.values() for p in paths]
    path = work / "city.duckdb"
    with wh.Store(path) as store:
        mark_synthetic(store)  # runs then record 模拟数据, and so does every bill line
        wh.import_files(store, files)
        years = wh.years(store)[-3:]
        runs = [ev.run_evaluation(store, METHOD, y, actor="test").run_id for y in years]
    return path, runs


def _streak(history: list[tuple[int, str | None]], year: int, current: str | None) -> int:
    """Consecutive D years ending ``year``, firm by firm (the slow, obvious way)."""
    if current != "D":
        return 0
    classes = dict(history)
    n, y = 1, year - 1
    while classes.get(y) == "D":
        n += 1
        y -= 1
    return n


@pytest.mark.slow
def test_run_bills_match_a_firm_by_firm_computation(city: tuple[Path, list[str]]) -> None:
    path, runs = city
    policies = methods.load_method(METHOD).policies
    with wh.Store(path, read_only=True) as store:
        run = ev.load_run(store, runs[-1])
        bills = run_bills(store, run.run_id, run=run)
        facts = {r["credit_code"]: r for r in wh.firm_facts(store, run.year).to_pylist()}
        lines = {(r["credit_code"], r["item"]): r for r in bills.to_pylist()}
        n_checked = 0
        for row in run.results.to_pylist():
            code, cls = row["credit_code"], row["class_final"]
            eff = {"参照B": "B"}.get(cls, cls)
            hist = ev.class_history(store, code, method=METHOD, before_year=run.year)
            years = _streak(
                list(zip(hist["year"].to_pylist(), hist["class_final"].to_pylist(), strict=True)),
                run.year,
                cls,
            )
            for item, s in policies.surcharges.items():
                rate = s.rate_yuan(eff, years) if eff else None
                got = lines.get((code, item))
                if rate is None:
                    assert got is None, (code, item)
                    continue
                assert got is not None, (code, item)
                use = facts.get(code, {}).get(s.basis)
                if use is None or (isinstance(use, float) and math.isnan(use)) or use < 0:
                    assert got["amount"] == 0.0 and got["missing"]
                else:
                    assert got["amount"] == pytest.approx(round(use * rate, 2), abs=0.006)
                    assert not got["missing"]
                if item == "gas" and eff == "D":
                    assert got["consecutive_years"] == years
                n_checked += 1
        assert n_checked > 0
        # the history is really used: this city (seed 5) has firms in D three years running
        streaks = [v for v in bills.column("consecutive_years").to_pylist() if v is not None]
        assert max(streaks) >= 2
        # the D class exists in a 120-firm city (5 % share) and pays the most per firm
        assert "D" in set(bills.column("policy_class").to_pylist())
        # firm_bill and firm_measures agree with the run-wide tables
        code = bills.column("credit_code")[0].as_py()
        assert [b["amount"] for b in firm_bill(store, run.run_id, code)] == [
            r["amount"] for r in bills.to_pylist() if r["credit_code"] == code
        ]
        assert all(b["synthetic"] for b in firm_bill(store, run.run_id, code))
        measures = run_measures(store, run.run_id)
        assert firm_measures(store, run.run_id, code) == [
            r["text_zh"] + "（示例）" for r in measures.to_pylist() if r["credit_code"] == code
        ]


@pytest.mark.slow
def test_the_surcharge_list_for_the_utilities(city: tuple[Path, list[str]], tmp_path: Path) -> None:
    """``fenghuang report surcharges``: one sheet per item, every bill line on it, totals."""
    from openpyxl import load_workbook

    from fenghuang.cli import main

    path, runs = city
    out = tmp_path / "名单.xlsx"
    assert main(["report", "surcharges", runs[-1], "--store", str(path), "--out", str(out)]) == 0
    with wh.Store(path, read_only=True) as store:
        bills = run_bills(store, runs[-1]).to_pylist()
    wb = load_workbook(out)
    items = list(dict.fromkeys(b["item_zh"] for b in bills))
    assert wb.sheetnames == ["汇总", *items, "说明"] and len(items) >= 2
    for name in items:
        rows = list(wb[name].iter_rows(values_only=True))
        assert rows[0][0].endswith(f"（模拟数据） · {name}")
        head, body = rows[1], rows[2:]
        got = {(r[head.index("统一社会信用代码")], r[head.index("加价金额（元）")]) for r in body}
        want = {(b["credit_code"], b["amount"]) for b in bills if b["item_zh"] == name}
        assert got == want
        classes = [r[head.index("适用等级")] for r in body]
        assert classes == sorted(classes, key="DCBA".index)  # D first, then C
    summary = list(wb["汇总"].iter_rows(values_only=True))[2:]
    for item, cls, firms, _basis, _unit, amount, _missing in summary:
        lines = [b for b in bills if b["item_zh"] == item and b["policy_class"] == cls]
        assert firms == len({b["credit_code"] for b in lines})
        assert amount == pytest.approx(sum(b["amount"] for b in lines), abs=0.01)
    meta = dict(wb["说明"].iter_rows(values_only=True))
    assert meta["评价批次"] == runs[-1] and "模拟数据" in meta["数据性质"]
    # the leaders' summary gives the same totals in its section 五 (万元)
    from docx import Document

    docx = tmp_path / "汇总.docx"
    assert main(["report", "summary", runs[-1], "--store", str(path), "--out", str(docx)]) == 0
    doc = Document(str(docx))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "加价项目")
    shown = [float(r.cells[3].text.replace(",", "")) for r in table.rows[1:]]
    assert shown == pytest.approx([round(row[5] / 1e4, 2) for row in summary], abs=0.006)
    assert meta["加价企业数"] == len({b["credit_code"] for b in bills})
