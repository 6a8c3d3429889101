"""CSV files in the encodings departments use, with the faults they contain."""

from __future__ import annotations

from pathlib import Path

import pytest
from sources_builders import bad_check, write_csv

from fenghuang.errors import SourceError
from fenghuang.sources import read_source


def _tax_rows(codes: list[str]) -> list[list[object]]:
    return [
        ["纳税人识别号", "纳税人名称", "税款所属期", "实缴税额（万元）", "退税额(元)", "社保费"],
        [codes[0], "萍乡安源陶瓷有限公司", "2023年01月", "1,234.5", "0", "12000"],
        [codes[1], "芦溪电瓷有限责任公司", "202302", "１２．５", "-", "3000"],
    ]


@pytest.mark.parametrize(
    ("name", "title", "synthetic"),
    [
        ("税务.csv", None, False),
        ("税务.csv", "萍乡市2023年分月税收入库明细（模拟数据）", True),
        ("模拟数据_税务.csv", None, True),
        ("税务.csv", "萍乡市2023年分月税收入库明细", False),
    ],
)
def test_a_file_says_it_is_synthetic_in_its_title_or_name(
    tmp_path: Path, codes: list[str], name: str, title: str | None, synthetic: bool
) -> None:
    rows = ([[title]] if title else []) + _tax_rows(codes)
    batch = read_source(write_csv(tmp_path / name, rows))
    assert batch.synthetic is synthetic and batch.n_rows == 2
    # 模拟数据 in a data cell (a firm's name) says nothing of the file
    rows = [*_tax_rows(codes), [codes[0], "模拟数据有限公司", "2023年03月", "1", "0", "0"]]
    assert read_source(write_csv(tmp_path / "税务.csv", rows)).synthetic is False


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_encodings(tmp_path: Path, codes: list[str], encoding: str) -> None:
    path = write_csv(tmp_path / "税务.csv", _tax_rows(codes), encoding=encoding)
    batch = read_source(path)
    assert batch.department == "tax" and batch.kind == "monthly"
    # GB18030 is a superset of GBK: text within GBK is reported as GBK
    assert batch.encoding == {"gb18030": "gbk"}.get(encoding, encoding)
    assert batch.rows.column("name").to_pylist() == ["萍乡安源陶瓷有限公司", "芦溪电瓷有限责任公司"]
    assert batch.rows.column("tax_paid").to_pylist() == [12_345_000.0, 125_000.0]
    assert batch.rows.column("year").to_pylist() == [2023, 2023]
    assert batch.rows.column("month").to_pylist() == [1, 2]
    assert batch.rows.column("_row").to_pylist() == [2, 3]
    assert batch.units == {"tax_paid": "万元", "tax_refund": "元", "social_insurance": "元"}
    assert batch.rejects.num_rows == 0


def test_gb18030_only_characters(tmp_path: Path, codes: list[str]) -> None:
    rows = _tax_rows(codes)
    rows[1][1] = "萍乡𠀾陶瓷有限公司"  # CJK extension B: not in GBK
    with pytest.raises(UnicodeEncodeError):
        "𠀾".encode("gbk")
    batch = read_source(write_csv(tmp_path / "t.csv", rows, encoding="gb18030"))
    assert batch.encoding == "gb18030"
    assert batch.rows.column("name")[0].as_py() == "萍乡𠀾陶瓷有限公司"


def test_tab_separated_and_hash(tmp_path: Path, codes: list[str]) -> None:
    import hashlib

    path = write_csv(tmp_path / "t.tsv", _tax_rows(codes), sep="\t")
    batch = read_source(path, "tax")
    assert batch.n_rows == 2
    assert batch.file_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert batch.file_name == "t.tsv"


def test_unit_column(tmp_path: Path, codes: list[str]) -> None:
    rows = [
        ["户号", "用户名称", "统一社会信用代码", "抄表年月", "用电量", "单位"],
        ["001", "安源陶瓷有限公司", codes[0], "2023-01", "12.5", "万千瓦时"],
        ["002", "芦溪电瓷有限公司", codes[1], "2023-01", "80000", "千瓦时"],
        ["003", "上栗烟花有限公司", codes[2], "2023-01", "3", "桶"],
    ]
    batch = read_source(write_csv(tmp_path / "电力.csv", rows))
    assert batch.department == "power"
    assert batch.rows.column("electricity_kwh").to_pylist() == [125_000.0, 80_000.0]
    assert batch.units["electricity_kwh"] == "万千瓦时;千瓦时"
    (rej,) = batch.rejects.to_pylist()
    assert (rej["row"], rej["column"], rej["code"], rej["raw_value"]) == (
        4,
        "单位",
        "E-ROW-UNIT",
        "桶",
    )
    assert "户号" in batch.ignored_columns


