"""Helpers shared by the web tests (accounts, login through the form)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "correct-horse-9"
FIRM_A = "91360300MA35XXXX1A"
FIRM_B = "91360300MA35YYYY2B"

USERS = {
    "admin": dict(role="admin"),
    "analyst": dict(role="analyst"),
    "dept_tax": dict(role="department", department="tax"),
    "leader": dict(role="leader"),
    "firm_a": dict(role="firm", credit_code=FIRM_A),
    "firm_b": dict(role="firm", credit_code=FIRM_B),
}


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in page"
    return m.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    token = csrf_of(page.text)
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    home = client.get(r.headers["location"])
    return csrf_of(home.text)
