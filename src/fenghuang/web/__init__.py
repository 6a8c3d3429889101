"""The web application: FastAPI, server-rendered Jinja2 pages, htmx and ECharts.

Build it with :func:`create_app` (settings in, nothing global); serve it with
``fenghuang serve``. Routers are listed in :data:`fenghuang.web.routes.ROUTERS`
— adding an area is one line there (see that module's docstring).
"""

from fenghuang.web._app import create_app
from fenghuang.web._schemas import ROLES, UserPublic
from fenghuang.web._settings import Settings
from fenghuang.web.services.accounts import create_user, list_users, set_role
from fenghuang.web.services.audit import list_audit
from fenghuang.web.services.audit import record as record_audit
from fenghuang.web.services.demo import seed_demo_accounts

__all__ = [
    "ROLES",
    "Settings",
    "UserPublic",
    "create_app",
    "create_user",
    "list_audit",
    "list_users",
    "record_audit",
    "seed_demo_accounts",
    "set_role",
]
