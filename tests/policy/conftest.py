"""Shared fixtures for the policy tests: the example [policies] table of data/."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from fenghuang.policy import PolicySet, parse_policies

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def example_policies() -> PolicySet:
    with open(DATA / "example_policies.toml", "rb") as fh:
        return parse_policies(tomllib.load(fh)["policies"], file="example_policies.toml")
