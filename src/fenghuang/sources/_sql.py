"""SQL (DuckDB dialect) that applies a :class:`ColumnPlan` to raw text columns.

For the warehouse's bulk path: read a large CSV with DuckDB
(``read_csv(path, header=false, skip=plan.skip_lines, all_varchar=true,
delim=plan.delimiter)``; DuckDB names the columns ``column0``,
``column1`` …) or a Parquet file, then select :func:`sql_select` from it to
get canonical columns in base units. The SQL covers the common cases
(thousands separators, blanks and dashes, header units, a unit column,
periods such as ``2023年01月``/``202301``/``2023-01``); a cell it cannot
convert becomes NULL. Compare non-null raw cells with NULL results (or read
with :func:`~fenghuang.sources.iter_source`) to quarantine them with codes.
GBK/GB18030 files need transcoding first (DuckDB reads UTF-8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from fenghuang.sources._codes import source_error
from fenghuang.sources._convert import Converted, RawTable, convert
from fenghuang.sources._dedup import duplicate_and_conflict
from fenghuang.sources._rejects import Rejects
from fenghuang.sources._units import UNIT_TABLES
from fenghuang.sources._values import MISSING_TOKENS

if TYPE_CHECKING:
    from fenghuang.sources._plan import ColumnPlan

__all__ = ["FastPlan", "fast_plan", "sql_select"]

_TRUE = ("是", "Y", "y", "YES", "yes", "TRUE", "true", "1", "√", "有")
_FALSE = ("否", "N", "n", "NO", "no", "FALSE", "false", "0", "×", "无")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(_lit(v) for v in values) + ")"


def _clean(col: str) -> str:
    """Trimmed text, NULL for blanks and dashes."""
    missing = _in(tuple(t for t in MISSING_TOKENS if t))
    return f"CASE WHEN trim(CAST({col} AS VARCHAR)) IN {missing} OR trim(CAST({col} AS VARCHAR)) = '' THEN NULL ELSE trim(CAST({col} AS VARCHAR)) END"


def _number(col: str) -> str:
    text = _clean(col)
    stripped = f"regexp_replace({text}, '[,，\\s]', '', 'g')"
    pct = f"(CASE WHEN {stripped} LIKE '%\\%' ESCAPE '\\' THEN 0.01 ELSE 1 END)"
    return f"(TRY_CAST(rtrim({stripped}, '%') AS DOUBLE) * {pct})"


def sql_select(plan: ColumnPlan, column: str = "column{index}") -> str:
    """A SELECT list (without ``SELECT``) giving canonical columns.

    Parameters
    ----------
    plan : ColumnPlan
    column : str
        How a source column is named in the relation; ``{index}`` and
        ``{header}`` are filled in (``"column{index}"`` for DuckDB's
        header-less CSV, ``'"{header}"'`` for Parquet).

    Returns
    -------
    str
        Comma-separated expressions ``… AS credit_code, … AS tax_paid, …``.
    """
    if plan.wide:
        raise source_error(
            "E-SOURCE-FORMAT",
            detail_zh="按月分列的宽表不能直接用 SQL 读取，请使用 iter_source",
            detail_en="a wide layout (one column per month) has no SQL plan; use iter_source",
        )
    fields = plan.fields()

    def name(index: int) -> str:
        header = plan.columns[index].header.replace('"', '""')
        return column.format(index=index, header=header)

    unit_col = name(plan.unit_column) if plan.unit_column is not None else None
    out: list[str] = []
    for fname in plan.mapping.output_fields():
        spec = plan.mapping.fields.get(fname)
        c = fields.get(fname)
        expr = "NULL"
        if fname in ("year", "month"):
            expr = _period_sql(plan, fname, name)
        elif c is not None and spec is not None:
            src = name(c.index)
            q = spec.quantity
            if q == "code":
                expr = f"upper(regexp_replace({_clean(src)}, '\\s', '', 'g'))"
            elif q == "text" and spec.values:
                text = f"lower(regexp_replace({_clean(src)}, '\\s', '', 'g'))"
                cases = " ".join(
                    f"WHEN {text} IN {_in(tuple(x.lower() for x in [k, *v]))} THEN {_lit(k)}"
                    for k, v in spec.values.items()
                )
                expr = f"(CASE {cases} END)"
            elif q == "text":
                expr = _clean(src)
            elif q == "bool":
                expr = f"(CASE WHEN {_clean(src)} IN {_in(_TRUE)} THEN true WHEN {_clean(src)} IN {_in(_FALSE)} THEN false END)"
            elif q == "date":
                expr = f"TRY_CAST(replace(replace({_clean(src)}, '/', '-'), '.', '-') AS DATE)"
            elif q in UNIT_TABLES:
                expr = _number(src)
                if c.factor is not None:
                    expr = f"({expr} * {c.factor!r})"
                elif unit_col is not None and c.unit is None:
                    table = UNIT_TABLES[q]
                    allowed = [u for u in table if spec.allows(u)]
                    default = table.get(spec.default_unit or "", 1.0) if spec.default_unit else 1.0
                    unit = f"lower(regexp_replace({_clean(unit_col)}, '\\s', '', 'g'))"
                    cases = " ".join(f"WHEN {unit} = {_lit(u)} THEN {table[u]!r}" for u in allowed)
                    others = tuple(
                        u
                        for f2, s2 in plan.mapping.fields.items()
                        if f2 in fields and s2.quantity in UNIT_TABLES
                        for u in UNIT_TABLES[s2.quantity]
                        if u not in allowed
                    )
                    foreign = f" WHEN {unit} IN {_in(others)} THEN {default!r}" if others else ""
                    expr = f"({expr} * (CASE WHEN {unit} IS NULL THEN {default!r} {cases}{foreign} END))"
                else:
                    expr = "NULL"
                if fname in ("invention_patents",):
                    expr = f"CAST(round({expr}) AS BIGINT)"
        out.append(f"{expr} AS {fname}")
    return ",\n".join(out)


def _period_sql(plan: ColumnPlan, fname: str, namer: Callable[[int], str]) -> str:
    fields = plan.fields()
    period = fields.get("period")
    direct = fields.get(fname)
    hint = plan.year_hint if fname == "year" else plan.month_hint
    parts: list[str] = []
    if period is not None:
        src = _clean(namer(period.index))
        if fname == "year":
            parts.append(f"TRY_CAST(regexp_extract({src}, '^(\\d{{4}})', 1) AS BIGINT)")
        else:
            parts.append(
                f"TRY_CAST(nullif(regexp_extract({src}, '^\\d{{4}}\\D{{0,2}}(\\d{{1,2}})', 1), '') AS BIGINT)"
            )
    if direct is not None:
        src = _clean(namer(direct.index))
        pattern = "(\\d{4})" if fname == "year" else "(\\d{1,2})\\D*$"
        parts.append(f"TRY_CAST(nullif(regexp_extract({src}, '{pattern}', 1), '') AS BIGINT)")
    if hint is not None:
        parts.append(str(int(hint)))
    if not parts:
        return "CAST(NULL AS BIGINT)"
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


# -- the warehouse's fast path ---------------------------------------------

#: GB 32100-2015 code format (authority+category, division, organisation, check).
CODE_FORMAT_RE = "[0-9A-HJ-NP-RT-UW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RT-UW-Y]{10}"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SPACE = "[\\s\\p{Z}\\x{0B}\\x{1C}-\\x{1F}\\x{85}]"
_PLAIN_SHORT = "[\\p{Han}0-9A-Za-z（）()]+"
_PERIOD_RE = "^(\\d{4})(?:[-/.]|年)?(\\d{1,2})月?$"
_YEAR_RE = "^(\\d{4})(?:年度?)?$"
_MONTH_RE = "^(\\d{1,2})(?:月份?)?$"
_NUMBER_RE = "\\d+(\\.\\d+)?"
_SQL_TYPES = {
    "string": "VARCHAR",
    "float64": "DOUBLE",
    "int64": "BIGINT",
    "bool": "BOOLEAN",
    "date": "DATE",
}


def check_char_sql(code: str) -> str:
    """SQL boolean: the check character of an 18-character code is right.

    Only meaningful for codes that match :data:`CODE_FORMAT_RE`.
    """

    def value(i: int) -> str:
        return f"(instr('{_CHARSET}', substr({code}, {i}, 1)) - 1)"

    total = " + ".join(f"{w} * {value(i + 1)}" for i, w in enumerate(_WEIGHTS))
    return f"(((31 - ({total}) % 31) % 31) = {value(18)})"


@dataclass(frozen=True)
class FastPlan:
    """SQL that converts the *clean* rows of a large file; Python converts the rest.

    A row is clean when every cell has the plain form the SQL converts
    exactly as :func:`~fenghuang.sources.read_source` would (a well-formed
    credit code, ``2023-01``/``202301``/``2023年1月`` periods, plain
    non-negative numbers within the mapping's limit, text without
    whitespace or blank tokens, no 合计/注 rows). Any other row is *dirty*:
    the caller hands its raw cells to :meth:`convert`, which runs the
    general converter on them, so rejects carry the same codes and reasons.
    The check character is not in :attr:`ok`: the caller tests it once per
    distinct code with :func:`check_char_sql`.

    Attributes
    ----------
    plan : ColumnPlan
    columns : tuple of (str, str, str)
        Canonical output columns: (name, SQL expression, SQL type), in the
        order of ``mapping.output_fields()``.
    ok : str
        SQL boolean: the row is clean.
    code : str
        SQL expression of the raw credit-code cell.
    units : dict of str to str
        The unit each numeric column was written in.
    value_fields : tuple of str
        Canonical value columns the file has (those that become source values).
    """

    plan: ColumnPlan
    columns: tuple[tuple[str, str, str], ...]
    ok: str
    code: str
    units: dict[str, str]
    value_fields: tuple[str, ...]

    @staticmethod
    def code_format_sql(code: str) -> str:
        """SQL boolean: ``code`` has the GB 32100-2015 format (check character not tested)."""
        return f"regexp_full_match({code}, '{CODE_FORMAT_RE}')"

    @staticmethod
    def check_char_sql(code: str) -> str:
        """SQL boolean: the check character of a well-formed code is right."""
        return check_char_sql(code)

    def convert(self, columns: list[pa.Array], numbers: np.ndarray, *, file: str) -> Converted:
        """Convert raw cells of (dirty) rows with the general converter, no duplicate check.

        Parameters
        ----------
        columns : list of pyarrow.Array
            One array per source column, as read (text for CSV).
        numbers : numpy.ndarray of int64
            Row number of each row.
        file : str
        """
        raw = RawTable(columns, np.asarray(numbers, dtype=np.int64), "")
        return convert(raw, self.plan.header_plan, file=file, dedup=False)

    def dedup(self, rows: pa.Table, *, file: str) -> tuple[pa.Table, pa.Table]:
        """Exact duplicates and key conflicts among ``rows`` (in file order).

        Returns the rows that remain and the rejects, exactly as the general
        path does within one file. Rows that share no key with another row
        cannot be flagged, so callers may pass only the rows whose key occurs
        more than once.
        """
        rej = Rejects(file=file, sheet="", numbers=np.zeros(0, dtype=np.int64))
        kept = duplicate_and_conflict(rows, self.plan.mapping.key, self.plan.header_plan, rej)
        return kept, rej.table()


def _text_ok(cell: str) -> str:
    tokens = _in(tuple(t for t in MISSING_TOKENS if t))
    return (
        f"({cell} IS NULL OR {cell} = '' OR (NOT regexp_matches({cell}, '{_SPACE}') AND "
        f"(length({cell}) > 5 OR (lower({cell}) NOT IN {tokens} AND "
        f"regexp_full_match({cell}, '{_PLAIN_SHORT}')))))"
    )


def fast_plan(
    plan: ColumnPlan, cell: Callable[[int], str], numeric: frozenset[int] = frozenset()
) -> FastPlan | None:
    """The fast-path SQL of a plan, or None when the file needs the general path.

    Parameters
    ----------
    plan : ColumnPlan
        A long layout of a monthly or annual department, without a unit column.
    cell : callable
        ``cell(index)`` → SQL expression of that raw cell (VARCHAR, NULL when
        the row is short).
    numeric : frozenset of int
        Positions whose raw cells are typed numbers (Parquet), not text.

    Returns
    -------
    FastPlan or None
    """
    from fenghuang.facts import FIRM_YEAR_FIELDS
    from fenghuang.sources._fields import _factor_for, arrow_type

    m = plan.mapping
    hp = plan.header_plan
    if plan.wide or plan.unit_column is not None or m.kind not in ("monthly", "annual"):
        return None
    fields = plan.fields()
    if "credit_code" not in fields:
        return None
    ok: list[str] = []
    exprs: dict[str, str] = {}
    units: dict[str, str] = {}
    value_fields: list[str] = []
    for fname, c in fields.items():
        spec = m.fields.get(fname)
        if spec is None:
            return None
        src = cell(c.index)
        typed = c.index in numeric
        q = spec.quantity
        if fname == "credit_code":
            if typed:
                return None
            exprs[fname] = src
            ok.append(f"({src} IS NOT NULL AND regexp_full_match({src}, '{CODE_FORMAT_RE}'))")
        elif fname in ("period", "year", "month"):
            if typed:
                return None
            continue
        elif q == "text" and not spec.values:
            if typed:
                return None
            exprs[fname] = f"nullif({src}, '')"
            ok.append(_text_ok(src))
            if spec.required:
                ok.append(f"nullif({src}, '') IS NOT NULL")
        elif q in UNIT_TABLES and FIRM_YEAR_FIELDS.get(fname) is not None:
            if FIRM_YEAR_FIELDS[fname].dtype != "float64" or (q == "ratio"):
                return None
            pc_ = hp.column_of(fname)
            got = _factor_for(spec, pc_, hp) if pc_ is not None else None
            if got is None:
                return None
            factor, unit = got
            units[fname] = unit
            value_fields.append(fname)
            if typed:
                value = f"CAST({src} AS DOUBLE)"
                good = f"({src} IS NULL OR isfinite(CAST({src} AS DOUBLE)))"
            else:
                pattern = _NUMBER_RE if spec.nonnegative else "-?" + _NUMBER_RE
                value = f"TRY_CAST({src} AS DOUBLE)"
                good = f"({src} IS NULL OR {src} = '' OR regexp_full_match({src}, '{pattern}'))"
            if factor != 1.0:
                value = f"({value} * {factor!r})"
            exprs[fname] = value
            ok.append(good)
            if spec.nonnegative:
                ok.append(f"coalesce({value} >= 0, true)")
            if spec.max is not None:
                ok.append(f"coalesce({value} <= {spec.max!r}, true)")
            if spec.required:
                ok.append(f"{value} IS NOT NULL")
        else:
            return None
    year, month = _fast_periods(plan, cell, ok)
    exprs["year"], exprs["month"] = year, month
    ok.append(f"{year} IS NOT NULL")
    if m.kind == "monthly":
        ok.append(f"{month} IS NOT NULL")
    width = len(plan.columns)
    for i in range(min(width, 4)):  # 合计/小计/总计 rows and notes go the general way
        if i in numeric:
            continue
        ok.append(f"NOT coalesce(contains({cell(i)}, '计'), false)")
        if i < 3:
            ok.append(
                f"NOT coalesce(contains({cell(i)}, '注') OR contains({cell(i)}, ':') "
                f"OR contains({cell(i)}, '：'), false)"
            )
    out = []
    for fname in m.output_fields():
        typ = "BIGINT" if fname in ("year", "month") else _SQL_TYPES[_dtype(arrow_type(fname))]
        expr = exprs.get(fname, "NULL")
        out.append((fname, f"CAST({expr} AS {typ})", typ))
    return FastPlan(
        plan=plan,
        columns=tuple(out),
        ok="(" + " AND ".join(ok) + ")",
        code=exprs["credit_code"],
        units=units,
        value_fields=tuple(value_fields),
    )


def _dtype(t: pa.DataType) -> str:
    if pa.types.is_floating(t):
        return "float64"
    if pa.types.is_integer(t):
        return "int64"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_date(t):
        return "date"
    return "string"


def _fast_periods(plan: ColumnPlan, cell: Callable[[int], str], ok: list[str]) -> tuple[str, str]:
    """Year and month SQL (plain forms only; anything else makes the row dirty)."""
    fields = plan.fields()
    years: list[str] = []
    months: list[str] = []

    def parsed(index: int, pattern: str, group: int, lo: int, hi: int) -> str:
        src = cell(index)
        value = f"TRY_CAST(nullif(regexp_extract({src}, '{pattern}', {group}), '') AS BIGINT)"
        ok.append(
            f"({src} IS NULL OR {src} = '' OR coalesce({value} BETWEEN {lo} AND {hi}, false))"
        )
        return value

    if "period" in fields:
        i = fields["period"].index
        years.append(parsed(i, _PERIOD_RE, 1, 1900, 2100))
        months.append(parsed(i, _PERIOD_RE, 2, 1, 12))
    if "year" in fields:
        years.append(parsed(fields["year"].index, _YEAR_RE, 1, 1900, 2100))
    if "month" in fields:
        months.append(parsed(fields["month"].index, _MONTH_RE, 1, 1, 12))
    if plan.year_hint is not None:
        years.append(str(int(plan.year_hint)))
    if plan.month_hint is not None:
        months.append(str(int(plan.month_hint)))

    def first(parts: list[str]) -> str:
        if not parts:
            return "CAST(NULL AS BIGINT)"
        return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"

    return first(years), first(months)
