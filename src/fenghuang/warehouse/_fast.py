"""The fast import path: DuckDB reads, converts and validates large files.

For a large CSV (UTF-8, no quote characters) or Parquet file of a monthly or
annual department whose column plan is plain (:func:`fenghuang.sources.fast_plan`),
the file is never held in Python:

1. a pre-pass lists the distinct credit codes whose GB 32100-2015 check
   character is wrong (the check runs once per distinct code);
2. one ``CREATE TABLE … AS SELECT`` streams the file into a scratch
   database (attached next to the store, outside its transaction): the row
   number of every line, canonical columns in base units, and a ``dirty``
   flag for every row that is not in a plain, valid form;
3. the dirty rows (usually few) are converted by the general converter, so
   their rejects have the same codes and reasons as on the general path,
   and the rows it repairs join the clean ones;
4. exact duplicates and key conflicts are found over the whole file: rows
   whose key occurs more than once are checked with the general code;
5. inside the store's one transaction: name linking, then one
   ``INSERT … SELECT`` of the source values (one row per value, with file
   hash, sheet and row) and the quarantine.

Row numbers are the physical line numbers, so a file with a quote
character (a quoted field may span lines) takes the general path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import FenghuangError
from fenghuang.sources import (
    CODES,
    REJECT_SCHEMA,
    FastPlan,
    fast_plan,
    normalize_name,
    plan_columns,
    source_error,
)
from fenghuang.warehouse._store import Store

__all__ = [
    "FAST_MEMORY_LIMIT",
    "FAST_MIN_BYTES",
    "Staged",
    "fast_candidate",
    "load_staged",
    "stage_file",
]

#: Files at least this large take the fast path (when their plan allows it).
FAST_MIN_BYTES = 1 << 20
#: DuckDB's memory limit during an import (restored afterwards); beyond it, it spills to disk.
FAST_MEMORY_LIMIT = "1GB"

_UTF8 = ("utf-8", "utf-8-sig", "ascii")


@dataclass
class Staged:
    """A file read into the scratch database, ready to load.

    Attributes
    ----------
    path : Path
    file_name, digest : str
        Name and sha256 of the file.
    fp : FastPlan
    table : str
        Scratch table with row_no, canonical columns, nkey, dirty.
    rejects : pyarrow.Table
        Quarantine entries found so far (:data:`fenghuang.sources.REJECT_SCHEMA`).
    name_rows : pyarrow.Table
        Accepted rows without a credit code: row_no, name.
    dropped : numpy.ndarray
        Row numbers of accepted-looking rows removed as duplicates or conflicts.
    n_accepted : int
        Rows accepted after the duplicate check (name rows included).
    """

    path: Path
    file_name: str
    digest: str
    fp: FastPlan
    table: str = ""
    rejects: pa.Table = field(default_factory=REJECT_SCHEMA.empty_table)
    name_rows: pa.Table = field(default_factory=lambda: pa.table({}))
    dropped: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    n_accepted: int = 0

    @property
    def department(self) -> str:
        return self.fp.plan.department

    @property
    def kind(self) -> str:
        return self.fp.plan.kind


def _probe(path: Path, skip_lines: int) -> tuple[str, bool]:
    """sha256 of the file and whether a double quote occurs below the first ``skip_lines`` lines."""
    h = hashlib.sha256()
    quote = False
    skip = skip_lines
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
            start = 0
            while skip and start < len(chunk):
                nl = chunk.find(b"\n", start)
                if nl < 0:
                    start = len(chunk)
                    break
                start, skip = nl + 1, skip - 1
            quote = quote or chunk.find(b'"', start) >= 0
    return h.hexdigest(), quote


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_numeric(path: Path) -> tuple[frozenset[int], bool]:
    """Positions of numeric columns, and whether every column is text or number."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    numeric = set()
    for i, f in enumerate(schema):
        t = f.type
        if pa.types.is_integer(t) or pa.types.is_floating(t):
            numeric.add(i)
        elif not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t)):
            return frozenset(), False
    return frozenset(numeric), True


