"""Site-wide facts: whether the data is synthetic, where a user lands."""

from __future__ import annotations

from fenghuang.warehouse import Store
from fenghuang.web._schemas import UserPublic

__all__ = ["detect_synthetic", "home_path"]


def detect_synthetic(store: Store) -> bool:
    """True when the store holds synthetic (模拟) data.

    The synthetic city marks its imports (department file names carry the
    模拟 marker or the ``synthetic`` department tag); a store with web demo
    accounts seeded by :func:`fenghuang.web.seed_demo_accounts` also counts.
    """
    tables = {r[0] for r in store.fetch_all("select table_name from information_schema.tables")}
    if "web_meta" in tables:
        rows = store.fetch_all("select value from web_meta where key = 'synthetic'")
        if rows:
            return bool(rows[0][0] == "1")
    if "imports" in tables:
        rows = store.fetch_all(
            "select count(*) from imports where file_name ilike '%模拟%'"
            " or file_name ilike '%synthetic%'"
        )
        return bool(rows and rows[0][0])
    return False


def home_path(user: UserPublic) -> str:
    """The page a user starts on after login."""
    if user.role == "firm":
        return f"/firms/{user.credit_code}"
    if user.role == "department":
        return "/data"
    return "/overview"
