"""``fenghuang demo-data``: thin over generate_city / stream_city; deterministic."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from fenghuang.cli import main
from fenghuang.cli._synthetic import parse_years
from fenghuang.errors import InputError


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_demo_data_writes_the_city_and_says_what(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["demo-data", "--city", "pingxiang", "--firms", "40", "--seed", "3"]
    assert main([*args, "--out", str(tmp_path / "a"), "--years", "2022-2023"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "模拟数据" in out and "40 家企业" in out
    assert "模拟数据_税务局_2023年分月分税种入库明细.csv" in out
    assert "injected faults" in out and "check_char" in out
    assert (tmp_path / "a" / "truth" / "模拟数据_faults.json").is_file()
    assert main([*args, "--out", str(tmp_path / "b"), "--years", "2022-2023"]) == 0
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_demo_data_streams_benchmark_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["demo-data", "--firms", "500", "--out", str(tmp_path), "--format", "stream"]
    assert main([*argv, "--years", "2023"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "6,000" in out  # 500 firms × 12 months
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "模拟数据_税务_月报_2023.csv" in names and "模拟数据_供电_月报_2023.parquet" in names
    assert main([*argv, "--years", "2023", "--format", "parquet", "--fault-rate", "0.01"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "E-ROW-CREDIT-CODE-CHECK 60" in out


def test_demo_data_refuses_bad_years(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo-data", "--years", "twenty"]) == 2
    assert "E-SYNTHETIC-ARGS" in capsys.readouterr().err


def test_parse_years() -> None:
    assert parse_years("2021-2023") == (2021, 2022, 2023)
    assert parse_years("2023") == (2023,)
    assert parse_years("2023,2021") == (2021, 2023)
    with pytest.raises(InputError):
        parse_years("2023-2021")
