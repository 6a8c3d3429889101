"""``fenghuang index`` on the shipped ASEM example and on user CSV files."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from fenghuang.cli import main


def test_index_example_asem(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "--example", "asem"]) == 0
    out = capsys.readouterr().out
    assert "CHE" in out and "68.38" in out and "Switzerland" in out
    assert "Conn" in out and "Sust" in out
    assert out.index("CHE") < out.index("NLD") < out.index("RUS")
    # every unit is listed with COINr's published Index values and ranks
    rows = {
        cells[2]: (int(cells[1]), cells[4])
        for ln in out.splitlines()
        if (cells := [c.strip() for c in ln.split("│")]) and len(cells) > 4 and cells[1].isdigit()
    }
    assert len(rows) == 51
    published = {"CHE": "68.38", "NLD": "64.82", "DNK": "64.80", "NOR": "64.47"}
    published |= {"BEL": "63.54", "SWE": "63.00"}
    for rank, (code, index) in enumerate(published.items(), start=1):
        assert rows[code] == (rank, index)
    assert rows["IND"] == (45, "39.79")
    assert sorted(r for r, _ in rows.values()) == list(range(1, 52))


def test_index_user_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = resources.files("fenghuang.engine.examples")
    for name in ("ASEM_iData.csv", "ASEM_iMeta.csv"):
        with resources.as_file(root / name) as p:
            shutil.copy(p, tmp_path / name)
    args = ["index", "--data", str(tmp_path / "ASEM_iData.csv")]
    args += ["--meta", str(tmp_path / "ASEM_iMeta.csv"), "--normalise", "percentile"]
    assert main(args) == 0
    out = capsys.readouterr().out
    # COINr's percentile-rank variant puts DNK second and PRT 17th
    lines = [ln for ln in out.splitlines() if "DNK" in ln]
    assert lines and lines[0].split("│")[1].strip() == "2"


def test_index_bad_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "d.csv").write_text("uCode,x,y\nA,1,2\nB,abc,3\nC,3,1\n", encoding="utf-8")
    (tmp_path / "m.csv").write_text(
        "iCode,Direction,Weight,Parent,Type\nx,1,1,I,Indicator\ny,1,1,I,Indicator\n"
        "I,1,1,,Aggregate\n",
        encoding="utf-8",
    )
    code = main(["index", "--data", str(tmp_path / "d.csv"), "--meta", str(tmp_path / "m.csv")])
    assert code == 2
    err = capsys.readouterr().err
    assert "E-ENGINE-NON-NUMERIC" in err and "d.csv" in err
