"""Downloads: the 公示 list and results (Excel), the leaders' summary and the
firm's 体检报告 (Word), written by :mod:`fenghuang.reports`.

Runs are immutable, so each file is written once per run (and firm) into
the cache directory and served from there afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from fenghuang.errors import AccessDenied
from fenghuang.reports import (
    FirmReportData,
    IndicatorLine,
    RunInfo,
    write_firm_report,
    write_publicity_workbook,
    write_summary_report,
    write_surcharge_list,
)
from fenghuang.warehouse import Store
from fenghuang.web._schemas import UserPublic
from fenghuang.web.services import publications
from fenghuang.web.services.firms import check_firm_access, firm_page
from fenghuang.web.services.results import RunCache, RunData, list_runs

__all__ = [
    "DOCX",
    "XLSX",
    "DownloadsPage",
    "cached_file",
    "downloads_page",
    "firm_report",
    "publicity_xlsx",
    "results_xlsx",
    "summary_docx",
    "surcharges_xlsx",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _info(run: RunData, city: str, synthetic: bool) -> RunInfo:
    i = run.info
    return RunInfo(
        run_id=run.run_id,
        method=run.method,
        method_title=str(i.get("method_title") or i.get("title") or run.method),
        year=run.year,
        city=city or str(i.get("city") or ""),
        synthetic=synthetic,
        method_sha256=str(i.get("method_sha256") or ""),
        input_sha256=str(i.get("input_sha256") or ""),
        created_at=str(i.get("created_at") or ""),
    )


def _table(run: RunData) -> pa.Table:
    raw = run.raw
    if isinstance(raw, pa.Table):
        return raw
    rows = [{k: v for k, v in r.items() if not k.endswith("_") or k == "class_"} for r in run.rows]
    return pa.Table.from_pylist(rows)


def cached_file(path: Path, write: Callable[[Path], Any]) -> Path:
    """``path``, written by ``write`` (to a temporary name, then moved) unless it exists."""
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{secrets.token_hex(4)}{path.suffix}")
    write(tmp)
    os.replace(tmp, path)
    return path


def _workbook(
    store: Store, cache: RunCache, run_id: str, out_dir: Path, city: str, synthetic: bool
) -> Path:
    run = cache.get(store, run_id)
    path = out_dir / run_id / "results.xlsx"
    return cached_file(
        path, lambda p: write_publicity_workbook(_table(run), _info(run, city, synthetic), p)
    )


def publicity_xlsx(
    store: Store,
    cache: RunCache,
    *,
    user: UserPublic,
    run_id: str,
    out_dir: Path,
    city: str,
    synthetic: bool,
) -> Path:
    """The 公示 workbook of a published run (staff may download any run; firms none)."""
    if user.role == "firm":
        raise AccessDenied(
            "E-WEB-FORBIDDEN", zh="企业用户不能下载名单", en="firms cannot download the list"
        )
    published = any(p.run_id == run_id for p in publications.list_publications(store))
    if user.role not in ("admin", "analyst") and not published:
        raise AccessDenied("E-WEB-FORBIDDEN", zh="该批次未公示", en="this run is not published")
    return _workbook(store, cache, run_id, out_dir, city, synthetic)


def results_xlsx(
    store: Store, cache: RunCache, *, run_id: str, out_dir: Path, city: str, synthetic: bool
) -> Path:
    """The full results list of a run (for readers: admins, analysts, leaders)."""
    return _workbook(store, cache, run_id, out_dir, city, synthetic)


def surcharges_xlsx(
    store: Store, cache: RunCache, *, run_id: str, out_dir: Path, city: str, synthetic: bool
) -> Path:
    """The run's 差别化价格执行名单 (one sheet per surcharge item) for the utilities."""
    from fenghuang.policy import run_bills

    run = cache.get(store, run_id)
    path = out_dir / run_id / "surcharges.xlsx"
    return cached_file(
        path,
        lambda p: write_surcharge_list(
            run_bills(store, run_id, run=run.run), _table(run), _info(run, city, synthetic), p
        ),
    )


def summary_docx(
    store: Store, cache: RunCache, *, run_id: str, out_dir: Path, city: str, synthetic: bool
) -> Path:
    """The leaders' Word summary of a run."""
    from fenghuang.policy import run_bill_summary

    run = cache.get(store, run_id)
    path = out_dir / run_id / "summary-v2.docx"  # v2: with the differentiated prices (五)

    def write(p: Path) -> Path:
        prices = run_bill_summary(store, run_id, run=run.run)
        rows = prices.to_pylist() if prices is not None else None
        return write_summary_report(_table(run), _info(run, city, synthetic), p, surcharges=rows)

    return cached_file(path, write)


def firm_report(
    store: Store,
    cache: RunCache,
    *,
    user: UserPublic,
    credit_code: str,
    run_id: str | None,
    out_dir: Path,
    city: str,
    synthetic: bool,
) -> Path:
    """The firm's Word 体检报告 (the firm itself, analysts, admins, leaders)."""
    check_firm_access(user, credit_code)
    page = firm_page(store, cache, user=user, credit_code=credit_code, run_id=run_id, lang="zh")
    run = cache.get(store, str(page.run["run_id"]))
    row = page.row
    if row is None:
        from fenghuang.errors import NotFoundError

        raise NotFoundError(
            "E-WEB-NO-FIRM", zh="该企业未参评", en="firm not evaluated", firm=credit_code
        )
    prev = [h for h in page.history if h["year"] < run.year]
    data = FirmReportData(
        credit_code=credit_code,
        name=str(row["name"]),
        county=str(row["county"]),
        industry=str(row["industry"]),
        pool_name=str(row["pool"]),
        score=row["score"],
        class_final=row["class_"],
        rank_in_pool=row["rank"],
        pool_size=row["pool_size"],
        percentile_pool=row["percentile"],
        percentile_industry=row.get("percentile_industry"),
        indicators=[
            IndicatorLine(
                code=i["code"],
                name=i["name"],
                unit=i["unit"],
                value=i["value"],
                benchmark=i["benchmark"],
                item_score=float(i["score"] or 0.0),
                max_score=i["max"],
                industry_median_item=i["median"],
            )
            for i in page.indicators
        ],
        previous={
            "year": prev[-1]["year"],
            "class_final": prev[-1]["class_"],
            "score": prev[-1]["score"],
        }
        if prev
        else None,
        counterfactuals=page.lift,
        bill=[(b["item"], float(b["amount"] or 0.0)) for b in page.bill],
    )
    path = out_dir / run.run_id / "firms" / f"{credit_code}.docx"
    return cached_file(path, lambda p: write_firm_report(data, _info(run, city, synthetic), p))


class DownloadsPage:
    """Runs with their downloadable files."""

    def __init__(self, runs: list[dict[str, Any]]) -> None:
        self.runs = runs


def downloads_page(store: Store) -> DownloadsPage:
    """The downloads page."""
    return DownloadsPage(list_runs(store))
