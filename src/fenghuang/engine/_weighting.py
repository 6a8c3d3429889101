"""The weighting step as an estimator: parameters in, ``weights_`` learned in ``fit``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy.typing as npt

from fenghuang.errors import WeightsError

from ._checks_wm import FloatArray, as_matrix
from ._weights import WEIGHT_METHODS, w_fixed

__all__ = ["Weighting"]


class Weighting:
    """Choose indicator weights by name, following the estimator contract.

    Parameters
    ----------
    method : str, default "equal"
        ``"fixed"`` or a key of :data:`WEIGHT_METHODS` (``"equal"``,
        ``"entropy"``, ``"critic"``, ``"merec"``, ``"std"``, ``"pca"``).
    fixed : sequence of float, optional
        The weights for ``method="fixed"``.
    renormalise : bool, default False
        For ``method="fixed"``: rescale weights that do not sum to 1 (with a
        :class:`WeightsRenormalisedWarning`) instead of refusing them.

    Attributes
    ----------
    weights_ : ndarray, shape (n_indicators,)
        The weights found by :meth:`fit`, summing to 1.

    Examples
    --------
    >>> step = Weighting(method="critic")
    >>> step.fit([[1.0, 3.0], [2.0, 1.0], [4.0, 2.0]]).weights_.round(3)
    array([0.505, 0.495])
    >>> Weighting(**step.get_params()).get_params() == step.get_params()
    True
    """

    def __init__(
        self,
        method: str = "equal",
        fixed: Sequence[float] | None = None,
        renormalise: bool = False,
    ) -> None:
        self.method = method
        self.fixed = fixed
        self.renormalise = renormalise

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments, for a run record or a method file."""
        return {
            "method": self.method,
            "fixed": None if self.fixed is None else list(self.fixed),
            "renormalise": self.renormalise,
        }

    def set_params(self, **params: Any) -> Weighting:
        """Set constructor arguments; returns self."""
        for key, value in params.items():
            if key not in self.get_params():
                raise WeightsError(
                    "E-WEIGHTS-PARAM",
                    zh=f"权重步骤没有参数 {key}",
                    en=f"the weighting step has no parameter {key}",
                )
            setattr(self, key, value)
        return self

    def fit(
        self,
        X: npt.ArrayLike,
        types: npt.ArrayLike | None = None,
        *,
        names: Sequence[str] | None = None,
    ) -> Weighting:
        """Compute ``weights_`` from the (normalised) matrix.

        Parameters
        ----------
        X : array-like, shape (n_units, n_indicators)
        types : array-like of +1/-1, optional
        names : sequence of str, optional
            Indicator names for error messages.

        Returns
        -------
        self
        """
        if self.method == "fixed":
            if self.fixed is None:
                raise WeightsError(
                    "E-WEIGHTS-MISSING",
                    zh="固定权重法需要给出权重",
                    en="method 'fixed' needs the weights",
                )
            m = as_matrix(X, allow_nan=True).shape[1]
            w: FloatArray = w_fixed(self.fixed, names=names, renormalise=self.renormalise)
            if w.size != m:
                raise WeightsError(
                    "E-WEIGHTS-LENGTH",
                    zh=f"权重个数 {w.size} 与指标数 {m} 不一致",
                    en=f"{w.size} weights for {m} indicators",
                )
        elif self.method in WEIGHT_METHODS:
            fn = WEIGHT_METHODS[self.method]
            w = fn(X, types) if self.method == "equal" else fn(X, types, names=names)
        else:
            raise WeightsError(
                "E-WEIGHTS-METHOD",
                zh=f"未知的赋权方法：{self.method}",
                en=f"unknown weighting method: {self.method}",
                hint_zh="可选 fixed、" + "、".join(WEIGHT_METHODS),
                hint_en="use fixed, " + ", ".join(WEIGHT_METHODS),
            )
        self.weights_ = w
        return self
