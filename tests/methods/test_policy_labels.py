"""[policies] class labels are checked when a method file loads: a typo bills nobody, so it is refused.

Each test writes a real TOML file (a shipped method with one policy label
changed) and loads it by path; the error must name the file, the line and
column of the bad label, its key path and the valid labels.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.errors import MethodError
from fenghuang.methods import list_methods, load_method, method_text, parse_method

HY = method_text("huangyan-2022")
RATES = "rates = { C = 0.10, D = 0.30 }"  # huangyan-2022's electricity surcharge


def _load_broken(tmp_path: Path, *edits: tuple[str, str]) -> tuple[str, list[dict[str, object]]]:
    text = HY
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MethodError) as ei:
        load_method(path)
    assert ei.value.code == "E-METHOD-INVALID"
    return text, [dict(e) for e in ei.value.errors]


def _pos(text: str, line_part: str, at: str) -> tuple[int, int]:
    """1-based line of the line holding ``line_part`` and the column of ``at`` in it."""
    for n, line in enumerate(text.splitlines(), start=1):
        if line_part in line:
            return n, line.index(at) + 1
    raise AssertionError(line_part)


def test_every_shipped_method_still_loads() -> None:
    names = [m.name for m in list_methods(None)]
    assert len(names) == 8
    for name in names:
        assert load_method(name, kind=None).name == name


def test_wrong_case_is_refused_at_its_line_and_key(tmp_path: Path) -> None:
    text, errors = _load_broken(tmp_path, (RATES, "rates = { C = 0.10, d = 0.30 }"))
    (e,) = errors
    path = tmp_path / "city.toml"
    line, col = _pos(text, "rates = { C = 0.10, d = 0.30 }", "d = 0.30")
    assert e["path"] == "policies.surcharges.electricity.rates.d"
    assert (e["file"], e["line"], e["column"]) == (str(path), line, col)
    assert e["where"] == f"{path}:{line}:{col} policies.surcharges.electricity.rates.d"
    assert "大小写不符，应为 'D'" in str(e["zh"]) and "A、B、C、D" in str(e["zh"])
    assert "differs in case from 'D'" in str(e["en"]) and "A, B, C, D" in str(e["en"])


def test_unknown_classes_are_refused_all_at_once(tmp_path: Path) -> None:
    text, errors = _load_broken(
        tmp_path,
        (RATES, 'rates = { "C-" = 0.10, D = 0.30 }'),
        ('escalation = { label = "D"', 'escalation = { label = "E"'),
        ('classes = ["C"]\nkind = "restriction"', 'classes = ["B", "C−"]\nkind = "restriction"'),
        ("classes.B = { level = 2 }\nclasses.C", "classes.b = { level = 2 }\nclasses.C"),
    )
    by_path = {str(e["path"]): e for e in errors}
    assert set(by_path) == {
        "policies.surcharges.electricity.rates.C-",
        "policies.surcharges.gas.escalation.label",
        "policies.measures[1].classes[1]",
        "policies.priorities.energy_quota.classes.b",
    }
    c = by_path["policies.surcharges.electricity.rates.C-"]
    assert (c["line"], c["column"]) == _pos(text, '"C-" = 0.10', '"C-"')
    assert "未知的类别 'C-'，是否为 'C'？" in str(c["zh"]) and "did you mean 'C'" in str(c["en"])
    esc = by_path["policies.surcharges.gas.escalation.label"]
    assert (esc["line"], esc["column"]) == _pos(text, 'label = "E"', "label")
    assert "unknown class 'E'" in str(esc["en"])
    m = by_path["policies.measures[1].classes[1]"]
    assert (m["line"], m["column"]) == _pos(text, 'classes = ["B", "C−"]', '"C−"')
    b = by_path["policies.priorities.energy_quota.classes.b"]
    assert (b["line"], b["column"]) == _pos(text, "classes.b = { level = 2 }", "classes.b")
    assert "'B'" in str(b["zh"])


def test_not_rated_labels_and_treat_as_keys_get_no_policies_of_their_own(tmp_path: Path) -> None:
    # 参照B and T firms are not rated: they get the policies treat_as / not_rated name, never
    # those of their own label; a class that is a treat_as key gets its target's policies.
    text, errors = _load_broken(
        tmp_path,
        (RATES, 'rates = { "参照B" = 0.10, T = 0.30 }'),
        ('treat_as = { "参照B" = "B" }', 'treat_as = { "参照B" = "B", C = "D" }'),
    )
    by_path = {str(e["path"]): e for e in errors}
    assert "不定等级企业的标签" in str(by_path["policies.surcharges.electricity.rates.参照B"]["zh"])
    assert "not-rated firms" in str(by_path["policies.surcharges.electricity.rates.T"]["en"])
    # C is now treated as D: every C line (water, sewage, land, energy quota, a measure) is dead
    dead_c = sorted(p for p, e in by_path.items() if "class C firms get" in str(e["en"]))
    assert dead_c == [
        "policies.measures[1].classes[0]",
        "policies.priorities.energy_quota.classes.C",
        "policies.priorities.land.classes.C",
        "policies.surcharges.sewage.rates.C",
        "policies.surcharges.water.rates.C",
    ]
    assert "C类企业按 treat_as 执行D类的政策" in str(by_path[dead_c[-1]]["zh"])
    assert "A、B、D" in str(by_path[dead_c[-1]]["zh"])  # C is not a valid policy class here
    assert len(errors) == 7
    line, _ = _pos(text, "rates = { C = 0.20, D = 0.50 }", "C")
    assert by_path["policies.surcharges.sewage.rates.C"]["line"] == line


def test_treat_as_and_not_rated_must_name_labels_firms_have(tmp_path: Path) -> None:
    text, errors = _load_broken(
        tmp_path,
        ('treat_as = { "参照B" = "B" }', 'treat_as = { "参照b" = "B", T = "X" }\nnot_rated = "b"'),
    )
    got = sorted((str(e["path"]), str(e["en"]).split(" (")[0]) for e in errors)
    assert got == [
        ("policies.not_rated", "label 'b' differs in case from 'B'"),
        ("policies.treat_as.T", "unknown class 'X'"),
        ("policies.treat_as.参照b", "label '参照b' differs in case from '参照B'"),
    ]
    keyed = next(e for e in errors if e["path"] == "policies.treat_as.参照b")
    assert "A、B、C、D、参照B、T" in str(keyed["zh"])  # labels firms can be given
    assert keyed["line"] == _pos(text, 'treat_as = { "参照b"', "")[0]


SMALL = """
[meta]
name = "two-pools"
title_zh = "两组各自分类（模拟）"
title_en = "two pools with their own classes (synthetic)"
year = 2023
reconstruction = true
[meta.source]
title = "测试用方法（模拟数据）"

