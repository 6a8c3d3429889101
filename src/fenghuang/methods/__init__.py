"""fenghuang.methods: evaluation methods as validated TOML files.

A method file declares meta and source, derived fields, indicators as
formulas over firm-year fields, pools with their scoring rules, class rules,
not-rated and provisional rules, vetoes, adjustments and policies. See
docs/methods.md for the format.
"""

from fenghuang.methods._checks import FIELD_KINDS
from fenghuang.methods._formula import FUNCTIONS, Formula, compile_formula
from fenghuang.methods._load import (
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
    "Adjustment",
    "BenchmarkStat",
    "ClassRule",
    "Derived",
    "Formula",
    "Indicator",
    "Item",
    "Meta",
    "Method",
    "MethodInfo",
    "NotRated",
    "PolicySet",
    "Pool",
    "Provisional",
    "Source",
    "Veto",
    "compile_formula",
    "list_methods",
    "load_method",
    "method_sha256",
    "method_text",
    "parse_method",
]
