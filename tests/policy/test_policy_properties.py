"""Property tests: bills are non-negative, finite and monotone in consumption."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.policy import PolicySet, compute_bills

LABELS = ["A", "B", "C", "C−", "D", "参照B", "T"]
use = st.one_of(st.none(), st.floats(min_value=0, max_value=1e10, allow_nan=False))
firm = st.tuples(st.sampled_from(LABELS), use, use, use, st.integers(0, 6))


def _tables(rows: list[tuple[str, float | None, float | None, float | None, int]]):
    codes = [f"F{i}" for i in range(len(rows))]
    results = pa.table(
        {
            "credit_code": codes,
            "class_final": [r[0] for r in rows],
            "rated": [r[0] not in ("参照B", "T") for r in rows],
        }
    )
    facts = pa.table(
        {
            "credit_code": codes,
            "electricity_kwh": pa.array([r[1] for r in rows], pa.float64()),
            "water_m3": pa.array([r[2] for r in rows], pa.float64()),
            "gas_m3": pa.array([r[3] for r in rows], pa.float64()),
        }
    )
    return results, facts, np.array([r[4] for r in rows], dtype=np.int64)


@settings(max_examples=60, deadline=None)
@given(st.lists(firm, min_size=1, max_size=30))
def test_bills_non_negative_and_finite(example_policies: PolicySet, rows: list) -> None:
    results, facts, years = _tables(rows)
    bills = compute_bills(results, facts, example_policies, consecutive_d=years)
    amounts = bills.column("amount").to_numpy()
    assert bills.column("amount").null_count == 0
    assert np.isfinite(amounts).all()
    assert (amounts >= 0).all()
    # a flagged line is never charged
    missing = bills.column("missing").to_numpy(zero_copy_only=False)
    assert (amounts[missing] == 0).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(firm, min_size=1, max_size=20),
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=60, max_size=60),
    st.integers(0, 3),
)
def test_bills_monotone_in_consumption_and_years(
    example_policies: PolicySet, rows: list, more: list[float], extra_years: int
) -> None:
    results, facts, years = _tables(rows)
    bigger = []
    for i, r in enumerate(rows):
        grown = [None if v is None else v + more[3 * i + j] for j, v in enumerate(r[1:4])]
        bigger.append((r[0], *grown, r[4]))
    _, facts2, _ = _tables(bigger)
    a = compute_bills(results, facts, example_policies, consecutive_d=years)
    b = compute_bills(results, facts2, example_policies, consecutive_d=years + extra_years)
    assert a.select(["credit_code", "item"]).equals(b.select(["credit_code", "item"]))
    assert (b.column("amount").to_numpy() >= a.column("amount").to_numpy()).all()
