"""Number and time formats as Chinese users read them: 万元, 亿元, percentages.

Registered as Jinja filters by the app factory (``{{ v | yuan }}``).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

__all__ = ["FILTERS", "fmt_num", "fmt_pct", "fmt_time", "fmt_yuan"]


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt_yuan(v: Any, lang: str = "zh") -> str:
    """A sum in 元 as 万元 or 亿元 (``1.23亿元``), or ``—`` when missing.

    Examples
    --------
    >>> fmt_yuan(123_456_789)
    '1.23亿元'
    >>> fmt_yuan(56_000)
    '5.60万元'
    >>> fmt_yuan(800)
    '800元'
    >>> fmt_yuan(123_456_789, "en")
    '123.46 million yuan'
    """
    if _is_missing(v):
        return "—"
    x = float(v)
    if lang == "en":
        if abs(x) >= 1e8:
            return f"{x / 1e6:,.2f} million yuan"
        if abs(x) >= 1e4:
            return f"{x / 1e3:,.1f} thousand yuan"
        return f"{x:,.0f} yuan"
    if abs(x) >= 1e8:
        return f"{x / 1e8:,.2f}亿元"
    if abs(x) >= 1e4:
        return f"{x / 1e4:,.2f}万元"
    return f"{x:,.0f}元"


def fmt_num(v: Any, digits: int = 2) -> str:
    """A plain number with thousands separators, ``—`` when missing.

    Examples
    --------
    >>> fmt_num(12345.678)
    '12,345.68'
    >>> fmt_num(None)
    '—'
    """
    if _is_missing(v):
        return "—"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,d}"
    return f"{float(v):,.{digits}f}"


def fmt_pct(v: Any, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage.

    Examples
    --------
    >>> fmt_pct(0.256)
    '25.6%'
    """
    if _is_missing(v):
        return "—"
    return f"{float(v) * 100:.{digits}f}%"


def fmt_time(v: Any) -> str:
    """A time (datetime or ISO text) to the minute, as the pages show it.

    Examples
    --------
    >>> fmt_time("2026-12-02T11:19:39.123456")
    '2026-12-02 11:19'
    >>> fmt_time(None)
    '—'
    """
    if _is_missing(v) or v == "":
        return "—"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    try:
        return datetime.fromisoformat(str(v)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(v)


FILTERS = {"yuan": fmt_yuan, "num": fmt_num, "pct": fmt_pct, "time": fmt_time}
