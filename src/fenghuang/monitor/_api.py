"""One-call entry points: extract report files, load them and yearbooks into the panel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from fenghuang.monitor._extract import PERIOD_BASIS, Extractor
from fenghuang.monitor._panel import (
    PERIOD_NOTES,
    observations_table,
    save_observations,
    save_report,
)
from fenghuang.monitor._text import Report, read_report
from fenghuang.monitor._yearbook import YearbookImport, read_yearbook
from fenghuang.warehouse import Store

__all__ = ["Extraction", "extract_files", "extract_reports", "load_yearbook"]


@dataclass(frozen=True)
class Extraction:
    """Reports read and the observations extracted from them (:data:`OBS_SCHEMA`)."""

    reports: tuple[Report, ...]
    observations: pa.Table

    def undated(self) -> list[dict[str, object]]:
        """The figures left without a year, and why (nothing is dropped silently).

        One dict per figure: ``source``, ``span_start``, ``sentence``, ``period``
        (a relative label such as ``去年``, ``2021至今``, ``Q1-Q3``, or ``None``),
        ``indicator``, ``value``, and the reason ``reason_zh`` / ``reason_en``
        (:data:`PERIOD_BASIS`: a relative period in a document without a date, no
        period and no date, or no period in a work report).
        """
        by_note = {note: basis for basis, note in PERIOD_NOTES.items()}
        out: list[dict[str, object]] = []
        for r in self.observations.to_pylist():
            if r["year"] is not None:
                continue
            notes = (r["label"] or "").split("；")
            basis = next((by_note[n] for n in notes if n in by_note), "undated")
            zh, en = PERIOD_BASIS[basis]
            out.append(
                {
                    "source": r["source"],
                    "span_start": r["span_start"],
                    "sentence": r["sentence"],
                    "period": r["period"],
                    "indicator": r["indicator"],
                    "value": r["value"],
                    "reason_zh": zh,
                    "reason_en": en,
                }
            )
        return out


def extract_files(
    paths: Sequence[str | Path],
    *,
    report_date: date | None = None,
    place: str | None = None,
    store: Store | None = None,
    extractor: Extractor | None = None,
) -> Extraction:
    """Extract observations from report files; with ``store``, load them (status 待核实).

    Parameters
    ----------
    paths : sequence of str or Path
        Report files (txt, docx, html).
    report_date : date, optional
        Resolves 今年/去年/目前 and year-less quarters.
    place : str, optional
        The subject place (name or 6-digit code) where no heading names one.
    store : Store, optional
        Load the observations and the report texts into this warehouse, all
        files in one transaction.
    """
    reports = [read_report(p) for p in paths]
    return extract_reports(
        reports, report_date=report_date, place=place, store=store, extractor=extractor
    )


def extract_reports(
    reports: Sequence[Report],
    *,
    report_date: date | None = None,
    place: str | None = None,
    store: Store | None = None,
    extractor: Extractor | None = None,
) -> Extraction:
    """Like :func:`extract_files`, for reports already read (e.g. uploads)."""
    ex = extractor or Extractor()
    tables = [
        observations_table(ex.extract(r, report_date=report_date, place=place)) for r in reports
    ]
    table = pa.concat_tables(tables) if tables else observations_table([])
    if store is not None:
        with store.transaction():
            for r in reports:
                save_report(store, r, report_date=report_date)
            save_observations(store, table)
    return Extraction(tuple(reports), table)


def load_yearbook(store: Store, path: str | Path, *, verified: bool = False) -> YearbookImport:
    """Read a yearbook table and load its observations and quarantine in one transaction."""
    result = read_yearbook(path, verified=verified)
    with store.transaction():
        save_observations(store, result.observations)
        if result.rejects.num_rows:
            rej = result.rejects
            store.insert_arrow(
                "monitor_rejects",
                pa.table(
                    {
                        "source": rej.column("file"),
                        "sheet": rej.column("sheet"),
                        "row_no": rej.column("row"),
                        "column_name": rej.column("column"),
                        "code": rej.column("code"),
                        "reason_zh": rej.column("reason_zh"),
                        "reason_en": rej.column("reason_en"),
                        "raw_value": rej.column("raw_value"),
                    }
                ),
            )
    return result
