"""End to end: extract the example reports, load them, compute the index, open the pages in Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fenghuang.monitor import compute_city_index, extract_files
from fenghuang.warehouse import Store

DATA = Path(__file__).parent / "data"
PASSWORD = "correct-horse-9"
SHOTS = Path(__file__).resolve().parents[1] / "_artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    import uvicorn

    from fenghuang.web import Settings, create_app, create_user

    store = Store(tmp_path / "e2e.duckdb")
    create_user(store, username="leader", password=PASSWORD, role="leader")
    extract_files(
        [DATA / "jiangxi-daily-2024-nine-papers.txt"], report_date=date(2024, 3, 5), store=store
    )
    extract_files([DATA / "pingxiang-transformation-feature.txt"], store=store)
    # a report the rules were not developed on (test fixture, invented figures)
    extract_files([DATA / "unseen" / "panzhihua-2024-news.html"], store=store)
    app = create_app(Settings(store_path=tmp_path / "e2e.duckdb", synthetic=False), store=store)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    srv.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.mark.browser
@pytest.mark.slow
def test_city_page_shows_a_figure_with_its_source_sentence(server) -> None:
    from playwright.sync_api import sync_playwright

    base, store = server
    index = compute_city_index(store)
    assert {"360300", "620981", "140300", "230700"} <= {r.place_code for r in index.rows}
    assert all(r.missing for r in index.rows)  # extracted figures leave most indicators missing

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page()
        page.goto(f"{base}/login?next=/cities")
        page.fill("input[name=username]", "leader")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/cities")
        page.wait_for_selector("[data-testid=city-map][data-ready='1']", timeout=20000)
        assert page.locator("[data-testid=city-map] canvas").count() >= 1
        page.click("[data-testid=seed-cities] a:has-text('萍乡市')")
        page.wait_for_selector("[data-testid=city-name]")
        assert page.inner_text("[data-testid=city-name]") == "萍乡市"
        row = page.locator("[data-testid=figure]", has=page.locator("mark", has_text="1.5%"))
        assert row.count() == 1
        sentence = row.locator("[data-testid=sentence]").inner_text()
        assert "该市工业用电量增长1.5%" in sentence
        assert "抽取数据，待核实" in row.inner_text()
        row.locator("a:has-text('出处')").click()
        page.wait_for_selector("[data-testid=source-text]")
        assert page.inner_text("[data-testid=source-text] mark") == "1.5%"
        assert "工业用电量增长" in page.inner_text("[data-testid=source-text]")
        # the peer comparison within type: 萍乡 and 伊春 are both 衰退型
        page.goto(f"{base}/cities/360300")
        peers = page.inner_text("[data-testid=peers]")
        assert "萍乡市" in peers and "伊春市" in peers and "阳泉市" not in peers
        # the unseen html report: its figure and sentence on 攀枝花's page
        page.goto(f"{base}/cities/510400")
        assert page.inner_text("[data-testid=city-name]") == "攀枝花市"
        row = page.locator("[data-testid=figure]", has=page.locator("mark", has_text="975.4亿元"))
        assert row.count() == 1
        assert "前三季度" in row.locator("[data-testid=sentence]").inner_text()
        assert "2024Q1-Q3" in row.inner_text()
        # a district's figure on the city page, marked with the district
        county = page.locator("[data-testid=figure]", has=page.locator("mark", has_text="48.2亿元"))
        assert county.locator("[data-testid=sub-place]").inner_text() == "仁和区"
        compared = page.locator(
            "[data-testid=figure]", has=page.locator("mark", has_text="0.4个百分点")
        )
        assert "全省平均水平" in compared.locator("[data-testid=compared]").inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "city-panzhihua.png"), full_page=True)
        browser.close()
