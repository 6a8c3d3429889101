"""Web benchmark: concurrent users browsing firm pages over loopback.

Run: ``nice .venv/bin/python bench/web.py [--firms 100000] [--users 50] [--requests 5000] [--duration 60]``

All data are 模拟数据 (synthetic). The script builds a store with ``--firms``
evaluated firms through the real parts: ``fenghuang.synthetic.stream_city``
(chunked register and monthly tax/power/social files, plus a land parcel
file written here, since the stream has no land) or, with ``--small``,
``generate_city`` (every department's files); then
``warehouse.import_files`` and ``evaluation.run_evaluation``. It
starts ``uvicorn`` on it in a separate process, logs ``--users`` sessions in
and lets each browse random firm pages (closed loop, optional think time)
until ``--requests`` pages or ``--duration`` seconds. It prints p50/p95/p99
latency, throughput and the error count, and the same for the baseline
measured in the same run: ``/healthz`` (the framework's floor: routing,
middleware, no session, no store) at the same concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
METHOD = "huangyan-2022"


def land_file(register: Path, out: Path, *, seed: int = 1, year: int = 2023) -> Path:
    """A 自然资源局 parcel file (one own parcel per firm of ``register``), 模拟数据.

    ``stream_city`` writes the register and the monthly tax, power and social
    insurance files but no land, and without land no firm is rated; this adds
    the land bureau's file in the format its reader accepts.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    reg = pacsv.read_csv(register)
    codes = reg.column("统一社会信用代码")
    n = len(codes)
    rng = np.random.default_rng(seed)
    area = np.round(rng.lognormal(mean=3.2, sigma=0.8, size=n).clip(1, 2000), 2)
    table = pa.table(
        {
            "统一社会信用代码": codes,
            "企业名称": reg.column("企业名称"),
            "年度": pa.array(np.full(n, year)),
            "宗地编号": pa.array([f"PX{year}-{i:07d}" for i in range(n)]),
            "用地面积": pa.array(area),
            "权属": pa.array(["自有"] * n),
        }
    )
    pacsv.write_csv(table, out)
    return out


def build(store_path: Path, firms: int, *, small: bool, index: bool = False) -> dict[str, Any]:
    """The evaluated city, built through the real parts, and one analyst account.

    ``small``: ``fenghuang.synthetic.generate_city`` (every department's files,
    two years); otherwise ``stream_city`` (register, monthly tax/power/social,
    Parquet, chunked) plus :func:`land_file`. Both are imported with
    ``warehouse.import_files`` and evaluated with ``evaluation.run_evaluation``.
    ``index``: no longer changes anything — migration 050 gives the
    warehouse its firm indexes (``source_values``, ``parcels``,
    ``fact_history``); kept so earlier command lines still run.
    """
    import fenghuang.evaluation as ev
    import fenghuang.synthetic as syn
    import fenghuang.warehouse as wh
    from fenghuang.web import create_user
    from fenghuang.web.services.demo import mark_synthetic

    files_dir = store_path.parent / "files"
    timings: dict[str, float] = {}
    t = time.perf_counter()
    if small:
        manifest = syn.generate_city(files_dir, firms=firms, seed=1, years=(2022, 2023))
        files = [p for ps in manifest.department_files.values() for p in ps]
        source = "fenghuang.synthetic.generate_city (all departments, 2022–2023)"
    else:
        stream = syn.stream_city(files_dir, firms=firms, seed=1, year=2023, formats=("parquet",))
        land = land_file(
            stream.register, files_dir / "模拟数据_自然资源局_2023年度工业企业用地核实表.csv"
        )
        files = [stream.register, land, *stream.parquet.values()]
        source = "fenghuang.synthetic.stream_city (register, monthly tax/power/social, Parquet) + a land parcel file"
    timings["generate"] = time.perf_counter() - t
    store = wh.Store(store_path)
    mark_synthetic(store)
    t = time.perf_counter()
    report = wh.import_files(store, files)
    timings["import"] = time.perf_counter() - t
    t = time.perf_counter()
    runs = [ev.run_evaluation(store, METHOD, y, actor="bench").run_id for y in wh.years(store)[-2:]]
    timings["evaluate"] = time.perf_counter() - t
    results = ev.load_run(store, runs[-1]).results
    codes = results.column("credit_code").to_pylist()
    rated = sum(1 for r in results.column("rated").to_pylist() if r)
    create_user(store, username="bench", password=PASSWORD, role="analyst", replace=True)
    store.close()
    return {
        "codes": codes,
        "runs": runs,
        "source": source + " → warehouse.import_files → evaluation.run_evaluation",
        "rows": report.rows_loaded,
        "rated": rated,
        "timings": timings,
    }


