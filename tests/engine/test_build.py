"""IndexBuild: COINr's ASEM example reproduced, regen, variants, hierarchy errors.

Expected values are COINr's published output (COINr by W. Becker, MIT
licence): ``get_results`` in vignettes/results.Rmd and ``compare_coins`` of
the default coin against the percentile-rank variant in
vignettes/adjustments.Rmd.
"""

from __future__ import annotations

import numpy as np
import pytest

from fenghuang.engine import (
    Framework,
    IndexBuild,
    IndicatorMeta,
    build_from_rows,
    example_build,
)
from fenghuang.errors import EngineInputError, HierarchyError, WeightsError

# uCode: (rank with min-max, rank with percentile-rank normalisation)
COINR_RANKS = {
    "PRT": (27, 17), "LAO": (48, 39), "MLT": (10, 19), "EST": (22, 16), "IDN": (43, 49),
    "ESP": (19, 24), "HRV": (18, 23), "LTU": (16, 11), "MNG": (44, 48), "GBR": (15, 12),
    "JPN": (34, 31), "LVA": (23, 20), "PAK": (50, 47), "BEL": (5, 7), "BGD": (46, 44),
    "CHN": (49, 51), "HUN": (20, 22), "IRL": (12, 14), "KAZ": (47, 45), "KOR": (31, 33),
    "LUX": (8, 10), "NLD": (2, 4), "PHL": (38, 40), "POL": (26, 28), "SVK": (24, 26),
    "SVN": (11, 9), "AUT": (7, 6), "BGR": (30, 29), "BRN": (40, 41), "CYP": (29, 30),
    "CZE": (17, 18), "DEU": (9, 8), "DNK": (3, 2), "IND": (45, 46), "ITA": (28, 27),
    "KHM": (37, 36), "MMR": (41, 42), "MYS": (39, 38), "NOR": (4, 3), "NZL": (33, 34),
    "RUS": (51, 50), "SGP": (14, 15), "SWE": (6, 5), "THA": (42, 43), "VNM": (36, 37),
    "AUS": (35, 35), "CHE": (1, 1), "FIN": (13, 13), "FRA": (21, 21), "GRC": (32, 32),
    "ROU": (25, 25),
}  # fmt: skip

TOP6 = {  # Index, Conn, Sust, Physical, ConEcFin, Political, Instit, P2P, Environ, Social, SusEcFin
    "CHE": (68.38, 62.79, 73.98, 63.41, 32.87, 74.78, 85.94, 56.93, 77.21, 87.85, 56.88),
    "NLD": (64.82, 61.94, 67.70, 64.87, 46.62, 84.55, 71.74, 41.92, 58.73, 86.58, 57.78),
    "DNK": (64.80, 57.10, 72.51, 50.52, 30.43, 78.13, 75.35, 51.04, 69.83, 86.40, 61.29),
    "NOR": (64.47, 57.44, 71.50, 58.18, 25.70, 80.03, 89.46, 33.80, 70.90, 87.00, 56.59),
    "BEL": (63.54, 63.99, 63.09, 71.97, 48.22, 80.84, 75.60, 43.32, 53.01, 86.17, 50.09),
    "SWE": (63.00, 53.87, 72.12, 51.51, 23.87, 80.98, 74.51, 38.50, 66.37, 87.74, 62.27),
}
CODES = ("Index", "Conn", "Sust", "Physical", "ConEcFin", "Political", "Instit", "P2P")
CODES += ("Environ", "Social", "SusEcFin")


@pytest.fixture(scope="module")
def asem() -> IndexBuild:
    return example_build("asem")


def test_asem_all_51_ranks(asem: IndexBuild) -> None:
    units = asem.units_["Aggregated"]
    assert len(units) == 51
    ranks = asem.ranks("Index")
    got = {u: int(r) for u, r in zip(units, ranks, strict=True)}
    assert got == {u: r[0] for u, r in COINR_RANKS.items()}
    ind = units.index("IND")
    assert asem.scores("Index")[ind] == pytest.approx(39.79, abs=0.005)


