"""Throughput of the department readers against a plain Arrow baseline.

Writes a monthly tax CSV of ``--rows`` rows (GBK-free UTF-8, thousands
separators, a unit in the header, one bad row in 1 000), then times

* baseline: ``pyarrow.csv.read_csv`` + cast of the amount column (no checks),
* ``iter_source`` (streaming, full validation, rejects with line numbers),
* ``read_source`` (whole file through Python's csv module),

and prints rows/s and the ratio to the baseline. Run with
``nice .venv/bin/python bench/bench_sources.py --rows 1000000``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from fenghuang.sources import iter_source, make_credit_code, read_source

_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _code(i: int) -> str:
    body = ""
    for _ in range(8):
        body = _ALPHA[i % 31] + body
        i //= 31
    return make_credit_code("91360300M" + body)


def write_file(path: Path, rows: int, firms: int = 5000) -> None:
    codes = [_code(i) for i in range(firms)]
    with path.open("w", encoding="utf-8") as fh:
        fh.write("纳税人识别号,纳税人名称,税款所属期,实缴税额（万元）,社保费\n")
        for i in range(rows):
            f = i % firms
            amount = "abc" if i % 1000 == 999 else f'"{(i % 977) * 12.5:,.2f}"'
            fh.write(
                f"{codes[f]},企业{f},{2000 + (i // firms) // 12 % 30}{(i // firms) % 12 + 1:02d},{amount},{i % 50}\n"
            )


def baseline(path: Path) -> int:
    t = pcsv.read_csv(
        path, convert_options=pcsv.ConvertOptions(column_types={"实缴税额（万元）": pa.string()})
    )
    col = pc.replace_substring(t.column("实缴税额（万元）"), ",", "")
    ok = pc.match_substring_regex(col, r"^[\d.]+$")
    pc.multiply(pc.cast(pc.if_else(ok, col, pa.scalar(None, pa.string())), pa.float64()), 1e4)
    return int(t.num_rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=200_000)
    ap.add_argument("--skip-read-source", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tax.csv"
        write_file(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"file: {args.rows:,} rows, {size:.1f} MB")
        baseline(path)  # warm-up (thread pool, regex compilation)
        t0 = time.perf_counter()
        n = baseline(path)
        tb = time.perf_counter() - t0
        print(f"baseline pyarrow read+cast : {n / tb:12,.0f} rows/s  ({tb:.2f} s)")
        t0 = time.perf_counter()
        got = rej = 0
        for b in iter_source(path, "tax", batch_rows=args.batch):
            got += b.n_rows
            rej += b.rejects.num_rows
        ti = time.perf_counter() - t0
        print(
            f"iter_source (validated)    : {got / ti:12,.0f} rows/s  ({ti:.2f} s, {rej} rejects)  ratio {ti / tb:.1f}× baseline"
        )
        if not args.skip_read_source:
            t0 = time.perf_counter()
            b = read_source(path, "tax")
            tr = time.perf_counter() - t0
            print(
                f"read_source (python csv)   : {b.n_rows / tr:12,.0f} rows/s  ({tr:.2f} s)  ratio {tr / tb:.1f}× baseline"
            )


if __name__ == "__main__":
    main()
