"""Classification by fixed score thresholds and by natural (Jenks) breaks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError

from ._classify import _as_scores, check_labels

__all__ = ["classify_breaks", "classify_thresholds"]


def classify_thresholds(
    scores: npt.ArrayLike,
    thresholds: npt.ArrayLike,
    labels: Sequence[str],
    *,
    higher_is_better: bool = True,
) -> npt.NDArray[np.str_]:
    """Classes by fixed score thresholds, best class first.

    Parameters
    ----------
    scores : array-like, shape (n_units,)
        NaN scores get the label ``""``.
    thresholds : array-like, shape (n_classes - 1,)
        Strictly decreasing when higher is better (e.g. 90, 75, 60), strictly
        increasing when lower is better.
    labels : sequence of str, length n_classes
    higher_is_better : bool, default True

    Returns
    -------
    ndarray of str, shape (n_units,)

    Notes
    -----
    Boundary rule: a score equal to a threshold gets the better class. With
    thresholds (90, 75, 60) and labels A–D: ``s >= 90`` is A, ``75 <= s < 90``
    is B, ``60 <= s < 75`` is C, ``s < 60`` is D. When lower is better the
    comparisons are ``s <= t``.

    Examples
    --------
    >>> classify_thresholds([95, 90, 80, 60, 10, np.nan], [90, 75, 60], "ABCD")
    array(['A', 'A', 'B', 'C', 'D', ''], dtype='<U1')
    """
    s = _as_scores(scores)
    t = np.asarray(thresholds, dtype=np.float64).ravel()
    labs = check_labels(labels, t.size + 1, what="thresholds + 1")
    if not np.all(np.isfinite(t)):
        raise EngineInputError(
            "E-ENGINE-THRESHOLDS",
            zh="分类阈值必须为有限数",
            en="class thresholds must be finite",
        )
    steps = np.diff(t)
    if (higher_is_better and np.any(steps >= 0)) or (not higher_is_better and np.any(steps <= 0)):
        raise EngineInputError(
            "E-ENGINE-THRESHOLDS",
            zh="分类阈值必须从最好的类别起严格单调（越大越好时递减，越小越好时递增）",
            en="class thresholds must be strictly monotone from the best class "
            "(decreasing if higher is better, increasing if lower is better)",
            value=", ".join(f"{v:g}" for v in t),
        )
    # number of thresholds the score fails to reach = class index
    if higher_is_better:
        idx = np.searchsorted(-t, -s, side="left")
    else:
        idx = np.searchsorted(t, s, side="left")
    idx = np.where(np.isnan(s), len(labs), idx)
    return np.asarray([*labs, ""]).take(idx)


def classify_breaks(
    scores: npt.ArrayLike,
    k: int,
    labels: Sequence[str],
    *,
    higher_is_better: bool = True,
) -> npt.NDArray[np.str_]:
    """Classes by Jenks natural breaks (``jenkspy``), best class first.

    Parameters
    ----------
    scores : array-like, shape (n_units,)
        NaN scores get the label ``""``.
    k : int
        Number of classes, at least 2 and at most the number of distinct scores.
    labels : sequence of str, length k
    higher_is_better : bool, default True

    Returns
    -------
    ndarray of str, shape (n_units,)

    Notes
    -----
    ``jenkspy.jenks_breaks`` returns ``k + 1`` break values ``b_0 = min`` …
    ``b_k = max``; the classes are ``[b_0, b_1]``, ``(b_1, b_2]`` … (a score
    equal to a break joins the lower interval, as in jenkspy's own
    ``JenksNaturalBreaks``). The highest interval is the best class when
    higher is better. Jenks is O(k n²): meant for up to ~10,000 units.

    Examples
    --------
    >>> classify_breaks([1, 2, 3, 10, 11, 12, 30, 31], 3, "ABC")
    array(['C', 'C', 'C', 'B', 'B', 'B', 'A', 'A'], dtype='<U1')
    """
    import jenkspy

    s = _as_scores(scores)
    labs = check_labels(labels, k, what="classes")
    valid = ~np.isnan(s)
    distinct = np.unique(s[valid]).size
    if k < 2 or distinct < k:
        raise EngineInputError(
            "E-ENGINE-BREAKS",
            zh=f"自然断点分类需要 2 ≤ k ≤ 不同得分个数（{distinct}），实际 k = {k}",
            en=f"natural breaks need 2 <= k <= the number of distinct scores ({distinct}), got k = {k}",
        )
    breaks = np.asarray(jenkspy.jenks_breaks(s[valid].tolist(), n_classes=k), dtype=np.float64)
    ascending = np.searchsorted(breaks[1:-1], s, side="left")
    idx = (k - 1 - ascending) if higher_is_better else ascending
    idx = np.where(valid, idx, k)
    return np.asarray([*labs, ""]).take(idx)
