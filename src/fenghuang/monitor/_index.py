"""City transformation index on the loaded panel: pressure, capacity, warning; four-dimension variant.

The method is a ``kind = "city-index"`` method file, loaded and validated by
:func:`fenghuang.methods.load_method` (the same format and loader as the firm
methods: every problem at once with ``file:line:column`` and key path); this
module only checks, through that loader, that the indicator codes are in the
monitor's catalogue, and computes. The packaged methods are
``pressure-capacity`` and ``four-dimension`` (``fenghuang/methods/data/``).

A method names pillars → dimensions → indicators (catalogue code, observed
kind, direction, weight). For each city the latest observation of each
indicator is taken (``value_norm``, so units agree); each indicator is
normalised across the cities that have it, a dimension is the weighted mean
of the indicators a city has, a pillar the mean of its dimensions.
``score = "warning"`` gives warning = pressure / capacity (the pillars named
in ``[index]``; lower is better); ``score = "mean"`` the mean of all
dimensions (higher is better). Cities are ranked within their type
(成长型/成熟型/衰退型/再生型) with the engine's
:func:`~fenghuang.engine.rank_within_groups`, and every indicator a city
lacks is listed.

The normaliser (``n_minmax`` onto [0, 1], or ``n_percentile``) and the
aggregator (``a_amean``) are named in the method file and are the engine's
own (:func:`fenghuang.engine.n_minmax`, :func:`~fenghuang.engine.a_amean`):
an indicator is normalised over the cities that have it, and a dimension's
weights are renormalised over the indicators a city has.

Examples
--------
>>> m = load_index_method()
>>> m.name, [p.code for p in m.pillars]
('pressure-capacity', ['pressure', 'capacity'])
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from fenghuang.engine import a_amean, n_minmax, n_percentile, rank_within_groups
from fenghuang.methods import CityIndexMethod, load_method
from fenghuang.monitor._catalogue import Catalogue, load_catalogue
from fenghuang.monitor._panel import fetch_observations
from fenghuang.monitor._registry import Registry, load_registry
from fenghuang.warehouse import Store

__all__ = [
    "CityIndexResult",
    "CityScore",
    "IndexMethod",
    "compute_city_index",
    "compute_index_on_table",
    "load_index_method",
]

#: A city-index method file, validated (:class:`fenghuang.methods.CityIndexMethod`).
IndexMethod = CityIndexMethod


def _minmax01(x: np.ndarray, direction: int) -> np.ndarray:
    return n_minmax(x, lo=0.0, hi=1.0, direction=direction)


def _percentile(x: np.ndarray, direction: int) -> np.ndarray:
    return n_percentile(x, direction=direction)


def _amean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    if x.shape[1] == 0:  # a dimension none of whose indicators could be normalised
        return np.full(x.shape[0], np.nan)
    return a_amean(x, w)


#: Method-file names → the engine's normalisers (onto [0, 1], direction applied)
#: and aggregators (weights renormalised over the indicators a city has).
_NORMALISERS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "n_minmax": _minmax01,
    "n_percentile": _percentile,
}
_AGGREGATORS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {"a_amean": _amean}


def load_index_method(
    path: str | Path | None = None,
    *,
    variant: str = "pressure-capacity",
    catalogue: Catalogue | None = None,
) -> CityIndexMethod:
    """Load a city-index method with :func:`fenghuang.methods.load_method`.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file (or a shipped method's name); default the packaged
        method named by ``variant``.
    variant : {"pressure-capacity", "four-dimension"}
        Which packaged method to read when ``path`` is not given.
    catalogue : Catalogue, optional
        The indicator catalogue the method's codes must be in (default the
        packaged one).

    Raises
    ------
    MethodError
        ``E-METHOD-NOT-FOUND``, ``E-METHOD-TOML``, or ``E-METHOD-INVALID``
        listing every problem (unknown catalogue codes included) with its
        ``file:line:column`` and key path.
    """
    cat = catalogue or load_catalogue()
    return load_method(
        variant if path is None else path, kind="city-index", catalogue=cat.indicators.keys()
    )


@dataclass(frozen=True)
class CityScore:
    """One city's result."""

    place_code: str
    place_name: str
    city_type: str | None
    dimensions: dict[str, float | None]
    pillars: dict[str, float | None]
    pressure: float | None
    capacity: float | None
    warning: float | None
    score: float | None
    rank_in_type: int | None
    missing: tuple[str, ...]


@dataclass(frozen=True)
class CityIndexResult:
    """The index for every city of the panel, with its provenance."""

    method_code: str
    method_name: str
    method_hash: str
    rows: tuple[CityScore, ...]
    excluded: dict[str, str] = field(default_factory=dict)  # indicator key -> reason

    @property
    def note_zh(self) -> str:
        return "指标缺失较多时结果仅供参考；抽取数据待核实"

    def by_code(self, code: str) -> CityScore | None:
        return next((r for r in self.rows if r.place_code == code), None)


