"""ECharts options built on the server (plain JSON for the pages' data islands)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fenghuang.web._i18n import translate

__all__ = [
    "CLASS_COLOURS",
    "class_bars",
    "contribution_bars",
    "county_map",
    "movement_sankey",
    "radar",
]

CLASS_COLOURS = {"A": "#2e7d32", "B": "#1f77b4", "C": "#f0a500", "D": "#c62828"}


def class_bars(
    counts: Mapping[str, Mapping[str, int]], lang: str, *, horizontal: bool = True, top: int = 15
) -> dict[str, Any]:
    """Stacked bars: groups (county, park …) × class A–D firm counts.

    The ``top`` largest groups are shown; the rest are summed as 其他 (other).
    """
    groups = sorted(counts, key=lambda g: -sum(counts[g].values()))
    if len(groups) > top:
        other: dict[str, int] = {}
        for g in groups[top - 1 :]:
            for cls, n in counts[g].items():
                other[cls] = other.get(cls, 0) + n
        label = "Other" if lang == "en" else "其他"
        counts = {**{g: counts[g] for g in groups[: top - 1]}, label: other}
        groups = [*groups[: top - 1], label]
    series = [
        {
            "name": cls,
            "type": "bar",
            "stack": "n",
            "itemStyle": {"color": CLASS_COLOURS[cls]},
            "data": [int(counts[g].get(cls, 0)) for g in groups],
        }
        for cls in CLASS_COLOURS
    ]
    cat: dict[str, Any] = {
        "type": "category",
        "data": groups,
        "axisLabel": {"width": 110, "overflow": "truncate"},
    }
    val = {"type": "value", "name": translate("common.count", lang)}
    opt: dict[str, Any] = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "series": series,
    }
    if horizontal:
        cat["inverse"] = True
        opt["yAxis"], opt["xAxis"] = cat, val
    else:
        opt["xAxis"], opt["yAxis"] = cat, val
    return opt


def movement_sankey(moves: Mapping[tuple[str, str], int], lang: str) -> dict[str, Any]:
    """Flows from last year's class to this year's."""
    last, this = translate("overview.from", lang), translate("overview.to", lang)
    nodes = [
        {"name": f"{last} {c}", "itemStyle": {"color": CLASS_COLOURS[c]}} for c in CLASS_COLOURS
    ]
    nodes += [
        {"name": f"{this} {c}", "itemStyle": {"color": CLASS_COLOURS[c]}} for c in CLASS_COLOURS
    ]
    links = [
        {"source": f"{last} {a}", "target": f"{this} {b}", "value": int(n)}
        for (a, b), n in sorted(moves.items())
        if n > 0 and a in CLASS_COLOURS and b in CLASS_COLOURS
    ]
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "sankey",
                "data": nodes,
                "links": links,
                "left": 8,
                "right": 70,
                "top": 8,
                "bottom": 8,
                "nodeGap": 10,
                "lineStyle": {"color": "gradient", "opacity": 0.35},
                "label": {"fontSize": 12},
            }
        ],
    }


def county_map(
    map_name: str,
    values: Sequence[Mapping[str, Any]],
    title: str,
    *,
    percent: bool = False,
) -> dict[str, Any]:
    """A choropleth of counties; ``values`` items have ``name`` (shape name) and ``value``."""
    nums = [float(v["value"]) for v in values if v.get("value") is not None]
    lo, hi = (min(nums), max(nums)) if nums else (0.0, 1.0)
    if hi <= lo:
        hi = lo + 1.0
    return {
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": round(lo, 3),
            "max": round(hi, 3),
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "itemHeight": 120,
            "precision": 1,
            "calculable": True,
            "text": [title, ""],
            "inRange": {
                "color": ["#fde0c5", "#f59e72", "#c62828"]
                if percent
                else ["#dbe9f6", "#6baed6", "#08519c"]
            },
        },
        "series": [
            {
                "type": "map",
                "map": map_name,
                "roam": False,
                "top": 8,
                "bottom": 56,
                "label": {
                    "show": True,
                    "fontSize": 12,
                    "color": "#1d2733",
                    "textBorderColor": "#fff",
                    "textBorderWidth": 2,
                },
                "data": list(values),
            }
        ],
    }


def radar(
    indicators: Sequence[tuple[str, float]],
    firm: Sequence[float | None],
    median: Sequence[float | None],
    labels: tuple[str, str],
) -> dict[str, Any]:
    """Firm against its industry's median, both as item scores."""
    return {
        "tooltip": {},
        "legend": {"bottom": 0, "data": list(labels)},
        "radar": {
            "indicator": [{"name": n, "max": m} for n, m in indicators],
            "radius": "62%",
            "axisName": {"fontSize": 11},
        },
        "series": [
            {
                "type": "radar",
                "data": [
                    {
                        "name": labels[0],
                        "value": [v if v is not None else 0 for v in firm],
                        "areaStyle": {"opacity": 0.2},
                    },
                    {"name": labels[1], "value": [v if v is not None else 0 for v in median]},
                ],
            }
        ],
    }


def contribution_bars(items: Sequence[tuple[str, float]], label: str) -> dict[str, Any]:
    """Horizontal bars: each indicator's contribution to the score."""
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": [n for n, _ in items],
            "axisLabel": {"width": 120, "overflow": "truncate"},
        },
        "series": [
            {
                "type": "bar",
                "data": [round(v, 3) for _, v in items],
                "itemStyle": {"color": "#1f5fa8"},
            }
        ],
    }
