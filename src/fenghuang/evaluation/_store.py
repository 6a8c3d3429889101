"""How a run's tables are named, hashed and turned back into an :class:`Evaluation`.

The input snapshot's hash is the sha256 of a canonical serialisation that
does not depend on row order, on Arrow's chunking or on its IPC format:

* columns in a fixed order: the fields of :data:`fenghuang.facts.FIRM_FIELDS`
  then :data:`fenghuang.facts.FIRM_YEAR_FIELDS` that the table has, then
  any other columns by name;
* a header line, the JSON list of ``[name, arrow type]``;
* one line per row, rows sorted by credit code (then by the whole line),
  each the compact JSON list of the row's values (floats as text with 12
  significant digits, ``format(v, ".12g")``, so that the same facts summed
  in another order hash alike; dates in ISO form; null as ``null``).

The snapshot itself is stored exactly; only its hash is taken over this
canonical form.

Examples
--------
>>> import pyarrow as pa
>>> a = pa.table({"credit_code": ["B", "A"], "tax_paid": [2.0, 1.0]})
>>> b = pa.table({"tax_paid": [1.0, 2.0], "credit_code": ["A", "B"]})
>>> facts_sha256(a) == facts_sha256(b)
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from fenghuang.evaluation._model import Evaluation
from fenghuang.facts import FIRM_FIELDS, FIRM_YEAR_FIELDS

__all__ = [
    "EVALUATION_TABLES",
    "canonical_columns",
    "evaluation_from_tables",
    "evaluation_tables",
    "facts_sha256",
    "json_safe",
    "tables_sha256",
]

#: The tables of an :class:`Evaluation`, stored under these names.
EVALUATION_TABLES: tuple[str, ...] = ("results", "items", "events", "boundaries", "pool_stats")

_ORDER = {name: i for i, name in enumerate([*FIRM_FIELDS, *FIRM_YEAR_FIELDS])}


def canonical_columns(names: Sequence[str]) -> list[str]:
    """Column names in the canonical order (data-model fields first, then by name)."""
    unique = list(dict.fromkeys(names))
    return sorted(unique, key=lambda n: (0, _ORDER[n], "") if n in _ORDER else (1, 0, n))


def _value(v: Any) -> Any:
    if isinstance(v, float):
        # 12 significant digits: a value that differs only in its last bits (a facts file
        # written by another program, a float sum elsewhere) is the same input; the
        # warehouse's own firm_facts sums are exact (warehouse/_facts.py _exact_sum)
        return format(v, ".12g")
    if isinstance(v, bool | int | str) or v is None:
        return v
    if isinstance(v, list | tuple):
        return [_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _value(x) for k, x in sorted(v.items())}
    iso = getattr(v, "isoformat", None)
    if callable(iso):
        return iso()
    if isinstance(v, bytes):
        return v.hex()
    return str(v)


def facts_sha256(table: pa.Table, *, key: str = "credit_code") -> str:
    """sha256 (hex) of the canonical serialisation of a facts table (module docstring)."""
    cols = canonical_columns(table.column_names)
    h = hashlib.sha256()
    header = [[c, str(table.schema.field(c).type)] for c in cols]
    h.update(json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode())
    h.update(b"\n")
    values = [table.column(c).to_pylist() for c in cols]
    keys = table.column(key).to_pylist() if key in table.column_names else [None] * len(table)
    lines = []
    for k, row in zip(keys, zip(*values, strict=True), strict=True):
        text = json.dumps([_value(v) for v in row], ensure_ascii=False, separators=(",", ":"))
        lines.append(("" if k is None else str(k), text))
    lines.sort()
    for _, text in lines:
        h.update(text.encode())
        h.update(b"\n")
    return h.hexdigest()


def tables_sha256(tables: Mapping[str, pa.Table | None]) -> str:
    """One hash over several named tables (absent ones count as absent)."""
    h = hashlib.sha256()
    for name in sorted(tables):
        t = tables[name]
        h.update(f"{name}={'-' if t is None else facts_sha256(t)};".encode())
    return h.hexdigest()


def json_safe(obj: Any) -> Any:
    """``obj`` with tuples as lists and non-JSON values as text (how a run log is stored)."""
    result: Any = json.loads(json.dumps(obj, ensure_ascii=False, default=_value))
    return result


def evaluation_tables(evaluation: Evaluation) -> dict[str, pa.Table]:
    """The five tables of ``evaluation`` by their stored names."""
    return {name: getattr(evaluation, name) for name in EVALUATION_TABLES}


def evaluation_from_tables(
    method: str, year: int, tables: Mapping[str, pa.Table], log: Sequence[Mapping[str, Any]]
) -> Evaluation:
    """Rebuild the :class:`Evaluation` a run stored."""
    return Evaluation(
        method=method,
        year=year,
        log=[dict(x) for x in log],
        **{name: tables[name] for name in EVALUATION_TABLES},
    )
