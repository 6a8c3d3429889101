"""Aggregators over the columns of a (n_units, k) matrix (COINr ``a_*``).

Missing values are skipped: each unit's weights are renormalised over the
columns it has, and a unit whose share of present columns is below
``min_share`` gets NaN (the explicit minimum-data rule).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError, WeightsError

__all__ = ["a_amean", "a_copeland", "a_genmean", "a_gmean", "a_hmean"]

Array = npt.NDArray[np.float64]


def _prepare(
    X: npt.ArrayLike, w: npt.ArrayLike, require_sum_one: bool = False
) -> tuple[Array, Array, npt.NDArray[np.bool_]]:
    try:
        M = np.asarray(X, dtype=np.float64)
        W = np.asarray(w, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EngineInputError(
            "E-ENGINE-NON-NUMERIC", zh="数据含非数值单元格", en="data contain non-numeric cells"
        ) from exc
    if M.ndim == 1:
        M = M[None, :]
    if M.ndim != 2 or W.ndim != 1 or W.shape[0] != M.shape[1]:
        raise WeightsError(
            "E-ENGINE-WEIGHTS-SHAPE",
            zh=f"权重个数 {W.shape} 与列数 {M.shape} 不符",
            en=f"weights {W.shape} do not match the columns {M.shape}",
        )
    if np.any(~np.isfinite(W)) or np.any(W < 0) or W.sum() <= 0:
        raise WeightsError(
            "E-ENGINE-WEIGHTS-INVALID",
            zh="权重缺失、为负或全为零",
            en="weights are missing, negative or all zero",
        )
    if require_sum_one and not np.isclose(W.sum(), 1.0):
        raise WeightsError(
            "E-ENGINE-WEIGHTS-SUM",
            zh=f"权重之和为 {W.sum():.6g}，应为 1",
            en=f"weights sum to {W.sum():.6g}, not 1",
        )
    return M, W, ~np.isnan(M)


def _effective_weights(
    W: Array, present: npt.NDArray[np.bool_], min_share: float
) -> tuple[Array, npt.NDArray[np.bool_]]:
    """Per-unit weights renormalised over present columns, and the units kept."""
    Wm = np.where(present, W, 0.0)
    tot = Wm.sum(axis=1)
    share = present.mean(axis=1) if present.shape[1] else np.zeros(present.shape[0])
    keep = (tot > 0) & (share >= min_share)
    with np.errstate(invalid="ignore", divide="ignore"):
        Wm = Wm / np.where(keep, tot, 1.0)[:, None]
    return Wm, keep


def a_amean(
    X: npt.ArrayLike, w: npt.ArrayLike, *, min_share: float = 0.0, require_sum_one: bool = False
) -> Array:
    """Weighted arithmetic mean of each row.

    Parameters
    ----------
    X : array_like, shape (n_units, k)
    w : array_like, shape (k,)
        Non-negative weights; renormalised per unit over present columns.
    min_share : float
        Minimum share of present columns; below it the result is NaN.

    Examples
    --------
    >>> a_amean([[1.0, 2.0, 3.0], [1.0, np.nan, 3.0]], [1, 1, 2]).tolist()
    [2.25, 2.3333333333333335]
    >>> a_amean([[1.0, np.nan, np.nan]], [1, 1, 1], min_share=0.5).tolist()
    [nan]
    """
    M, W, present = _prepare(X, w, require_sum_one)
    if present.all():  # fast path: one mat-vec, no per-unit renormalisation
        full: Array = M @ (W / W.sum())
        return full
    Wm, keep = _effective_weights(W, present, min_share)
    out = np.einsum("ij,ij->i", np.where(present, M, 0.0), Wm)
    return np.where(keep, out, np.nan)


def _positive(M: Array, present: npt.NDArray[np.bool_], what: tuple[str, str]) -> None:
    bad = present & (M <= 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise EngineInputError(
            "E-ENGINE-NON-POSITIVE",
            zh=f"{what[0]}要求正值，出现非正值",
            en=f"the {what[1]} needs positive values; found a non-positive one",
            unit=int(i),
            column=int(j),
            value=float(M[i, j]),
        )


def a_gmean(
    X: npt.ArrayLike, w: npt.ArrayLike, *, min_share: float = 0.0, require_sum_one: bool = False
) -> Array:
    """Weighted geometric mean of each row (values must be positive).

    Examples
    --------
    >>> round(float(a_gmean([[1.0, 2.0, 3.0]], [1, 1, 2])[0]), 4)
    2.0598
    """
    M, W, present = _prepare(X, w, require_sum_one)
    _positive(M, present, ("几何平均", "geometric mean"))
    Wm, keep = _effective_weights(W, present, min_share)
    out = np.exp(np.einsum("ij,ij->i", np.log(np.where(present, M, 1.0)), Wm))
    return np.where(keep, out, np.nan)


def a_hmean(
    X: npt.ArrayLike, w: npt.ArrayLike, *, min_share: float = 0.0, require_sum_one: bool = False
) -> Array:
    """Weighted harmonic mean of each row (values must be positive).

    Examples
    --------
    >>> round(float(a_hmean([[1.0, 2.0, 3.0]], [2, 1, 1])[0]), 4)
    1.4118
    """
    M, W, present = _prepare(X, w, require_sum_one)
    _positive(M, present, ("调和平均", "harmonic mean"))
    Wm, keep = _effective_weights(W, present, min_share)
    out = 1.0 / np.einsum("ij,ij->i", 1.0 / np.where(present, M, 1.0), Wm)
    return np.where(keep, out, np.nan)


def a_genmean(
    X: npt.ArrayLike,
    w: npt.ArrayLike,
    p: float,
    *,
    min_share: float = 0.0,
    require_sum_one: bool = False,
) -> Array:
    """Weighted generalised (power) mean ``(sum w x^p)^(1/p)``; p = 0 is geometric.

    Examples
    --------
    >>> a_genmean([[1.0, 3.0]], [1, 1], 1).tolist()
    [2.0]
    >>> round(float(a_genmean([[1.0, 2.0, 3.0]], [2, 1, 1], -1)[0]), 4)
    1.4118
    """
    if p == 0:
        return a_gmean(X, w, min_share=min_share, require_sum_one=require_sum_one)
    M, W, present = _prepare(X, w, require_sum_one)
    _positive(M, present, ("广义平均", "generalised mean"))
    Wm, keep = _effective_weights(W, present, min_share)
    out = np.einsum("ij,ij->i", np.where(present, M, 1.0) ** p, Wm) ** (1.0 / p)
    return np.where(keep, out, np.nan)


def a_copeland(
    X: npt.ArrayLike, w: npt.ArrayLike, *, min_share: float = 0.0, require_sum_one: bool = False
) -> Array:
    """Weighted Copeland score: for each pair of units, the weight of columns
    where a unit is better minus where it is worse, summed as +1/-1 wins.

    Uses O(n_units²·k) memory in blocks; meant for modest unit counts.

    Examples
    --------
    >>> a_copeland([[1.0, 1.0], [2.0, 2.0], [3.0, 0.0]], [1, 1]).tolist()
    [-1.0, 1.0, 0.0]
    """
    M, W, present = _prepare(X, w, require_sum_one)
    Wn = W / W.sum()
    n = M.shape[0]
    share = present.mean(axis=1)
    keep = share >= min_share
    out = np.zeros(n)
    block = max(1, 2_000_000 // max(1, n * M.shape[1]))
    for s in range(0, n, block):
        A = M[s : s + block, None, :]
        diff = np.sign(np.nan_to_num(A - M[None, :, :], nan=0.0))
        pair = diff @ Wn
        out[s : s + block] = np.sign(pair).sum(axis=1)
    return np.where(keep, out, np.nan)
