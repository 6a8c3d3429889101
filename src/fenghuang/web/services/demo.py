"""Demo accounts for the synthetic city (one per role)."""

from __future__ import annotations

import secrets

from fenghuang.errors import InputError
from fenghuang.warehouse import Store
from fenghuang.web.services import accounts, audit

__all__ = ["mark_synthetic", "seed_demo_accounts"]


def mark_synthetic(store: Store, synthetic: bool = True) -> None:
    """Record that this store holds synthetic data (pages then say 模拟数据)."""
    with store.transaction() as con:
        con.execute("delete from web_meta where key = 'synthetic'")
        con.execute("insert into web_meta values ('synthetic', ?)", ["1" if synthetic else "0"])


def _some_firm(store: Store) -> str | None:
    from fenghuang.web.services.results import latest_run_id

    try:
        run_id = latest_run_id(store)
        if run_id is not None:
            from fenghuang.web.services.backend import api, records

            rows = records(api("evaluation", "load_run")(store, run_id).results)
            codes = sorted(str(r["credit_code"]) for r in rows)
            if codes:
                return codes[len(codes) // 2]
    except Exception:
        return None
    return None


def _password() -> str:
    """A random 12-character password that meets :func:`accounts.check_password`."""
    while True:
        password = secrets.token_urlsafe(9)
        try:
            accounts.check_password(password)
        except InputError:
            continue
        return password


def seed_demo_accounts(
    store: Store, *, firm_code: str | None = None, synthetic: bool = True
) -> list[tuple[str, str, str]]:
    """Create (or reset) one account per role with fresh random passwords.

    Parameters
    ----------
    store : Store
        The warehouse.
    firm_code : str, optional
        The firm the ``firm`` account speaks for; by default a firm of the
        newest run (no firm account if there is no run yet).
    synthetic : bool
        Also mark the store as holding synthetic data.

    Returns
    -------
    list of (role, username, password)
        To print for the demo; passwords are stored only as argon2 hashes.
    """
    if synthetic:
        mark_synthetic(store)
    wanted: list[tuple[str, str, dict[str, str]]] = [
        ("admin", "admin", {}),
        ("analyst", "analyst", {}),
        ("leader", "leader", {}),
        ("department", "tax", {"department": "tax"}),
    ]
    code = firm_code or _some_firm(store)
    if code:
        wanted.append(("firm", "firm", {"credit_code": code}))
    out = []
    for role, username, extra in wanted:
        password = _password()
        accounts.create_user(
            store,
            username=username,
            password=password,
            role=role,
            department=extra.get("department"),
            credit_code=extra.get("credit_code"),
            display_name=f"演示{username}",
            replace=True,
        )
        out.append((role, username, password))
    audit.record(
        store, action="seed_accounts", actor="system", detail=",".join(u for _, u, _ in out)
    )
    return out
