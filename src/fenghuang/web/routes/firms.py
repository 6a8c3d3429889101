"""Firm search and the firm page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from fenghuang.web._deps import FirmReader, ReaderUser, StoreDep
from fenghuang.web._render import render, request_lang
from fenghuang.web.services import firms as svc
from fenghuang.web.services.appeals import APPEALABLE_FIELDS

router = APIRouter(prefix="/firms")


@router.get("")
def search(request: Request, store: StoreDep, user: ReaderUser, q: str = "") -> Response:
    """Find a firm by credit code, name or former name."""
    hits = svc.search_firms(store, request.app.state.runs, q=q)
    template = "firms_results.html" if request.headers.get("hx-request") else "firms.html"
    return render(request, template, {"q": q, "hits": hits})


@router.get("/{credit_code}")
def firm(
    credit_code: str, request: Request, store: StoreDep, user: FirmReader, run: str = ""
) -> Response:
    """One firm: diagnostic, lift, bill, data and lineage (a firm sees only itself)."""
    page = svc.firm_page(
        store,
        request.app.state.runs,
        user=user,
        credit_code=credit_code,
        run_id=run or None,
        lang=request_lang(request),
        lineage=request.app.state.lineage,
    )
    return render(
        request,
        "firm.html",
        {
            "page": page,
            "code": credit_code,
            "fact_headers": svc.FACT_HEADERS,
            "appealable": APPEALABLE_FIELDS,
        },
    )
