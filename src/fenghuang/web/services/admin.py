"""Administration: the audit log page and role changes."""

from __future__ import annotations

from dataclasses import dataclass

from fenghuang.errors import InputError
from fenghuang.facts import DEPARTMENTS
from fenghuang.warehouse import Store
from fenghuang.web._schemas import ROLES, AuditEntry, UserPublic
from fenghuang.web.services import accounts, audit

__all__ = ["AdminPage", "admin_page", "change_role"]


@dataclass(frozen=True)
class AdminPage:
    """What the admin page shows."""

    users: list[UserPublic]
    audit: list[AuditEntry]
    roles: tuple[str, ...]
    departments: dict[str, str]
    actions: tuple[str, ...]
    action: str


def admin_page(store: Store, *, limit: int = 300, action: str = "") -> AdminPage:
    """Users and the newest audit lines (of one action when ``action`` is given)."""
    if action and action not in audit.ACTIONS:
        raise InputError(
            "E-WEB-AUDIT-ACTION",
            zh=f"未知的操作类型 {action}",
            en=f"unknown audit action {action}",
            hint_zh="操作类型为 " + "/".join(audit.ACTIONS),
            hint_en="actions are " + "/".join(audit.ACTIONS),
        )
    lines = audit.list_audit(store, limit=limit, action=action or None)
    return AdminPage(accounts.list_users(store), lines, ROLES, DEPARTMENTS, audit.ACTIONS, action)


def change_role(
    store: Store,
    *,
    actor: UserPublic,
    username: str,
    role: str,
    department: str | None,
    credit_code: str | None,
    ip: str,
) -> UserPublic:
    """Change a user's role (ending their sessions) and audit it."""
    user = accounts.set_role(
        store,
        username=username,
        role=role,
        department=department or None,
        credit_code=credit_code or None,
    )
    detail = f"role={role} department={department or ''} credit_code={credit_code or ''}"
    audit.record(store, action="role", actor=actor, object=username, detail=detail, ip=ip)
    return user
