"""Objective (data-driven) weights: entropy, CRITIC, MEREC, standard deviation, PCA.

They share one signature, ``w_<name>(X, types=None, *, names=None)``, and
return non-negative float64 weights summing to 1. ``names`` are only used in
error messages.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError

from ._checks_wm import (
    FloatArray,
    as_matrix,
    as_types,
    indicator_name,
    zero_range_error,
)

__all__ = ["w_critic", "w_entropy", "w_merec", "w_pca", "w_std"]


def _normalised(d: FloatArray, method: tuple[str, str], names: Sequence[str] | None) -> FloatArray:
    total = float(d.sum())
    if not np.isfinite(total) or total <= 0.0:
        raise EngineInputError(
            "E-ENGINE-WEIGHTS-UNDEFINED",
            zh=f"{method[0]}权重无法计算：所有指标的信息量均为零",
            en=f"{method[1]} weights are undefined: every indicator carries zero information",
            indicator=", ".join(indicator_name(j, names) for j in range(d.size)),
        )
    return d / total


def _check_variance(X: FloatArray, names: Sequence[str] | None, method: tuple[str, str]) -> None:
    rng = X.max(axis=0) - X.min(axis=0)
    flat = np.flatnonzero(rng == 0)
    if flat.size:
        raise zero_range_error(int(flat[0]), names, method)


def w_entropy(
    X: npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    names: Sequence[str] | None = None,
) -> FloatArray:
    """Shannon-entropy weights.

    ``p_ij = x_ij / sum_i x_ij``, ``e_j = -sum_i p_ij ln p_ij / ln n`` (with
    ``0 ln 0 = 0``), ``d_j = max(1 - e_j, 0)`` (``e_j`` may round above 1),
    ``w_j = d_j / sum d``.

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators)
        Non-negative values (normalise first if an indicator can be negative).
    types : ignored
        Entropy does not depend on the direction of a criterion.
    names : sequence of str, optional
        Indicator names for error messages.

    Returns
    -------
    ndarray, shape (n_indicators,)

    Raises
    ------
    EngineInputError
        Fewer than 2 units, NaN, a negative value, or an indicator with zero
        variance (it carries no information; drop it or weight it by hand).

    Notes
    -----
    pymcdm's ``entropy_weights`` sets the entropy of a column containing a zero
    to 0 (maximal weight); we use the usual limit ``0 ln 0 = 0`` instead. The two
    agree on strictly positive matrices.

    Examples
    --------
    >>> w_entropy([[1.0, 5.0], [2.0, 5.5], [9.0, 6.0]]).round(3)
    array([0.993, 0.007])
    """
    A = as_matrix(X, names=names, min_rows=2)
    neg = np.argwhere(A < 0)
    if neg.size:
        i, j = (int(v) for v in neg[0])
        raise EngineInputError(
            "E-ENGINE-NEGATIVE",
            zh="熵权法要求指标值非负",
            en="entropy weights need non-negative values",
            hint_zh="请先做最小-最大标准化",
            hint_en="min-max normalise the matrix first",
            indicator=indicator_name(j, names),
            unit=i,
        )
    _check_variance(A, names, ("熵权法", "entropy"))
    P = A / A.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(P), 0.0)
    e = -plogp.sum(axis=0) / np.log(A.shape[0])
    # e_j <= 1 exactly, but rounding puts it a few ulps above 1 for an indicator whose
    # values differ only in their last digits: such an indicator gets weight 0, not -1e-16
    return _normalised(np.maximum(1.0 - e, 0.0), ("熵权法", "entropy"), names)


def _minmax_directed(A: FloatArray, t: FloatArray) -> FloatArray:
    lo, hi = A.min(axis=0), A.max(axis=0)
    R: FloatArray = (A - lo) / (hi - lo)
    cost = t < 0
    R[:, cost] = 1.0 - R[:, cost]
    return R


def w_critic(
    X: npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    names: Sequence[str] | None = None,
) -> FloatArray:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995).

    Min-max normalise each criterion (cost criteria reversed), then
    ``C_j = sd_j * sum_k (1 - r_jk)`` with ``r`` the Pearson correlation of the
    normalised criteria, ``w_j = C_j / sum C``.

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators)
    types : array-like of +1/-1, optional
        Cost criteria (-1) are reversed before correlating; default all benefit.
    names : sequence of str, optional

    Returns
    -------
    ndarray, shape (n_indicators,)

    Raises
    ------
    EngineInputError
        Fewer than 3 units, NaN, or an indicator with zero variance.

    Notes
    -----
    The standard deviation's ``ddof`` does not matter (it scales every ``C_j``
    alike). pymcdm ignores ``types``; with all-benefit criteria both agree.

    Examples
    --------
    >>> X = [[61, 1.08, 4.33], [20.7, 0.26, 4.34], [16.3, 1.98, 2.53],
    ...      [9.0, 3.29, 1.65], [5.4, 2.77, 2.33], [4.0, 4.12, 1.21],
    ...      [-6.1, 3.52, 2.10], [-34.6, 3.31, 0.98]]
    >>> w_critic(X).round(4)
    array([0.2022, 0.4809, 0.3169])
    """
    A = as_matrix(X, names=names, min_rows=3)
    t = as_types(types, A.shape[1])
    _check_variance(A, names, ("CRITIC ", "CRITIC"))
    R = _minmax_directed(A, t)
    sd = R.std(axis=0, ddof=1)
    corr = np.atleast_2d(np.corrcoef(R, rowvar=False))
    C = sd * (1.0 - corr).sum(axis=0)
    return _normalised(C, ("CRITIC ", "CRITIC"), names)


