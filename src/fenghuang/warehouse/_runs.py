"""Evaluation runs in the warehouse: append-only, versioned, one transaction each.

A run is written once by :func:`insert_run` and never changed: this module
offers no function that updates or deletes one (a test checks the public
names). A run's tables are stored as Arrow IPC streams so that they reload
exactly (types, nulls, list columns, row order); a narrow per-firm table
(``eval_run_classes``) serves queries across runs such as a firm's class
history.

Run ids read ``{year}-{method}-v{version}`` (``2023-huangyan-2022-v3``); the
version counts the runs of one method and year. Writing a run whose method
text, input snapshot and context are those of an existing run of the same
method and year writes nothing and returns the existing run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.ipc

from fenghuang.errors import NotFoundError, WarehouseError
from fenghuang.warehouse._store import Store

__all__ = [
    "RunDraft",
    "RunRecord",
    "find_run",
    "insert_run",
    "is_synthetic",
    "latest_run_id",
    "list_run_records",
    "run_class_rows",
    "run_record",
    "run_tables",
    "table_from_ipc",
    "table_to_ipc",
]

_META_COLUMNS = (
    "run_id, method, method_title, method_sha256, method_text, year, version, input_sha256, "
    "context_sha256, code_version, created_at, created_by, parent_run, n_firms, log_json, info_json"
)


@dataclass(frozen=True)
class RunDraft:
    """What a caller gives to write a run (the id, version and time are assigned).

    Attributes
    ----------
    method, method_title, method_sha256, method_text : str
        The method's name, Chinese title, the sha256 of its file text and the text.
    year : int
        The evaluated year.
    input_sha256 : str
        Canonical hash of the facts table evaluated.
    context_sha256 : str
        Hash of everything else the evaluation read (previous-year facts,
        earlier classes); '' when nothing.
    code_version : str
        ``fenghuang.__version__``.
    created_by : str
        Who made the run (user name or ``system``).
    parent_run : str or None
        The run this one re-does (after an appeal or a correction).
    log : list of dict
        The evaluation's step log (JSON-serialisable).
    info : dict
        Further JSON-serialisable facts about the run.
    """

    method: str
    method_title: str
    method_sha256: str
    method_text: str
    year: int
    input_sha256: str
    context_sha256: str
    code_version: str
    created_by: str = "system"
    parent_run: str | None = None
    log: Sequence[Mapping[str, Any]] = ()
    info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunRecord:
    """A stored run's metadata (its tables come from :func:`run_tables`)."""

    run_id: str
    method: str
    method_title: str
    method_sha256: str
    method_text: str
    year: int
    version: int
    input_sha256: str
    context_sha256: str
    code_version: str
    created_at: datetime
    created_by: str
    parent_run: str | None
    n_firms: int
    log: list[dict[str, Any]]
    info: dict[str, Any]


def table_to_ipc(table: pa.Table) -> bytes:
    """An Arrow table as zstd-compressed IPC stream bytes."""
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def table_from_ipc(data: bytes) -> pa.Table:
    """The Arrow table written by :func:`table_to_ipc`."""
    with pa.ipc.open_stream(pa.py_buffer(data)) as reader:
        return reader.read_all()


def _record(row: Sequence[Any]) -> RunRecord:
    (
        run_id,
        method,
        title,
        msha,
        mtext,
        year,
        version,
        isha,
        csha,
        code_version,
        created_at,
        created_by,
        parent,
        n_firms,
        log_json,
        info_json,
    ) = row
    return RunRecord(
        run_id=str(run_id),
        method=str(method),
        method_title=str(title or ""),
        method_sha256=str(msha),
        method_text=str(mtext),
        year=int(year),
        version=int(version),
        input_sha256=str(isha),
        context_sha256=str(csha),
        code_version=str(code_version),
        created_at=created_at,
        created_by=str(created_by),
        parent_run=None if parent is None else str(parent),
        n_firms=int(n_firms),
        log=list(json.loads(log_json)),
        info=dict(json.loads(info_json)),
    )


def _not_found(run_id: str) -> NotFoundError:
    return NotFoundError(
        "E-RUN-NOT-FOUND",
        zh=f"评价批次不存在：{run_id}",
        en=f"no such evaluation run: {run_id}",
        hint_zh="用 fenghuang runs 或网页“评价批次”页查看已有批次",
        hint_en="list the runs with fenghuang runs or on the web page 'Runs'",
        run=run_id,
    )


