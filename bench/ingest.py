"""Ingest benchmark: N firms × 12 months × 3 monthly sources into validated firm-year facts.

Usage: ``nice .venv/bin/python bench/ingest.py --firms 100000 [--formats csv,parquet,csv-gbk]``

All data are 模拟数据 (synthetic), written by a vectorised generator here
(tax, power and social-insurance monthly files; a small share of rows carry
injected faults: wrong check characters, exact duplicates, negative and absurd
values). For each format, four steps run in their own subprocesses (peak RSS
from ``resource.getrusage``):

floor
    bare DuckDB: parse the same files and sum the value per credit code.
validate
    reference, not an aim: fenghuang's own per-row checks and conversion
    (the fast path's step-1 SELECT, :func:`fenghuang.warehouse._fast.rows_sql`)
    on the same parse, summed per firm and year; nothing stored, no lineage,
    no duplicate or check-character pass (the file's plan and sha256 are
    read before the clock starts) — the cost of validating every row at all.
store
    reference, not an aim: the bare parse (code, period, value) written to a
    DuckDB file table and checkpointed — the physical cost of storing the rows
    at all, which ours must pay too.
ours
    :func:`fenghuang.warehouse.import_files` into a fresh store (fast path:
    one pass per file into ``source_rows`` with validation, quarantine with
    row numbers, one source value per row with its file (integer key of the
    sha256-identified import) + sheet + row, the firm index, one transaction)
    plus :func:`fenghuang.warehouse.firm_facts`.
pandas
    a competent pandas implementation of the same validation: pyarrow CSV
    reader (or ``read_parquet``), GB 32100-2015 format and check character
    vectorised with numpy over the distinct codes, period parse, negative and
    absurd values, exact duplicates, key conflicts, a quarantine frame with
    row numbers and reasons, group-by to firm-year facts.

``csv-gbk`` is the CSV files again in GBK (as a Chinese Excel or a tax
system exports them; copies made once, beside the UTF-8 files): ours and
pandas read them, and the floor is DuckDB's on the UTF-8 files (DuckDB reads
no GBK offline), so (a) there includes the decoding; no validate or store.

Both ours and pandas report their totals and quarantine counts; the script
checks that they agree. Times are of the work after each subprocess has
imported its libraries (pandas and ibis take seconds to import here, where
Python writes no bytecode cache), so they compare ingest, not start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

#: file name, header, value column, mapping limit (base units) — 模拟数据
SOURCES = [
    ("税务_月报", ["统一社会信用代码", "企业名称", "所属期", "实缴税金(元)"], 1e11),
    ("供电_月报", ["统一社会信用代码", "户名", "年月", "用电量(千瓦时)"], 1e11),
    ("社保_月报", ["统一社会信用代码", "企业名称", "所属期", "社保费(元)"], 1e10),
]
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
#: Shares of rows with an injected fault.
FAULTS = {"check": 0.001, "duplicate": 0.001, "negative": 0.0005, "absurd": 0.0002}
CHUNK_FIRMS = 50_000


def _codes(ids: np.ndarray) -> np.ndarray:
    """Valid credit codes 91360300M + 8 base-31 characters + check, as (n, 18) uint8."""
    n = len(ids)
    lut = np.frombuffer(CHARSET.encode(), dtype=np.uint8)
    out = np.empty((n, 18), dtype=np.uint8)
    out[:, :9] = np.frombuffer(b"91360300M", dtype=np.uint8)
    rest = ids.copy()
    for j in range(16, 8, -1):
        out[:, j] = lut[rest % 31]
        rest //= 31
    value = np.full(256, 0, dtype=np.int64)
    value[lut] = np.arange(31)
    total = (value[out[:, :17]] * WEIGHTS).sum(axis=1)
    out[:, 17] = lut[(31 - total % 31) % 31]
    return out


def _chunk(lo: int, hi: int, k: int, limit: float, rng: np.random.Generator) -> pa.Table:
    ids = np.arange(lo, hi, dtype=np.int64)
    codes = np.repeat(_codes(ids), 12, axis=0)
    firm = np.repeat(ids, 12)
    month = np.tile(np.arange(1, 13), len(ids))
    value = ((firm * 7 + month * 13 + k) % 100000).astype(np.float64) + 0.25
    n = len(firm)
    lut = np.frombuffer(CHARSET.encode(), dtype=np.uint8)
    bad = rng.random(n) < FAULTS["check"]
    pos = np.searchsorted(lut, codes[bad, 17])
    codes[bad, 17] = lut[(pos + 1) % 31]
    value[rng.random(n) < FAULTS["negative"]] *= -1
    value[rng.random(n) < FAULTS["absurd"]] = limit * 10
    dup = rng.random(n) < FAULTS["duplicate"]
    order = np.sort(np.concatenate([np.arange(n), np.flatnonzero(dup)]), kind="stable")
    flat = np.ascontiguousarray(codes[order]).reshape(-1)
    code_arr = pa.Array.from_buffers(pa.binary(18), len(order), [None, pa.py_buffer(flat)])
    code_arr = code_arr.cast(pa.binary()).cast(pa.string())
    names = pc.binary_join_element_wise("企业", pc.cast(pa.array(firm[order]), pa.string()), "")
    labels = pa.array([f"2023-{m:02d}" for m in range(1, 13)])
    periods = pc.take(labels, pa.array(month[order] - 1))
    return pa.table([code_arr, names, periods, pa.array(value[order])], names=["c", "n", "p", "v"])


def gbk_copies(csv_files: list[Path]) -> list[Path]:
    """GBK copies of the CSV files (``X.gbk.csv`` beside ``X.csv``), made once, streamed."""
    out = []
    for path in csv_files:
        gbk = path.with_suffix(".gbk.csv")
        if not gbk.exists():
            part = gbk.with_suffix(".part")
            with path.open(encoding="utf-8", newline="") as src, part.open("wb") as dst:
                for chunk in iter(lambda: src.read(1 << 22), ""):
                    dst.write(chunk.encode("gbk"))
            part.rename(gbk)
        out.append(gbk)
    return out


def make_files(d: Path, firms: int, seed: int = 1) -> dict[str, list[Path]]:
    """Write the CSV and Parquet files (模拟数据); streamed in chunks of firms."""
    out: dict[str, list[Path]] = {"csv": [], "parquet": []}
    rng = np.random.default_rng(seed)
    for k, (stem, header, limit) in enumerate(SOURCES):
        csv_path, pq_path = d / f"{stem}.csv", d / f"{stem}.parquet"
        schema = pa.schema(
            [(h, pa.float64() if j == 3 else pa.string()) for j, h in enumerate(header)]
        )
        opts = pcsv.WriteOptions(quoting_style="none", include_header=False)
        csv_path.write_text(",".join(header) + "\n", encoding="utf-8")
        with (
            csv_path.open("ab") as fh,
            pcsv.CSVWriter(fh, schema, write_options=opts) as cw,
            pq.ParquetWriter(pq_path, schema) as pw,
        ):
            for lo in range(0, firms, CHUNK_FIRMS):
                t = _chunk(lo, min(firms, lo + CHUNK_FIRMS), k, limit, rng)
                t = t.rename_columns(header).cast(schema)
                cw.write_table(t)
                pw.write_table(t, row_group_size=1 << 20)
        out["csv"].append(csv_path)
        out["parquet"].append(pq_path)
    return out


FLOOR = """
import duckdb, sys
_t0 = time.perf_counter()
con = duckdb.connect()
for p in sys.argv[1:]:
    if p.endswith('.parquet'):
        rel = f"read_parquet('{p}')"
    else:
        rel = f"read_csv('{p}', header=true, names=['c0','c1','c2','c3'], types={{'c3':'DOUBLE'}})"
    cols = con.execute(f"describe select * from {rel}").fetchall()
    code, value = cols[0][0], cols[3][0]
    con.execute(f'select "{code}", sum("{value}") from {rel} group by 1').fetchall()
