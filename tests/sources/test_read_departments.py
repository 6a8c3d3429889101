"""Land parcels, environment, science: department-specific fields."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sources_builders import workbook_bytes, write_csv

from fenghuang.facts import FIRM_YEAR_FIELDS
from fenghuang.sources import load_all_mappings, read_source


def test_land_parcels(tmp_path: Path, codes: list[str]) -> None:
    rows = [
        [
            "宗地编号",
            "使用企业",
            "统一社会信用代码",
            "用地面积(平方米)",
            "权属类型",
            "出租方信用代码",
            "分摊比例",
        ],
        ["360302-001", "甲公司", codes[0], "6666.67", "出让", "", ""],
        ["360302-002", "乙公司", codes[1], "2000", "租赁", codes[0], ""],
        ["360302-003", "丙公司", codes[2], "1000", "共用", "", "50%"],
        ["360302-003", "丁公司", codes[3], "1000", "在建", "", "0.5"],
        ["360302-004", "戊公司", codes[4], "-3", "自有", "", ""],
        ["", "己公司", codes[5], "100", "自有", "", ""],
        ["360302-005", "庚公司", codes[6], "100", "自有", "", "1.5"],
    ]
    batch = read_source(write_csv(tmp_path / "2023年用地.csv", rows))
    assert (batch.department, batch.kind) == ("land", "parcel")
    out = batch.rows.to_pylist()
    assert [r["parcel_id"] for r in out] == ["360302-001", "360302-002", "360302-003"]
    assert out[0]["area"] == pytest.approx(10.0, rel=1e-6)  # 6666.67 m² = 10 亩
    assert [r["tenure"] for r in out] == ["own", "leased", "construction"]
    assert out[1]["lessor_code"] == codes[0]
    assert out[2]["share"] == 0.5
    assert out[0]["year"] == 2023
    got = {(r["row"], r["code"]) for r in batch.rejects.to_pylist()}
    assert got == {
        (4, "E-ROW-VALUE"),
        (6, "E-ROW-NEGATIVE"),
        (7, "E-ROW-MISSING"),
        (8, "E-ROW-ABSURD"),
    }
    assert batch.units["area"] == "平方米"


def test_land_hectares_and_percent_header(codes: list[str]) -> None:
    sheet = [
        ["宗地号", "统一社会信用代码", "企业名称", "面积/公顷", "权属", "分摊比例(%)"],
        ["A1", codes[0], "甲", 2, "自有", 40],
    ]
    batch = read_source(workbook_bytes({"S": sheet}))
    (row,) = batch.rows.to_pylist()
    assert row["area"] == 30.0 and row["share"] == pytest.approx(0.4)


def test_environment(tmp_path: Path, codes: list[str]) -> None:
    rows = [
        [
            "统一社会信用代码",
            "企业名称",
            "年度",
            "化学需氧量(千克)",
            "氨氮排放量（吨）",
            "SO2",
            "NOx",
            "重大环境事件",
        ],
        [codes[0], "甲", "2023年", "1500", "0.2", "1", "2", "否"],
        [codes[1], "乙", "2023", "0", "0", "0", "0", "是"],
    ]
    batch = read_source(write_csv(tmp_path / "环保.csv", rows))
    assert batch.department == "environment"
    out = batch.rows.to_pylist()
    assert out[0]["cod_t"] == 1.5 and out[0]["nh3n_t"] == 0.2
    assert [r["accident_environment"] for r in out] == [False, True]


def test_science_parquet(tmp_path: Path, codes: list[str]) -> None:
    table = pa.table(
        {
            "统一社会信用代码": [codes[0], codes[1]],
            "企业名称": ["甲", "乙"],
            "年度": [2023, 2023],
            "研发经费支出(万元)": [12.5, None],
            "有效发明专利数": [3, 2],
            "高新技术企业": ["是", "否"],
        }
    )
    path = tmp_path / "science.parquet"
    pq.write_table(table, path)
    batch = read_source(path)
    assert (batch.department, batch.format) == ("science", "parquet")
    out = batch.rows.to_pylist()
    assert out[0]["rd_expense"] == 125_000.0 and out[1]["rd_expense"] is None
    assert [r["invention_patents"] for r in out] == [3, 2]
    assert [r["_row"] for r in out] == [1, 2]


def test_output_schema_follows_facts(tmp_path: Path, codes: list[str]) -> None:
    rows = [["信用代码", "企业名称", "年度", "营业收入"], [codes[0], "甲", "2023", "1"]]
    batch = read_source(write_csv(tmp_path / "s.csv", rows))
    schema = batch.rows.schema
    assert schema.names == [
        "credit_code",
        "name",
        "year",
        "revenue",
        "value_added",
        "employees",
        "_sheet",
        "_row",
    ]
    assert schema.field("year").type == pa.int64() and schema.field("revenue").type == pa.float64()


def test_every_department_field_is_mapped() -> None:
    maps = load_all_mappings()
    for name, spec in FIRM_YEAR_FIELDS.items():
        if spec.department and spec.department != "land":
            assert name in maps[spec.department].fields, name


def test_preferred_synonym_wins_when_two_columns_mean_one_field(
    tmp_path: Path, codes: list[str]
) -> None:
    rows = [
        ["信用代码", "企业名称", "年度", "从业人员期末人数", "从业人员平均人数"],
        [codes[0], "甲", "2023", "130", "120"],
    ]
    batch = read_source(write_csv(tmp_path / "s.csv", rows))
    assert batch.rows.column("employees").to_pylist() == [120.0]
    assert batch.ignored_columns == ("从业人员期末人数",)
