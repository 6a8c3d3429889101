"""``fenghuang demo --no-serve`` end to end: real files, real DuckDB, real evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from fenghuang.cli import main
from fenghuang.evaluation import list_runs, load_run
from fenghuang.warehouse import Store, is_synthetic, list_imports, years
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
        for r in runs:
            assert r["run_id"] in out and r["n_firms"] == 40 and r["created_by"] == "demo"
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
    # a second demo on the same store is idempotent: files skipped, runs reused
    assert main(args) == 0
    again = " ".join(capsys.readouterr().out.split())
    assert "跳过已导入 skipped 22" in again
    with Store(store_path, read_only=True) as store:
        assert sorted(
            r["run_id"] for r in list_runs(store).to_pylist() if r["method"] == method
        ) == [f"{y}-{method}-v1" for y in (2021, 2022, 2023)]


def _tables(store: Store, run_id: str) -> list[str]:
    from fenghuang.warehouse import run_tables

    return list(run_tables(store, run_id))
