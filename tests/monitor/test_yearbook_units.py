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
