"""Administration: users, roles and the audit log (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from fenghuang.web._deps import AdminUser, StoreDep, client_ip
from fenghuang.web._render import render
from fenghuang.web.services import admin as admin_service

router = APIRouter(prefix="/admin")


@router.get("")
def admin_page(request: Request, store: StoreDep, user: AdminUser, action: str = "") -> Response:
    """Users and the append-only audit log (``?action=download`` shows one action)."""
    page = admin_service.admin_page(store, action=action)
    return render(request, "admin.html", {"page": page})


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
