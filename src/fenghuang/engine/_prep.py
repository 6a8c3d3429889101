"""Denominate, screen and impute a (n_units, n_indicators) matrix."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError

__all__ = [
    "denominate",
    "impute_group",
    "impute_locf",
    "impute_mean",
    "impute_median",
    "screen_units",
]

Array = npt.NDArray[np.float64]


def denominate(X: npt.ArrayLike, denominators: npt.ArrayLike) -> Array:
    """Divide each column by its denominator column; NaN denominator means none.

    Parameters
    ----------
    X : array_like, shape (n_units, n_indicators)
    denominators : array_like, shape (n_units, n_indicators)
        Per-column denominator values (NaN columns are left unchanged).

    Examples
    --------
    >>> denominate([[10.0, 3.0]], [[2.0, np.nan]]).tolist()
    [[5.0, 3.0]]
    """
    M = np.asarray(X, dtype=np.float64)
    D = np.asarray(denominators, dtype=np.float64)
    if np.any(D == 0):
        i, j = np.argwhere(D == 0)[0]
        raise EngineInputError(
            "E-ENGINE-DENOM-ZERO",
            zh="分母为零",
            en="denominator is zero",
            unit=int(i),
            column=int(j),
        )
    return np.where(np.isnan(D), M, M / np.where(np.isnan(D), 1.0, D))


def screen_units(X: npt.ArrayLike, *, min_share: float = 0.9) -> npt.NDArray[np.bool_]:
    """Units to keep: share of indicators present ``>= min_share``.

    Examples
    --------
    >>> screen_units([[1.0, np.nan], [1.0, 2.0]], min_share=0.9).tolist()
    [False, True]
    """
    M = np.asarray(X, dtype=np.float64)
    keep: npt.NDArray[np.bool_] = (~np.isnan(M)).mean(axis=1) >= min_share
    return keep


def _fill(M: Array, values: Array) -> Array:
    return np.where(np.isnan(M), values, M)


def _nanstat(f: Any, M: Array) -> Array:
    """Column ``nanmean``/``nanmedian``; an all-missing column gives NaN without a warning
    (it stays missing, and min-max or the outlier step then names the indicator)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out: Array = f(M, axis=0)
    return out


def impute_mean(X: npt.ArrayLike) -> Array:
    """Fill NaN with the column mean.

    Examples
    --------
    >>> impute_mean([[1.0], [np.nan], [3.0]]).ravel().tolist()
    [1.0, 2.0, 3.0]
    """
    M = np.asarray(X, dtype=np.float64)
    return _fill(M, _nanstat(np.nanmean, M)[None, :])


def impute_median(X: npt.ArrayLike) -> Array:
    """Fill NaN with the column median."""
    M = np.asarray(X, dtype=np.float64)
    return _fill(M, _nanstat(np.nanmedian, M)[None, :])


def impute_group(X: npt.ArrayLike, groups: npt.ArrayLike, *, how: str = "mean") -> Array:
    """Fill NaN with the column mean/median within each unit's group.

    Examples
    --------
    >>> impute_group([[1.0], [np.nan], [5.0], [3.0]], ["a", "a", "b", "a"]).ravel().tolist()
    [1.0, 2.0, 5.0, 3.0]
    """
    M = np.asarray(X, dtype=np.float64)
    _, codes = np.unique(np.asarray(groups), return_inverse=True)
    out = M.copy()
    f = np.nanmean if how == "mean" else np.nanmedian
    for g in np.unique(codes):
        rows = codes == g
        fill = _nanstat(f, M[rows])
        out[rows] = _fill(M[rows], fill[None, :])
    return out


def impute_locf(X: npt.ArrayLike, units: npt.ArrayLike, times: npt.ArrayLike) -> Array:
    """Panel imputation: last observation carried forward within each unit.

    Rows may come in any order; they are ordered by (unit, time) internally
    and the result is returned in the input order. Vectorised (no loop over
    units).

    Examples
    --------
    >>> X = [[1.0], [np.nan], [np.nan], [4.0]]
    >>> impute_locf(X, ["a", "a", "b", "b"], [2020, 2021, 2020, 2021]).ravel().tolist()
    [1.0, 1.0, nan, 4.0]
    """
    M = np.asarray(X, dtype=np.float64)
    u = np.asarray(units)
    order = np.lexsort((np.asarray(times), u))
    S = M[order]
    us = u[order]
    n = S.shape[0]
    start = np.zeros(n, dtype=np.intp)
    if n:
        new = np.r_[True, us[1:] != us[:-1]]
        start = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    valid = ~np.isnan(S)
    idx = np.where(valid, np.arange(n)[:, None], -1)
    last = np.maximum.accumulate(idx, axis=0)
    ok = last >= start[:, None]
    filled = np.where(ok, S[np.clip(last, 0, None), np.arange(S.shape[1])[None, :]], np.nan)
    out = np.empty_like(M)
    out[order] = np.where(valid, S, filled)
    return out
