"""Digests of a warehouse file, for the all-or-nothing tests (kill -9, a crash mid-import)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fenghuang.warehouse import Store, firm_facts


def _digest(rows: list[tuple[object, ...]]) -> str:
    return hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()


def table_digests(path: Path, *, skip_import_time: bool = False) -> dict[str, str]:
    """Every table's rows, read only (``imports.imported_at`` left out if asked)."""
    with Store(path, read_only=True) as s:
        names = [r[0] for r in s.fetch_all("select table_name from duckdb_tables() order by 1")]
        out = {}
        for n in names:
            cols = "* exclude (imported_at)" if n == "imports" and skip_import_time else "*"
            out[n] = _digest(s.fetch_all(f'select {cols} from "{n}"'))
        return out


def visible_digests(path: Path, year: int) -> dict[str, str]:
    """What readers see, read only: source values, imports, quarantine and firm facts.

    Rows of an import that did not land (migration 054) are in ``source_rows``
    until the next writer opens the file, and must not show here.
    """
    queries = {
        "values": "select * from source_values",
        "imports": "select * exclude (imported_at) from imports",
        "quarantine": "select * from quarantine",
    }
    with Store(path, read_only=True) as s:
        out = {name: _digest(s.fetch_all(q)) for name, q in queries.items()}
        out["facts"] = _digest([tuple(r.values()) for r in firm_facts(s, year).to_pylist()])
    return out
