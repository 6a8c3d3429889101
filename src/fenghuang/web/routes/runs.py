"""Evaluation runs: list, run (background job polled by htmx), compare, publish."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from fenghuang.web._deps import ReaderUser, SettingsDep, StaffUser, StoreDep, client_ip
from fenghuang.web._render import render
from fenghuang.web.services import runs as svc

router = APIRouter(prefix="/runs")


@router.get("")
def runs_page(
    request: Request, store: StoreDep, settings: SettingsDep, user: ReaderUser
) -> Response:
    """Runs, the form to start one, and the compare form."""
    page = svc.runs_page(store, request.app.state.runs, publicity_days=settings.publicity_days)
    return render(request, "runs.html", {"page": page})


@router.post("")
def start_run(
    request: Request,
    store: StoreDep,
    user: StaffUser,
    method: Annotated[str, Form(max_length=100)],
    year: Annotated[int, Form(ge=1990, le=2100)],
) -> Response:
    """Start an evaluation in the background; answers with the progress fragment."""
    job = svc.start_run(
        store,
        request.app.state.jobs,
        request.app.state.runs,
        user=user,
        method=method,
        year=year,
        ip=client_ip(request),
    )
    return render(request, "runs_job.html", {"job": job})


@router.get("/jobs/{job_id}")
def job_status(job_id: str, request: Request, user: StaffUser) -> Response:
    """The progress fragment (htmx polls it every second until done)."""
    return render(request, "runs_job.html", {"job": request.app.state.jobs.get(job_id)})


@router.get("/compare")
def compare(request: Request, store: StoreDep, user: ReaderUser, a: str, b: str) -> Response:
    """Who moved between two runs, and why."""
    return render(
        request, "runs_compare.html", {"cmp": svc.compare(store, request.app.state.runs, a=a, b=b)}
    )


@router.post("/{run_id}/publish")
def publish(
    run_id: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: StaffUser,
    days: Annotated[int, Form(ge=1, le=60)] = 7,
) -> Response:
    """Open a run's results for 公示."""
    svc.publish(
        store, request.app.state.runs, user=user, run_id=run_id, days=days, ip=client_ip(request)
    )
    return RedirectResponse("/publicity", status_code=303)
