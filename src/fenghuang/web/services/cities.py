"""Services of the city-monitor pages: thin adapters over :mod:`fenghuang.monitor`.

The registry (with its administrative codes) is built once per application
and kept in ``app.state.cache``; everything else is read from the store on
each request. Chart options are plain ECharts JSON for the page's data
islands (drawn by ``static/js/app.js``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fenghuang.monitor import (
    LEVELS_EN,
    TYPES_EN,
    Catalogue,
    CityPage,
    Registry,
    city_page,
    extract_reports,
    load_catalogue,
    load_registry,
    map_view,
    report_from_bytes,
    resource_city_geojson,
    set_status,
    source_view,
)
from fenghuang.warehouse import Store
from fenghuang.web._schemas import UserPublic
from fenghuang.web.services import audit

__all__ = [
    "NAMES_EN",
    "catalogue",
    "city",
    "geojson",
    "indicator_names_en",
    "overview",
    "registry",
    "series_charts",
    "set_figure_status",
    "source",
]

#: English names of the registry's Chinese labels (city types and levels).
NAMES_EN: dict[str, str] = {**TYPES_EN, **LEVELS_EN}

_KEY = "monitor.registry"
_CATALOGUE_KEY = "monitor.catalogue"
_KIND_ZH = {
    "level": "总量",
    "growth": "增速",
    "share": "比重",
    "count": "数量",
    "rank": "位次",
    "target": "目标",
}


def registry(cache: dict[str, Any]) -> Registry:
    """The resource-city registry, built once per application."""
    reg = cache.get(_KEY)
    if reg is None:
        reg = load_registry()
        cache[_KEY] = reg
    return reg


def geojson(cache: dict[str, Any]) -> dict[str, Any]:
    """The national map's GeoJSON (cached in the process)."""
    return resource_city_geojson(registry(cache))


def _map_option(data: list[dict[str, Any]], *, visual: dict[str, Any] | None) -> dict[str, Any]:
    opt: dict[str, Any] = {
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "series": [
            {
                "type": "map",
                "map": "cn-resource",
                "roam": True,
                "zoom": 1.15,
                "center": [104.5, 36.5],
                "label": {"show": False},
                "itemStyle": {"areaColor": "#eeeeec", "borderColor": "#888a85", "borderWidth": 0.3},
                "emphasis": {"label": {"show": True}, "itemStyle": {"areaColor": "#fce94f"}},
                "data": data,
            }
        ],
    }
    if visual:
        opt["visualMap"] = visual
        opt["tooltip"]["formatter"] = "{b}：{c}"
    return opt


def overview(store: Store, cache: dict[str, Any]) -> dict[str, Any]:
    """The map page: city list, completeness and the two map options (by type, by index)."""
    data = map_view(store, registry(cache))
    feats = [f["properties"] for f in data.pop("geojson")["features"]]
    by_type = [
        {"name": p["name"], "code": p["code"], "itemStyle": {"areaColor": p["colour"]}}
        for p in feats
        if p["resource"]
    ]
    with_value = [p for p in feats if p["value"] is not None]
    index_opt = None
    if with_value:
        vals = [float(p["value"]) for p in with_value]
        index_opt = _map_option(
            [
                {"name": p["name"], "code": p["code"], "value": round(float(p["value"]), 3)}
                for p in with_value
            ],
            visual={
                "min": min(vals),
                "max": max(vals) if max(vals) > min(vals) else min(vals) + 1,
                "calculable": True,
                "inRange": {"color": ["#4e9a06", "#fce94f", "#cc0000"]},
                "left": "left",
                "bottom": 10,
            },
        )
    data["map_option_type"] = _map_option(by_type, visual=None)
    data["map_option_index"] = index_opt
    return data


def city(store: Store, cache: dict[str, Any], code: str) -> CityPage:
    """One city's page data."""
    return city_page(store, code, registry(cache))


def catalogue(cache: dict[str, Any]) -> Catalogue:
    """The packaged indicator catalogue, read once per application."""
    cat = cache.get(_CATALOGUE_KEY)
    if cat is None:
        cat = load_catalogue()
        cache[_CATALOGUE_KEY] = cat
    return cat


