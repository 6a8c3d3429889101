"""``fenghuang report firm|summary``: Word reports of a run (体检报告, 领导汇总报告)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from fenghuang.cli import app
from fenghuang.industries import division_label, industry_label

__all__ = [
    "SUMMARY_CHARTS",
    "firm_report_data",
    "report_app",
    "run_info",
    "summary_table",
]

report_app = typer.Typer(
    help="Word 报告：企业体检报告、领导汇总报告 / Word reports of a run", no_args_is_help=True
)
app.add_typer(report_app, name="report")

_STORE_HELP = "数据仓库文件 / warehouse file (default $FENGHUANG_STORE or var/fenghuang.duckdb)"


def run_info(run: Any) -> Any:
    """The :class:`fenghuang.reports.RunInfo` of a stored run."""
    from fenghuang.reports import RunInfo

    return RunInfo(
        run_id=run.run_id,
        method=run.method,
        method_title=run.method_title,
        year=run.year,
        city=str(run.info.get("city") or ""),
        synthetic=run.synthetic,
        method_sha256=run.method_sha256,
        input_sha256=run.input_sha256,
        created_at=run.created_at,
        extra={
            "版本 version": str(run.version),
            "创建人 created by": run.created_by,
            "代码版本 code version": run.code_version,
            **({"上一批次 parent run": run.parent_run} if run.parent_run else {}),
        },
    )


def _get(d: Mapping[str, Any], *names: str, default: Any = None) -> Any:
    for n in names:
        v = d.get(n)
        if v is not None:
            return v
    return default


def _as_dict(obj: Any) -> dict[str, Any]:
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dict(dump())
    if hasattr(obj, "__dataclass_fields__"):
        return {k: getattr(obj, k) for k in obj.__dataclass_fields__}
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def _texts(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    out = []
    for x in raw:
        if isinstance(x, str):
            out.append(x)
        else:
            d = _as_dict(x)
            out.append(str(_get(d, "sentence_zh", "text_zh", "zh", "text", "reason_zh", default=x)))
    return out


def _policy(store: Any, run_id: str, code: str) -> tuple[list[tuple[str, float]], list[str]]:
    """The firm's bill lines and measures from :mod:`fenghuang.policy`, if it offers them."""
    policy = importlib.import_module("fenghuang.policy")
    bill: list[tuple[str, float]] = []
    measures: list[str] = []
    fn = getattr(policy, "firm_bill", None)
    if callable(fn):
        raw = fn(store, run_id, code)
        d = _as_dict(raw) if not isinstance(raw, list | tuple) else {"lines": raw}
        lines = d.get("lines")
        if lines is None and hasattr(raw, "to_pylist"):
            lines = raw.to_pylist()
        for item in lines or []:
            if isinstance(item, tuple):
                bill.append((str(item[0]), float(item[1])))
                continue
            x = _as_dict(item)
            amount = _get(x, "amount", "surcharge", "total")
            if amount is not None:
                label = _get(x, "item_zh", "name_zh", "item", "name", "resource", default="")
                bill.append((str(label), float(amount)))
        measures.extend(_texts(d.get("measures")))
    fm = getattr(policy, "firm_measures", None)
    if callable(fm) and not measures:
        raw_m = fm(store, run_id, code)
        rows = raw_m.to_pylist() if hasattr(raw_m, "to_pylist") else raw_m
        measures.extend(_texts(rows))
    return bill, measures


def firm_report_data(store: Any, run: Any, code: str) -> Any:
    """The :class:`fenghuang.reports.FirmReportData` of one firm in a run."""
    from fenghuang.errors import NotFoundError
    from fenghuang.evaluation import firm_diagnostic
    from fenghuang.reports import FirmReportData, IndicatorLine

    rows = [r for r in run.results.to_pylist() if r["credit_code"] == code]
    if not rows:
        raise NotFoundError(
            "E-RUN-NO-FIRM",
            zh=f"该企业不在评价批次 {run.run_id} 中",
            en=f"the firm is not in run {run.run_id}",
            firm=code,
        )
    row = rows[0]
    diag = _as_dict(firm_diagnostic(store, run.run_id, code))
    lines = []
    for item in _get(diag, "indicators", "items", "lines", default=[]):
        i = _as_dict(item)
        score = _get(i, "item_score", "score", default=0.0)
        lines.append(
            IndicatorLine(
                code=str(_get(i, "code", "indicator", default="")),
                name=str(_get(i, "name", "name_zh", "code", "indicator", default="")),
                unit=str(_get(i, "unit", default="")),
                value=_get(i, "value"),
                benchmark=_get(i, "benchmark"),
                item_score=float(score),
                max_score=_get(i, "max_score", "weight"),
                industry_median_item=_get(i, "industry_median_item", "median_item"),
            )
        )
    change = _as_dict(_get(diag, "change"))
    previous = (
        {"score": change.get("score_before"), "class_final": change.get("class_before")}
        if change.get("in_previous")
        else None
    )
    bill, measures = _policy(store, run.run_id, code)
    notes = [
        *_texts(_get(diag, "notes", "events")),
        *_texts(diag.get("counterfactual_note")),
        *_texts(row.get("flags")),
    ]
    if run.synthetic:
        notes.insert(0, "本报告所用数据为模拟数据（synthetic），不代表任何真实企业。")
    return FirmReportData(
        credit_code=code,
        name=str(row.get("name") or code),
        county=str(row.get("county") or ""),
        industry=industry_label(row.get("industry_code")),
        pool_name=str(row.get("pool_name") or ""),
        score=row.get("score"),
        class_final=str(row.get("class_final") or ""),
        rank_in_pool=row.get("rank_in_pool"),
        pool_size=row.get("pool_size"),
        percentile_pool=row.get("percentile_pool"),
        percentile_industry=row.get("percentile_industry"),
        indicators=lines,
        previous=previous,
        counterfactuals=_texts(_get(diag, "counterfactuals", "lift", "to_next_class")),
        bill=bill,
        measures=measures,
        notes=list(dict.fromkeys(n for n in notes if n)),
    )


