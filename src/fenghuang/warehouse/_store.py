"""The embedded DuckDB store: one file, versioned schema, transactions.

Only this subpackage imports :mod:`duckdb`. Everything else gets a
:class:`Store` passed in (no module-level connections) and uses its methods
or Ibis expressions on :meth:`Store.ibis`.

Migrations are SQL files in ``fenghuang/warehouse/migrations`` named
``NNN_name.sql``; they run once each, in order, inside a transaction, and
are recorded in ``schema_migrations``. Number ranges by area: 001–009
warehouse/import, 010–019 evaluation runs, 020–029 web (users, audit,
appeals), 030–039 city monitor.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from fenghuang.errors import WarehouseError

__all__ = ["Store", "default_store_path"]

DEFAULT_DIR = Path("var")
#: This process's token in ``import_pending`` (migration 054); a pid could be reused.
_OWNER = uuid.uuid4().hex


def default_store_path() -> Path:
    """``$FENGHUANG_STORE`` or ``./var/fenghuang.duckdb``."""
    import os

    env = os.environ.get("FENGHUANG_STORE")
    return Path(env) if env else DEFAULT_DIR / "fenghuang.duckdb"


def _migrations() -> list[tuple[str, str]]:
    files = resources.files("fenghuang.warehouse").joinpath("migrations")
    out = []
    for entry in files.iterdir():
        if entry.name.endswith(".sql"):
            out.append((entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    return sorted(out)


class Store:
    """A DuckDB warehouse file (or ``":memory:"``), created and migrated on first use.

    Parameters
    ----------
    path : str or Path
        Database file; parent folders are created. ``":memory:"`` for tests.
    read_only : bool
        Open without write access (for a second process reading).

    Examples
    --------
    >>> store = Store(":memory:")
    >>> store.fetch_arrow("select 1 as x").column("x").to_pylist()
    [1]
    """

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise WarehouseError(
                "E-STORE-OPEN",
                zh="无法打开数据仓库文件",
                en="cannot open the warehouse file",
                file=self.path,
                hint_zh=str(exc),
                hint_en=str(exc),
            ) from exc
        self._lock = threading.RLock()
        self._in_tx = False
        self._memory_limit: str | None = None  # None: DuckDB's default (80 % of RAM)
        if not read_only:
            self.migrate()
            self.discard_pending(mine=False)

    # -- connection -------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The raw DuckDB connection (warehouse-internal use)."""
        return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the same database, for use from another thread."""
        return self._con.cursor()

    @property
    def memory_limit(self) -> str | None:
        """The memory limit set by :meth:`set_memory_limit` (None: DuckDB's default)."""
        return self._memory_limit

    def set_memory_limit(self, limit: str | None) -> None:
        """Set DuckDB's memory limit (``"1GB"``), or back to its default with None.

        The limit belongs to the database instance (all cursors). Set it
        here rather than with SQL, so that code that limits memory for a
        while (an import, :func:`~fenghuang.warehouse.firm_facts`) restores
        exactly this value.
        """
        with self._lock:
            if limit is None:
                self._con.execute("RESET memory_limit")
            else:
                self._con.execute(f"SET memory_limit = '{limit}'")
            self._memory_limit = limit

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ibis(self) -> Any:
        """An Ibis DuckDB backend over this store's connection."""
        import ibis

        return ibis.duckdb.from_connection(self._con)

    # -- schema -----------------------------------------------------------
    def schema_version(self) -> list[str]:
        """Names of the applied migrations, in order."""
        rows = self._con.execute("select name from schema_migrations order by name").fetchall()
        return [r[0] for r in rows]

    def migrate(self) -> list[str]:
        """Apply pending migrations; return the names applied now."""
        with self._lock:
            self._con.execute(
                "create table if not exists schema_migrations("
                "name varchar primary key, applied_at timestamp default current_timestamp)"
            )
            done = set(self.schema_version())
            applied = []
            for name, sql in _migrations():
                if name in done:
                    continue
                with self.transaction():
                    self._con.execute(sql)
                    self._con.execute("insert into schema_migrations(name) values (?)", [name])
                applied.append(name)
            return applied

    def mark_pending(self, import_key: int) -> None:
        """List ``import_key`` in ``import_pending`` as this process's (migration 054)."""
        self.execute("insert into import_pending values (?, ?)", [import_key, _OWNER])

    def clear_pending(self) -> None:
        """This process's imports landed: nothing of it is pending any more."""
        self.execute("delete from import_pending where owner = ?", [_OWNER])

    def discard_pending(self, *, mine: bool) -> int:
        """Remove the rows of imports that never landed (migration 054); returns their number.

        ``mine``: those this process wrote (an import that failed); otherwise
        those of other processes (one killed mid-import: DuckDB lets only one
        process write the file, so they are dead).
        """
        op = "=" if mine else "<>"
        with self._lock:
            pending = f"select import_key from import_pending where owner {op} ?"
            owner = [_OWNER]
            if not self._con.execute(pending, owner).fetchall():
                return 0
            with self.transaction():
                (n,), *_ = self._con.execute(
                    f"select count(*) from source_rows where import_key in ({pending})", owner
                ).fetchall()
                for table in ("source_rows", "source_parts"):
                    self._con.execute(f"delete from {table} where import_key in ({pending})", owner)
                self._con.execute(f"delete from import_pending where owner {op} ?", owner)
            return int(n)

    # -- transactions -----------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit on success, roll back on any exception.

        Nested use joins the outer transaction.
        """
        with self._lock:
            if self._in_tx:
                yield self._con
                return
            self._con.execute("begin transaction")
            self._in_tx = True
            try:
                yield self._con
            except BaseException:
                self._con.execute("rollback")
                raise
            else:
                self._con.execute("commit")
            finally:
                self._in_tx = False

    # -- convenience ------------------------------------------------------
    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        with self._lock:
            self._con.execute(sql, params or [])

    def fetch_arrow(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        with self._lock:
            return self._con.sql(sql, params=params or None).to_arrow_table()

    @contextmanager
    def reading(
        self, sql: str, params: list[Any] | None = None, *, rows: int = 1 << 20
    ) -> Iterator[pa.RecordBatchReader]:
        """The result of ``sql`` as a reader of Arrow batches of about ``rows`` rows
        (streamed: bounded memory for any size of result), the store held meanwhile."""
        with self._lock:
            yield self._con.sql(sql, params=params or None).to_arrow_reader(rows)

    def fetch_all(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, params or []).fetchall()

    @contextmanager
    def registered(self, name: str, data: pa.Table | pa.RecordBatchReader) -> Iterator[None]:
        """``data`` visible to SQL as ``name`` for the block (a reader: read once, as a stream)."""
        with self._lock:
            self._con.register(name, data)
            try:
                yield
            finally:
                self._con.unregister(name)

    def insert_arrow(self, table: str, data: pa.Table) -> int:
        """Append an Arrow table to ``table`` by column name; returns rows written."""
        with self._lock:
            self._con.register("_fh_insert", data)
            try:
                cols = ", ".join(f'"{c}"' for c in data.column_names)
                self._con.execute(f'insert into "{table}" ({cols}) select {cols} from _fh_insert')
            finally:
                self._con.unregister("_fh_insert")
            return int(data.num_rows)
