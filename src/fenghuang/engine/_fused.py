"""Fused benchmark-ratio scoring: ratio to benchmark, capped, weighted, summed.

The "亩均" evaluation scores a firm on each indicator as ``x / benchmark``
points per weight, capped at ``k`` times the weight. This kernel does the
division, cap and weighted sum in one streamed pass over row blocks, without
materialising an (n_units × n_indicators) temporary.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError

from ._checks_wm import FloatArray, as_types, check_weight_values, indicator_name
from ._jit import Kernel, benchmark_benefit_kernel, benchmark_kernel, use_compiled

__all__ = ["score_benchmark"]

#: Rows per block; the block (6 indicators: ~800 kB) stays in cache.
_BLOCK = 16384


def _per_indicator(
    value: float | npt.ArrayLike, m: int, what: str, names: Sequence[str] | None
) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(m, float(arr))
    arr = arr.ravel()
    if arr.shape[0] != m:
        raise EngineInputError(
            "E-ENGINE-PARAM",
            zh=f"{what} 个数 {arr.shape[0]} 与指标数 {m} 不一致",
            en=f"{arr.shape[0]} {what} values for {m} indicators",
        )
    bad = np.isnan(arr) | (arr <= 0)
    if what == "benchmarks":
        bad |= np.isinf(arr)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise EngineInputError(
            "E-ENGINE-PARAM",
            zh=f"{what} 必须为正数",
            en=f"{what} must be positive",
            indicator=indicator_name(j, names),
            value=float(arr[j]),
        )
    return arr


def score_benchmark(
    X: npt.ArrayLike,
    benchmarks: float | npt.ArrayLike,
    weights: npt.ArrayLike,
    caps: float | npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    names: Sequence[str] | None = None,
    kernel: Kernel = "auto",
) -> FloatArray:
    """Benchmark-ratio score ``sum_j w_j * clip(r_ij, 0, k_j)``.

    ``r_ij = x_ij / b_j`` for benefit and ``b_j / x_ij`` for cost indicators.

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators)
        Indicator values. NaN propagates to the unit's score (the caller
        decides what a missing value scores); float64 C-ordered input is used
        without a copy.
    benchmarks : float or array-like, shape (n_indicators,)
        Positive benchmark per indicator (e.g. the city average).
    weights : array-like, shape (n_indicators,)
        Non-negative points per indicator; they need not sum to 1 (e.g. 30,
        20, 20, 10, 10, 10 points out of 100).
    caps : float or array-like, shape (n_indicators,)
        Positive cap ``k`` on the ratio (e.g. 1.5: at most 1.5 × the points);
        ``np.inf`` for no cap.
    types : array-like of +1/-1, optional
        Default all benefit.
    names : sequence of str, optional
    kernel : {"auto", "numpy", "compiled"}, default "auto"
        ``"compiled"``: one numba loop per row; ``"auto"``: compiled only for
        matrices of at least 1,000,000 cells when numba is installed. Results
        agree to rounding (relative 1e-12).

    Returns
    -------
    ndarray, shape (n_units,)

    Notes
    -----
    A negative ratio (e.g. a net tax refund) scores 0; a cost indicator with
    ``x <= 0`` scores the cap when ``x = 0`` and 0 when ``x < 0``.

    Examples
    --------
    >>> score_benchmark([[20.0, 5.0], [40.0, 1.0]], [20.0, 2.0], [60, 40], 1.5)
    array([120., 110.])
    """
    A = np.asarray(X, dtype=np.float64)
    if A.ndim != 2:
        raise EngineInputError(
            "E-ENGINE-SHAPE",
            zh=f"需要二维矩阵（单元 × 指标），实际维数为 {A.ndim}",
            en=f"expected a 2-D matrix (units × indicators), got {A.ndim} dimension(s)",
        )
    A = np.ascontiguousarray(A)
    n, m = A.shape
    b = _per_indicator(benchmarks, m, "benchmarks", names)
    k = _per_indicator(caps, m, "caps", names)
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape[0] != m:
        raise EngineInputError(
            "E-ENGINE-PARAM",
            zh=f"权重个数 {w.shape[0]} 与指标数 {m} 不一致",
            en=f"{w.shape[0]} weights for {m} indicators",
        )
    check_weight_values(w, names=names)
    t = as_types(types, m)
    cost = t < 0
    if use_compiled(kernel, A.size):
        out = np.empty(n)
        if not cost.any():
            benchmark_benefit_kernel(m)(A.reshape(-1), w / b, k * b, out)
        else:
            coef = np.where(cost, w * b, w / b)
            top = np.where(np.isinf(k), np.inf, k * w)
            benchmark_kernel(m)(A.reshape(-1), coef, top, cost.astype(np.float64), out)
        return out
    rows = min(n, _BLOCK)
    zero_t = np.zeros(rows * m)  # an array floor is much faster than a scalar one
    buf = np.empty(rows * m)
    out = np.empty(n)
    if not cost.any():
        # w * clip(x / b, 0, k) = (w / b) * clip(x, 0, k b): two passes and a mat-vec
        cap_t = np.tile(k * b, rows)
        coef = w / b
        for start in range(0, n, _BLOCK):
            block = A[start : start + _BLOCK]
            size = block.shape[0] * m
            flat = buf[:size]
            np.minimum(block.reshape(-1), cap_t[:size], out=flat)
            np.maximum(flat, zero_t[:size], out=flat)
            np.dot(flat.reshape(-1, m), coef, out=out[start : start + block.shape[0]])
        return out
    # benefit: w x / b clipped to [0, k w]; cost: (w b) / x clipped likewise
    coef = np.where(cost, w * b, w / b)
    top_t = np.tile(np.where(np.isinf(k), np.inf, k * w), rows)
    ones = np.ones(m)
    for start in range(0, n, _BLOCK):
        block = A[start : start + _BLOCK]
        size = block.shape[0] * m
        flat = buf[:size]
        view = flat.reshape(-1, m)
        np.multiply(block, coef, out=view, where=~cost)
        with np.errstate(divide="ignore"):
            np.divide(coef, block, out=view, where=cost)
        np.minimum(flat, top_t[:size], out=flat)
        np.maximum(flat, zero_t[:size], out=flat)
        np.dot(view, ones, out=out[start : start + block.shape[0]])
    return out
