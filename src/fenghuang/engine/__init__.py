"""The composite-indicator engine: pure numpy/scipy over (units × indicators).

Steps: denominate, screen, impute, treat outliers, normalise, weight,
aggregate, classify, rank (MCDA) and audit. Arrays in, arrays out; no
files, database, clock or global RNG.
"""

# -- build steps: denominate, screen, impute, treat, normalise, aggregate, IndexBuild
# (owned by the engine-core work; add imports here)

# -- weights, MCDA rankers, classification, audit statistics
# (owned by the weights/MCDA work; add imports here)

__all__: list[str] = []
