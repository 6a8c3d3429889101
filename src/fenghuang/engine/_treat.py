"""Outlier treatment by the JRC/COINr rule.

An indicator fails when ``|skew| >= skew_thresh`` and ``kurtosis >=
kurt_thresh`` (sample skewness and excess kurtosis, scipy ``bias=False``).
Failing indicators are winsorised one point at a time on the side of the
skew, up to ``winmax`` points; if still failing, the ORIGINAL values are
log-transformed as ``log(x - min + 0.01 * (max - min))`` (COINr
``log_CT``; ``log_mode="ct_plus"`` mirrors it for a negative skew).
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
    log_mode: str = "ct",
    boxcox_lambda: float | None = None,
    indicator: str | None = None,
) -> TreatResult:
    """Treat one indicator by the COINr rule.

    Parameters
    ----------
    x : array_like, shape (n_units,)
    winmax : int
        Maximum number of winsorised points (COINr's count).
    skew_thresh, kurt_thresh : float
        The indicator fails when ``|skew| >= skew_thresh`` and
        ``kurtosis >= kurt_thresh``.
    log_mode : {"ct", "ct_plus"}
        Fallback on the original values: ``"ct"`` (COINr default ``log_CT``)
        is ``log(x - min + 0.01 (max - min))`` whatever the skew sign;
        ``"ct_plus"`` mirrors it for a negative skew (COINr ``log_CT_plus``).
    boxcox_lambda : float, optional
        If given, the fallback is a Box-Cox transform with this lambda of
        ``x - min + 1`` (COINr ``boxcox`` with ``makepos``) instead of a log.
    indicator : str, optional
        Code named in errors.

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

    # COINr ``winsorise``: the side follows the current skew sign (>= 0 is
    # high); ``n`` counts the points set at the latest step on each side, so
    # tied runs accumulate exactly as COINr counts them.
    n = 0
    last_hi = last_lo = 0
    while fails(s, k) and n < winmax:
        vals = y[ok]
        if s >= 0:
            edge = vals.max()
            rest = vals[vals < edge]
            if rest.size == 0:
                break
            hit = ok & (y == edge)
            y[hit] = rest.max()
            last_hi = int(hit.sum())
        else:
            edge = vals.min()
            rest = vals[vals > edge]
            if rest.size == 0:
                break
            hit = ok & (y == edge)
            y[hit] = rest.min()
            last_lo = int(hit.sum())
        n = last_hi + last_lo
        s, k = outlier_stats(y)
    if not fails(s, k):
        return TreatResult(y, "winsorised" if n else "none", n, s, k)
    mn, mx = np.nanmin(orig), np.nanmax(orig)
    if boxcox_lambda is not None:
        pos = orig - mn + 1.0
        lam = boxcox_lambda
        z = np.log(pos) if lam == 0 else (pos**lam - 1.0) / lam
        s, k = outlier_stats(z)
        return TreatResult(z, "boxcox", 0, s, k)
    if log_mode == "ct_plus" and outlier_stats(orig)[0] <= 0:
        z = -np.log(mx + 0.01 * (mx - mn) - orig)
    else:
        z = np.log(orig - mn + 0.01 * (mx - mn))
    s, k = outlier_stats(z)
    return TreatResult(z, "log", 0, s, k)
