"""The routers of the web application, gathered in one list.

To add a page area, write ``fenghuang/web/routes/<area>.py`` with a
module-level ``router = APIRouter()`` (templates under
``web/templates/<area>/``) and add ONE line to :data:`ROUTERS` below — e.g.
the city monitor's ``"fenghuang.web.routes.cities"``. Every router gets the
app-wide CSRF check automatically; declare who may call a route with the role
dependencies in :mod:`fenghuang.web._deps` (``AnyUser``, ``StaffUser``,
``ReaderUser``, ``AdminUser``, ``DataUser``, ``FirmReader``), call one service
and render one template with :func:`fenghuang.web._render.render`. The
authorisation test enumerates ``app.routes``, so a new route is checked too.
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter, FastAPI

__all__ = ["ROUTERS", "include_routers"]

#: Modules with a ``router``; order is the order of matching.
ROUTERS: list[str] = [
    "fenghuang.web.routes.auth",
    "fenghuang.web.routes.overview",
    "fenghuang.web.routes.runs",
    "fenghuang.web.routes.firms",
    "fenghuang.web.routes.data",
    "fenghuang.web.routes.publicity",
    "fenghuang.web.routes.appeals",
    "fenghuang.web.routes.downloads",
    "fenghuang.web.routes.admin",
    "fenghuang.web.routes.account",
    "fenghuang.web.routes.cities",
]


def include_routers(app: FastAPI) -> None:
    """Include every router of :data:`ROUTERS` in ``app``."""
    for name in ROUTERS:
        router: APIRouter = importlib.import_module(name).router
        app.include_router(router)
