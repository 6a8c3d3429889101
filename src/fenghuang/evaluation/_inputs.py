"""Firm-year facts from one xlsx/csv file (``fenghuang evaluate --facts FILE``).

The file has one row per firm (and year), headed by field names
(``tax_paid``), their Chinese labels (``实缴税金``) or English labels, with
an optional unit in brackets (``实缴税金（万元）``) that is converted to the
base unit of :mod:`fenghuang.facts`. Every cell is validated; problems are
reported with file, row, column and field, in Chinese and English.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import pyarrow as pa

from fenghuang.errors import InputError, RowError, SourceError
from fenghuang.facts import ARROW_TYPES, FIRM_FIELDS, FIRM_YEAR_FIELDS, Field
from fenghuang.sources import (
    ROW_CODES,
    cell_text,
    credit_code_problem,
    normalize_credit_code,
    parse_bool,
    parse_date,
    parse_number,
    read_xlsx_grids,
    split_header,
    unit_factor,
)

__all__ = ["FACTS_COLUMNS", "load_facts_file"]

#: Every column of a facts table, in order (register fields, then firm-year fields).
FACTS_COLUMNS: dict[str, Field] = {**FIRM_FIELDS, **FIRM_YEAR_FIELDS}

_QUANTITY = {
    "元": "money",
    "亩": "area",
    "kWh": "electricity",
    "吨标准煤": "energy",
    "吨": "mass",
    "m³": "volume",
}
_LABEL_NOISE = re.compile(r"[\s*：:]")


def _key(text: str) -> str:
    return _LABEL_NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, f in FACTS_COLUMNS.items():
        for label in (name, f.zh, f.en):
            out.setdefault(_key(label), name)
        base = re.sub(r"[（(].*?[)）]", "", f.zh)
        out.setdefault(_key(base), name)
    out.setdefault(_key("信用代码"), "credit_code")
    out.setdefault(_key("社会信用代码"), "credit_code")
    return out


def _read_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:  # the department files' reader: its first visible sheet, merged cells filled
            grids = read_xlsx_grids(path.read_bytes(), path.name)
        except SourceError as exc:
            raise InputError(
                "E-FACTS-FILE",
                zh="无法读取 Excel 文件",
                en="cannot read the Excel file",
                file=str(path),
                hint_zh=exc.zh,
                hint_en=exc.en,
            ) from exc
        return grids[0].rows if grids else []
    if suffix == ".csv":
        data = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte string
            text = data.decode("utf-8", errors="replace")
        return [list(r) for r in csv.reader(io.StringIO(text))]
    raise InputError(
        "E-FACTS-FORMAT",
        zh="企业数据文件须为 xlsx、xls 或 csv",
        en="the facts file must be xlsx, xls or csv",
        file=str(path),
    )


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() in ("", "-", "—", "/"))


def _header_error(path: Path, text: str, code: str, *, zh: str, en: str, **more: Any) -> InputError:
    """An error about the header cell ``text`` (row 1) of ``path``."""
    return InputError(code, zh=zh, en=en, file=str(path), row=1, column=text, **more)


def _header(path: Path, cells: list[Any]) -> list[tuple[int, str, float]]:
    aliases = _aliases()
    out: list[tuple[int, str, float]] = []
    seen: dict[str, int] = {}
    for j, cell in enumerate(cells, start=1):
        if _blank(cell):
            continue
        text = str(cell_text(cell)).strip()
        name = aliases.get(_key(text))
        factor = 1.0
        if name is None:
            label, unit = split_header(text)
            name = aliases.get(_key(label))
            if name is not None and unit:
                quantity = _QUANTITY.get(FACTS_COLUMNS[name].unit)
                f = unit_factor(quantity, unit) if quantity else None
                if f is None:
                    raise _header_error(
                        path,
                        text,
                        "E-FACTS-UNIT",
                        zh=f"无法识别的单位：{unit}",
                        en=f"unknown unit: {unit}",
                        field=name,
                        hint_zh=f"请用 {FACTS_COLUMNS[name].unit or '无单位'}",
                        hint_en=f"use {FACTS_COLUMNS[name].unit or 'no unit'}",
                    )
                factor = f
        if name is None:
            raise _header_error(
                path,
                text,
                "E-FACTS-COLUMN",
                zh=f"无法识别的列：{text}",
                en=f"unknown column: {text}",
                hint_zh="列名用字段名（tax_paid）或中文名（实缴税金），可带单位（万元）",
                hint_en="head columns with field names (tax_paid) or Chinese labels (实缴税金)",
            )
        if name in seen:
            raise _header_error(
                path,
                text,
                "E-FACTS-DUP-COLUMN",
                zh=f"列重复：{text}",
                en=f"column given twice: {text}",
                field=name,
            )
        seen[name] = j
        out.append((j, name, factor))
    if "credit_code" not in seen:
        raise InputError(
            "E-FACTS-NO-CODE",
            zh="缺少“统一社会信用代码”列",
            en="no credit-code column (统一社会信用代码 / credit_code)",
            file=str(path),
            row=1,
        )
    return out


def _cell(value: Any, f: Field, factor: float) -> Any:
    if _blank(value):
        return None
    if f.dtype == "string":  # a number cell without a spurious .0 (an industry code 2672)
        return str(cell_text(value)).strip()
    if f.dtype == "bool":
        return value if isinstance(value, bool) else parse_bool(str(value))
    if f.dtype == "date":
        iso = getattr(value, "date", None)
        if callable(iso):
            return iso()
        return parse_date(str(value))
    number = float(value) if isinstance(value, int | float) else parse_number(str(value))
    if number is None:
        return None
    number *= factor
    if f.dtype == "int64":
        if number != int(number):
            raise ValueError("not an integer")
        return int(number)
    return number


def load_facts_file(path: str | Path, *, year: int | None = None) -> pa.Table:
    """Read firm-year facts from an xlsx (first sheet) or csv file.

    Parameters
    ----------
    path : str or Path
        The file; row 1 is the header.
    year : int, optional
        Keep the rows of this year; a file without a year column is taken
        to be of this year.

    Returns
    -------
    pyarrow.Table
        Columns of :data:`FACTS_COLUMNS` in base units (absent ones null),
        sorted by credit code.

    Raises
    ------
    InputError
        Unknown column or unit, missing credit-code column (``E-FACTS-*``).
    RowError
        A bad credit code, a duplicate firm, a cell that is not a number /
        yes-no / date; with file, row, column and field.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "f.csv"
    >>> _ = p.write_text("统一社会信用代码,实缴税金（万元）\\n91360300MA00000003,12\\n", "utf-8")
    >>> load_facts_file(p, year=2023).column("tax_paid").to_pylist()
    [120000.0]
    """
    path = Path(path)
    rows = _read_rows(path)
    while rows and all(_blank(v) for v in rows[0]):
        rows.pop(0)
    if not rows:
        raise InputError("E-FACTS-EMPTY", zh="文件为空", en="the file is empty", file=str(path))
    header = _header(path, rows[0])
    code_col = next(j for j, name, _ in header if name == "credit_code")
    cols: dict[str, list[Any]] = {name: [] for name in FACTS_COLUMNS}
    seen: dict[str, int] = {}
    for i, raw in enumerate(rows[1:], start=2):
        if all(_blank(v) for v in raw):
            continue
        rec: dict[str, Any] = {}
        for j, name, factor in header:
            value = raw[j - 1] if j - 1 < len(raw) else None
            f = FACTS_COLUMNS[name]
            try:
                rec[name] = _cell(value, f, factor)
            except (ValueError, TypeError) as exc:
                raise RowError(
                    "E-FACTS-VALUE",
                    zh=f"“{f.zh}”的值无法识别：{value}",
                    en=f"cannot read {f.en}: {value!r}",
                    file=str(path),
                    row=i,
                    column=str(rows[0][j - 1]),
                    field=name,
                ) from exc
        code = rec.get("credit_code")
        if code is not None:
            code = normalize_credit_code(str(code))
        problem = "E-ROW-CREDIT-CODE-FORMAT" if not code else credit_code_problem(code)
        if problem:
            what = ROW_CODES[problem]
            raise RowError(
                "E-FACTS-CREDIT-CODE",
                zh=f"{what.zh}：{code or '（空）'}",
                en=f"{what.en}: {code or '(empty)'}",
                hint_zh=what.hint_zh,
                hint_en=what.hint_en,
                file=str(path),
                row=i,
                column=str(rows[0][code_col - 1]),
                field="credit_code",
                firm=code or None,
            )
        row_year = rec.get("year")
        if year is not None and row_year is not None and row_year != year:
            continue
        if code in seen:
            raise RowError(
                "E-FACTS-DUP-FIRM",
                zh=f"同一企业出现两次（另见第 {seen[code]} 行）",
                en=f"the same firm appears twice (also row {seen[code]})",
                file=str(path),
                row=i,
                field="credit_code",
                firm=code,
            )
        seen[str(code)] = i
        rec["credit_code"] = code
        if rec.get("year") is None:
            rec["year"] = year
        for name in FACTS_COLUMNS:
            cols[name].append(rec.get(name))
    if year is not None and not seen:
        raise InputError(
            "E-FACTS-NO-YEAR",
            zh=f"文件中没有 {year} 年的企业数据",
            en=f"the file has no firm rows for {year}",
            file=str(path),
        )
    table = pa.table(
        {name: pa.array(cols[name], ARROW_TYPES[f.dtype]) for name, f in FACTS_COLUMNS.items()}
    )
    return table.sort_by("credit_code")
