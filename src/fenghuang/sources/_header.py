"""Finding the header of a department table and what each column means.

Department sheets rarely start at A1: a title row ("2023年规上工业企业主要
指标"), a unit line ("单位：万元") and a two-row header whose first row is
merged across "本年 | 上年" are common. :func:`plan_header` scans the first
rows, scores each candidate header row against the department mappings,
combines a second header row when there is one, and returns a
:class:`HeaderPlan`: which column holds which canonical field, in which unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fenghuang.facts import DEPARTMENTS, SYNTHETIC_MARK
from fenghuang.sources._codes import source_error
from fenghuang.sources._grid import Cell, cell_text
from fenghuang.sources._labels import Col, combine, is_subheader, score
from fenghuang.sources._mapping import PSEUDO_FIELDS, DepartmentMapping
from fenghuang.sources._units import find_quantity_of_unit

__all__ = ["HeaderPlan", "PlannedColumn", "hints_from_text", "plan_header"]

SCAN_ROWS = 30
_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d{3})")
_PERIOD_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[年\-_.]?\s*(0?[1-9]|1[0-2])\s*月(?!\d)")
_PERIOD_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(?!\d)")
_MONTH_SHEET = re.compile(r"^\s*(0?[1-9]|1[0-2])\s*月(份)?\s*$")
_UNIT_LINE = re.compile(r"(?:金额|计量|面积|电量)?单位\s*[:：]\s*([^\s,，;；)）]+)")


@dataclass(frozen=True)
class PlannedColumn:
    """One source column and its meaning.

    Attributes
    ----------
    index : int
        0-based column position in the source.
    header : str
        The header as written (two header rows joined with ``|``).
    field : str or None
        Canonical field, or None for a column that is not used.
    unit : str or None
        Unit written in the header (or second header row, or a unit line
        above the header), None if none.
    year, month : int or None
        Wide monthly layouts ("1月 … 12月" columns): the period of the column.
    """

    index: int
    header: str
    field: str | None
    unit: str | None = None
    unit_source: str = ""
    year: int | None = None
    month: int | None = None


@dataclass(frozen=True)
class HeaderPlan:
    """Where the header is and what every column means.

    Attributes
    ----------
    mapping : DepartmentMapping
    header_rows : tuple of int
        Grid indices of the header row(s).
    data_start : int
        Grid index of the first row below the header.
    columns : tuple of PlannedColumn
    unit_column : int or None
        Index of the per-row unit column.
    year_hint, month_hint : int or None
        From the title, sheet name or file name, used when no column gives them.
    title_units : dict
        Quantity → unit from a "单位：万元" line above the header.
    synthetic : bool
        The file says it holds synthetic data: :data:`SYNTHETIC_MARK` (模拟数据)
        in a line above the header or in the file name, as every file of
        :mod:`fenghuang.synthetic` does.
    """

    mapping: DepartmentMapping
    header_rows: tuple[int, ...]
    data_start: int
    columns: tuple[PlannedColumn, ...]
    unit_column: int | None = None
    year_hint: int | None = None
    month_hint: int | None = None
    title_units: dict[str, str] = field(default_factory=dict)
    synthetic: bool = False

    @property
    def department(self) -> str:
        return self.mapping.department

    def column_of(self, name: str) -> PlannedColumn | None:
        """The column mapped to a canonical field, if any."""
        for col in self.columns:
            if col.field == name:
                return col
        return None


def _texts(row: Sequence[Cell]) -> list[str | None]:
    out = []
    for v in row:
        t = cell_text(v)
        out.append(t.strip() if t is not None and t.strip() else None)
    return out


def hints_from_text(text: str) -> tuple[int | None, int | None]:
    """(year, month) written in a title, sheet name or file name, if any."""
    m = _PERIOD_IN_NAME.search(text) or _PERIOD_COMPACT.search(text)
    if m:
        return int(m.group(1)), int(m.group(2))
    m2 = _YEAR_IN_TEXT.search(text) or _YEAR_IN_NAME.search(text)
    if m2:
        return int(m2.group(1)), None
    return None, None


def _expected(mappings: Sequence[DepartmentMapping]) -> tuple[str, str]:
    """What a header should contain: the identity columns plus each department's own."""
    zh_parts, en_parts = [], []
    for m in mappings:
        own = [s.headers[0] for f, s in m.fields.items() if f not in PSEUDO_FIELDS][:4]
        zh_parts.append(f"{DEPARTMENTS[m.department]}：{'、'.join(own)}")
        en_parts.append(f"{m.department}: {', '.join(own)}")
    ident = "统一社会信用代码或企业名称"
    return (
        f"{ident}，以及（{'；'.join(zh_parts)}）之一",
        f"{ident} (credit code or firm name) and the columns of one department ({'; '.join(en_parts)})",
    )


