"""Downloads: Excel lists, the leaders' Word summary, firm Word reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response

from fenghuang.warehouse import Store
from fenghuang.web._deps import FirmReader, ReaderUser, SettingsDep, StoreDep
from fenghuang.web._render import render
from fenghuang.web._schemas import UserPublic
from fenghuang.web._send import send_file
from fenghuang.web._settings import Settings
from fenghuang.web.services import downloads as svc

router = APIRouter(prefix="/downloads")


@router.get("")
def downloads_page(request: Request, store: StoreDep, user: ReaderUser) -> Response:
    """Every run with its files."""
    return render(request, "downloads.html", {"page": svc.downloads_page(store)})


#: Files of a whole run: (service, media type, file name prefix, audit kind).
_RUN_FILES: dict[str, tuple[Callable[..., Path], str, str, str]] = {
    "list": (svc.results_xlsx, svc.XLSX, "评价结果", "results_list"),
    "surcharges": (svc.surcharges_xlsx, svc.XLSX, "差别化价格执行名单", "surcharge_list"),
    "summary": (svc.summary_docx, svc.DOCX, "领导汇总报告", "summary"),
}


def _run_file(
    what: str, run_id: str, request: Request, store: Store, settings: Settings, user: UserPublic
) -> Response:
    write, media, prefix, kind = _RUN_FILES[what]
    path = write(
        store,
        request.app.state.runs,
        run_id=run_id,
        out_dir=settings.cache / "downloads",
        city=settings.city_name,
        synthetic=request.app.state.synthetic(),
    )
    suffix = ".docx" if media == svc.DOCX else ".xlsx"
    return send_file(
        request,
        store,
        user,
        path,
        media_type=media,
        filename=f"{prefix}-{run_id}{suffix}",
        kind=kind,
        target=run_id,
    )


@router.get("/list/{run_id}.xlsx")
def results_list(
    run_id: str, request: Request, store: StoreDep, settings: SettingsDep, user: ReaderUser
) -> Response:
    """The run's results as an Excel list."""
    return _run_file("list", run_id, request, store, settings, user)


@router.get("/surcharges/{run_id}.xlsx")
def surcharges(
    run_id: str, request: Request, store: StoreDep, settings: SettingsDep, user: ReaderUser
) -> Response:
    """The run's surcharge execution list (差别化价格执行名单) for the utilities."""
    return _run_file("surcharges", run_id, request, store, settings, user)


@router.get("/summary/{run_id}.docx")
def summary(
    run_id: str, request: Request, store: StoreDep, settings: SettingsDep, user: ReaderUser
) -> Response:
    """The leaders' Word summary."""
    return _run_file("summary", run_id, request, store, settings, user)


@router.get("/firm/{credit_code}.docx")
def firm_report(
    credit_code: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: FirmReader,
    run: str = "",
) -> Response:
    """A firm's Word 体检报告 (a firm gets only its own)."""
    path = svc.firm_report(
        store,
        request.app.state.runs,
        user=user,
        credit_code=credit_code,
        run_id=run or None,
        out_dir=settings.cache / "downloads",
        city=settings.city_name,
        synthetic=request.app.state.synthetic(),
    )
    return send_file(
        request,
        store,
        user,
        path,
        media_type=svc.DOCX,
        filename=f"企业体检报告-{credit_code}.docx",
        kind="firm_report",
        target=f"{credit_code}@{run or 'latest'}",
    )
