from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from store_digests import table_digests, visible_digests

from fenghuang.errors import FenghuangError
from fenghuang.facts import FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.sources import make_credit_code
from fenghuang.warehouse import (
    Store,
    confirmation_status,
    correct_fact,
    fact_lineage,
    firm_facts,
    firm_register,
    import_files,
    list_imports,
    name_links,
    quarantine,
    set_confirmation,
    years,
)

A = make_credit_code("91360300M00000001")
B = make_credit_code("91360300M00000002")
C = make_credit_code("91360300M00000003")


def _files(d: Path) -> list[Path]:
    tax = d / "税务_2023.csv"
    tax.write_text(
        "统一社会信用代码,企业名称,所属期,实缴税金(万元)\n"
        f"{A},甲公司,2023-01,1.5\n{A},甲公司,2023-02,2\n{A},甲公司,2023-02,2\n"
        ",乙有限责任公司,2023-01,3\n,旧乙公司,2023-02,1\n,不存在公司,2023-03,9\n",
        encoding="utf-8",
    )
    land = d / "土地_2023.csv"
    land.write_text(
        "宗地编号,统一社会信用代码,企业名称,面积,权属,出租方信用代码,分摊比例,年度\n"
        f"P1,{A},甲,10,自有,,,2023\nP2,{B},乙,5,租赁,{A},,2023\n"
        f"P3,{A},甲,8,自有,,0.5,2023\nP3,{B},乙,8,自有,,0.5,2023\n",
        encoding="utf-8",
    )
    reg = d / "企业名录.csv"
    reg.write_text(
        f"统一社会信用代码,企业名称,曾用名\n{A},甲公司,\n{B},乙有限公司,旧乙公司\n{C},丙公司,\n",
        encoding="utf-8",
    )
    return [tax, land, reg]


