"""The indicator panel in the warehouse: observations, their documents, export.

Tables come from migration ``030_monitor_panel.sql``. Everything goes
through :class:`~fenghuang.warehouse.Store` (``insert_arrow``/``fetch_arrow``)
inside one transaction per load, so a failed load leaves nothing behind.
Re-loading the same report replaces its observations (same ``obs_id``) but
keeps a status set to 已核实 by an analyst.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa

from fenghuang.errors import InputError
from fenghuang.monitor._extract import PENDING, VERIFIED, Observation
from fenghuang.monitor._text import Report
from fenghuang.warehouse import Store

__all__ = [
    "EXTRACTED_LABEL",
    "OBS_SCHEMA",
    "PERIOD_NOTES",
    "fetch_documents",
    "fetch_observations",
    "observations_table",
    "save_observations",
    "save_report",
    "set_status",
    "write_observations",
]

#: Shown next to every figure that was extracted by machine and not yet checked.
EXTRACTED_LABEL = "抽取数据，待核实"
#: Added to the label of a figure whose period was not written in its sentence with a year,
#: or that has no period (and why).
PERIOD_NOTES = {
    "document_date": "期间据文档日期推定",
    "relative": "相对期间，年份未知（文档无日期）",
    "undated": "未写期间，文档无日期，年份未定",
    "undated_review": "未写期间；工作报告回顾上一年，不按报告年份推定",
}
#: Notes of labels written before they said why (still recognised, e.g. by :func:`set_status`).
_OLD_NOTES = frozenset({"相对期间，年份未知"})


def _label(status: str, note: str) -> str:
    return "；".join(x for x in (EXTRACTED_LABEL if status == PENDING else "", note) if x)


def _note(label: str | None) -> str:
    """The period note kept in a label (see :data:`PERIOD_NOTES`)."""
    notes = set(PERIOD_NOTES.values()) | _OLD_NOTES
    return next((x for x in (label or "").split("；") if x in notes), "")


OBS_SCHEMA = pa.schema(
    [
        ("obs_id", pa.string()),
        ("place_code", pa.string()),
        ("place_name", pa.string()),
        ("period", pa.string()),
        ("year", pa.int32()),
        ("indicator", pa.string()),
        ("indicator_code", pa.string()),
        ("kind", pa.string()),
        ("value", pa.float64()),
        ("value_high", pa.float64()),
        ("qualifier", pa.string()),
        ("unit", pa.string()),
        ("value_norm", pa.float64()),
        ("unit_norm", pa.string()),
        ("of_whole", pa.string()),
        ("origin", pa.string()),
        ("source", pa.string()),
        ("sheet", pa.string()),
        ("row_no", pa.int32()),
        ("column_name", pa.string()),
        ("sentence", pa.string()),
        ("span_start", pa.int32()),
        ("span_end", pa.int32()),
        ("sentence_start", pa.int32()),
        ("sentence_end", pa.int32()),
        ("status", pa.string()),
        ("label", pa.string()),
    ]
)


def _obs_id(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:20]


def observations_table(obs: Iterable[Observation], *, origin: str = "report") -> pa.Table:
    """Observations as an Arrow table of :data:`OBS_SCHEMA` (with ids and labels)."""
    rows = []
    for o in obs:
        d = o.to_dict()
        d["of_whole"] = d.pop("of")
        d["obs_id"] = _obs_id(o.source, o.span_start, o.span_end, o.indicator, o.kind, o.value)
        d["origin"] = origin
        d["sheet"] = None
        d["row_no"] = None
        d["column_name"] = None
        d.pop("period_basis")
        d["label"] = _label(o.status, PERIOD_NOTES.get(o.period_basis, ""))
        rows.append(d)
    return pa.Table.from_pylist(rows, schema=OBS_SCHEMA)


def save_report(store: Store, report: Report, *, report_date: date | None = None) -> None:
    """Keep a report's text so figures can be shown in their sentence."""
    with store.transaction():
        store.execute("delete from monitor_documents where source = ?", [report.source])
        store.execute(
            "insert into monitor_documents(source, title, report_date, text) values (?, ?, ?, ?)",
            [report.source, report.title, report_date, report.text],
        )


