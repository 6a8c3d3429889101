"""Number + unit grammar of Chinese report text.

A *quantity* is ``[qualifier] number [magnitude] [range] unit [qualifier]``:
Arabic numbers with decimals and thousands separators, Chinese numerals
(``两千``, ``十六``, ``百万``; converted with cn2an) and mixed forms
(``1.08亿``); magnitudes 十/百/千/万/亿; ranges (``5%—6%``, ``5至6个``);
qualifiers kept as written (``超``, ``近``, ``以上``, ``左右``, ``余`` …).

Units are data: :data:`UNITS` maps each unit to its quantity, the base unit it
normalises to and the factor. Magnitudes multiply the factor, so ``444.1亿元``
normalises to 4.441e10 元 and ``553.9万千瓦`` to 5.539e6 kW.

Examples
--------
>>> q = parse_quantity("1.08亿吨")
>>> q.value, q.unit, q.value_norm, q.unit_norm
(1.08, '亿吨', 108000000.0, '吨')
>>> parse_quantity("两千").value
2000.0
>>> parse_quantity("十六年").value, parse_quantity("十六年").unit
(16.0, '年')
>>> q = parse_quantity("超500亿千瓦时")
>>> q.qualifier, q.value_norm
('超', 50000000000.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

__all__ = [
    "FRACTION_RE",
    "QUANTITY_RE",
    "UNITS",
    "Quantity",
    "cn_number",
    "from_fraction",
    "parse_quantity",
    "unit_info",
]

_MU_PER_M2 = 15.0 / 10000.0

#: unit → (quantity, base unit, factor to the base unit). Magnitude prefixes
#: (万, 亿 …) are handled by the grammar, so only bare units are listed here,
#: plus a few that are words in their own right (万元 is 万 + 元).
UNITS: dict[str, tuple[str, str, float]] = {
    "元": ("money", "元", 1.0),
    "美元": ("money_usd", "美元", 1.0),
    "千瓦时": ("electricity", "kWh", 1.0),
    "度": ("electricity", "kWh", 1.0),
    "kWh": ("electricity", "kWh", 1.0),
    "MWh": ("electricity", "kWh", 1e3),
    "GWh": ("electricity", "kWh", 1e6),
    "千瓦": ("power", "kW", 1.0),
    "兆瓦": ("power", "kW", 1e3),
    "kW": ("power", "kW", 1.0),
    "MW": ("power", "kW", 1e3),
    "GW": ("power", "kW", 1e6),
    "吨标准煤": ("energy", "吨标准煤", 1.0),
    "吨标煤": ("energy", "吨标准煤", 1.0),
    "吨": ("mass", "吨", 1.0),
    "公斤": ("mass", "吨", 1e-3),
    "千克": ("mass", "吨", 1e-3),
    "斤": ("mass", "吨", 5e-4),
    "立方米": ("volume", "m³", 1.0),
    "方": ("volume", "m³", 1.0),
    "平方公里": ("area", "亩", 1e6 * _MU_PER_M2),
    "平方千米": ("area", "亩", 1e6 * _MU_PER_M2),
    "平方米": ("area", "亩", _MU_PER_M2),
    "公顷": ("area", "亩", 15.0),
    "亩": ("area", "亩", 1.0),
    "公里": ("length", "km", 1.0),
    "千米": ("length", "km", 1.0),
    "米/秒": ("speed", "m/s", 1.0),
    "米": ("length", "km", 1e-3),
    "厘米": ("length", "km", 1e-5),
    "毫米": ("length", "km", 1e-6),
    "微克/立方米": ("concentration", "μg/m³", 1.0),
    "毫克/立方米": ("concentration", "μg/m³", 1e3),
    "%": ("ratio", "%", 1.0),
    "％": ("ratio", "%", 1.0),
    "‰": ("ratio", "%", 0.1),
    "个百分点": ("ratio_change", "个百分点", 1.0),
    "倍": ("multiple", "倍", 1.0),
    "人次": ("count", "人次", 1.0),
    "个": ("count", "个", 1.0),
    "家": ("count", "家", 1.0),
    "座": ("count", "座", 1.0),
    "处": ("count", "处", 1.0),
    "条": ("count", "条", 1.0),
    "项": ("count", "项", 1.0),
    "名": ("count", "人", 1.0),
    "人": ("count", "人", 1.0),
    "户": ("count", "户", 1.0),
    "所": ("count", "所", 1.0),
    "辆": ("count", "辆", 1.0),
    "套": ("count", "套", 1.0),
    "台": ("count", "台", 1.0),
    "件": ("count", "件", 1.0),
    "批": ("count", "批", 1.0),
    "种": ("count", "种", 1.0),
    "届": ("count", "届", 1.0),
    "部": ("count", "部", 1.0),
    "年": ("duration", "年", 1.0),
    "个月": ("duration", "月", 1.0),
    "天": ("duration", "天", 1.0),
    "小时": ("duration", "小时", 1.0),
}
_MAGNITUDE = {"十": 10.0, "百": 100.0, "千": 1e3, "万": 1e4, "亿": 1e8, "万亿": 1e12}

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
# 千 before 瓦/克/米 belongs to the unit (百万千瓦 = 百万 + 千瓦)
_K = r"千(?![瓦克米])"
_CN = rf"(?:[零〇一二两三四五六七八九十百万亿]|{_K})+(?:点[零〇一二三四五六七八九]+)?"
_MAG = rf"(?:万亿|[十百万亿]|{_K})?"
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_PRE = r"超过|超出|超|逾|突破|将近|接近|近|大约|约|不足|不到"
_POST = r"以上|以下|以内|左右|多|余"
_DASH = r"[—–\-－~～至到]{1,2}"
# the denominator of a rate unit: 吨标准煤/万元, 元/吨, 元/平方米
_PER = r"万元|元|万吨|吨|万人|人次|人|户|亩|平方米|平方公里|公里|千瓦时|立方米|年|月|天|日|小时|秒"

#: One quantity. Groups: pre, num, mag, num2, mag2, unit, post.
QUANTITY_RE = re.compile(
    rf"(?P<pre>{_PRE})?"
    rf"(?P<num>{_ARABIC}|{_CN})(?P<mag>{_MAG})"
    rf"(?:(?P<unit1>{_UNIT})?{_DASH}(?P<num2>{_ARABIC}|{_CN})(?P<mag2>{_MAG}))?"
    rf"(?P<post1>余|多)?(?P<mag3>{_MAG})"
    rf"(?P<unit>{_UNIT})?"
    rf"(?:/(?P<per>{_PER}))?"
    rf"(?P<post>{_POST})?"
)


_CN_DIGITS = r"[一二两三四五六七八九十百]+"
#: Fractions and tenths as shares: 三分之一, 1/5, 五成 (kept as written, valued in %).
FRACTION_RE = re.compile(
    rf"(?P<pre>{_PRE})?(?:(?P<den>{_CN_DIGITS})分之(?P<num>{_CN_DIGITS}(?:点[零〇一二三四五六七八九]+)?)"
    rf"|(?P<anum>\d+)/(?P<aden>\d+)(?![\d.%])"
    rf"|(?P<tenths>[一二两三四五六七八九]|\d)成(?![本为立功果员交])(?P<half>半)?)"
    rf"(?P<post>{_POST})?"
)


@dataclass(frozen=True)
class Quantity:
    """A parsed quantity: value as written and normalised."""

    value: float
    unit: str  # as written, with magnitude: "亿元", "万千瓦", "%"
    value_norm: float
    unit_norm: str
    quantity: str  # "money", "power", "ratio", "count", "duration", "" (bare number)
    qualifier: str = ""
    value_high: float | None = None
    value_high_norm: float | None = None


def cn_number(text: str) -> float | None:
    """A number written in Arabic or Chinese numerals (``"两千"`` → 2000.0)."""
    t = text.replace(",", "")
    try:
        return float(t)
    except ValueError:
        pass
    if t[:1] in "十百千万亿":
        t = "一" + t
    try:
        return float(cn2an.cn2an(t, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def unit_info(unit: str) -> tuple[str, str, float] | None:
    """(quantity, base unit, factor) of a unit with an optional magnitude prefix."""
    if unit in UNITS:
        return UNITS[unit]
    for mag in ("万亿", "十", "百", "千", "万", "亿"):
        if unit.startswith(mag) and unit[len(mag) :] in UNITS:
            q, base, f = UNITS[unit[len(mag) :]]
            return q, base, f * _MAGNITUDE[mag]
    return None


def _mag(m: str | None) -> float:
    out = 1.0
    rest = m or ""
    while rest:  # "万" + "亿" or a single magnitude
        for key in ("万亿", "十", "百", "千", "万", "亿"):
            if rest.startswith(key):
                out *= _MAGNITUDE[key]
                rest = rest[len(key) :]
                break
        else:
            break
    return out


def from_match(m: re.Match[str]) -> Quantity | None:
    """Build a :class:`Quantity` from a :data:`QUANTITY_RE` match (``None`` if not a number)."""
    raw = m.group("num")
    mag = (m.group("mag") or "") + (m.group("mag3") or "")  # 3000余万元: 3000 × 万
    if not raw[0].isdigit() and not mag and len(raw) > 1:
        # 一百二十万吨 is written 120 万吨 (as 120万吨 is), not 1200000 吨
        for tail in ("万亿", "亿", "万"):
            if raw.endswith(tail) and len(raw) > len(tail):
                raw, mag = raw[: -len(tail)], tail
                break
    num = cn_number(raw)
    if num is None:
        return None
    unit = m.group("unit") or m.group("unit1") or ""
    high = None
    if m.group("num2"):
        high = cn_number(m.group("num2"))
        mag2 = m.group("mag2") or ""
        if high is not None and mag and not mag2:
            mag2 = mag
        if high is not None:
            high = high * _mag(mag2) / _mag(mag)
    written = mag + unit
    info = UNITS.get(unit)
    if m.group("per") and unit:
        written += "/" + m.group("per")
        quantity, base, factor = "rate", written, 1.0  # a rate keeps its written unit
    elif info is None:
        quantity, base, factor = "", "", 1.0
    else:
        quantity, base, factor = info
    scale = _mag(mag) * factor
    qual = "".join(x for x in (m.group("pre"), m.group("post1"), m.group("post")) if x)
    if qual in {"达", "达到", "高达", "仅"}:
        qual = ""
    else:
        for verb in ("达到", "高达", "达", "仅"):
            qual = qual.removeprefix(verb)
    return Quantity(
        value=num,
        unit=written,
        value_norm=num * scale,
        unit_norm=base or written,
        quantity=quantity,
        qualifier=qual,
        value_high=high,
        value_high_norm=None if high is None else high * scale,
    )


def from_fraction(m: re.Match[str]) -> Quantity | None:
    """A share in % from a :data:`FRACTION_RE` match (``三分之一`` → 33.33…, ``五成`` → 50)."""
    if m.group("den"):
        num, den = cn_number(m.group("num")), cn_number(m.group("den"))
    elif m.group("aden"):
        num, den = float(m.group("anum")), float(m.group("aden"))
    else:
        t = cn_number(m.group("tenths"))
        num, den = (None, None) if t is None else (t + (0.5 if m.group("half") else 0.0), 10.0)
    if num is None or den is None or den == 0 or num > den:
        return None
    value = num / den * 100.0
    qual = "".join(x for x in (m.group("pre"), m.group("post")) if x)
    return Quantity(
        value=value, unit="%", value_norm=value, unit_norm="%", quantity="ratio", qualifier=qual
    )


def parse_quantity(text: str) -> Quantity | None:
    """Parse one quantity that spans the whole ``text`` (``None`` if it does not)."""
    m = QUANTITY_RE.fullmatch(text.strip())
    return from_match(m) if m else None
