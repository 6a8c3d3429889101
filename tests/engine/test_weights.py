"""Weights: published examples, pymcdm cross-checks, properties and bad input."""

from __future__ import annotations

import doctest
import random
import re

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm import weights as pw

from fenghuang.engine import (
    WEIGHT_METHODS,
    Weighting,
    WeightsRenormalisedWarning,
    w_critic,
    w_entropy,
    w_equal,
    w_fixed,
    w_merec,
    w_pca,
    w_std,
)
from fenghuang.errors import EngineInputError, WeightsError

CJK = re.compile(r"[\u4e00-\u9fff]")

# Diakoulaki, Mavrotas & Papayannakis (1995), all criteria benefit.
CRITIC_X = np.array(
    [
        [61, 1.08, 4.33],
        [20.7, 0.26, 4.34],
        [16.3, 1.98, 2.53],
        [9.0, 3.29, 1.65],
        [5.4, 2.77, 2.33],
        [4.0, 4.12, 1.21],
        [-6.1, 3.52, 2.10],
        [-34.6, 3.31, 0.98],
    ]
)
# Keshavarz-Ghorabaee et al. (2021), objectives max, max, min, min.
MEREC_X = np.array(
    [
        [450, 8000, 54, 145],
        [10, 9100, 2, 160],
        [100, 8200, 31, 153],
        [220, 9300, 1, 162],
        [5, 8400, 23, 158],
    ]
)


def _bilingual(err: Exception) -> None:
    assert isinstance(err, EngineInputError)
    assert CJK.search(err.zh) and err.en and not CJK.search(err.en)


def test_critic_diakoulaki_1995() -> None:
    np.testing.assert_allclose(w_critic(CRITIC_X), [0.20222554, 0.48090173, 0.31687273], atol=1e-8)


def test_merec_keshavarz_ghorabaee_2021() -> None:
    w = w_merec(MEREC_X, [1, 1, -1, -1])
    np.testing.assert_allclose(w, [0.5752, 0.0141, 0.4016, 0.0091], atol=5e-5)


@pytest.mark.parametrize("seed", range(5))
def test_objective_weights_match_pymcdm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.5, 10.0, size=(int(rng.integers(5, 40)), int(rng.integers(2, 7))))
    types = rng.choice([-1, 1], size=X.shape[1])
    np.testing.assert_allclose(w_entropy(X), pw.entropy_weights(X), rtol=1e-10)
    np.testing.assert_allclose(w_std(X), pw.standard_deviation_weights(X), rtol=1e-10)
    np.testing.assert_allclose(w_critic(X), pw.critic_weights(X), rtol=1e-10)
    np.testing.assert_allclose(w_merec(X, types), pw.merec_weights(X, types), rtol=1e-10)


def test_critic_cost_criteria_flip_correlation_sign() -> None:
    # reversing a cost criterion changes the sign of its correlations; weights differ
    # from pymcdm (which ignores types) exactly when the types are mixed
    w_benefit = w_critic(CRITIC_X)
    w_mixed = w_critic(CRITIC_X, [1, -1, 1])
    assert not np.allclose(w_benefit, w_mixed)
    np.testing.assert_allclose(w_critic(CRITIC_X, [-1, -1, -1]), w_benefit, rtol=1e-12)


def test_entropy_zero_entries_use_0_log_0() -> None:
    X = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]])
    p = X[:, 0] / X[:, 0].sum()
    e0 = -(p[1:] * np.log(p[1:])).sum() / np.log(3)
    q = X[:, 1] / X[:, 1].sum()
    e1 = -(q * np.log(q)).sum() / np.log(3)
    d = np.array([1 - e0, 1 - e1])
    np.testing.assert_allclose(w_entropy(X), d / d.sum())


def test_pca_is_squared_first_eigenvector() -> None:
    rng = np.random.default_rng(7)
    base = rng.normal(size=(200, 1))
    X = np.hstack([base + 0.1 * rng.normal(size=(200, 1)) * k for k in (1, 3, 10)])
    Z = (X - X.mean(0)) / X.std(0, ddof=1)
    _, _, vt = np.linalg.svd(Z, full_matrices=False)
    np.testing.assert_allclose(w_pca(X), vt[0] ** 2, rtol=1e-8)
    # the indicator most aligned with the common factor weighs most
    assert np.argmax(w_pca(X)) == 0


def test_equal_weights() -> None:
    np.testing.assert_array_equal(w_equal(4), [0.25] * 4)
    np.testing.assert_array_equal(w_equal(np.zeros((3, 5))), [0.2] * 5)
    with pytest.raises(WeightsError):
        w_equal(0)


