"""Parsing, unit conversion and validation of one mapped column.

Each function takes a whole column (Arrow array) and records failing cells
in a :class:`~._rejects.Rejects`; see :mod:`._convert` for the table-level
steps.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.facts import ARROW_TYPES, FIRM_FIELDS, FIRM_YEAR_FIELDS, PARCEL_FIELDS
from fenghuang.sources._credit import credit_code_checks
from fenghuang.sources._header import HeaderPlan, PlannedColumn
from fenghuang.sources._mapping import FieldSpec, normalize_header
from fenghuang.sources._rejects import Rejects
from fenghuang.sources._units import BASE_UNITS, UNIT_TABLES, normalize_unit
from fenghuang.sources._values import clean_text, parse_bools, parse_dates, parse_numbers

__all__ = ["arrow_type", "as_text", "convert_field", "mask", "required"]


def arrow_type(name: str) -> pa.DataType:
    """Arrow type of a canonical column."""
    if name in ("year", "month", "_row"):
        return pa.int64()
    spec = FIRM_YEAR_FIELDS.get(name) or PARCEL_FIELDS.get(name) or FIRM_FIELDS.get(name)
    dtype = spec.dtype if spec else "string"
    return ARROW_TYPES[dtype]


def as_text(arr: pa.Array) -> pa.Array:
    if pa.types.is_string(arr.type):
        return arr
    if pa.types.is_large_string(arr.type):
        return pc.cast(arr, pa.string())
    try:
        return pc.cast(arr, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else str(v) for v in arr.to_pylist()], pa.string())


def mask(mask: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _factor_for(spec: FieldSpec, c: PlannedColumn, plan: HeaderPlan) -> tuple[float, str] | None:
    """Column-wide factor and the unit it came from (None: unknown header unit)."""
    table = UNIT_TABLES[spec.quantity]
    if c.unit is not None:
        return (table[normalize_unit(c.unit)], c.unit) if spec.allows(c.unit) else None
    title = plan.title_units.get(spec.quantity)
    if title is not None and spec.allows(title):
        return table[normalize_unit(title)], title
    if spec.default_unit:
        return table[normalize_unit(spec.default_unit)], spec.default_unit
    return 1.0, BASE_UNITS.get(spec.quantity, "")


def _unit_detail(spec: FieldSpec, unit: str | None) -> tuple[str, str]:
    """The reject detail of a header unit the field does not take (zh, en).

    A unit of another quantity (千瓦, a power, on 用电量, an energy) is named
    as such, with the units the field takes, so the file is not read as if it
    were in the nearest unit.
    """
    table = UNIT_TABLES.get(spec.quantity, {})
    allowed = [u for u in (spec.units or list(table)) if normalize_unit(u) in table]
    known = unit is not None and any(normalize_unit(unit) in t for t in UNIT_TABLES.values())
    if not known:
        return f"表头单位“{unit}”", f"header unit {unit!r}"
    first = allowed[:8]
    return (
        f"表头单位“{unit}”不是该字段的单位，应为：{'、'.join(first)}",
        f"header unit {unit!r} is not a unit of this field; expected one of: {', '.join(first)}",
    )


def convert_field(
    name: str,
    spec: FieldSpec,
    c: PlannedColumn,
    arr: pa.Array,
    plan: HeaderPlan,
    row_units: pa.Array | None,
    units: dict[str, str],
    rej: Rejects,
) -> pa.Array:
    q = spec.quantity
    target = arrow_type(name)
    if q == "code":
        text = clean_text(as_text(arr))
        return required(_codes(text, c, name, rej), spec, c, name, arr, rej)
    if q == "text":
        text = clean_text(as_text(arr))
        if spec.values:
            return _coded(text, spec, c, name, rej)
        return required(text, spec, c, name, arr, rej)
    if q == "bool":
        values, bad = parse_bools(arr)
        rej.add(bad, "E-ROW-VALUE", c.header, name, arr, "应为 是/否", "expected yes/no")
        return required(values, spec, c, name, arr, rej)
    if q == "date":
        values, bad = parse_dates(arr)
        rej.add(bad, "E-ROW-DATE", c.header, name, arr)
        return required(values, spec, c, name, arr, rej)
    # numeric quantities
    values, bad = parse_numbers(arr)
    rej.add(bad, "E-ROW-NUMBER", c.header, name, arr)
    col_factor = _factor_for(spec, c, plan)
    if col_factor is None:
        has = mask(pc.is_valid(values))
        zh, en = _unit_detail(spec, c.unit)
        rej.add(has, "E-ROW-UNIT", c.header, name, arr, zh, en)
        return pa.nulls(len(arr), target)
    factor, unit = col_factor
    units[name] = unit
    if c.unit is None and row_units is not None:
        values = _apply_row_units(values, spec, plan, row_units, factor, units, name, rej)
    else:
        if q == "ratio" and factor != 1.0:
            pct = mask(pc.ends_with(pc.utf8_normalize(as_text(arr), form="NFKC"), "%"))
            factor_arr = pa.array(np.where(pct, 1.0, factor))
            values = pc.multiply(values, factor_arr)
        elif factor != 1.0:
            values = pc.multiply(values, factor)
    return _checks(values, spec, c, name, arr, rej, target)


def _apply_row_units(
    values: pa.Array,
    spec: FieldSpec,
    plan: HeaderPlan,
    row_units: pa.Array,
    default: float,
    units: dict[str, str],
    name: str,
    rej: Rejects,
) -> pa.Array:
    table = UNIT_TABLES[spec.quantity]
    allowed = [u for u in table if spec.allows(u)]
    known = pa.array(allowed, pa.string())
    factors = pa.array([table[u] for u in allowed], pa.float64())
    idx = pc.index_in(row_units, value_set=known)
    row_factor = pc.take(factors, idx)
    # A unit of another quantity (e.g. 万元 beside a count) leaves this field at its default.
    others = {
        u
        for f, s in plan.mapping.fields.items()
        if s.quantity in UNIT_TABLES
        for u in UNIT_TABLES[s.quantity]
        if plan.column_of(f)
    }
    foreign = pc.is_in(row_units, value_set=pa.array(sorted(others), pa.string()))
    unknown = mask(pc.is_valid(row_units)) & ~mask(pc.is_valid(idx)) & ~mask(foreign)
    header = plan.columns[plan.unit_column].header if plan.unit_column is not None else "单位"
    rej.add(unknown & mask(pc.is_valid(values)), "E-ROW-UNIT", header, name, row_units)
    row_factor = pc.fill_null(row_factor, default)
    seen = sorted(
        {
            u
            for u in pc.unique(
                pc.if_else(pc.is_valid(idx), row_units, pa.scalar(None, pa.string()))
            ).to_pylist()
            if u
        }
    )
    if seen:
        units[name] = ";".join(seen)
    return pc.multiply(values, row_factor)


def _checks(
    values: pa.Array,
    spec: FieldSpec,
    c: PlannedColumn,
    name: str,
    raw: pa.Array,
    rej: Rejects,
    target: pa.DataType,
) -> pa.Array:
    if spec.nonnegative:
        rej.add(mask(pc.less(values, 0.0)), "E-ROW-NEGATIVE", c.header, name, raw)
    if spec.max is not None:
        rej.add(
            mask(pc.greater(values, spec.max)),
            "E-ROW-ABSURD",
            c.header,
            name,
            raw,
            f"超过上限 {spec.max:g}",
            f"above the limit {spec.max:g}",
        )
    if pa.types.is_integer(target):
        frac = mask(pc.not_equal(values, pc.round(values)))
        rej.add(frac, "E-ROW-NUMBER", c.header, name, raw, "应为整数", "expected a whole number")
        values = pc.if_else(pa.array(frac), pa.scalar(None, pa.float64()), values)
        values = pc.cast(pc.round(values), pa.int64())
    return required(values, spec, c, name, raw, rej)


def required(
    values: pa.Array, spec: FieldSpec, c: PlannedColumn, name: str, raw: pa.Array, rej: Rejects
) -> pa.Array:
    if spec.required:
        rej.add(
            ~mask(pc.is_valid(values)) & ~rej.cell_mask(len(values), name),
            "E-ROW-MISSING",
            c.header,
            name,
            raw,
        )
    return values


#: Whitespace as Python's ``str.split()`` sees it (normalize_credit_code), in RE2: its ``\s``
#: is ASCII only, so a code cell ending in U+2028 or U+0085 kept it.
_CODE_SPACE = r"[\s\x{0B}\x{1C}-\x{1F}\x{85}\p{Z}]+"


def _codes(text: pa.Array, c: PlannedColumn, name: str, rej: Rejects) -> pa.Array:
    norm = pc.utf8_upper(
        pc.replace_substring_regex(pc.utf8_normalize(text, form="NFKC"), _CODE_SPACE, "")
    )
    # the code as it is stored is the code checked (credit_code_problem, vectorised)
    fmt, good = credit_code_checks(norm)
    given = mask(pc.is_valid(norm))
    rej.add(given & ~fmt, "E-ROW-CREDIT-CODE-FORMAT", c.header, name, text)
    rej.add(fmt & ~good, "E-ROW-CREDIT-CODE-CHECK", c.header, name, text)
    return norm


def _coded(text: pa.Array, spec: FieldSpec, c: PlannedColumn, name: str, rej: Rejects) -> pa.Array:
    keys: list[str] = []
    vals: list[str] = []
    for canonical, spellings in spec.values.items():
        for s in [canonical, *spellings]:
            keys.append(normalize_header(s))
            vals.append(canonical)
    norm = pc.utf8_lower(
        pc.replace_substring_regex(pc.utf8_normalize(text, form="NFKC"), r"\s+", "")
    )
    idx = pc.index_in(norm, value_set=pa.array(keys, pa.string()))
    out = pc.take(pa.array(vals, pa.string()), idx)
    bad = mask(pc.is_valid(text)) & ~mask(pc.is_valid(idx))
    allowed = "、".join(spec.values)
    rej.add(
        bad,
        "E-ROW-VALUE",
        c.header,
        name,
        text,
        f"允许：{allowed}",
        f"allowed: {', '.join(spec.values)}",
    )
    return required(out, spec, c, name, text, rej)
