"""Accounts and server-side sessions (tables ``web_users``, ``web_sessions``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fenghuang.errors import AccessDenied, InputError, NotFoundError
from fenghuang.warehouse import Store
from fenghuang.web._schemas import ROLES, CurrentSession, UserPublic
from fenghuang.web._security import hash_password, hash_token, new_token, verify_password

__all__ = [
    "authenticate",
    "change_password",
    "check_password",
    "create_user",
    "deactivate_user",
    "delete_session",
    "get_user",
    "list_users",
    "open_session",
    "require_firm_user",
    "resolve_session",
    "set_password",
    "set_role",
]

#: A user name: 2–40 ASCII letters, digits and ``_ . - @`` (the display name may be Chinese).
_USERNAME = re.compile(r"[A-Za-z0-9_.@-]{2,40}")

_USER_COLS = "username, role, department, credit_code, display_name"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _user(row: tuple[object, ...]) -> UserPublic:
    return UserPublic.model_validate(dict(zip(_USER_COLS.split(", "), row, strict=True)))


def _check_role(role: str, department: str | None, credit_code: str | None) -> None:
    if role not in ROLES:
        raise InputError(
            "E-WEB-ROLE",
            zh=f"未知角色 {role}",
            en=f"unknown role {role}",
            hint_zh="角色为 " + "/".join(ROLES),
            hint_en="roles are " + "/".join(ROLES),
        )
    if role == "department" and not department:
        raise InputError(
            "E-WEB-ROLE", zh="部门填报员须指定部门", en="a department user needs a department"
        )
    if role == "firm" and not credit_code:
        raise InputError(
            "E-WEB-ROLE", zh="企业用户须指定信用代码", en="a firm user needs a credit code"
        )


def create_user(
    store: Store,
    *,
    username: str,
    password: str,
    role: str,
    department: str | None = None,
    credit_code: str | None = None,
    display_name: str | None = None,
    replace: bool = False,
) -> UserPublic:
    """Create (or with ``replace=True`` reset) an account; the password is hashed with argon2id."""
    if not _USERNAME.fullmatch(username):
        raise InputError(
            "E-WEB-USERNAME",
            zh="用户名须为2至40个英文字母、数字或 _ . - @",
            en="a username is 2 to 40 ASCII letters, digits or _ . - @",
            field=username,
        )
    _check_role(role, department, credit_code)
    check_password(password, username=username)
    with store.transaction() as con:
        exists = con.execute("select 1 from web_users where username = ?", [username]).fetchone()
        if exists and not replace:
            raise InputError(
                "E-WEB-USER-EXISTS", zh="用户已存在", en="user already exists", field=username
            )
        con.execute("delete from web_users where username = ?", [username])
        con.execute(
            "insert into web_users(username, password_hash, role, department, credit_code,"
            " display_name) values (?, ?, ?, ?, ?, ?)",
            [username, hash_password(password), role, department, credit_code, display_name],
        )
    return get_user(store, username)


def check_password(password: str, *, username: str = "") -> None:
    """Raise :class:`InputError` unless ``password`` meets the policy.

    At least 8 characters from at least three of: lower-case letters,
    upper-case letters, digits, other characters (the usual rule of China's
    graded protection of information systems, 等级保护); and not holding the user
    name (of 4 characters or more: a name like ``li`` is in many words).
    """
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if len(password) < 8 or classes < 3:
        raise InputError(
            "E-WEB-PASSWORD",
            zh="密码至少8位，且含小写字母、大写字母、数字、符号中的三种",
            en="a password needs at least 8 characters from three of: lower case, upper case, "
            "digits, symbols",
        )
    if len(username) >= 4 and username.lower() in password.lower():
        raise InputError(
            "E-WEB-PASSWORD", zh="密码不能包含用户名", en="a password must not contain the username"
        )


def set_password(store: Store, *, username: str, password: str, keep_token: str = "") -> None:
    """Give ``username`` a new password and end its sessions (except ``keep_token``'s)."""
    check_password(password, username=username)
    get_user(store, username)
    with store.transaction() as con:
        con.execute(
            "update web_users set password_hash = ? where username = ?",
            [hash_password(password), username],
        )
        con.execute(
            "delete from web_sessions where username = ? and token_hash <> ?",
            [username, hash_token(keep_token) if keep_token else ""],
        )


def change_password(
    store: Store, *, username: str, current: str, new: str, keep_token: str = ""
) -> None:
    """A user's own change: the current password must be right (``E-WEB-PASSWORD-WRONG``)."""
    if authenticate(store, username, current) is None:
        raise InputError(
            "E-WEB-PASSWORD-WRONG", zh="当前密码不正确", en="the current password is wrong"
        )
    if new == current:
        raise InputError(
            "E-WEB-PASSWORD",
            zh="新密码不能与当前密码相同",
            en="the new password is the current one",
        )
    set_password(store, username=username, password=new, keep_token=keep_token)


def deactivate_user(store: Store, *, username: str) -> None:
    """Stop an account (it can no longer log in; its sessions end). The row and the audit
    lines that name it stay."""
    get_user(store, username)
    with store.transaction() as con:
        con.execute("update web_users set active = false where username = ?", [username])
        con.execute("delete from web_sessions where username = ?", [username])


def get_user(store: Store, username: str) -> UserPublic:
    """One active user, or :class:`NotFoundError`."""
    rows = store.fetch_all(
        f"select {_USER_COLS} from web_users where username = ? and active", [username]
    )
    if not rows:
        raise NotFoundError("E-WEB-NO-USER", zh="用户不存在", en="no such user", field=username)
    return _user(rows[0])


def list_users(store: Store) -> list[UserPublic]:
    """All active users by role and name."""
    rows = store.fetch_all(
        f"select {_USER_COLS} from web_users where active order by role, username"
    )
    return [_user(r) for r in rows]


def set_role(
    store: Store,
    *,
    username: str,
    role: str,
    department: str | None = None,
    credit_code: str | None = None,
) -> UserPublic:
    """Change a user's role (and its department or firm); ends the user's sessions."""
    _check_role(role, department, credit_code)
    get_user(store, username)
    with store.transaction() as con:
        con.execute(
            "update web_users set role = ?, department = ?, credit_code = ? where username = ?",
            [role, department, credit_code, username],
        )
        con.execute("delete from web_sessions where username = ?", [username])
    return get_user(store, username)


def authenticate(store: Store, username: str, password: str) -> UserPublic | None:
    """The user if the password is right, else None (same cost either way)."""
    rows = store.fetch_all(
        "select password_hash from web_users where username = ? and active", [username]
    )
    # Verify against a dummy hash for unknown users so timing does not tell.
    stored = rows[0][0] if rows else _DUMMY_HASH
    ok = verify_password(str(stored), password)
    return get_user(store, username) if (ok and rows) else None


_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$2Fh4lHbG9UuGOUCpISxzkg$"
    "ntGhyIWqADkhNC0XmSdU7kpXeEdMGJgcegQ3CO5N680"
)