def test_each_row_error_names_its_place(tmp_path: Path, codes: list[str]) -> None:
    rows = [
        ["统一社会信用代码", "企业名称", "所属期", "实缴税金(元)"],
        [codes[0], "甲公司", "2023-01", "100"],  # 2: fine
        [bad_check(codes[1]), "乙公司", "2023-01", "100"],  # 3: check character
        ["9136030012345", "丙公司", "2023-01", "100"],  # 4: format
        [codes[3], "丁公司", "2023-01", "一百"],  # 5: number
        [codes[4], "戊公司", "2023-01", "-5"],  # 6: negative
        [codes[5], "己公司", "2023-13", "5"],  # 7: date
        ["", "", "2023-01", "5"],  # 8: neither code nor name
        [codes[0], "甲公司", "2023-01", "100"],  # 9: duplicate of 2
        [codes[6], "庚公司", "2023-02", "7"],  # 10: conflict with 11
        [codes[6], "庚公司", "2023-02", "8"],  # 11
        [codes[7], "辛公司", "2023-02", "1e12"],  # 12: absurd
        ["", "壬公司", "2023-02", "9"],  # 13: name only is fine
    ]
    batch = read_source(write_csv(tmp_path / "tax.csv", rows))
    got = {(r["row"], r["column"], r["code"]) for r in batch.rejects.to_pylist()}
    assert got == {
        (3, "统一社会信用代码", "E-ROW-CREDIT-CODE-CHECK"),
        (4, "统一社会信用代码", "E-ROW-CREDIT-CODE-FORMAT"),
        (5, "实缴税金(元)", "E-ROW-NUMBER"),
        (6, "实缴税金(元)", "E-ROW-NEGATIVE"),
        (7, "所属期", "E-ROW-DATE"),
        (8, "统一社会信用代码", "E-ROW-MISSING"),
        (9, "统一社会信用代码", "E-ROW-DUPLICATE"),
        (10, "统一社会信用代码", "E-ROW-CONFLICT"),
        (11, "统一社会信用代码", "E-ROW-CONFLICT"),
        (12, "实缴税金(元)", "E-ROW-ABSURD"),
    }
    assert batch.rows.column("_row").to_pylist() == [2, 13]
    assert batch.rows.column("credit_code").to_pylist() == [codes[0], None]
    by_row = {r["row"]: r for r in batch.rejects.to_pylist()}
    assert by_row[3]["reason_zh"].startswith("统一社会信用代码校验位错误")
    assert "check character" in by_row[3]["reason_en"]
    assert by_row[5]["raw_value"] == "一百"
    assert by_row[9]["reason_zh"].endswith("与第 2 行相同")
    assert all(r["file"] == "tax.csv" and r["sheet"] == "" for r in batch.rejects.to_pylist())


def test_unknown_header_unit_rejects_its_values(tmp_path: Path, codes: list[str]) -> None:
    rows = [
        ["信用代码", "企业名称", "所属期", "实缴税额（美元）"],
        [codes[0], "甲", "2023-01", "5"],
    ]
    batch = read_source(write_csv(tmp_path / "t.csv", rows))
    (rej,) = batch.rejects.to_pylist()
    assert rej["code"] == "E-ROW-UNIT" and "美元" in rej["reason_zh"] and rej["row"] == 2
    assert batch.n_rows == 0


def test_year_and_month_columns_and_file_name_hint(tmp_path: Path, codes: list[str]) -> None:
    rows = [
        ["信用代码", "企业名称", "月份", "实缴税金"],
        [codes[0], "甲", "3月", "5"],
        [codes[1], "乙", "十二月", "6"],
    ]
    batch = read_source(write_csv(tmp_path / "2024年税收.csv", rows))
    assert batch.rows.column("year").to_pylist() == [2024, 2024]
    assert batch.rows.column("month").to_pylist() == [3, 12]


def test_missing_required_column_is_a_header_error(tmp_path: Path, codes: list[str]) -> None:
    rows = [["信用代码", "企业名称", "实缴税金"], [codes[0], "甲", "5"]]
    with pytest.raises(SourceError) as info:
        read_source(write_csv(tmp_path / "t.csv", rows))
    assert info.value.code == "E-SOURCE-HEADER"
    assert "所属期" in info.value.zh and info.value.context["file"] == "t.csv"


