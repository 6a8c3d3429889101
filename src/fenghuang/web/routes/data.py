"""Data intake: imports, quarantine and per-department confirmation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from fenghuang.web._deps import DataUser, SettingsDep, StoreDep, client_ip
from fenghuang.web._render import render
from fenghuang.web._send import send_file
from fenghuang.web.services import data as svc
from fenghuang.web.services.downloads import XLSX

router = APIRouter(prefix="/data")


@router.get("")
def data_page(request: Request, store: StoreDep, user: DataUser) -> Response:
    """Imports, their quarantined rows and confirmation (a department sees its own)."""
    return render(request, "data.html", {"page": svc.data_page(store, user=user)})


@router.get("/imports/{import_id}/errors.xlsx")
def error_list(
    import_id: str, request: Request, store: StoreDep, settings: SettingsDep, user: DataUser
) -> Response:
    """The import's 导入错误清单 (quarantined rows) as Excel, to send back to the department."""
    path, name = svc.error_list(
        store,
        user=user,
        import_id=import_id,
        out_dir=settings.cache / "downloads",
        synthetic=request.app.state.synthetic(),
    )
    return send_file(
        request,
        store,
        user,
        path,
        media_type=XLSX,
        filename=name,
        kind="error_list",
        target=import_id,
    )


@router.get("/templates/{department}.xlsx")
def template(
    department: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: DataUser,
    year: int = 0,
) -> Response:
    """The department's 数据报送模板 (headers with units, and notes), to send to it."""
    path, name = svc.submission_template(
        store,
        user=user,
        department=department,
        out_dir=settings.cache / "downloads",
        year=year or None,
    )
    return send_file(
        request,
        store,
        user,
        path,
        media_type=XLSX,
        filename=name,
        kind="template",
        target=department,
        delete_after=True,
    )


@router.post("/confirm")
def confirm(
    request: Request,
    store: StoreDep,
    user: DataUser,
    department: Annotated[str, Form(max_length=40)],
    year: Annotated[int, Form(ge=1990, le=2100)],
    status: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Confirm (or dispute) a department's facts for a year."""
    svc.confirm_department(
        store,
        user=user,
        department=department,
        year=year,
        status=status,
        note=note,
        ip=client_ip(request),
    )
    return RedirectResponse("/data", status_code=303)


@router.post("/import")
async def import_file(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: DataUser,
    department: Annotated[str, Form(max_length=40)],
    file: Annotated[UploadFile, File()],
) -> Response:
    """Import a department file (xlsx/csv) through the warehouse; a department only its own."""
    data = await file.read(settings.max_upload_bytes + 1)
    svc.import_department_file(
        store,
        user=user,
        department=department,
        data=data,
        file_name=file.filename or "upload",
        upload_dir=settings.uploads,
        max_bytes=settings.max_upload_bytes,
        ip=client_ip(request),
    )
    return RedirectResponse("/data", status_code=303)
