"""Normalisers: plain functions on one indicator vector (COINr ``n_*``).

Every function takes a 1-D (or broadcastable) float array, is NaN-aware
(NaN in → NaN out) and returns a new float array. ``direction`` is +1 when
more is better and -1 when less is better.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

from fenghuang.errors import EngineInputError

__all__ = [
    "n_benchmark",
    "n_borda",
    "n_distance_to_max",
    "n_distance_to_ref",
    "n_goalposts",
    "n_minmax",
    "n_percentile",
    "n_rank",
    "n_target",
    "n_zscore",
]

Array = npt.NDArray[np.float64]


def _as_float(x: npt.ArrayLike, indicator: str | None = None) -> Array:
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EngineInputError(
            "E-ENGINE-NON-NUMERIC",
            zh="指标含非数值单元格",
            en="indicator contains non-numeric cells",
            indicator=indicator,
        ) from exc
    return arr


def _check_direction(direction: int) -> None:
    if direction not in (1, -1):
        raise EngineInputError(
            "E-ENGINE-DIRECTION",
            zh=f"指标方向必须为 1 或 -1，得到 {direction}",
            en=f"direction must be 1 or -1, got {direction}",
        )


def _range(x: Array, indicator: str | None) -> tuple[float, float]:
    if x.size == 0 or np.all(np.isnan(x)):
        raise EngineInputError(
            "E-ENGINE-ALL-MISSING",
            zh="指标全部缺失",
            en="indicator is entirely missing",
            indicator=indicator,
        )
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    if np.isinf(lo) or np.isinf(hi):
        raise EngineInputError(
            "E-ENGINE-NONFINITE",
            zh="指标含无穷大值",
            en="indicator contains an infinite value",
            hint_zh="请检查分母是否为零或数据是否有误",
            hint_en="check for a zero denominator or a wrong value",
            indicator=indicator,
            unit=int(np.flatnonzero(np.isinf(x))[0]),
        )
    if lo == hi:
        raise EngineInputError(
            "E-ENGINE-ZERO-VARIANCE",
            zh="指标方差为零，无法做最小-最大标准化",
            en="indicator has zero variance; min-max normalisation is undefined",
            indicator=indicator,
        )
    return lo, hi


def n_minmax(
    x: npt.ArrayLike,
    *,
    lo: float = 0.0,
    hi: float = 100.0,
    direction: int = 1,
    indicator: str | None = None,
) -> Array:
    """Min-max scale onto ``[lo, hi]``.

    Parameters
    ----------
    x : array_like, shape (n_units,)
        Indicator values; NaN stays NaN.
    lo, hi : float
        Target range.
    direction : {1, -1}
        With -1 the smallest value gets ``hi``.
    indicator : str, optional
        Code named in errors.

    Returns
    -------
    ndarray, shape (n_units,)

    Raises
    ------
    EngineInputError
        All missing or zero variance.

    Examples
    --------
    >>> n_minmax([1.0, 2.0, 3.0]).tolist()
    [0.0, 50.0, 100.0]
    >>> n_minmax([1.0, 2.0, 3.0], direction=-1, hi=1).tolist()
    [1.0, 0.5, 0.0]
    """
    _check_direction(direction)
    arr = _as_float(x, indicator)
    mn, mx = _range(arr, indicator)
    if direction == 1:
        return (arr - mn) / (mx - mn) * (hi - lo) + lo
    return (mx - arr) / (mx - mn) * (hi - lo) + lo


def n_zscore(
    x: npt.ArrayLike,
    *,
    m: float = 0.0,
    sd: float = 1.0,
    direction: int = 1,
    indicator: str | None = None,
) -> Array:
    """Standardise to mean ``m`` and sample standard deviation ``sd``.

    Examples
    --------
    >>> n_zscore([1.0, 2.0, 3.0]).tolist()
    [-1.0, 0.0, 1.0]
    """
    _check_direction(direction)
    arr = _as_float(x, indicator) * direction
    _range(arr, indicator)
    mu = np.nanmean(arr)
    s = np.nanstd(arr, ddof=1)
    out: Array = (arr - mu) / s * sd + m
    return out


def n_goalposts(
    x: npt.ArrayLike,
    *,
    low: float,
    high: float,
    direction: int = 1,
    scale: float = 1.0,
) -> Array:
    """Score between goalposts, capped to ``[0, scale]``.

    Examples
    --------
    >>> n_goalposts([1.0], low=0, high=10).tolist()
    [0.1]
    >>> n_goalposts([1.0], low=0, high=10, direction=-1).tolist()
    [0.9]
    """
    _check_direction(direction)
    if high == low:
        raise EngineInputError(
            "E-ENGINE-GOALPOSTS", zh="上下目标值相同", en="goalposts low and high are equal"
        )
    arr = _as_float(x)
    y = (arr - low) / (high - low) if direction == 1 else (high - arr) / (high - low)
    return np.clip(y, 0.0, 1.0) * scale


def n_target(x: npt.ArrayLike, *, target: float, direction: int = 1) -> Array:
    """Distance to target as a ratio (not capped).

    Direction +1 gives ``x / target``; -1 gives ``target / x``.

    Examples
    --------
    >>> n_target([0.0, 5.0, 11.0], target=10).round(6).tolist()
    [0.0, 0.5, 1.1]
    """
    _check_direction(direction)
    if target == 0:
        raise EngineInputError("E-ENGINE-TARGET-ZERO", zh="目标值为零", en="target is zero")
    arr = _as_float(x)
    if direction == 1:
        return arr / target
    with np.errstate(divide="ignore"):
        return np.where(arr == 0, np.nan, target / np.where(arr == 0, 1.0, arr))


def n_benchmark(
    x: npt.ArrayLike,
    benchmark: npt.ArrayLike,
    *,
    weight: float = 1.0,
    cap: float | None = None,
    direction: int = 1,
) -> Array:
    """Benchmark ratio used by 亩均 scoring.

    Direction +1: ``x / benchmark * weight``; -1: ``benchmark / x * weight``.
    With ``cap`` the score is clipped at ``cap * weight``. NaN in → NaN out.

    Parameters
    ----------
    x : array_like, shape (n_units,)
    benchmark : float or array_like broadcastable to x
        E.g. per-group benchmarks.

    Examples
    --------
    >>> n_benchmark([5.0, 20.0, np.nan], 10.0, weight=20, cap=1.5).tolist()
    [10.0, 30.0, nan]
    >>> n_benchmark([5.0], 10.0, weight=10, direction=-1).tolist()
    [20.0]
    """
    _check_direction(direction)
    arr = _as_float(x)
    b = _as_float(benchmark)
    with np.errstate(divide="ignore", invalid="ignore"):
        if direction == 1:
            bad = b == 0
            out = arr / np.where(bad, np.nan, b) * weight
        else:
            bad = arr == 0
            out = b / np.where(bad, np.nan, arr) * weight
    if np.any(bad & ~np.isnan(arr if direction == 1 else b)):
        raise EngineInputError(
            "E-ENGINE-DIV-ZERO",
            zh="基准比值的分母为零",
            en="zero denominator in benchmark ratio",
        )
    if cap is not None:
        out = np.minimum(out, cap * weight)
    return np.asarray(out, dtype=np.float64)


def n_rank(x: npt.ArrayLike, *, direction: int = 1, ties: str = "min") -> Array:
    """Rank (1 = lowest when direction +1); ties as scipy ``rankdata``
    ``method`` (COINr default ``"min"``); NaN kept.

    Examples
    --------
    >>> n_rank([3.0, 1.0, 2.0, np.nan]).tolist()
    [3.0, 1.0, 2.0, nan]
    """
    _check_direction(direction)
    arr = _as_float(x) * direction
    out = np.full(arr.shape, np.nan)
    ok = ~np.isnan(arr)
    out[ok] = stats.rankdata(arr[ok], method=ties)
    return out


def n_percentile(x: npt.ArrayLike, *, direction: int = 1, ties: str = "min") -> Array:
    """Percentile rank in [0, 1] as COINr ``n_prank``: ``(rank - 1) / (n - 1)``.

    Examples
    --------
    >>> n_percentile([10.0, 30.0, 20.0]).tolist()
    [0.0, 1.0, 0.5]
    """
    r = n_rank(x, direction=direction, ties=ties)
    n = int(np.sum(~np.isnan(r)))
    if n < 2:
        return np.where(np.isnan(r), np.nan, 1.0)
    return (r - 1.0) / (n - 1.0)


def n_borda(x: npt.ArrayLike, *, direction: int = 1, ties: str = "min") -> Array:
    """Borda score: number of units beaten (``rank - 1``).

    Examples
    --------
    >>> n_borda([10.0, 30.0, 20.0]).tolist()
    [0.0, 2.0, 1.0]
    """
    return n_rank(x, direction=direction, ties=ties) - 1.0


def n_distance_to_max(x: npt.ArrayLike, *, direction: int = 1) -> Array:
    """``1 - (max - x) / (max - min)`` (COINr ``n_dist2max``).

    Examples
    --------
    >>> n_distance_to_max([0.0, 5.0, 10.0]).tolist()
    [0.0, 0.5, 1.0]
    """
    _check_direction(direction)
    arr = _as_float(x) * direction
    mn, mx = _range(arr, None)
    return 1.0 - (mx - arr) / (mx - mn)


def n_distance_to_ref(x: npt.ArrayLike, ref_index: int, *, direction: int = 1) -> Array:
    """Ratio to a reference unit (COINr ``n_dist2ref``, ``cap_max=False``).

    Direction +1: ``x / x[ref]``; -1: ``x[ref] / x``.

    Examples
    --------
    >>> n_distance_to_ref([2.0, 4.0, 8.0], 1).tolist()
    [0.5, 1.0, 2.0]
    """
    _check_direction(direction)
    arr = _as_float(x)
    ref = float(arr[ref_index])
    if np.isnan(ref) or ref == 0:
        raise EngineInputError(
            "E-ENGINE-REF-UNIT",
            zh="参照单元的值缺失或为零",
            en="the reference unit's value is missing or zero",
            unit=ref_index,
        )
    if direction == 1:
        return arr / ref
    with np.errstate(divide="ignore"):
        return ref / arr
