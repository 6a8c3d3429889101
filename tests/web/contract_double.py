"""A stand-in for the evaluation/warehouse public functions the web app calls.

ONLY used while ``fenghuang.evaluation`` / ``fenghuang.warehouse`` do not yet
provide them (``install`` never replaces a real function). It implements the
agreed contract — ``list_runs``, ``load_run``, ``run_evaluation``,
``firm_diagnostic``, ``firm_bill``, ``compare_runs``, ``list_methods``,
``firm_facts``, ``fact_lineage``, ``correct_fact``, ``set_confirmation``,
``list_imports``, ``quarantine`` — over small tables, so the pages can be
exercised end to end.
"""

from __future__ import annotations

import hashlib
import random
from types import SimpleNamespace
from typing import Any

import pyarrow as pa

COUNTIES = [
    ("360302", "安源区"),
    ("360313", "湘东区"),
    ("360321", "莲花县"),
    ("360322", "上栗县"),
    ("360323", "芦溪县"),
]
PARKS = ["萍乡经开区", "湘东产业园", "莲花工业园", "上栗工业园", "芦溪工业园"]
CHAINS = ["电子信息", "新材料", "装备制造", "食品医药", "烟花爆竹"]
INDUSTRIES = [
    ("C30", "非金属矿物制品业"),
    ("C39", "计算机通信电子"),
    ("C26", "化学原料制品"),
    ("C34", "通用设备制造"),
]
INDICATORS = [
    ("tax_per_mu", "亩均税收", "万元/亩", "tax_paid"),
    ("va_per_mu", "亩均增加值", "万元/亩", "value_added"),
    ("energy", "单位能耗增加值", "万元/吨标准煤", "energy_tce"),
    ("rd", "研发经费占比", "%", "rd_expense"),
    ("labour", "全员劳动生产率", "万元/人", "employees"),
]


def _schema(store: Any) -> None:
    store.execute(
        "create table if not exists cd_firms(credit_code varchar primary key, name varchar, former_names varchar, county_code varchar, county varchar, park varchar, industry_code varchar, industry_name varchar, chain varchar)"
    )
    store.execute(
        "create table if not exists cd_facts(credit_code varchar, year integer, field varchar, value double, source varchar, status varchar default 'pending')"
    )
    store.execute(
        "create table if not exists cd_runs(run_id varchar primary key, method varchar, year integer, created_at timestamp default current_timestamp)"
    )
    store.execute(
        "create table if not exists cd_results(run_id varchar, credit_code varchar, pool_name varchar, score double, class_final varchar, rank_in_pool integer, pool_size integer, percentile_pool double)"
    )
    store.execute(
        "create table if not exists cd_imports(import_id varchar, file_name varchar, department varchar, imported_at timestamp default current_timestamp, rows_read bigint, rows_loaded bigint, rows_rejected bigint)"
    )


def code_of(i: int) -> str:
    return f"91360300MA{i:07d}X"[:18]


