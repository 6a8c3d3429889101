"""The checks behind :func:`fenghuang.methods.parse_method`, each adding located errors.

Three passes over one method file, all of whose problems are collected:
the schema (pydantic errors mapped to lines), the formulas (compiled in
their scope: fields, derived fields in order, indicators for conditions)
and cross-references (indicators named by items, class labels, shares,
thresholds, duplicate codes).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fenghuang.facts import FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.methods._formula import Formula, Kind, _Problems, compile_formula
from fenghuang.methods._lines import KeyPath, key_lines, locate
from fenghuang.methods._messages import en_message, zh_message
from fenghuang.methods._schema import Method

__all__ = ["EXTRA_KINDS", "FIELD_KINDS", "Collector", "compile_all", "schema_errors", "semantic"]

_M = TypeVar("_M", bound=BaseModel)

FIELD_KINDS: dict[str, Kind] = {
    name: ("str" if f.dtype == "string" else "date" if f.dtype == "date" else "num")
    for name, f in {**FIRM_FIELDS, **FIRM_YEAR_FIELDS}.items()
}

#: Names a formula may read besides the data-model fields (filled by the evaluation).
EXTRA_KINDS: dict[str, Kind] = {"class_last_year": "str"}


def _fmt_path(path: KeyPath) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


class Collector:
    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.text_lines = text.splitlines()
        self.lines = key_lines(text)
        self.errors: list[Mapping[str, Any]] = []

    def add(self, path: KeyPath, zh: str, en: str, *, formula: str = "", col: int = 0) -> None:
        _, pos = locate(self.lines, path)
        line, column = pos if pos else (0, 0)
        if formula and line:
            at = self.text_lines[line - 1].find(formula)
            if at >= 0:
                column = at + col + 1
        key = _fmt_path(path)
        if line:
            where = f"{self.file}:{line}:{column} {key}"
        else:  # e.g. a missing top-level table: no line to point at, still the key path
            where = f"{self.file} {key}" if key else self.file
        self.errors.append(
            {
                "file": self.file,
                "line": line,
                "column": column,
                "path": key,
                "where": where,
                "zh": zh,
                "en": en,
            }
        )


def _clean_loc(data: Any, loc: tuple[Any, ...], missing: bool) -> KeyPath:
    """Keep the parts of a pydantic loc that exist in the data (drops union tags)."""
    out: list[str | int] = []
    obj = data
    for i, seg in enumerate(loc):
        if (isinstance(obj, dict) and isinstance(seg, str) and seg in obj) or (
            isinstance(obj, list) and isinstance(seg, int) and 0 <= seg < len(obj)
        ):
            out.append(seg)
            obj = obj[seg]  # type: ignore[index]
        elif missing and i == len(loc) - 1 and isinstance(obj, dict) and isinstance(seg, str):
            out.append(seg)  # a missing key
    return tuple(out)


def schema_errors(col: Collector, data: dict[str, Any], model: type[_M]) -> _M | None:
    """Validate ``data`` with ``model`` (:class:`Method` or a city-index model); errors to ``col``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # One entry per key: the alternatives of a union (``benchmark`` is a number or a
        # table) fail at the same key and are said together ("应为数值；或应为表").
        by_path: dict[KeyPath, list[tuple[str, str]]] = {}
        for e in exc.errors():
            path = _clean_loc(data, tuple(e["loc"]), e["type"] == "missing")
            msgs = by_path.setdefault(path, [])
            msg = (zh_message(e), en_message(e))
            if msg not in msgs:
                msgs.append(msg)
        for path, msgs in by_path.items():
            col.add(path, "；或".join(z for z, _ in msgs), "; or ".join(x for _, x in msgs))
        return None


def _get(d: Any, *keys: str | int) -> Any:
    for k in keys:
        if isinstance(k, int):
            if not isinstance(d, list) or k >= len(d):
                return None
        elif not isinstance(d, dict):
            return None
        d = d[k] if isinstance(k, int) else d.get(k)
    return d


