"""The method-file schema: frozen pydantic models with ``extra="forbid"``.

A method file (TOML) has an optional ``kind = "firm"`` (the default; the
other kind, ``"city-index"``, is in :mod:`fenghuang.methods._index_schema`) and
these tables, in this order (see docs/methods.md): ``[meta]`` (with ``[meta.source]``), ``[[derived]]``, ``[[indicators]]``,
``[[pools]]`` (each with ``[[pools.items]]`` and an optional ``[pools.classes]``),
``[classes]``, ``[[not_rated]]``, ``[[provisional]]``, ``[[vetoes]]``,
``[[adjustments]]`` and ``[policies]``. Formulas are strings in the language of
:mod:`fenghuang.methods._formula`; the loader compiles and checks them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, PrivateAttr

from fenghuang.methods._base import Frozen, MethodFile
from fenghuang.methods._formula import Formula
from fenghuang.methods._policy import PolicySet

__all__ = [
    "Adjustment",
    "BenchmarkStat",
    "ClassRule",
    "Derived",
    "Indicator",
    "Item",
    "Meta",
    "Method",
    "MethodInfo",
    "NotRated",
    "Pool",
    "Provisional",
    "Source",
    "Veto",
]

Code = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class Source(Frozen):
    """Where the method comes from: document title, number, issuer, URL, date."""

    title: Text
    document: str = ""  # 文号, e.g. 浙政发〔2018〕5号
    issuer: str = ""
    url: str = ""
    date: str = ""  # publication date, ISO
    note: str = ""


class Meta(Frozen):
    """The method's identity and provenance."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title_zh: Text
    title_en: Text
    year: int  # the year the benchmarks are for
    reconstruction: bool
    note: str = ""  # what was reconstructed or chosen, and why
    source: Source


class Derived(Frozen):
    """A derived field such as land = own + leased-in − leased-out (base units)."""

    name: Code
    zh: Text
    en: str = ""
    unit: str = ""
    formula: Text


class Indicator(Frozen):
    """One indicator: a formula in base units, shown as ``value × scale`` in ``unit``."""

    code: Code
    zh: Text
    en: Text
    unit: str  # display unit, e.g. 万元/亩
    base_unit: str = ""  # unit of the formula's result, e.g. 元/亩
    scale: Annotated[float, Field(gt=0)] = 1.0  # display = base × scale
    formula: Text
    direction: Literal[1, -1] = 1
    lever: Code | None = None  # the field a counterfactual changes (tax_paid, energy_tce …)
    dimension: str = ""  # a group of indicators for display, e.g. 亩均 / 低碳 / 科技 / 人均
    note: str = ""


class BenchmarkStat(Frozen):
    """A benchmark computed from the data: ``factor × statistic`` of a pool's values."""

    statistic: Literal["mean", "median", "min", "max", "quantile"]
    q: Annotated[float, Field(ge=0, le=1)] | None = None  # for "quantile"
    year: Literal["current", "previous"] = "current"
    scope: Literal["pool", "all"] = "pool"  # the same pool, or all firms with a value
    group_by: str | None = None  # formula giving a group (e.g. county_code)
    factor: Annotated[float, Field(gt=0)] = 1.0


class Item(Frozen):
    """One scored indicator in a pool."""

    indicator: Code
    weight: Annotated[float, Field(gt=0)]  # points
    benchmark: Annotated[float, Field(gt=0)] | BenchmarkStat | None = None  # display units
    cap: Annotated[float, Field(gt=0)] | None = None  # most points = cap × weight
    missing: Literal["pool_mean", "zero", "penalty"] = "zero"
    penalty: Annotated[float, Field(ge=0)] = 0.0  # points deducted when missing="penalty"


class ClassRule(Frozen):
    """How scores become classes: shares (best first) or score thresholds."""

    labels: list[Text] = Field(default_factory=lambda: ["A", "B", "C", "D"])
    rule: Literal["shares", "thresholds"]
    shares: list[Annotated[float, Field(ge=0, le=1)]] | None = None
    thresholds: list[float] | None = None
    group_by: str | None = None  # formula giving the class group (e.g. prefix(industry_code, 2))
    min_group: Annotated[int, Field(ge=1)] = 1  # smaller groups are merged into the pool ('')


