"""Test modules have unique basenames (pytest's default import mode needs it)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).parent


def test_test_module_basenames_are_unique() -> None:
    names = Counter(p.name for p in TESTS.rglob("test_*.py"))
    dupes = sorted(n for n, c in names.items() if c > 1)
    assert not dupes, f"rename these so each basename is unique: {dupes}"
