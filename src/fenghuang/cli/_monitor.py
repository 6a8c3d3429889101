"""CLI of the city transformation monitor: ``extract``, ``cities``, ``yearbook``, ``city-index``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from fenghuang.cli import app


def _out() -> Console:
    return Console()


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD: {text}") from exc


@app.command("extract")
def extract(
    files: Annotated[list[Path], typer.Argument(help="报告文件 txt/docx/html / report files")],
    report_date: Annotated[
        str | None,
        typer.Option("--date", help="报告日期 YYYY-MM-DD，用于解析“今年”“去年” / report date"),
    ] = None,
    place: Annotated[
        str | None, typer.Option("--place", help="报告所述地区（未由标题给出时）/ subject place")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出 .xlsx 或 .csv / output table")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="载入数据仓库（状态：待核实）/ load into this warehouse"),
    ] = None,
) -> None:
    """从报告文本抽取指标数据 / Extract indicator figures from report text."""
    from fenghuang.monitor import PERIOD_NOTES, extract_files, write_observations
    from fenghuang.warehouse import Store

    st = Store(store) if store else None
    try:
        result = extract_files(files, report_date=_date(report_date), place=place, store=st)
    finally:
        if st is not None:
            st.close()
    obs = result.observations
    if out:
        write_observations(obs, out)
    table = Table(title=f"抽取数据，待核实 / extracted figures ({obs.num_rows})")
    for col in ("地区", "期间", "指标", "类型", "数值", "单位", "来源"):
        table.add_column(col)
    for r in obs.to_pylist()[:200]:
        value = f"{r['qualifier'] or ''}{round(r['value'], 2):g}"
        if r["value_high"] is not None:
            value += f"—{round(r['value_high'], 2):g}"
        # 期间据文档日期推定 / 相对期间: say where a period not written with its year came from
        note = next((n for n in PERIOD_NOTES.values() if n in (r["label"] or "")), "")
        table.add_row(
            r["place_name"],
            (r["period"] or "") + (f"（{note}）" if note else ""),
            r["indicator"],
            r["kind"],
            value,
            r["unit"] or "",
            f"{r['source']}:{r['span_start']}",
        )
    _out().print(table)
    # what was left without a year, and why (a relative period in an undated document, …)
    undated = result.undated()
    if undated:
        _out().print(f"未定年份 / left without a year: {len(undated)}")
        for u in undated[:200]:
            _out().print(
                f"  {u['source']}:{u['span_start']} {u['indicator']} {u['period'] or '—'}："
                f"{u['reason_zh']} / {u['reason_en']}"
            )
    if out:
        _out().print(f"已写入 / written: {out}")


@app.command("cities")
def cities(
    path: Annotated[
        Path | None, typer.Option("--list", help="补充或完整的城市名单 CSV / a fuller city list")
    ] = None,
    unresolved: Annotated[bool, typer.Option(help="列出无法匹配行政区划代码的名称")] = False,
) -> None:
    """资源型城市名单完整性 / Completeness of the resource-city registry."""
    from fenghuang.monitor import completeness, load_registry, unresolved_places

    reg = load_registry(path)
    comp = completeness(reg)
    _out().print(comp.summary("zh"))
    _out().print(comp.summary("en"))
    if unresolved:
        for lst, prov, name in unresolved_places(reg):
            _out().print(f"未匹配代码 / no code: {lst} {prov} {name}")


@app.command("yearbook")
def yearbook(
    file: Annotated[Path, typer.Argument(help="统计年鉴式表格 xlsx/xls/csv / yearbook table")],
    store: Annotated[Path, typer.Option("--store", help="数据仓库 / warehouse file")],
    verified: Annotated[bool, typer.Option(help="官方统计数据，标为已核实")] = False,
) -> None:
    """导入年鉴式指标表 / Import a yearbook-style indicator table."""
    from fenghuang.monitor import load_yearbook
    from fenghuang.warehouse import Store

    with Store(store) as st:
        result = load_yearbook(st, file, verified=verified)
    _out().print(
        f"已导入 {result.ok} 个数据，隔离 {result.rejects.num_rows} 个 / loaded {result.ok}, "
        f"quarantined {result.rejects.num_rows}"
    )
    for r in result.rejects.to_pylist()[:50]:
        _out().print(
            f"  {r['sheet'] or ''} 行{r['row']} 列{r['column']}: {r['reason_zh']} / {r['reason_en']}"
        )


@app.command("city-index")
def city_index(
    store: Annotated[Path, typer.Option("--store", help="数据仓库 / warehouse file")],
    method: Annotated[
        Path | None, typer.Option("--method", help="方法文件 TOML（默认：内置城市转型指数）")
    ] = None,
    variant: Annotated[
        str, typer.Option(help="pressure-capacity（压力—能力）或 four-dimension（四维）")
    ] = "pressure-capacity",
) -> None:
    """计算城市转型指数并按类型排名 / Compute the city transformation index, ranked within type."""
    from fenghuang.monitor import run_city_index
    from fenghuang.warehouse import Store

    with Store(store) as st:
        run_id, result = run_city_index(st, method=str(method) if method else None, variant=variant)
    table = Table(title=f"{result.method_name}（{result.note_zh}）run {run_id}")
    for col in ("城市", "类型", "压力", "能力", "预警", "类型内排名", "缺失指标"):
        table.add_column(col)
    for r in result.rows:
        table.add_row(
            r.place_name,
            r.city_type or "",
            _f(r.pressure),
            _f(r.capacity),
            _f(r.warning),
            "" if r.rank_in_type is None else str(r.rank_in_type),
            "、".join(r.missing),
        )
    _out().print(table)


def _f(x: float | None) -> str:
    return "" if x is None else f"{x:.3f}"


@app.command("cities-seed")
def cities_seed(
    store: Annotated[Path, typer.Option("--store", help="数据仓库 / warehouse file")],
    synthetic: Annotated[
        bool,
        typer.Option(
            help="另载入全部资源型城市的模拟数据 / also load a synthetic panel (模拟数据)"
        ),
    ] = False,
) -> None:
    """载入示例报告的抽取数据（萍乡、玉门、阳泉、伊春）/ Load the example reports' figures."""
    from fenghuang.monitor import seed_demo
    from fenghuang.warehouse import Store

    with Store(store) as st:
        n = seed_demo(st, synthetic=synthetic)
    _out().print(f"已载入 {n} 个抽取数据（待核实）/ loaded {n} extracted figures (unverified)")
