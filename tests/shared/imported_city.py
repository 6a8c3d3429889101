"""What the synthetic-city tests' ``imported`` fixture gives (tests/synthetic/conftest.py).

A module of its own on the shared test path (``pythonpath`` in pyproject.toml):
``from conftest import …`` picks whichever test folder's conftest.py pytest
loaded last (tests/policy's, when both folders are named on the command line).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fenghuang.synthetic import CityManifest
from fenghuang.warehouse import ImportReport


@dataclass
class Imported:
    """A generated city and the DuckDB file it was imported into."""

    manifest: CityManifest
    store_path: Path
    report: ImportReport
