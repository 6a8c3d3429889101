"""Units of measure: recognise them in headers or unit columns, convert to base units.

Base units are those of :mod:`fenghuang.facts`: 元, 亩, kWh, 吨标准煤 (tce),
吨, m³, and kW for power capacity (装机容量: 千瓦, 万千瓦, MW). Each *quantity* has a table of unit spellings and the factor that
converts a value in that unit to the base unit (``base = value × factor``).

Examples
--------
>>> unit_factor("area", "公顷")
15.0
>>> unit_factor("electricity", "万千瓦时")
10000.0
>>> split_header("实缴税额（万元）")
('实缴税额', '万元')
>>> split_header("面积/公顷")
('面积', '公顷')
>>> split_header("电力装机容量（万千瓦）"), unit_factor("power", "万千瓦")
(('电力装机容量', '万千瓦'), 10000.0)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Literal

__all__ = [
    "BASE_UNITS",
    "NUMERIC_QUANTITIES",
    "QUANTITIES",
    "UNIT_TABLES",
    "Quantity",
    "find_quantity_of_unit",
    "looks_like_unit",
    "normalize_unit",
    "split_header",
    "unit_factor",
]

Quantity = Literal[
    "money",
    "area",
    "electricity",
    "power",
    "energy",
    "mass",
    "volume",
    "count",
    "ratio",
    "bool",
    "date",
    "period",
    "year",
    "month",
    "text",
    "code",
]
QUANTITIES: tuple[str, ...] = (
    "money",
    "area",
    "electricity",
    "power",
    "energy",
    "mass",
    "volume",
    "count",
    "ratio",
    "bool",
    "date",
    "period",
    "year",
    "month",
    "text",
    "code",
)

_MU_M2 = 10000.0 / 15.0  # 1 亩 = 666.6667 m²

#: Per quantity: normalised unit spelling → factor to the base unit.
UNIT_TABLES: dict[str, dict[str, float]] = {
    "money": {"元": 1.0, "千元": 1e3, "万元": 1e4, "百万元": 1e6, "亿元": 1e8},
    "area": {
        "亩": 1.0,
        "平方米": 1.0 / _MU_M2,
        "m2": 1.0 / _MU_M2,
        "平米": 1.0 / _MU_M2,
        "万平方米": 1e4 / _MU_M2,
        "公顷": 15.0,
        "ha": 15.0,
        "平方公里": 1e6 / _MU_M2,
        "km2": 1e6 / _MU_M2,
    },
    "electricity": {
        "kwh": 1.0,
        "千瓦时": 1.0,
        "度": 1.0,
        "kw·h": 1.0,
        "kw.h": 1.0,
        "mwh": 1e3,
        "兆瓦时": 1e3,
        "万kwh": 1e4,
        "万千瓦时": 1e4,
        "万度": 1e4,
        "亿千瓦时": 1e8,
        "亿kwh": 1e8,
    },
    # power capacity (装机容量), not energy: 1 万千瓦 = 10 000 kW = 10 MW
    "power": {
        "kw": 1.0,
        "千瓦": 1.0,
        "万kw": 1e4,
        "万千瓦": 1e4,
        "mw": 1e3,
        "兆瓦": 1e3,
        "gw": 1e6,
        "吉瓦": 1e6,
        "亿千瓦": 1e8,
    },
    "energy": {
        "吨标准煤": 1.0,
        "吨标煤": 1.0,
        "tce": 1.0,
        "t标准煤": 1.0,
        "万吨标准煤": 1e4,
        "万吨标煤": 1e4,
        "万tce": 1e4,
        "千克标准煤": 1e-3,
        "kgce": 1e-3,
    },
    "mass": {"吨": 1.0, "t": 1.0, "千克": 1e-3, "kg": 1e-3, "公斤": 1e-3, "万吨": 1e4},
    "volume": {
        "m3": 1.0,
        "立方米": 1.0,
        "方": 1.0,
        "吨": 1.0,  # water: 1 吨 = 1 m³ (allowed only where a mapping says so)
        "万立方米": 1e4,
        "万m3": 1e4,
        "万方": 1e4,
        "万吨": 1e4,
    },
    "count": {"人": 1.0, "件": 1.0, "个": 1.0, "项": 1.0, "次": 1.0, "家": 1.0},
    "ratio": {"%": 0.01, "百分比": 0.01, "比例": 1.0},
}

#: The base unit of each numeric quantity.
BASE_UNITS: dict[str, str] = {
    "money": "元",
    "area": "亩",
    "electricity": "kWh",
    "power": "kW",
    "energy": "吨标准煤",
    "mass": "吨",
    "volume": "m³",
    "count": "",
    "ratio": "",
}
NUMERIC_QUANTITIES = frozenset(UNIT_TABLES)

_UNIT_NOISE = re.compile(r"[\s_]")
_LABEL = re.compile(r"^(计量)?单位[:：]?")
# "名称（单位）", "名称(单位)", "名称【单位】", "名称[单位]"
_BRACKETED = re.compile(
    r"^(?P<stem>.*?)\s*[（(【\[]\s*(?P<unit>[^（()）【】\[\]]+?)\s*[）)】\]]\s*$"
)
# "名称/单位", "名称_单位", "名称 单位：万元"
_SLASHED = re.compile(r"^(?P<stem>.+?)\s*(?:[/_]|单位[:：])\s*(?P<unit>[^/_]+?)\s*$")
_UNITISH = re.compile(r"(元|吨|米|时|亩|顷|方|度|克|煤|wh|kg|ce|m2|m3|人|件|%)$", re.IGNORECASE)


def normalize_unit(text: str) -> str:
    """Canonical spelling of a unit: NFKC, lower-case, no spaces or 'unit:' label.

    >>> normalize_unit(" 万ｋＷｈ ")
    '万kwh'
    >>> normalize_unit("m³")
    'm3'
    """
    t = unicodedata.normalize("NFKC", text).lower()
    t = _UNIT_NOISE.sub("", t)
    return _LABEL.sub("", t)


def unit_factor(quantity: str, unit: str) -> float | None:
    """Factor converting ``unit`` of ``quantity`` to its base unit, or ``None`` if unknown."""
    table = UNIT_TABLES.get(quantity)
    if table is None:
        return None
    return table.get(normalize_unit(unit))


def find_quantity_of_unit(unit: str) -> str | None:
    """The first quantity whose table knows ``unit`` (``None`` if none does)."""
    u = normalize_unit(unit)
    for quantity, table in UNIT_TABLES.items():
        if u in table:
            return quantity
    return None


def looks_like_unit(text: str) -> bool:
    """Whether a short text looks like a unit of measure (known or not)."""
    u = normalize_unit(text)
    return (
        bool(u)
        and len(u) <= 8
        and (find_quantity_of_unit(u) is not None or bool(_UNITISH.search(u)))
    )


def split_header(
    header: str, *, known: Callable[[str], bool] | None = None
) -> tuple[str, str | None]:
    """Split a header into its name and the unit written in it.

    A unit is taken from a trailing bracket (``（万元）``, ``(万千瓦时)``,
    ``【亩】``) or after ``/``, ``_`` or ``单位：``, when that text looks like
    a unit (see :func:`looks_like_unit`) or ``known`` accepts it (a caller's
    own vocabulary, e.g. the monitor's ``天``, ``万辆``, ``公里``). Otherwise
    the whole header is the name.
    """
    text = header.strip()
    for pattern in (_BRACKETED, _SLASHED):
        m = pattern.match(text)
        if m and m.group("stem").strip():
            unit = _LABEL.sub("", m.group("unit").strip())
            if looks_like_unit(unit) or (known is not None and known(unit)):
                return m.group("stem").strip(), unit
    return text, None
