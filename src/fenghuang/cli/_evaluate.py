"""``fenghuang evaluate`` and ``fenghuang results``: make a run, show or export its list."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fenghuang.cli import app

__all__ = [
    "class_counts",
    "class_counts_table",
    "evaluate",
    "publicity_order",
    "results",
    "runs",
    "synthetic_label",
]

CLASSES = ("A", "B", "C", "D")
_NOT_RATED = "不参评 not rated"

_STORE_HELP = "数据仓库文件 / warehouse file (default $FENGHUANG_STORE or var/fenghuang.duckdb)"


def synthetic_label(synthetic: bool) -> str:
    """``（模拟数据 synthetic）`` when the run's data is synthetic, else ''."""
    return "（模拟数据 synthetic）" if synthetic else ""


def class_counts(results: pa.Table) -> dict[str, Counter[str]]:
    """Pool name → counts of final classes.

    Firms outside every pool (exempt, not rated) count under 不参评; a final
    class that is not A–D (``T``, ``参照B`` …) is counted under its own label.
    """
    out: dict[str, Counter[str]] = defaultdict(Counter)
    pools = results.column("pool_name").to_pylist()
    classes = results.column("class_final").to_pylist()
    for pool, cls in zip(pools, classes, strict=True):
        out[str(pool or _NOT_RATED)][str(cls) if cls else "不定级"] += 1
    return dict(sorted(out.items(), key=lambda kv: (kv[0] == _NOT_RATED, kv[0])))


def class_counts_table(results: pa.Table, title: str) -> Table:
    """A Rich table of :func:`class_counts`, one row per pool plus the total."""
    counts = class_counts(results)
    others = sorted({k for c in counts.values() for k in c if k not in CLASSES})
    table = Table(title=title)
    table.add_column("评价分组 Pool")
    for label in (*CLASSES, *others):
        table.add_column(f"{label}类" if label in CLASSES else label, justify="right")
    table.add_column("合计 Total", justify="right")
    total: Counter[str] = Counter()
    for pool, c in counts.items():
        total.update(c)
        table.add_row(pool, *(str(c.get(k, 0)) for k in (*CLASSES, *others)), str(c.total()))
    table.add_row(
        "合计 Total", *(str(total.get(k, 0)) for k in (*CLASSES, *others)), str(total.total())
    )
    return table


def publicity_order(results: pa.Table) -> pa.Table:
    """Rows by pool name and rank in pool; firms outside every pool (not rated) last."""
    rows = results.to_pylist()
    order = sorted(
        range(len(rows)),
        key=lambda i: (
            not rows[i].get("pool_name"),
            str(rows[i].get("pool_name") or ""),
            rows[i].get("rank_in_pool") or 10**9,
            str(rows[i]["credit_code"]),
        ),
    )
    return results.take(pa.array(order, pa.int64()))


def open_store(store: Path | None) -> Any:
    """The warehouse at ``store`` (default path when None)."""
    from fenghuang.warehouse import Store, default_store_path

    return Store(store or default_store_path())


@app.command("evaluate")
def evaluate(
    method: Annotated[
        str, typer.Option("--method", help="评价办法名称或文件 / method name or file")
    ],
    year: Annotated[int, typer.Option("--year", help="评价年度 / year evaluated")],
    store: Annotated[Path | None, typer.Option("--store", help=_STORE_HELP)] = None,
    facts: Annotated[
        Path | None,
        typer.Option("--facts", help="企业年度数据 xlsx/csv（代替数据仓库）/ facts file"),
    ] = None,
    actor: Annotated[str, typer.Option("--actor", help="操作人 / who runs it")] = "cli",
) -> None:
    """企业综合评价，生成不可变的评价批次 / Evaluate firms into an immutable run."""
    from fenghuang.evaluation import run_evaluation

    console = Console()
    with open_store(store) as st:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("评价 evaluating", total=1.0)

            def progress(frac: float, msg: str) -> None:
                bar.update(task, completed=frac, description=msg)

            run = run_evaluation(st, method, year, progress=progress, actor=actor, facts=facts)
        label = synthetic_label(run.synthetic)
        state = "新批次 new run" if run.created else "已有相同批次 identical run exists"
        console.print(
            f"评价批次 Run: [bold]{run.run_id}[/]（{state}）{label}\n"
            f"评价办法 Method: {run.method_title}（{run.method}），年度 year {run.year}，"
            f"企业 firms {run.results.num_rows}\n"
            f"输入快照 input sha256: {run.input_sha256[:16]}…",
            highlight=False,
        )
        console.print(class_counts_table(run.results, f"各组等级分布 Classes by pool{label}"))


