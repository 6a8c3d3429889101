"""Issue 2 "Bad input": every case raises a bilingual error naming the indicator (and unit).

Each case goes through an :class:`IndexBuild` built from COINr-layout rows,
as an analyst's CSV would, so the names are the files' codes, not positions.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from fenghuang.engine import (
    Framework,
    IndicatorMeta,
    a_gmean,
    build_from_rows,
    n_minmax,
    w_fixed,
)
from fenghuang.errors import EngineInputError, HierarchyError, WeightsError

CJK = re.compile(r"[\u4e00-\u9fff]")

META = [
    {"iCode": "tax", "Type": "Indicator", "Parent": "Econ", "Direction": "1", "Weight": "0.6"},
    {"iCode": "energy", "Type": "Indicator", "Parent": "Econ", "Direction": "-1", "Weight": "0.4"},
    {"iCode": "Econ", "Type": "Aggregate", "Direction": "1", "Weight": "1"},
]


def _rows(tax: list[str], energy: list[str]) -> list[dict[str, str]]:
    return [
        {"uCode": u, "tax": a, "energy": b} for u, a, b in zip("ABCDEFG", tax, energy, strict=False)
    ]


def _bilingual(err: Exception, *names: str) -> str:
    """Both languages present, and every name in the message of each."""
    assert isinstance(err, EngineInputError)
    # the English text has no Chinese, apart from quoted user data
    assert CJK.search(err.zh) and err.en and not CJK.search(re.sub(r"'[^']*'", "", err.en))
    for lang in ("zh", "en"):
        text = err.message(lang)
        for name in names:
            assert name in text, (lang, name, text)
    return err.message()


def test_non_numeric_cell_names_indicator_unit_and_row() -> None:
    with pytest.raises(EngineInputError) as ei:
        build_from_rows(_rows(["1", "2", "三", "4"], ["1", "2", "3", "4"]), META)
    msg = _bilingual(ei.value, "tax", "C")
    assert ei.value.code == "E-ENGINE-NON-NUMERIC"
    assert ei.value.context["row"] == 4  # file line: header is line 1
    assert "三" in msg


def test_all_missing_indicator_under_min_max() -> None:
    b = build_from_rows(_rows(["1", "2", "3", "4"], ["", "NA", "", ""]), META)
    with pytest.raises(EngineInputError) as ei:
        b.normalise("minmax")
    _bilingual(ei.value, "energy")
    assert ei.value.code == "E-ENGINE-ALL-MISSING"


def test_zero_variance_indicator_under_min_max() -> None:
    b = build_from_rows(_rows(["5", "5", "5", "5"], ["1", "2", "3", "4"]), META)
    with pytest.raises(EngineInputError) as ei:
        b.normalise("minmax")
    _bilingual(ei.value, "tax")
    assert ei.value.code == "E-ENGINE-ZERO-VARIANCE"
    # the z-score is undefined for the same reason
    with pytest.raises(EngineInputError) as ei:
        build_from_rows(_rows(["5", "5", "5", "5"], ["1", "2", "3", "4"]), META).normalise("zscore")
    _bilingual(ei.value, "tax")


def test_non_positive_value_under_geometric_mean_names_indicator_and_unit() -> None:
    # min-max 0-100 gives the worst unit 0 on each indicator: energy is a cost, so unit A
    b = build_from_rows(_rows(["1", "2", "3", "4"], ["1", "2", "3", "4"]), META)
    b.normalise("minmax", 0.0, 100.0)
    with pytest.raises(EngineInputError) as ei:
        b.aggregate("gmean")
    _bilingual(ei.value, "tax", "A", "Econ")
    assert ei.value.code == "E-ENGINE-NON-POSITIVE"
    assert ei.value.context["indicator"] == "tax" and ei.value.context["unit"] == "A"
    # the same for the harmonic mean, found at unit D on the cost indicator
    b2 = build_from_rows(_rows(["2", "2.5", "3", "4"], ["1", "2", "3", "4"]), META)
    b2.normalise("minmax", 1.0, 100.0)
    b2.data["Normalised"][3, 1] = -1.0
    with pytest.raises(EngineInputError) as ei:
        b2.aggregate("hmean")
    _bilingual(ei.value, "energy", "D")
    # positive values aggregate: geometric mean of (1, 100) with weights (0.6, 0.4)
    b3 = build_from_rows(_rows(["1", "2", "3", "4"], ["1", "2", "3", "4"]), META)
    b3.normalise("minmax", 1.0, 100.0).aggregate("gmean")
    assert b3.scores("Econ")[0] == pytest.approx(100**0.4, rel=1e-12)


def test_non_positive_value_under_geometric_mean_bare_arrays_give_positions() -> None:
    with pytest.raises(EngineInputError) as ei:
        a_gmean([[1.0, 2.0], [3.0, 0.0]], [0.5, 0.5])
    _bilingual(ei.value)
    assert ei.value.context == {"unit": 1, "column": 1, "value": 0.0}


def test_log_needs_positive_values_in_entropy_and_merec() -> None:
    from fenghuang.engine import w_entropy, w_merec

    X = np.array([[1.0, 2.0], [2.0, -1.0], [3.0, 1.0]])
    for fn in (w_entropy, w_merec):
        with pytest.raises(EngineInputError) as ei:
            fn(X, names=["tax", "energy"])
        _bilingual(ei.value, "energy")


def test_weights_not_summing_to_one() -> None:
    # bare weights: an error unless renormalisation is asked for, and then a warning
    with pytest.raises(WeightsError) as ei:
        w_fixed([0.5, 0.6])
    _bilingual(ei.value, "1.1")
    # in a build: renormalisation is on by default (COINr) and noted per group ...
    b = build_from_rows(_rows(["1", "2", "3", "4"], ["4", "3", "2", "1"]), META)
    # weights 0.6 + 0.4 = 1: nothing to note
    b.normalise().aggregate()
    assert not [n for n in b.notes_ if "renormalised" in n]
    meta = [dict(r) for r in META]
    meta[1]["Weight"] = "0.6"
    b = build_from_rows(_rows(["1", "2", "3", "4"], ["4", "3", "2", "1"]), meta)
    b.normalise().aggregate()
    assert b.notes_ == ["aggregate Econ: weights [0.6, 0.6] renormalised to sum 1"]
    np.testing.assert_allclose(b.scores("Econ"), [0.0, 100 / 3, 200 / 3, 100.0])
    assert b.log[-1] == (
        "aggregate",
        {
            "method": "amean",
            "min_share": 0.0,
            "p": 1.0,
            "renormalise": True,
            "weights": {},
            "per_aggregate": {},
        },
    )
    # ... and refused, naming the group and the weights, when switched off
    b = build_from_rows(_rows(["1", "2", "3", "4"], ["4", "3", "2", "1"]), meta)
    with pytest.raises(WeightsError) as ei:
        b.normalise().aggregate(renormalise=False)
    _bilingual(ei.value, "Econ", "1.2", "tax=0.6", "energy=0.6")
    assert ei.value.code == "E-ENGINE-WEIGHTS-SUM"


def test_unknown_parent_and_cycles_name_the_indicator() -> None:
    with pytest.raises(HierarchyError) as ei:
        Framework.build([IndicatorMeta("tax", parent="Ecno")], ["tax"])
    _bilingual(ei.value, "tax", "Ecno")
    assert ei.value.code == "E-ENGINE-UNKNOWN-PARENT"
    for nodes in (
        [IndicatorMeta("tax", parent="P"), IndicatorMeta("P", parent="P")],
        [
            IndicatorMeta("tax", parent="P"),
            IndicatorMeta("P", parent="Q"),
            IndicatorMeta("Q", parent="R"),
            IndicatorMeta("R", parent="P"),
        ],
    ):
        with pytest.raises(HierarchyError) as ei:
            Framework.build(nodes, ["tax"])
        msg = _bilingual(ei.value, "tax", "P")
        assert ei.value.code == "E-ENGINE-CYCLE" and "→" in msg
    # through the CSV layout: the parent column names a code that is not there
    meta = [dict(r) for r in META]
    meta[0]["Parent"] = "Ecno"
    with pytest.raises(HierarchyError) as ei:
        build_from_rows(_rows(["1", "2"], ["1", "2"]), meta)
    _bilingual(ei.value, "tax", "Ecno")


def test_min_max_never_lets_nan_flow_silently() -> None:
    # a missing value stays missing (NA-skipping later), never turns into a number
    y = n_minmax([1.0, np.nan, 3.0], indicator="tax")
    assert np.isnan(y[1]) and y[0] == 0 and y[2] == 100
    with pytest.raises(EngineInputError) as ei:
        n_minmax([np.inf, 1.0, 2.0], indicator="tax")
    _bilingual(ei.value, "tax")


def test_infinite_value_under_min_max_names_indicator_and_unit() -> None:
    b = build_from_rows(_rows(["1", "2", "3", "4"], ["1", "inf", "3", "4"]), META)
    with pytest.raises(EngineInputError) as ei:
        b.normalise("minmax")
    _bilingual(ei.value, "energy", "B")
    assert ei.value.code == "E-ENGINE-NONFINITE"
    assert ei.value.context["unit"] == "B"


def test_unknown_normalisation_is_refused() -> None:
    b = build_from_rows(_rows(["1", "2", "3", "4"], ["1", "2", "3", "4"]), META)
    with pytest.raises(EngineInputError) as ei:
        b.normalise("softmax")
    _bilingual(ei.value, "softmax", "tax")
