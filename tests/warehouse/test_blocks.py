"""The block map of ``source_rows`` (migration 052) behind ``fact_lineage``.

``fact_lineage`` finds a firm's source rows through ``source_blocks`` (per
block of consecutive lines of one import: row range, smallest and largest
credit code) instead of an ART index. Here it must equal a full scan of the
store (the query it replaced) for every firm of the synthetic city (模拟数据)
— with files as generated, with their data lines shuffled (wide blocks),
after a re-import (a no-op), after a second import of another year, for
name-linked rows, on random files (hypothesis), and after migration 052 on a
store made at 051; no ART index is left on ``source_rows``; and on a file of
several row groups the lookup reads only the row groups of its blocks.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenghuang.sources import make_credit_code
from fenghuang.synthetic import CityManifest, generate_city
from fenghuang.warehouse import Store, _read, _rows, fact_lineage, import_files

#: The whole-store query ``fact_lineage`` was before its point queries (a full scan).
_REFERENCE = """
with v as (
    select s.field, s.value, s.unit, i.file_name as file, s.sheet, s.row_no as "row",
           i.department, s.credit_code, s.year, 0 as version, s.month
    from source_values s join imports i using (import_id)
    where s.credit_code = $1 and s.year = $2
    union all
    select case when p.lessor_code = $1 then 'land_leased_out' when p.tenure = 'leased'
           then 'land_leased_in' else 'land_own' end, p.area * coalesce(p.share, 1), '亩',
           i.file_name, p.sheet, p.row_no, i.department, p.credit_code, $2, 0, null
    from parcels p join imports i using (import_id)
    where (p.credit_code = $1 or p.lessor_code = $1) and (p.year is null or p.year = $2)
    union all
    select h.field, h.value, null, null, null, null, null, h.credit_code, h.year,
           h.version, null
    from fact_history h where h.credit_code = $1 and h.year = $2
)
select field, value, unit, file, sheet, "row",
       coalesce((select s.status from fact_status s where s.year = v.year
                 and (s.credit_code is null or s.credit_code = v.credit_code)
                 and s.department = v.department order by s.seq desc limit 1), 'pending')
       as status, version
from v order by field, version, month, file, "row"
"""

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
            want = store.fetch_arrow(_REFERENCE, [code, year])
            assert got.to_pylist() == want.to_pylist(), (code, year)
            n += got.num_rows
    assert n > 0
    return n


def _no_art_index(store: Store) -> None:
    assert store.fetch_all(
        "select count(*) from duckdb_indexes() where table_name = 'source_rows'"
    ) == [(0,)]


def _blocks(store: Store) -> list[tuple[object, ...]]:
    return store.fetch_all("select * from source_blocks order by import_key, lo")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> CityManifest:
    """A small synthetic city (模拟数据), two years, files as the departments send them."""
    return generate_city(tmp_path_factory.mktemp("city"), firms=30, seed=1, years=YEARS)


def _city_files(city: CityManifest) -> list[Path]:
    return sorted(p for paths in city.department_files.values() for p in paths)


def _later(p: Path) -> bool:
    """A file of 2023 only (the second import); multi-year files come with the first."""
    return "2023年" in p.name


@pytest.fixture()
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Blocks of 8 lines, so that the small city's files have many blocks each."""
    monkeypatch.setattr(_rows, "BLOCK_LINES", 8)
    yield 8


def test_lineage_equals_a_full_scan_for_every_firm_of_the_synthetic_city(
    city: CityManifest, tmp_path: Path, small_blocks: int
) -> None:
    fast = True  # the CSVs by the fast path, the workbooks by the general path
    files = _city_files(city)
    first = [p for p in files if not _later(p)]
    second = [p for p in files if _later(p)]
    assert first and second
    with Store(tmp_path / "fh.duckdb") as s:
        import_files(s, first, fast=fast)
        _no_art_index(s)
        blocks = _blocks(s)
        # files sorted by code give narrow blocks: many blocks, most of one or two firms
        assert len(blocks) > 20
        _check_every_firm(s, (2022,))
        # the same files again: skipped, no block added
        again = import_files(s, first, fast=fast)
        assert all(f.skipped for f in again.files)
        assert _blocks(s) == blocks
        # another year's files: their blocks added, the first ones unchanged
        report = import_files(s, second, fast=fast)
        assert not any(f.skipped for f in report.files)
        assert any(f.fast for f in report.files) and not all(f.fast for f in report.files)
        assert _blocks(s)[: len(blocks)] == blocks and len(_blocks(s)) > len(blocks)
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


