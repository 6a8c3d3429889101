"""Logging in and out: rate limit, password check, session, audit line."""

from __future__ import annotations

from dataclasses import dataclass

from fenghuang.warehouse import Store
from fenghuang.web._schemas import UserPublic
from fenghuang.web._security import LoginLimiter
from fenghuang.web.services import accounts, audit

__all__ = ["LoginOutcome", "login", "logout"]


@dataclass(frozen=True)
class LoginOutcome:
    """A session token and user on success; else an i18n error key and HTTP status."""

    token: str | None
    user: UserPublic | None
    error: str = ""
    status: int = 200


def login(
    store: Store,
    limiter: LoginLimiter,
    *,
    username: str,
    password: str,
    ip: str,
    minutes: int,
) -> LoginOutcome:
    """Try a login; every attempt is audited, too many failures are refused (429)."""
    if not limiter.allowed(username, ip):
        audit.record(store, action="login_limited", actor=username, ip=ip)
        return LoginOutcome(None, None, "login.limited", 429)
    user = accounts.authenticate(store, username, password)
    if user is None:
        limiter.failed(username, ip)
        audit.record(store, action="login_failed", actor=username, ip=ip)
        return LoginOutcome(None, None, "login.failed", 401)
    limiter.succeeded(username, ip)
    token = accounts.open_session(store, user, minutes=minutes, ip=ip)
    audit.record(store, action="login", actor=user, ip=ip)
    return LoginOutcome(token, user)


def logout(store: Store, user: UserPublic, token: str | None, ip: str) -> None:
    """End the session and audit it."""
    accounts.delete_session(store, token)
    audit.record(store, action="logout", actor=user, ip=ip)
