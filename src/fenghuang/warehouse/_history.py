"""Corrections (append-only history) and confirmation status of facts."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from fenghuang.errors import WarehouseError
from fenghuang.facts import CONFIRMATION_STATUSES, DEPARTMENTS, FIRM_YEAR_FIELDS
from fenghuang.warehouse._store import Store

__all__ = ["confirmation_status", "correct_fact", "fact_history", "set_confirmation"]


def correct_fact(
    store: Store,
    credit_code: str,
    year: int,
    field: str,
    new_value: float | None,
    reason: str,
    actor: str,
) -> int:
    """Record a corrected value; return its version (1, 2, …).

    The history is append-only; :func:`firm_facts` shows the latest version.
    """
    if field not in FIRM_YEAR_FIELDS or field in ("credit_code", "year"):
        raise WarehouseError(
            "E-FACT-FIELD",
            zh=f"不能更正的字段：{field}",
            en=f"not a correctable field: {field}",
            field=field,
        )
    with store.transaction() as con:
        row = con.execute(
            "select coalesce(max(version), 0) + 1 from fact_history "
            "where credit_code = ? and year = ? and field = ?",
            [credit_code, year, field],
        ).fetchone()
        version = int(row[0]) if row else 1
        con.execute(
            "insert into fact_history(credit_code, year, field, version, value, reason, actor)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            [credit_code, year, field, version, new_value, reason, actor],
        )
    return version


def fact_history(store: Store, credit_code: str, year: int) -> list[tuple[object, ...]]:
    """All corrections of a firm's facts in ``year`` (field, version, value, reason, actor)."""
    return store.fetch_all(
        "select field, version, value, reason, actor, changed_at from fact_history "
        "where credit_code = ? and year = ? order by field, version",
        [credit_code, year],
    )


def set_confirmation(
    store: Store,
    department: str,
    year: int,
    status: str,
    actor: str,
    credit_codes: Sequence[str] | None = None,
    note: str | None = None,
) -> int:
    """Set the confirmation status of a department's facts for ``year``.

    ``status`` is a key of :data:`fenghuang.facts.CONFIRMATION_STATUSES`
    (pending 待确认, confirmed 已确认, disputed 有异议). ``credit_codes``
    limits it to some firms. ``note``: the reason given (why the facts are
    disputed), kept with the entry. Returns the number of log entries written.
    """
    if status not in CONFIRMATION_STATUSES or department not in DEPARTMENTS:
        raise WarehouseError(
            "E-FACT-STATUS",
            zh=f"无效的确认状态或部门：{status} / {department}",
            en=f"invalid confirmation status or department: {status} / {department}",
        )
    codes: list[str | None] = list(credit_codes) if credit_codes is not None else [None]
    with store.transaction() as con:
        for code in codes:
            con.execute(
                "insert into fact_status(department, year, credit_code, status, actor, note)"
                " values (?, ?, ?, ?, ?, ?)",
                [department, year, code, status, actor, note or None],
            )
    return len(codes)


def confirmation_status(store: Store, year: int | None = None) -> pa.Table:
    """The latest confirmation of each department, year and firm (null: all its firms).

    Columns department, year, credit_code, status, actor, changed_at, note;
    newest first. Earlier entries stay in ``fact_status`` (the log).
    """
    where = "" if year is None else "where year = ?"
    return store.fetch_arrow(
        "select department, year, credit_code, status, actor, changed_at, note from ("
        "select *, row_number() over (partition by department, year, credit_code "
        f"order by seq desc) as _k from fact_status {where}) where _k = 1 "
        "order by changed_at desc, seq desc",
        [] if year is None else [year],
    )
