"""End to end in Chromium, offline: analyst, firm, appeal, downloads, screenshots."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import browser_page, serve, shot
from browser_helpers import login as browser_login
from city_builder import build_demo_city
from web_helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from fenghuang.warehouse import Store
    from fenghuang.web import Settings, create_app, create_user
    from fenghuang.web.assets import copy_assets, missing_assets

    if missing_assets():  # scripts/setup normally copies them from node_modules
        copy_assets()
    work = tmp_path_factory.mktemp("site")
    city = build_demo_city(work, firms=120)
    store = Store(city.path)
    info = {
        "method": city.method,
        "runs": list(city.runs),
        "codes": list(city.codes),
        "year": city.year,
        "new_year": city.years[0] - 1,  # generated and imported, not yet evaluated
    }
    firm_code = info["codes"][7]
    for name, role, extra in (
        ("analyst", "analyst", {}),
        ("firm", "firm", {"credit_code": firm_code}),
        ("leader", "leader", {}),
    ):
        create_user(store, username=name, password=PASSWORD, role=role, **extra)
    settings = Settings(store_path=city.path, upload_dir=work / "uploads", city_name="萍乡市")
    app = create_app(settings, store=store)
    with serve(app) as base:
        yield {"base": base, "store": store, "info": info, "firm": firm_code, "app": app}
    store.close()


def _assert_offline(offline: Any) -> None:
    assert offline.requests, "no request seen"
    assert not offline.blocked, f"requests left localhost: {offline.blocked}"


_CHART_STATE = (
    "() => Array.from(document.querySelectorAll('[data-chart]'))"
    ".map(e => [e.getAttribute('data-chart'), e.getAttribute('data-ready'), e.getAttribute('data-error')])"
)


def _charts_drawn(page: Any, timeout: float = 40.0) -> None:
    """Wait until every chart on the page has been drawn (polled with evaluate:
    the page's CSP forbids the eval that ``wait_for_function`` would need)."""
    end = time.monotonic() + timeout
    state: list[Any] = []
    while time.monotonic() < end:
        state = page.evaluate(_CHART_STATE)
        if state and all(ready == "1" for _, ready, _ in state):
            return
        time.sleep(0.1)
    raise AssertionError(f"charts not drawn: {state}; js errors: {page.js_errors}")


def test_analyst_runs_an_evaluation_and_sees_the_overview_map(site):
    base, info = site["base"], site["info"]
    with browser_page() as (page, offline):
        browser_login(page, base, "analyst", PASSWORD)
        assert page.url.endswith("/overview")
        page.goto(f"{base}/runs")
        page.select_option("select[name=method]", info["method"])
        page.select_option("select[name=year]", str(info["new_year"]))
        page.click("[data-testid=run-form] button[type=submit]")
        status = page.wait_for_selector(
            "[data-testid=job-status][data-status=done], [data-testid=job-status][data-status=failed]",
            timeout=300000,
        )
        assert status.get_attribute("data-status") == "done", status.inner_text()
        new_run = page.locator("[data-testid=job-run]").get_attribute("href") or ""
        assert f"{info['new_year']}-{info['method']}-v1" in new_run, new_run
        page.click("[data-testid=job-run]")
        page.wait_for_load_state("networkidle")
        assert "模拟数据" in page.inner_text("[data-testid=synthetic-banner]")
        map_el = page.locator("[data-testid=chart-map_mean]")
        assert map_el.count() == 1
        _charts_drawn(page)
        # the map canvas has been painted (not blank)
        painted = page.evaluate(
            """() => { const c = document.querySelector('[data-chart=map_mean] canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }"""
        )
        assert painted > 1000
        shot(page, "overview-1920")
        assert not page.js_errors, page.js_errors
        _assert_offline(offline)


def test_firm_page_and_downloads(site):
    from docx import Document
    from openpyxl import load_workbook

    base, info = site["base"], site["info"]
    code = info["codes"][3]
    run = info["runs"][-1]
    with browser_page() as (page, offline):
        browser_login(page, base, "analyst", PASSWORD)
        page.goto(f"{base}/firms")
        page.fill("[data-testid=firm-search]", code)
        page.wait_for_selector(f"[data-testid=firm-hits] a[href='/firms/{code}']")
        page.click(f"[data-testid=firm-hits] a[href='/firms/{code}'] >> nth=0")
        page.wait_for_load_state("networkidle")
        _charts_drawn(page)
        assert page.locator("[data-testid=firm-class]").inner_text().strip() in "ABCD"
        shot(page, "firm-1920")
        page.click("[data-testid=lang-switch]")
        page.wait_for_load_state("networkidle")
        assert "Diagnostic" in page.inner_text("main") and "Synthetic data" in page.inner_text(
            "body"
        )
        _charts_drawn(page)
        shot(page, "firm-1920-en")
        page.click("[data-testid=lang-switch]")
        page.wait_for_load_state("networkidle")
        with page.expect_download() as dl:
            page.click("[data-testid=firm-report]")
        assert dl.value.suggested_filename.endswith(".docx")
        doc = Document(io.BytesIO(Path(dl.value.path()).read_bytes()))
        text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
            c.text for t in doc.tables for row in t.rows for c in row.cells
        )
        assert code in text and "模拟数据" in text
        # publish, then download the 公示 list
        page.goto(f"{base}/runs")
        page.click(f"[data-testid=publish-{run}]")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/publicity")
        with page.expect_download() as dl:
            page.click("[data-testid=pub-xlsx]")
        assert dl.value.suggested_filename.endswith(".xlsx")
        wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
        cells = [
            str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None
        ]
        assert code in cells and any("模拟数据" in c for c in cells)
        assert not page.js_errors, page.js_errors
        _assert_offline(offline)