@report_app.command("firm")
def firm(
    code: Annotated[str, typer.Argument(help="统一社会信用代码 / credit code")],
    run_id: Annotated[str, typer.Option("--run", help="评价批次 / run id")],
    store: Annotated[Path | None, typer.Option("--store", help=_STORE_HELP)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="输出 .docx / output file")] = None,
) -> None:
    """企业体检报告（Word）/ A firm's Word diagnostic report."""
    from fenghuang.cli._evaluate import open_store, synthetic_label
    from fenghuang.evaluation import load_run
    from fenghuang.reports import write_firm_report

    with open_store(store) as st:
        run = load_run(st, run_id)
        data = firm_report_data(st, run, code)
    path = write_firm_report(data, run_info(run), out or Path(f"{run_id}-{code}-体检报告.docx"))
    Console().print(
        f"企业体检报告 firm report{synthetic_label(run.synthetic)}: {path}", highlight=False
    )


@report_app.command("summary")
def summary(
    run_id: Annotated[str, typer.Argument(help="评价批次 / run id")],
    store: Annotated[Path | None, typer.Option("--store", help=_STORE_HELP)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="输出 .docx / output file")] = None,
) -> None:
    """领导汇总报告（Word，含区县、园区、行业等级分布图）/ The leaders' Word summary."""
    from fenghuang.cli._evaluate import open_store, synthetic_label
    from fenghuang.evaluation import load_run
    from fenghuang.policy import run_bill_summary
    from fenghuang.reports import write_summary_report

    with open_store(store) as st:
        run = load_run(st, run_id)
        prices = run_bill_summary(st, run_id, run=run)
    results = summary_table(run)
    pools = dict(
        zip(
            results.column("pool").to_pylist(), results.column("pool_name").to_pylist(), strict=True
        )
    )
    path = write_summary_report(
        results,
        run_info(run),
        out or Path(f"{run_id}-汇总报告.docx"),
        pool_names={str(k): str(v) for k, v in pools.items()},
        by=SUMMARY_CHARTS,
        surcharges=prices.to_pylist() if prices is not None else None,
    )
    Console().print(
        f"领导汇总报告 summary report{synthetic_label(run.synthetic)}: {path}", highlight=False
    )


@report_app.command("surcharges")
def surcharges(
    run_id: Annotated[str, typer.Argument(help="评价批次 / run id")],
    store: Annotated[Path | None, typer.Option("--store", help=_STORE_HELP)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="输出 .xlsx / output file")] = None,
) -> None:
    """差别化价格执行名单（Excel，每个加价项目一个工作表，送供电、供水、供气单位）/
    The surcharge execution list for the utilities."""
    from fenghuang.cli._evaluate import open_store, synthetic_label
    from fenghuang.evaluation import load_run
    from fenghuang.policy import run_bills
    from fenghuang.reports import write_surcharge_list

    with open_store(store) as st:
        run = load_run(st, run_id)
        bills = run_bills(st, run_id, run=run)
    path = write_surcharge_list(
        bills, run.results, run_info(run), out or Path(f"{run_id}-差别化价格执行名单.xlsx")
    )
    firms = len(set(bills.column("credit_code").to_pylist()))
    Console().print(
        f"差别化价格执行名单 surcharge list{synthetic_label(run.synthetic)}: {path}"
        f"（{firms} 家企业 firms）",
        highlight=False,
    )


#: The summary's charts: class distribution by county, park and industry division.
SUMMARY_CHARTS = (("county", "区县"), ("park", "园区"), ("industry_division", "行业大类"))


def summary_table(run: Any) -> Any:
    """The run's results with ``industry_division`` and the events' ``reasons``."""
    import pyarrow as pa

    results = run.results
    div = [division_label(c) for c in results.column("industry_code").to_pylist()]
    results = results.append_column("industry_division", pa.array(div, pa.string()))
    reasons = _event_reasons(run)
    col = [reasons.get(c, []) for c in results.column("credit_code").to_pylist()]
    return results.append_column("reasons", pa.array(col, pa.list_(pa.string())))


def _event_reasons(run: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in run.evaluation.events.to_pylist():
        if e.get("kind") in ("veto", "fix", "up", "down"):
            out.setdefault(str(e["credit_code"]), []).append(str(e.get("reason_zh") or ""))
    return out
