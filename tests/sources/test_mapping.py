from __future__ import annotations

from pathlib import Path

import pytest
from sources_builders import valid_code, write_csv

from fenghuang.errors import MethodError
from fenghuang.facts import DEPARTMENTS
from fenghuang.sources import load_all_mappings, load_mapping, read_source


def test_every_department_has_a_valid_mapping() -> None:
    maps = load_all_mappings()
    assert set(maps) == set(DEPARTMENTS)
    assert {m.kind for m in maps.values()} == {"monthly", "annual", "parcel", "firm"}


@pytest.mark.parametrize(
    "header",
    ["统一社会信用代码", "信用代码", "社会信用代码", "纳税人识别号", "税号", " 信用 代码 "],
)
def test_credit_code_synonyms(header: str) -> None:
    assert load_mapping("tax").field_for_header(header) == "credit_code"


def test_bad_mapping_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "city_tax.toml"
    path.write_text(
        'department = "tax"\nkind = "monthly"\nkey = ["credit_code"]\n\n'
        '[fields.credit_code]\nheaders = ["税号"]\nquantity = "code"\n\n'
        '[fields.tax_paid]\nheaders = ["税金"]\nquantity = "money"\nunits = ["美元"]\n\n'
        '[fields.colour]\nheaders = ["颜色"]\nquantity = "text"\nsurprise = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(MethodError) as info:
        load_mapping(path)
    text = str(info.value)
    assert info.value.code == "E-SOURCE-MAPPING"
    assert f"{path}:12" in text and "美元" in text  # units line of tax_paid
    assert "fields.colour.surprise" in text


def test_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text("department = ", encoding="utf-8")
    with pytest.raises(MethodError):
        load_mapping(path)


def test_a_city_mapping_edit_reads_a_new_header(tmp_path: Path) -> None:
    text = (
        Path(load_mapping.__code__.co_filename)
        .parent.joinpath("mappings", "tax.toml")
        .read_text(encoding="utf-8")
    )
    text = text.replace('"实缴税金", ', '"实缴税金", "本月入库数", ', 1)
    mpath = tmp_path / "yumen_tax.toml"
    mpath.write_text(text, encoding="utf-8")
    rows = [["税号", "所属期", "本月入库数(万元)"], [valid_code(1), "2023-01", "2"]]
    csv = write_csv(tmp_path / "t.csv", rows)
    with pytest.raises(Exception):  # noqa: B017 - built-in mapping has no such header
        read_source(csv, "tax")
    batch = read_source(csv, mapping=mpath)
    assert batch.rows.column("tax_paid").to_pylist() == [20000.0]
