"""Publication of a run for 公示 (public notice) during a set period."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from fenghuang.warehouse import Store
from fenghuang.web._schemas import PublicationPublic, UserPublic
from fenghuang.web.services import audit

__all__ = ["current_publication", "list_publications", "publish_run"]

_COLS = "publication_id, run_id, published_by, published_at, opens_on, closes_on"


def publish_run(
    store: Store,
    *,
    user: UserPublic,
    run_id: str,
    days: int,
    today: date | None = None,
    ip: str | None = None,
) -> PublicationPublic:
    """Open ``run_id`` for public notice from today for ``days`` days."""
    from fenghuang.web.services.results import list_runs

    if not any(str(r.get("run_id")) == run_id for r in list_runs(store)):
        from fenghuang.errors import NotFoundError

        raise NotFoundError("E-WEB-NO-RUN", zh="评价批次不存在", en="no such run", field=run_id)
    start = today or date.today()
    pub_id = secrets.token_hex(8)
    store.execute(
        "insert into web_publications(publication_id, run_id, published_by, opens_on, closes_on)"
        " values (?, ?, ?, ?, ?)",
        [pub_id, run_id, user.username, start, start + timedelta(days=days - 1)],
    )
    audit.record(
        store, action="publish", actor=user, object=run_id, detail=f"{start} +{days}d", ip=ip
    )
    return list_publications(store)[0]


def list_publications(store: Store) -> list[PublicationPublic]:
    """All publications, newest first."""
    rows = store.fetch_all(f"select {_COLS} from web_publications order by published_at desc")
    return [
        PublicationPublic.model_validate(dict(zip(_COLS.split(", "), r, strict=True))) for r in rows
    ]


def current_publication(store: Store, today: date | None = None) -> PublicationPublic | None:
    """The newest publication open today, if any."""
    day = today or date.today()
    for p in list_publications(store):
        if p.is_open(day):
            return p
    return None
