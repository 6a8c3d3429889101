"""The published 亩均 figures the synthetic city is calibrated to, and the achieved ones.

Targets are the pool averages published with 台州市黄岩区's 2022 亩均效益
evaluation (规上 and 规下 pools); the firm count defaults to the 591
manufacturers Pingxiang evaluated. Averages are *pool* averages: the sum of
the numerator over the pool divided by the sum of the denominator (亩均税收 =
Σ实缴税金 / Σ用地), which is how the published figures are computed.

The latest year is calibrated to the targets; in earlier years the per-亩 and
productivity targets (:data:`TRENDED`) are divided by 1.05 per year (a 5 %
yearly growth of productivity), the ratios (R&D share, tax per kWh) are not.

单位电耗税收 0.2352 is read as 元/kWh (= 万元/万kWh): as 万元/kWh it would
mean 2,352 元 of tax per kWh, impossible for any factory.

Examples
--------
>>> TARGETS["above.tax_per_mu"].value
24.097
>>> round(trend(2021, 2023), 4)
0.907
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SOURCE", "TARGETS", "TRENDED", "Target", "expected", "pool_averages", "trend"]

SOURCE = (
    "台州市黄岩区 2022 年度工业企业亩均效益综合评价（规上、规下企业评价指标平均值）；"
    "萍乡市参评工业企业 591 家"
)


@dataclass(frozen=True)
class Target:
    """One published pool average.

    Attributes
    ----------
    key : str
    zh : str
    value : float
    unit : str
    """

    key: str
    zh: str
    value: float
    unit: str


TARGETS: dict[str, Target] = {
    t.key: t
    for t in (
        Target("above.tax_per_mu", "规上 亩均税收", 24.097, "万元/亩"),
        Target("above.va_per_mu", "规上 亩均增加值", 136.16, "万元/亩"),
        Target("above.va_per_tce", "规上 单位能耗增加值", 2.694, "万元/吨标准煤"),
        Target("above.va_per_emission", "规上 单位排放增加值", 4929.81, "万元/吨"),
        Target("above.va_per_employee", "规上 全员劳动生产率", 18.14, "万元/人"),
        Target("above.rd_ratio", "规上 R&D经费占营业收入比重", 3.02, "%"),
        Target("below.tax_per_mu", "规下 亩均税收", 11.5932, "万元/亩"),
        Target("below.tax_per_kwh", "规下 单位电耗税收", 0.2352, "元/kWh"),
    )
}


#: Targets that grow with productivity (the others are ratios kept constant).
TRENDED = frozenset(
    (
        "above.tax_per_mu",
        "above.va_per_mu",
        "above.va_per_tce",
        "above.va_per_emission",
        "above.va_per_employee",
        "below.tax_per_mu",
    )
)


def trend(year: int, last: int) -> float:
    """Scale of ``year``'s targets relative to the latest year (5 % a year)."""
    return float(1.05 ** (year - last))


def expected(key: str, year: int, last: int) -> float:
    """The value :func:`~fenghuang.synthetic.generate_city` calibrates ``key`` to in ``year``."""
    t = TARGETS[key].value
    return t * trend(year, last) if key in TRENDED else t


def _f(row: Mapping[str, Any], key: str) -> float:
    v = row.get(key)
    return 0.0 if v is None else float(v)


def pool_averages(rows: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Pool averages of firm-year facts, in the units of :data:`TARGETS`.

    Parameters
    ----------
    rows : iterable of mapping
        Firm-year facts with register fields (as
        :func:`fenghuang.warehouse.firm_facts` returns them) for one year.
        The pools are firms that are not exempt and have land; 规上 by
        ``above_scale``. Emissions: firms with emission data only.

    Returns
    -------
    dict of str to float
        Keys of :data:`TARGETS`.
    """
    s: dict[str, float] = {}

    def add(k: str, v: float) -> None:
        s[k] = s.get(k, 0.0) + v

    for r in rows:
        if r.get("exempt"):
            continue
        land = _f(r, "land_own") + _f(r, "land_leased_in") - _f(r, "land_leased_out")
        if land <= 0:
            continue
        g = "above" if r.get("above_scale") else "below"
        add(f"{g}.land", land)
        add(f"{g}.tax", _f(r, "tax_paid"))
        add(f"{g}.va", _f(r, "value_added"))
        add(f"{g}.tce", _f(r, "energy_tce"))
        add(f"{g}.emp", _f(r, "employees"))
        add(f"{g}.rev", _f(r, "revenue"))
        add(f"{g}.rd", _f(r, "rd_expense"))
        add(f"{g}.kwh", _f(r, "electricity_kwh"))
        em = [r.get(k) for k in ("cod_t", "nh3n_t", "so2_t", "nox_t")]
        if any(v is not None for v in em):
            add(f"{g}.em", sum(float(v) for v in em if v is not None))
            add(f"{g}.va_em", _f(r, "value_added"))

    def ratio(a: str, b: str, scale: float = 1.0) -> float:
        return s.get(a, 0.0) / s[b] * scale if s.get(b) else float("nan")

    return {
        "above.tax_per_mu": ratio("above.tax", "above.land", 1e-4),
        "above.va_per_mu": ratio("above.va", "above.land", 1e-4),
        "above.va_per_tce": ratio("above.va", "above.tce", 1e-4),
        "above.va_per_emission": ratio("above.va_em", "above.em", 1e-4),
        "above.va_per_employee": ratio("above.va", "above.emp", 1e-4),
        "above.rd_ratio": ratio("above.rd", "above.rev", 100.0),
        "below.tax_per_mu": ratio("below.tax", "below.land", 1e-4),
        "below.tax_per_kwh": ratio("below.tax", "below.kwh"),
    }