def test_asem_top6_every_level(asem: IndexBuild) -> None:
    units = asem.units_["Aggregated"]
    for u, vals in TOP6.items():
        got = [asem.scores(c)[units.index(u)] for c in CODES]
        np.testing.assert_allclose(got, vals, atol=0.005, err_msg=u)


def test_data_sets_and_log(asem: IndexBuild) -> None:
    for name in ("Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised"):
        assert name in asem.data
    assert [s for s, _ in asem.log] == [
        "denominate", "impute", "screen", "treat", "normalise", "aggregate",
    ]  # fmt: skip
    assert not np.isnan(asem.data["Imputed"]).any()
    assert any("renormalised" in n for n in asem.notes_)


def test_regen_and_variant(asem: IndexBuild) -> None:
    again = asem.regen()
    np.testing.assert_array_equal(again.scores("Index"), asem.scores("Index"))
    prank = asem.variant("normalise", method="percentile", lo=0.0, hi=1.0)
    cmp = asem.compare(prank)
    got = {u: (int(a), int(b)) for u, a, b in zip(cmp.units, cmp.rank_a, cmp.rank_b, strict=True)}
    assert got == COINR_RANKS
    assert cmp.change[cmp.units.index("PRT")] == -10
    # the original build is untouched
    assert asem.log[4][1]["method"] == "minmax"


def test_unknown_parent_and_cycle() -> None:
    with pytest.raises(HierarchyError) as ei:
        Framework.build([IndicatorMeta("a", parent="Nope")], ["a"])
    assert "a" in str(ei.value) and "Nope" in str(ei.value)
    with pytest.raises(HierarchyError) as ei:
        Framework.build(
            [IndicatorMeta("a", parent="P"), IndicatorMeta("P", parent="Q"),
             IndicatorMeta("Q", parent="P")], ["a"],
        )  # fmt: skip
    assert ei.value.code == "E-ENGINE-CYCLE"


def test_non_numeric_cell_named() -> None:
    meta = [
        {"iCode": "x", "Type": "Indicator", "Parent": "I", "Direction": "1", "Weight": "1"},
        {"iCode": "I", "Type": "Aggregate", "Direction": "1", "Weight": "1"},
    ]
    data = [{"uCode": "A", "x": "1"}, {"uCode": "B", "x": "abc"}]
    with pytest.raises(EngineInputError) as ei:
        build_from_rows(data, meta)
    assert "B" in str(ei.value) and "x" in str(ei.value)


def test_result_does_not_depend_on_unit_order(asem: IndexBuild) -> None:
    from fenghuang.engine import coinr_pipeline
    from fenghuang.engine.examples import read_example

    data, meta = read_example("asem")
    perm = np.random.default_rng(7).permutation(len(data))
    shuffled = coinr_pipeline(build_from_rows([data[i] for i in perm], meta))
    a = dict(zip(asem.units_["Aggregated"], asem.scores("Index"), strict=True))
    b = dict(zip(shuffled.units_["Aggregated"], shuffled.scores("Index"), strict=True))
    assert a.keys() == b.keys()
    np.testing.assert_allclose([b[u] for u in a], list(a.values()), rtol=1e-12)


def test_variant_with_one_weight_changed(asem: IndexBuild) -> None:
    heavy = asem.variant("aggregate", weights={"Conn": 2.0})
    units = heavy.units_["Aggregated"]
    conn, sust = heavy.scores("Conn"), heavy.scores("Sust")
    # Index = (2 Conn + 1 Sust) / 3, renormalised and noted; the sub-indices are unchanged
    np.testing.assert_allclose(heavy.scores("Index"), (2 * conn + sust) / 3, rtol=1e-12)
    np.testing.assert_array_equal(conn, asem.scores("Conn"))
    assert "aggregate Index: weights [2.0, 1.0] renormalised to sum 1" in heavy.notes_
    che = units.index("CHE")
    assert heavy.scores("Index")[che] == pytest.approx((2 * 62.79 + 73.98) / 3, abs=0.01)
    assert heavy.log[-1][1]["weights"] == {"Conn": 2.0}
    assert asem.log[-1][1]["weights"] == {}  # the original build is untouched
    np.testing.assert_array_equal(heavy.regen().scores("Index"), heavy.scores("Index"))
    with pytest.raises(EngineInputError) as ei:
        asem.variant("aggregate", weights={"Nope": 1.0})
    assert "Nope" in str(ei.value)
    with pytest.raises(WeightsError):
        asem.variant("aggregate", weights={"Conn": -1.0})


