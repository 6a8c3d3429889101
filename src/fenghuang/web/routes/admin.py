"""Administration: users, roles and the audit log (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from fenghuang.errors import InputError
from fenghuang.web._deps import AdminUser, SettingsDep, StoreDep, client_ip
from fenghuang.web._render import render
from fenghuang.web._send import send_file
from fenghuang.web.services import admin as admin_service
from fenghuang.web.services.downloads import XLSX

router = APIRouter(prefix="/admin")


@router.get("")
def admin_page(request: Request, store: StoreDep, user: AdminUser, action: str = "") -> Response:
    """Users and the append-only audit log (``?action=download`` shows one action)."""
    page = admin_service.admin_page(store, action=action)
    return render(request, "admin.html", {"page": page})


@router.get("/audit.xlsx")
def audit_xlsx(
    request: Request, store: StoreDep, settings: SettingsDep, user: AdminUser, action: str = ""
) -> Response:
    """The audit log (or one action's lines) as Excel; the export is itself logged."""
    path = admin_service.audit_workbook(
        store,
        action=action,
        out_dir=settings.cache / "downloads" / "audit",
        synthetic=request.app.state.synthetic(),
    )
    return send_file(
        request,
        store,
        user,
        path,
        media_type=XLSX,
        filename=f"操作日志{'-' + action if action else ''}.xlsx",
        kind="audit_log",
        target=action or "all",
        delete_after=True,
    )


@router.post("/users/{username}/role")
def change_role(
    username: str,
    request: Request,
    store: StoreDep,
    user: AdminUser,
    role: Annotated[str, Form(max_length=20)],
    department: Annotated[str, Form(max_length=40)] = "",
    credit_code: Annotated[str, Form(max_length=18)] = "",
) -> Response:
    """Change a user's role."""
    admin_service.change_role(
        store,
        actor=user,
        username=username,
        role=role,
        department=department,
        credit_code=credit_code,
        ip=client_ip(request),
    )
    return RedirectResponse("/admin", status_code=303)


@router.post("/users")
def create_user(
    request: Request,
    store: StoreDep,
    user: AdminUser,
    username: Annotated[str, Form(max_length=40)],
    password: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=20)],
    department: Annotated[str, Form(max_length=40)] = "",
    credit_code: Annotated[str, Form(max_length=18)] = "",
    display_name: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """Create an account."""
    admin_service.create_account(
        store,
        actor=user,
        username=username,
        password=password,
        role=role,
        department=department,
        credit_code=credit_code,
        display_name=display_name,
        ip=client_ip(request),
    )
    return RedirectResponse("/admin", status_code=303)


@router.post("/users/{username}/password")
def reset_password(
    username: str,
    request: Request,
    store: StoreDep,
    user: AdminUser,
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    """Set a user's password (e.g. a forgotten one); the user's sessions end."""
    admin_service.reset_password(
        store, actor=user, username=username, password=password, ip=client_ip(request)
    )
    return RedirectResponse("/admin", status_code=303)


@router.post("/users/{username}/disable")
def disable_user(
    username: str,
    request: Request,
    store: StoreDep,
    user: AdminUser,
    confirm: Annotated[str, Form(max_length=40)],
) -> Response:
    """Stop an account (``confirm`` repeats its name)."""
    if confirm != username:
        raise InputError(
            "E-WEB-INPUT", zh="确认的用户名不一致", en="the confirmed username differs"
        )
    admin_service.disable_account(store, actor=user, username=username, ip=client_ip(request))
    return RedirectResponse("/admin", status_code=303)