def test_lineage_of_shuffled_files_equals_a_full_scan(
    city: CityManifest, tmp_path: Path, small_blocks: int
) -> None:
    rng = random.Random(7)
    (tmp_path / "shuffled").mkdir()
    files = [
        _shuffled(p, tmp_path / "shuffled" / p.name, rng) if p.suffix == ".csv" else p
        for p in _city_files(city)
    ]
    with Store(tmp_path / "fh.duckdb") as s:
        report = import_files(s, files, fast=True)
        assert any(f.fast for f in report.files)
        # unsorted files: blocks span many firms (the lookup then reads most of the file)
        wide = s.fetch_all(
            "select count(*) from source_blocks b where (select count(distinct credit_code) "
            "from source_rows r where r.import_key = b.import_key and r.row_no between b.lo "
            "and b.hi) >= 4"
        )[0][0]
        assert wide > 10
        _check_every_firm(s)
        _no_art_index(s)


def test_migration_052_on_a_store_at_051_keeps_lineage(city: CityManifest, tmp_path: Path) -> None:
    path = tmp_path / "fh.duckdb"
    with Store(path) as s:
        import_files(s, _city_files(city))
        before = {
            (code, y): fact_lineage(s, code, y).to_pylist() for code in _firms(s) for y in YEARS
        }
        blocks = _blocks(s)
        # back to the schema of 051: its firm index, no block map, 052 not applied
        s.execute("drop table source_blocks")
        s.execute("create index source_values_firm on source_rows(credit_code)")
        s.execute("delete from schema_migrations where name = '052_source_blocks'")
    with Store(path) as s:
        assert s.schema_version()[-1] >= "052_source_blocks"
        assert "052_source_blocks" in s.schema_version()
        _no_art_index(s)
        assert _blocks(s) == blocks  # the migration's blocks are the import's
        assert {
            (code, y): fact_lineage(s, code, y).to_pylist() for code in _firms(s) for y in YEARS
        } == before


REGISTER = "统一社会信用代码,企业名称,曾用名\n"


def _codes(n: int, base: int = 0) -> list[str]:
    return [make_credit_code(f"91360300M{base + i:08d}") for i in range(n)]


@pytest.mark.parametrize("fast", [True, False])
def test_a_name_linked_row_is_in_its_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    monkeypatch.setattr(_rows, "BLOCK_LINES", 4)
    a, c, d = _codes(3, 10)
    reg = tmp_path / "企业名录.csv"
    reg.write_text(REGISTER + f"{a},甲公司,\n{c},丙公司,\n{d},丁公司,\n", encoding="utf-8")
    lines = ["统一社会信用代码,企业名称,所属期,实缴税金(元)"]
    lines += [f"{c},丙公司,2023-{m:02d},1" for m in range(1, 4)]  # lines 2-3 | 4-7: c, c, a
    lines += [",甲公司,2023-05,9"]  # line 5: no code, linked by name to a (< c)
    lines += [f"{d},丁公司,2023-{m:02d},2" for m in range(1, 9)]
    tax = tmp_path / "税务_2023.csv"
    tax.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store(tmp_path / "fh.duckdb") as s:
        report = import_files(s, [reg, tax], fast=fast)
        assert report.files[-1].fast is fast and report.files[-1].linked_by_name == 1
        key = s.fetch_all("select max(import_key) from imports")[0][0]
        # the block of lines 4-7 holds c, the name-linked a and d: its range starts at a
        assert (key, 4, 7, a, d) in _blocks(s)
        lin = fact_lineage(s, a, 2023).to_pylist()
        assert [(r["field"], r["value"], r["row"]) for r in lin] == [("tax_paid", 9.0, 5)]
        _check_every_firm(s, (2023,))


