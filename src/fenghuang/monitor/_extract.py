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
   (家/个/座…) → ``count``; ``列…第N位`` → ``rank``; a target word before
   the figure (目标/预期/力争…), or ``…的控制目标`` right after it →
   ``target``; otherwise ``level``.
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
from fenghuang.monitor._classify import classify, rank_figure
from fenghuang.monitor._grammar import (
    _BASE_BEFORE,
    _DATELINE,
    _RANK,
    _TARGET,
    _clauses,
    _Fig,
    find_figures,
    respectively,
    respectively_indicators,
    respectively_nouns,
)
from fenghuang.monitor._numbers import cn_number
from fenghuang.monitor._periods import Period, find_periods
from fenghuang.monitor._places import Mention, PlaceMatcher
from fenghuang.monitor._registry import Registry, load_registry
from fenghuang.monitor._text import Block, Report, Sentence, split_blocks

__all__ = ["PERIOD_BASIS", "Extractor", "Observation", "extract_text", "report_year_of_text"]

PENDING = "待核实"
VERIFIED = "已核实"


@dataclass(frozen=True)
class Observation:
    """One figure from a report, with where it came from.

    ``span_start``/``span_end`` are character offsets of the figure in the
    original text; ``sentence_start``/``sentence_end`` those of its sentence.
    ``period_basis`` says where the period's year came from (keys of
    :data:`PERIOD_BASIS`): ``""`` written in the sentence; ``context`` the
    title, a section heading or an earlier sentence of the paragraph;
    ``document_date`` the report's date (its dateline, ``发布时间：…``, or the
    ``report_date`` argument), including a figure whose sentence names no
    period at all; ``relative`` a relative period whose year is unknown
    (``Q1-Q3``, ``近3年``, ``2021至今``, ``去年``); ``undated`` no period at all
    and no date; ``undated_review`` no period in a work report (its date's
    year is not the year it reviews).
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
    period_basis: str = ""  # "" | context | document_date | relative (see PERIOD_BASIS)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


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
        blocks = split_blocks(report.text)
        if report_date is None:
            report_date = dateline(blocks)
        year = report_date.year if report_date else None
        year_basis = "document_date"
        subject = self._resolve_place_arg(place) if place else None
        # a title such as "萍乡市2023年国民经济和社会发展统计公报" names the period reported on
        title = blocks[0] if blocks and blocks[0].heading else None
        title_periods = [
            p for p in (find_periods(title.text, report_year=year) if title else []) if p.year
        ]
        title_period = title_periods[0] if title_periods else None
        page_title = report.title if _WORK_REPORT.search(report.title) else ""
        if title is not None and title_period is not None and _WORK_REPORT.search(title.text):
            # "2024年政府工作报告" is delivered in 2024 and reviews 2023: its year is the
            # report's date, not the period its figures are for
            if year is None:
                year, year_basis = title_period.year, "context"
            title_period = None
            work_report = True
        else:
            work_report = bool(page_title) or bool(
                title is not None and _WORK_REPORT.search(title.text)
            )
        if year is None:
            # no date: the report's own text may still give its year (see report_year_of_text)
            year = report_year_of_text(blocks, page_title, title_period)
            year_basis = "context"
        ref_year = title_period.year if title_period else year
        ref_basis = "context" if title_period else year_basis
        if subject is None:
            subject = self.places.most_frequent(report.text)
        out: list[Observation] = []
        section: Period | None = None  # "一、2023年工作回顾": the period of what follows
        for block in blocks:
            if block.heading:
                s = self.places.subject_of_heading(block.text)
                if s:
                    subject = s
                if block is not title and not _FULL_DATE.search(block.text):  # not a dateline
                    dated = [p for p in find_periods(block.text, report_year=year) if p.year]
                    section = dated[0] if dated else section
                continue
            carry: tuple[Period | None, Period | None] = (None, None)
            block_ref = section.year if section else ref_year
            bases = {"report": year_basis, "part": "context" if section else ref_basis}
            for sent in block.sentences:
                obs, carry = self._sentence(
                    sent, subject, year, block_ref, report.source, carry, bases
                )
                if section is not None:
                    obs = [o if o.period else _with_period(o, section) for o in obs]
                out.extend(obs)
        if title_period is not None:
            out = [o if o.period else _with_period(o, title_period) for o in out]
        elif report_date is not None and not work_report:
            # a dated news item: a figure whose sentence names no period is of the date's
            # year, and says so (a work report reviews the year before its date: left alone)
            by_date = Period(str(report_date.year), report_date.year, -1, -1, "", "document_date")
            out = [o if o.period else _with_period(o, by_date) for o in out]
        # what is left without a period says why (PERIOD_BASIS): never silently undated
        why = "undated_review" if work_report and year is not None else "undated"
        return [o if o.period else replace(o, period_basis=why) for o in out]

    # -- helpers -----------------------------------------------------------
    def _resolve_place_arg(self, place: str) -> str | None:
        if place.isdigit() and len(place) == 6:
            return place
        ms = self.places.mentions(place)
        return ms[-1].code if ms else None

    def _sentence(
        self,
        sent: Sentence,
        subject: str | None,
        year: int | None,
        ref_year: int | None,
        source: str,
        carry: tuple[Period | None, Period | None],
        bases: dict[str, str] | None = None,
    ) -> tuple[list[Observation], tuple[Period | None, Period | None]]:
        """Observations of one sentence, and the period to carry to the next one.

        A sentence without a period of its own takes the period of the previous
        sentence in the same paragraph when that sentence *opens* with its
        period (``全年全市…。其中，…``, ``2023年，…。``) — a scope for what
        follows — or when it starts with ``其中``.
        """
        text = sent.text
        scope, last = carry
        # 全年/年末 inside a paragraph scoped to a year (过去一年，…) mean that year
        in_year = scope.year if scope is not None and scope.year else ref_year
        periods = find_periods(text, report_year=year, ref_year=in_year, part_year=ref_year)
        # where each resolved year came from, for the output (Observation.period_basis)
        basis_of = dict(bases or {})
        basis_of["ref"] = (
            _context(scope) if scope is not None and scope.year else basis_of.get("part", "")
        )
        periods = [
            replace(p, basis=basis_of.get(p.basis, "context")) if p.basis in _ARGS else p
            for p in periods
        ]
        figs = find_figures(text, periods)
        ranks = list(_RANK.finditer(text))
        # 比上年/较去年同期/同比: a comparison base, not the figure's period
        own = [p for p in periods if not _BASE_BEFORE.search(text[max(0, p.start - 2) : p.start])]
        prefix = _DATELINE.sub("", text[: own[0].start]) if own else ""
        opens = bool(own) and len(prefix) <= 2 and not text.startswith(("从", "自"))
        # a period inside a sentence does not end the paragraph's scope; an opening one replaces it
        next_carry = (own[-1] if opens else scope, own[-1] if own else None)
        if not own:
            inherited = last if text.startswith("其中") and last is not None else scope
            if inherited is not None:
                own = [
                    Period(
                        inherited.label, inherited.year, -1, -1, inherited.text, _context(inherited)
                    )
                ]
                periods = [*periods, own[0]]
        if not figs and not ranks:
            return [], next_carry
        mentions = self.places.mentions(text, subject=subject)
        orgs = self.places.organisations(text)
        clauses = _clauses(
            text, [(f.start, f.end) for f in figs] + [(r.start(), r.end()) for r in ranks]
        )
        # a target word before a figure makes it a target (预期目标是：…增长6%); one after it
        # does not (失业率为3.2%，低于4.5%的控制目标: only 4.5% is the target)
        target_at = [m.start() for m in _TARGET.finditer(text)]
        respective = respectively(text, figs, mentions, clauses)
        # 分别 pairs figures with places first; otherwise with the figures before it
        same_order = {
            k: v for k, v in respectively_indicators(text, figs).items() if k not in respective
        }
        listed = respectively_nouns(text, figs, clauses, periods, mentions)
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
                target = any(t < fig.start for t in target_at) or fig.names_target
                classify(fig, text, left_start, ca, prev, target, periods, mentions)
                if fig.names_target and prev is not None and prev.indicator:
                    fig.indicator = prev.indicator  # …3.2%，低于4.5%的控制目标
                src = figs[same_order[fig.start]] if fig.start in same_order else None
                if src is not None and src.indicator and _distinct(figs, same_order):
                    fig.indicator, fig.of = src.indicator, ""
                elif fig.start in listed:
                    fig.indicator = listed[fig.start]
                if not fig.indicator:
                    continue
                prev = fig
            else:
                fig = rank_figure(item, text, prev, clauses, periods, mentions)
                if fig is None:
                    continue
            if self._firm_subject(fig.start, orgs, mentions):
                continue
            place = respective.get(fig.start)
            starts = tuple(f.start for f in figs)
            obs = self._observation(sent, fig, subject, mentions, own, source, place, starts)
            out.append(obs)
        return out, next_carry

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
        others: tuple[int, ...] = (),
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
                # "由2020年的33.5%提高到35.2%": a from-period belongs to the figure right after it
                from_period = p.start > 0 and sent.text[p.start - 1] in "由从自"
                if from_period and any(p.end <= s < fig.start for s in others):
                    continue
                per = p
        if per is None:
            after = [p for p in periods if p.start > fig.start]
            per = after[0] if after and after[0].start - fig.end < 6 else None
        a, b = sent.span(fig.start, fig.end)
        q = fig.q
        # a share (or its change) is matched only against share indicators (…占…比重)
        is_share = fig.kind == "share" or bool(_SHARE_PHRASE.search(fig.indicator))
        code_ind = self.catalogue.match(
            fig.indicator
            + (
                "占" + fig.of
                if fig.kind == "share" and fig.of and "占" not in fig.indicator
                else ""
            ),
            units=_SHARE_UNITS if is_share else None,
        )
        tail = _CHANGE_TAIL.search(fig.indicator)
        head = _CHANGE_HEAD.match(fig.indicator)
        if code_ind is not None and (tail or head):
            ind = self.catalogue[code_ind]
            names = (ind.zh, *ind.synonyms)
            if not any(
                (tail and x.endswith(tail.group(1))) or (head and x.startswith(head.group(1)))
                for x in names
            ):
                # 光伏装机容量新增20万千瓦 / 新增高新技术企业35家: a change, not the level
                code_ind = None
        if code_ind is None and is_share:
            # 煤炭工业增加值占…比重 ≈ 煤炭工业占…: the part's measure word is not what it names
            bare = re.sub(r"(增加值|总产值|产值|产量|营业收入)(?=占)", "", fig.indicator)
            code_ind = self.catalogue.match(bare, units=_SHARE_UNITS) if bare else None
        return Observation(
            place_code=code,
            place_name=name,
            period=per.label if per else None,
            year=per.year if per else None,
            period_basis=per.basis if per else "",
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


_CHANGE_TAIL = re.compile(r"(新增|净增|增加|减少|净减|多增|少增)$")
_CHANGE_HEAD = re.compile(r"^(新增|净增|累计新增)")
_WORK_REPORT = re.compile(r"工作报告|施政报告")
_SHARE_PHRASE = re.compile(r"占.*(比重|比例|份额)|占比")
_SHARE_UNITS = frozenset({"%", "‰"})
# 2024年10月28日, 2024-10-28, 2024/10/28, 2024.10.28 (a time may follow, its space removed)
_FULL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2}?)(?=\d{1,2}:\d{2}|(?!\d)))"
)
_DATE_LABEL = re.compile(r"(发布|发稿|更新|刊发|印发|成文)?(时间|日期)\s*[：:]")
_DATELINE_BLOCKS = 6
_DATELINE_TAIL = 3
_DATELINE_MAX = 60
_DATELINE_LABELLED_MAX = 120


def dateline(blocks: list[Block]) -> date | None:
    r"""The report's date from a dateline near its top (or, failing that, its end).

    ``2024年10月28日 来源：…``, ``2024-10-28 10:30``, ``2024/10/28``,
    ``发布时间：2024-10-28``, ``（2024年10月28日）`` under the text. Only the
    first few and the last few short blocks without sentence punctuation are
    looked at, so a date inside the body (``2024年3月5日，该市召开…``) is not
    mistaken for the report date; a line labelled 发布时间/日期 may be longer
    (``发布时间：… 来源：… 浏览次数：…``).

    >>> from fenghuang.monitor._text import split_blocks
    >>> dateline(split_blocks("标题\n发布时间：2023-05-12 09:30 来源：萍乡日报\n正文。"))
    datetime.date(2023, 5, 12)
    """
    tail = blocks[max(_DATELINE_BLOCKS, len(blocks) - _DATELINE_TAIL) :]
    for block in [*blocks[:_DATELINE_BLOCKS], *tail]:
        labelled = _DATE_LABEL.search(block.text)
        limit = _DATELINE_LABELLED_MAX if labelled else _DATELINE_MAX
        if len(block.text) > limit or any(ch in block.text for ch in "，。；,;"):
            continue  # a sentence, not a dateline
        # after a 发布时间：label, its date; otherwise the first date of the line
        m = _FULL_DATE.search(block.text, labelled.end() if labelled else 0)
        if m:
            y, mo, d = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
            try:
                return date(int(y), int(mo), int(d))
            except ValueError:
                continue
    return None


# headings of a work report: "一、2023年工作回顾" (delivered in 2024), "二、2024年工作安排"
# (not 工作总结: a department's summary of a year is written in that year, often)
_REVIEW_HEADING = re.compile(r"((?:19|20)\d{2})\s*年(?:的)?(?:工作|发展)?回顾")
_PLAN_HEADING = re.compile(
    r"((?:19|20)\d{2})\s*年(?:的)?(?:(?:工作|发展)(?:安排|任务|部署|总体要求)"
    r"|主要(?:任务|目标|预期目标)|重点工作)"
)
# "今年是“十四五”规划收官之年": the plan's first or last year
_PLAN_YEAR = re.compile(
    r"今年是[^。！？]{0,12}?“?十([一二三四五六七八九])五”?[^。！？]{0,8}?(开局|收官)之年"
)
_SUB_YEAR = re.compile(r"\d(?:Q|H|M)")


def report_year_of_text(
    blocks: list[Block], page_title: str = "", title_period: Period | None = None
) -> int | None:
    r"""The year a report was written in, from its own text, when it carries no date.

    In order: a work report's title in the page's ``<title>``
    (``2024年政府工作报告``); a title on part of a year (``2024年上半年经济运行
    情况``: written in that year); a work report's headings (``一、2023年工作回顾``
    → 2024, ``二、2024年工作安排`` → 2024); ``今年是“十四五”规划收官之年`` (2025).
    ``None`` when none of these is there: then 今年/去年 stay relative.

    >>> from fenghuang.monitor._text import split_blocks
    >>> report_year_of_text(split_blocks("政府工作报告\n一、2023年工作回顾\n一年来，…。"))
    2024
    >>> report_year_of_text(split_blocks("今年是“十四五”规划的收官之年。"))
    2025
    >>> report_year_of_text(split_blocks("全市经济运行平稳。")) is None
    True
    """
    if page_title:
        ps = [p for p in find_periods(page_title) if p.year]
        if ps:
            return ps[0].year
    if title_period is not None and title_period.year and _SUB_YEAR.search(title_period.label):
        return title_period.year
    for b in blocks:
        if not b.heading:
            continue
        m = _REVIEW_HEADING.search(b.text)
        if m:
            return int(m.group(1)) + 1
        m = _PLAN_HEADING.search(b.text)
        if m:
            return int(m.group(1))
    for b in blocks:
        m = _PLAN_YEAR.search(b.text)
        if m:
            n = 10 + int(cn_number(m.group(1)) or 0)  # 十四五 = the 14th five-year plan
            start = 1966 + 5 * (n - 3)  # as in _periods: 3rd plan 1966–1970
            return start if m.group(2) == "开局" else start + 4
    return None


def _distinct(figs: list[_Fig], pairs: dict[int, int]) -> bool:
    """The figures named before 分别 carry different indicators (else nothing to pair)."""
    inds = [figs[i].indicator for i in pairs.values()]
    return len(set(inds)) == len(inds)


def _with_period(o: Observation, p: Period) -> Observation:
    return replace(o, period=p.label, year=p.year, period_basis=_context(p))


def _context(p: Period) -> str:
    """The basis of a period taken from elsewhere: written there → ``context``."""
    return p.basis or "context"


_ARGS = frozenset({"report", "ref", "part"})

#: Where a figure's period came from (Observation.period_basis), zh and en.
PERIOD_BASIS: dict[str, tuple[str, str]] = {
    "": ("句中写明", "written in the sentence"),
    "context": ("取自标题、小标题或上文", "from the title, a heading or the sentences before"),
    "document_date": ("按文档日期推定", "from the document's date"),
    "relative": (
        "相对期间，年份未知（文档无日期）",
        "relative period, year unknown (the document gives no date)",
    ),
    "undated": (
        "未写期间，文档无日期，年份未定",
        "no period written and no document date: the year is left open",
    ),
    "undated_review": (
        "未写期间；工作报告回顾上一年，不按报告年份推定",
        "no period written; a work report reviews the year before its date, "
        "so its year is not assumed",
    ),
}


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