def fast_candidate(path: object, fast: bool | None, done: set[str]) -> Staged | None:
    """A :class:`Staged` (not yet read) when ``path`` can take the fast path.

    Parameters
    ----------
    path : object
        What the caller passed; only file paths qualify.
    fast : bool or None
        False: never; True: whenever the plan allows; None: also only for
        files of at least :data:`FAST_MIN_BYTES`.
    done : set of str
        Hashes already imported (their files are not probed further).
    """
    if fast is False or not isinstance(path, str | Path):
        return None
    p = Path(path)
    try:
        if fast is None and p.stat().st_size < FAST_MIN_BYTES:
            return None
        plan = plan_columns(p)
    except (FenghuangError, OSError):
        return None  # the general path reports it
    if plan.format == "csv":
        if plan.encoding not in _UTF8 or len(plan.delimiter) != 1:
            return None
        fp = fast_plan(plan, lambda i: f"c{i}", line="line")
    elif plan.format == "parquet":
        numeric, ok = _parquet_numeric(p)
        if not ok:
            return None
        fp = fast_plan(plan, lambda i: f"c{i}", numeric)
    else:
        return None
    if fp is None:
        return None
    digest, quote = _probe(p, plan.skip_lines if plan.format == "csv" else 0)
    if quote and plan.format == "csv" and digest not in done:
        return None
    return Staged(path=p, file_name=p.name, digest=digest, fp=fp)


def _source_sql(st: Staged) -> str:
    """SELECT of row_no, c0 … cN (and the raw line for CSV) from the file."""
    plan = st.fp.plan
    width = len(plan.columns)
    path = _lit(str(st.path))
    if plan.format == "parquet":
        cells = ", ".join(
            f'"{c.header.replace(chr(34), chr(34) * 2)}" AS c{i}'
            for i, c in enumerate(plan.columns)
        )
        return (
            f"SELECT file_row_number + 1 AS row_no, {cells}, NULL::VARCHAR AS line "
            f"FROM read_parquet({path}, file_row_number = true)"
        )
    delim = _lit(plan.delimiter)
    cells = ", ".join(f"_s[{i + 1}] AS c{i}" for i in range(width))
    lines = (
        f"read_csv({path}, columns = {{'line': 'VARCHAR'}}, delim = '\\x1e', quote = '', "
        "escape = '', header = false, auto_detect = false)"
    )
    return (
        f"SELECT _n AS row_no, {cells}, line FROM (SELECT row_number() OVER () AS _n, "
        f"string_split(line, {delim}) AS _s, line FROM {lines}) WHERE _n > {plan.skip_lines}"
    )


def stage_file(store: Store, scratch: str, st: Staged, k: int) -> None:
    """Read one file into ``scratch`` (steps 1–4 of the module docstring).

    Raises
    ------
    duckdb.Error
        When DuckDB cannot read the file (the caller falls back to the general path).
    fenghuang.errors.SourceError
        ``E-SOURCE-EMPTY`` when no row is left (as on the general path).
    """
    con = store.con
    fp = st.fp
    plan = fp.plan
    width = len(plan.columns)
    st.table = f"{scratch}.stage_{k}"
    cells = ", ".join(f"c{i}" for i in range(width))
    inner = f"({_source_sql(st)})"
    for layer in fp.layers:
        if layer:
            added = ", ".join(f"{expr} AS {alias}" for alias, expr in layer)
            inner = f"(SELECT *, {added} FROM {inner})"
    canon = ", ".join(f'{expr} AS "{name}"' for name, expr, _ in fp.columns)
    names = ", ".join(f'"{name}"' for name, _, _ in fp.columns)
    raw = (
        "CASE WHEN _ok THEN NULL ELSE line END AS line"
        if plan.format == "csv"
        else ", ".join(f"CASE WHEN _ok THEN NULL ELSE c{i} END AS raw{i}" for i in range(width))
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {st.table} AS SELECT row_no, {names}, NULL::VARCHAR AS nkey, "
        f"NOT _ok AS dirty, {raw} FROM (SELECT row_no, {canon}, coalesce({fp.ok}, false) AS _ok, "
        f"{cells}, line FROM {inner})"
    )
    _clean_texts(store, st)
    _check_chars(store, st)
    _convert_dirty(store, st, width)
    _dedup(store, st)
    if st.n_accepted == 0 and st.rejects.num_rows == 0:
        raise source_error("E-SOURCE-EMPTY", file=st.file_name)


