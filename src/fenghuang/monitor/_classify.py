"""Kind, indicator phrase and comparison base of one figure; ranks (列全省第六位)."""

from __future__ import annotations

import re
from dataclasses import replace

from fenghuang.monitor._grammar import (
    _CHANGE_END,
    _CHANGE_WORDS,
    _CONNECT_ONLY,
    _COUNTERS,
    _DIFF,
    _DOWN,
    _FOLLOW_NOUN,
    _GENERIC_HEADS,
    _GROWTH,
    _MAX_PHRASE,
    _SHARE_WORDS,
    _TO_LEVEL,
    _TRAIL,
    _VERB_CUT,
    _Fig,
    strip_phrase,
)
from fenghuang.monitor._numbers import Quantity, cn_number
from fenghuang.monitor._periods import Period
from fenghuang.monitor._places import Mention

# 比全省高 / 较一季度加快 / 高于全国: a growth rate compared with another place or period
_COMPARE_BEFORE = re.compile(
    r"(?:比|较)(?P<of>[^，；]{1,20}?)(?P<inc>增速|增幅)?(?<![提升])(?P<dir>高|低|快|慢)(出)?$"
    r"|(?:增速|增幅)(?:比|较)(?P<of2>[^，；]{1,20}?)(?P<dir2>加快|放缓|回落|提高|提升|上升|下降)了?$"
)
_COMPARE_AFTER = re.compile(r"(增速|增幅)?(?P<dir>高|低|快|慢)于(?P<of>[^，；]{1,20}?)$")
_LIST_GAP = re.compile(r"[、和及与]|以及")
_COMPARE_DOWN = {"低", "慢", "放缓", "回落", "下降"}
_YOY_BASES = {"上年", "去年", "上年末", "上年同期", "去年同期", "同期", "上年底", "去年底"}