def build_city(
    store: Any, firms: int = 120, years: tuple[int, ...] = (2022, 2023), seed: int = 1
) -> list[str]:
    """Firms and facts for ``years``; returns the credit codes."""
    _schema(store)
    rng = random.Random(seed)
    codes = []
    firm_rows, fact_rows = [], []
    for i in range(firms):
        code = code_of(i)
        codes.append(code)
        cc, cn = COUNTIES[i % 5]
        ic, iname = INDUSTRIES[i % 4]
        firm_rows.append(
            (
                code,
                f"萍乡模拟企业{i:04d}有限公司",
                f"萍乡旧名{i:04d}厂" if i % 7 == 0 else "",
                cc,
                cn,
                PARKS[i % 5],
                ic,
                iname,
                CHAINS[i % 5],
            )
        )
        for y in years:
            for _, _, _, fld in INDICATORS:
                fact_rows.append(
                    (
                        code,
                        y,
                        fld,
                        round(rng.lognormvariate(13, 1), 2),
                        f"{fld}_{y}_模拟.xlsx 第{i + 2}行",
                    )
                )
    store.insert_arrow(
        "cd_firms",
        pa.table(
            list(zip(*firm_rows, strict=True)),
            names=[
                "credit_code",
                "name",
                "former_names",
                "county_code",
                "county",
                "park",
                "industry_code",
                "industry_name",
                "chain",
            ],
        ),
    )
    store.insert_arrow(
        "cd_facts",
        pa.table(
            list(zip(*fact_rows, strict=True)),
            names=["credit_code", "year", "field", "value", "source"],
        ),
    )
    store.execute("create index if not exists cd_facts_firm on cd_facts(credit_code, year)")
    for dept in ("tax", "power", "land"):
        store.execute(
            "insert into cd_imports(import_id, file_name, department, rows_read, rows_loaded, rows_rejected) values (?, ?, ?, ?, ?, ?)",
            [f"imp-{dept}", f"{dept}_2023_模拟.xlsx", dept, firms, firms - 1, 1],
        )
    return codes


def list_runs(store: Any) -> pa.Table:
    return store.fetch_arrow(
        "select run_id, method, year, cast(created_at as varchar) as created_at from cd_runs order by created_at desc"
    )


def list_methods() -> list[str]:
    return ["pingxiang-2023", "huangyan-2022"]


def run_evaluation(store: Any, method: str, year: int) -> str:
    facts = store.fetch_all(
        "select credit_code, sum(ln(value)) from cd_facts where year = ? group by 1 order by 2 desc",
        [year],
    )
    n = len(facts)
    if not n:
        raise KeyError(year)
    run_id = f"run-{year}-" + hashlib.sha1(repr((method, year, facts)).encode()).hexdigest()[:8]
    store.execute("delete from cd_results where run_id = ?", [run_id])
    store.execute("delete from cd_runs where run_id = ?", [run_id])
    rows = []
    for rank, (code, s) in enumerate(facts, start=1):
        pct = 1 - (rank - 1) / n
        cls = "A" if pct > 0.8 else "B" if pct > 0.4 else "C" if pct > 0.1 else "D"
        rows.append((run_id, code, "工业企业", round(float(s), 3), cls, rank, n, round(pct, 4)))
    store.insert_arrow(
        "cd_results",
        pa.table(
            list(zip(*rows, strict=True)),
            names=[
                "run_id",
                "credit_code",
                "pool_name",
                "score",
                "class_final",
                "rank_in_pool",
                "pool_size",
                "percentile_pool",
            ],
        ),
    )
    store.execute(
        "insert into cd_runs(run_id, method, year) values (?, ?, ?)", [run_id, method, year]
    )
    return run_id


def load_run(store: Any, run_id: str) -> Any:
    rows = store.fetch_all("select method, year from cd_runs where run_id = ?", [run_id])
    if not rows:
        raise KeyError(run_id)
    results = store.fetch_arrow(
        "select f.credit_code, f.name, f.former_names, f.county_code, f.county, f.park, f.industry_code, f.chain, r.pool_name, r.score, r.rank_in_pool, r.pool_size, r.percentile_pool, r.class_final, '' as remark from cd_results r join cd_firms f using (credit_code) where r.run_id = ? order by r.rank_in_pool",
        [run_id],
    )
    return SimpleNamespace(run_id=run_id, method=rows[0][0], year=rows[0][1], results=results)


def firm_diagnostic(store: Any, run_id: str, code: str) -> dict[str, Any]:
    year = store.fetch_all("select year from cd_runs where run_id = ?", [run_id])[0][0]
    vals = dict(
        store.fetch_all(
            "select field, value from cd_facts where credit_code = ? and year = ?", [code, year]
        )
    )
    inds = []
    for icode, name, unit, fld in INDICATORS:
        v = vals.get(fld, 0.0)
        inds.append(
            {
                "code": icode,
                "name": name,
                "unit": unit,
                "value": v / 1e4,
                "benchmark": 50.0,
                "item_score": min(20.0, v / 1e5),
                "max_score": 20.0,
                "industry_median_item": 9.0,
            }
        )
    return {"indicators": inds, "counterfactuals": ["亩均税收提高 12% 即可升至上一等级（模拟）"]}


