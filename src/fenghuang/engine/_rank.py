"""Competition ranks within groups ("第 12 名 / 共 591 家")."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from ._classify import _as_scores
from ._classify_kernel import IntArray, _factorize

__all__ = ["GroupRanks", "rank_within_groups"]


class GroupRanks(NamedTuple):
    """Ranks and group sizes, each of shape (n_units,)."""

    rank: IntArray
    """1 = best; tied units share the best rank ("1224"); 0 for a NaN score."""
    of: IntArray
    """Number of scored units in the unit's group (the "共 … 家")."""


def rank_within_groups(
    scores: npt.ArrayLike,
    *,
    groups: npt.ArrayLike | None = None,
    higher_is_better: bool = True,
) -> GroupRanks:
    """Rank units within their group, ties sharing the best rank.

    ``rank = 1 + number of units in the group with a strictly better score``,
    the same quantity the share rule of :func:`classify_shares` uses, so a
    unit's class follows from its rank and group size. Order-independent.

    Parameters
    ----------
    scores : array-like, shape (n_units,)
        NaN scores are not ranked (rank 0) and do not count in ``of``.
    groups : array-like, shape (n_units,), optional
    higher_is_better : bool, default True

    Returns
    -------
    GroupRanks
        ``rank`` and ``of`` as integer arrays.

    Examples
    --------
    >>> r = rank_within_groups([5.0, 9.0, 5.0, np.nan, 1.0], groups=[1, 1, 1, 1, 2])
    >>> r.rank, r.of
    (array([2, 1, 2, 0, 1]), array([3, 3, 3, 3, 1]))
    """
    s = _as_scores(scores)
    n = s.shape[0]
    if groups is None:
        codes: IntArray = np.zeros(n, dtype=np.intp)
        G = 1
    else:
        codes, keys, _ = _factorize(groups, n)
        G = keys.size
    valid = ~np.isnan(s)
    good = np.where(valid, s if higher_is_better else -s, -np.inf)
    of = np.bincount(codes[valid], minlength=G).astype(np.intp)
    # sort by group, then best first; NaN (as -inf) last within its group
    order = np.argsort(-good)  # ties may come in any order: they share a rank
    if G > 1:  # then a stable counting (radix) sort by group
        small = np.uint8 if G <= 1 << 8 else np.uint16 if G <= 1 << 16 else np.intp
        order = order[np.argsort(codes[order].astype(small), kind="stable")]
    sc, sv = codes[order], good[order]
    first = np.ones(n, dtype=bool)
    first[1:] = (sc[1:] != sc[:-1]) | (sv[1:] != sv[:-1])
    run_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    group_start = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=G))[:-1]))
    rank = np.empty(n, dtype=np.intp)
    rank[order] = run_start - group_start[sc] + 1
    rank[~valid] = 0
    return GroupRanks(rank=rank, of=of[codes])