[[indicators]]
code = "tax_per_mu"
zh = "亩均税收"
en = "Tax per mu"
unit = "万元/亩"
scale = 0.0001
formula = "tax_paid / land_own"

[[pools]]
code = "big"
zh = "规上"
en = "Above scale"
when = "land_own >= 10"
scoring = "benchmark"
[[pools.items]]
indicator = "tax_per_mu"
weight = 100
benchmark = 10.0
[pools.classes]
labels = ["优", "良", "差"]
rule = "thresholds"
thresholds = [150.0, 50.0]

[[pools]]
code = "small"
zh = "规下"
en = "Below scale"
when = "land_own > 0 and land_own < 10"
scoring = "benchmark"
[[pools.items]]
indicator = "tax_per_mu"
weight = 100
benchmark = 5.0
[pools.classes]
labels = ["优", "良", "差"]
rule = "thresholds"
thresholds = [150.0, 50.0]

[classes]
labels = ["A", "B", "C", "D"]
rule = "shares"
shares = [0.25, 0.25, 0.25, 0.25]

[policies.surcharges.electricity]
rates = { "差" = 0.30, D = 0.30 }
source = { status = "example" }
"""


def test_a_class_no_pool_rule_produces(tmp_path: Path) -> None:
    # Both pools class with their own rule (优/良/差): [classes]' A-D are labels the rules
    # never produce, so a rate for D would bill nobody; 差 is a class and loads.
    p = tmp_path / "two-pools.toml"
    p.write_text(SMALL, encoding="utf-8")
    with pytest.raises(MethodError) as ei:
        load_method(p)
    (e,) = ei.value.errors
    assert e["path"] == "policies.surcharges.electricity.rates.D"
    assert (e["line"], e["column"]) == _pos(SMALL, 'rates = { "差"', "D = 0.30")
    assert "no pool's class rule gives class D" in e["en"]
    assert "不会由任何组的分类规则产生" in e["zh"] and "优、良、差" in e["zh"]
    p.write_text(SMALL.replace(", D = 0.30 }", " }"), encoding="utf-8")
    assert load_method(p).policies.surcharges["electricity"].rates == {"差": 0.30}


# --- property: with classes A-D, a surcharge label loads iff it is one of them --------------

_label = st.one_of(
    st.sampled_from(["A", "B", "C", "D", "参照B", "T", "a", "d", "C-", "C−", "D+", "E"]),
    st.text(
        alphabet=st.sampled_from("ABCDEabcdTt0123-+−_. 类参照优良差"),
        min_size=1,
        max_size=16,
    ),
)


@settings(max_examples=80, deadline=None)
@given(label=_label)
def test_any_label_outside_the_classes_is_refused(label: str) -> None:
    line = f"rates = {{ {json.dumps(label, ensure_ascii=False)} = 0.10 }}"
    text = HY.replace(RATES, line, 1)
    if label in {"A", "B", "C", "D"}:
        m = parse_method(text, file="p.toml")
        assert m.policies.surcharges["electricity"].rates == {label: 0.10}
        return
    with pytest.raises(MethodError) as ei:
        parse_method(text, file="p.toml")
    (e,) = ei.value.errors
    n = text.splitlines().index(line) + 1
    assert e["path"] == f"policies.surcharges.electricity.rates.{label}"
    assert (e["line"], e["column"]) == (n, len("rates = { ") + 1)
    assert "A、B、C、D" in e["zh"] and "A, B, C, D" in e["en"]
