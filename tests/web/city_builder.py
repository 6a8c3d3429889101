"""Build an evaluated synthetic city (模拟数据) in a DuckDB file, through the real parts.

``fenghuang.synthetic.generate_city`` writes the departments' files,
``fenghuang.warehouse.import_files`` imports them and
``fenghuang.evaluation.run_evaluation`` evaluates the last years. The tests
build this once per session (``demo_city`` in conftest.py) and copy the file
for each test that needs it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

#: The demo's main method when shipped, else the one with surcharge policies.
PREFERRED_METHODS = ("pingxiang-4heroes", "huangyan-2022")


@dataclass(frozen=True)
class DemoCity:
    """An evaluated synthetic city in a closed DuckDB file."""

    path: Path
    method: str
    runs: tuple[str, ...]  # oldest year first
    codes: tuple[str, ...]  # credit codes of the newest run, sorted
    year: int  # the newest year evaluated
    years: tuple[int, ...]
    files: dict[str, tuple[Path, ...]]  # the departments' files, by department

    def copy_to(self, target: Path) -> Path:
        """Copy the store file to ``target`` (a fresh, independent store)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, target)
        return target


def main_method() -> str:
    """The first of :data:`PREFERRED_METHODS` that is shipped."""
    from fenghuang.evaluation import list_methods

    names = {str(getattr(m, "name", m)) for m in list_methods()}
    return next(m for m in PREFERRED_METHODS if m in names)


def build_demo_city(work: Path, *, firms: int = 60, evaluate_years: int = 2) -> DemoCity:
    """Generate, import and evaluate a small synthetic city into ``work/city.duckdb``."""
    import fenghuang.evaluation as ev
    import fenghuang.synthetic as syn
    import fenghuang.warehouse as wh
    from fenghuang.web.services.demo import mark_synthetic

    manifest = syn.generate_city(work / "files", firms=firms, seed=1)
    files = [p for paths in manifest.department_files.values() for p in paths]
    path = work / "city.duckdb"
    store = wh.Store(path)
    try:
        mark_synthetic(store)
        report = wh.import_files(store, files)
        assert report.rows_loaded > 0
        method = main_method()
        years = tuple(wh.years(store)[-evaluate_years:])
        runs = tuple(ev.run_evaluation(store, method, y, actor="test").run_id for y in years)
        codes = tuple(
            sorted(ev.load_run(store, runs[-1]).results.column("credit_code").to_pylist())
        )
    finally:
        store.close()
    return DemoCity(
        path=path,
        method=method,
        runs=runs,
        codes=codes,
        year=years[-1],
        years=years,
        files={k: tuple(v) for k, v in manifest.department_files.items()},
    )
