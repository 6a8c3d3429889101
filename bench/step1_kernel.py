"""Step 1 of the fast import: its SQL against a compiled-kernel prototype (measurement only).

Usage: ``nice .venv/bin/python bench/step1_kernel.py FILE.csv [--runs 2]``

FILE is one of bench/ingest.py's monthly CSV files (模拟数据; columns: credit
code, name, ``YYYY-MM`` period, value in a base unit). Both variants read the
same pyarrow cells and insert into a fresh DuckDB file, committed:

sql
    the fast path's own step 1 (:func:`fenghuang.warehouse._fast.stage_rows`):
    every check and conversion in DuckDB SQL.
kernel
    a numba prototype doing the same checks for this layout only (code of 18
    bytes, ``YYYY-MM`` period with year 1900–2100 and month 1–12, a value of
    plain digits parsed as m / 10^k and capped, no 计/注/:/： in the name, an
    FNV-1a hash of the name as the row's tag) in the producer thread, over
    pyarrow's string buffers; DuckDB then only picks between the typed
    columns and the raw cells.

aggregate
    the design bench/README.md "What (a) would take" describes, measured by its
    parts: the same kernel, and DuckDB sums the clean rows per firm and year
    exactly (count, months seen, first and last row, ``DECIMAL`` sum, as
    ``firm_facts`` does) into one table; the dirty rows are kept by the
    producer; no row per value is written.
floor
    the floor's own query on this file (bench/ingest.py): DuckDB's parse and
    a sum per code.

The prototype is not used by the package (bench/README.md "A compiled
kernel, measured"): the script checks that both give the same rows, dirty
rows and value sum, and prints the times and their ratio. Its first compile
takes 5–20 s (cached on disk after; not timed).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numba
import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from fenghuang.warehouse import Store
from fenghuang.warehouse._fast import FAST_MEMORY_LIMIT, fast_candidate, stage_rows
from fenghuang.warehouse._rows import memory_limit

_COLUMNS = "import_key, part, row_no, credit_code, year, month, value, tag, key_tag, raw"


@numba.njit(nogil=True, cache=True)
def _kernel(n, o0, o1, d1, o2, d2, o3, d3, cap, ok, year, month, value, tag):  # type: ignore[no-untyped-def]
    p10 = np.empty(23)
    p10[0] = 1.0
    for k in range(1, 23):
        p10[k] = p10[k - 1] * 10.0
    for i in range(n):
        good = (o0[i + 1] - o0[i]) == 18
        a, b = o2[i], o2[i + 1]
        y = 0
        m = 0
        if b - a == 7 and d2[a + 4] == 45:  # YYYY-MM
            for j in (0, 1, 2, 3, 5, 6):
                c = d2[a + j]
                if c < 48 or c > 57:
                    good = False
                if j < 4:
                    y = y * 10 + (c - 48)
                else:
                    m = m * 10 + (c - 48)
            if y < 1900 or y > 2100 or m < 1 or m > 12:
                good = False
        else:
            good = False
        a, b = o3[i], o3[i + 1]
        mant = 0
        dec = -1
        digits = 0
        if b == a:
            good = False
        for j in range(a, b):
            c = d3[j]
            if c == 46:  # one inner '.'
                if dec >= 0 or j == a or j == b - 1:
                    good = False
                dec = 0
            elif 48 <= c <= 57:
                mant = mant * 10 + (c - 48)
                digits += 1
                if dec >= 0:
                    dec += 1
            else:
                good = False
        if digits > 15:  # m / 10^k is then correctly rounded, as a parse is
            good = False
        v = mant / p10[dec if dec > 0 else 0]
        if v > cap:
            good = False
        a, b = o1[i], o1[i + 1]
        h = np.uint64(14695981039346656037)
        for j in range(a, b):
            c = d1[j]
            h = (h ^ np.uint64(c)) * np.uint64(1099511628211)
            mark = j + 2 < b and (
                (c == 0xE8 and d1[j + 1] == 0xAE and d1[j + 2] == 0xA1)  # 计
                or (c == 0xE6 and d1[j + 1] == 0xB3 and d1[j + 2] == 0xA8)  # 注
                or (c == 0xEF and d1[j + 1] == 0xBC and d1[j + 2] == 0x9A)  # ：
            )
            if c == 58 or mark:
                good = False
        ok[i] = good
        year[i] = y
        month[i] = m
        value[i] = v
        tag[i] = h


def _buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    _, off, data = arr.buffers()
    o = np.frombuffer(off, dtype=np.int32, count=len(arr) + 1 + arr.offset)[arr.offset :]
    d = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(1, np.uint8)
    return o, d


def _kernel_cells(
    path: Path, cap: float, dirty: list[pa.RecordBatch] | None = None
) -> pa.RecordBatchReader:
    names = ["c0", "c1", "c2", "c3"]
    reader = pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(skip_rows=1, column_names=names, block_size=1 << 23),
        parse_options=pcsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    typed = [("ok", pa.bool_()), ("year", pa.int16()), ("month", pa.int8())]
    typed += [("value", pa.float64()), ("tag", pa.uint64())]
    schema = pa.schema([("row_no", pa.int64()), *[(c, pa.string()) for c in names], *typed])

    def batches() -> Iterator[pa.RecordBatch]:
        first = 2
        for batch in reader:
            n = batch.num_rows
            out = [np.empty(n, t.to_pandas_dtype()) for _, t in typed]
            cols = [batch.column(i) for i in range(4)]
            o0, _ = _buffers(cols[0])
            rest = [x for c in cols[1:] for x in _buffers(c)]
            _kernel(n, o0, *rest, cap, *out)
            numbers = pa.array(np.arange(first, first + n, dtype=np.int64))
            arrays = [numbers, *cols, *[pa.array(a) for a in out]]
            got = pa.RecordBatch.from_arrays(arrays, schema=schema)
            if dirty is not None:  # the few dirty rows stay with the producer
                dirty.append(got.filter(pa.array(~out[0])))
            yield got
            first += n

    return pa.RecordBatchReader.from_batches(schema, batches())


_KERNEL_INSERT = (
    f"insert into source_rows ({_COLUMNS}) select 1, case when ok then 0 else -1 end, row_no, "
    "case when ok then c0 end, case when ok then year end, case when ok then month end, "
    "case when ok then value end, case when ok then tag end, null::ubigint, "
    "case when ok then null else to_json([c0, c1, c2, c3])::varchar end from _cells"
)
_AGGREGATE = (
    "create table firm_years as select c0 as credit_code, year, count(*) as n, "
    "bit_or(1::bigint << month) as months, min(row_no) as lo, max(row_no) as hi, "
    "sum(cast(round(value * 10000) as decimal(18, 0))) as total from _cells where ok "
    "group by all"
)
_AGG_SUMMARY = "select sum(n), {dirty}, cast(sum(total) as double) / 10000 from firm_years"
_SUMMARY = (
    "select count(*), count(*) filter (where part = -1), sum(value) filter (where part = 0) "
    "from source_rows"
)


def _run(kind: str, path: Path, tmp: str) -> tuple[float, float, tuple[object, ...]]:
    """One variant into a fresh store, committed; (wall, CPU, rows/dirty/sum)."""
    store = Store(Path(tempfile.mkdtemp(dir=tmp)) / "fh.duckdb")
    st = fast_candidate(path, True, set())  # its plan and sha256: not timed
    assert st is not None and st.arrow, "not a plain CSV for the fast path"
    st.key = 1
    with memory_limit(store, FAST_MEMORY_LIMIT):
        t, c = time.perf_counter(), time.process_time()
        dirty: list[pa.RecordBatch] = []
        if kind == "sql":  # the import's own step 1
            with store.transaction():
                stage_rows(store, st)
        elif kind == "floor":
            rel = (
                f"read_csv('{path}', header=true, names=['c0','c1','c2','c3'], "
                "types={'c3':'DOUBLE'})"
            )
            store.fetch_all(f"select c0, sum(c3) from {rel} group by 1")
        elif kind == "aggregate":
            cells = _kernel_cells(path, 1e11, dirty)
            with store.registered("_cells", cells), store.transaction():
                store.execute(_AGGREGATE)
        else:
            store.execute("SET preserve_insertion_order = false")
            with store.registered("_cells", _kernel_cells(path, 1e11)), store.transaction():
                store.execute(_KERNEL_INSERT)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
    if kind == "floor":
        got: tuple[object, ...] = ()
    elif kind == "aggregate":
        n_dirty = sum(b.num_rows for b in dirty)
        (got,) = store.fetch_all(_AGG_SUMMARY.format(dirty=n_dirty))
        got = (got[0] + got[1], got[1], got[2])  # rows, dirty rows, value sum
    else:
        (got,) = store.fetch_all(_SUMMARY)
    store.close()
    return wall, cpu, tuple(got)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    print(f"step 1 on {args.file.name} ({args.file.stat().st_size / 1e6:,.0f} MB), 模拟数据")
    print(f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, numba {numba.__version__}")
    t = time.perf_counter()
    next(iter(_kernel_cells(args.file, 1e11)))  # compile or load the cached kernel
    print(f"kernel compile/load {time.perf_counter() - t:.1f} s (not timed below)")
    with tempfile.TemporaryDirectory() as tmp:
        kinds = ["floor", "sql", "kernel", "aggregate"]
        res: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}
        seen = {}
        for _ in range(args.runs):  # alternating runs: this machine's timings drift
            for kind in res:
                wall, cpu, got = _run(kind, args.file, tmp)
                res[kind].append((wall, cpu))
                seen[kind] = got
                print(f"  {kind:6s} {wall:6.2f} s  CPU {cpu:6.2f} s  rows/dirty/sum {got}")
        same = seen["sql"] == seen["kernel"] == seen["aggregate"]
        print(f"  same rows, dirty rows and value sum: {'yes' if same else 'NO'}")
        best = {k: min(w for w, _ in v) for k, v in res.items()}
        print(f"  kernel / sql (best of {args.runs}) = {best['kernel'] / best['sql']:.2f}")
        for k in ("sql", "kernel", "aggregate"):
            print(f"  {k} / floor (best of {args.runs}) = {best[k] / best['floor']:.2f}")


if __name__ == "__main__":
    main()
