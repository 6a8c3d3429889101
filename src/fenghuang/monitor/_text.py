"""Read report files (txt, docx, html) and cut their text into blocks and sentences.

Offsets always refer to the *original* text: a :class:`Sentence` keeps its
cleaned text (whitespace and soft line breaks removed) together with the
original offset of each of its characters, so a span found in the clean text
maps back exactly.

Soft line breaks: newspaper texts break paragraphs mid-sentence
(``战略性\\n\\n新兴产业``). A line break continues the paragraph when the line
before is long and does not end a sentence; a short line without sentence
punctuation is a heading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from fenghuang.errors import ExtractionError

__all__ = [
    "Block",
    "Report",
    "Sentence",
    "read_report",
    "report_from_bytes",
    "report_from_text",
    "split_blocks",
    "table_sentences",
    "text_tables",
]

_END = "。！？!?"
# Chinese punctuation the rules rely on: kept full-width
_KEEP = set("，。；：！？、（）“”‘’《》【】—～")
_CLOSERS = "”’」』）)】"
_SOFT_MIN = 30  # a line this long that does not end a sentence continues on the next
_HEADING_MAX = 30
# a dateline (2023年5月12日 / 发布时间：2023-05-12 09:30 来源：…) ends its line, however long
_DATE_LINE = re.compile(
    r"^[^，。；,;]*(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2})"
    r"[^，。；,;]*$"
)


@dataclass(frozen=True)
class Sentence:
    """One sentence: clean text and the original offset of each of its characters."""

    text: str
    pos: tuple[int, ...]
    block: int

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Original ``(start, end)`` of clean-text slice ``[i, j)``."""
        j = max(j, i + 1)
        return self.pos[i], self.pos[j - 1] + 1

    @property
    def start(self) -> int:
        return self.pos[0]

    @property
    def end(self) -> int:
        return self.pos[-1] + 1


@dataclass(frozen=True)
class Block:
    """A paragraph or heading of the text."""

    index: int
    text: str  # clean text
    start: int
    heading: bool
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Report:
    """A report's text and where it came from."""

    text: str
    source: str
    title: str = ""


class _HTMLText(HTMLParser):
    _BLOCK: ClassVar[set[str]] = {
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "tr",
        "section",
        "article",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self.title = ""
        self._in_title = False
        self._rows: list[list[str]] | None = None  # inside a <table>
        self._spans: list[list[tuple[int, int]]] = []  # (colspan, rowspan) of each cell
        self._span = (1, 1)
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "table":
            self._rows, self._spans = [], []
        elif self._rows is not None and tag == "tr":
            self._rows.append([])
            self._spans.append([])
        elif self._rows is not None and tag in {"td", "th"}:
            self._cell = []
            a = dict(attrs)
            self._span = (_span_attr(a.get("colspan")), _span_attr(a.get("rowspan")))
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "table" and self._rows is not None:
            grid = span_grid(self._rows, self._spans)
            self.parts.append("\n" + "\n".join(table_sentences(grid)) + "\n")
            self._rows = self._cell = None
        elif self._rows is not None and tag in {"td", "th"} and self._cell is not None:
            if not self._rows:
                self._rows.append([])
                self._spans.append([])
            self._rows[-1].append("".join(self._cell).strip())
            self._spans[-1].append(self._span)
            self._cell = None
        elif self._rows is None and tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif self._skip:
            return
        elif self._cell is not None:
            self._cell.append(data)
        elif self._rows is None:
            self.parts.append(data)


_MAX_SPAN = 200


def _span_attr(v: str | None) -> int:
    """A colspan/rowspan attribute as a number of cells (bad or missing: 1)."""
    try:
        return max(1, min(_MAX_SPAN, int((v or "1").strip())))
    except ValueError:
        return 1


def span_grid(rows: list[list[str]], spans: list[list[tuple[int, int]]]) -> list[list[str]]:
    """An HTML table's cells on its layout grid: a merged cell fills every cell it covers.

    ``spans`` holds each cell's ``(colspan, rowspan)``. A merged text (a period
    such as ``2023年`` over two columns, a year down the side, a title across)
    is repeated in each grid cell it covers, so each column and row knows it;
    a merged number is kept once (in its first cell), not counted twice.

    >>> span_grid([["指标", "2023年"], ["数值", "增长%"]], [[(1, 2), (2, 1)], [(1, 1), (1, 1)]])
    [['指标', '2023年', '2023年'], ['指标', '数值', '增长%']]
    """
    grid: list[list[str]] = []
    below: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered)
    for cells, sp in zip(rows, spans, strict=False):
        out: list[str] = []
        for text, (cs, rs) in zip(cells, sp, strict=False):
            _take_below(out, below)
            number = bool(_NUMERIC.match(text))
            for k in range(cs):
                shown = text if k == 0 or not number else ""
                if rs > 1:
                    below[len(out)] = ("" if number else text, rs - 1)
                out.append(shown)
        _take_below(out, below)
        grid.append(out)
    return grid


