"""PROMETHEE II: the usual-criterion example, pymcdm cross-checks, thresholds."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from pymcdm import methods as pm

from fenghuang.engine import PREFERENCE_FUNCTIONS, promethee_ii
from fenghuang.errors import EngineInputError


def test_usual_preference_example() -> None:
    res = promethee_ii([[4, 3, 2], [3, 2, 4], [5, 1, 3]], [0.5, 0.3, 0.2])
    np.testing.assert_allclose(res.net, [0.1, -0.3, 0.2], atol=1e-12)
    np.testing.assert_allclose(res.positive, [0.55, 0.35, 0.6], atol=1e-12)
    np.testing.assert_allclose(res.negative, [0.45, 0.65, 0.4], atol=1e-12)


# our name -> pymcdm's name
PYMCDM_NAME = {
    "usual": "usual",
    "ushape": "ushape",
    "vshape": "vshape",
    "level": "level",
    "linear": "vshape_2",
}


@pytest.mark.parametrize("kind", sorted(PREFERENCE_FUNCTIONS))
@pytest.mark.parametrize("seed", range(4))
def test_matches_pymcdm(kind: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(3, 25)), int(rng.integers(2, 6))
    X = np.round(rng.uniform(0, 50, size=(n, m)), 1)  # rounding makes exact ties
    w = rng.dirichlet(np.ones(m))
    t = rng.choice([-1, 1], size=m)
    q = rng.uniform(0.5, 5, size=m)
    p = q + rng.uniform(1, 20, size=m)
    ref = pm.PROMETHEE_II(PYMCDM_NAME[kind], p=p, q=q)(X, w, t, validation=False)
    np.testing.assert_allclose(
        promethee_ii(X, w, t, preference=kind, q=q, p=p).net, ref, atol=1e-12
    )


def test_block_processing_equals_one_block() -> None:
    # more than _CELLS / n rows per block forces several blocks
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2500, 2))
    w = [0.4, 0.6]
    ref = pm.PROMETHEE_II("vshape", p=[1.0, 2.0])(
        X, np.array(w), np.array([1, -1]), validation=False
    )
    got = promethee_ii(X, w, [1, -1], preference="vshape", p=[1.0, 2.0]).net
    np.testing.assert_allclose(got, ref, atol=1e-12)
    assert got.sum() == pytest.approx(0.0, abs=1e-9)  # net flows sum to zero


def test_mixed_preference_functions_per_criterion() -> None:
    X = np.array([[1.0, 10.0], [2.0, 30.0], [4.0, 20.0]])
    res = promethee_ii(X, [0.5, 0.5], preference=["usual", "linear"], q=[0, 5], p=[0, 15])
    # criterion 2, pairs: (b,a) d=20 -> 1, (b,c) d=10 -> 0.5, (c,a) d=10 -> 0.5
    pi = np.zeros((3, 3))
    pi += 0.5 * (X[:, None, 0] > X[None, :, 0])
    d2 = X[:, None, 1] - X[None, :, 1]
    pi += 0.5 * np.clip((d2 - 5) / 10, 0, 1)
    np.testing.assert_allclose(res.net, (pi.sum(1) - pi.sum(0)) / 2, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"preference": "gaussian"}, "unknown preference"),
        ({"preference": "ushape"}, "needs threshold"),
        ({"preference": "linear", "q": 3.0, "p": 2.0}, "needs q < p"),
        ({"preference": "vshape", "p": 0.0}, "p > 0"),
        ({"preference": ["usual"]}, "preference functions for 2"),
        ({"preference": "linear", "q": -1.0, "p": 2.0}, "non-negative"),
    ],
)
def test_bad_parameters(kwargs: dict, fragment: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(EngineInputError, match="E-ENGINE-PARAM") as exc:
        promethee_ii([[1.0, 2.0], [2.0, 1.0]], [0.5, 0.5], **kwargs)
    assert fragment in exc.value.en


def test_needs_two_alternatives() -> None:
    with pytest.raises(EngineInputError, match="E-ENGINE-TOO-FEW"):
        promethee_ii([[1.0, 2.0]], [0.5, 0.5])


def test_docstring_examples() -> None:
    from fenghuang.engine import _promethee

    assert doctest.testmod(_promethee).failed == 0
