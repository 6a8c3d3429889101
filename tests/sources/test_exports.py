"""The public names of fenghuang.sources, and their doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import fenghuang.sources as sources
from fenghuang.sources import CODES, FILE_CODES, ROW_CODES

EXPECTED = {
    "BASE_UNITS",
    "CHARSET",
    "CODES",
    "FILE_CODES",
    "cell_text",
    "read_xlsx_grids",
    "OLE2_MAGIC",
    "WORKBOOK_FORMATS",
    "REJECT_SCHEMA",
    "ROW_CODES",
    "UNIT_TABLES",
    "Code",
    "ColumnPlan",
    "ColumnSpec",
    "DepartmentMapping",
    "FastPlan",
    "FieldSpec",
    "SourceBatch",
    "credit_check_char",
    "credit_code_checks",
    "distinct_rejects",
    "format_rejects",
    "credit_code_problem",
    "fast_plan",
    "is_valid_credit_code",
    "iter_source",
    "load_all_mappings",
    "load_mapping",
    "make_credit_code",
    "normalize_credit_code",
    "normalize_header",
    "normalize_name",
    "parse_bool",
    "parse_date",
    "parse_month",
    "parse_number",
    "parse_numbers",
    "parse_period",
    "parse_year",
    "plan_columns",
    "read_source",
    "row_error",
    "source_error",
    "split_header",
    "unit_factor",
}


def test_exports_match() -> None:
    assert set(sources.__all__) == EXPECTED
    for name in sources.__all__:
        assert hasattr(sources, name)


def test_shared_codes_vocabulary() -> None:
    brief = {
        "E-ROW-CREDIT-CODE-CHECK",
        "E-ROW-CREDIT-CODE-FORMAT",
        "E-ROW-NUMBER",
        "E-ROW-NEGATIVE",
        "E-ROW-UNIT",
        "E-ROW-DATE",
        "E-ROW-MISSING",
        "E-ROW-DUPLICATE",
        "E-ROW-CONFLICT",
        "E-ROW-ABSURD",
        "E-ROW-UNMATCHED",
        "E-SOURCE-ENCODING",
        "E-SOURCE-FORMAT",
        "E-SOURCE-HEADER",
        "E-SOURCE-EMPTY",
    }
    assert brief <= set(CODES)
    assert set(CODES) == set(ROW_CODES) | set(FILE_CODES)
    for c in CODES.values():
        assert c.zh and c.en and c.hint_zh and c.hint_en


def test_doctests() -> None:
    failures = 0
    for mod in pkgutil.iter_modules(sources.__path__):
        module = importlib.import_module(f"fenghuang.sources.{mod.name}")
        failures += doctest.testmod(module).failed
    failures += doctest.testmod(sources).failed
    assert failures == 0