def _monthly(path: Path, codes: list[str], months: range = range(1, 13)) -> Path:
    with path.open("w", encoding="utf-8") as f:
        f.write("统一社会信用代码,企业名称,所属期,用电量(千瓦时)\n")
        for i, c in enumerate(codes):
            for m in months:
                f.write(f"{c},企业{i},2023-{m:02d},{i % 997 + m}\n")
    return path


def _row_groups_scanned(store: Store, code: str, year: int) -> list[tuple[int, int]]:
    """(scanned, total) of each table scan of the lookup's query (EXPLAIN ANALYZE)."""
    q = _read._rows_query(store, code, year)
    assert q is not None
    plan = "\n".join(str(r[1]) for r in store.fetch_all("explain analyze " + q[0], q[1]))
    return [(int(a), int(b)) for a, b in re.findall(r"Row Groups Scanned: (\d+) / (\d+)", plan)]


def test_the_lookup_reads_only_the_row_groups_of_its_blocks(tmp_path: Path) -> None:
    # 26,000 firms x 12 months: 312,000 rows, three row groups of 122,880 (DuckDB's size)
    codes = _codes(26_000)
    with Store(tmp_path / "fh.duckdb") as s:
        import_files(s, [_monthly(tmp_path / "供电_2023.csv", codes)], fast=True)
        _no_art_index(s)
        (n_blocks,), *_ = s.fetch_all("select count(*) from source_blocks")
        assert n_blocks == -(-(312_000 + 2) // _rows.BLOCK_LINES)  # lines 2 .. 312,001
        for code in [*random.Random(3).sample(codes, 40), codes[0], codes[-1]]:
            scans = _row_groups_scanned(s, code, 2023)
            assert scans and all(total >= 3 for _, total in scans), scans
            assert sum(n for n, _ in scans) <= 2, (code, scans)  # of three or more
            lin = fact_lineage(s, code, 2023).to_pylist()
            assert lin == s.fetch_arrow(_REFERENCE, [code, 2023]).to_pylist()
            assert len(lin) == 12
        assert fact_lineage(s, make_credit_code("91360300M99999999"), 2023).num_rows == 0


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    order=st.permutations(list(range(24))),
    firms=st.lists(st.integers(0, 5), min_size=24, max_size=24),
    block_lines=st.integers(1, 9),
    max_ranges=st.integers(1, 4),
    second=st.booleans(),
    fast=st.booleans(),
)
def test_lineage_equals_a_full_scan_on_random_files(
    tmp_path_factory: pytest.TempPathFactory,
    order: list[int],
    firms: list[int],
    block_lines: int,
    max_ranges: int,
    second: bool,
    fast: bool,
) -> None:
    """Any order of rows, block size and range cap: the same rows as a full scan."""
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
        mp.setattr(_rows, "BLOCK_LINES", block_lines)
        mp.setattr(_read, "_MAX_RANGES", max_ranges)
        with Store() as s:
            report = import_files(s, files, fast=fast)
            assert all(f.fast is fast for f in report.files)
            for code in codes:
                for y in (2022, 2023):
                    got = fact_lineage(s, code, y).to_pylist()
                    assert got == s.fetch_arrow(_REFERENCE, [code, y]).to_pylist()
                    assert len(got) == sum(1 for c, yy, _, _ in rows if (c, yy) == (code, y)) * len(
                        files
                    )
            _no_art_index(s)


def test_ranges_merge_adjacent_blocks_and_cap_per_import() -> None:
    blocks = [(1, 0, 7), (1, 8, 15), (1, 24, 31), (2, 0, 7), (2, 16, 23), (2, 40, 47)]
    assert _read._ranges(blocks) == {1: [(0, 15), (24, 31)], 2: [(0, 7), (16, 23), (40, 47)]}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_read, "_MAX_RANGES", 2)
        assert _read._ranges(blocks) == {1: [(0, 15), (24, 31)], 2: [(0, 47)]}