def plan_header(
    rows: Sequence[Sequence[Cell]],
    mappings: Sequence[DepartmentMapping],
    *,
    file: str,
    sheet: str = "",
    numbers: Sequence[int] | None = None,
) -> HeaderPlan:
    """Find the header among the first rows and map its columns.

    Parameters
    ----------
    rows : sequence of rows
        The first rows of the table (at least :data:`SCAN_ROWS` if there are).
    mappings : sequence of DepartmentMapping
        Candidates; with several, the best-scoring one is the department.
    file, sheet : str
        For hints (a year in the file or sheet name) and error context.

    Raises
    ------
    fenghuang.errors.SourceError
        ``E-SOURCE-HEADER`` listing the expected headers when none is found,
        or when the header lacks a column the department requires.
    """
    texts = [_texts(r) for r in rows[:SCAN_ROWS]]
    best: (
        tuple[
            tuple[int, int, int],
            DepartmentMapping,
            int,
            bool,
            list[Col],
        ]
        | None
    ) = None
    hint_text = f"{file} {sheet} " + " ".join(t for r in texts for t in r if t)
    for mapping in mappings:
        tie = sum(1 for h in mapping.file_hints if h.lower() in hint_text.lower())
        for i, top in enumerate(texts):
            single = combine(mapping, top, None)
            options: list[tuple[bool, list[Col]]] = [(False, single)]
            if (
                i + 1 < len(texts)
                and score(mapping, single) != (0, 0)
                and is_subheader(mapping, top, texts[i + 1])
            ):
                options = [(True, combine(mapping, top, texts[i + 1]))]
            for two, cols in options:
                s = score(mapping, cols)
                if s == (0, 0):
                    continue
                key = (s[0], s[1], tie)
                if best is None or key > best[0]:
                    best = (key, mapping, i, two, cols)
    if best is None or (best[0][0] == 0 and best[1].kind != "firm"):
        zh, en = _expected(mappings)
        raise source_error(
            "E-SOURCE-HEADER",
            detail_zh=f"表头应包含 {zh}",
            detail_en=f"expected {en}",
            file=file,
            sheet=sheet or None,
        )
    _, mapping, i, two, cols = best
    return _finish(mapping, texts, i, two, cols, file=file, sheet=sheet, numbers=numbers)


def _finish(
    mapping: DepartmentMapping,
    texts: list[list[str | None]],
    i: int,
    two: bool,
    cols: list[Col],
    *,
    file: str,
    sheet: str,
    numbers: Sequence[int] | None,
) -> HeaderPlan:
    title = " ".join(t for r in texts[:i] for t in r if t)
    title_units: dict[str, str] = {}
    for m in _UNIT_LINE.finditer(title):
        q = find_quantity_of_unit(m.group(1))
        if q is not None:
            title_units[q] = m.group(1)
    year, month = hints_from_text(title)
    if sheet:
        sy, sm = hints_from_text(sheet)
        ms = _MONTH_SHEET.match(sheet)
        year = sy or year
        month = sm or (int(ms.group(1)) if ms else None) or month
    if year is None or (month is None and mapping.kind == "monthly"):
        fy, fm = hints_from_text(file)
        year = year or fy
        month = month or fm
    planned: list[PlannedColumn] = []
    # Several columns for one field (从业人员期末人数 and 从业人员平均人数): the
    # header listed first among the mapping's synonyms wins.
    best: dict[tuple[str, int | None, int | None], tuple[int, int]] = {}
    for j, (written, f, _, cy, cm) in enumerate(cols):
        if f is not None:
            rank = (mapping.header_rank(f, written.split("|")[0]), j)
            key = (f, cy, cm)
            if key not in best or rank < best[key]:
                best[key] = rank
    unit_column = None
    for j, (written, f, unit, cy, cm) in enumerate(cols):
        if f is None and unit_column is None and written and mapping.is_unit_column(written):
            unit_column = j
        if f is not None and best[(f, cy, cm)][1] != j:
            f = None
        src = "header" if unit else ""
        planned.append(PlannedColumn(j, written, f, unit, src, cy, cm))
    plan = HeaderPlan(
        mapping=mapping,
        header_rows=(i, i + 1) if two else (i,),
        data_start=i + (2 if two else 1),
        columns=tuple(planned),
        unit_column=unit_column,
        year_hint=year,
        month_hint=month,
        title_units=title_units,
        synthetic=SYNTHETIC_MARK in title or SYNTHETIC_MARK in Path(file).name,
    )
    _check_required(plan, file=file, sheet=sheet, row=(numbers[i] if numbers else i + 1))
    return plan


def _check_required(plan: HeaderPlan, *, file: str, sheet: str, row: int) -> None:
    m = plan.mapping
    missing: list[str] = []
    have = {c.field for c in plan.columns if c.field}
    if not have & {"credit_code", "name"}:
        missing.append(m.fields["credit_code"].headers[0] + "/" + m.fields["name"].headers[0])
    for name, spec in m.fields.items():
        if spec.required and name not in have:
            missing.append(spec.headers[0])
    wide = any(c.month is not None for c in plan.columns)
    if m.kind == "monthly" and "period" not in have and not wide:
        if "month" not in have and plan.month_hint is None:
            missing.append(m.fields["period"].headers[0] if "period" in m.fields else "月份")
        if not have & {"year", "month"} and plan.year_hint is None:
            missing.append("年度")  # a month column may carry the year ("2023年3月")
    undated = any(c.month is not None and c.year is None for c in plan.columns)
    if wide and undated and "year" not in have and plan.year_hint is None:
        missing.append("年度")
    if m.kind == "annual" and not have & {"year", "period"} and plan.year_hint is None:
        missing.append("年度")
    if missing:
        raise source_error(
            "E-SOURCE-HEADER",
            detail_zh=f"{m.department} 缺少必需列：{'、'.join(missing)}",
            detail_en=f"{m.department} file lacks required columns: {', '.join(missing)}",
            file=file,
            sheet=sheet or None,
            row=row,
        )
