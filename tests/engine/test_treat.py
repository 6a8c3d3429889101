"""Outlier treatment (COINr rule)."""

from __future__ import annotations

import numpy as np
import pytest

from fenghuang.engine import (
    denominate,
    impute_group,
    outlier_stats,
    screen_units,
    treat_outliers,
)
from fenghuang.errors import EngineInputError


def test_coinr_example() -> None:
    x = np.r_[1:11, 30, 100].astype(float)
    s, k = outlier_stats(x)
    assert s == pytest.approx(3.063241, abs=1e-6)
    assert k == pytest.approx(9.741391, abs=1e-6)
    r = treat_outliers(x, winmax=2)
    assert r.method == "winsorised"
    assert r.skew == pytest.approx(1.712038, abs=1e-6)
    assert r.kurtosis == pytest.approx(1.815781, abs=1e-6)
    assert r.values.max() == 30


def test_log_fallback_when_winsorising_is_not_enough() -> None:
    x = np.r_[np.ones(20), 2, 3, 50, 100, 1000.0]
    r = treat_outliers(x, winmax=1)
    assert r.method == "log"
    mn, mx = x.min(), x.max()
    np.testing.assert_allclose(r.values, np.log(x - mn + 0.01 * (mx - mn)))


def test_negative_skew_winsorises_the_low_side() -> None:
    x = -np.r_[1:11, 30, 100].astype(float)
    r = treat_outliers(x, winmax=2)
    assert r.values.min() == -30


def test_too_few() -> None:
    with pytest.raises(EngineInputError):
        treat_outliers([1.0, 2.0, np.nan], indicator="X")


def test_prep_steps() -> None:
    np.testing.assert_allclose(denominate([[10.0, 3.0]], [[2.0, np.nan]]), [[5.0, 3.0]])
    with pytest.raises(EngineInputError):
        denominate([[1.0]], [[0.0]])
    assert screen_units([[1.0, np.nan], [1.0, 2.0]], min_share=0.5).tolist() == [True, True]
    out = impute_group([[1.0], [np.nan], [5.0], [3.0]], ["a", "a", "b", "a"])
    np.testing.assert_allclose(out.ravel(), [1, 2, 5, 3])


def test_step_classes_contract() -> None:
    from fenghuang.engine import Impute, MinMax, Treat

    for step in (MinMax(lo=0, hi=1, directions=[1, -1]), Impute(method="median"), Treat()):
        params = step.get_params()
        assert type(step)(**params).get_params() == params
        assert not [k for k in vars(step) if k.endswith("_")]  # nothing learned yet
    s = MinMax(lo=0, hi=1, directions=[1, -1]).fit([[1.0, 10.0], [3.0, 20.0]])
    np.testing.assert_allclose(s.transform([[2.0, 12.0]]), [[0.5, 0.8]])
    with pytest.raises(EngineInputError):
        MinMax().fit([[1.0], [1.0]])
    with pytest.raises(EngineInputError):
        Impute().set_params(nope=1)


def test_impute_locf_panel_any_order() -> None:
    from fenghuang.engine import impute_locf

    X = np.array([[np.nan, 5.0], [1.0, np.nan], [np.nan, np.nan], [7.0, 1.0], [np.nan, 2.0]])
    units = ["a", "a", "a", "b", "b"]
    times = [2022, 2020, 2021, 2020, 2021]
    out = impute_locf(X, units, times)
    np.testing.assert_allclose(out, [[1, 5], [1, np.nan], [1, np.nan], [7, 1], [7, 2]])


def test_boxcox_fallback() -> None:
    x = np.r_[np.ones(20), 2, 3, 50, 100, 1000.0]
    r = treat_outliers(x, winmax=1, boxcox_lambda=0.5)
    assert r.method == "boxcox"
    np.testing.assert_allclose(r.values, (np.sqrt(x - 1 + 1) - 1) / 0.5)


def test_impute_mean_median_and_group_median() -> None:
    from fenghuang.engine import impute_mean, impute_median

    X = np.array([[1.0, 10.0], [np.nan, 20.0], [4.0, np.nan], [10.0, 60.0]])
    np.testing.assert_allclose(impute_mean(X), [[1, 10], [5, 20], [4, 30], [10, 60]])
    np.testing.assert_allclose(impute_median(X), [[1, 10], [4, 20], [4, 20], [10, 60]])
    g = ["a", "a", "b", "b"]
    out = impute_group([[1.0], [np.nan], [2.0], [3.0], [np.nan], [100.0]], [*g, "b", "b"],
                       how="median")  # fmt: skip
    np.testing.assert_allclose(out.ravel(), [1, 1, 2, 3, 3, 100])
    # a group with no value at all is left missing, not filled from another group
    out = impute_group([[np.nan], [np.nan], [2.0], [4.0]], g)
    assert np.isnan(out[:2]).all() and out[2:].ravel().tolist() == [2.0, 4.0]


def test_screen_units_by_data_availability_threshold() -> None:
    X = np.ones((3, 10))
    X[1, :2] = np.nan  # 0.8 available
    X[2, :1] = np.nan  # 0.9 available
    assert screen_units(X, min_share=0.9).tolist() == [True, False, True]
