"""The ``fenghuang`` command line: thin commands over the Python API.

Each command module registers its commands on the shared Typer app; a
command parses its arguments, calls one public function and prints the
result. Errors from :mod:`fenghuang.errors` are shown in Chinese and English
and end the process with exit code 2.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from fenghuang.errors import FenghuangError

__all__ = ["app", "main"]

app = typer.Typer(
    name="fenghuang",
    help="凤凰 Fenghuang — 资源型城市转型：企业综合评价与城市监测 / "
    "evaluation and transformation monitoring for resource-based cities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """凤凰 Fenghuang."""


@app.command("version")
def version() -> None:
    """显示版本 / Show the version."""
    from fenghuang import __version__

    typer.echo(f"fenghuang {__version__}")


def _register() -> None:
    # Imported here so that `fenghuang --help` lists every command; each
    # module adds its commands to ``app``.
    from fenghuang.cli import (  # noqa: F401
        _data,
        _demo,
        _evaluate,
        _index,
        _monitor,
        _reports,
        _synthetic,
        _users,
        _web,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``fenghuang`` script."""
    _register()
    console = Console(stderr=True)
    try:
        app(args=argv, prog_name="fenghuang")
    except FenghuangError as exc:
        console.print(f"[bold red]错误 Error[/] {exc.message()}", highlight=False)
        return 2
    except SystemExit as exc:  # click's normal exit, usage errors included
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
