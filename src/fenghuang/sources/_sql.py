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


@dataclass(frozen=True)
class FastPlan:
    """SQL that converts the *clean* rows of a large file; Python converts the rest.

    A row is clean when its code, period and number cells have the plain
    form the SQL converts exactly as :func:`~fenghuang.sources.read_source`
    would (an 18-character code in upper case, ``2023-01``/``202301``/
    ``2023年1月`` periods, plain non-negative numbers within the mapping's
    limit) and it is no 合计/注 row. Any other row is *dirty*: the caller
    hands its raw cells to :meth:`convert`, which runs the general
    converter on them, so rejects carry the same codes and reasons.

    Three checks are left to the caller because they are cheaper per distinct
    value than per row: the code's format (``ok`` tests only that the code
    cell has 18 bytes; rows of a stored code failing
    :func:`~fenghuang.sources.credit_code_checks` are dirty rows too), the
    check character (the same function; a clean row whose only fault it is
    gets the reject of :meth:`check_reject`)
    and text cells, which are cleaned by :meth:`clean_text` per distinct value.
    Per row, no regex runs on the code cell.

    Attributes
    ----------
    plan : ColumnPlan
    layers : tuple of tuple of (str, str)
        SELECT layers over the raw cells ``c0 … cN``, each adding (alias,
        SQL) columns that later layers use (so every cell is parsed once).
    columns : tuple of (str, str, str)
        Last layer, canonical output columns: (name, SQL over cells and
        aliases, SQL type), in the order of ``mapping.output_fields()``.
    ok : str
        SQL boolean over cells and aliases: the row is clean.
    code : str
        SQL expression of the raw credit-code cell.
    code_header : str
        Header of the credit-code column (for :meth:`check_reject`).
    text_fields : tuple of str
        Canonical text columns, taken raw; clean them with :meth:`clean_text`.
    units : dict of str to str
        The unit each numeric column was written in.
    value_fields : tuple of str
        Canonical value columns the file has (those that become source values).
    """

    plan: ColumnPlan
    layers: tuple[tuple[tuple[str, str], ...], ...]
    columns: tuple[tuple[str, str, str], ...]
    ok: str
    code: str
    code_header: str
    text_fields: tuple[str, ...]
    units: dict[str, str]
    value_fields: tuple[str, ...]

    def check_reject(self, rows: np.ndarray, codes: list[str], *, file: str) -> pa.Table:
        """Rejects of otherwise clean rows whose check character is wrong.

        They are what the general converter gives for such a row: one
        ``E-ROW-CREDIT-CODE-CHECK`` on the code column with the code as raw value.
        """
        rej = Rejects(file=file, sheet="", numbers=np.asarray(rows, dtype=np.int64))
        rej.add(
            np.ones(len(codes), dtype=bool),
            "E-ROW-CREDIT-CODE-CHECK",
            self.code_header,
            "credit_code",
            pa.array(codes, pa.string()),
        )
        return rej.table()

    @staticmethod
    def clean_text(values: pa.Array) -> pa.Array:
        """Text cells as the general converter keeps them (trimmed; blanks and dashes null)."""
        from fenghuang.sources._values import clean_text

        out: pa.Array = clean_text(values)
        return out

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