def test_analyst_disputes_a_year_and_downloads_an_error_list(site):
    from openpyxl import load_workbook

    from fenghuang.warehouse import quarantine

    base, store = site["base"], site["store"]
    with browser_page() as (page, offline):
        browser_login(page, base, "analyst", PASSWORD)
        page.goto(f"{base}/data")
        form = page.locator("[data-testid=confirm] tr", has_text="供电公司").locator("form")
        form.locator("select[name=year]").select_option(str(site["info"]["year"]))
        form.locator("input[name=note]").fill("三月电量缺失")
        form.locator("button[value=disputed]").click()
        page.wait_for_load_state("networkidle")
        row = page.locator("[data-testid=confirmations] tr", has_text="三月电量缺失")
        assert "有异议" in row.inner_text() and "analyst" in row.inner_text()
        link = page.locator("[data-testid=errors-xlsx]").first
        import_id = link.get_attribute("href").split("/")[3]
        with page.expect_download() as dl:
            link.click()
        assert dl.value.suggested_filename.startswith("导入错误清单-")
        wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
        rows = list(wb["错误清单"].iter_rows(values_only=True))
        q = quarantine(store, import_id).to_pylist()
        assert "模拟数据" in rows[0][0] and len(rows) - 2 == len(q) > 0
        shot(page, "data-1920")
        assert not page.js_errors, page.js_errors
        _assert_offline(offline)


def test_a_user_changes_their_password_from_the_header(site):
    from fenghuang.web import create_user

    base = site["base"]
    create_user(site["store"], username="chen", password=PASSWORD, role="leader")
    with browser_page() as (page, offline):
        browser_login(page, base, "chen", PASSWORD)
        page.click("[data-testid=account-link]")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/account")
        form = page.locator("[data-testid=password-form]")
        form.locator("input[name=current]").fill(PASSWORD)
        form.locator("input[name=new]").fill("Kiln-Fired-2024")
        form.locator("input[name=repeat]").fill("Kiln-Fired-2024")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-testid=password-changed]").is_visible()
        shot(page, "account-1920")
        page.click("button:has-text('退出')")
        page.wait_for_load_state("networkidle")
        browser_login(page, base, "chen", PASSWORD)  # the old one no longer works
        assert "/login" in page.url and page.locator("[role=alert]").is_visible()
        browser_login(page, base, "chen", "Kiln-Fired-2024")
        assert "/login" not in page.url
        assert not page.js_errors, page.js_errors
        _assert_offline(offline)


def test_phone_screenshots(site):
    base, info = site["base"], site["info"]
    with browser_page(390, 844, mobile=True) as (page, offline):
        browser_login(page, base, "analyst", PASSWORD)
        page.goto(f"{base}/overview")
        _charts_drawn(page)
        shot(page, "overview-390")
        page.goto(f"{base}/firms/{info['codes'][3]}")
        _charts_drawn(page)
        shot(page, "firm-390")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"page wider than the phone: {width}"
        _assert_offline(offline)


def test_firm_appeals_and_analyst_accepts(site, tmp_path: Path):
    base, store = site["base"], site["store"]
    code = site["firm"]
    evidence = tmp_path / "完税证明.pdf"
    evidence.write_bytes(PDF)
    from fenghuang.web.services.results import list_runs

    runs_before = {r["run_id"] for r in list_runs(store)}
    with browser_page() as (page, offline):
        browser_login(page, base, "firm", PASSWORD)
        assert page.url.endswith(f"/firms/{code}")
        page.goto(f"{base}/appeals")
        page.select_option("select[name=field]", "tax_paid")
        page.fill("input[name=claimed_value]", "98765432")
        page.fill("textarea[name=reason]", "税务局漏报第四季度税款")
        page.set_input_files("input[name=evidence]", str(evidence))
        page.click("[data-testid=appeal-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
        row = page.locator("tr[data-appeal]").first
        appeal_id = row.get_attribute("data-appeal")
        assert "待处理" in row.inner_text()
        _assert_offline(offline)
    with browser_page() as (page, offline):
        browser_login(page, base, "analyst", PASSWORD)
        page.goto(f"{base}/appeals")
        form = page.locator(f"[data-testid=decide-{appeal_id}]")
        form.locator("textarea[name=reason]").fill("完税证明属实，予以采纳")
        form.locator("button[value=accept]").click()
        page.wait_for_load_state("networkidle")
        assert "已采纳" in page.locator(f"tr[data-appeal='{appeal_id}']").inner_text()
        _assert_offline(offline)
    with browser_page() as (page, offline):
        browser_login(page, base, "firm", PASSWORD)
        page.goto(f"{base}/appeals")
        row = page.locator(f"tr[data-appeal='{appeal_id}']")
        assert "已采纳" in row.inner_text()
        new_run = row.locator("[data-testid=appeal-new-run]").inner_text().strip()
        assert new_run and new_run not in runs_before
        _assert_offline(offline)