def save_observations(store: Store, table: pa.Table) -> int:
    """Insert or replace observations (by ``obs_id``); a verified status is kept.

    Returns
    -------
    int
        Rows written.
    """
    table = table.select(OBS_SCHEMA.names).cast(OBS_SCHEMA)
    if table.num_rows == 0:
        return 0
    ids = table.column("obs_id").to_pylist()
    if len(set(ids)) != len(ids):
        # the same figure twice in one load (e.g. a repeated paragraph): keep the first
        seen: set[str] = set()
        keep = [not (i in seen or seen.add(i)) for i in ids]  # type: ignore[func-returns-value]
        table = table.filter(pa.array(keep))
        ids = table.column("obs_id").to_pylist()
    with store.transaction():
        store.execute("create temp table if not exists _fh_ids(obs_id varchar)")
        store.execute("delete from _fh_ids")
        store.insert_arrow("_fh_ids", pa.table({"obs_id": pa.array(ids, pa.string())}))
        verified = {
            r[0]
            for r in store.fetch_all(
                "select obs_id from monitor_observations where status = ? and obs_id in "
                "(select obs_id from _fh_ids)",
                [VERIFIED],
            )
        }
        store.execute(
            "delete from monitor_observations where obs_id in (select obs_id from _fh_ids)"
        )
        if verified:
            status = [
                VERIFIED if i in verified else s
                for i, s in zip(ids, table.column("status").to_pylist(), strict=True)
            ]
            label = [
                _label(VERIFIED, _note(lb)) if i in verified else lb
                for i, lb in zip(ids, table.column("label").to_pylist(), strict=True)
            ]
            table = table.set_column(
                table.schema.get_field_index("status"), "status", pa.array(status, pa.string())
            )
            table = table.set_column(
                table.schema.get_field_index("label"), "label", pa.array(label, pa.string())
            )
        return store.insert_arrow("monitor_observations", table)


def fetch_observations(
    store: Store,
    *,
    place_code: str | None = None,
    indicator_code: str | None = None,
    within: str | None = None,
) -> pa.Table:
    """Observations of the panel, optionally of one place and/or indicator.

    ``within`` (a prefecture-level code such as ``510400``) selects the place
    and every county, district and park inside it (codes ``5104xx``).
    """
    where, params = [], []
    if place_code:
        where.append("place_code = ?")
        params.append(place_code)
    if within:
        where.append("substr(place_code, 1, 4) = ?")
        params.append(within[:4])
    if indicator_code:
        where.append("indicator_code = ?")
        params.append(indicator_code)
    cols = ", ".join(OBS_SCHEMA.names)
    sql = f"select {cols} from monitor_observations"
    if where:
        sql += " where " + " and ".join(where)
    sql += " order by place_code, year nulls last, indicator, span_start"
    return store.fetch_arrow(sql, params)


def fetch_documents(store: Store, sources: Sequence[str] | None = None) -> dict[str, str]:
    """Report texts by source name."""
    rows = store.fetch_all("select source, text from monitor_documents")
    return {s: t for s, t in rows if sources is None or s in sources}


def set_status(store: Store, obs_ids: Sequence[str], status: str) -> int:
    """Mark observations 已核实 or 待核实; returns how many were changed."""
    if status not in {PENDING, VERIFIED}:
        raise InputError(
            "E-MONITOR-STATUS",
            zh=f"状态必须是 {PENDING} 或 {VERIFIED}",
            en=f"status must be {PENDING} or {VERIFIED}",
            value=status,
        )
    n = 0
    with store.transaction():
        for i in obs_ids:
            hit = store.fetch_all("select label from monitor_observations where obs_id = ?", [i])
            n += len(hit)
            if not hit:
                continue
            # the period note (期间据文档日期推定) stays whatever the status
            store.execute(
                "update monitor_observations set status = ?, label = ? where obs_id = ?",
                [status, _label(status, _note(hit[0][0])), i],
            )
    return n


def write_observations(table: pa.Table, path: str | Path) -> Path:
    """Write observations to ``.csv`` (UTF-8 with BOM, for Excel) or ``.xlsx``."""
    p = Path(path)
    df = table.to_pandas()
    if p.suffix.lower() == ".xlsx":
        df.to_excel(p, index=False, sheet_name="observations")
    elif p.suffix.lower() == ".csv":
        df.to_csv(p, index=False, encoding="utf-8-sig")
    else:
        raise InputError(
            "E-MONITOR-OUT",
            zh="输出文件须为 .csv 或 .xlsx",
            en="the output file must be .csv or .xlsx",
            file=str(p),
        )
    return p
