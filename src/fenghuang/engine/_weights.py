"""Indicator weights: fixed and equal weights, and the registry of all methods.

Every function returns a float64 vector of length ``n_indicators`` that is
non-negative and sums to 1. The objective methods (``_weights_objective``)
share one signature, ``w_<name>(X, types=None, *, names=None)``, so a method
file can name them (see :data:`WEIGHT_METHODS`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from fenghuang.errors import WeightsError

from ._checks_wm import FloatArray, check_weight_values
from ._weights_objective import w_critic, w_entropy, w_merec, w_pca, w_std

__all__ = ["WEIGHT_METHODS", "WeightsRenormalisedWarning", "w_equal", "w_fixed"]


class WeightsRenormalisedWarning(UserWarning):
    """Fixed weights did not sum to 1 and were rescaled on request.

    Attributes
    ----------
    original_sum : float
        The sum of the weights as given.
    """

    def __init__(self, original_sum: float) -> None:
        self.original_sum = original_sum
        super().__init__(
            f"权重之和为 {original_sum:.6g}，已按要求归一化为 1 / "
            f"weights summed to {original_sum:.6g} and were renormalised to 1"
        )


def w_fixed(
    weights: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    renormalise: bool = False,
    atol: float = 1e-6,
) -> FloatArray:
    """Validate fixed (expert) weights.

    Parameters
    ----------
    weights : array-like, shape (n_indicators,)
        The weights as set by the method file.
    names : sequence of str, optional
        Indicator names, used in error messages.
    renormalise : bool, default False
        If the weights do not sum to 1 (within ``atol``): ``False`` raises
        :class:`~fenghuang.errors.WeightsError`; ``True`` divides them by their
        sum and emits :class:`WeightsRenormalisedWarning` carrying the original
        sum. Renormalisation is never silent.
    atol : float, default 1e-6
        Tolerance on the sum.

    Returns
    -------
    ndarray, shape (n_indicators,)
        The weights, summing to 1.

    Raises
    ------
    WeightsError
        A weight is NaN, infinite or negative; all weights are zero; or the sum
        is not 1 and ``renormalise`` is False.

    Examples
    --------
    >>> w_fixed([0.5, 0.3, 0.2])
    array([0.5, 0.3, 0.2])
    """
    w = np.array(weights, dtype=np.float64).ravel()
    if w.size == 0:
        raise WeightsError("E-WEIGHTS-EMPTY", zh="权重为空", en="no weights given")
    if names is not None and len(names) != w.size:
        raise WeightsError(
            "E-WEIGHTS-LENGTH",
            zh=f"权重个数 {w.size} 与指标名称数 {len(names)} 不一致",
            en=f"{w.size} weights for {len(names)} indicator names",
        )
    check_weight_values(w, names=names)
    total = float(w.sum())
    if total <= 0.0:
        raise WeightsError(
            "E-WEIGHTS-ZERO",
            zh="所有权重均为零",
            en="all weights are zero",
        )
    if abs(total - 1.0) > atol:
        if not renormalise:
            raise WeightsError(
                "E-WEIGHTS-SUM",
                zh=f"权重之和为 {total:.6g}，应为 1",
                en=f"weights sum to {total:.6g}, not 1",
                hint_zh="请修正权重，或设置 renormalise=True 显式归一化",
                hint_en="fix the weights, or set renormalise=True to rescale them explicitly",
            )
        warnings.warn(WeightsRenormalisedWarning(total), stacklevel=2)
    return w / total


def w_equal(X: npt.ArrayLike | int, types: npt.ArrayLike | None = None) -> FloatArray:
    """Equal weights ``1 / n_indicators``.

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators), or int
        The matrix (only its number of columns is used) or the number of indicators.
    types : ignored
        Accepted for a uniform signature.

    Returns
    -------
    ndarray, shape (n_indicators,)

    Examples
    --------
    >>> w_equal(4)
    array([0.25, 0.25, 0.25, 0.25])
    """
    if isinstance(X, int | np.integer):
        m = int(X)
    else:
        shape = np.shape(X)
        m = int(shape[1]) if len(shape) == 2 else 0
    if m < 1:
        raise WeightsError(
            "E-WEIGHTS-EMPTY",
            zh="指标数必须至少为 1",
            en="the number of indicators must be at least 1",
        )
    return np.full(m, 1.0 / m)


WeightFunction = Callable[..., FloatArray]

#: Objective weighting methods by the name a method file uses.
WEIGHT_METHODS: Mapping[str, WeightFunction] = MappingProxyType(
    {
        "equal": w_equal,
        "entropy": w_entropy,
        "critic": w_critic,
        "merec": w_merec,
        "std": w_std,
        "pca": w_pca,
    }
)