def reuse(store_path: Path, *, index: bool) -> dict[str, Any]:
    """A store built earlier by :func:`build` (copied to ``store_path``)."""
    import fenghuang.evaluation as ev
    import fenghuang.warehouse as wh

    t = time.perf_counter()
    store = wh.Store(store_path)  # applies pending migrations (050: the firm indexes)
    timings: dict[str, float] = {"generate": 0.0, "import": 0.0, "evaluate": 0.0}
    timings["index"] = time.perf_counter() - t
    runs = [str(r) for r in ev.list_runs(store).column("run_id").to_pylist()][::-1]
    results = ev.load_run(store, runs[-1]).results
    rows = store.fetch_all("select count(*) from source_values")[0][0]
    store.close()
    return {
        "codes": results.column("credit_code").to_pylist(),
        "runs": runs,
        "source": "a store built earlier by this script (--store), copied",
        "rows": int(rows),
        "rated": sum(1 for r in results.column("rated").to_pylist() if r),
        "timings": timings,
    }


SERVER = """
import uvicorn
from fenghuang.web import Settings, create_app
app = create_app(Settings(store_path={store!r}, synthetic=True))
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning", access_log=False)
"""


def _impl(fast: str, fallback: str) -> str:
    """What uvicorn's "auto" picks: ``fast`` when it is installed, else ``fallback``."""
    import importlib.util

    return fast if importlib.util.find_spec(fast) is not None else fallback


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(store_path: Path, port: int) -> subprocess.Popen[bytes]:
    code = SERVER.format(store=str(store_path), port=port)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


async def _login(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    r = await client.post(
        "/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert r.status_code in (200, 303), r.status_code


def warm(base: str, path: str) -> None:
    """One logged-in request of ``path`` with a long timeout (the run's first load)."""
    with httpx.Client(base_url=base, timeout=1800, follow_redirects=False) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        client.post(
            "/login",
            data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        r = client.get(path)
        assert r.status_code == 200, (r.status_code, r.text[:300])


async def _user(
    base: str,
    paths: list[str],
    stop: dict[str, Any],
    lat: list[float],
    errors: list[str],
    think: float,
    login: bool,
) -> None:
    limits = httpx.Limits(max_connections=1)
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=120, follow_redirects=False
    ) as client:
        try:
            if login:
                await _login(client)
        except (httpx.HTTPError, AssertionError) as exc:
            errors.append(f"login {type(exc).__name__}: {exc}")
            stop["ready"] += 1
            return
        stop["ready"] += 1
        rng = random.Random(id(client))
        await stop["go"].wait()
        while stop["left"] > 0 and time.perf_counter() < stop["until"]:
            stop["left"] -= 1
            path = rng.choice(paths)
            t0 = time.perf_counter()
            try:
                r = await client.get(path)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {path}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {path}")
            lat.append(time.perf_counter() - t0)
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))


