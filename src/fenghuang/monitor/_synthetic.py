"""A synthetic indicator panel (模拟数据) so the index and its map can be shown before real data.

Values are drawn around plausible levels for each indicator of the packaged
index methods, shifted by city type (衰退型 cities under more pressure,
成长型 growing faster). Every row is labelled 模拟数据 and has origin
``synthetic``; nothing here is a real statistic.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fenghuang.monitor._extract import PENDING
from fenghuang.monitor._numbers import unit_info
from fenghuang.monitor._panel import OBS_SCHEMA, _obs_id
from fenghuang.monitor._registry import Registry

__all__ = ["SYNTHETIC_LABEL", "synthetic_panel"]

SYNTHETIC_LABEL = "模拟数据"

# (indicator, kind) -> (mean, sd, unit written, base-unit factor)
_SPECS: dict[tuple[str, str], tuple[float, float, str, float]] = {
    ("mining_share", "share"): (25.0, 10.0, "%", 1.0),
    ("coal_output", "level"): (1500.0, 900.0, "万吨", 1e4),
    ("energy_intensity", "level"): (0.9, 0.3, "吨标准煤/万元", 1.0),
    ("energy_intensity", "growth"): (-3.0, 1.5, "%", 1.0),
    ("pm25", "level"): (38.0, 9.0, "微克/立方米", 1.0),
    ("subsidence_area", "level"): (60.0, 40.0, "平方公里", 1500.0),
    ("gdp", "growth"): (5.0, 1.5, "%", 1.0),
    ("gdp", "level"): (1500.0, 700.0, "亿元", 1e8),
    ("industry_va", "growth"): (6.0, 2.5, "%", 1.0),
    ("fiscal_revenue", "growth"): (4.0, 4.0, "%", 1.0),
    ("unemployment", "level"): (3.4, 0.6, "%", 1.0),
    ("population", "growth"): (-0.3, 0.6, "%", 1.0),
    ("gdp_per_capita", "level"): (60000.0, 18000.0, "元", 1.0),
    ("tertiary_share", "share"): (45.0, 6.0, "%", 1.0),
    ("rd_share", "level"): (1.4, 0.6, "%", 1.0),
    ("high_tech_firms", "count"): (150.0, 80.0, "家", 1.0),
    ("emerging_share", "share"): (20.0, 8.0, "%", 1.0),
    ("emerging_va", "growth"): (10.0, 5.0, "%", 1.0),
    ("power_capacity", "level"): (400.0, 250.0, "万千瓦", 1e4),
    ("renewable_output", "level"): (60.0, 40.0, "亿千瓦时", 1e8),
    ("forest_coverage", "level"): (40.0, 18.0, "%", 1.0),
    ("good_air_days", "level"): (82.0, 7.0, "%", 1.0),
    ("green_space", "level"): (41.0, 3.0, "%", 1.0),
    ("mine_restoration", "level"): (2.0, 1.5, "万亩", 1e4),
    ("urban_income", "level"): (40000.0, 6000.0, "元", 1.0),
    ("rural_income", "level"): (18000.0, 4000.0, "元", 1.0),
    ("new_jobs", "count"): (3.0, 1.5, "万人", 1e4),
    ("urbanisation", "level"): (60.0, 9.0, "%", 1.0),
    ("foreign_trade", "level"): (150.0, 120.0, "亿元", 1e8),
    ("project_investment", "level"): (300.0, 150.0, "亿元", 1e8),
    ("signed_investment", "level"): (200.0, 120.0, "亿元", 1e8),
}
# type shift in standard deviations: pressure-like indicators up for 衰退型, growth up for 成长型
_SHIFT = {"成长型": 0.4, "成熟型": 0.0, "衰退型": -0.5, "再生型": 0.2}
_PRESSURE = {
    "mining_share",
    "coal_output",
    "energy_intensity",
    "pm25",
    "subsidence_area",
    "unemployment",
}


def synthetic_panel(
    registry: Registry,
    *,
    years: tuple[int, ...] = (2021, 2022, 2023),
    rng: np.random.Generator,
) -> pa.Table:
    """A panel of 模拟数据 for every coded registry city (:data:`OBS_SCHEMA`).

    Parameters
    ----------
    registry : Registry
        Cities to generate for.
    years : tuple of int
        Years to generate.
    rng : numpy.random.Generator
        Source of randomness (pass ``np.random.default_rng(seed)``).
    """
    rows = []
    for city in registry.cities:
        if not city.code:
            continue
        shift = _SHIFT.get(city.type, 0.0)
        base = rng.standard_normal(len(_SPECS))
        for j, ((code, kind), (mean, sd, unit, factor)) in enumerate(_SPECS.items()):
            info = unit_info(unit)
            unit_norm = info[1] if info else unit
            sign = -1.0 if code in _PRESSURE else 1.0
            for k, year in enumerate(years):
                z = base[j] + sign * shift + 0.15 * rng.standard_normal() + 0.05 * k
                value = float(round(mean + sd * z, 2))
                if kind != "growth" and unit not in {"%"}:
                    value = abs(value)
                rows.append(
                    {
                        "obs_id": _obs_id("synthetic", city.code, code, kind, year),
                        "place_code": city.code,
                        "place_name": city.name,
                        "period": str(year),
                        "year": year,
                        "indicator": code,
                        "indicator_code": code,
                        "kind": kind,
                        "value": value,
                        "unit": unit,
                        "value_norm": value * factor,
                        "unit_norm": unit_norm,
                        "origin": "synthetic",
                        "source": "模拟数据（synthetic）",
                        "status": PENDING,
                        "label": SYNTHETIC_LABEL,
                        "qualifier": "",
                        "of_whole": "",
                    }
                )
    return pa.Table.from_pylist(rows, schema=OBS_SCHEMA)
