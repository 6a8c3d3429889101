"""The demo's seed cities: extracted figures from the packaged example reports, and an index run.

:func:`load_seed_cities` is the one call the demo makes (``fenghuang demo``):
it extracts the example reports into the panel (status 待核实, labelled as
extracted figures), optionally adds a 模拟数据 panel for every registry city,
records an index run, and says which seed city has no extracted figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from fenghuang.monitor._panel import fetch_observations
from fenghuang.monitor._registry import load_registry
from fenghuang.monitor._runs import run_city_index
from fenghuang.monitor._views import SEED_CITIES, seed_demo
from fenghuang.warehouse import Store

__all__ = ["SeedResult", "load_seed_cities"]


@dataclass(frozen=True)
class SeedResult:
    """What :func:`load_seed_cities` loaded.

    Attributes
    ----------
    figures : int
        Observations written (extracted, plus synthetic if asked for).
    extracted_by_city : dict of str to int
        Extracted figures (origin ``report``) per seed city, by name.
    without_figures : tuple of str
        Seed cities the example reports give no figure for (长治市: the
        shared reports do not cover it); with ``synthetic`` they have 模拟数据
        only.
    run_id : str or None
        The recorded index run, ``None`` when the index could not be computed.
    """

    figures: int
    extracted_by_city: dict[str, int]
    without_figures: tuple[str, ...]
    run_id: str | None


def load_seed_cities(store: Store, *, synthetic: bool = False, seed: int = 2013) -> SeedResult:
    """Load the seed cities (萍乡, 玉门, 阳泉, 伊春, 长治) for the demo.

    Re-running is harmless: observations are keyed by source and span, and an
    index run on an unchanged panel is not stored twice.

    Parameters
    ----------
    store : Store
        The warehouse (migrated).
    synthetic : bool
        Also load a synthetic panel (模拟数据) for every registry city, so the
        map and the peer comparison have data for every type.
    seed : int
        Seed of the synthetic panel.

    Returns
    -------
    SeedResult

    Examples
    --------
    >>> from fenghuang.warehouse import Store
    >>> res = load_seed_cities(Store(":memory:"))
    >>> res.extracted_by_city["萍乡市"] > 0, res.without_figures
    (True, ('长治市',))
    """
    figures = seed_demo(store, synthetic=synthetic, seed=seed)
    registry = load_registry()
    codes: dict[str, str | None] = {}
    for name in SEED_CITIES:
        city = registry.get(name)
        codes[name] = city.code if city else None
    panel = fetch_observations(store)
    counts: dict[str, int] = {}
    for row in panel.select(["place_code", "origin"]).to_pylist():
        if row["origin"] == "report":
            counts[row["place_code"]] = counts.get(row["place_code"], 0) + 1
    by_city = {name: counts.get(code or "", 0) for name, code in codes.items()}
    run_id: str | None = None
    if panel.num_rows:
        run_id, _ = run_city_index(store)
    return SeedResult(
        figures=figures,
        extracted_by_city=by_city,
        without_figures=tuple(n for n, k in by_city.items() if k == 0),
        run_id=run_id,
    )
