"""fenghuang.methods: evaluation methods as validated TOML files, of two kinds.

A firm method (``kind = "firm"``, the default) declares meta and source,
derived fields, indicators as formulas over firm-year fields, pools with
their scoring rules, class rules, not-rated and provisional rules, vetoes,
adjustments and policies. A city transformation index (``kind =
"city-index"``, :class:`CityIndexMethod`) declares the same meta and source,
then pillars → dimensions → indicator codes of the monitor's catalogue, with
weights, directions, the normaliser, the aggregator and the score (warning =
pressure / capacity, or a mean). One loader (:func:`load_method`,
:func:`parse_method`, :func:`list_methods`) reads both and reports every
problem at once as ``file:line:column key.path``; :func:`key_lines` and
:func:`locate` are that key-path → position mapping. See docs/methods.md.
"""

from fenghuang.methods._checks import FIELD_KINDS
from fenghuang.methods._formula import FUNCTIONS, Formula, compile_formula
from fenghuang.methods._index_schema import (
    CityIndexMethod,
    IndexDimension,
    IndexIndicator,
    IndexPillar,
    IndexRule,
)
from fenghuang.methods._lines import KeyPath, key_lines, locate
from fenghuang.methods._load import (
    KINDS,
    AnyMethod,
    MethodKind,
    list_methods,
    load_method,
    method_sha256,
    method_text,
    parse_method,
)
from fenghuang.methods._policy import PolicySet
from fenghuang.methods._schema import (
    Adjustment,
    BenchmarkStat,
    ClassRule,
    Derived,
    Indicator,
    Item,
    Meta,
    Method,
    MethodInfo,
    NotRated,
    Pool,
    Provisional,
    Source,
    Veto,
)

__all__: list[str] = [
    "FIELD_KINDS",
    "FUNCTIONS",
    "KINDS",
    "Adjustment",
    "AnyMethod",
    "BenchmarkStat",
    "CityIndexMethod",
    "ClassRule",
    "Derived",
    "Formula",
    "IndexDimension",
    "IndexIndicator",
    "IndexPillar",
    "IndexRule",
    "Indicator",
    "Item",
    "KeyPath",
    "Meta",
    "Method",
    "MethodInfo",
    "MethodKind",
    "NotRated",
    "PolicySet",
    "Pool",
    "Provisional",
    "Source",
    "Veto",
    "compile_formula",
    "key_lines",
    "list_methods",
    "load_method",
    "locate",
    "method_sha256",
    "method_text",
    "parse_method",
]
