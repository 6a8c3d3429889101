"""Annual department files: statistics, energy, environment, science, a conflicting source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fenghuang.sources import UNIT_TABLES
from fenghuang.synthetic._context import MARK, NOTE, YES, Ctx, Rec, emit, title
from fenghuang.synthetic._files import Sheet, write_csv, write_xlsx
from fenghuang.synthetic._ledger import Fault

__all__ = ["write_conflict", "write_energy", "write_environment", "write_science", "write_stats"]


def write_stats(ctx: Ctx) -> None:
    """One workbook, a sheet per year, two-row header (本年 | 上年同期); 千元, one year 万元."""
    pop = ctx.pop
    money = UNIT_TABLES["money"]
    path = ctx.path(
        "stats", f"统计局_规模以上工业企业主要经济指标_{pop.years[0]}-{pop.years[-1]}.xlsx"
    )
    sheets = []
    for j, y in enumerate(pop.years):
        unit = "万元" if j == 1 else "千元"
        div = money[unit]
        sheet = Sheet(f"{y}年")
        title(sheet, f"萍乡市{y}年规模以上工业企业主要经济指标（{MARK}）", 8)
        sheet.rows.append([f"单位：{unit}"])
        r0 = sheet.next_row
        sheet.rows.append(
            [
                "统一社会信用代码",
                "单位详细名称",
                "营业收入",
                None,
                "工业增加值",
                None,
                "从业人员平均人数",
                None,
            ]
        )
        sheet.rows.append([None, None, "本年", "上年同期", "本年", "上年同期", "本年", "上年同期"])
        sheet.merges += [
            (r0, 1, r0 + 1, 1),
            (r0, 2, r0 + 1, 2),
            (r0, 3, r0, 4),
            (r0, 5, r0, 6),
            (r0, 7, r0, 8),
        ]
        first = sheet.next_row
        recs: list[Rec] = []
        nd = 2 if unit == "万元" else 1
        for i in range(pop.n):
            if not (pop.active[i, j] and pop.above[i]):
                continue
            v = pop.values
            rev, va = round(v["revenue"][i, j] / div, nd), round(v["va"][i, j] / div, nd)
            prev = (
                (
                    round(v["revenue"][i, j - 1] / div, nd),
                    round(v["va"][i, j - 1] / div, nd),
                    int(v["employees"][i, j - 1]),
                )
                if j and pop.active[i, j - 1]
                else (None,) * 3
            )
            emp = int(v["employees"][i, j])
            c = pop.codes[i]
            recs.append(
                Rec(
                    [c, pop.names[i], rev, prev[0], va, prev[1], emp, prev[2]],
                    [
                        (c, y, "revenue", rev * div),
                        (c, y, "value_added", va * div),
                        (c, y, "employees", float(emp)),
                    ],
                    i,
                )
            )
        if j == len(pop.years) - 1:
            clean = [k for k, r in enumerate(recs) if not r.faulty]
            for k in sorted(ctx.pick(clean, ctx.count(0.003, 1)), reverse=True):
                recs.insert(
                    k + 1,
                    Rec(
                        list(recs[k].cells),
                        [],
                        recs[k].firm,
                        [
                            dict(
                                kind="duplicate",
                                outcome="quarantined",
                                code="E-ROW-DUPLICATE",
                                column="统一社会信用代码",
                                year=y,
                                credit_code=recs[k].cells[0],
                                detail="与上一行完全相同",
                            )
                        ],
                    ),
                )
        sheet.rows.extend(r.cells for r in recs)
        sheet.rows.append(["合计", None, round(sum(float(str(r.cells[2])) for r in recs), nd)])
        sheet.rows.append([NOTE])
        emit(ctx, recs, path.name, sheet.name, first)
        if unit == "万元":
            ctx.ledger.fault_file(
                path.name,
                "unit",
                "金额单位为万元（其他年份为千元）",
                sheet=sheet.name,
                field="revenue",
            )
        sheets.append(sheet)
    write_xlsx(path, sheets)


def write_energy(ctx: Ctx) -> None:
    """One UTF-8 CSV per year; 2021 in 万吨标准煤, 2022 water in 万立方米."""
    pop = ctx.pop
    en, vol = UNIT_TABLES["energy"], UNIT_TABLES["volume"]
    for j, y in enumerate(pop.years):
        eu = "万吨标准煤" if j == 0 else "吨标准煤"
        wu = "万立方米" if j == 1 else "立方米"
        head = [
            "统一社会信用代码",
            "企业名称",
            "年度",
            f"综合能耗(等价值)({eu})",
            f"用水量({wu})",
            "天然气用量(立方米)",
        ]
        path = ctx.path("energy", f"发改委_{y}年重点用能单位能源消费统计.csv")
        recs = []
        for i in range(pop.n):
            if not (pop.active[i, j] and pop.above[i]):
                continue
            c, v = pop.codes[i], pop.values
            e = round(v["energy"][i, j] / en[eu], 6 if j == 0 else 2)
            w = round(v["water"][i, j] / vol[wu], 4 if j == 1 else 1)
            g = round(v["gas"][i, j], 1)
            contrib = [(c, y, "energy_tce", e * en[eu]), (c, y, "water_m3", w * vol[wu])]
            gas_cell: object = ""
            if g > 0:
                gas_cell = f"{g:.1f}"
                contrib.append((c, y, "gas_m3", g))
            recs.append(
                Rec(
                    [
                        c,
                        pop.names[i],
                        y,
                        f"{e:.6f}" if j == 0 else f"{e:.2f}",
                        f"{w:.4f}" if j == 1 else f"{w:.1f}",
                        gas_cell,
                    ],
                    contrib,
                    i,
                )
            )
        clean = [k for k, r in enumerate(recs) if float(str(r.cells[4])) >= 1000]
        for k in ctx.pick(clean, ctx.count(0.01, 1)):
            r = recs[k]
            r.cells[4] = f"{float(str(r.cells[4])):,.1f}"
            r.notes.append(
                dict(
                    kind="thousands",
                    outcome="repaired",
                    column=head[4],
                    year=y,
                    credit_code=r.cells[0],
                    field="water_m3",
                    detail=f"千分位分隔符：{r.cells[4]}",
                )
            )
        rows: list[Sequence[Any]] = [
            [f"萍乡市{y}年重点用能单位能源消费统计（{MARK}）"],
            head,
            *[r.cells for r in recs],
            [NOTE],
        ]
        emit(ctx, recs, path.name, "", 3)
        write_csv(path, rows, "utf-8")
        if j < 2:
            ctx.ledger.fault_file(
                path.name, "unit", f"单位：{eu}、{wu}", field="energy_tce" if j == 0 else "water_m3"
            )


def write_environment(ctx: Ctx) -> None:
    """One GB18030 CSV for all years, a 计量单位 column per row (吨 or 千克)."""
    pop = ctx.pop
    head = [
        "统一社会信用代码",
        "企业名称",
        "年度",
        "计量单位",
        "化学需氧量",
        "氨氮",
        "二氧化硫",
        "氮氧化物",
        "是否发生重大环境事件",
    ]
    path = ctx.path(
        "environment", f"生态环境局_重点排污单位污染物排放量_{pop.years[0]}-{pop.years[-1]}.csv"
    )
    no_data = set(np.flatnonzero(pop.no_emission).tolist())
    recs = []
    fields = (("cod", "cod_t"), ("nh3n", "nh3n_t"), ("so2", "so2_t"), ("nox", "nox_t"))
    for i in range(pop.n):
        if not pop.above[i]:
            continue
        for j, y in enumerate(pop.years):
            if not pop.active[i, j]:
                continue
            c = pop.codes[i]
            acc = bool(pop.accidents["environment"][i, j])
            contrib = [(c, y, "accident_environment", float(acc))]
            total = sum(pop.values[k][i, j] for k, _ in fields)
            kg = total < 2.0
            cells: list[object] = [
                c,
                pop.names[i],
                f"{y}年" if (i + j) % 4 == 0 else str(y),
                "千克" if kg else "吨",
            ]
            for k, f in fields:
                if i in no_data:
                    cells.append("")
                    continue
                t = pop.values[k][i, j]
                written = round(t * 1000, 1) if kg else round(t, 3)
                cells.append(f"{written:.1f}" if kg else f"{written:.3f}")
                contrib.append((c, y, f, written * (1e-3 if kg else 1.0)))
            cells.append(YES[acc])
            rec = Rec(cells, contrib, i)
            if kg and i not in no_data:
                rec.notes.append(
                    dict(
                        kind="unit",
                        outcome="repaired",
                        column="计量单位",
                        year=y,
                        credit_code=c,
                        field="cod_t",
                        detail="排放量以千克计",
                    )
                )
            recs.append(rec)
    note = "注：本表为模拟数据；GB18030 编码，含扩展字符“㮾”。"
    rows: list[Sequence[Any]] = [
        [f"萍乡市重点排污单位主要污染物排放量（{MARK}）"],
        head,
        *[r.cells for r in recs],
        [note],
    ]
    emit(ctx, recs, path.name, "", 3)
    write_csv(path, rows, "gb18030")
    ctx.ledger.fault_file(path.name, "encoding", "GB18030 编码的 CSV")


def write_science(ctx: Ctx) -> None:
    """One workbook per year: R&D (万元; one year in 元), invention patents, high-tech status."""
    pop = ctx.pop
    for j, y in enumerate(pop.years):
        yuan = j == 1
        head = [
            "统一社会信用代码",
            "企业名称",
            "研发经费支出(元)" if yuan else "研发经费支出(万元)",
            "有效发明专利数(件)",
            "是否高新技术企业",
        ]
        path = ctx.path("science", f"科技局_{y}年企业研发投入与知识产权.xlsx")
        sheet = Sheet("研发投入")
        title(sheet, f"萍乡市{y}年企业研发投入与知识产权情况（{MARK}）", len(head))
        sheet.rows.append(head)
        first = sheet.next_row
        recs = []
        for i in range(pop.n):
            if not (pop.active[i, j] and (pop.above[i] or pop.tech_growth[i])):
                continue
            c = pop.codes[i]
            rd = (
                round(pop.values["rd"][i, j], 2) if yuan else round(pop.values["rd"][i, j] / 1e4, 4)
            )
            pat = int(pop.values["patents"][i, j])
            ht = bool(pop.high_tech[i])
            recs.append(
                Rec(
                    [c, pop.names[i], rd, pat, YES[ht]],
                    [
                        (c, y, "rd_expense", rd if yuan else rd * 1e4),
                        (c, y, "invention_patents", float(pat)),
                        (c, y, "high_tech", float(ht)),
                    ],
                    i,
                )
            )
        sheet.rows.extend(r.cells for r in recs)
        sheet.rows.append([NOTE])
        emit(ctx, recs, path.name, sheet.name, first)
        write_xlsx(path, [sheet])
        if yuan:
            ctx.ledger.fault_file(
                path.name,
                "unit",
                "研发经费以元计（其他年份为万元）",
                sheet=sheet.name,
                field="rd_expense",
                column=head[2],
            )


def write_conflict(ctx: Ctx) -> None:
    """A second source (工信局 check list) that disagrees with 统计局 on revenue."""
    pop = ctx.pop
    j, y = len(pop.years) - 1, pop.years[-1]
    path = ctx.path("stats", f"工信局_{y}年重点企业营业收入核对表.csv")
    head = ["统一社会信用代码", "企业名称", "年度", "营业收入(万元)"]
    rows: list[Sequence[Any]] = [[f"萍乡市{y}年重点工业企业营业收入核对表（{MARK}）"], head]
    cands = [i for i in range(pop.n) if pop.active[i, j] and pop.above[i]]
    for i in ctx.pick(cands, 2):
        c = pop.codes[i]
        v = round(pop.values["revenue"][i, j] / 1e4 * 1.08, 2)
        rows.append([c, pop.names[i], y, f"{v:.2f}"])
        ctx.ledger.fault(
            Fault(
                path.name,
                "",
                len(rows),
                head[3],
                "conflict",
                "flagged",
                "E-ROW-CONFLICT",
                c,
                y,
                "revenue",
                f"与统计局数据不一致：{v:.2f} 万元",
            )
        )
    rows.append([NOTE])
    write_csv(path, rows, "utf-8")