def _clean_texts(store: Store, st: Staged) -> None:
    """Text cells of clean rows as the general path keeps them, per distinct value."""
    con = store.con
    for f in st.fp.text_fields:
        raw = con.sql(
            f'SELECT DISTINCT "{f}" AS raw FROM {st.table} WHERE NOT dirty'
        ).to_arrow_table()
        values = raw.column("raw").combine_chunks()
        clean = st.fp.clean_text(values)
        changed = pc.fill_null(
            pc.and_(pc.is_valid(values), pc.or_(pc.is_null(clean), pc.not_equal(clean, values))),
            False,
        )
        if not pc.any(changed).as_py():
            continue
        fix = pa.table({"raw": values.filter(changed), "clean": clean.filter(changed)})
        con.register("_fh_text", fix)
        try:
            con.execute(
                f'UPDATE {st.table} SET "{f}" = t.clean FROM _fh_text t '
                f'WHERE {st.table}."{f}" = t.raw AND NOT {st.table}.dirty'
            )
        finally:
            con.unregister("_fh_text")


def _check_chars(store: Store, st: Staged) -> None:
    """GB 32100-2015 check character, once per distinct code of the clean rows."""
    con = store.con
    fp = st.fp
    bad = st.table + "_bad"
    con.execute(
        f"CREATE OR REPLACE TABLE {bad} AS SELECT code FROM (SELECT DISTINCT credit_code AS code "
        f"FROM {st.table} WHERE NOT dirty) WHERE NOT {fp.check_char_sql('code')}"
    )
    hits = con.sql(
        f"SELECT row_no, credit_code FROM {st.table} WHERE NOT dirty AND credit_code IN "
        f"(SELECT code FROM {bad}) ORDER BY row_no"
    ).to_arrow_table()
    if hits.num_rows == 0:
        return
    rejects = fp.check_reject(
        hits.column("row_no").to_numpy(), hits.column("credit_code").to_pylist(), file=st.file_name
    )
    st.rejects = pa.concat_tables([st.rejects, rejects])
    con.execute(
        f"DELETE FROM {st.table} WHERE NOT dirty AND credit_code IN (SELECT code FROM {bad})"
    )


def _convert_dirty(store: Store, st: Staged, width: int) -> None:
    con = store.con
    plan = st.fp.plan
    if plan.format == "csv":
        got = con.sql(
            f"SELECT row_no, line FROM {st.table} WHERE dirty ORDER BY row_no"
        ).to_arrow_table()
        numbers = got.column("row_no").to_numpy()
        cells: list[list[str | None]] = [[] for _ in range(width)]
        for line in got.column("line").to_pylist():
            parts = line.split(plan.delimiter) if line is not None else []
            for j in range(width):
                cells[j].append(parts[j] if j < len(parts) else None)
        columns = [pa.array(c, pa.string()) for c in cells]
    else:
        raws = ", ".join(f"raw{i}" for i in range(width))
        got = con.sql(
            f"SELECT row_no, {raws} FROM {st.table} WHERE dirty ORDER BY row_no"
        ).to_arrow_table()
        numbers = got.column("row_no").to_numpy()
        columns = [got.column(f"raw{i}").combine_chunks() for i in range(width)]
    if len(numbers) == 0:
        return
    conv = st.fp.convert(columns, numbers, file=st.file_name)
    st.rejects = pa.concat_tables([st.rejects, conv.rejects])
    rows = conv.rows
    if rows.num_rows == 0:
        return
    names = rows.column("name").to_pylist() if "name" in rows.column_names else []
    codes = rows.column("credit_code").to_pylist()
    nkey = [
        None if c is not None else "~" + normalize_name(n) if n is not None else None
        for c, n in zip(codes, names or [None] * len(codes), strict=True)
    ]
    cols = {"row_no": rows.column("_row")}
    for name, _, _ in st.fp.columns:
        cols[name] = rows.column(name)
    cols["nkey"] = pa.array(nkey, pa.string())
    repaired = pa.table(cols).append_column("dirty", pa.array([False] * rows.num_rows))
    con.register("_fh_repaired", repaired)
    try:
        con.execute(f"INSERT INTO {st.table} BY NAME SELECT * FROM _fh_repaired")
    finally:
        con.unregister("_fh_repaired")


