"""The authorisation matrix: every role against every route and object.

The expected access of each route is written out here, independently of
the code; every route of the app must appear in it (a new route fails this
test until its access is stated), except routes of other areas' routers,
which are checked only for refusing anonymous users.
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from web_helpers import FIRM_A, FIRM_B, PASSWORD, USERS, login

from fenghuang.web import create_app
from fenghuang.web.services import appeals

PUBLIC = "public"
ALL = {"admin", "analyst", "department", "leader", "firm"}
READERS = {"admin", "analyst", "leader"}
STAFF = {"admin", "analyst"}

# (method, path) -> roles allowed ("firm" on a {credit_code}/{appeal_id} route means: its own only)
EXPECTED: dict[tuple[str, str], set[str] | str] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("GET", "/lang/{lang}"): PUBLIC,
    ("POST", "/logout"): ALL,
    ("GET", "/overview"): READERS,
    ("GET", "/overview/geo/{city_code}.json"): READERS,
    ("GET", "/runs"): READERS,
    ("POST", "/runs"): STAFF,
    ("GET", "/runs/jobs/{job_id}"): STAFF,
    ("GET", "/runs/compare"): READERS,
    ("POST", "/runs/{run_id}/publish"): STAFF,
    ("GET", "/firms"): READERS,
    ("GET", "/firms/{credit_code}"): READERS | {"firm"},
    ("GET", "/data"): STAFF | {"department"},
    ("GET", "/data/imports/{import_id}/errors.xlsx"): STAFF | {"department"},
    ("GET", "/data/templates/{department}.xlsx"): STAFF | {"department"},
    ("POST", "/data/confirm"): STAFF | {"department"},
    ("POST", "/data/import"): STAFF | {"department"},
    ("GET", "/publicity"): ALL,
    # leaders and departments only once the run is published (checked in test_flows)
    ("GET", "/publicity/{run_id}.xlsx"): STAFF,
    ("GET", "/appeals"): READERS | {"firm"},
    ("POST", "/appeals"): {"firm"},
    ("POST", "/appeals/{appeal_id}/decide"): STAFF,
    ("GET", "/appeals/{appeal_id}/evidence"): READERS | {"firm"},
    ("GET", "/downloads"): READERS,
    ("GET", "/downloads/list/{run_id}.xlsx"): READERS,
    ("GET", "/downloads/summary/{run_id}.docx"): READERS,
    ("GET", "/downloads/surcharges/{run_id}.xlsx"): READERS,
    ("GET", "/downloads/firm/{credit_code}.docx"): READERS | {"firm"},
    ("GET", "/admin"): {"admin"},
    ("POST", "/admin/users/{username}/role"): {"admin"},
    ("GET", "/admin/audit.xlsx"): {"admin"},
    ("POST", "/admin/users"): {"admin"},
    ("POST", "/admin/users/{username}/password"): {"admin"},
    ("POST", "/admin/users/{username}/disable"): {"admin"},
    ("GET", "/account"): ALL,
    ("POST", "/account/password"): ALL,
}
ROLE_USER = {
    "admin": "admin",
    "analyst": "analyst",
    "department": "dept_tax",
    "leader": "leader",
    "firm": "firm_a",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _routes(app):
    """(method, path) of every API route, through included routers."""
    out = []
    for ctx in iter_route_contexts(app.routes):
        if isinstance(ctx.original_route, APIRoute):
            for m in sorted((ctx.methods or set()) - {"HEAD", "OPTIONS"}):
                out.append((m, ctx.path))
    return out


def _fill(path: str, own: bool, ids: dict[str, str]) -> str:
    return (
        path.replace("{credit_code}", FIRM_A if own else FIRM_B)
        .replace("{appeal_id}", ids["appeal_a"] if own else ids["appeal_b"])
        .replace("{run_id}", "no-such-run")
        .replace("{job_id}", "no-such-job")
        .replace("{username}", "leader")
        .replace("{city_code}", "3603")
        .replace("{lang}", "en")
        .replace("{code}", "360300")
        .replace("{obs_id}", "x")
        .replace("{import_id}", "no-such-import")
        .replace("{department}", "tax")
    )


@pytest.fixture()
def ids(store, tmp_path):
    from fenghuang.web.services.accounts import get_user

    out = {}
    for user, code, key in (("firm_a", FIRM_A, "appeal_a"), ("firm_b", FIRM_B, "appeal_b")):
        a = appeals.file_appeal(
            store,
            user=get_user(store, user),
            credit_code=code,
            year=2023,
            run_id=None,
            field="tax_paid",
            claimed_value=1.0,
            reason=f"secret reason of {code}",
            evidence=PDF,
            evidence_name="e.pdf",
            upload_dir=tmp_path / "uploads",
            max_bytes=1 << 20,
        )
        out[key] = a.appeal_id
    return out


def test_every_route_has_a_stated_access(settings, store):
    app = create_app(settings, store=store)
    mine = {r for r in _routes(app) if not r[1].startswith("/cities")}
    assert mine == set(EXPECTED), (mine - set(EXPECTED), set(EXPECTED) - mine)


def test_anonymous_is_sent_to_login(app_client, ids):
    c = app_client()
    app = c.app
    for method, path in _routes(app):
        if EXPECTED.get((method, path)) == PUBLIC:
            continue
        url = _fill(path, True, ids)
        r = c.request(method, url, follow_redirects=False)
        if method == "GET":
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), (
                method,
                path,
            )
        else:
            assert r.status_code in (401, 403), (method, path, r.status_code)


@pytest.mark.parametrize("role", sorted(ALL))
def test_role_matrix(app_client, ids, role):
    c = app_client()
    token = login(c, ROLE_USER[role])
    for (method, path), allowed in EXPECTED.items():
        if allowed == PUBLIC or path in ("/logout",):
            continue
        objects = [True, False] if "{credit_code}" in path or "{appeal_id}" in path else [True]
        for own in objects:
            url = _fill(path, own, ids)
            if method == "GET":
                r = c.get(url, follow_redirects=False)
            else:  # only the CSRF token: passing authorisation ends in a 422 (missing fields)
                r = c.post(url, data={"csrf_token": token}, follow_redirects=False)
            may = role in allowed and (own or role != "firm")
            if may:
                assert r.status_code not in (401, 403), (
                    role,
                    method,
                    url,
                    r.status_code,
                    r.text[:300],
                )
                assert not r.headers.get("location", "").startswith("/login"), (role, url)
            else:
                assert r.status_code == 403, (role, method, url, r.status_code)


def test_firm_sees_nothing_of_another_firm(app_client, ids):
    c = app_client()
    token = login(c, "firm_a")
    page = c.get("/appeals").text
    assert f"secret reason of {FIRM_A}" in page
    assert FIRM_B not in page and f"secret reason of {FIRM_B}" not in page
    for url in (
        f"/firms/{FIRM_B}",
        f"/downloads/firm/{FIRM_B}.docx",
        f"/appeals/{ids['appeal_b']}/evidence",
    ):
        r = c.get(url)
        assert r.status_code == 403 and FIRM_B not in r.text.replace(f"企业={FIRM_B}", "").replace(
            f"firm={FIRM_B}", ""
        ), url
    # editing the firm in the appeal form
    r = c.post(
        "/appeals",
        data={
            "csrf_token": token,
            "credit_code": FIRM_B,
            "year": "2023",
            "field": "tax_paid",
            "claimed_value": "5",
            "reason": "x",
        },
        files={"evidence": ("e.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 403
    # the firm's own evidence is served
    r = c.get(f"/appeals/{ids['appeal_a']}/evidence")
    assert r.status_code == 200 and r.content == PDF


def test_every_post_refuses_a_missing_csrf_token(app_client, ids):
    c = app_client()
    login(c, "admin")
    firm = app_client()
    login(firm, "firm_a")
    for method, path in _routes(c.app):
        if method != "POST" or path == "/login":
            continue
        client = firm if path == "/appeals" else c
        r = client.post(_fill(path, True, ids), data={"x": "1"}, follow_redirects=False)
        assert r.status_code == 403 and "CSRF" in r.text, (path, r.status_code)
        r = client.post(
            _fill(path, True, ids), data={"csrf_token": "forged"}, follow_redirects=False
        )
        assert r.status_code == 403, path


def test_password_never_in_a_page(app_client):
    c = app_client()
    login(c, "admin")
    page = c.get("/admin").text
    assert "argon2" not in page and PASSWORD not in page
    assert all(u in page for u in USERS)
