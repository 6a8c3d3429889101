"""GB/T 4754-2017 divisions: the names shown with industry codes."""

from __future__ import annotations

import csv
import io
from importlib import resources

from hypothesis import given
from hypothesis import strategies as st

from fenghuang.industries import division, division_label, division_name, industry_label


def test_a_code_is_shown_with_its_divisions_name():
    assert division("C3073") == division("3073") == "30"
    assert industry_label("3073") == "3073 非金属矿物制品业"
    assert industry_label("C3073") == "C3073 非金属矿物制品业"
    assert industry_label("0610", "en") == "0610 Mining and washing of coal"
    assert division_label("3829") == "38 电气机械和器材制造业"
    assert division_label("2672") == "26 化学原料和化学制品制造业"  # 焰火、鞭炮产品制造
    assert division_label("4610", "en") == "46 Production and supply of water"


def test_codes_outside_the_table_or_missing():
    assert industry_label("5111") == "5111"  # 批发业 is not an industrial division
    assert division_label("5111") == "51"
    assert industry_label(None) == industry_label("  ") == "未填报"
    assert division_label("") == "未填报" and division_label(None, "en") == "not given"
    assert division("３０７３") is None  # full-width digits are cleaned by the readers, not here
    assert division_name("9") is None


def test_the_table_is_the_41_industrial_divisions():
    text = resources.files("fenghuang").joinpath("data/gbt4754_2017_divisions.csv")
    rows = list(csv.DictReader(io.StringIO(text.read_text("utf-8"))))
    assert [r["division"] for r in rows] == [f"{d:02d}" for d in range(6, 47)]
    for r in rows:
        d = int(r["division"])
        assert r["section"] == ("B" if d <= 12 else "C" if d <= 43 else "D")
        assert r["zh"] and r["en"] and r["zh"].endswith(("业", "活动"))


@given(st.text(max_size=12))
def test_any_text_gets_a_label(code):
    assert isinstance(industry_label(code), str) and isinstance(division_label(code), str)
    div = division(code)
    assert div is None or (len(div) == 2 and div.isdigit())
