"""Index runs in the warehouse: append-only, identified by method hash and panel digest.

Computing the same method on the same panel gives the same ``run_id`` and is
not stored twice; a changed method or panel makes a new, comparable run.
"""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa

from fenghuang.monitor._index import CityIndexResult, compute_index_on_table, load_index_method
from fenghuang.monitor._panel import fetch_observations
from fenghuang.warehouse import Store

__all__ = ["latest_index_run", "run_city_index"]


def _digest(table: pa.Table) -> str:
    cols = ["obs_id", "value_norm", "status"]
    rows = sorted(zip(*(table.column(c).to_pylist() for c in cols), strict=True), key=str)
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


def run_city_index(
    store: Store, *, method: str | None = None, variant: str = "pressure-capacity"
) -> tuple[str, CityIndexResult]:
    """Compute the index on the loaded panel and record the run; returns ``(run_id, result)``."""
    m = load_index_method(method, variant=variant)
    mhash = hashlib.sha256(m.model_dump_json().encode()).hexdigest()[:16]
    panel = fetch_observations(store)
    digest = _digest(panel)
    run_id = hashlib.sha256(f"{mhash}:{digest}".encode()).hexdigest()[:20]
    result = compute_index_on_table(panel, m, method_hash=mhash)
    with store.transaction():
        if store.fetch_all("select 1 from monitor_index_runs where run_id = ?", [run_id]):
            return run_id, result
        store.execute(
            "insert into monitor_index_runs(run_id, method_code, method_name, method_hash, panel_digest,"
            " n_obs, excluded) values (?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                m.meta.name,
                m.meta.title_zh,
                mhash,
                digest,
                panel.num_rows,
                json.dumps(result.excluded, ensure_ascii=False),
            ],
        )
        rows = [
            {
                "run_id": run_id,
                "place_code": r.place_code,
                "place_name": r.place_name,
                "city_type": r.city_type,
                "pressure": r.pressure,
                "capacity": r.capacity,
                "warning": r.warning,
                "score": r.score,
                "rank_in_type": r.rank_in_type,
                "dimensions": json.dumps(r.dimensions, ensure_ascii=False),
                "missing": json.dumps(list(r.missing), ensure_ascii=False),
            }
            for r in result.rows
        ]
        if rows:
            schema = pa.schema(
                [
                    ("run_id", pa.string()),
                    ("place_code", pa.string()),
                    ("place_name", pa.string()),
                    ("city_type", pa.string()),
                    ("pressure", pa.float64()),
                    ("capacity", pa.float64()),
                    ("warning", pa.float64()),
                    ("score", pa.float64()),
                    ("rank_in_type", pa.int32()),
                    ("dimensions", pa.string()),
                    ("missing", pa.string()),
                ]
            )
            store.insert_arrow("monitor_index_scores", pa.Table.from_pylist(rows, schema=schema))
    return run_id, result


def latest_index_run(store: Store) -> tuple[str, pa.Table] | None:
    """The newest recorded run and its scores, or ``None``."""
    runs = store.fetch_all(
        "select run_id from monitor_index_runs order by computed_at desc limit 1"
    )
    if not runs:
        return None
    run_id = str(runs[0][0])
    scores = store.fetch_arrow(
        "select * from monitor_index_scores where run_id = ? order by city_type, rank_in_type",
        [run_id],
    )
    return run_id, scores
