"""The ``[policies]`` part of a method file: differentiated prices and measures by class.

差异化资源要素配置. A method file's ``policies`` table is parsed into a
frozen :class:`PolicySet`. Every field has an empty default, so a method
without policies still loads (and bills nothing).

::

    PolicySet
    ├── not_rated, not_rated_zh/en, treat_as    which class's policies a firm gets
    ├── surcharges: {item: Surcharge}           加价 on power, water, gas, sewage …
    │   ├── rates: {class: yuan per unit | percent of base_price}
    │   ├── escalation: Escalation              by consecutive years in one class
    │   └── source: Source
    ├── priorities: {topic: Priority}           land, energy-use quota, discharge rights
    │   └── classes: {class: PriorityLevel}     level, allowed, quota change, text
    ├── rewards: [Reward]                       amount and/or text, for some classes
    └── measures: [Measure]                     other incentives / restrictions (zh + en)

Every surcharge, priority, reward and measure carries a :class:`Source`: the
document it comes from, or ``status = "example"`` / ``"reconstruction"``
when the numbers are not a city's published ones.

Examples
--------
>>> p = PolicySet.model_validate(
...     {
...         "surcharges": {
...             "electricity": {
...                 "rates": {"C": 0.10, "D": 0.30},
...                 "source": {"status": "example"},
...             }
...         }
...     }
... )
>>> p.surcharges["electricity"].basis
'electricity_kwh'
>>> p.surcharges["electricity"].rate_yuan("C")
0.1
>>> PolicySet().is_empty()
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from fenghuang.facts import FIRM_YEAR_FIELDS
from fenghuang.methods._base import Frozen
from fenghuang.methods._messages import en_message, zh_message

__all__ = [
    "DEFAULT_ITEMS",
    "DEFAULT_TOPICS",
    "Escalation",
    "LabelRole",
    "Measure",
    "PolicySet",
    "Priority",
    "PriorityLevel",
    "Reward",
    "Source",
    "Surcharge",
    "key_path",
    "parse_policies",
    "policy_errors",
]

Label = Annotated[str, Field(min_length=1, max_length=16)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Rate = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]

#: Defaults for the usual surcharge items: basis field, zh and en names.
DEFAULT_ITEMS: dict[str, dict[str, str]] = {
    "electricity": {
        "basis": "electricity_kwh",
        "name_zh": "差别化电价",
        "name_en": "Electricity surcharge",
    },
    "water": {"basis": "water_m3", "name_zh": "差别化水价", "name_en": "Water surcharge"},
    "gas": {"basis": "gas_m3", "name_zh": "差别化气价", "name_en": "Gas surcharge"},
    "sewage": {
        "basis": "water_m3",
        "name_zh": "差别化污水处理费",
        "name_en": "Sewage-treatment surcharge",
    },
}

#: Defaults for the usual priority topics: zh and en names.
DEFAULT_TOPICS: dict[str, dict[str, str]] = {
    "land": {"name_zh": "用地供应", "name_en": "Land supply"},
    "energy_quota": {"name_zh": "用能指标", "name_en": "Energy-use quota"},
    "discharge_rights": {"name_zh": "排污权", "name_en": "Pollutant discharge rights"},
}

_NUMERIC = {"float64", "int64"}

#: What a class label written in ``[policies]`` stands for. ``"policy"``: the
#: class whose firms get the line (``rates``, ``escalation.label``, priority
#: ``classes``, reward and measure ``classes``); ``"target"``: the class whose
#: policies apply instead (``not_rated``, a ``treat_as`` value); ``"given"``: a
#: label firms are given (a ``treat_as`` key, e.g. ``参照B``).
LabelRole = Literal["policy", "target", "given"]


def _fail(zh: str, en: str) -> PydanticCustomError:
    """A validation error with both languages (``ctx['zh']`` is read by the loader)."""
    return PydanticCustomError("fh_policy", "{en}", {"zh": zh, "en": en})


class Source(Frozen):
    """Where a policy's numbers come from.

    Attributes
    ----------
    status : {"official", "example", "reconstruction"}
        ``official``: taken from ``document``; ``example``: illustrative
        numbers (示例); ``reconstruction``: our reading of a policy whose
        figures are not published (重构).
    document : str
        Document number or title, e.g. ``浙政发〔2018〕5号``. Required when official.
    issuer, url, note_zh, note_en : str
    year : int, optional
    """

    status: Literal["official", "example", "reconstruction"] = "official"
    document: str = ""
    issuer: str = ""
    year: int | None = None
    url: str = ""
    note_zh: str = ""
    note_en: str = ""

    @model_validator(mode="after")
    def _cited(self) -> Source:
        if self.status == "official" and not self.document.strip():
            raise _fail(
                '正式政策须注明来源文件（document），否则标注 status = "example"',
                'an official policy needs its source document (document=), or status = "example"',
            )
        return self

    def label(self) -> str:
        """Short zh citation shown next to a bill line."""
        tag = {"official": "", "example": "示例", "reconstruction": "重构"}[self.status]
        doc = self.document.strip()
        if tag and doc:
            return f"{tag}（参照{doc}）"
        return tag or doc


class Escalation(Frozen):
    """A rate that rises with the number of consecutive years in one class.

    ``schedule[k - 1]`` is the rate (same unit as ``rates``) in the k-th
    consecutive year; beyond the schedule's end its last value applies.
    """

    label: Label = "D"
    schedule: tuple[Rate, ...] = Field(min_length=1, strict=False)  # a TOML array is a list

    @field_validator("schedule")
    @classmethod
    def _rising(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        for i in range(1, len(v)):
            if v[i] < v[i - 1]:
                raise _fail(
                    f"逐年加价表须不减：第{i + 1}项 {v[i]:g} 小于第{i}项 {v[i - 1]:g}",
                    f"an escalation schedule must not fall: item {i + 1} ({v[i]:g}) "
                    f"< item {i} ({v[i - 1]:g})",
                )
        return v

    def rate_for(self, years: int) -> float:
        """The rate in the ``years``-th consecutive year (``years`` < 1 counts as 1)."""
        k = min(max(int(years), 1), len(self.schedule))
        return float(self.schedule[k - 1])


class Surcharge(Frozen):
    """A price surcharge (加价) on one resource, by class.

    Attributes
    ----------
    name_zh, name_en : str
        Shown on the bill (defaults for the items of :data:`DEFAULT_ITEMS`).
    basis : str
        The firm-year fact the surcharge is levied on (``electricity_kwh`` …).
    basis_factor : float
        Multiplies the basis, e.g. a sewage discharge coefficient (折污系数) of 0.8.
    mode : {"per_unit", "percent"}
        ``per_unit``: ``rates`` are yuan per unit of the basis; ``percent``:
        ``rates`` are percent of ``base_price``.
    base_price : float, optional
        Yuan per unit of the basis; required when ``mode = "percent"``.
    rates : dict
        Class label → rate (≥ 0). A class not listed pays nothing.
    escalation : Escalation, optional
        Rates by consecutive years in ``escalation.label`` (that label must
        then not be in ``rates``).
    source : Source
    """

    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    basis: str
    basis_factor: float = Field(default=1.0, gt=0.0, allow_inf_nan=False)
    mode: Literal["per_unit", "percent"] = "per_unit"
    base_price: float | None = Field(default=None, gt=0.0, allow_inf_nan=False)
    rates: dict[Label, Rate] = Field(default_factory=dict)
    escalation: Escalation | None = None
    source: Source

    @field_validator("basis")
    @classmethod
    def _known_basis(cls, v: str) -> str:
        f = FIRM_YEAR_FIELDS.get(v)
        if f is None or f.dtype not in _NUMERIC:
            names = ", ".join(k for k, x in FIRM_YEAR_FIELDS.items() if x.dtype in _NUMERIC)
            raise _fail(
                f"计费依据 {v!r} 不是数值型企业年度字段（可选：{names}）",
                f"basis {v!r} is not a numeric firm-year field (one of: {names})",
            )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Surcharge:
        if not self.rates and self.escalation is None:
            raise _fail(
                "加价项未给出任何类别的价格（rates 或 escalation）",
                "the surcharge sets no rate for any class (rates or escalation)",
            )
        if self.mode == "percent" and self.base_price is None:
            raise _fail(
                '按百分比加价（mode = "percent"）须给出基准价 base_price（元/单位）',
                'mode = "percent" needs base_price (yuan per unit of the basis)',
            )
        if self.escalation is not None and self.escalation.label in self.rates:
            lab = self.escalation.label
            raise _fail(
                f"rates.{lab} 与 escalation（{lab}类逐年加价）重复，只能保留一个",
                f"rates.{lab} and escalation (label {lab}) both set class {lab}'s rate: keep one",
            )
        return self

    @property
    def unit(self) -> str:
        """The basis's unit (kWh, m³ …)."""
        return FIRM_YEAR_FIELDS[self.basis].unit

    def rate_yuan(self, label: str, years: int = 1) -> float | None:
        """Yuan per unit of the basis for a class (None: the class pays nothing)."""
        if self.escalation is not None and label == self.escalation.label:
            raw = self.escalation.rate_for(years)
        elif label in self.rates:
            raw = self.rates[label]
        else:
            return None
        if self.mode == "percent":
            assert self.base_price is not None
            return round(self.base_price * raw / 100.0, 10)
        return float(raw)

    def labels(self) -> set[str]:
        """Class labels this surcharge names."""
        out = set(self.rates)
        if self.escalation is not None:
            out.add(self.escalation.label)
        return out


