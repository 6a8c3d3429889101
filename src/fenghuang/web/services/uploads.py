"""Evidence uploads: checked by magic bytes and size, stored outside the web root.

Files go to the configured upload directory under a random name with the
suffix of their *sniffed* type; the original name is kept only as metadata.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from fenghuang.errors import InputError, NotFoundError
from fenghuang.warehouse import Store
from fenghuang.web._schemas import UploadPublic, UserPublic
from fenghuang.web._security import sniff_evidence

__all__ = ["evidence_path", "get_upload", "save_evidence"]

_COLS = ("upload_id", "original_name", "mime", "size_bytes", "credit_code")


def save_evidence(
    store: Store,
    *,
    upload_dir: Path,
    data: bytes,
    original_name: str | None,
    credit_code: str | None,
    user: UserPublic,
    max_bytes: int,
) -> UploadPublic:
    """Check and store one evidence file; returns its metadata.

    Raises
    ------
    InputError
        ``E-WEB-UPLOAD-SIZE`` when empty or larger than ``max_bytes``,
        ``E-WEB-UPLOAD-TYPE`` when the content is not PDF, PNG or JPEG
        (whatever the file name says).
    """
    if not data or len(data) > max_bytes:
        raise InputError(
            "E-WEB-UPLOAD-SIZE",
            zh=f"文件为空或超过 {max_bytes // 1024 // 1024} MB",
            en=f"file empty or larger than {max_bytes // 1024 // 1024} MB",
            file=original_name,
        )
    kind = sniff_evidence(data[:16])
    if kind is None:
        raise InputError(
            "E-WEB-UPLOAD-TYPE",
            zh="只接受 PDF、PNG 或 JPEG 文件（按文件内容判断）",
            en="only PDF, PNG or JPEG files are accepted (judged by content)",
            file=original_name,
        )
    mime, suffix = kind
    upload_id = secrets.token_hex(16)
    stored = upload_id + suffix
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / stored
    tmp = target.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    store.execute(
        "insert into web_uploads(upload_id, stored_name, original_name, mime, size_bytes, sha256,"
        " credit_code, uploaded_by) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            upload_id,
            stored,
            (original_name or "")[:200],
            mime,
            len(data),
            hashlib.sha256(data).hexdigest(),
            credit_code,
            user.username,
        ],
    )
    return get_upload(store, upload_id)


def get_upload(store: Store, upload_id: str) -> UploadPublic:
    """Metadata of one upload, or :class:`NotFoundError`."""
    rows = store.fetch_all(
        f"select {', '.join(_COLS)} from web_uploads where upload_id = ?", [upload_id]
    )
    if not rows:
        raise NotFoundError(
            "E-WEB-NO-UPLOAD", zh="材料不存在", en="no such upload", field=upload_id
        )
    return UploadPublic.model_validate(dict(zip(_COLS, rows[0], strict=True)))


def evidence_path(store: Store, upload_dir: Path, upload_id: str) -> tuple[Path, str]:
    """The stored file of an upload and its MIME type."""
    rows = store.fetch_all(
        "select stored_name, mime from web_uploads where upload_id = ?", [upload_id]
    )
    if not rows:
        raise NotFoundError(
            "E-WEB-NO-UPLOAD", zh="材料不存在", en="no such upload", field=upload_id
        )
    return upload_dir / str(rows[0][0]), str(rows[0][1])