def _take_below(out: list[str], below: dict[int, tuple[str, int]]) -> None:
    """Fill the next cells of ``out`` that a merged cell from a row above still covers."""
    while len(out) in below:
        text, left = below.pop(len(out))
        if left > 1:
            below[len(out)] = (text, left - 1)
        out.append(text)


_UNIT_IN_LABEL = re.compile(r"[（(]([^（）()]{1,12})[）)]\s*$")


def _split_unit(label: str) -> tuple[str, str]:
    """A label without its trailing bracketed unit, and that unit ("" when none)."""
    m = _UNIT_IN_LABEL.search(label)
    return (label[: m.start()], m.group(1)) if m else (label, "")


_NUMERIC = re.compile(r"^[-－−]?\d+(?:,\d{3})*(?:\.\d+)?\s*[%％‰]?$")
_GROWTH_COL = re.compile(r"增长|增速|增幅|同比|比上年|±")
# a growth column of its own (比上年增长（%）), not an indicator's growth (工业增加值增速)
_GROWTH_ONLY = re.compile(r"^(同比|比上年|较上年|比去年|较去年)?(增长|增速|增幅|±)?(%|％)?$")
_UNIT_COL = {"单位", "计量单位"}
_YEAR_CELL = re.compile(r"^((?:19|20)\d{2})(?:\.0)?$")
# a period heading a row or column: 2023, 2023年, 2023年上半年, 2024年1-6月, 2023年一季度
_PERIOD_CELL = re.compile(
    r"^(?:19|20)\d{2}\s*年?\s*(?:(?:前三季度|第?[一二三四]季度|上半年|下半年|全年)"
    r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月?\s*[—–\-－~～至到]\s*"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份)?"
    r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:末|底|份)?)?$"
)


def _period_cell(cell: str) -> str | None:
    """The cell as a period to write before a figure (``2023`` → ``2023年``), or ``None``."""
    c = cell.strip().replace(" ", "")
    year = _YEAR_CELL.match(c)
    if year:
        return year.group(1) + "年"
    if _PERIOD_CELL.match(c) and not _NUMERIC.match(c):
        return c
    return None


def _figure(cell: str, unit: str) -> str:
    return cell if cell[-1] in "%％‰" else f"{cell}{unit}"


def _growth(cell: str) -> str:
    return f"增长{cell}" + ("" if cell.endswith(("%", "％")) else "%")


