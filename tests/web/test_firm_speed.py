"""The firm page's per-request work is point lookups: lineage by index, diagnose on cut tables.

Both fast paths must give exactly what the slow ones gave: ``fact_lineage``
equals the single SQL query it replaced (source rows, parcels as holder and
as lessor, corrections, confirmation status), and the web's
``evaluation_diagnose`` (the run's tables cut to one firm, industry medians
computed once per run) equals ``evaluation.diagnose`` on the whole run, for
every firm of the demo city (模拟数据).
"""

from __future__ import annotations

from lineage_reference import LINEAGE_REFERENCE

import fenghuang.evaluation as ev
from fenghuang.methods import parse_method
from fenghuang.warehouse import correct_fact, fact_lineage, set_confirmation
from fenghuang.web.services import diagnostic
from fenghuang.web.services.backend import record
from fenghuang.web.services.results import RunCache


def test_fact_lineage_equals_the_reference_query_for_every_firm(city, store):
    year = city["year"]
    codes = city["codes"]
    lessors = [
        str(r[0])
        for r in store.fetch_all(
            "select distinct lessor_code from parcels where lessor_code is not null"
        )
    ]
    assert lessors, "the demo city should lease land (lessor rows to check)"
    departments = [str(r[0]) for r in store.fetch_all("select distinct department from imports")]
    # corrections (two versions), a whole department confirmed, then one firm disputed
    correct_fact(store, codes[0], year, "tax_paid", 1234.5, "test", "analyst")
    correct_fact(store, codes[0], year, "tax_paid", 2345.5, "test again", "analyst")
    set_confirmation(store, departments[0], year, "confirmed", "analyst")
    set_confirmation(store, departments[0], year, "disputed", "analyst", credit_codes=[codes[1]])
    checked = 0
    for code in [*codes, *lessors[:20]]:
        got = fact_lineage(store, code, year)
        want = store.fetch_arrow(LINEAGE_REFERENCE, [code, year])
        assert got.column_names == want.column_names
        assert [f.type for f in got.schema] == [f.type for f in want.schema], (
            got.schema,
            want.schema,
        )
        assert got.to_pylist() == want.to_pylist(), code
        checked += got.num_rows
    assert checked > len(codes)  # every firm has source rows
    statuses = {r["status"] for r in fact_lineage(store, codes[1], year).to_pylist()}
    assert "disputed" in statuses
    versions = [r["version"] for r in fact_lineage(store, codes[0], year).to_pylist()]
    assert versions.count(1) == 1 and versions.count(2) == 1


def test_lineage_tables_have_firm_indexes(city, store):
    names = {str(r[0]) for r in store.fetch_all("select index_name from duckdb_indexes()")}
    assert {"parcels_firm", "parcels_lessor", "fact_history_firm"} <= names
    # source rows: the firm map of migration 053 instead of an ART index
    assert "source_values_firm" not in names
    assert store.fetch_all("select count(*) from source_firms")[0][0] > 0
    # (DuckDB scans small tables anyway; at 100,000 firms the plan is an
    # Index Scan — bench/README.md "Web" gives the times)


def test_cut_diagnose_equals_diagnose_on_the_whole_run_for_every_firm(city, store):
    run = RunCache().get(store, city["runs"][-1])
    parsed = parse_method(run.run.method_text)
    cut_path = 0
    for r in run.rows:
        code = r["credit_code"]
        want = record(ev.diagnose(run.run.evaluation, parsed, code))
        assert diagnostic.evaluation_diagnose(run, code) == want, code
        cut, medians = diagnostic._firm_evaluation(run, code)
        if medians is not None:
            cut_path += 1
            assert (
                cut.results.num_rows == 1 and cut.items.num_rows < run.run.evaluation.items.num_rows
            )
    assert cut_path >= len(run.rows) // 2  # the fast path is the one taken
    assert diagnostic.evaluation_diagnose(run, "NO-SUCH-FIRM") == {}
