"""Report text → observations (place, period, indicator, kind, value, unit, source span).

The rules are general, not tuned to particular sentences:

1. **Blocks and sentences** (:mod:`._text`): soft line breaks are joined;
   short lines made of place names (``江西省 萍乡市``) set the *subject place*
   of what follows; otherwise the subject is the ``place`` argument or the
   registry city named most often.
2. **Clauses**: a sentence is cut at ``，；：``; a ``、`` list is cut only
   where both sides carry a figure (``102个项目、总投资444.1亿元``), so
   ``钢铁、煤炭产业…分别占…50%和20%`` stays whole.
3. **Quantities** (:mod:`._numbers`): number, magnitude, range, unit,
   qualifiers. Years, months and quarters belong to periods, not figures;
   ordinals (``第七批``), model names (``5G``), bare numbers, durations,
   adjectival figures (``40公斤重的泥段``, ``0.8毫米的焊丝``) and numbers in
   quoted names are skipped.
4. **Kind**: ``增长/下降/提高…`` before a percentage → ``growth``;
   ``占…比重/占比`` → ``share`` (``of`` names the whole); counters
   (家/个/座…) → ``count``; ``列…第N位`` → ``rank``; a target word in the
   sentence (目标/预期/力争…) → ``target``; otherwise ``level``.
5. **Indicator phrase**: the text of the clause before the figure, without
   periods, places, leading connectives (其中/数据显示/截至…/已/累计…) and
   trailing verbs (增长/达到/为/突破…); cut after 了/着 and leading
   measure words. Empty → the noun after a counter (``102个项目`` → 项目)
   or, after ``和/及``, the previous figure's indicator.
6. **Place**: the nearest place named before the figure in the sentence
   (``该市/全市/我市`` → the subject); **period**: the nearest period before
   it (``今年/去年/截至目前`` from the report date). Figures whose subject
   is a firm (``该公司…``) are skipped: they are not city indicators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date

from fenghuang.monitor._catalogue import Catalogue, load_catalogue
from fenghuang.monitor._numbers import (
    FRACTION_RE,
    QUANTITY_RE,
    Quantity,
    cn_number,
    from_fraction,
    from_match,
)
from fenghuang.monitor._periods import Period, find_periods
from fenghuang.monitor._places import Mention, PlaceMatcher
from fenghuang.monitor._registry import Registry, load_registry
from fenghuang.monitor._text import Report, Sentence, split_blocks

__all__ = ["Extractor", "Observation", "extract_text"]

PENDING = "待核实"
VERIFIED = "已核实"

_GROWTH = re.compile(
    r"(同比|比上年|较上年|比去年|较去年|年均|平均)?(增长|增速|增幅|增加|下降|降低|减少|提高|提升|上涨|回落|上升|下滑|扩大|缩小)(为|了|达|达到)?$"
)
_TO_LEVEL = re.compile(r"(增长|增加|提高|提升|上升|下降|降低|减少|扩大|缩小|缩减)(到|至)$")
_BASE_BEFORE = re.compile(r"(比|较|与|同比|相比)$")
_DATELINE = re.compile(r"^[^（(，。]{0,8}[（(][^）)]{0,20}[）)]")
_DIFF = re.compile(r"(高|低|快|慢|多|少)(出)?$")
_DOWN = re.compile(r"下降|降低|减少|回落|下滑|缩小|低|慢|少")
_TARGET = re.compile(r"目标|预期|力争|争取|确保|预计|(?:计划|规划)(?=到|在|于|20\d\d|今年|明年)")
_SHARE_WORDS = re.compile(r"比重|占比|份额|比例")
_RANK = re.compile(
    r"(?P<verb>位列|位居|排名|排在|列|居|排)(?P<of>[^，。；、：第]{0,16}?)第(?P<n>[一二三四五六七八九十百\d]+)(?:位|名)?"
)
_N = r"[一二两三四五六七八九十\d]+"
_LEAD = re.compile(
    rf"^(近{_N}年(?:来|以来|间)?|{_N}年(?:来|以来|间)|连续{_N}年|"
    r"同期|其中|数据显示|据统计|统计显示|同时|此外|另外|与此同时|截至|截止|到|至|目前|如今|当前|已经|已|共计|共|累计|"
    r"全年|并且|并|还|均|分别|实现|完成|实施|开展|建成|新建|引进|培育|打造|拥有|有|达到|达|为|是|在|的|底|末|以来|间|，|、|和|及|与)+"
)
_TRAIL = re.compile(
    r"(同比|比上年|较上年|比去年|年均|平均|分别|累计|共计|共|已|已经|均|实现|完成|达到|高达|达|为|是|突破|超过|超出|"
    r"超|逾|约|近|将近|接近|不足|不到|仅|保持在|稳定在|控制在|增长|增速|增幅|增加|下降|降低|减少|提高|提升|上涨|回落|"
    r"上升|下滑|缩减|缩小|跨上|跨越|迈上|站上|到|至|了|在|的|由|从|(?<!占)比|较|，|、)+$"
)
_MEASURE_LEAD = re.compile(r"^[一二两三四五六七八九十几数每]+[个间座台家条项种批位名所套次]")
_FOLLOW_NOUN = re.compile(
    r"^(?:[（(]套[)）])?[“”]?(?P<noun>[^，。；、：:,;！？“”（）()的是在为和与及了\d]{1,16})[”]?(?P<next>.?)"
)
_CONNECT_ONLY = re.compile(r"^[和及与、或以及]*$")
_COUNTERS = {"count"}
_MAX_PHRASE = 24
_CHANGE_END = re.compile(r"(净增|新增|增加|减少|净减)$")
_CHANGE_WORDS = {"净增", "新增", "增加", "减少", "净减", "累计新增"}
_GENERIC_HEADS = {"总数", "总量", "总额", "总规模", "规模", "数量", "总计", "合计"}
_VERB_CUT = re.compile(r"将|已|正在|正|以来|实施|开展|入驻|介绍|实现|完成|进行|获得|获|被|等|用于")
_SKIP_QUANTITIES = {"duration", ""}


@dataclass(frozen=True)
class Observation:
    """One figure from a report, with where it came from.

    ``span_start``/``span_end`` are character offsets of the figure in the
    original text; ``sentence_start``/``sentence_end`` those of its sentence.
    """

    place_code: str | None
    place_name: str
    period: str | None
    year: int | None
    indicator: str
    indicator_code: str | None
    kind: str  # level | growth | share | count | rank | target
    value: float
    value_high: float | None
    qualifier: str
    unit: str
    value_norm: float
    unit_norm: str
    of: str
    sentence: str
    span_start: int
    span_end: int
    sentence_start: int
    sentence_end: int
    source: str
    status: str = PENDING

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class _Fig:
    start: int
    end: int
    q: Quantity
    kind: str = "level"
    indicator: str = ""
    of: str = ""
    sign: float = 1.0


def _clauses(text: str, figs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Clause ranges: cut at ，；： always, at 、 only between two figure-bearing parts."""
    parts: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in "，,；;：:。！？!?":
            parts.append((start, i + 1))
            start = i + 1
    if start < len(text):
        parts.append((start, len(text)))
    out: list[tuple[int, int]] = []

    def has_fig(a: int, b: int) -> bool:
        return any(a <= s < b for s, _ in figs)

    for a, b in parts:
        cuts = [i + 1 for i in range(a, b) if text[i] == "、"]
        pieces = []
        s = a
        for c in cuts:
            pieces.append((s, c))
            s = c
        pieces.append((s, b))
        merged: list[tuple[int, int]] = []
        for pa, pb in pieces:
            if merged and not (has_fig(*merged[-1]) and has_fig(pa, pb)):
                merged[-1] = (merged[-1][0], pb)
            else:
                merged.append((pa, pb))
        out.extend(merged)
    return out


