"""City transformation monitor pages: national map, city page, figure source."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from fenghuang.monitor import SEED_CITIES
from fenghuang.web._deps import ReaderUser, StoreDep
from fenghuang.web._render import render
from fenghuang.web.services import cities as svc

router = APIRouter(prefix="/cities")


@router.get("", response_class=HTMLResponse)
def cities_map(request: Request, user: ReaderUser, store: StoreDep) -> HTMLResponse:
    """资源型城市全国地图 / national map of resource cities."""
    data = svc.overview(store, request.app.state.cache)
    return render(
        request,
        "cities/index.html",
        {
            "data": data,
            "seed": SEED_CITIES,
            "map_option_type": data["map_option_type"],
            "map_option_index": data["map_option_index"],
        },
    )


@router.get("/map.json")
def cities_geojson(request: Request, user: ReaderUser) -> Response:
    """The map's GeoJSON (registered with ECharts by ``static/js/app.js``)."""
    body = json.dumps(svc.geojson(request.app.state.cache), ensure_ascii=False)
    return Response(
        body, media_type="application/json", headers={"cache-control": "private, max-age=3600"}
    )


@router.get("/source/{obs_id}", response_class=HTMLResponse)
def figure_source(request: Request, obs_id: str, user: ReaderUser, store: StoreDep) -> HTMLResponse:
    """一个数据的出处 / where a figure came from."""
    return render(request, "cities/source.html", {"src": svc.source(store, obs_id)})


@router.get("/{code}", response_class=HTMLResponse)
def city_detail(request: Request, code: str, user: ReaderUser, store: StoreDep) -> HTMLResponse:
    """城市页 / one city's indicators, sources and peers."""
    page = svc.city(store, request.app.state.cache, code)
    return render(
        request, "cities/city.html", {"page": page, "series_charts": svc.series_charts(page)}
    )