def test_import_aggregates_links_and_quarantines(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    report = import_files(store, _files(tmp_path))
    tax = next(f for f in report.files if f.department == "tax")
    assert tax.rows_read == 6 and tax.rows_loaded == 4 and tax.linked_by_name == 2
    assert tax.by_reason == {"E-ROW-DUPLICATE": 1, "E-ROW-UNMATCHED": 1}
    facts = firm_facts(store, 2023)
    assert facts.column_names == list({**FIRM_FIELDS, **FIRM_YEAR_FIELDS})
    by = {r["credit_code"]: r for r in facts.to_pylist()}
    assert set(by) == {A, B, C}
    assert by[A]["tax_paid"] == pytest.approx(35000.0)  # 1.5 + 2 万元, duplicate dropped once
    assert by[B]["tax_paid"] == pytest.approx(40000.0)  # linked by name and by former name
    links = name_links(store, tax.import_id).to_pylist()
    assert [
        (r["file"], r["row_no"], r["name"], r["credit_code"], r["matched_on"]) for r in links
    ] == [
        ("税务_2023.csv", 5, "乙有限责任公司", B, "name"),
        ("税务_2023.csv", 6, "旧乙公司", B, "former_name"),
    ]
    assert {r["registered_name"] for r in links} == {"乙有限公司"}
    assert name_links(store).num_rows == 2
    assert by[C]["tax_paid"] is None
    assert by[A]["land_own"] == pytest.approx(14.0)  # 10 + half of the shared 8
    assert by[A]["land_leased_out"] == pytest.approx(5.0)
    assert by[B]["land_leased_in"] == pytest.approx(5.0)
    assert by[B]["land_own"] == pytest.approx(4.0)
    assert years(store) == [2023]
    assert firm_register(store).num_rows == 3
    q = quarantine(store)
    assert sorted(q.column("code").to_pylist()) == ["E-ROW-DUPLICATE", "E-ROW-UNMATCHED"]
    lin = fact_lineage(store, A, 2023).to_pylist()
    tax_rows = [r for r in lin if r["field"] == "tax_paid"]
    assert [(r["file"], r["row"], r["unit"]) for r in tax_rows] == [
        ("税务_2023.csv", 2, "万元"),
        ("税务_2023.csv", 3, "万元"),
    ]
    assert {r["status"] for r in lin} == {"pending"}


def test_reimport_is_a_noop(tmp_path: Path) -> None:
    path = tmp_path / "fh.duckdb"
    files = _files(tmp_path)
    with Store(path) as s:
        import_files(s, files)
    before = table_digests(path)
    with Store(path) as s:
        again = import_files(s, files)
    assert all(f.skipped for f in again.files)
    assert table_digests(path) == before


def test_bad_file_in_the_middle_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "fh.duckdb"
    tax, land, _reg = _files(tmp_path)
    bad = tmp_path / "坏文件.csv"
    bad.write_text("完全无关,的表头\n1,2\n", encoding="utf-8")
    Store(path).close()
    before = table_digests(path)
    with Store(path) as s, pytest.raises(FenghuangError):
        import_files(s, [tax, bad, land])
    assert table_digests(path) == before
    with Store(path) as s:
        assert list_imports(s).num_rows == 0


def test_corrections_keep_history_and_status(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    import_files(store, _files(tmp_path))
    assert correct_fact(store, A, 2023, "tax_paid", 50000.0, "申诉", "analyst") == 1
    assert correct_fact(store, A, 2023, "tax_paid", 36000.0, "复核", "analyst") == 2
    facts = {r["credit_code"]: r for r in firm_facts(store, 2023).to_pylist()}
    assert facts[A]["tax_paid"] == 36000.0
    assert facts[B]["tax_paid"] == pytest.approx(40000.0)
    versions = [
        r["version"] for r in fact_lineage(store, A, 2023).to_pylist() if r["field"] == "tax_paid"
    ]
    assert versions == [0, 0, 1, 2]
    set_confirmation(store, "tax", 2023, "confirmed", "tax-user")
    set_confirmation(store, "tax", 2023, "disputed", "firm", credit_codes=[A])
    st_a = {
        r["status"]
        for r in fact_lineage(store, A, 2023).to_pylist()
        if r["version"] == 0 and r["field"] == "tax_paid"
    }
    st_b = {
        r["status"] for r in fact_lineage(store, B, 2023).to_pylist() if r["field"] == "tax_paid"
    }
    assert st_a == {"disputed"} and st_b == {"confirmed"}
    with pytest.raises(FenghuangError):
        correct_fact(store, A, 2023, "nonsense", 1.0, "x", "y")


def test_confirmation_status_is_the_latest_entry_with_its_note(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    set_confirmation(store, "tax", 2023, "disputed", "dept_tax", note="三月税额与申报表不符")
    set_confirmation(store, "tax", 2023, "confirmed", "dept_tax")  # later: replaces it
    set_confirmation(store, "tax", 2022, "disputed", "dept_tax", note="缺十二月")
    set_confirmation(store, "power", 2023, "disputed", "firm", credit_codes=[A], note="电表换过")
    got = {
        (r["department"], r["year"], r["credit_code"]): (r["status"], r["actor"], r["note"])
        for r in confirmation_status(store).to_pylist()
    }
    assert got == {
        ("tax", 2023, None): ("confirmed", "dept_tax", None),
        ("tax", 2022, None): ("disputed", "dept_tax", "缺十二月"),
        ("power", 2023, A): ("disputed", "firm", "电表换过"),
    }
    assert {r["department"] for r in confirmation_status(store, 2022).to_pylist()} == {"tax"}
    # the log keeps every entry, the first dispute's note included
    assert store.fetch_all("select count(*), count(note) from fact_status") == [(4, 3)]


def test_cli_writes_error_workbook(tmp_path: Path) -> None:
    from fenghuang.cli import main

    errors = tmp_path / "errors.xlsx"
    rc = main(
        [
            "import",
            *map(str, _files(tmp_path)),
            "--store",
            str(tmp_path / "fh.duckdb"),
            "--errors",
            str(errors),
        ]
    )
    assert rc in (0, None)
    ws = openpyxl.load_workbook(errors).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "导入错误清单 Import error list"
    assert rows[1] == ("文件", "工作表", "行号", "列", "错误代码", "原因", "Reason", "原始值")
    assert sorted(r[4] for r in rows[2:]) == ["E-ROW-DUPLICATE", "E-ROW-UNMATCHED"]
    book = openpyxl.load_workbook(errors)
    assert book.sheetnames == ["错误清单", "按名称关联", "说明"]
    linked = list(book["按名称关联"].iter_rows(values_only=True))
    assert linked[1] == ("文件", "工作表", "行号", "报送的企业名称", "关联的统一社会信用代码",
                         "登记名称", "依据")  # fmt: skip
    assert sorted(r[2:] for r in linked[2:]) == [
        (5, "乙有限责任公司", B, "乙有限公司", "企业名称"),  # 有限责任公司 = 有限公司
        (6, "旧乙公司", B, "乙有限公司", "曾用名"),
    ]
    meta = dict(book["说明"].iter_rows(values_only=True))
    assert meta["隔离行数 rows"] == 2 and meta["按名称关联行数 linked by name"] == 2


def test_cli_writes_the_error_list_by_default_and_sums_a_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --errors the list goes to the current folder when rows were quarantined;
    --year lists that year's firm-year facts (firms with a value, total, unit)."""
    from fenghuang.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    files = _files(tmp_path)
    store = tmp_path / "fh.duckdb"
    assert main(["import", *map(str, files), "--store", str(store), "--year", "2023"]) == 0
    out = capsys.readouterr().out
    (written,) = tmp_path.glob("导入错误清单-*.xlsx")
    assert f"错误清单 error list: {written.name}（隔离 2 行，按名称关联 2 行" in out
    rows = list(openpyxl.load_workbook(written).active.iter_rows(values_only=True))[2:]
    assert sorted(r[4] for r in rows) == ["E-ROW-DUPLICATE", "E-ROW-UNMATCHED"]
    with Store(store, read_only=True) as s:
        facts = firm_facts(s, 2023)
    tax = facts.column("tax_paid").to_pylist()
    line = next(x for x in out.splitlines() if "实缴税金" in x)
    assert f"{sum(v for v in tax if v is not None):,.2f}" in line
    assert f" {sum(v is not None for v in tax):,} " in line and "元" in line
    # the same files again: nothing new, nothing quarantined now, no second list
    assert main(["import", *map(str, files), "--store", str(store)]) == 0
    assert "已导入过" in capsys.readouterr().out
    assert len(list(tmp_path.glob("导入错误清单-*.xlsx"))) == 1


@pytest.mark.slow
def test_kill_9_mid_import_leaves_warehouse_as_before(tmp_path: Path) -> None:
    path = tmp_path / "fh.duckdb"
    files = _files(tmp_path)
    with Store(path) as s:
        import_files(s, [files[2]])  # the register
    big = tmp_path / "税务_big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("统一社会信用代码,企业名称,所属期,实缴税金(元)\n")
        for i in range(60000):
            fh.write(
                f"{A if i % 2 else B},x,2023-{i % 12 + 1:02d},{i}.5\n".replace(",x,", f",x{i},")
            )
    before, seen = table_digests(path), visible_digests(path, 2023)
    code = "from fenghuang.cli import main; import sys; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "import", str(big), "--store", str(path)],
        cwd=tmp_path,  # where the error list goes
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wal = Path(str(path) + ".wal")
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not wal.exists():
        time.sleep(0.01)
    time.sleep(0.05)
    if proc.poll() is not None:
        pytest.skip("import finished before it could be killed")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert visible_digests(path, 2023) == seen  # what readers see at once
    with Store(path):  # the next writer removes rows of an import that did not land (054)
        pass
    assert table_digests(path) == before


def test_absurd_tax_per_mu_is_flagged(tmp_path: Path) -> None:
    from fenghuang.warehouse import THRESHOLDS, fact_checks

    store = Store(tmp_path / "fh.duckdb")
    import_files(store, _files(tmp_path))
    assert THRESHOLDS["tax_per_mu_max"] == 1e7  # 1,000 万元/亩
    assert fact_checks(store, 2023).num_rows == 0
    correct_fact(store, B, 2023, "tax_paid", 9e7 + 1, "test", "t")  # B has 9 亩 → > 1e7/亩
    flagged = fact_checks(store, 2023).to_pylist()
    assert [(r["credit_code"], r["code"]) for r in flagged] == [(B, "E-ROW-ABSURD")]


def test_annual_sources_that_disagree_are_conflicts(tmp_path: Path) -> None:
    from fenghuang.warehouse import fact_checks

    store = Store(tmp_path / "fh.duckdb")
    import_files(store, _files(tmp_path)[2:])
    one = tmp_path / "统计_1.csv"
    two = tmp_path / "统计_2.csv"
    one.write_text(
        f"统一社会信用代码,企业名称,年度,营业收入(万元)\n{A},甲公司,2023,100\n", encoding="utf-8"
    )
    two.write_text(
        f"统一社会信用代码,企业名称,年度,营业收入(万元)\n{A},甲公司,2023,120\n", encoding="utf-8"
    )
    import_files(store, [one, two])
    flagged = [
        (r["credit_code"], r["code"], r["field"]) for r in fact_checks(store, 2023).to_pylist()
    ]
    assert (A, "E-ROW-CONFLICT", "revenue") in flagged


def test_a_wide_file_counts_and_quarantines_file_rows(tmp_path: Path) -> None:
    """A column per month: a fault of the row itself is listed once, not once per month,
    and the counts are rows of the file (not values)."""
    bad = B[:-1] + ("0" if B[-1] != "0" else "1")
    wide = tmp_path / "供电_宽.csv"
    wide.write_text(
        "信用代码,户名,2023年1月,2023年2月,2023年3月\n"
        f"{A},甲公司,1,2,3\n"  # line 2: loaded
        f"{bad},乙公司,1,2,3\n"  # line 3: wrong check character
        f"{A},甲公司,1,2,3\n"  # line 4: exact duplicate of line 2
        ",不存在公司,1,2,3\n"  # line 5: a name that matches no firm
        f"{C},丙公司,1,x,3\n"  # line 6: February is not a number; January and March load
        ",丁公司,4,5,6\n",  # line 7: linked by name, once (not once per month)
        encoding="utf-8",
    )
    d = make_credit_code("91360300M00000004")
    reg = tmp_path / "企业名录.csv"
    reg.write_text(f"统一社会信用代码,企业名称\n{d},丁公司\n", encoding="utf-8")
    with Store(tmp_path / "fh.duckdb") as s:
        _, f = import_files(s, [reg, wide]).files
        assert s.fetch_all("select row_no, name, credit_code from name_links") == [(7, "丁公司", d)]
        assert f.linked_by_name == 1
        got = sorted(
            (r[0], r[1], r[2])
            for r in s.fetch_all("select row_no, column_name, code from quarantine")
        )
        assert got == [
            (3, "信用代码", "E-ROW-CREDIT-CODE-CHECK"),
            (4, "信用代码", "E-ROW-DUPLICATE"),
            (5, "户名", "E-ROW-UNMATCHED"),
            (6, "2023年2月", "E-ROW-NUMBER"),
        ]
        assert (f.rows_read, f.rows_loaded, f.rows_quarantined) == (6, 3, 4)
        assert f.by_reason == {
            "E-ROW-CREDIT-CODE-CHECK": 1,
            "E-ROW-DUPLICATE": 1,
            "E-ROW-UNMATCHED": 1,
            "E-ROW-NUMBER": 1,
        }
        assert s.fetch_all(
            "select rows_read, rows_loaded, rows_rejected from imports where department = 'power'"
        ) == [(6, 3, 4)]
        assert sorted(s.fetch_all("select row_no, month, value from source_values")) == [
            (2, 1, 1.0),
            (2, 2, 2.0),
            (2, 3, 3.0),
            (6, 1, 1.0),
            (6, 3, 3.0),
            (7, 1, 4.0),
            (7, 2, 5.0),
            (7, 3, 6.0),
        ]
