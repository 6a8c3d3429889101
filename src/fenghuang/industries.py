"""Industry codes (GB/T 4754-2017 国民经济行业分类) and the names people read.

Firms are registered with a class code (小类, four digits, sometimes with its
section letter: ``3073`` or ``C3073``); methods group them by division
(大类, the first two digits, ``prefix(industry_code, 2)``). Pages and reports
show a code with its division's name, ``3073 非金属矿物制品业``, since a bare
``3073`` means nothing to a leader. The table holds the 41 industrial
divisions (sections B 采矿业, C 制造业, D 电力、热力、燃气及水生产和供应业;
package data ``data/gbt4754_2017_divisions.csv``); a code outside them is
shown as given.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources
from typing import Literal

__all__ = ["UNKNOWN", "division", "division_label", "division_name", "industry_label"]

#: The label of a firm without an industry code.
UNKNOWN = ("未填报", "not given")


@cache
def _divisions() -> dict[str, tuple[str, str, str]]:
    text = resources.files("fenghuang").joinpath("data/gbt4754_2017_divisions.csv")
    rows = csv.DictReader(io.StringIO(text.read_text("utf-8")))
    return {r["division"]: (r["section"], r["zh"], r["en"]) for r in rows}


def division(code: object) -> str | None:
    """The division (大类) of an industry code: ``C3073`` → ``30``; None without two digits."""
    digits = "".join(ch for ch in str(code or "") if ch.isascii() and ch.isdigit())
    return digits[:2] if len(digits) >= 2 else None


def division_name(code: object, lang: Literal["zh", "en"] = "zh") -> str | None:
    """The name of the code's division, or None when the table does not have it."""
    div = division(code)
    entry = _divisions().get(div) if div is not None else None
    if entry is None:
        return None
    return entry[1] if lang == "zh" else entry[2]


def division_label(code: object, lang: Literal["zh", "en"] = "zh") -> str:
    """``30 非金属矿物制品业`` for any code of that division (``未填报`` without a code)."""
    div = division(code)
    if div is None:
        return UNKNOWN[0] if lang == "zh" else UNKNOWN[1]
    name = division_name(div, lang)
    return f"{div} {name}" if name else div


def industry_label(code: object, lang: Literal["zh", "en"] = "zh") -> str:
    """``3073 非金属矿物制品业``: the code as registered with its division's name."""
    text = str(code or "").strip()
    if not text:
        return UNKNOWN[0] if lang == "zh" else UNKNOWN[1]
    name = division_name(text, lang)
    return f"{text} {name}" if name else text
