"""The result pages on an evaluated demo city (TestClient)."""

from __future__ import annotations

import io

import pytest
from city_builder import build_demo_city
from web_helpers import PASSWORD, login

from fenghuang.web import create_user, list_audit


@pytest.fixture()
def city(store, tmp_path, monkeypatch):
    info = build_demo_city(store, tmp_path, firms=60, monkeypatch=monkeypatch)
    create_user(
        store, username="firm_x", password=PASSWORD, role="firm", credit_code=info["codes"][5]
    )
    return info


def test_overview_shows_classes_map_and_lists(app_client, city):
    c = app_client()
    login(c, "analyst")
    page = c.get("/overview")
    assert page.status_code == 200, page.text[:500]
    html = page.text
    assert 'data-geo="/overview/geo/3603.json"' in html and 'data-testid="chart-map_mean"' in html
    assert "模拟数据" in html
    for chart in ("by_county", "by_park", "by_industry", "by_chain", "map_mean", "movement"):
        assert f'data-chart="{chart}"' in html, chart
    geo = c.get("/overview/geo/3603.json").json()
    assert {f["properties"]["code"] for f in geo["features"]} == {
        "360302",
        "360313",
        "360321",
        "360322",
        "360323",
    }


def test_firm_search_and_page(app_client, city, store):
    c = app_client()
    login(c, "leader")
    code = city["codes"][3]
    hits = c.get(f"/firms?q={code}")
    assert code in hits.text
    from fenghuang.web.services.results import RunCache

    rows = RunCache().get(store, city["runs"][-1]).rows
    with_former = next(r for r in rows if r.get("former_names"))
    former_name = str(with_former["former_names"]).split(";")[0]
    former = c.get(f"/firms?q={former_name}", headers={"HX-Request": "true"})
    assert with_former["credit_code"] in former.text and "<html" not in former.text  # htmx fragment
    named = c.get(f"/firms?q={rows[11]['name']}")
    assert rows[11]["credit_code"] in named.text and "<html" in named.text
    page = c.get(f"/firms/{code}")
    assert page.status_code == 200, page.text[:500]
    assert 'data-chart="radar"' in page.text and 'data-testid="facts"' in page.text
    assert page.headers["cache-control"] == "no-store"


def test_runs_start_poll_compare_publish(app_client, city, store):
    c = app_client()
    token = login(c, "analyst")
    r = c.post(
        "/runs", data={"method": city["method"], "year": str(city["year"]), "csrf_token": token}
    )
    assert r.status_code == 200 and 'data-testid="job-status"' in r.text
    job_id = r.text.split('hx-get="/runs/jobs/')[1].split('"')[0] if "hx-get" in r.text else None
    if job_id:
        c.app.state.jobs.wait(job_id)
        done = c.get(f"/runs/jobs/{job_id}")
        assert 'data-status="done"' in done.text, done.text
    a, b = city["runs"][0], city["runs"][-1]
    cmp = c.get(f"/runs/compare?a={a}&b={b}")
    assert cmp.status_code == 200
    r = c.post(f"/runs/{b}/publish", data={"days": "7", "csrf_token": token}, follow_redirects=True)
    assert r.status_code == 200 and 'data-testid="pub-period"' in r.text
    assert {"run", "publish"} <= {a.action for a in list_audit(store)}