class PriorityLevel(Frozen):
    """One class's standing for a priority topic.

    ``level`` 1 is served first; ``allowed = false`` means denied (不予安排);
    ``quota_pct`` changes the class's quota in percent (+10, −20).
    """

    level: int | None = Field(default=None, ge=1, le=99)
    allowed: bool = True
    quota_pct: float | None = Field(default=None, ge=-100.0, le=1000.0, allow_inf_nan=False)
    zh: str = ""
    en: str = ""

    @model_validator(mode="after")
    def _coherent(self) -> PriorityLevel:
        if not self.allowed and (self.level is not None or self.quota_pct is not None):
            raise _fail(
                "allowed = false（不予安排）时不能再给 level 或 quota_pct",
                "allowed = false (denied) cannot also have a level or quota_pct",
            )
        if (self.zh == "") != (self.en == ""):
            raise _fail("zh 与 en 须同时给出或都不写", "give both zh and en, or neither")
        return self


class Priority(Frozen):
    """A priority or quota topic (用地、用能、排污权 …) by class."""

    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    classes: dict[Label, PriorityLevel] = Field(min_length=1)
    source: Source


class Reward(Frozen):
    """A reward for some classes: an amount in yuan and/or a text."""

    classes: tuple[Label, ...] = Field(min_length=1, strict=False)
    amount_yuan: float | None = Field(default=None, ge=0.0, allow_inf_nan=False)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    source: Source