def _by_period(
    header: list[str], periods: list[str | None], rows: list[list[str]], across: bool
) -> list[str]:
    """Sentences of a table with periods across the top or down the side.

    One sentence per period and indicator, ``{period}，{indicator}{value}{unit}``,
    with the growth column after it (``，增长5.1%``) when the table has one.
    """
    out: list[str] = []
    if across:
        unit_col = next((j for j, c in enumerate(header) if c in _UNIT_COL), None)
        for row in rows:
            label, unit = _split_unit(row[0])
            if unit_col is not None and unit_col < len(row) and row[unit_col]:
                unit = row[unit_col]
            if not label:
                continue
            last: int | None = None
            pieces: dict[int, str] = {}
            for j, cell in enumerate(row[1:], start=1):
                if not _NUMERIC.match(cell) or j >= len(header):
                    continue
                if periods[j] is not None:
                    pieces[j] = f"{periods[j]}，{label}{_figure(cell, unit)}"
                    last = j
                elif _GROWTH_COL.search(header[j]) and last is not None:
                    pieces[last] += "，" + _growth(cell)  # 比上年增长 after the last period
            out.extend(p + "。" for p in pieces.values())
        return out
    for row in rows:
        period = _period_cell(row[0])
        if period is None:
            continue
        if len(row) > 2 and row[1] and not _NUMERIC.match(row[1]) and not _period_cell(row[1]):
            # a period merged down the side over rows of indicators: 2023年 | 地区生产总值 | 856.2
            if any(_NUMERIC.match(c) for c in row[2:]):
                out.append(f"{period}，{_row_sentence(row[1:], header[1:])}")
            continue
        pieces_down: list[str] = []
        for j, cell in enumerate(row[1:], start=1):
            if not _NUMERIC.match(cell) or j >= len(header):
                continue
            col = header[j]
            name, unit = _split_unit(col)
            if _GROWTH_ONLY.match(name.replace(" ", "")) and _GROWTH_COL.search(col):
                if pieces_down:
                    pieces_down[-1] += "，" + _growth(cell)
                continue
            if name:
                pieces_down.append(f"{name}{_figure(cell, unit)}")
        out.extend(f"{period}，{p}。" for p in pieces_down)
    return out


