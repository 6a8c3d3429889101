"""Consecutive years in class D, and aligning earlier years by credit code."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.errors import InputError
from fenghuang.policy import align_classes, consecutive_d_years


def test_counts_and_resets() -> None:
    current = ["D", "D", "D", "C", "D", None]
    earlier = {
        2022: ["D", "D", "C", "D", None, "D"],
        2021: ["D", "B", "D", "D", "D", "D"],
        2020: ["D", "D", "D", "D", "D", "D"],
    }
    got = consecutive_d_years(current, earlier, year=2023)
    # firm 0: D in 2023, 2022, 2021, 2020 → 4
    # firm 1: D 2023, 2022, then B → 2
    # firm 2: D 2023, C in 2022 → reset, 1
    # firm 3: C this year → 0
    # firm 4: not evaluated in 2022 (None) ends the run → 1
    # firm 5: no class this year → 0
    assert got.tolist() == [4, 2, 1, 0, 1, 0]
    assert got.dtype == np.int64


def test_a_missing_year_ends_the_run() -> None:
    # 2022 is absent: counting back from 2023 stops at once
    assert consecutive_d_years(["D"], {2021: ["D"]}, year=2023).tolist() == [1]
    # without year=, counting starts at the latest year given and stops at the gap
    assert consecutive_d_years(["D"], {2022: ["D"], 2020: ["D"]}).tolist() == [2]
    assert consecutive_d_years(["D", "A"], {}).tolist() == [1, 0]


def test_other_label_and_arrow_inputs() -> None:
    cur = pa.chunked_array([["C−", "C−"], ["C"]])
    earlier = {2022: pa.array(["C−", "C", "C−"]).dictionary_encode()}
    assert consecutive_d_years(cur, earlier, year=2023, label="C−").tolist() == [2, 1, 0]
    assert consecutive_d_years(np.array(["D", "B"], dtype=object), {}).tolist() == [1, 0]


def test_misaligned_year_is_an_error() -> None:
    with pytest.raises(InputError) as err:
        consecutive_d_years(["D", "D"], {2022: ["D"]}, year=2023)
    assert err.value.context["field"] == "earlier_classes_by_year[2022]"
    with pytest.raises(InputError):
        consecutive_d_years([1, 2], {})


def test_align_classes_by_credit_code() -> None:
    got = align_classes(["X1", "X2", "X3"], ["X3", "X1", "X9"], ["D", "C", "A"])
    assert got.to_pylist() == ["C", None, "D"]
    years = consecutive_d_years(["D", "D", "D"], {2022: got}, year=2023)
    assert years.tolist() == [1, 1, 2]


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.sampled_from(["A", "C", "D", None]), min_size=n, max_size=n),
            st.dictionaries(
                st.integers(2015, 2022),
                st.lists(st.sampled_from(["A", "C", "D", None]), min_size=n, max_size=n),
                max_size=6,
            ),
        )
    )
)
def test_equals_counting_firm_by_firm(case: tuple[list[str | None], dict[int, list]]) -> None:
    current, earlier = case
    got = consecutive_d_years(current, earlier, year=2023).tolist()
    for i, cls in enumerate(current):
        want, y = (1, 2022) if cls == "D" else (0, None)
        while y is not None and y in earlier and earlier[y][i] == "D":
            want, y = want + 1, y - 1
        assert got[i] == want
