"""``IndexBuild``: a composite index that remembers how it was built (COINr coin)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError, WeightsError

from ._aggregate import a_amean, a_genmean, a_gmean, a_hmean
from ._framework import Framework
from ._normalise import (
    n_borda,
    n_distance_to_max,
    n_goalposts,
    n_minmax,
    n_percentile,
    n_rank,
    n_target,
    n_zscore,
)
from ._prep import denominate, impute_group, impute_mean, impute_median, screen_units
from ._treat import treat_outliers

__all__ = ["IndexBuild", "RankChange"]

Array = npt.NDArray[np.float64]

_STEPS = ("denominate", "impute", "screen", "treat", "normalise", "aggregate")


@dataclass(frozen=True)
class RankChange:
    """Rank of each unit in two builds and the change (b − a)."""

    units: tuple[str, ...]
    rank_a: Array
    rank_b: Array

    @property
    def change(self) -> Array:
        out: Array = self.rank_b - self.rank_a
        return out


@dataclass
class IndexBuild:
    """Hold iData/iMeta, every intermediate data set and a log of steps.

    Parameters
    ----------
    X : ndarray, shape (n_units, n_indicators)
        Raw indicator values, columns in ``framework.indicators`` order.
    units : sequence of str
        Unit codes.
    framework : Framework
        Validated metadata and hierarchy.
    groups : mapping of str to array of shape (n_units,)
        Group columns (for group imputation).
    denominators : mapping of str to array of shape (n_units,)
        Denominator columns named in the metadata.

    Attributes
    ----------
    data : dict of str to ndarray
        "Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised"
        and "Aggregated" (indicators and all aggregates, columns ``codes_``).
    log : list of (step, params)
        Steps in order with their parameters; ``regen()`` replays them.
    """

    X: Array
    units: tuple[str, ...]
    framework: Framework
    groups: Mapping[str, Any] = field(default_factory=dict)
    denominators: Mapping[str, Array] = field(default_factory=dict)
    data: dict[str, Array] = field(default_factory=dict)
    log: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    units_: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes_: list[str] = field(default_factory=list)
    _last: str = "Raw"

    def __post_init__(self) -> None:
        X = np.asarray(self.X, dtype=np.float64)
        if X.ndim != 2 or X.shape != (len(self.units), len(self.framework.indicators)):
            raise EngineInputError(
                "E-ENGINE-SHAPE",
                zh="数据矩阵形状与单元/指标数不符",
                en="data shape does not match the units and indicators",
            )
        self.X = X
        self.data = {"Raw": X}
        self.units_ = {"Raw": tuple(self.units)}
        self._last = "Raw"

    # -- steps ---------------------------------------------------------------
    def _rows(self, dset: str) -> npt.NDArray[np.bool_]:
        keep = set(self.units_[dset])
        return np.array([u in keep for u in self.units])

    def _put(self, name: str, M: Array, units: tuple[str, ...]) -> None:
        self.data[name] = M
        self.units_[name] = units
        self._last = name

    def denominate(self) -> IndexBuild:
        """Divide by the denominator named in each indicator's metadata."""
        self.log.append(("denominate", {}))
        M = self.data[self._last]
        n = M.shape[0]
        D = np.full(M.shape, np.nan)
        for j, c in enumerate(self.framework.indicators):
            d = self.framework.node(c).denominator
            if d is not None:
                if d not in self.denominators:
                    raise EngineInputError(
                        "E-ENGINE-DENOM-MISSING",
                        zh=f"缺少分母列 {d}",
                        en=f"denominator column {d} is missing",
                        indicator=c,
                    )
                D[:, j] = np.asarray(self.denominators[d], dtype=np.float64)[
                    self._rows(self._last)
                ][:n]
        self._put("Denominated", denominate(M, D), self.units_[self._last])
        return self

    def impute(self, method: str = "mean", group: str | None = None) -> IndexBuild:
        """Impute: ``"mean"``, ``"median"``, ``"group_mean"``, ``"group_median"``."""
        self.log.append(("impute", {"method": method, "group": group}))
        M = self.data[self._last]
        if method in ("group_mean", "group_median"):
            if group is None or group not in self.groups:
                raise EngineInputError(
                    "E-ENGINE-GROUP", zh="缺少分组列", en="group column missing", column=group
                )
            g = np.asarray(self.groups[group])[self._rows(self._last)]
            out = impute_group(M, g, how=method.removeprefix("group_"))
        elif method == "mean":
            out = impute_mean(M)
        elif method == "median":
            out = impute_median(M)
        else:
            raise EngineInputError(
                "E-ENGINE-METHOD", zh=f"未知插补方法 {method}", en=f"unknown imputation {method}"
            )
        self._put("Imputed", out, self.units_[self._last])
        return self

    def screen(self, min_share: float = 0.9) -> IndexBuild:
        """Keep units with at least ``min_share`` of indicators present."""
        self.log.append(("screen", {"min_share": min_share}))
        M = self.data[self._last]
        keep = screen_units(M, min_share=min_share)
        units = tuple(u for u, k in zip(self.units_[self._last], keep, strict=True) if k)
        self._put("Screened", M[keep], units)
        return self

    def treat(
        self, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
    ) -> IndexBuild:
        """COINr outlier treatment, column by column; notes what was done."""
        params = {"winmax": winmax, "skew_thresh": skew_thresh, "kurt_thresh": kurt_thresh}
        self.log.append(("treat", params))
        M = self.data[self._last].copy()
        for j, c in enumerate(self.framework.indicators):
            r = treat_outliers(M[:, j], indicator=c, **params)  # type: ignore[arg-type]
            M[:, j] = r.values
            if r.method != "none":
                self.notes_.append(f"treat {c}: {r.method} ({r.n_winsorised})")
        self._put("Treated", M, self.units_[self._last])
        return self

    def normalise(
        self,
        method: str = "minmax",
        lo: float = 0.0,
        hi: float = 100.0,
        per_indicator: Mapping[str, str] | None = None,
    ) -> IndexBuild:
        """Normalise each column respecting its direction.

        ``method``: ``"minmax"`` (to ``[lo, hi]``), ``"zscore"``, ``"rank"``,
        ``"percentile"``, ``"borda"``, ``"dist2max"``, ``"target"`` (``x /
        target`` from the indicator's metadata Target, ``target / x`` for
        direction -1) or ``"goalposts"`` (the metadata goalposts scaled to
        ``hi``). ``per_indicator`` maps indicator codes to another method.
        """
        over = dict(per_indicator or {})
        unknown = [c for c in over if c not in self.framework.indicators]
        if unknown:
            raise EngineInputError(
                "E-ENGINE-UNKNOWN-CODE",
                zh="按指标指定的标准化方法指向不存在的指标",
                en="a per-indicator normalisation names an unknown indicator",
                indicator=unknown[0],
            )
        params = {"method": method, "lo": lo, "hi": hi, "per_indicator": over}
        self.log.append(("normalise", params))
        M = self.data[self._last]
        out = np.empty_like(M)
        for j, c in enumerate(self.framework.indicators):
            try:
                out[:, j] = self._normalise_one(over.get(c, method), M[:, j], c, lo, hi)
            except EngineInputError as exc:
                raise _named(exc, [c], self.units_[self._last], None) from exc
        self._put("Normalised", out, self.units_[self._last])
        return self

    def _normalise_one(self, method: str, x: Array, c: str, lo: float, hi: float) -> Array:
        d = self.framework.node(c).direction
        if method == "minmax":
            return n_minmax(x, lo=lo, hi=hi, direction=d, indicator=c)
        if method == "zscore":
            return n_zscore(x, direction=d, indicator=c)
        node = self.framework.node(c)
        if method == "target":
            if node.target is None:
                raise EngineInputError(
                    "E-ENGINE-NO-TARGET",
                    zh="指标元数据没有目标值，无法按目标距离标准化",
                    en="the indicator has no target in the metadata",
                    hint_zh="在元数据的 Target 列填写目标值",
                    hint_en="fill in the Target column of the metadata",
                )
            return n_target(x, target=node.target, direction=d)
        if method == "goalposts":
            if node.goalposts is None:
                raise EngineInputError(
                    "E-ENGINE-NO-GOALPOSTS",
                    zh="指标元数据没有上下限（goalposts）",
                    en="the indicator has no goalposts in the metadata",
                )
            low, high = node.goalposts
            return n_goalposts(x, low=low, high=high, direction=d, scale=hi)
        simple = {
            "rank": n_rank,
            "percentile": n_percentile,
            "borda": n_borda,
            "dist2max": n_distance_to_max,
        }
        if method not in simple:
            raise EngineInputError(
                "E-ENGINE-METHOD",
                zh=f"未知标准化方法 {method}",
                en=f"unknown normalisation {method}",
            )
        return simple[method](x, direction=d)

    def aggregate(
        self,
        method: str = "amean",
        min_share: float = 0.0,
        p: float = 1.0,
        renormalise: bool = True,
        weights: Mapping[str, float] | None = None,
        per_aggregate: Mapping[str, str] | None = None,
    ) -> IndexBuild:
        """Aggregate level by level.

        Weights within a group that do not sum to 1 are rescaled to sum 1 when
        ``renormalise`` (COINr's rule, the default); each rescaling is written
        to ``notes_`` with the group and the weights. With
        ``renormalise=False`` such weights raise a WeightsError naming the
        group. An aggregator's error (e.g. a non-positive value under the
        geometric mean) names the indicator and unit codes.

        ``weights`` overrides the metadata weight of the codes it names (e.g.
        ``variant("aggregate", weights={"Conn": 2.0})`` re-runs the index with
        one weight changed); it is part of the logged step. ``per_aggregate``
        maps aggregate codes to another method (e.g. ``{"Sust": "gmean"}``).
        """
        over = dict(weights or {})
        for code, wt in over.items():
            known = {n.code: n for n in self.framework.nodes}
            if code not in known or known[code].parent is None:
                raise EngineInputError(
                    "E-ENGINE-WEIGHT-CODE",
                    zh="权重指向的指标不存在或没有上级",
                    en="a weight names a code that does not exist or has no parent",
                    indicator=code,
                )
            if not (np.isfinite(wt) and wt >= 0):
                raise WeightsError(
                    "E-ENGINE-WEIGHT",
                    zh="权重缺失或为负",
                    en="weight is missing or negative",
                    indicator=code,
                    value=wt,
                )
        params: dict[str, Any] = {"method": method, "min_share": min_share, "p": p}
        by_code = dict(per_aggregate or {})
        aggregates = {c for level in self.framework.levels[1:] for c in level}
        for code in by_code:
            if code not in aggregates:
                raise EngineInputError(
                    "E-ENGINE-UNKNOWN-CODE",
                    zh="按组指定的聚合方法指向不存在的聚合项",
                    en="a per-aggregate method names an unknown aggregate",
                    indicator=code,
                )
        params |= {"renormalise": renormalise, "weights": over, "per_aggregate": by_code}
        self.log.append(("aggregate", params))
        M = self.data[self._last]
        units = self.units_[self._last]
        cols: dict[str, Array] = {c: M[:, j] for j, c in enumerate(self.framework.indicators)}
        fns = {"amean": a_amean, "gmean": a_gmean, "hmean": a_hmean}
        for level in self.framework.levels[1:]:
            for code in level:
                kids = self.framework.children(code)
                w = np.array([over.get(k, self.framework.node(k).weight) for k in kids])
                if w.sum() <= 0:
                    raise WeightsError(
                        "E-ENGINE-WEIGHTS-ZERO",
                        zh="组内权重全为零",
                        en="weights within the group are all zero",
                        indicator=code,
                    )
                if not np.isclose(w.sum(), 1.0):
                    if not renormalise:
                        raise WeightsError(
                            "E-ENGINE-WEIGHTS-SUM",
                            zh=f"组 {code} 的下级权重之和为 {w.sum():.6g}，应为 1",
                            en=f"the weights under {code} sum to {w.sum():.6g}, not 1",
                            hint_zh="请修正权重，或使用 renormalise=True 显式归一化",
                            hint_en="fix the weights, or pass renormalise=True to rescale them",
                            indicator=code,
                            value=", ".join(f"{k}={v:g}" for k, v in zip(kids, w, strict=True)),
                        )
                    self.notes_.append(
                        f"aggregate {code}: weights {w.tolist()} renormalised to sum 1"
                    )
                Xk = np.column_stack([cols[k] for k in kids])
                how = by_code.get(code, method)
                if how != "genmean" and how not in fns:
                    raise EngineInputError(
                        "E-ENGINE-METHOD",
                        zh=f"未知聚合方法 {how}",
                        en=f"unknown aggregation {how}",
                        indicator=code,
                    )
                try:
                    if how == "genmean":
                        cols[code] = a_genmean(Xk, w / w.sum(), p, min_share=min_share)
                    else:
                        cols[code] = fns[how](Xk, w / w.sum(), min_share=min_share)
                except EngineInputError as exc:
                    raise _named(exc, kids, units, code) from exc
        self.codes_ = tuple(cols)
        self._put("Aggregated", np.column_stack(list(cols.values())), self.units_[self._last])
        return self

    # -- results, regeneration, variants ------------------------------------
    def scores(self, code: str) -> Array:
        """Scores of one indicator or aggregate in the Aggregated set."""
        j = self.codes_.index(code)
        out: Array = self.data["Aggregated"][:, j]
        return out

    def ranks(self, code: str) -> Array:
        """Competition ranks (1 = best) of ``code``; NaN stays NaN."""
        s = self.scores(code)
        from scipy.stats import rankdata

        r = np.full(s.shape, np.nan)
        ok = ~np.isnan(s)
        r[ok] = rankdata(-s[ok], method="min")
        return r

    def regen(self, log: Sequence[tuple[str, dict[str, Any]]] | None = None) -> IndexBuild:
        """A new build replaying ``log`` (default: this build's log)."""
        new = IndexBuild(self.X, self.units, self.framework, self.groups, self.denominators)
        for step, params in list(self.log if log is None else log):
            if step not in _STEPS:
                raise EngineInputError(
                    "E-ENGINE-STEP", zh=f"未知步骤 {step}", en=f"unknown step {step}"
                )
            getattr(new, step)(**params)
        return new

    def variant(self, step: str, **params: Any) -> IndexBuild:
        """Copy with one logged step's parameters changed, regenerated."""
        log = copy.deepcopy(self.log)
        hits = [i for i, (s, _) in enumerate(log) if s == step]
        if not hits:
            raise EngineInputError(
                "E-ENGINE-STEP", zh=f"日志中没有步骤 {step}", en=f"no step {step} in the log"
            )
        log[hits[-1]][1].update(params)
        return self.regen(log)

    def compare(self, other: IndexBuild, code: str = "Index") -> RankChange:
        """Rank changes of ``code`` between this build and ``other`` (common units)."""
        ua, ub = self.units_["Aggregated"], other.units_["Aggregated"]
        common = tuple(u for u in ua if u in set(ub))
        ra, rb = self.ranks(code), other.ranks(code)
        ia = {u: i for i, u in enumerate(ua)}
        ib = {u: i for i, u in enumerate(ub)}
        return RankChange(
            common,
            np.array([ra[ia[u]] for u in common]),
            np.array([rb[ib[u]] for u in common]),
        )


def _named(
    exc: EngineInputError, kids: Sequence[str], units: Sequence[str], parent: str | None
) -> EngineInputError:
    """``exc`` with its column and row positions replaced by indicator and unit codes."""
    ctx = dict(exc.context)
    j, i = ctx.pop("column", None), ctx.pop("unit", None)
    if isinstance(j, int) and 0 <= j < len(kids):
        ctx["indicator"] = kids[j]
    elif j is not None:
        ctx["column"] = j
    if len(kids) == 1:
        ctx["indicator"] = kids[0]
    if isinstance(i, int) and 0 <= i < len(units):
        ctx["unit"] = units[i]
    if parent is not None:
        ctx["aggregate"] = parent
    return type(exc)(
        exc.code, zh=exc.zh, en=exc.en, hint_zh=exc.hint_zh, hint_en=exc.hint_en, **ctx
    )
