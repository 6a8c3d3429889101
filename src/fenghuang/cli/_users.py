"""``fenghuang users``: accounts of the web application, for a real deployment.

``fenghuang serve --demo-accounts`` makes demo accounts for synthetic data;
a city running on its own data creates its first administrator here, who
can then manage accounts on the web's admin page. Every change is written to
the audit log with the actor ``cli:<operating-system user>``.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from fenghuang.cli import app

if TYPE_CHECKING:
    from fenghuang.warehouse import Store

__all__ = ["users_app"]

users_app = typer.Typer(
    help="网页端账号：新建、列出、重置密码、停用 / web accounts", no_args_is_help=True
)
app.add_typer(users_app, name="users")

_STORE_HELP = "数据仓库文件 / warehouse file (default $FENGHUANG_STORE or var/fenghuang.duckdb)"
StoreOpt = Annotated[Path | None, typer.Option("--store", help=_STORE_HELP)]
StdinOpt = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="从标准输入读取密码（一行）/ read the password from standard input (one line)",
    ),
]


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "cli"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    text: str = typer.prompt("密码 password", hide_input=True, confirmation_prompt=True)
    return text


def _store(path: Path | None) -> Store:
    from fenghuang.warehouse import Store, default_store_path

    return Store(path or default_store_path())


@users_app.command("list")
def list_(store: StoreOpt = None) -> None:
    """列出启用的账号 / List the active accounts."""
    from fenghuang.web import list_users

    with _store(store) as st:
        users = list_users(st)
    table = Table(title="账号 Accounts")
    for head in (
        "用户名 username",
        "角色 role",
        "部门 department",
        "信用代码 credit code",
        "姓名 name",
    ):
        table.add_column(head)
    for u in users:
        table.add_row(
            u.username, u.role, u.department or "", u.credit_code or "", u.display_name or ""
        )
    Console().print(table)


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    role: Annotated[
        str, typer.Option("--role", help="admin | analyst | leader | department | firm")
    ],
    department: Annotated[
        str, typer.Option("--department", help="部门（部门填报员）/ department key, e.g. tax")
    ] = "",
    credit_code: Annotated[
        str, typer.Option("--credit-code", help="统一社会信用代码（企业用户）/ the firm's code")
    ] = "",
    name: Annotated[str, typer.Option("--name", help="姓名 / display name")] = "",
    store: StoreOpt = None,
    password_stdin: StdinOpt = False,
) -> None:
    """新建账号（密码以 argon2id 散列保存）/ Create an account."""
    from fenghuang.web.services import admin

    password = _password(password_stdin)
    with _store(store) as st:
        user = admin.create_account(
            st,
            actor=_actor(),
            username=username,
            password=password,
            role=role,
            department=department,
            credit_code=credit_code,
            display_name=name,
            ip=None,
        )
    Console().print(f"已创建账号 account created: {user.username}（{user.role}）", highlight=False)


@users_app.command("passwd")
def passwd(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    store: StoreOpt = None,
    password_stdin: StdinOpt = False,
) -> None:
    """重置密码（该用户的会话全部退出）/ Set a user's password; their sessions end."""
    from fenghuang.web.services import admin

    password = _password(password_stdin)
    with _store(store) as st:
        admin.reset_password(st, actor=_actor(), username=username, password=password, ip=None)
    Console().print(f"已重置密码 password set: {username}", highlight=False)


@users_app.command("disable")
def disable(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    store: StoreOpt = None,
) -> None:
    """停用账号（记录保留）/ Disable an account (its records stay)."""
    from fenghuang.web.services import admin

    with _store(store) as st:
        admin.disable_account(st, actor=_actor(), username=username, ip=None)
    Console().print(f"已停用账号 account disabled: {username}", highlight=False)
