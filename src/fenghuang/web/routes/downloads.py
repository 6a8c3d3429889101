"""Downloads: Excel lists, the leaders' Word summary, firm Word reports."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from fenghuang.web._deps import FirmReader, ReaderUser, SettingsDep, StoreDep
from fenghuang.web._render import render
from fenghuang.web._send import send_file
from fenghuang.web.services import downloads as svc

router = APIRouter(prefix="/downloads")


@router.get("")
def downloads_page(request: Request, store: StoreDep, user: ReaderUser) -> Response:
    """Every run with its files."""
    return render(request, "downloads.html", {"page": svc.downloads_page(store)})


@router.get("/list/{run_id}.xlsx")
def results_list(
    run_id: str, request: Request, store: StoreDep, settings: SettingsDep, user: ReaderUser
) -> Response:
    """The run's results as an Excel list."""
    path = svc.results_xlsx(
        store,
        request.app.state.runs,
        run_id=run_id,
        out_dir=settings.cache / "downloads",
        city=settings.city_name,
        synthetic=request.app.state.synthetic(),
    )
    return send_file(
        request,
        store,
        user,
        path,
        media_type=svc.XLSX,
        filename=f"评价结果-{run_id}.xlsx",
        kind="results_list",
        target=run_id,
    )


@router.get("/surcharges/{run_id}.xlsx")
def surcharges(
    run_id: str, request: Request, store: StoreDep, settings: SettingsDep, user: ReaderUser
) -> Response:
    """The run's surcharge execution list (差别化价格执行名单) for the utilities."""
    path = svc.surcharges_xlsx(
        store,
        request.app.state.runs,
        run_id=run_id,
        out_dir=settings.cache / "downloads",
        city=settings.city_name,
        synthetic=request.app.state.synthetic(),
    )
    return send_file(
        request,
        store,
        user,
        path,
        media_type=svc.XLSX,
        filename=f"差别化价格执行名单-{run_id}.xlsx",
        kind="surcharge_list",
        target=run_id,
    )


@router.get("/summary/{run_id}.docx")
def summary(
    run_id: str, request: Request, store: StoreDep, settings: SettingsDep, user: ReaderUser
) -> Response:
    """The leaders' Word summary."""
    path = svc.summary_docx(
        store,
        request.app.state.runs,
        run_id=run_id,
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
        filename=f"领导汇总报告-{run_id}.docx",
        kind="summary",
        target=run_id,
    )


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
