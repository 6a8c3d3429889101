"""Calibration: pool averages of the ground truth against the published targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from fenghuang.synthetic import TARGETS, CityManifest, generate_city, pool_averages
from fenghuang.synthetic._calibration import expected, trend
from fenghuang.synthetic._population import make_population

#: Stated tolerance of the achieved pool averages (relative).
TOLERANCE = 0.05


def _check(m: CityManifest) -> dict[tuple[int, str], float]:
    truth = pq.read_table(m.truth_facts).to_pylist()
    out = {}
    for year in m.years:
        achieved = pool_averages(r for r in truth if r["year"] == year)
        for key in TARGETS:
            want = expected(key, year, m.years[-1])
            assert achieved[key] == pytest.approx(want, rel=TOLERANCE), (year, key)
            out[(year, key)] = achieved[key]
    return out


def test_small_city_is_calibrated(small_city: CityManifest) -> None:
    _check(small_city)


@pytest.mark.slow
def test_pingxiang_591_is_calibrated_every_year(tmp_path: Path) -> None:
    achieved = _check(generate_city(tmp_path, firms=591, seed=1))
    for (year, key), value in sorted(achieved.items()):
        print(f"{year} {TARGETS[key].zh}: {value:.4g} {TARGETS[key].unit}")


def test_targets_and_trend() -> None:
    assert TARGETS["above.tax_per_mu"].value == 24.097
    assert TARGETS["below.tax_per_kwh"].unit == "元/kWh"
    assert expected("above.va_per_mu", 2021, 2023) == pytest.approx(136.16 / 1.05**2)
    assert expected("above.rd_ratio", 2021, 2023) == 3.02
    assert trend(2023, 2023) == 1.0


def test_shapes_are_heavy_tailed_and_correlated() -> None:
    pop = make_population(2000, 5, (2023,))
    above = pop.above & np.asarray([e == "" for e in pop.exempt])
    land = pop.land[above]
    tax = pop.values["tax"][above, 0]
    per_mu = tax / land
    # heavy right tail: mean well above median; the top decile pays a large share
    assert tax.mean() > 1.5 * np.median(tax)
    top = np.sort(tax)[::-1][: len(tax) // 10].sum() / tax.sum()
    assert top > 0.35
    # bigger, more productive firms pay more tax per mu
    rank = np.argsort(np.argsort(land))
    rank_pm = np.argsort(np.argsort(per_mu))
    assert np.corrcoef(rank, rank_pm)[0, 1] > 0.1
    va_pm = pop.values["va"][above, 0] / land
    assert np.corrcoef(np.log(va_pm), np.log(per_mu))[0, 1] > 0.5
    # log land is roughly normal (lognormal shape)
    z = (np.log(land) - np.log(land).mean()) / np.log(land).std()
    assert abs(float((z**3).mean())) < 0.3
