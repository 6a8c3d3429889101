from __future__ import annotations

from pathlib import Path

import openpyxl
import pyarrow as pa

from fenghuang.reports import RunInfo, write_publicity_workbook

POOLS = {"above": "规上企业", "below_ge3": "规下企业（用地≥3亩）"}


def test_publicity_workbook_content(tmp_path: Path, results: pa.Table, info: RunInfo) -> None:
    path = write_publicity_workbook(results, info, tmp_path / "公示.xlsx", pool_names=POOLS)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["公示名单", "说明"]
    ws = wb["公示名单"]
    assert ws["A1"].value == "萍乡市2023年度工业企业综合评价结果公示名单（模拟数据）"
    header = [c.value for c in ws[3]]
    assert header[:4] == ["序号", "统一社会信用代码", "企业名称", "所属区县"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert len(rows) == 6
    by_name = {r[2]: dict(zip(header, r, strict=True)) for r in rows}
    # Sorted by pool name then rank: the 规上 pool first, its rank 1 on top.
    assert rows[0][2] == "甲电瓷有限公司" and rows[0][0] == 1
    assert by_name["甲电瓷有限公司"]["综合得分"] == 98.5
    assert by_name["甲电瓷有限公司"]["评价等级"] == "A"
    assert by_name["丁花炮厂"]["评价分组"] == "规下企业（用地≥3亩）"
    assert by_name["丁花炮厂"]["行业代码"] == "2672"
    assert by_name["丁花炮厂"]["行业大类"] == "26 化学原料和化学制品制造业"
    assert by_name["己水务公司"]["行业大类"] == "46 水的生产和供应业"
    assert "一票否决" in by_name["丁花炮厂"]["备注"]
    assert by_name["乙陶瓷有限公司"]["备注"] == "数据缺失"
    assert by_name["己水务公司"]["备注"] == "不定等级，参照B类（公用事业）"
    assert by_name["己水务公司"]["评价等级"] in (None, "")
    meta = {r[0].value: r[1].value for r in wb["说明"].iter_rows()}
    assert meta["评价批次"] == "run-2023-0001"
    assert meta["方法文件 SHA-256"] == "ab" * 32
    assert "模拟数据" in meta["数据性质"]


def test_real_run_has_no_synthetic_label(tmp_path: Path, results: pa.Table, info: RunInfo) -> None:
    real = RunInfo(**{**info.__dict__, "synthetic": False})
    wb = openpyxl.load_workbook(write_publicity_workbook(results, real, tmp_path / "x.xlsx"))
    assert "模拟数据" not in wb["公示名单"]["A1"].value
    assert "数据性质" not in {r[0].value for r in wb["说明"].iter_rows()}