def test_no_header(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        read_source(write_csv(tmp_path / "t.csv", [["a", "b"], ["1", "2"]]))
    assert info.value.code == "E-SOURCE-HEADER"
    assert "统一社会信用代码" in info.value.zh  # lists what was expected
    assert "expected 统一社会信用代码" in str(info.value) and "税务局：实缴税金" in info.value.zh


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(SourceError) as info:
        read_source(tmp_path / "e.csv")
    assert info.value.code == "E-SOURCE-EMPTY"


def test_header_only_is_empty(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [["信用代码", "企业名称", "所属期", "实缴税金"]])
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert info.value.code == "E-SOURCE-EMPTY"


def test_unknown_department(tmp_path: Path, codes: list[str]) -> None:
    path = write_csv(tmp_path / "t.csv", _tax_rows(codes))
    with pytest.raises(SourceError) as info:
        read_source(path, "police")
    assert info.value.code == "E-SOURCE-MAPPING"


def test_a_file_that_cannot_be_opened_says_why(tmp_path: Path) -> None:
    from fenghuang.warehouse import Store, import_files

    (tmp_path / "文件夹.csv").mkdir()
    for name, why in (("不存在.csv", "文件不存在"), ("文件夹.csv", "这是一个文件夹")):
        with pytest.raises(SourceError) as info:
            read_source(tmp_path / name)
        assert info.value.code == "E-SOURCE-OPEN" and why in info.value.zh
        assert info.value.context["file"] == str(tmp_path / name)
        with Store(tmp_path / "fh.duckdb") as store, pytest.raises(SourceError) as info:
            import_files(store, [tmp_path / name])  # the fast path's probe first
        assert info.value.code == "E-SOURCE-OPEN"


def test_bad_encoding_message() -> None:
    data = "统一社会信用代码,企业名称\n".encode("utf-16-le")  # no BOM
    with pytest.raises(SourceError) as info:
        read_source(data)
    assert info.value.code in {"E-SOURCE-ENCODING", "E-SOURCE-HEADER", "E-SOURCE-FORMAT"}
    assert "[E-SOURCE-" in str(info.value)


def test_tax_items_slash_headers_and_ranges(tmp_path: Path, codes: list[str]) -> None:
    rows = [
        [
            "纳税人识别号/统一社会信用代码",
            "纳税人名称",
            "征收项目",
            "税款所属期",
            "实缴\n税额（元）",
        ],
        [codes[0], "甲", "增值税", "2023-01-01至2023-01-31", "100"],
        [codes[0], "甲", "企业所得税", "2023-01-01至2023-01-31", "50"],
        [codes[0], "甲", "企业所得税", "2023-01-01至2023-01-31", "60"],  # conflicts with row 3
    ]
    batch = read_source(write_csv(tmp_path / "t.csv", rows))
    assert batch.rows.column_names[:5] == ["credit_code", "name", "year", "month", "item"]
    out = batch.rows.to_pylist()
    assert [(r["item"], r["month"], r["tax_paid"]) for r in out] == [("增值税", 1, 100.0)]
    # the header spans lines 1–2 (a line break inside a quoted cell): data starts on line 3
    assert out[0]["_row"] == 3
    assert {(r["row"], r["code"]) for r in batch.rejects.to_pylist()} == {
        (4, "E-ROW-CONFLICT"),
        (5, "E-ROW-CONFLICT"),
    }


def test_month_column_carrying_the_year(tmp_path: Path, codes: list[str]) -> None:
    rows = [["信用代码", "企业名称", "月份", "用电量"], [codes[0], "甲", "2023年3月", "10"]]
    (row,) = read_source(write_csv(tmp_path / "p.csv", rows)).rows.to_pylist()
    assert (row["year"], row["month"], row["electricity_kwh"]) == (2023, 3, 10.0)


def test_rejects_print_with_place_and_both_languages(tmp_path: Path, codes: list[str]) -> None:
    from fenghuang.sources import format_rejects

    rows = [
        ["信用代码", "企业名称", "所属期", "实缴税金"],
        [bad_check(codes[0]), "甲", "2023-01", "1"],
        [codes[1], "乙", "2023-01", "x"],
    ]
    batch = read_source(write_csv(tmp_path / "税务局.csv", rows))
    text = format_rejects(batch.rejects)
    first, second = text.splitlines()
    assert first.startswith(
        "[E-ROW-CREDIT-CODE-CHECK] 税务局.csv 第 2 行，列“信用代码”：统一社会信用代码校验位错误"
    )
    assert "row 2, column 信用代码: unified social credit code: wrong check character" in first
    assert second.startswith("[E-ROW-NUMBER] 税务局.csv 第 3 行，列“实缴税金”") and "'x'" in second
    assert format_rejects(batch.rejects, limit=1).endswith("另有 1 条 / 1 more")


#: Every character Python's str.split() takes for whitespace, but the CSV line ends.
_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in "\n\r"]


@pytest.mark.parametrize("space", _SPACES, ids=lambda s: f"U+{ord(s):04X}")
def test_any_whitespace_inside_a_code_is_removed_before_the_code_is_checked(
    tmp_path: Path, codes: list[str], space: str
) -> None:
    # RE2's \s is ASCII only: U+2028, U+0085, U+1680 … stayed inside the stored code, and
    # the check (on the code normalised again in Python) passed it as valid
    c = codes[0]
    rows = [
        ["纳税人识别号", "纳税人名称", "税款所属期", "实缴税额(元)"],
        [c[:8] + space + c[8:], "甲公司", "2023-01", "5"],
        [c + space, "甲公司", "2023-02", "5"],
    ]
    batch = read_source(write_csv(tmp_path / "税务.csv", rows))
    assert batch.rows.column("credit_code").to_pylist() == [c, c]
    assert batch.rejects.num_rows == 0
