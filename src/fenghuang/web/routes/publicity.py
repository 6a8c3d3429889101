"""公示: the published list, open for a set period, with its Excel download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from fenghuang.web._deps import AnyUser, SettingsDep, StoreDep, roles
from fenghuang.web._render import render
from fenghuang.web._schemas import UserPublic
from fenghuang.web._send import send_file
from fenghuang.web.services import downloads
from fenghuang.web.services.publicity import publicity_page

router = APIRouter(prefix="/publicity")

ListReader = Annotated[UserPublic, Depends(roles("admin", "analyst", "leader", "department"))]


@router.get("")
def publicity(request: Request, store: StoreDep, user: AnyUser) -> Response:
    """The run open for 公示 (a firm sees only its own line)."""
    page = publicity_page(store, request.app.state.runs, user=user)
    return render(request, "publicity.html", {"page": page})


@router.get("/{run_id}.xlsx")
def publicity_xlsx(
    run_id: str, request: Request, store: StoreDep, settings: SettingsDep, user: ListReader
) -> Response:
    """The 公示 list as an Excel workbook (published runs only, except for staff)."""
    path = downloads.publicity_xlsx(
        store,
        request.app.state.runs,
        user=user,
        run_id=run_id,
        out_dir=settings.cache / "downloads",
        city=settings.city_name,
        synthetic=request.app.state.synthetic(),
    )
    return send_file(
        request,
        store,
        user,
        path,
        media_type=downloads.XLSX,
        filename=f"公示名单-{run_id}.xlsx",
        kind="publicity_list",
        target=run_id,
    )
