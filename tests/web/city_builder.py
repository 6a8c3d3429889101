"""Build an evaluated demo city in a store, through the real parts when they exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import contract_double

METHOD_FALLBACK = "pingxiang-2023"


def build_demo_city(
    store: Any, work: Path, *, firms: int = 120, monkeypatch: Any = None
) -> dict[str, Any]:
    """Generate, import and evaluate a small synthetic city; returns run ids and firm codes.

    Uses ``fenghuang.synthetic.generate_city`` → ``warehouse.import_files`` →
    ``evaluation.run_evaluation`` when those exist; otherwise the contract
    stand-in (``contract_double``), installed through ``monkeypatch``.
    """
    from fenghuang.web.services.demo import mark_synthetic

    mark_synthetic(store)
    if contract_double.needed():
        assert monkeypatch is not None
        contract_double.install(monkeypatch)
        codes = contract_double.build_city(store, firms=firms)
        method = METHOD_FALLBACK
        runs = [contract_double.run_evaluation(store, method, y) for y in (2022, 2023)]
        return {"method": method, "runs": runs, "codes": codes, "year": 2023, "double": True}
    import fenghuang.evaluation as ev
    import fenghuang.synthetic as syn
    import fenghuang.warehouse as wh

    out = syn.generate_city(work / "city", firms=firms, seed=1)
    files = sorted(
        p
        for p in (work / "city").rglob("*")
        if p.is_file() and p.suffix in (".xlsx", ".csv", ".xls")
    )
    wh.import_files(store, files)
    methods = ev.list_methods()
    method = methods[0] if isinstance(methods[0], str) else methods[0].name
    runs_tab = ev.list_runs(store)
    years = (
        sorted({int(y) for y in wh.fact_years(store)})
        if hasattr(wh, "fact_years")
        else [2022, 2023]
    )
    runs = [ev.run_evaluation(store, method, y) for y in years[-2:]]
    from fenghuang.web.services.backend import records

    rows = records(ev.load_run(store, runs[-1]).results)
    del runs_tab, out
    return {
        "method": method,
        "runs": runs,
        "codes": sorted(r["credit_code"] for r in rows),
        "year": years[-1],
        "double": False,
    }
