"""City transformation index: a worked example computed by hand, and the packaged methods."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from fenghuang.errors import MethodError
from fenghuang.monitor import (
    OBS_SCHEMA,
    compute_city_index,
    compute_index_on_table,
    load_index_method,
    save_observations,
)
from fenghuang.warehouse import Store

SMALL = """
kind = "city-index"
code = "small"
name = "小例"
name_en = "small example"
score = "warning"

[[pillar]]
code = "pressure"
zh = "压力"
en = "pressure"
  [[pillar.dimension]]
  code = "society"
  zh = "社会"
  en = "society"
  indicators = [{ code = "unemployment", kind = "level", direction = 1 }]

[[pillar]]
code = "capacity"
zh = "能力"
en = "capacity"
  [[pillar.dimension]]
  code = "development"
  zh = "发展"
  en = "development"
  indicators = [{ code = "gdp", kind = "level", direction = 1 }]
  [[pillar.dimension]]
  code = "environment"
  zh = "环境"
  en = "environment"
  indicators = [{ code = "forest_coverage", kind = "level", direction = 1 }, { code = "pm25", kind = "level", direction = -1 }]
"""


def _panel(rows: list[tuple[str, str, int, str, str, float]]) -> pa.Table:
    out = []
    for i, (code, name, year, ind, kind, value) in enumerate(rows):
        out.append(
            {
                "obs_id": f"o{i}",
                "place_code": code,
                "place_name": name,
                "period": str(year),
                "year": year,
                "indicator": ind,
                "indicator_code": ind,
                "kind": kind,
                "value": value,
                "value_norm": value,
                "origin": "manual",
                "source": "test",
                "status": "已核实",
            }
        )
    return pa.Table.from_pylist(out, schema=OBS_SCHEMA)


PX, YC, YQ = ("360300", "萍乡市"), ("230700", "伊春市"), ("140300", "阳泉市")
ROWS = [
    (*PX, 2023, "unemployment", "level", 3.0),
    (*YC, 2023, "unemployment", "level", 3.5),
    (*YQ, 2023, "unemployment", "level", 2.0),
    (*PX, 2023, "gdp", "level", 1000.0),
    (*PX, 2022, "gdp", "level", 5000.0),  # older: not used
    (*PX, 2023, "gdp", "growth", 9.0),  # another kind: not used
    (*YC, 2023, "gdp", "level", 400.0),
    (*YQ, 2023, "gdp", "level", 1600.0),
    (*PX, 2023, "forest_coverage", "level", 60.0),
    (*YC, 2023, "forest_coverage", "level", 80.0),
    (*PX, 2023, "pm25", "level", 30.0),  # one city only: excluded
]


def test_worked_example(tmp_path: Path) -> None:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    res = compute_index_on_table(_panel(ROWS), load_index_method(path))
    px, yc, yq = (res.by_code(c) for c in ("360300", "230700", "140300"))
    # unemployment min-max over 2.0..3.5: PX 2/3, YC 1, YQ 0
    assert (
        px.pressure == pytest.approx(2 / 3)
        and yc.pressure == pytest.approx(1.0)
        and yq.pressure == 0.0
    )
    # gdp over 400..1600: PX 0.5, YC 0, YQ 1; forest over 60..80: PX 0, YC 1, YQ missing
    assert px.dimensions == pytest.approx(
        {"society": 2 / 3, "development": 0.5, "environment": 0.0}
    )
    assert (
        px.capacity == pytest.approx(0.25)
        and yc.capacity == pytest.approx(0.5)
        and yq.capacity == 1.0
    )
    assert (
        px.warning == pytest.approx(8 / 3)
        and yc.warning == pytest.approx(2.0)
        and yq.warning == 0.0
    )
    # ranks within type: 伊春 and 萍乡 are 衰退型, 阳泉 成熟型; a lower warning ranks first
    assert (yc.city_type, px.city_type, yq.city_type) == ("衰退型", "衰退型", "成熟型")
    assert (yc.rank_in_type, px.rank_in_type, yq.rank_in_type) == (1, 2, 1)
    assert "森林覆盖率" in yq.missing and "PM2.5平均浓度" in yq.missing
    assert "pm25:level" in res.excluded


def test_percentile_normaliser_from_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "small.toml"
    path.write_text(
        SMALL.replace('score = "warning"', 'score = "warning"\nnormalise = "n_percentile"')
    )
    res = compute_index_on_table(_panel(ROWS), load_index_method(path))
    px, yc, yq = (res.by_code(c) for c in ("360300", "230700", "140300"))
    # unemployment ranks 2, 3, 1 of 3 → (r - 1) / 2: PX 0.5, YC 1, YQ 0
    assert (px.pressure, yc.pressure, yq.pressure) == (0.5, 1.0, 0.0)
    # gdp ranks PX 2, YC 1, YQ 3 → 0.5, 0, 1; forest (PX, YC only) → 0, 1
    assert (px.capacity, yc.capacity, yq.capacity) == (0.25, 0.5, 1.0)
    assert px.warning == pytest.approx(2.0) and yc.warning == pytest.approx(2.0)


def test_unknown_normaliser_is_a_method_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(SMALL.replace('score = "warning"', 'score = "warning"\nnormalise = "n_magic"'))
    with pytest.raises(MethodError) as err:
        load_index_method(path)
    assert ": normalise:" in str(err.value)


def test_packaged_methods_carry_firm_style_meta(tmp_path: Path) -> None:
    for variant in ("pressure-capacity", "four-dimension"):
        m = load_index_method(variant=variant)
        assert m.meta is not None and m.meta.name == m.code
        assert m.meta.reconstruction is True  # our index, not an official method
        assert m.meta.source.document == "国发〔2013〕45号"
    # the [meta] block is validated with the firm methods' model: a missing source is named
    path = tmp_path / "meta.toml"
    path.write_text(
        SMALL.replace(
            "[[pillar]]",
            '[meta]\nname = "small"\ntitle_zh = "小例"\ntitle_en = "small"\n'
            "year = 2023\nreconstruction = true\n\n[[pillar]]",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(MethodError) as err:
        load_index_method(path)
    assert "meta.source" in str(err.value)


def test_packaged_methods_validate_and_run_on_a_store(tmp_path: Path) -> None:
    for variant in ("pressure-capacity", "four-dimension"):
        m = load_index_method(variant=variant)
        assert m.kind == "city-index"
    four = load_index_method(variant="four-dimension")
    assert [d.code for d in four.pillar[0].dimension] == [
        "economic",
        "social",
        "environmental",
        "institutional",
    ]
    store = Store(tmp_path / "w.duckdb")
    save_observations(store, _panel(ROWS))
    res = compute_city_index(store, variant="four-dimension")
    assert {r.place_code for r in res.rows} == {"360300", "230700", "140300"}
    yq = res.by_code("140300")
    assert yq is not None and yq.score is not None
    assert len(res.method_hash) == 16


def test_bad_method_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        SMALL.replace('kind = "city-index"', 'kind = "firm"').replace(
            "direction = 1 }]", "direction = 2 }]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(MethodError) as err:
        load_index_method(bad)
    assert len(err.value.errors) >= 2
    assert any("kind" in e["where"] for e in err.value.errors)
    with pytest.raises(MethodError):
        load_index_method(variant="nope")


def test_synthetic_panel_is_labelled_and_repeatable(tmp_path: Path) -> None:
    import numpy as np

    from fenghuang.monitor import SYNTHETIC_LABEL, load_registry, seed_demo, synthetic_panel

    reg = load_registry()
    a = synthetic_panel(reg, rng=np.random.default_rng(7))
    b = synthetic_panel(reg, rng=np.random.default_rng(7))
    assert a.equals(b)
    assert set(a.column("label").to_pylist()) == {SYNTHETIC_LABEL}
    assert set(a.column("origin").to_pylist()) == {"synthetic"}
    store = Store(tmp_path / "w.duckdb")
    seed_demo(store, synthetic=True)
    res = compute_city_index(store)
    ranked = [r for r in res.rows if r.rank_in_type is not None]
    assert len(ranked) == len([c for c in reg.cities if c.code])
    for typ in ("成长型", "成熟型", "衰退型", "再生型"):
        ranks = sorted(r.rank_in_type for r in ranked if r.city_type == typ)
        assert ranks == list(range(1, len(ranks) + 1))
        warnings = [
            r.warning
            for r in sorted((r for r in ranked if r.city_type == typ), key=lambda r: r.rank_in_type)
        ]
        assert warnings == sorted(warnings)
    store.close()


def test_runs_are_recorded_once_per_method_and_panel(tmp_path: Path) -> None:
    from fenghuang.monitor import latest_index_run, run_city_index

    store = Store(tmp_path / "w.duckdb")
    save_observations(store, _panel(ROWS))
    run1, res1 = run_city_index(store)
    run2, _ = run_city_index(store)
    assert run1 == run2  # same method, same panel: the same run, stored once
    assert store.fetch_all("select count(*) from monitor_index_runs")[0][0] == 1
    run3, _ = run_city_index(store, variant="four-dimension")
    assert run3 != run1
    latest = latest_index_run(store)
    assert latest is not None
    n_scores = store.fetch_all(
        "select count(*) from monitor_index_scores where run_id = ?", [run1]
    )[0][0]
    assert n_scores == len(res1.rows) == 3
    store.close()


def test_empty_panel_gives_no_rows(tmp_path: Path) -> None:
    store = Store(tmp_path / "e.duckdb")
    for variant in ("pressure-capacity", "four-dimension"):
        res = compute_city_index(store, variant=variant)
        assert res.rows == () and res.excluded  # every indicator excluded: no city has it
    store.close()


BASELINE = Path(__file__).parent / "data" / "city_index_baseline.json"


def _baseline_table(doc: dict[str, object]) -> pa.Table:
    cols = doc["columns"]
    assert isinstance(cols, list)
    out = []
    for i, row in enumerate(doc["panel"]):  # type: ignore[attr-defined]
        d = dict(zip(cols, row, strict=True))
        out.append(
            {
                **d,
                "obs_id": f"o{i}",
                "period": str(d["year"]),
                "indicator": d["indicator_code"],
                "value": d["value_norm"],
                "origin": "synthetic",
                "source": "baseline",
            }
        )
    return pa.Table.from_pylist(out, schema=OBS_SCHEMA)


@pytest.mark.parametrize("variant", ["pressure-capacity", "four-dimension"])
def test_index_results_equal_the_recorded_baseline(variant: str) -> None:
    """The packaged methods give, on a fixed 模拟数据 panel, what they gave before the move."""
    import json

    doc = json.loads(BASELINE.read_text(encoding="utf-8"))
    want = doc["expected"][variant]
    res = compute_index_on_table(_baseline_table(doc), load_index_method(variant=variant))
    assert res.excluded == want["excluded"]
    assert len(res.rows) == len(want["rows"]) == 33
    for got, exp in zip(res.rows, want["rows"], strict=True):
        assert got.place_code == exp["place_code"] and got.place_name == exp["place_name"]
        assert got.city_type == exp["city_type"]
        assert got.rank_in_type == exp["rank_in_type"]
        assert list(got.missing) == exp["missing"]
        assert got.dimensions == pytest.approx(exp["dimensions"], rel=1e-12)
        assert got.pillars == pytest.approx(exp["pillars"], rel=1e-12)
        for key in ("pressure", "capacity", "warning", "score"):
            g, e = getattr(got, key), exp[key]
            assert (g is None and e is None) or g == pytest.approx(e, rel=1e-12), key