print("@@OUT", json.dumps({}))
"""

STORE = """
import duckdb, os, sys, tempfile
_t0 = time.perf_counter()
with tempfile.TemporaryDirectory(dir=sys.argv[1]) as d:
    con = duckdb.connect(d + '/floor.duckdb')
    for k, p in enumerate(sys.argv[2:]):
        if p.endswith('.parquet'):
            rel = f"read_parquet('{p}')"
        else:
            rel = f"read_csv('{p}', header=true, names=['c0','c1','c2','c3'], types={{'c3':'DOUBLE'}})"
        cols = [c[0] for c in con.execute(f"describe select * from {rel}").fetchall()]
        con.execute(f'create table t{k} as select "{cols[0]}", "{cols[2]}", "{cols[3]}" from {rel}')
    con.execute("checkpoint")
    con.close()
print("@@OUT", json.dumps({}))
"""

VALIDATE = """
import sys, tempfile
import pandas  # as in ours: fenghuang.sources imports it on first use
from fenghuang.warehouse import Store
from fenghuang.warehouse._fast import fast_candidate, rows_sql, source_cells
with tempfile.TemporaryDirectory(dir=sys.argv[1]) as d:
    s = Store(d + '/v.duckdb')
    staged = [fast_candidate(p, True, set()) for p in sys.argv[2:]]  # plan and sha256: not timed
    _t0 = time.perf_counter()
    for st in staged:
        with source_cells(s, st) as src:
            s.fetch_arrow(f"select credit_code, year, sum(value) from ({rows_sql(st, src)}) "
                          "where part = 0 group by all")
    s.close()
