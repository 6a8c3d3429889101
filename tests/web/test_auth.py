"""Login, sessions, CSRF, rate limiting, security headers, audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_helpers import PASSWORD, csrf_of, login

from fenghuang.web import list_audit


def test_login_sets_strict_httponly_cookie_and_lands_on_home(app_client, store):
    c = app_client()
    page = c.get("/login")
    assert page.status_code == 200
    assert "模拟数据" in page.text
    r = c.post(
        "/login",
        data={"username": "analyst", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/overview"
    cookie = next(h for k, h in r.headers.multi_items() if k == "set-cookie" and "fh_session" in h)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    actions = [a.action for a in list_audit(store)]
    assert "login" in actions


def test_wrong_password_is_refused_then_rate_limited(app_client, store):
    c = app_client()
    token = csrf_of(c.get("/login").text)
    for _ in range(3):
        r = c.post(
            "/login", data={"username": "leader", "password": "nope-nope", "csrf_token": token}
        )
        assert r.status_code == 401
        assert "用户名或密码错误" in r.text
    # even the right password is refused while limited
    r = c.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429
    # another user from the same address is not limited
    r = c.post(
        "/login",
        data={"username": "analyst", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    actions = [a.action for a in list_audit(store)]
    assert actions.count("login_failed") == 3 and "login_limited" in actions


def test_login_without_csrf_is_refused(app_client):
    c = app_client()
    c.get("/login")
    r = c.post("/login", data={"username": "analyst", "password": PASSWORD})
    assert r.status_code == 403


def test_post_without_csrf_refused_when_logged_in(app_client):
    c = app_client()
    login(c, "admin")
    r = c.post("/logout", follow_redirects=False)
    assert r.status_code == 403
    r = c.post("/admin/users/leader/role", data={"role": "admin"}, follow_redirects=False)
    assert r.status_code == 403


def test_logout_ends_session(app_client):
    c = app_client()
    token = login(c, "admin")
    r = c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    r = c.get("/admin", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_security_headers(app_client):
    c = app_client()
    r = c.get("/login")
    csp = r.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
    assert "<script>" not in r.text  # no inline scripts


def test_admin_changes_role_and_it_is_audited(app_client, store, monkeypatch):
    c = app_client()
    token = login(c, "admin")
    r = c.post(
        "/admin/users/leader/role",
        data={"role": "analyst", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c.get("/admin")
    assert "role=analyst" in page.text
    entry = next(a for a in list_audit(store) if a.action == "role")
    assert entry.actor == "admin" and entry.object == "leader"
    table = page.text.split('data-testid="audit-log"')[1].split("</table>")[0]
    assert '<td data-action="role">修改角色</td>' in table and ">role<" not in table
    only = c.get("/admin?action=login").text.split('data-testid="audit-log"')[1]
    rows = only.split("</table>")[0].split("<tbody>")[1]
    assert 'data-action="login"' in rows and 'data-action="role"' not in rows
    assert c.get("/admin?action=drop table").status_code == 400
    c.get("/lang/en")
    assert '<td data-action="role">Role changed</td>' in c.get("/admin").text
    # the export: every line, oldest first, labelled; it is logged itself
    import io

    import openpyxl

    before = list_audit(store, limit=10_000)
    got = c.get("/admin/audit.xlsx")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == ["操作日志", "说明"]
    rows = list(book["操作日志"].iter_rows(values_only=True))
    assert rows[0][0].startswith("操作日志") and rows[1][:5] == (
        "序号",
        "时间",
        "操作人",
        "角色",
        "操作",
    )
    assert [r[0] for r in rows[2:]] == [a.audit_id for a in reversed(before)]
    role_line = next(r for r in rows[2:] if r[4] == "role")
    assert (
        role_line[5] == "修改角色" and role_line[6] == "leader" and "role=analyst" in role_line[7]
    )
    export = list_audit(store, action="download")[0]
    assert export.object == "audit_log:all" and export.actor == "admin"
    logins = c.get("/admin/audit.xlsx?action=login")
    sheet = openpyxl.load_workbook(io.BytesIO(logins.content))["操作日志"]
    assert {r[4] for r in list(sheet.iter_rows(values_only=True))[2:]} == {"login"}
    assert c.get("/admin/audit.xlsx?action=nope").status_code == 400
    from fenghuang.web.services import audit as audit_service

    monkeypatch.setattr(audit_service, "EXPORT_PAGE", 2)  # page boundaries: nothing lost or twice
    paged = openpyxl.load_workbook(io.BytesIO(c.get("/admin/audit.xlsx").content))["操作日志"]
    ids = [r[0] for r in list(paged.iter_rows(values_only=True))[2:]]
    assert ids == sorted(set(ids)) and len(ids) == len(list_audit(store, limit=10_000)) - 1
    left = list((Path(c.app.state.settings.cache) / "downloads" / "audit").glob("*.xlsx"))
    assert left == []  # written for the request, deleted once sent


def test_every_audit_action_is_known_and_translated():
    import re

    import fenghuang.web as web
    from fenghuang.web._i18n import STRINGS
    from fenghuang.web.services.audit import ACTIONS

    used = set()
    for path in Path(web.__file__).parent.rglob("*.py"):
        used |= set(re.findall(r'action="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert used == set(ACTIONS), used ^ set(ACTIONS)
    assert {f"audit.{a}" for a in ACTIONS} <= set(STRINGS)


def test_an_unknown_audit_action_is_refused(store):
    from fenghuang.web import record_audit

    with pytest.raises(ValueError, match="unknown audit action"):
        record_audit(store, action="dowload", actor="admin")


def test_language_switch(app_client):
    c = app_client()
    r = c.get("/lang/en", headers={"referer": "http://testserver/login"}, follow_redirects=True)
    assert "Log in" in r.text and "Synthetic data" in r.text
    r = c.get("/lang/zh", headers={"referer": "http://testserver/login"}, follow_redirects=True)
    assert "登录" in r.text


def test_session_expires(app_client, store, settings):
    from datetime import timedelta

    c = app_client()
    login(c, "admin")
    store.execute("update web_sessions set expires_at = expires_at - interval 1 day")
    # the app caches resolved sessions (tests/web/test_caches.py); once an entry is
    # older than the cache's ttl, the store's expired row is read and refused
    sessions = c.app.state.sessions
    real = sessions.clock
    sessions.clock = lambda: real() + sessions.ttl + timedelta(seconds=1)
    r = c.get("/admin", follow_redirects=False)
    assert r.status_code == 303


def test_passwords_are_stored_as_argon2id(store):
    from fenghuang.web._security import verify_password

    rows = store.fetch_all("select username, password_hash from web_users order by username")
    assert len(rows) == 6
    for user, hashed in rows:
        assert hashed.startswith("$argon2id$"), user
        assert PASSWORD not in hashed
        assert verify_password(hashed, PASSWORD) and not verify_password(hashed, PASSWORD + "x")
    assert len({h for _, h in rows}) == len(rows)  # salted: same password, different hashes


def test_upload_dir_inside_the_web_root_is_refused(tmp_path):
    import pytest

    from fenghuang.errors import InputError
    from fenghuang.web import Settings, create_app
    from fenghuang.web._app import STATIC_DIR

    for inside in (STATIC_DIR / "uploads", STATIC_DIR.parent / "templates" / "x"):
        settings = Settings(store_path=tmp_path / "w.duckdb", upload_dir=inside)
        with pytest.raises(InputError) as err:
            create_app(settings)
        assert err.value.code == "E-WEB-UPLOAD-DIR"
    assert not (STATIC_DIR / "uploads").exists()


def test_evidence_is_stored_outside_the_web_root_under_a_random_name(app_client, settings):
    from fenghuang.web._app import STATIC_DIR

    c = app_client()
    token = login(c, "firm_a")
    pdf = b"%PDF-1.4\n%secret evidence\n%%EOF\n"
    r = c.post(
        "/appeals",
        data={
            "csrf_token": token,
            "credit_code": "91360300MA35XXXX1A",
            "year": "2023",
            "field": "tax_paid",
            "claimed_value": "5",
            "reason": "漏报",
        },
        files={"evidence": ("../../static/完税证明.pdf", pdf, "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]
    stored = [p for p in settings.uploads.rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [pdf]
    assert stored[0].suffix == ".pdf" and "完税证明" not in stored[0].name
    assert STATIC_DIR.resolve() not in stored[0].resolve().parents
    assert not list(STATIC_DIR.rglob("*完税证明*"))
    assert c.get(f"/static/{stored[0].name}").status_code == 404


STRONG = "Kiln-Fired-2024"


def _post(client, url, token, **data):
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=False)


def test_admin_creates_resets_and_disables_a_user(app_client, store):
    admin = app_client()
    token = login(admin, "admin")
    # the policy: too weak, or holding the username -> refused, nothing stored
    for weak in ("short1A", "alllowercase1", "dept_power-X1"):
        r = _post(admin, "/admin/users", token, username="dept_power", password=weak,
                  role="department", department="power")  # fmt: skip
        assert r.status_code == 400, weak
    assert not store.fetch_all("select 1 from web_users where username = 'dept_power'")
    r = _post(admin, "/admin/users", token, username="dept_power", password=STRONG,
              role="department", department="power", display_name="供电公司 王")  # fmt: skip
    assert r.status_code == 303
    assert _post(admin, "/admin/users", token, username="bad name", password=STRONG,
                 role="analyst").status_code == 400  # fmt: skip
    page = admin.get("/admin").text
    assert "dept_power" in page and 'data-testid="new-user"' in page
    power = app_client()
    login(power, "dept_power", STRONG)
    assert power.get("/data").status_code == 200
    assert "<dd>供电公司</dd>" in power.get("/account").text  # the department by its name
    # reset: the old password stops working and the user's session ends
    assert (
        _post(
            admin, "/admin/users/dept_power/password", token, password="Pylon-Line-77"
        ).status_code
        == 303
    )
    assert power.get("/data", follow_redirects=False).status_code == 303  # back to login
    again = app_client()
    login(again, "dept_power", "Pylon-Line-77")
    # disable: needs the name repeated; not oneself; then no login and no session
    assert (
        _post(admin, "/admin/users/dept_power/disable", token, confirm="other").status_code == 400
    )
    assert _post(admin, "/admin/users/admin/disable", token, confirm="admin").status_code == 400
    assert (
        _post(admin, "/admin/users/dept_power/disable", token, confirm="dept_power").status_code
        == 303
    )
    assert again.get("/data", follow_redirects=False).status_code == 303
    fresh = app_client()
    form = csrf_of(fresh.get("/login").text)
    r = fresh.post("/login", data={"username": "dept_power", "password": "Pylon-Line-77",
                                   "csrf_token": form}, follow_redirects=False)  # fmt: skip
    assert r.status_code != 303 and "用户名或密码错误" in r.text
    assert "dept_power" not in admin.get("/admin").text.split('data-testid="audit-log"')[0]
    lines = {(a.action, a.object) for a in list_audit(store) if a.actor == "admin"}
    assert {("user_create", "dept_power"), ("password_reset", "dept_power"),
            ("user_disable", "dept_power")} <= lines  # fmt: skip
    stored = store.fetch_all("select password_hash from web_users where username = 'dept_power'")
    assert stored[0][0].startswith("$argon2id$") and "Pylon" not in stored[0][0]


def test_a_user_changes_their_own_password(app_client, store):
    here, there = app_client(), app_client()
    token = login(here, "leader")
    login(there, "leader")
    page = here.get("/account").text
    assert "leader" in page and "领导" in page and 'data-testid="password-form"' in page
    assert 'href="/account"' in page  # from the header
    bad = {"current": "wrong-Pass-1", "new": STRONG, "repeat": STRONG}
    assert _post(here, "/account/password", token, **bad).status_code == 400
    differ = {"current": PASSWORD, "new": STRONG, "repeat": STRONG + "x"}
    assert _post(here, "/account/password", token, **differ).status_code == 400
    same = {"current": PASSWORD, "new": PASSWORD, "repeat": PASSWORD}
    assert _post(here, "/account/password", token, **same).status_code == 400
    ok = {"current": PASSWORD, "new": STRONG, "repeat": STRONG}
    r = _post(here, "/account/password", token, **ok)
    assert r.status_code == 303 and r.headers["location"] == "/account?done=1"
    assert 'data-testid="password-changed"' in here.get("/account?done=1").text  # still logged in
    assert there.get("/overview", follow_redirects=False).status_code == 303  # the other ended
    login(app_client(), "leader", STRONG)
    entry = next(a for a in list_audit(store) if a.action == "password_change")
    assert entry.actor == "leader" and STRONG not in (entry.detail or "")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Kiln-Fired-2024", True),
        ("correct-horse-9", True),  # lower, digit, symbol
        ("ABCdef12", True),
        ("Abc-12", False),  # too short
        ("abcdefgh1", False),  # two kinds
        ("ABCDEFGH-", False),
        ("Xanalyst-1", False),  # holds the username
    ],
)
def test_the_password_policy(password, ok):
    from fenghuang.errors import InputError
    from fenghuang.web.services.accounts import check_password

    if ok:
        check_password(password, username="analyst")
    else:
        with pytest.raises(InputError) as info:
            check_password(password, username="analyst")
        assert info.value.code == "E-WEB-PASSWORD" and "密码" in info.value.zh


def test_guessing_the_current_password_is_limited_like_logins(app_client, store):
    c = app_client()
    token = login(c, "analyst")
    wrong = {"current": "Guess-Word-1", "new": STRONG, "repeat": STRONG}
    texts = [_post(c, "/account/password", token, **wrong).text for _ in range(8)]
    assert any("失败次数过多" in t for t in texts)
    right = {"current": PASSWORD, "new": STRONG, "repeat": STRONG}
    r = _post(c, "/account/password", token, **right)
    assert r.status_code == 400 and "失败次数过多" in r.text  # even the right one, for now
    assert not any(
        a.action == "password_change" and a.actor == "analyst" for a in list_audit(store)
    )
