"""Registry of resource-based cities: counts, codes, merging, completeness."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from fenghuang.errors import RowError, SourceError
from fenghuang.monitor import (
    admin_codes,
    completeness,
    geocn_codes,
    load_registry,
    resolve_place,
    unresolved_places,
)
from fenghuang.monitor._registry import LEVELS, TYPES

PLAN_BY_TYPE = {"成长型": 31, "成熟型": 141, "衰退型": 67, "再生型": 23}
PLAN_BY_LEVEL = {"地级行政区": 126, "县级市": 62, "县": 58, "市辖区": 16}

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


def test_counts_the_shared_list_confirms(registry) -> None:
    """The shared list is partial (195 of 262): what it holds is checked exactly.

    Prefecture-level units (126) and county-level cities (62) are complete, so
    their type counts are the plan's; of the 74 counties and districts only 7
    are transcribed.
    """
    by = Counter((c.level, c.type) for c in registry.cities)
    assert {t: by[("地级行政区", t)] for t in TYPES} == {
        "成长型": 20,
        "成熟型": 66,
        "衰退型": 24,
        "再生型": 16,
    }
    assert {t: by[("县级市", t)] for t in TYPES} == {
        "成长型": 7,
        "成熟型": 29,
        "衰退型": 22,
        "再生型": 4,
    }
    # the plan's totals leave this much for the 74 counties and districts still missing
    rest = {t: PLAN_BY_TYPE[t] - by[("地级行政区", t)] - by[("县级市", t)] for t in TYPES}
    assert rest == {"成长型": 4, "成熟型": 46, "衰退型": 21, "再生型": 3}
    assert sum(rest.values()) == PLAN_BY_LEVEL["县"] + PLAN_BY_LEVEL["市辖区"]


def _complete_list(tmp_path: Path, registry) -> Path:
    """The packaged rows plus 67 constructed county/district rows that fill the plan."""
    by = Counter((c.level, c.type) for c in registry.cities)
    need_type = {t: PLAN_BY_TYPE[t] - sum(by[(lv, t)] for lv in LEVELS) for t in TYPES}
    need_level = {lv: PLAN_BY_LEVEL[lv] - sum(by[(lv, t)] for t in TYPES) for lv in LEVELS}
    types = [t for t in TYPES for _ in range(need_type[t])]
    levels = [lv for lv in ("县", "市辖区") for _ in range(need_level[lv])]
    assert len(types) == len(levels) == 67
    lines = ["province,name,level,type"]
    lines += [f"{c.province},{c.name},{c.level},{c.type}" for c in registry.cities]
    lines += [
        f"测试省,测试{i:02d}{'县' if lv == '县' else '区'},{lv},{t}"
        for i, (lv, t) in enumerate(zip(levels, types, strict=True))
    ]
    path = tmp_path / "complete.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_complete_user_list(tmp_path: Path, registry) -> None:
    reg = load_registry(_complete_list(tmp_path, registry))
    assert len(reg) == 262
    assert Counter(c.type for c in reg.cities) == PLAN_BY_TYPE
    assert Counter(c.level for c in reg.cities) == PLAN_BY_LEVEL
    comp = completeness(reg)
    assert comp.have == 262 and comp.missing == 0
    assert all(h == e for h, e in comp.by_type.values())
    assert all(h == e for h, e in comp.by_level.values())
    assert "缺 0" in comp.summary("zh")
    # the constructed names have no code: they are reported, not dropped
    unresolved = [u for u in unresolved_places(reg) if u[0] == "resource"]
    assert len(unresolved) == 67 and all(name.startswith("测试") for _, _, name in unresolved)


def test_packaged_code_list_is_the_boundaries_code_list() -> None:
    packaged = admin_codes()
    assert len(packaged.places) == 3300
    assert {(p.code, p.name, p.layer) for p in packaged.places} == {
        (p.code, p.name, p.layer) for p in geocn_codes()
    }
    assert packaged.get("360300").name == "萍乡市" and packaged.get("360300").layer == "city"


def test_user_code_list(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(
        "code,name,layer\n620000,甘肃省,province\n620400,白银市,city\n620403,平川区,district\n",
        encoding="utf-8",
    )
    codes = admin_codes(path)
    assert resolve_place("平川区", province="甘肃省", codes=codes) == "620403"
    assert resolve_place("萍乡市", codes=codes) is None
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,layer\n6204,白银市,city\n", encoding="utf-8")
    with pytest.raises(RowError) as err:
        admin_codes(bad)
    assert err.value.context["row"] == 2
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("代码,名称\n620400,白银市\n", encoding="utf-8")
    with pytest.raises(SourceError):
        admin_codes(nocol)


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
