"""Periods in Chinese report text: years, ranges, quarters, months, halves, relative years.

A period is written canonically as ``2023``, ``2020-2022``, ``2023Q1``,
``2023Q1-Q3``, ``2023H1``, ``2023M01-M08``, ``2016-2024`` (since 2016, to
the report year), ``2021-2023`` (近三年 / 过去三年: the last complete years)
or, when no year is known, relative and without a year (``Q1-Q3``, ``H1``,
``近3年``, ``2021至今`` for "十四五"以来 and for ``2021年以来``, ``今年``, ``去年``,
``目前``) — never a guessed year, and ``2021年以来`` is never the single year 2021.
``今年``/``去年``/``上年``/``一年来`` resolve from the report year; ``目前``,
``截至目前``, ``如今`` mean the report year.

Examples
--------
>>> [p.label for p in find_periods("2023年，该市工业用电量增长1.5%")]
['2023']
>>> [p.label for p in find_periods("今年1月—8月，全市", report_year=2024)]
['2024M01-M08']
>>> [p.label for p in find_periods("前三季度", report_year=2024)]
['2024Q1-Q3']
>>> [p.label for p in find_periods("去年", report_year=2024)]
['2023']
>>> [(p.label, p.basis) for p in find_periods("近三年", report_year=2024)]
[('2021-2023', 'report')]
>>> [(p.label, p.year, p.basis) for p in find_periods("“十四五”以来")]
[('2021至今', None, 'relative')]
>>> [(p.label, p.year, p.basis) for p in find_periods("2021年以来")]
[('2021至今', None, 'relative')]
>>> [(p.label, p.year) for p in find_periods("2021年以来", report_year=2024)]
[('2021-2024', 2024)]
>>> [(p.label, p.year, p.basis) for p in find_periods("去年")]
[('去年', None, 'relative')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fenghuang.monitor._numbers import cn_number

__all__ = ["Period", "find_periods"]

_Y = r"(?:19|20)\d{2}"
_CNM = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_PERIOD_RE = re.compile(
    rf"(?P<y1>{_Y})\s*年?\s*[—–\-－~～至到]\s*(?P<y2>{_Y})\s*年"
    rf"|(?:(?P<ym>{_Y})\s*年|(?P<relm>今年|去年|上年|明年))?\s*"
    rf"(?P<m1>{_CNM})\s*月?\s*(?:份)?\s*[—–\-－~～至到]\s*(?P<m2>{_CNM})\s*月(?:份)?"
    rf"|(?:(?P<yq>{_Y})\s*年|(?P<relq>今年|去年|上年|明年))?\s*"
    rf"(?P<q>前三季度|第?[一二三四]季度|上半年|下半年|全年)"
    rf"|(?:(?P<ymo>{_Y})\s*年)?(?P<mo>{_CNM})\s*月(?P<mosuf>末|底|份)"
    rf"|(?P<y>{_Y})\s*年(?P<ysuf>底|末|初|以来|来(?![自源看说到华]))?"
    rf"|(?P<ref>年末|年底|年初)"
    rf"|过去的?(?P<pastn>[二两三四五六七八九十]|\d{{1,2}})年"
    rf"|近(?P<lastn>[二两三四五六七八九十]|\d{{1,2}})年(?:来|以来|间)?"
    rf"|(?P<rel>今年|去年|上年|明年|前年|过去一年|过去的一年|上一年|(?<![\d〇一二三四五六七八九十百])一年来)(?P<relsuf>以来)?"
    rf"|(?P<now>截至目前|截止目前|目前|如今|当前)"
    rf"|“?十(?P<plan>[一二三四五六七八九])五”?(?P<plansuf>以来|期间|时期|末)?"
)
_Q = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass(frozen=True)
class Period:
    """A period found in text: canonical label, year, and the span it was written at.

    ``basis`` says where its year came from: ``""`` written in the text
    (``2023年上半年``); ``"report"``, ``"ref"`` or ``"part"`` taken from the
    ``report_year``, ``ref_year`` or ``part_year`` argument of
    :func:`find_periods` (``今年``, ``全年``, ``上半年``); ``"relative"`` when no
    year was known: the label then has no year (``Q1-Q3``, ``近3年``,
    ``2021至今``) and ``year`` is ``None``.
    """

    label: str
    year: int | None
    start: int
    end: int
    text: str
    basis: str = ""


_Label = tuple[str, int | None, str]


#: The label of a relative year word when the report's year is unknown.
_REL_LABEL = {"今年": "今年", "明年": "明年", "前年": "前年"}  # the others: the year before


def _rel_year(word: str | None, report_year: int | None) -> int | None:
    if word is None or report_year is None:
        return None
    offsets = {"今年": 0, "去年": -1, "上年": -1, "明年": 1, "前年": -2}
    return report_year + offsets.get(word, -1)  # 过去一年/上一年/一年来: the year before


def _part(
    written: str | None, rel: str | None, report_year: int | None, part_year: int | None
) -> tuple[int | None, str]:
    """The year of a quarter, half or month range and where it came from."""
    if written:
        return int(written), ""
    y = _rel_year(rel, report_year)
    if y is not None:
        return y, "report"
    return (part_year, "part") if part_year else (None, "relative")


def _last_years(
    n: float | None, report_year: int | None, ref_year: int | None, explicit_ref: int | None
) -> _Label | None:
    """近三年/过去五年: the last n complete years.

    They end with the year the document reports on (a bulletin on 2023, a
    section headed 2023年工作回顾) or else the year before the report's date
    (a 2024 work report or news item: 2021-2023); with neither known, the
    period stays relative (``近3年``).
    """
    if n is None or n < 1:
        return None
    k = int(n)
    if explicit_ref is not None and explicit_ref != report_year:
        end, basis = explicit_ref, "ref"
    elif report_year is not None:
        end, basis = report_year - 1, "report"
    elif ref_year is not None:
        end, basis = ref_year, "ref"
    else:
        return f"近{k}年", None, "relative"
    return f"{end - k + 1}-{end}", end, basis


def _label(
    m: re.Match[str],
    report_year: int | None,
    ref_year: int | None,
    part_year: int | None,
    explicit_ref: int | None = None,
) -> _Label | None:
    g = m.groupdict()
    if g["ref"]:
        return (str(ref_year), ref_year, "ref") if ref_year else None
    if g["y1"]:
        return f"{g['y1']}-{g['y2']}", int(g["y2"]), ""
    if g["m1"]:
        y, basis = _part(g["ym"], g["relm"], report_year, part_year)
        a, b = cn_number(g["m1"]), cn_number(g["m2"])
        if a is None or b is None or not (1 <= a <= b <= 12):
            return None
        body = f"M{int(a):02d}-M{int(b):02d}"
        return (f"{y}{body}" if y else body), y, basis
    if g["q"]:
        q = g["q"]
        if q == "全年":
            if g["yq"]:
                return g["yq"], int(g["yq"]), ""
            y = _rel_year(g["relq"], report_year)
            if y is not None:
                return str(y), y, "report"
            return (str(ref_year), ref_year, "ref") if ref_year else ("全年", None, "relative")
        y, basis = _part(g["yq"], g["relq"], report_year, part_year)
        if q == "前三季度":
            body = "Q1-Q3"
        elif q == "上半年":
            body = "H1"
        elif q == "下半年":
            body = "H2"
        else:
            body = f"Q{_Q[q.lstrip('第')[0]]}"
        return (f"{y}{body}" if y else body), y, basis
    if g["mo"]:
        mo = cn_number(g["mo"])
        if mo is None or not 1 <= mo <= 12:
            return None
        y, basis = (int(g["ymo"]), "") if g["ymo"] else (part_year, "part")
        if y is None:
            return f"M{int(mo):02d}", None, "relative"
        return f"{y}M{int(mo):02d}", y, basis
    if g["y"]:
        y = int(g["y"])
        if g["ysuf"] in {"以来", "来"}:
            # since Y, up to the document's year (as "十四五"以来); unknown: open-ended,
            # never the single year Y
            if ref_year is None:
                return f"{y}至今", None, "relative"
            if ref_year > y:
                return f"{y}-{ref_year}", ref_year, "report" if ref_year == report_year else "ref"
        return str(y), y, ""
    if g["pastn"] or g["lastn"]:
        return _last_years(cn_number(g["pastn"] or g["lastn"]), report_year, ref_year, explicit_ref)
    if g["rel"]:
        y = _rel_year(g["rel"], report_year)
        if y is None:
            # no report date: kept as the relative word (今年, 去年), never a guessed year
            word = _REL_LABEL.get(g["rel"], "去年")
            return (f"{word}至今" if g["relsuf"] and word != "今年" else word), None, "relative"
        if g["relsuf"] and report_year and report_year > y:
            return f"{y}-{report_year}", report_year, "report"
        return str(y), y, "report"
    if g["plan"]:
        n = 10 + int(cn_number(g["plan"]) or 0)  # 十四五 = the 14th five-year plan
        start = 1966 + 5 * (n - 3)  # 3rd plan 1966–1970, then every five years
        end = start + 4
        if g["plansuf"] == "末":
            return str(end), end, ""
        if g["plansuf"] == "以来":
            # since the plan began, up to the document's year; unknown: open-ended
            if ref_year:
                basis = "report" if ref_year == report_year else "ref"
                return f"{start}-{max(start, ref_year)}", max(start, ref_year), basis
            return f"{start}至今", None, "relative"
        return f"{start}-{end}", end, ""
    if g["now"]:
        return (
            (str(report_year), report_year, "report") if report_year else ("目前", None, "relative")
        )
    return None


def find_periods(
    text: str,
    *,
    report_year: int | None = None,
    ref_year: int | None = None,
    part_year: int | None = None,
) -> list[Period]:
    """Every period expression in ``text``, in order, with its character span.

    Parameters
    ----------
    text : str
        One sentence.
    report_year : int, optional
        Year of the report's date: resolves 今年/去年/目前.
    ref_year : int, optional
        The year the document reports on (a bulletin titled 2023年…统计公报,
        a section headed 2023年工作回顾): resolves 全年/年末. Defaults to
        ``report_year``.
    part_year : int, optional
        The year of year-less quarters, halves and months (上半年, 1—8月):
        the document's or section's year. Defaults to ``ref_year``.
    """
    explicit_ref = ref_year
    ref_year = ref_year if ref_year is not None else report_year
    part_year = part_year if part_year is not None else ref_year
    out = []
    for m in _PERIOD_RE.finditer(text):
        if not m.group(0).strip():
            continue
        lab = _label(m, report_year, ref_year, part_year, explicit_ref)
        if lab is None:
            continue
        out.append(Period(lab[0], lab[1], m.start(), m.end(), m.group(0), lab[2]))
    return out