def _csv(path: Path, results: pa.Table) -> Path:
    from fenghuang.reports import PUBLICITY_COLUMNS

    cols = [(k, h) for k, h, _ in PUBLICITY_COLUMNS if k in results.column_names]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([h for _, h in cols])
        for r in results.to_pylist():
            w.writerow(["" if r.get(k) is None else r.get(k) for k, _ in cols])
    return path


@app.command("results")
def results(
    run_id: Annotated[str, typer.Argument(help="评价批次 / run id")],
    store: Annotated[Path | None, typer.Option("--store", help=_STORE_HELP)] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | xlsx（公示名单）| csv")] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="输出文件 / output file")] = None,
    limit: Annotated[int, typer.Option("--limit", help="表格显示行数 / rows shown")] = 50,
) -> None:
    """评价结果与公示名单 / Show a run's results or write its publicity list."""
    from fenghuang.cli._reports import run_info
    from fenghuang.evaluation import load_run
    from fenghuang.reports import write_publicity_workbook

    if fmt not in ("table", "xlsx", "csv"):
        raise typer.BadParameter(f"--format table|xlsx|csv, not {fmt}")
    console = Console()
    with open_store(store) as st:
        run = load_run(st, run_id)
    label = synthetic_label(run.synthetic)
    res = publicity_order(run.results)
    if fmt == "xlsx":
        path = write_publicity_workbook(res, run_info(run), out or Path(f"{run_id}-公示名单.xlsx"))
        console.print(f"公示名单 publicity list{label}: {path}", highlight=False)
        return
    if fmt == "csv":
        path = _csv(out or Path(f"{run_id}-结果.csv"), res)
        console.print(f"评价结果 results{label}: {path}", highlight=False)
        return
    table = Table(title=f"{run.year} 年度评价结果 {run.run_id}{label}")
    for h in ("组内排名", "统一社会信用代码", "企业名称", "评价分组", "得分", "等级", "备注"):
        table.add_column(h)
    for r in res.to_pylist()[:limit]:
        score = r.get("score")
        table.add_row(
            str(r.get("rank_in_pool") or "—"),
            str(r["credit_code"]),
            str(r.get("name") or ""),
            str(r.get("pool_name") or ""),
            "—" if score is None else f"{score:.2f}",
            str(r.get("class_final") or "不定级"),
            str(r.get("remark") or ""),
        )
    Console(width=180).print(table)
    if res.num_rows > limit:
        console.print(
            f"（共 {res.num_rows} 家，显示前 {limit} 家 / {res.num_rows} firms, first {limit} shown）"
        )
    console.print(class_counts_table(run.results, f"各组等级分布 Classes by pool{label}"))


@app.command("runs")
def runs(
    store: Annotated[Path | None, typer.Option("--store", help=_STORE_HELP)] = None,
) -> None:
    """评价批次列表 / List the evaluation runs, newest first."""
    from fenghuang.evaluation import list_runs

    with open_store(store) as st:
        rows = list_runs(st).to_pylist()
    table = Table(title="评价批次 Evaluation runs")
    for h in (
        "批次 Run",
        "办法 Method",
        "年度 Year",
        "企业 Firms",
        "创建 Created",
        "创建人 By",
        "公示",
    ):
        table.add_column(h)
    for r in rows:
        table.add_row(
            str(r["run_id"]),
            f"{r['method_title']}（{r['method']}）",
            str(r["year"]),
            str(r["n_firms"]),
            str(r["created_at"]),
            str(r["created_by"]),
            "已公示" if r["published"] else "",
        )
    Console(width=180).print(table)
