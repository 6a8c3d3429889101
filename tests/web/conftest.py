"""Fixtures for the web tests: an app on a temporary store, logged-in clients.

Tests that ask for ``city`` get a store that is a copy of one synthetic city
built and evaluated once per session through the real parts
(``city_builder.build_demo_city``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from city_builder import DemoCity, build_demo_city
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, USERS

from fenghuang.warehouse import Store
from fenghuang.web import Settings, create_app, create_user


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory: pytest.TempPathFactory) -> DemoCity:
    """A small synthetic city, imported and evaluated (two years), built once."""
    return build_demo_city(tmp_path_factory.mktemp("demo-city"), firms=60)


@pytest.fixture()
def store(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    if "city" in request.fixturenames:  # start from a copy of the evaluated city
        request.getfixturevalue("demo_city").copy_to(tmp_path / "web.duckdb")
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


@pytest.fixture()
def city(demo_city: DemoCity, store: Store) -> dict[str, Any]:
    """The evaluated city in this test's store, with ``firm_x`` speaking for its sixth firm."""
    create_user(
        store, username="firm_x", password=PASSWORD, role="firm", credit_code=demo_city.codes[5]
    )
    return {
        "method": demo_city.method,
        "runs": list(demo_city.runs),
        "codes": list(demo_city.codes),
        "year": demo_city.year,
        "files": demo_city.files,
    }
