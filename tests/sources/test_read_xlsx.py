"""Workbooks as departments send them: titles, merged headers, totals, notes, several sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sources_builders import bad_check, workbook_bytes

from fenghuang.errors import SourceError
from fenghuang.sources import SourceBatch, read_source


def _parcels(batch: SourceBatch) -> list[tuple[object, ...]]:
    """(credit code, parcel, area, tenure) of each row of a land batch."""
    return [
        (r["credit_code"], r["parcel_id"], r["area"], r["tenure"]) for r in batch.rows.to_pylist()
    ]


def _stats_sheet(codes: list[str]) -> list[list[object]]:
    return [
        ["2023年萍乡市规模以上工业企业主要经济指标"],
        [None, None, None, None, None, None, None, "单位：万元"],
        [
            "序号",
            "统一社会信用代码",
            "企业名称",
            "营业收入",
            None,
            "工业增加值",
            None,
            "从业人员平均人数（人）",
        ],
        [None, None, None, "本年", "上年", "本年", "上年", None],
        [1, codes[0], "安源陶瓷有限公司", 1234.5, 1000, "１，２００", 900, 120],
        [2, codes[1], "芦溪电瓷有限公司", 100, 90, 50, 40, 30.0],
        [None, "小计", None, 1334.5, 1090, 1250, 940, 150],
        [3, bad_check(codes[2]), "上栗烟花有限公司", 10, 9, 5, 4, 3],
        [None, "合 计", None, 1344.5, 1099, 1255, 944, 153],
        [],
        ["注：1. 本表由统计局提供。"],
        ["填报单位：萍乡市统计局", None, None, "制表人：张三"],
    ]


def test_title_unit_line_merged_two_row_header_totals_and_notes(
    tmp_path: Path, codes: list[str]
) -> None:
    path = tmp_path / "规上企业.xlsx"
    path.write_bytes(
        workbook_bytes({"2023年": _stats_sheet(codes)}, {"2023年": ["D3:E3", "F3:G3", "A3:A4"]})
    )
    batch = read_source(path)
    assert (batch.department, batch.kind, batch.format) == ("stats", "annual", "xlsx")
    rows = batch.rows.to_pylist()
    assert [r["_row"] for r in rows] == [5, 6]
    assert rows[0]["revenue"] == 12_345_000.0 and rows[0]["value_added"] == 12_000_000.0
    assert rows[1]["employees"] == 30.0
    assert all(r["year"] == 2023 and r["_sheet"] == "2023年" for r in rows)
    assert batch.units == {"revenue": "万元", "value_added": "万元", "employees": "人"}
    assert set(batch.ignored_columns) == {"序号", "营业收入|上年", "工业增加值|上年"}
    (rej,) = batch.rejects.to_pylist()
    assert (rej["sheet"], rej["row"], rej["column"], rej["code"]) == (
        "2023年",
        8,
        "统一社会信用代码",
        "E-ROW-CREDIT-CODE-CHECK",
    )
    assert batch.skipped_rows == 5  # 小计, 合计, blank, two note lines


def test_unit_in_second_header_row(tmp_path: Path, codes: list[str]) -> None:
    sheet = [
        ["信用代码", "企业名称", "年度", "综合能耗", "用水量", "用气量"],
        [None, None, None, "万吨标准煤", "万立方米", "立方米"],
        [codes[0], "甲", 2023, 1.5, 2, 300],
    ]
    batch = read_source(workbook_bytes({"能耗": sheet}))
    assert batch.department == "energy"
    (row,) = batch.rows.to_pylist()
    assert (row["energy_tce"], row["water_m3"], row["gas_m3"]) == (15000.0, 20000.0, 300.0)
    assert batch.units == {"energy_tce": "万吨标准煤", "water_m3": "万立方米", "gas_m3": "立方米"}


def test_monthly_sheets_named_by_month(tmp_path: Path, codes: list[str]) -> None:
    sheets = {
        f"{m}月": [
            [f"2023年{m}月工业用电量统计表"],
            ["用户名称", "统一社会信用代码", "用电量(千瓦时)"],
            ["甲公司", codes[0], 1000 * m],
            ["乙公司", codes[1], 2000 * m],
            ["合计", None, 3000 * m],
        ]
        for m in (1, 2, 3)
    }
    sheets["说明"] = [["本文件由供电公司提供"]]
    batch = read_source(workbook_bytes(sheets), "power")
    assert batch.n_rows == 6
    assert sorted(set(batch.rows.column("month").to_pylist())) == [1, 2, 3]
    assert set(batch.rows.column("_sheet").to_pylist()) == {"1月", "2月", "3月"}
    assert batch.rows.column("_row").to_pylist() == [3, 4] * 3
    assert sum(batch.rows.column("electricity_kwh").to_pylist()) == 3000 * 6


def test_same_row_on_two_sheets_is_a_duplicate(codes: list[str]) -> None:
    sheet = [["信用代码", "企业名称", "年度", "研发经费支出（万元）"], [codes[0], "甲", 2023, 10]]
    batch = read_source(workbook_bytes({"A": sheet, "B": sheet}))
    assert batch.department == "science" and batch.n_rows == 1
    (rej,) = batch.rejects.to_pylist()
    assert (rej["sheet"], rej["row"], rej["code"]) == ("B", 2, "E-ROW-DUPLICATE")


def test_excel_dates_and_registry(codes: list[str]) -> None:
    sheet = [
        [
            "统一社会信用代码",
            "企业名称",
            "曾用名",
            "行业代码",
            "区县",
            "所属园区",
            "是否规上",
            "成立日期",
            "经营状态",
            "上市企业",
        ],
        [
            codes[0],
            "安源陶瓷有限公司",
            "萍乡安源瓷厂",
            "3071",
            "安源区",
            "安源工业园",
            "是",
            dt.datetime(2005, 3, 1),
            "存续",
            "否",
        ],
        [
            codes[1],
            "芦溪电瓷有限公司",
            None,
            "3824",
            "芦溪县",
            None,
            "否",
            "2010年5月6日",
            "在业",
            None,
        ],
        [
            codes[2],
            "上栗烟花有限公司",
            None,
            "2672",
            "上栗县",
            None,
            "可能",
            "2012-13-01",
            "在业",
            None,
        ],
        [None, "湘东化工有限公司", None, "2614", "湘东区", None, "是", "2001-01-01", "在业", None],
    ]
    batch = read_source(workbook_bytes({"企业名录": sheet}))
    assert (batch.department, batch.kind) == ("registry", "firm")
    rows = batch.rows.to_pylist()
    assert len(rows) == 2
    assert rows[0]["founded"] == dt.date(2005, 3, 1) and rows[1]["founded"] == dt.date(2010, 5, 6)
    assert rows[0]["above_scale"] is True and rows[1]["above_scale"] is False
    assert rows[0]["listed"] is False and rows[1]["listed"] is None
    assert rows[0]["former_names"] == "萍乡安源瓷厂"
    got = {(r["row"], r["code"]) for r in batch.rejects.to_pylist()}
    assert got == {(4, "E-ROW-VALUE"), (4, "E-ROW-DATE"), (5, "E-ROW-MISSING")}


def test_corrupt_workbook(tmp_path: Path) -> None:
    good = workbook_bytes({"S": [["信用代码", "企业名称"]]})
    path = tmp_path / "bad.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert info.value.code == "E-SOURCE-FORMAT" and info.value.context["file"] == "bad.xlsx"


def test_unreadable_xls_is_refused_with_a_hint(tmp_path: Path) -> None:
    """An OLE2 file calamine cannot read (a damaged .xls, or an encrypted xlsx)."""
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert info.value.code == "E-SOURCE-FORMAT" and ".xlsx" in info.value.zh


def _far_value_workbook(codes: list[str]) -> bytes:
    """A land workbook with one more value in cell XFD1048576 (Excel's last cell)."""
    import io
    import zipfile

    good = workbook_bytes(
        {"用地": [["宗地编号", "统一社会信用代码", "面积", "权属"], ["P1", codes[0], 10, "自有"]]}
    )
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.namelist():
            xml = src.read(item)
            if item.startswith("xl/worksheets/"):
                far = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
                xml = xml.replace(b"</sheetData>", far)
            dst.writestr(item, xml)
    return out.getvalue()


def test_a_value_far_out_is_refused_and_the_process_lives_on(
    tmp_path: Path, codes: list[str]
) -> None:
    """Calamine builds a dense range from the first to the last value: one in XFD1048576
    asks for 17 billion cells (550 GB), and its Rust code aborts the process when the
    allocation fails. It runs in a process of its own, so this one gets a clean error."""
    path = tmp_path / "用地.xlsx"
    path.write_bytes(_far_value_workbook(codes))
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert info.value.code == "E-SOURCE-FORMAT" and "XFD1048576" in info.value.zh
    assert "另存为 CSV" in info.value.zh and "save it as CSV" in info.value.en
    assert info.value.context["file"] == "用地.xlsx"
    assert read_source(Path(__file__).parent / "data" / "land_excel97.xls").n_rows == 3


@pytest.mark.parametrize("pos", [1900, 1904, 2114])
def test_a_corrupt_xls_that_made_calamine_abort_is_refused(pos: int) -> None:
    """Found by test_fuzz.test_mutated_xls: these bytes made calamine allocate 33 GB and
    abort (SIGABRT), which ended the test worker; now a clean E-SOURCE-FORMAT."""
    import io

    data = (Path(__file__).parent / "data" / "land_excel97.xls").read_bytes()
    patch = b"\xff\xff\xff\x7f"
    buf = io.BytesIO(data[:pos] + patch + data[pos + len(patch) :])
    buf.name = "x.xls"
    with pytest.raises(SourceError) as info:
        read_source(buf)
    assert info.value.code == "E-SOURCE-FORMAT"


def test_wide_monthly_layout_with_merged_parent(codes: list[str]) -> None:
    sheet = [
        ["2023年工业用户分月用电量"],
        ["户名", "统一社会信用代码", "用电量（万千瓦时）", None, None, "全年合计"],
        [None, None, "1月", "2月", "3月", None],
        ["甲公司", codes[0], 1.5, 2, None, 3.5],
        ["乙公司", codes[1], "—", "x", 1, 1],
    ]
    batch = read_source(workbook_bytes({"用电": sheet}, {"用电": ["C2:E2"]}))
    assert (batch.department, batch.kind) == ("power", "monthly")
    got = sorted(
        (r["credit_code"], r["month"], r["electricity_kwh"], r["_row"])
        for r in batch.rows.to_pylist()
    )
    assert got == [(codes[0], 1, 15000.0, 4), (codes[0], 2, 20000.0, 4), (codes[1], 3, 10000.0, 5)]
    assert set(batch.rows.column("year").to_pylist()) == {2023}
    (rej,) = batch.rejects.to_pylist()
    assert (rej["row"], rej["column"], rej["code"]) == (5, "用电量（万千瓦时）|2月", "E-ROW-NUMBER")


def test_wide_monthly_layout_single_row(tmp_path: Path, codes: list[str]) -> None:
    sheet = [
        ["纳税人识别号", "纳税人名称", "2023年1月", "2023年2月", "2023年12月"],
        [codes[0], "甲", 10, 20, 30],
    ]
    batch = read_source(workbook_bytes({"税收": sheet}))
    assert batch.department == "tax"
    got = [(r["year"], r["month"], r["tax_paid"]) for r in batch.rows.to_pylist()]
    assert sorted(got) == [(2023, 1, 10.0), (2023, 2, 20.0), (2023, 12, 30.0)]


def test_vertically_merged_firm_over_parcels(codes: list[str]) -> None:
    sheet = [
        ["企业用地情况表"],
        ["统一社会信用代码", "企业名称", "宗地编号", "面积（亩）", "权属"],
        [codes[0], "甲公司", "P1", 10, "出让"],
        [None, None, "P2", 5, "租赁"],
        [None, None, "P3", 2, "在建"],
        [codes[1], "乙公司", "P4", 7, "自有"],
    ]
    batch = read_source(workbook_bytes({"用地": sheet}, {"用地": ["A3:A5", "B3:B5", "A1:E1"]}))
    assert batch.department == "land" and batch.rejects.num_rows == 0
    assert _parcels(batch) == [
        (codes[0], "P1", 10.0, "own"),
        (codes[0], "P2", 5.0, "leased"),
        (codes[0], "P3", 2.0, "construction"),
        (codes[1], "P4", 7.0, "own"),
    ]


@pytest.mark.parametrize("piece", [7, 64, 1 << 20])
def test_merged_cells_and_error_cells(
    codes: list[str], monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    """Merged ranges are filled on every sheet; an error cell (which calamine reads as
    blank) keeps its text, read from the sheet's XML in pieces whatever the pieces cut,
    so a formula error in a value column is rejected with its reason."""
    from fenghuang.sources import _workbook

    monkeypatch.setattr(_workbook, "XML_PIECE", piece)
    land = [
        ["统一社会信用代码", "企业名称", "宗地编号", "面积（亩）", "权属"],
        [codes[0], "甲公司", "P1", 10, "出让"],
        [None, None, "P2", "#DIV/0!", "租赁"],
        [codes[1], "乙公司", "P4", "#N/A", "自有"],
    ]
    merges = {"用地": ["A2:A3", "B2:B3"], "备注": ["A1:C1"]}
    data = workbook_bytes({"用地": land, "备注": [["说明", None, None]]}, merges)
    grids = _workbook.read_xlsx_grids(data, "用地.xlsx")
    assert [g.sheet for g in grids] == ["用地", "备注"]
    assert grids[0].rows[2] == [codes[0], "甲公司", "P2", "#DIV/0!", "租赁"]
    assert grids[0].rows[3][3] == "#N/A"
    assert grids[1].rows[0] == ["说明", "说明", "说明"]
    batch = read_source(data)
    assert [r["parcel_id"] for r in batch.rows.to_pylist()] == ["P1"]
    got = {(r["row"], r["column"], r["code"], r["raw_value"]) for r in batch.rejects.to_pylist()}
    assert got == {
        (3, "面积（亩）", "E-ROW-NUMBER", "#DIV/0!"),
        (4, "面积（亩）", "E-ROW-MISSING", "#N/A"),  # read as "not available"
    }


#: Number formats a department's workbook may carry: dates (Chinese ones too), times,
#: durations, percentages, currency, text, custom suffixes.
_NUMBER_FORMATS = [
    "General", "0", "0.00", "#,##0", "0%", "0.00%", "0.00E+00", "m/d/yy", "d-mmm-yy",
    "h:mm", "h:mm:ss", "m/d/yy h:mm", "yyyy-mm-dd", "yyyy/m/d", 'yyyy"年"m"月"d"日"',
    'yyyy"年"m"月"', 'm"月"d"日"', '[$-804]yyyy"年"m"月"d"日"', "yyyy年m月d日", "@",
    "[h]:mm:ss", "mm:ss", "0.0_ ", "¥#,##0.00", "[Red]0.00", "yyyymmdd",
    '[DBNum1][$-804]yyyy"年"m"月"d"日"', '"第"0"季度"', '0"万元"',
]  # fmt: skip


def test_cell_values_match_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader gives the cell values openpyxl gives (its reader before calamine), as
    text: numbers under each number format, dates, booleans, errors, blanks, big and
    small numbers, text with spaces. A sheet calamine cannot convert in full (a huge
    number under a duration format) is read by openpyxl, that cell as an error."""
    import io

    import openpyxl

    from fenghuang.sources import _workbook
    from fenghuang.sources._grid import cell_text

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "格式"
    # Not a negative number under a date format: Excel shows it as ####, openpyxl as a
    # day before 1900, calamine as midnight; neither is a date.
    values = [45000, 45000.5, 0.25, 1.5, 36526, 1e-7, 2958465]
    for i, fmt in enumerate(_NUMBER_FORMATS, start=1):
        for j, v in enumerate(values, start=1):
            ws.cell(row=i, column=j, value=v).number_format = fmt
    last = [dt.datetime(2023, 5, 6, 7, 8, 9), dt.date(2023, 5, 6), True, False, "#REF!"]
    ws.append([*last, None, "  含空格 ", "=1/0", 12345678901234567, -7, -0.5])
    ws.append([])
    ws.append([None, None, "末行"])
    odd = wb.create_sheet("超大")
    odd.append(["代码", "时长"])
    odd.append(["a", 12345678901234567])
    odd.append(["b", 1.5])
    odd["B2"].number_format = odd["B3"].number_format = "[h]:mm:ss"
    inset = wb.create_sheet("偏移")  # a table that starts at C3, as many hand-made sheets do
    inset["C3"], inset["D3"], inset["E3"] = "代码", "名称", "数值"
    inset["C4"], inset["E4"], inset["D6"] = "a", 1.5, "末"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()

    def texts(rows: list[list[object]]) -> list[list[str | None]]:
        out = []
        for row in rows:
            t = [cell_text(v) for v in row]
            while t and t[-1] is None:
                t.pop()
            out.append(t)
        return out

    ref = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    expected = [
        texts([list(r) for r in ref[n].iter_rows(values_only=True)])
        for n in ("格式", "超大", "偏移")
    ]
    by_openpyxl = []
    real = _workbook._openpyxl_rows

    def spy(data: bytes, sheet: str) -> list[list[object]]:
        by_openpyxl.append(sheet)
        return real(data, sheet)

    monkeypatch.setattr(_workbook, "_openpyxl_rows", spy)
    grids = _workbook.read_xlsx_grids(data, "formats.xlsx")
    assert [texts(g.rows) for g in grids] == expected
    assert by_openpyxl == ["超大"]
    assert grids[0].numbers == list(range(1, len(expected[0]) + 1))
    assert expected[0][0][:2] == ["45000", "45000.5"]
    assert expected[0][7][:2] == ["2023-03-15", "2023-03-15 12:00:00"]  # m/d/yy
    assert expected[1] == [["代码", "时长"], ["a", "#VALUE!"], ["b", "1 day, 12:00:00"]]
    assert expected[2] == [
        [],
        [],
        [None, None, "代码", "名称", "数值"],
        [None, None, "a", None, "1.5"],
        [],
        [None, None, None, "末"],
    ]


def test_excel_97_workbook(codes: list[str]) -> None:
    """An Excel 97-2003 file (.xls, BIFF8; tests/sources/data/land_excel97.xls, written
    with xlwt 1.3.0): merged title and firm cells, a Chinese date format, a 合计 row, a
    hidden sheet. Before calamine it was refused ("save it as .xlsx")."""
    path = Path(__file__).parent / "data" / "land_excel97.xls"
    batch = read_source(path)
    assert (batch.department, batch.format) == ("land", "xls")
    assert _parcels(batch) == [
        (codes[0], "P1", 10.5, "own"),
        (codes[0], "P2", 5.0, "leased"),
        (codes[1], "P4", 7.25, "own"),
    ]
    assert batch.rejects.num_rows == 0


def test_a_hidden_sheet_is_not_read(codes: list[str]) -> None:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "税收"
    wb.active.append(["纳税人识别号", "纳税人名称", "2023年1月"])
    wb.active.append([codes[0], "甲", 10])
    hidden = wb.create_sheet("草稿")
    hidden.append(["纳税人识别号", "纳税人名称", "2023年1月"])
    hidden.append([codes[1], "乙", 99])
    hidden.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    batch = read_source(buf.getvalue())
    assert batch.rows.column("credit_code").to_pylist() == [codes[0]]
