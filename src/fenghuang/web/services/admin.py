"""Administration: the audit log page and role changes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from fenghuang.errors import InputError
from fenghuang.facts import DEPARTMENTS
from fenghuang.warehouse import Store
from fenghuang.web._schemas import ROLES, AuditEntry, UserPublic
from fenghuang.web._security import LoginLimiter
from fenghuang.web.services import accounts, audit

__all__ = [
    "AdminPage",
    "admin_page",
    "audit_workbook",
    "change_own_password",
    "change_role",
    "create_account",
    "disable_account",
    "reset_password",
]


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
    _check_action(action)
    lines = audit.list_audit(store, limit=limit, action=action or None)
    return AdminPage(accounts.list_users(store), lines, ROLES, DEPARTMENTS, audit.ACTIONS, action)


def _check_action(action: str) -> None:
    if action and action not in audit.ACTIONS:
        raise InputError(
            "E-WEB-AUDIT-ACTION",
            zh=f"未知的操作类型 {action}",
            en=f"unknown audit action {action}",
            hint_zh="操作类型为 " + "/".join(audit.ACTIONS),
            hint_en="actions are " + "/".join(audit.ACTIONS),
        )


def audit_workbook(store: Store, *, action: str, out_dir: Path, synthetic: bool) -> Path:
    """The audit log (of ``action`` when given) written to a new file in ``out_dir``."""
    _check_action(action)
    path = out_dir / f"audit-{secrets.token_hex(8)}.xlsx"
    return audit.export_audit(store, path, action=action or None, synthetic=synthetic)


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


def create_account(
    store: Store,
    *,
    actor: UserPublic | str,
    username: str,
    password: str,
    role: str,
    department: str,
    credit_code: str,
    display_name: str,
    ip: str | None,
) -> UserPublic:
    """Create an account (argon2id-hashed password, the policy of
    :func:`~fenghuang.web.services.accounts.check_password`) and audit it.

    ``actor`` is the administrator, or a name such as ``cli:root`` for the
    command line (``fenghuang users``), which has no address (``ip=None``)."""
    user = accounts.create_user(
        store,
        username=username.strip(),
        password=password,
        role=role,
        department=department or None,
        credit_code=credit_code.strip() or None,
        display_name=display_name.strip() or None,
    )
    detail = f"role={role} department={department or ''} credit_code={credit_code or ''}"
    audit.record(
        store, action="user_create", actor=actor, object=user.username, detail=detail, ip=ip
    )
    return user


def reset_password(
    store: Store, *, actor: UserPublic | str, username: str, password: str, ip: str | None
) -> None:
    """An administrator sets a user's password (the user's sessions end) and it is audited."""
    accounts.set_password(store, username=username, password=password)
    audit.record(store, action="password_reset", actor=actor, object=username, ip=ip)


def disable_account(
    store: Store, *, actor: UserPublic | str, username: str, ip: str | None
) -> None:
    """Stop an account (not one's own) and audit it."""
    if username == (actor.username if isinstance(actor, UserPublic) else actor):
        raise InputError(
            "E-WEB-USER-SELF", zh="不能停用自己的账号", en="you cannot disable your own account"
        )
    accounts.deactivate_user(store, username=username)
    audit.record(store, action="user_disable", actor=actor, object=username, ip=ip)


def change_own_password(
    store: Store,
    *,
    user: UserPublic,
    current: str,
    new: str,
    repeat: str,
    token: str,
    ip: str,
    limiter: LoginLimiter | None = None,
) -> None:
    """A user changes their own password; their other sessions end, this one stays.

    Wrong current passwords count against ``limiter`` like failed logins, so a
    left-open session cannot be used to guess the password.
    """
    if limiter is not None and not limiter.allowed(user.username, ip):
        raise InputError(
            "E-WEB-LOGIN-LIMITED",
            zh="失败次数过多，请稍后再试",
            en="too many failed attempts; try again later",
        )
    if new != repeat:
        raise InputError(
            "E-WEB-PASSWORD", zh="两次输入的新密码不一致", en="the two new passwords differ"
        )
    try:
        accounts.change_password(
            store, username=user.username, current=current, new=new, keep_token=token
        )
    except InputError as exc:
        if limiter is not None and exc.code == "E-WEB-PASSWORD-WRONG":
            limiter.failed(user.username, ip)
        raise
    if limiter is not None:
        limiter.succeeded(user.username, ip)  # as a login does
    audit.record(store, action="password_change", actor=user, object=user.username, ip=ip)