def test_registry_names_the_objective_methods() -> None:
    assert set(WEIGHT_METHODS) == {"equal", "entropy", "critic", "merec", "std", "pca"}
    X = np.random.default_rng(1).uniform(1, 2, size=(10, 3))
    for fn in WEIGHT_METHODS.values():
        assert fn(X, None).sum() == pytest.approx(1.0)


# -- fixed weights --------------------------------------------------------------


def test_fixed_weights_pass_through() -> None:
    np.testing.assert_array_equal(w_fixed([0.5, 0.3, 0.2]), [0.5, 0.3, 0.2])


def test_fixed_weights_not_summing_to_one_raise_unless_renormalise() -> None:
    with pytest.raises(WeightsError, match="E-WEIGHTS-SUM") as exc:
        w_fixed([30, 20, 50])
    _bilingual(exc.value)
    with pytest.warns(WeightsRenormalisedWarning) as rec:
        w = w_fixed([30, 20, 50], renormalise=True)
    np.testing.assert_allclose(w, [0.3, 0.2, 0.5])
    assert rec[0].message.original_sum == pytest.approx(100.0)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("weights", "code"),
    [
        ([0.5, -0.2, 0.7], "E-WEIGHTS-NEGATIVE"),
        ([0.5, np.nan, 0.5], "E-WEIGHTS-NONFINITE"),
        ([0.0, 0.0, 0.0], "E-WEIGHTS-ZERO"),
        ([], "E-WEIGHTS-EMPTY"),
    ],
)
def test_fixed_weights_bad_values_name_the_indicator(weights: list[float], code: str) -> None:
    with pytest.raises(WeightsError) as exc:
        w_fixed(weights, names=["tax_per_mu", "va_per_mu", "rd"][: len(weights)] or None)
    assert exc.value.code == code
    _bilingual(exc.value)
    if code in ("E-WEIGHTS-NEGATIVE", "E-WEIGHTS-NONFINITE"):
        assert exc.value.context["indicator"] == "va_per_mu"


# -- bad matrices ---------------------------------------------------------------


@pytest.mark.parametrize("fn", [w_entropy, w_critic, w_pca])
def test_zero_variance_indicator_is_an_error(fn) -> None:  # type: ignore[no-untyped-def]
    X = np.array([[1.0, 5.0, 2.0], [2.0, 5.0, 1.0], [3.0, 5.0, 4.0], [4.0, 5.0, 3.0]])
    with pytest.raises(EngineInputError, match="E-ENGINE-ZERO-VARIANCE") as exc:
        fn(X, names=["a", "land", "c"])
    assert exc.value.context["indicator"] == "land"
    _bilingual(exc.value)


def test_nan_in_matrix_names_indicator_and_unit() -> None:
    X = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 1.0]])
    with pytest.raises(EngineInputError, match="E-ENGINE-NONFINITE") as exc:
        w_entropy(X, names=["tax", "energy"])
    assert exc.value.context == {"indicator": "energy", "unit": 1}
    _bilingual(exc.value)


def test_entropy_rejects_negative_and_merec_non_positive() -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-NEGATIVE"):
        w_entropy([[1.0, -1.0], [2.0, 3.0]])
    with pytest.raises(EngineInputError, match="E-ENGINE-NONPOSITIVE"):
        w_merec([[1.0, 0.0], [2.0, 3.0]])


def test_types_must_be_plus_or_minus_one() -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-TYPES"):
        w_merec(MEREC_X, [1, 0, -1, -1])
    with pytest.raises(EngineInputError, match="E-ENGINE-TYPES"):
        w_merec(MEREC_X, [1, -1])


# -- properties -----------------------------------------------------------------

positive_matrices = st.integers(3, 12).flatmap(
    lambda n: st.integers(1, 5).flatmap(
        lambda m: arrays(np.float64, (n, m), elements=st.floats(0.1, 1000.0))
    )
)


#: Found by Hypothesis in CI: the second indicator differs only in its last digits, so its
#: entropy rounds a few ulps above 1 (the weight was -5.8e-16 before d_j was clipped at 0).
NEARLY_CONSTANT = np.array(
    [[1.0, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.10000000000000445], [0.1, 0.10000000000000223]]
)


