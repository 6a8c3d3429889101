"""Several sources for one fact: never summed, one chosen by a stated precedence."""

from __future__ import annotations

from pathlib import Path

from fenghuang.sources import make_credit_code
from fenghuang.warehouse import Store, fact_checks, firm_facts, import_files

A = make_credit_code("91360300M00000011")
B = make_credit_code("91360300M00000012")
C = make_credit_code("91360300M00000013")


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _facts(tmp_path: Path, files: list[Path]) -> dict[str, dict[str, object]]:
    with Store(tmp_path / "fh.duckdb") as store:
        import_files(store, files)
        return {r["credit_code"]: r for r in firm_facts(store, 2023).to_pylist()}


def test_full_return_beats_a_partial_list_of_the_same_department(tmp_path: Path) -> None:
    full = _csv(
        tmp_path / "统计局_2023.csv",
        "统一社会信用代码,企业名称,年度,营业收入(万元)\n"
        f"{A},甲公司,2023,100\n{B},乙公司,2023,200\n{C},丙公司,2023,300\n",
    )
    check = _csv(
        tmp_path / "统计_营业收入核对表_2023.csv",
        f"统一社会信用代码,企业名称,年度,营业收入(万元)\n{A},甲公司,2023,150\n",
    )
    # Either import order: the three-firm return wins for A (1,000,000 元, not 2,500,000).
    for order in ([full, check], [check, full]):
        (tmp_path / "fh.duckdb").unlink(missing_ok=True)
        got = _facts(tmp_path, order)
        assert got[A]["revenue"] == 1_000_000.0
        assert got[B]["revenue"] == 2_000_000.0
    with Store(tmp_path / "fh.duckdb", read_only=True) as store:
        flagged = {
            (r["credit_code"], r["code"], r["field"]) for r in fact_checks(store, 2023).to_pylist()
        }
    assert (A, "E-ROW-CONFLICT", "revenue") in flagged


def test_months_of_one_department_over_two_files_are_summed(tmp_path: Path) -> None:
    h1 = _csv(
        tmp_path / "税务_2023上半年.csv",
        f"统一社会信用代码,企业名称,所属期,实缴税金(元)\n{A},甲公司,2023-01,10\n{A},甲公司,2023-06,20\n",
    )
    h2 = _csv(
        tmp_path / "税务_2023下半年.csv",
        f"统一社会信用代码,企业名称,所属期,实缴税金(元)\n{A},甲公司,2023-07,30\n{A},甲公司,2023-12,40\n",
    )
    assert _facts(tmp_path, [h1, h2])[A]["tax_paid"] == 100.0
