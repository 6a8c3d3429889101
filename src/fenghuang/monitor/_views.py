"""Data for the monitor's web pages: national map, city page, source view; demo seeding.

These are the *services* behind ``fenghuang.web.routes.cities``: each
returns plain, JSON-friendly public data (no storage internals), so routes
stay thin and the pages can be tested without a browser.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from fenghuang.errors import FenghuangError, NotFoundError
from fenghuang.monitor._api import extract_files
from fenghuang.monitor._catalogue import load_catalogue
from fenghuang.monitor._geo import TYPE_COLOURS, resource_city_geojson
from fenghuang.monitor._index import CityIndexResult, compute_city_index
from fenghuang.monitor._panel import fetch_documents, fetch_observations, save_observations
from fenghuang.monitor._registry import TYPES, Registry, completeness
from fenghuang.warehouse import Store

__all__ = [
    "SEED_CITIES",
    "CityPage",
    "FigureView",
    "city_page",
    "map_view",
    "seed_demo",
    "source_view",
]

#: The cities the demo shows first.
SEED_CITIES = ("萍乡市", "玉门市", "阳泉市", "伊春市", "长治市")
_KIND_ZH = {
    "level": "总量",
    "growth": "增速",
    "share": "比重",
    "count": "数量",
    "rank": "位次",
    "target": "目标",
}
_CONTEXT = 60


@dataclass(frozen=True)
class FigureView:
    """One figure as shown on a city page, with its source."""

    obs_id: str
    indicator: str
    indicator_code: str | None
    kind: str
    kind_zh: str
    period: str | None
    year: int | None
    display: str  # 超500亿千瓦时
    value: float
    value_norm: float | None
    unit_norm: str | None
    status: str
    label: str
    source: str
    where: str  # sentence, or sheet/row/column of a table
    before: str = ""
    figure: str = ""
    after: str = ""
    place: str = ""  # a county, district or park of the city; "" for the city itself
    of: str = ""  # what a share is of, or what a growth is compared with


@dataclass(frozen=True)
class CityPage:
    """Everything the city page shows."""

    code: str
    name: str
    province: str
    city_type: str | None
    level: str | None
    exhausted_batch: int | None
    indicators: dict[str, list[FigureView]]  # heading -> figures over time
    series: dict[str, list[tuple[str, float]]]  # indicator code:kind -> (period, value) for charts
    peers: list[dict[str, Any]]
    index: dict[str, Any] | None
    missing: list[str] = field(default_factory=list)
    synthetic: bool = False  # some figures are 模拟数据
    # indicator code:kind -> period -> origin of that point ("report", "yearbook", "synthetic")
    series_origin: dict[str, dict[str, str]] = field(default_factory=dict)


def _num(x: float) -> str:
    return f"{round(x, 2):g}" if abs(x) < 1e6 else f"{x:g}"  # 三分之一 → 33.33


def _display(r: dict[str, Any]) -> str:
    v = _num(r["value"])
    if r.get("value_high") is not None:
        v += f"—{_num(r['value_high'])}"
    q = r.get("qualifier") or ""
    if q in {"以上", "以下", "以内", "左右", "余", "多"}:
        return f"{v}{r.get('unit') or ''}{q}"
    return f"{q}{v}{r.get('unit') or ''}"


def _figure(r: dict[str, Any], own: tuple[str, str] | None = None) -> FigureView:
    sentence = r.get("sentence") or ""
    before = figure = after = ""
    if r.get("span_start") is not None and sentence:
        shown = _display(r)
        at = sentence.find(shown.replace("—", "")) if shown else -1
        raw = r.get("_raw") or ""
        at = sentence.find(raw) if raw else at
        if raw and at >= 0:
            before, figure, after = sentence[:at], raw, sentence[at + len(raw) :]
        else:
            before = sentence
    if r.get("origin") == "report":
        where = sentence
    else:
        where = f"{r.get('sheet') or ''} 第{r.get('row_no')}行 {r.get('column_name') or ''}".strip()
    return FigureView(
        obs_id=r["obs_id"],
        indicator=r["indicator"],
        indicator_code=r["indicator_code"],
        kind=r["kind"],
        kind_zh=_KIND_ZH.get(r["kind"], r["kind"]),
        period=r["period"],
        year=r["year"],
        display=_display(r),
        value=r["value"],
        value_norm=r["value_norm"],
        unit_norm=r["unit_norm"],
        status=r["status"],
        label=r["label"] or "",
        source=r["source"],
        where=where,
        before=before,
        figure=figure,
        after=after,
        place=_sub_place(r, own),
        of=r.get("of_whole") or r.get("of") or "",
    )


def _sub_place(r: dict[str, Any], own: tuple[str, str] | None) -> str:
    """The county/district/park a figure belongs to, when it is not the page's city."""
    if own is None:
        return ""
    code, name = own
    if r["place_code"] == code and (r["place_name"] or name) == name:
        return ""
    return str(r["place_name"] or r["place_code"])