print("@@OUT", json.dumps({}))
"""

OURS = """
import sys, tempfile
import ibis, ibis.backends.duckdb, pyarrow.compute
import pandas  # fenghuang.sources imports it on first use: ~2.5 s here, no ingest
from fenghuang.warehouse import Store, import_files, firm_facts
_t0 = time.perf_counter()
with tempfile.TemporaryDirectory(dir=sys.argv[1]) as d:
    s = Store(d + '/fh.duckdb')
    r = import_files(s, sys.argv[2:])
    import resource
    t_import = time.perf_counter() - _t0
    rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f = firm_facts(s, 2023)
    import pyarrow.compute as pc
    out = {'fast': [x.fast for x in r.files], 'quarantined': {}, 'firms': f.num_rows,
           'import_s': t_import, 'import_rss_mb': rss_import}
    for x in r.files:
        for code, n in x.by_reason.items():
            out['quarantined'][code] = out['quarantined'].get(code, 0) + n
    for col in ('tax_paid', 'electricity_kwh', 'social_insurance'):
        out[col] = pc.sum(f.column(col)).as_py()
    s.close()
print("@@OUT", json.dumps(out))
"""

PANDAS = r"""
import sys
import numpy as np, pandas as pd
_t0 = time.perf_counter()
CHARSET = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", dtype=np.uint8)
VALUE = np.full(256, -1, dtype=np.int64); VALUE[CHARSET] = np.arange(31)
W = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
FIELDS = {'实缴税金(元)': ('tax_paid', 1e11), '用电量(千瓦时)': ('electricity_kwh', 1e11),
          '社保费(元)': ('social_insurance', 1e10)}
def code_problems(codes):
    # GB 32100-2015 on the distinct codes: format, then the check character.
    uniq = pd.unique(codes)
    fmt = pd.Series(uniq).str.fullmatch(r'[0-9A-HJ-NP-RT-UW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RT-UW-Y]{10}').to_numpy(bool)
    ok = uniq[fmt]
    b = np.frombuffer(ok.astype('S18').tobytes(), dtype=np.uint8).reshape(-1, 18)
    chk = CHARSET[(31 - (VALUE[b[:, :17]] * W).sum(axis=1) % 31) % 31] == b[:, 17]
    return set(uniq[~fmt]), set(ok[~chk])
