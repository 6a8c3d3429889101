"""Typed dependencies: the store, settings, the session, roles and CSRF.

Routes declare who may call them with one of the role aliases
(:data:`AnyUser`, :data:`StaffUser`, :data:`ReaderUser`, …); nothing about
authentication is written out inside a route.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from fenghuang.errors import AccessDenied
from fenghuang.warehouse import Store
from fenghuang.web._schemas import ROLES, CurrentSession, UserPublic
from fenghuang.web._security import same_token
from fenghuang.web._settings import Settings
from fenghuang.web.services.accounts import resolve_session
from fenghuang.web.services.caches import SessionCache, WriteTracker

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
    "session_dependency",
]

SESSION_COOKIE = "fh_session"
PRE_CSRF_COOKIE = "fh_precsrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class LoginRequired(Exception):
    """No valid session: the app answers with a redirect to the login page."""


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_ip(request: Request) -> str:
    """The client address (the direct peer; no proxy headers are trusted)."""
    return request.client.host if request.client else "-"


def _cached_session(request: Request) -> tuple[bool, CurrentSession | None]:
    """``(known, session)`` from ``request.state`` or the app's session cache."""
    if hasattr(request.state, "session"):
        sess: CurrentSession | None = request.state.session
        return True, sess
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        request.state.session = None
        return True, None
    cache: SessionCache | None = getattr(request.app.state, "sessions", None)
    hit = cache.get(token) if cache is not None else None
    if hit is not None:
        request.state.session = hit
        return True, hit
    return False, None


def _resolve(request: Request) -> CurrentSession | None:
    """Ask the store for the session and keep it (unless a write overlapped the read)."""
    token = request.cookies.get(SESSION_COOKIE)
    writes: WriteTracker | None = getattr(request.app.state, "writes", None)
    snap = writes.snapshot() if writes is not None else None
    sess = resolve_session(request.app.state.store, token)
    cache: SessionCache | None = getattr(request.app.state, "sessions", None)
    fresh = writes is not None and snap is not None and writes.unchanged_since(snap)
    if sess is not None and token and cache is not None and fresh:
        cache.put(token, sess)
    request.state.session = sess
    return sess


def maybe_session(request: Request) -> CurrentSession | None:
    """The session of this request, resolved once and kept on ``request.state``.

    From the app's :class:`~fenghuang.web.services.caches.SessionCache` when
    it has it (expiry checked on every hit), else from the store.
    """
    known, sess = _cached_session(request)
    return sess if known else _resolve(request)


async def session_dependency(request: Request) -> CurrentSession | None:
    """:func:`maybe_session` as a dependency: a cache hit stays on the event loop,
    a store query goes to the thread pool (the store may be busy with a job)."""
    known, sess = _cached_session(request)
    if known:
        return sess
    return await run_in_threadpool(_resolve, request)


MaybeSession = Annotated[CurrentSession | None, Depends(session_dependency)]


async def current_session(sess: MaybeSession) -> CurrentSession:
    if sess is None:
        raise LoginRequired()
    return sess


SessionDep = Annotated[CurrentSession, Depends(current_session)]


def roles(*allowed: str) -> Callable[[CurrentSession], Coroutine[Any, Any, UserPublic]]:
    """A dependency giving the current user if its role is in ``allowed``, else 403."""
    unknown = set(allowed) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    async def dep(sess: SessionDep) -> UserPublic:
        if sess.user.role not in allowed:
            raise AccessDenied(
                "E-WEB-FORBIDDEN",
                zh="当前角色无权访问此页面",
                en="your role may not use this page",
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
    sess = await session_dependency(request)
    expected = sess.csrf_token if sess else request.cookies.get(PRE_CSRF_COOKIE)
    if not same_token(sent, expected):
        raise AccessDenied(
            "E-WEB-CSRF",
            zh="请求缺少有效的安全令牌（CSRF），请刷新页面后重试",
            en="missing or wrong CSRF token; reload the page and try again",
        )
