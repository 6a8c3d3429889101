"""Audit statistics against pandas/scipy and textbook formulas."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fenghuang.engine import (
    collinear_pairs,
    correlation_matrix,
    cronbach_alpha,
    indicator_stats,
)
from fenghuang.errors import EngineInputError


@pytest.fixture
def X() -> np.ndarray:
    rng = np.random.default_rng(0)
    A = np.column_stack(
        [
            rng.lognormal(size=300),
            rng.normal(size=300),
            rng.uniform(size=300),
            rng.integers(0, 5, 300).astype(float),
        ]
    )
    A[:, 2] = A[:, 0] * 3 + rng.normal(scale=0.01, size=300)  # collinear with column 0
    A[rng.random(A.shape) < 0.1] = np.nan
    return A


def test_indicator_stats_match_pandas(X: np.ndarray) -> None:
    st = indicator_stats(X)
    df = pd.DataFrame(X)
    np.testing.assert_array_equal(st.n, df.count().to_numpy())
    np.testing.assert_allclose(st.missing_share, df.isna().mean().to_numpy())
    np.testing.assert_allclose(st.mean, df.mean().to_numpy())
    np.testing.assert_allclose(st.sd, df.std().to_numpy())
    np.testing.assert_allclose(st.min, df.min().to_numpy())
    np.testing.assert_allclose(st.max, df.max().to_numpy())
    np.testing.assert_allclose(st.skew, df.skew().to_numpy())
    np.testing.assert_allclose(st.kurtosis, df.kurt().to_numpy())


def test_indicator_stats_small_and_empty_columns() -> None:
    st = indicator_stats([[1.0, np.nan, 2.0], [1.0, np.nan, np.nan]])
    assert list(st.n) == [2, 0, 1]
    assert st.sd[0] == 0 and np.isnan(st.skew[0])  # constant: no skew
    assert np.isnan(st.mean[1]) and st.missing_share[1] == 1.0
    assert st.mean[2] == 2.0 and np.isnan(st.sd[2])


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_correlation_pairwise_complete_matches_pandas(X: np.ndarray, method: str) -> None:
    got = correlation_matrix(X, method)  # type: ignore[arg-type]
    np.testing.assert_allclose(got, pd.DataFrame(X).corr(method=method).to_numpy(), atol=1e-12)


def test_correlation_complete_matches_numpy_and_scipy() -> None:
    rng = np.random.default_rng(1)
    A = rng.normal(size=(100, 5))
    np.testing.assert_allclose(correlation_matrix(A), np.corrcoef(A, rowvar=False), atol=1e-12)
    np.testing.assert_allclose(
        correlation_matrix(A, "spearman"), stats.spearmanr(A).statistic, atol=1e-12
    )
    with pytest.raises(EngineInputError, match="E-ENGINE-PARAM"):
        correlation_matrix(A, "kendall")  # type: ignore[arg-type]


def test_collinear_pairs_flag_the_planted_pair(X: np.ndarray) -> None:
    pairs = collinear_pairs(correlation_matrix(X), names=["tax", "va", "tax3", "rd"])
    assert [(p.first, p.second) for p in pairs] == [("tax", "tax3")]
    assert pairs[0].r > 0.99
    assert collinear_pairs(np.eye(3)) == []
    with pytest.raises(EngineInputError, match="E-ENGINE-SHAPE"):
        collinear_pairs(np.ones((2, 3)))


def test_cronbach_alpha_equals_covariance_form() -> None:
    rng = np.random.default_rng(2)
    latent = rng.normal(size=(200, 1))
    A = latent + rng.normal(scale=0.8, size=(200, 4))
    C = np.cov(A, rowvar=False)
    k = A.shape[1]
    expected = k / (k - 1) * (1 - np.trace(C) / C.sum())
    assert cronbach_alpha(A) == pytest.approx(expected, rel=1e-12)
    # rows with a missing value are dropped
    B = np.vstack([A, [[np.nan, 1, 2, 3]]])
    assert cronbach_alpha(B) == pytest.approx(expected, rel=1e-12)


def test_cronbach_alpha_bad_input() -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-TOO-FEW"):
        cronbach_alpha([[1.0], [2.0]])
    with pytest.raises(EngineInputError, match="E-ENGINE-ZERO-VARIANCE"):
        cronbach_alpha([[1.0, 2.0], [2.0, 1.0]])


def test_docstring_examples() -> None:
    from fenghuang.engine import _audit

    assert doctest.testmod(_audit).failed == 0
