"""Column mappings: which headers mean which canonical field, in which units.

A mapping is data: one TOML file per department in
``fenghuang/sources/mappings/`` (``tax.toml``, ``power.toml`` …). A new
city's header spellings need only an edit there, or a mapping file of its
own passed as ``mapping=``. Files are parsed into frozen pydantic models
with ``extra="forbid"``; every problem is reported at once with its place
in the file (line number and key path).

A mapping file looks like::

    department = "tax"
    kind = "monthly"
    key = ["credit_code", "year", "month"]

    [fields.tax_paid]
    headers = ["实缴税金", "实缴税额", "入库税款"]
    quantity = "money"
    units = ["元", "千元", "万元", "亿元"]
    default_unit = "元"
    nonnegative = true

Pseudo-fields every department may have: ``credit_code``, ``name``,
``period`` (year and month in one cell), ``year``, ``month``, and ``item``
(a sub-key such as the tax bureau's 征收项目: several rows per firm and
month, one per item, which the warehouse sums).

Examples
--------
>>> m = load_mapping("tax")
>>> m.kind
'monthly'
>>> m.field_for_header("实缴税额")
'tax_paid'
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping as AbcMapping
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from fenghuang.errors import MethodError
from fenghuang.facts import DEPARTMENTS, FIRM_FIELDS, FIRM_YEAR_FIELDS, PARCEL_FIELDS
from fenghuang.sources._units import QUANTITIES, UNIT_TABLES, normalize_unit, split_header

__all__ = [
    "PSEUDO_FIELDS",
    "DepartmentMapping",
    "FieldSpec",
    "load_all_mappings",
    "load_mapping",
    "normalize_header",
]

Kind = Literal["monthly", "annual", "parcel", "firm"]
#: Fields any department file may carry besides its own.
PSEUDO_FIELDS = ("credit_code", "name", "period", "year", "month", "item")
_HEADER_NOISE = re.compile(r"[\s\u3000*＊※:：]")


def normalize_header(text: str) -> str:
    """Header text for matching: NFKC, lower-case, no spaces, stars or colons."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