def classify(
    fig: _Fig,
    text: str,
    left_start: int,
    clause_start: int,
    prev: _Fig | None,
    target: bool,
    periods: list[Period],
    mentions: list[Mention],
) -> None:
    """Set ``fig``\'s kind, indicator phrase, comparison base and sign (rules 4–5 of :mod:`._extract`)."""
    left = text[left_start : fig.start]
    before_qual = left
    q = fig.q
    # share: 占…比重达x% / 占全省的50%
    share_at = left.rfind("占")
    if q.quantity == "ratio" and (share_at >= 0 or _SHARE_WORDS.search(left)):
        fig.kind = "share"
        if share_at >= 0:
            whole = re.split(r"由|从|自", left[share_at + 1 :])[0]
            whole = _TRAIL.sub(
                "", re.sub(r"(的)?(比重|比例|份额)(为|达到|达|是)?$", "", _TRAIL.sub("", whole))
            )
            fig.of = whole.strip("的")
            qual = re.search(r"(约|近|超过|超|逾|不足|不到)$", left[:share_at])
            if qual and not q.qualifier:
                fig.q = q = replace(q, qualifier=qual.group(1))  # 约占全国的三分之一
            part = strip_phrase(text, left_start, left_start + share_at, periods, mentions)
        else:
            part = strip_phrase(text, left_start, fig.start, periods, mentions)
        if not part and prev is not None and prev.start >= clause_start - 40:
            part = prev.indicator
        fig.indicator = f"{part}占{fig.of}比重" if part and fig.of else part
    else:
        stripped = re.sub(r"(为|了|达|达到|到|至)?$", "", before_qual)
        grow = _GROWTH.search(stripped) or _DIFF.search(stripped)
        if q.quantity in {"ratio", "ratio_change", "multiple"} and grow:
            fig.kind = "growth"
            if _DOWN.search(grow.group(0)):
                fig.sign = -1.0
        elif q.quantity in _COUNTERS:
            fig.kind = "count"
        else:
            fig.kind = "level"
        if _TO_LEVEL.search(left):
            fig.kind = "count" if q.quantity in _COUNTERS else "level"
            fig.sign = 1.0  # 下降到3200万吨 is a level, not a decline of 3200
        comp = _COMPARE_BEFORE.search(left) or _COMPARE_AFTER.search(left)
        g = comp.groupdict() if comp else {}
        of, direction = g.get("of") or g.get("of2") or "", g.get("dir") or g.get("dir2") or ""
        if comp and of in _YOY_BASES:
            comp = None  # 增速比上年回落0.5个百分点: the usual change, not a comparison
        if comp and prev is not None and q.quantity in {"ratio", "ratio_change"}:
            fig.of = of + (g.get("inc") or "")
            fig.sign = -1.0 if direction in _COMPARE_DOWN else 1.0
            fig.indicator = prev.indicator
            fig.kind = "growth"
        else:
            fig.indicator = strip_phrase(text, left_start, fig.start, periods, mentions)
    follow = _FOLLOW_NOUN.match(text[fig.end :])
    if follow and follow.group("next").isdigit() and q.quantity in _COUNTERS:
        fig.indicator = ""  # 10条重点产业链…增长3.4%: the count only modifies a later figure
        return
    noun = _VERB_CUT.split(follow.group("noun"))[0] if follow else ""
    if not fig.indicator and _CONNECT_ONLY.match(left.strip("，、")) and prev is not None and left:
        fig.indicator, fig.kind, fig.of = prev.indicator, prev.kind, prev.of
    elif (
        noun and fig.kind in {"count", "level"} and (fig.kind == "count" or len(fig.indicator) <= 2)
    ):
        fig.indicator = noun  # 102个项目, 7万余名林业富余职工, 1GWh生产能力
    if prev is not None and fig.indicator in _CHANGE_WORDS:
        fig.indicator = (
            prev.indicator.removeprefix("新增") + fig.indicator
        )  # …215家，比上年净增38家
    elif prev is not None and fig.indicator in _GENERIC_HEADS:
        fig.indicator = (
            prev.indicator.removeprefix("新增") + fig.indicator
        )  # 新增…35家，总数达到210家
    elif not fig.indicator and prev is not None:
        fig.indicator = prev.indicator  # 地区生产总值1234.5亿元，比上年增长5.6%
        verb = _CHANGE_END.search(left)
        if verb and q.quantity not in {"ratio", "ratio_change"}:
            fig.indicator += verb.group(0)  # …186户，比去年同期增加12户
        if _TO_LEVEL.search(left.rstrip("的")) or _TO_LEVEL.search(
            re.sub(r"\d{4}年的?$", "", left)
        ):
            fig.kind, fig.of = prev.kind, prev.of  # 比重由…的60%下降至35%
        elif not fig.of and fig.kind == prev.kind:
            fig.of = prev.of
    gap = text[prev.end : fig.start] if prev is not None and prev.end <= fig.start else None
    if (
        prev is not None
        and gap is not None
        and _LIST_GAP.fullmatch(gap)
        and fig.q.quantity == prev.q.quantity
    ):
        # 分别增长5.1%、6.3% / 下降5%和3%: a figure listed right after another is of its kind
        fig.indicator = fig.indicator or prev.indicator
        fig.kind, fig.of, fig.sign = prev.kind, prev.of, prev.sign
    if len(fig.indicator) > _MAX_PHRASE:
        fig.indicator = ""
    if target and fig.kind in {"level", "growth", "count", "share"}:
        if fig.kind == "growth" and fig.indicator and not fig.indicator.endswith(("增长", "增速")):
            fig.indicator += "增速"
        fig.kind = "target"


def rank_figure(
    m: re.Match[str],
    text: str,
    prev: _Fig | None,
    clauses: list[tuple[int, int]],
    periods: list[Period],
    mentions: list[Mention],
) -> _Fig | None:
    """A rank figure from ``列全省第六位``/``位列…第二``, or ``None``."""
    n = cn_number(m.group("n"))
    if n is None:
        return None
    ca = next((a for a, b in clauses if a <= m.start() < b), 0)
    of = m.group("of").strip("的")
    indicator = strip_phrase(text, ca, m.start(), periods, mentions)
    if not indicator and prev is not None and prev.end >= ca - 2:
        indicator = prev.indicator + ("增速" if prev.kind == "growth" else "")
    if not indicator:
        indicator = of
    if not indicator:
        return None
    q = Quantity(value=n, unit="位", value_norm=n, unit_norm="位", quantity="rank")
    return _Fig(m.start(), m.end(), q, kind="rank", indicator=indicator, of=of)
