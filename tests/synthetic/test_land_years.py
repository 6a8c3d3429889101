"""A land file with a 年度 column may list the same parcel for several years."""

from __future__ import annotations

from pathlib import Path

import pytest

from fenghuang.sources import make_credit_code, read_source
from fenghuang.warehouse import Store, firm_facts, import_files

A = make_credit_code("91360300M00000001")


def test_same_parcel_in_two_years_is_not_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "模拟数据_土地_2022-2023.csv"
    path.write_text(
        "宗地编号,统一社会信用代码,企业名称,面积,权属,年度\n"
        f"P1,{A},甲,10,自有,2022\nP1,{A},甲,12.5,自有,2023\nP1,{A},甲,12.5,自有,2023\n",
        encoding="utf-8",
    )
    batch = read_source(path)
    assert batch.n_rows == 2
    assert batch.rejects.column("code").to_pylist() == ["E-ROW-DUPLICATE"]
    with Store(tmp_path / "fh.duckdb") as store:
        import_files(store, [path])
        assert firm_facts(store, 2022).column("land_own").to_pylist() == [10.0]
        assert firm_facts(store, 2023).column("land_own").to_pylist() == [pytest.approx(12.5)]


def test_same_parcel_twice_in_one_year_with_other_areas_is_a_conflict() -> None:
    text = f"宗地编号,统一社会信用代码,面积,权属,年度\nP1,{A},10,自有,2023\nP1,{A},11,自有,2023\n"
    batch = read_source(text.encode("utf-8"))
    assert batch.n_rows == 0
    assert batch.rejects.column("code").to_pylist() == ["E-ROW-CONFLICT", "E-ROW-CONFLICT"]
