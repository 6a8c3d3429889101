"""``firm_facts(engine="spark")`` equals the DuckDB result on the synthetic city (issue 3)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from fenghuang.synthetic import generate_city
from fenghuang.warehouse import Store, firm_facts, import_files


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return a == b


@pytest.mark.spark
@pytest.mark.slow
def test_spark_equals_duckdb_on_the_synthetic_city(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    m = generate_city(tmp_path / "city", firms=60, seed=1, years=(2022, 2023))
    with Store(tmp_path / "fh.duckdb") as store:
        import_files(store, m.files)
        duck = firm_facts(store, 2023).to_pylist()
        spark = firm_facts(store, 2023, engine="spark").to_pylist()
    assert len(duck) == len(spark) >= 60
    bad = [
        (d["credit_code"], k, v, s[k])
        for d, s in zip(duck, spark, strict=True)
        for k, v in d.items()
        if not _close(v, s[k])
    ]
    assert not bad, bad[:10]