def _latest(table: pa.Table) -> dict[tuple[str, str, str], float]:
    """(place, indicator, kind) → value_norm of the latest year (verified first).

    Only figures of one whole year (period ``2023``) count: a part of a year
    (``2024Q1-Q3``, ``2024M01-M08``), several years (``2021-2023``) or a
    period without a year (``近3年``, ``目前`` in an undated report) is no
    annual figure to compare with other cities' (a city that has only such
    figures for an indicator counts as missing it).
    """
    best: dict[tuple[str, str, str], tuple[int, int, float]] = {}
    for r in table.to_pylist():
        if r["place_code"] is None or r["indicator_code"] is None or r["value_norm"] is None:
            continue
        if r["year"] is None or r["period"] != str(r["year"]):
            continue
        key = (r["place_code"], r["indicator_code"], r["kind"])
        rank = (r["year"], 1 if r["status"] == "已核实" else 0)
        if key not in best or rank > best[key][:2]:
            best[key] = (rank[0], rank[1], float(r["value_norm"]))
    return {k: v[2] for k, v in best.items()}


def compute_index_on_table(
    table: pa.Table,
    method: CityIndexMethod,
    *,
    registry: Registry | None = None,
    catalogue: Catalogue | None = None,
    method_hash: str = "",
) -> CityIndexResult:
    """Compute the index from a panel table (:data:`OBS_SCHEMA`)."""
    registry = registry or load_registry()
    catalogue = catalogue or load_catalogue()
    values = _latest(table)
    names = {r["place_code"]: r["place_name"] for r in table.to_pylist() if r["place_code"]}
    places = sorted({k[0] for k in values})
    idx = {p: i for i, p in enumerate(places)}
    rule = method.index
    norm = _NORMALISERS[rule.normalise]
    agg = _AGGREGATORS[rule.aggregate]
    excluded: dict[str, str] = {}
    dim_scores: dict[str, np.ndarray] = {}
    missing: dict[str, list[str]] = {p: [] for p in places}
    for pillar in method.pillars:
        for dim in pillar.dimensions:
            cols, weights = [], []
            for ref in dim.indicators:
                key = f"{ref.indicator}:{ref.kind}"
                code = ref.indicator
                label = (catalogue[code].zh if code in catalogue else code) + (
                    "" if ref.kind == "level" else f"（{ref.kind}）"
                )
                x = np.full(len(places), np.nan)
                for p in places:
                    v = values.get((p, code, ref.kind))
                    if v is None:
                        missing[p].append(label)
                    else:
                        x[idx[p]] = v
                have = int((~np.isnan(x)).sum())
                constant = have > 0 and bool(np.nanmax(x) == np.nanmin(x))
                if have < rule.min_cities or constant:
                    excluded[key] = (
                        f"{have} 个城市有数据（至少需要 {rule.min_cities} 个且取值不同）"
                    )
                    continue
                cols.append(norm(x, ref.direction))
                weights.append(ref.weight)
            mat = np.column_stack(cols) if cols else np.empty((len(places), 0))
            dim_scores[dim.code] = agg(mat, np.asarray(weights, dtype=float))
    pillar_scores: dict[str, np.ndarray] = {}
    for pillar in method.pillars:
        mat = np.column_stack([dim_scores[d.code] for d in pillar.dimensions])
        pillar_scores[pillar.code] = agg(mat, np.ones(mat.shape[1]))
    pressure = pillar_scores.get(rule.pressure)
    capacity = pillar_scores.get(rule.capacity)
    if rule.score == "warning" and pressure is not None and capacity is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(capacity > 0, pressure / capacity, np.nan)
        ascending = True
    else:
        mat = np.column_stack(list(dim_scores.values()))
        score = agg(mat, np.ones(mat.shape[1]))
        ascending = False
    types = {c.code: c.type for c in registry.cities if c.code}
    # competition ranks within type from the engine (ties share the best rank)
    groups = np.array([types.get(p) or "" for p in places], dtype=object)
    ranked = (
        rank_within_groups(score, groups=groups, higher_is_better=not ascending) if places else None
    )
    ranks: dict[str, int] = {}
    for p in places:
        if ranked is not None and types.get(p) and int(ranked.rank[idx[p]]) > 0:
            ranks[p] = int(ranked.rank[idx[p]])

    def f(a: np.ndarray | None, p: str) -> float | None:
        if a is None:
            return None
        v = float(a[idx[p]])
        return None if np.isnan(v) else v

    rows = tuple(
        CityScore(
            place_code=p,
            place_name=names.get(p, p),
            city_type=types.get(p),
            dimensions={d: f(a, p) for d, a in dim_scores.items()},
            pillars={k: f(a, p) for k, a in pillar_scores.items()},
            pressure=f(pressure, p),
            capacity=f(capacity, p),
            warning=f(score, p) if rule.score == "warning" else None,
            score=f(score, p),
            rank_in_type=ranks.get(p),
            missing=tuple(missing[p]),
        )
        for p in places
    )
    return CityIndexResult(method.meta.name, method.meta.title_zh, method_hash, rows, excluded)


def compute_city_index(
    store: Store,
    *,
    method: str | Path | CityIndexMethod | None = None,
    variant: str = "pressure-capacity",
) -> CityIndexResult:
    """Compute the index on the panel loaded in ``store``."""
    m = (
        method
        if isinstance(method, CityIndexMethod)
        else load_index_method(method, variant=variant)
    )
    h = hashlib.sha256(m.model_dump_json().encode()).hexdigest()[:16]
    return compute_index_on_table(fetch_observations(store), m, method_hash=h)
