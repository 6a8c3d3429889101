"""The Examples sections of the monitor's modules run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "",
    "_catalogue",
    "_extract",
    "_geocodes",
    "_index",
    "_numbers",
    "_periods",
    "_registry",
    "_seed",
    "_text",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    mod = importlib.import_module("fenghuang.monitor" + (f".{name}" if name else ""))
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_exports() -> None:
    import fenghuang.monitor as m

    assert sorted(m.__all__) == sorted(set(m.__all__))
    for name in m.__all__:
        assert hasattr(m, name), name