@settings(max_examples=60, deadline=None)
@given(positive_matrices)
@example(NEARLY_CONSTANT)
def test_every_method_gives_non_negative_weights_summing_to_one(X: np.ndarray) -> None:
    for name, fn in WEIGHT_METHODS.items():
        try:
            w = fn(X, None)
        except EngineInputError:
            # zero variance or no information: refused loudly, never NaN weights
            assert name in ("entropy", "critic", "pca", "std", "merec")
            continue
        assert w.shape == (X.shape[1],)
        assert np.all(w >= 0)
        assert w.sum() == pytest.approx(1.0)


def test_entropy_gives_a_nearly_constant_indicator_weight_zero() -> None:
    w = WEIGHT_METHODS["entropy"](NEARLY_CONSTANT, None)
    assert w.tolist() == [1.0, 0.0]


#: Indicators 2–4 exchangeable: the correlation matrix's largest eigenvalue (1.25) is a
#: triple one, so "the first principal component" is any vector of a 3-D space (found by
#: Hypothesis: PCA weights took 12 different values over the 120 orders of the units).
TIED_PCA = np.array(
    [
        [0.25, 0.25, 0.25, 1.0],
        [2.0, 0.25, 0.25, 0.25],
        [0.25, 0.25, 0.25, 0.25],
        [0.25, 1.0, 0.25, 0.25],
        [0.25, 0.25, 1.0, 0.25],
    ]
)


def test_pca_weights_of_a_repeated_largest_eigenvalue_do_not_depend_on_unit_order() -> None:
    import itertools

    got = {
        tuple(np.round(WEIGHT_METHODS["pca"](TIED_PCA[list(p)], None), 12))
        for p in itertools.permutations(range(5))
    }
    # the projector onto the eigenspace: its diagonal is 3/4 for each indicator here
    assert got == {(0.25, 0.25, 0.25, 0.25)}


@settings(max_examples=40, deadline=None)
@given(positive_matrices, st.randoms(use_true_random=False))
@example(TIED_PCA, random.Random(3))
def test_weights_do_not_depend_on_unit_order(X: np.ndarray, rnd) -> None:  # type: ignore[no-untyped-def]
    perm = list(range(X.shape[0]))
    rnd.shuffle(perm)
    for fn in WEIGHT_METHODS.values():
        try:
            w = fn(X, None)
        except EngineInputError:
            continue
        np.testing.assert_allclose(fn(X[perm], None), w, rtol=1e-9, atol=1e-12)


def test_docstring_examples() -> None:
    from fenghuang.engine import _weighting, _weights, _weights_objective

    assert doctest.testmod(_weights).failed == 0
    assert doctest.testmod(_weights_objective).failed == 0
    assert doctest.testmod(_weighting).failed == 0


# -- the estimator-style step ---------------------------------------------------


def test_weighting_step_follows_the_estimator_contract() -> None:
    X = CRITIC_X
    step = Weighting(method="critic")
    assert not hasattr(step, "weights_")  # nothing learned before fit
    assert step.fit(X) is step
    np.testing.assert_allclose(step.weights_, w_critic(X))
    params = step.get_params()
    assert params == {"method": "critic", "fixed": None, "renormalise": False}
    clone = Weighting(**params).fit(X)
    np.testing.assert_array_equal(clone.weights_, step.weights_)
    step.set_params(method="merec").fit(MEREC_X, [1, 1, -1, -1])
    np.testing.assert_allclose(step.weights_, [0.5752, 0.0141, 0.4016, 0.0091], atol=5e-5)


def test_weighting_step_fixed_and_errors() -> None:
    X = np.ones((4, 3))
    with pytest.warns(WeightsRenormalisedWarning):
        step = Weighting("fixed", [1, 1, 2], renormalise=True).fit(X)
    np.testing.assert_allclose(step.weights_, [0.25, 0.25, 0.5])
    with pytest.raises(WeightsError, match="E-WEIGHTS-SUM"):
        Weighting("fixed", [1, 1, 2]).fit(X)
    with pytest.raises(WeightsError, match="E-WEIGHTS-LENGTH"):
        Weighting("fixed", [0.5, 0.5]).fit(X)
    with pytest.raises(WeightsError, match="E-WEIGHTS-MISSING"):
        Weighting("fixed").fit(X)
    with pytest.raises(WeightsError, match="E-WEIGHTS-METHOD"):
        Weighting("ahp").fit(X)
    with pytest.raises(WeightsError, match="E-WEIGHTS-PARAM"):
        Weighting().set_params(alpha=1)
    np.testing.assert_allclose(Weighting().fit(X).weights_, [1 / 3] * 3)
