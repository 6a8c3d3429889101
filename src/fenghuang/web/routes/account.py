"""The user's own account: who they are, and changing their password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from fenghuang.facts import DEPARTMENTS
from fenghuang.web._deps import SESSION_COOKIE, AnyUser, StoreDep, client_ip
from fenghuang.web._render import render
from fenghuang.web.services import admin as admin_service

router = APIRouter(prefix="/account")


@router.get("")
def account_page(request: Request, user: AnyUser, done: int = 0) -> Response:
    """The account page (``?done=1`` after a password change)."""
    context = {"account": user, "done": bool(done), "departments": DEPARTMENTS}
    return render(request, "account.html", context)


@router.post("/password")
def change_password(
    request: Request,
    store: StoreDep,
    user: AnyUser,
    current: Annotated[str, Form(max_length=200)],
    new: Annotated[str, Form(max_length=200)],
    repeat: Annotated[str, Form(max_length=200)],
) -> Response:
    """Change one's own password; other sessions of the user end, this one stays."""
    admin_service.change_own_password(
        store,
        user=user,
        current=current,
        new=new,
        repeat=repeat,
        token=request.cookies.get(SESSION_COOKIE, ""),
        ip=client_ip(request),
        limiter=request.app.state.limiter,
    )
    return RedirectResponse("/account?done=1", status_code=303)
