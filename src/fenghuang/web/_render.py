"""Rendering: one helper that gives every template the same context.

Each page gets ``lang``, ``t`` (translation), ``user``, ``csrf_token``,
``synthetic`` (show the 模拟数据 banner) and the Jinja filters ``yuan``,
``num`` and ``pct``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.responses import HTMLResponse

from fenghuang.industries import industry_label
from fenghuang.web._deps import maybe_session
from fenghuang.web._format import fmt_num, fmt_pct, fmt_time, fmt_yuan
from fenghuang.web._i18n import translate

__all__ = ["LANG_COOKIE", "make_templates", "render", "request_lang"]

LANG_COOKIE = "fh_lang"


def request_lang(request: Request) -> str:
    """``zh`` or ``en`` from the language cookie, else the configured default."""
    lang = request.cookies.get(LANG_COOKIE)
    if lang in ("zh", "en"):
        return lang
    return str(request.app.state.settings.default_lang)


@pass_context
def _t(ctx: Context, key: str) -> str:
    return translate(key, str(ctx.get("lang", "zh")))


@pass_context
def _industry(ctx: Context, row: Mapping[str, Any]) -> str:
    """A result row's industry (``normalise_row``): on English pages its code with the
    division's English name."""
    code = row.get("industry_code")
    if ctx.get("lang") == "en" and code:
        return industry_label(code, "en")
    return str(row.get("industry") or "")


@pass_context
def _yuan(ctx: Context, v: Any) -> str:
    return fmt_yuan(v, str(ctx.get("lang", "zh")))


def make_templates(extra_dirs: list[Path] | None = None) -> Jinja2Templates:
    """The Jinja environment with the package templates, ``t`` and the number filters."""
    dirs = [Path(__file__).parent / "templates", *(extra_dirs or [])]
    templates = Jinja2Templates(directory=dirs)
    env = templates.env
    env.globals["t"] = _t
    env.filters["yuan"] = _yuan
    env.filters["industry"] = _industry
    env.filters["num"] = fmt_num
    env.filters["pct"] = fmt_pct
    env.filters["time"] = fmt_time
    env.autoescape = True
    env.auto_reload = False  # package files: no stat of each template on every page
    return templates


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``name`` with the common context plus ``context``."""
    sess = maybe_session(request)
    ctx: dict[str, Any] = {
        "lang": request_lang(request),
        "session": sess,
        "user": sess.user if sess else None,
        "csrf_token": sess.csrf_token if sess else getattr(request.state, "pre_csrf", ""),
        "synthetic": request.app.state.synthetic(),
        "city": request.app.state.settings.city_name,
        "path": request.url.path,
    }
    ctx.update(context or {})
    templates: Jinja2Templates = request.app.state.templates
    resp: HTMLResponse = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    return resp
