"""Import yearbook-style tables (xlsx or csv): city × year × indicator, wide or long.

Four layouts are recognised from the header row(s), with years across the
top or down the side:

* **long** — columns for place (城市/地区/代码), year (年份), indicator (指标),
  value (数值) and optionally unit (单位);
* **wide by indicator** — place, year, then one column per indicator with the
  unit in the header (``地区生产总值（亿元）``);
* **wide by year** — place, indicator (and unit), then one column per year
  (``2021``, ``2022年``);
* **two-level** — years in a (merged) header row above indicator headers.

A table of one place has no place column: the place is the one named in the
sheet name, a title row above the header (``萍乡市主要经济指标``) or the file
name; its years run across the top (``指标 | 2021年 | 2022年``) or down the
side (a 年份 column, or a first column of years under indicator headers).

Every cell is checked like the firm data: an unknown place, year, indicator,
unit or number sends that cell to the quarantine with file, sheet, row,
column and a reason in Chinese and English (codes of
:mod:`fenghuang.sources`); blank cells and dashes are missing, not errors.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from fenghuang.errors import RowError, SourceError
from fenghuang.monitor._catalogue import Catalogue, load_catalogue
from fenghuang.monitor._extract import PENDING, VERIFIED
from fenghuang.monitor._numbers import cn_number, unit_info
from fenghuang.monitor._panel import OBS_SCHEMA, _obs_id
from fenghuang.monitor._periods import find_periods
from fenghuang.monitor._places import PlaceMatcher
from fenghuang.monitor._registry import Registry, load_registry
from fenghuang.sources import (
    REJECT_SCHEMA,
    cell_text,
    read_xlsx_grids,
    row_error,
    source_error,
    split_header,
)

__all__ = ["YearbookImport", "read_yearbook"]

_PLACE = {
    "城市",
    "地区",
    "城市名称",
    "地区名称",
    "市",
    "地市",
    "行政区",
    "行政区划",
    "名称",
    "place",
    "city",
}
_CODE = {"代码", "行政区划代码", "区划代码", "code"}
_YEAR = {"年份", "年", "年度", "统计年度", "时间", "year"}
_IND = {"指标", "指标名称", "项目", "indicator"}
_VALUE = {"数值", "值", "数据", "value"}
_UNIT = {"单位", "计量单位", "unit"}
_YEAR_COL = re.compile(r"^((?:19|20)\d{2})\s*年?$")


def _period_of(raw: str) -> tuple[str, int] | None:
    """A header or cell naming a period: ``2023``, ``2023年``, ``2023年上半年``, ``2024年1-6月``.

    Returns the period label and its year (``("2023H1", 2023)``), or ``None``.
    """
    t = raw.strip().removesuffix(".0").replace(" ", "")
    m = _YEAR_COL.match(t)
    if m:
        return m.group(1), int(m.group(1))
    ps = find_periods(t)
    if len(ps) == 1 and ps[0].year is not None and (ps[0].start, ps[0].end) == (0, len(t)):
        return ps[0].label, ps[0].year
    return None


def _known_unit(unit: str) -> bool:
    return unit_info(unit) is not None


_TOTALS = {"合计", "总计", "小计", "全省", "全国", "全省合计", "总计数"}
_MISSING = {"", "-", "—", "--", "…", "...", "/", "NA", "N/A", "null", "None"}


@dataclass(frozen=True)
class YearbookImport:
    """Observations and quarantined cells of one table file."""

    observations: pa.Table
    rejects: pa.Table

    @property
    def ok(self) -> int:
        return int(self.observations.num_rows)


def _rows(path: Path) -> list[tuple[str, list[list[str]]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise source_error("E-SOURCE-ENCODING", file=path.name)
        return [("", [list(r) for r in csv.reader(io.StringIO(text))])]
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        # the department files' reader: visible sheets, xls too; merges filled below
        out = []
        for grid in read_xlsx_grids(path.read_bytes(), path.name, fill_merged=False):
            rows = [
                ["" if v is None else str(cell_text(v)).strip() for v in row] for row in grid.rows
            ]
            out.append((grid.sheet, _fill_merged(rows, grid.merges)))
        return out
    raise source_error(
        "E-SOURCE-FORMAT",
        file=path.name,
        detail_zh=f"不支持 {suffix}",
        detail_en=f"{suffix} not supported",
    )


def _fill_merged(rows: list[list[str]], ranges: list[tuple[int, int, int, int]]) -> list[list[str]]:
    """Each cell of a merged range gets the range's text (a period, a place, a header).

    ``ranges`` are 1-based ``(min_row, min_col, max_row, max_col)``. A merged
    *number* is left in its first cell only: it is one figure, not several.

    >>> _fill_merged([["城市", "2023年", ""], ["", "地区生产总值", "原煤产量"]],
    ...              [(1, 1, 2, 1), (1, 2, 1, 3)])
    [['城市', '2023年', '2023年'], ['城市', '地区生产总值', '原煤产量']]
    """
    for r0, c0, r1, c1 in ranges:
        if r0 > len(rows):
            continue
        top = rows[r0 - 1][c0 - 1] if c0 - 1 < len(rows[r0 - 1]) else ""
        if not top or (cn_number(top) is not None and _period_of(top) is None):
            continue
        for r in range(r0 - 1, min(r1, len(rows))):
            row = rows[r]
            row.extend([""] * (c1 - len(row)))
            for c in range(c0 - 1, c1):
                row[c] = top
    return rows


def _header(rows: list[list[str]]) -> int | None:
    """The header row: one with a place column; else one of a single place's table.

    A single place's table (its name in the sheet, a title row or the file
    name) has years across (two or more year headers), a year column
    (年份/年度/时间) or, under a header of indicators, years down the first
    column.
    """
    for i, row in enumerate(rows[:20]):
        cells = {c.strip() for c in row if c.strip()}
        if cells & (_PLACE | _CODE) and len(cells) >= 2:
            return i
    for i, row in enumerate(rows[:20]):
        row_cells = [c.strip() for c in row if c.strip()]
        if len(row_cells) < 2:
            continue
        if sum(1 for c in row_cells if _period_of(c)) >= 2 or set(row_cells) & _YEAR:
            return i
        below = rows[i + 1] if i + 1 < len(rows) else []
        if (
            below
            and _period_of(below[0])
            and not _period_of(row[0])
            and not any(cn_number(c) is not None for c in row_cells)
        ):
            return i
    return None


def _year_column(rows: list[list[str]], first: int, skip: set[int]) -> int | None:
    """A column without a year header whose cells are years (years down the side)."""
    data = [r for r in rows[first:] if any(c.strip() for c in r)]
    if len(data) < 1:
        return None
    width = max(len(r) for r in data)
    for j in range(width):
        if j in skip:
            continue
        years = sum(1 for r in data if j < len(r) and _period_of(r[j]))
        if years and years * 2 >= len(data):
            return j
    return None


def _kind(name: str, unit: str, quantity: str) -> str:
    if re.search(r"增长|增速|增幅", name):
        return "growth"
    if re.search(r"比重|占比", name):
        return "share"
    if quantity == "count":
        return "count"
    return "level"


class _Reader:
    def __init__(
        self, path: Path, registry: Registry, catalogue: Catalogue, verified: bool
    ) -> None:
        self.path = path
        self.verified = verified
        self.file = path.name
        self.catalogue = catalogue
        self.places = PlaceMatcher(registry)
        self.rows: list[dict[str, object]] = []
        self.rejects: list[dict[str, object]] = []

    def reject(self, err: RowError, raw: str) -> None:
        c = err.context
        self.rejects.append(
            {
                "file": self.file,
                "sheet": c.get("sheet"),
                "row": c.get("row"),
                "column": c.get("column"),
                "code": err.code,
                "reason_zh": err.zh,
                "reason_en": err.en,
                "raw_value": raw,
                "field": c.get("field"),
            }
        )

    def place(self, name: str, code: str, where: dict[str, Any]) -> tuple[str, str] | None:
        if code and re.fullmatch(r"\d{6}", code):
            p = self.places.codes.get(code)
            if p:
                return code, p.name
        if name:
            ms = [m for m in self.places.mentions(name) if m.code]
            if ms:
                return str(ms[-1].code), ms[-1].name
        self.reject(
            row_error(
                "E-ROW-VALUE",
                detail_zh=f"无法识别的地区 {name or code}",
                detail_en=f"unknown place {name or code}",
                **where,
            ),
            name or code,
        )
        return None

    def cell(
        self,
        place: tuple[str, str],
        year_raw: str,
        ind_raw: str,
        unit_raw: str,
        value_raw: str,
        where: dict[str, Any],
    ) -> None:
        if value_raw.strip() in _MISSING:
            return
        period = _period_of(year_raw)
        if period is None:
            self.reject(row_error("E-ROW-DATE", **where), year_raw)
            return
        # the firm-data units (万元, 万千瓦, 亿立方米) and the monitor's own (天, 万辆, 公里)
        name, unit_in_name = split_header(ind_raw, known=_known_unit)
        code = self.catalogue.match(name)
        if code is None:
            self.reject(
                row_error(
                    "E-ROW-VALUE",
                    detail_zh=f"指标不在指标目录中：{name}",
                    detail_en=f"indicator not in the catalogue: {name}",
                    **where,
                ),
                ind_raw,
            )
            return
        unit = (unit_raw or unit_in_name or self.catalogue[code].unit).strip()
        info = unit_info(unit)
        if info is None:
            self.reject(row_error("E-ROW-UNIT", detail_zh=unit, detail_en=unit, **where), unit)
            return
        value = cn_number(value_raw.strip().replace("，", ","))
        if value is None:
            self.reject(row_error("E-ROW-NUMBER", **where), value_raw)
            return
        quantity, base, factor = info
        kind = _kind(name, unit, quantity)
        self.rows.append(
            {
                "obs_id": _obs_id(
                    self.file, where.get("sheet"), where.get("row"), where.get("column"), code
                ),
                "place_code": place[0],
                "place_name": place[1],
                "period": period[0],
                "year": period[1],
                "indicator": name,
                "indicator_code": code,
                "kind": kind,
                "value": value,
                "value_high": None,
                "qualifier": "",
                "unit": unit,
                "value_norm": value * factor,
                "unit_norm": base,
                "of_whole": "",
                "origin": "yearbook",
                "source": self.file,
                "sheet": where.get("sheet"),
                "row_no": where.get("row"),
                "column_name": where.get("column"),
                "sentence": None,
                "span_start": None,
                "span_end": None,
                "sentence_start": None,
                "sentence_end": None,
                "status": VERIFIED if self.verified else PENDING,
                "label": "",
            }
        )

    def _fixed_place(self, title: str, above: list[list[str]]) -> tuple[str, str]:
        """The one place of a table without a place column (sheet name, title rows, file name).

        Raises
        ------
        SourceError
            ``E-SOURCE-HEADER`` when none of them names a place.
        """
        for text in (title, *(" ".join(r) for r in above), Path(self.file).stem):
            ms = [m for m in self.places.mentions(text) if m.code] if text else []
            if ms:
                return str(ms[-1].code), ms[-1].name
        raise source_error(
            "E-SOURCE-HEADER",
            file=self.file,
            sheet=title or None,
            row=len(above) + 1,
            detail_zh="表中没有“城市/地区”列，工作表名、标题行和文件名也未写明地区",
            detail_en="no place column (城市/地区), and neither the sheet, a title row nor the "
            "file name names a place",
        )

    @staticmethod
    def _two_level(
        rows: list[list[str]], h: int, head: list[str], place_col: int | None
    ) -> tuple[dict[int, tuple[str, str]], int]:
        """Columns of a header of several rows → (period, indicator), and how many rows it has.

        The period may be in any header row, merged across the columns under it
        (``2022年 | 2023年`` above ``地区生产总值（亿元）``, or below it; a title such
        as ``主要指标`` across the top is no indicator); the indicator is the
        lowest other text of the column. The header rows are those under the first
        whose place cell is blank or the same (merged down) and that hold no figure.
        """
        if h + 1 >= len(rows) or place_col is None:
            return {}, 1
        width = len(head)
        band = [head]
        for row in rows[h + 1 : h + 4]:
            row = row + [""] * (width - len(row))
            if row[place_col].strip() not in {"", head[place_col]}:
                break
            if any(
                cn_number(c.strip()) is not None and _period_of(c) is None
                for i, c in enumerate(row)
                if i != place_col and c.strip()
            ):
                break
            band.append(row)
        if len(band) < 2:
            return {}, 1
        filled = [_forward_fill([*r[:place_col], "", *r[place_col + 1 :]]) for r in band]
        out: dict[int, tuple[str, str]] = {}
        for i in range(width):
            if i == place_col:
                continue
            cells = [r[i].strip() for r in filled if i < len(r) and r[i].strip()]
            period = next((c for c in cells if _period_of(c)), None)
            names = [c for c in cells if not _period_of(c)]
            if period is not None and names:
                out[i] = (period, names[-1])
        return (out, len(band)) if len(out) >= 2 else ({}, 1)

    def sheet(self, title: str, rows: list[list[str]]) -> None:
        h = _header(rows)
        if h is None:
            return
        head = [c.strip() for c in rows[h]]
        col = {name: i for i, name in enumerate(head) if name}

        def find(names: set[str]) -> int | None:
            return next((i for n, i in col.items() if n in names or n.lower() in names), None)

        pc, cc, yc, ic, vc, uc = (find(s) for s in (_PLACE, _CODE, _YEAR, _IND, _VALUE, _UNIT))
        year_cols = [(i, n) for n, i in col.items() if _period_of(n)]
        # one place's table: no place column, the place named by the sheet, a title or the file
        fixed = self._fixed_place(title, rows[:h]) if pc is None and cc is None else None
        if fixed is not None and yc is None and not year_cols:
            yc = _year_column(rows, h + 1, {x for x in (ic, vc, uc) if x is not None})
        if fixed is not None and ic is None and year_cols and 0 not in {i for i, _ in year_cols}:
            ic = 0  # 指标 | 2021年 | 2022年 with a blank or other corner cell
        used = {x for x in (pc, cc, yc, ic, vc, uc) if x is not None}
        two_level, n_head = self._two_level(rows, h, head, pc if pc is not None else cc)
        first = h + n_head
        for r, row in enumerate(rows[first:], start=first + 1):
            row = row + [""] * (len(head) - len(row))
            if not any(c.strip() for c in row):
                continue
            base = {"file": self.file, "sheet": title or None, "row": r}
            pname = row[pc] if pc is not None else ""
            pcode = row[cc] if cc is not None else ""
            if pname.strip().replace(" ", "") in _TOTALS:
                continue  # 合计/全省 rows are aggregates, not places of the panel
            place = fixed or self.place(
                pname.strip(),
                pcode.strip(),
                {**base, "column": head[pc if pc is not None else cc or 0]},
            )
            if place is None:
                continue
            if two_level:  # year over indicator, e.g. 2022年 | 2023年 above 地区生产总值（亿元）
                for i, (year, ind) in two_level.items():
                    if i < len(row):
                        self.cell(place, year, ind, "", row[i], {**base, "column": f"{year} {ind}"})
            elif ic is not None and vc is not None and yc is not None:  # long
                self.cell(
                    place,
                    row[yc],
                    row[ic],
                    row[uc] if uc is not None else "",
                    row[vc],
                    {**base, "column": head[vc]},
                )
            elif ic is not None and year_cols:  # wide by year
                for i, n in year_cols:
                    self.cell(
                        place,
                        n,
                        row[ic],
                        row[uc] if uc is not None else "",
                        row[i],
                        {**base, "column": n},
                    )
            elif yc is not None:  # wide by indicator
                for i, n in enumerate(head):
                    if i in used or not n:
                        continue
                    self.cell(place, row[yc], n, "", row[i], {**base, "column": n})
            else:
                raise source_error(
                    "E-SOURCE-HEADER",
                    file=self.file,
                    sheet=title or None,
                    row=h + 1,
                    detail_zh="需要“年份”列或年份表头",
                    detail_en="a year column or year headers is needed",
                )


def _forward_fill(cells: list[str]) -> list[str]:
    out, last = [], ""
    for c in cells:
        last = c.strip() or last
        out.append(last)
    return out


def read_yearbook(
    path: str | Path,
    *,
    registry: Registry | None = None,
    catalogue: Catalogue | None = None,
    verified: bool = False,
) -> YearbookImport:
    """Read a yearbook-style table into observations and a quarantine.

    Parameters
    ----------
    path : str or Path
        ``.xlsx`` (every sheet) or ``.csv``.
    registry, catalogue : optional
        Place registry and indicator catalogue (default: packaged).
    verified : bool
        Mark the figures 已核实 (official statistics) rather than 待核实.

    Raises
    ------
    SourceError
        The file cannot be read or has no recognisable header.
    """
    p = Path(path)
    if not p.exists():
        raise SourceError(
            "E-MONITOR-YEARBOOK-READ", zh="找不到文件", en="file not found", file=str(p)
        )
    reader = _Reader(p, registry or load_registry(), catalogue or load_catalogue(), verified)
    sheets = _rows(p)
    if not any(_header(rows) is not None for _, rows in sheets):
        raise source_error(
            "E-SOURCE-HEADER",
            file=p.name,
            detail_zh="找不到含“城市/地区”列的表头",
            detail_en="no header row with a place column (城市/地区)",
        )
    for title, rows in sheets:
        reader.sheet(title, rows)
    obs = pa.Table.from_pylist(reader.rows, schema=OBS_SCHEMA)
    rej = pa.Table.from_pylist(reader.rejects, schema=REJECT_SCHEMA)
    return YearbookImport(obs, rej)
