"""Flat-matrix MCDA rankers: TOPSIS, VIKOR and WASPAS.

Each takes a decision matrix (alternatives × criteria), a weight vector summing
to 1 and a types vector (+1 benefit, -1 cost). PROMETHEE II lives in
``_promethee.py``. All are invariant to the order of the alternatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError

from ._checks_wm import (
    FloatArray,
    as_matrix,
    as_types,
    as_weights,
    indicator_name,
    zero_range_error,
)
from ._jit import Kernel, column_stats_kernel, topsis_kernel, use_compiled

__all__ = ["VikorResult", "topsis", "vikor", "waspas"]

#: Rows per block in the streaming TOPSIS kernel (keeps the block in cache).
_BLOCK = 16384
#: Rows per block when computing column statistics.
_STATS_BLOCK = 8192


def _prepare(
    X: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: npt.ArrayLike | None,
    names: Sequence[str] | None,
    min_rows: int = 1,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    A = as_matrix(X, names=names, min_rows=min_rows)
    m = A.shape[1]
    return A, as_weights(weights, m, names=names), as_types(types, m)


def topsis(
    X: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    normalisation: Literal["vector", "minmax"] = "vector",
    names: Sequence[str] | None = None,
    kernel: Kernel = "auto",
) -> FloatArray:
    """TOPSIS relative closeness to the ideal solution (Hwang & Yoon 1981).

    Parameters
    ----------
    X : array-like, shape (n_alternatives, n_criteria)
    weights : array-like, shape (n_criteria,)
        Non-negative, summing to 1.
    types : array-like of +1/-1, shape (n_criteria,), optional
        +1 benefit, -1 cost; default all benefit.
    normalisation : {"vector", "minmax"}, default "vector"
        ``"vector"``: ``r = x / ||x_j||``; ``"minmax"``: ``r = (x - min) / (max - min)``
        (cost reversed). A constant criterion contributes nothing under minmax.
    names : sequence of str, optional
        Criterion names for error messages.
    kernel : {"auto", "numpy", "compiled"}, default "auto"
        ``"compiled"`` runs both passes as numba kernels (one loop per row);
        ``"auto"`` does so only for matrices of at least 1,000,000 cells when
        numba is installed, so small runs never wait for a compile. Results
        agree to rounding (relative 1e-12).

    Returns
    -------
    ndarray, shape (n_alternatives,)
        ``C_i = D_i^- / (D_i^+ + D_i^-)`` in [0, 1]; higher is better. If every
        alternative is identical, all get 0.5.

    Notes
    -----
    The weighted normalised matrix is affine in ``x`` per criterion, so the
    distances are computed as ``sqrt(sum_j (s_j (x_ij - x*_j))^2)`` with ``x*``
    the best (or worst) raw value and ``s_j`` the weight over the normaliser.
    Two streamed passes over blocks of rows (column statistics, then
    distances); no normalised copy of the matrix is made.
    pymcdm's vector normalisation maps cost criteria to ``1 - r``; the
    distances, and so the closeness, are the same.

    Examples
    --------
    >>> X = [[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]]
    >>> topsis(X, [0.3, 0.4, 0.3]).round(4)
    array([0.5037, 0.6581, 0.7482, 0.334 ])
    """
    if normalisation not in ("vector", "minmax"):
        raise EngineInputError(
            "E-ENGINE-PARAM",
            zh=f"未知的 TOPSIS 标准化方法：{normalisation}",
            en=f"unknown TOPSIS normalisation: {normalisation}",
            hint_zh="可选 vector 或 minmax",
            hint_en="use 'vector' or 'minmax'",
        )
    A = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
    if A.ndim != 2 or A.size == 0:
        A = as_matrix(A, names=names)  # raises the shape error
    n, m = A.shape
    w = as_weights(weights, m, names=names)
    t = as_types(types, m)
    compiled = use_compiled(kernel, A.size)
    if compiled:
        lo, hi, sumsq = column_stats_kernel(m)(A.reshape(-1))
        if not np.isfinite(sumsq).all():  # NaN/inf make the sum of squares non-finite
            as_matrix(A, names=names)  # raises, naming the first NaN/inf cell
    else:
        lo, hi, sumsq = _column_stats(A)
    if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
        as_matrix(A, names=names)  # raises, naming the first NaN/inf cell
    if normalisation == "vector":
        zero = np.flatnonzero(sumsq == 0)
        if zero.size:
            raise zero_range_error(
                int(zero[0]), names, ("TOPSIS 向量标准化", "TOPSIS vector normalisation")
            )
        if not np.isfinite(sumsq).all():
            raise EngineInputError(
                "E-ENGINE-OVERFLOW",
                zh="数值过大，向量标准化溢出",
                en="values too large: vector normalisation overflows",
                indicator=indicator_name(int(np.flatnonzero(~np.isfinite(sumsq))[0]), names),
            )
        scale = w / np.sqrt(sumsq)
    else:
        span = hi - lo
        scale = np.divide(w, span, out=np.zeros_like(w), where=span > 0)
    best = np.where(t > 0, hi, lo)
    worst = np.where(t > 0, lo, hi)
    if compiled:
        closeness = np.empty(n)
        topsis_kernel(m)(A.reshape(-1), best, scale, scale * (best - worst), closeness)
        return closeness
    rows = min(n, _BLOCK)
    best_t = np.tile(best, rows)
    # D^2 = sum_j s_j^2 (x - x*)^2: the scale goes into the mat-vec, saving a pass,
    # unless squaring unscaled differences could overflow
    prescale = max(abs(float(lo.min())), abs(float(hi.max()))) > 1e150
    scale_t = np.tile(scale, rows) if prescale else None
    gap = scale * (best - worst) if prescale else best - worst
    gap_t = np.tile(gap, rows)  # (x - worst) = (x - best) + (best - worst)
    reduce_by = np.ones(m) if prescale else scale * scale
    u = np.empty(rows * m)
    sq = np.empty(rows * m)
    d_plus = np.empty(rows)
    closeness = np.empty(n)
    for start in range(0, n, _BLOCK):
        block = A[start : start + _BLOCK]
        k = block.shape[0]
        size = k * m
        uu, qq, dp = u[:size], sq[:size], d_plus[:k]
        dm = closeness[start : start + k]
        np.subtract(block.reshape(-1), best_t[:size], out=uu)
        if scale_t is not None:
            np.multiply(uu, scale_t[:size], out=uu)
        np.multiply(uu, uu, out=qq)
        np.dot(qq.reshape(-1, m), reduce_by, out=dp)
        np.add(uu, gap_t[:size], out=uu)
        np.multiply(uu, uu, out=qq)
        np.dot(qq.reshape(-1, m), reduce_by, out=dm)
        np.sqrt(dp, out=dp)
        np.sqrt(dm, out=dm)
        np.add(dp, dm, out=dp)  # D+ + D-
        np.divide(dm, dp, out=dm, where=dp > 0)
        dm[dp == 0] = 0.5  # every alternative identical
    return closeness


def _column_stats(A: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Column minimum, maximum and sum of squares of a C-ordered matrix in one pass.

    Each block of rows is transposed into a cached buffer so the three
    reductions run along contiguous rows (a plain ``A.max(axis=0)`` over a few
    columns is several times slower). NaN propagates into all three.
    """
    n, m = A.shape
    lo = np.full(m, np.inf)
    hi = np.full(m, -np.inf)
    ss = np.zeros(m)
    buf = np.empty((m, min(n, _STATS_BLOCK)))
    for start in range(0, n, _STATS_BLOCK):
        block = A[start : start + _STATS_BLOCK]
        T = buf[:, : block.shape[0]]
        np.copyto(T, block.T)
        np.minimum(lo, T.min(axis=1), out=lo)
        np.maximum(hi, T.max(axis=1), out=hi)
        ss += np.einsum("ij,ij->i", T, T)
    return lo, hi, ss


