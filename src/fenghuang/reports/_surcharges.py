"""The surcharge execution list (差别化价格执行名单) of a run, as Excel.

After a run is published, the industry bureau sends each utility (the power
grid, the water company, the gas company, the sewage plant) the firms whose
class carries a surcharge, with the rate per unit; the utility bills it. One
sheet per surcharge item (差别化电价, 差别化水价 …) lists its firms, the
basis the run priced, the rate and the amount; 汇总 gives the totals per item
and class; 说明 the run it comes from.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from openpyxl import Workbook

from fenghuang.policy import bill_summary
from fenghuang.reports._labels import SYNTHETIC_NOTE
from fenghuang.reports._lists import Columns, write_notes, write_rows
from fenghuang.reports._xlsx import RunInfo, provenance_lines

__all__ = ["SURCHARGE_COLUMNS", "SURCHARGE_SUMMARY_COLUMNS", "write_surcharge_list"]

#: (bill column, header, width) of each item's sheet.
SURCHARGE_COLUMNS: Columns = (
    ("credit_code", "统一社会信用代码", 22),
    ("name", "企业名称", 34),
    ("county", "所属区县", 12),
    ("class_final", "评价等级", 8),
    ("policy_class", "适用等级", 8),
    ("basis", "计费量", 14),
    ("unit", "单位", 8),
    ("rate", "加价标准（元/单位）", 14),
    ("percent", "加价比例（%）", 10),
    ("consecutive_years", "连续年数", 8),
    ("amount", "加价金额（元）", 16),
    ("flag", "标注", 10),
    ("reason_zh", "说明", 56),
)

#: Columns of the 汇总 sheet (from :func:`fenghuang.policy.bill_summary`).
SURCHARGE_SUMMARY_COLUMNS: Columns = (
    ("item_zh", "加价项目", 16),
    ("policy_class", "适用等级", 8),
    ("firms", "企业数", 8),
    ("basis", "计费量合计", 16),
    ("unit", "单位", 8),
    ("amount", "加价金额合计（元）", 18),
    ("missing", "计费量缺失企业数", 14),
)

_CLASS_ORDER = {"D": 0, "C": 1, "B": 2, "A": 3}


def write_surcharge_list(
    bills: pa.Table, results: pa.Table, info: RunInfo, path: str | Path
) -> Path:
    """Write a run's surcharge execution list.

    Parameters
    ----------
    bills : pyarrow.Table
        :func:`fenghuang.policy.run_bills` of the run (one line per firm and item).
    results : pyarrow.Table
        The run's results (for each firm's name and county).
    info : RunInfo
        The run (title, hashes, the 模拟数据 label).
    path : str or Path

    Notes
    -----
    A line whose basis is missing has amount 0 and the flag 数据缺失: the
    utility applies the rate to the consumption it meters itself.
    """
    path = Path(path)
    firms = {
        r["credit_code"]: r
        for r in results.select(
            [c for c in ("credit_code", "name", "county") if c in results.column_names]
        ).to_pylist()
    }
    mark = "（模拟数据）" if info.synthetic else ""
    title = f"{info.city}{info.year}年度差别化价格执行名单{mark}"
    lines = bills.to_pylist()
    items: dict[str, list[dict[str, Any]]] = {}
    for b in lines:
        firm = firms.get(b["credit_code"], {})
        b["name"], b["county"] = firm.get("name"), firm.get("county")
        items.setdefault(str(b["item_zh"] or b["item"]), []).append(b)
    units = {str(b["item"]): b["unit"] for b in lines}
    wb = Workbook(write_only=True)
    summary = [
        {
            **s,
            "unit": units.get(s["item"]),
            "basis": round(s["basis"], 2) if s["basis"] else s["basis"],
        }
        for s in bill_summary(bills).to_pylist()
    ]
    write_rows(wb, "汇总", SURCHARGE_SUMMARY_COLUMNS, summary, title)

    def ordered(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        yield from sorted(
            rows,
            key=lambda r: (
                _CLASS_ORDER.get(str(r["policy_class"]), 9),
                -(r["amount"] or 0.0),
                str(r["credit_code"]),
            ),
        )

    for name, rows in items.items():
        write_rows(wb, name[:31], SURCHARGE_COLUMNS, ordered(rows), f"{title} · {name}")
    notes: list[tuple[str, Any]] = [
        ("名单", title),
        *provenance_lines(info),
        ("加价企业数", len({b["credit_code"] for b in lines})),
        (
            "说明 note",
            "每个工作表为一个加价项目，按适用等级、加价金额排列。计费量为评价所用的年度数据；"
            "标注“数据缺失”的企业加价金额记为0，由供电、供水、供气单位按实际计量执行加价标准。"
            " One sheet per surcharge item. The basis is the year's data the run priced; where "
            "it is missing the amount is 0 and the utility applies the rate to what it meters.",
        ),
    ]
    if info.synthetic:
        notes.insert(0, ("数据性质", SYNTHETIC_NOTE))
    write_notes(wb, notes)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
