"""CLI: ``fenghuang import`` — load department files into the warehouse."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from fenghuang.cli import app

if TYPE_CHECKING:
    from fenghuang.warehouse import Store


def _year_summary(out: Console, store: Store, year: int) -> None:
    """The year's firm-year facts: per field, how many firms have a value and their total."""
    import pyarrow.compute as pc

    from fenghuang.facts import FIRM_YEAR_FIELDS
    from fenghuang.warehouse import firm_facts

    facts = firm_facts(store, year)
    table = Table(title=f"{year} 年度企业数据 Firm-year facts ({year})")
    for head in ["字段 Field", "企业数 firms", "合计 total", "单位 unit"]:
        table.add_column(head, justify="right" if "firms" in head or "total" in head else "left")
    for name, f in FIRM_YEAR_FIELDS.items():
        if f.dtype not in ("float64", "int64") or name == "year" or name not in facts.schema.names:
            continue
        col = facts.column(name)
        n = len(col) - col.null_count
        if n == 0:
            continue
        total = pc.sum(col).as_py()
        table.add_row(f"{f.zh} {f.en}", f"{n:,}", f"{total:,.2f}", f.unit)
    if table.row_count == 0:
        out.print(f"{year} 年度没有企业数据 no firm-year facts for {year}")
    else:
        out.print(table)


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="部门数据文件 / department files")],
    store: Annotated[Path | None, typer.Option("--store", help="数据仓库文件 / warehouse")] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="导入后列出该年度企业数据合计 / then list that year's facts"),
    ] = None,
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            help="错误清单 xlsx（默认：有隔离行时写入当前目录）/ error list "
            "(default: 导入错误清单-<time>.xlsx here when rows were quarantined)",
        ),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb")] = "duckdb",
) -> None:
    """导入部门数据文件（一个事务；重复导入同一文件不生效）。Import department files."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from fenghuang.reports import write_error_list
    from fenghuang.warehouse import (
        Store,
        default_store_path,
        import_files,
        is_synthetic,
        name_links,
        quarantine,
    )

    out = Console()
    with Store(store or default_store_path()) as st:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task("导入 importing", total=None)

            def on_file(name: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=f"导入 importing {name}")

            report = import_files(st, files, engine=engine, progress=on_file)
        table = Table(title="导入结果 Import summary")
        for head in [
            "文件 File",
            "部门",
            "读取 read",
            "入库 loaded",
            "隔离 quarantined",
            "按名称关联 linked by name",
            "原因 reasons",
        ]:
            table.add_column(head)
        for f in report.files:
            reasons = (
                "已导入过（跳过）skipped"
                if f.skipped
                else ", ".join(f"{k}: {v}" for k, v in sorted(f.by_reason.items()))
            )
            table.add_row(
                f.file_name,
                f.department,
                str(f.rows_read),
                str(f.rows_loaded),
                str(f.rows_quarantined),
                str(f.linked_by_name),
                reasons,
            )
        out.print(table)
        new = [f for f in report.files if not f.skipped]
        if errors is not None or any(f.rows_quarantined or f.linked_by_name for f in new):
            path = errors or Path(f"导入错误清单-{datetime.now():%Y%m%d-%H%M%S}.xlsx")
            rows = [r for f in new for r in quarantine(st, f.import_id).to_pylist()]
            links = [r for f in new for r in name_links(st, f.import_id).to_pylist()]
            write_error_list(rows, path, synthetic=is_synthetic(st), links=links)
            out.print(
                f"错误清单 error list: {path}（隔离 {len(rows)} 行，按名称关联 {len(links)} 行 / "
                f"{len(rows)} rows quarantined, {len(links)} linked by name）",
                highlight=False,
            )
        if year is not None:
            _year_summary(out, st, year)


@app.command("template")
def template(
    department: Annotated[
        str,
        typer.Argument(
            help="部门 / department: tax power land stats energy environment science registry"
        ),
    ],
    year: Annotated[
        int | None, typer.Option("--year", help="报送年度 / the year asked for")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="输出 .xlsx / output file")] = None,
) -> None:
    """部门数据报送模板（Excel，表头与单位、填写说明）/ A department's submission template."""
    from fenghuang.facts import DEPARTMENTS
    from fenghuang.reports import write_submission_template
    from fenghuang.sources import load_mapping

    if department not in DEPARTMENTS:
        from fenghuang.errors import InputError

        raise InputError(
            "E-CLI-DEPARTMENT",
            zh=f"未知部门 {department}",
            en=f"unknown department {department}",
            hint_zh="部门为 " + "、".join(f"{k}（{v}）" for k, v in DEPARTMENTS.items()),
            hint_en="departments are " + ", ".join(DEPARTMENTS),
        )
    mapping = load_mapping(department)
    name = DEPARTMENTS[department]
    path = write_submission_template(
        mapping, out or Path(f"{name}数据报送模板{year or ''}.xlsx"), year=year
    )
    Console().print(f"报送模板 template: {path}", highlight=False)
