"""``fenghuang serve``: starts uvicorn on the store and prints demo accounts."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest
from browser_helpers import free_port

pytestmark = pytest.mark.slow


def test_serve_prints_accounts_and_answers(tmp_path):
    port = free_port()
    store = tmp_path / "s.duckdb"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fenghuang",
            "serve",
            "--store",
            str(store),
            "--port",
            str(port),
            "--demo-accounts",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(200):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert r.status_code == 200 and "模拟数据" in r.text
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0].decode()
    assert "analyst" in out and "admin" in out and f"http://127.0.0.1:{port}/" in out
