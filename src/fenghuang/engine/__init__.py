"""The composite-indicator engine: pure numpy/scipy over (units × indicators).

Steps: denominate, screen, impute, treat outliers, normalise, weight,
aggregate, classify, rank (MCDA) and audit. Arrays in, arrays out; no
files, database, clock or global RNG.
"""

# -- build steps: denominate, screen, impute, treat, normalise, aggregate, IndexBuild
# (owned by the engine-core work; add imports here)
from ._aggregate import a_amean, a_copeland, a_genmean, a_gmean, a_hmean
from ._build import IndexBuild, RankChange
from ._framework import Framework, IndicatorMeta, framework_from_rows
from ._layout import build_from_rows, coinr_pipeline, example_build
from ._normalise import (
    n_benchmark,
    n_borda,
    n_distance_to_max,
    n_distance_to_ref,
    n_goalposts,
    n_minmax,
    n_percentile,
    n_rank,
    n_target,
    n_zscore,
)
from ._prep import (
    denominate,
    impute_group,
    impute_locf,
    impute_mean,
    impute_median,
    screen_units,
)
from ._steps import Impute, MinMax, Treat
from ._treat import TreatResult, outlier_stats, treat_outliers

# isort: split

# -- weights, MCDA rankers, classification, audit statistics
# (owned by the weights/MCDA work; add imports here)
from ._audit import (
    CollinearPair,
    IndicatorStats,
    collinear_pairs,
    correlation_matrix,
    cronbach_alpha,
    indicator_stats,
)
from ._classify import ClassBoundaries, class_boundaries, classify_shares
from ._classify_rules import classify_breaks, classify_thresholds
from ._fused import score_benchmark
from ._mcda import VikorResult, topsis, vikor, waspas
from ._promethee import PREFERENCE_FUNCTIONS, PrometheeResult, promethee_ii
from ._rank import GroupRanks, rank_within_groups
from ._weighting import Weighting
from ._weights import WEIGHT_METHODS, WeightsRenormalisedWarning, w_equal, w_fixed
from ._weights_objective import w_critic, w_entropy, w_merec, w_pca, w_std

__all__: list[str] = [  # build steps
    "Framework",
    "Impute",
    "IndexBuild",
    "IndicatorMeta",
    "MinMax",
    "RankChange",
    "Treat",
    "TreatResult",
    "a_amean",
    "a_copeland",
    "a_genmean",
    "a_gmean",
    "a_hmean",
    "build_from_rows",
    "coinr_pipeline",
    "denominate",
    "example_build",
    "framework_from_rows",
    "impute_group",
    "impute_locf",
    "impute_mean",
    "impute_median",
    "n_benchmark",
    "n_borda",
    "n_distance_to_max",
    "n_distance_to_ref",
    "n_goalposts",
    "n_minmax",
    "n_percentile",
    "n_rank",
    "n_target",
    "n_zscore",
    "outlier_stats",
    "screen_units",
    "treat_outliers",
]
__all__ += [  # weights, MCDA rankers, classification, audit statistics
    "PREFERENCE_FUNCTIONS",
    "WEIGHT_METHODS",
    "ClassBoundaries",
    "CollinearPair",
    "GroupRanks",
    "IndicatorStats",
    "PrometheeResult",
    "VikorResult",
    "Weighting",
    "WeightsRenormalisedWarning",
    "class_boundaries",
    "classify_breaks",
    "classify_shares",
    "classify_thresholds",
    "collinear_pairs",
    "correlation_matrix",
    "cronbach_alpha",
    "indicator_stats",
    "promethee_ii",
    "rank_within_groups",
    "score_benchmark",
    "topsis",
    "vikor",
    "w_critic",
    "w_entropy",
    "w_equal",
    "w_fixed",
    "w_merec",
    "w_pca",
    "w_std",
    "waspas",
]
