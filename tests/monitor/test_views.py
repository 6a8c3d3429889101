"""Services behind the monitor's web pages, without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from fenghuang.errors import NotFoundError
from fenghuang.monitor import (
    TYPE_COLOURS,
    city_page,
    load_registry,
    map_view,
    resource_city_geojson,
    seed_demo,
    source_view,
)
from fenghuang.warehouse import Store


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture
def store(tmp_path: Path):
    st = Store(tmp_path / "w.duckdb")
    assert seed_demo(st) > 40
    yield st
    st.close()


def test_geojson_covers_resource_cities(registry) -> None:
    g = resource_city_geojson(registry, values={"360300": 1.5})
    props = {f["properties"]["code"]: f["properties"] for f in g["features"]}
    resource = [c for c in registry.cities if c.code]
    assert all(c.code in props for c in resource)  # every resource city has a shape
    assert (
        props["360300"]["type"] == "衰退型" and props["360300"]["colour"] == TYPE_COLOURS["衰退型"]
    )
    assert props["360300"]["value"] == 1.5
    assert props["620981"]["level"] == "县级市"  # a county-level city from the district layer
    assert props["440300"]["resource"] is False  # 深圳 is not a resource city


def test_city_page_links_each_figure_to_its_sentence(store, registry) -> None:
    page = city_page(store, "360300", registry)
    assert (page.name, page.city_type, page.exhausted_batch) == ("萍乡市", "衰退型", 1)
    figs = [f for fs in page.indicators.values() for f in fs]
    power = next(f for f in figs if f.indicator_code == "industry_power" and f.kind == "growth")
    assert power.figure == "1.5%" and power.before.endswith("该市工业用电量增长")
    assert power.label == "抽取数据，待核实" and power.period == "2023"
    src = source_view(store, power.obs_id)
    assert src["figure"] == "1.5%" and "工业用电量增长" in src["before"]
    assert {p["code"] for p in page.peers} >= {
        "360300",
        "230700",
        "620981",
    }  # 衰退型 peers with data
    assert page.missing  # indicators the index needs and the city lacks


def test_map_and_unknown_city(store, registry) -> None:
    m = map_view(store, registry)
    assert "应有 262" in m["completeness_zh"]
    seeded = {c["name"] for c in m["cities"] if c["has_data"]}
    assert {"萍乡市", "玉门市", "阳泉市", "伊春市"} <= seeded
    with pytest.raises(NotFoundError):
        city_page(store, "999999", registry)
    with pytest.raises(NotFoundError):
        source_view(store, "nope")


def test_map_marks_synthetic_and_extracted(tmp_path: Path, registry) -> None:
    st = Store(tmp_path / "s.duckdb")
    seed_demo(st, synthetic=True)
    m = map_view(st, registry)
    assert m["synthetic"] is True
    by_name = {c["name"]: c for c in m["cities"]}
    assert by_name["萍乡市"]["extracted"] and by_name["萍乡市"]["has_data"]
    assert not by_name["长治市"]["extracted"] and by_name["长治市"]["has_data"]  # synthetic only
    values = [
        f["properties"]["value"] for f in m["geojson"]["features"] if f["properties"]["resource"]
    ]
    assert all(v is not None for v in values)
    st.close()


def test_ranking_within_type(tmp_path: Path, registry) -> None:
    st = Store(tmp_path / "r.duckdb")
    seed_demo(st, synthetic=True)
    ranking = map_view(st, registry)["ranking"]
    assert set(ranking) == {"成长型", "成熟型", "衰退型", "再生型"}
    for rows in ranking.values():
        assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
        assert [r["warning"] for r in rows] == sorted(r["warning"] for r in rows)
    st.close()


def test_city_page_shows_counties_parks_and_comparisons(tmp_path: Path, registry) -> None:
    from fenghuang.monitor import extract_files

    st = Store(tmp_path / "p.duckdb")
    unseen = Path(__file__).parent / "data" / "unseen" / "panzhihua-2024-news.html"
    extract_files([unseen], store=st)
    page = city_page(st, "510400", registry)
    figs = [f for fs in page.indicators.values() for f in fs]
    by_display = {f.display: f for f in figs}
    # figures of 仁和区 and 米易县 (own codes) and of a park (the city's code) are on the page,
    # each marked with its place; the city's own figures are not marked
    assert by_display["48.2亿元"].place == "仁和区"
    assert by_display["超3000户"].place == "米易县"
    assert by_display["312.8亿元"].place == "钒钛高新区"
    assert by_display["975.4亿元"].place == ""
    # a growth compared with the province says so; a fraction is shown rounded
    assert by_display["0.4个百分点"].of == "全省平均水平"
    assert by_display["约33.33%"].kind == "share"
    # charts show the city's own series only
    assert all(not k.startswith("fixed_investment") for k in page.series)
    # a county page shows only its own figures
    county = city_page(st, "510411", registry)
    assert [f.display for fs in county.indicators.values() for f in fs] == ["48.2亿元"]
    st.close()


def test_charts_keep_synthetic_and_extracted_points_apart(tmp_path: Path, registry) -> None:
    from fenghuang.web.services.cities import series_charts

    st = Store(tmp_path / "s.duckdb")
    seed_demo(st, synthetic=True)
    page = city_page(st, "360300", registry)
    charts = series_charts(page)
    key = "emerging_share:share"  # synthetic 2021-2023, extracted 34.3% for 2024
    assert page.series_origin[key]["2024"] == "report"
    assert page.series_origin[key]["2023"] == "synthetic"
    chart = charts[key]
    by_name = {s["name"]: s["data"] for s in chart["series"]}
    years = chart["xAxis"]["data"]
    assert by_name["抽取/统计数据"][years.index("2024")] == pytest.approx(34.3)
    assert by_name["抽取/统计数据"][years.index("2023")] is None
    assert by_name["模拟数据"][years.index("2024")] is None
    assert chart["title"]["subtext"] == "含模拟数据" and chart["legend"]["show"] is True
    english = series_charts(page, lang="en")[key]
    assert english["title"]["text"].endswith("(share)") and english["title"]["subtext"]
    names = {s["name"] for s in english["series"]}
    assert names == {"synthetic (模拟数据)", "extracted / statistics"}
    st.close()


def test_city_page_shows_period_notes_and_charts_only_dated_figures(
    tmp_path: Path, registry
) -> None:
    from fenghuang.monitor import extract_reports, report_from_text

    text = (
        "萍乡：新能源产业加速集聚（模拟数据）\n"
        "近三年，萍乡市规上工业增加值年均增长6.1%。\n"
        "2023年，萍乡市规上工业增加值增长7.2%。\n"
    )
    with Store(tmp_path / "w.duckdb") as st:
        extract_reports([report_from_text(text, "px-sim.txt")], store=st)
        page = city_page(st, "360300", registry)
        figures = [f for views in page.indicators.values() for f in views]
        by = {f.value: f for f in figures}
        assert (by[6.1].period, by[6.1].year) == ("近3年", None)
        assert by[6.1].label == "抽取数据，待核实；相对期间，年份未知（文档无日期）"
        assert (by[7.2].period, by[7.2].label) == ("2023", "抽取数据，待核实")
        # a relative period has no place on a time axis
        assert page.series["industry_va:growth"] == [("2023", 7.2)]