def _key_sql(st: Staged) -> str:
    present = {name for name, _, _ in st.fp.columns}
    key = [k for k in st.fp.plan.mapping.key if k in present and k != "credit_code"]
    return "hash(" + ", ".join(["coalesce(credit_code, nkey)", *key]) + ")"


def _dedup(store: Store, st: Staged) -> None:
    con = store.con
    key = _key_sql(st)
    names = ", ".join(f'"{name}"' for name, _, _ in st.fp.columns)
    rows = con.sql(
        f"SELECT {names}, '' AS _sheet, row_no AS _row FROM {st.table} WHERE NOT dirty AND "
        f"{key} IN (SELECT h FROM (SELECT {key} AS h FROM {st.table} WHERE NOT dirty) "
        f"GROUP BY h HAVING count(*) > 1) ORDER BY row_no"
    ).to_arrow_table()
    n_ok = int(store.fetch_all(f"SELECT count(*) FROM {st.table} WHERE NOT dirty")[0][0])
    dropped = np.zeros(0, dtype=np.int64)
    if rows.num_rows:
        rows = _typed(rows, st)
        kept, rejects = st.fp.dedup(rows, file=st.file_name)
        before = rows.column("_row").to_numpy()
        dropped = np.setdiff1d(before, kept.column("_row").to_numpy())
        st.rejects = pa.concat_tables([st.rejects, rejects])
    st.dropped = dropped
    st.n_accepted = n_ok - len(dropped)
    name_rows = con.sql(
        f"SELECT row_no, name FROM {st.table} WHERE NOT dirty AND credit_code IS NULL "
        "ORDER BY row_no"
    ).to_arrow_table()
    if len(dropped):
        keep = pc.invert(pc.is_in(name_rows.column("row_no"), value_set=pa.array(dropped)))
        name_rows = name_rows.filter(keep)
    st.name_rows = name_rows


_ARROW = {
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
}


def _typed(rows: pa.Table, st: Staged) -> pa.Table:
    """The Arrow types of the general path (year/month int64, values float64 …)."""
    types = {name: _ARROW[typ] for name, _, typ in st.fp.columns}
    types["_sheet"] = pa.string()
    types["_row"] = pa.int64()
    cols = [rows.column(n).cast(types[n]) for n in rows.column_names]
    return pa.table(cols, names=rows.column_names)


