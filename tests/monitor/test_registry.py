"""Registry of resource-based cities: counts, codes, merging, completeness."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from fenghuang.errors import RowError, SourceError
from fenghuang.monitor import completeness, load_registry, resolve_place, unresolved_places

# The only name of the packaged lists that does not resolve to a code, and why:
# 杨家杖子开发区 (辽宁, exhausted-city batch 2) is a development zone inside 葫芦岛市连山区
# with no administrative code of its own. Documented in data/aliases.toml.
DOCUMENTED_UNRESOLVED = [("exhausted", "辽宁省", "杨家杖子开发区")]


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_all_prefecture_and_county_level_cities(registry) -> None:
    levels = Counter(c.level for c in registry.cities)
    assert levels["地级行政区"] == 126
    assert levels["县级市"] == 62
    assert len(registry) == 195  # the shared list is partial: 7 of 74 counties/districts


def test_types_within_plan_targets(registry) -> None:
    comp = completeness(registry)
    assert comp.expected == 262
    assert comp.have == 195 and comp.missing == 67
    for typ, (have, expected) in comp.by_type.items():
        assert have <= expected, typ
    assert {k: e for k, (_, e) in comp.by_type.items()} == {
        "成长型": 31,
        "成熟型": 141,
        "衰退型": 67,
        "再生型": 23,
    }
    assert {k: e for k, (_, e) in comp.by_level.items()} == {
        "地级行政区": 126,
        "县级市": 62,
        "县": 58,
        "市辖区": 16,
    }
    assert comp.by_level["县"] == (6, 58) and comp.by_level["市辖区"] == (1, 16)
    text = comp.summary("zh")
    assert "应有 262" in text and "已有 195" in text and "县 6/58" in text
    assert "missing 67" in comp.summary("en")


def test_exhausted_batches(registry) -> None:
    batches = Counter(e.batch for e in registry.exhausted)
    assert batches[2] == 32  # the complete 2009 batch
    assert batches[1] == 3  # 3 of the 12 of 2008 transcribed so far
    assert completeness(registry).exhausted_by_batch == {1: (3, 12), 2: (32, 32), 3: (0, 25)}
    pingxiang = registry.get("萍乡市")
    assert pingxiang is not None and pingxiang.exhausted_batch == 1
    assert registry.get("玉门市").exhausted_batch == 2


def test_codes(registry) -> None:
    assert registry.get("萍乡市").code == "360300"
    assert registry.get("玉门市").code == "620981"
    assert registry.get("阳泉市").code == "140300"
    assert registry.get("伊春市").code == "230700"
    assert registry.get("长治市").code == "140400"
    assert registry.get("黔南布依族苗族自治州").code == "522700"
    # renamed since 2013, resolved through the alias table
    assert registry.get("九台市").code == "220113"
    assert registry.get("香格里拉县").code == "533401"
    assert resolve_place("襄樊市", province="湖北省") == "420600"
    codes = [c.code for c in registry.cities]
    assert len(set(codes)) == len(codes)


def test_unresolved_is_exactly_the_documented_list(registry) -> None:
    assert unresolved_places(registry) == DOCUMENTED_UNRESOLVED


def test_user_list_merges_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "more.csv"
    extra.write_text(
        "province,name,level,type\n"
        "山西省,阳泉市,地级行政区,衰退型\n"  # override a packaged row
        "河北省,井陉矿区,市辖区,衰退型\n"  # a row the packaged list lacks
        "云南省,个旧市,县级市,衰退型\n",
        encoding="utf-8",
    )
    reg = load_registry(extra)
    assert len(reg) == 196
    assert reg.get("阳泉市").type == "衰退型"
    assert reg.get("井陉矿区").code == "130107"
    assert completeness(reg).by_level["市辖区"] == (2, 16)


def test_user_exhausted_list(tmp_path: Path) -> None:
    extra = tmp_path / "ex.csv"
    extra.write_text(
        "batch,year,province,name\n3,2011,山西省,霍州市\n1,2008,甘肃省,白银市\n2,2009,甘肃省,玉门市\n",
        encoding="utf-8",
    )
    reg = load_registry(exhausted_path=extra)
    assert completeness(reg).exhausted_by_batch == {1: (4, 12), 2: (32, 32), 3: (1, 25)}
    assert reg.get("白银市").exhausted_batch == 1


def test_bad_user_rows(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("province,name,level,type\n山西省,某市,地级市,成长型\n", encoding="utf-8")
    with pytest.raises(RowError) as err:
        load_registry(bad)
    assert err.value.context["row"] == 2 and err.value.context["column"] == "level"
    assert "无效" in err.value.message("zh") and "invalid" in err.value.message("en")
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("省,名称\n山西省,某市\n", encoding="utf-8")
    with pytest.raises(SourceError):
        load_registry(nocol)