def firm_bill(store: Any, run_id: str, code: str) -> list[tuple[str, float]]:
    return [("电价加价", 12000.0), ("水价加价", 3400.0)]


def compare_runs(store: Any, a: str, b: str) -> pa.Table:
    return store.fetch_arrow(
        "select rb.credit_code, ra.class_final as class_a, rb.class_final as class_b, '亩均税收变化' as reason from cd_results ra join cd_results rb using (credit_code) where ra.run_id = ? and rb.run_id = ? and ra.class_final <> rb.class_final",
        [a, b],
    )


def firm_facts(store: Any, year: int) -> pa.Table:
    fields = ", ".join(f"'{f}'" for *_, f in INDICATORS)
    return store.fetch_arrow(
        f"pivot (select credit_code, field, value from cd_facts where year = {int(year)}) on field in ({fields}) using first(value)"
    )


def fact_lineage(store: Any, code: str, year: int) -> pa.Table:
    return store.fetch_arrow(
        "select field, value, source, status from cd_facts where credit_code = ? and year = ? order by field",
        [code, year],
    )


def correct_fact(
    store: Any, code: str, year: int, field: str, value: float, reason: str, actor: str
) -> None:
    store.execute(
        "update cd_facts set value = ?, source = source || ' → 更正：' || ? where credit_code = ? and year = ? and field = ?",
        [value, reason, code, year, field],
    )


def set_confirmation(store: Any, department: str, year: int, status: str, actor: str) -> None:
    store.execute("update cd_facts set status = ? where year = ?", [status, year])


def list_imports(store: Any) -> pa.Table:
    return store.fetch_arrow("select * from cd_imports")


def quarantine(store: Any) -> pa.Table:
    return store.fetch_arrow(
        "select import_id, 'tax' as department, 3 as row_no, 'E-CREDIT' as code, '信用代码校验位错误' as reason_zh from cd_imports where department = 'tax'"
    )


def import_files(
    store: Any, paths: list[Any], department: str | None = None
) -> list[dict[str, Any]]:
    out = []
    for p in paths:
        data = p.read_bytes()
        n = max(0, data.count(b"\n") - 1)
        store.execute(
            "insert into cd_imports(import_id, file_name, department, rows_read, rows_loaded, rows_rejected) values (?, ?, ?, ?, ?, 0)",
            [hashlib.sha256(data).hexdigest(), p.name, department or "", n, n],
        )
        out.append({"file_name": p.name, "rows_loaded": n, "rows_rejected": 0})
    return out


EVALUATION = (
    "list_runs",
    "list_methods",
    "run_evaluation",
    "load_run",
    "firm_diagnostic",
    "firm_bill",
    "compare_runs",
)
WAREHOUSE = (
    "import_files",
    "firm_facts",
    "fact_lineage",
    "correct_fact",
    "set_confirmation",
    "list_imports",
    "quarantine",
)


def needed() -> bool:
    """True while the evaluation part does not yet provide its public functions."""
    import fenghuang.evaluation as ev

    return not all(hasattr(ev, n) for n in EVALUATION)


def install(monkeypatch: Any) -> bool:
    """Install the stand-in (all of it, or nothing when the real part is there)."""
    import fenghuang.evaluation as ev
    import fenghuang.warehouse as wh

    if not needed():
        return False
    for mod, names in ((ev, EVALUATION), (wh, WAREHOUSE)):
        for name in names:
            monkeypatch.setattr(mod, name, globals()[name], raising=False)
    return True
