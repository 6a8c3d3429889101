"""The selection kernel behind :func:`classify_shares`: classes by counting, no sort.

One pass buckets every score into (group, bin) with ``np.bincount``; the bin
holding each class boundary comes from the cumulative counts; only the units
in those boundary bins are compared exactly (:func:`_select`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError

from ._checks_wm import FloatArray
from ._jit import score_range_kernel, share_bin_kernels

__all__: list[str] = []

IntArray = npt.NDArray[np.intp]

#: Histogram bins per group for boundary search (capped by group size).
_BINS = 4096


def raise_infinite(s: FloatArray) -> None:
    """Raise the error for an infinite score, naming the first such unit."""
    i = int(np.flatnonzero(np.isinf(s))[0])
    raise EngineInputError(
        "E-ENGINE-NONFINITE",
        zh="得分含无穷大",
        en="a score is infinite",
        unit=i,
    )


def _factorize(groups: npt.ArrayLike, n: int) -> tuple[IntArray, npt.NDArray[np.generic], bool]:
    """Integer codes 0..G-1, the sorted group keys, and whether keys may include absent ones.

    Integers spanning a small range are used directly (``code = group - min``,
    no sort and no pass to find which values occur); the caller drops the
    keys that no unit has. Anything else goes through ``np.unique``.
    """
    g = np.asarray(groups)
    if g.shape != (n,):
        raise EngineInputError(
            "E-ENGINE-GROUPS",
            zh=f"分组数组长度 {g.shape} 与得分个数 {n} 不一致",
            en=f"groups has shape {g.shape} for {n} scores",
        )
    if n and g.dtype.kind in "iub":
        lo, hi = int(g.min()), int(g.max())
        if hi - lo < min(n, 1 << 16):
            codes = g.astype(np.intp, copy=False)
            if lo:
                codes = codes - lo
            return codes, np.arange(lo, hi + 1).astype(g.dtype), True
    if g.dtype.kind == "f" and np.isnan(g).any():
        raise EngineInputError(
            "E-ENGINE-GROUPS",
            zh="分组含缺失值",
            en="a group is missing (NaN)",
            unit=int(np.flatnonzero(np.isnan(g))[0]),
        )
    try:
        keys, inverse = np.unique(g, return_inverse=True)
    except TypeError as exc:
        raise EngineInputError(
            "E-ENGINE-GROUPS",
            zh="分组值类型不一致，无法比较（例如混有数字、文字和空值）",
            en="group values cannot be compared (mixed numbers, text or None)",
        ) from exc
    return inverse.astype(np.intp, copy=False).ravel(), keys, False


def _cumulative_counts(shares: FloatArray, n_valid: IntArray) -> IntArray:
    """(G, K) counts of units in class k or better: floor(S_k n + 1/2), last = n."""
    cum = np.cumsum(shares)
    c = np.floor(np.round(cum[None, :] * n_valid[:, None], 9) + 0.5).astype(np.intp)
    c = np.minimum(c, n_valid[:, None])
    c[:, -1] = n_valid
    return c


def _share_classes(
    s: FloatArray,
    shares: FloatArray,
    groups: npt.ArrayLike | None,
    higher_is_better: bool,
    compiled: bool = False,
) -> tuple[
    npt.NDArray[np.integer], FloatArray, IntArray, npt.NDArray[np.generic], npt.NDArray[np.bool_]
]:
    """Class index per unit (K for NaN), cut-offs (G, K), group codes, keys, keys present.

    ``compiled``: bin, count and assign with the numba kernels (one pass each
    instead of several numpy passes); same keys, same result.
    """
    n = s.shape[0]
    K = shares.size
    if groups is None:
        codes: IntArray = np.zeros(n, dtype=np.intp)
        keys: npt.NDArray[np.generic] = np.zeros(1, dtype=np.int64)
        dense = False
    else:
        codes, keys, dense = _factorize(groups, n)
    G = keys.size
    codes_all = codes
    good = s if higher_is_better else -s
    hi = np.nan
    if compiled and n:  # min, max and NaN count in one compiled pass
        lo, hi, n_nan = score_range_kernel()(good)
        all_valid = n_nan == 0
    else:  # min/max propagate NaN, so one reduction tells whether any score is missing
        lo = float(good.min()) if n else 0.0
        all_valid = not np.isnan(lo)
    valid = None if all_valid else ~np.isnan(s)
    if valid is not None:
        good = good[valid]
        codes = codes[valid]
    m = good.shape[0]
    cut_good = np.full((G, K), np.nan)
    # only m = 0 keeps this; otherwise every unit's class is written below
    cls: npt.NDArray[np.integer] = np.empty(0, dtype=np.int8 if K < 127 else np.intp)
    if m:
        if not all_valid:
            lo = float(good.min())
        if not (compiled and all_valid):
            hi = float(good.max())
        if np.isinf(lo) or np.isinf(hi):
            raise_infinite(s)
        B = int(max(1, min(_BINS, m // (4 * G))))
        with np.errstate(over="ignore"):
            span = hi - lo
            scale = B / span * (1.0 - 1e-12) if span > 0 else 0.0
        key: IntArray | None = None
        binned = bool(np.isfinite(span) and 0.0 < scale < np.inf)
        if not binned:  # equal scores, or a range that is subnormal or overflows: one bin
            B = 1
            key = codes.copy()
            cnt = np.bincount(key, minlength=G * B).reshape(G, B)
        elif compiled and m < 2**31:
            count, assign = share_bin_kernels()
            cnt = count(good, codes, lo, scale, B, G).astype(np.intp).reshape(G, B)
        else:
            key = _keys(good, codes, lo, scale, B)
            cnt = np.bincount(key, minlength=G * B).reshape(G, B)
        n_valid = cnt.sum(axis=1)
        cum = _cumulative_counts(shares, n_valid)  # (G, K)
        from_top = np.cumsum(cnt[:, ::-1], axis=1)  # units in the top r+1 bins
        need = cum  # (G, K): the c_k-th best unit closes class k
        # r = number of top bins holding fewer than c_k units; boundary bin = B - 1 - r
        r = np.empty_like(need)
        for k in range(K):
            r[:, k] = (from_top < need[:, k, None]).sum(axis=1)
        r = np.minimum(r, B - 1)
        above = np.where(r > 0, np.take_along_axis(from_top, np.maximum(r - 1, 0), 1), 0)
        tb = B - 1 - r
        target = np.arange(G)[:, None] * B + tb  # (G, K) keys of the boundary bins
        active = need > 0
        # class of each bin: bins strictly above the boundary bin of class k reach k;
        # the boundary bins themselves (sentinel K) are resolved by exact comparison
        bin_cls = np.full((G, B), K - 1, dtype=cls.dtype)
        bins = np.arange(B)
        for k in range(K - 2, -1, -1):
            bin_cls[(bins[None, :] > tb[:, k, None]) & active[:, k, None]] = k
        bin_cls.ravel()[target[active]] = K
        if key is None:
            cls = np.empty_like(bin_cls, shape=(m,))
            assign(good, codes, lo, scale, B, bin_cls.ravel(), cls)
        else:
            cls = bin_cls.ravel().take(key)
        cand = np.flatnonzero(cls == K)
        if cand.size:
            key_c = key[cand] if key is not None else _keys(good[cand], codes[cand], lo, scale, B)
            cut_good[active] = _select(good[cand], key_c, target[active], (need - above)[active])
            cg = codes[cand]
            cv = good[cand]
            cc = np.full(cand.size, K - 1, dtype=cls.dtype)
            for k in range(K - 2, -1, -1):
                with np.errstate(invalid="ignore"):
                    cc[cv >= cut_good[cg, k]] = k
            cls[cand] = cc
    if valid is not None:
        full = np.full(n, K, dtype=cls.dtype)
        full[valid] = cls
        cls = full
    cutoffs = cut_good if higher_is_better else -cut_good
    present = np.ones(G, dtype=bool)
    if dense and valid is None and m:  # drop integer keys in the range no unit has
        present = n_valid > 0
    elif dense:
        present = np.bincount(codes_all, minlength=G) > 0
    return cls, cutoffs, codes_all, keys, present


def _keys(good: FloatArray, codes: IntArray, lo: float, scale: float, B: int) -> IntArray:
    """Histogram key ``code * B + bin`` of each score (the compiled kernels do the same)."""
    tmp = np.subtract(good, lo)
    np.multiply(tmp, scale, out=tmp)
    key = tmp.astype(np.intp)
    del tmp
    np.minimum(key, B - 1, out=key)
    key += codes * B
    return key


def _select(values: FloatArray, keys: IntArray, targets: IntArray, ranks: IntArray) -> FloatArray:
    """The ``ranks[t]``-th largest of ``values`` whose key is ``targets[t]``, for every t.

    Linear time: bucket by target with a stable counting sort, then one
    ``np.partition`` per bucket (however skewed the scores, no full sort).
    """
    uniq, inv = np.unique(targets, return_inverse=True)
    U = uniq.size
    lut = np.zeros(int(keys.max()) + 1, dtype=np.uint8 if U < 256 else np.intp)
    lut[uniq] = np.arange(U)
    tid = lut[keys]
    order = np.argsort(tid, kind="stable")
    vals = values[order]
    ends = np.cumsum(np.bincount(tid, minlength=U))
    out = np.empty(targets.size)
    for u in range(U):
        lo = int(ends[u - 1]) if u else 0
        seg = vals[lo : int(ends[u])]
        which = np.flatnonzero(inv == u)
        kth = seg.size - ranks[which]  # ascending position of the rank-th largest
        seg.partition(np.unique(kth))
        out[which] = seg[kth]
    return out
