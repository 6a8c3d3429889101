"""Sending a file to the browser, after writing the download to the audit log.

Every file the web application hands out (result lists, the surcharge list,
the leaders' summary, firm reports, the 公示 list, import error lists,
submission templates, appeal evidence, the audit log export) may carry
confidential figures, so each download is one ``download`` line of the
audit log: who, from where, which kind of file for which object, and the
file name it was sent under.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from fenghuang.warehouse import Store
from fenghuang.web._deps import client_ip
from fenghuang.web._schemas import UserPublic
from fenghuang.web.services import audit

__all__ = ["send_file"]


def send_file(
    request: Request,
    store: Store,
    user: UserPublic,
    path: Path | str,
    *,
    media_type: str,
    filename: str,
    kind: str,
    target: str,
    delete_after: bool = False,
) -> FileResponse:
    """Audit the download of ``path`` (``kind`` of file for ``target``) and send it
    (then delete it, with ``delete_after``: a file written for this request only)."""
    audit.record(
        store,
        action="download",
        actor=user,
        object=f"{kind}:{target}",
        detail=filename,
        ip=client_ip(request),
    )
    done = BackgroundTask(Path(path).unlink, missing_ok=True) if delete_after else None
    return FileResponse(str(path), media_type=media_type, filename=filename, background=done)
