"""The DuckDB SQL of a column plan gives what read_source gives, for clean rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sources_builders import valid_code, write_csv

from fenghuang.sources import plan_columns, read_source


def _duck(path: Path, sql_list: str, skip: int, delim: str = ",") -> pa.Table:
    con = duckdb.connect()
    rel = f"read_csv('{path}', header=false, skip={skip}, all_varchar=true, delim='{delim}', null_padding=true)"
    return con.sql(f"select {sql_list} from {rel}").to_arrow_table()


def test_tax_csv_sql_matches_reader(tmp_path: Path) -> None:
    rows = [
        ["2023年税收入库"],
        ["纳税人识别号", "纳税人名称", "税款所属期", "实缴税额（万元）", "退税额", "社保费"],
    ]
    for i in range(1, 30):
        rows.append(
            [
                valid_code(i),
                f"企业{i}",
                f"2023年{i % 12 + 1:02d}月",
                f"{i * 1000.5:,.1f}",
                "—" if i % 3 else "12",
                str(i),
            ]
        )
    path = write_csv(tmp_path / "tax.csv", rows)
    plan = plan_columns(path)
    got = _duck(path, plan.sql_select(), plan.skip_lines)
    want = read_source(path).rows.drop_columns(["_sheet", "_row"])
    assert got.column_names == want.column_names
    for name in want.column_names:
        assert got.column(name).to_pylist() == pytest.approx(want.column(name).to_pylist()), name


def test_unit_column_and_land_sql(tmp_path: Path) -> None:
    rows = [["宗地编号", "统一社会信用代码", "企业名称", "面积", "面积单位", "权属", "分摊比例"]]
    units = ["平方米", "公顷", "亩"]
    tenures = ["出让", "租赁", "在建"]
    for i in range(1, 10):
        rows.append(
            [
                f"P{i}",
                valid_code(i),
                f"企业{i}",
                str(i * 100),
                units[i % 3],
                tenures[i % 3],
                "50%" if i % 2 else "",
            ]
        )
    path = write_csv(tmp_path / "land.csv", rows)
    plan = plan_columns(path)
    got = _duck(path, plan.sql_select(), plan.skip_lines)
    want = read_source(path).rows
    for name in ("parcel_id", "credit_code", "area", "tenure", "share"):
        assert got.column(name).to_pylist() == pytest.approx(want.column(name).to_pylist()), name


def test_parquet_sql_by_header(tmp_path: Path) -> None:
    table = pa.table(
        {
            "信用代码": [valid_code(1)],
            "年度": ["2023年"],
            "综合能耗(万吨标准煤)": ["1.5"],
            "用水量": ["1,000"],
        }
    )
    path = tmp_path / "e.parquet"
    pq.write_table(table, path)
    plan = plan_columns(path)
    con = duckdb.connect()
    got = con.sql(
        f"select {plan.sql_select(chr(34) + '{header}' + chr(34))} from read_parquet('{path}')"
    ).to_arrow_table()
    row = got.to_pylist()[0]
    assert (row["year"], row["energy_tce"], row["water_m3"]) == (2023, 15000.0, 1000.0)


def test_wide_layout_has_no_sql_plan(tmp_path: Path) -> None:
    from fenghuang.errors import SourceError

    rows = [["信用代码", "户名", "2023年1月", "2023年2月"], [valid_code(1), "甲", "1", "2"]]
    plan = plan_columns(write_csv(tmp_path / "p.csv", rows), "power")
    assert plan.wide and [c.month for c in plan.columns] == [None, None, 1, 2]
    with pytest.raises(SourceError):
        plan.sql_select()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789２-/.年月 a", max_size=9))
def test_glob_period_gives_the_regex_groups(cell: str) -> None:
    """The GLOB shortcut for YYYY-MM gives exactly what the period regex gives."""
    from fenghuang.sources._sql import _PERIOD_RE, _glob_period

    regex = f"regexp_extract($1, '{_PERIOD_RE}', ['y', 'm'])"
    con = duckdb.connect()
    ((fast, plain),) = con.execute(
        f"select {_glob_period('$1', regex)}, {regex}", [cell]
    ).fetchall()
    assert fast == plain


def test_glob_period_on_the_common_forms() -> None:
    from fenghuang.sources._sql import _PERIOD_RE, _glob_period

    regex = f"regexp_extract($1, '{_PERIOD_RE}', ['y', 'm'])"
    con = duckdb.connect()
    for cell, want in [
        ("2023-01", {"y": "2023", "m": "01"}),
        ("2023-1", {"y": "2023", "m": "1"}),
        ("2023年01月", {"y": "2023", "m": "01"}),
        ("2023-012", {"y": "", "m": ""}),
        ("２０２３-01", {"y": "", "m": ""}),
    ]:
        assert con.execute(f"select {_glob_period('$1', regex)}", [cell]).fetchall() == [(want,)]