def fast_plan(
    plan: ColumnPlan,
    cell: Callable[[int], str],
    numeric: frozenset[int] = frozenset(),
    line: str | None = None,
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
    line : str, optional
        SQL expression of the whole raw line (CSV): the 合计/注 test then
        looks at the line once (``strpos``, cheaper than taking the cells
        out of the split line again).

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
    parsed: list[tuple[str, str]] = []
    derived: list[tuple[str, str]] = []
    ok: list[str] = []
    exprs: dict[str, str] = {}
    units: dict[str, str] = {}
    value_fields: list[str] = []
    texts: list[str] = []
    plain: set[int] = set()  # cells whose test admits no 计/注/: character
    for fname, c in fields.items():
        spec = m.fields.get(fname)
        if spec is None:
            return None
        src = cell(c.index)
        typed = c.index in numeric
        q = spec.quantity
        if typed and (fname in ("credit_code", "period", "year", "month") or q == "text"):
            return None
        if fname == "credit_code":
            exprs[fname] = src
            # per row only the length; the format per distinct code (credit_code_checks)
            ok.append(f"coalesce(strlen({src}) = 18, false)")
            plain.add(c.index)
        elif fname in ("period", "year", "month"):
            plain.add(c.index)  # digits, -/. and 年月度份 only (see _fast_periods)
            continue
        elif q == "text" and not spec.values and not spec.required:
            exprs[fname] = src
            texts.append(fname)
        elif q in UNIT_TABLES and FIRM_YEAR_FIELDS.get(fname) is not None:
            if FIRM_YEAR_FIELDS[fname].dtype != "float64" or q == "ratio":
                return None
            pc_ = hp.column_of(fname)
            got = _factor_for(spec, pc_, hp) if pc_ is not None else None
            if got is None:
                return None
            factor, unit = got
            units[fname] = unit
            value_fields.append(fname)
            alias = f"_v{c.index}"
            if typed:
                parsed.append((alias, f"CAST({src} AS DOUBLE)"))
                good = f"({src} IS NULL OR isfinite({alias}))"
            else:
                parsed.append((alias, f"TRY_CAST({src} AS DOUBLE)"))
                # plain digits (a sign, spaces, separators, exponents … go the general way);
                # RE2 without groups is cheaper here than ltrim(…, '0123456789.')
                good = f"({src} IS NULL OR {src} = '' OR regexp_full_match({src}, '{_NUMBER_RE}'))"
                plain.add(c.index)
            value = alias if factor == 1.0 else f"({alias} * {factor!r})"
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
    year, month = _fast_periods(plan, cell, parsed, derived, ok)
    exprs["year"], exprs["month"] = year, month
    ok.append(f"{year} IS NOT NULL")
    if m.kind == "monthly":
        ok.append(f"{month} IS NOT NULL")
    width = len(plan.columns)
    # 合计/小计/总计 rows and notes go the general way (skip_mask: 计 in the first four
    # cells, 注 or a colon in the first three); cells whose own test admits none of
    # these characters need no scan
    if line is not None:
        ok += [f"strpos({line}, {x}) = 0" for x in ("'计'", "'注'", "':'", "'：'")]
    for i in range(min(width, 4) if line is None else 0):
        if i in numeric or i in plain:
            continue
        marks = ["'计'"] + (["'注'", "':'", "'：'"] if i < 3 else [])
        ok.append(
            "NOT coalesce(" + " OR ".join(f"contains({cell(i)}, {x})" for x in marks) + ", false)"
        )
    out = []
    for fname in m.output_fields():
        typ = "BIGINT" if fname in ("year", "month") else _SQL_TYPES[_dtype(arrow_type(fname))]
        expr = exprs.get(fname, "NULL")
        out.append((fname, f"CAST({expr} AS {typ})", typ))
    return FastPlan(
        plan=plan,
        layers=(tuple(parsed), tuple(derived)),
        columns=tuple(out),
        ok="(" + " AND ".join(ok) + ")",
        code=exprs["credit_code"],
        code_header=fields["credit_code"].header,
        text_fields=tuple(texts),
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


def _glob_period(src: str, regex: str) -> str:
    """SQL of :data:`_PERIOD_RE`'s groups ``y``, ``m`` of ``src``: ``YYYY-MM`` by a GLOB, the rest
    by ``regex`` (that pattern's ``regexp_extract``).

    The GLOB's language (four ASCII digits, ``-``, two ASCII digits) is part of
    the pattern's (RE2's ``\\d`` is ASCII), and on it the groups are those
    substrings; a GLOB costs about a fifth of the regex per row (1 s less per
    12 M rows, bench/README.md "Ingest").
    """
    return (
        f"CASE WHEN {src} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' THEN "
        f"{{'y': substr({src}, 1, 4), 'm': substr({src}, 6, 2)}} ELSE {regex} END"
    )


def _fast_periods(
    plan: ColumnPlan,
    cell: Callable[[int], str],
    parsed: list[tuple[str, str]],
    derived: list[tuple[str, str]],
    ok: list[str],
) -> tuple[str, str]:
    """Year and month SQL (plain forms only; anything else makes the row dirty)."""
    fields = plan.fields()
    years: list[str] = []
    months: list[str] = []

    def parse(index: int, pattern: str, groups: dict[str, tuple[int, int]]) -> list[str]:
        src = cell(index)
        alias = f"_p{index}"
        names = ", ".join(f"'{g}'" for g in groups)
        expr = f"regexp_extract({src}, '{pattern}', [{names}])"
        if pattern == _PERIOD_RE:  # the common form without a regex (same groups)
            expr = _glob_period(src, expr)
        parsed.append((alias, expr))
        out = []
        for g, (lo, hi) in groups.items():
            value = f"{alias}{g}"
            derived.append((value, f"TRY_CAST(nullif({alias}.{g}, '') AS BIGINT)"))
            ok.append(
                f"({src} IS NULL OR {src} = '' OR coalesce({value} BETWEEN {lo} AND {hi}, false))"
            )
            out.append(value)
        return out

    if "period" in fields:
        y, mo = parse(fields["period"].index, _PERIOD_RE, {"y": (1900, 2100), "m": (1, 12)})
        years.append(y)
        months.append(mo)
    if "year" in fields:
        years += parse(fields["year"].index, _YEAR_RE, {"y": (1900, 2100)})
    if "month" in fields:
        months += parse(fields["month"].index, _MONTH_RE, {"m": (1, 12)})
    if plan.year_hint is not None:
        years.append(str(int(plan.year_hint)))
    if plan.month_hint is not None:
        months.append(str(int(plan.month_hint)))

    def first(parts: list[str]) -> str:
        if not parts:
            return "CAST(NULL AS BIGINT)"
        return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"

    return first(years), first(months)
