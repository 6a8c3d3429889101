"""fenghuang.synthetic — a synthetic Pingxiang-like city (模拟数据).

:func:`generate_city` writes the files a city's departments send (firm
register, land parcels, monthly taxes and power, annual statistics, energy,
emissions, R&D) in the formats they send them, with the faults real files
have, plus the ground truth the import must produce and the list of faults.
:func:`stream_city` writes the large monthly files for benchmarks chunk by
chunk, in bounded memory. Calibration targets: :data:`TARGETS`.
"""

from fenghuang.synthetic._calibration import SOURCE, TARGETS, Target, pool_averages
from fenghuang.synthetic._city import CITIES, CityManifest, generate_city, truth_schema
from fenghuang.synthetic._ledger import Fault, load_faults
from fenghuang.synthetic._stream import StreamManifest, stream_city

__all__ = [
    "CITIES",
    "SOURCE",
    "TARGETS",
    "CityManifest",
    "Fault",
    "StreamManifest",
    "Target",
    "generate_city",
    "load_faults",
    "pool_averages",
    "stream_city",
    "truth_schema",
]
