"""The firm register (工信局): one workbook per year, with that year's firm-year flags."""

from __future__ import annotations

import datetime as dt

from fenghuang.synthetic._context import MARK, NOTE, YES, Ctx, Rec, emit, title
from fenghuang.synthetic._files import Sheet, write_xlsx

__all__ = ["write_register"]


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def write_register(ctx: Ctx) -> None:
    """One workbook per year: the firms evaluated that year, with that year's flags."""
    pop = ctx.pop
    head = [
        "统一社会信用代码",
        "企业名称",
        "曾用名",
        "行业代码(GB/T4754-2017)",
        "产业链",
        "区县代码",
        "区县",
        "园区",
        "是否规上企业",
        "成立日期",
        "经营状态",
        "免评类别",
        "是否上市",
        "科技型中小企业",
        "重大项目建设期",
        "重大安全生产事故",
        "重大食品安全事故",
        "新建企业",
    ]
    chinese = set(ctx.pick(list(range(pop.n)), ctx.count(0.01, 2)))
    for j, y in enumerate(pop.years):
        path = ctx.path("registry", f"工信局_{y}年度亩均效益评价参评企业名录.xlsx")
        sheet = Sheet("参评企业名录")
        title(sheet, f"萍乡市{y}年度工业企业亩均效益评价参评企业名录（{MARK}）", len(head))
        sheet.rows.append(head)
        first = sheet.next_row
        recs = []
        for i in range(pop.n):
            if not pop.active[i, j]:
                continue
            founded: object = dt.datetime.combine(pop.founded[i], dt.time())
            rec = Rec([], [], i)
            if i in chinese:
                founded = _cn_date(pop.founded[i])
                rec.notes.append(
                    dict(
                        kind="chinese_date",
                        outcome="repaired",
                        column="成立日期",
                        year=y,
                        credit_code=pop.codes[i],
                        field="founded",
                        detail=f"中文日期：{founded}",
                    )
                )
            acc_s = bool(pop.accidents["safety"][i, j])
            acc_f = bool(pop.accidents["food"][i, j])
            new = bool(pop.new_firm[i, j])
            rec.cells = [
                pop.codes[i],
                pop.names[i],
                pop.former[i] or None,
                pop.industry[i],
                pop.chain[i],
                pop.county_code[i],
                pop.county[i],
                pop.park[i],
                YES[bool(pop.above[i])],
                founded,
                "存续",
                pop.exempt[i] or None,
                YES[bool(pop.listed[i])],
                YES[bool(pop.tech_growth[i])],
                YES[bool(pop.major_project[i])],
                YES[acc_s],
                YES[acc_f],
                YES[new],
            ]
            c = pop.codes[i]
            rec.contrib = [
                (c, y, "accident_safety", float(acc_s)),
                (c, y, "accident_food", float(acc_f)),
                (c, y, "new_firm", float(new)),
            ]
            recs.append(rec)
        sheet.rows.extend(r.cells for r in recs)
        sheet.rows.append([NOTE])
        sheet.widths = {"B": 36, "C": 30}
        emit(ctx, recs, path.name, sheet.name, first)
        write_xlsx(path, [sheet])
