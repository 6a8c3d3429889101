"""Workbook reading: fenghuang's reader (calamine) against openpyxl's read-only mode.

Usage: ``nice .venv/bin/python bench/workbooks.py [--firms 5000] [--data DIR]``

The workbooks are the synthetic city's (模拟数据, ``fenghuang demo-data
--format departments``: the register, power by month in columns, land with
merged firm cells, statistics with a two-row header, R&D), written once into
``DIR`` (default: a temporary folder) and reused when they are there.

baseline
    what a competent engineer writes with openpyxl: ``load_workbook(...,
    read_only=True, data_only=True)`` and ``iter_rows(values_only=True)``
    over every visible sheet (1.7x as fast as loading the workbook; merged
    cells not filled, which would cost more).
ours
    :func:`fenghuang.sources.read_xlsx_grids`: calamine's rows, error cells'
    text from the sheet XML, merged cells filled.

Each is timed best of ``--runs`` in this process; the script checks that
both give the same cell texts (:func:`fenghuang.sources.cell_text`) wherever
the baseline has a value, and prints the ratio per workbook and in all.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any


def _baseline(data: bytes) -> list[list[list[Any]]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [
            [list(r) for r in ws.iter_rows(values_only=True)]
            for ws in wb.worksheets
            if ws.sheet_state == "visible"
        ]
    finally:
        wb.close()


def _ours(data: bytes, name: str) -> list[list[list[Any]]]:
    from fenghuang.sources import read_xlsx_grids

    return [g.rows for g in read_xlsx_grids(data, name)]


def _agree(base: list[list[list[Any]]], ours: list[list[list[Any]]]) -> bool:
    """Every value the baseline reads, ours reads alike (ours also fills merged cells)."""
    from fenghuang.sources import cell_text

    if len(base) != len(ours):
        return False
    for bs, os_ in zip(base, ours, strict=True):
        for i, row in enumerate(bs):
            mine = os_[i] if i < len(os_) else []
            for j, v in enumerate(row):
                if v is None:
                    continue
                if j >= len(mine) or cell_text(mine[j]) != cell_text(v):
                    return False
    return True


def _best(fn: Any, runs: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=5000)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    folder = args.data or Path(tempfile.mkdtemp(prefix="fh-bench-xlsx-"))
    if not list(folder.glob("*.xlsx")):
        from fenghuang.cli import main as cli

        t = time.perf_counter()
        out = ["--format", "departments", "--out", str(folder)]
        cli(["demo-data", "--firms", str(args.firms), "--years", "2023", *out])
        print(f"generated in {time.perf_counter() - t:.1f} s: {folder}")
    print("Fenghuang workbook benchmark — 模拟数据 (synthetic)")
    print(f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, best of {args.runs}")
    total_b = total_o = 0.0
    same = True
    for path in sorted(folder.glob("*.xlsx")):
        data = path.read_bytes()
        tb, base = _best(lambda data=data: _baseline(data), args.runs)
        to, ours = _best(lambda data=data, name=path.name: _ours(data, name), args.runs)
        ok = _agree(base, ours)
        same = same and ok
        total_b, total_o = total_b + tb, total_o + to
        rows = sum(len(s) for s in base)
        print(
            f"  {path.name[:34]:34s} {len(data) / 1e6:5.1f} MB {rows:>7,} rows  "
            f"openpyxl {tb:6.2f} s  ours {to:5.2f} s  ours/openpyxl {to / tb:5.2f}  "
            f"{'same' if ok else 'DIFFERENT'}"
        )
    print(
        f"  all: openpyxl {total_b:.2f} s, ours {total_o:.2f} s, ours/openpyxl {total_o / total_b:.2f}"
    )
    print(f"  the same values: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
