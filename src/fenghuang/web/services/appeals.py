"""Appeals: a firm disputes one fact with evidence; an analyst decides.

An accepted appeal corrects the fact through the warehouse
(``correct_fact``, which keeps the history) and evaluates the year again with
the appeal's method, producing a new run; the appeal records that run so the
firm sees the outcome. Every step is audited.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fenghuang.errors import AccessDenied, InputError, NotFoundError
from fenghuang.facts import FIRM_YEAR_FIELDS
from fenghuang.warehouse import Store
from fenghuang.web._schemas import AppealPublic, UserPublic
from fenghuang.web.services import audit, uploads
from fenghuang.web.services.backend import api, call, run_id_of
from fenghuang.web.services.results import RunCache

__all__ = [
    "APPEALABLE_FIELDS",
    "decide_appeal",
    "file_appeal",
    "get_appeal",
    "list_appeals",
]

#: Numeric firm-year facts a firm may dispute.
APPEALABLE_FIELDS: dict[str, tuple[str, str, str]] = {
    name: (f.zh, f.en, f.unit)
    for name, f in FIRM_YEAR_FIELDS.items()
    if f.dtype in ("float64", "int64") and name != "year"
}

_COLS = (
    "appeal_id, credit_code, year, run_id, field, current_value, claimed_value, reason, upload_id,"
    " status, filed_by, filed_at, decided_by, decided_at, decision_reason, new_run_id"
)


def _forbid(code: str | None = None) -> AccessDenied:
    return AccessDenied(
        "E-WEB-FORBIDDEN", zh="无权操作此异议", en="not allowed on this appeal", firm=code
    )


def _row(r: tuple[Any, ...]) -> AppealPublic:
    return AppealPublic.model_validate(dict(zip(_COLS.split(", "), r, strict=True)))


def file_appeal(
    store: Store,
    *,
    user: UserPublic,
    credit_code: str,
    year: int,
    run_id: str | None,
    field: str,
    claimed_value: float,
    reason: str,
    evidence: bytes,
    evidence_name: str | None,
    upload_dir: Path,
    max_bytes: int,
    current_value: float | None = None,
    ip: str | None = None,
) -> AppealPublic:
    """File an appeal for the user's own firm with one evidence file.

    Raises
    ------
    AccessDenied
        When the user is not the firm named in the form.
    InputError
        For an unknown field, an empty reason or bad evidence (see
        :func:`fenghuang.web.services.uploads.save_evidence`).
    """
    if user.role != "firm" or user.credit_code != credit_code:
        raise _forbid(credit_code)
    if field not in APPEALABLE_FIELDS:
        raise InputError(
            "E-WEB-APPEAL-FIELD",
            zh="不能对该数据项提出异议",
            en="this field cannot be appealed",
            field=field,
        )
    if not reason.strip():
        raise InputError("E-WEB-APPEAL-REASON", zh="请说明理由", en="give a reason", field="reason")
    up = uploads.save_evidence(
        store,
        upload_dir=upload_dir,
        data=evidence,
        original_name=evidence_name,
        credit_code=credit_code,
        user=user,
        max_bytes=max_bytes,
    )
    appeal_id = secrets.token_hex(8)
    store.execute(
        "insert into web_appeals(appeal_id, credit_code, year, run_id, field, current_value,"
        " claimed_value, reason, upload_id, filed_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            appeal_id,
            credit_code,
            year,
            run_id,
            field,
            current_value,
            claimed_value,
            reason.strip(),
            up.upload_id,
            user.username,
        ],
    )
    audit.record(
        store,
        action="appeal",
        actor=user,
        object=f"{credit_code}/{year}/{field}",
        detail=f"appeal={appeal_id} claimed={claimed_value} evidence={up.upload_id}",
        ip=ip,
    )
    return get_appeal(store, user, appeal_id)


def get_appeal(store: Store, user: UserPublic, appeal_id: str) -> AppealPublic:
    """One appeal, if the user may see it (its firm, analysts, admins, leaders)."""
    rows = store.fetch_all(f"select {_COLS} from web_appeals where appeal_id = ?", [appeal_id])
    if not rows:
        raise NotFoundError(
            "E-WEB-NO-APPEAL", zh="异议不存在", en="no such appeal", field=appeal_id
        )
    appeal = _row(rows[0])
    if user.role == "firm" and user.credit_code != appeal.credit_code:
        raise _forbid()
    if user.role == "department":
        raise _forbid()
    return appeal


def list_appeals(store: Store, user: UserPublic) -> list[AppealPublic]:
    """Appeals the user may see, newest first: a firm sees only its own."""
    if user.role == "firm":
        rows = store.fetch_all(
            f"select {_COLS} from web_appeals where credit_code = ? order by filed_at desc",
            [user.credit_code],
        )
    elif user.role in ("admin", "analyst", "leader"):
        rows = store.fetch_all(
            f"select {_COLS} from web_appeals order by status = 'pending' desc, filed_at desc"
        )
    else:
        raise _forbid()
    return [_row(r) for r in rows]


def _method_of(store: Store, run_id: str | None, year: int) -> str:
    from fenghuang.web.services.results import list_runs

    runs = list_runs(store)
    for r in runs:
        if run_id and str(r.get("run_id")) == run_id:
            return str(r["method"])
    for r in runs:
        if int(r.get("year") or 0) == year:
            return str(r["method"])
    raise InputError(
        "E-WEB-APPEAL-RUN", zh="找不到该年度的评价批次", en="no run for that year", value=year
    )


def decide_appeal(
    store: Store,
    *,
    user: UserPublic,
    appeal_id: str,
    accept: bool,
    reason: str,
    cache: RunCache | None = None,
    ip: str | None = None,
) -> AppealPublic:
    """Accept or reject a pending appeal.

    Accepting corrects the fact (``fenghuang.warehouse.correct_fact``, which
    keeps the old value in its history) and runs the evaluation again for
    that year, recording the new run on the appeal.
    """
    if user.role not in ("admin", "analyst"):
        raise _forbid()
    appeal = get_appeal(store, user, appeal_id)
    if appeal.status != "pending":
        raise InputError(
            "E-WEB-APPEAL-DECIDED",
            zh="该异议已处理",
            en="this appeal is already decided",
            field=appeal_id,
        )
    if not reason.strip():
        raise InputError(
            "E-WEB-APPEAL-REASON",
            zh="请填写处理意见",
            en="give the reason for the decision",
            field="reason",
        )
    new_run: str | None = None
    if accept:
        method = _method_of(store, appeal.run_id, appeal.year)
        api("warehouse", "correct_fact")(
            store,
            appeal.credit_code,
            appeal.year,
            appeal.field,
            appeal.claimed_value,
            f"异议 {appeal_id} 采纳：{reason.strip()}",
            user.username,
        )
        new_run = run_id_of(
            call(
                api("evaluation", "run_evaluation"),
                store,
                method,
                appeal.year,
                actor=user.username,
                parent_run=appeal.run_id,
            )
        )
        if cache is not None:
            cache.invalidate()
    store.execute(
        "update web_appeals set status = ?, decided_by = ?, decided_at = current_timestamp,"
        " decision_reason = ?, new_run_id = ? where appeal_id = ? and status = 'pending'",
        ["accepted" if accept else "rejected", user.username, reason.strip(), new_run, appeal_id],
    )
    audit.record(
        store,
        action="appeal_decision",
        actor=user,
        object=f"{appeal.credit_code}/{appeal.year}/{appeal.field}",
        detail=f"appeal={appeal_id} {'accepted' if accept else 'rejected'} new_run={new_run or ''}: {reason.strip()}",
        ip=ip,
    )
    if new_run:
        audit.record(
            store,
            action="run",
            actor=user,
            object=new_run,
            detail=f"after appeal {appeal_id}",
            ip=ip,
        )
    return get_appeal(store, user, appeal_id)
