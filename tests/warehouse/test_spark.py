from __future__ import annotations

from pathlib import Path

import pytest
from test_import import A, _files

from fenghuang.warehouse import Store, correct_fact, firm_year_expr, import_files


@pytest.mark.spark
@pytest.mark.slow
def test_spark_equals_duckdb(tmp_path: Path) -> None:
    ibis = pytest.importorskip("ibis")
    pyspark_sql = pytest.importorskip("pyspark.sql")
    store = Store(tmp_path / "fh.duckdb")
    import_files(store, _files(tmp_path))
    correct_fact(store, A, 2023, "tax_paid", 36000.0, "申诉", "analyst")
    duck = firm_year_expr(store.ibis(), 2023).to_pandas().sort_values("credit_code")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .config("spark.driver.memory", "512m")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", str(tmp_path / "spark-warehouse"))
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        con = ibis.pyspark.connect(session)
        for name in ("source_values", "imports", "import_sizes", "parcels", "fact_history"):
            data = store.fetch_arrow(f"select * from {name}")  # Arrow keeps nulls (not NaN)
            session.createDataFrame(data).createOrReplaceTempView(name)
        spark = firm_year_expr(con, 2023).to_pandas().sort_values("credit_code")
    finally:
        session.stop()
    spark = spark[list(duck.columns)].reset_index(drop=True)
    duck = duck.reset_index(drop=True)
    assert list(spark["credit_code"]) == list(duck["credit_code"])
    for col in duck.columns:
        a, b = duck[col].astype(object).where(duck[col].notna(), None), spark[col]
        b = b.astype(object).where(b.notna(), None)
        assert list(a) == list(b), col


@pytest.mark.spark
@pytest.mark.slow
def test_firm_facts_engine_spark(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from fenghuang.warehouse import firm_facts

    store = Store(tmp_path / "fh.duckdb")
    import_files(store, _files(tmp_path))
    duck = firm_facts(store, 2023)
    spark = firm_facts(store, 2023, engine="spark")
    assert spark.to_pylist() == duck.to_pylist()
