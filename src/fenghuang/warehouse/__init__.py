"""The warehouse: an embedded DuckDB store with versioned schema, imports and facts."""

from fenghuang.warehouse._checks import THRESHOLDS, fact_checks
from fenghuang.warehouse._facts import firm_facts, firm_year_expr
from fenghuang.warehouse._history import (
    confirmation_status,
    correct_fact,
    fact_history,
    set_confirmation,
)
from fenghuang.warehouse._import import FileReport, ImportReport, import_files
from fenghuang.warehouse._read import (
    fact_lineage,
    firm_register,
    list_imports,
    name_links,
    quarantine,
    year_parcels,
    years,
)
from fenghuang.warehouse._runs import (
    RunDraft,
    RunRecord,
    find_run,
    insert_run,
    is_synthetic,
    latest_run_id,
    list_run_records,
    run_class_rows,
    run_record,
    run_tables,
    table_from_ipc,
    table_to_ipc,
)
from fenghuang.warehouse._store import Store, default_store_path

__all__ = [
    "THRESHOLDS",
    "FileReport",
    "ImportReport",
    "RunDraft",
    "RunRecord",
    "Store",
    "confirmation_status",
    "correct_fact",
    "default_store_path",
    "fact_checks",
    "fact_history",
    "fact_lineage",
    "find_run",
    "firm_facts",
    "firm_register",
    "firm_year_expr",
    "import_files",
    "insert_run",
    "is_synthetic",
    "latest_run_id",
    "list_imports",
    "list_run_records",
    "name_links",
    "quarantine",
    "run_class_rows",
    "run_record",
    "run_tables",
    "set_confirmation",
    "table_from_ipc",
    "table_to_ipc",
    "year_parcels",
    "years",
]
