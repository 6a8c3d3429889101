"""Ingest benchmark: N firms × 12 months × 3 monthly sources into firm-year facts.

Usage: ``nice .venv/bin/python bench/ingest.py --firms 10000``

Each measured step runs in its own subprocess (peak RSS from
``resource.getrusage``): (floor) bare DuckDB read_csv + group-by sum of the
same files; (ours) :func:`fenghuang.warehouse.import_files` into a fresh store
plus :func:`fenghuang.warehouse.firm_facts`; (pandas) C CSV reader,
vectorised credit-code format check, duplicate drop, groupby sum.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCES = {
    "税务_月报.csv": "统一社会信用代码,企业名称,所属期,实缴税金(元)",
    "供电_月报.csv": "统一社会信用代码,户名,年月,用电量(千瓦时)",
    "社保_月报.csv": "统一社会信用代码,企业名称,所属期,社保费(元)",
}


def make_files(d: Path, firms: int) -> list[Path]:
    from fenghuang.sources import make_credit_code

    codes = [make_credit_code(f"91360300M{i:08d}") for i in range(firms)]
    paths = []
    for k, (name, header) in enumerate(SOURCES.items()):
        p = d / name
        with p.open("w", encoding="utf-8") as fh:
            fh.write(header + "\n")
            for i, c in enumerate(codes):
                fh.writelines(
                    f"{c},企业{i},2023-{m:02d},{(i * 7 + m * 13 + k) % 100000}.25\n"
                    for m in range(1, 13)
                )
        paths.append(p)
    return paths


STEPS = {
    "floor": """
import duckdb, sys
con = duckdb.connect()
for p in sys.argv[1:]:
    con.sql(f"select column0, sum(column3) from read_csv('{p}', header=true, names=['column0','column1','column2','column3'], types={{'column3':'DOUBLE'}}) group by 1").fetchall()
""",
    "ours": """
import sys, tempfile
from fenghuang.warehouse import Store, import_files, firm_facts
with tempfile.TemporaryDirectory() as d:
    s = Store(d + '/fh.duckdb')
    import_files(s, sys.argv[1:])
    firm_facts(s, 2023)
""",
    "pandas": """
import sys, pandas as pd
for p in sys.argv[1:]:
    df = pd.read_csv(p, engine='c', dtype={0: str, 1: str, 2: str})
    code = df.columns[0]
    ok = df[code].str.fullmatch(r'[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}')
    df = df[ok].drop_duplicates()
    df['year'] = df[df.columns[2]].str.slice(0, 4).astype(int)
    df.groupby([code, 'year'])[df.columns[3]].sum()
""",
}
_TAIL = (
    "\nimport resource, json; print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))"
)


def run(step: str, files: list[Path]) -> tuple[float, float]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", STEPS[step] + _TAIL, *map(str, files)],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - t0, json.loads(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=10000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        files = make_files(Path(d), args.firms)
        res = {s: run(s, files) for s in STEPS}
    rows = args.firms * 12 * len(SOURCES)
    print(f"firms={args.firms} rows={rows:,}")
    for s, (t, mb) in res.items():
        print(f"{s:7s} {t:8.2f} s  peak RSS {mb:8.1f} MB")
    print(f"ours / floor  = {res['ours'][0] / res['floor'][0]:.2f}x (aim <= 2)")
    print(f"ours / pandas = {res['ours'][0] / res['pandas'][0]:.2f}x (aim < 1)")
    print(f"memory ours / pandas = {res['ours'][1] / res['pandas'][1]:.2f} (aim <= 0.2)")


if __name__ == "__main__":
    main()
