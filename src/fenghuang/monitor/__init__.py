"""City transformation monitor: resource-city registry, indicator panel, report extraction, index.

The pieces, in the order of the workflow:

* **Registry** — :func:`load_registry` (the plan's resource cities with GB/T
  2260 codes, resource-exhausted batches; a fuller user list merges over the
  packaged partial one), :func:`completeness`, :func:`unresolved_places`.
* **Catalogue** — :func:`load_catalogue`: indicators with synonyms (TOML).
* **Extraction** — :func:`read_report` (txt/docx/html), :class:`Extractor` /
  :func:`extract_text` → :class:`Observation` (place, period, indicator,
  kind, value, unit, qualifier, source sentence and character span);
  :func:`extract_files` does files and, given a store, loads them (待核实).
* **Panel** — :func:`save_observations`, :func:`fetch_observations`,
  :func:`set_status`, :func:`read_yearbook` / :func:`load_yearbook`
  (yearbook tables with a quarantine), :func:`write_observations`.
* **Index** — :func:`load_index_method` (``kind = "city-index"`` TOML:
  pressure/capacity or the four-dimension variant), :func:`compute_city_index`
  (ranks within type, lists missing indicators).
* **Pages** — :func:`map_view`, :func:`city_page`, :func:`source_view`,
  :func:`seed_demo` (the example reports, optionally a 模拟数据 panel).
* **Demo** — :func:`load_seed_cities`: the seed cities from the example
  reports and a recorded index run, in one call for ``fenghuang demo``.

Examples
--------
>>> from fenghuang.warehouse import Store
>>> store = Store(":memory:")
>>> res = extract_files([], store=store)
>>> res.observations.num_rows
0
>>> [o.value for o in extract_text("2023年，该市工业用电量增长1.5%。", place="萍乡市")]
[1.5]
"""

from fenghuang.monitor._api import Extraction, extract_files, extract_reports, load_yearbook
from fenghuang.monitor._catalogue import Catalogue, Indicator, load_catalogue
from fenghuang.monitor._extract import (
    PENDING,
    PERIOD_BASIS,
    VERIFIED,
    Extractor,
    Observation,
    extract_text,
    report_year_of_text,
)
from fenghuang.monitor._geo import TYPE_COLOURS, resource_city_geojson
from fenghuang.monitor._geocodes import (
    AdminCodes,
    PlaceCode,
    admin_codes,
    geocn_codes,
    load_aliases,
    name_core,
    resolve_place,
)
from fenghuang.monitor._index import (
    CityIndexResult,
    CityScore,
    IndexMethod,
    compute_city_index,
    compute_index_on_table,
    load_index_method,
)
from fenghuang.monitor._numbers import Quantity, cn_number, parse_quantity
from fenghuang.monitor._panel import (
    EXTRACTED_LABEL,
    OBS_SCHEMA,
    PERIOD_NOTES,
    fetch_documents,
    fetch_observations,
    observations_table,
    save_observations,
    save_report,
    set_status,
    write_observations,
)
from fenghuang.monitor._periods import Period, find_periods
from fenghuang.monitor._places import Mention, PlaceMatcher
from fenghuang.monitor._registry import (
    LEVELS,
    LEVELS_EN,
    TYPES,
    TYPES_EN,
    City,
    Completeness,
    ExhaustedCity,
    Registry,
    completeness,
    load_exhausted,
    load_registry,
    unresolved_places,
)
from fenghuang.monitor._runs import latest_index_run, run_city_index
from fenghuang.monitor._seed import SeedResult, load_seed_cities
from fenghuang.monitor._synthetic import SYNTHETIC_LABEL, synthetic_panel
from fenghuang.monitor._text import (
    Report,
    read_report,
    report_from_bytes,
    report_from_text,
    split_blocks,
    table_sentences,
)
from fenghuang.monitor._views import (
    SEED_CITIES,
    CityPage,
    FigureView,
    city_page,
    map_view,
    seed_demo,
    source_view,
)
from fenghuang.monitor._yearbook import YearbookImport, read_yearbook

__all__ = [
    "EXTRACTED_LABEL",
    "LEVELS",
    "LEVELS_EN",
    "OBS_SCHEMA",
    "PENDING",
    "PERIOD_BASIS",
    "PERIOD_NOTES",
    "SEED_CITIES",
    "SYNTHETIC_LABEL",
    "TYPES",
    "TYPES_EN",
    "TYPE_COLOURS",
    "VERIFIED",
    "AdminCodes",
    "Catalogue",
    "City",
    "CityIndexResult",
    "CityPage",
    "CityScore",
    "Completeness",
    "ExhaustedCity",
    "Extraction",
    "Extractor",
    "FigureView",
    "IndexMethod",
    "Indicator",
    "Mention",
    "Observation",
    "Period",
    "PlaceCode",
    "PlaceMatcher",
    "Quantity",
    "Registry",
    "Report",
    "SeedResult",
    "YearbookImport",
    "admin_codes",
    "city_page",
    "cn_number",
    "completeness",
    "compute_city_index",
    "compute_index_on_table",
    "extract_files",
    "extract_reports",
    "extract_text",
    "fetch_documents",
    "fetch_observations",
    "find_periods",
    "geocn_codes",
    "latest_index_run",
    "load_aliases",
    "load_catalogue",
    "load_exhausted",
    "load_index_method",
    "load_registry",
    "load_seed_cities",
    "load_yearbook",
    "map_view",
    "name_core",
    "observations_table",
    "parse_quantity",
    "read_report",
    "read_yearbook",
    "report_from_bytes",
    "report_from_text",
    "report_year_of_text",
    "resolve_place",
    "resource_city_geojson",
    "run_city_index",
    "save_observations",
    "save_report",
    "seed_demo",
    "set_status",
    "source_view",
    "split_blocks",
    "synthetic_panel",
    "table_sentences",
    "unresolved_places",
    "write_observations",
]
