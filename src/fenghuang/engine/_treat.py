"""Outlier treatment by the JRC/COINr rule.

An indicator fails when ``|skew| >= skew_thresh`` and ``kurtosis >=
kurt_thresh`` (sample skewness and excess kurtosis, scipy ``bias=False``).
Failing indicators are winsorised one point at a time on the side of the
skew, up to ``winmax`` points; if still failing, the ORIGINAL values are
log-transformed as ``log(x - min + 0.01 * (max - min))`` (mirrored for a
negative skew).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from fenghuang.errors import EngineInputError

__all__ = ["TreatResult", "outlier_stats", "treat_outliers"]

Array = npt.NDArray[np.float64]


def outlier_stats(x: npt.ArrayLike) -> tuple[float, float]:
    """Sample skewness and excess kurtosis of the non-missing values.

    Examples
    --------
    >>> s, k = outlier_stats(np.r_[1:11, 30, 100])
    >>> round(s, 6), round(k, 6)
    (3.063241, 9.741391)
    """
    arr = np.asarray(x, dtype=np.float64)
    arr = arr[~np.isnan(arr)]
    return float(stats.skew(arr, bias=False)), float(stats.kurtosis(arr, bias=False))


@dataclass(frozen=True)
class TreatResult:
    """Treated values and what was done: ``"none"``, ``"winsorised"`` or ``"log"``."""

    values: Array
    method: str
    n_winsorised: int
    skew: float
    kurtosis: float


def treat_outliers(
    x: npt.ArrayLike,
    *,
    winmax: int = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    indicator: str | None = None,
) -> TreatResult:
    """Treat one indicator by the COINr rule.

    Examples
    --------
    >>> r = treat_outliers(np.r_[1:11, 30, 100], winmax=2)
    >>> r.method, r.n_winsorised, round(r.skew, 6), round(r.kurtosis, 6)
    ('winsorised', 1, 1.712038, 1.815781)
    """
    orig = np.asarray(x, dtype=np.float64)
    ok = ~np.isnan(orig)
    if ok.sum() < 4:
        raise EngineInputError(
            "E-ENGINE-TOO-FEW",
            zh="有效值少于 4 个，无法计算偏度和峰度",
            en="fewer than 4 values; skewness and kurtosis are undefined",
            indicator=indicator,
        )
    y = orig.copy()
    s, k = outlier_stats(y)

    def fails(s: float, k: float) -> bool:
        return abs(s) >= skew_thresh and k >= kurt_thresh

    n = 0
    while fails(s, k) and n < winmax:
        vals = y[ok]
        if s > 0:
            edge = vals.max()
            rest = vals[vals < edge]
            if rest.size == 0:
                break
            y[ok & (y == edge)] = rest.max()
        else:
            edge = vals.min()
            rest = vals[vals > edge]
            if rest.size == 0:
                break
            y[ok & (y == edge)] = rest.min()
        n += 1
        s, k = outlier_stats(y)
    if not fails(s, k):
        return TreatResult(y, "winsorised" if n else "none", n, s, k)
    s0, _ = outlier_stats(orig)
    mn, mx = np.nanmin(orig), np.nanmax(orig)
    z = np.log(orig - mn + 0.01 * (mx - mn)) if s0 > 0 else -np.log(mx - orig + 0.01 * (mx - mn))
    s, k = outlier_stats(z)
    return TreatResult(z, "log", 0, s, k)
