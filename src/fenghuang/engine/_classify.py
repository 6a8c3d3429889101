"""Classification by shares: the top 20 % are A, the next 40 % B, … per group.

The boundary rule (also in :func:`classify_shares`' Notes):

* In a group with ``n`` scored units (NaN scores are left out and get the
  label ``""``), the best ``c_k`` units are in class ``k`` or better, where
  ``c_k = floor(S_k * n + 1/2)`` with ``S_k`` the cumulative share of classes
  ``0..k`` (round half up; ``S_k * n`` is first rounded to 9 decimals so that
  0.2 + 0.4 + 0.35 = 0.95 counts as 0.95). The last class closes at ``n``.
* The cut-off of class ``k`` is the score of the ``c_k``-th best unit. A unit
  gets the best class whose cut-off it reaches (score ≥ cut-off, or ≤ when
  lower is better). So units tied at a boundary all get the BETTER class, no
  unit is penalised by an arbitrary order, and the result depends only on the
  scores, never on the order of the units.

Speed: no sort. One pass buckets every score into (group, bin) by counting;
the bin holding each boundary is found from the cumulative counts, and only
the few units in those bins are compared exactly. 1,000,000 scores in 20
groups take about 6 ms (see ``_classify_kernel``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError

from ._checks_wm import FloatArray
from ._classify_kernel import IntArray, _share_classes, raise_infinite
from ._jit import Kernel, use_compiled

__all__ = ["ClassBoundaries", "class_boundaries", "classify_shares"]


@dataclass(frozen=True)
class ClassBoundaries:
    """Score cut-offs of each class in each group.

    Attributes
    ----------
    groups : ndarray, shape (n_groups,)
        The group keys in sorted order; ``array([0])`` when ungrouped.
    labels : tuple of str, length n_classes
    cutoffs : ndarray, shape (n_groups, n_classes)
        The worst score that still earns class ``k`` (or a better one) in the
        group; NaN when the class would be empty from the top (``c_k = 0``) or
        the group has no scored unit.
    counts : ndarray of int, shape (n_groups, n_classes)
        Units in each class after the tie rule.
    higher_is_better : bool
    """

    groups: npt.NDArray[np.generic]
    labels: tuple[str, ...]
    cutoffs: FloatArray
    counts: IntArray
    higher_is_better: bool

    def gap_to_better_class(
        self, scores: npt.ArrayLike, groups: npt.ArrayLike | None = None
    ) -> FloatArray:
        """How much each unit's score must improve to reach the next better class.

        Parameters
        ----------
        scores : array-like, shape (n_units,)
        groups : array-like, shape (n_units,), optional
            Required if the boundaries were computed per group.

        Returns
        -------
        ndarray, shape (n_units,)
            ``cutoff(k - 1) - score`` (``score - cutoff`` when lower is better)
            for a unit in class ``k``; 0 for the top class; NaN for NaN scores
            or when the better class has no cut-off.
        """
        s = _as_scores(scores)
        codes = _codes_for(self.groups, groups, s.shape[0])
        met = self.cutoffs[codes]  # (n, K)
        good = s if self.higher_is_better else -s
        cut = met if self.higher_is_better else -met
        with np.errstate(invalid="ignore"):
            reached = good[:, None] >= cut
        k = reached.argmax(axis=1)
        k = np.where(reached.any(axis=1), k, len(self.labels) - 1)
        prev = np.maximum(k - 1, 0)
        gap = cut[np.arange(s.shape[0]), prev] - good
        gap = np.where(k == 0, 0.0, gap)
        gap[np.isnan(s)] = np.nan
        return gap


def _as_scores(scores: npt.ArrayLike, *, check_inf: bool = True) -> FloatArray:
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 1:
        raise EngineInputError(
            "E-ENGINE-SHAPE",
            zh=f"得分必须是一维数组，实际维数为 {s.ndim}",
            en=f"scores must be a 1-D array, got {s.ndim} dimension(s)",
        )
    if check_inf and np.isinf(s).any():
        raise_infinite(s)
    return s


def check_labels(
    labels: Sequence[str], n_classes: int | None = None, *, what: str = "shares"
) -> tuple[str, ...]:
    """Labels as a tuple of unique non-empty strings (``n_classes`` of them if given)."""
    labs = tuple(str(lab) for lab in labels)
    if n_classes is not None and len(labs) != n_classes:
        raise EngineInputError(
            "E-ENGINE-LABELS",
            zh=f"类别标签数 {len(labs)} 与 {what} 数 {n_classes} 不一致",
            en=f"{len(labs)} class labels for {n_classes} {what}",
        )
    if len(labs) == 0 or "" in labs or len(set(labs)) != len(labs):
        raise EngineInputError(
            "E-ENGINE-LABELS",
            zh="类别标签必须非空且互不相同",
            en="class labels must be non-empty and distinct",
            value=", ".join(labs),
        )
    return labs


def _check_shares(shares: npt.ArrayLike) -> FloatArray:
    sh = np.asarray(shares, dtype=np.float64).ravel()
    if sh.size == 0 or not np.all(np.isfinite(sh)) or np.any(sh < 0):
        raise EngineInputError(
            "E-ENGINE-SHARES",
            zh="各类比例必须为非负有限数",
            en="class shares must be finite and non-negative",
            value=", ".join(f"{v:g}" for v in sh),
        )
    total = float(sh.sum())
    if abs(total - 1.0) > 1e-6:
        raise EngineInputError(
            "E-ENGINE-SHARES",
            zh=f"各类比例之和为 {total:.6g}，应为 1",
            en=f"class shares sum to {total:.6g}, not 1",
            hint_zh="例如 A/B/C/D 为 0.2、0.4、0.35、0.05",
            hint_en="e.g. 0.2, 0.4, 0.35, 0.05 for A/B/C/D",
        )
    return sh


def _codes_for(keys: npt.NDArray[np.generic], groups: npt.ArrayLike | None, n: int) -> IntArray:
    if groups is None:
        if keys.size != 1:
            raise EngineInputError(
                "E-ENGINE-GROUPS",
                zh="分界按组计算，请同时给出分组",
                en="the boundaries are per group; pass the groups too",
            )
        return np.zeros(n, dtype=np.intp)
    g = np.asarray(groups)
    codes = np.searchsorted(keys, g)
    codes = np.minimum(codes, keys.size - 1)
    unknown = keys[codes] != g
    if np.any(unknown):
        raise EngineInputError(
            "E-ENGINE-GROUPS",
            zh="该分组没有分界",
            en="no boundaries for this group",
            unit=int(np.flatnonzero(unknown)[0]),
            value=g[np.flatnonzero(unknown)[0]],
        )
    return codes.astype(np.intp)


def classify_shares(
    scores: npt.ArrayLike,
    shares: npt.ArrayLike,
    labels: Sequence[str],
    *,
    groups: npt.ArrayLike | None = None,
    higher_is_better: bool = True,
    kernel: Kernel = "auto",
) -> npt.NDArray[np.str_]:
    """Put units into classes by shares of their group, best first.

    Parameters
    ----------
    scores : array-like, shape (n_units,)
        NaN means "not scored": such a unit gets the label ``""`` and does not
        count in its group's ``n``.
    shares : array-like, shape (n_classes,)
        Non-negative, summing to 1, best class first, e.g. ``(0.2, 0.4, 0.35, 0.05)``.
    labels : sequence of str, length n_classes
        e.g. ``("A", "B", "C", "D")``; distinct and non-empty.
    groups : array-like, shape (n_units,), optional
        Integer or string group of each unit (e.g. industry); shares apply
        within each group. Small-range integers are fastest.
    higher_is_better : bool, default True
    kernel : {"auto", "numpy", "compiled"}, default "auto"
        ``"compiled"`` bins, counts and assigns with numba kernels; ``"auto"``
        does so from 1,000,000 scores when numba is installed. Same classes.

    Returns
    -------
    ndarray of str, shape (n_units,)

    Raises
    ------
    EngineInputError
        Shares not summing to 1 or negative, labels/shares length mismatch,
        duplicate or empty labels, groups of the wrong length, infinite scores.

    See Also
    --------
    class_boundaries : the cut-off scores per group and class.
    classify_thresholds : classes by fixed score thresholds.

    Notes
    -----
    Boundary rule. In a group with ``n`` scored units, let ``S_k`` be the
    cumulative share of classes ``0..k``. The best ``c_k = floor(S_k n + 1/2)``
    units (round half up, after rounding ``S_k n`` to 9 decimals; the last class
    closes at ``n``) are in class ``k`` or better. With shares (0.2, 0.4, 0.35,
    0.05): n = 100 gives 20/40/35/5 units; n = 591 gives cumulative counts
    118, 355, 561, 591, so 118/237/206/30; n = 7 gives 1/3/3/0; n = 1 gives
    its only unit class B (``c_A = floor(0.7) = 0``).

    Ties. The cut-off of class ``k`` is the score of the ``c_k``-th best unit,
    and a unit gets the best class whose cut-off it reaches. Units tied at a
    boundary therefore all get the better class (a class can exceed its share
    by the tied units and the next one shrinks). The result depends only on
    the scores, never on the order of the units.

    Examples
    --------
    >>> classify_shares([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], (0.2, 0.4, 0.35, 0.05), "ABCD")
    array(['A', 'A', 'B', 'B', 'B', 'B', 'C', 'C', 'C', 'C'], dtype='<U1')
    >>> classify_shares([3, 3, 1, np.nan], (0.25, 0.75), ("A", "B"))
    array(['A', 'A', 'B', ''], dtype='<U1')
    """
    s = _as_scores(scores, check_inf=False)  # the kernel checks via min/max
    sh = _check_shares(shares)
    labs = check_labels(labels, sh.size)
    compiled = use_compiled(kernel, s.shape[0])
    cls = _share_classes(s, sh, groups, higher_is_better, compiled)[0]
    return np.asarray([*labs, ""]).take(cls)


def class_boundaries(
    scores: npt.ArrayLike,
    shares: npt.ArrayLike,
    labels: Sequence[str] | None = None,
    *,
    groups: npt.ArrayLike | None = None,
    higher_is_better: bool = True,
) -> ClassBoundaries:
    """The cut-off score of every class in every group (same rule as :func:`classify_shares`).

    Parameters
    ----------
    scores, shares, groups, higher_is_better
        As for :func:`classify_shares`.
    labels : sequence of str, optional
        Default ``"1", "2", …``.

    Returns
    -------
    ClassBoundaries
        ``cutoffs[g, k]`` is the worst score that earns class ``k`` or better in
        group ``g``; ``counts[g, k]`` the units in class ``k``. Use
        :meth:`ClassBoundaries.gap_to_better_class` for "how far to the next class".

    Examples
    --------
    >>> b = class_boundaries([9, 8, 7, 6, 5], (0.4, 0.6), ("A", "B"))
    >>> b.cutoffs
    array([[8., 5.]])
    >>> b.gap_to_better_class([9, 8, 7, 6, 5])
    array([0., 0., 1., 2., 3.])
    """
    s = _as_scores(scores, check_inf=False)  # the kernel checks via min/max
    sh = _check_shares(shares)
    labs = check_labels(
        labels if labels is not None else [str(k + 1) for k in range(sh.size)], sh.size
    )
    cls, cutoffs, codes, keys, present = _share_classes(s, sh, groups, higher_is_better)
    K = sh.size
    valid = cls < K
    flat = codes[valid] * K + cls[valid]
    counts = np.bincount(flat, minlength=keys.size * K).reshape(keys.size, K).astype(np.intp)
    return ClassBoundaries(
        groups=keys[present],
        labels=labs,
        cutoffs=cutoffs[present],
        counts=counts[present],
        higher_is_better=higher_is_better,
    )