def _index_or_none(store: Store) -> CityIndexResult | None:
    try:
        return compute_city_index(store)
    except (FenghuangError, ValueError, KeyError):  # an odd panel must not break the pages
        return None


def map_view(store: Store, registry: Registry) -> dict[str, Any]:
    """The national map: GeoJSON coloured by type, index values where data exist, legend."""
    res = _index_or_none(store)
    values = {r.place_code: r.warning for r in res.rows} if res else {}
    have = {r[0] for r in store.fetch_all("select distinct place_code from monitor_observations")}
    extracted = {
        r[0]
        for r in store.fetch_all(
            "select distinct place_code from monitor_observations where origin = 'report'"
        )
    }
    comp = completeness(registry)
    synthetic = bool(
        store.fetch_all("select count(*) from monitor_observations where origin = 'synthetic'")[0][
            0
        ]
    )
    cities = [
        {
            "code": c.code,
            "name": c.name,
            "province": c.province,
            "type": c.type,
            "level": c.level,
            "has_data": c.code in have,
            "extracted": c.code in extracted,
        }
        for c in registry.cities
        if c.code
    ]
    return {
        "geojson": resource_city_geojson(registry, values=values),
        "legend": [{"type": t, "colour": col} for t, col in TYPE_COLOURS.items() if t],
        "cities": cities,
        "completeness_zh": comp.summary("zh"),
        "completeness_en": comp.summary("en"),
        "synthetic": synthetic,
        "ranking": _ranking(res),
        "method": res.method_name if res else "",
    }


def _ranking(res: CityIndexResult | None) -> dict[str, list[dict[str, Any]]]:
    """Cities ranked within each type (only those with a warning value)."""
    out: dict[str, list[dict[str, Any]]] = {}
    if res is None:
        return out
    order = {t: i for i, t in enumerate(TYPES)}
    for r in sorted(
        res.rows, key=lambda r: (order.get(r.city_type or "", 9), r.rank_in_type or 10**9)
    ):
        if r.rank_in_type is None or not r.city_type:
            continue
        out.setdefault(r.city_type, []).append(
            {
                "code": r.place_code,
                "name": r.place_name,
                "rank": r.rank_in_type,
                "pressure": r.pressure,
                "capacity": r.capacity,
                "warning": r.warning,
                "missing": len(r.missing),
            }
        )
    return out