class Measure(Frozen):
    """Another incentive (激励) or restriction (约束) for some classes."""

    classes: tuple[Label, ...] = Field(min_length=1, strict=False)
    kind: Literal["incentive", "restriction"]
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    source: Source


class PolicySet(Frozen):
    """All differentiated policies of a method (empty: none).

    Attributes
    ----------
    treat_as : dict
        Labels a method gives besides its classes (``参照B``, ``T`` …) → the
        class whose policies apply; targets may not themselves be mapped.
        Checked first, for rated and not-rated firms alike.
    not_rated : str
        The class whose policies apply to any other firm that is not rated
        (``rated`` false), e.g. ``"B"`` for 不定等级，参照B类; ``""``: such
        firms get no differentiated policy.
    not_rated_zh, not_rated_en : str
        The reason shown for a not-rated firm (default ``不定等级，参照{class}类``).
    surcharges, priorities, rewards, measures
        See the module docstring.
    """

    not_rated: str = Field(default="", max_length=16)
    not_rated_zh: str = ""
    not_rated_en: str = ""
    treat_as: dict[Label, Label] = Field(default_factory=dict)
    surcharges: dict[Code, Surcharge] = Field(default_factory=dict)
    priorities: dict[Code, Priority] = Field(default_factory=dict)
    rewards: tuple[Reward, ...] = Field(default=(), strict=False)
    measures: tuple[Measure, ...] = Field(default=(), strict=False)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """Fill the names and basis of the usual items and topics."""
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        for key, defaults in (("surcharges", DEFAULT_ITEMS), ("priorities", DEFAULT_TOPICS)):
            table = out.get(key)
            if isinstance(table, Mapping):
                filled = {}
                for name, spec in table.items():
                    if isinstance(spec, Mapping) and name in defaults:
                        spec = {**defaults[name], **spec}
                    filled[name] = spec
                out[key] = filled
        return out

    @field_validator("treat_as")
    @classmethod
    def _no_chain(cls, v: dict[str, str]) -> dict[str, str]:
        for src, dst in v.items():
            if dst in v:
                raise _fail(
                    f"treat_as.{src} 指向 {dst}，而 {dst} 本身也被映射：请直接写最终类别",
                    f"treat_as.{src} points to {dst}, which is mapped itself: give the final class",
                )
        return v

    def is_empty(self) -> bool:
        """Whether the method has no differentiated policy at all."""
        return not (self.surcharges or self.priorities or self.rewards or self.measures)

    def label_refs(self) -> list[tuple[tuple[str | int, ...], str, LabelRole]]:
        """Every class label the policies write: ``(key path, label, role)``, in file order.

        The key path is a tuple from the file's top (``("policies",
        "surcharges", "gas", "rates", "D")``, ``("policies", "rewards", 0,
        "classes", 1)``). The role says what the label must be (see
        :data:`LabelRole`); the method loader checks each against the
        method's classes (:mod:`fenghuang.methods._policy_checks`).
        """
        out: list[tuple[tuple[str | int, ...], str, LabelRole]] = []
        if self.not_rated:
            out.append((("policies", "not_rated"), self.not_rated, "target"))
        for src, dst in self.treat_as.items():
            out.append((("policies", "treat_as", src), src, "given"))
            out.append((("policies", "treat_as", src), dst, "target"))
        for item, s in self.surcharges.items():
            at: tuple[str | int, ...] = ("policies", "surcharges", item)
            out.extend(((*at, "rates", lab), lab, "policy") for lab in s.rates)
            if s.escalation is not None:
                out.append(((*at, "escalation", "label"), s.escalation.label, "policy"))
        for topic, p in self.priorities.items():
            out.extend(
                (("policies", "priorities", topic, "classes", lab), lab, "policy")
                for lab in p.classes
            )
        lists: tuple[tuple[str, tuple[Reward | Measure, ...]], ...] = (
            ("rewards", self.rewards),
            ("measures", self.measures),
        )
        for table, rows in lists:
            for i, r in enumerate(rows):
                out.extend(
                    (("policies", table, i, "classes", k), lab, "policy")
                    for k, lab in enumerate(r.classes)
                )
        return out

    def labels(self) -> dict[str, set[str]]:
        """Every class label the policies name (``treat_as`` keys aside), with the key paths.

        Paths are dotted (``policies.surcharges.gas.rates.D``; a reward's or
        measure's ``policies.rewards[0].classes``).
        """
        found: dict[str, set[str]] = {}
        for path, label, role in self.label_refs():
            if role == "given":
                continue
            if isinstance(path[-1], int):
                path = path[:-1]  # one entry for a reward's or measure's classes list
            dotted = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in path)
            found.setdefault(label, set()).add(dotted[1:])
        return found

    def unknown_labels(self, known: Iterable[str]) -> list[tuple[str, str]]:
        """``(key path, label)`` for each label not in ``known`` nor in ``treat_as``.

        The method loader checks more strictly, by role
        (:func:`fenghuang.methods._policy_checks.policy_labels`).
        """
        ok = set(known) | set(self.treat_as)
        out: list[tuple[str, str]] = []
        for label, paths in self.labels().items():
            if label not in ok:
                out.extend((p, label) for p in sorted(paths))
        return sorted(out)


