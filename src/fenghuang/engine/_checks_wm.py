"""Input checks shared by weights, MCDA rankers, classification and audit.

Private helpers: they turn array-likes into float64 arrays and raise
:class:`~fenghuang.errors.EngineInputError` / :class:`~fenghuang.errors.WeightsError`
in Chinese and English naming the indicator (column) and unit (row).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError, WeightsError

__all__: list[str] = []

FloatArray = npt.NDArray[np.float64]


def indicator_name(j: int, names: Sequence[str] | None) -> str:
    """The display name of column ``j``: its name if given, else ``#j``."""
    if names is not None and j < len(names):
        return str(names[j])
    return f"#{j}"


def as_matrix(
    X: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    allow_nan: bool = False,
    min_rows: int = 1,
) -> FloatArray:
    """``X`` as a 2-D float64 array (units × indicators), checked.

    Raises EngineInputError for a wrong shape, too few rows, infinite values,
    or NaN (unless ``allow_nan``), naming the first offending indicator/unit.
    """
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EngineInputError(
            "E-ENGINE-NOT-NUMERIC",
            zh="矩阵包含非数值内容",
            en="the matrix contains non-numeric values",
        ) from exc
    if arr.ndim != 2:
        raise EngineInputError(
            "E-ENGINE-SHAPE",
            zh=f"需要二维矩阵（单元 × 指标），实际维数为 {arr.ndim}",
            en=f"expected a 2-D matrix (units × indicators), got {arr.ndim} dimension(s)",
        )
    n, m = arr.shape
    if m == 0 or n < min_rows:
        raise EngineInputError(
            "E-ENGINE-TOO-FEW",
            zh=f"矩阵至少需要 {min_rows} 个单元和 1 个指标，实际为 {n} × {m}",
            en=f"the matrix needs at least {min_rows} unit(s) and 1 indicator, got {n} × {m}",
        )
    if names is not None and len(names) != m:
        raise EngineInputError(
            "E-ENGINE-NAMES",
            zh=f"指标名称数 {len(names)} 与矩阵列数 {m} 不一致",
            en=f"{len(names)} indicator names for a matrix with {m} columns",
        )
    bad = np.isinf(arr) if allow_nan else ~np.isfinite(arr)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        what_zh = "无穷大" if np.isinf(arr[i, j]) else "缺失值（NaN）"
        what_en = "an infinite value" if np.isinf(arr[i, j]) else "a missing value (NaN)"
        raise EngineInputError(
            "E-ENGINE-NONFINITE",
            zh=f"矩阵含{what_zh}",
            en=f"the matrix contains {what_en}",
            hint_zh="请先插补缺失值或剔除该单元",
            hint_en="impute missing values or drop the unit first",
            indicator=indicator_name(j, names),
            unit=i,
        )
    return arr


def as_types(types: npt.ArrayLike | None, m: int) -> FloatArray:
    """The criteria types as +1 (benefit) / -1 (cost), length ``m``."""
    if types is None:
        return np.ones(m)
    t = np.asarray(types, dtype=np.float64).ravel()
    if t.shape[0] != m:
        raise EngineInputError(
            "E-ENGINE-TYPES",
            zh=f"指标类型向量长度 {t.shape[0]} 与指标数 {m} 不一致",
            en=f"types vector has length {t.shape[0]} for {m} indicators",
        )
    if not np.all((t == 1.0) | (t == -1.0)):
        j = int(np.flatnonzero((t != 1.0) & (t != -1.0))[0])
        raise EngineInputError(
            "E-ENGINE-TYPES",
            zh="指标类型只能是 +1（效益型，越大越好）或 -1（成本型，越小越好）",
            en="types must be +1 (benefit, higher is better) or -1 (cost, lower is better)",
            indicator=f"#{j}",
            value=t[j],
        )
    return t


def as_weights(
    weights: npt.ArrayLike,
    m: int,
    *,
    names: Sequence[str] | None = None,
    atol: float = 1e-6,
) -> FloatArray:
    """Weights for ``m`` criteria: finite, non-negative, summing to 1 (within ``atol``)."""
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape[0] != m:
        raise WeightsError(
            "E-WEIGHTS-LENGTH",
            zh=f"权重个数 {w.shape[0]} 与指标数 {m} 不一致",
            en=f"{w.shape[0]} weights for {m} indicators",
        )
    check_weight_values(w, names=names)
    total = float(w.sum())
    if abs(total - 1.0) > atol:
        raise WeightsError(
            "E-WEIGHTS-SUM",
            zh=f"权重之和为 {total:.6g}，应为 1",
            en=f"weights sum to {total:.6g}, not 1",
            hint_zh="请调整权重，或用 w_fixed(..., renormalise=True) 显式归一化",
            hint_en="fix the weights, or renormalise explicitly with w_fixed(..., renormalise=True)",
        )
    return w


def check_weight_values(w: FloatArray, *, names: Sequence[str] | None = None) -> None:
    """Raise WeightsError for a NaN/infinite or negative weight, naming the indicator."""
    bad = ~np.isfinite(w)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise WeightsError(
            "E-WEIGHTS-NONFINITE",
            zh="权重缺失或为无穷大",
            en="a weight is missing (NaN) or infinite",
            indicator=indicator_name(j, names),
        )
    neg = w < 0
    if neg.any():
        j = int(np.flatnonzero(neg)[0])
        raise WeightsError(
            "E-WEIGHTS-NEGATIVE",
            zh="权重不能为负",
            en="a weight is negative",
            indicator=indicator_name(j, names),
            value=float(w[j]),
        )


def zero_range_error(
    j: int, names: Sequence[str] | None, method: tuple[str, str]
) -> EngineInputError:
    """The error for an indicator with the same value for every unit.

    ``method`` is the method's name in Chinese and in English.
    """
    return EngineInputError(
        "E-ENGINE-ZERO-VARIANCE",
        zh=f"指标在所有单元上取值相同（方差为零），{method[0]}无法计算",
        en=f"indicator has the same value for every unit (zero variance); {method[1]} is undefined",
        hint_zh="请删除该指标，或为其指定固定权重",
        hint_en="drop the indicator or give it a fixed weight",
        indicator=indicator_name(j, names),
    )
