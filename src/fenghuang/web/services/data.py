"""The data page: imports with their validation errors and quarantine, and
per-department confirmation of facts.

A department submitter sees only its own department's imports and
quarantined rows and may confirm only its own department's facts.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

import fenghuang.warehouse as wh
from fenghuang.errors import AccessDenied, InputError, NotFoundError
from fenghuang.facts import CONFIRMATION_STATUSES, DEPARTMENTS, FIRM_YEAR_FIELDS
from fenghuang.sources import OLE2_MAGIC, read_source
from fenghuang.warehouse import Store
from fenghuang.web._schemas import UserPublic
from fenghuang.web.services import audit
from fenghuang.web.services.backend import api, call, has_api, pick, records
from fenghuang.web.services.downloads import cached_file

__all__ = [
    "IMPORT_SUFFIXES",
    "DataPage",
    "confirm_department",
    "data_page",
    "error_list",
    "import_department_file",
    "submission_template",
]


@dataclass
class DataPage:
    """Imports, quarantine and confirmation state visible to the user."""

    imports: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    quarantine_total: int = 0  # rows the user may see; ``quarantine`` holds the first ``limit``
    departments: dict[str, str] = field(default_factory=dict)
    fields_by_department: dict[str, list[str]] = field(default_factory=dict)
    fields_by_department_en: dict[str, list[str]] = field(default_factory=dict)
    confirmations: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)  # rows linked by name (first limit)
    links_total: int = 0
    linked: dict[str, int] = field(default_factory=dict)  # import id → rows linked by name
    years: list[int] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=lambda: dict(CONFIRMATION_STATUSES))


def _mine(user: UserPublic, row: dict[str, Any]) -> bool:
    return user.role != "department" or str(row.get("department") or "") == user.department


def data_page(store: Store, *, user: UserPublic, limit: int = 500) -> DataPage:
    """What the data page shows to ``user``."""
    page = DataPage()
    depts = (
        {user.department: DEPARTMENTS.get(user.department or "", "")}
        if user.role == "department"
        else dict(DEPARTMENTS)
    )
    page.departments = {k: v for k, v in depts.items() if k}
    for f in FIRM_YEAR_FIELDS.values():
        if f.department in page.departments:
            page.fields_by_department.setdefault(f.department, []).append(f.zh)
            page.fields_by_department_en.setdefault(f.department, []).append(f.en)
    if has_api("warehouse", "list_imports"):
        page.imports = [
            r for r in records(api("warehouse", "list_imports")(store)) if _mine(user, r)
        ]
    allowed = pa.array(sorted({str(r.get("import_id")) for r in page.imports}), pa.string())

    def own(table: pa.Table) -> pa.Table:  # a department sees the rows of its own imports
        if user.role != "department":
            return table
        return table.filter(pc.is_in(table.column("import_id"), allowed))

    q = own(wh.quarantine(store))
    page.quarantine_total = q.num_rows
    page.quarantine = q.slice(0, limit).to_pylist()
    links = own(wh.name_links(store))
    page.links_total = links.num_rows
    page.links = links.slice(0, limit).to_pylist()
    ids = links.column("import_id").value_counts().to_pylist()
    page.linked = {str(v["values"]): int(v["counts"]) for v in ids}
    page.confirmations = [r for r in wh.confirmation_status(store).to_pylist() if _mine(user, r)]
    years = {int(y) for r in page.imports if (y := pick(r, "year")) is not None}
    years |= {int(y) for y in wh.years(store)}
    page.years = sorted(years, reverse=True)
    return page


def confirm_department(
    store: Store,
    *,
    user: UserPublic,
    department: str,
    year: int,
    status: str,
    note: str,
    ip: str | None,
) -> None:
    """Set the confirmation status of one department's facts for a year (audited).

    A department submitter may confirm only its own department.
    """
    if user.role == "department" and department != user.department:
        raise AccessDenied(
            "E-WEB-FORBIDDEN",
            zh="只能确认本部门的数据",
            en="you may confirm only your department's data",
            field=department,
        )
    if user.role not in ("department", "admin", "analyst"):
        raise AccessDenied("E-WEB-FORBIDDEN", zh="无权确认数据", en="you may not confirm data")
    if department not in DEPARTMENTS or status not in CONFIRMATION_STATUSES:
        raise InputError(
            "E-WEB-CONFIRM",
            zh="部门或状态无效",
            en="unknown department or status",
            field=department,
            value=status,
        )
    call(
        api("warehouse", "set_confirmation"),
        store,
        department=department,
        year=year,
        status=status,
        actor=user.username,
        note=note,
        reason=note,
    )
    audit.record(
        store,
        action="confirm",
        actor=user,
        object=f"{department}/{year}",
        detail=f"{status}: {note}",
        ip=ip,
    )


#: Department files accepted through the web, by suffix, with their magic bytes.
IMPORT_SUFFIXES: dict[str, tuple[bytes, ...]] = {
    ".xlsx": (b"PK\x03\x04",),
    ".xls": (OLE2_MAGIC,),  # Excel 97-2003
    ".csv": (),  # text: checked for NUL bytes instead
    ".txt": (),  # Excel's "Unicode text" (UTF-16, tab-separated), or CSV text
}

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _is_text(data: bytes) -> bool:
    """Text by content: UTF-16 with a byte-order mark (its ASCII characters hold NUL
    bytes; the reader decodes it, or reports it), else no NUL byte in its first 64 KiB."""
    head = data[:65536]
    if head.startswith(_UTF16_BOMS):
        return True
    return b"\x00" not in head


def import_department_file(
    store: Store,
    *,
    user: UserPublic,
    department: str,
    data: bytes,
    file_name: str,
    upload_dir: Path,
    max_bytes: int,
    ip: str | None,
) -> list[dict[str, Any]]:
    """Import one department file sent through the web (``warehouse.import_files``).

    A department submitter may import only for its own department. The file
    is checked by content (xlsx is a zip, xls an OLE2 file; csv and txt are text, UTF-16 with its BOM or without NUL bytes), stored under
    a random name outside the web root and imported; the import is audited.
    Returns the import summaries.
    """
    if user.role == "department" and department != user.department:
        raise AccessDenied(
            "E-WEB-FORBIDDEN",
            zh="只能导入本部门的数据",
            en="you may import only your department's data",
            field=department,
        )
    if user.role not in ("department", "admin", "analyst"):
        raise AccessDenied("E-WEB-FORBIDDEN", zh="无权导入数据", en="you may not import data")
    if department not in DEPARTMENTS:
        raise InputError("E-WEB-IMPORT", zh="未知部门", en="unknown department", field=department)
    suffix = Path(file_name).suffix.lower()
    magic = IMPORT_SUFFIXES.get(suffix)
    ok = magic is not None and (data.startswith(magic) if magic else _is_text(data))
    if not data or len(data) > max_bytes or not ok:
        raise InputError(
            "E-WEB-IMPORT-FILE",
            zh="只接受不超过限制大小的 xlsx、xls、csv 或 txt 文件（按内容判断）",
            en="only xlsx, xls, csv or txt files within the size limit are accepted "
            "(judged by content)",
            file=file_name,
        )
    folder = upload_dir / "imports" / secrets.token_hex(8)
    folder.mkdir(parents=True, exist_ok=True)
    # keep the department's own file name (readers use it), inside a random folder
    safe = (
        re.sub(r"[^\w.\-（）()\u4e00-\u9fff]", "_", Path(file_name).name)[:120] or f"upload{suffix}"
    )
    target = folder / safe
    target.write_bytes(data)
    sent = read_source(target).department  # the department the file's content says
    if sent != department:
        target.unlink()
        raise AccessDenied(
            "E-WEB-IMPORT-DEPARTMENT",
            zh=f"文件内容属于「{DEPARTMENTS.get(sent, sent)}」，不是所选部门「{DEPARTMENTS[department]}」",
            en=f"the file holds {sent} data, not {department} data",
            file=file_name,
            field=department,
        )
    summaries = records(getattr(wh.import_files(store, [target]), "files", []))
    detail = "; ".join(
        f"{pick(r, 'file_name', default=safe)} rows={pick(r, 'rows_loaded', default='?')} quarantined={pick(r, 'rows_quarantined', 'rows_rejected', default='?')}"
        for r in summaries
    )
    audit.record(
        store,
        action="import",
        actor=user,
        object=f"{department}/{safe}",
        detail=detail or safe,
        ip=ip,
    )
    return summaries


def error_list(
    store: Store, *, user: UserPublic, import_id: str, out_dir: Path, synthetic: bool
) -> tuple[Path, str]:
    """The 导入错误清单 of one import (its quarantined rows and its rows linked by
    name) as an xlsx file, and the name to send it under.

    Staff may download any import's list, a department only its own. An
    import's quarantined rows never change, so the file is written once
    into ``out_dir``.
    """
    from fenghuang.reports import write_error_list

    row = next((r for r in wh.list_imports(store).to_pylist() if r["import_id"] == import_id), None)
    if row is None:
        raise NotFoundError(
            "E-WEB-IMPORT-MISSING", zh="没有这次导入", en="no such import", value=import_id
        )
    if not _mine(user, row):
        raise AccessDenied(
            "E-WEB-FORBIDDEN",
            zh="只能下载本部门的错误清单",
            en="you may download only your department's error lists",
        )
    path = cached_file(  # "-v2": the list has had a sheet of the rows linked by name since
        out_dir / "errors" / f"{import_id}-v2{'-synthetic' if synthetic else ''}.xlsx",
        lambda p: write_error_list(
            wh.quarantine(store, import_id).to_pylist(),
            p,
            synthetic=synthetic,
            links=wh.name_links(store, import_id).to_pylist(),
        ),
    )
    return path, f"导入错误清单-{Path(str(row['file_name'])).stem}.xlsx"


def submission_template(
    store: Store, *, user: UserPublic, department: str, out_dir: Path, year: int | None
) -> tuple[Path, str]:
    """The department's 数据报送模板 (written from its mapping into a new file in
    ``out_dir``, for the caller to delete once sent), and its file name.

    Staff may download any department's, a department submitter its own.
    """
    from fenghuang.reports import write_submission_template
    from fenghuang.sources import load_mapping

    if department not in DEPARTMENTS:
        raise NotFoundError(
            "E-WEB-DEPARTMENT", zh="没有这个部门", en="no such department", value=department
        )
    if user.role == "department" and user.department != department:
        raise AccessDenied(
            "E-WEB-FORBIDDEN",
            zh="只能下载本部门的报送模板",
            en="you may download only your department's template",
        )
    # written for each request (a few ms): a city's edited mapping shows at once
    path = out_dir / "templates" / f"{department}-{secrets.token_hex(8)}.xlsx"
    write_submission_template(load_mapping(department), path, year=year)
    return path, f"{DEPARTMENTS[department]}数据报送模板{year or ''}.xlsx"
