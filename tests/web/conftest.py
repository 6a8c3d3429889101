"""Fixtures for the web tests: an app on a temporary store, logged-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, USERS

from fenghuang.warehouse import Store
from fenghuang.web import Settings, create_app, create_user


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "web.duckdb")
    for name, kw in USERS.items():
        create_user(s, username=name, password=PASSWORD, **kw)  # type: ignore[arg-type]
    yield s
    s.close()


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(
        store_path=tmp_path / "web.duckdb",
        upload_dir=tmp_path / "uploads",
        synthetic=True,
        login_max_failures=3,
    )


@pytest.fixture()
def app_client(settings: Settings, store: Store) -> Iterator[Callable[[], TestClient]]:
    app = create_app(settings, store=store)
    clients: list[TestClient] = []

    def make() -> TestClient:
        c = TestClient(app, base_url="http://testserver")
        c.__enter__()
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)
