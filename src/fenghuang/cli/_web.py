"""``fenghuang serve``: the web application on uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from fenghuang.cli import app

__all__ = ["print_accounts", "serve"]


def print_accounts(accounts: list[tuple[str, str, str]], console: Console | None = None) -> None:
    """Print demo accounts as a table (role, username, password)."""
    table = Table(title="演示账号 Demo accounts（模拟数据 synthetic）")
    for col in ("角色 role", "用户名 username", "密码 password"):
        table.add_column(col)
    for role, user, password in accounts:
        table.add_row(role, user, password)
    (console or Console()).print(table)


@app.command("serve")
def serve(
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="数据仓库文件 / warehouse file (default $FENGHUANG_STORE or var/fenghuang.duckdb)",
        ),
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="监听地址 / address to listen on")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口 / port")] = 8000,
    demo_accounts: Annotated[
        bool,
        typer.Option(
            "--demo-accounts",
            help="创建演示账号并打印 / create and print demo accounts (synthetic data only)",
        ),
    ] = False,
) -> None:
    """启动网页端 / Start the web application."""
    import uvicorn

    from fenghuang.warehouse import Store, default_store_path
    from fenghuang.web import Settings, create_app, list_users, seed_demo_accounts
    from fenghuang.web.assets import missing_assets

    console = Console()
    settings = Settings.from_env(store_path=store or default_store_path())
    the_store = Store(settings.store_path)
    if demo_accounts:
        print_accounts(seed_demo_accounts(the_store), console)
    elif not list_users(the_store):
        console.print(
            "[yellow]没有用户：用 fenghuang users add <用户名> --role admin 创建管理员"
            "（模拟数据可用 --demo-accounts）/ no users: create an administrator with "
            "fenghuang users add <name> --role admin (or --demo-accounts on synthetic data)[/]"
        )
    missing = missing_assets()
    if missing:
        console.print(
            f"[yellow]缺少前端文件 {missing}：运行 scripts/setup / missing assets: run scripts/setup[/]"
        )
    web = create_app(settings, store=the_store)
    console.print(
        f"凤凰网页端 Fenghuang web: [bold]http://{host}:{port}/[/]  （数据仓库 store: {settings.store_path}）"
    )
    try:
        uvicorn.run(web, host=host, port=port, log_level="warning")
    finally:
        the_store.close()
