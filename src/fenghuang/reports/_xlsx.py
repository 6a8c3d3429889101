"""The publicity list (公示名单) as a Chinese-headed Excel workbook."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from fenghuang.industries import division_label
from fenghuang.reports._labels import SYNTHETIC_NOTE

__all__ = ["PUBLICITY_COLUMNS", "RunInfo", "provenance_lines", "write_publicity_workbook"]

#: (result column, Chinese header, width) of the publicity list, in order.
PUBLICITY_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("credit_code", "统一社会信用代码", 22),
    ("name", "企业名称", 36),
    ("county", "所属区县", 14),
    ("park", "所属园区", 20),
    ("industry_code", "行业代码", 10),
    ("industry_division", "行业大类", 26),
    ("chain", "产业链", 18),
    ("pool_name", "评价分组", 20),
    ("score", "综合得分", 10),
    ("rank_in_pool", "组内排名", 10),
    ("class_final", "评价等级", 10),
    ("remark", "备注", 40),
)


@dataclass(frozen=True)
class RunInfo:
    """What a report says about the run it comes from.

    Attributes
    ----------
    run_id : str
        The immutable run's id.
    method : str
        Method name, e.g. ``"huangyan-2022"``.
    method_title : str
        The method's Chinese title.
    year : int
        Evaluation year.
    city : str
        City name shown in titles, e.g. ``"萍乡市"``.
    synthetic : bool
        Whether the input is synthetic (labels every page and sheet if so).
    method_sha256, input_sha256 : str
        Hashes of the method file and of the input snapshot.
    created_at : str
        When the run was made.
    extra : mapping
        Further key/value lines for the 说明 sheet.
    """

    run_id: str
    method: str
    method_title: str
    year: int
    city: str = ""
    synthetic: bool = False
    method_sha256: str = ""
    input_sha256: str = ""
    created_at: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


def provenance_lines(info: RunInfo) -> list[tuple[str, str]]:
    """The 说明 lines every workbook of a run carries: method, year, run, hashes, time."""
    return [
        ("评价方法", f"{info.method_title}（{info.method}）"),
        ("评价年度", str(info.year)),
        ("评价批次", info.run_id),
        ("方法文件 SHA-256", info.method_sha256),
        ("输入数据快照 SHA-256", info.input_sha256),
        ("生成时间", info.created_at),
    ]


_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_CLASS_FILL = {
    "A": PatternFill("solid", fgColor="C6EFCE"),
    "B": PatternFill("solid", fgColor="DDEBF7"),
    "C": PatternFill("solid", fgColor="FFEB9C"),
    "D": PatternFill("solid", fgColor="FFC7CE"),
}


def _rows(results: pa.Table, pool_names: Mapping[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = results.to_pylist()
    for r in rows:
        pool = str(r.get("pool") or "")
        r["pool_name"] = r.get("pool_name") or pool_names.get(pool, pool)
        r["industry_division"] = r.get("industry_division") or division_label(
            r.get("industry_code")
        )
        notes = []
        if r.get("rated") is False:
            notes.append(str(r.get("not_rated_reason") or "不参与定级"))
        for key in ("flags", "reasons"):
            value = r.get(key)
            if isinstance(value, list | tuple):
                notes.extend(str(v) for v in value if v)
            elif value:
                notes.append(str(value))
        r["remark"] = "；".join(dict.fromkeys(notes))
        if isinstance(r.get("score"), float):
            r["score"] = round(r["score"], 2)
    # by pool and rank; firms outside every pool (not rated) last
    rows.sort(
        key=lambda r: (not r["pool_name"], str(r["pool_name"]), r.get("rank_in_pool") or 10**9)
    )
    return rows


def write_publicity_workbook(
    results: pa.Table,
    info: RunInfo,
    path: str | Path,
    *,
    pool_names: Mapping[str, str] | None = None,
    columns: Sequence[tuple[str, str, int]] = PUBLICITY_COLUMNS,
) -> Path:
    """Write the publicity list of one run as an xlsx workbook.

    Parameters
    ----------
    results : pyarrow.Table
        One row per firm with at least ``credit_code``, ``name``, ``pool``,
        ``score``, ``rank_in_pool`` and ``class_final``; optional columns of
        :data:`PUBLICITY_COLUMNS` are shown when present.
    info : RunInfo
        The run the list comes from (title, hashes, synthetic label).
    path : str or Path
        Where to write the workbook.
    pool_names : mapping, optional
        Pool id → Chinese name.

    Returns
    -------
    Path
        The written file.

    Notes
    -----
    Sheet 公示名单 holds the list sorted by pool and rank; sheet 说明 the run's
    provenance (method, hashes, run id). Synthetic runs carry the
    模拟数据 label in the title row of both sheets.
    """
    path = Path(path)
    rows = _rows(results, pool_names or {})
    wb = Workbook()
    ws = wb.active
    ws.title = "公示名单"
    title = f"{info.city}{info.year}年度工业企业综合评价结果公示名单"
    if info.synthetic:
        title += "（模拟数据）"
    ncol = len(columns) + 1
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sub = f"评价方法：{info.method_title}（{info.method}）  批次：{info.run_id}"
    ws.cell(row=2, column=1, value=sub)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    headers = ["序号", *(h for _, h, _ in columns)]
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row=3, column=j, value=h)
        c.font = Font(bold=True)
        c.fill = _HEAD_FILL
        c.border = _BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    class_col = next((i for i, (k, _, _) in enumerate(columns, start=2) if k == "class_final"), 0)
    for i, r in enumerate(rows, start=1):
        values = [i, *(r.get(k) for k, _, _ in columns)]
        for j, v in enumerate(values, start=1):
            c = ws.cell(row=3 + i, column=j, value=v)
            c.border = _BORDER
        if class_col and r.get("class_final") in _CLASS_FILL:
            ws.cell(row=3 + i, column=class_col).fill = _CLASS_FILL[str(r["class_final"])]
    ws.column_dimensions["A"].width = 6
    for j, (_, _, width) in enumerate(columns, start=2):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "C4"
    ws.auto_filter.ref = f"A3:{get_column_letter(ncol)}{3 + len(rows)}"

    meta = wb.create_sheet("说明")
    lines: list[tuple[str, str]] = [
        ("公示名单", title),
        *provenance_lines(info),
        ("企业数", str(len(rows))),
        *((str(k), str(v)) for k, v in info.extra.items()),
    ]
    if info.synthetic:
        lines.insert(0, ("数据性质", SYNTHETIC_NOTE))
    for i, (k, v) in enumerate(lines, start=1):
        meta.cell(row=i, column=1, value=k).font = Font(bold=True)
        meta.cell(row=i, column=2, value=v)
    meta.column_dimensions["A"].width = 22
    meta.column_dimensions["B"].width = 90
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
