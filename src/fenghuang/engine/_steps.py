"""Estimator-style build steps: the constructor stores parameters, ``fit``
learns state ending in ``_``, ``get_params`` round-trips (STYLE 3)."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError

from ._normalise import n_minmax
from ._treat import treat_outliers

__all__ = ["Impute", "MinMax", "Treat"]

Array = npt.NDArray[np.float64]


class _Step:
    def get_params(self) -> dict[str, Any]:
        """Constructor arguments by name (for a run record)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {n: getattr(self, n) for n in names}

    def set_params(self, **params: Any) -> _Step:
        for k, v in params.items():
            if k not in self.get_params():
                raise EngineInputError(
                    "E-ENGINE-PARAM", zh=f"未知参数 {k}", en=f"unknown parameter {k}"
                )
            setattr(self, k, v)
        return self

    def fit_transform(self, X: npt.ArrayLike) -> Array:
        return self.fit(X).transform(X)  # type: ignore[attr-defined, no-any-return]


class MinMax(_Step):
    """Min-max per column onto ``[lo, hi]`` with per-column ``directions``.

    Examples
    --------
    >>> s = MinMax(lo=0, hi=1).fit([[1.0, 10.0], [3.0, 20.0]])
    >>> s.data_min_.tolist(), s.transform([[2.0, 15.0]]).tolist()
    ([1.0, 10.0], [[0.5, 0.5]])
    >>> MinMax(**s.get_params()).get_params() == s.get_params()
    True
    """

    def __init__(self, *, lo: float = 0.0, hi: float = 100.0, directions: Any = None) -> None:
        self.lo = lo
        self.hi = hi
        self.directions = directions

    def fit(self, X: npt.ArrayLike) -> MinMax:
        M = np.asarray(X, dtype=np.float64)
        for j in range(M.shape[1]):
            n_minmax(M[:, j], indicator=str(j))  # validates: not all missing, variance > 0
        self.data_min_ = np.nanmin(M, axis=0)
        self.data_max_ = np.nanmax(M, axis=0)
        d = np.ones(M.shape[1]) if self.directions is None else np.asarray(self.directions)
        self.directions_ = d.astype(np.float64)
        return self

    def transform(self, X: npt.ArrayLike) -> Array:
        M = np.asarray(X, dtype=np.float64)
        span = self.data_max_ - self.data_min_
        up = (M - self.data_min_) / span
        y = np.where(self.directions_ > 0, up, 1.0 - up)
        out: Array = y * (self.hi - self.lo) + self.lo
        return out


class Impute(_Step):
    """Fill NaN with the column mean or median learned in ``fit`` (``fill_``).

    Examples
    --------
    >>> Impute(method="median").fit_transform([[1.0], [np.nan], [5.0], [2.0]]).ravel().tolist()
    [1.0, 2.0, 5.0, 2.0]
    """

    def __init__(self, *, method: str = "mean") -> None:
        self.method = method

    def fit(self, X: npt.ArrayLike) -> Impute:
        M = np.asarray(X, dtype=np.float64)
        if self.method not in ("mean", "median"):
            raise EngineInputError(
                "E-ENGINE-METHOD", zh=f"未知插补方法 {self.method}", en=f"unknown {self.method}"
            )
        f = np.nanmean if self.method == "mean" else np.nanmedian
        self.fill_ = f(M, axis=0)
        return self

    def transform(self, X: npt.ArrayLike) -> Array:
        M = np.asarray(X, dtype=np.float64)
        return np.where(np.isnan(M), self.fill_, M)


class Treat(_Step):
    """COINr outlier treatment per column; ``methods_`` records what was done.

    Examples
    --------
    >>> t = Treat(winmax=2).fit(np.c_[np.r_[1:11, 30, 100]])
    >>> t.methods_
    ['winsorised']
    """

    def __init__(
        self, *, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
    ) -> None:
        self.winmax = winmax
        self.skew_thresh = skew_thresh
        self.kurt_thresh = kurt_thresh

    def fit(self, X: npt.ArrayLike) -> Treat:
        M = np.asarray(X, dtype=np.float64)
        res = [treat_outliers(M[:, j], **self.get_params()) for j in range(M.shape[1])]
        self.methods_ = [r.method for r in res]
        self.treated_ = np.column_stack([r.values for r in res])
        return self

    def transform(self, X: npt.ArrayLike) -> Array:
        """The treated training data (treatment depends on the whole column)."""
        out: Array = self.treated_
        return out
