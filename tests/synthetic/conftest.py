"""Fixtures of the synthetic-city tests: one small city, generated and imported once."""

from __future__ import annotations

import pytest
from imported_city import Imported

from fenghuang.synthetic import CityManifest, generate_city
from fenghuang.warehouse import Store, import_files

SMALL = 120


@pytest.fixture(scope="session")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> CityManifest:
    """A 120-firm city, seed 1, 2021-2023."""
    return generate_city(tmp_path_factory.mktemp("city") / "pingxiang", firms=SMALL, seed=1)


@pytest.fixture(scope="session")
def imported(small_city: CityManifest, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """The small city imported into a real DuckDB file (read it with ``Store(read_only=True)``)."""
    path = tmp_path_factory.mktemp("store") / "fh.duckdb"
    with Store(path) as store:
        report = import_files(store, small_city.files)
    return Imported(small_city, path, report)
