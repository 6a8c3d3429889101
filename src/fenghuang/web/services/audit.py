"""The append-only audit log (table ``web_audit``).

Only :func:`record` writes to it, and it only inserts: no function here
updates or deletes a line. Every change made through the web application —
login, import, confirmation, run, publication, appeal and its decision, role
change — is recorded with who, when, from where and what, and so is every file
downloaded and every request refused (:data:`ACTIONS`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fenghuang.warehouse import Store
from fenghuang.web._i18n import translate
from fenghuang.web._schemas import AuditEntry, UserPublic

__all__ = ["ACTIONS", "export_audit", "list_audit", "record"]

#: Every action the log knows, in the order the admin page offers them.
ACTIONS: tuple[str, ...] = (
    "login",
    "login_failed",
    "login_limited",
    "logout",
    "seed_accounts",
    "role",
    "user_create",
    "user_disable",
    "password_reset",
    "password_change",
    "import",
    "confirm",
    "run",
    "publish",
    "appeal",
    "appeal_decision",
    "monitor_extract",
    "monitor_verify",
    "download",
    "denied",
)

#: Lines read per query by :func:`export_audit`.
EXPORT_PAGE = 20_000

_COLS = ("audit_id", "at", "actor", "role", "action", "object", "detail", "ip")
_SQL_COLS = "audit_id, logged_at, actor, role, action, target, detail, ip"


def record(
    store: Store,
    *,
    action: str,
    actor: UserPublic | str | None,
    object: str | None = None,
    detail: str | None = None,
    ip: str | None = None,
) -> None:
    """Append one line to the audit log (``action`` is one of :data:`ACTIONS`)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if isinstance(actor, UserPublic):
        name: str | None = actor.username
        role: str | None = actor.role
    else:
        name, role = actor, None
    store.execute(
        "insert into web_audit(actor, role, action, target, detail, ip) values (?, ?, ?, ?, ?, ?)",
        [name, role, action, object, detail, ip],
    )


def list_audit(store: Store, *, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
    """The newest lines first (optionally of one action)."""
    where, params = "", []
    if action:
        where, params = "where action = ?", [action]
    rows = store.fetch_all(
        f"select {_SQL_COLS} from web_audit {where} order by audit_id desc limit {int(limit)}",
        params,
    )
    return [AuditEntry.model_validate(dict(zip(_COLS, r, strict=True))) for r in rows]


def export_audit(
    store: Store, path: Path, *, action: str | None = None, synthetic: bool = False
) -> Path:
    """The whole log (or one action's lines), oldest first, as the 操作日志 workbook.

    Read in pages of :data:`EXPORT_PAGE` lines (each a short query, so the
    store is not held while the workbook is written) into a write-only
    workbook: a log of millions of lines needs little memory.
    """
    from fenghuang.reports import write_audit_log

    def rows() -> Iterator[dict[str, Any]]:
        last: Any = 0
        while True:
            cond, params = "audit_id > ?", [last]
            if action:
                cond += " and action = ?"
                params.append(action)
            page = store.fetch_all(
                f"select {_SQL_COLS} from web_audit where {cond} "
                f"order by audit_id limit {EXPORT_PAGE}",
                params,
            )
            for r in page:
                line = dict(zip(_COLS, r, strict=True))
                line["action_label"] = translate(f"audit.{line['action']}", "zh")
                yield line
            if len(page) < EXPORT_PAGE:
                return
            last = int(page[-1][0])

    filters = f"{translate(f'audit.{action}', 'zh')}（{action}）" if action else ""
    return write_audit_log(rows(), path, synthetic=synthetic, filters=filters)
