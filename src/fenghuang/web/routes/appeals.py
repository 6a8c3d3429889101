"""Appeals: a firm files one on a fact with evidence; an analyst decides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from fenghuang.web._deps import SettingsDep, StaffUser, StoreDep, client_ip, roles
from fenghuang.web._render import render
from fenghuang.web._schemas import UserPublic
from fenghuang.web._send import send_file
from fenghuang.web.services import appeals as svc
from fenghuang.web.services import appeals_page as page_svc

router = APIRouter(prefix="/appeals")

AppealReader = Annotated[UserPublic, Depends(roles("admin", "analyst", "leader", "firm"))]
FirmUser = Annotated[UserPublic, Depends(roles("firm"))]


@router.get("")
def appeals_page(
    request: Request,
    store: StoreDep,
    user: AppealReader,
    year: int = 0,
    run: str = "",
    field: str = "",
) -> Response:
    """The user's appeals (a firm: only its own) and the firm's form (``field`` preselected)."""
    page = page_svc.appeals_page(
        store, user=user, year=year or None, run_id=run or None, field_name=field
    )
    return render(request, "appeals.html", {"page": page})


@router.post("")
async def file_appeal(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: FirmUser,
    credit_code: Annotated[str, Form(max_length=18)],
    year: Annotated[int, Form(ge=1990, le=2100)],
    field: Annotated[str, Form(max_length=40)],
    claimed_value: Annotated[float, Form()],
    reason: Annotated[str, Form(max_length=2000)],
    evidence: Annotated[UploadFile, File()],
    run_id: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    """File an appeal (multipart, with one PDF/PNG/JPEG checked by its magic bytes)."""
    await page_svc.file_from_form(
        store,
        user=user,
        credit_code=credit_code,
        year=year,
        run_id=run_id,
        field_name=field,
        claimed_value=claimed_value,
        reason=reason,
        evidence=evidence,
        upload_dir=settings.uploads,
        max_bytes=settings.max_upload_bytes,
        ip=client_ip(request),
    )
    return RedirectResponse("/appeals", status_code=303)


@router.post("/{appeal_id}/decide")
def decide(
    appeal_id: str,
    request: Request,
    store: StoreDep,
    user: StaffUser,
    decision: Annotated[str, Form(pattern="^(accept|reject)$")],
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    """Accept (correct the fact, evaluate again) or reject an appeal."""
    svc.decide_appeal(
        store,
        cache=request.app.state.runs,
        user=user,
        appeal_id=appeal_id,
        accept=decision == "accept",
        reason=reason,
        ip=client_ip(request),
    )
    return RedirectResponse("/appeals", status_code=303)


@router.get("/{appeal_id}/evidence")
def evidence(
    appeal_id: str, request: Request, store: StoreDep, settings: SettingsDep, user: AppealReader
) -> Response:
    """The evidence file (its firm, analysts, admins, leaders)."""
    path, mime, _meta = page_svc.evidence_file(
        store, user=user, appeal_id=appeal_id, upload_dir=settings.uploads
    )
    return send_file(
        request,
        store,
        user,
        path,
        media_type=mime,
        filename=f"evidence-{appeal_id}{path.suffix}",
        kind="evidence",
        target=appeal_id,
    )
