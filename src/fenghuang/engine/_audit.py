"""Audit statistics of an indicator matrix: summary, correlation, collinearity, alpha.

NaN means missing throughout: summaries and correlations use the available
values (pairwise for correlations), Cronbach's alpha uses complete rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import stats

from fenghuang.errors import EngineInputError

from ._checks_wm import FloatArray, as_matrix, indicator_name

__all__ = [
    "CollinearPair",
    "IndicatorStats",
    "collinear_pairs",
    "correlation_matrix",
    "cronbach_alpha",
    "indicator_stats",
]


@dataclass(frozen=True)
class IndicatorStats:
    """Per-indicator summary statistics; every array has shape (n_indicators,).

    Attributes
    ----------
    n : ndarray of int
        Non-missing values.
    missing_share : ndarray
        Share of units with a missing value, in [0, 1].
    mean, sd, min, max : ndarray
        ``sd`` is the sample standard deviation (ddof = 1).
    skew : ndarray
        Adjusted Fisher-Pearson skewness (``scipy.stats.skew(bias=False)``,
        Excel's SKEW); NaN with fewer than 3 values.
    kurtosis : ndarray
        Adjusted excess kurtosis (``scipy.stats.kurtosis(bias=False)``, Excel's
        KURT); NaN with fewer than 4 values.
    """

    n: npt.NDArray[np.intp]
    missing_share: FloatArray
    mean: FloatArray
    sd: FloatArray
    min: FloatArray
    max: FloatArray
    skew: FloatArray
    kurtosis: FloatArray


def indicator_stats(X: npt.ArrayLike) -> IndicatorStats:
    """Summary statistics of each indicator (column), ignoring NaN.

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators)

    Returns
    -------
    IndicatorStats

    Examples
    --------
    >>> st = indicator_stats([[1.0, np.nan], [2.0, 4.0], [3.0, 6.0], [10.0, 8.0]])
    >>> st.n, st.missing_share, st.mean
    (array([4, 3]), array([0.  , 0.25]), array([4., 6.]))
    """
    A = as_matrix(X, allow_nan=True)
    miss = np.isnan(A)
    n = (~miss).sum(axis=0).astype(np.intp)
    m = A.shape[1]
    mean = np.full(m, np.nan)
    sd = np.full(m, np.nan)
    lo = np.full(m, np.nan)
    hi = np.full(m, np.nan)
    sk = np.full(m, np.nan)
    ku = np.full(m, np.nan)
    for j in range(m):
        col = A[~miss[:, j], j]
        if col.size == 0:
            continue
        mean[j], lo[j], hi[j] = col.mean(), col.min(), col.max()
        if col.size >= 2:
            sd[j] = col.std(ddof=1)
        constant = lo[j] == hi[j]
        if col.size >= 3 and not constant:
            sk[j] = stats.skew(col, bias=False)
        if col.size >= 4 and not constant:
            ku[j] = stats.kurtosis(col, bias=False)
    return IndicatorStats(
        n=n,
        missing_share=miss.mean(axis=0),
        mean=mean,
        sd=sd,
        min=lo,
        max=hi,
        skew=sk,
        kurtosis=ku,
    )


def correlation_matrix(
    X: npt.ArrayLike, method: Literal["pearson", "spearman"] = "pearson"
) -> FloatArray:
    """Pearson or Spearman correlation between indicators, pairwise-complete.

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators)
    method : {"pearson", "spearman"}, default "pearson"
        Spearman ranks each pair's complete rows (average ranks for ties).

    Returns
    -------
    ndarray, shape (n_indicators, n_indicators)
        Symmetric with a unit diagonal; NaN where a pair has fewer than 2
        complete rows or an indicator is constant on them.

    Examples
    --------
    >>> correlation_matrix([[1, 1], [2, 4], [3, 9]], "spearman")
    array([[1., 1.],
           [1., 1.]])
    """
    if method not in ("pearson", "spearman"):
        raise EngineInputError(
            "E-ENGINE-PARAM",
            zh=f"未知的相关系数方法：{method}",
            en=f"unknown correlation method: {method}",
            hint_zh="可选 pearson 或 spearman",
            hint_en="use 'pearson' or 'spearman'",
        )
    A = as_matrix(X, allow_nan=True)
    m = A.shape[1]
    miss = np.isnan(A)
    if not miss.any():
        B = stats.rankdata(A, axis=0) if method == "spearman" else A
        return _corr_complete(B)
    R = np.eye(m)
    for i in range(m):
        for j in range(i + 1, m):
            ok = ~(miss[:, i] | miss[:, j])
            pair = A[ok][:, [i, j]]
            if method == "spearman":
                pair = stats.rankdata(pair, axis=0)
            R[i, j] = R[j, i] = _corr_complete(pair)[0, 1] if pair.shape[0] >= 2 else np.nan
    return R


def _corr_complete(B: FloatArray) -> FloatArray:
    C = B - B.mean(axis=0)
    ss = np.sqrt(np.einsum("ij,ij->j", C, C))
    with np.errstate(divide="ignore", invalid="ignore"):
        R = (C.T @ C) / np.outer(ss, ss)
    out: FloatArray = np.clip(R, -1.0, 1.0)
    np.fill_diagonal(out, 1.0)
    return out


class CollinearPair(NamedTuple):
    """Two indicators whose correlation exceeds the threshold in absolute value."""

    first: str
    second: str
    r: float


def collinear_pairs(
    corr: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    threshold: float = 0.9,
) -> list[CollinearPair]:
    """Pairs of indicators with ``|r| > threshold``, strongest first.

    Parameters
    ----------
    corr : array-like, shape (n_indicators, n_indicators)
        A correlation matrix, e.g. from :func:`correlation_matrix`.
    names : sequence of str, optional
        Indicator names; default ``#0``, ``#1`` …
    threshold : float, default 0.9

    Returns
    -------
    list of CollinearPair

    Examples
    --------
    >>> collinear_pairs([[1, 0.95, 0.1], [0.95, 1, -0.93], [0.1, -0.93, 1]], names="abc")
    [CollinearPair(first='a', second='b', r=0.95), CollinearPair(first='b', second='c', r=-0.93)]
    """
    R = np.asarray(corr, dtype=np.float64)
    if R.ndim != 2 or R.shape[0] != R.shape[1]:
        raise EngineInputError(
            "E-ENGINE-SHAPE",
            zh="相关矩阵必须是方阵",
            en="the correlation matrix must be square",
        )
    iu, ju = np.triu_indices(R.shape[0], k=1)
    r = R[iu, ju]
    with np.errstate(invalid="ignore"):
        hit = np.abs(r) > threshold
    order = np.argsort(-np.abs(r[hit]), kind="stable")
    return [
        CollinearPair(indicator_name(int(i), names), indicator_name(int(j), names), float(v))
        for i, j, v in zip(iu[hit][order], ju[hit][order], r[hit][order], strict=True)
    ]


def cronbach_alpha(X: npt.ArrayLike) -> float:
    """Cronbach's alpha of a set of indicators, on complete rows.

    ``alpha = k / (k - 1) * (1 - sum_j var_j / var(sum_j x_j))`` with sample
    variances (ddof = 1).

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators)
        At least 2 indicators; rows with any NaN are dropped.

    Returns
    -------
    float

    Raises
    ------
    EngineInputError
        Fewer than 2 indicators or 2 complete rows, or a constant total.

    Examples
    --------
    >>> round(cronbach_alpha([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]]), 4)
    0.9825
    """
    A = as_matrix(X, allow_nan=True)
    A = A[~np.isnan(A).any(axis=1)]
    n, k = A.shape
    if k < 2 or n < 2:
        raise EngineInputError(
            "E-ENGINE-TOO-FEW",
            zh=f"克朗巴哈系数至少需要 2 个指标和 2 个完整单元，实际为 {n} × {k}",
            en=f"Cronbach's alpha needs at least 2 indicators and 2 complete units, got {n} × {k}",
        )
    total_var = float(A.sum(axis=1).var(ddof=1))
    if total_var == 0.0:
        raise EngineInputError(
            "E-ENGINE-ZERO-VARIANCE",
            zh="各单元指标合计相同，克朗巴哈系数无定义",
            en="every unit has the same total; Cronbach's alpha is undefined",
        )
    return float(k / (k - 1) * (1.0 - A.var(axis=0, ddof=1).sum() / total_var))