def city_page(store: Store, code: str, registry: Registry) -> CityPage:
    """The page of one city (or county): figures by indicator with sources, peers, index.

    Raises
    ------
    NotFoundError
        ``code`` is neither a registry city nor a place with observations.
    """
    catalogue = load_catalogue()
    city = registry.by_code(code)
    # a prefecture-level city's page also shows its counties', districts' and parks' figures
    prefecture = code.endswith("00") and not code.endswith("0000")
    table = (
        fetch_observations(store, within=code)
        if prefecture
        else fetch_observations(store, place_code=code)
    )
    if city is None and table.num_rows == 0:
        raise NotFoundError(
            "E-MONITOR-CITY",
            zh="找不到该城市",
            en="no such city",
            field=code,
        )
    docs = fetch_documents(store)
    rows = table.to_pylist()
    for r in rows:
        text = docs.get(r["source"])
        if text and r["span_start"] is not None:
            r["_raw"] = text[r["span_start"] : r["span_end"]]
    own_name = (
        city.name
        if city
        else next((r["place_name"] for r in rows if r["place_code"] == code), code)
    )
    own = (code, own_name)
    rows.sort(
        key=lambda r: (
            r["indicator_code"] or "~",
            r["indicator"],
            r["kind"],
            _sub_place(r, own),
            r["year"] or 0,
        )
    )
    indicators: dict[str, list[FigureView]] = {}
    series: dict[str, list[tuple[str, float]]] = {}
    series_origin: dict[str, dict[str, str]] = {}
    for r in rows:
        view = _figure(r, own)
        name = (
            catalogue[r["indicator_code"]].zh
            if r["indicator_code"] in catalogue
            else r["indicator"]
        )
        heading = f"{name}（{_KIND_ZH.get(r['kind'], r['kind'])}）"
        indicators.setdefault(heading, []).append(view)
        # charts: the city's own figures whose period has a year (not 近3年, Q1-Q3 …)
        if r["indicator_code"] and r["period"] and r["year"] is not None and not view.place:
            key = f"{r['indicator_code']}:{r['kind']}"
            series.setdefault(key, []).append((r["period"], r["value_norm"]))
            series_origin.setdefault(key, {})[r["period"]] = r.get("origin") or ""
    res = _index_or_none(store)
    score = res.by_code(code) if res else None
    peers: list[dict[str, Any]] = []
    if city is not None and res is not None:
        for p in res.rows:
            if p.city_type == city.type:
                peers.append(
                    {
                        "code": p.place_code,
                        "name": p.place_name,
                        "pressure": p.pressure,
                        "capacity": p.capacity,
                        "warning": p.warning,
                        "rank": p.rank_in_type,
                        "self": p.place_code == code,
                    }
                )
        peers.sort(key=lambda p: (p["rank"] is None, p["rank"] or 0))
    prov = city.province if city else ""
    return CityPage(
        code=code,
        name=own_name,
        province=prov,
        city_type=city.type if city else None,
        level=city.level if city else None,
        exhausted_batch=city.exhausted_batch if city else None,
        indicators=indicators,
        series=series,
        peers=peers,
        index=None
        if score is None
        else {
            "pressure": score.pressure,
            "capacity": score.capacity,
            "warning": score.warning,
            "rank_in_type": score.rank_in_type,
            "dimensions": score.dimensions,
            "method": res.method_name if res else "",
        },
        missing=list(score.missing) if score else [],
        synthetic=any(r.get("origin") == "synthetic" for r in rows),
        series_origin=series_origin,
    )


def source_view(store: Store, obs_id: str) -> dict[str, Any]:
    """A figure in its document: the text around its span, with the figure marked."""
    rows = store.fetch_arrow(
        "select source, span_start, span_end, sentence_start, sentence_end, origin, sheet, row_no, "
        "column_name, indicator, status, label from monitor_observations where obs_id = ?",
        [obs_id],
    ).to_pylist()
    if not rows:
        raise NotFoundError(
            "E-MONITOR-OBS", zh="找不到该数据", en="no such observation", field=obs_id
        )
    r = rows[0]
    text = fetch_documents(store, [r["source"]]).get(r["source"])
    if text is None or r["span_start"] is None:
        return {**r, "before": "", "figure": "", "after": ""}
    a = max(0, min(r["sentence_start"], r["span_start"]) - _CONTEXT)
    b = min(len(text), max(r["sentence_end"], r["span_end"]) + _CONTEXT)
    return {
        **r,
        "before": text[a : r["span_start"]],
        "figure": text[r["span_start"] : r["span_end"]],
        "after": text[r["span_end"] : b],
    }


def seed_demo(store: Store, *, synthetic: bool = False, seed: int = 2013) -> int:
    """Load the packaged example reports into the panel (status 待核实); returns figures loaded.

    Parameters
    ----------
    store : Store
        The warehouse.
    synthetic : bool
        Also load a synthetic panel (labelled 模拟数据) for every registry
        city, so the index and its map have something to show.
    seed : int
        Seed of the synthetic panel.
    """
    base = resources.files("fenghuang.monitor").joinpath("data/reports")
    meta = tomllib.loads(base.joinpath("sources.toml").read_text("utf-8"))["report"]
    total = 0
    for name, info in meta.items():
        d = info.get("date")
        with resources.as_file(base.joinpath(name)) as path:
            res = extract_files([path], report_date=d if isinstance(d, date) else None, store=store)
        total += res.observations.num_rows
    if synthetic:
        import numpy as np

        from fenghuang.monitor._registry import load_registry
        from fenghuang.monitor._synthetic import synthetic_panel

        panel = synthetic_panel(load_registry(), rng=np.random.default_rng(seed))
        total += save_observations(store, panel)
    return total