async def load(
    base: str,
    paths: list[str],
    *,
    users: int,
    requests: int,
    duration: float,
    think: float,
    login: bool,
    pid: int,
) -> dict[str, Any]:
    lat: list[float] = []
    errors: list[str] = []
    stop: dict[str, Any] = {
        "left": requests,
        "until": float("inf"),
        "go": asyncio.Event(),
        "ready": 0,
    }
    tasks = [
        asyncio.create_task(_user(base, paths, stop, lat, errors, think, login))
        for _ in range(users)
    ]
    while stop["ready"] < users:  # every user logs in first (argon2 is slow on purpose)
        await asyncio.sleep(0.05)
    print(f"  {users} users ready ({len(errors)} failed to log in)", flush=True)
    t0 = time.perf_counter()
    server0, client0 = cpu_seconds(pid), time.process_time()
    stop["until"] = t0 + duration
    stop["go"].set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    server_cpu, client_cpu = cpu_seconds(pid) - server0, time.process_time() - client0
    lat.sort()
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [lat[0]] * 99
    return {
        "n": len(lat),
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "errors": errors,
        "rps": len(lat) / wall,
        "server_cpu_ms": server_cpu / max(1, len(lat)) * 1e3,
        "client_cpu_ms": client_cpu / max(1, len(lat)) * 1e3,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=2000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--think", type=float, default=0.0, help="mean think time per user in seconds")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--store", type=Path, help="reuse a store built earlier (copied first)")
    ap.add_argument(
        "--index",
        action="store_true",
        help="obsolete (migration 050 creates the firm indexes); does nothing",
    )
    ap.add_argument(
        "--small",
        action="store_true",
        help="build with generate_city (all departments; slow beyond a few thousand firms)",
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fh-bench-web-") as tmp:
        store_path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        if args.store:
            shutil.copyfile(args.store, store_path)
            city = reuse(store_path, index=args.index)
        else:
            city = build(store_path, args.firms, small=args.small, index=args.index)
        built = time.perf_counter() - t0
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = args.port or s.getsockname()[1]
        proc = start_server(store_path, port)
        base = f"http://127.0.0.1:{port}"
        try:
            run = city["runs"][-1]
            firm_paths = [f"/firms/{c}?run={run}" for c in city["codes"]]
            # warm the run cache once (a run is loaded and indexed once per process)
            t_warm = time.perf_counter()
            print("warming the run cache (first firm page) …", flush=True)
            warm(base, firm_paths[0])
            city["timings"]["first_page"] = time.perf_counter() - t_warm
            base_res = asyncio.run(
                load(
                    base,
                    ["/healthz"],
                    users=args.users,
                    requests=args.requests,
                    duration=args.duration,
                    think=args.think,
                    login=False,
                    pid=proc.pid,
                )
            )
            firm_res = asyncio.run(
                load(
                    base,
                    firm_paths,
                    users=args.users,
                    requests=args.requests,
                    duration=args.duration,
                    think=args.think,
                    login=True,
                    pid=proc.pid,
                )
            )
        finally:
            proc.terminate()
            proc.wait(timeout=20)

    print("Fenghuang web benchmark — 模拟数据 (synthetic)")
    print(
        f"{len(city['codes']):,} firms, {args.users} concurrent users, closed loop, think {args.think:g}s, ≤{args.requests} requests or {args.duration:g}s"
    )
    print(f"data: {city['source']}")
    tm = city["timings"]
    extra = f", store opened (migrations) {tm['index']:.1f}s" if "index" in tm else ""
    print(
        f"built in {built:.1f}s (generate {tm['generate']:.1f}s, import {tm['import']:.1f}s,"
        f" evaluate {tm['evaluate']:.1f}s{extra});"
        f" first firm page {tm['first_page']:.1f}s (loads and indexes the run); {city['rows']:,} rows imported,"
        f" {len(city['codes']):,} firms in the run, {city['rated']:,} rated; method {METHOD}"
    )
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()},"
        f" uvicorn 1 worker ({_impl('httptools', 'h11')}, {_impl('uvloop', 'asyncio')} loop), loopback"
    )
    print()
    for name, res in (("baseline /healthz", base_res), ("firm page /firms/{code}", firm_res)):
        print(
            f"  {name:26s} n={res['n']:6d}  p50 {res['p50'] * 1e3:7.1f} ms  p95 {res['p95'] * 1e3:7.1f} ms"
            f"  p99 {res['p99'] * 1e3:7.1f} ms  {res['rps']:7.1f} req/s  errors {len(res['errors'])}"
        )
    print()
    for name, res in (("baseline /healthz", base_res), ("firm page /firms/{code}", firm_res)):
        print(
            f"  {name:26s} CPU per request: server {res['server_cpu_ms']:.1f} ms,"
            f" load generator {res['client_cpu_ms']:.1f} ms"
        )
    print(f"  load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"  firm page / baseline: p50 {firm_res['p50'] / base_res['p50']:.1f}×, p95 {firm_res['p95'] / base_res['p95']:.1f}×"
    )
    aim = firm_res["p95"] <= 0.150 and not firm_res["errors"]
    print(f"  aim p95 ≤ 150 ms and no errors: {'met' if aim else 'NOT met'}")
    if firm_res["errors"]:
        print("  first errors:", firm_res["errors"][:5])
    return 0


if __name__ == "__main__":
    sys.exit(main())
