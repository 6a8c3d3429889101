"""Firm-year sums are exact and the same in every call (not a thread-order float sum).

A file sorted by month puts each firm's twelve rows in twelve different row
groups, so DuckDB's parallel aggregate adds them in the order its threads
meet them. With a plain double sum a third of the firms of such a file of
200,000 firms changed their last bits from one ``firm_facts`` call to the
next, so the facts shown, exported and scored changed. The sums must be the exact sums of the values rounded to
1/``SUM_SCALE`` (the double nearest to the decimal total), in any order.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from fenghuang.errors import WarehouseError
from fenghuang.warehouse import Store, firm_facts
from fenghuang.warehouse._facts import SUM_LIMIT, SUM_SCALE
from fenghuang.warehouse._rows import insert_long, record_import

FIRMS = 40_000
YEAR = 2023


def _tax_rows(codes: list[str], months: np.ndarray, values: np.ndarray) -> pa.Table:
    """Monthly tax values of ``YEAR`` in ``insert_long``'s long form, one row each, in file order."""
    n = len(codes)
    return pa.table(
        {
            "sheet": pa.array([""] * n, pa.string()),
            "row_no": pa.array(np.arange(2, n + 2), pa.int64()),
            "credit_code": pa.array(codes, pa.string()),
            "year": pa.array(np.full(n, YEAR), pa.int16()),
            "month": pa.array(months, pa.int8()),
            "value": pa.array(values, pa.float64()),
            "field": pa.array(["tax_paid"] * n, pa.string()),
            "unit": pa.array(["元"] * n, pa.string()),
        }
    )


def _import(store: Store, rows: pa.Table) -> None:
    """``rows`` as the one import of ``store`` (a tax file), as an import writes them."""
    n = rows.num_rows
    with store.transaction():
        insert_long(store, 1, rows)
        record_import(store, 1, "a" * 64, "税务_按月.csv", "tax", (n, n, 0))


def _month_sorted(seed: int) -> pa.Table:
    """FIRMS × 12 monthly tax values in cents and in ten-thousandths, sorted by month."""
    rng = np.random.default_rng(seed)
    codes = [f"91360300M{i:08d}X" for i in range(FIRMS)]
    n = FIRMS * 12
    cents = rng.integers(1, 10**9, n) / 100
    fine = rng.integers(1, 10**10, n) / 10**4
    value = np.where(rng.random(n) < 0.5, cents, fine)
    return _tax_rows(codes * 12, np.repeat(np.arange(1, 13), FIRMS), value)


def test_sums_are_exact_and_equal_in_every_call(tmp_path: Path) -> None:
    rows = _month_sorted(seed=7)
    store = Store(tmp_path / "fh.duckdb")
    _import(store, rows)
    store.execute("SET threads = 2")

    exact: dict[str, Fraction] = {}
    for code, v in zip(
        rows.column("credit_code").to_pylist(), rows.column("value").to_pylist(), strict=True
    ):
        exact[code] = exact.get(code, Fraction(0)) + round(v * SUM_SCALE)
    want = {code: float(total / SUM_SCALE) for code, total in exact.items()}

    first = None
    for _ in range(3):
        got = firm_facts(store, YEAR).sort_by("credit_code")
        codes = got.column("credit_code").to_pylist()
        values = got.column("tax_paid").to_pylist()
        wrong = [(c, v, want[c]) for c, v in zip(codes, values, strict=True) if v != want[c]]
        assert not wrong, f"{len(wrong)} firms off the exact sum, e.g. {wrong[:3]}"
        if first is None:
            first = got
        assert got.equals(first)
    store.close()


def _one_value_per_firm(values: list[float]) -> pa.Table:
    codes = [f"91360300M{i:08d}X" for i in range(len(values))]
    return _tax_rows(codes, np.ones(len(values)), np.asarray(values))


def test_a_value_with_at_most_four_decimals_is_its_own_sum(tmp_path: Path) -> None:
    """One value per firm: the fact is the value itself, bit for bit (no drift from scaling)."""
    values = [0.1, 1e-4, 81150.45, 17.3005, 123456789.1234, 9.9999e11, -2.5, 0.0]
    rows = _one_value_per_firm(values)
    with Store(tmp_path / "fh.duckdb") as store:
        _import(store, rows)
        got = firm_facts(store, YEAR).sort_by("credit_code")
    assert got.column("tax_paid").to_pylist() == values


def test_parcel_areas_keep_six_decimals(tmp_path: Path) -> None:
    """Land is summed to 1e-6 亩: two parcels of 8.359995 and 0.000001 亩 make 8.359996."""
    with Store(tmp_path / "fh.duckdb") as store:
        with store.transaction():
            store.execute(
                "insert into imports(import_id, import_key, file_name, department, rows_read, "
                "rows_loaded, rows_rejected) values (?, 1, '地块.xlsx', 'land', 2, 2, 0)",
                ["c" * 64],
            )
            for row, area in ((2, 8.359995), (3, 0.000001)):
                store.execute(
                    "insert into parcels (import_id, sheet, row_no, credit_code, parcel_id, "
                    "area, tenure, year) values (?, '', ?, ?, ?, ?, 'own', ?)",
                    ["c" * 64, row, "91360300M00000001X", f"P{row}", area, YEAR],
                )
        got = firm_facts(store, YEAR)
    assert got.column("land_own").to_pylist() == [8.359996]


@pytest.mark.parametrize(
    "engine", ["duckdb", pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow])]
)
def test_a_value_too_large_to_sum_exactly_is_a_clear_error(tmp_path: Path, engine: str) -> None:
    if engine == "spark":
        pytest.importorskip("pyspark.sql")
    with Store(tmp_path / "fh.duckdb") as store:
        _import(store, _one_value_per_firm([1.0, SUM_LIMIT * 100]))
        with pytest.raises(WarehouseError) as err:
            firm_facts(store, YEAR, engine=engine)
    assert err.value.code == "E-FACT-RANGE"
    assert "无法精确求和" in err.value.message("zh") and "max" in err.value.message("en")