def test_per_indicator_normalisation_from_metadata_and_per_aggregate_method() -> None:
    meta = [
        {"iCode": "tax", "Type": "Indicator", "Parent": "Econ", "Direction": "1",
         "Weight": "1", "Target": "20"},
        {"iCode": "energy", "Type": "Indicator", "Parent": "Econ", "Direction": "-1",
         "Weight": "1", "Target": "0.5"},
        {"iCode": "rd", "Type": "Indicator", "Parent": "Innov", "Direction": "1", "Weight": "1"},
        {"iCode": "pat", "Type": "Indicator", "Parent": "Innov", "Direction": "1", "Weight": "1"},
        {"iCode": "Econ", "Type": "Aggregate", "Parent": "Index", "Direction": "1", "Weight": "1"},
        {"iCode": "Innov", "Type": "Aggregate", "Parent": "Index", "Direction": "1", "Weight": "1"},
        {"iCode": "Index", "Type": "Aggregate", "Direction": "1", "Weight": "1"},
    ]  # fmt: skip
    data = [
        {"uCode": "A", "tax": "10", "energy": "1.0", "rd": "1", "pat": "4"},
        {"uCode": "B", "tax": "30", "energy": "0.25", "rd": "3", "pat": "2"},
        {"uCode": "C", "tax": "20", "energy": "0.5", "rd": "2", "pat": "1"},
    ]
    b = build_from_rows(data, meta)
    b.normalise("minmax", 1.0, 100.0, per_indicator={"tax": "target", "energy": "target"})
    N = b.data["Normalised"]
    np.testing.assert_allclose(N[:, 0], [0.5, 1.5, 1.0])  # tax / 20
    np.testing.assert_allclose(N[:, 1], [0.5, 2.0, 1.0])  # 0.5 / energy (a cost)
    np.testing.assert_allclose(N[:, 2], [1.0, 100.0, 50.5])  # min-max to [1, 100]
    b.aggregate("amean", per_aggregate={"Innov": "gmean"})
    np.testing.assert_allclose(b.scores("Econ"), [0.5, 1.75, 1.0])
    innov = np.sqrt(N[:, 2] * N[:, 3])
    np.testing.assert_allclose(b.scores("Innov"), innov, rtol=1e-12)
    np.testing.assert_allclose(b.scores("Index"), (b.scores("Econ") + innov) / 2, rtol=1e-12)
    # regenerating replays both overrides
    np.testing.assert_array_equal(b.regen().scores("Index"), b.scores("Index"))
    # an indicator without a target in the metadata is named
    with pytest.raises(EngineInputError) as ei:
        build_from_rows(data, meta).normalise(per_indicator={"rd": "target"})
    assert ei.value.code == "E-ENGINE-NO-TARGET" and "rd" in str(ei.value)
    with pytest.raises(EngineInputError) as ei:
        build_from_rows(data, meta).normalise(per_indicator={"nope": "rank"})
    assert "nope" in str(ei.value)
    with pytest.raises(EngineInputError) as ei:
        build_from_rows(data, meta).normalise().aggregate(per_aggregate={"Innov": "median"})
    assert "median" in str(ei.value) and "Innov" in str(ei.value)


def test_goalposts_from_metadata() -> None:
    fw = Framework.build(
        [
            IndicatorMeta("x", parent="I", goalposts=(0.0, 10.0)),
            IndicatorMeta("y", parent="I", direction=-1, goalposts=(0.0, 10.0)),
            IndicatorMeta("I"),
        ],
        ["x", "y"],
    )
    b = IndexBuild(np.array([[1.0, 1.0], [12.0, -3.0]]), ("A", "B"), fw, {}, {})
    b.normalise("goalposts", 0.0, 100.0)
    np.testing.assert_allclose(b.data["Normalised"], [[10.0, 90.0], [100.0, 100.0]])
    with pytest.raises(EngineInputError) as ei:
        IndexBuild(np.ones((2, 1)), ("A", "B"), Framework.build(
            [IndicatorMeta("x", parent="I"), IndicatorMeta("I")], ["x"]), {}, {}
        ).normalise("goalposts")  # fmt: skip
    assert ei.value.code == "E-ENGINE-NO-GOALPOSTS" and "x" in str(ei.value)


