"""Cell values: numbers, dates, periods, years, months, booleans.

Every parser works on a whole column at once (a ``pyarrow`` string array)
and returns the parsed array plus a boolean mask of the cells that could not
be parsed; a cell is *missing* (null, not bad) when blank or a dash.
Only the rare cells the vectorised pass rejects are looked at again in
Python (Chinese numerals such as 二〇二三年一月), so the readers stay fast
on millions of rows. Scalar helpers (:func:`parse_number` …) wrap the same
code for tests and callers.

Examples
--------
>>> parse_number("１，２３４．５")
1234.5
>>> parse_number("3.5%")
0.035
>>> parse_number("(12)")
-12.0
>>> parse_number("—") is None
True
>>> parse_period("2023年01月"), parse_period("202301"), parse_period("二〇二三年一月")
((2023, 1), (2023, 1), (2023, 1))
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "MISSING_TOKENS",
    "clean_text",
    "parse_bool",
    "parse_bools",
    "parse_date",
    "parse_dates",
    "parse_month",
    "parse_months",
    "parse_number",
    "parse_numbers",
    "parse_period",
    "parse_periods",
    "parse_year",
    "parse_years",
]

#: Cell texts read as "no value" (after NFKC, lower-case, without spaces).
MISSING_TOKENS: tuple[str, ...] = (
    "",
    "-",
    "--",
    "—",
    "——",
    "–",
    "/",
    "\\",
    "无",
    "空",
    "na",
    "n/a",
    "nan",
    "null",
    "none",
    "#n/a",
    "…",
    "...",
)
_NUMBER = r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_RANGE = r"(?:\s*(?:至|到|~|～|—|--?)\s*.*)?"  # "2023-01-01至2023-01-31": the start counts
_PERIOD = (
    r"^(?P<y>\d{4})\s*(?:年度?|[-/.])?\s*(?P<m>\d{1,2})\s*月?份?"
    r"(?:\s*[-/.]?\s*\d{1,2}\s*日?)?" + _TIME + _RANGE + "$"
)
_DATE = (
    r"^(?P<y>\d{4})\s*(?:年|[-/.])?\s*(?P<m>\d{1,2})\s*(?:月|[-/.])?\s*(?P<d>\d{1,2})\s*日?"
    + _TIME
    + "$"
)
_YEAR = r"^(?P<y>\d{4})(?:\.0+)?\s*(?:年度?)?$"
_MONTH = r"^(?:\d{4}\s*(?:年|[-/.]))?\s*(?P<m>\d{1,2})(?:\.0+)?\s*月?份?$"
_TRUE = ("是", "y", "yes", "true", "t", "1", "1.0", "√", "✓", "有", "对", "是的")
_FALSE = ("否", "n", "no", "false", "f", "0", "0.0", "×", "✗", "无", "不是", "非")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
_SERIAL = re.compile(r"^[2-7]\d{4}(?:\.0+)?$")  # Excel serials 1954–2119
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_CN_RUN = re.compile(r"[〇零○一二三四五六七八九十]+")

BoolMask = np.ndarray


def _normalize(arr: pa.Array) -> pa.Array:
    """NFKC (full-width → half-width), trimmed, string type."""
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.string())
    if pc.all(pc.string_is_ascii(arr)).as_py() is not False:
        return pc.utf8_trim_whitespace(arr)  # ASCII only: NFKC changes nothing
    return pc.utf8_trim_whitespace(pc.utf8_normalize(arr, form="NFKC"))


def _missing(norm: pa.Array) -> pa.Array:
    squeezed = pc.utf8_lower(pc.replace_substring_regex(norm, r"\s+", ""))
    return pc.or_kleene(pc.is_null(norm), pc.is_in(squeezed, value_set=pa.array(MISSING_TOKENS)))


def _mask(arr: pa.Array) -> BoolMask:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def clean_text(arr: pa.Array) -> pa.Array:
    """Trimmed text; blanks and dashes become null (NFKC is *not* applied)."""
    if not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.if_else(_missing(_normalize(arr)), pa.scalar(None, pa.string()), trimmed)


def parse_numbers(arr: pa.Array) -> tuple[pa.Array, BoolMask]:
    """Parse a column of numbers written the way departments write them.

    Full-width digits, thousands separators (``1,234.5``, ``1，234.5``),
    spaces, a leading ``+``, percentages (``3.5%`` → 0.035) and negatives in
    parentheses (``(12)`` → -12) are accepted.

    Returns
    -------
    values : pyarrow.DoubleArray
        Parsed values, null where missing or bad.
    bad : numpy.ndarray of bool
        True where the cell had text that is not a number.
    """
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        values = pc.cast(arr, pa.float64())
        return values, ~_mask(pc.is_finite(values)) & _mask(pc.is_valid(values))
    norm = _normalize(arr)
    missing = _missing(norm)
    s = pc.replace_substring_regex(norm, r"[,\s]", "")
    s = pc.replace_substring_regex(s, r"^\+", "")
    s = pc.replace_substring_regex(s, r"^\((.*)\)$", r"-\1")
    s = pc.replace_substring_regex(s, r"^-\+?", "-")
    percent = pc.ends_with(s, "%")
    s = pc.replace_substring_regex(s, r"%$", "")
    ok = pc.and_kleene(pc.match_substring_regex(s, _NUMBER), pc.invert(missing))
    numeric = pc.if_else(ok, s, pa.scalar(None, pa.string()))
    values = pc.cast(numeric, pa.float64())
    values = pc.if_else(percent, pc.divide(values, 100.0), values)
    finite = pc.is_finite(values)
    values = pc.if_else(finite, values, pa.scalar(None, pa.float64()))
    bad = ~_mask(missing) & ~_mask(finite)
    return values, bad


def _cn_run(m: re.Match[str]) -> str:
    run = m.group(0)
    if "十" not in run:
        return run.translate(_CN_DIGITS)
    tens, _, ones = run.partition("十")
    t = int(tens.translate(_CN_DIGITS) or "1")
    o = int(ones.translate(_CN_DIGITS) or "0")
    return str(t * 10 + o)


def _cn_numerals(text: str) -> str:
    """二〇二三年十二月 → 2023年12月 (digit by digit, or tens with 十)."""
    return _CN_RUN.sub(_cn_run, text)


def _extract_ints(
    arr: pa.Array, pattern: str, groups: tuple[str, ...]
) -> tuple[list[pa.Array], pa.Array, pa.Array]:
    norm = _normalize(arr)
    missing = _missing(norm)
    found = pc.extract_regex(pc.if_else(missing, pa.scalar(None, pa.string()), norm), pattern)
    matched = pc.is_valid(found)
    out = []
    for g in groups:
        field = pc.struct_field(found, g)
        field = pc.if_else(matched, field, pa.scalar(None, pa.string()))
        out.append(pc.cast(field, pa.int64()))
    return out, matched, missing


def _retry(
    norm: list[str | None], bad: BoolMask, pattern: str, groups: tuple[str, ...]
) -> dict[int, tuple[int, ...]]:
    """Python pass over the few bad cells: Chinese numerals, Excel serial dates."""
    rx = re.compile(pattern)
    fixed: dict[int, tuple[int, ...]] = {}
    for i in np.flatnonzero(bad):
        text = norm[i]
        if text is None:
            continue
        m = rx.match(_cn_numerals(text))
        if m:
            fixed[int(i)] = tuple(int(m.group(g)) for g in groups)
        elif "m" in groups and _SERIAL.match(text):
            # a date cell formatted as a number in Excel: days since 1899-12-30
            d = _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
            parts = {"y": d.year, "m": d.month, "d": d.day}
            fixed[int(i)] = tuple(parts[g] for g in groups)
    return fixed


def _parse_ints(
    arr: pa.Array, pattern: str, groups: tuple[str, ...], bounds: tuple[tuple[int, int], ...]
) -> tuple[list[pa.Array], BoolMask]:
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        arr = pc.strftime(arr, format="%Y-%m-%d")
    elif pa.types.is_floating(arr.type):
        arr = pc.cast(pc.cast(arr, pa.int64(), safe=False), pa.string())
    elif not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    cols, matched, missing = _extract_ints(arr, pattern, groups)
    bad = ~_mask(missing) & ~_mask(matched)
    if bad.any():
        norm = _normalize(arr).to_pylist()
        fixed = _retry(norm, bad, pattern, groups)
        if fixed:
            lists = [c.to_pylist() for c in cols]
            for i, vals in fixed.items():
                for k, v in enumerate(vals):
                    lists[k][i] = v
                bad[i] = False
            cols = [pa.array(v, pa.int64()) for v in lists]
    for col, (lo, hi) in zip(cols, bounds, strict=True):
        vals = col.to_numpy(zero_copy_only=False)
        valid = _mask(pc.is_valid(col))
        out_of_range = valid & (
            (np.nan_to_num(vals.astype(float), nan=lo) < lo)
            | (np.nan_to_num(vals.astype(float), nan=lo) > hi)
        )
        bad |= out_of_range
    if bad.any():
        keep = pa.array(~bad)
        cols = [pc.if_else(keep, c, pa.scalar(None, pa.int64())) for c in cols]
    return cols, bad


def parse_periods(arr: pa.Array) -> tuple[pa.Array, pa.Array, BoolMask]:
    """Parse year-month periods: ``2023年01月``, ``202301``, ``2023-01``, ``2023/1/5``, dates.

    Returns
    -------
    year, month : pyarrow.Int64Array
    bad : numpy.ndarray of bool
    """
    (year, month), bad = _parse_ints(arr, _PERIOD, ("y", "m"), ((1900, 2100), (1, 12)))
    return year, month, bad


def parse_years(arr: pa.Array) -> tuple[pa.Array, BoolMask]:
    """Parse years: ``2023``, ``2023年``, ``2023年度``, ``2023.0``."""
    (year,), bad = _parse_ints(arr, _YEAR, ("y",), ((1900, 2100),))
    return year, bad


def parse_months(arr: pa.Array) -> tuple[pa.Array, BoolMask]:
    """Parse months: ``1``, ``01``, ``1月``, ``一月``, ``十二月``, ``2023年3月``."""
    (month,), bad = _parse_ints(arr, _MONTH, ("m",), ((1, 12),))
    return month, bad


def parse_dates(arr: pa.Array) -> tuple[pa.Array, BoolMask]:
    """Parse dates: ``2023-01-05``, ``2023/1/5``, ``2023年1月5日``, ``20230105``."""
    if pa.types.is_timestamp(arr.type):
        return pc.cast(arr, pa.date32()), np.zeros(len(arr), dtype=bool)
    if pa.types.is_date(arr.type):
        return pc.cast(arr, pa.date32()), np.zeros(len(arr), dtype=bool)
    (y, m, d), bad = _parse_ints(arr, _DATE, ("y", "m", "d"), ((1800, 2100), (1, 12), (1, 31)))
    out: list[dt.date | None] = []
    for yy, mm, dd in zip(y.to_pylist(), m.to_pylist(), d.to_pylist(), strict=True):
        out.append(None)
        if yy is None or mm is None or dd is None:
            continue
        with contextlib.suppress(ValueError):
            out[-1] = dt.date(yy, mm, dd)
    dates = pa.array(out, pa.date32())
    bad = bad | (_mask(pc.is_valid(y)) & ~_mask(pc.is_valid(dates)))
    return dates, bad


def parse_bools(arr: pa.Array) -> tuple[pa.Array, BoolMask]:
    """Parse yes/no: 是/否, Y/N, 1/0, √/×, true/false, 有/无; other numbers: > 0 is yes."""
    if pa.types.is_boolean(arr.type):
        return arr, np.zeros(len(arr), dtype=bool)
    norm = pc.utf8_lower(pc.replace_substring_regex(_normalize(arr), r"\s+", ""))
    is_true = pc.is_in(norm, value_set=pa.array(_TRUE))
    is_false = pc.is_in(norm, value_set=pa.array(_FALSE))
    nums, _ = parse_numbers(arr)
    num_ok = _mask(pc.is_valid(nums))
    positive = _mask(pc.greater(nums, 0.0))
    t, f = _mask(is_true), _mask(is_false)
    result = np.where(t, True, np.where(f, False, positive))
    known = t | f | num_ok
    missing = _mask(pc.is_in(norm, value_set=pa.array(MISSING_TOKENS[:-3]))) & ~f
    missing |= ~_mask(pc.is_valid(norm))
    bad = ~known & ~missing
    return pa.array(result, pa.bool_(), mask=~known), bad


def _one(arr: pa.Array, bad: BoolMask, what: str, text: object) -> object:
    if bad[0]:
        raise ValueError(f"cannot parse {text!r} as {what}")
    return arr[0].as_py()


def parse_number(text: str | None) -> float | None:
    """Scalar :func:`parse_numbers`; raises ``ValueError`` if not a number."""
    values, bad = parse_numbers(pa.array([text], pa.string()))
    out = _one(values, bad, "a number", text)
    return None if out is None else float(out)  # type: ignore[arg-type]


def parse_period(text: str | None) -> tuple[int, int] | None:
    """Scalar :func:`parse_periods` → ``(year, month)``; raises ``ValueError``."""
    y, m, bad = parse_periods(pa.array([text], pa.string()))
    if bad[0]:
        raise ValueError(f"cannot parse {text!r} as a period")
    yy, mm = y[0].as_py(), m[0].as_py()
    return None if yy is None else (int(yy), int(mm))


def parse_year(text: str | None) -> int | None:
    """Scalar :func:`parse_years`; raises ``ValueError``."""
    y, bad = parse_years(pa.array([text], pa.string()))
    out = _one(y, bad, "a year", text)
    return None if out is None else int(out)  # type: ignore[call-overload]


def parse_month(text: str | None) -> int | None:
    """Scalar :func:`parse_months`; raises ``ValueError``."""
    m, bad = parse_months(pa.array([text], pa.string()))
    out = _one(m, bad, "a month", text)
    return None if out is None else int(out)  # type: ignore[call-overload]


def parse_date(text: str | None) -> dt.date | None:
    """Scalar :func:`parse_dates`; raises ``ValueError``."""
    d, bad = parse_dates(pa.array([text], pa.string()))
    out = _one(d, bad, "a date", text)
    return out  # type: ignore[return-value]


def parse_bool(text: str | None) -> bool | None:
    """Scalar :func:`parse_bools`; raises ``ValueError``."""
    b, bad = parse_bools(pa.array([text], pa.string()))
    out = _one(b, bad, "yes/no", text)
    return None if out is None else bool(out)
