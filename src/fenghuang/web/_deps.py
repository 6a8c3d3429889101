"""Typed dependencies: the store, settings, the session, roles and CSRF.

Routes declare who may call them with one of the role aliases
(:data:`AnyUser`, :data:`StaffUser`, :data:`ReaderUser`, …); nothing about
authentication is written out inside a route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from fenghuang.errors import AccessDenied
from fenghuang.warehouse import Store
from fenghuang.web._schemas import ROLES, CurrentSession, UserPublic
from fenghuang.web._security import same_token
from fenghuang.web._settings import Settings
from fenghuang.web.services.accounts import resolve_session

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "PRE_CSRF_COOKIE",
    "SESSION_COOKIE",
    "AdminUser",
    "AnyUser",
    "DataUser",
    "FirmReader",
    "LoginRequired",
    "MaybeSession",
    "ReaderUser",
    "SessionDep",
    "SettingsDep",
    "StaffUser",
    "StoreDep",
    "client_ip",
    "csrf_protect",
    "roles",
]

SESSION_COOKIE = "fh_session"
PRE_CSRF_COOKIE = "fh_precsrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class LoginRequired(Exception):
    """No valid session: the app answers with a redirect to the login page."""


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_ip(request: Request) -> str:
    """The client address (the direct peer; no proxy headers are trusted)."""
    return request.client.host if request.client else "-"


def maybe_session(request: Request) -> CurrentSession | None:
    """The session of this request, resolved once and kept on ``request.state``."""
    if not hasattr(request.state, "session"):
        store: Store = request.app.state.store
        request.state.session = resolve_session(store, request.cookies.get(SESSION_COOKIE))
    sess: CurrentSession | None = request.state.session
    return sess


MaybeSession = Annotated[CurrentSession | None, Depends(maybe_session)]


def current_session(sess: MaybeSession) -> CurrentSession:
    if sess is None:
        raise LoginRequired()
    return sess


SessionDep = Annotated[CurrentSession, Depends(current_session)]


def roles(*allowed: str) -> Callable[[CurrentSession], UserPublic]:
    """A dependency giving the current user if its role is in ``allowed``, else 403."""
    unknown = set(allowed) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def dep(sess: SessionDep) -> UserPublic:
        if sess.user.role not in allowed:
            raise AccessDenied(
                "E-WEB-FORBIDDEN",
                zh="当前角色无权访问此页面",
                en="your role may not use this page",
                field=sess.user.role,
            )
        return sess.user

    dep.allowed_roles = allowed  # type: ignore[attr-defined]
    return dep


AnyUser = Annotated[UserPublic, Depends(roles(*ROLES))]
AdminUser = Annotated[UserPublic, Depends(roles("admin"))]
StaffUser = Annotated[UserPublic, Depends(roles("admin", "analyst"))]
ReaderUser = Annotated[UserPublic, Depends(roles("admin", "analyst", "leader"))]
DataUser = Annotated[UserPublic, Depends(roles("admin", "analyst", "department"))]
FirmReader = Annotated[UserPublic, Depends(roles("admin", "analyst", "leader", "firm"))]


async def csrf_protect(request: Request) -> None:
    """Refuse an unsafe request without the right CSRF token (403).

    The token comes in the ``csrf_token`` form field or the ``X-CSRF-Token``
    header (htmx sends it from ``hx-headers`` on ``<body>``). Logged in, it
    must equal the session's token; before login (the login form) it must
    equal the ``fh_precsrf`` cookie (double submit).
    """
    if request.method not in _UNSAFE:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form: Any = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    sess = maybe_session(request)
    expected = sess.csrf_token if sess else request.cookies.get(PRE_CSRF_COOKIE)
    if not same_token(sent, expected):
        raise AccessDenied(
            "E-WEB-CSRF",
            zh="请求缺少有效的安全令牌（CSRF），请刷新页面后重试",
            en="missing or wrong CSRF token; reload the page and try again",
        )
