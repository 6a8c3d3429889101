"""The application factory: ``create_app(settings)`` builds everything.

Nothing is created at import time. The factory opens (or takes) the store,
builds the templates, the login limiter, the job runner and the caches, keeps
them on ``app.state``, mounts the static files, installs the security
headers and error pages, and includes every router listed in
:data:`fenghuang.web.routes.ROUTERS`.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fenghuang.errors import AccessDenied, FenghuangError, InputError, NotFoundError
from fenghuang.warehouse import Store
from fenghuang.web._deps import LoginRequired, client_ip, csrf_protect
from fenghuang.web._render import make_templates, render
from fenghuang.web._security import LoginLimiter
from fenghuang.web._settings import Settings
from fenghuang.web.routes import include_routers
from fenghuang.web.services import audit
from fenghuang.web.services.caches import SessionCache, WriteTracker
from fenghuang.web.services.jobs import JobRunner
from fenghuang.web.services.lineage import LineageCache
from fenghuang.web.services.results import RunCache
from fenghuang.web.services.site import detect_synthetic

__all__ = ["STATIC_DIR", "create_app"]

STATIC_DIR = Path(__file__).parent / "static"

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """ASGI middleware adding the security headers, ``no-store`` on every page
    that is not a static asset (firm pages must never be cached), and refusing
    request bodies larger than ``max_body`` bytes (413) before they are read."""

    def __init__(self, app: ASGIApp, max_body: int = 16 * 1024 * 1024) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > self.max_body:
                too_big = Response("request too large", status_code=413)
                await too_big(scope, receive, send)
                return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: Form posts that never change the source tables (only imports do); any
#: other unsafe request is counted as a possible import by the caches.
_NO_SOURCE_WRITES = (
    "/login",
    "/logout",
    "/data/confirm",
    "/appeals",
    "/runs",
    "/admin/",
    "/account/",
    "/cities/",
)
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class WriteTracking:
    """ASGI middleware marking every unsafe request as a write of the store.

    The server is the store's only writer, so its caches (sessions, firm
    lineage) stay valid between its own writes: during each form post the
    :class:`~fenghuang.web.services.caches.WriteTracker` counts a write in
    flight, and the session cache is emptied before and after it.
    """

    def __init__(self, app: ASGIApp, writes: WriteTracker, sessions: SessionCache) -> None:
        self.app = app
        self.writes = writes
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in _UNSAFE:
            await self.app(scope, receive, send)
            return
        sources = not str(scope.get("path", "")).startswith(_NO_SOURCE_WRITES)
        self.sessions.clear()
        try:
            with self.writes.writing(sources=sources):
                await self.app(scope, receive, send)
        finally:
            self.sessions.clear()


def _error_page(request: Request, exc: FenghuangError, status: int) -> Response:
    if request.headers.get("hx-request"):
        lang = request.cookies.get("fh_lang", "zh")
        text = exc.message("en" if lang == "en" else "zh")
        return Response(text, status_code=status, media_type="text/plain; charset=utf-8")
    return render(request, "error.html", {"error": exc, "status": status}, status_code=status)


def _audit_denied(request: Request, exc: AccessDenied) -> None:
    """Write a refused request (a role, or a firm asking for another firm) to the audit log."""
    sess = getattr(request.state, "session", None)
    audit.record(
        request.app.state.store,
        action="denied",
        actor=sess.user if sess is not None else None,
        object=f"{request.method} {request.url.path}",
        detail=exc.code,
        ip=client_ip(request),
    )


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if request.method == "GET" and not request.headers.get("hx-request"):
            nxt = request.url.path
            return RedirectResponse(f"/login?next={nxt}", status_code=303)
        return Response("login required", status_code=401, headers={"HX-Redirect": "/login"})

    @app.exception_handler(AccessDenied)
    async def _denied(request: Request, exc: AccessDenied) -> Response:
        await run_in_threadpool(_audit_denied, request, exc)
        return _error_page(request, exc, 403)

    @app.exception_handler(NotFoundError)
    async def _missing(request: Request, exc: NotFoundError) -> Response:
        return _error_page(request, exc, 404)

    @app.exception_handler(InputError)
    async def _bad(request: Request, exc: InputError) -> Response:
        return _error_page(request, exc, 400)

    @app.exception_handler(FenghuangError)
    async def _other(request: Request, exc: FenghuangError) -> Response:
        return _error_page(request, exc, 500)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            err = NotFoundError("E-WEB-404", zh="页面不存在", en="page not found")
            return _error_page(request, err, 404)
        return Response(str(exc.detail), status_code=exc.status_code)


def _synthetic_flag(settings: Settings, store: Store) -> Any:
    cache: dict[str, Any] = {"at": -1e9, "value": False}

    def flag() -> bool:
        if settings.synthetic is not None:
            return settings.synthetic
        now = time.monotonic()
        if now - cache["at"] > 30:
            cache["value"] = detect_synthetic(store)
            cache["at"] = now
        return bool(cache["value"])

    return flag


def _check_upload_dir(settings: Settings) -> None:
    """Refuse an upload directory inside the package (the web root and templates)."""
    uploads = settings.uploads.resolve()
    package = STATIC_DIR.parent.resolve()
    if uploads == package or package in uploads.parents:
        raise InputError(
            "E-WEB-UPLOAD-DIR",
            zh=f"上传目录不能位于网站目录之内：{uploads}",
            en=f"the upload directory must lie outside the web root: {uploads}",
            file=str(uploads),
            hint_zh="请将 FENGHUANG_UPLOAD_DIR 设为数据目录下的文件夹",
            hint_en="set FENGHUANG_UPLOAD_DIR to a folder next to the store",
        )


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """Build the web application.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to :meth:`Settings.from_env`.
    store : Store, optional
        An open store to use (tests); otherwise ``settings.store_path`` is
        opened and closed with the application.

    Raises
    ------
    InputError
        ``E-WEB-UPLOAD-DIR`` when the upload directory lies inside the web
        root (``fenghuang/web/``), where it could be served.

    Returns
    -------
    FastAPI
        The application; ``app.state`` holds ``settings``, ``store``,
        ``templates``, ``limiter``, ``jobs``, ``runs`` (loaded runs),
        ``writes`` (the write tracker), ``sessions`` (resolved sessions),
        ``lineage`` (firms' source rows by year) and ``cache`` (a dict
        other areas may keep derived data in).
    """
    settings = settings or Settings.from_env()
    _check_upload_dir(settings)
    own_store = store is None
    the_store = store if store is not None else Store(settings.store_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.jobs.shutdown()
        if own_store:
            the_store.close()

    app = FastAPI(
        title="Fenghuang",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.templates = make_templates()
    app.state.limiter = LoginLimiter(settings.login_max_failures, settings.login_window_seconds)
    app.state.writes = WriteTracker()
    app.state.sessions = SessionCache()
    app.state.jobs = JobRunner(app.state.writes)
    app.state.cache = {}
    app.state.runs = RunCache()
    app.state.lineage = LineageCache(app.state.writes)
    app.state.synthetic = _synthetic_flag(settings, the_store)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_errors(app)
    include_routers(app)
    app.add_middleware(WriteTracking, writes=app.state.writes, sessions=app.state.sessions)
    app.add_middleware(SecurityHeaders, max_body=settings.max_upload_bytes + 1024 * 1024)
    return app
