"""From raw columns to canonical, validated columns in base units.

:func:`convert` works column by column with Arrow compute (no Python loop
over rows except for the few cells that fail), so the same code serves a
200-row workbook and a million-row CSV batch. It:

1. drops empty rows, 合计/小计/总计 rows and notes (注：, 填报单位：, 制表人 …);
2. parses every mapped column by its quantity and converts it to the base
   unit (unit from the header, a unit column, a "单位：万元" line or the
   mapping's default), recording the original unit;
3. validates: credit codes (GB 32100-2015), required fields, negatives,
   implausible values, coded values;
4. moves failing rows to the rejects, then flags exact duplicates (first
   copy kept) and key conflicts (all copies quarantined).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.sources._dedup import duplicate_and_conflict
from fenghuang.sources._fields import arrow_type, as_text, convert_field, mask
from fenghuang.sources._header import HeaderPlan, PlannedColumn
from fenghuang.sources._rejects import Rejects, distinct_rejects
from fenghuang.sources._values import (
    clean_text,
    parse_months,
    parse_periods,
    parse_years,
)

__all__ = ["Converted", "RawTable", "arrow_type", "convert", "skip_mask"]

_TOTAL = r"^(全市|全县|全区|本页|本月|本年|总|)\s*(合\s*计|小\s*计|总\s*计|共\s*计)"
_NOTE = (
    r"^(注\s*\d*\s*[:：、.]|(备注|说明|填报单位|填表单位|报送单位|制表人?|审核人?|填报人|填表人|"
    r"(统计|单位)?负责人|联系人|联系电话|数据来源|资料来源|(报送|填报|填表)日期)\s*[:：])"
)


@dataclass
class RawTable:
    """Raw columns of one table, as read.

    Attributes
    ----------
    columns : list of pyarrow.Array
        Every source column by position (text, or typed for Parquet).
    numbers : numpy.ndarray of int64
        Row number of each row as a person sees it.
    sheet : str
    """

    columns: list[pa.Array]
    numbers: np.ndarray
    sheet: str = ""


@dataclass
class Converted:
    """Result of :func:`convert`."""

    rows: pa.Table
    rejects: pa.Table
    units: dict[str, str]
    skipped: int


def skip_mask(columns: list[pa.Array], n: int) -> np.ndarray:
    """Rows that are empty, totals (合计/小计/总计) or notes (注：, 制表人 …)."""
    if not columns:
        return np.ones(n, dtype=bool)
    texts = [pc.utf8_trim_whitespace(as_text(c)) for c in columns]
    blank = [mask(pc.or_kleene(pc.is_null(t), pc.equal(t, ""))) for t in texts]
    empty = np.logical_and.reduce(blank)
    first: pa.Array = pa.nulls(n, pa.string())
    for t, b in zip(texts[:3], blank[:3], strict=False):
        first = pc.coalesce(first, pc.if_else(pa.array(b), pa.scalar(None, pa.string()), t))
    total = np.zeros(n, dtype=bool)
    for t in texts[:4]:
        total |= mask(pc.match_substring_regex(t, _TOTAL))
    note = mask(pc.match_substring_regex(first, _NOTE))
    out: np.ndarray = empty | total | note
    return out


def convert(raw: RawTable, plan: HeaderPlan, *, file: str, dedup: bool = True) -> Converted:
    """Canonical rows and rejects of one raw table (see module docstring).

    A wide monthly layout (one column per month) becomes one row per firm
    and month; month cells left blank give no row. ``dedup=False`` leaves
    out step 4 (for callers that check duplicates over a whole file).
    """
    periods = sorted(
        {(c.year or 0, c.month) for c in plan.columns if c.month is not None and c.field},
    )
    if not periods:
        return _convert(raw, plan, file=file, dedup=dedup)
    parts: list[Converted] = []
    for year, month in periods:
        cols = []
        for c in plan.columns:
            if c.month is None:
                cols.append(c)
            elif (c.year or 0, c.month) == (year, month):
                cols.append(replace(c, year=None, month=None))
            else:
                cols.append(replace(c, field=None))
        sub = replace(plan, columns=tuple(cols), month_hint=month, year_hint=year or plan.year_hint)
        own = [c.index for c in plan.columns if c.month == month and (c.year or 0) == year]
        filled = np.zeros(len(raw.numbers), dtype=bool)
        for j in own:
            if j < len(raw.columns):
                filled |= mask(pc.is_valid(clean_text(as_text(raw.columns[j]))))
        keep = pa.array(filled)
        part = RawTable(
            [pc.filter(c, keep) for c in raw.columns], np.asarray(raw.numbers)[filled], raw.sheet
        )
        parts.append(_convert(part, sub, file=file, dedup=dedup))
    units: dict[str, set[str]] = {}
    for p in parts:
        for k, v in p.units.items():
            units.setdefault(k, set()).update(v.split(";"))
    return Converted(
        rows=pa.concat_tables([p.rows for p in parts]),
        rejects=distinct_rejects(pa.concat_tables([p.rejects for p in parts])),
        units={k: ";".join(sorted(v)) for k, v in units.items()},
        skipped=int(skip_mask(raw.columns, len(raw.numbers)).sum()),
    )


def _convert(raw: RawTable, plan: HeaderPlan, *, file: str, dedup: bool = True) -> Converted:
    n0 = len(raw.numbers)
    skip = skip_mask(raw.columns, n0)
    keep = pa.array(~skip)
    columns = [pc.filter(c, keep) for c in raw.columns]
    numbers = np.asarray(raw.numbers)[~skip]
    n = len(numbers)
    m = plan.mapping
    rej = Rejects(file=file, sheet=raw.sheet, numbers=numbers)
    out: dict[str, pa.Array] = {}
    units: dict[str, str] = {}
    row_units = _row_units(plan, columns, n)

    def col(c: PlannedColumn) -> pa.Array:
        return columns[c.index] if c.index < len(columns) else pa.nulls(n, pa.string())

    for name, spec in m.fields.items():
        c = plan.column_of(name)
        if name in ("period", "year", "month"):
            continue
        if c is None:
            out[name] = pa.nulls(n, arrow_type(name))
            continue
        arr = col(c)
        out[name] = convert_field(name, spec, c, arr, plan, row_units, units, rej)
    _periods(plan, col, out, rej, n)
    _identity(plan, out, rej)
    rows = _assemble(m.output_fields(), out, raw.sheet, numbers)
    rows = rows.filter(pa.array(~rej.row_mask(n)))
    if dedup:
        rows = duplicate_and_conflict(rows, m.key, plan, rej)
    return Converted(rows=rows, rejects=rej.table(), units=units, skipped=int(skip.sum()))


def _row_units(plan: HeaderPlan, columns: list[pa.Array], n: int) -> pa.Array | None:
    if plan.unit_column is None or plan.unit_column >= len(columns):
        return None
    text = clean_text(as_text(columns[plan.unit_column]))
    return pc.utf8_lower(
        pc.replace_substring_regex(pc.utf8_normalize(text, form="NFKC"), r"[\s_]", "")
    )


def _periods(
    plan: HeaderPlan,
    get: Callable[[PlannedColumn], pa.Array],
    out: dict[str, pa.Array],
    rej: Rejects,
    n: int,
) -> None:
    year: pa.Array = pa.nulls(n, pa.int64())
    month: pa.Array = pa.nulls(n, pa.int64())
    pcol, ycol, mcol = plan.column_of("period"), plan.column_of("year"), plan.column_of("month")
    if pcol is not None:
        raw = get(pcol)
        year, month, bad = parse_periods(raw)
        rej.add(bad, "E-ROW-DATE", pcol.header, "period", raw)
    if ycol is not None:
        raw = get(ycol)
        y, bad = parse_years(raw)
        rej.add(bad, "E-ROW-DATE", ycol.header, "year", raw)
        year = pc.coalesce(year, y)
    if mcol is not None:
        raw = get(mcol)
        mo, bad = parse_months(raw)
        rej.add(bad, "E-ROW-DATE", mcol.header, "month", raw)
        month = pc.coalesce(month, mo)
        if ycol is None and pcol is None:  # "2023年3月" in a month column carries the year
            year = pc.coalesce(year, parse_periods(raw)[0])
    if plan.year_hint is not None:
        year = pc.fill_null(year, plan.year_hint)
    if plan.month_hint is not None:
        month = pc.fill_null(month, plan.month_hint)
    kind = plan.mapping.kind
    if kind in ("monthly", "annual"):
        ycolumn = pcol or ycol
        header = ycolumn.header if ycolumn is not None else "年度"
        miss = ~mask(pc.is_valid(year)) & ~rej.cell_mask(n, "period") & ~rej.cell_mask(n, "year")
        rej.add(
            miss, "E-ROW-MISSING", header, "year", pa.nulls(n, pa.string()), "缺少年度", "no year"
        )
    if kind == "monthly":
        mcolumn = pcol or mcol
        header = mcolumn.header if mcolumn is not None else "月份"
        miss = ~mask(pc.is_valid(month)) & ~rej.cell_mask(n, "period") & ~rej.cell_mask(n, "month")
        rej.add(
            miss, "E-ROW-MISSING", header, "month", pa.nulls(n, pa.string()), "缺少月份", "no month"
        )
    out["year"] = year
    out["month"] = month


def _identity(plan: HeaderPlan, out: dict[str, pa.Array], rej: Rejects) -> None:
    code = out.get("credit_code")
    name = out.get("name")
    if code is None or name is None:
        return
    n = len(code)
    none = ~mask(pc.is_valid(code)) & ~mask(pc.is_valid(name)) & ~rej.cell_mask(n, "credit_code")
    c = plan.column_of("credit_code") or plan.column_of("name")
    header = c.header if c else "统一社会信用代码"
    rej.add(
        none,
        "E-ROW-MISSING",
        header,
        "credit_code",
        pa.nulls(n, pa.string()),
        "信用代码与企业名称均为空",
        "neither credit code nor name",
    )


def _assemble(
    fields: list[str], out: dict[str, pa.Array], sheet: str, numbers: np.ndarray
) -> pa.Table:
    n = len(numbers)
    arrays = []
    names = []
    for f in fields:
        arr = out.get(f, pa.nulls(n, arrow_type(f)))
        arrays.append(pc.cast(arr, arrow_type(f)))
        names.append(f)
    arrays += [pa.array([sheet] * n, pa.string()), pa.array(numbers, pa.int64())]
    names += ["_sheet", "_row"]
    return pa.table(arrays, names=names)
