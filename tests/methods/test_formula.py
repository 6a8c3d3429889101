"""The formula language: arithmetic, missing values, three-valued logic, safety."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import fenghuang.methods as methods
from fenghuang.methods import compile_formula
from fenghuang.methods._formula import _Problems, condition

K = {"a": "num", "b": "num", "s": "str", "d": "date"}
nan = np.nan


def ev(text: str, **cols: object) -> np.ndarray:
    n = len(next(iter(cols.values())))  # type: ignore[arg-type]
    arrs = {k: np.asarray(v, dtype=object if k == "s" else None) for k, v in cols.items()}
    return compile_formula(text, K).evaluate(arrs, n=n)


def test_arithmetic_and_division_by_zero_is_missing() -> None:
    out = ev("a / b * 2 - 1", a=[4.0, 1.0, nan], b=[2.0, 0.0, 1.0])
    assert out[0] == 3.0 and np.isnan(out[1]) and np.isnan(out[2])
    assert np.isnan(ev("a ** b", a=[-8.0], b=[0.5]))[0]  # complex → missing


def test_total_coalesce_min_max_where() -> None:
    a, b = [1.0, nan, nan], [2.0, 3.0, nan]
    np.testing.assert_array_equal(ev("total(a, b)", a=a, b=b), [3.0, 3.0, nan])
    np.testing.assert_array_equal(ev("coalesce(a, b, 0)", a=a, b=b), [1.0, 3.0, 0.0])
    assert np.isnan(ev("max(a, b)", a=a, b=b)[1])  # missing if any is missing
    np.testing.assert_array_equal(ev("where(a > 0, a, 0)", a=[5.0, -1.0], b=[0.0, 0.0]), [5, 0])
    np.testing.assert_array_equal(ev("a if a > 0 else b", a=[5.0, -1.0], b=[7.0, 9.0]), [5, 9])


def test_three_valued_logic_and_conditions() -> None:
    a = np.asarray([1.0, 0.0, nan, nan])
    b = np.asarray([nan, nan, 0.0, 1.0])
    f = compile_formula("a or b", K)
    np.testing.assert_array_equal(f.evaluate({"a": a, "b": b}, n=4), [1.0, nan, nan, 1.0])
    g = compile_formula("a and b", K)
    np.testing.assert_array_equal(g.evaluate({"a": a, "b": b}, n=4), [nan, 0.0, 0.0, nan])
    # a condition that is missing is false — and so is its negation
    land = {"a": np.asarray([nan, 5.0]), "b": np.zeros(2)}
    assert condition(compile_formula("a > 0", K), land, n=2).tolist() == [False, True]
    assert condition(compile_formula("not (a > 0)", K), land, n=2).tolist() == [False, False]
    assert condition(compile_formula("not (coalesce(a, 0) > 0)", K), land, n=2).tolist() == [
        True,
        False,
    ]


def test_strings_dates_prefix_isin() -> None:
    s = np.asarray(["1311", None, "3411"], dtype=object)
    out = compile_formula("prefix(s, 2)", K).evaluate({"s": s}, n=3)
    assert out.tolist() == ["13", None, "34"]
    isin = compile_formula("isin(s, '1311', '9999')", K).evaluate({"s": s}, n=3)
    np.testing.assert_array_equal(isin, [1.0, nan, 0.0])
    d = np.asarray(["2021-06-30", "NaT"], dtype="datetime64[D]")
    yr = compile_formula("2023 - year_of(d)", K).evaluate({"d": d}, n=2)
    np.testing.assert_array_equal(yr, [2.0, nan])
    eq = compile_formula("s == '3411'", K).evaluate({"s": s}, n=3)
    np.testing.assert_array_equal(eq, [0.0, nan, 1.0])


def test_prev_reads_the_previous_year() -> None:
    f = compile_formula("a - prev(a)", K)
    assert f.prev_names == {"a"}
    cur = {"a": np.asarray([5.0, 7.0])}
    out = f.evaluate(cur, n=2, prev={"a": np.asarray([2.0, nan])})
    np.testing.assert_array_equal(out, [3.0, nan])
    assert np.isnan(f.evaluate(cur, n=2)).all()  # no previous year: missing


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os')", "not allowed"),
        ("a.real", "syntax not allowed"),
        ("[a]", "syntax not allowed"),
        ("lambda: 1", "syntax not allowed"),
        ("max(a, key=b)", "keyword"),
        ("s + 1", "needs a num"),
        ("aa + 1", "did you mean 'a'"),
        ("a +", "syntax error"),
    ],
)
def test_rejected(text: str, fragment: str) -> None:
    with pytest.raises(_Problems) as ei:
        compile_formula(text, K)
    assert any(fragment in p.en for p in ei.value.problems), ei.value.problems


@given(
    a=arrays(np.float64, 20, elements=st.floats(allow_nan=True, allow_infinity=True)),
    b=arrays(np.float64, 20, elements=st.floats(allow_nan=True, allow_infinity=True)),
)
def test_never_inf(a: np.ndarray, b: np.ndarray) -> None:
    for text in ("a / b", "a * b - b / a", "a ** 2 / (b - b)", "total(a, b) / coalesce(b, 0)"):
        out = compile_formula(text, K).evaluate({"a": a, "b": b}, n=20)
        assert not np.isinf(out).any()


def test_exports() -> None:
    expected = {
        "FIELD_KINDS", "FUNCTIONS", "Adjustment", "BenchmarkStat", "ClassRule", "Derived",
        "Formula", "Indicator", "Item", "Meta", "Method", "MethodInfo", "NotRated", "PolicySet",
        "Pool", "Provisional", "Source", "Veto", "compile_formula", "list_methods",
        "load_method", "method_sha256", "method_text", "parse_method",
        # the city-index kind and the key-path -> line mapping
        "KINDS", "AnyMethod", "MethodKind", "CityIndexMethod", "IndexDimension", "IndexIndicator",
        "IndexPillar", "IndexRule", "KeyPath", "key_lines", "locate",
    }  # fmt: skip
    assert set(methods.__all__) == expected
    assert all(hasattr(methods, n) for n in methods.__all__)
