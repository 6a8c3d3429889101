"""Web benchmark: concurrent users browsing firm pages over loopback.

Run: ``nice .venv/bin/python bench/web.py [--firms 100000] [--users 50] [--requests 5000] [--duration 60]``

All data are 模拟数据 (synthetic). The script builds a store with ``--firms``
evaluated firms (through ``fenghuang.synthetic`` / ``warehouse`` /
``evaluation`` when they provide their public functions; otherwise through
the contract stand-in of ``tests/web/contract_double.py``, and says so),
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


def build(store_path: Path, firms: int) -> dict[str, Any]:
    """Create the evaluated city and one analyst account per ``users``."""
    from fenghuang.warehouse import Store
    from fenghuang.web import create_user
    from fenghuang.web.services.demo import mark_synthetic

    sys.path.insert(0, str(ROOT / "tests" / "web"))
    import contract_double  # type: ignore[import-not-found]

    store = Store(store_path)
    mark_synthetic(store)
    if contract_double.needed():
        import pytest

        mp = pytest.MonkeyPatch()
        contract_double.install(mp)
        codes = contract_double.build_city(store, firms=firms)
        runs = [contract_double.run_evaluation(store, "pingxiang-2023", y) for y in (2022, 2023)]
        source = "contract stand-in (tests/web/contract_double.py)"
    else:
        from city_builder import build_demo_city  # type: ignore[import-not-found]

        info = build_demo_city(store, store_path.parent, firms=firms)
        codes, runs = info["codes"], info["runs"]
        source = "fenghuang.synthetic → warehouse.import_files → evaluation.run_evaluation"
    create_user(store, username="bench", password=PASSWORD, role="analyst", replace=True)
    store.close()
    return {"codes": codes, "runs": runs, "source": source}


SERVER = """
import sys
sys.path.insert(0, {tests!r})
import contract_double, pytest, uvicorn
if contract_double.needed():
    contract_double.install(pytest.MonkeyPatch())
from fenghuang.web import Settings, create_app
app = create_app(Settings(store_path={store!r}, synthetic=True))
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning", access_log=False)
"""


def start_server(store_path: Path, port: int) -> subprocess.Popen[bytes]:
    code = SERVER.format(tests=str(ROOT / "tests" / "web"), store=str(store_path), port=port)
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
        base_url=base, limits=limits, timeout=30, follow_redirects=False
    ) as client:
        if login:
            await _login(client)
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
    t0 = time.perf_counter()
    stop["until"] = t0 + duration
    stop["go"].set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    lat.sort()
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [lat[0]] * 99
    return {
        "n": len(lat),
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "errors": errors,
        "rps": len(lat) / wall,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=2000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--think", type=float, default=0.0, help="mean think time per user in seconds")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fh-bench-web-") as tmp:
        store_path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        city = build(store_path, args.firms)
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
            # warm the run cache once (a run is loaded once per process)
            asyncio.run(
                load(base, firm_paths[:1], users=1, requests=1, duration=60, think=0, login=True)
            )
            base_res = asyncio.run(
                load(
                    base,
                    ["/healthz"],
                    users=args.users,
                    requests=args.requests,
                    duration=args.duration,
                    think=args.think,
                    login=False,
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
                )
            )
        finally:
            proc.terminate()
            proc.wait(timeout=20)

    print("Fenghuang web benchmark — 模拟数据 (synthetic)")
    print(
        f"{args.firms:,} firms, {args.users} concurrent users, closed loop, think {args.think:g}s, ≤{args.requests} requests or {args.duration:g}s"
    )
    print(f"data: {city['source']} (built in {built:.1f}s)")
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, uvicorn 1 worker, loopback"
    )
    print()
    for name, res in (("baseline /healthz", base_res), ("firm page /firms/{code}", firm_res)):
        print(
            f"  {name:26s} n={res['n']:6d}  p50 {res['p50'] * 1e3:7.1f} ms  p95 {res['p95'] * 1e3:7.1f} ms"
            f"  p99 {res['p99'] * 1e3:7.1f} ms  {res['rps']:7.1f} req/s  errors {len(res['errors'])}"
        )
    print()
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
