"""load_seed_cities: the demo's one call for the seed cities."""

from __future__ import annotations

from pathlib import Path

from fenghuang.monitor import SEED_CITIES, fetch_observations, latest_index_run, load_seed_cities
from fenghuang.warehouse import Store


def test_seed_cities_from_the_example_reports(tmp_path: Path) -> None:
    store = Store(tmp_path / "w.duckdb")
    res = load_seed_cities(store)
    assert set(res.extracted_by_city) == set(SEED_CITIES)
    # 萍乡 (both reports), 玉门/阳泉/伊春 (their sections of the Jiangxi Daily article)
    assert all(res.extracted_by_city[c] > 0 for c in ("萍乡市", "玉门市", "阳泉市", "伊春市"))
    assert res.extracted_by_city["萍乡市"] > res.extracted_by_city["玉门市"]
    # the shared example reports say nothing about 长治: reported, not invented
    assert res.without_figures == ("长治市",)
    panel = fetch_observations(store)
    assert panel.num_rows == res.figures
    rows = panel.to_pylist()
    assert {r["origin"] for r in rows} == {"report"}
    assert {r["status"] for r in rows} == {"待核实"}
    assert all(r["sentence"] and r["span_end"] > r["span_start"] for r in rows)
    latest = latest_index_run(store)
    assert latest is not None and latest[0] == res.run_id
    # re-running loads nothing twice and records no second run
    again = load_seed_cities(store)
    assert fetch_observations(store).num_rows == panel.num_rows
    assert again.run_id == res.run_id
    assert store.fetch_all("select count(*) from monitor_index_runs")[0][0] == 1


def test_seed_cities_with_a_synthetic_panel(tmp_path: Path) -> None:
    store = Store(tmp_path / "w.duckdb")
    res = load_seed_cities(store, synthetic=True)
    rows = fetch_observations(store).select(["place_code", "origin", "label"]).to_pylist()
    synthetic = [r for r in rows if r["origin"] != "report"]
    assert synthetic and all("模拟数据" in (r["label"] or "") for r in synthetic)
    # 长治 has synthetic figures only, still no extracted one
    assert res.without_figures == ("长治市",)
    assert any(r["place_code"] == "140400" for r in synthetic)
    assert res.run_id is not None
