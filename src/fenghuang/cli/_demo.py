"""``fenghuang demo``: the synthetic city end to end (模拟数据), then the web app.

Generates the synthetic Pingxiang-like city, imports all its department
files into the embedded warehouse, evaluates every year in order with the
main method (so later years see earlier classes), prints the class counts,
loads the city monitor's seed cities (report excerpts and a 模拟数据 panel),
creates the demo accounts and starts the web application. Re-running it on
the same store is idempotent: the files are byte-identical, so the import
skips them and the evaluation returns the existing runs.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from fenghuang.cli import app
from fenghuang.errors import EvaluationError, InputError

if TYPE_CHECKING:
    from fenghuang.evaluation import Run
    from fenghuang.warehouse import Store

__all__ = ["DEFAULT_DEMO_DIR", "DemoResult", "demo", "main_method", "run_demo"]

#: Where the demo writes the synthetic city's files.
DEFAULT_DEMO_DIR = Path("var") / "demo"

_MAIN_METHOD = "pingxiang-4heroes"
_FALLBACK_METHOD = "huangyan-2022"
_MARK = "（模拟数据 synthetic）"


@dataclass
class DemoResult:
    """What :func:`run_demo` did."""

    store_path: Path
    city_dir: Path
    method: str
    run_ids: list[str] = field(default_factory=list)
    files_imported: int = 0
    files_skipped: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    monitor_figures: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def main_method() -> str:
    """``pingxiang-4heroes`` when shipped, else ``huangyan-2022``."""
    from fenghuang.evaluation import list_methods

    names = {str(getattr(m, "name", m)) for m in list_methods()}
    return _MAIN_METHOD if _MAIN_METHOD in names else _FALLBACK_METHOD


def run_demo(
    store_path: Path,
    city_dir: Path,
    *,
    firms: int = 591,
    seed: int = 1,
    fresh: bool = False,
    console: Console | None = None,
) -> DemoResult:
    """Generate, import, evaluate every year and seed the demo accounts.

    Parameters
    ----------
    store_path : Path
        The warehouse file (created).
    city_dir : Path
        Where the synthetic city's files are written.

    Raises
    ------
    InputError
        ``E-DEMO-REAL-STORE`` when the store already holds real (not
        synthetic) imports.
    firms, seed : int
        Passed to :func:`fenghuang.synthetic.generate_city`.
    fresh : bool
        Delete the store and the city files first.
    console : rich.console.Console, optional
        Where to print progress and the class counts.

    Returns
    -------
    DemoResult
    """
    from fenghuang.cli._evaluate import class_counts_table
    from fenghuang.monitor import load_seed_cities
    from fenghuang.synthetic import generate_city
    from fenghuang.warehouse import Store, import_files
    from fenghuang.web import seed_demo_accounts
    from fenghuang.web.services.demo import mark_synthetic

    con = console or Console()
    if store_path.exists():
        with Store(store_path) as old:
            _refuse_real_data(old)  # never add to, or delete, a store with real imports
    if fresh:
        for p in (store_path, store_path.with_suffix(store_path.suffix + ".wal")):
            p.unlink(missing_ok=True)
        shutil.rmtree(city_dir, ignore_errors=True)
    method = main_method()
    result = DemoResult(store_path=store_path, city_dir=city_dir, method=method)
    with con.status(f"生成模拟城市 generating the synthetic city{_MARK}…"):
        manifest = generate_city(city_dir, firms=firms, seed=seed)
    files = [
        p for dept in sorted(manifest.department_files) for p in manifest.department_files[dept]
    ]
    con.print(
        f"模拟城市 synthetic city: {firms} 家企业 firms，年度 years "
        f"{', '.join(map(str, manifest.years))}，{len(files)} 个部门文件 files → {city_dir}{_MARK}",
        highlight=False,
    )
    with Store(store_path) as store:
        mark_synthetic(store)
        with con.status("导入部门文件 importing department files…") as status:

            def on_file(name: str, done: int, total: int) -> None:
                status.update(f"导入 importing {done}/{total}: {name}")

            report = import_files(store, files, progress=on_file)
        result.files_imported = sum(not f.skipped for f in report.files)
        result.files_skipped = sum(f.skipped for f in report.files)
        result.rows_loaded = report.rows_loaded
        result.rows_quarantined = report.rows_quarantined
        con.print(
            f"导入 imported: {result.files_imported} 个文件 files"
            f"（跳过已导入 skipped {result.files_skipped}），"
            f"载入 {result.rows_loaded} 行 rows loaded，隔离 {result.rows_quarantined} 行 quarantined"
            f"{_MARK}",
            highlight=False,
        )
        try:
            runs = _evaluate_years(store, method, con)
        except EvaluationError as exc:
            if method == _FALLBACK_METHOD:
                raise
            con.print(
                f"[yellow]主评价办法 {method} 无法评价本模拟城市，改用 {_FALLBACK_METHOD} / "
                f"the main method {method} cannot evaluate this city; using "
                f"{_FALLBACK_METHOD}:[/] {exc.message()}",
                highlight=False,
            )
            method = result.method = _FALLBACK_METHOD
            runs = _evaluate_years(store, method, con)
        for run in runs:
            result.run_ids.append(run.run_id)
            con.print(
                class_counts_table(
                    run.results,
                    f"{run.year} 年各组等级分布 classes by pool — {run.run_id}{_MARK}",
                )
            )
        with con.status("城市转型监测：载入示例城市 loading the monitor's seed cities…"):
            seeded = load_seed_cities(store, synthetic=True)
        result.monitor_figures = seeded.figures
        con.print(
            f"城市转型监测 city monitor: {seeded.figures} 个指标值 figures"
            f"（示例报告摘录 + 模拟数据 extracted + synthetic），指数批次 index run {seeded.run_id}",
            highlight=False,
        )
        result.accounts = seed_demo_accounts(store)
    return result


def _refuse_real_data(store: Store) -> None:
    """Stop before mixing synthetic data into a store that holds real imports."""
    from fenghuang.warehouse import is_synthetic, list_imports

    if list_imports(store).num_rows and not is_synthetic(store):
        raise InputError(
            "E-DEMO-REAL-STORE",
            zh="该数据仓库已有真实（非模拟）导入数据，演示不会写入模拟数据",
            en="this store holds real (non-synthetic) imports; the demo will not add synthetic data",
            file=store.path,
            hint_zh="用 --store 指定另一个文件，例如 var/demo/fenghuang.duckdb",
            hint_en="pass --store with another file, e.g. var/demo/fenghuang.duckdb",
        )


def _evaluate_years(store: Store, method: str, con: Console) -> list[Run]:
    """Evaluate every year of the store with ``method``, oldest first."""
    from fenghuang.evaluation import run_evaluation
    from fenghuang.warehouse import years

    out = []
    for year in years(store):
        with con.status(f"评价 evaluating {year} · {method}…") as status:

            def on_step(frac: float, msg: str, _y: int = year) -> None:
                status.update(f"评价 evaluating {_y}: {msg} ({frac:.0%})")

            out.append(run_evaluation(store, method, year, progress=on_step, actor="demo"))
    return out


@app.command("demo")
def demo(
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="数据仓库文件 / warehouse file (default $FENGHUANG_STORE or var/fenghuang.duckdb)",
        ),
    ] = None,
    firms: Annotated[int, typer.Option("--firms", help="模拟企业数 / synthetic firms")] = 591,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / seed")] = 1,
    host: Annotated[str, typer.Option("--host", help="监听地址 / address")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口 / port")] = 8000,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="启动网页端 / start the web app")
    ] = True,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="删除旧的演示数据重来 / start from scratch")
    ] = False,
) -> None:
    """端到端演示（模拟数据）：生成、导入、评价、启动网页 / The end-to-end demo on synthetic data."""
    from fenghuang.cli._web import print_accounts
    from fenghuang.warehouse import default_store_path

    console = Console()
    store_path = store or default_store_path()
    city_dir = DEFAULT_DEMO_DIR / f"city-{firms}-seed{seed}"
    console.print(
        "[bold]凤凰 Fenghuang 演示 demo[/] — 以下全部为模拟数据 / everything below is synthetic data",
        highlight=False,
    )
    result = run_demo(store_path, city_dir, firms=firms, seed=seed, fresh=fresh, console=console)
    print_accounts(result.accounts, console)
    console.print(
        f"评价办法 method: {result.method}；评价批次 runs: {', '.join(result.run_ids)}{_MARK}",
        highlight=False,
    )
    if not serve:
        console.print(
            f"数据仓库 store: {result.store_path}（--no-serve：不启动网页 / web app not started）",
            highlight=False,
        )
        return
    from fenghuang.cli._web import serve as serve_web

    console.print(
        f"网页地址 web address: [bold]http://{host}:{port}/[/]{_MARK}  Ctrl+C 退出 / to stop",
        highlight=False,
    )
    serve_web(store=result.store_path, host=host, port=port, demo_accounts=False)