def key_path(loc: Iterable[int | str], prefix: str = "policies") -> str:
    """A pydantic ``loc`` as a TOML key path: ``policies.surcharges.gas.rates.D``.

    Examples
    --------
    >>> key_path(("surcharges", "gas", "escalation", "schedule", 1))
    'policies.surcharges.gas.escalation.schedule[1]'
    """
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith("[") or "function-" in part:  # pydantic's key/validator markers
            continue
        else:
            out = f"{out}.{part}" if out else part
    return out


def policy_errors(data: Any, prefix: str = "policies") -> list[dict[str, Any]]:
    """Every problem of a ``[policies]`` table, each with its key path (empty: valid).

    Each error is ``{"where": key path, "loc": tuple, "zh": …, "en": …}``, the
    form :class:`fenghuang.errors.MethodError` lists (the method loader adds
    the file and line).
    """
    from pydantic import ValidationError

    try:
        PolicySet.model_validate(data)
    except ValidationError as exc:
        out: list[dict[str, Any]] = []
        for e in exc.errors():
            loc = tuple(e["loc"])
            out.append(
                {
                    "where": key_path(loc, prefix),
                    "loc": loc,
                    "zh": zh_message(e),
                    "en": en_message(e),
                }
            )
        return out
    return []


def parse_policies(data: Any, *, file: str | None = None, prefix: str = "policies") -> PolicySet:
    """Validate a ``[policies]`` table (a dict from TOML) into a :class:`PolicySet`.

    Parameters
    ----------
    data : mapping or None
        The table; ``None`` gives the empty :class:`PolicySet`.
    file : str, optional
        Named in the error.
    prefix : str
        Key path of the table in its file.

    Raises
    ------
    fenghuang.errors.MethodError
        ``E-METHOD-POLICY``, listing every problem with its key path.
    """
    from fenghuang.errors import MethodError

    if data is None:
        return PolicySet()
    errors = policy_errors(data, prefix)
    if errors:
        first = errors[0]["where"]
        raise MethodError(
            "E-METHOD-POLICY",
            zh=f"方法文件的差异化政策（[{prefix}]）有 {len(errors)} 处错误，首处在 {first}",
            en=f"the method file's [{prefix}] has {len(errors)} error(s), first at {first}",
            errors=list[Mapping[str, Any]](errors),
            file=file,
            field=first,
            hint_zh="按所列键路径改正方法文件后重新载入；格式见 docs/policy.md",
            hint_en="fix the method file at the key paths listed and reload; see docs/policy.md",
        )
    return PolicySet.model_validate(data)