def _in_quotes(text: str, i: int) -> bool:
    before = text[:i]
    return before.count("“") > before.count("”") or before.count("「") > before.count("」")


class Extractor:
    """Extract observations from report text.

    Parameters
    ----------
    registry : Registry, optional
        Resource cities (default: :func:`load_registry`).
    catalogue : Catalogue, optional
        Indicator catalogue (default: packaged).
    """

    def __init__(
        self, registry: Registry | None = None, catalogue: Catalogue | None = None
    ) -> None:
        self.registry = registry or load_registry()
        self.catalogue = catalogue or load_catalogue()
        self.places = PlaceMatcher(self.registry)

    # -- public ------------------------------------------------------------
    def extract(
        self, report: Report, *, report_date: date | None = None, place: str | None = None
    ) -> list[Observation]:
        """All observations of one report (never raises on odd text)."""
        year = report_date.year if report_date else None
        subject = self._resolve_place_arg(place) if place else None
        blocks = split_blocks(report.text)
        # a title such as "萍乡市2023年国民经济和社会发展统计公报" names the year reported on
        title = blocks[0] if blocks and blocks[0].heading else None
        m = re.search(r"((?:19|20)\d{2})年", title.text) if title else None
        title_year = int(m.group(1)) if m else None
        ref_year = title_year or year
        if subject is None:
            subject = self.places.most_frequent(report.text)
        out: list[Observation] = []
        for block in blocks:
            if block.heading:
                s = self.places.subject_of_heading(block.text)
                if s:
                    subject = s
                continue
            carry: tuple[Period | None, Period | None] = (None, None)
            for sent in block.sentences:
                obs, carry = self._sentence(sent, subject, year, ref_year, report.source, carry)
                out.extend(obs)
        if title_year is not None:
            out = [
                o if o.period else replace(o, period=str(title_year), year=title_year) for o in out
            ]
        return out

    # -- helpers -----------------------------------------------------------
    def _resolve_place_arg(self, place: str) -> str | None:
        if place.isdigit() and len(place) == 6:
            return place
        ms = self.places.mentions(place)
        return ms[-1].code if ms else None

    def _figures(self, text: str, periods: list[Period]) -> list[_Fig]:
        figs: list[_Fig] = []
        taken = [(p.start, p.end) for p in periods]
        for m in QUANTITY_RE.finditer(text):
            a, b = m.start(), m.end()
            num_a = m.start("num")
            if a == b or any(s < b and a < e for s, e in taken):
                continue
            if num_a > 0 and (
                text[num_a - 1] == "第" or (text[num_a - 1].isascii() and text[num_a - 1].isalnum())
            ):
                continue
            if b < len(text) and text[b].isascii() and text[b].isalpha():
                continue
            if b < len(text) and text[b] in "年月日号届":
                continue
            q = from_match(m)
            if q is None or q.quantity in _SKIP_QUANTITIES:
                continue
            raw = m.group("num")
            if not raw[0].isdigit() and len(raw) == 1:
                continue  # 一台, 两届, a lone 亿: measure or threshold words, not figures
            if re.match(
                r"^((重|长|宽|高|深|厚|大|多|外|内|以外|以内|之外)?的|级|量级|档)", text[b:]
            ):
                continue
            if q.qualifier in {"以上", "以下"} and _FOLLOW_NOUN.match(text[b:]):
                continue  # 亿元以上技改项目: a threshold modifying a noun
            if _in_quotes(text, a):
                continue
            figs.append(_Fig(a, b, q))
        for m in FRACTION_RE.finditer(text):
            a, b = m.start(), m.end()
            if any(f.start < b and a < f.end for f in figs) or any(
                s < b and a < e for s, e in taken
            ):
                continue
            if m.group("aden") and (a > 0 and text[a - 1].isdigit()):
                continue
            q = from_fraction(m)
            if q is not None and not _in_quotes(text, a):
                figs.append(_Fig(a, b, q))
        figs.sort(key=lambda f: f.start)
        return figs

    def _sentence(
        self,
        sent: Sentence,
        subject: str | None,
        year: int | None,
        ref_year: int | None,
        source: str,
        carry: tuple[Period | None, Period | None],
    ) -> tuple[list[Observation], tuple[Period | None, Period | None]]:
        """Observations of one sentence, and the period to carry to the next one.

        A sentence without a period of its own takes the period of the previous
        sentence in the same paragraph when that sentence *opens* with its
        period (``全年全市…。其中，…``, ``2023年，…。``) — a scope for what
        follows — or when it starts with ``其中``.
        """
        text = sent.text
        periods = find_periods(text, report_year=year, ref_year=ref_year)
        figs = self._figures(text, periods)
        ranks = list(_RANK.finditer(text))
        # 比上年/较去年同期/同比: a comparison base, not the figure's period
        own = [p for p in periods if not _BASE_BEFORE.search(text[max(0, p.start - 2) : p.start])]
        scope, last = carry
        prefix = _DATELINE.sub("", text[: own[0].start]) if own else ""
        opens = bool(own) and len(prefix) <= 2 and not text.startswith(("从", "自"))
        next_carry = (own[-1] if opens else scope if not own else None, own[-1] if own else None)
        if not own:
            inherited = last if text.startswith("其中") and last is not None else scope
            if inherited is not None:
                own = [Period(inherited.label, inherited.year, -1, -1, inherited.text)]
                periods = [*periods, own[0]]
        if not figs and not ranks:
            return [], next_carry
        mentions = self.places.mentions(text, subject=subject)
        orgs = self.places.organisations(text)
        clauses = _clauses(
            text, [(f.start, f.end) for f in figs] + [(r.start(), r.end()) for r in ranks]
        )
        target = bool(_TARGET.search(text))
        respective = self._respectively(text, figs, mentions, clauses)
        out: list[Observation] = []
        prev: _Fig | None = None
        items: list[tuple[int, _Fig | re.Match[str]]] = [(f.start, f) for f in figs]
        items += [(r.start(), r) for r in ranks]
        for _, item in sorted(items, key=lambda x: x[0]):
            fig: _Fig | None
            if isinstance(item, _Fig):
                fig = item
                if any(r.start() <= fig.start < r.end() for r in ranks):
                    continue
                ca = next((a for a, b in clauses if a <= fig.start < b), 0)
                left_start = max(ca, prev.end if prev and prev.end > ca else ca)
                self._classify(fig, text, left_start, ca, prev, target, periods, mentions)
                if not fig.indicator:
                    continue
                prev = fig
            else:
                fig = self._rank(item, text, prev, clauses, periods, mentions)
                if fig is None:
                    continue
            if self._firm_subject(fig.start, orgs, mentions):
                continue
            place = respective.get(fig.start)
            obs = self._observation(sent, fig, subject, mentions, own, source, place)
            out.append(obs)
        return out, next_carry

    @staticmethod
    def _respectively(
        text: str, figs: list[_Fig], mentions: list[Mention], clauses: list[tuple[int, int]]
    ) -> dict[int, Mention]:
        """东山区、兴山区分别完成投资3.2亿元和1.5亿元: the n-th place gets the n-th figure."""
        out: dict[int, Mention] = {}
        for m in re.finditer("分别", text):
            at = m.start()
            places: list[Mention] = []
            for men in reversed([x for x in mentions if x.end <= at and x.kind != "anaphora"]):
                gap = text[men.end : places[-1].start if places else at]
                if not re.fullmatch(r"[、和及与]?", gap):
                    break
                places.append(men)
            places.reverse()
            end = min(
                [e for e in (text.find("；", at), text.find("。", at)) if e >= 0] or [len(text)]
            )
            after = [f for f in figs if at < f.start < end]
            if len(places) >= 2 and len(after) == len(places):
                for f, men in zip(after, places, strict=True):
                    out[f.start] = men
        return out

    def _strip(
        self, text: str, a: int, b: int, periods: list[Period], mentions: list[Mention]
    ) -> str:
        chars = list(text[a:b])
        for s, e in [(p.start, p.end) for p in periods] + [(m.start, m.end) for m in mentions]:
            for i in range(max(s, a), min(e, b)):
                chars[i - a] = "，"
        # keep the last run: periods and places are cut points. A place right
        # before the figure leaves it empty (the noun after the figure is used);
        # a run that is only particles (原煤产量由2015年的…) defers to the run before.
        runs = "".join(chars).split("，")
        if not runs[-1]:
            return ""
        # the last run is only verbs/particles (…比上年增长, …由2015年的): look back
        for run in reversed(runs):
            phrase = self._clean_run(run)
            if phrase:
                return phrase
        return ""

    @staticmethod
    def _clean_run(phrase: str) -> str:
        for _ in range(3):
            phrase = _TRAIL.sub("", phrase)
            phrase = _LEAD.sub("", phrase)
        for particle in ("了", "着"):
            if particle in phrase:
                phrase = phrase.rsplit(particle, 1)[1]
        phrase = _MEASURE_LEAD.sub("", phrase)
        phrase = re.sub(r"(?<=.)(实现|完成)(?=.)", "", phrase)  # 企业实现营业收入 → 企业营业收入
        return phrase.strip("“”\"'（）() ")

    def _classify(
        self,
        fig: _Fig,
        text: str,
        left_start: int,
        clause_start: int,
        prev: _Fig | None,
        target: bool,
        periods: list[Period],
        mentions: list[Mention],
    ) -> None:
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
                part = self._strip(text, left_start, left_start + share_at, periods, mentions)
            else:
                part = self._strip(text, left_start, fig.start, periods, mentions)
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
            comp = re.search(
                r"比(?P<of>[^，；]{1,20}?)(?P<inc>增速|增幅)?(?<![提升])(?P<dir>高|低|快|慢)(出)?$",
                left,
            ) or re.search(r"(增速|增幅)?(?P<dir>高|低|快|慢)于(?P<of>[^，；]{1,20}?)$", left)
            if comp and prev is not None and q.quantity in {"ratio", "ratio_change"}:
                fig.of = comp.group("of") + (comp.groupdict().get("inc") or "")
                fig.sign = -1.0 if comp.group("dir") in {"低", "慢"} else 1.0
                fig.indicator = prev.indicator
                fig.kind = "growth"
            else:
                fig.indicator = self._strip(text, left_start, fig.start, periods, mentions)
        follow = _FOLLOW_NOUN.match(text[fig.end :])
        if follow and follow.group("next").isdigit() and q.quantity in _COUNTERS:
            fig.indicator = ""  # 10条重点产业链…增长3.4%: the count only modifies a later figure
            return
        noun = _VERB_CUT.split(follow.group("noun"))[0] if follow else ""
        if (
            not fig.indicator
            and _CONNECT_ONLY.match(left.strip("，、"))
            and prev is not None
            and left
        ):
            fig.indicator, fig.kind, fig.of = prev.indicator, prev.kind, prev.of
        elif (
            noun
            and fig.kind in {"count", "level"}
            and (fig.kind == "count" or len(fig.indicator) <= 2)
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
        if len(fig.indicator) > _MAX_PHRASE:
            fig.indicator = ""
        if target and fig.kind in {"level", "growth", "count", "share"}:
            if (
                fig.kind == "growth"
                and fig.indicator
                and not fig.indicator.endswith(("增长", "增速"))
            ):
                fig.indicator += "增长"
            fig.kind = "target"

    def _rank(
        self,
        m: re.Match[str],
        text: str,
        prev: _Fig | None,
        clauses: list[tuple[int, int]],
        periods: list[Period],
        mentions: list[Mention],
    ) -> _Fig | None:
        n = cn_number(m.group("n"))
        if n is None:
            return None
        ca = next((a for a, b in clauses if a <= m.start() < b), 0)
        of = m.group("of").strip("的")
        indicator = self._strip(text, ca, m.start(), periods, mentions)
        if not indicator and prev is not None and prev.end >= ca - 2:
            indicator = prev.indicator + ("增速" if prev.kind == "growth" else "")
        if not indicator:
            indicator = of
        if not indicator:
            return None
        q = Quantity(value=n, unit="位", value_norm=n, unit_norm="位", quantity="rank")
        return _Fig(m.start(), m.end(), q, kind="rank", indicator=indicator, of=of)

    @staticmethod
    def _firm_subject(at: int, orgs: list[tuple[int, int]], mentions: list[Mention]) -> bool:
        before = [e for s, e in orgs if e <= at]
        if not before:
            return False
        last_org = max(before)
        return not any(last_org <= m.start < at for m in mentions)

    def _observation(
        self,
        sent: Sentence,
        fig: _Fig,
        subject: str | None,
        mentions: list[Mention],
        periods: list[Period],
        source: str,
        override: Mention | None = None,
    ) -> Observation:
        place = override
        for m in mentions if override is None else []:
            if m.start < fig.start:
                place = m
        code = place.code if place else subject
        name = (
            place.name
            if place and place.kind == "park"
            else self.places.name_of(code)
            if code
            else ""
        )
        per: Period | None = None
        for p in periods:
            if p.start < fig.start:
                per = p
        if per is None:
            after = [p for p in periods if p.start > fig.start]
            per = after[0] if after and after[0].start - fig.end < 6 else None
        a, b = sent.span(fig.start, fig.end)
        q = fig.q
        code_ind = self.catalogue.match(
            fig.indicator
            + (
                "占" + fig.of
                if fig.kind == "share" and fig.of and "占" not in fig.indicator
                else ""
            )
        )
        return Observation(
            place_code=code,
            place_name=name,
            period=per.label if per else None,
            year=per.year if per else None,
            indicator=fig.indicator,
            indicator_code=code_ind,
            kind=fig.kind,
            value=q.value * fig.sign,
            value_high=None if q.value_high is None else q.value_high * fig.sign,
            qualifier=q.qualifier,
            unit=q.unit,
            value_norm=q.value_norm * fig.sign,
            unit_norm=q.unit_norm,
            of=fig.of,
            sentence=sent.text,
            span_start=a,
            span_end=b,
            sentence_start=sent.start,
            sentence_end=sent.end,
            source=source,
        )


def extract_text(
    text: str,
    *,
    report_date: date | None = None,
    place: str | None = None,
    source: str = "<text>",
    extractor: Extractor | None = None,
) -> list[Observation]:
    """Observations of a text (see :class:`Extractor`).

    Examples
    --------
    >>> obs = extract_text("2023年，该市工业用电量增长1.5%。", place="萍乡市")
    >>> o = obs[0]
    >>> o.place_name, o.period, o.indicator, o.kind, o.value, o.unit
    ('萍乡市', '2023', '工业用电量', 'growth', 1.5, '%')
    """
    ex = extractor or Extractor()
    return ex.extract(Report(text=text, source=source), report_date=report_date, place=place)


def _iter(xs: Iterable[Observation]) -> list[dict[str, object]]:
    return [o.to_dict() for o in xs]
