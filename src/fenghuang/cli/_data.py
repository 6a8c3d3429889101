"""CLI: ``fenghuang import`` — load department files into the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from fenghuang.cli import app

_XLSX_HEADERS = ["文件", "工作表", "行号", "列", "错误代码", "原因", "Reason", "原始值"]
_XLSX_COLUMNS = [
    "file",
    "sheet",
    "row_no",
    "column_name",
    "code",
    "reason_zh",
    "reason_en",
    "raw_value",
]


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="部门数据文件 / department files")],
    store: Annotated[Path | None, typer.Option("--store", help="数据仓库文件 / warehouse")] = None,
    year: Annotated[int | None, typer.Option("--year", help="只显示该年度 / year")] = None,
    errors: Annotated[Path | None, typer.Option("--errors", help="错误清单 xlsx")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb")] = "duckdb",
) -> None:
    """导入部门数据文件（一个事务；重复导入同一文件不生效）。Import department files."""
    import openpyxl

    from fenghuang.warehouse import Store, default_store_path, import_files, quarantine

    out = Console()
    with Store(store or default_store_path()) as st:
        report = import_files(st, files, engine=engine)
        table = Table(title="导入结果 Import summary")
        for head in [
            "文件 File",
            "部门",
            "读取 read",
            "入库 loaded",
            "隔离 quarantined",
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
                reasons,
            )
        out.print(table)
        if year is not None:
            out.print(f"年度 {year}")
        if errors is not None:
            ids = {f.import_id for f in report.files if not f.skipped}
            q = quarantine(st)
            wb = openpyxl.Workbook()
            ws = wb.active
            assert ws is not None
            ws.title = "错误清单"
            ws.append(_XLSX_HEADERS)
            for row in q.to_pylist():
                if row["import_id"] in ids:
                    ws.append([row[c] for c in _XLSX_COLUMNS])
            wb.save(errors)
            out.print(f"错误清单 error list: {errors}")
