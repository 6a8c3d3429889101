"""The warehouse: an embedded DuckDB store with versioned schema, imports and facts."""

from fenghuang.warehouse._checks import THRESHOLDS, fact_checks
from fenghuang.warehouse._facts import firm_facts, firm_year_expr
from fenghuang.warehouse._history import correct_fact, fact_history, set_confirmation
from fenghuang.warehouse._import import FileReport, ImportReport, import_files
from fenghuang.warehouse._read import fact_lineage, firm_register, list_imports, quarantine, years
from fenghuang.warehouse._store import Store, default_store_path

__all__ = [
    "THRESHOLDS",
    "FileReport",
    "ImportReport",
    "Store",
    "correct_fact",
    "default_store_path",
    "fact_checks",
    "fact_history",
    "fact_lineage",
    "firm_facts",
    "firm_register",
    "firm_year_expr",
    "import_files",
    "list_imports",
    "quarantine",
    "set_confirmation",
    "years",
]
