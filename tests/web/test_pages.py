"""The result pages on an evaluated demo city (TestClient)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from web_helpers import login

from fenghuang.industries import division_name
from fenghuang.sources._encoding import decode_text
from fenghuang.web import list_audit


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
    island = html.split('<script type="application/json" id="by_industry">')[1]
    industry = json.dumps(json.loads(island.split("</script>")[0]), ensure_ascii=False)
    assert "30 非金属矿物制品业" in industry and '"3073"' not in industry  # by division, named
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
    row = next(r for r in rows if r["credit_code"] == code)
    assert f"{row['industry_code']} {division_name(row['industry_code'])}" in page.text
    c.get("/lang/en")
    english = c.get(f"/firms/{code}").text
    assert f"{row['industry_code']} {division_name(row['industry_code'], 'en')}" in english
    c.get("/lang/zh")
    assert page.headers["cache-control"] == "no-store"


def test_runs_start_poll_compare_publish(app_client, city, store):
    c = app_client()
    token = login(c, "analyst")
    page = c.get("/runs").text
    assert 'data-testid="synthetic-tag"' in page.split("</h1>")[0]  # the title's 模拟数据 tag
    chosen = page.split('name="method"')[1].split("</select>")[0]
    assert f'value="{city["method"]}" selected' in chosen  # the method the city's runs used
    table = page.split('data-testid="runs"')[1].split("</table>")[0]
    assert re.search(r"<td>20\d\d-\d\d-\d\d \d\d:\d\d</td>", table)  # to the minute
    assert not re.search(r"\d\dT\d\d:", table)  # not ISO text
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
    tax_files = [p.name for p in city["files"]["tax"]]
    power_files = [p.name for p in city["files"]["power"]]
    assert all(name in page for name in tax_files), tax_files
    assert not any(name in page for name in power_files)
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
    # the confirmation reaches the facts' lineage
    firm = app_client()
    login(firm, "firm_x")
    facts = firm.get(f"/firms/{city['codes'][5]}").text.split('data-testid="facts"')[1]
    tax_row = next(row for row in facts.split("<tr>") if "实缴税金" in row)
    assert "已确认" in tax_row
    power = city["files"]["power"][-1]
    r = c.post(  # not its department
        "/data/import",
        data={"department": "power", "csrf_token": token},
        files={"file": (power.name, power.read_bytes(), "application/octet-stream")},
    )
    assert r.status_code == 403
    r = c.post(  # a power file sent as tax: refused by its content
        "/data/import",
        data={"department": "tax", "csrf_token": token},
        files={"file": (power.name, power.read_bytes(), "application/octet-stream")},
    )
    assert r.status_code == 403 and "E-WEB-IMPORT-DEPARTMENT" in r.text, r.text[:500]
    r = c.post(
        "/data/import",
        data={"department": "tax", "csrf_token": token},
        files={"file": ("tax.xlsx", b"MZ not a workbook", "application/octet-stream")},
    )
    assert r.status_code == 400
    lines = city["files"]["tax"][-1].read_bytes().splitlines(keepends=True)
    csv = b"".join(lines[:4])  # title, header and two rows of the tax bureau's own file
    assert _upload(c, token, "tax", "税务_补报_2023.csv", csv, store) == ("tax", 2)
    entry = next(a for a in list_audit(store) if a.action == "import")
    assert entry.object == "tax/税务_补报_2023.csv" and "rows=2" in entry.detail, entry.detail
    # the same rows as Excel's "Unicode text" export: UTF-16 with its BOM, tab-separated
    text, _ = decode_text(csv)  # as the reader detects it (GBK, or UTF-8 with a BOM)
    utf16 = "\ufeff".encode("utf-16-le") + text.replace(",", "\t").encode("utf-16-le")
    assert _upload(c, token, "tax", "税务_补报_2023_unicode.txt", utf16, store) == ("tax", 2)
    # an Excel 97-2003 workbook, as many offices still save them
    xls = (Path(__file__).parents[1] / "sources" / "data" / "land_excel97.xls").read_bytes()
    admin = app_client()
    assert _upload(admin, login(admin, "admin"), "land", "用地_1997.xls", xls, store) == ("land", 3)


def test_data_page_lists_confirmations_and_serves_each_imports_error_list(app_client, city, store):
    from openpyxl import load_workbook

    from fenghuang.warehouse import name_links, quarantine

    c = app_client()
    token = login(c, "dept_tax")
    r = c.post(
        "/data/confirm",
        data={
            "department": "tax",
            "year": "2022",
            "status": "disputed",
            "note": "十二月税额缺失",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert r.status_code == 200
    table = r.text.split('data-testid="confirmations"')[1].split("</table>")[0]
    row = next(x for x in table.split("<tr") if "十二月税额缺失" in x)
    assert "有异议" in row and "2022" in row and "全部企业" in row and "dept_tax" in row
    shown = r.text.split('data-testid="quarantine"')[1].split("</table>")[0]
    assert "reason_zh" not in shown and "import_id" not in shown and "错误代码" in shown
    imports = store.fetch_all("select import_id, department, rows_rejected from imports")
    tax = next(i for i, d, n in imports if d == "tax" and n)
    other = next(i for i, d, _ in imports if d != "tax")
    assert f"/data/imports/{tax}/errors.xlsx" in r.text and other not in r.text
    got = c.get(f"/data/imports/{tax}/errors.xlsx")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(got.content))["错误清单"].iter_rows(values_only=True))
    assert "模拟数据" in rows[0][0] and rows[1][0] == "文件"
    q = quarantine(store, tax).to_pylist()
    assert sorted((r[2], r[4]) for r in rows[2:]) == sorted((x["row_no"], x["code"]) for x in q)
    # the rows linked by name: a sheet of the list, a table of the page (its department's only)
    tax_ids = {i for i, d, _ in imports if d == "tax"}
    every = name_links(store).to_pylist()
    mine = [x for x in every if x["import_id"] in tax_ids]
    assert mine and len(mine) < len(every)  # the city has name variants in other files too
    table = r.text.split('data-testid="name-links"')[1].split("</table>")[0]
    assert table.count("<tr data-matched=") == len(mine)
    assert all(x["name"] in table for x in mine)
    assert not any(x["file"] in table for x in every if x["import_id"] not in tax_ids)
    assert "/firms/" not in table  # a department may not open firm pages
    book = load_workbook(io.BytesIO(got.content))
    in_list = list(book["按名称关联"].iter_rows(values_only=True))[2:]
    want = name_links(store, tax).to_pylist()
    assert [(x[2], x[3], x[4]) for x in in_list] == [
        (x["row_no"], x["name"], x["credit_code"]) for x in want
    ]
    assert c.get(f"/data/imports/{other}/errors.xlsx").status_code == 403  # not its department
    assert c.get("/data/imports/no-such-import/errors.xlsx").status_code == 404
    # its submission template: filled in, it imports as the tax bureau's file
    tpl = c.get("/data/templates/tax.xlsx?year=2023")
    assert tpl.status_code == 200
    assert "税务局数据报送模板2023.xlsx" in unquote(tpl.headers["content-disposition"])
    sheet = load_workbook(io.BytesIO(tpl.content))["报送表"]
    assert (
        sheet["A1"].value == "税务局2023年度数据报送表" and sheet["A2"].value == "统一社会信用代码"
    )
    assert c.get("/data/templates/power.xlsx").status_code == 403  # not its department
    written = Path(c.app.state.settings.cache) / "downloads" / "templates"
    assert not list(written.glob("*.xlsx"))  # written for the request, deleted once sent
    assert c.get("/data/templates/nope.xlsx").status_code in (403, 404)
    en = app_client()
    login(en, "analyst")
    en.get("/lang/en")
    page = en.get("/data").text
    assert "Taxes paid" in page.split('data-testid="confirm"')[1].split("</table>")[0]
    assert "Error code" in page and "Disputed" in page and "十二月税额缺失" in page
    assert "Rows linked by name" in page and "/firms/" in page.split('data-testid="name-links"')[1]


def _upload(client, token, department, name, data, store):
    """Import a file through the web page; (department, rows loaded) of its import."""
    r = client.post(
        "/data/import",
        data={"department": department, "csrf_token": token},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=True,
    )
    assert r.status_code == 200 and name in r.text, r.text[-1500:]
    (got,) = store.fetch_all(
        "select department, rows_loaded from imports where file_name = ?", [name]
    )
    return got


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


def test_every_download_is_audited_and_a_refusal_too(app_client, city, store):
    run = city["runs"][-1]
    c = app_client()
    login(c, "leader")
    assert c.get(f"/downloads/list/{run}.xlsx").status_code == 200
    assert c.get(f"/downloads/summary/{run}.docx").status_code == 200
    firm = app_client()
    login(firm, "firm_a")
    mine = store.fetch_all("select credit_code from web_users where username = 'firm_a'")[0][0]
    other = next(x for x in city["codes"] if x != mine)
    assert firm.get(f"/downloads/firm/{other}.docx?run={run}").status_code == 403
    sur = c.get(f"/downloads/surcharges/{run}.xlsx")
    assert sur.status_code == 200 and "attachment" in sur.headers["content-disposition"]
    from openpyxl import load_workbook

    from fenghuang.policy import run_bills

    book = load_workbook(io.BytesIO(sur.content))
    lines = run_bills(store, run).to_pylist()
    assert book.sheetnames[0] == "汇总" and book.sheetnames[-1] == "说明"
    on_sheets = sum(len(list(book[n].iter_rows())) - 2 for n in book.sheetnames[1:-1])
    assert on_sheets == len(lines) > 0
    assert 'data-testid="surcharges-' in c.get("/downloads").text
    got = {(a.actor, a.object): a for a in list_audit(store, action="download")}
    lst = got[("leader", f"results_list:{run}")]
    assert lst.role == "leader" and lst.detail == f"评价结果-{run}.xlsx" and lst.ip
    assert ("leader", f"summary:{run}") in got and ("leader", f"surcharge_list:{run}") in got
    assert not any(actor == "firm_a" for actor, _ in got)  # refused: nothing was sent
    denied = [a for a in list_audit(store, action="denied") if a.actor == "firm_a"]
    assert denied and denied[0].object == f"GET /downloads/firm/{other}.docx"
    assert denied[0].detail == "E-WEB-FORBIDDEN" and denied[0].role == "firm"


def test_appeal_accepted_makes_a_new_run(app_client, city, store):
    f = app_client()
    ftoken = login(f, "firm_x")
    code = city["codes"][5]
    form = f.get("/appeals").text
    assert 'data-testid="appeal-form"' in form
    # from the firm page's data table: the field preselected, with the value held now
    firm_page = f.get(f"/firms/{code}").text
    link = firm_page.split('data-testid="appeal-tax_paid"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link.endswith("&amp;field=tax_paid") or link.endswith("&field=tax_paid")
    chosen = f.get(link.replace("&amp;", "&")).text.split('data-testid="appeal-field"')[1]
    option = next(o for o in chosen.split("<option")[1:] if 'value="tax_paid"' in o)
    assert "selected" in option and "现值" in option
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
    listed = r.text.split('data-testid="appeals"')[1].split("</table>")[0]
    assert '<td data-field="tax_paid">实缴税金</td>' in listed  # its label, not the code
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


def test_firm_page_shows_the_real_diagnostic_bill_and_lift(app_client, city, store):
    """Items, industry medians, the lift and the bill on the page equal what the
    evaluation and policy parts give for the run (computed here independently)."""
    from html import escape as html_escape

    import numpy as np

    import fenghuang.evaluation as ev
    import fenghuang.policy as pol
    from fenghuang.web._format import fmt_num, fmt_yuan

    run_id = city["runs"][-1]
    run = ev.load_run(store, run_id)
    results = run.results.to_pylist()
    items = run.evaluation.items.to_pylist()
    bills = {r["credit_code"]: pol.firm_bill(store, run_id, r["credit_code"]) for r in results}
    # a firm below A, classed by its score alone, that pays a surcharge
    events = set(run.evaluation.events.column("credit_code").to_pylist())
    row = next(
        r
        for r in results
        if r["class_final"] in ("B", "C", "D")
        and r["class_raw"] == r["class_final"]
        and r["credit_code"] not in events
        and any(b["amount"] for b in bills[r["credit_code"]])
    )
    code = row["credit_code"]
    c = app_client()
    login(c, "analyst")
    html = c.get(f"/firms/{code}?run={run_id}").text
    table = html.split('data-testid="indicators"')[1].split("</table>")[0]
    division = {r["credit_code"]: (r["industry_code"] or "")[:2] for r in results}
    mine = [i for i in items if i["credit_code"] == code]
    assert mine, "the firm has no scored items"
    for it in mine:
        peers = [
            i["item_score"]
            for i in items
            if i["indicator"] == it["indicator"]
            and division[i["credit_code"]] == division[code]
            and i["item_score"] is not None
        ]
        line = next(tr for tr in table.split("<tr>") if f"<td>{it['name']}</td>" in tr)
        assert fmt_num(float(np.median(peers))) in line, (it["indicator"], line)
        if it["item_score"] is not None:
            assert fmt_num(it["item_score"]) in line
    better = "ABCD"["ABCD".index(row["class_final"]) - 1]
    target = next(
        b["min_score"]
        for b in run.evaluation.boundaries.to_pylist()
        if b["pool"] == row["pool"]
        and b["class_group"] == row["class_group"]
        and b["class_label"] == better
    )
    lift = html.split('data-testid="lift"')[1].split("</ul>")[0]
    assert f"达到 {target:.2f} 分" in lift and f"升至 {better} 类" in lift, lift
    assert f"{target - row['score']:.2f} 分" in lift
    # and the evaluation's own counterfactuals (diagnose): which lever reaches the class
    from fenghuang.methods import parse_method

    diag = ev.diagnose(run.evaluation, parse_method(run.method_text), code)
    sentences = [c["sentence_zh"] for c in diag["counterfactuals"]]
    assert sentences and all(html_escape(x, quote=False) in lift for x in sentences), (
        sentences,
        lift,
    )
    bill = html.split('data-testid="bill"')[1].split("</table>")[0]
    for b in bills[code]:
        assert b["item"] in bill and fmt_yuan(b["amount"]) in bill, (b, bill)
    assert "no-surcharge" not in bill
    free = next(r["credit_code"] for r in results if not bills[r["credit_code"]])
    other = c.get(f"/firms/{free}?run={run_id}").text.split('data-testid="bill"')[1]
    assert "本企业的评价等级不适用差别化加价" in other.split("</table>")[0]  # not "no data"
    measures = pol.firm_measures(store, run_id, code)
    if measures:
        shown = html.split('data-testid="measures"')[1].split("</ul>")[0]
        assert all(m in shown for m in measures), (measures, shown)
    # the page's lines (run_bills/run_measures once per run) equal firm_bill/firm_measures
    from fenghuang.web.services.firms import _bill, _measures
    from fenghuang.web.services.results import RunCache

    data = RunCache().get(store, run_id)
    for r in results[:20]:
        assert _bill(store, data, r["credit_code"]) == bills[r["credit_code"]], r["credit_code"]
        for lang in ("zh", "en"):
            assert _measures(store, data, r["credit_code"], lang) == pol.firm_measures(
                store, run_id, r["credit_code"], lang=lang
            ), (r["credit_code"], lang)
    facts = html.split('data-testid="facts"')[1].split("</table>")[0]
    lineage = __import__("fenghuang.warehouse", fromlist=["x"]).fact_lineage(store, code, run.year)
    for f in lineage.to_pylist():
        if f["file"]:
            assert f["file"] in facts
    assert "待确认" in facts  # nothing confirmed yet
    cells = {
        r.split("</td>")[0].split("<td>")[-1]: r.split('class="num">')[1].split("<")[0]
        for r in facts.split("<tr>")[2:]
        if 'class="num">' in r
    }
    assert cells["高新技术企业"] in ("是", "否") and cells["重大安全事故"] in ("是", "否")
    assert "." not in cells["有效发明专利（件）"]  # a count, no decimals
