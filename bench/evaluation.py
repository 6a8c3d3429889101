"""Evaluation benchmark: the whole annual evaluation against the engine alone.

Run: ``nice .venv/bin/python bench/evaluation.py [--firms 1000000] [--repeat 3]``

All data are 模拟数据 (synthetic): ``--firms`` firm-year facts generated with
vectorised numpy (lognormal land, tax, value added, energy, emissions,
employees, R&D, electricity; 70% 规上; 5% without emission data, 1% without
land; 0.5% exempt, 0.2% with a major accident, 1% listed, 2% growth-type tech
firms, 3% new firms). Prints, from one run:

* ``evaluate(facts, huangyan-2022)``: derived fields and indicators from the
  method's formulas, pools (规上/规下), missing-data rules (pool average item),
  not-rated and provisional rules, vetoes, adjustments, share classes,
  ranks and percentiles, and the five result tables;
* the policy bills (``fenghuang.policy.compute_bills`` on the evaluation's
  results and the facts, the method's surcharges);
* the engine alone on the same numbers: the 规上 pool's six indicators as a
  matrix through ``score_benchmark`` (the method's benchmarks and points,
  no cap) and ``classify_shares`` (20/40/35/5 within the pool), as
  bench/engine.py does;

with the ratio of each to the engine alone, and peak memory (numpy buffers
traced with ``tracemalloc``; Arrow buffers from Arrow's pool) against the
size of the facts table.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.engine import classify_shares, score_benchmark
from fenghuang.evaluation import evaluate
from fenghuang.methods import load_method

SHARES = (0.2, 0.4, 0.35, 0.05)
LABELS = ("A", "B", "C", "D")


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time over ``repeat`` runs (after one warm-up) and the last result."""
    out = fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def synthetic_facts(n: int, year: int, seed: int) -> pa.Table:
    """``n`` firm-year facts (模拟数据), vectorised; base units of fenghuang.facts."""
    rng = np.random.default_rng(seed)

    def ln(mu: float, sigma: float = 1.0) -> np.ndarray:
        return rng.lognormal(mu, sigma, n)

    def some(p: float) -> np.ndarray:
        return rng.random(n) < p

    above = some(0.7)
    land = ln(3.0, 0.8)  # 亩, median ≈ 20
    land = np.where(some(0.01), np.nan, land)
    tax = land * ln(np.log(12e4), 0.9)  # 元, ≈ 12 万元/亩
    va = land * ln(np.log(70e4), 0.8)
    revenue = va * ln(np.log(4.0), 0.3)
    energy = va / ln(np.log(2.5e4), 0.7)  # tce, ≈ 2.5 万元 VA / tce
    no_emis = some(0.05)
    cod = np.where(no_emis, np.nan, va / ln(np.log(5e7), 0.8))
    so2 = np.where(no_emis, np.nan, va / ln(np.log(8e7), 0.8))
    employees = np.maximum(1.0, np.round(va / ln(np.log(18e4), 0.5)))
    rd = revenue * ln(np.log(0.02), 0.7)
    kwh = tax / ln(np.log(0.25), 0.6)
    code = pc.utf8_lpad(pa.array(np.arange(n).astype(str)), 10, "0")
    code = pc.binary_join_element_wise("SIM", code, "")
    exempt = np.where(some(0.005), "公用事业", None)
    founded = rng.integers(1990, year, n)
    founded_date = pa.array((founded - 1970) * 365, pa.int32()).cast(pa.date32())
    arrays: dict[str, Any] = {
        "credit_code": code,
        "name": pc.binary_join_element_wise("模拟企业", code, ""),
        "county_code": pa.array(
            np.asarray(["360302", "360313", "360321", "360322", "360323"])[rng.integers(0, 5, n)]
        ),
        "industry_code": pa.array(np.asarray(["C30", "C39", "C26", "C34"])[rng.integers(0, 4, n)]),
        "above_scale": pa.array(above),
        "founded": founded_date,
        "exempt": pa.array(exempt, pa.string()),
        "listed": pa.array(some(0.01)),
        "tech_growth": pa.array(some(0.02)),
        "major_project": pa.array(some(0.005)),
        "year": pa.array(np.full(n, year, np.int64)),
        "land_own": pa.array(land, from_pandas=True),
        "tax_paid": pa.array(tax, from_pandas=True),
        "revenue": pa.array(revenue, from_pandas=True),
        "value_added": pa.array(va, from_pandas=True),
        "employees": pa.array(employees),
        "energy_tce": pa.array(energy, from_pandas=True),
        "electricity_kwh": pa.array(kwh, from_pandas=True),
        "cod_t": pa.array(cod, from_pandas=True),
        "so2_t": pa.array(so2, from_pandas=True),
        "rd_expense": pa.array(rd, from_pandas=True),
        "accident_safety": pa.array(some(0.002)),
        "new_firm": pa.array(some(0.03)),
    }
    return pa.table(arrays)


