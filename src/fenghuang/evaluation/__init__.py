"""fenghuang.evaluation."""

from fenghuang.evaluation._compare import (
    COMPARE_SCHEMA,
    class_history,
    compare_runs,
    firm_diagnostic,
)
from fenghuang.evaluation._diagnose import diagnose
from fenghuang.evaluation._evaluate import evaluate
from fenghuang.evaluation._inputs import FACTS_COLUMNS, load_facts_file
from fenghuang.evaluation._runs import (
    MethodSource,
    Run,
    list_methods,
    list_runs,
    load_run,
    record_run,
    resolve_method,
    run_evaluation,
)
from fenghuang.evaluation._store import facts_sha256

__all__: list[str] = [
    "COMPARE_SCHEMA",
    "FACTS_COLUMNS",
    "MethodSource",
    "Run",
    "class_history",
    "compare_runs",
    "diagnose",
    "evaluate",
    "facts_sha256",
    "firm_diagnostic",
    "list_methods",
    "list_runs",
    "load_facts_file",
    "load_run",
    "record_run",
    "resolve_method",
    "run_evaluation",
]
