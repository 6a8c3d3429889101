"""Compiled (numba) kernels for large matrices: TOPSIS and benchmark-ratio scoring.

The numpy kernels in ``_mcda`` and ``_fused`` stay the reference and the path
for the sizes a city has (hundreds to thousands of firms). For very large
matrices (sensitivity runs, the benchmark) one compiled pass per row does in
registers what numpy does in several passes over cached blocks.

numba is imported lazily, only when a compiled kernel is first wanted, so
importing the engine, the CLI and small runs never pay for it. Each kernel is
a closure over the number of indicators ``m`` (numba treats it as a
compile-time constant, so the per-row loop is unrolled and vectorised across
rows) and is cached on disk (``cache=True``; the cache key includes ``m``).
The first use in a process costs the numba import and loading (or, on a fresh
checkout, compiling) the kernel: about 1-3 s, reported by ``bench/engine.py``.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from fenghuang.errors import EngineInputError

from ._checks_wm import FloatArray

__all__: list[str] = []

Kernel = Literal["auto", "numpy", "compiled"]

#: ``kernel="auto"`` compiles only for matrices with at least this many cells
#: (e.g. 200,000 firms × 5 indicators): below it the numpy path takes a few
#: milliseconds and a first-use compile delay would dominate.
AUTO_MIN_CELLS = 1_000_000


@functools.cache
def numba_available() -> bool:
    """Whether numba can be imported (without importing it)."""
    return importlib.util.find_spec("numba") is not None


def use_compiled(kernel: str, n_cells: int) -> bool:
    """Decide the path for ``kernel`` in {"auto", "numpy", "compiled"}."""
    if kernel == "numpy":
        return False
    if kernel == "compiled":
        if not numba_available():
            raise EngineInputError(
                "E-ENGINE-PARAM",
                zh="未安装 numba，无法使用编译内核",
                en="numba is not installed: the compiled kernel is unavailable",
                hint_zh="安装 numba，或使用 kernel='numpy'",
                hint_en="install numba, or use kernel='numpy'",
            )
        return True
    if kernel == "auto":
        return n_cells >= AUTO_MIN_CELLS and numba_available()
    raise EngineInputError(
        "E-ENGINE-PARAM",
        zh=f"未知的内核：{kernel}",
        en=f"unknown kernel: {kernel}",
        hint_zh="可选 auto、numpy 或 compiled",
        hint_en="use 'auto', 'numpy' or 'compiled'",
    )


def _njit(**kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    import numba  # lazy: see the module docstring

    dec: Callable[[Callable[..., Any]], Callable[..., Any]] = numba.njit(
        cache=True, nogil=True, boundscheck=False, error_model="numpy", **kwargs
    )
    return dec


@functools.cache
def column_stats_kernel(m: int) -> Callable[[FloatArray], tuple[FloatArray, ...]]:
    """``f(flat) -> (min, max, sum of squares)`` per column of a C-ordered (n, m) matrix.

    NaN does not enter min/max here but makes the sum of squares NaN, which
    the caller checks.
    """

    # column reductions across rows: reassociation lets LLVM vectorise them
    @_njit(fastmath={"reassoc", "nsz", "contract"})
    def stats(a: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:  # pragma: no cover
        n = a.shape[0] // m
        lo = np.full(m, np.inf)
        hi = np.full(m, -np.inf)
        ss = np.zeros(m)
        for i in range(n):
            k = i * m
            for j in range(m):
                x = a[k + j]
                if x < lo[j]:
                    lo[j] = x
                if x > hi[j]:
                    hi[j] = x
                ss[j] += x * x
        return lo, hi, ss

    return stats


@functools.cache
def topsis_kernel(m: int) -> Callable[..., None]:
    """``f(flat, best, scale, gap, out)``: TOPSIS closeness per row into ``out``.

    ``u_j = s_j (x_j - best_j)`` and ``v_j = u_j + gap_j`` with
    ``gap_j = s_j (best_j - worst_j)``; ``D+ = ||u||``, ``D- = ||v||`` and
    ``C = D- / (D+ + D-)`` (0.5 when both are 0).
    """

    @_njit()
    def dist(  # pragma: no cover
        a: FloatArray, best: FloatArray, scale: FloatArray, gap: FloatArray, out: FloatArray
    ) -> None:
        n = a.shape[0] // m
        for i in range(n):
            k = i * m
            p = 0.0
            q = 0.0
            for j in range(m):
                u = scale[j] * (a[k + j] - best[j])
                v = u + gap[j]
                p += u * u
                q += v * v
            dp = np.sqrt(p)
            dm = np.sqrt(q)
            t = dp + dm
            out[i] = dm / t if t > 0 else 0.5

    return dist


@functools.cache
def benchmark_kernel(m: int) -> Callable[..., None]:
    """``f(flat, coef, cap, cost, out)``: ``sum_j clip(r_j, 0, cap_j)`` per row into ``out``.

    ``r_j = coef_j x_j`` for benefit and ``coef_j / x_j`` for cost columns
    (``cost_j`` non-zero); NaN propagates, summed left to right.
    """

    @_njit()
    def score(  # pragma: no cover
        a: FloatArray, coef: FloatArray, cap: FloatArray, cost: FloatArray, out: FloatArray
    ) -> None:
        n = a.shape[0] // m
        for i in range(n):
            k = i * m
            s = 0.0
            for j in range(m):
                x = a[k + j]
                # IEEE division (error_model="numpy"): x = 0 gives inf, so the cap
                r = coef[j] / x if cost[j] != 0.0 else coef[j] * x
                # comparisons written so that NaN passes through
                r = cap[j] if r > cap[j] else r
                r = 0.0 if r < 0.0 else r
                s += r
            out[i] = s

    return score


@functools.cache
def benchmark_benefit_kernel(m: int) -> Callable[..., None]:
    """``f(flat, coef, capx, out)``: ``sum_j coef_j clip(x_j, 0, capx_j)`` (all benefit)."""

    @_njit()
    def score(  # pragma: no cover
        a: FloatArray, coef: FloatArray, capx: FloatArray, out: FloatArray
    ) -> None:
        n = a.shape[0] // m
        for i in range(n):
            k = i * m
            s = 0.0
            for j in range(m):
                x = a[k + j]
                x = capx[j] if x > capx[j] else x
                x = 0.0 if x < 0.0 else x
                s += coef[j] * x
            out[i] = s

    return score


@functools.cache
def share_bin_kernels() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``(count, assign)`` for :func:`classify_shares`: histogram and class per unit.

    Both compute a unit's key exactly as the numpy path does,
    ``code * B + min(int((x - lo) * scale), B - 1)`` (no fast-math, so the
    same IEEE operations and the same keys). ``count(x, codes, lo, scale, B,
    G)`` returns the (G * B,) counts; ``assign(x, codes, lo, scale, B,
    bin_cls, out)`` writes ``bin_cls[key]`` into ``out``.
    """

    @_njit()
    def count(  # pragma: no cover
        x: FloatArray, codes: Any, lo: float, scale: float, B: int, G: int
    ) -> Any:
        cnt = np.zeros(G * B, dtype=np.int32)  # the caller keeps n < 2**31
        top = B - 1
        for i in range(x.shape[0]):
            b = int((x[i] - lo) * scale)
            b = top if b > top else b
            cnt[codes[i] * B + b] += 1
        return cnt

    @_njit()
    def assign(  # pragma: no cover
        x: FloatArray, codes: Any, lo: float, scale: float, B: int, bin_cls: Any, out: Any
    ) -> None:
        top = B - 1
        for i in range(x.shape[0]):
            b = int((x[i] - lo) * scale)
            b = top if b > top else b
            out[i] = bin_cls[codes[i] * B + b]

    return count, assign


@functools.cache
def score_range_kernel() -> Callable[[FloatArray], tuple[float, float, int]]:
    """``f(x) -> (min, max, number of NaN)`` in one pass; min/max skip NaN."""

    @_njit()
    def score_range(x: FloatArray) -> tuple[float, float, int]:  # pragma: no cover
        lo = np.inf
        hi = -np.inf
        nan = 0
        for i in range(x.shape[0]):
            v = x[i]
            if v < lo:
                lo = v
            if v > hi:
                hi = v
            if v != v:
                nan += 1
        return lo, hi, nan

    return score_range
