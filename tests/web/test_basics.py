"""Small parts: formats, translations, limiter, sniffing, settings, exports, assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web_helpers import login

import fenghuang.web as web
from fenghuang.web import Settings
from fenghuang.web._format import fmt_pct, fmt_yuan
from fenghuang.web._i18n import STRINGS, translate
from fenghuang.web._security import LoginLimiter, sniff_evidence
from fenghuang.web.assets import VENDOR_FILES, copy_assets, missing_assets

TEMPLATES = Path(web.__file__).parent / "templates"


def test_public_names():
    assert set(web.__all__) == {
        "ROLES",
        "Settings",
        "UserPublic",
        "create_app",
        "create_user",
        "list_audit",
        "list_users",
        "record_audit",
        "seed_demo_accounts",
        "set_role",
    }
    for name in web.__all__:
        assert getattr(web, name) is not None


def test_yuan_as_people_read_it():
    assert fmt_yuan(123_456_789) == "1.23亿元"
    assert fmt_yuan(56_000) == "5.60万元"
    assert fmt_yuan(9_999) == "9,999元"
    assert fmt_yuan(None) == "—"
    assert fmt_yuan(float("nan")) == "—"
    assert fmt_yuan(-2e8) == "-2.00亿元"
    assert fmt_yuan(123_456_789, "en") == "123.46 million yuan"
    assert fmt_pct(0.5) == "50.0%"


@given(st.floats(min_value=1e4, max_value=1e15))
def test_yuan_round_trips_to_its_unit(x):
    text = fmt_yuan(x)
    number = float(re.sub(r"[^\d.]", "", text))
    scale = 1e8 if text.endswith("亿元") else 1e4
    assert abs(number * scale - x) <= 0.005 * scale + 1e-9 * x


def test_every_template_key_is_translated():
    used = set()
    for path in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z_.]+)["']\)""", path.read_text(encoding="utf-8")))
    assert used, "no keys found"
    assert used <= set(STRINGS), used - set(STRINGS)
    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
    assert translate("no.such.key", "zh") == "no.such.key"


def test_limiter_is_per_user_and_address():
    now = [0.0]
    lim = LoginLimiter(2, 10, clock=lambda: now[0])
    lim.failed("a", "1")
    lim.failed("a", "1")
    assert not lim.allowed("a", "1") and not lim.allowed("A", "1")
    assert lim.allowed("a", "2") and lim.allowed("b", "1")
    now[0] = 10.5
    assert lim.allowed("a", "1")


def test_evidence_is_judged_by_content():
    assert sniff_evidence(b"%PDF-1.7")[0] == "application/pdf"
    assert sniff_evidence(b"\x89PNG\r\n\x1a\nxxxx")[1] == ".png"
    assert sniff_evidence(b"\xff\xd8\xff\xe0")[1] == ".jpg"
    assert sniff_evidence(b"<html>%PDF-") is None
    assert sniff_evidence(b"PK\x03\x04") is None


def test_settings_from_env_and_validation(tmp_path):
    s = Settings.from_env(
        {
            "FENGHUANG_STORE": str(tmp_path / "x.duckdb"),
            "FENGHUANG_SESSION_MINUTES": "30",
            "FENGHUANG_DEFAULT_LANG": "en",
        }
    )
    assert s.session_minutes == 30 and s.default_lang == "en"
    assert s.uploads == tmp_path / "uploads" and s.cache == tmp_path / "cache"
    with pytest.raises(ValueError):
        Settings.from_env({"FENGHUANG_SESSION_MINUTES": "0"})
    with pytest.raises(ValueError):
        Settings(store_path=":memory:")  # an in-memory store needs an upload dir
    with pytest.raises(ValueError):
        Settings(no_such_field=1)  # type: ignore[call-arg]


def test_assets_are_copied_from_node_modules(tmp_path):
    root = Path(web.__file__).resolve().parents[3] / "node_modules"
    if not (root / "echarts").is_dir():
        pytest.skip("node_modules not installed (npm ci)")
    written = copy_assets(root, tmp_path)
    assert {p.name for p in written} == set(VENDOR_FILES)
    assert missing_assets(tmp_path) == []
    assert (tmp_path / "echarts.min.js").read_bytes().startswith(b"/*") or b"echarts" in (
        tmp_path / "echarts.min.js"
    ).read_bytes()[:4000]


def test_every_page_says_synthetic(app_client):
    c = app_client()
    login(c, "admin")
    for url in (
        "/overview",
        "/runs",
        "/firms",
        "/data",
        "/publicity",
        "/appeals",
        "/downloads",
        "/admin",
        "/login",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        assert "模拟数据" in r.text, url


def test_large_bodies_are_refused_before_reading(app_client, settings):
    c = app_client()
    token = login(c, "firm_a")
    big = b"%PDF-" + b"0" * (settings.max_upload_bytes + 2 * 1024 * 1024)
    r = c.post(
        "/appeals",
        data={"csrf_token": token},
        files={"evidence": ("a.pdf", big, "application/pdf")},
    )
    assert r.status_code == 413


def test_seed_demo_accounts(store):
    from fenghuang.web import list_users
    from fenghuang.web.services.accounts import authenticate

    accounts = web.seed_demo_accounts(store, firm_code="91360300MA35XXXX1A")
    roles = {r for r, _, _ in accounts}
    assert roles == {"admin", "analyst", "leader", "department", "firm"}
    for _, user, password in accounts:
        assert authenticate(store, user, password) is not None
    assert len({p for _, _, p in accounts}) == len(accounts)
    assert any(
        u.username == "firm" and u.credit_code == "91360300MA35XXXX1A" for u in list_users(store)
    )


def test_audit_log_is_only_ever_appended():
    src = Path(web.__file__).parent
    offenders = []
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        if re.search(r"(update|delete\s+from)\s+web_audit", text):
            offenders.append(path.name)
    assert not offenders


def test_imported_macros_see_the_page_context():
    """A macro imported without ``with context`` cannot see ``lang`` or ``synthetic``
    (Jinja gives it the globals only): the city pages were Chinese in English, and the
    模拟数据 tag of every page title never showed."""
    for path in TEMPLATES.rglob("*.html"):
        for line in re.findall(r"\{%-?\s*from .*? import .*?%\}", path.read_text(encoding="utf-8")):
            assert "with context" in line, (path.name, line)
