"""The batch reader and the column plan agree with read_source."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sources_builders import bad_check, valid_code, workbook_bytes, write_csv

from fenghuang.sources import iter_source, plan_columns, read_source


def _power_rows(n: int) -> list[list[object]]:
    rows: list[list[object]] = [
        ["萍乡供电公司2023年工业用户用电量"],
        ["单位：万千瓦时"],
        ["户号", "用户名称", "统一社会信用代码", "抄表年月", "用电量"],
    ]
    for i in range(n):
        code = valid_code(i + 1) if i % 17 else bad_check(valid_code(i + 1))
        rows.append([f"{i:05d}", f"企业{i}", code, f"2023-{i % 12 + 1:02d}", f"{i * 0.5:.1f}"])
        if i == 20:
            rows.append(["注：以下为续表"])
            rows.append([])
    rows.append(["合计", "", "", "", "999"])
    return rows


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_iter_source_matches_read_source(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "power.csv", _power_rows(100), encoding=encoding)
    whole = read_source(path)
    batches = list(iter_source(path, batch_rows=30))
    assert all(b.rows.num_rows <= 30 for b in batches)
    rows = pa.concat_tables([b.rows for b in batches])
    assert rows.equals(whole.rows)
    rejects = pa.concat_tables([b.rejects for b in batches])
    assert sorted(rejects.column("row").to_pylist()) == sorted(
        whole.rejects.column("row").to_pylist()
    )
    assert {b.file_hash for b in batches} == {whole.file_hash}
    assert batches[0].units == whole.units == {"electricity_kwh": "万千瓦时"}


def test_plan_columns_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "power.csv", _power_rows(5), encoding="gbk")
    plan = plan_columns(path)
    assert (plan.department, plan.kind, plan.format, plan.encoding, plan.delimiter) == (
        "power",
        "monthly",
        "csv",
        "gbk",
        ",",
    )
    assert plan.skip_lines == 3
    fields = plan.fields()
    assert fields["electricity_kwh"].index == 4 and fields["electricity_kwh"].factor == 1e4
    assert fields["credit_code"].index == 2 and fields["period"].index == 3
    assert plan.columns[0].field is None


def test_plan_columns_xlsx_and_parquet(tmp_path: Path) -> None:
    sheet = [
        ["2023年税收"],
        ["信用代码", "企业名称", "所属期", "实缴税额（千元）"],
        [valid_code(1), "甲", "2023-01", 1],
    ]
    xlsx = tmp_path / "t.xlsx"
    xlsx.write_bytes(workbook_bytes({"税": sheet}))
    plan = plan_columns(xlsx)
    assert (plan.format, plan.sheet, plan.skip_lines) == ("xlsx", "税", 2)
    assert plan.fields()["tax_paid"].factor == 1e3 and plan.fields()["tax_paid"].unit == "千元"
    pq.write_table(
        pa.table({"信用代码": ["x"], "年度": [2023], "综合能耗(万吨标准煤)": [1.0]}),
        tmp_path / "e.parquet",
    )
    plan2 = plan_columns(tmp_path / "e.parquet")
    assert plan2.department == "energy" and plan2.fields()["energy_tce"].factor == 1e4


def test_iter_parquet(tmp_path: Path) -> None:
    n = 50
    table = pa.table(
        {
            "纳税人识别号": [valid_code(i + 1) for i in range(n)],
            "所属期": [f"2023{(i % 12) + 1:02d}" for i in range(n)],
            "实缴税金": [float(i) for i in range(n)],
        }
    )
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=20)
    batches = list(iter_source(tmp_path / "t.parquet", batch_rows=20))
    assert [b.n_rows for b in batches] == [20, 20, 10]
    assert batches[1].rows.column("_row").to_pylist()[0] == 21


def test_ragged_csv_row_is_quarantined_in_stream(tmp_path: Path) -> None:
    rows = [
        ["信用代码", "企业名称", "所属期", "实缴税金"],
        [valid_code(1), "甲", "2023-01", "1"],
        [valid_code(2), "乙", "2023-01", "1", "多余"],
        [valid_code(3), "丙", "2023-01", "2"],
    ]
    batches = list(iter_source(write_csv(tmp_path / "t.csv", rows)))
    rows_out = pa.concat_tables([b.rows for b in batches])
    assert rows_out.column("_row").to_pylist() == [2, 4]
    rej = pa.concat_tables([b.rejects for b in batches]).to_pylist()
    assert [(r["row"], r["code"]) for r in rej] == [(3, "E-ROW-COLUMNS")]