def indicator_names_en(cat: Catalogue) -> dict[str, str]:
    """Indicator code → English name."""
    return {code: ind.en for code, ind in cat.indicators.items()}


def series_charts(
    page: CityPage, *, limit: int = 12, lang: str = "zh", cat: Catalogue | None = None
) -> dict[str, dict[str, Any]]:
    """Line charts (ECharts options) for indicators with figures in two or more years (at most ``limit``)."""
    en = lang == "en"
    cat = cat if cat is not None else load_catalogue()
    out: dict[str, dict[str, Any]] = {}
    for key, pts in page.series.items():
        if len(out) >= limit:
            break
        periods = sorted({p for p, _ in pts if re.fullmatch(r"\d{4}", p)})  # whole years only
        if len(periods) < 2:
            continue
        code, kind = key.split(":")
        last = {p: v for p, v in pts if p in periods}
        origin = page.series_origin.get(key, {})
        if en:
            name = f"{cat[code].en if code in cat else code} ({kind})"
        else:
            name = (cat[code].zh if code in cat else code) + f"（{_KIND_ZH.get(kind, kind)}）"
        # synthetic points and extracted/yearbook figures are drawn apart, never as one line
        series = []
        labels = (
            (("synthetic (模拟数据)", True), ("extracted / statistics", False))
            if en
            else (
                ("模拟数据", True),
                ("抽取/统计数据", False),
            )
        )
        for label, is_synthetic in labels:
            data = [
                last[p] if (origin.get(p) == "synthetic") == is_synthetic else None for p in periods
            ]
            if any(v is not None for v in data):
                series.append(
                    {"type": "line", "data": data, "name": label, "connectNulls": False}
                    | ({"lineStyle": {"type": "dashed"}} if is_synthetic else {})
                )
        mixed = len(series) > 1
        has_synthetic = any(s["name"] == labels[0][0] for s in series)
        out[key] = {
            "title": {
                "text": name,
                "subtext": ("includes synthetic data" if en else "含模拟数据")
                if has_synthetic
                else "",
                "textStyle": {"fontSize": 14},
            },
            "tooltip": {"trigger": "axis"},
            "legend": {"show": mixed, "bottom": 0},
            "xAxis": {"type": "category", "data": periods},
            "yAxis": {"type": "value", "scale": True},
            "series": series,
        }
    return out


def source(store: Store, obs_id: str) -> dict[str, Any]:
    """A figure in the text it was extracted from."""
    return source_view(store, obs_id)


def set_figure_status(
    store: Store, *, obs_id: str, verified: bool, actor: UserPublic, ip: str
) -> str:
    """Mark an extracted figure 已核实 (or back to 待核实), audited; returns its place code."""
    src = source_view(store, obs_id)  # raises NotFoundError for an unknown figure
    status = "已核实" if verified else "待核实"
    with store.transaction():
        set_status(store, [obs_id], status)
        audit.record(
            store, action="monitor_verify", actor=actor, object=obs_id, detail=status, ip=ip
        )
    code = store.fetch_all("select place_code from monitor_observations where obs_id = ?", [obs_id])
    return str(code[0][0]) if code and code[0][0] else str(src.get("source", ""))


def extract_upload(
    store: Store,
    *,
    name: str,
    data: bytes,
    report_date: date | None,
    place: str | None,
    actor: UserPublic,
    ip: str,
) -> dict[str, Any]:
    """Extract an uploaded report into the panel (待核实), audited; returns counts and places."""
    report = report_from_bytes(data, name)
    with store.transaction():
        res = extract_reports([report], report_date=report_date, place=place or None, store=store)
        audit.record(
            store,
            action="monitor_extract",
            actor=actor,
            object=name,
            detail=f"{res.observations.num_rows} figures",
            ip=ip,
        )
    codes = [c for c in res.observations.column("place_code").to_pylist() if c]
    top = max(set(codes), key=codes.count) if codes else None
    return {"figures": res.observations.num_rows, "place": top}
