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
        _web,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``fenghuang`` script."""
    _register()
    console = Console(stderr=True)
    try:
        app(args=argv, standalone_mode=False)
    except FenghuangError as exc:
        console.print(f"[bold red]错误 Error[/] {exc.message()}", highlight=False)
        return 2
    except SystemExit as exc:  # typer/click exit
        return int(exc.code or 0)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Abort):
            return 1
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