class FieldSpec(BaseModel):
    """How one canonical field appears in a department's files.

    Attributes
    ----------
    headers : list of str
        Header spellings (synonyms), matched after :func:`normalize_header`.
    quantity : str
        One of ``money, area, electricity, energy, mass, volume, count,
        ratio, bool, date, period, year, month, text, code``.
    units : list of str
        Units allowed (empty: any unit of the quantity).
    default_unit : str, optional
        Unit assumed when neither the header nor a unit column gives one.
    required : bool
        Rows without a value are quarantined (``E-ROW-MISSING``).
    nonnegative : bool
        Negative values are quarantined (``E-ROW-NEGATIVE``).
    max : float, optional
        Values above it (in base units) are implausible (``E-ROW-ABSURD``).
    values : dict of str to list of str
        For coded text: canonical value → spellings (e.g. ``own = ["自有", "出让"]``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    headers: list[str] = Field(min_length=1)
    quantity: str
    units: list[str] = []
    default_unit: str | None = None
    required: bool = False
    nonnegative: bool = False
    max: float | None = None
    values: dict[str, list[str]] = {}

    @field_validator("quantity")
    @classmethod
    def _known_quantity(cls, v: str) -> str:
        if v not in QUANTITIES:
            raise ValueError(f"unknown quantity {v!r}; use one of {', '.join(QUANTITIES)}")
        return v

    @field_validator("units", "default_unit")
    @classmethod
    def _known_units(cls, v: Any, info: ValidationInfo) -> Any:
        quantity = info.data.get("quantity")
        if v is None or quantity is None:
            return v
        table = UNIT_TABLES.get(quantity)
        for u in v if isinstance(v, list) else [v]:
            if table is None:
                raise ValueError(f"quantity {quantity!r} has no units")
            if normalize_unit(u) not in table:
                raise ValueError(f"unit {u!r} is not a known {quantity} unit: {', '.join(table)}")
        return v

    @model_validator(mode="after")
    def _check(self) -> FieldSpec:
        if self.default_unit and self.units and self.default_unit not in self.units:
            raise ValueError("default_unit must be one of units")
        return self

    def allows(self, unit: str) -> bool:
        """Whether ``unit`` is allowed for this field."""
        table = UNIT_TABLES.get(self.quantity, {})
        u = normalize_unit(unit)
        if u not in table:
            return False
        return not self.units or u in {normalize_unit(x) for x in self.units}


class DepartmentMapping(BaseModel):
    """The mapping of one department's files to canonical fields.

    Attributes
    ----------
    department : str
        A key of :data:`fenghuang.facts.DEPARTMENTS`.
    kind : {"monthly", "annual", "parcel", "firm"}
    key : list of str
        Fields that identify a row (duplicate / conflict detection).
    unit_column : list of str
        Headers of a per-row unit column, applied to numeric fields whose
        header carries no unit.
    file_hints : list of str
        Words in file names that suggest this department (tie-breaks).
    current_subheaders, ignored_subheaders : list of str
        Second header row labels: ``本年`` is the value, ``上年`` is skipped.
    wide_field : str, optional
        Monthly kinds: the field of bare month columns ("1月 … 12月") in a
        wide layout, when neither the column nor a parent header names one.
    fields : dict of str to FieldSpec
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    department: str
    kind: Kind
    key: list[str] = Field(min_length=1)
    unit_column: list[str] = []
    file_hints: list[str] = []
    current_subheaders: list[str] = [
        "本年",
        "本期",
        "本年累计",
        "本年实际",
        "本月",
        "当期",
        "本年数",
    ]
    ignored_subheaders: list[str] = [
        "上年",
        "上年同期",
        "同期",
        "去年",
        "上期",
        "上年数",
        "增长",
        "增速",
        "同比",
    ]
    wide_field: str | None = None
    fields: dict[str, FieldSpec]

    @model_validator(mode="after")
    def _check(self) -> DepartmentMapping:
        if self.wide_field is not None and self.wide_field not in self.fields:
            raise ValueError(f"wide_field {self.wide_field!r} is not mapped")
        if self.department not in DEPARTMENTS:
            raise ValueError(
                f"unknown department {self.department!r}; use one of {list(DEPARTMENTS)}"
            )
        allowed = set(PSEUDO_FIELDS) | set(self.canonical_fields())
        for name in self.fields:
            if name not in allowed:
                raise ValueError(f"field {name!r} is not in fenghuang.facts for kind {self.kind!r}")
        for name in self.key:
            if name not in self.fields and name not in ("year", "month"):
                raise ValueError(f"key field {name!r} is not mapped")
        seen: dict[str, str] = {}
        for name, spec in self.fields.items():
            for h in spec.headers:
                k = normalize_header(h)
                if k in seen and seen[k] != name:
                    raise ValueError(f"header {h!r} is mapped to both {seen[k]!r} and {name!r}")
                seen[k] = name
        return self

    def canonical_fields(self) -> list[str]:
        """The data-model fields this kind of file fills (besides pseudo-fields)."""
        if self.kind == "firm":
            own = [f for f in FIRM_FIELDS if f not in ("credit_code", "name")]
            yearly = [f for f, s in FIRM_YEAR_FIELDS.items() if s.department == "registry"]
            return own + yearly
        if self.kind == "parcel":
            return [f for f in PARCEL_FIELDS if f != "credit_code"]
        return [
            f
            for f, spec in FIRM_YEAR_FIELDS.items()
            if f not in ("credit_code", "year") and (spec.department in ("", self.department))
        ]

    def output_fields(self) -> list[str]:
        """Canonical columns of the output table, in order (lineage excluded)."""
        head = ["credit_code", "name", "year"] + (["month"] if self.kind == "monthly" else [])
        head += ["item"] if "item" in self.fields else []
        own = [f for f in self.fields if f not in PSEUDO_FIELDS]
        return head + own

    @cached_property
    def _header_index(self) -> dict[str, str]:
        return {
            normalize_header(h): name for name, spec in self.fields.items() for h in spec.headers
        }

    @cached_property
    def _unit_headers(self) -> frozenset[str]:
        return frozenset(normalize_header(h) for h in self.unit_column)

    def field_for_header(self, header: str) -> str | None:
        """The canonical field a header (without its unit) stands for, if any."""
        return self._header_index.get(normalize_header(header))

    def header_rank(self, field: str, header: str) -> int:
        """Position of ``header`` (or its name without unit) among ``field``'s synonyms."""
        keys = [normalize_header(h) for h in self.fields[field].headers]
        for text in (header, split_header(header)[0]):
            k = normalize_header(text)
            if k in keys:
                return keys.index(k)
        return len(keys)

    def is_unit_column(self, header: str) -> bool:
        """Whether a header names the per-row unit column."""
        return normalize_header(header) in self._unit_headers


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number of a pydantic ``loc`` in TOML text."""
    lines = text.splitlines()
    start = 0
    if len(loc) >= 2 and loc[0] == "fields":
        for i, line in enumerate(lines):
            if line.strip() == f"[fields.{loc[1]}]":
                start = i
                break
        else:
            return None
        key = str(loc[2]) if len(loc) >= 3 else None
        if key is None:
            return start + 1
        for j in range(start + 1, len(lines)):
            if lines[j].strip().startswith("["):
                break
            if lines[j].split("=")[0].strip() == key:
                return j + 1
        return start + 1
    if loc:
        for i, line in enumerate(lines):
            if line.split("=")[0].strip() == str(loc[0]):
                return i + 1
    return None


def _parse(text: str, where: str) -> DepartmentMapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MethodError(
            "E-SOURCE-MAPPING",
            zh="映射文件不是有效的 TOML",
            en="the mapping file is not valid TOML",
            errors=[{"where": where, "zh": str(exc), "en": str(exc)}],
            file=where,
        ) from exc
    try:
        return DepartmentMapping.model_validate(data)
    except ValidationError as exc:
        errors: list[AbcMapping[str, Any]] = []
        for e in exc.errors():
            loc = tuple(e["loc"])
            line = _line_of(text, loc)
            place = f"{where}:{line}" if line else where
            path = ".".join(str(p) for p in loc)
            errors.append({"where": f"{place} [{path}]", "zh": e["msg"], "en": e["msg"]})
        raise MethodError(
            "E-SOURCE-MAPPING",
            zh="映射文件无效",
            en="the mapping file is invalid",
            errors=errors,
            file=where,
        ) from exc


def load_mapping(
    source: str | Path | AbcMapping[str, Any] | DepartmentMapping,
) -> DepartmentMapping:
    """Load a department mapping.

    Parameters
    ----------
    source : str, Path, dict or DepartmentMapping
        A department name (``"tax"``: the built-in file), a path to a TOML
        file, or already-parsed data.

    Raises
    ------
    fenghuang.errors.MethodError
        ``E-SOURCE-MAPPING`` with every problem and its line.
    """
    if isinstance(source, DepartmentMapping):
        return source
    if isinstance(source, AbcMapping):
        try:
            return DepartmentMapping.model_validate(dict(source))
        except ValidationError as exc:
            errors: list[AbcMapping[str, Any]] = [
                {"where": ".".join(map(str, e["loc"])), "zh": e["msg"], "en": e["msg"]}
                for e in exc.errors()
            ]
            raise MethodError(
                "E-SOURCE-MAPPING", zh="映射无效", en="the mapping is invalid", errors=errors
            ) from exc
    if isinstance(source, str) and source in DEPARTMENTS:
        res = resources.files("fenghuang.sources").joinpath("mappings", f"{source}.toml")
        return _parse(res.read_text(encoding="utf-8"), f"mappings/{source}.toml")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MethodError(
            "E-SOURCE-MAPPING",
            zh="无法读取映射文件",
            en="cannot read the mapping file",
            file=str(path),
        ) from exc
    return _parse(text, str(path))


def load_all_mappings() -> dict[str, DepartmentMapping]:
    """The built-in mapping of every department, by department name."""
    return {dep: load_mapping(dep) for dep in DEPARTMENTS}