facts = []
reasons = {}
for p in sys.argv[1:]:
    if p.endswith('.parquet'):
        df = pd.read_parquet(p)
    else:
        enc = 'gbk' if p.endswith('.gbk.csv') else 'utf-8'
        with open(p, encoding=enc) as fh:
            header = fh.readline().strip().split(',')
        df = pd.read_csv(p, engine='pyarrow', encoding=enc, dtype={h: str for h in header[:3]})
    code, name, period, value = df.columns
    field, limit = FIELDS[value]
    df['row'] = np.arange(2 if not p.endswith('.parquet') else 1, len(df) + (2 if not p.endswith('.parquet') else 1))
    bad_fmt, bad_chk = code_problems(df[code].to_numpy(dtype=object))
    per = df[period].str.extract(r'^(\d{4})-(\d{2})$')
    df['year'] = pd.to_numeric(per[0], errors='coerce')
    df['month'] = pd.to_numeric(per[1], errors='coerce')
    checks = {
        'E-ROW-CREDIT-CODE-FORMAT': df[code].isin(bad_fmt),
        'E-ROW-CREDIT-CODE-CHECK': df[code].isin(bad_chk),
        'E-ROW-DATE': ~df['month'].between(1, 12) | ~df['year'].between(1900, 2100),
        'E-ROW-NEGATIVE': df[value] < 0,
        'E-ROW-ABSURD': df[value] > limit,
    }
    bad = np.zeros(len(df), dtype=bool)
    q = []
    for c, m in checks.items():
        m = m.to_numpy(bool)
        if m.any():
            q.append(pd.DataFrame({'file': p, 'row': df['row'].to_numpy()[m], 'code': c}))
        bad |= m
    ok = df[~bad]
    dup = ok.duplicated(subset=[code, name, 'year', 'month', value], keep='first').to_numpy()
    q.append(pd.DataFrame({'file': p, 'row': ok['row'].to_numpy()[dup], 'code': 'E-ROW-DUPLICATE'}))
    ok = ok[~dup]
    conflict = ok.duplicated(subset=[code, 'year', 'month'], keep=False).to_numpy()
    q.append(pd.DataFrame({'file': p, 'row': ok['row'].to_numpy()[conflict], 'code': 'E-ROW-CONFLICT'}))
    ok = ok[~conflict]
    quarantine = pd.concat(q, ignore_index=True)
    for c, n in quarantine['code'].value_counts().items():
        reasons[c] = reasons.get(c, 0) + int(n)
    facts.append(ok.groupby([code, 'year'])[value].sum().rename(field).rename_axis(['credit_code', 'year']))
    del df, ok, per
out = pd.concat(facts, axis=1).reset_index()
res = {'quarantined': reasons, 'firms': int(out['credit_code'].nunique())}
for f in ('tax_paid', 'electricity_kwh', 'social_insurance'):
    res[f] = float(out[f].sum())
