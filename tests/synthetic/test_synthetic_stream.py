"""stream_city: the benchmark's monthly files, chunk by chunk, in bounded memory."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.errors import InputError
from fenghuang.sources import is_valid_credit_code, read_source
from fenghuang.synthetic import stream_city
from fenghuang.synthetic._population import org_codes
from fenghuang.synthetic._stream import credit_codes
from fenghuang.warehouse import Store, firm_facts, import_files


def test_stream_writes_register_and_three_monthly_sources(tmp_path: Path) -> None:
    m = stream_city(tmp_path, firms=250, chunk=100, year=2023)
    assert m.rows == 3000 and sorted(m.csv) == sorted(m.parquet) == ["power", "social", "tax"]
    for source, path in m.csv.items():
        batch = read_source(path)
        assert batch.department == ("power" if source == "power" else "tax")
        assert batch.n_rows == 3000 and batch.rejects.num_rows == 0
        pbatch = read_source(m.parquet[source])
        assert pbatch.n_rows == 3000
        field = {"tax": "tax_paid", "power": "electricity_kwh", "social": "social_insurance"}[
            source
        ]
        csv_total = sum(batch.rows.column(field).to_pylist())
        pq_total = sum(pbatch.rows.column(field).to_pylist())
        assert csv_total == pytest.approx(pq_total, rel=1e-12) and csv_total > 0
        assert path.name.startswith("模拟数据_") and m.parquet[source].name.startswith("模拟数据_")
    reg = read_source(m.register)
    assert reg.department == "registry" and reg.n_rows == 250
    codes = reg.rows.column("credit_code").to_pylist()
    assert len(set(codes)) == 250 and all(is_valid_credit_code(c) for c in codes)


def test_streamed_files_import_into_firm_year_facts(tmp_path: Path) -> None:
    m = stream_city(tmp_path / "s", firms=120, chunk=50)
    with Store(tmp_path / "fh.duckdb") as store:
        import_files(store, [m.register, *m.csv.values()])
        facts = firm_facts(store, 2023)
    assert facts.num_rows == 120
    assert all(v is not None and v > 0 for v in facts.column("tax_paid").to_pylist())
    assert all(v is not None and v > 0 for v in facts.column("electricity_kwh").to_pylist())


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    a = stream_city(tmp_path / "a", firms=300, chunk=120, seed=4)
    b = stream_city(tmp_path / "b", firms=300, chunk=120, seed=4)
    for k in a.csv:
        assert a.csv[k].read_bytes() == b.csv[k].read_bytes()
        assert (
            hashlib.sha256(a.parquet[k].read_bytes()).digest()
            == hashlib.sha256(b.parquet[k].read_bytes()).digest()
        )


def test_bad_stream_arguments(tmp_path: Path) -> None:
    for kwargs in ({"firms": 0}, {"chunk": 0}, {"formats": ("xls",)}):
        with pytest.raises(InputError):
            stream_city(tmp_path, **kwargs)  # type: ignore[arg-type]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(0, 31**7 - 1), min_size=1, max_size=50, unique=True),
    st.sampled_from(["360302", "360313", "360321", "360322", "360323", "360300"]),
)
def test_vectorised_credit_codes_are_valid_distinct_and_match_the_scalar_ones(
    index: list[int], division: str
) -> None:
    idx = np.asarray(index)
    codes = credit_codes(idx, np.asarray([division] * len(index))).to_pylist()
    assert all(is_valid_credit_code(c) and c[2:8] == division for c in codes)
    assert len(set(codes)) == len(codes)
    assert codes == org_codes(idx, np.asarray([division] * len(index)))


_PEAK = """
import json, resource, sys
from fenghuang.synthetic import stream_city
stream_city(sys.argv[1], firms=int(sys.argv[2]), chunk=10_000)
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
"""


def _peak_mb(out: Path, firms: int) -> float:
    res = subprocess.run(
        [sys.executable, "-c", _PEAK, str(out), str(firms)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(json.loads(res.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
def test_peak_memory_is_bounded_by_the_chunk_not_the_firms(tmp_path: Path) -> None:
    small = _peak_mb(tmp_path / "small", 10_000)
    big = _peak_mb(tmp_path / "big", 50_000)  # 1.8 million monthly rows
    rows = 50_000 * 12
    size = sum(p.stat().st_size for p in (tmp_path / "big").iterdir()) / 1e6
    print(f"peak RSS: 10,000 firms {small:.0f} MB; 50,000 firms {big:.0f} MB; files {size:.0f} MB")
    assert pq.read_metadata(next((tmp_path / "big").glob("*税务*.parquet"))).num_rows == rows
    assert big < small + 40, (small, big)  # five times the rows, (almost) the same memory
    assert big - small < size / 4, (small, big, size)  # growth far below the data written


def test_stream_faults_are_quarantined_with_their_codes(tmp_path: Path) -> None:
    m = stream_city(tmp_path / "s", firms=200, chunk=80, fault_rate=0.01)
    clean = stream_city(tmp_path / "c", firms=200, chunk=80)
    assert clean.faults["tax"] == {"E-ROW-CREDIT-CODE-CHECK": 0, "E-ROW-DUPLICATE": 0}
    for source, path in m.csv.items():
        counts = m.faults[source]
        n = counts["E-ROW-CREDIT-CODE-CHECK"]
        assert n == counts["E-ROW-DUPLICATE"] == 10 + 10 + 5  # 1 % of 960, 960 and 480 rows
        batch = read_source(path)
        got = batch.rejects.column("code").to_pylist()
        assert got.count("E-ROW-CREDIT-CODE-CHECK") == n and got.count("E-ROW-DUPLICATE") == n
        assert len(got) == 2 * n
        assert batch.n_rows == 2400 - n
        assert read_source(m.parquet[source]).n_rejected_rows == 2 * n
