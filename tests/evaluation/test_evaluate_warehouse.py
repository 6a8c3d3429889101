"""evaluate() on real warehouse facts: synthetic city files (模拟数据) imported into a DuckDB file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fenghuang.evaluation import diagnose, evaluate
from fenghuang.methods import list_methods, load_method
from fenghuang.synthetic import generate_city
from fenghuang.warehouse import Store, firm_facts, import_files

pytestmark = pytest.mark.slow


def test_every_shipped_method_on_imported_facts(tmp_path: Path) -> None:
    generate_city(tmp_path / "city", firms=60, seed=3, years=(2022, 2023))
    files = sorted(
        p for p in (tmp_path / "city").iterdir() if p.is_file() and p.suffix in (".csv", ".xlsx")
    )
    store = Store(tmp_path / "w.duckdb")
    import_files(store, files)
    f23, f22 = firm_facts(store, 2023), firm_facts(store, 2022)
    assert f23.num_rows >= 60
    for info in list_methods():
        m = load_method(info.name)
        ev = evaluate(f23, m, previous=f22)
        r = ev.results
        assert r.column("credit_code").to_pylist() == f23.column("credit_code").to_pylist()
        rated = np.asarray(r.column("rated").to_pylist())
        scores = r.column("score").to_numpy(zero_copy_only=False)
        assert rated.sum() > 40, info.name
        assert np.isfinite(scores[rated]).all() and np.isnan(scores[~rated]).all()
        finals = set(r.column("class_final").to_pylist())
        assert {"A", "B", "C"} <= finals, (info.name, finals)
        assert "" not in finals  # every firm has a class or a not-rated label
        best = r.filter(r.column("rated")).sort_by([("score", "descending")])
        code = best.column("credit_code")[best.num_rows // 2].as_py()
        d = diagnose(ev, m, code, facts=f23)
        assert d["indicators"] and all("sentence_zh" in c for c in d["counterfactuals"])