def engine_inputs(
    facts: pa.Table, method: Any
) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Per pool: its code, indicator matrix (method formulas, its units), benchmarks, points."""
    from fenghuang.evaluation._frame import build_frame

    frame = build_frame(facts, method)
    out = []
    for k, pool in enumerate(method.pools):
        codes = [it.indicator for it in pool.items]
        X = np.column_stack([np.asarray(frame.cols[c], dtype=np.float64) for c in codes])
        X = X[np.asarray(frame.pool) == k]
        X = np.ascontiguousarray(np.nan_to_num(X, nan=0.0, posinf=0.0, neginf=0.0))
        bench = np.asarray([float(it.benchmark) for it in pool.items])
        points = np.asarray([float(it.weight) for it in pool.items])
        out.append((pool.code, X, bench, points))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--method", default="huangyan-2022")
    args = ap.parse_args()

    method = load_method(args.method)
    t0 = time.perf_counter()
    facts = synthetic_facts(args.firms, 2023, args.seed)
    t_gen = time.perf_counter() - t0
    mb = facts.nbytes / 2**20
    print("Fenghuang evaluation benchmark — 模拟数据 (synthetic)")
    print(
        f"{args.firms:,} firms, {facts.num_columns} fact columns ({mb:.0f} MB Arrow), "
        f"method {args.method}, best of {args.repeat}; generated in {t_gen:.1f} s"
    )
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"numpy {np.__version__}, pyarrow {pa.__version__}"
    )
    print()

    pools = engine_inputs(facts, method)

    def engine() -> list[np.ndarray]:
        out = []
        for _, X, bench, points in pools:
            s = score_benchmark(X, bench, points, np.inf)
            out.append(classify_shares(s, SHARES, LABELS))
        return out

    engine()  # the compiled kernels' first call (numba cache load) is not timed
    t_engine, labs = best_of(engine, args.repeat)
    t_eval, ev = best_of(lambda: evaluate(facts, method), args.repeat)
    res = ev.results
    counts = {
        k: v
        for k, v in zip(
            *np.unique(
                np.asarray(res.column("class_final").to_pylist(), dtype=object).astype(str),
                return_counts=True,
            ),
            strict=True,
        )
    }

    shapes = ", ".join(f"{c} {X.shape[0]:,} × {X.shape[1]}" for c, X, _, _ in pools)
    print(f"engine alone on each pool's indicator matrix ({shapes}):")
    print(f"  score_benchmark + classify_shares per pool       {t_engine * 1e3:9.1f} ms")
    print("whole evaluation:")
    print(
        f"  evaluate (formulas, pools, missing data, vetoes,  {t_eval * 1e3:9.1f} ms"
        f"  = {t_eval / t_engine:6.1f}× the engine alone"
    )
    print("            adjustments, classes, result tables)")
    print(f"  classes: { {str(k): int(v) for k, v in counts.items()} }")
    raw = {k: sum(int((lab == k).sum()) for lab in labs) for k in LABELS}
    print(f"  engine classes (raw shares, before not-rated rules, vetoes, adjustments): {raw}")

    try:
        from fenghuang.policy import compute_bills
    except ImportError:  # pragma: no cover
        compute_bills = None
    t_bills = None
    if compute_bills is not None and method.policies is not None:
        t_bills, bills = best_of(lambda: compute_bills(res, facts, method.policies), args.repeat)
        print(
            f"  policy bills (compute_bills, {bills.num_rows:,} lines)      {t_bills * 1e3:9.1f} ms"
            f"  = {t_bills / t_engine:6.1f}× the engine alone"
        )
        print(
            f"  evaluate + bills                                 {(t_eval + t_bills) * 1e3:9.1f} ms"
            f"  = {(t_eval + t_bills) / t_engine:6.1f}× the engine alone"
        )
    print()

    pool = pa.default_memory_pool()
    tracemalloc.start()
    base_arrow = pool.bytes_allocated()
    evaluate(facts, method)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    arrow_peak = max(0, pool.max_memory() - base_arrow) if pool.max_memory() else 0
    print(
        f"peak memory of evaluate: numpy/Python {peak / 2**20:.0f} MB "
        f"= {peak / facts.nbytes:.2f}× the facts table; "
        f"Arrow pool high-water mark {pool.max_memory() / 2**20:.0f} MB "
        f"({arrow_peak / 2**20:.0f} MB above the facts)"
    )


if __name__ == "__main__":
    main()