def compile_all(col: Collector, data: dict[str, Any]) -> dict[str, Formula]:
    """Compile every formula of the raw data in its scope; problems go to ``col``."""
    out: dict[str, Formula] = {}
    scope: dict[str, Kind] = {**FIELD_KINDS, **EXTRA_KINDS}

    def comp(
        key: str, path: KeyPath, text: Any, names: dict[str, Kind], want_num: bool = True
    ) -> Formula | None:
        if not isinstance(text, str):
            return None  # the schema pass reports it
        try:
            f = compile_formula(text, names)
        except _Problems as exc:
            for p in exc.problems:
                col.add(
                    path,
                    f"公式 {text!r}：{p.zh}",
                    f"formula {text!r}: {p.en}",
                    formula=text,
                    col=p.col,
                )
            return None
        if want_num and f.kind != "num":
            col.add(
                path,
                f"公式 {text!r} 应得到数值或真假值",
                f"formula {text!r} must give a number or boolean",
                formula=text,
            )
            return None
        out[key] = f
        return f

    for i, d in enumerate(_get(data, "derived") or []):
        f = comp(
            f"derived.{_get(d, 'name')}",
            ("derived", i, "formula"),
            _get(d, "formula"),
            scope,
            False,
        )
        name = _get(d, "name")
        if isinstance(name, str):
            if name in FIELD_KINDS:
                col.add(
                    ("derived", i, "name"),
                    f"派生字段 {name} 与数据字段同名",
                    f"derived field {name!r} shadows a data field",
                )
            scope[name] = f.kind if f else "num"
    ind_scope = dict(scope)
    for i, ind in enumerate(_get(data, "indicators") or []):
        comp(
            f"indicator.{_get(ind, 'code')}",
            ("indicators", i, "formula"),
            _get(ind, "formula"),
            ind_scope,
        )
        code = _get(ind, "code")
        lever = _get(ind, "lever")
        if isinstance(lever, str) and lever not in scope:
            col.add(
                ("indicators", i, "lever"),
                f"未知的杠杆字段 {lever}",
                f"unknown lever field {lever!r}",
            )
        if isinstance(code, str):
            if code in scope:
                col.add(
                    ("indicators", i, "code"),
                    f"指标代码 {code} 与字段同名",
                    f"indicator code {code!r} shadows a field",
                )
            scope[code] = "num"
    codes = {
        c for c in (_get(x, "code") for x in _get(data, "indicators") or []) if isinstance(c, str)
    }
    for i, pool in enumerate(_get(data, "pools") or []):
        pc = _get(pool, "code")
        comp(f"pool.{pc}", ("pools", i, "when"), _get(pool, "when"), scope)
        gb = _get(pool, "classes", "group_by")
        if gb is not None:
            comp(f"classes.{pc}", ("pools", i, "classes", "group_by"), gb, scope, False)
        for j, item in enumerate(_get(pool, "items") or []):
            ref = _get(item, "indicator")
            if isinstance(ref, str) and ref not in codes:
                near = difflib.get_close_matches(ref, sorted(codes), n=1)
                sz = f"，是否为 {near[0]}？" if near else ""
                se = f"; did you mean {near[0]!r}?" if near else ""
                col.add(
                    ("pools", i, "items", j, "indicator"),
                    f"未定义的指标 {ref}{sz}",
                    f"undefined indicator {ref!r}{se}",
                )
            gb = _get(item, "benchmark", "group_by")
            if gb is not None:
                comp(
                    f"benchmark.{pc}.{_get(item, 'indicator')}",
                    ("pools", i, "items", j, "benchmark", "group_by"),
                    gb,
                    scope,
                    False,
                )
    gb = _get(data, "classes", "group_by")
    if gb is not None:
        comp("classes.*", ("classes", "group_by"), gb, scope, False)
    for table, prefix in (
        ("not_rated", "not_rated"),
        ("provisional", "provisional"),
        ("vetoes", "veto"),
        ("adjustments", "adjustment"),
    ):
        for i, rule in enumerate(_get(data, table) or []):
            comp(f"{prefix}.{_get(rule, 'id')}", (table, i, "when"), _get(rule, "when"), scope)
    return out