def open_session(store: Store, user: UserPublic, *, minutes: int, ip: str | None) -> str:
    """Start a session; returns the cookie token (only its hash is stored)."""
    token = new_token()
    now = _now()
    with store.transaction() as con:
        con.execute("delete from web_sessions where expires_at < ?", [now])
        con.execute(
            "insert into web_sessions(token_hash, username, csrf_token, created_at, expires_at, ip)"
            " values (?, ?, ?, ?, ?, ?)",
            [
                hash_token(token),
                user.username,
                new_token(),
                now,
                now + timedelta(minutes=minutes),
                ip,
            ],
        )
    return token


def resolve_session(store: Store, token: str | None) -> CurrentSession | None:
    """The session for a cookie token, or None if unknown or expired."""
    if not token:
        return None
    rows = store.fetch_all(
        f"select s.csrf_token, s.expires_at, {', '.join('u.' + c for c in _USER_COLS.split(', '))}"
        " from web_sessions s join web_users u on u.username = s.username"
        " where s.token_hash = ? and u.active",
        [hash_token(token)],
    )
    if not rows:
        return None
    csrf, expires_at, *user = rows[0]
    if expires_at <= _now():
        return None
    return CurrentSession(user=_user(tuple(user)), csrf_token=str(csrf), expires_at=expires_at)


def delete_session(store: Store, token: str | None) -> None:
    """End a session (log out)."""
    if token:
        store.execute("delete from web_sessions where token_hash = ?", [hash_token(token)])


def require_firm_user(user: UserPublic, credit_code: str) -> None:
    """Raise :class:`AccessDenied` unless ``user`` may see firm ``credit_code``."""
    if user.role == "firm" and user.credit_code != credit_code:
        raise AccessDenied(
            "E-WEB-FORBIDDEN", zh="无权查看其他企业", en="not your firm", firm=credit_code
        )
    if user.role == "department":
        raise AccessDenied(
            "E-WEB-FORBIDDEN",
            zh="部门用户无权查看企业页面",
            en="department users cannot view firm pages",
        )