def run_record(store: Store, run_id: str) -> RunRecord:
    """The metadata of run ``run_id``.

    Raises
    ------
    NotFoundError
        ``E-RUN-NOT-FOUND`` when there is no such run.
    """
    rows = store.fetch_all(f"select {_META_COLUMNS} from eval_runs where run_id = ?", [run_id])
    if not rows:
        raise _not_found(run_id)
    return _record(rows[0])


def find_run(
    store: Store,
    *,
    method: str,
    year: int,
    method_sha256: str,
    input_sha256: str,
    context_sha256: str,
) -> RunRecord | None:
    """The earliest run with this method text, input and context, if any."""
    rows = store.fetch_all(
        f"select {_META_COLUMNS} from eval_runs where method = ? and year = ? "
        "and method_sha256 = ? and input_sha256 = ? and context_sha256 = ? "
        "order by version limit 1",
        [method, year, method_sha256, input_sha256, context_sha256],
    )
    return _record(rows[0]) if rows else None


def _classes(run_id: str, results: pa.Table) -> pa.Table:
    n = results.num_rows

    def col(name: str, typ: pa.DataType) -> pa.Array | pa.ChunkedArray:
        if name in results.column_names:
            return results.column(name).cast(typ)
        return pa.nulls(n, typ)

    return pa.table(
        {
            "run_id": pa.array([run_id] * n, pa.string()),
            "credit_code": col("credit_code", pa.string()),
            "pool": col("pool", pa.string()),
            "score": col("score", pa.float64()),
            "class_final": col("class_final", pa.string()),
            "rated": col("rated", pa.bool_()),
        }
    )


def insert_run(
    store: Store, draft: RunDraft, tables: Mapping[str, pa.Table]
) -> tuple[RunRecord, bool]:
    """Write a run and its tables in one transaction.

    Parameters
    ----------
    store : Store
    draft : RunDraft
        The run's metadata.
    tables : mapping of str to pyarrow.Table
        The run's tables by name; ``results`` (one row per firm with
        ``credit_code``) is required.

    Returns
    -------
    (RunRecord, bool)
        The run, and True when it was written now; False when an identical
        run (same method, year, method text, input and context) existed and
        was returned instead.

    Raises
    ------
    WarehouseError
        ``E-RUN-NO-RESULTS`` without a results table.
    NotFoundError
        When ``draft.parent_run`` names no run.
    """
    if "results" not in tables or "credit_code" not in tables["results"].column_names:
        raise WarehouseError(
            "E-RUN-NO-RESULTS",
            zh="评价批次缺少结果表（results，含 credit_code）",
            en="a run needs a results table with credit_code",
        )
    blobs = {name: table_to_ipc(t) for name, t in tables.items()}
    log_json = json.dumps(list(draft.log), ensure_ascii=False, default=str)
    info_json = json.dumps(dict(draft.info), ensure_ascii=False, default=str)
    with store.transaction() as con:
        existing = find_run(
            store,
            method=draft.method,
            year=draft.year,
            method_sha256=draft.method_sha256,
            input_sha256=draft.input_sha256,
            context_sha256=draft.context_sha256,
        )
        if existing is not None:
            return existing, False
        if draft.parent_run is not None:
            run_record(store, draft.parent_run)
        row = con.execute(
            "select coalesce(max(version), 0) + 1 from eval_runs where method = ? and year = ?",
            [draft.method, draft.year],
        ).fetchone()
        version = int(row[0]) if row else 1
        run_id = f"{draft.year}-{draft.method}-v{version}"
        created_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        con.execute(
            f"insert into eval_runs({_META_COLUMNS}) values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                draft.method,
                draft.method_title,
                draft.method_sha256,
                draft.method_text,
                draft.year,
                version,
                draft.input_sha256,
                draft.context_sha256,
                draft.code_version,
                created_at,
                draft.created_by,
                draft.parent_run,
                tables["results"].num_rows,
                log_json,
                info_json,
            ],
        )
        for name, blob in blobs.items():
            con.execute(
                "insert into eval_run_tables(run_id, name, n_rows, sha256, data) "
                "values (?, ?, ?, ?, ?)",
                [run_id, name, tables[name].num_rows, hashlib.sha256(blob).hexdigest(), blob],
            )
        store.insert_arrow("eval_run_classes", _classes(run_id, tables["results"]))
    return run_record(store, run_id), True