print("@@OUT", json.dumps(res))
"""

STEPS = {"floor": FLOOR, "validate": VALIDATE, "store": STORE, "ours": OURS, "pandas": PANDAS}
_HEAD = "import json, time\n"
_TAIL = (
    "\nprint('@@T', time.perf_counter() - _t0)\nimport resource\n"
    "print('@@RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def run(step: str, files: list[Path], tmp: str) -> tuple[float, float, dict[str, object]]:
    args = (
        [tmp, *map(str, files)] if step in ("ours", "store", "validate") else list(map(str, files))
    )
    out = subprocess.run(
        [sys.executable, "-c", _HEAD + STEPS[step] + _TAIL, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    # DuckDB's progress bar may share a line with our output: look for the tags anywhere
    tagged = dict(m.groups() for m in re.finditer(r"(@@[A-Z]+) ([^\r\n]*)", out.stdout))
    # time of the work itself, after the imports (the interpreter compiles
    # pandas/ibis without a bytecode cache here, seconds that are no ingest)
    return float(tagged["@@T"]), int(tagged["@@RSS"]) / 1024, json.loads(tagged["@@OUT"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=10000)
    ap.add_argument("--formats", default="csv,parquet,csv-gbk")
    ap.add_argument(
        "--dir", default=None, help="folder for temporary stores (default: system temp)"
    )
    ap.add_argument("--data", default=None, help="keep the generated files here and reuse them")
    args = ap.parse_args()
    rows = args.firms * 12 * len(SOURCES)
    print("Fenghuang ingest benchmark — 模拟数据 (synthetic)")
    print(
        f"{args.firms:,} firms × 12 months × {len(SOURCES)} sources = {rows:,} rows "
        f"(+ injected faults {FAULTS})"
    )
    import duckdb
    import pandas

    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
        f"Python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pandas {pandas.__version__}, pyarrow {pa.__version__}"
    )
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        data = Path(args.data) if args.data else Path(d)
        data.mkdir(parents=True, exist_ok=True)
        done = data / f"done_{args.firms}"
        t0 = time.perf_counter()
        if done.exists():  # the same files from an earlier run (--data)
            files = {
                f: [data / f"{stem}.{f}" for stem, _, _ in SOURCES] for f in ("csv", "parquet")
            }
            print("files from an earlier run: " + str(data))
        else:
            files = make_files(data, args.firms)
            done.write_text("ok")
        if "csv-gbk" in args.formats.split(","):
            files["csv-gbk"] = gbk_copies(files["csv"])
        size = {f: sum(p.stat().st_size for p in ps) / 1e6 for f, ps in files.items()}
        print(
            f"generated in {time.perf_counter() - t0:.1f} s: "
            + ", ".join(f"{f} {mb:,.0f} MB" for f, mb in size.items())
        )
        for fmt in args.formats.split(","):
            print(f"\n[{fmt}]", flush=True)
            res = {}
            # GBK: DuckDB reads no GBK (its encodings extension is a download, and the
            # intranet is offline), so the floor and the references run on the UTF-8 twins
            steps = [s for s in STEPS if fmt != "csv-gbk" or s in ("floor", "ours", "pandas")]
            for s in steps:  # one at a time, printed as each ends (a 1M run takes a while)
                on = files["csv"] if fmt == "csv-gbk" and s == "floor" else files[fmt]
                res[s] = t, mb, _ = run(s, on, d)
                label = f"{s} (UTF-8)" if on is not files[fmt] else s
                print(f"  {label:8s} {t:8.2f} s  peak RSS {mb:8.1f} MB", flush=True)
            ours, pand = res["ours"][2], res["pandas"][2]
            same = ours["quarantined"] == pand["quarantined"] and all(
                abs(float(ours[k]) - float(pand[k])) <= 1e-9 * abs(float(pand[k]))
                for k in ("tax_paid", "electricity_kwh", "social_insurance")
            )
            print(
                f"  ours = import_files {ours['import_s']:.2f} s (peak RSS so far "
                f"{ours['import_rss_mb']:.1f} MB) + firm_facts "
                f"{res['ours'][0] - ours['import_s']:.2f} s"
            )
            print(f"  fast path used: {ours['fast']}; quarantined {ours['quarantined']}")
            print(
                f"  ours and pandas agree (totals, quarantine by reason): {'yes' if same else 'NO'}"
            )
            if not same:
                print(f"  pandas: {pand}\n  ours:   {ours}")
            r_floor = res["ours"][0] / res["floor"][0]
            r_pandas = res["ours"][0] / res["pandas"][0]
            r_mem = res["ours"][1] / res["pandas"][1]
            print(
                f"  (a) ours / floor   = {r_floor:5.2f}×  (aim ≤ 2)   {'met' if r_floor <= 2 else 'NOT met'}"
            )
            if "store" in res:
                print(
                    f"      reference: floor + store (the parse written to a DuckDB table, "
                    f"checkpointed) = {res['store'][0] / res['floor'][0]:5.2f}× the floor; ours "
                    f"= {res['ours'][0] / res['store'][0]:5.2f}× floor + store"
                )
                print(
                    f"      reference: floor + validation (our per-row checks and conversion on "
                    f"the same parse, summed per firm; nothing stored) = "
                    f"{res['validate'][0] / res['floor'][0]:5.2f}× the floor"
                )
            else:
                print("      (the floor: DuckDB on the same rows in UTF-8; it cannot read GBK)")
            print(
                f"  (b) ours / pandas  = {r_pandas:5.2f}×  (aim < 1)   {'met' if r_pandas < 1 else 'NOT met'}"
            )
            print(
                f"  (c) memory ours / pandas = {r_mem:5.2f}  (aim ≤ 0.2) {'met' if r_mem <= 0.2 else 'NOT met'}"
            )


if __name__ == "__main__":
    main()
