"""The compiled (numba) kernels give the numpy kernels' results; small runs never import numba."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm.methods import TOPSIS
from pymcdm.normalizations import vector_normalization

from fenghuang.engine import classify_shares, score_benchmark, topsis
from fenghuang.engine._jit import AUTO_MIN_CELLS, use_compiled
from fenghuang.errors import EngineInputError

SHARES = (0.2, 0.4, 0.35, 0.05)


@pytest.mark.parametrize("m", [1, 3, 6, 9])
@pytest.mark.parametrize("normalisation", ["vector", "minmax"])
def test_topsis_compiled_equals_numpy(m: int, normalisation: str) -> None:
    rng = np.random.default_rng(m)
    X = rng.lognormal(size=(5_003, m)) * rng.uniform(0.5, 50.0, size=m)
    w = rng.dirichlet(np.ones(m))
    t = rng.choice([-1, 1], size=m)
    got = topsis(X, w, t, normalisation=normalisation, kernel="compiled")  # type: ignore[arg-type]
    ref = topsis(X, w, t, normalisation=normalisation, kernel="numpy")  # type: ignore[arg-type]
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_topsis_compiled_published_example_and_pymcdm() -> None:
    X = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
    got = topsis(X, [0.3, 0.4, 0.3], kernel="compiled")
    np.testing.assert_allclose(got, [0.5037, 0.6581, 0.7482, 0.3340], atol=5e-5)
    rng = np.random.default_rng(1)
    Y = rng.lognormal(size=(20_000, 6))
    w = np.full(6, 1 / 6)
    t = np.array([1, -1, 1, 1, -1, 1])
    ref = TOPSIS(vector_normalization)(Y, w, t, validation=False)
    np.testing.assert_allclose(topsis(Y, w, t, kernel="compiled"), ref, rtol=1e-10)


def test_topsis_compiled_errors_name_indicator_and_unit() -> None:
    X = np.ones((50, 3))
    X[:, 0] = np.arange(50.0)
    X[17, 2] = np.nan
    with pytest.raises(EngineInputError) as ei:
        topsis(X, [0.2, 0.3, 0.5], names=["tax", "va", "energy"], kernel="compiled")
    assert ei.value.code == "E-ENGINE-NONFINITE"
    assert "energy" in str(ei.value) and "17" in str(ei.value)
    Z = np.zeros((10, 2))
    Z[:, 0] = 1.0
    with pytest.raises(EngineInputError) as ei:
        topsis(Z, [0.5, 0.5], names=["a", "b"], kernel="compiled")
    assert "b" in str(ei.value)
    same = np.tile([1.0, 2.0], (4, 1))
    np.testing.assert_array_equal(topsis(same, [0.5, 0.5], kernel="compiled"), [0.5] * 4)


@pytest.mark.parametrize("types", [None, [1, -1, 1, 1, -1, 1]])
def test_score_benchmark_compiled_equals_numpy(types: list[int] | None) -> None:
    rng = np.random.default_rng(2)
    X = rng.lognormal(size=(30_001, 6)) - 0.1  # a few negatives
    X[3, 1] = np.nan
    X[4, 4] = 0.0  # cost with x = 0 scores the cap
    X[5, 0] = 0.0
    b = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 0.8])
    w = np.array([30.0, 20, 15, 15, 10, 10])
    k = np.array([1.5, 2.0, 1.2, np.inf, 1.5, 1.5])
    got = score_benchmark(X, b, w, k, types, kernel="compiled")
    ref = score_benchmark(X, b, w, k, types, kernel="numpy")
    assert np.isnan(got[3]) and np.isnan(ref[3])
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    # unit 4 by hand: a cost indicator at x = 0 scores its cap (1.5 × 10 points)
    tt = np.ones(6) if types is None else np.asarray(types)
    with np.errstate(divide="ignore"):
        r = np.where(tt > 0, X[4] / b, b / X[4])
    assert got[4] == pytest.approx(float((np.clip(r, 0, k) * w).sum()), rel=1e-12)
    if types is not None:
        assert np.clip(r, 0, k)[4] == 1.5


@pytest.mark.parametrize("dist", ["lognormal", "ties", "integers"])
def test_classify_compiled_equals_numpy(dist: str) -> None:
    rng = np.random.default_rng(3)
    n = 60_000
    s = {
        "lognormal": rng.lognormal(sigma=2.0, size=n),
        "ties": rng.integers(0, 7, n).astype(float),
        "integers": rng.integers(0, 1000, n).astype(float),
    }[dist]
    s[rng.integers(0, n, 50)] = np.nan
    groups = rng.choice(np.array(["钢铁", "煤炭", "化工", "建材"]), n)
    for hib in (True, False):
        got = classify_shares(
            s, SHARES, "ABCD", groups=groups, higher_is_better=hib, kernel="compiled"
        )
        ref = classify_shares(
            s, SHARES, "ABCD", groups=groups, higher_is_better=hib, kernel="numpy"
        )
        np.testing.assert_array_equal(got, ref)
        assert (got == "").sum() == 50


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.integers(1, 300), elements=st.floats(-1e6, 1e6)),
    st.integers(1, 5),
)
def test_classify_compiled_equals_numpy_property(s: np.ndarray, n_groups: int) -> None:
    groups = np.arange(s.size) % n_groups
    got = classify_shares(s, SHARES, "ABCD", groups=groups, kernel="compiled")
    ref = classify_shares(s, SHARES, "ABCD", groups=groups, kernel="numpy")
    np.testing.assert_array_equal(got, ref)


def test_auto_threshold_and_unknown_kernel() -> None:
    assert not use_compiled("auto", AUTO_MIN_CELLS - 1)
    assert use_compiled("auto", AUTO_MIN_CELLS)
    assert not use_compiled("numpy", 10**9)
    assert use_compiled("compiled", 1)
    with pytest.raises(EngineInputError) as ei:
        topsis([[1.0, 2.0], [2.0, 1.0]], [0.5, 0.5], kernel="fast")  # type: ignore[arg-type]
    assert "fast" in str(ei.value) and ei.value.code == "E-ENGINE-PARAM"


def test_small_runs_and_the_cli_never_import_numba() -> None:
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from fenghuang.engine import classify_shares, score_benchmark, topsis\n"
        "X = np.random.default_rng(0).lognormal(size=(5000, 6))\n"
        "topsis(X, np.full(6, 1 / 6))\n"
        "s = score_benchmark(X, np.ones(6), np.ones(6), 1.5)\n"
        "classify_shares(s, (0.2, 0.4, 0.35, 0.05), 'ABCD')\n"
        "from fenghuang.cli import main\n"
        "assert main(['index', '--example', 'asem']) == 0\n"
        "print('numba' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_classify_compiled_edge_cases() -> None:
    for bad in ([1.0, np.inf, 2.0], [np.nan, -np.inf, 1.0]):
        with pytest.raises(EngineInputError) as ei:
            classify_shares(bad, SHARES, "ABCD", kernel="compiled")
        assert ei.value.code == "E-ENGINE-NONFINITE" and ei.value.context["unit"] == 1
    assert classify_shares([np.nan, np.nan], SHARES, "ABCD", kernel="compiled").tolist() == ["", ""]
    assert classify_shares([], SHARES, "ABCD", kernel="compiled").tolist() == []
    got = classify_shares([3.0, 3.0, 3.0, np.nan], (0.5, 0.5), "AB", kernel="compiled")
    assert got.tolist() == ["A", "A", "A", ""]  # all tied: all reach the better class
    s = np.r_[np.arange(10.0)[::-1], np.nan]
    got = classify_shares(s, SHARES, "ABCD", kernel="compiled")
    assert got.tolist() == ["A", "A", "B", "B", "B", "B", "C", "C", "C", "C", ""]
