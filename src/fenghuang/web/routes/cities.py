"""City transformation monitor pages: national map, city page, figure source."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from fenghuang.errors import InputError
from fenghuang.monitor import SEED_CITIES
from fenghuang.web._deps import ReaderUser, StaffUser, StoreDep, client_ip
from fenghuang.web._render import render, request_lang
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
            "names_en": svc.NAMES_EN,
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
    return render(
        request, "cities/source.html", {"src": svc.source(store, obs_id), "src_id": obs_id}
    )


@router.get("/{code}", response_class=HTMLResponse)
def city_detail(request: Request, code: str, user: ReaderUser, store: StoreDep) -> HTMLResponse:
    """城市页 / one city's indicators, sources and peers."""
    page = svc.city(store, request.app.state.cache, code)
    cat = svc.catalogue(request.app.state.cache)
    return render(
        request,
        "cities/city.html",
        {
            "page": page,
            "series_charts": svc.series_charts(page, lang=request_lang(request), cat=cat),
            "names_en": svc.NAMES_EN,
            "indicator_en": svc.indicator_names_en(cat),
        },
    )


@router.post("/source/{obs_id}/status")
def figure_status(
    request: Request,
    obs_id: str,
    user: StaffUser,
    store: StoreDep,
    verified: Annotated[str, Form(max_length=5)] = "1",
) -> Response:
    """核实或撤销核实一个抽取数据 / mark a figure verified (or not)."""
    code = svc.set_figure_status(
        store, obs_id=obs_id, verified=verified == "1", actor=user, ip=client_ip(request)
    )
    return RedirectResponse(f"/cities/{code}", status_code=303)


@router.post("/reports")
async def upload_report(
    request: Request,
    user: StaffUser,
    store: StoreDep,
    file: Annotated[UploadFile, File()],
    report_date: Annotated[str, Form(max_length=10)] = "",
    place: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """上传报告并抽取指标（待核实）/ upload a report and extract its figures (unverified)."""
    limit = int(request.app.state.settings.max_upload_bytes)
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            "E-WEB-UPLOAD-SIZE", zh="文件过大", en="the file is too large", file=file.filename
        )
    try:
        when = date.fromisoformat(report_date) if report_date else None
    except ValueError as exc:
        raise InputError(
            "E-WEB-DATE",
            zh="日期格式应为 YYYY-MM-DD",
            en="the date must be YYYY-MM-DD",
            value=report_date,
        ) from exc
    out = svc.extract_upload(
        store,
        name=file.filename or "report.txt",
        data=data,
        report_date=when,
        place=place,
        actor=user,
        ip=client_ip(request),
    )
    return RedirectResponse(
        f"/cities/{out['place']}" if out["place"] else "/cities", status_code=303
    )
