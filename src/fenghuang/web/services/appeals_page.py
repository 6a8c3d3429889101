"""The appeals page: the user's appeals and, for a firm, the form's choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import UploadFile

from fenghuang.warehouse import Store
from fenghuang.web._schemas import AppealPublic, UploadPublic, UserPublic
from fenghuang.web.services import appeals, uploads
from fenghuang.web.services.firms import firm_facts_table
from fenghuang.web.services.results import list_runs

__all__ = ["AppealsPage", "appeals_page", "evidence_file", "file_from_form"]


@dataclass
class AppealsPage:
    """Appeals visible to the user and the firm's form choices."""

    appeals: list[AppealPublic]
    fields: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    run_id: str = ""
    preselect: str = ""  # the field to preselect (from the firm page's data table)
    current: dict[str, float] = field(default_factory=dict)  # the firm's values in years[0]
    labels: dict[str, tuple[str, str, str]] = field(
        default_factory=lambda: dict(appeals.APPEALABLE_FIELDS)
    )  # field → (zh, en, unit), for the list


def appeals_page(
    store: Store,
    *,
    user: UserPublic,
    year: int | None,
    run_id: str | None,
    field_name: str = "",
) -> AppealsPage:
    """The appeals page for ``user``; a firm's form preselects ``field_name`` and shows
    the value the warehouse holds for each field of the chosen year."""
    page = AppealsPage(appeals.list_appeals(store, user))
    if user.role == "firm":
        runs = list_runs(store)
        page.fields = appeals.APPEALABLE_FIELDS
        page.years = sorted({int(r["year"]) for r in runs if r.get("year")}, reverse=True)
        if year and year in page.years:
            page.years.remove(year)
            page.years.insert(0, year)
        page.run_id = run_id or next(
            (str(r["run_id"]) for r in runs if page.years and int(r["year"]) == page.years[0]), ""
        )
        page.preselect = field_name if field_name in page.fields else ""
        if page.years and user.credit_code:
            rows, _ = firm_facts_table(store, user.credit_code, page.years[0])
            for r in rows:
                if r.get("value") is not None:
                    page.current.setdefault(str(r["field"]), float(r["value"]))
    return page


async def file_from_form(
    store: Store,
    *,
    user: UserPublic,
    credit_code: str,
    year: int,
    run_id: str,
    field_name: str,
    claimed_value: float,
    reason: str,
    evidence: UploadFile,
    upload_dir: Path,
    max_bytes: int,
    ip: str,
) -> AppealPublic:
    """Read the uploaded evidence (at most ``max_bytes`` + 1) and file the appeal."""
    data = await evidence.read(max_bytes + 1)
    return appeals.file_appeal(
        store,
        user=user,
        credit_code=credit_code,
        year=year,
        run_id=run_id or None,
        field=field_name,
        claimed_value=claimed_value,
        reason=reason,
        evidence=data,
        evidence_name=evidence.filename,
        upload_dir=upload_dir,
        max_bytes=max_bytes,
        ip=ip,
    )


def evidence_file(
    store: Store, *, user: UserPublic, appeal_id: str, upload_dir: Path
) -> tuple[Path, str, UploadPublic]:
    """The evidence of an appeal the user may see: path, MIME type, metadata."""
    appeal = appeals.get_appeal(store, user, appeal_id)
    if not appeal.upload_id:
        from fenghuang.errors import NotFoundError

        raise NotFoundError("E-WEB-NO-UPLOAD", zh="没有证明材料", en="no evidence", field=appeal_id)
    path, mime = uploads.evidence_path(store, upload_dir, appeal.upload_id)
    return path, mime, uploads.get_upload(store, appeal.upload_id)
