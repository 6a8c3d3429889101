"""The firm map of ``source_rows`` (migration 053) behind ``fact_lineage``.

``fact_lineage`` finds a firm's source rows through ``source_firms`` (per
import and ``hash(credit_code)``: the row range of that code's rows, sorted
by the hash) instead of an ART index (050) or the block map (052). Here it
must equal a full scan of the store (the query it replaced) for every firm
of the synthetic city (模拟数据) — with files as generated, with their data
lines shuffled, sorted by month, after a re-import (a no-op), after a second
import of another year, for name-linked and repaired rows, on random files
(hypothesis), and after migration 053 on a store made at 052; the map
always equals the ``GROUP BY`` of the import's final rows; no ART index is
left on ``source_rows``; and on a file sorted by firm name (not by code) the
lookup reads at most a row group or two of ``source_rows`` and of the map
per import.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lineage_reference import LINEAGE_REFERENCE
from test_fast import MESSY_LINES, A, B, _write
from test_fast import REGISTER as MESSY_REGISTER

from fenghuang.sources import make_credit_code
from fenghuang.synthetic import CityManifest, generate_city
from fenghuang.warehouse import Store, _read, fact_lineage, import_files

YEARS = (2022, 2023)


def _firms(store: Store) -> list[str]:
    """Every credit code with a source row or a parcel (as holder or lessor)."""
    return [
        str(r[0])
        for r in store.fetch_all(
            "select distinct c from (select credit_code as c from source_rows union all "
            "select credit_code from parcels union all select lessor_code from parcels) "
            "where c is not null order by c"
        )
    ]


def _check_every_firm(store: Store, years: tuple[int, ...] = YEARS) -> int:
    """fact_lineage == the full scan for every firm and year; returns the rows compared."""
    firms = _firms(store)
    assert firms
    n = 0
    for year in years:
        for code in firms:
            got = fact_lineage(store, code, year)
            want = store.fetch_arrow(LINEAGE_REFERENCE, [code, year])
            assert got.to_pylist() == want.to_pylist(), (code, year)
            n += got.num_rows
    assert n > 0
    return n


def _no_art_index(store: Store) -> None:
    assert store.fetch_all(
        "select count(*) from duckdb_indexes() where table_name = 'source_rows'"
    ) == [(0,)]


def _firm_map(store: Store) -> list[tuple[object, ...]]:
    return store.fetch_all("select * from source_firms order by import_key, h")


def _map_is_the_group_by_of_the_rows(store: Store) -> None:
    """``source_firms`` == per import and hash, the row range of the final rows."""
    want = store.fetch_all(
        "select hash(credit_code) as h, import_key, min(row_no), max(row_no) from source_rows "
        "where credit_code is not null group by import_key, h order by import_key, h"
    )
    assert _firm_map(store) == want
    # each import's rows of the map are stored in order of h (its zone maps prune)
    for (k,) in store.fetch_all("select distinct import_key from source_firms"):
        hs = [r[0] for r in store.fetch_all("select h from source_firms where import_key = ?", [k])]
        assert hs == sorted(hs)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> CityManifest:
    """A small synthetic city (模拟数据), two years, files as the departments send them."""
    return generate_city(tmp_path_factory.mktemp("city"), firms=30, seed=1, years=YEARS)


def _city_files(city: CityManifest) -> list[Path]:
    return sorted(p for paths in city.department_files.values() for p in paths)


def _later(p: Path) -> bool:
    """A file of 2023 only (the second import); multi-year files come with the first."""
    return "2023年" in p.name


def test_lineage_equals_a_full_scan_for_every_firm_of_the_synthetic_city(
    city: CityManifest, tmp_path: Path
) -> None:
    fast = True  # the CSVs by the fast path, the workbooks by the general path
    files = _city_files(city)
    first = [p for p in files if not _later(p)]
    second = [p for p in files if _later(p)]
    assert first and second
    with Store(tmp_path / "fh.duckdb") as s:
        import_files(s, first, fast=fast)
        _no_art_index(s)
        firm_map = _firm_map(s)
        assert len(firm_map) > 20
        _map_is_the_group_by_of_the_rows(s)
        _check_every_firm(s, (2022,))
        # the same files again: skipped, nothing added to the map
        again = import_files(s, first, fast=fast)
        assert all(f.skipped for f in again.files)
        assert _firm_map(s) == firm_map
        # another year's files: their firms added, the first ones unchanged
        report = import_files(s, second, fast=fast)
        assert not any(f.skipped for f in report.files)
        assert any(f.fast for f in report.files) and not all(f.fast for f in report.files)
        assert _firm_map(s)[: len(firm_map)] == firm_map and len(_firm_map(s)) > len(firm_map)
        _map_is_the_group_by_of_the_rows(s)
        # name-linked rows (the generator's rows without a code) are found
        linked = s.fetch_all(
            "select n.credit_code, n.row_no, i.file_name from name_links n "
            "join imports i using (import_id)"
        )
        assert linked
        _check_every_firm(s)
        found = 0
        for code, row_no, file in linked:
            rows = [
                r
                for y in YEARS
                for r in fact_lineage(s, code, y).to_pylist()
                if (r["file"], r["row"]) == (file, row_no)
            ]
            found += bool(rows)
        assert found > 0
        _no_art_index(s)


def _shuffled(src: Path, dst: Path, rng: random.Random) -> Path:
    """``src`` with its data lines (a code or an empty code first) in random order."""
    raw = src.read_bytes()
    lines = raw.split(b"\n")
    first = next(i for i, x in enumerate(lines) if re.match(rb"^(9[0-9A-Z]{17})?,", x))
    at = [i for i in range(first, len(lines)) if re.match(rb"^(9[0-9A-Z]{17})?,", lines[i])]
    moved = [lines[i] for i in at]
    rng.shuffle(moved)
    for i, line in zip(at, moved, strict=True):
        lines[i] = line
    dst.write_bytes(b"\n".join(lines))
    return dst


def _by_month(src: Path, dst: Path) -> Path:
    """``src`` with its data lines sorted by their period cell (the third), stably."""
    lines = src.read_bytes().split(b"\n")
    at = [i for i in range(len(lines)) if re.match(rb"^(9[0-9A-Z]{17})?,", lines[i])]
    moved = sorted((lines[i] for i in at), key=lambda x: x.split(b",")[2:3])
    for i, line in zip(at, moved, strict=True):
        lines[i] = line
    dst.write_bytes(b"\n".join(lines))
    return dst


@pytest.mark.parametrize("order", ["shuffled", "by_month"])
def test_lineage_of_files_in_another_order_equals_a_full_scan(
    city: CityManifest, tmp_path: Path, order: str
) -> None:
    rng = random.Random(7)
    (tmp_path / order).mkdir()
    files = [
        (
            _shuffled(p, tmp_path / order / p.name, rng)
            if order == "shuffled"
            else _by_month(p, tmp_path / order / p.name)
        )
        if p.suffix == ".csv"
        else p
        for p in _city_files(city)
    ]
    with Store(tmp_path / "fh.duckdb") as s:
        report = import_files(s, files, fast=True)
        assert any(f.fast for f in report.files)
        _map_is_the_group_by_of_the_rows(s)
        # a firm's rows far apart: many ranges cover most of their import (a scan of it)
        wide = s.fetch_all(
            "select count(*) from source_firms f where hi - lo > (select (max(row_no) - "
            "min(row_no)) / 2 from source_rows r where r.import_key = f.import_key)"
        )[0][0]
        assert wide > 10
        _check_every_firm(s)
        _no_art_index(s)


def test_migration_053_on_a_store_at_052_keeps_lineage(city: CityManifest, tmp_path: Path) -> None:
    path = tmp_path / "fh.duckdb"
    with Store(path) as s:
        import_files(s, _city_files(city))
        before = {
            (code, y): fact_lineage(s, code, y).to_pylist() for code in _firms(s) for y in YEARS
        }
        firm_map = _firm_map(s)
        # back to the schema of 052: its block map, no firm map, 053 not applied
        s.execute("drop table source_firms")
        s.execute(
            "create table source_blocks as select import_key, min(row_no) as lo, "
            "max(row_no) as hi, min(credit_code) as min_code, max(credit_code) as max_code "
            "from source_rows where credit_code is not null group by import_key, row_no // 8192"
        )
        s.execute("delete from schema_migrations where name = '053_source_firms'")
    with Store(path) as s:
        assert "053_source_firms" in s.schema_version()
        assert not s.fetch_all(
            "select table_name from duckdb_tables() where table_name = 'source_blocks'"
        )
        _no_art_index(s)
        assert _firm_map(s) == firm_map  # the migration's map is the imports'
        _map_is_the_group_by_of_the_rows(s)
        assert {
            (code, y): fact_lineage(s, code, y).to_pylist() for code in _firms(s) for y in YEARS
        } == before


@pytest.mark.parametrize("fast", [True, False])
def test_repaired_rejected_and_name_linked_rows_are_in_the_map(tmp_path: Path, fast: bool) -> None:
    """A messy file: rejects deleted, repaired rows and name-linked rows in the map."""
    tax = _write(tmp_path, MESSY_LINES)
    reg = tmp_path / "企业名录.csv"
    reg.write_text(MESSY_REGISTER, encoding="utf-8")
    with Store(tmp_path / "fh.duckdb") as s:
        report = import_files(s, [reg, tax], fast=fast)
        assert report.files[-1].fast is fast
        assert report.files[-1].linked_by_name == 2 and report.files[-1].rows_quarantined > 5
        _map_is_the_group_by_of_the_rows(s)
        # the rows of B: its own and the two linked by (former) name, far below them
        (key,), *_ = s.fetch_all("select max(import_key) from imports")
        linked = [r for (r,) in s.fetch_all("select row_no from name_links order by row_no")]
        assert s.fetch_all(
            "select lo, hi from source_firms where h = hash(?::varchar) and import_key = ?",
            [B, key],
        ) == [(9, max(linked))]
        # the full-width row (line 7) is repaired and kept, the duplicate below it is not
        assert s.fetch_all("select lo, hi from source_firms where h = hash(?::varchar)", [A]) == [
            (4, 7)
        ]
        _check_every_firm(s, (2023,))


REGISTER = "统一社会信用代码,企业名称,曾用名\n"


def _codes(n: int, base: int = 0) -> list[str]:
    return [make_credit_code(f"91360300M{base + i:08d}") for i in range(n)]


@pytest.mark.parametrize("fast", [True, False])
def test_a_name_linked_row_widens_its_firms_range(tmp_path: Path, fast: bool) -> None:
    a, c, d = _codes(3, 10)
    reg = tmp_path / "企业名录.csv"
    reg.write_text(REGISTER + f"{a},甲公司,\n{c},丙公司,\n{d},丁公司,\n", encoding="utf-8")
    lines = ["统一社会信用代码,企业名称,所属期,实缴税金(元)"]
    lines += [f"{a},甲公司,2023-{m:02d},1" for m in range(1, 4)]  # lines 2-4: a
    lines += [f"{d},丁公司,2023-{m:02d},2" for m in range(1, 9)]  # lines 5-12: d
    lines += [",甲公司,2023-05,9"]  # line 13: no code, linked by name to a
    lines += [f"{c},丙公司,2023-{m:02d},3" for m in range(1, 4)]  # lines 14-16: c
    tax = tmp_path / "税务_2023.csv"
    tax.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store(tmp_path / "fh.duckdb") as s:
        report = import_files(s, [reg, tax], fast=fast)
        assert report.files[-1].fast is fast and report.files[-1].linked_by_name == 1
        (key,), *_ = s.fetch_all("select max(import_key) from imports")
        ranges = {
            code: s.fetch_all(
                "select lo, hi from source_firms where import_key = ? and h = hash(?::varchar)",
                [key, code],
            )
            for code in (a, c, d)
        }
        assert ranges == {a: [(2, 13)], c: [(14, 16)], d: [(5, 12)]}
        _map_is_the_group_by_of_the_rows(s)
        lin = fact_lineage(s, a, 2023).to_pylist()
        assert [(r["field"], r["value"], r["row"]) for r in lin] == [
            ("tax_paid", 1.0, 2),
            ("tax_paid", 1.0, 3),
            ("tax_paid", 1.0, 4),
            ("tax_paid", 9.0, 13),
        ]
        _check_every_firm(s, (2023,))


def _by_name(path: Path, codes: list[str], header: str, months: int) -> Path:
    """A monthly file sorted by firm name (企业000000 …), its codes in no order."""
    with path.open("w", encoding="utf-8") as f:
        f.write(f"统一社会信用代码,企业名称,所属期,{header}\n")
        for i, c in enumerate(codes):
            for m in range(1, months + 1):
                f.write(f"{c},企业{i:06d},2023-{m:02d},{i % 997 + m}\n")
    return path


def _row_groups_scanned(store: Store, query: str, args: list[object]) -> list[tuple[int, int]]:
    """(scanned, total) of each table scan of ``query`` (EXPLAIN ANALYZE)."""
    plan = "\n".join(str(r[1]) for r in store.fetch_all("explain analyze " + query, args))
    return [(int(a), int(b)) for a, b in re.findall(r"Row Groups Scanned: (\d+) / (\d+)", plan)]


def test_a_lookup_on_files_sorted_by_name_reads_a_row_group_or_two_per_import(
    tmp_path: Path,
) -> None:
    # 130,000 firms x 2 months in two files, each sorted by name with the codes shuffled:
    # 260,000 rows per import (3 row groups of DuckDB's 122,880), and 130,000 rows of the
    # firm map per import (260,000 in all: 3 row groups)
    codes = _codes(130_000)
    random.Random(5).shuffle(codes)
    files = [
        _by_name(tmp_path / "供电_2023.csv", codes, "用电量(千瓦时)", 2),
        _by_name(tmp_path / "税务_2023.csv", codes, "实缴税金(元)", 2),
    ]
    with Store(tmp_path / "fh.duckdb") as s:
        report = import_files(s, files, fast=True)
        assert all(f.fast for f in report.files)
        s.execute("checkpoint")  # row groups and zone maps as a reopened store has them
        _no_art_index(s)
        assert s.fetch_all("select count(*) from source_firms") == [(260_000,)]
        for code in [*random.Random(3).sample(codes, 30), codes[0], codes[-1]]:
            found = _row_groups_scanned(
                s, "select import_key, lo, hi from source_firms where h = hash(?::varchar)", [code]
            )
            assert found and all(total >= 3 for _, total in found), found
            assert sum(n for n, _ in found) <= 3, (code, found)  # ~one per import
            q = _read._rows_query(s, code, 2023)
            assert q is not None
            scans = _row_groups_scanned(s, *q)
            assert len(scans) == 2 and all(total >= 4 for _, total in scans), scans
            assert all(n <= 2 for n, _ in scans), (code, scans)  # of 4-6, per import
            lin = fact_lineage(s, code, 2023).to_pylist()
            assert lin == s.fetch_arrow(LINEAGE_REFERENCE, [code, 2023]).to_pylist()
            assert len(lin) == 4
        assert fact_lineage(s, make_credit_code("91360300M99999999"), 2023).num_rows == 0


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    order=st.permutations(list(range(24))),
    firms=st.lists(st.integers(0, 5), min_size=24, max_size=24),
    merge_gap=st.integers(0, 9),
    max_ranges=st.integers(1, 4),
    second=st.booleans(),
    fast=st.booleans(),
)
def test_lineage_equals_a_full_scan_on_random_files(
    tmp_path_factory: pytest.TempPathFactory,
    order: list[int],
    firms: list[int],
    merge_gap: int,
    max_ranges: int,
    second: bool,
    fast: bool,
) -> None:
    """Any order of rows, merge gap and range cap: the same rows as a full scan."""
    codes = _codes(6, 500)
    tmp = tmp_path_factory.mktemp("random")
    # row i: firm firms[i], period 2022-01 … 2023-12 (no two rows share a key)
    rows = [(codes[firms[i]], 2022 + i // 12, i % 12 + 1, i + 1) for i in order]
    lines = ["统一社会信用代码,企业名称,所属期,实缴税金(元)"]
    lines += [f"{c},企业,{y}-{m:02d},{v}" for c, y, m, v in rows]
    files = [tmp / "税务.csv"]
    files[0].write_text("\n".join(lines) + "\n", encoding="utf-8")
    if second:  # a second file of the same firms in the other order
        files.append(tmp / "税务_b.csv")
        files[1].write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_read, "_MERGE_GAP", merge_gap)
        mp.setattr(_read, "_MAX_RANGES", max_ranges)
        with Store() as s:
            report = import_files(s, files, fast=fast)
            assert all(f.fast is fast for f in report.files)
            for code in codes:
                for y in (2022, 2023):
                    got = fact_lineage(s, code, y).to_pylist()
                    assert got == s.fetch_arrow(LINEAGE_REFERENCE, [code, y]).to_pylist()
                    assert len(got) == sum(1 for c, yy, _, _ in rows if (c, yy) == (code, y)) * len(
                        files
                    )
            _map_is_the_group_by_of_the_rows(s)
            _no_art_index(s)


def test_ranges_merge_close_ranges_and_cap_per_import() -> None:
    found = [(1, 0, 7), (1, 8, 15), (1, 24, 31), (2, 0, 7), (2, 16, 23), (2, 40, 47)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_read, "_MERGE_GAP", 1)  # only adjacent or overlapping ranges
        assert _read._ranges(found) == {1: [(0, 15), (24, 31)], 2: [(0, 7), (16, 23), (40, 47)]}
        mp.setattr(_read, "_MAX_RANGES", 2)
        assert _read._ranges(found) == {1: [(0, 15), (24, 31)], 2: [(0, 47)]}
        mp.setattr(_read, "_MERGE_GAP", 9)  # 15 -> 24 and 7 -> 16 are 9 lines apart
        assert _read._ranges(found) == {1: [(0, 31)], 2: [(0, 23), (40, 47)]}
    assert _read._ranges(found) == {1: [(0, 31)], 2: [(0, 47)]}  # 8,192 lines
