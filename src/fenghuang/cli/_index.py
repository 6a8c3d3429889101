"""``fenghuang index``: build a composite index (COINr pipeline) and print the ranking."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from fenghuang.cli import app
from fenghuang.errors import InputError


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            "E-ENGINE-CSV",
            zh="无法读取 CSV 文件（需 UTF-8 编码）",
            en="cannot read the CSV file (UTF-8 expected)",
            file=str(path),
        ) from exc


@app.command("index")
def index(
    example: Annotated[
        str | None, typer.Option("--example", help="内置示例 asem / shipped example")
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="iData CSV（COINr 格式）/ iData CSV")
    ] = None,
    meta: Annotated[
        Path | None, typer.Option("--meta", help="iMeta CSV（COINr 格式）/ iMeta CSV")
    ] = None,
    normalise: Annotated[
        str,
        typer.Option("--normalise", help="minmax|zscore|rank|percentile|borda|dist2max"),
    ] = "minmax",
    group: Annotated[
        str, typer.Option("--group", help="分组均值插补所用分组列 / group column for imputation")
    ] = "EurAsia_group",
) -> None:
    """综合指数排名 / Build a composite index and print the ranking."""
    from fenghuang.engine import build_from_rows, coinr_pipeline
    from fenghuang.engine.examples import read_csv_table, read_example

    if example is not None:
        if example.lower() != "asem":
            raise typer.BadParameter(f"未知示例 / unknown example: {example}")
        d_rows, m_rows = read_example(example)
    elif data is not None and meta is not None:
        d_rows, m_rows = read_csv_table(_read(data)), read_csv_table(_read(meta))
    else:
        raise typer.BadParameter(
            "需要 --example 或 --data 与 --meta / need --example or --data and --meta"
        )
    try:
        build = coinr_pipeline(
            build_from_rows(d_rows, m_rows), impute_group=group, normalise=normalise
        )
    except InputError as exc:
        raise exc.with_context(file=str(data) if data else None) from None

    fw = build.framework
    top = fw.levels[-1][0]
    subs = [c for c in fw.levels[-2]] if len(fw.levels) > 2 else []
    units = build.units_["Aggregated"]
    names = {r.get("uCode", ""): r.get("uName", "") for r in d_rows}
    score = build.scores(top)
    ranks = build.ranks(top)
    table = Table(title=f"综合指数排名 / index ranking ({fw.node(top).name or top})")
    table.add_column("排名 Rank", justify="right")
    table.add_column("代码 Code")
    table.add_column("名称 Name")
    table.add_column(top, justify="right")
    for s in subs:
        table.add_column(s, justify="right")
    for i in np.argsort(np.where(np.isnan(score), np.inf, -score), kind="stable"):
        cells = [
            "—" if np.isnan(ranks[i]) else str(int(ranks[i])),
            units[i],
            names.get(units[i], ""),
            f"{score[i]:.2f}",
        ]
        cells += [f"{build.scores(s)[i]:.2f}" for s in subs]
        table.add_row(*cells)
    Console(width=160).print(table)