class VikorResult(NamedTuple):
    """VIKOR outputs, each of shape (n_alternatives,); lower is better for all three."""

    S: FloatArray
    """Group utility: weighted sum of regrets."""
    R: FloatArray
    """Individual regret: the largest weighted regret."""
    Q: FloatArray
    """Compromise index ``v * S' + (1 - v) * R'`` (both min-max scaled)."""


def _scaled(x: FloatArray) -> FloatArray:
    lo, hi = float(x.min()), float(x.max())
    if hi == lo:
        return np.zeros_like(x)
    return (x - lo) / (hi - lo)


def vikor(
    X: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    v: float = 0.5,
    names: Sequence[str] | None = None,
) -> VikorResult:
    """VIKOR compromise ranking (Opricovic & Tzeng 2004).

    Parameters
    ----------
    X : array-like, shape (n_alternatives, n_criteria)
    weights : array-like, shape (n_criteria,)
    types : array-like of +1/-1, optional
    v : float in [0, 1], default 0.5
        Weight of the "majority of criteria" strategy (S) against the
        individual regret (R).
    names : sequence of str, optional

    Returns
    -------
    VikorResult
        ``S``, ``R`` and ``Q``; rank by ascending ``Q``. If all ``S`` (or all
        ``R``) are equal their scaled term is 0.

    Raises
    ------
    EngineInputError
        A criterion with the same value for every alternative (its regret is
        0/0), or ``v`` outside [0, 1].

    Examples
    --------
    >>> X = [[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]]
    >>> vikor(X, [0.3, 0.4, 0.3]).Q
    array([0.75, 0.25, 0.  , 1.  ])
    """
    if not 0.0 <= v <= 1.0:
        raise EngineInputError(
            "E-ENGINE-PARAM",
            zh=f"VIKOR 参数 v 必须在 [0, 1] 内，实际为 {v}",
            en=f"VIKOR parameter v must be in [0, 1], got {v}",
        )
    A, w, t = _prepare(X, weights, types, names)
    hi, lo = A.max(axis=0), A.min(axis=0)
    span = hi - lo
    zero = np.flatnonzero(span == 0)
    if zero.size:
        raise zero_range_error(int(zero[0]), names, ("VIKOR ", "VIKOR"))
    best = np.where(t > 0, hi, lo)
    regret = w * np.abs(best - A) / span
    S = regret.sum(axis=1)
    R = regret.max(axis=1)
    Q = v * _scaled(S) + (1.0 - v) * _scaled(R)
    return VikorResult(S=S, R=R, Q=Q)