# COINr vignettes/results.Rmd: get_results(..., use_group = "GDPpc_group",
# use = "groupranks"), the first six units of groups XL and L, ranks within the
# group at every level (Index … SusEcFin in CODES order)
GROUP_RANKS = {
    "CHE": ("XL", (1, 2, 1, 3, 5, 8, 2, 2, 1, 1, 8)),
    "NLD": ("XL", (2, 3, 6, 2, 4, 2, 10, 6, 8, 4, 7)),
    "DNK": ("XL", (3, 6, 2, 8, 6, 6, 6, 5, 3, 5, 5)),
    "NOR": ("XL", (4, 5, 4, 4, 8, 4, 1, 11, 2, 3, 10)),
    "SWE": ("XL", (5, 10, 3, 7, 10, 3, 8, 10, 5, 2, 3)),
    "AUT": ("XL", (6, 7, 5, 11, 7, 5, 4, 4, 4, 9, 2)),
    "BEL": ("L", (1, 1, 2, 1, 2, 4, 7, 3, 10, 1, 9)),
    "MLT": ("L", (2, 2, 5, 3, 1, 12, 4, 1, 2, 10, 3)),
    "SVN": ("L", (3, 4, 1, 2, 6, 9, 6, 5, 5, 3, 2)),
    "GBR": ("L", (4, 3, 3, 4, 8, 5, 5, 7, 3, 2, 8)),
    "CZE": ("L", (5, 5, 4, 9, 5, 8, 10, 6, 12, 9, 1)),
    "ESP": ("L", (6, 7, 7, 7, 10, 2, 3, 9, 6, 6, 10)),
}


def test_asem_ranks_within_gdp_per_capita_groups_every_level(asem: IndexBuild) -> None:
    from fenghuang.engine import rank_within_groups

    units = asem.units_["Aggregated"]
    keep = [asem.units.index(u) for u in units]
    groups = np.asarray(asem.groups["GDPpc_group"])[keep]
    for j, code in enumerate(CODES):
        ranks = rank_within_groups(asem.scores(code), groups=groups).rank
        for u, (grp, expected) in GROUP_RANKS.items():
            i = units.index(u)
            assert groups[i] == grp
            assert ranks[i] == expected[j], (u, code)


# COINr vignettes/results.Rmd: get_unit_summary(coin, usel = "IND", Levels = c(4, 3, 2))
IND_SUMMARY = {
    "Index": (39.79, 45), "Conn": (28.60, 44), "Sust": (50.99, 43), "Physical": (18.78, 48),
    "ConEcFin": (6.38, 49), "Political": (51.90, 33), "Instit": (59.84, 37),
    "P2P": (6.07, 47), "Environ": (75.34, 6), "Social": (22.74, 51), "SusEcFin": (54.88, 36),
}  # fmt: skip


def test_asem_india_unit_summary_every_level(asem: IndexBuild) -> None:
    i = asem.units_["Aggregated"].index("IND")
    for code, (score, rank) in IND_SUMMARY.items():
        assert asem.scores(code)[i] == pytest.approx(score, abs=0.005), code
        assert asem.ranks(code)[i] == rank, code


def test_variant_with_imputation_changed(asem: IndexBuild) -> None:
    med = asem.variant("impute", method="median", group=None)
    assert med.log[1] == ("impute", {"method": "median", "group": None})
    assert asem.log[1] == ("impute", {"method": "group_mean", "group": "EurAsia_group"})
    raw = med.data["Screened"]
    # the imputed cells now hold the column medians of the raw data
    R = asem.data["Denominated"]
    miss = np.isnan(R)
    assert miss.any()
    i, j = np.argwhere(miss)[0]
    assert raw[i, j] == pytest.approx(np.nanmedian(R[:, j]))
    assert asem.data["Screened"][i, j] != pytest.approx(raw[i, j])
    cmp = asem.compare(med)
    assert len(cmp.units) == 51 and np.any(cmp.change != 0)
