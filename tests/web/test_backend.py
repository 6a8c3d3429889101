"""The seam to other parts: rows from any table-like result, ids, keyword filtering."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pytest

from fenghuang.errors import FenghuangError
from fenghuang.web.services.backend import api, call, has_api, pick, records, run_id_of, table_of
from fenghuang.web.services.results import normalise_row


@dataclass
class Row:
    credit_code: str
    score: float


def test_records_from_every_shape():
    expected = [{"credit_code": "a", "score": 1.0}]
    assert records(pa.table({"credit_code": ["a"], "score": [1.0]})) == expected
    assert records(pd.DataFrame(expected)) == expected
    assert records([Row("a", 1.0)]) == expected
    assert records(expected) == expected
    assert records(None) == []


def test_ids_tables_and_keywords():
    assert run_id_of("r1") == "r1"
    assert run_id_of(Row("x", 0)) == str(Row("x", 0))
    assert run_id_of({"run_id": "r2"}) == "r2"

    class Run:
        run_id = "r3"
        moved = (1,)

    assert run_id_of(Run()) == "r3"
    assert table_of(Run(), "moved") == (1,) and table_of([2], "moved") == [2]

    def f(store, *, year, status):
        return (store, year, status)

    assert call(f, "s", year=1, status="ok", actor="x", note="n") == ("s", 1, "ok")
    assert pick({"a": None, "b": 2}, "a", "b") == 2


def test_missing_api_is_a_clear_error():
    assert not has_api("evaluation", "no_such_function")
    with pytest.raises(FenghuangError) as err:
        api("evaluation", "no_such_function")
    assert err.value.code == "E-WEB-NOT-AVAILABLE" and "no_such_function" in str(err.value)


def test_normalise_row_accepts_synonyms():
    r = normalise_row(
        {"code": "X", "firm_name": "甲", "class": "B", "total_score": 3, "pool": "p", "rank": 2}
    )
    assert (r["credit_code"], r["name"], r["class_"], r["score"], r["pool"], r["rank"]) == (
        "X",
        "甲",
        "B",
        3.0,
        "p",
        2,
    )