def load_staged(
    store: Store, st: Staged, names: dict[str, tuple[str, str]]
) -> tuple[int, int, dict[str, int], int]:
    """Write a staged file inside the open transaction (step 5).

    Returns
    -------
    rows_loaded, rows_quarantined, by_reason, linked_by_name
    """
    con = store.con
    iid = st.digest
    fix_rows: list[tuple[int, str]] = []
    links: list[dict[str, object]] = []
    unmatched: list[tuple[int, str | None]] = []
    if st.name_rows.num_rows:
        for row_no, name in zip(
            st.name_rows.column("row_no").to_pylist(),
            st.name_rows.column("name").to_pylist(),
            strict=True,
        ):
            hit = names.get(normalize_name(name)) if name else None
            if hit is None:
                unmatched.append((int(row_no), name))
                continue
            fix_rows.append((int(row_no), hit[0]))
            links.append(
                {
                    "sheet": "",
                    "row_no": int(row_no),
                    "name": name,
                    "credit_code": hit[0],
                    "matched_on": hit[1],
                }
            )
    rejects = st.rejects
    if unmatched:
        c = CODES["E-ROW-UNMATCHED"]
        n = len(unmatched)
        rejects = pa.concat_tables(
            [
                rejects,
                pa.table(
                    {
                        "file": [st.file_name] * n,
                        "sheet": [""] * n,
                        "row": [r for r, _ in unmatched],
                        "column": ["企业名称"] * n,
                        "code": ["E-ROW-UNMATCHED"] * n,
                        "reason_zh": [c.zh] * n,
                        "reason_en": [c.en] * n,
                        "raw_value": [v for _, v in unmatched],
                        "field": [""] * n,
                    },
                    schema=REJECT_SCHEMA,
                ),
            ]
        )
    drop = np.concatenate([st.dropped, np.asarray([r for r, _ in unmatched], dtype=np.int64)])
    fix = pa.table(
        {
            "row_no": pa.array([r for r, _ in fix_rows], pa.int64()),
            "credit_code": pa.array([c for _, c in fix_rows], pa.string()),
        }
    )
    con.register("_fh_fix", fix)
    con.register("_fh_drop", pa.table({"row_no": pa.array(drop, pa.int64())}))
    try:
        _insert_values(store, st, iid, has_fix=bool(fix_rows), has_drop=len(drop) > 0)
    finally:
        con.unregister("_fh_fix")
        con.unregister("_fh_drop")
    q = rejects.select(
        ["file", "sheet", "row", "column", "code", "reason_zh", "reason_en", "raw_value"]
    ).rename_columns(
        ["file", "sheet", "row_no", "column_name", "code", "reason_zh", "reason_en", "raw_value"]
    )
    if q.num_rows:
        q = q.append_column("import_id", pa.array([iid] * q.num_rows, pa.string()))
        store.insert_arrow("quarantine", q)
    if links:
        lt = pa.Table.from_pylist(links)
        store.insert_arrow(
            "name_links", lt.append_column("import_id", pa.array([iid] * len(links), pa.string()))
        )
    n_q = len(set(zip(q.column("sheet").to_pylist(), q.column("row_no").to_pylist(), strict=True)))
    by_reason: dict[str, int] = {}
    for code in q.column("code").to_pylist():
        by_reason[code] = by_reason.get(code, 0) + 1
    return st.n_accepted - len(unmatched), n_q, by_reason, len(links)


def _insert_values(store: Store, st: Staged, iid: str, *, has_fix: bool, has_drop: bool) -> None:
    fp = st.fp
    present = {name for name, _, _ in fp.columns}
    month = "s.month" if "month" in present else "NULL"
    where = ["NOT s.dirty", "s.year IS NOT NULL"]
    if has_drop:
        where.append("s.row_no NOT IN (SELECT row_no FROM _fh_drop)")
    code = "s.credit_code"
    join = ""
    if has_fix:
        code = "coalesce(s.credit_code, x.credit_code)"
        join = "LEFT JOIN _fh_fix x ON s.row_no = x.row_no"
    parts = []
    for f in fp.value_fields:
        unit = _lit(fp.units[f]) if f in fp.units else "NULL"
        parts.append(
            f"SELECT {_lit(iid)}, '', s.row_no, {code}, CAST(s.year AS INTEGER), "
            f'CAST({month} AS INTEGER), {_lit(f)}, s."{f}", {unit} FROM {st.table} s {join} '
            f'WHERE {" AND ".join(where)} AND s."{f}" IS NOT NULL'
        )
    if not parts:
        return
    store.execute(
        "INSERT INTO source_values (import_id, sheet, row_no, credit_code, year, month, field, "
        "value, unit) " + " UNION ALL ".join(parts)
    )
