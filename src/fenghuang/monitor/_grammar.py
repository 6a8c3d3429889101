"""The grammar of figures in a sentence: clauses, quantities to keep, indicator phrases.

Rule tables are regular expressions (data), shared by :mod:`._classify` and
:mod:`._extract`; the rules are described in prose in :mod:`._extract`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from fenghuang.monitor._numbers import (
    FRACTION_RE,
    QUANTITY_RE,
    Quantity,
    from_fraction,
    from_match,
    parse_quantity,
)
from fenghuang.monitor._periods import Period
from fenghuang.monitor._places import Mention

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
    r"全年|并且|并|还|均|分别|实现|完成|实施|开展|建成(?!区)|新建|拥有|有(?![色机效线限序关])|达到|达|为|是|在(?![校读建岗职册营线])|的|底|末|以来|间|"
    r"(?:比|较|与)(?:上年末|上年同期|去年同期|上年|去年|年初|上月|上季度|同期)|，|、|和|及|与)+"
)
_TRAIL = re.compile(
    rf"(同比|比上年|较上年|比去年|年均|平均|分别|累计|共计|共|已|已经|均|实现|完成|达到|高达|达|为|是|突破|超过|超出|连续{_N}年|"
    r"超|逾|约|近|将近|接近|不足|不到|仅|保持在|稳定在|控制在|增长|增速|增幅|增加|下降|降低|减少|提高|提升|上涨|回落|"
    r"上升|下滑|缩减|缩小|跨上|跨越|迈上|站上|到|至|了|在|的|由|从|(?<!占)比|较|，|、)+$"
)
_MEASURE_LEAD = re.compile(
    r"^[一二两三四五六七八九十几数每]+[个间座台家条项种批位名所套次](?!产业)"
)
_FOLLOW_NOUN = re.compile(
    r"^(?:[（(]套[)）])?[“”]?(?P<noun>[^，。；、：:,;！？“”（）()的是在为和与及了\d]{1,16})[”]?(?P<next>.?)"
)
_CONNECT_ONLY = re.compile(r"^[和及与、或以及]*$")
_COUNTERS = {"count"}
_MAX_PHRASE = 24
_CHANGE_END = re.compile(r"(净增|新增|增加|减少|净减|多增|少增)$")
_CHANGE_WORDS = {"净增", "新增", "增加", "减少", "净减", "累计新增", "多增", "少增"}
_GENERIC_HEADS = {"总数", "总量", "总额", "总规模", "规模", "数量", "总计", "合计"}
_VERB_CUT = re.compile(r"将|已|正在|正|以来|实施|开展|入驻|介绍|实现|完成|进行|获得|获|被|等|用于")
_SKIP_QUANTITIES = {"duration", ""}
_TARGET_AFTER = re.compile(r"^(左右|以内|以下|以上)?的[^，。；、]{0,6}(目标|预期目标|控制目标)")
_DAY_COUNT = re.compile(r"(天数|日数)(为|达到|达|是|共|有)?$")


@dataclass
class _Fig:
    start: int
    end: int
    q: Quantity
    kind: str = "level"
    indicator: str = ""
    of: str = ""
    sign: float = 1.0
    names_target: bool = False  # 4.5%的控制目标: the figure is the target named after it


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


def find_figures(text: str, periods: list[Period]) -> list[_Fig]:
    """The quantities of a sentence worth an observation, in order (see rule 3 of :mod:`._extract`)."""
    figs: list[_Fig] = []
    taken = [(p.start, p.end) for p in periods]
    matches = list(QUANTITY_RE.finditer(text))
    borrowed = _borrowed_units(text, matches)
    for k, m in enumerate(matches):
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
        q = from_match(m) if k not in borrowed else borrowed[k]
        if q is not None and q.quantity == "duration" and _DAY_COUNT.search(text[:a]):
            q = replace(q, quantity="count")  # 空气质量优良天数297天: a count of days
        if q is None or q.quantity in _SKIP_QUANTITIES:
            continue
        raw = m.group("num")
        if not raw[0].isdigit() and len(raw) == 1:
            continue  # 一台, 两届, a lone 亿: measure or threshold words, not figures
        names_target = bool(_TARGET_AFTER.match(text[b:]))
        if not names_target and re.match(
            r"^((重|长|宽|高|深|厚|大|多|外|内|以外|以内|之外)?的|级|量级|档)", text[b:]
        ):
            continue
        if q.qualifier in {"以上", "以下"} and _FOLLOW_NOUN.match(text[b:]):
            continue  # 亿元以上技改项目: a threshold modifying a noun
        if _in_quotes(text, a):
            continue
        if a >= 1 and text[a - 1] in "-－−" and (a < 2 or not text[a - 2].isdigit()):
            # 增长-2.3%: a negative figure (a dash between numbers is a range instead)
            a -= 1
            q = replace(
                q,
                value=-q.value,
                value_norm=-q.value_norm,
                value_high=None if q.value_high is None else -q.value_high,
                value_high_norm=None if q.value_high_norm is None else -q.value_high_norm,
            )
        figs.append(_Fig(a, b, q, names_target=names_target))
    for m in FRACTION_RE.finditer(text):
        a, b = m.start(), m.end()
        if any(f.start < b and a < f.end for f in figs) or any(s < b and a < e for s, e in taken):
            continue
        if m.group("aden") and (a > 0 and text[a - 1].isdigit()):
            continue
        q = from_fraction(m)
        if q is not None and not _in_quotes(text, a):
            figs.append(_Fig(a, b, q))
    figs.sort(key=lambda f: f.start)
    return figs


# between two figures of a 分别 list: 、/和/及, maybe with the verb again (下降1.2%、增长6.4%)
_LIST_GAP = re.compile(
    r"(?:[、和及与]|以及)(?:同比|比上年)?(?:增长|下降|提高|降低|减少|增加|上升|回落|为|达到|达)?"
)


def _closer(a: Quantity, b: Quantity, ref: float) -> bool:
    """Whether ``a`` is at least as close to ``ref`` as ``b`` is (by ratio)."""
    va, vb = abs(a.value_norm), abs(b.value_norm)
    if not va or not vb or not ref:
        return True
    return abs(math.log(va / abs(ref))) <= abs(math.log(vb / abs(ref)))


def _listed_after(text: str, after: list[_Fig]) -> list[_Fig]:
    """The figures of a 分别 list: the first after 分别 and those joined to it by 、/和/及."""
    out = after[:1]
    for f in after[1:]:
        if not _LIST_GAP.fullmatch(text[out[-1].end : f.start]):
            break
        out.append(f)
    return out


def _borrowed_units(text: str, matches: list[re.Match[str]]) -> dict[int, Quantity]:
    """分别为3.852万和19870元: a bare number listed after 分别 takes the unit of the next one.

    Only inside a 分别 list (the numbers joined by 、/和/及), so a bare number
    elsewhere stays bare (and is skipped). A bare number without a magnitude
    takes the next one's magnitude too when that keeps the two closer
    together (``512.4、631.8亿元`` → 512.4亿元; ``38520和1.987万元`` → 38520元).
    Maps match index → quantity.
    """
    out: dict[int, Quantity] = {}
    for k in range(len(matches) - 2, -1, -1):
        m = matches[k]
        if m.group("unit") or m.group("unit1") or "分别" not in text[: m.start()]:
            continue
        # the next figure with a unit in the list (3.852万、3.9万和19870元: both borrow)
        j = k + 1
        while j < len(matches) and _LIST_GAP.fullmatch(
            text[matches[j - 1].end() : matches[j].start()]
        ):
            nxt = matches[j]
            if nxt.group("unit"):
                unit = nxt.group("unit") + (f"/{nxt.group('per')}" if nxt.group("per") else "")
                q = parse_quantity(m.group(0) + unit)
                mag = (nxt.group("mag") or "") + (nxt.group("mag3") or "")
                own_mag = (m.group("mag") or "") + (m.group("mag3") or "")
                if mag and not own_mag:
                    with_mag = parse_quantity(m.group(0) + mag + unit)
                    ref = from_match(nxt)
                    if with_mag is not None and (
                        q is None or ref is None or _closer(with_mag, q, ref.value_norm)
                    ):
                        q = with_mag
                if q is not None:
                    out[k] = q
                break
            j += 1
    return out


def respectively(
    text: str, figs: list[_Fig], mentions: list[Mention], clauses: list[tuple[int, int]]
) -> dict[int, Mention]:
    """东山区、兴山区分别完成投资3.2亿元和1.5亿元: the n-th place gets the n-th figure."""
    out: dict[int, Mention] = {}
    last: list[Mention] = []
    for m in re.finditer("分别", text):
        at = m.start()
        places: list[Mention] = []
        for men in reversed([x for x in mentions if x.end <= at and x.kind != "anaphora"]):
            gap = text[men.end : places[-1].start if places else at]
            # between places: 、/和; between the last place and 分别: its indicator phrase
            # (平川区、会宁县全年地区生产总值分别为…), no clause break
            # (萍乡市安源区、湘东区: the city written before its district is not a third place)
            between = r"[、和及与]" if places else r"[^，。；：]{0,20}"
            if not re.fullmatch(between, gap):
                break
            places.append(men)
        places.reverse()
        if len(places) < 2 and last:
            places = last  # …分别为112.3亿元、98.6亿元，分别增长5.1%、6.3%: the same places
        last = places if len(places) >= 2 else last
        nxt = text.find("分别", at + 2)
        ends = (text.find("；", at), text.find("。", at), nxt)
        end = min([e for e in ends if e >= 0] or [len(text)])
        after = [f for f in figs if at < f.start < end]
        if len(places) >= 2 and len(after) == len(places):
            for f, men in zip(after, places, strict=True):
                out[f.start] = men
    return out


def respectively_indicators(text: str, figs: list[_Fig]) -> dict[int, int]:
    """旅游收入120亿元，接待游客1200万人次，分别增长15.3%和12.6%: the n-th figure before.

    Maps the start of each figure after ``分别`` to the index (in ``figs``) of
    the figure before ``分别`` whose indicator it takes: the last n figures
    before it in the same clause group (since the last ``；``/``。``), when
    ``分别`` is followed by n ≥ 2 figures.
    """
    out: dict[int, int] = {}
    for m in re.finditer("分别", text):
        at = m.start()
        begin = max(text.rfind("；", 0, at), text.rfind("。", 0, at)) + 1
        ends = [e for e in (text.find("；", at), text.find("。", at)) if e >= 0]
        end = min(ends or [len(text)])
        after = [f for f in figs if at < f.start < end]
        before = [i for i, f in enumerate(figs) if begin <= f.start < at]
        if len(after) >= 2 and len(before) >= len(after):
            for f, i in zip(after, before[-len(after) :], strict=True):
                out[f.start] = i
    return out


def respectively_nouns(
    text: str,
    figs: list[_Fig],
    clauses: list[tuple[int, int]],
    periods: list[Period],
    mentions: list[Mention],
) -> dict[int, str]:
    """营业收入、利润总额分别增长8.2%、15.6%: the n-th listed indicator gets the n-th figure.

    Only when no figure stands before ``分别`` in its clause and every listed
    part is a full indicator name (four characters or more), so
    ``钢铁、煤炭产业去产能分别占…`` (a shared head) stays one indicator.
    """
    out: dict[int, str] = {}
    for m in re.finditer("分别", text):
        at = m.start()
        ca = next((a for a, b in clauses if a <= at < b), 0)
        if any(ca <= f.start < at for f in figs):
            continue
        nxt = text.find("分别", at + 2)
        ends = [e for e in (text.find("；", at), text.find("。", at), nxt) if e >= 0]
        end = min(ends or [len(text)])
        after = _listed_after(text, [f for f in figs if at < f.start < end])
        phrase = strip_phrase(text, ca, at, periods, mentions)
        names = split_listed(phrase, len(after)) if len(after) >= 2 else None
        if names is not None:
            for f, name in zip(after, names, strict=True):
                out[f.start] = name
    return out


#: Words naming two or three indicators at once, and what they stand for (城乡 = 城镇 + 农村).
PAIRED_WORDS: dict[str, tuple[str, ...]] = {
    "一二三产业": ("第一产业", "第二产业", "第三产业"),
    "三次产业": ("第一产业", "第二产业", "第三产业"),
    "二三产业": ("第二产业", "第三产业"),
    "城乡": ("城镇", "农村"),
    "进出口": ("进口", "出口"),
}
_WORD_END = frozenset("业")  # ends a word (工业, 服务业), never starts a shared head
_ORDINAL_INDUSTRY = re.compile(r"(?<![第一二三四五六七八九十])([一二三])(?=产业)")


def split_listed(phrase: str, n: int) -> list[str] | None:
    """The n indicator names of a phrase before 分别, or ``None`` if it does not name n.

    * a list of full names: ``营业收入、利润总额`` (every part four characters
      or more);
    * a list sharing a head written once, after the last part:
      ``一、二、三产业增加值`` → 第一产业增加值, 第二产业增加值, 第三产业增加值;
      ``钢铁、煤炭产业去产能`` → 钢铁产业去产能, 煤炭产业去产能 (the last part
      starts with a word as long as the part before it);
    * a paired word (:data:`PAIRED_WORDS`): ``城乡居民人均可支配收入`` →
      城镇居民人均可支配收入, 农村居民人均可支配收入.

    >>> split_listed("城乡居民人均可支配收入", 2)
    ['城镇居民人均可支配收入', '农村居民人均可支配收入']
    >>> split_listed("一、二、三产业增加值", 3)
    ['第一产业增加值', '第二产业增加值', '第三产业增加值']
    >>> split_listed("地区生产总值", 2) is None
    True
    """
    if n < 2 or not phrase:
        return None
    parts = [clean_run(p) for p in re.split(r"[、和及与]", phrase)]
    names: list[str] | None = None
    if len(parts) == n and all(parts):
        last, before = parts[-1], parts[-2]
        # 第二、三产业: the word before is 二 once its 第 is off (the last part has none)
        k = len(before.removeprefix("第") if not last.startswith("第") else before)
        short = all(len(p) < 4 and not p.isascii() for p in parts[:-1])
        if len(last) > k + 1 and short:
            # 工业、服务业投资: the last part's word may be longer than the one before it
            while last[k] in _WORD_END and len(last) - k > 2:
                k += 1
            head = last[k:]
            names = [p + head for p in parts[:-1]] + [last]
        elif all(len(p) >= 4 or (p.isascii() and len(p) >= 2) for p in parts):
            names = parts
    elif len(parts) == 1:
        for word, members in PAIRED_WORDS.items():
            if word in phrase and len(members) == n:
                names = [phrase.replace(word, m, 1) for m in members]
                break
    if names is None:
        return None
    return [_ORDINAL_INDUSTRY.sub(r"第\1", x) for x in names]


def strip_phrase(text: str, a: int, b: int, periods: list[Period], mentions: list[Mention]) -> str:
    """The indicator phrase in ``text[a:b]``: periods and places cut it, connectives and verbs trimmed."""
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
        phrase = clean_run(run)
        if phrase:
            return phrase
    return ""


def clean_run(phrase: str) -> str:
    """Trim leading connectives, trailing verbs, particles and measure words from a phrase."""
    for _ in range(3):
        phrase = _TRAIL.sub("", phrase)
        phrase = _LEAD.sub("", phrase)
    for particle in ("了", "着"):
        if particle in phrase:
            phrase = phrase.rsplit(particle, 1)[1]
    phrase = _MEASURE_LEAD.sub("", phrase)
    # a trailing gloss: 地区生产总值（GDP）, or its opening half when the figure follows it
    glossless = re.sub(r"[（(][^（）()]{0,12}[）)]?$", "", phrase)
    phrase = glossless or phrase
    phrase = re.sub(r"(?<=.)(实现|完成)(?=.)", "", phrase)  # 企业实现营业收入 → 企业营业收入
    phrase = re.sub(r"的(比重|比例|份额)$", r"\1", phrase)  # …增加值的比重 → …增加值比重
    return phrase.strip("“”\"'（）() ")
