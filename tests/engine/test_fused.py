"""The fused benchmark-ratio scoring kernel against the plain formula."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from fenghuang.engine import score_benchmark
from fenghuang.errors import EngineInputError, WeightsError


def _plain(X, b, w, k, t):  # type: ignore[no-untyped-def]
    with np.errstate(divide="ignore"):
        r = np.where(np.asarray(t) > 0, X / b, b / X)
    return (np.asarray(w) * np.clip(r, 0, k)).sum(axis=1)


@pytest.mark.parametrize("types", [None, [1, -1, 1, 1, -1]])
def test_matches_plain_formula_across_blocks(types: list[int] | None) -> None:
    rng = np.random.default_rng(0)
    X = rng.lognormal(size=(40_000, 5)) - 0.1  # a few negatives, several blocks
    X[5, 2] = np.nan
    X[7, 1] = 0.0
    b = np.array([1.0, 2.0, 0.5, 1.5, 1.0])
    w = np.array([30, 20, 20, 15, 15])
    k = np.array([1.5, 2.0, 1.2, np.inf, 1.5])
    t = types if types is not None else [1] * 5
    got = score_benchmark(X, b, w, k, types)
    want = _plain(X, b, w, k, t)
    assert np.isnan(got[5]) and np.isnan(want[5])
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_scalar_benchmark_and_cap_and_floor_at_zero() -> None:
    got = score_benchmark([[2.0, -3.0], [10.0, 1.0]], 2.0, [60, 40], 1.5)
    np.testing.assert_allclose(got, [60.0, 90.0 + 20.0])


def test_non_contiguous_input_is_accepted() -> None:
    X = np.asfortranarray(np.arange(12.0).reshape(6, 2) + 1)
    np.testing.assert_allclose(score_benchmark(X, 1.0, [1, 1], 100), X.sum(axis=1))


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"benchmarks": [1.0, 0.0]}, EngineInputError, "E-ENGINE-PARAM"),
        ({"caps": -1.0}, EngineInputError, "E-ENGINE-PARAM"),
        ({"weights": [1.0, -1.0]}, WeightsError, "E-WEIGHTS-NEGATIVE"),
        ({"weights": [1.0]}, EngineInputError, "E-ENGINE-PARAM"),
    ],
)
def test_bad_parameters(kwargs: dict, error: type, code: str) -> None:  # type: ignore[type-arg]
    args = {"benchmarks": [1.0, 2.0], "weights": [1.0, 1.0], "caps": 1.5} | kwargs
    with pytest.raises(error) as exc:
        score_benchmark(np.ones((3, 2)), names=["tax", "va"], **args)
    assert exc.value.code == code


def test_docstring_examples() -> None:
    from fenghuang.engine import _fused

    assert doctest.testmod(_fused).failed == 0
