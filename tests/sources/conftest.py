"""Fixtures of the sources tests."""

from __future__ import annotations

import pytest
from sources_builders import valid_code


@pytest.fixture
def codes() -> list[str]:
    """Twenty valid, distinct credit codes."""
    return [valid_code(i) for i in range(1, 21)]
