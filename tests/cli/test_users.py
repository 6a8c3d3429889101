"""``fenghuang users``: the accounts of a real deployment, from the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fenghuang.cli import main
from fenghuang.warehouse import Store
from fenghuang.web import list_audit
from fenghuang.web.services.accounts import authenticate


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch, password: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(args)


def test_first_administrator_then_reset_and_disable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    store = ["--store", str(tmp_path / "fh.duckdb")]
    add = ["users", "add", "wang", "--role", "admin", "--name", "王科长", *store]
    assert _run([*add, "--password-stdin"], monkeypatch, "weakpass") == 2
    assert "密码至少8位" in capsys.readouterr().err
    assert _run([*add, "--password-stdin"], monkeypatch, "Kiln-Fired-2024") == 0
    assert "已创建账号 account created: wang" in capsys.readouterr().out
    assert _run([*add, "--password-stdin"], monkeypatch, "Kiln-Fired-2024") == 2  # exists
    assert "用户已存在" in capsys.readouterr().err
    tax = ["users", "add", "li", "--role", "department", "--department", "tax", *store]
    assert _run([*tax, "--password-stdin"], monkeypatch, "Tax-Bureau-88") == 0
    assert _run(["users", "list", *store], monkeypatch) == 0
    listed = capsys.readouterr().out
    assert "wang" in listed and "王科长" in listed and "department" in listed and "tax" in listed
    with Store(tmp_path / "fh.duckdb") as st:
        assert authenticate(st, "wang", "Kiln-Fired-2024") is not None
    passwd = ["users", "passwd", "li", *store, "--password-stdin"]
    assert _run(passwd, monkeypatch, "Pylon-Line-77") == 0
    assert _run(["users", "disable", "wang", *store], monkeypatch) == 0
    assert (
        _run(
            ["users", "passwd", "nobody", *store, "--password-stdin"], monkeypatch, "Pylon-Line-77"
        )
        == 2
    )
    with Store(tmp_path / "fh.duckdb") as st:
        assert authenticate(st, "li", "Tax-Bureau-88") is None
        assert authenticate(st, "li", "Pylon-Line-77") is not None
        assert authenticate(st, "wang", "Kiln-Fired-2024") is None  # disabled
        lines = [(a.action, a.object, a.actor) for a in list_audit(st)][::-1]
    assert [(a, o) for a, o, _ in lines] == [
        ("user_create", "wang"),
        ("user_create", "li"),
        ("password_reset", "li"),
        ("user_disable", "wang"),
    ]
    assert all(actor is not None and actor.startswith("cli") for _, _, actor in lines)
