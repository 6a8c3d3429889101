"""The overview page and its map shapes."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from starlette.responses import Response

from fenghuang.web._deps import ReaderUser, SettingsDep, StoreDep
from fenghuang.web._render import render, request_lang
from fenghuang.web.services import geo
from fenghuang.web.services.overview import overview

router = APIRouter(prefix="/overview")


@router.get("")
def overview_page(
    request: Request, store: StoreDep, settings: SettingsDep, user: ReaderUser, run: str = ""
) -> Response:
    """Classes by county, park, industry and chain; movement; map; extremes; completeness."""
    ov = overview(
        store,
        request.app.state.runs,
        run_id=run or None,
        lang=request_lang(request),
        cache_dir=settings.cache,
    )
    return render(request, "overview.html", {"ov": ov})


@router.get("/geo/{city_code}.json")
def county_shapes(city_code: str, settings: SettingsDep, user: ReaderUser) -> Response:
    """Simplified county shapes of a city (GeoJSON, registered with ECharts)."""
    body = json.dumps(geo.county_geojson(city_code, settings.cache), ensure_ascii=False)
    return Response(body, media_type="application/geo+json")
