"""Acceptance: import the synthetic city; faults repaired or quarantined; facts equal the truth."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from imported_city import Imported

from fenghuang.facts import FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.sources import CODES
from fenghuang.synthetic import CityManifest, generate_city, load_faults
from fenghuang.warehouse import (
    Store,
    fact_checks,
    firm_facts,
    import_files,
    name_links,
    quarantine,
)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return bool(a == b)


def _mismatches(store: Store, manifest: CityManifest) -> list[str]:
    truth = pq.read_table(manifest.truth_facts).to_pylist()
    out = []
    for year in manifest.years:
        got = {r["credit_code"]: r for r in firm_facts(store, year).to_pylist()}
        want = {r["credit_code"]: r for r in truth if r["year"] == year}
        if set(got) != set(want):
            out.append(f"{year}: firms differ: {sorted(set(got) ^ set(want))[:5]}")
            continue
        for code, row in want.items():
            for name, value in row.items():
                if not _same(value, got[code][name]):
                    out.append(f"{year} {code} {name}: truth {value!r}, import {got[code][name]!r}")
    return out


def test_every_quarantined_fault_is_in_the_quarantine_with_its_code(imported: Imported) -> None:
    faults = load_faults(imported.manifest.faults)
    expected = {(f.file, f.sheet, f.row, f.code) for f in faults if f.outcome == "quarantined"}
    kinds = {f.kind for f in faults if f.outcome == "quarantined"}
    assert kinds == {"duplicate", "check_char", "unmatched"}
    assert all(code in CODES for *_, code in expected)
    with Store(imported.store_path, read_only=True) as store:
        q = quarantine(store).to_pylist()
    got = {(r["file"], r["sheet"], r["row_no"], r["code"]) for r in q}
    assert expected <= got, sorted(expected - got)[:5]
    # and nothing else was quarantined: every quarantined row is an injected fault
    assert got <= expected, sorted(got - expected)[:5]
    assert {"E-ROW-DUPLICATE", "E-ROW-CREDIT-CODE-CHECK", "E-ROW-UNMATCHED"} == {c for *_, c in got}


def test_firm_facts_equal_the_ground_truth_for_every_firm_field_and_year(
    imported: Imported,
) -> None:
    with Store(imported.store_path, read_only=True) as store:
        problems = _mismatches(store, imported.manifest)
    assert not problems, "\n".join(problems[:20])


def test_the_city_is_labelled_synthetic_by_its_files(imported: Imported) -> None:
    """Imported with import_files alone (no demo marking the store), the city's files say
    模拟数据, so the store is synthetic, and so is every run made from it."""
    from fenghuang.evaluation import run_evaluation
    from fenghuang.warehouse import is_synthetic

    with Store(imported.store_path, read_only=True) as store:
        assert store.fetch_all(
            "select count(*), count(*) filter (where synthetic) from imports"
        ) == [(len(imported.manifest.files),) * 2]
        assert store.fetch_all("select count(*) from web_meta") == [(0,)]
        assert is_synthetic(store)
    copy = imported.store_path.with_name("evaluated.duckdb")
    copy.write_bytes(imported.store_path.read_bytes())
    with Store(copy) as store:
        run = run_evaluation(store, "pingxiang-4heroes", imported.manifest.years[-1])
    assert run.synthetic


def test_truth_has_every_field_and_register_firm(imported: Imported) -> None:
    truth = pq.read_table(imported.manifest.truth_facts)
    assert truth.column_names == list({**FIRM_FIELDS, **FIRM_YEAR_FIELDS})
    assert truth.num_rows == 120 * 3
    for name in FIRM_YEAR_FIELDS:
        assert truth.column(name).null_count < truth.num_rows, f"{name} never filled"


def test_repaired_faults_leave_their_facts_right(imported: Imported) -> None:
    """Each repaired row-level fault's firm has that year's fact equal to the truth."""
    faults = load_faults(imported.manifest.faults)
    repaired = [f for f in faults if f.outcome == "repaired" and f.row is not None]
    kinds = {f.kind for f in repaired}
    assert {
        "name_variant",
        "former_name",
        "fullwidth",
        "thousands",
        "chinese_date",
        "unit",
    } <= kinds
    truth = {
        (r["credit_code"], r["year"]): r
        for r in pq.read_table(imported.manifest.truth_facts).to_pylist()
    }
    with Store(imported.store_path, read_only=True) as store:
        facts = {
            (r["credit_code"], y): r
            for y in imported.manifest.years
            for r in firm_facts(store, y).to_pylist()
        }
    checked = 0
    for f in repaired:
        if not f.field or f.year is None:
            continue
        key = (f.credit_code, f.year)
        assert facts[key][f.field] is not None, f
        assert _same(facts[key][f.field], truth[key][f.field]), f
        checked += 1
    assert checked >= 10


def test_name_variants_were_linked_by_name(imported: Imported) -> None:
    faults = load_faults(imported.manifest.faults)
    n_named = sum(f.kind in ("name_variant", "former_name") for f in faults)
    linked = sum(f.linked_by_name for f in imported.report.files)
    assert linked >= n_named > 0
    with Store(imported.store_path, read_only=True) as store:
        links = {
            (r["file"], r["sheet"] or "", r["row_no"]): r for r in name_links(store).to_pylist()
        }
    assert len(links) == linked
    for f in faults:
        if f.kind in ("name_variant", "former_name"):
            link = links[(f.file, f.sheet, f.row)]  # the report names each row linked by name
            assert link["credit_code"] == f.credit_code, f
            assert link["matched_on"] == ("former_name" if f.kind == "former_name" else "name"), f


def test_conflicting_sources_are_flagged(imported: Imported) -> None:
    faults = load_faults(imported.manifest.faults)
    conflicts = [f for f in faults if f.kind == "conflict"]
    assert len(conflicts) == 2
    with Store(imported.store_path, read_only=True) as store:
        year = imported.manifest.years[-1]
        flagged = {
            (r["credit_code"], r["code"], r["field"]) for r in fact_checks(store, year).to_pylist()
        }
    for f in conflicts:
        assert (f.credit_code, "E-ROW-CONFLICT", "revenue") in flagged


def test_conflicting_annual_sources_are_not_summed(imported: Imported) -> None:
    faults = load_faults(imported.manifest.faults)
    truth = {
        (r["credit_code"], r["year"]): r
        for r in pq.read_table(imported.manifest.truth_facts).to_pylist()
    }
    with Store(imported.store_path, read_only=True) as store:
        for f in (x for x in faults if x.kind == "conflict"):
            assert f.year is not None
            got = {r["credit_code"]: r for r in firm_facts(store, f.year).to_pylist()}
            assert _same(got[f.credit_code]["revenue"], truth[(f.credit_code, f.year)]["revenue"])


def test_parquet_copy_can_replace_its_csv(small_city: CityManifest, tmp_path: Path) -> None:
    assert len(small_city.parquet_files) == 1
    ((alt, replaced),) = small_city.parquet_files.items()
    assert alt.suffix == ".parquet" and alt.parent.name == "parquet"
    files = [alt if p == replaced else p for p in small_city.files]
    with Store(tmp_path / "fh.duckdb") as store:
        import_files(store, files)
        problems = _mismatches(store, small_city)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.slow
def test_pingxiang_591_imports_to_its_truth(tmp_path: Path) -> None:
    from fenghuang.synthetic import TARGETS, pool_averages
    from fenghuang.synthetic._calibration import expected

    m = generate_city(tmp_path / "city", firms=591, seed=1)
    faults = load_faults(m.faults)
    with Store(tmp_path / "fh.duckdb") as store:
        import_files(store, m.files)
        q = {(r["file"], r["sheet"], r["row_no"], r["code"]) for r in quarantine(store).to_pylist()}
        want = {(f.file, f.sheet, f.row, f.code) for f in faults if f.outcome == "quarantined"}
        assert q == want
        problems = _mismatches(store, m)
        assert not problems, "\n".join(problems[:20])
        year = m.years[-1]
        achieved = pool_averages(firm_facts(store, year).to_pylist())
    for key in TARGETS:
        assert achieved[key] == pytest.approx(expected(key, year, year), rel=0.05), key


@pytest.mark.parametrize(("seed", "years"), [(2, (2023,)), (3, (2022, 2023))])
def test_other_seeds_and_years_import_to_their_truth(
    tmp_path: Path, seed: int, years: tuple[int, ...]
) -> None:
    m = generate_city(tmp_path / "city", firms=45, seed=seed, years=years)
    faults = load_faults(m.faults)
    with Store(tmp_path / "fh.duckdb") as store:
        import_files(store, m.files)
        got = {
            (r["file"], r["sheet"], r["row_no"], r["code"]) for r in quarantine(store).to_pylist()
        }
        problems = _mismatches(store, m)
    assert got == {(f.file, f.sheet, f.row, f.code) for f in faults if f.outcome == "quarantined"}
    assert not problems, "\n".join(problems[:20])


def test_the_fast_path_imports_the_city_to_its_truth(
    small_city: CityManifest, tmp_path: Path
) -> None:
    """Every CSV the fast path can take (``fast=True``: whatever its size) takes it — the
    tax file in GBK with Excel's quoted cells, the social-insurance file in UTF-8 with a
    BOM and quoted cells — and the import still equals the truth and the injected faults."""
    faults = load_faults(small_city.faults)
    with Store(tmp_path / "fh.duckdb") as store:
        report = import_files(store, small_city.files, fast=True)
        fast = {f.file_name for f in report.files if f.fast}
        got = {
            (r["file"], r["sheet"], r["row_no"], r["code"]) for r in quarantine(store).to_pylist()
        }
        problems = _mismatches(store, small_city)
        marked = dict(store.fetch_all("select file_name, synthetic from imports"))
    assert fast and set(marked) == {p.name for p in small_city.files}
    assert all(marked.values()), marked  # the fast path's files and the others
    names = {p.name: p for p in small_city.files}
    encodings = {}
    for name in fast:
        head = names[name].read_bytes()[:4096]
        encodings[name] = (
            "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else ("utf-8" if _utf8(head) else "gbk")
        )
    assert any("税务局" in n and "分税种" in n and e == "gbk" for n, e in encodings.items()), fast
    assert any("社保" in n for n in fast), fast
    assert all(b'"' in names[n].read_bytes() for n in fast if "税务局" in n)
    assert got == {(f.file, f.sheet, f.row, f.code) for f in faults if f.outcome == "quarantined"}
    assert not problems, "\n".join(problems[:20])


def _utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
