"""PROMETHEE II outranking flows (Brans & Vincke 1985)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError

from ._checks_wm import FloatArray, as_matrix, as_types, as_weights, indicator_name

__all__ = ["PREFERENCE_FUNCTIONS", "PrometheeResult", "promethee_ii"]

#: Preference functions and the thresholds each needs (Brans' types I–V).
PREFERENCE_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "usual": (),  # type I: P = 1 if d > 0
    "ushape": ("q",),  # type II: P = 1 if d > q
    "vshape": ("p",),  # type III: P = d / p up to p, then 1
    "level": ("q", "p"),  # type IV: 0 up to q, 1/2 up to p, then 1
    "linear": ("q", "p"),  # type V: 0 up to q, (d - q) / (p - q) up to p, then 1
}

#: Pairwise differences computed at a time (rows × alternatives), bounding memory.
_CELLS = 1 << 22


class PrometheeResult(NamedTuple):
    """PROMETHEE flows, each of shape (n_alternatives,)."""

    positive: FloatArray
    """Leaving flow phi+: how much an alternative outranks the others."""
    negative: FloatArray
    """Entering flow phi-: how much it is outranked."""
    net: FloatArray
    """Net flow phi = phi+ - phi-, in [-1, 1]; higher is better."""


def _preference(d: FloatArray, kind: str, q: float, p: float) -> FloatArray:
    if kind == "usual":
        return (d > 0).astype(np.float64)
    if kind == "ushape":
        return (d > q).astype(np.float64)
    if kind == "vshape":
        return np.clip(d / p, 0.0, 1.0)
    if kind == "level":
        return np.where(d > p, 1.0, np.where(d > q, 0.5, 0.0))
    return np.clip((d - q) / (p - q), 0.0, 1.0)  # linear


def _per_criterion(value: float | npt.ArrayLike | None, m: int, what: str) -> FloatArray | None:
    if value is None:
        return None
    arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (m,)).copy()
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise EngineInputError(
            "E-ENGINE-PARAM",
            zh=f"PROMETHEE 阈值 {what} 必须为非负有限数",
            en=f"PROMETHEE threshold {what} must be finite and non-negative",
        )
    return arr


def promethee_ii(
    X: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: npt.ArrayLike | None = None,
    *,
    preference: str | Sequence[str] = "usual",
    q: float | npt.ArrayLike | None = None,
    p: float | npt.ArrayLike | None = None,
    names: Sequence[str] | None = None,
) -> PrometheeResult:
    """PROMETHEE II net outranking flows.

    For each pair ``(a, b)`` and criterion ``j`` the difference
    ``d = t_j (x_aj - x_bj)`` (sign flipped for cost criteria) is mapped by the
    preference function to ``P_j(a, b)`` in [0, 1]; ``pi(a, b) = sum_j w_j P_j``;
    ``phi+(a) = sum_b pi(a, b) / (n - 1)``, ``phi-(a) = sum_b pi(b, a) / (n - 1)``.

    Parameters
    ----------
    X : array-like, shape (n_alternatives, n_criteria)
        At least 2 alternatives.
    weights : array-like, shape (n_criteria,)
    types : array-like of +1/-1, optional
    preference : str or sequence of str, default "usual"
        One of :data:`PREFERENCE_FUNCTIONS` for all criteria, or one per criterion:
        ``"usual"``, ``"ushape"`` (needs ``q``), ``"vshape"`` (``p``), ``"level"``
        (``q`` < ``p``), ``"linear"`` (``q`` < ``p``; pymcdm's ``"vshape_2"``).
    q, p : float or array-like, shape (n_criteria,), optional
        Indifference and preference thresholds in the criterion's units.
    names : sequence of str, optional

    Returns
    -------
    PrometheeResult
        ``positive``, ``negative`` and ``net`` flows.

    Notes
    -----
    Time is O(n² m); pairs are processed in row blocks so memory stays
    about 32 MB whatever ``n``. Meant for up to a few thousand alternatives.

    Examples
    --------
    >>> promethee_ii([[4, 3, 2], [3, 2, 4], [5, 1, 3]], [0.5, 0.3, 0.2]).net.round(2)
    array([ 0.1, -0.3,  0.2])
    """
    A = as_matrix(X, names=names, min_rows=2)
    n, m = A.shape
    w = as_weights(weights, m, names=names)
    t = as_types(types, m)
    kinds = [preference] * m if isinstance(preference, str) else list(preference)
    if len(kinds) != m:
        raise EngineInputError(
            "E-ENGINE-PARAM",
            zh=f"偏好函数个数 {len(kinds)} 与指标数 {m} 不一致",
            en=f"{len(kinds)} preference functions for {m} criteria",
        )
    qa = _per_criterion(q, m, "q")
    pa = _per_criterion(p, m, "p")
    for j, kind in enumerate(kinds):
        if kind not in PREFERENCE_FUNCTIONS:
            raise EngineInputError(
                "E-ENGINE-PARAM",
                zh=f"未知的偏好函数：{kind}",
                en=f"unknown preference function: {kind}",
                hint_zh="可选 " + "、".join(PREFERENCE_FUNCTIONS),
                hint_en="use one of " + ", ".join(PREFERENCE_FUNCTIONS),
                indicator=indicator_name(j, names),
            )
        needs = PREFERENCE_FUNCTIONS[kind]
        if ("q" in needs and qa is None) or ("p" in needs and pa is None):
            raise EngineInputError(
                "E-ENGINE-PARAM",
                zh=f"偏好函数 {kind} 需要阈值 {'、'.join(needs)}",
                en=f"preference function {kind} needs threshold(s) {', '.join(needs)}",
                indicator=indicator_name(j, names),
            )
        if kind == "vshape" and pa is not None and pa[j] <= 0:
            raise EngineInputError(
                "E-ENGINE-PARAM",
                zh="vshape 偏好函数要求 p > 0",
                en="the vshape preference function needs p > 0",
                indicator=indicator_name(j, names),
            )
        if kind in ("level", "linear") and qa is not None and pa is not None and qa[j] >= pa[j]:
            raise EngineInputError(
                "E-ENGINE-PARAM",
                zh=f"{kind} 偏好函数要求 q < p",
                en=f"the {kind} preference function needs q < p",
                indicator=indicator_name(j, names),
            )
    plus = np.zeros(n)
    minus = np.zeros(n)
    rows = max(1, _CELLS // n)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        pi_ab = np.zeros((stop - start, n))  # a in this block, b all
        pi_ba = np.zeros((stop - start, n))
        for j, kind in enumerate(kinds):
            d = t[j] * (A[start:stop, j, None] - A[None, :, j])
            qj = 0.0 if qa is None else float(qa[j])
            pj = 0.0 if pa is None else float(pa[j])
            pi_ab += w[j] * _preference(d, kind, qj, pj)
            pi_ba += w[j] * _preference(-d, kind, qj, pj)
        plus[start:stop] = pi_ab.sum(axis=1)
        minus[start:stop] = pi_ba.sum(axis=1)
    plus /= n - 1
    minus /= n - 1
    return PrometheeResult(positive=plus, negative=minus, net=plus - minus)
