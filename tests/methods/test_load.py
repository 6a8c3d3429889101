"""Method files: loading, listing, hashing, and validation errors with line and key path."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from fenghuang.errors import MethodError
from fenghuang.methods import (
    PolicySet,
    list_methods,
    load_method,
    method_sha256,
    method_text,
    parse_method,
)

SHIPPED = {"huangyan-2022", "zhejiang-2018", "kaihua-2014", "huaian", "jingde", "pingxiang-4heroes"}


def test_shipped_methods_load_and_cite_a_source() -> None:
    infos = {m.name: m for m in list_methods()}
    assert set(infos) >= SHIPPED
    for name in infos:
        m = load_method(name)
        assert m.meta.source.title
        assert m.text == method_text(name)
        assert m.sha256 == hashlib.sha256(m.text.encode()).hexdigest() == method_sha256(name)
        assert isinstance(m.policies, PolicySet)
        last = [ln for ln in m.text.splitlines() if ln.strip()]
        marker = "# --- policies: filled in by the policy work ---"
        assert marker in last, name  # the policy work appends after this line


def test_load_by_path_and_parse_text_equal(tmp_path: Path) -> None:
    p = tmp_path / "mine.toml"
    p.write_text(method_text("huangyan-2022"), encoding="utf-8")
    a, b = load_method(p), parse_method(p.read_text(encoding="utf-8"), file="x.toml")
    assert a.model_dump() == b.model_dump()
    assert a.file == str(p) and b.file == "x.toml"


def test_unknown_method_name_lists_the_shipped_ones() -> None:
    with pytest.raises(MethodError) as ei:
        load_method("no-such-method")
    assert ei.value.code == "E-METHOD-NOT-FOUND"
    assert "huangyan-2022" in ei.value.hint_en


def _broken() -> str:
    text = method_text("huangyan-2022")
    text = text.replace("weight = 30\n", "weight = -30\n", 1)
    text = text.replace('formula = "value_added / employees"', 'formula = "value_addd / employes"')
    text = text.replace('indicator = "rd_ratio"', 'indicator = "rd_rati"')
    text = text.replace('when = "not above_scale"\n', 'when = "not above_scale"\ncolour = 1\n')
    return text


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    seen = 0
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return i
    raise AssertionError(needle)


def test_validation_reports_every_error_with_line_and_key_path() -> None:
    text = _broken()
    with pytest.raises(MethodError) as ei:
        parse_method(text, file="broken.toml")
    err = ei.value
    assert err.code == "E-METHOD-INVALID"
    by_path = {}
    for e in err.errors:
        by_path.setdefault(e["path"], []).append(e)
    w = by_path["pools[0].items[0].weight"][0]
    assert w["line"] == _line_of(text, "weight = -30") and w["file"] == "broken.toml"
    assert w["where"].startswith(f"broken.toml:{w['line']}:1 ")
    extra = by_path["pools[1].colour"][0]
    assert extra["line"] == _line_of(text, "colour = 1") and "未知的键" in extra["zh"]
    f = by_path["indicators[4].formula"]
    assert {e["line"] for e in f} == {_line_of(text, "value_addd / employes")}
    assert any("did you mean 'value_added'" in e["en"] for e in f)
    assert any("'employees'" in e["en"] for e in f)
    col = text.splitlines()[f[0]["line"] - 1].index("value_addd") + 1
    assert f[0]["column"] == col
    ref = by_path["pools[0].items[5].indicator"][0]
    assert "rd_rati" in ref["en"] and "rd_ratio" in ref["en"]
    assert len(err.errors) == 5
    assert "broken.toml" in str(err) and "pools[1].colour" in str(err)


def test_toml_syntax_error_has_line() -> None:
    text = method_text("huangyan-2022").replace('rule = "shares"', 'rule = "shares', 1)
    with pytest.raises(MethodError) as ei:
        parse_method(text, file="bad.toml")
    assert ei.value.code == "E-METHOD-TOML"
    assert ei.value.context["line"] == _line_of(text, 'rule = "shares')


def test_semantic_errors_shares_labels_thresholds() -> None:
    text = method_text("huangyan-2022")
    text = text.replace("shares = [0.2, 0.4, 0.35, 0.05]", "shares = [0.2, 0.4, 0.35, 0.1]")
    text = text.replace('floor = "C"', 'floor = "E"')
    with pytest.raises(MethodError) as ei:
        parse_method(text, file="s.toml")
    paths = {e["path"]: e for e in ei.value.errors}
    assert "classes.shares" in paths and "1.05" in paths["classes.shares"]["en"]
    assert paths["classes.shares"]["line"] == _line_of(text, "shares = [0.2")
    assert "provisional[0].floor" in paths


def test_formula_functions_not_allowed() -> None:
    text = method_text("huangyan-2022").replace(
        'formula = "tax / land"', 'formula = "__import__(1) + tax / land"'
    )
    with pytest.raises(MethodError) as ei:
        parse_method(text)
    (e,) = ei.value.errors
    assert e["path"] == "indicators[0].formula" and "not allowed" in e["en"]


def test_inline_table_and_nested_table_positions() -> None:
    text = method_text("pingxiang-4heroes")
    text = text.replace(
        'indicator = "va_per_mu"\nweight = 10\nbenchmark = { statistic = "mean" }',
        'indicator = "va_per_mu"\nweight = 10\nbenchmark = { statistic = "meen" }',
        1,
    )
    text = text.replace("min_group = 10", "min_group = 0", 1)
    with pytest.raises(MethodError) as ei:
        parse_method(text, file="p.toml")
    by_path = {e["path"]: e for e in ei.value.errors}
    stat = by_path["pools[0].items[1].benchmark.statistic"]
    line = _line_of(text, '{ statistic = "meen" }')
    assert stat["line"] == line
    assert stat["column"] == text.splitlines()[line - 1].index("statistic") + 1
    assert "mean" in stat["en"]
    mg = by_path["pools[0].classes.min_group"]
    assert mg["line"] == _line_of(text, "min_group = 0") and "不得小于 1" in mg["zh"]
