from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from fenghuang.warehouse import Store


def test_file_store_is_created_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "fh.duckdb"
    with Store(path) as store:
        assert "001_core" in store.schema_version()
    assert path.exists()
    with Store(path) as again:  # re-opening applies nothing twice
        assert again.migrate() == []


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    row = pa.table({"import_id": ["a"], "file_name": ["f.csv"], "department": ["tax"]})
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_arrow("imports", row)
        raise RuntimeError("boom")
    assert store.fetch_all("select count(*) from imports") == [(0,)]
    with store.transaction():
        store.insert_arrow("imports", row)
    assert store.fetch_all("select count(*) from imports") == [(1,)]


def test_reading_streams_batches_and_keeps_the_schema_of_an_empty_result(tmp_path: Path) -> None:
    with Store(tmp_path / "fh.duckdb") as s:
        sql = "SELECT x, x * 2 AS y FROM range(?) t(x)"
        with s.reading(sql, [5000], rows=2048) as reader:
            batches = list(reader)
        assert sum(b.num_rows for b in batches) == 5000
        assert len(batches) >= 2  # streamed, not one table
        assert pa.Table.from_batches(batches).column("y").to_pylist()[-1] == 9998
        with s.reading(sql, [0]) as reader:
            assert reader.schema.names == ["x", "y"]
            assert [b.num_rows for b in reader if b.num_rows] == []
