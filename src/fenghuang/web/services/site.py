"""Site-wide facts: whether the data is synthetic, where a user lands."""

from __future__ import annotations

from fenghuang.warehouse import Store, is_synthetic
from fenghuang.web._schemas import UserPublic

__all__ = ["detect_synthetic", "home_path"]


def detect_synthetic(store: Store) -> bool:
    """True when the store holds synthetic (模拟) data: :func:`fenghuang.warehouse.is_synthetic`
    (the store is marked so, or one of its imports is a file that says 模拟数据)."""
    return is_synthetic(store)


def home_path(user: UserPublic) -> str:
    """The page a user starts on after login."""
    if user.role == "firm":
        return f"/firms/{user.credit_code}"
    if user.role == "department":
        return "/data"
    return "/overview"