def table_sentences(rows: list[list[str]]) -> list[str]:
    """A statistical table as sentences, so the text rules read it.

    Three shapes:

    * **periods across** (a header row of years or periods: ``指标 | 2022年 |
      2023年``): one sentence per indicator and period, ``2023年，地区生产总值
      856.2亿元。``; a growth column after the periods (``比上年增长%``) goes
      with the last period;
    * **periods down the side** (a column of years: ``年份 | 地区生产总值（亿元）
      | 比上年增长（%）`` over rows ``2022 | 800 | 4.1``): one sentence per period
      and indicator, ``2022年，地区生产总值800亿元，增长4.1%。``;
    * otherwise one sentence per row: ``label`` + its figures. The first row
      is the header when it has no number. A value column takes the unit
      written in the label or header (``地区生产总值（亿元）`` | ``856.2`` →
      ``856.2亿元``); a growth column (``比上年增长%``) reads ``增长5.1%``. Rows
      without a number are kept as they are, cells joined by ``，``.

    The axis with the periods is the one whose cells are periods: the header
    row (two or more, or one next to a growth column) or the first column
    (two or more rows).

    Merged cells (a docx or html table's grid, see :func:`span_grid`) are read
    where they stand: a title across the top is a sentence of its own; a
    period merged across columns in any row of a header of several rows
    (``指标 | 2023年 2023年 | 2024年上半年 …`` over ``| 绝对值 | 比上年增长（%） |``)
    is the period of the columns under it; a period merged across a whole row
    in the middle (``2023年``) is the period of the rows under it, up to the
    next; a period merged down the side (``2023年`` over the rows of several
    indicators, or a year column next to an indicator merged down) is each
    row's period.

    >>> table_sentences([["指标", "数值", "比上年增长（%）"], ["地区生产总值（亿元）", "856.2", "5.1"]])
    ['指标，数值，比上年增长（%）。', '地区生产总值856.2亿元，增长5.1%。']
    >>> table_sentences([["年份", "地区生产总值（亿元）", "增长（%）"], ["2022", "800", "4.1"],
    ...                  ["2023", "856.2", "5.1"]])
    ['年份，地区生产总值（亿元），增长（%）。', '2022年，地区生产总值800亿元，增长4.1%。', '2023年，地区生产总值856.2亿元，增长5.1%。']
    >>> table_sentences([["指标", "2022年", "2023年"], ["原煤产量（万吨）", "6,300", "6,500"]])
    ['指标，2022年，2023年。', '2022年，原煤产量6,300万吨。', '2023年，原煤产量6,500万吨。']
    """
    rows = [[c.replace("\n", "").strip() for c in r] for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out: list[str] = []
    # a title merged across the table (萍乡市主要指标): a sentence of its own
    while len(rows) > 1:
        title = _banner(rows[0])
        if title is None or _period_cell(title) is not None:
            break
        out.append(title + "。")
        rows = rows[1:]
    # periods merged across a whole row in the middle: each the period of the rows below it
    cuts = [i for i, r in enumerate(rows) if i > 0 and _period_cell(_banner(r) or "") is not None]
    if any(_period_cell(r[0]) and any(_NUMERIC.match(c) for c in r[1:]) for r in rows[1:]):
        cuts = []  # years down the side: a year row without figures is a row, not a section
    if not cuts:
        head, body = _table(rows)
        return out + head + body
    first = rows[: cuts[0]]
    header = first[: max(1, _band(first))]
    head, body = _table(first)
    out += head + body
    for k, i in enumerate(cuts):
        period = _period_cell(_banner(rows[i]) or "")
        seg = rows[i + 1 : cuts[k + 1] if k + 1 < len(cuts) else len(rows)]
        if not seg:
            continue
        _, seg_body = _table(header + seg)
        out += [b if _opens_with_period(b) else f"{period}，{b}" for b in seg_body]
    return out


def _banner(row: list[str]) -> str | None:
    """The one text of a row merged across the table (a title, a period), or ``None``."""
    filled = [c for c in row if c]
    if not filled or len(set(filled)) != 1:
        return None
    if len(filled) >= 2 or (len(row) >= 2 and row[0] and not _NUMERIC.match(row[0])):
        return filled[0]
    return None


def _opens_with_period(sentence: str) -> bool:
    return _period_cell(sentence.split("，", 1)[0]) is not None


def _band(rows: list[list[str]]) -> int:
    """How many rows at the top hold no number after their first cell (the header rows)."""
    n = 0
    for r in rows[:_BAND_MAX]:
        if any(_NUMERIC.match(c) for c in r[1:]):
            break
        n += 1
    return n


_BAND_MAX = 4
# a header word that names no indicator: the row's label is the indicator
_GENERIC_COL = {
    "数值",
    "绝对值",
    "总量",
    "值",
    "数据",
    "实绩",
    "完成值",
    "本期",
    "本年",
    "金额",
    "指标值",
}


def _band_columns(band: list[list[str]]) -> tuple[list[str | None], list[str]] | None:
    """Per column of a header of several rows: its period and its name (``None``: no period)."""
    width = len(band[0])
    periods: list[str | None] = [None] * width
    names = [""] * width
    for j in range(1, width):
        texts: list[str] = []
        for r in band:
            c = r[j]
            if not c or _banner(r) is not None:  # a text across the whole header: no name
                continue
            p = _period_cell(c)
            if p is not None:
                periods[j] = periods[j] or p
            elif c not in texts:
                texts.append(c)
        names[j] = texts[-1] if texts else ""
    return (periods, names) if any(p is not None for p in periods) else None


def _by_column(
    band: list[list[str]], periods: list[str | None], names: list[str], rows: list[list[str]]
) -> tuple[list[str], list[str]]:
    """Sentences of a table whose header of several rows gives each column a period."""
    seen: list[str] = []
    for r in band:
        seen.extend(c for c in r if c and c not in seen)
    unit_col = next((j for j, n in enumerate(names) if n in _UNIT_COL), None)
    out: list[str] = []
    for row in rows:
        label, unit = _split_unit(row[0])
        if unit_col is not None and row[unit_col]:
            unit = row[unit_col]
        if not label:
            continue
        pieces: dict[tuple[str, str], str] = {}
        last: dict[str, tuple[str, str]] = {}
        for j, cell in enumerate(row[1:], start=1):
            per = periods[j] if j < len(periods) else None
            if per is None or not _NUMERIC.match(cell):
                continue
            name = names[j]
            stem, col_unit = _split_unit(name)
            if _GROWTH_ONLY.match(stem.replace(" ", "")) and _GROWTH_COL.search(name):
                key = last.get(per)
                if key is not None:
                    pieces[key] += "，" + _growth(cell)  # the growth of the figure before it
                else:
                    pieces[(per, name)] = f"{per}，{label}{_growth(cell)}"
                continue
            ind = label if not stem or stem in _GENERIC_COL else label + stem
            pieces[(per, name)] = f"{per}，{ind}{_figure(cell, unit or col_unit)}"
            last[per] = (per, name)
        out.extend(p + "。" for p in pieces.values())
    return ["，".join(seen) + "。"], out


def _row_sentence(row: list[str], header: list[str]) -> str:
    """One row as a sentence: its label and its figures (units from the label or header)."""
    label, unit = _split_unit(row[0])
    pieces = []
    for j, cell in enumerate(row[1:], start=1):
        if not _NUMERIC.match(cell):
            continue
        col = header[j] if j < len(header) else ""
        _, col_unit = _split_unit(col)
        if _GROWTH_COL.search(col):
            pieces.append(_growth(cell))
        else:
            u = "" if cell[-1] in "%％‰" else (unit or col_unit)
            pieces.append(f"{cell}{u}")
    return label + "，".join(pieces) + "。"


def _table(rows: list[list[str]]) -> tuple[list[str], list[str]]:
    """The header sentences and the figure sentences of one table (no merged rows across)."""
    band = _band(rows)
    if band >= 2:
        cols = _band_columns(rows[:band])
        if cols is not None:
            return _by_column(rows[:band], cols[0], cols[1], rows[band:])
    top = [_period_cell(c) if j else None for j, c in enumerate(rows[0])]
    n_top = sum(p is not None for p in top)
    grows = any(_GROWTH_COL.search(c) for c in rows[0])
    side = [_period_cell(r[0]) for r in rows[1:]]
    head = ["，".join(c for c in rows[0] if c) + "。"]
    if n_top >= 2 or (n_top == 1 and grows):
        return head, _by_period(rows[0], top, rows[1:], True)
    plain_head = not any(_NUMERIC.match(c) for c in rows[0][1:])
    if sum(p is not None for p in side) >= 2 and plain_head:
        return head, _by_period(rows[0], [], rows[1:], False)
    # periods in the second column next to an indicator merged down the first
    side2 = [_period_cell(r[1]) for r in rows[1:]] if len(rows[0]) > 2 else []
    if sum(p is not None for p in side2) >= 2 and plain_head:
        body = []
        for r in rows[1:]:
            per = _period_cell(r[1])
            rest = [r[0], *r[2:]]
            if per is not None and any(_NUMERIC.match(c) for c in rest[1:]):
                body.append(f"{per}，{_row_sentence(rest, [rows[0][0], *rows[0][2:]])}")
        return head, body
    header = rows[0] if not any(_NUMERIC.match(c) for c in rows[0]) else None
    out = ["，".join(c for c in header if c) + "。"] if header else []
    body = []
    for row in rows[1:] if header else rows:
        if not any(_NUMERIC.match(c) for c in row[1:]):
            body.append("，".join(c for c in row if c) + "。")
            continue
        body.append(_row_sentence(row, header or []))
    return out, body


_CELL_SEP = re.compile(r"\s*[|｜\t]\s*")
# columns aligned with spaces (a table copied from a PDF): two or more spaces, or full-width ones
_SPACE_SEP = re.compile(r"[ \u00a0]{2,}|\u3000+")
_RULE_ROW = re.compile(r"^[|｜\s:：\-—–=+]*$")


def _cells(line: str) -> tuple[list[str], bool] | None:
    """The cells of a plain-text table row and whether they were aligned with spaces.

    ``| a | b |`` or tab-separated cells; else cells two or more spaces apart
    (not in a line of prose, which has sentence punctuation). ``None`` for a
    line that is not a table row.
    """
    t = line.strip()
    if any(sep in t for sep in "|｜\t"):
        cells = _CELL_SEP.split(t.strip("|｜"))
        filled = sum(1 for c in cells if c)
        # | 2023年 | | |: a markdown row naming only a period (a section of the table)
        framed = t[0] in "|｜" and len(cells) >= 2 and filled == 1
        return (cells, False) if filled >= 2 or framed else None
    if any(ch in t for ch in "，。；！？,;"):
        return None
    cells = [c.strip() for c in _SPACE_SEP.split(t)]
    return (cells, True) if sum(1 for c in cells if c) >= 2 else None


def text_tables(text: str) -> str:
    r"""Plain-text tables (markdown ``| … |``, tab-separated or space-aligned lines) as sentences.

    A run of two or more table rows (rule lines such as ``|---|---|`` are
    skipped) with at least one number is replaced by :func:`table_sentences`,
    so periods across the top or down the side are read as in a Word or HTML
    table. Columns aligned with spaces (copied from a PDF) count only when two
    or more rows carry a number after their first cell. Other text is kept as
    it is.

    >>> text_tables("正文。\n| 年份 | 原煤产量（万吨） |\n|---|---|\n| 2022 | 6300 |\n| 2023 | 6500 |\n")
    '正文。\n年份，原煤产量（万吨）。\n2022年，原煤产量6300万吨。\n2023年，原煤产量6500万吨。\n'
    >>> print(text_tables("指标      2022年   2023年\n原煤（万吨）  6300   6500\n焦炭（万吨）  410   395\n"))
    指标，2022年，2023年。
    2022年，原煤6300万吨。
    2023年，原煤6500万吨。
    2022年，焦炭410万吨。
    2023年，焦炭395万吨。
    <BLANKLINE>
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        rows: list[list[str]] = []
        spaced = False
        j = i
        while j < len(lines):
            if rows and _RULE_ROW.match(lines[j]) and lines[j].strip():
                j += 1
                continue
            row = _cells(lines[j])
            if row is None:
                break
            rows.append(row[0])
            spaced = spaced or row[1]
            j += 1
        numbered = [any(_NUMERIC.match(c) for c in r[1:]) for r in rows]
        width = [sum(1 for c in r if c) for r in rows]
        if len(rows) >= 3 and not (numbered[0] or numbered[1]) and width[0] < width[1]:
            out.append(lines[i])  # a title line (表1  主要指标) above the header: kept as text
            i += 1
            continue
        if len(rows) >= 2 and sum(numbered) >= (2 if spaced else 1):
            out.append("\n".join(table_sentences(rows)) + "\n")
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "".join(out)


def _decode(raw: bytes, path: Path) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise ExtractionError(
            "E-EXTRACT-ENCODING",
            zh="无法识别报告文本的编码",
            en="cannot detect the text encoding of the report",
            file=str(path),
            hint_zh="请另存为 UTF-8 文本",
            hint_en="save it as UTF-8 text",
        )
    return str(best)


def report_from_text(text: str, source: str = "<text>") -> Report:
    """A :class:`Report` from a string."""
    return Report(text=text, source=source)


def read_report(path: str | Path) -> Report:
    """Read a report file: ``.txt``/``.md`` (any common encoding), ``.docx`` or ``.html``.

    Raises
    ------
    ExtractionError
        The file is missing, of an unknown type, or unreadable.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ExtractionError(
            "E-EXTRACT-READ", zh="无法读取报告文件", en="cannot read the report file", file=str(p)
        ) from exc
    return report_from_bytes(raw, p.name)


def report_from_bytes(raw: bytes, name: str) -> Report:
    """A report from the bytes of a file called ``name`` (an upload); the suffix picks the reader.

    Raises
    ------
    ExtractionError
        An unknown type or unreadable content.
    """
    p = Path(name)
    suffix = p.suffix.lower()
    if suffix == ".docx":
        import io

        try:
            import docx
            import docx.table

            doc = docx.Document(io.BytesIO(raw))
        except Exception as exc:  # python-docx raises several types for bad files
            raise ExtractionError(
                "E-EXTRACT-DOCX",
                zh="无法打开 Word 文档",
                en="cannot open the Word document",
                file=str(p),
                hint_zh="请确认是 .docx 格式（不是 .doc）",
                hint_en="make sure it is .docx (not .doc)",
            ) from exc
        # paragraphs and tables in document order, so a heading above a table dates it
        paras: list[str] = []
        for item in doc.iter_inner_content():
            if isinstance(item, docx.table.Table):
                paras.extend(table_sentences(_docx_rows(item)))
            else:
                paras.append(item.text)
        return Report(text="\n".join(paras), source=p.name)
    if suffix in {".html", ".htm"}:
        parser = _HTMLText()
        parser.feed(_decode(raw, p))
        return Report(text="".join(parser.parts), source=p.name, title=parser.title.strip())
    if suffix in {".txt", ".md", ".text", ""}:
        return Report(text=text_tables(_decode(raw, p)), source=p.name)
    raise ExtractionError(
        "E-EXTRACT-TYPE",
        zh=f"不支持的报告文件类型 {suffix}",
        en=f"unsupported report file type {suffix}",
        file=str(p),
        hint_zh="支持 txt、docx、html",
        hint_en="txt, docx and html are supported",
    )


def _docx_rows(table: Any) -> list[list[str]]:
    """A Word table's cells on its grid (python-docx repeats a merged cell in each grid cell).

    A merged text (a period across columns or down the side) stays in every cell
    it covers; a merged number only in its first, so it is one figure.
    """
    rows: list[list[str]] = []
    above: dict[int, object] = {}  # grid column -> the cell element of the row above
    for row in table.rows:
        out: list[str] = []
        prev: object = None
        for j, cell in enumerate(row.cells):
            tc = cell._tc
            text = cell.text
            repeat = tc is prev or above.get(j) is tc
            out.append("" if repeat and _NUMERIC.match(text.strip()) else text)
            prev = tc
            above[j] = tc
        rows.append(out)
    return rows


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n\r]+", text):
        if m.group(0).strip():
            out.append((m.start(), m.end()))
    return out


