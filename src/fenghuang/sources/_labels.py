"""Reading header labels: which field, unit and month a header cell stands for.

Handles one- and two-row headers (a parent merged over "本年 | 上年" or
over units), headers with a unit (``实缴税额（万元）``), headers naming a
field twice (``纳税人识别号/统一社会信用代码``) and the month columns of
wide monthly layouts (``1月 … 12月``, ``2023年1月``, ``1月用电量``).
"""

from __future__ import annotations

import re

from fenghuang.sources._mapping import DepartmentMapping, normalize_header
from fenghuang.sources._units import looks_like_unit, split_header

__all__ = ["Col", "combine", "is_subheader", "match_header", "month_label", "score"]

# (header as written, field, unit, year, month) of one column; year/month for wide layouts
Col = tuple[str, str | None, str | None, int | None, int | None]
_MONTH_LABEL = re.compile(
    r"^(?:(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*)?"
    r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*(?:月份?|(?=$))(?P<rest>.*)$"
)
_CN_MONTH = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_CODELIKE = re.compile(r"^[0-9A-Za-z]{15,20}$")


def match_header(mapping: DepartmentMapping, header: str) -> tuple[str | None, str | None]:
    """(field, unit) for one header text.

    Tried in turn: the whole header; its name without the unit; each part
    of a header such as ``纳税人识别号/统一社会信用代码`` when all parts that
    mean something mean the same field.
    """
    header = re.sub(r"\s+", "", header)
    f = mapping.field_for_header(header)
    if f is not None:
        return f, None
    stem, unit = split_header(header)
    if unit is not None:
        f = mapping.field_for_header(stem)
        if f is not None:
            return f, unit
    parts = [p for p in re.split(r"[/／|()（）、]", header) if p]
    if len(parts) > 1:
        found = {mapping.field_for_header(p) for p in parts} - {None}
        if len(found) == 1:
            return found.pop(), None
    return None, None


def is_subheader(mapping: DepartmentMapping, top: list[str | None], sub: list[str | None]) -> bool:
    if not any(sub):
        return False
    special = {
        normalize_header(s) for s in [*mapping.current_subheaders, *mapping.ignored_subheaders]
    }
    signal = False
    for j, text in enumerate(sub):
        if text is None:
            continue
        if _CODELIKE.match(text) or re.fullmatch(r"[-+]?[\d.,，%]+", text):
            return False
        parent = top[j] if j < len(top) else None
        if parent is not None and normalize_header(parent) == normalize_header(text):
            continue  # merged over both header rows
        month = mapping.kind == "monthly" and month_label(text) is not None
        if parent is None or month or normalize_header(text) in special or looks_like_unit(text):
            signal = True
    return signal


def month_label(text: str) -> tuple[int | None, int, str] | None:
    """(year, month, rest) of a header such as ``1月``, ``2023年1月``, ``1月用电量``."""
    m = _MONTH_LABEL.match(text.strip())
    if m is None:
        return None
    raw = m.group("m")
    month = _CN_MONTH[raw] if raw in _CN_MONTH else int(raw)
    rest = m.group("rest").strip()
    if m.group("y") is None and not text.strip().startswith(raw):
        return None
    if rest == "" and m.group("y") is None and not re.search(r"月", text):
        return None  # a bare number is not a month header
    return (int(m.group("y")) if m.group("y") else None, month, rest)


def _wide(mapping: DepartmentMapping, label: str, parent: str | None) -> Col | None:
    """A month column of a wide monthly layout, if ``label`` is one."""
    if mapping.kind != "monthly":
        return None
    found = month_label(label)
    if found is None:
        return None
    year, month, rest = found
    written = f"{parent}|{label}" if parent else label
    field, unit = (None, None)
    if rest:
        field, unit = match_header(mapping, rest)
        if field is None and looks_like_unit(rest.strip("()（）")):
            unit = rest.strip("()（）")
    if field is None and parent:
        field, punit = match_header(mapping, parent)
        unit = unit or punit
    if field is None:
        field = mapping.wide_field
    if field is None or field in ("credit_code", "name", "period", "year", "month", "item"):
        return None
    return (written, field, unit, year, month)


def combine(
    mapping: DepartmentMapping, top: list[str | None], sub: list[str | None] | None
) -> list[Col]:
    """Per column: (header as written, field, unit, year, month)."""
    width = max(len(top), len(sub or []))
    current = {normalize_header(s) for s in mapping.current_subheaders}
    ignored = {normalize_header(s) for s in mapping.ignored_subheaders}
    out: list[Col] = []
    parent: str | None = None
    for j in range(width):
        p = top[j] if j < len(top) else None
        c = sub[j] if sub is not None and j < len(sub) else None
        if p is not None and c is not None and normalize_header(p) == normalize_header(c):
            c = None  # a header cell merged over both rows, filled into each
        if p is not None:
            parent = p
        elif c is None:
            parent = None
        if sub is None or c is None:
            text = p or ""
            f, u = match_header(mapping, text) if p else (None, None)
            wide = _wide(mapping, text, None) if p and f is None else None
            out.append(wide or (text, f, u, None, None))
            continue
        eff = p if p is not None else parent
        written = f"{eff}|{c}" if eff else c
        key = normalize_header(c)
        wide = _wide(mapping, c, eff)
        if wide is not None:
            out.append(wide)
        elif eff and key in ignored:
            out.append((written, None, None, None, None))
        elif eff and key in current:
            f, u = match_header(mapping, eff)
            out.append((written, f, u, None, None))
        elif eff and looks_like_unit(c) and match_header(mapping, eff)[0] is not None:
            out.append((written, match_header(mapping, eff)[0], c, None, None))
        else:
            f, u = match_header(mapping, c)
            if f is None and eff:
                f, u = match_header(mapping, eff + c)
            out.append((written, f, u, None, None))
    return out


def score(mapping: DepartmentMapping, cols: list[Col]) -> tuple[int, int]:
    found = {c[1] for c in cols if c[1] is not None}
    if any(c[4] is not None for c in cols):
        found.add("month")
    ident = found & {"credit_code", "name", "parcel_id"}
    if not ident or len(found) < 2:
        return (0, 0)
    specific = len(found - {"credit_code", "name", "period", "year", "month", "item"})
    return (specific, len(found))
