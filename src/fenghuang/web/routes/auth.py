"""Login, logout, the language switch and the start page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from fenghuang.web._deps import (
    PRE_CSRF_COOKIE,
    SESSION_COOKIE,
    MaybeSession,
    SessionDep,
    SettingsDep,
    StoreDep,
    client_ip,
)
from fenghuang.web._render import LANG_COOKIE, render
from fenghuang.web._security import new_token
from fenghuang.web.services import auth as auth_service
from fenghuang.web.services.site import home_path

router = APIRouter()


def _safe_next(nxt: str | None) -> str:
    # Only local paths: no open redirect to another site.
    if nxt and nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt:
        return nxt
    return ""


@router.get("/")
def home(sess: MaybeSession) -> Response:
    """Send each user to their start page."""
    if sess is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_path(sess.user), status_code=303)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness check for the service manager."""
    return {"status": "ok"}


@router.get("/login")
def login_form(request: Request, settings: SettingsDep, next: str = "") -> Response:
    """The login page; sets the pre-session CSRF cookie it checks on submit."""
    token = request.cookies.get(PRE_CSRF_COOKIE) or new_token()
    request.state.pre_csrf = token
    resp = render(request, "login.html", {"next": _safe_next(next), "error": ""})
    resp.set_cookie(
        PRE_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=settings.cookie_secure
    )
    return resp


@router.post("/login")
def login(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Check the password (rate limited per username and address) and open a session."""
    outcome = auth_service.login(
        store,
        request.app.state.limiter,
        username=username.strip(),
        password=password,
        ip=client_ip(request),
        minutes=settings.session_minutes,
    )
    if outcome.token is None:
        request.state.pre_csrf = request.cookies.get(PRE_CSRF_COOKIE, "")
        ctx = {"next": _safe_next(next), "error": outcome.error}
        return render(request, "login.html", ctx, status_code=outcome.status)
    assert outcome.user is not None
    target = _safe_next(next) or home_path(outcome.user)
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        outcome.token,
        max_age=settings.session_minutes * 60,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
    )
    resp.delete_cookie(PRE_CSRF_COOKIE)
    return resp


@router.post("/logout")
def logout(request: Request, store: StoreDep, sess: SessionDep) -> Response:
    """End the session."""
    auth_service.logout(store, sess.user, request.cookies.get(SESSION_COOKIE), client_ip(request))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/lang/{lang}")
def set_lang(lang: str, request: Request, settings: SettingsDep) -> Response:
    """Switch the interface language (zh or en) and go back."""
    back = _safe_next(request.headers.get("referer", "").split(request.url.netloc, 1)[-1]) or "/"
    resp = RedirectResponse(back, status_code=303)
    if lang in ("zh", "en"):
        resp.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", secure=settings.cookie_secure
        )
    return resp