def _dupes(col: Collector, items: list[Any], key: str, table: str) -> None:
    seen: set[str] = set()
    for i, x in enumerate(items):
        v = getattr(x, key)
        if v in seen:
            col.add((table, i, key), f"重复的 {key}：{v}", f"duplicate {key}: {v!r}")
        seen.add(v)


def _check_classes(col: Collector, rule: Any, path: KeyPath) -> None:
    labels = list(rule.labels)
    if len(set(labels)) != len(labels):
        col.add((*path, "labels"), "类别标签重复", "class labels repeat")
    if rule.rule == "shares":
        if rule.shares is None or len(rule.shares) != len(labels):
            col.add(
                (*path, "shares"),
                "shares 的个数应与 labels 相同",
                "shares must have one value per label",
            )
        elif abs(sum(rule.shares) - 1.0) > 1e-6:
            col.add(
                (*path, "shares"),
                f"shares 之和为 {sum(rule.shares):g}，应为 1",
                f"shares sum to {sum(rule.shares):g}, not 1",
            )
    else:
        t = rule.thresholds
        if t is None or len(t) != len(labels) - 1:
            col.add(
                (*path, "thresholds"),
                "thresholds 的个数应比 labels 少 1",
                "thresholds must have one value fewer than labels",
            )
        elif any(b >= a for a, b in itertools.pairwise(t)):
            col.add(
                (*path, "thresholds"),
                "thresholds 应从高到低严格递减",
                "thresholds must strictly decrease",
            )


def semantic(col: Collector, m: Method) -> None:
    _dupes(col, m.derived, "name", "derived")
    _dupes(col, m.indicators, "code", "indicators")
    _dupes(col, m.pools, "code", "pools")
    _check_classes(col, m.classes, ("classes",))
    labels_all = set(m.classes.labels)
    for i, pool in enumerate(m.pools):
        if pool.classes is not None:
            _check_classes(col, pool.classes, ("pools", i, "classes"))
            labels_all |= set(pool.classes.labels)
        lo, hi = pool.minmax_range
        if not 0 <= lo < hi:
            col.add(
                ("pools", i, "minmax_range"),
                "minmax_range 应满足 0 ≤ 下限 < 上限",
                "minmax_range must satisfy 0 <= lo < hi",
            )
        seen: set[str] = set()
        for j, item in enumerate(pool.items):
            p: KeyPath = ("pools", i, "items", j)
            if item.indicator in seen:
                col.add(
                    (*p, "indicator"),
                    f"指标 {item.indicator} 在该组中重复",
                    f"indicator {item.indicator!r} repeats in the pool",
                )
            seen.add(item.indicator)
            if pool.scoring == "benchmark" and item.benchmark is None:
                col.add(
                    (*p, "benchmark"),
                    "基准值法需要 benchmark",
                    "benchmark scoring needs a benchmark",
                )
            b = item.benchmark
            if (
                b is not None
                and not isinstance(b, float)
                and b.statistic == "quantile"
                and b.q is None
            ):
                col.add((*p, "benchmark", "q"), "quantile 需要 q", "statistic 'quantile' needs q")
            if item.missing == "penalty" and item.penalty <= 0:
                col.add(
                    (*p, "penalty"),
                    'missing = "penalty" 需要正的 penalty',
                    "missing = 'penalty' needs a positive penalty",
                )
    for table, rules in (
        ("provisional", m.provisional),
        ("vetoes", m.vetoes),
        ("adjustments", m.adjustments),
    ):
        _dupes(col, rules, "id", table)
        for i, r in enumerate(rules):
            for key in ("floor", "cap", "to"):
                v = getattr(r, key, None)
                if v is not None and v not in labels_all:
                    col.add((table, i, key), f"未知的类别 {v}", f"unknown class {v!r}")
    for i, v in enumerate(m.vetoes):
        if (v.cap is None) == (v.to is None):
            col.add(
                ("vetoes", i),
                "一票否决需要 cap 或 to 之一",
                "a veto needs exactly one of cap or to",
            )
    for i, a in enumerate(m.adjustments):
        if a.kind == "fix" and a.to is None:
            col.add(("adjustments", i, "to"), "定档（fix）需要 to", "a fix adjustment needs 'to'")
    _dupes(col, m.not_rated, "id", "not_rated")