def run_tables(
    store: Store, run_id: str, names: Sequence[str] | None = None
) -> dict[str, pa.Table]:
    """A run's stored tables by name (all of them, or ``names``).

    Raises
    ------
    NotFoundError
        When the run does not exist.
    WarehouseError
        ``E-RUN-CORRUPT`` when stored bytes no longer match their hash.
    """
    run_record(store, run_id)
    rows = store.fetch_all(
        "select name, sha256, data from eval_run_tables where run_id = ? order by name", [run_id]
    )
    out: dict[str, pa.Table] = {}
    for name, sha, data in rows:
        if names is not None and name not in names:
            continue
        blob = bytes(data)
        if hashlib.sha256(blob).hexdigest() != sha:
            raise WarehouseError(
                "E-RUN-CORRUPT",
                zh=f"评价批次的数据表已损坏：{name}",
                en=f"a stored run table is corrupt: {name}",
                run=run_id,
            )
        out[str(name)] = table_from_ipc(blob)
    return out


def list_run_records(store: Store) -> pa.Table:
    """All runs, newest first, without their method text and tables.

    Returns
    -------
    pyarrow.Table
        run_id, method, method_title, year, version, created_at (ISO text),
        created_by, input_sha256, method_sha256, code_version, parent_run,
        n_firms, published (a 公示 publication exists for the run).
    """
    return store.fetch_arrow(
        "select r.run_id, r.method, r.method_title, r.year, r.version, "
        "strftime(r.created_at, '%Y-%m-%dT%H:%M:%S') as created_at, r.created_by, "
        "r.input_sha256, r.method_sha256, r.code_version, r.parent_run, r.n_firms, "
        "exists (select 1 from web_publications p where p.run_id = r.run_id) as published "
        "from eval_runs r order by r.created_at desc, r.year desc, r.version desc, r.run_id"
    )


def latest_run_id(store: Store, method: str, year: int) -> str | None:
    """The newest version of ``method`` for ``year``, or None."""
    rows = store.fetch_all(
        "select run_id from eval_runs where method = ? and year = ? order by version desc limit 1",
        [method, year],
    )
    return str(rows[0][0]) if rows else None


def run_class_rows(
    store: Store,
    *,
    credit_code: str | None = None,
    method: str | None = None,
    before_year: int | None = None,
) -> pa.Table:
    """Final classes from the newest run of each year (of ``method`` if given).

    Parameters
    ----------
    store : Store
    credit_code : str, optional
        One firm only.
    method : str, optional
        Only runs of this method.
    before_year : int, optional
        Only years before this one.

    Returns
    -------
    pyarrow.Table
        credit_code, year, run_id, method, pool, score, class_final, rated;
        sorted by credit code and year.
    """
    where: list[str] = ["true"]
    params: list[Any] = []
    if method is not None:
        where.append("method = ?")
        params.append(method)
    if before_year is not None:
        where.append("year < ?")
        params.append(before_year)
    firm_where, firm_params = "", list[Any]()
    if credit_code is not None:
        firm_where = "where c.credit_code = ?"
        firm_params = [credit_code]
    return store.fetch_arrow(
        "with newest as (select run_id, method, year from ("
        "  select run_id, method, year, row_number() over ("
        "    partition by year order by created_at desc, version desc) as k"
        f"  from eval_runs where {' and '.join(where)}) where k = 1) "
        "select c.credit_code, n.year, n.run_id, n.method, c.pool, c.score, c.class_final, "
        "c.rated from eval_run_classes c join newest n using (run_id) "
        f"{firm_where} order by c.credit_code, n.year",
        [*params, *firm_params],
    )


def is_synthetic(store: Store) -> bool:
    """Whether the store holds synthetic data (模拟数据): it is marked so (the demo), or
    one of its imports is a file that says it is synthetic (migration 056)."""
    (flag, imported), *_ = store.fetch_all(
        "select (select max(value) from web_meta where key = 'synthetic'), "
        "exists (select 1 from imports where synthetic)"
    )
    return str(flag) == "1" or bool(imported)