def w_merec(
    X: npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    names: Sequence[str] | None = None,
) -> FloatArray:
    """MEREC weights: Method based on the Removal Effects of Criteria.

    Keshavarz-Ghorabaee et al. (2021). Normalise ``n_ij = min_k x_kj / x_ij``
    for benefit and ``x_ij / max_k x_kj`` for cost criteria; overall performance
    ``S_i = ln(1 + mean_j |ln n_ij|)``; with criterion ``j`` removed
    ``S'_ij = ln(1 + (1/m) sum_{k != j} |ln n_ik|)``; ``E_j = sum_i |S'_ij - S_i|``
    and ``w_j = E_j / sum E``.

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators)
        Strictly positive values.
    types : array-like of +1/-1, optional
        Default all benefit.
    names : sequence of str, optional

    Returns
    -------
    ndarray, shape (n_indicators,)

    Examples
    --------
    >>> X = [[450, 8000, 54, 145], [10, 9100, 2, 160], [100, 8200, 31, 153],
    ...      [220, 9300, 1, 162], [5, 8400, 23, 158]]
    >>> w_merec(X, [1, 1, -1, -1]).round(4)
    array([0.5752, 0.0141, 0.4016, 0.0091])
    """
    A = as_matrix(X, names=names, min_rows=2)
    t = as_types(types, A.shape[1])
    nonpos = np.argwhere(A <= 0)
    if nonpos.size:
        i, j = (int(v) for v in nonpos[0])
        raise EngineInputError(
            "E-ENGINE-NONPOSITIVE",
            zh="MEREC 要求指标值严格为正",
            en="MEREC needs strictly positive values",
            indicator=indicator_name(j, names),
            unit=i,
        )
    m = A.shape[1]
    N = np.where(t > 0, A.min(axis=0) / A, A / A.max(axis=0))
    L = np.abs(np.log(N))
    total = L.sum(axis=1)
    S = np.log1p(total / m)
    S_removed = np.log1p((total[:, None] - L) / m)
    E = np.abs(S_removed - S[:, None]).sum(axis=0)
    return _normalised(E, ("MEREC ", "MEREC"), names)


def w_std(
    X: npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    names: Sequence[str] | None = None,
) -> FloatArray:
    """Standard-deviation weights ``w_j = sd_j / sum sd``.

    Apply to a normalised matrix: on raw data the weights depend on units.

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators)
    types : ignored
    names : sequence of str, optional

    Returns
    -------
    ndarray, shape (n_indicators,)

    Examples
    --------
    >>> w_std([[0.0, 0.0], [1.0, 0.5]])
    array([0.66666667, 0.33333333])
    """
    A = as_matrix(X, names=names, min_rows=2)
    return _normalised(A.std(axis=0, ddof=1), ("标准差法", "standard deviation"), names)


#: Eigenvalues of the correlation matrix this close (relative) to the largest are a tie.
_PCA_TIE = 1e-9


def w_pca(
    X: npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    names: Sequence[str] | None = None,
) -> FloatArray:
    """Weights from the first principal component of the correlation matrix.

    Variant (stated): standardise the indicators, take the eigenvector ``v`` of
    the correlation matrix with the largest eigenvalue ``lambda``; the loadings
    are ``v * sqrt(lambda)``; the weights are the squared loadings normalised to
    sum 1, which equals ``v_j ** 2``. Only the first component is used (no
    rotation, unlike the OECD Handbook's varimax factor variant). When the
    largest eigenvalue is repeated (k times, within 1e-9 relative), there is
    no single first component; the weights are then the diagonal of the
    projector onto its eigenspace divided by k (``sum of v_j ** 2`` over any
    orthonormal basis of it, / k), the same for every basis and unit order.

    Parameters
    ----------
    X : array-like, shape (n_units, n_indicators)
    types : ignored
        Squared loadings do not depend on the sign of a criterion.
    names : sequence of str, optional

    Returns
    -------
    ndarray, shape (n_indicators,)

    Raises
    ------
    EngineInputError
        Fewer than 3 units, NaN, or an indicator with zero variance.

    Examples
    --------
    >>> w_pca([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9]]).round(3)
    array([0.5, 0.5])
    """
    A = as_matrix(X, names=names, min_rows=3)
    _check_variance(A, names, ("PCA ", "PCA"))
    if A.shape[1] == 1:
        return np.ones(1)
    corr = np.corrcoef(A, rowvar=False)
    lam, vecs = np.linalg.eigh(corr)
    # A repeated largest eigenvalue has no single first component: eigh returns some basis
    # of its eigenspace, which moves with rounding (the order of the units). The diagonal
    # of the projector onto that eigenspace does not; for a simple eigenvalue it is v * v.
    top = int(np.sum(lam >= lam[-1] - _PCA_TIE * max(abs(lam[-1]), 1.0)))
    return _normalised((vecs[:, -top:] ** 2).sum(axis=1), ("PCA ", "PCA"), names)
