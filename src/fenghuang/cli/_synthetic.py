"""``fenghuang demo-data``: write a synthetic city's department files (模拟数据)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fenghuang.cli import app
from fenghuang.errors import InputError

#: Above this many firms ``--format auto`` streams the monthly benchmark files.
STREAM_ABOVE = 20_000
FORMATS = ("auto", "departments", "stream", "csv", "parquet")


def parse_years(text: str) -> tuple[int, ...]:
    """``2021-2023`` → (2021, 2022, 2023); ``2023`` → (2023,); ``2021,2023`` → (2021, 2023)."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-–~]\s*(\d{4})\s*", text)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b:
            return tuple(range(a, b + 1))
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts and all(re.fullmatch(r"\d{4}", p) for p in parts):
        return tuple(sorted({int(p) for p in parts}))
    raise InputError(
        "E-SYNTHETIC-ARGS",
        zh=f"无法识别的年度范围：{text}",
        en=f"cannot read the years: {text!r}",
        hint_zh="写作 2021-2023 或 2023",
        hint_en="write 2021-2023 or 2023",
    )


def _size(p: Path) -> str:
    n = p.stat().st_size
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


@app.command("demo-data")
def demo_data(
    city: Annotated[str, typer.Option("--city", help="城市 / city (pingxiang)")] = "pingxiang",
    firms: Annotated[int, typer.Option("--firms", help="企业数 / number of firms")] = 591,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / seed")] = 1,
    out: Annotated[Path | None, typer.Option("--out", help="输出目录 / output folder")] = None,
    years: Annotated[
        str, typer.Option("--years", help="年度 / years, e.g. 2021-2023")
    ] = "2021-2023",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto|departments|stream|csv|parquet：部门文件，或基准测试用的月度大文件 / "
            "department files, or the monthly benchmark files (streamed)",
        ),
    ] = "auto",
    fault_rate: Annotated[
        float,
        typer.Option(
            "--fault-rate",
            help="流式文件中校验位错误与重复行的比例 / share of streamed rows with a wrong check "
            "character, and of duplicated rows",
        ),
    ] = 0.0,
) -> None:
    """生成模拟城市的部门数据文件（模拟数据）/ Write a synthetic city's department files."""
    from fenghuang.synthetic import generate_city, load_faults, stream_city

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format 可选 / one of {', '.join(FORMATS)}: {fmt}")
    ys = parse_years(years)
    stream = fmt in ("stream", "csv", "parquet") or (fmt == "auto" and firms > STREAM_ABOVE)
    folder = out or Path("var") / "demo-data" / f"{city}_{firms}_seed{seed}"
    console = Console()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
    )
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        if stream:
            task = bar.add_task("流式写出 / streaming", total=firms)
            formats = ("csv", "parquet") if fmt in ("stream", "auto") else (fmt,)
            sm = stream_city(
                folder,
                firms=firms,
                seed=seed,
                year=ys[-1],
                formats=formats,
                fault_rate=fault_rate,
                progress=lambda done, total: bar.update(task, completed=done),
            )
        else:
            task = bar.add_task("生成 / generating", total=11)
            m = generate_city(
                folder,
                city=city,
                firms=firms,
                seed=seed,
                years=ys,
                progress=lambda step, done, total: bar.update(
                    task, completed=done, description=f"生成 / generating: {step}"
                ),
            )
    table = Table(title=f"模拟数据 synthetic · {city} · {firms} 家企业 firms · seed {seed}")
    table.add_column("部门 Department")
    table.add_column("文件 File")
    table.add_column("大小 Size", justify="right")
    if stream:
        table.add_row("registry", sm.register.name, _size(sm.register))
        for kind, by_source in (("csv", sm.csv), ("parquet", sm.parquet)):
            for source, path in by_source.items():
                table.add_row(f"{source} ({kind})", path.name, _size(path))
        console.print(table)
        console.print(f"{sm.firms:,} 家企业 × 12 个月 = 每个来源 {sm.rows:,} 行 / rows per source")
        if fault_rate:
            console.print(
                "注入的数据问题 / injected faults: "
                + "；".join(
                    f"{k} " + "，".join(f"{c} {n:,}" for c, n in v.items())
                    for k, v in sm.faults.items()
                )
            )
        console.print(f"输出目录 / folder: {sm.out_dir}")
        return
    for dep, paths in m.department_files.items():
        for p in paths:
            table.add_row(dep, p.name, _size(p))
    for alt in m.parquet_files:
        table.add_row("parquet", f"parquet/{alt.name}", _size(alt))
    console.print(table)
    faults = load_faults(m.faults)
    kinds: dict[str, int] = {}
    for f in faults:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    console.print(
        "注入的数据问题 / injected faults: "
        + "，".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    )
    console.print(f"真值 / ground truth: {m.truth_facts}")
    console.print(f"问题清单 / fault list: {m.faults}")
    console.print(
        f"输出目录 / folder: {m.out_dir}（导入其中的 .xlsx 与 .csv / import its .xlsx and .csv）"
    )
