"""Compact source values (migration 051): the view, the migration of an older store, settings."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb
import pytest
from test_fast import MESSY_LINES, REGISTER, A, B, _write

from fenghuang.errors import FenghuangError
from fenghuang.warehouse import Store, fact_lineage, firm_facts, import_files

_VIEW_COLUMNS = [
    ("import_id", "VARCHAR"),
    ("sheet", "VARCHAR"),
    ("row_no", "BIGINT"),
    ("credit_code", "VARCHAR"),
    ("year", "INTEGER"),
    ("month", "INTEGER"),
    ("field", "VARCHAR"),
    ("value", "DOUBLE"),
    ("unit", "VARCHAR"),
]


def test_source_values_is_a_view_with_the_old_columns(tmp_path: Path) -> None:
    with Store(tmp_path / "fh.duckdb") as s:
        cols = s.fetch_all("describe source_values")
        assert [(c[0], c[1]) for c in cols] == _VIEW_COLUMNS
        kinds = dict(s.fetch_all("select table_name, table_type from information_schema.tables"))
        assert kinds["source_values"] == "VIEW" and kinds["source_rows"] == "BASE TABLE"


def _old_store(path: Path) -> None:
    """A store as migrations 001–050 left it, with two imports of source values."""
    con = duckdb.connect(str(path))
    con.execute(
        "create table schema_migrations(name varchar primary key, "
        "applied_at timestamp default current_timestamp)"
    )
    files = resources.files("fenghuang.warehouse").joinpath("migrations")
    for entry in sorted(files.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql") and entry.name < "051":
            con.execute(entry.read_text(encoding="utf-8"))
            con.execute("insert into schema_migrations(name) values (?)", [entry.name[:-4]])
    con.execute(
        "insert into imports (import_id, file_name, department, imported_at) values "
        "('a' || repeat('0', 63), '税务.csv', 'tax', '2026-01-01'), "
        "('b' || repeat('0', 63), '统计.xlsx', 'stats', '2026-01-02')"
    )
    con.execute(
        "insert into source_values values "
        f"('a' || repeat('0', 63), '', 2, '{A}', 2023, 1, 'tax_paid', 10.0, '万元'), "
        f"('a' || repeat('0', 63), '', 3, '{A}', 2023, 2, 'tax_paid', 20.0, '万元'), "
        f"('a' || repeat('0', 63), '', 3, '{A}', 2023, 2, 'tax_refund', 1.5, '万元'), "
        f"('b' || repeat('0', 63), '表1', 5, '{A}', 2023, null, 'revenue', 900.0, '千元'), "
        f"('b' || repeat('0', 63), '表2', 7, '{B}', 2023, null, 'revenue', 800.0, null)"
    )
    con.close()


def test_an_older_store_migrates_to_the_view(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _old_store(path)
    con = duckdb.connect(str(path))
    before = sorted(con.execute("select * from source_values").fetchall(), key=repr)
    con.close()
    with Store(path) as s:
        assert "051_compact_source_values" in s.schema_version()
        assert sorted(s.fetch_all("select * from source_values"), key=repr) == before
        assert s.fetch_all("select import_key from imports order by imported_at") == [(1,), (2,)]
        assert sorted(s.fetch_all("select * from import_sizes")) == [
            ("a" + "0" * 63, 2023, "tax_paid", True, 2),
            ("a" + "0" * 63, 2023, "tax_refund", True, 1),
            ("b" + "0" * 63, 2023, "revenue", False, 2),
        ]
        names = {r[0] for r in s.fetch_all("select index_name from duckdb_indexes()")}
        assert "source_values_firm" not in names  # migration 052: the block map instead
        # migration 053: the firm map (per import and hash of a code, its row range) instead
        assert not s.fetch_all(
            "select table_name from duckdb_tables() where table_name = 'source_blocks'"
        )
        ha, hb = (s.fetch_all("select hash(?::varchar)", [c])[0][0] for c in (A, B))
        assert sorted(s.fetch_all("select import_key, h, lo, hi from source_firms")) == sorted(
            [(1, ha, 2, 3), (2, ha, 5, 5), (2, hb, 7, 7)]
        )
        lin = fact_lineage(s, A, 2023).to_pylist()
        assert [
            (r["field"], r["value"], r["unit"], r["file"], r["sheet"], r["row"]) for r in lin
        ] == [
            ("revenue", 900.0, "千元", "统计.xlsx", "表1", 5),
            ("tax_paid", 10.0, "万元", "税务.csv", "", 2),
            ("tax_paid", 20.0, "万元", "税务.csv", "", 3),
            ("tax_refund", 1.5, "万元", "税务.csv", "", 3),
        ]
        # a new import after the migration gets the next key and keeps the old rows
        report = import_files(s, [_write(tmp_path, MESSY_LINES)], fast=True)
        assert report.files[0].fast
        assert s.fetch_all("select max(import_key) from imports") == [(3,)]
        assert (
            sorted(
                s.fetch_all(
                    "select * from source_values where import_id in (?, ?)",
                    ["a" + "0" * 63, "b" + "0" * 63],
                ),
                key=repr,
            )
            == before
        )
    with Store(path) as again:
        assert again.migrate() == []


def test_import_restores_the_memory_limit_and_leaves_no_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    reg = tmp_path / "企业名录.csv"
    reg.write_text(REGISTER, encoding="utf-8")
    with Store(tmp_path / "fh.duckdb") as s:
        s.set_memory_limit("3GB")
        (limit,), *_ = s.fetch_all("select current_setting('memory_limit')")
        import_files(s, [reg, _write(tmp_path, MESSY_LINES)], fast=True)
        assert s.fetch_all("select current_setting('memory_limit')") == [(limit,)]
        assert s.memory_limit == "3GB"
        firm_facts(s, 2023)
        assert s.fetch_all("select current_setting('memory_limit')") == [(limit,)]
        empty = _write(tmp_path, ["统一社会信用代码,企业名称,所属期,用电量(千瓦时)"], "供电.csv")
        with pytest.raises(FenghuangError):
            import_files(s, [empty], fast=True)
        assert s.fetch_all("select current_setting('memory_limit')") == [(limit,)]
        s.set_memory_limit(None)
        (default,), *_ = s.fetch_all("select current_setting('memory_limit')")
        import_files(s, [_write(tmp_path, MESSY_LINES[:-3], "税务_b.csv")], fast=True)
        assert s.fetch_all("select current_setting('memory_limit')") == [(default,)]
        # nothing of an import is left in source_rows as a dirty line or without a code
        assert s.fetch_all(
            "select count(*) from source_rows where part < 0 or raw is not null "
            "or credit_code is null"
        ) == [(0,)]
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not any(p.name.startswith("fh-import-") for p in tmp_path.iterdir())
