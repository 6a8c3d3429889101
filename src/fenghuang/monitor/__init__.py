"""City transformation monitor: resource-city registry, indicator panel, report extraction, index.

Public names are re-exported here from the private modules.
"""

from fenghuang.monitor._catalogue import Catalogue, Indicator, load_catalogue
from fenghuang.monitor._extract import PENDING, VERIFIED, Extractor, Observation, extract_text
from fenghuang.monitor._geocodes import (
    AdminCodes,
    PlaceCode,
    admin_codes,
    load_aliases,
    name_core,
    resolve_place,
)
from fenghuang.monitor._numbers import Quantity, cn_number, parse_quantity
from fenghuang.monitor._periods import Period, find_periods
from fenghuang.monitor._places import Mention, PlaceMatcher
from fenghuang.monitor._registry import (
    LEVELS,
    TYPES,
    City,
    Completeness,
    ExhaustedCity,
    Registry,
    completeness,
    load_exhausted,
    load_registry,
    unresolved_places,
)
from fenghuang.monitor._text import Report, read_report, report_from_text, split_blocks

__all__ = [
    "LEVELS",
    "PENDING",
    "TYPES",
    "VERIFIED",
    "AdminCodes",
    "Catalogue",
    "City",
    "Completeness",
    "ExhaustedCity",
    "Extractor",
    "Indicator",
    "Mention",
    "Observation",
    "Period",
    "PlaceCode",
    "PlaceMatcher",
    "Quantity",
    "Registry",
    "Report",
    "admin_codes",
    "cn_number",
    "completeness",
    "extract_text",
    "find_periods",
    "load_aliases",
    "load_catalogue",
    "load_exhausted",
    "load_registry",
    "name_core",
    "parse_quantity",
    "read_report",
    "report_from_text",
    "resolve_place",
    "split_blocks",
    "unresolved_places",
]
