"""City-monitor pages: map, city page with sources, source view, access."""

from __future__ import annotations

import json

from web_helpers import login

from fenghuang.monitor import fetch_observations, seed_demo


def test_map_city_and_source_pages(app_client, store) -> None:
    assert seed_demo(store) > 40
    c = app_client()
    login(c, "leader")
    page = c.get("/cities")
    assert page.status_code == 200
    assert 'data-geo="/cities/map.json"' in page.text and "萍乡市" in page.text
    assert "应有 262" in page.text
    geo = c.get("/cities/map.json").json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) > 300
    option = json.loads(page.text.split('id="map-type">')[1].split("</script>")[0])
    pingxiang = next(d for d in option["series"][0]["data"] if d["code"] == "360300")
    assert pingxiang["itemStyle"]["areaColor"] == "#cc0000"  # 衰退型

    city = c.get("/cities/360300")
    assert city.status_code == 200
    assert "抽取数据，待核实" in city.text
    assert "该市工业用电量增长<mark>1.5%</mark>" in city.text
    obs = next(
        r
        for r in fetch_observations(
            store, place_code="360300", indicator_code="industry_power"
        ).to_pylist()
        if r["kind"] == "growth"
    )
    src = c.get(f"/cities/source/{obs['obs_id']}")
    assert src.status_code == 200 and "<mark>1.5%</mark>" in src.text
    assert c.get("/cities/140400").status_code == 200  # 长治: in the registry, no figures yet
    assert "暂无该城市的数据" in c.get("/cities/140400").text
    assert c.get("/cities/999999").status_code == 404
    c.get("/lang/en")
    en = c.get("/cities").text
    assert (
        "Resource-based cities: transformation monitor" in en and "全国资源型城市转型监测" not in en
    )
    assert "Seed cities" in en and "Province" in en
    assert "declining" in en and "prefecture-level" in en and "成熟型" not in en.split("<main")[1]
    city_en = c.get("/cities/360300").text
    assert "Pressure" in city_en and "declining" in city_en and "衰退型" not in city_en
    assert "<strong>industrial electricity consumption</strong>" in city_en  # the catalogue's name


def test_cities_need_a_reader(app_client) -> None:
    c = app_client()
    r = c.get("/cities", follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]
    login(c, "firm_a")
    assert c.get("/cities").status_code == 403


def test_analyst_verifies_a_figure(app_client, store) -> None:
    seed_demo(store)
    obs = next(
        r
        for r in fetch_observations(
            store, place_code="360300", indicator_code="industry_power"
        ).to_pylist()
        if r["kind"] == "growth"
    )
    leader = app_client()
    token = login(leader, "leader")
    page = leader.get(f"/cities/source/{obs['obs_id']}")
    assert 'data-testid="verify"' not in page.text  # leaders read, analysts verify
    r = leader.post(
        f"/cities/source/{obs['obs_id']}/status", data={"verified": "1", "csrf_token": token}
    )
    assert r.status_code == 403
    analyst = app_client()
    token = login(analyst, "analyst")
    page = analyst.get(f"/cities/source/{obs['obs_id']}")
    assert 'data-testid="verify"' in page.text
    r = analyst.post(
        f"/cities/source/{obs['obs_id']}/status",
        data={"verified": "1", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/cities/360300"
    row = next(x for x in fetch_observations(store).to_pylist() if x["obs_id"] == obs["obs_id"])
    assert (row["status"], row["label"]) == ("已核实", "")
    audit = store.fetch_all(
        "select action, target, detail from web_audit where action = 'monitor_verify'"
    )
    assert audit == [("monitor_verify", obs["obs_id"], "已核实")]
    assert analyst.post(
        f"/cities/source/{obs['obs_id']}/status", data={"verified": "1"}
    ).status_code in (400, 403)


def test_upload_a_report(app_client, store) -> None:
    c = app_client()
    token = login(c, "analyst")
    assert 'data-testid="upload-report"' in c.get("/cities").text
    text = (
        "甘肃省 玉门市\n目前，全市各类电力装机累计达到553.9万千瓦，新能源累计发电量超500亿千瓦时。"
    )
    r = c.post(
        "/cities/reports",
        data={"csrf_token": token, "report_date": "2024-03-05", "place": ""},
        files={"file": ("yumen.txt", text.encode("utf-8"), "text/plain")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/cities/620981"
    page = c.get("/cities/620981").text
    assert "<mark>553.9万千瓦</mark>" in page and "抽取数据，待核实" in page
    bad = c.post(
        "/cities/reports",
        data={"csrf_token": token},
        files={"file": ("x.pdf", b"%PDF", "application/pdf")},
    )
    assert bad.status_code == 400 and "不支持的报告文件类型" in bad.text
    leader = app_client()
    lt = login(leader, "leader")
    assert (
        leader.post(
            "/cities/reports",
            data={"csrf_token": lt},
            files={"file": ("a.txt", b"x", "text/plain")},
        ).status_code
        == 403
    )
