"""Example data sets shipped with the engine.

``ASEM_iData.csv`` and ``ASEM_iMeta.csv`` are COINr's ASEM example
(Sustainable Connectivity index of 51 Asia–Europe Meeting countries), from
the COINr R package by William Becker, MIT licence
(https://github.com/bluefoxr/COINr). Copied unchanged.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

__all__ = ["read_csv_table", "read_example"]


def read_csv_table(text: str) -> list[dict[str, str]]:
    """Rows of a CSV text as dictionaries of strings."""
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def read_example(name: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The (iData, iMeta) rows of a shipped example; ``name`` is ``"asem"``."""
    prefix = {"asem": "ASEM"}[name.lower()]
    root = resources.files(__package__)
    data = (root / f"{prefix}_iData.csv").read_text(encoding="utf-8")
    meta = (root / f"{prefix}_iMeta.csv").read_text(encoding="utf-8")
    return read_csv_table(data), read_csv_table(meta)