class Pool(Frozen):
    """A set of firms scored and classed together (first matching ``when`` wins)."""

    code: Code
    zh: Text
    en: Text
    when: Text
    scoring: Literal["benchmark", "minmax"]
    cap: Annotated[float, Field(gt=0)] | None = None  # default cap of its items
    # percent of the weight; a TOML array (list) is taken for the tuple (strict=False), its
    # numbers stay strict
    minmax_range: tuple[float, float] = Field(default=(20.0, 100.0), strict=False)
    items: Annotated[list[Item], Field(min_length=1)]
    classes: ClassRule | None = None  # default: the method's [classes]


class NotRated(Frozen):
    """Firms that get no score: exempt categories, no land, class T …"""

    id: Code
    when: Text
    label: Text  # class_final shown, e.g. 参照B or T
    reason_zh: Text
    reason_en: Text
    remark_zh: str = ""


class Provisional(Frozen):
    """Firms scored but never below ``floor`` unless vetoed (new firms, major projects)."""

    id: Code
    when: Text
    floor: Text  # worst class allowed, e.g. C
    reason_zh: Text
    reason_en: Text


class Veto(Frozen):
    """一票否决: bars the classes better than ``cap`` (or sets ``to``)."""

    id: Code
    when: Text
    cap: str | None = None  # best class allowed, e.g. C
    to: str | None = None  # or a fixed class, e.g. D
    reason_zh: Text
    reason_en: Text


class Adjustment(Frozen):
    """定档 (fix), 提档 (up) or 降档 (down), applied in file order."""

    id: Code
    kind: Literal["fix", "up", "down"]
    when: Text
    to: str | None = None  # for fix
    steps: Annotated[int, Field(ge=1)] = 1  # for up/down
    reason_zh: Text
    reason_en: Text


class Method(MethodFile):
    """A validated method file (see :func:`fenghuang.methods.load_method`).

    Attributes
    ----------
    kind : "firm"
        The method kind (the default when the file names none).
    meta, derived, indicators, pools, classes, not_rated, provisional, vetoes,
    adjustments, policies
        The file's tables.
    combine_shared_parcels : bool
        Score firms that share a parcel as one unit (needs the parcels).
    text : str
        The file's text as loaded (stored with a run).
    sha256 : str
        Its hash.
    """

    kind: Literal["firm"] = "firm"
    meta: Meta
    derived: list[Derived] = Field(default_factory=list)
    indicators: Annotated[list[Indicator], Field(min_length=1)]
    pools: Annotated[list[Pool], Field(min_length=1)]
    classes: ClassRule
    not_rated: list[NotRated] = Field(default_factory=list)
    provisional: list[Provisional] = Field(default_factory=list)
    vetoes: list[Veto] = Field(default_factory=list)
    adjustments: list[Adjustment] = Field(default_factory=list)
    combine_shared_parcels: bool = False  # firms sharing a parcel are scored as one unit
    policies: PolicySet = PolicySet()

    _formulas: dict[str, Formula] = PrivateAttr(default_factory=dict)

    def formula(self, key: str) -> Formula:
        """A compiled formula by key: ``derived.<name>``, ``indicator.<code>``,
        ``pool.<code>``, ``classes.<pool or *>``, ``benchmark.<pool>.<indicator>``,
        ``not_rated.<id>``, ``provisional.<id>``, ``veto.<id>``, ``adjustment.<id>``."""
        return self._formulas[key]

    def indicator(self, code: str) -> Indicator:
        """The indicator with this code."""
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def class_rule(self, pool: Pool) -> ClassRule:
        """The pool's class rule (its own or the method's)."""
        return pool.classes or self.classes


class MethodInfo(Frozen):
    """A shipped method, as listed by :func:`fenghuang.methods.list_methods`."""

    name: str
    title_zh: str
    title_en: str
    source: str
    reconstruction: bool
    kind: Literal["firm", "city-index"] = "firm"
