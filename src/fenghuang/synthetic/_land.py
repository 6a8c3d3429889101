"""Land parcels (自然资源局): own, leased (with the lessor), under construction, shared."""

from __future__ import annotations

from fenghuang.sources import UNIT_TABLES
from fenghuang.synthetic._context import MARK, NOTE, Ctx, Rec, emit, title
from fenghuang.synthetic._files import Sheet, write_xlsx

__all__ = ["write_land"]


def _parcels(ctx: Ctx, j: int) -> list[tuple[int, str, float, str, int, float | None]]:
    """(firm, parcel id, area 亩, tenure, lessor firm or -1, share or None) for year index j."""
    pop = ctx.pop
    rng = ctx.rng
    out: list[tuple[int, str, float, str, int, float | None]] = []
    lessees: dict[int, list[int]] = {}
    for i in range(pop.n):
        if pop.active[i, j] and pop.lessor[i] >= 0:
            lessees.setdefault(int(pop.lessor[i]), []).append(i)
    for i in range(pop.n):
        if not pop.active[i, j]:
            continue
        base = f"360{pop.county_code[i][3:]}{i:05d}"
        if pop.lessor[i] >= 0:
            lid = f"360{pop.county_code[int(pop.lessor[i])][3:]}{int(pop.lessor[i]):05d}Z{i:04d}"
            out.append((i, lid, float(pop.land[i]), "leased", int(pop.lessor[i]), None))
            continue
        k = 1 + int(rng.poisson(0.7 if pop.above[i] else 0.15))
        parts = rng.dirichlet([3.0] * k) * pop.land[i]
        for p, a in enumerate(parts):
            out.append((i, f"{base}{p + 1:02d}", round(float(a), 2) or 0.01, "own", -1, None))
        for r in lessees.get(i, []):
            lid = f"360{pop.county_code[i][3:]}{i:05d}Z{r:04d}"
            out.append((i, lid, float(pop.land[r]), "own", -1, None))
        if pop.construction[i] > 0:
            area = float(pop.construction[i])
            out.append((i, f"{base}J1", area, "construction", -1, None))
    # Shared parcels: two neighbouring firms split one parcel.
    for i, partner, share, area in pop.shared:
        if pop.active[i, j] and pop.active[partner, j]:
            pid = f"360{pop.county_code[i][3:]}{i:05d}G1"
            out.append((i, pid, area, "own", -1, share))
            out.append((partner, pid, area, "own", -1, round(1 - share, 2)))
    out.sort(key=lambda t: (t[0], t[1]))
    return out


def write_land(ctx: Ctx) -> None:
    """One workbook per year: parcels in 亩, 平方米 or 公顷 (unit column), merged firm cells."""
    pop = ctx.pop
    head = [
        "宗地编号",
        "统一社会信用代码",
        "企业名称",
        "宗地面积",
        "面积单位",
        "权属类型",
        "出租方统一社会信用代码",
        "分摊比例",
    ]
    tenure_zh = {
        "own": ("出让", "自有", "划拨"),
        "leased": ("租赁", "租用"),
        "construction": ("在建",),
    }
    area_f = UNIT_TABLES["area"]
    for j, y in enumerate(pop.years):
        path = ctx.path("land", f"自然资源局_{y}年度工业企业用地核实表.xlsx")
        sheet = Sheet("用地核实")
        title(sheet, f"萍乡市{y}年度工业企业用地核实表（{MARK}）", len(head))
        sheet.rows.append(head)
        first = sheet.next_row
        recs: list[Rec] = []
        parcels = _parcels(ctx, j)
        for i, pid, area, tenure, lessor, share in parcels:
            u = ctx.rng.random()
            if u < 0.12:
                unit, written = "平方米", round(area / area_f["平方米"], 2)
            elif u < 0.16:
                unit, written = "公顷", round(area / 15.0, 4)
            else:
                unit, written = "亩", area
            value = written * area_f[unit]
            names = tenure_zh[tenure]
            cells: list[object] = [
                pid,
                pop.codes[i],
                pop.names[i],
                written,
                unit,
                names[int(ctx.rng.integers(len(names)))],
                pop.codes[lessor] if lessor >= 0 else None,
                None,
            ]
            contrib = []
            if share is not None:
                pct = f"{share * 100:g}"
                cells[7] = f"{pct}%" if i % 2 else share
                value *= float(pct) / 100.0 if i % 2 else share
            field = {"own": "land_own", "construction": "land_own", "leased": "land_leased_in"}[
                tenure
            ]
            contrib.append((pop.codes[i], y, field, value))
            if lessor >= 0:
                contrib.append((pop.codes[lessor], y, "land_leased_out", value))
            rec = Rec(cells, contrib, i)
            if unit != "亩":
                rec.notes.append(
                    dict(
                        kind="unit",
                        outcome="repaired",
                        column="宗地面积",
                        year=y,
                        credit_code=pop.codes[i],
                        field=field,
                        detail=f"面积单位为{unit}",
                    )
                )
            recs.append(rec)
        # A firm's several parcels: code and name merged vertically, then a 小计 row.
        grouped: list[Rec] = []
        k = 0
        while k < len(recs):
            e = k
            while e + 1 < len(recs) and recs[e + 1].firm == recs[k].firm:
                e += 1
            top = first + len(grouped)
            grouped.extend(recs[k : e + 1])
            if e > k:
                for col in (2, 3):
                    sheet.merges.append((top, col, top + e - k, col))
                for r in recs[k + 1 : e + 1]:
                    r.cells[1] = r.cells[2] = None
                mu = sum(p[2] for p in parcels[k : e + 1])
                grouped.append(Rec(["小计", None, None, round(mu, 2), "亩"]))
            k = e + 1
        recs = grouped
        sheet.rows.extend(r.cells for r in recs)
        sheet.rows.append(["合计", None, None, round(sum(p[2] for p in parcels), 2), "亩"])
        sheet.rows.append([NOTE])
        emit(ctx, recs, path.name, sheet.name, first)
        write_xlsx(path, [sheet])
