"""fenghuang.sources — reading the files departments send.

Tax bureau, power grid, land, statistics, energy, environment, science and
the firm register send CSV (UTF-8, BOM, GBK, GB18030), Excel workbooks and
Parquet files with their own headers and units. :func:`read_source` turns
one such file into a :class:`SourceBatch` of canonical columns in base units
(元, 亩, kWh, 吨标准煤, 吨, m³) with lineage (``_sheet``, ``_row``) and a
quarantine of rejected rows, each with its place and a reason in Chinese and
English. Column mappings are data: ``fenghuang/sources/mappings/*.toml``.

For the synthetic generator: :func:`make_credit_code` completes a
17-character body with its GB 32100-2015 check character, and the mapping
files list every header spelling and unit the readers accept. The codes of
:data:`CODES` are the shared vocabulary of data faults.

Examples
--------
>>> make_credit_code("91350100M000100Y4")
'91350100M000100Y43'
>>> normalize_name("萍乡市（江西）安源有限责任公司")
'萍乡市江西安源有限公司'
"""

from fenghuang.sources._codes import CODES, FILE_CODES, ROW_CODES, Code, row_error, source_error
from fenghuang.sources._credit import (
    CHARSET,
    credit_check_char,
    credit_code_checks,
    credit_code_problem,
    is_valid_credit_code,
    make_credit_code,
    normalize_credit_code,
)
from fenghuang.sources._grid import OLE2_MAGIC, WORKBOOK_FORMATS, cell_text
from fenghuang.sources._mapping import (
    DepartmentMapping,
    FieldSpec,
    load_all_mappings,
    load_mapping,
    normalize_header,
)
from fenghuang.sources._names import normalize_name
from fenghuang.sources._plan import ColumnPlan, ColumnSpec, plan_columns
from fenghuang.sources._read import SourceBatch, read_source
from fenghuang.sources._rejects import REJECT_SCHEMA, distinct_rejects, format_rejects
from fenghuang.sources._sql import FastPlan, fast_plan
from fenghuang.sources._stream import iter_source
from fenghuang.sources._units import BASE_UNITS, UNIT_TABLES, split_header, unit_factor
from fenghuang.sources._values import (
    parse_bool,
    parse_date,
    parse_month,
    parse_number,
    parse_numbers,
    parse_period,
    parse_year,
)
from fenghuang.sources._workbook import read_xlsx_grids

__all__ = [
    "BASE_UNITS",
    "CHARSET",
    "CODES",
    "FILE_CODES",
    "OLE2_MAGIC",
    "REJECT_SCHEMA",
    "ROW_CODES",
    "UNIT_TABLES",
    "WORKBOOK_FORMATS",
    "Code",
    "ColumnPlan",
    "ColumnSpec",
    "DepartmentMapping",
    "FastPlan",
    "FieldSpec",
    "SourceBatch",
    "cell_text",
    "credit_check_char",
    "credit_code_checks",
    "credit_code_problem",
    "distinct_rejects",
    "fast_plan",
    "format_rejects",
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
    "read_xlsx_grids",
    "row_error",
    "source_error",
    "split_header",
    "unit_factor",
]
