"""The server's in-process caches: sessions and firms' lineage, made stale by its own writes.

The web server is the store's only writer while it runs; its caches hold
what it read until its next write (a form post, a job). These tests check
that the cached answers equal the store's (lineage for every firm of the
demo city, 模拟数据), that expired, logged-out and re-roled sessions are
refused at once, and that a write in flight keeps the caches out of use.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from web_helpers import PASSWORD, login

from fenghuang.warehouse import correct_fact, fact_lineage, import_files, set_confirmation
from fenghuang.web._schemas import CurrentSession, UserPublic
from fenghuang.web.services.caches import SessionCache, WriteTracker
from fenghuang.web.services.lineage import LineageCache


def _lessors(store):
    return [
        str(r[0])
        for r in store.fetch_all(
            "select distinct lessor_code from parcels where lessor_code is not null"
        )
    ]


def _all_equal(store, cache, codes, year):
    n = 0
    for code in codes:
        got = cache.lineage(store, code, year)
        assert got is not None, code
        assert got == fact_lineage(store, code, year).to_pylist(), code
        n += len(got)
    return n


def test_lineage_cache_equals_fact_lineage_for_every_firm_and_after_writes(city, store):
    year = city["year"]
    writes = WriteTracker()
    cache = LineageCache(writes)
    codes = [*city["codes"], *_lessors(store)[:20], "91000000NOSUCHFIRM"]
    assert _lessors(store), "the demo city should lease land (lessor rows to check)"
    assert _all_equal(store, cache, codes, year) > len(city["codes"])
    assert cache.lineage(store, "91000000NOSUCHFIRM", year) == []
    departments = [str(r[0]) for r in store.fetch_all("select distinct department from imports")]
    # the app's writes (as its middleware marks them): corrections, confirmations
    with writes.writing(sources=False):
        assert cache.lineage(store, codes[0], year) is None  # a write in flight: ask the store
        correct_fact(store, codes[0], year, "tax_paid", 1234.5, "test", "analyst")
        correct_fact(store, codes[0], year, "tax_paid", 2345.5, "test again", "analyst")
        set_confirmation(store, departments[0], year, "confirmed", "analyst")
        set_confirmation(
            store, departments[0], year, "disputed", "analyst", credit_codes=[codes[1]]
        )
    _all_equal(store, cache, codes, year)
    versions = [r["version"] for r in cache.lineage(store, codes[0], year) or []]
    assert versions.count(1) == 1 and versions.count(2) == 1
    statuses = {r["status"] for r in cache.lineage(store, codes[1], year) or []}
    assert {"disputed"} <= statuses
    with writes.writing(sources=False):  # the whole department confirmed again, after
        set_confirmation(store, departments[0], year, "confirmed", "analyst")
    _all_equal(store, cache, codes[:5], year)
    # an earlier year is held next to it
    _all_equal(store, cache, codes[:10], year - 1)


def test_lineage_cache_follows_an_import(city, store, tmp_path):
    year = city["year"]
    writes = WriteTracker()
    cache = LineageCache(writes)
    code = city["codes"][3]
    before = cache.lineage(store, code, year)
    assert before == fact_lineage(store, code, year).to_pylist()
    # a later tax file for this firm: new source rows, new file
    tax = tmp_path / "模拟数据_税务局_补报.csv"
    tax.write_text(
        f"统一社会信用代码,企业名称,年度,月份,实缴税金（元）\n{code},补报企业,{year},12,1000\n",
        encoding="utf-8",
    )
    with writes.writing(sources=True):
        import_files(store, [tax])
    after = cache.lineage(store, code, year)
    assert after == fact_lineage(store, code, year).to_pylist()
    assert len(after or []) > len(before or [])
    assert any(r["file"] == tax.name for r in after or [])


def test_lineage_cache_not_kept_when_a_write_overlaps_the_read(city, store):
    year = city["year"]
    writes = WriteTracker()
    cache = LineageCache(writes)
    code = city["codes"][0]
    real = cache._read_state

    def read_then_write(*args):
        out = real(*args)
        with writes.writing(sources=False):  # a correction lands while the year is read
            correct_fact(store, code, year, "tax_paid", 77.0, "overlap", "analyst")
        return out

    cache._read_state = read_then_write  # type: ignore[method-assign]
    assert cache.lineage(store, code, year) is None  # what was read may be stale: not used
    cache._read_state = real  # type: ignore[method-assign]
    got = cache.lineage(store, code, year)
    assert got == fact_lineage(store, code, year).to_pylist()
    assert any(r["version"] == 1 and r["value"] == 77.0 for r in got or [])


def test_lineage_cache_falls_back_above_max_rows_and_while_another_reads(city, store):
    year = city["year"]
    cache = LineageCache(WriteTracker(), max_rows=10)
    assert cache.lineage(store, city["codes"][0], year) is None  # too big to hold
    cache = LineageCache(WriteTracker())
    cache._building.acquire()  # another request is reading the year
    try:
        assert cache.lineage(store, city["codes"][0], year) is None
    finally:
        cache._building.release()
    assert cache.lineage(store, city["codes"][0], year) is not None


def test_write_tracker_generations():
    w = WriteTracker()
    snap = w.snapshot()
    done = threading.Event()
    with w.writing(sources=False):
        inner = w.snapshot()
        assert inner[2] == 1 and not w.unchanged_since(inner)  # in flight: nothing kept
        done.set()
    assert not w.unchanged_since(snap) and w.sources_unchanged_since(snap)
    with w.writing():
        pass
    assert not w.sources_unchanged_since(snap)
    assert w.snapshot() == (4, 2, 0)


def _session(expires: datetime, role: str = "analyst") -> CurrentSession:
    user = UserPublic(username="u", role=role)  # type: ignore[arg-type]
    return CurrentSession(user=user, csrf_token="c", expires_at=expires)


def test_session_cache_expiry_ttl_clear_and_size():
    now = [datetime(2026, 12, 1, 8, 0)]
    cache = SessionCache(ttl_seconds=30, max_entries=2, clock=lambda: now[0])
    cache.put("a", _session(now[0] + timedelta(seconds=10)))
    assert cache.get("a") is not None and cache.get("other") is None
    now[0] += timedelta(seconds=10)
    assert cache.get("a") is None  # the session's own expiry, even within the ttl
    cache.put("b", _session(now[0] + timedelta(hours=8)))
    now[0] += timedelta(seconds=29)
    assert cache.get("b") is not None
    now[0] += timedelta(seconds=2)
    assert cache.get("b") is None  # older than the ttl: the store is asked again
    for t in ("x", "y", "z"):
        cache.put(t, _session(now[0] + timedelta(hours=1)))
    assert len(cache) == 2 and cache.get("x") is None  # the oldest dropped
    cache.clear()
    assert len(cache) == 0 and cache.get("z") is None


def test_cached_session_expires_on_time(app_client, store):
    c = app_client()
    login(c, "admin")
    app = c.app
    assert c.get("/admin", follow_redirects=False).status_code == 200
    assert len(app.state.sessions) == 1  # the page was served from the cached session
    store.execute("update web_sessions set expires_at = expires_at - interval 1 day")
    # time passes beyond the session's end: the cached entry is refused by its own expiry
    real = app.state.sessions.clock
    app.state.sessions.clock = lambda: real() + timedelta(minutes=480, seconds=1)
    r = c.get("/admin", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    app.state.sessions.clock = real
    # and the store's row has expired too: not taken back into the cache
    assert c.get("/admin", follow_redirects=False).status_code == 303
    assert len(app.state.sessions) == 0


def test_logout_ends_the_cached_session_for_every_client_holding_it(app_client):
    a = app_client()
    token = login(a, "analyst")
    b = app_client()  # a second client with the same cookie (a copied session)
    b.cookies.set("fh_session", a.cookies.get("fh_session"))
    assert b.get("/overview", follow_redirects=False).status_code == 200
    r = a.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert b.get("/overview", follow_redirects=False).status_code == 303


def test_role_change_applies_to_a_cached_session_at_once(app_client):
    leader = app_client()
    login(leader, "leader")
    assert leader.get("/overview", follow_redirects=False).status_code == 200
    assert len(leader.app.state.sessions) >= 1
    admin = app_client()
    token = login(admin, "admin")
    r = admin.post(
        "/admin/users/leader/role",
        data={"csrf_token": token, "role": "firm", "credit_code": "91360300MA35XXXX1A"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # set_role ended the leader's sessions; the cache must not keep it alive
    assert leader.get("/overview", follow_redirects=False).status_code == 303
    login(leader, "leader", PASSWORD)
    assert leader.get("/overview", follow_redirects=False).status_code == 403  # now a firm


def test_firm_page_served_from_the_lineage_cache_shows_a_confirmation(app_client, city, store):
    a = app_client()
    token = login(a, "analyst")
    code = city["codes"][5]
    page = a.get(f"/firms/{code}").text.split('data-testid="facts"')[1]
    assert "已确认" not in page
    assert a.app.state.lineage._sources, "the year's lineage is held after the first page"
    r = a.post(
        "/data/confirm",
        data={
            "department": "tax",
            "year": str(city["year"]),
            "status": "confirmed",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    facts = a.get(f"/firms/{code}").text.split('data-testid="facts"')[1]
    tax_row = next(row for row in facts.split("<tr>") if "实缴税金" in row)
    assert "已确认" in tax_row


def test_a_run_is_settled_out_of_the_gc_scans_after_its_first_firm_page(app_client, city):
    import gc

    a = app_client()
    login(a, "analyst")
    run_id = city["runs"][-1]
    cache = a.app.state.runs
    run = cache.get(a.app.state.store, run_id)
    assert len(run.rows) < cache.settle_rows  # the demo city is small: not settled by default
    assert a.get(f"/firms/{city['codes'][1]}?run={run_id}").status_code == 200
    assert not run.derived.get("settled")
    cache.settle_rows = 10
    before = gc.get_freeze_count()
    assert a.get(f"/firms/{city['codes'][0]}?run={run_id}").status_code == 200
    assert run.derived.get("settled") is True
    assert gc.get_freeze_count() > before
    rows = run.rows  # the run's rows are among the frozen objects: a full collection skips them
    gc.collect()
    assert gc.get_freeze_count() >= len(rows)
    gc.unfreeze()  # leave the test process's GC as it was
