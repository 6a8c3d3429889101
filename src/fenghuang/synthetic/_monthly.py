"""Monthly department files: taxes (税务局), social insurance and power (供电公司)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from fenghuang.sources import UNIT_TABLES
from fenghuang.synthetic._context import MARK, NOTE, Ctx, Rec, bad_check, emit, name_variant
from fenghuang.synthetic._files import Sheet, fullwidth, write_csv, write_parquet, write_xlsx
from fenghuang.synthetic._places import TAX_ITEMS

__all__ = ["write_power", "write_social", "write_tax"]

_SEASON = np.asarray([1.05, 0.7, 0.95, 1.0, 1.0, 1.05, 1.0, 1.0, 1.0, 1.0, 1.05, 1.2])
_CN = dict(enumerate("〇一二三四五六七八九"))


def _weights(ctx: Ctx, start: int) -> np.ndarray:
    w = _SEASON * ctx.rng.gamma(40.0, 1 / 40.0, 12)
    w[: start - 1] = 0.0
    return np.asarray(w / w.sum())


def _period(y: int, m: int, style: int) -> str:
    return (f"{y}-{m:02d}", f"{y}{m:02d}", f"{y}年{m:02d}月")[style % 3]


def _cn_period(y: int, m: int) -> str:
    month = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")[m]
    return "".join(_CN[int(d)] for d in str(y)) + f"年{month}月"


def _money(v: float) -> str:
    return f"{v:.2f}"


def _id_faults(
    ctx: Ctx,
    recs: list[Rec],
    code_col: int,
    name_col: int,
    header: str,
    y: int,
    above_only: bool = False,
) -> None:
    """Name variants / former names without a code, bad check characters, full-width codes.

    With ``above_only`` a quarantined row is a 规上 firm's (a wide row holds a
    firm's whole year; losing a 规下 firm's would move the 规下 pool's averages).
    """
    pop = ctx.pop
    clean = [k for k, r in enumerate(recs) if not r.faulty and r.firm >= 0]
    for k in ctx.pick(clean, ctx.count(0.005, 2)):
        r = recs[k]
        r.cells[code_col] = ""
        r.cells[name_col] = name_variant(pop.names[r.firm], ctx.rng)
        r.notes.append(
            dict(
                kind="name_variant",
                outcome="repaired",
                column=header,
                year=y,
                credit_code=pop.codes[r.firm],
                detail=f"无信用代码，名称写作“{r.cells[name_col]}”",
            )
        )
    clean = [k for k, r in enumerate(recs) if not r.faulty and r.firm >= 0 and pop.former[r.firm]]
    for k in ctx.pick(clean, 1):
        r = recs[k]
        r.cells[code_col] = ""
        r.cells[name_col] = pop.former[r.firm]
        r.notes.append(
            dict(
                kind="former_name",
                outcome="repaired",
                column=header,
                year=y,
                credit_code=pop.codes[r.firm],
                detail=f"无信用代码，使用曾用名“{pop.former[r.firm]}”",
            )
        )
    clean = [k for k, r in enumerate(recs) if not r.faulty and r.firm >= 0]
    clean = [k for k in clean if not above_only or pop.above[recs[k].firm]]
    for k in ctx.pick(clean, ctx.count(0.003, 1)):
        r = recs[k]
        code = pop.codes[r.firm]
        r.cells[code_col] = bad_check(code)
        r.contrib = []
        r.notes.append(
            dict(
                kind="check_char",
                outcome="quarantined",
                code="E-ROW-CREDIT-CODE-CHECK",
                column=header,
                year=y,
                credit_code=code,
                detail=f"校验位错误：{r.cells[code_col]}",
            )
        )
    clean = [k for k, r in enumerate(recs) if not r.faulty and r.firm >= 0]
    for k in ctx.pick(clean, 1):
        r = recs[k]
        r.cells[code_col] = fullwidth(pop.codes[r.firm][:8]) + pop.codes[r.firm][8:]
        r.notes.append(
            dict(
                kind="fullwidth",
                outcome="repaired",
                column=header,
                year=y,
                credit_code=pop.codes[r.firm],
                detail="信用代码含全角数字",
            )
        )


def _duplicates(ctx: Ctx, recs: list[Rec], column: str, y: int, rate: float = 0.004) -> list[Rec]:
    clean = [k for k, r in enumerate(recs) if not r.faulty and r.firm >= 0]
    chosen = set(ctx.pick(clean, ctx.count(rate, 1)))
    out: list[Rec] = []
    for k, r in enumerate(recs):
        out.append(r)
        if k in chosen:
            out.append(
                Rec(
                    list(r.cells),
                    [],
                    r.firm,
                    [
                        dict(
                            kind="duplicate",
                            outcome="quarantined",
                            code="E-ROW-DUPLICATE",
                            column=column,
                            year=y,
                            credit_code=ctx.pop.codes[r.firm],
                            detail="与上一行完全相同",
                        )
                    ],
                )
            )
    return out


def _number_faults(ctx: Ctx, recs: list[Rec], col: int, header: str, field: str, y: int) -> None:
    clean = [k for k, r in enumerate(recs) if not r.faulty and r.firm >= 0 and r.cells[col]]
    for n, k in enumerate(ctx.pick(clean, ctx.count(0.006, 2))):
        r = recs[k]
        v = float(str(r.cells[col]))
        if n % 2 == 0:
            r.cells[col] = f"{v:,.2f}"
            kind, detail = "thousands", f"千分位分隔符：{r.cells[col]}"
        else:
            r.cells[col] = fullwidth(f"{v:.2f}")
            kind, detail = "fullwidth", f"全角数字：{r.cells[col]}"
        r.notes.append(
            dict(
                kind=kind,
                outcome="repaired",
                column=header,
                year=y,
                field=field,
                credit_code=ctx.pop.codes[r.firm],
                detail=detail,
            )
        )


def write_tax(ctx: Ctx) -> None:
    """One CSV per year: 税务局 monthly taxes by item (GBK, GBK, GB18030 …)."""
    pop = ctx.pop
    head = ["纳税人识别号", "纳税人名称", "税款所属期", "征收项目", "实缴税额(元)", "退税额(元)"]
    for j, y in enumerate(pop.years):
        enc = "gb18030" if j == len(pop.years) - 1 else "gbk"
        path = ctx.path("tax", f"税务局_{y}年分月分税种入库明细.csv")
        recs: list[Rec] = []
        missing = set(ctx.pick([i for i in range(pop.n) if pop.active[i, j]], ctx.count(0.004, 1)))
        for i in range(pop.n):
            if not pop.active[i, j]:
                continue
            code, name, s = pop.codes[i], pop.names[i], int(pop.start_month[i, j])
            w = _weights(ctx, s)
            skip = int(ctx.rng.integers(max(s, 2), 13)) if i in missing else 0
            refund = pop.values["refund"][i, j]
            for m in range(s, 13):
                if m == skip:
                    continue
                for item, share, months in TAX_ITEMS:
                    if m not in months:
                        continue
                    mw = sum(w[k - 1] for k in months if k >= s)
                    amount = round(pop.values["tax"][i, j] * share * w[m - 1] / mw, 2)
                    if amount < 0.01:
                        continue
                    ref = ""
                    contrib = [(code, y, "tax_paid", amount)]
                    if refund > 0 and item == "增值税" and m in (3, 9) and m >= s:
                        rv = round(refund / 2, 2)
                        ref = _money(rv)
                        contrib.append((code, y, "tax_refund", rv))
                    cells: list[object] = [code, name, _period(y, m, j), item, _money(amount), ref]
                    recs.append(Rec(cells, contrib, i, month=m))
            if skip:
                recs[-1].notes.append(
                    dict(
                        kind="missing_month",
                        outcome="accepted",
                        column="税款所属期",
                        year=y,
                        credit_code=code,
                        field="tax_paid",
                        detail=f"缺少 {y} 年 {skip} 月的申报行",
                    )
                )
        _id_faults(ctx, recs, 0, 1, head[0], y)
        _number_faults(ctx, recs, 4, head[4], "tax_paid", y)
        if j == len(pop.years) - 1:
            clean = [k for k, r in enumerate(recs) if not r.faulty and r.firm >= 0]
            for k in ctx.pick(clean, 1):
                r = recs[k]
                r.cells[2] = _cn_period(y, r.month)
                r.notes.append(
                    dict(
                        kind="chinese_date",
                        outcome="repaired",
                        column=head[2],
                        year=y,
                        credit_code=pop.codes[r.firm],
                        detail=f"中文数字日期：{r.cells[2]}",
                    )
                )
        recs.append(
            Rec(
                ["", "萍乡市未登记商贸有限公司", _period(y, 6, j), "增值税", "1234.56", ""],
                [],
                -1,
                [
                    dict(
                        kind="unmatched",
                        outcome="quarantined",
                        code="E-ROW-UNMATCHED",
                        column="企业名称",
                        year=y,
                        detail="名录中不存在的企业，且无信用代码",
                    )
                ],
            )
        )
        recs = _duplicates(ctx, recs, head[0], y)
        title = [f"萍乡市{y}年工业企业分月分税种税收入库明细（{MARK}）"]
        rows: list[Sequence[Any]] = [title, head, *[r.cells for r in recs], [NOTE]]
        emit(ctx, recs, path.name, "", 3)
        write_csv(path, rows, enc)
        ctx.ledger.fault_file(path.name, "encoding", f"{enc.upper()} 编码的 CSV")


def write_social(ctx: Ctx) -> None:
    """One UTF-8-BOM CSV for all years: monthly social-insurance contributions."""
    pop = ctx.pop
    head = ["统一社会信用代码", "企业名称", "所属期", "社会保险费(元)"]
    path = ctx.path("tax", f"税务局_社保费缴费明细_{pop.years[0]}-{pop.years[-1]}.csv")
    recs: list[Rec] = []
    for i in range(pop.n):
        for j, y in enumerate(pop.years):
            if not pop.active[i, j]:
                continue
            s = int(pop.start_month[i, j])
            per = pop.values["social"][i, j] / (13 - s)
            for m in range(s, 13):
                v = round(per * ctx.rng.uniform(0.97, 1.03), 2)
                recs.append(
                    Rec(
                        [pop.codes[i], pop.names[i], f"{y}-{m:02d}", _money(v)],
                        [(pop.codes[i], y, "social_insurance", v)],
                        i,
                        month=m,
                    )
                )
    _id_faults(ctx, recs, 0, 1, head[0], 0)
    _number_faults(ctx, recs, 3, head[3], "social_insurance", 0)
    recs = _duplicates(ctx, recs, head[0], 0)
    for r in recs:
        for note in r.notes:
            note["year"] = int(str(r.cells[2])[:4])
    rows: list[Sequence[Any]] = [
        [f"萍乡市工业企业社会保险费缴费明细（{MARK}）"],
        head,
        *[r.cells for r in recs],
        [NOTE],
    ]
    emit(ctx, recs, path.name, "", 3)
    write_csv(path, rows, "utf-8-sig")
    ctx.ledger.fault_file(path.name, "encoding", "UTF-8 带 BOM 的 CSV")
    # The same accepted rows as a typed Parquet file (an alternative to the CSV, not an addition).
    kept = [r for r in recs if r.contrib]
    table = pa.table(
        {
            "统一社会信用代码": pa.array([str(r.cells[0]) or None for r in kept], pa.string()),
            "企业名称": pa.array([str(r.cells[1]) for r in kept], pa.string()),
            "所属期": pa.array([str(r.cells[2]) for r in kept], pa.string()),
            "社会保险费(元)": pa.array([r.contrib[0][3] for r in kept], pa.float64()),
        }
    )
    (ctx.out / "parquet").mkdir(exist_ok=True)
    alt = ctx.out / "parquet" / path.with_suffix(".parquet").name
    write_parquet(alt, table)
    ctx.parquet[alt] = path


def write_power(ctx: Ctx) -> None:
    """One workbook per year, wide layout (1月 … 12月); one year in 万千瓦时."""
    pop = ctx.pop
    for j, y in enumerate(pop.years):
        wan = j == 1 or len(pop.years) == 1
        unit = "万千瓦时" if wan else "千瓦时"
        factor = UNIT_TABLES["electricity"]["万千瓦时" if wan else "千瓦时"]
        path = ctx.path("power", f"供电公司_{y}年工业用户月度用电量.xlsx")
        head = ["户号", "用电户名", "统一社会信用代码", *[f"{m}月" for m in range(1, 13)]]
        recs: list[Rec] = []
        up = [i for i in range(pop.n) if pop.active[i, j] and pop.above[i]]
        missing = set(ctx.pick(up, ctx.count(0.004, 1)))
        for i in range(pop.n):
            if not pop.active[i, j]:
                continue
            s = int(pop.start_month[i, j])
            w = _weights(ctx, s)
            cells: list[object] = [f"36{(i * 7919) % 10**8:08d}", pop.names[i], pop.codes[i]]
            contrib = []
            skip = int(ctx.rng.integers(max(s, 2), 13)) if i in missing else 0
            for m in range(1, 13):
                kwh = pop.values["kwh"][i, j] * w[m - 1]
                if m < s or m == skip or kwh <= 0:
                    cells.append(None)
                    continue
                v = round(kwh / 1e4, 4) if wan else float(round(kwh))
                cells.append(v)
                contrib.append((pop.codes[i], y, "electricity_kwh", v * factor))
            rec = Rec(cells, contrib, i)
            if skip:
                rec.notes.append(
                    dict(
                        kind="missing_month",
                        outcome="accepted",
                        column=f"{skip}月",
                        year=y,
                        credit_code=pop.codes[i],
                        field="electricity_kwh",
                        detail=f"{skip} 月抄表数缺失（空白单元格）",
                    )
                )
            recs.append(rec)
        _id_faults(ctx, recs, 2, 1, head[2], y, above_only=True)
        recs = _duplicates(ctx, recs, head[2], y, 0.002)
        sheet = Sheet(f"{y}年")
        sheet.rows.append([f"萍乡市{y}年工业用户月度用电量（{MARK}）"])
        sheet.rows.append([f"单位：{unit}"])
        sheet.rows.append(head)
        first = sheet.next_row
        sheet.rows.extend(r.cells for r in recs)
        totals: list[object] = ["合计", None, None]
        for m in range(12):
            vals = [c for r in recs if isinstance(c := r.cells[3 + m], float)]
            totals.append(round(sum(vals), 4))
        sheet.rows.append(totals)
        sheet.rows.append([NOTE])
        sheet.merges.append((1, 1, 1, len(head)))
        emit(ctx, recs, path.name, sheet.name, first)
        write_xlsx(path, [sheet])
        if wan:
            ctx.ledger.fault_file(
                path.name,
                "unit",
                "电量单位为万千瓦时（其他年份为千瓦时）",
                sheet=sheet.name,
                field="electricity_kwh",
            )
