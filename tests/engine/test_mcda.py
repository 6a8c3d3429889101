"""TOPSIS, VIKOR, WASPAS: published examples, pymcdm cross-checks, properties."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm import methods as pm
from pymcdm import normalizations as pn

from fenghuang.engine import promethee_ii, topsis, vikor, waspas
from fenghuang.errors import EngineInputError, WeightsError

# Tzeng & Huang (2011), Multiple Attribute Decision Making, TOPSIS example.
TH_X = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
TH_W = np.array([0.3, 0.4, 0.3])


def test_topsis_tzeng_huang_2011() -> None:
    np.testing.assert_allclose(topsis(TH_X, TH_W), [0.5037, 0.6581, 0.7482, 0.3340], atol=5e-5)


def test_vikor_tzeng_huang_2011() -> None:
    res = vikor(TH_X, TH_W)
    np.testing.assert_allclose(res.Q, [0.75, 0.25, 0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(res.S, [0.6, 0.3, 0.15, 0.65], atol=1e-12)
    np.testing.assert_allclose(res.R, [0.3, 0.2, 0.15, 0.4], atol=1e-12)


def _random_problem(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(3, 30)), int(rng.integers(2, 7))
    X = rng.uniform(1.0, 100.0, size=(n, m))
    w = rng.dirichlet(np.ones(m))
    types = rng.choice([-1, 1], size=m)
    return X, w, types


@pytest.mark.parametrize("seed", range(8))
def test_rankers_match_pymcdm(seed: int) -> None:
    X, w, t = _random_problem(seed)
    kw = {"validation": False}
    vec = pm.TOPSIS(pn.vector_normalization)(X, w, t, **kw)
    np.testing.assert_allclose(topsis(X, w, t, normalisation="vector"), vec, rtol=1e-10)
    mm = pm.TOPSIS(pn.minmax_normalization)(X, w, t, **kw)
    np.testing.assert_allclose(topsis(X, w, t, normalisation="minmax"), mm, rtol=1e-10)
    np.testing.assert_allclose(vikor(X, w, t).Q, pm.VIKOR()(X, w, t, **kw), atol=1e-12)
    np.testing.assert_allclose(waspas(X, w, t), pm.WASPAS()(X, w, t, **kw), rtol=1e-10)
    np.testing.assert_allclose(
        waspas(X, w, t, lam=0.2), pm.WASPAS(l=0.2)(X, w, t, **kw), rtol=1e-10
    )


def test_topsis_large_matrix_streams_blocks_like_the_small_one() -> None:
    # more rows than one block: the streamed distances equal a direct computation
    rng = np.random.default_rng(3)
    X = rng.lognormal(size=(20_000, 4))
    w = np.array([0.1, 0.2, 0.3, 0.4])
    t = np.array([1, -1, 1, -1])
    ref = pm.TOPSIS(pn.vector_normalization)(X, w, t, validation=False)
    np.testing.assert_allclose(topsis(X, w, t), ref, rtol=1e-10)


def test_topsis_minmax_constant_criterion_contributes_nothing() -> None:
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    np.testing.assert_allclose(topsis(X, [0.5, 0.5], normalisation="minmax"), [0.0, 0.5, 1.0])


def test_topsis_all_identical_alternatives_tie_at_one_half() -> None:
    np.testing.assert_array_equal(topsis(np.ones((3, 2)), [0.5, 0.5]), [0.5, 0.5, 0.5])


def test_topsis_unknown_normalisation() -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-PARAM"):
        topsis(TH_X, TH_W, normalisation="sum")  # type: ignore[arg-type]


def test_vikor_constant_criterion_is_an_error() -> None:
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    with pytest.raises(EngineInputError, match="E-ENGINE-ZERO-VARIANCE") as exc:
        vikor(X, [0.5, 0.5], names=["tax", "land"])
    assert exc.value.context["indicator"] == "land"
    with pytest.raises(EngineInputError, match="E-ENGINE-PARAM"):
        vikor(TH_X, TH_W, v=1.5)


def test_waspas_rejects_non_positive_cost_values() -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-NONPOSITIVE") as exc:
        waspas([[1.0, 0.0], [2.0, 3.0]], [0.5, 0.5], [1, -1], names=["va", "energy"])
    assert exc.value.context == {"indicator": "energy", "unit": 0}


@pytest.mark.parametrize(
    ("weights", "code"),
    [
        ([0.3, 0.4, 0.4], "E-WEIGHTS-SUM"),
        ([0.6, -0.1, 0.5], "E-WEIGHTS-NEGATIVE"),
        ([0.5, np.nan, 0.5], "E-WEIGHTS-NONFINITE"),
        ([0.5, 0.5], "E-WEIGHTS-LENGTH"),
    ],
)
def test_rankers_refuse_bad_weights(weights: list[float], code: str) -> None:
    for fn in (topsis, vikor, waspas, promethee_ii):
        with pytest.raises(WeightsError) as exc:
            fn(TH_X, weights)
        assert exc.value.code == code


def test_rankers_refuse_nan_and_bad_shapes() -> None:
    X = TH_X.copy()
    X[2, 1] = np.nan
    with pytest.raises(EngineInputError, match="E-ENGINE-NONFINITE") as exc:
        topsis(X, TH_W, names=["a", "b", "c"])
    assert exc.value.context == {"indicator": "b", "unit": 2}
    with pytest.raises(EngineInputError, match="E-ENGINE-SHAPE"):
        topsis([1.0, 2.0], [1.0])


# -- order invariance ------------------------------------------------------------

problems = st.tuples(st.integers(3, 12), st.integers(1, 4)).flatmap(
    lambda nm: st.tuples(
        arrays(np.float64, nm, elements=st.floats(1.0, 100.0)),
        st.lists(st.floats(0.05, 1.0), min_size=nm[1], max_size=nm[1]),
        st.lists(st.sampled_from([-1, 1]), min_size=nm[1], max_size=nm[1]),
        st.permutations(list(range(nm[0]))),
    )
)


@settings(max_examples=80, deadline=None)
@given(problems)
def test_rankers_are_invariant_to_the_order_of_alternatives(problem) -> None:  # type: ignore[no-untyped-def]
    X, w, t, perm = problem
    w = np.asarray(w) / np.sum(w)
    P = X[perm]
    np.testing.assert_allclose(topsis(P, w, t), topsis(X, w, t)[perm], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        topsis(P, w, t, normalisation="minmax"),
        topsis(X, w, t, normalisation="minmax")[perm],
        rtol=1e-9,
        atol=1e-12,
    )
    np.testing.assert_allclose(waspas(P, w, t), waspas(X, w, t)[perm], rtol=1e-9)
    net = promethee_ii(X, w, t, preference="linear", q=1.0, p=20.0).net
    np.testing.assert_allclose(
        promethee_ii(P, w, t, preference="linear", q=1.0, p=20.0).net,
        net[perm],
        atol=1e-12,
    )
    if np.all(X.max(axis=0) > X.min(axis=0)):
        np.testing.assert_allclose(vikor(P, w, t).Q, vikor(X, w, t).Q[perm], atol=1e-12)


def test_docstring_examples() -> None:
    from fenghuang.engine import _mcda

    assert doctest.testmod(_mcda).failed == 0


def test_topsis_huge_values_take_the_prescaled_path() -> None:
    X, w, t = _random_problem(11)
    big = X * 1e200  # squaring unscaled differences would overflow
    np.testing.assert_allclose(
        topsis(big, w, t, normalisation="minmax"),
        topsis(X, w, t, normalisation="minmax"),
        rtol=1e-10,
    )
