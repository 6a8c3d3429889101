"""Checks of a city-index method file beyond its schema, each adding located errors.

Two passes, like the firm methods' (:mod:`fenghuang.methods._checks`): on the
raw data, so they run even when the schema pass failed elsewhere, the
indicator codes are checked against a catalogue when one is given (the
nearest known code is suggested); on the validated model, codes must be
unique (a dimension code across the whole file, since results are keyed by
it), an indicator may appear once per dimension and kind, and a warning
score needs its two pillars.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any

from fenghuang.methods._checks import Collector
from fenghuang.methods._index_schema import CityIndexMethod

__all__ = ["catalogue_refs", "index_semantic"]


def _list(d: Any, key: str) -> list[Any]:
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, list) else []


def catalogue_refs(col: Collector, data: dict[str, Any], catalogue: Collection[str]) -> None:
    """Every ``pillars[i].dimensions[j].indicators[k].indicator`` must be in ``catalogue``."""
    known = sorted(catalogue)
    for i, pillar in enumerate(_list(data, "pillars")):
        for j, dim in enumerate(_list(pillar, "dimensions")):
            for k, ref in enumerate(_list(dim, "indicators")):
                code = ref.get("indicator") if isinstance(ref, dict) else None
                if not isinstance(code, str) or code in catalogue:
                    continue
                near = difflib.get_close_matches(code, known, n=1)
                sz = f"，是否为 {near[0]}？" if near else ""
                se = f"; did you mean {near[0]!r}?" if near else ""
                col.add(
                    ("pillars", i, "dimensions", j, "indicators", k, "indicator"),
                    f"指标目录中没有指标 {code}{sz}",
                    f"indicator {code!r} is not in the catalogue{se}",
                )


def index_semantic(col: Collector, m: CityIndexMethod) -> None:
    """Cross-references of a validated city-index method."""
    pillars: set[str] = set()
    dims: set[str] = set()
    for i, p in enumerate(m.pillars):
        if p.code in pillars:
            col.add(
                ("pillars", i, "code"),
                f"重复的支柱代码：{p.code}",
                f"duplicate pillar code {p.code!r}",
            )
        pillars.add(p.code)
        for j, d in enumerate(p.dimensions):
            if d.code in dims:
                col.add(
                    ("pillars", i, "dimensions", j, "code"),
                    f"重复的维度代码：{d.code}（维度代码在整个文件中须唯一）",
                    f"duplicate dimension code {d.code!r} (unique across the file)",
                )
            dims.add(d.code)
            seen: set[tuple[str, str]] = set()
            for k, ref in enumerate(d.indicators):
                key = (ref.indicator, ref.kind)
                if key in seen:
                    col.add(
                        ("pillars", i, "dimensions", j, "indicators", k, "indicator"),
                        f"指标 {ref.indicator}（{ref.kind}）在该维度中重复",
                        f"indicator {ref.indicator!r} ({ref.kind}) repeats in the dimension",
                    )
                seen.add(key)
    if m.index.score == "warning":
        for role, code in (("pressure", m.index.pressure), ("capacity", m.index.capacity)):
            if code not in pillars:
                col.add(
                    ("index", role) if role in m.index.model_fields_set else ("index", "score"),
                    f'score = "warning" 需要支柱 {code}（{role}），文件中没有',
                    f"score = 'warning' needs the {role} pillar {code!r}, which is not defined",
                )
        if m.index.pressure == m.index.capacity:
            col.add(
                ("index", "capacity"),
                "压力与能力不能是同一个支柱",
                "pressure and capacity must be different pillars",
            )
