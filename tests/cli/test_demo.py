"""``fenghuang demo --no-serve`` end to end: real files, real DuckDB, real evaluation."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fenghuang.cli import main
from fenghuang.evaluation import list_runs, load_run
from fenghuang.warehouse import Store, firm_register, is_synthetic, list_imports, years
from fenghuang.web import list_users

pytestmark = pytest.mark.slow


def test_demo_no_serve_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_path = tmp_path / "demo" / "fh.duckdb"
    args = ["demo", "--store", str(store_path), "--firms", "40", "--no-serve"]
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.count("模拟数据") >= 6  # header, city, import, each year, accounts
    assert "40 家企业" in out
    assert "城市转型监测 city monitor" in out
    for role in ("admin", "analyst", "leader", "department", "firm"):
        assert role in out
    with Store(store_path, read_only=True) as store:
        assert years(store) == [2021, 2022, 2023]
        method = out.split("评价办法 method: ")[1].split("；")[0]
        assert method in ("pingxiang-4heroes", "huangyan-2022")
        if method == "huangyan-2022" and "pingxiang-4heroes" in out:
            assert "改用 huangyan-2022" in out  # the fallback is announced, with its reason
        runs = [r for r in list_runs(store).to_pylist() if r["method"] == method]
        assert sorted(r["run_id"] for r in runs) == [f"{y}-{method}-v1" for y in (2021, 2022, 2023)]
        founded = [f["founded"] for f in firm_register(store).to_pylist()]
        assert len(founded) == 40
        for r in runs:
            # a year's run lists the firms founded by its end (the register lists all 40)
            existing = sum(1 for d in founded if d is None or d.year <= r["year"])
            assert r["run_id"] in out and r["created_by"] == "demo"
            assert r["n_firms"] == existing
        run = load_run(store, f"2023-{method}-v1")
        assert run.synthetic and is_synthetic(store)
        assert run.results.num_rows == 40
        classes = set(run.results.column("class_final").to_pylist())
        assert {"A", "B", "C"} <= classes
        # every year after the first saw earlier classes (its context hash is set)
        assert load_run(store, f"2021-{method}-v1").context_sha256 == ""
        assert "earlier_classes" in {r for r in _tables(store, run.run_id)}
        assert list_imports(store).num_rows == 22
        users = {u.username: u for u in list_users(store)}
        assert {"admin", "analyst", "leader", "tax", "firm"} <= set(users)
        assert users["firm"].credit_code in run.results.column("credit_code").to_pylist()
    # a second demo on the same store, now serving: idempotent (files skipped, runs
    # reused), and the web app answers on the printed address
    again = _serve_demo(store_path)
    assert "跳过已导入 skipped 22" in again
    with Store(store_path, read_only=True) as store:
        assert sorted(
            r["run_id"] for r in list_runs(store).to_pylist() if r["method"] == method
        ) == [f"{y}-{method}-v1" for y in (2021, 2022, 2023)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_demo(store_path: Path) -> str:
    """Run ``fenghuang demo`` serving on a free port; GET /login; stop it. Returns its output."""
    port = _free_port()
    cmd = [sys.executable, "-m", "fenghuang", "demo", "--store", str(store_path)]
    cmd += ["--firms", "40", "--port", str(port)]
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode("utf-8", "replace")
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            if "网页地址 web address" in line:
                break
        assert f"http://127.0.0.1:{port}/" in "".join(lines), "".join(lines)
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                    assert r.status == 200
                    body = r.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.5)
        assert "login" in body.lower() or "登录" in body
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return " ".join("".join(lines).split())


def _tables(store: Store, run_id: str) -> list[str]:
    from fenghuang.warehouse import run_tables

    return list(run_tables(store, run_id))


def test_demo_refuses_a_store_with_real_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_path = tmp_path / "real.duckdb"
    with Store(store_path) as store:  # one real (not synthetic) import
        store.execute(
            "insert into imports(import_id, file_name, department) values ('x', '税务.xlsx', 'tax')"
        )
    for extra in ([], ["--fresh"]):
        args = ["demo", "--store", str(store_path), "--firms", "30", "--no-serve", *extra]
        assert main(args) == 2
        err = " ".join(capsys.readouterr().err.split())
        assert "E-DEMO-REAL-STORE" in err and "真实" in err
    with Store(store_path, read_only=True) as store:  # untouched, not deleted
        assert list_imports(store).num_rows == 1 and not is_synthetic(store)
        assert list_runs(store).num_rows == 0