def test_publicity_firm_sees_only_itself_and_department_downloads(app_client, city):
    from openpyxl import load_workbook

    c = app_client()
    token = login(c, "analyst")
    run = city["runs"][-1]
    c.post(f"/runs/{run}/publish", data={"days": "7", "csrf_token": token})
    f = app_client()
    login(f, "firm_x")
    page = f.get("/publicity").text
    assert city["codes"][5] in page and city["codes"][6] not in page
    assert f.get(f"/publicity/{run}.xlsx").status_code == 403
    d = app_client()
    login(d, "dept_tax")
    r = d.get(f"/publicity/{run}.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)
    assert city["codes"][0] in text and "模拟数据" in text


def test_data_page_department_sees_only_its_own(app_client, city, store):
    c = app_client()
    token = login(c, "dept_tax")
    page = c.get("/data").text
    assert ("tax_2023_模拟.xlsx" in page and "power_2023_模拟.xlsx" not in page) or not city[
        "double"
    ]
    r = c.post(
        "/data/confirm",
        data={"department": "power", "year": "2023", "status": "confirmed", "csrf_token": token},
    )
    assert r.status_code == 403
    r = c.post(
        "/data/confirm",
        data={"department": "tax", "year": "2023", "status": "confirmed", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert any(a.action == "confirm" and a.object == "tax/2023" for a in list_audit(store))
    csv = "统一社会信用代码,实缴税金\n91360300MA0000001X,100\n".encode()
    r = c.post(
        "/data/import",
        data={"department": "power", "csrf_token": token},
        files={"file": ("power.csv", csv, "text/csv")},
    )
    assert r.status_code == 403
    r = c.post(
        "/data/import",
        data={"department": "tax", "csrf_token": token},
        files={"file": ("tax.xlsx", b"MZ not a workbook", "application/octet-stream")},
    )
    assert r.status_code == 400
    r = c.post(
        "/data/import",
        data={"department": "tax", "csrf_token": token},
        files={"file": ("税务_2023.csv", csv, "text/csv")},
        follow_redirects=True,
    )
    assert r.status_code == 200 and "税务_2023.csv" in r.text, r.text[-1500:]
    assert any(a.action == "import" and a.object == "tax/税务_2023.csv" for a in list_audit(store))


def test_downloads_docx(app_client, city):
    from docx import Document

    c = app_client()
    login(c, "leader")
    run = city["runs"][-1]
    r = c.get(f"/downloads/summary/{run}.docx")
    assert r.status_code == 200, r.text[:300]
    doc = Document(io.BytesIO(r.content))
    assert "模拟数据" in "\n".join(p.text for p in doc.paragraphs)
    code = city["codes"][2]
    r = c.get(f"/downloads/firm/{code}.docx?run={run}")
    assert r.status_code == 200, r.text[:300]
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert code in text or "模拟数据" in text


def test_appeal_accepted_makes_a_new_run(app_client, city, store):
    f = app_client()
    ftoken = login(f, "firm_x")
    code = city["codes"][5]
    form = f.get("/appeals").text
    assert 'data-testid="appeal-form"' in form
    # a renamed executable is refused by its content
    r = f.post(
        "/appeals",
        data={
            "csrf_token": ftoken,
            "credit_code": code,
            "year": str(city["year"]),
            "field": "tax_paid",
            "claimed_value": "9",
            "reason": "x",
        },
        files={"evidence": ("proof.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
    )
    assert r.status_code == 400 and "PDF" in r.text
    r = f.post(
        "/appeals",
        data={
            "csrf_token": ftoken,
            "credit_code": code,
            "year": str(city["year"]),
            "run_id": city["runs"][-1],
            "field": "tax_paid",
            "claimed_value": "123456789",
            "reason": "税务局漏报一笔税款",
        },
        files={"evidence": ("完税证明.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        follow_redirects=True,
    )
    assert r.status_code == 200 and "税务局漏报一笔税款" in r.text
    appeal_id = r.text.split('data-appeal="')[1].split('"')[0]
    a = app_client()
    atoken = login(a, "analyst")
    r = a.post(
        f"/appeals/{appeal_id}/decide",
        data={"csrf_token": atoken, "decision": "accept", "reason": "完税证明属实"},
        follow_redirects=True,
    )
    assert r.status_code == 200, r.text[:500]
    page = f.get("/appeals").text
    assert "已采纳" in page and 'data-testid="appeal-new-run"' in page
    actions = [x.action for x in list_audit(store)]
    assert {"appeal", "appeal_decision", "run"} <= set(actions)
    new_run = page.split('data-testid="appeal-new-run">')[1].split("<")[0].strip()
    firm_page = f.get(f"/firms/{code}?run={new_run}").text
    assert "1.23亿元" in firm_page  # the corrected 实缴税金 (123,456,789 元)


def test_publicity_is_open_only_for_its_period(city, store):
    from datetime import date, timedelta

    from fenghuang.web.services.accounts import get_user
    from fenghuang.web.services.publications import current_publication, publish_run
    from fenghuang.web.services.publicity import publicity_page
    from fenghuang.web.services.results import RunCache

    analyst = get_user(store, "analyst")
    day = date(2024, 5, 6)
    pub = publish_run(store, user=analyst, run_id=city["runs"][-1], days=7, today=day)
    assert (pub.opens_on, pub.closes_on) == (day, day + timedelta(days=6))
    assert current_publication(store, day + timedelta(days=6)) == pub
    assert current_publication(store, day + timedelta(days=7)) is None
    assert current_publication(store, day - timedelta(days=1)) is None
    page = publicity_page(store, RunCache(), user=get_user(store, "firm_x"), today=day)
    assert [r["credit_code"] for r in page.rows] == [city["codes"][5]] and not page.can_download


def test_run_cache_loads_a_run_once_under_concurrency(city, store, monkeypatch):
    import threading

    import fenghuang.evaluation as ev
    from fenghuang.errors import NotFoundError
    from fenghuang.web.services.results import RunCache

    calls = []
    real = ev.load_run

    def counting(s, run_id):
        calls.append(run_id)
        return real(s, run_id)

    monkeypatch.setattr(ev, "load_run", counting)
    cache = RunCache()
    got = []
    threads = [
        threading.Thread(target=lambda: got.append(cache.get(store, city["runs"][-1])))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(g) for g in got}) == 1 and len(got) == 8
    with pytest.raises(NotFoundError):
        cache.get(store, "no-such-run")
