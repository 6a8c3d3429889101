"""The public names of fenghuang.synthetic, and the doctests of its modules."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import fenghuang.synthetic as synthetic

EXPECTED = {
    "CITIES",
    "SOURCE",
    "TARGETS",
    "CityManifest",
    "Fault",
    "StreamManifest",
    "Target",
    "generate_city",
    "load_faults",
    "pool_averages",
    "stream_city",
    "truth_schema",
}


def test_export_list_is_exact() -> None:
    assert set(synthetic.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(synthetic, name) is not None


def test_doctests_pass() -> None:
    failed = 0
    for mod in pkgutil.iter_modules(synthetic.__path__):
        m = importlib.import_module(f"fenghuang.synthetic.{mod.name}")
        failed += doctest.testmod(m, optionflags=doctest.ELLIPSIS).failed
    assert failed == 0
