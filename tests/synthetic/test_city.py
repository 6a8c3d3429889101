"""The files generate_city writes: departments, formats, labels, register coverage, determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.errors import InputError
from fenghuang.sources import is_valid_credit_code, normalize_name, read_source
from fenghuang.synthetic import CityManifest, generate_city, load_faults
from fenghuang.synthetic._context import bad_check, name_variant
from fenghuang.synthetic._population import make_population


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_department_files_are_exactly_the_xlsx_and_csv(small_city: CityManifest) -> None:
    """tests/web/city_builder.py imports every .xlsx/.csv under the folder: no truth, no copy."""
    globbed = sorted(
        p for p in small_city.out_dir.rglob("*") if p.is_file() and p.suffix in (".xlsx", ".csv")
    )
    assert globbed == sorted(small_city.files)
    assert set(small_city.department_files) == {
        "tax",
        "power",
        "land",
        "stats",
        "energy",
        "environment",
        "science",
        "registry",
    }
    for p in (small_city.truth_facts, small_city.truth_register, small_city.faults):
        assert p.suffix in (".parquet", ".json") and p.parent.name == "truth"
    assert (small_city.out_dir / "README.txt").read_text(encoding="utf-8").startswith("模拟数据")


def test_every_file_is_labelled_synthetic(small_city: CityManifest) -> None:
    for p in small_city.files:
        assert p.name.startswith("模拟数据_")
        if p.suffix == ".xlsx":
            wb = openpyxl.load_workbook(p, read_only=True)
            for ws in wb.worksheets:
                first = next(ws.iter_rows(max_row=1, values_only=True))
                assert "模拟数据" in str(first[0]), (p.name, ws.title)
            wb.close()
        else:
            text = read_source(p).encoding
            first_line = p.read_bytes().decode(text or "utf-8").splitlines()[0]
            assert "模拟数据" in first_line, p.name
    for alt in small_city.parquet_files:
        assert alt.name.startswith("模拟数据_")
        assert b"fenghuang.synthetic" in pq.read_schema(alt).metadata


def test_formats_and_encodings_are_those_departments_send(small_city: CityManifest) -> None:
    seen: dict[str, set[str]] = {}
    for dep, paths in small_city.department_files.items():
        for p in paths:
            batch = read_source(p)
            assert batch.department == dep, p.name
            seen.setdefault(batch.format, set()).add(batch.encoding)
    assert {"csv", "xlsx"} <= set(seen)
    assert {"gbk", "gb18030", "utf-8-sig", "utf-8"} <= seen["csv"]
    (alt,) = small_city.parquet_files
    assert read_source(alt).format == "parquet"


def test_workbooks_have_merged_headers_totals_and_notes(small_city: CityManifest) -> None:
    stats = small_city.department_files["stats"][0]
    wb = openpyxl.load_workbook(stats)
    assert [ws.title for ws in wb.worksheets] == ["2021年", "2022年", "2023年"]
    ws = wb["2023年"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:H1", "A3:A4", "C3:D3"} <= merged
    assert ws["C4"].value == "本年" and ws["D4"].value == "上年同期"
    column_a = [c.value for c in ws["A"]]
    assert "合计" in column_a and str(column_a[-1]).startswith("注：")
    land = openpyxl.load_workbook(small_city.department_files["land"][0])
    assert any(r.min_col == 2 and r.max_row > r.min_row for r in land.active.merged_cells.ranges)


def test_register_covers_what_the_evaluation_needs(small_city: CityManifest) -> None:
    reg = pq.read_table(small_city.truth_register).to_pylist()
    truth = pq.read_table(small_city.truth_facts).to_pylist()
    last = [r for r in truth if r["year"] == 2023]
    assert len(reg) == 120 and all(is_valid_credit_code(r["credit_code"]) for r in reg)
    assert len({normalize_name(r["name"]) for r in reg}) == 120
    assert {r["exempt"] for r in reg} >= {"公用事业", "烟草", "军工"}
    for flag in ("listed", "tech_growth", "major_project", "above_scale"):
        assert 0 < sum(r[flag] for r in reg) < 120, flag
    assert any(r["founded"] > dt.date(2020, 12, 31) for r in reg)
    assert {r["county"] for r in reg} == {
        "安源区",
        "湘东区",
        "莲花县",
        "上栗县",
        "芦溪县",
        "萍乡经济技术开发区",
    }
    assert {r["county_code"] for r in reg} == {
        "360302",
        "360313",
        "360321",
        "360322",
        "360323",
        "360300",
    }
    assert len({r["chain"] for r in reg}) == 9
    assert any(r["former_names"] for r in reg)
    leased_only = [r for r in last if r["land_leased_in"] and not r["land_own"]]
    assert leased_only and any(r["land_leased_out"] for r in last)
    small = [r for r in last if not r["above_scale"]]
    land = [(r["land_own"] or 0) + (r["land_leased_in"] or 0) for r in small]
    assert any(a < 3 for a in land) and any(a >= 3 for a in land)
    for flag in ("accident_safety", "accident_environment", "accident_food"):
        for y in (2021, 2022, 2023):
            assert 1 <= sum(bool(r[flag]) for r in truth if r["year"] == y) <= 5, (flag, y)
    assert any(r["new_firm"] for r in last)
    above = [r for r in last if r["above_scale"]]
    assert any(r["cod_t"] is None for r in above) and any(r["cod_t"] for r in above)


def test_every_fault_kind_is_injected(small_city: CityManifest) -> None:
    faults = load_faults(small_city.faults)
    kinds = {f.kind for f in faults}
    assert kinds == {
        "unit",
        "encoding",
        "duplicate",
        "name_variant",
        "former_name",
        "missing_month",
        "check_char",
        "fullwidth",
        "thousands",
        "chinese_date",
        "conflict",
        "unmatched",
    }
    names = {p.name for p in small_city.files}
    for f in faults:
        assert f.file in names
        assert f.outcome in ("repaired", "quarantined", "flagged", "accepted")
        assert (f.outcome in ("quarantined", "flagged")) == bool(f.code)


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    a = generate_city(tmp_path / "a", firms=40, seed=7, years=(2022, 2023))
    b = generate_city(tmp_path / "b", firms=40, seed=7, years=(2022, 2023))
    da, db = _digests(a.out_dir), _digests(b.out_dir)
    assert da == db and len(da) > 15
    c = generate_city(tmp_path / "c", firms=40, seed=8, years=(2022, 2023))
    assert _digests(c.out_dir) != da


@pytest.mark.parametrize(
    "kwargs", [{"city": "atlantis"}, {"firms": 5}, {"years": ()}, {"years": (2023, 2022)}]
)
def test_bad_arguments_raise_input_error(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError) as err:
        generate_city(tmp_path, **kwargs)  # type: ignore[arg-type]
    assert err.value.code == "E-SYNTHETIC-ARGS"


@settings(max_examples=25, deadline=None)
@given(st.integers(30, 400), st.integers(0, 10_000))
def test_population_names_codes_and_variants(n: int, seed: int) -> None:
    pop = make_population(n, seed, (2023,))
    assert len(set(pop.codes)) == n and all(is_valid_credit_code(c) for c in pop.codes)
    keys = [normalize_name(x) for x in pop.names]
    assert len(set(keys)) == n
    former = [normalize_name(x) for x in pop.former if x]
    assert former and len(set(former)) == len(former) and not set(former) & set(keys)
    import numpy as np

    rng = np.random.default_rng(seed)
    for name, code in zip(pop.names[:20], pop.codes[:20], strict=True):
        variant = name_variant(name, rng)
        assert variant != name and normalize_name(variant) == normalize_name(name)
        assert not is_valid_credit_code(bad_check(code))
    assert (pop.values["tax"] >= 0).all() and (pop.land > 0).all()


def test_rerun_into_the_same_folder_leaves_no_stale_files(tmp_path: Path) -> None:
    generate_city(tmp_path, firms=40, seed=1, years=(2021, 2022, 2023))
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    m = generate_city(tmp_path, firms=40, seed=1, years=(2023,))
    globbed = sorted(p for p in tmp_path.rglob("*") if p.suffix in (".xlsx", ".csv"))
    assert globbed == sorted(m.files)
    assert not any("2021" in p.name for p in globbed)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
