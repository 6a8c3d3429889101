"""A department's submission template (数据报送模板), written from its column mapping.

Departments send what their own systems export; the template shows what the
import reads best: one header per column in the mapping's first spelling
with its unit, e.g. ``实缴税金(元)``, a sheet 说明 with every column's meaning,
units, rules and the other spellings the import also accepts. The template
is generated from the mapping file, so a city that edits its mapping gets a
template to match, and a template filled in imports without a mapping
change (tested as a round trip).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from fenghuang.facts import DEPARTMENTS, FIRM_FIELDS, FIRM_YEAR_FIELDS, PARCEL_FIELDS
from fenghuang.sources import DepartmentMapping

__all__ = ["template_columns", "write_submission_template"]

_PSEUDO = {
    "credit_code": "统一社会信用代码（18位）",
    "name": "企业名称（与营业执照一致）",
    "period": "所属期（年-月，如 2023-01）",
    "year": "年度（如 2023）",
    "month": "月份（1-12）",
    "item": "征收项目（如 增值税；同一企业同月多行时按项目分行）",
}
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_columns(mapping: DepartmentMapping) -> list[str]:
    """The mapping's fields in the template's column order.

    Monthly files take the month as one 所属期 column (year and month
    otherwise); the other kinds take 年度. A field listed under
    ``wide_field`` (month columns) is still one column here: one row per
    firm and month is what every reader takes.
    """
    names = list(mapping.fields)
    if mapping.kind == "monthly" and "period" in names:
        names = [n for n in names if n not in ("year", "month")]
    else:
        names = [n for n in names if n not in ("period", "month")]
    head = [n for n in ("credit_code", "name", "period", "year", "item") if n in names]
    return head + [n for n in names if n not in head]


def _header(mapping: DepartmentMapping, name: str) -> str:
    spec = mapping.fields[name]
    first = spec.headers[0]
    plain = spec.default_unit is None or spec.quantity == "ratio"  # 比例: 0.5 or 50%
    return first if plain else f"{first}({spec.default_unit})"


def _meaning(name: str) -> str:
    if name in _PSEUDO:
        return _PSEUDO[name]
    for table in (FIRM_YEAR_FIELDS, FIRM_FIELDS, PARCEL_FIELDS):
        if name in table:
            return table[name].zh
    return name


def write_submission_template(
    mapping: DepartmentMapping, path: str | Path, *, year: int | None = None
) -> Path:
    """Write the department's 数据报送模板 (sheet 报送表 with the header row, sheet 说明).

    Parameters
    ----------
    mapping : DepartmentMapping
        :func:`fenghuang.sources.load_mapping` of the department (or a city's own).
    path : str or Path
    year : int, optional
        The year asked for, shown in the title and the notes.
    """
    path = Path(path)
    dept = DEPARTMENTS.get(mapping.department, mapping.department)
    columns = template_columns(mapping)
    wb = Workbook()
    ws = wb.active
    ws.title = "报送表"
    title = f"{dept}{f'{year}年度' if year else ''}数据报送表"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    for j, name in enumerate(columns, start=1):
        c = ws.cell(row=2, column=j, value=_header(mapping, name))
        c.font = Font(bold=True)
        c.fill = _HEAD_FILL
        c.alignment = Alignment(horizontal="center", wrap_text=True)
        dim = ws.column_dimensions[get_column_letter(j)]
        dim.width = 22 if name == "credit_code" else max(12, 2 * len(str(c.value)) + 2)
        if name in ("credit_code", "period", "parcel_id", "lessor_code"):
            dim.number_format = "@"  # the column as text: Excel keeps 2023-01 and leading zeros
    ws.freeze_panes = "A3"

    notes = wb.create_sheet("说明")
    rows: list[list[Any]] = [
        [title],
        ["每行一家企业" + ("、一个月" if mapping.kind == "monthly" else "") + "；表头请勿修改。"],
        [
            "金额、面积、电量等按表头括号内的单位填写；用其他单位时请改表头括号内的单位，"
            "或增加一列“单位”。合计、小计行和表下的注释行在导入时跳过。"
        ],
        [],
        ["列", "含义", "必填", "可用单位", "规则", "导入时也接受的列名"],
    ]
    # the key's columns are required; a monthly file's 所属期 stands for its year and month
    needed = set(mapping.key) - {"item"}
    if {"year", "month"} & needed:
        needed.add("period")
    for name in columns:
        spec = mapping.fields[name]
        rules = []
        if spec.nonnegative:
            rules.append("不能为负")
        if spec.max is not None:
            rules.append(f"不超过 {spec.max:g}（基本单位）")
        if spec.quantity == "ratio":
            rules.append("填小数（如 0.5）或百分数（如 50%）")
        if spec.values:
            rules.append("取值：" + "；".join(v[0] for v in spec.values.values() if v))
        required = spec.required or name in needed
        rows.append(
            [
                _header(mapping, name),
                _meaning(name),
                "是" if required or name == "credit_code" else "",
                "、".join(spec.units),
                "；".join(rules),
                "、".join(h for h in spec.headers[1:] if not h.isascii()),
            ]
        )
    for line in rows:
        notes.append(line)
    for cell in notes[5]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
    notes["A1"].font = Font(bold=True, size=13)
    for col, width in zip("ABCDEF", (22, 34, 6, 24, 30, 60), strict=True):
        notes.column_dimensions[col].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
