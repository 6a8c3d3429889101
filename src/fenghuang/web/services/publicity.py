"""The 公示 page: the run open for public notice, and what each role sees of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fenghuang.warehouse import Store
from fenghuang.web._schemas import PublicationPublic, UserPublic
from fenghuang.web.services import publications
from fenghuang.web.services.results import RunCache

__all__ = ["PublicityPage", "publicity_page"]


@dataclass
class PublicityPage:
    """The open publication and its rows (a firm gets only its own row)."""

    publication: PublicationPublic | None
    run: dict[str, Any] | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    can_download: bool = False


def publicity_page(
    store: Store, cache: RunCache, *, user: UserPublic, today: date | None = None, limit: int = 200
) -> PublicityPage:
    """What ``user`` sees on the 公示 page today."""
    pub = publications.current_publication(store, today)
    if pub is None:
        return PublicityPage(None)
    run = cache.get(store, pub.run_id)
    if user.role == "firm":
        own = run.firm(user.credit_code or "")
        return PublicityPage(pub, run.info, [own] if own else [], len(run.rows))
    rows = sorted(run.rows, key=lambda r: (r["pool"], r["rank"] if r["rank"] is not None else 1e9))
    return PublicityPage(pub, run.info, rows[:limit], len(rows), True)
