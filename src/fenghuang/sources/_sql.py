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
from typing import TYPE_CHECKING

from fenghuang.sources._codes import source_error
from fenghuang.sources._units import UNIT_TABLES
from fenghuang.sources._values import MISSING_TOKENS

if TYPE_CHECKING:
    from fenghuang.sources._plan import ColumnPlan

__all__ = ["sql_select"]

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
