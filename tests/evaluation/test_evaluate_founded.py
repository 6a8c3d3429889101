"""A firm founded after the evaluated year is not in that year's evaluation."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from fenghuang.evaluation import evaluate
from fenghuang.methods import load_method


def test_firms_founded_after_the_year_are_left_out_and_logged() -> None:
    facts = pa.table(
        {
            "credit_code": ["A1", "B2", "C3"],
            "year": [2021, 2021, 2021],
            "founded": pa.array(
                [dt.date(2015, 3, 1), dt.date(2021, 12, 31), dt.date(2022, 1, 8)], pa.date32()
            ),
            "above_scale": [False, False, False],
            "land_own": [10.0, 5.0, None],
            "tax_paid": [1_159_320.0, 0.0, None],
            "electricity_kwh": [1e6, 1e6, None],
        }
    )
    ev = evaluate(facts, load_method("huangyan-2022"))
    # C3 did not exist in 2021: not listed (not even as class T); B2, founded on the last day, is.
    assert ev.results.column("credit_code").to_pylist() == ["A1", "B2"]
    assert {"step": "not_yet_founded", "n_firms": 1, "founded_after": "2021-12-31"} in ev.log
    assert ev.log[0]["step"] == "start" and ev.log[0]["n_firms"] == 3
    # 规下: 亩均税收 1,159,320 元 / 10 亩 = 11.5932 万元/亩 → 11.5932/11.5932 × 50 = 50;
    # 单位电耗税收 1,159,320 / 1e6 kWh = 1.15932 元/kWh → 1.15932/0.2352 × 50 = 246.4541
    assert round(ev.results.column("score")[0].as_py(), 4) == 296.4541