def _clean(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """Clean text and the original offset of each character.

    Whitespace and markdown marks are dropped; full-width digits, letters and
    signs become half-width (NFKC, one character for one, so offsets hold),
    except Chinese punctuation, which the rules use as written.
    """
    chars, pos = [], []
    for i in range(start, end):
        ch = text[i]
        if ch.isspace() or ch in "#*>":
            continue
        if ch not in _KEEP:
            norm = unicodedata.normalize("NFKC", ch)
            if len(norm) == 1:
                ch = norm
        chars.append(ch)
        pos.append(i)
    return "".join(chars), pos


def _sentences(clean: str, pos: list[int], block: int) -> list[Sentence]:
    out = []
    i = 0
    n = len(clean)
    while i < n:
        j = i
        while j < n and clean[j] not in _END:
            j += 1
        while j < n and (clean[j] in _END or clean[j] in _CLOSERS):
            j += 1
        if clean[i:j].strip():
            out.append(Sentence(clean[i:j], tuple(pos[i:j]), block))
        i = j
    return out


def split_blocks(text: str) -> list[Block]:
    """Paragraphs and headings of ``text`` with their sentences (soft breaks joined)."""
    groups: list[list[tuple[int, int]]] = []
    for a, b in _lines(text):
        if groups:
            pa, pb = groups[-1][-1]
            prev = text[pa:pb].strip()
            if (
                len(prev) >= _SOFT_MIN
                and prev[-1] not in _END + _CLOSERS
                and not _DATE_LINE.search(prev)
            ):
                groups[-1].append((a, b))
                continue
        groups.append([(a, b)])
    blocks = []
    for k, grp in enumerate(groups):
        chars: list[str] = []
        pos: list[int] = []
        for a, b in grp:
            c, p = _clean(text, a, b)
            chars.append(c)
            pos.extend(p)
        clean = "".join(chars)
        if not clean:
            continue
        heading = len(clean) <= _HEADING_MAX and not any(ch in clean for ch in _END + "，,；;")
        blocks.append(Block(k, clean, grp[0][0], heading, tuple(_sentences(clean, pos, k))))
    return blocks
