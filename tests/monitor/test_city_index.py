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

[meta]
name = "small"
title_zh = "小例"
title_en = "small example"
year = 2023
reconstruction = true

[meta.source]
title = "测试用例 / a test example"

[index]
score = "warning"

[[pillars]]
code = "pressure"
zh = "压力"
en = "pressure"
  [[pillars.dimensions]]
  code = "society"
  zh = "社会"
  en = "society"
  indicators = [{ indicator = "unemployment", kind = "level", direction = 1 }]

[[pillars]]
code = "capacity"
zh = "能力"
en = "capacity"
  [[pillars.dimensions]]
  code = "development"
  zh = "发展"
  en = "development"
  indicators = [{ indicator = "gdp", kind = "level", direction = 1 }]
  [[pillars.dimensions]]
  code = "environment"
  zh = "环境"
  en = "environment"
  indicators = [
    { indicator = "forest_coverage", kind = "level", direction = 1 },
    { indicator = "pm25", kind = "level", direction = -1 },
  ]
"""


def _line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), start=1) if needle in ln)


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


def test_only_whole_year_figures_enter_the_index(tmp_path: Path) -> None:
    """A part of a year, several years or an undated figure never stands in for a year's figure.

    Each added row would change the worked example's result if it were used:
    萍乡's 2024 first-three-quarters GDP is later than its 2023 GDP, 伊春's
    three-year total is later too, and 阳泉 has forest coverage only from an
    undated report (目前), so it must still count as missing it.
    """
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    extra = _panel(
        [
            (*PX, 2024, "gdp", "level", 900.0),
            (*YC, 2023, "gdp", "level", 1500.0),
            (*YQ, 2023, "forest_coverage", "level", 70.0),
        ]
    ).to_pylist()
    extra[0]["period"] = "2024Q1-Q3"
    extra[1]["period"] = "2021-2023"
    extra[2]["period"], extra[2]["year"] = "目前", None
    table = pa.concat_tables([_panel(ROWS), pa.Table.from_pylist(extra, schema=OBS_SCHEMA)])
    plain = compute_index_on_table(_panel(ROWS), load_index_method(path))
    res = compute_index_on_table(table, load_index_method(path))
    assert res.rows == plain.rows
    assert "森林覆盖率" in res.by_code("140300").missing


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
    (e,) = err.value.errors
    text = path.read_text(encoding="utf-8")
    assert e["path"] == "index.normalise" and e["line"] == _line_of(text, 'normalise = "n_magic"')
    assert e["where"] == f"{path}:{e['line']}:1 index.normalise"


def test_packaged_methods_carry_firm_style_meta(tmp_path: Path) -> None:
    for variant in ("pressure-capacity", "four-dimension"):
        m = load_index_method(variant=variant)
        assert m.meta.name == m.name == variant
        assert m.meta.reconstruction is True  # our index, not an official method
        assert m.meta.source.document == "国发〔2013〕45号"
    # the [meta] block is validated with the firm methods' model: a missing source is named
    path = tmp_path / "meta.toml"
    path.write_text(
        SMALL.replace('[meta.source]\ntitle = "测试用例 / a test example"\n', ""), encoding="utf-8"
    )
    with pytest.raises(MethodError) as err:
        load_index_method(path)
    (e,) = err.value.errors
    assert e["path"] == "meta.source" and "缺少必填项" in e["zh"]
    assert e["line"] == _line_of(SMALL, "[meta]")  # the table it is missing from


def test_packaged_methods_validate_and_run_on_a_store(tmp_path: Path) -> None:
    for variant in ("pressure-capacity", "four-dimension"):
        m = load_index_method(variant=variant)
        assert m.kind == "city-index"
    four = load_index_method(variant="four-dimension")
    assert [d.code for d in four.pillars[0].dimensions] == [
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
    """Several faults in one city-index file: all reported, each at file:line:column + key path."""
    text = (
        SMALL.replace('score = "warning"', 'score = "warning"\nmin_cities = 0\ncolour = "red"')
        .replace('{ indicator = "gdp", kind = "level", direction = 1 }', '{ indicator = "gpd" }')
        .replace(
            '{ indicator = "pm25", kind = "level", direction = -1 }',
            '{ indicator = "pm25", kind = "flow", direction = 2 }',
        )
        .replace('code = "environment"', 'code = "society"')
        .replace('zh = "能力"\n', "")
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(MethodError) as err:
        load_index_method(bad)
    assert err.value.code == "E-METHOD-INVALID"
    got = {e["path"]: e for e in err.value.errors}
    dims = "pillars[1].dimensions"
    want = {  # key path -> (line, column)
        "index.min_cities": (_line_of(text, "min_cities = 0"), 1),
        "index.colour": (_line_of(text, 'colour = "red"'), 1),
        "pillars[1].zh": (_line_of(text, 'code = "capacity"') - 1, 3),  # its [[pillars]] header
        f"{dims}[0].indicators[0].indicator": (
            _line_of(text, '"gpd"'),
            text.splitlines()[_line_of(text, '"gpd"') - 1].index("indicator = ") + 1,
        ),
        f"{dims}[1].indicators[1].kind": (
            _line_of(text, '"flow"'),
            text.splitlines()[_line_of(text, '"flow"') - 1].index("kind") + 1,
        ),
        f"{dims}[1].indicators[1].direction": (
            _line_of(text, "direction = 2"),
            text.splitlines()[_line_of(text, "direction = 2") - 1].index("direction") + 1,
        ),
    }
    for path, (line, column) in want.items():
        e = got[path]
        assert (e["line"], e["column"]) == (line, column), path
        assert e["where"] == f"{bad}:{line}:{column} {path}"
        assert e["file"] == str(bad) and e["zh"] and e["en"]
    assert "gdp" in got[f"{dims}[0].indicators[0].indicator"]["en"]  # nearest catalogue code
    assert "不得小于 1" in got["index.min_cities"]["zh"]
    assert set(got) == set(want)  # the duplicate code needs a valid schema: reported once fixed
    assert len(err.value.errors) == 6
    assert str(bad) in str(err.value) and "pillars[1].zh" in str(err.value)
    with pytest.raises(MethodError) as nope:
        load_index_method(variant="nope")
    assert nope.value.code == "E-METHOD-NOT-FOUND" and "pressure-capacity" in nope.value.hint_en


def test_semantic_errors_after_the_schema(tmp_path: Path) -> None:
    text = (
        SMALL.replace('code = "environment"', 'code = "society"')
        .replace('code = "capacity"', 'code = "ability"')
        .replace(
            '{ indicator = "pm25", kind = "level", direction = -1 }',
            '{ indicator = "forest_coverage" }',
        )
    )
    from fenghuang.methods import parse_method

    with pytest.raises(MethodError) as err:
        parse_method(text, file="s.toml", kind="city-index")
    got = {e["path"]: e for e in err.value.errors}
    assert set(got) == {
        "pillars[1].dimensions[1].code",
        "pillars[1].dimensions[1].indicators[1].indicator",
        "index.score",
    }
    lines = [i for i, ln in enumerate(text.splitlines(), 1) if 'code = "society"' in ln]
    assert got["pillars[1].dimensions[1].code"]["line"] == lines[1]
    assert "capacity" in got["index.score"]["en"]


def test_a_firm_file_is_not_a_city_index_and_back(tmp_path: Path) -> None:
    from fenghuang.methods import load_method

    with pytest.raises(MethodError) as err:
        load_index_method("huangyan-2022")
    assert any(e["path"] == "kind" and "firm" in e["en"] for e in err.value.errors)
    with pytest.raises(MethodError) as err2:
        load_method("pressure-capacity")  # the firm kind is the default
    (e,) = err2.value.errors
    assert e["path"] == "kind" and e["line"] == 9 and "city-index" in e["en"]


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
