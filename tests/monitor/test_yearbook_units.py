"""Yearbook columns in 万千瓦 and other units: split by ``fenghuang.sources.split_header``
and stored at the right magnitude (模拟数据: the figures are invented)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from fenghuang.monitor import read_yearbook
from fenghuang.sources import unit_factor


def test_power_capacity_column_in_wan_kw_is_stored_in_kw(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "玉门"
    ws.append(["玉门市能源指标（模拟数据）"])
    ws.append(["年份", "电力装机容量（万千瓦）", "装机规模（MW）", "优良天数（天）"])
    ws.append([2022, 400, 1200, 301])
    ws.append([2023, 553.9, 1850.5, 310])
    path = tmp_path / "yumen-sim.xlsx"
    wb.save(path)
    result = read_yearbook(path)
    assert result.rejects.num_rows == 0
    got = {
        (r["year"], r["indicator"]): (r["value"], r["unit"], r["value_norm"], r["unit_norm"])
        for r in result.observations.to_pylist()
    }
    assert got[(2023, "电力装机容量")] == (553.9, "万千瓦", pytest.approx(5_539_000.0), "kW")
    assert got[(2022, "电力装机容量")] == (400.0, "万千瓦", pytest.approx(4_000_000.0), "kW")
    # MW: 1 850.5 MW = 1 850 500 kW, the same base as 万千瓦
    assert got[(2023, "装机规模")] == (1850.5, "MW", pytest.approx(1_850_500.0), "kW")
    # a unit only the monitor knows (天) is still taken out of the name
    assert got[(2023, "优良天数")][:2] == (310.0, "天")
    # the panel's magnitude is the one the firm-data units give
    f = unit_factor("power", "万千瓦")
    assert f is not None
    assert got[(2023, "电力装机容量")][2] == pytest.approx(553.9 * f)


def test_an_excel_97_yearbook_table_reads_as_its_xlsx_twin(tmp_path: Path) -> None:
    """Statistical bureaus often publish yearbook tables as .xls (Excel 97-2003). The
    fixture (tests/monitor/data/yearbook_excel97.xls, written with xlwt 1.3.0, 模拟数据):
    a title, a city column merged down two header rows, an indicator merged over its two
    years, and a hidden draft sheet. It gives the observations its twin written as xlsx
    gives, and the hidden sheet's city is not among them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "资源型城市"
    ws.append(["2023年部分资源型城市主要指标（模拟数据）"])
    ws.append(["城市", "地区生产总值（亿元）", None, "原煤产量（万吨）", None])
    ws.append([None, "2022年", "2023年", "2022年", "2023年"])
    ws.append(["萍乡市", 1100.5, 1242.8, 1300, 1200])
    ws.append(["阳泉市", 850.2, 903.6, 6800, 7010.5])
    for rng in ("A1:E1", "A2:A3", "B2:C2", "D2:E2"):
        ws.merge_cells(rng)
    draft = wb.create_sheet("草稿")
    draft.append(["城市", "地区生产总值（亿元）"])
    draft.append(["伊春市", 999])
    draft.sheet_state = "hidden"
    twin = tmp_path / "yearbook.xlsx"
    wb.save(twin)

    def observed(path: Path) -> list[tuple[object, ...]]:
        result = read_yearbook(path)
        assert result.rejects.num_rows == 0
        keys = ("place_name", "year", "indicator", "value", "unit", "sheet", "row_no")
        return sorted(tuple(r[k] for k in keys) for r in result.observations.to_pylist())

    got = observed(Path(__file__).parent / "data" / "yearbook_excel97.xls")
    assert got == observed(twin)
    assert len(got) == 8 and {r[0] for r in got} == {"萍乡市", "阳泉市"}
    assert ("萍乡市", 2023, "地区生产总值", 1242.8, "亿元", "资源型城市", 4) in got