def waspas(
    X: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    lam: float = 0.5,
    names: Sequence[str] | None = None,
) -> FloatArray:
    """WASPAS: ``lam * WSM + (1 - lam) * WPM`` (Zavadskas et al. 2012).

    Linear normalisation: ``x / max`` for benefit, ``min / x`` for cost criteria.
    ``WSM_i = sum_j w_j r_ij`` and ``WPM_i = prod_j r_ij ** w_j``.

    Parameters
    ----------
    X : array-like, shape (n_alternatives, n_criteria)
        Benefit criteria non-negative with a positive maximum; cost criteria
        strictly positive.
    weights : array-like, shape (n_criteria,)
    types : array-like of +1/-1, optional
    lam : float in [0, 1], default 0.5
    names : sequence of str, optional

    Returns
    -------
    ndarray, shape (n_alternatives,)
        Higher is better.

    Examples
    --------
    >>> waspas([[1.0, 2.0], [2.0, 1.0], [4.0, 4.0]], [0.5, 0.5], [1, -1]).round(4)
    array([0.3643, 0.7286, 0.5625])
    """
    if not 0.0 <= lam <= 1.0:
        raise EngineInputError(
            "E-ENGINE-PARAM",
            zh=f"WASPAS 参数 lam 必须在 [0, 1] 内，实际为 {lam}",
            en=f"WASPAS parameter lam must be in [0, 1], got {lam}",
        )
    A, w, t = _prepare(X, weights, types, names)
    benefit = t > 0
    bad = (A < 0) & benefit | (A <= 0) & ~benefit
    hi = A.max(axis=0)
    bad |= benefit & (hi <= 0)
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise EngineInputError(
            "E-ENGINE-NONPOSITIVE",
            zh="WASPAS 要求效益型指标非负且最大值为正、成本型指标严格为正",
            en="WASPAS needs non-negative benefit criteria with a positive maximum "
            "and strictly positive cost criteria",
            indicator=indicator_name(j, names),
            unit=i,
        )
    R = np.where(benefit, A / np.where(hi > 0, hi, 1.0), A.min(axis=0) / np.where(A > 0, A, 1.0))
    wsm = R @ w
    wpm: FloatArray = np.prod(R**w, axis=1)
    return lam * wsm + (1.0 - lam) * wpm
