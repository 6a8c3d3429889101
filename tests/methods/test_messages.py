"""Validation messages: the zh part is Chinese built from pydantic's error type, the en part pydantic's.

Each case loads a real, deliberately broken TOML file (a shipped method with
one edit) and checks the one error's key path, its exact zh text and that
pydantic's English is kept in en but nowhere in zh.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.errors import MethodError
from fenghuang.methods import load_method, method_text, parse_method
from fenghuang.methods._messages import ZH_TYPES, zh_message
from fenghuang.policy import parse_policies, policy_errors

#: Phrases of pydantic's English messages; none may stand in a zh message.
PYDANTIC_EN = re.compile(
    r"Input should|Field required|Extra inputs|should (?:be|have|match)|Value error|"
    r"valid (?:number|integer|string|list|tuple|dictionary|boolean)|at (?:least|most) \d|"
    r"greater than|less than|finite number|not permitted|fractional part|unable to"
)

HY = method_text("huangyan-2022")
PC = method_text("pressure-capacity")

# (method, old, new, key path, exact zh, a piece of pydantic's en)
CASES = [
    (
        "missing",
        HY,
        'title_en = "',
        'xtitle_en = "',
        "meta.title_en",
        "缺少必填项",
        "Field required",
    ),
    (
        "extra_forbidden",
        HY,
        'when = "not above_scale"\n',
        'when = "not above_scale"\ncolour = 1\n',
        "pools[1].colour",
        "未知的键（方法文件不允许多余的键）",
        "Extra inputs are not permitted",
    ),
    (
        "float_type (text)",
        HY,
        "weight = 30\n",
        'weight = "三十"\n',
        "pools[0].items[0].weight",
        "应为数值（写的是 '三十'）",
        "valid number",
    ),
    (
        "float_type",
        HY,
        "weight = 30\n",
        "weight = [30]\n",
        "pools[0].items[0].weight",
        "应为数值",
        "valid number",
    ),
    (
        "int_type (a float)",
        HY,
        "year = 2022\n",
        "year = 2022.5\n",
        "meta.year",
        "应为整数（写的是 2022.5）",
        "valid integer",
    ),
    (
        "int_type (text)",
        HY,
        "year = 2022\n",
        'year = "今年"\n',
        "meta.year",
        "应为整数（写的是 '今年'）",
        "valid integer",
    ),
    (
        "bool_type",
        HY,
        "reconstruction = ",
        'reconstruction = "也许" #',
        "meta.reconstruction",
        "应为 true 或 false（写的是 '也许'）",
        "valid boolean",
    ),
    (
        "string_type",
        HY,
        'title_en = "',
        'title_en = 5 #"',
        "meta.title_en",
        "应为字符串（写的是 5）",
        "valid string",
    ),
    (
        "string_too_short",
        HY,
        'title_en = "',
        'title_en = "" #"',
        "meta.title_en",
        "不能为空",
        "at least 1 character",
    ),
    (
        "list_type",
        HY,
        'labels = ["A", "B", "C", "D"]',
        'labels = "ABCD"',
        "classes.labels",
        "应为数组",
        "valid list",
    ),
    (
        "literal_error",
        HY,
        'rule = "shares"',
        'rule = "份额"',
        "classes.rule",
        "取值应为 'shares'、'thresholds' 之一（写的是 '份额'）",
        "Input should be 'shares' or 'thresholds'",
    ),
    (
        "string_pattern_mismatch",
        HY,
        'name = "huangyan-2022"',
        'name = "黄岩2022"',
        "meta.name",
        "格式不符合要求（只能含小写英文字母、数字和连字符（-），以字母或数字开头）（写的是 '黄岩2022'）",
        "should match pattern",
    ),
    (
        "greater_than",
        HY,
        "weight = 30\n",
        "weight = 0\n",
        "pools[0].items[0].weight",
        "必须大于 0",
        "greater than 0",
    ),
    (
        "less_than_equal",
        HY,
        "shares = [0.2, 0.4, 0.35, 0.05]",
        "shares = [1.2, 0.4, 0.35, 0.05]",
        "classes.shares[0]",
        "不得大于 1",
        "less than or equal to 1",
    ),
    (
        "greater_than_equal (policies)",
        HY,
        "rates = { C = 0.10, D = 0.30 }",
        "rates = { C = 0.10, D = -0.30 }",
        "policies.surcharges.electricity.rates.D",
        "不得小于 0",
        "greater than or equal to 0",
    ),
    (
        "finite_number",
        HY,
        "rates = { C = 0.10, D = 0.30 }",
        "rates = { C = 0.10, D = inf }",
        "policies.surcharges.electricity.rates.D",
        "应为有限数值（不能是 inf 或 nan）（写的是 inf）",
        "finite number",
    ),
    (
        "too_short",
        HY,
        "schedule = [1.0, 2.0, 3.0]",
        "schedule = []",
        "policies.surcharges.gas.escalation.schedule",
        "不能为空",
        "at least 1 item",
    ),
    (
        "string_too_long",
        HY,
        "rates = { C = 0.10, D = 0.30 }",
        'rates = { C = 0.10, "DDDDDDDDDDDDDDDDD" = 0.30 }',
        "policies.surcharges.electricity.rates.DDDDDDDDDDDDDDDDD",
        "最多 16 个字符",
        "at most 16 characters",
    ),
    (
        "dict_type",
        HY,
        "rates = { C = 0.10, D = 0.30 }",
        "rates = [0.10, 0.30]",
        "policies.surcharges.electricity.rates",
        "应为表（TOML table）",
        "valid dictionary",
    ),
    (
        "tuple_type",
        HY,
        'classes = ["C"]\nkind = "restriction"',
        'classes = "C"\nkind = "restriction"',
        "policies.measures[1].classes",
        "应为数组",
        "valid tuple",
    ),
    (
        "custom (our validator)",
        HY,
        "base_price = 4.10\n",
        "",
        "policies.surcharges.water",
        '按百分比加价（mode = "percent"）须给出基准价 base_price（元/单位）',
        'mode = "percent" needs base_price',
    ),
    (
        "literal_error (city index)",
        PC,
        'kind = "share", direction = 1',
        'kind = "share", direction = 2',
        "pillars[0].dimensions[0].indicators[0].direction",
        "取值应为 1、-1 之一（写的是 2）",
        "Input should be 1 or -1",
    ),
    (
        "greater_than_equal (city index)",
        PC,
        "min_cities = 2 ",
        "min_cities = 0 ",
        "index.min_cities",
        "不得小于 1",
        "greater than or equal to 1",
    ),
]


@pytest.mark.parametrize(
    ("text", "old", "new", "path", "zh", "en"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_error_type_has_a_chinese_message(
    tmp_path: Path, text: str, old: str, new: str, path: str, zh: str, en: str
) -> None:
    assert old in text
    f = tmp_path / "broken.toml"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(MethodError) as ei:
        load_method(f, kind=None)
    errors = [e for e in ei.value.errors if e["path"] == path]
    assert len(errors) == 1, ei.value.errors
    (e,) = errors
    assert e["zh"] == zh
    assert en in e["en"]
    assert not PYDANTIC_EN.search(e["zh"]), e["zh"]
    assert e["line"] > 0 and e["where"].startswith(f"{f}:{e['line']}:")
    assert zh in ei.value.message("zh")


def test_policy_errors_alone_use_the_same_chinese() -> None:
    data = tomllib.loads(HY.replace("rates = { C = 0.10, D = 0.30 }", 'rates = { D = "三毛" }'))
    (e,) = policy_errors(data["policies"])
    assert e["where"] == "policies.surcharges.electricity.rates.D"
    assert e["zh"] == "应为数值（写的是 '三毛'）"
    assert "valid number" in e["en"]
    with pytest.raises(MethodError) as ei:
        parse_policies(data["policies"], file="hy.toml")
    assert ei.value.errors[0]["zh"] == e["zh"]


def test_an_unlisted_error_type_is_still_chinese() -> None:
    e = {"type": "uuid_parsing", "msg": "Input should be a valid UUID", "ctx": {}}
    assert zh_message(e) == "取值无效（校验类型 uuid_parsing）"
    assert "less_than" in ZH_TYPES and "missing" in ZH_TYPES


# --- property: whatever value is written for whatever key, no zh message holds pydantic's English

_KEY_LINES = [
    i for i, ln in enumerate(HY.splitlines()) if re.match(r"^[a-z_]+ = [^\[{]", ln)
]  # simple `key = value` lines
_VALUE = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda x: (
            "nan" if x != x else ("inf" if x > 0 else "-inf") if abs(x) == float("inf") else repr(x)
        )
    ),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(alphabet="甲乙丙丁优良中差0123456789", max_size=8).map(lambda s: f'"{s}"'),
    st.lists(st.integers(-5, 5), max_size=3).map(lambda v: "[" + ", ".join(map(str, v)) + "]"),
    st.sampled_from(["{ x = 1 }", "{}", '["A", 1]', "1979-05-27"]),
)


@settings(max_examples=120, deadline=None)
@given(line=st.sampled_from(_KEY_LINES), value=_VALUE)
def test_any_wrong_value_gets_a_chinese_message(line: int, value: str) -> None:
    lines = HY.splitlines()
    key = lines[line].split(" = ", 1)[0]
    lines[line] = f"{key} = {value}"
    try:
        parse_method("\n".join(lines) + "\n", file="v.toml")
    except MethodError as exc:
        assert exc.errors
        for e in exc.errors:
            if str(e["zh"]).startswith("公式 "):
                continue  # a formula problem quotes the formula, which may be any text
            assert not PYDANTIC_EN.search(str(e["zh"])), e
            assert re.search(r"[\u4e00-\u9fff]", str(e["zh"])), e


@pytest.mark.parametrize("name", ["_messages", "_policy_checks", "_policy"])
def test_doctests(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"fenghuang.methods.{name}"))
    assert result.attempted > 0 and result.failed == 0


# --- strict types: a value of the wrong TOML type is refused, not coerced -------------------

JD = method_text("jingde")


@pytest.mark.parametrize(
    ("text", "old", "new", "path", "zh"),
    [
        (
            HY,
            "weight = 30\n",
            'weight = "30"\n',
            "pools[0].items[0].weight",
            "应为数值（写的是 '30'）",
        ),
        (
            HY,
            "weight = 30\n",
            "weight = true\n",
            "pools[0].items[0].weight",
            "应为数值（写的是 True）",
        ),
        (
            HY,
            "reconstruction = ",
            'reconstruction = "yes" #',
            "meta.reconstruction",
            "应为 true 或 false（写的是 'yes'）",
        ),
        (HY, "year = 2022\n", "year = 2022.0\n", "meta.year", "应为整数（写的是 2022.0）"),
        (
            HY,
            "weight = 30\n",
            "weight = inf\n",
            "pools[0].items[0].weight",
            "应为有限数值（不能是 inf 或 nan）（写的是 inf）",
        ),
        (
            HY,
            "shares = [0.2, 0.4, 0.35, 0.05]",
            "shares = [nan, 0.4, 0.35, 0.05]",
            "classes.shares[0]",
            "应为有限数值（不能是 inf 或 nan）（写的是 nan）",
        ),
        (
            HY,
            "rates = { C = 0.10, D = 0.30 }",
            'rates = { C = "0.10", D = 0.30 }',
            "policies.surcharges.electricity.rates.C",
            "应为数值（写的是 '0.10'）",
        ),
        (
            HY,
            "schedule = [1.0, 2.0, 3.0]",
            'schedule = [1.0, "2.0", 3.0]',
            "policies.surcharges.gas.escalation.schedule[1]",
            "应为数值（写的是 '2.0'）",
        ),
        (
            JD,
            "minmax_range = [20.0, 100.0]",
            'minmax_range = [20.0, "100"]',
            "pools[0].minmax_range[1]",
            "应为数值（写的是 '100'）",
        ),
    ],
)
def test_wrong_types_and_non_finite_numbers_are_refused(
    text: str, old: str, new: str, path: str, zh: str
) -> None:
    assert old in text
    with pytest.raises(MethodError) as ei:
        parse_method(text.replace(old, new, 1), file="t.toml")
    (e,) = [e for e in ei.value.errors if e["path"] == path]
    assert e["zh"] == zh and e["line"] > 0


def test_integers_for_numbers_and_arrays_for_tuples_still_load() -> None:
    m = parse_method(JD.replace("minmax_range = [20.0, 100.0]", "minmax_range = [10, 90]", 1))
    assert m.pools[0].minmax_range == (10.0, 90.0)
    hy = parse_method(HY)
    assert "weight = 30\n" in HY  # an integer where a number is asked for
    w = hy.pools[0].items[0].weight
    assert w == 30.0 and isinstance(w, float)
    assert hy.policies.surcharges["gas"].escalation is not None
    assert hy.policies.surcharges["gas"].escalation.schedule == (1.0, 2.0, 3.0)
    assert hy.policies.measures[0].classes == ("A",)


def test_the_alternatives_of_a_union_are_one_error_at_their_key() -> None:
    text = HY.replace("benchmark = ", 'benchmark = "高" #', 1)
    with pytest.raises(MethodError) as ei:
        parse_method(text, file="u.toml")
    (e,) = ei.value.errors
    assert e["path"] == "pools[0].items[0].benchmark"
    assert e["zh"] == "应为数值（写的是 '高'）；或应为表（TOML table）"
    assert e["en"].count("Input should be") == 2 and "; or " in e["en"]
