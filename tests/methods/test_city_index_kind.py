"""The city-index kind in the common method format: one loader, round trips, located errors."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.errors import MethodError
from fenghuang.methods import (
    CityIndexMethod,
    Method,
    list_methods,
    load_method,
    method_sha256,
    method_text,
    parse_method,
)

FIRM = {"huangyan-2022", "zhejiang-2018", "kaihua-2014", "huaian", "jingde", "pingxiang-4heroes"}
CITY = {"pressure-capacity", "four-dimension"}


def test_list_methods_by_kind() -> None:
    assert {m.name for m in list_methods()} == FIRM  # what the firm-evaluation page lists
    assert {m.kind for m in list_methods()} == {"firm"}
    city = list_methods("city-index")
    assert {m.name for m in city} == CITY and {m.kind for m in city} == {"city-index"}
    assert all(m.reconstruction and "国发〔2013〕45号" in m.source for m in city)
    assert {m.name for m in list_methods(None)} == FIRM | CITY


@pytest.mark.parametrize("name", sorted(FIRM | CITY))
def test_both_kinds_round_trip_through_parse_method(name: str) -> None:
    loaded = load_method(name, kind=None)
    parsed = parse_method(method_text(name), file=f"<{name}>", kind=None)
    assert type(parsed) is type(loaded)
    assert isinstance(parsed, CityIndexMethod if name in CITY else Method)
    assert parsed.kind == ("city-index" if name in CITY else "firm")
    assert parsed.model_dump() == loaded.model_dump()
    assert parsed.text == loaded.text == method_text(name)
    assert parsed.sha256 == loaded.sha256 == method_sha256(name)
    assert parsed.name == loaded.meta.name == name
    assert parsed.file == f"<{name}>" and loaded.file.endswith(f"{name}.toml")


def test_packaged_city_indices_have_the_documented_structure() -> None:
    pc = load_method("pressure-capacity", kind="city-index")
    assert [p.code for p in pc.pillars] == ["pressure", "capacity"]
    assert [len(p.dimensions) for p in pc.pillars] == [4, 5]  # issue 6: 4 pressure, 5 capacity
    assert (pc.index.score, pc.index.pressure, pc.index.capacity) == (
        "warning",
        "pressure",
        "capacity",
    )
    four = load_method("four-dimension", kind="city-index")
    assert [d.zh for d in four.dimensions] == ["经济转型", "社会转型", "环境转型", "制度转型"]
    assert four.index.score == "mean"
    ref = pc.pillars[0].dimensions[0].indicators[0]
    assert (ref.indicator, ref.kind, ref.direction, ref.weight) == ("mining_share", "share", 1, 1.0)


def test_catalogue_codes_are_checked_with_the_schema_at_once() -> None:
    text = method_text("four-dimension").replace('"urban_income"', '"urban_incom"')
    text = text.replace('score = "mean"', 'score = "median"')
    with pytest.raises(MethodError) as ei:
        parse_method(text, file="f.toml", kind="city-index", catalogue={"urban_income", "gdp"})
    got = {e["path"]: e for e in ei.value.errors}
    unknown = [p for p in got if p.endswith(".indicator")]
    # every code but the two named is unknown to this small catalogue: all listed, none skipped
    assert len(unknown) == 13 and "index.score" in got
    miss = got["pillars[0].dimensions[1].indicators[0].indicator"]
    assert "urban_incom" in miss["en"] and "did you mean 'urban_income'" in miss["en"]
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if '"urban_incom"' in ln)
    assert miss["line"] == line
    assert miss["column"] == text.splitlines()[line - 1].index("indicator") + 1
    # without a catalogue the codes are not checked
    with pytest.raises(MethodError) as ei2:
        parse_method(text, file="f.toml", kind="city-index")
    assert [e["path"] for e in ei2.value.errors] == ["index.score"]


def test_unknown_kind_and_missing_kind() -> None:
    text = method_text("pressure-capacity")
    with pytest.raises(MethodError) as ei:
        parse_method(text.replace('kind = "city-index"', 'kind = "city"'), kind=None)
    assert ei.value.errors[0]["path"] == "kind" and ei.value.errors[0]["line"] == 9
    with pytest.raises(MethodError) as ei2:
        parse_method(text.replace('kind = "city-index"\n', ""), kind="city-index")
    assert [e["path"] for e in ei2.value.errors] == ["kind"]
    assert "city-index" in ei2.value.errors[0]["en"]


# --- a property: any generated city-index file parses to what was written, and a bad value in
# --- any indicator is reported at the line and column where it is written.

_code = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_ref = st.fixed_dictionaries(
    {
        "indicator": _code,
        "kind": st.sampled_from(["level", "growth", "share", "count", "rank", "target"]),
        "direction": st.sampled_from([1, -1]),
        "weight": st.floats(0.125, 8.0).map(lambda w: round(w, 3)),
    }
)
_dims = st.lists(st.lists(_ref, min_size=1, max_size=4), min_size=1, max_size=3)


def _emit(pillars: list[list[list[dict[str, object]]]], multiline: bool) -> str:
    out = [
        'kind = "city-index"',
        "",
        "[meta]",
        'name = "generated"',
        'title_zh = "生成的指数"',
        'title_en = "generated index"',
        "year = 2024",
        "reconstruction = true",
        "",
        "[meta.source]",
        'title = "测试 / test"',
        "",
        "[index]",
        'score = "mean"',
    ]
    n = 0
    for i, dims in enumerate(pillars):
        out += ["", "[[pillars]]", f'code = "p{i}"', f'zh = "支柱{i}"', f'en = "pillar {i}"']
        for refs in dims:
            out += ["", "  [[pillars.dimensions]]", f'  code = "d{n}"', f'  zh = "维度{n}"']
            out.append(f'  en = "dimension {n}"')
            n += 1
            cells = [
                "{ "
                + ", ".join(
                    f"{k} = {v!r}".replace("'", '"') if isinstance(v, str) else f"{k} = {v}"
                    for k, v in r.items()
                )
                + " }"
                for r in refs
            ]
            if multiline:
                out += ["  indicators = [", *(f"    {c}," for c in cells), "  ]"]
            else:
                out.append(f"  indicators = [{', '.join(cells)}]")
    return "\n".join(out) + "\n"


@settings(max_examples=60, deadline=None)
@given(pillars=st.lists(_dims, min_size=1, max_size=3), multiline=st.booleans(), data=st.data())
def test_generated_files_parse_and_errors_are_located(
    pillars: list[list[list[dict[str, object]]]], multiline: bool, data: st.DataObject
) -> None:
    # indicators repeat within a dimension only if (code, kind) differ: make them unique
    for dims in pillars:
        for refs in dims:
            unique = {(r["indicator"], r["kind"]): r for r in reversed(refs)}
            refs[:] = [r for r in refs if unique.get((r["indicator"], r["kind"])) is r]
    text = _emit(pillars, multiline)
    m = parse_method(text, file="g.toml", kind="city-index")
    assert [[[r.model_dump() for r in d.indicators] for d in p.dimensions] for p in m.pillars] == (
        pillars
    )
    assert parse_method(text, kind=None).model_dump() == m.model_dump()
    # break one direction: the error names its key path, line and column
    flat = [
        (i, j, k) for i, d in enumerate(pillars) for j, r in enumerate(d) for k in range(len(r))
    ]
    i, j, k = data.draw(st.sampled_from(flat))
    nth = sum(len(r) for d in pillars[:i] for r in d) + sum(len(r) for r in pillars[i][:j]) + k
    lines = text.splitlines()
    hits = [n for n, ln in enumerate(lines) if "direction = " in ln]
    if multiline:
        ln = hits[nth]
        col = lines[ln].index("direction = ")
    else:  # several refs on one line: find the nth 'direction = ' over the file
        spots = [(n, c) for n in hits for c in _all(lines[n], "direction = ")]
        ln, col = spots[nth]
    rest = lines[ln][col + len("direction = ") :]
    value = "-1" if rest.startswith("-1") else "1"
    lines[ln] = lines[ln][:col] + "direction = 3" + rest[len(value) :]
    bad = "\n".join(lines)
    with pytest.raises(MethodError) as ei:
        parse_method(bad, file="g.toml", kind="city-index")
    (e,) = ei.value.errors
    assert e["path"] == f"pillars[{i}].dimensions[{j}].indicators[{k}].direction"
    assert (e["line"], e["column"]) == (ln + 1, col + 1)
    assert e["where"] == f"g.toml:{ln + 1}:{col + 1} {e['path']}"


def _all(s: str, sub: str) -> list[int]:
    out, at = [], s.find(sub)
    while at >= 0:
        out.append(at)
        at = s.find(sub, at + 1)
    return out


@pytest.mark.parametrize("name", ["_lines", "_load", "_index_schema"])
def test_doctests(name: str) -> None:
    mod = importlib.import_module(f"fenghuang.methods.{name}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_a_firm_file_where_a_city_index_is_expected_says_so() -> None:
    with pytest.raises(MethodError) as ei:
        parse_method(method_text("jingde"), file="j.toml", kind="city-index")
    (e,) = ei.value.errors  # one clear error, not every firm table as an unknown key
    assert e["path"] == "kind" and "firm method" in e["en"] and e["where"] == "j.toml kind"
