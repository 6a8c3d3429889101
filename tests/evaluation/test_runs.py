"""Evaluation runs: immutable, versioned storage on a real DuckDB file.

These tests store hand-made :class:`Evaluation` objects (the contract of
``_model.py``) so that storage is checked independently of the scoring.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fenghuang.evaluation as ev
import fenghuang.warehouse as wh
from fenghuang.errors import NotFoundError
from fenghuang.evaluation import MethodSource, facts_sha256, record_run
from fenghuang.evaluation._model import (
    BOUNDARIES_SCHEMA,
    EVENTS_SCHEMA,
    ITEMS_SCHEMA,
    POOL_STATS_SCHEMA,
    RESULTS_SCHEMA,
    Evaluation,
)
from fenghuang.sources import make_credit_code
from fenghuang.warehouse import Store

CODES = [make_credit_code(f"91360300MA{i:07d}") for i in range(4)]
METHOD_TEXT = 'name = "toy-2023"\ntitle = "玩具办法（测试）"\n'
METHOD = MethodSource(
    name="toy-2023",
    title="玩具办法（测试）",
    text=METHOD_TEXT,
    sha256=hashlib.sha256(METHOD_TEXT.encode()).hexdigest(),
)


def make_facts(tax: list[float | None] | None = None, year: int = 2023) -> pa.Table:
    """A facts table with the full facts schema; ``tax`` per firm (元)."""
    tax = tax if tax is not None else [4.0e6, 2.0e6, 1.0e6, 5.0e5]
    n = len(tax)
    cols: dict[str, Any] = {}
    for name, f in ev.FACTS_COLUMNS.items():
        typ = {
            "string": pa.string(),
            "int64": pa.int64(),
            "float64": pa.float64(),
            "bool": pa.bool_(),
            "date": pa.date32(),
        }[f.dtype]
        cols[name] = pa.nulls(n, typ)
    cols["credit_code"] = pa.array(CODES[:n])
    cols["name"] = pa.array([f"模拟企业{i}有限公司" for i in range(n)])
    cols["county"] = pa.array(["安源区", "安源区", "湘东区", "湘东区"][:n])
    cols["year"] = pa.array([year] * n, pa.int64())
    cols["land_own"] = pa.array([10.0] * n)
    cols["tax_paid"] = pa.array(tax, pa.float64())
    return pa.table(cols)


def make_evaluation(
    classes: tuple[str, ...] = ("A", "B", "C", "D"),
    tax: list[float | None] | None = None,
    year: int = 2023,
    veto: int | None = None,
) -> Evaluation:
    """A hand-made evaluation of the four firms: one item, tax per mu / 20 万元 × 100."""
    facts = make_facts(tax, year)
    n = facts.num_rows
    taxes = facts.column("tax_paid").to_pylist()
    per_mu = [None if t is None else t / 10.0 for t in taxes]  # 元/亩, 10 亩 each
    item = [0.0 if v is None else min(150.0, v / 2.0e5 * 100.0) for v in per_mu]
    results = pa.Table.from_pylist(
        [
            {
                "credit_code": CODES[i],
                "name": f"模拟企业{i}有限公司",
                "former_names": "",
                "county_code": "360302",
                "county": "安源区" if i < 2 else "湘东区",
                "park": "萍乡经开区",
                "industry_code": "C30",
                "chain": "新材料",
                "above_scale": True,
                "pool": "above",
                "pool_name": "规上企业",
                "class_group": "",
                "score": item[i],
                "rank_in_pool": i + 1,
                "pool_size": n,
                "percentile_pool": 1 - i / n,
                "percentile_industry": 1 - i / n,
                "class_raw": classes[i],
                "class_final": "C" if veto == i else classes[i],
                "rated": True,
                "flags": ["一票否决"] if veto == i else [],
                "remark": "重大安全事故，一票否决" if veto == i else "",
            }
            for i in range(n)
        ],
        schema=RESULTS_SCHEMA,
    )
    items = pa.Table.from_pylist(
        [
            {
                "credit_code": CODES[i],
                "indicator": "tax_per_mu",
                "name": "亩均税收",
                "unit": "元/亩",
                "value": per_mu[i],
                "benchmark": 2.0e5,
                "max_score": 100.0,
                "cap": 150.0,
                "item_score": item[i],
                "missing_rule": "" if per_mu[i] is not None else "zero",
            }
            for i in range(n)
        ],
        schema=ITEMS_SCHEMA,
    )
    events = pa.Table.from_pylist(
        []
        if veto is None
        else [
            {
                "credit_code": CODES[veto],
                "kind": "veto",
                "rule": "safety",
                "reason_zh": "重大安全事故，一票否决",
                "reason_en": "major safety accident: veto",
                "class_before": classes[veto],
                "class_after": "C",
            }
        ],
        schema=EVENTS_SCHEMA,
    )
    boundaries = pa.Table.from_pylist(
        [
            {"pool": "above", "class_group": "", "class_label": c, "min_score": item[i], "count": 1}
            for i, c in enumerate(classes[:n])
        ],
        schema=BOUNDARIES_SCHEMA,
    )
    stats = pa.Table.from_pylist(
        [
            {
                "pool": "above",
                "indicator": "tax_per_mu",
                "benchmark": 2.0e5,
                "min": min(v for v in per_mu if v is not None),
                "max": max(v for v in per_mu if v is not None),
                "mean_item": sum(item) / n,
                "count": sum(v is not None for v in per_mu),
            }
        ],
        schema=POOL_STATS_SCHEMA,
    )
    return Evaluation(
        method="toy-2023",
        year=year,
        results=results,
        items=items,
        events=events,
        boundaries=boundaries,
        pool_stats=stats,
        log=[{"step": "score", "params": {"benchmark": 200000.0, "cap": 1.5}}],
    )


def test_round_trip_on_a_duckdb_file(tmp_path: Path) -> None:
    path = tmp_path / "fh.duckdb"
    evaluation = make_evaluation(veto=1)
    facts = make_facts()
    with Store(path) as store:
        run = record_run(store, evaluation, METHOD, facts, actor="analyst1")
    assert run.created and run.run_id == "2023-toy-2023-v1" and run.version == 1
    with Store(path) as store:  # a new process would see the same
        again = ev.load_run(store, run.run_id)
    assert again.evaluation == evaluation
    assert again.evaluation.results.equals(evaluation.results)
    assert again.evaluation.log == [
        {"step": "score", "params": {"benchmark": 200000.0, "cap": 1.5}}
    ]
    assert again.facts.equals(facts)
    assert again.method_text == METHOD_TEXT
    assert again.method_sha256 == hashlib.sha256(METHOD_TEXT.encode()).hexdigest()
    assert again.input_sha256 == facts_sha256(facts)
    assert again.created_by == "analyst1" and again.parent_run is None
    assert again.code_version == ev._runs._code_version()
    # the veto survives: flags list and the event row
    assert again.results.column("flags").to_pylist()[1] == ["一票否决"]
    assert again.evaluation.events.column("reason_zh").to_pylist() == ["重大安全事故，一票否决"]
    # the results carry what the web shows
    for col in ("name", "county", "county_code", "park", "industry_code", "chain", "pool_name"):
        assert col in again.results.column_names
    assert again.results.column("score").to_pylist() == [150.0, 100.0, 50.0, 25.0]


def test_identical_input_returns_the_existing_run(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    first = record_run(store, make_evaluation(), METHOD, make_facts())
    # same facts in another row order and column order: same canonical input
    facts = make_facts()
    shuffled = facts.take([3, 1, 0, 2]).select(list(reversed(facts.column_names)))
    second = record_run(store, make_evaluation(), METHOD, shuffled)
    assert not second.created and second.run_id == first.run_id
    assert store.fetch_all("select count(*) from eval_runs") == [(1,)]
    assert store.fetch_all("select count(*) from eval_run_classes") == [(4,)]
    # a corrected fact is a new version, the old run keeps its snapshot
    changed = make_facts([4.0e6, 2.0e6, 1.0e6, 6.0e5])
    third = record_run(
        store,
        make_evaluation(tax=[4.0e6, 2.0e6, 1.0e6, 6.0e5]),
        METHOD,
        changed,
        parent_run=first.run_id,
    )
    assert third.created and third.run_id == "2023-toy-2023-v2" and third.parent_run == first.run_id
    assert ev.load_run(store, first.run_id).facts.column("tax_paid").to_pylist()[3] == 5.0e5
    assert ev.load_run(store, third.run_id).facts.column("tax_paid").to_pylist()[3] == 6.0e5
    # the same method text under a different year starts its own versions
    other = record_run(store, make_evaluation(year=2022), METHOD, make_facts(year=2022))
    assert other.run_id == "2022-toy-2023-v1"
    # a changed method file is a new version too
    edited = MethodSource(
        name=METHOD.name,
        title=METHOD.title,
        text=METHOD_TEXT + "# benchmark corrected\n",
        sha256=hashlib.sha256((METHOD_TEXT + "# benchmark corrected\n").encode()).hexdigest(),
    )
    assert record_run(store, make_evaluation(), edited, make_facts()).run_id == "2023-toy-2023-v3"


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    bad = make_evaluation()
    # a score that is not a number fails only after the run row and the blobs
    # were inserted (while writing eval_run_classes): all must roll back
    results = bad.results.set_column(
        bad.results.column_names.index("score"), "score", pa.array(["x"] * 4)
    )
    broken = Evaluation(**{**bad.__dict__, "results": results})
    with pytest.raises(pa.ArrowInvalid):
        record_run(store, broken, METHOD, make_facts())
    for table in ("eval_runs", "eval_run_tables", "eval_run_classes"):
        assert store.fetch_all(f"select count(*) from {table}") == [(0,)]
    with pytest.raises(NotFoundError):  # an unknown parent is refused, nothing written
        record_run(store, make_evaluation(), METHOD, make_facts(), parent_run="2020-x-v1")
    assert store.fetch_all("select count(*) from eval_runs") == [(0,)]
    ok = record_run(store, make_evaluation(), METHOD, make_facts())
    assert ok.run_id == "2023-toy-2023-v1"


def test_missing_run_is_not_found_in_both_languages(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    with pytest.raises(NotFoundError) as info:
        ev.load_run(store, "2023-nope-v1")
    assert info.value.code == "E-RUN-NOT-FOUND"
    assert "评价批次不存在" in info.value.zh and "no such evaluation run" in info.value.en
    assert isinstance(info.value, KeyError)


def test_list_runs_newest_first_with_published_flag(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    a = record_run(store, make_evaluation(year=2022), METHOD, make_facts(year=2022))
    b = record_run(store, make_evaluation(), METHOD, make_facts())
    store.execute(
        "insert into web_publications values ('p1', ?, 'admin', current_timestamp, "
        "current_date, current_date + 10)",
        [b.run_id],
    )
    runs = ev.list_runs(store).to_pylist()
    assert [r["run_id"] for r in runs] == [b.run_id, a.run_id]
    assert runs[0]["published"] is True and runs[1]["published"] is False
    assert runs[0]["n_firms"] == 4 and runs[0]["method_title"] == "玩具办法（测试）"
    assert runs[0]["year"] == 2023 and runs[0]["version"] == 1
    assert runs[0]["input_sha256"] == facts_sha256(make_facts())


def test_class_history_and_compare(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    r22 = record_run(
        store, make_evaluation(("B", "A", "C", "D"), year=2022), METHOD, make_facts(year=2022)
    )
    r23 = record_run(store, make_evaluation(veto=1), METHOD, make_facts())
    hist = ev.class_history(store, CODES[1], method="toy-2023").to_pylist()
    assert [(h["year"], h["class_final"]) for h in hist] == [(2022, "A"), (2023, "C")]
    before = ev.class_history(store, CODES[1], before_year=2023).to_pylist()
    assert [(h["year"], h["run_id"]) for h in before] == [(2022, r22.run_id)]
    moved = {
        r["credit_code"]: r for r in ev.compare_runs(store, r22.run_id, r23.run_id).to_pylist()
    }
    # firm 0: B → A; the only item's score is 150 in both, so no item explains it
    assert moved[CODES[0]]["move"] == "up" and moved[CODES[0]]["class_b"] == "A"
    assert "分项得分未变" in moved[CODES[0]]["reason_zh"]
    # firm 1: A → C because of the veto event only run b has
    assert moved[CODES[1]]["move"] == "down"
    assert moved[CODES[1]]["reason_zh"] == "新增：重大安全事故，一票否决"
    assert set(moved) == {CODES[0], CODES[1]}  # C and D unchanged


def test_compare_names_the_item_that_changed(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    a = record_run(store, make_evaluation(("A", "B", "C", "D")), METHOD, make_facts())
    tax = [4.0e6, 2.0e6, 1.0e6, 3.0e6]  # firm 3: 50 万元/亩 ... 300 万元 → 30 万元/亩
    b = record_run(store, make_evaluation(("A", "C", "D", "B"), tax=tax), METHOD, make_facts(tax))
    moved = {r["credit_code"]: r for r in ev.compare_runs(store, a.run_id, b.run_id).to_pylist()}
    row = moved[CODES[3]]
    # item score 5e4/2e5×100 = 25 → 3e5/2e5×100 = 150 (capped): +125
    assert row["indicator"] == "tax_per_mu" and row["item_delta"] == pytest.approx(125.0)
    assert row["reason_zh"] == "亩均税收得分+125.00（指标值 50,000 → 300,000 元/亩）"
    assert row["reason_en"] == "tax_per_mu item score +125.00 (value 50,000 → 300,000 元/亩)"
    assert row["score_a"] == 25.0 and row["score_b"] == 150.0 and row["move"] == "up"


def test_runs_cannot_be_altered_through_the_api() -> None:
    """Append-only: no public warehouse/evaluation name updates or deletes, no SQL does."""
    verbs = ("delete", "update", "remove", "drop", "alter", "replace", "edit", "overwrite")
    for mod in (wh, ev):
        for name in mod.__all__:
            low = name.lower()
            if "run" in low or low.startswith(("insert", "record")):
                assert not any(v in low for v in verbs), name
    # the only statements on eval_* tables anywhere in the package are inserts and reads
    pkg = Path(wh.__file__).parent.parent
    offenders = []
    for path in pkg.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = " ".join(node.value.lower().split())
                for verb in ("update eval_", "delete from eval_", "drop table eval_"):
                    if verb in text:
                        offenders.append(f"{path.name}: {text[:60]}")
    assert not offenders
    record = wh.RunRecord(**dict.fromkeys(wh.RunRecord.__dataclass_fields__))
    with pytest.raises(dataclasses.FrozenInstanceError):  # a stored run's record is frozen
        record.year = 1  # type: ignore[misc]


def test_a_second_write_of_the_same_id_is_refused(tmp_path: Path) -> None:
    import duckdb

    store = Store(tmp_path / "fh.duckdb")
    run = record_run(store, make_evaluation(), METHOD, make_facts())
    with pytest.raises(duckdb.ConstraintException):
        store.execute(
            "insert into eval_runs select * from eval_runs where run_id = ?", [run.run_id]
        )


@settings(max_examples=40, deadline=None)
@given(
    taxes=st.lists(
        st.one_of(st.none(), st.floats(-1e300, 1e300, allow_nan=False)),
        min_size=4,
        max_size=4,
    ),
    perm=st.permutations([0, 1, 2, 3]),
)
def test_facts_hash_ignores_order_and_sees_every_value(
    taxes: list[float | None], perm: list[int]
) -> None:
    facts = make_facts(taxes)
    shuffled = facts.take(perm)
    assert facts_sha256(shuffled) == facts_sha256(facts)
    bumped = list(taxes)
    x = bumped[perm[0]]
    bumped[perm[0]] = 1.0 if x is None else x + 1.0 + abs(x)  # differs by ≥ 1 and ≥ 100%
    assert facts_sha256(make_facts(bumped)) != facts_sha256(facts)


def test_facts_hash_ignores_the_last_bits_of_a_sum() -> None:
    # 2038429.39 summed from monthly values in another order: 2038429.3900000001
    a = make_facts([2038429.39, 2.0e6, 1.0e6, 5.0e5])
    b = make_facts([2038429.3900000001, 2.0e6, 1.0e6, 5.0e5])
    assert a.column("tax_paid")[0].as_py() != b.column("tax_paid")[0].as_py()
    assert facts_sha256(a) == facts_sha256(b)
    c = make_facts([2038429.40, 2.0e6, 1.0e6, 5.0e5])  # one fen more is another input
    assert facts_sha256(c) != facts_sha256(a)


def test_facts_hash_known_value() -> None:
    t = pa.table({"credit_code": ["B", "A"], "tax_paid": [2.5, None]})
    text = b'[["credit_code","string"],["tax_paid","double"]]\n["A",null]\n["B","2.5"]\n'
    assert facts_sha256(t) == hashlib.sha256(text).hexdigest()


_maybe_float = st.one_of(
    st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64), st.just(-0.0)
)


@settings(max_examples=25, deadline=None)
@given(
    scores=st.lists(_maybe_float, min_size=1, max_size=4),
    flags=st.lists(st.lists(st.sampled_from(["数据缺失", "一票否决", "提档", ""]), max_size=3)),
    log_value=st.one_of(st.integers(-(2**40), 2**40), st.text(max_size=8), st.booleans()),
)
def test_any_evaluation_round_trips(
    scores: list[float | None], flags: list[list[str]], log_value: object
) -> None:
    base = make_evaluation()
    n = len(scores)
    results = base.results.slice(0, n)
    results = results.set_column(
        results.column_names.index("score"), "score", pa.array(scores, pa.float64())
    )
    fl = [flags[i] if i < len(flags) else [] for i in range(n)]
    results = results.set_column(
        results.column_names.index("flags"), "flags", pa.array(fl, pa.list_(pa.string()))
    )
    evaluation = Evaluation(
        **{**base.__dict__, "results": results, "log": [{"step": "x", "v": log_value}]}
    )
    with Store(":memory:") as store:
        run = record_run(store, evaluation, METHOD, make_facts().slice(0, n))
        again = ev.load_run(store, run.run_id)
    assert again.evaluation == evaluation
    assert again.results.column("score").to_pylist() == scores


def test_a_store_marked_synthetic_later_labels_its_runs(tmp_path: Path) -> None:
    store = Store(tmp_path / "fh.duckdb")
    run = record_run(store, make_evaluation(), METHOD, make_facts())
    assert not run.synthetic
    store.execute("insert into web_meta values ('synthetic', '1')")
    assert ev.load_run(store, run.run_id).synthetic
