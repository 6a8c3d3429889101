"""A small, safe formula language over firm-year columns, evaluated vectorised.

Formulas are Python expressions parsed with :mod:`ast`; only these are allowed:

* numbers, ``True``/``False``, strings (for comparisons and ``isin``);
* field names (``tax_paid``, ``land_own`` … from :mod:`fenghuang.facts`, the
  method's derived fields and, in conditions, indicator codes);
* ``+ - * / **``, unary ``-``, comparisons (``< <= > >= == !=``, chained),
  ``and``, ``or``, ``not`` and ``a if cond else b``;
* the functions of :data:`FUNCTIONS`.

Missing values. Every column is a float64 array with NaN for "missing"
(booleans are 0/1/NaN), a string array with ``None`` for missing, or a date
array (``NaT``). Arithmetic with a missing value is missing; a division by
zero or any infinite/NaN result is missing, never ``inf``. Comparisons with a
missing value are missing; ``and``/``or``/``not`` follow three-valued (Kleene)
logic. A condition (pool ``when``, rule ``when``) that is missing is false.
``min``/``max`` are missing when any argument is: use ``coalesce`` or
``total`` to say what a missing part means.

Examples
--------
>>> f = compile_formula("tax_paid / land", {"tax_paid": "num", "land": "num"})
>>> f.evaluate({"tax_paid": np.array([100.0, 5.0]), "land": np.array([4.0, 0.0])}, n=2)
array([25., nan])
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["FUNCTIONS", "Formula", "FormulaProblem", "compile_formula", "condition"]

Kind = Literal["num", "str", "date"]
Array = npt.NDArray[Any]


@dataclass(frozen=True)
class FormulaProblem:
    """One thing wrong with a formula (the loader turns it into a located error)."""

    zh: str
    en: str
    col: int = 0  # 0-based column inside the formula text


class _Problems(Exception):
    def __init__(self, problems: list[FormulaProblem]) -> None:
        super().__init__("; ".join(p.en for p in problems))
        self.problems = problems


@dataclass
class Env:
    """Columns a formula reads: ``cols`` (this year), ``prev`` (previous year), ``n`` rows."""

    cols: Mapping[str, Array]
    n: int
    prev: Mapping[str, Array] | None = None


Node = Callable[[Env], Array]

#: Whitelisted functions: name -> (zh description, en description).
FUNCTIONS: dict[str, tuple[str, str]] = {
    "min": ("逐行最小值（任一缺失则缺失）", "row-wise minimum (missing if any is missing)"),
    "max": ("逐行最大值（任一缺失则缺失）", "row-wise maximum (missing if any is missing)"),
    "abs": ("绝对值", "absolute value"),
    "where": ("where(条件, 真值, 假值)", "where(condition, if_true, if_false)"),
    "coalesce": ("第一个非缺失值", "first non-missing argument"),
    "total": ("求和，缺失视为 0；全部缺失则缺失", "sum, missing as 0; missing if all are"),
    "present": ("有值（字符串非空）", "has a value (non-empty string)"),
    "isin": ("isin(字段, '值1', '值2', …)", "isin(field, 'a', 'b', …)"),
    "prefix": ("prefix(字符串, n)：前 n 个字符", "prefix(string, n): first n characters"),
    "year_of": ("日期的年份", "year of a date"),
    "prev": ("上一年度的字段值", "the field's value in the previous year"),
}


def _num(a: Array | float, n: int) -> Array:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    return arr


def _clean(a: Array) -> Array:
    out = np.asarray(a, dtype=np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        out = out.copy()
        out[bad] = np.nan
    return out


def _kleene_and(a: Array, b: Array) -> Array:
    false = (a == 0) | (b == 0)
    true = (a == 1) & (b == 1)
    return np.where(false, 0.0, np.where(true, 1.0, np.nan))


def _kleene_or(a: Array, b: Array) -> Array:
    true = (a == 1) | (b == 1)
    false = (a == 0) & (b == 0)
    return np.where(true, 1.0, np.where(false, 0.0, np.nan))


def _truth(a: Array) -> Array:
    """Numbers as booleans: 0 is false, any other number true, NaN missing."""
    return np.where(np.isnan(a), np.nan, (a != 0).astype(np.float64))


def _isnone(a: Array) -> Array:
    return np.asarray(a == None, dtype=bool)  # noqa: E711 (element-wise on object arrays)


def _str_compare(a: Array, b: Array, eq: bool) -> Array:
    a_o = np.asarray(a, dtype=object)
    b_o = np.asarray(b, dtype=object)
    miss = _isnone(a_o) | _isnone(b_o)
    same = np.asarray(a_o == b_o, dtype=bool)
    res = same if eq else ~same
    return np.where(miss, np.nan, res.astype(np.float64))


_CMP: dict[type[ast.cmpop], Callable[[Array, Array], Array]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}
_BIN: dict[type[ast.operator], Callable[[Array, Array], Array]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}


@dataclass(frozen=True)
class Formula:
    """A compiled formula.

    Attributes
    ----------
    text : str
    kind : {"num", "str", "date"}
        What it yields (booleans are ``num``).
    names : frozenset of str
        The names it reads (this year); ``prev_names`` those read via ``prev``.
    """

    text: str
    kind: Kind
    names: frozenset[str]
    prev_names: frozenset[str]
    _node: Node = field(repr=False, compare=False)

    def evaluate(
        self, cols: Mapping[str, Array], *, n: int, prev: Mapping[str, Array] | None = None
    ) -> Array:
        """Evaluate over ``n`` rows; numbers come back float64 with NaN for missing."""
        out = self._node(Env(cols, n, prev))
        if self.kind == "num":
            return _clean(_num(out, n))
        arr = np.asarray(out)
        if arr.ndim == 0:
            arr = np.full(n, arr.item(), dtype=object if self.kind == "str" else arr.dtype)
        return arr


class _Compiler:
    def __init__(self, text: str, names: Mapping[str, Kind]) -> None:
        self.text = text
        self.names = names
        self.used: set[str] = set()
        self.prev_used: set[str] = set()
        self.problems: list[FormulaProblem] = []

    def fail(self, node: ast.AST, zh: str, en: str) -> tuple[Kind, Node]:
        self.problems.append(FormulaProblem(zh, en, getattr(node, "col_offset", 0)))
        return "num", lambda env: np.full(env.n, np.nan)

    def unknown(self, node: ast.Name) -> tuple[Kind, Node]:
        near = difflib.get_close_matches(node.id, list(self.names), n=1, cutoff=0.5)
        zh = f"未知字段 “{node.id}”"
        en = f"unknown field {node.id!r}"
        if near:
            zh += f"，是否为 “{near[0]}”？"
            en += f"; did you mean {near[0]!r}?"
        return self.fail(node, zh, en)

    def expect(self, node: ast.AST, kind: Kind, want: Kind, what: str) -> None:
        if kind != want:
            self.problems.append(
                FormulaProblem(
                    f"{what} 需要{_KIND_ZH[want]}，实际为{_KIND_ZH[kind]}",
                    f"{what} needs a {want} value, got {kind}",
                    getattr(node, "col_offset", 0),
                )
            )

    def visit(self, node: ast.AST) -> tuple[Kind, Node]:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, (bool, int | float)):
                c = float(v)
                return "num", lambda env: np.full(env.n, c)
            if isinstance(v, str):
                s = v
                return "str", lambda env: np.full(env.n, s, dtype=object)
            return self.fail(node, f"不支持的常量 {v!r}", f"unsupported constant {v!r}")
        if isinstance(node, ast.Name):
            if node.id not in self.names:
                return self.unknown(node)
            self.used.add(node.id)
            name = node.id
            return self.names[name], lambda env: env.cols[name]
        if isinstance(node, ast.UnaryOp):
            kind, inner = self.visit(node.operand)
            if isinstance(node.op, ast.Not):
                self.expect(node, kind, "num", "not")
                return "num", lambda env: 1.0 - _truth(_num(inner(env), env.n))
            if isinstance(node.op, ast.USub | ast.UAdd):
                self.expect(node, kind, "num", "负号")
                sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
                return "num", lambda env: sign * _num(inner(env), env.n)
            return self.fail(node, "不支持的运算符", "unsupported operator")
        if isinstance(node, ast.BinOp):
            op = _BIN.get(type(node.op))
            if op is None:
                return self.fail(node, "不支持的运算符", "unsupported operator")
            lk, left = self.visit(node.left)
            rk, right = self.visit(node.right)
            self.expect(node.left, lk, "num", "算术运算")
            self.expect(node.right, rk, "num", "算术运算")
            fn = op

            def binop(env: Env) -> Array:
                with np.errstate(all="ignore"):
                    return _clean(fn(_num(left(env), env.n), _num(right(env), env.n)))

            return "num", binop
        if isinstance(node, ast.BoolOp):
            parts = [self.visit(v) for v in node.values]
            for val, (k, _) in zip(node.values, parts, strict=True):
                self.expect(val, k, "num", "and/or")
            comb = _kleene_and if isinstance(node.op, ast.And) else _kleene_or
            fns = [p[1] for p in parts]

            def boolop(env: Env) -> Array:
                acc = _truth(_num(fns[0](env), env.n))
                for f in fns[1:]:
                    acc = comb(acc, _truth(_num(f(env), env.n)))
                return acc

            return "num", boolop
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            return self.call_where(node, [node.test, node.body, node.orelse])
        if isinstance(node, ast.Call):
            return self.call(node)
        return self.fail(
            node,
            f"不允许的语法：{type(node).__name__}",
            f"syntax not allowed: {type(node).__name__}",
        )

    def compare(self, node: ast.Compare) -> tuple[Kind, Node]:
        operands = [self.visit(node.left)] + [self.visit(c) for c in node.comparators]
        steps: list[Node] = []
        for i, op in enumerate(node.ops):
            (ak, a), (bk, b) = operands[i], operands[i + 1]
            if ak == "str" or bk == "str":
                if not isinstance(op, ast.Eq | ast.NotEq) or ak != bk:
                    self.fail(
                        node, "字符串只能用 == 或 != 比较", "strings compare only with == or !="
                    )
                    continue
                eq = isinstance(op, ast.Eq)

                def scmp(env: Env, a: Node = a, b: Node = b, eq: bool = eq) -> Array:
                    return _str_compare(a(env), b(env), eq)

                steps.append(scmp)
                continue
            self.expect(node, ak, "num", "比较")
            self.expect(node, bk, "num", "比较")
            fn = _CMP[type(op)]

            def cmp(env: Env, a: Node = a, b: Node = b, fn: Any = fn) -> Array:
                x, y = _num(a(env), env.n), _num(b(env), env.n)
                miss = np.isnan(x) | np.isnan(y)
                with np.errstate(invalid="ignore"):
                    return np.where(miss, np.nan, fn(x, y).astype(np.float64))

            steps.append(cmp)

        def chain(env: Env) -> Array:
            acc = steps[0](env) if steps else np.full(env.n, np.nan)
            for s in steps[1:]:
                acc = _kleene_and(acc, s(env))
            return acc

        return "num", chain

    def call_where(self, node: ast.AST, args: list[ast.expr]) -> tuple[Kind, Node]:
        if len(args) != 3:
            return self.fail(node, "where 需要 3 个参数", "where takes 3 arguments")
        (ck, c), (ak, a), (bk, b) = (self.visit(x) for x in args)
        self.expect(args[0], ck, "num", "where 的条件")
        if ak != bk:
            self.fail(node, "where 的两个分支类型不同", "where's branches differ in type")
        if ak == "num":

            def where_num(env: Env) -> Array:
                t = _num(c(env), env.n)
                x, y = _num(a(env), env.n), _num(b(env), env.n)
                return np.where(np.isnan(t), np.nan, np.where(t != 0, x, y))

            return "num", where_num
        return ak, lambda env: np.where(_num(c(env), env.n) == 1, a(env), b(env))

    def call(self, node: ast.Call) -> tuple[Kind, Node]:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            fname = node.func.id if isinstance(node.func, ast.Name) else "?"
            near = difflib.get_close_matches(fname, list(FUNCTIONS), n=1)
            hint_zh = f"，是否为 {near[0]}？" if near else ""
            hint_en = f"; did you mean {near[0]}?" if near else ""
            return self.fail(
                node,
                f"不允许的函数 {fname}（可用：{', '.join(FUNCTIONS)}）{hint_zh}",
                f"function {fname!r} is not allowed (allowed: {', '.join(FUNCTIONS)}){hint_en}",
            )
        if node.keywords:
            return self.fail(node, "函数不接受关键字参数", "functions take no keyword arguments")
        name, args = node.func.id, node.args
        if name == "where":
            return self.call_where(node, list(args))
        if name == "prev":
            if len(args) != 1 or not isinstance(args[0], ast.Name):
                return self.fail(node, "prev 需要一个字段名", "prev takes one field name")
            fld = args[0].id
            if fld not in self.names:
                return self.unknown(args[0])
            self.prev_used.add(fld)
            kind = self.names[fld]

            def prev(env: Env) -> Array:
                if env.prev is None or fld not in env.prev:
                    if kind == "num":
                        return np.full(env.n, np.nan)
                    return np.full(env.n, None, dtype=object)
                return env.prev[fld]

            return kind, prev
        if name == "isin":
            if len(args) < 2 or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str | int | float)
                for a in args[1:]
            ):
                return self.fail(
                    node, "isin 需要字段与若干常量", "isin takes a field and constant values"
                )
            k, x = self.visit(args[0])
            vals = [a.value for a in args[1:] if isinstance(a, ast.Constant)]
            if k == "str":
                svals = np.asarray([str(v) for v in vals], dtype=object)

                def isin_s(env: Env) -> Array:
                    arr = np.asarray(x(env), dtype=object)
                    miss = _isnone(arr)
                    return np.where(miss, np.nan, np.isin(arr, svals).astype(np.float64))

                return "num", isin_s
            fvals = np.asarray([float(v) for v in vals if isinstance(v, int | float | str)])

            def isin_n(env: Env) -> Array:
                arr = _num(x(env), env.n)
                return np.where(np.isnan(arr), np.nan, np.isin(arr, fvals).astype(np.float64))

            return "num", isin_n
        parts = [self.visit(a) for a in args]
        kinds = [p[0] for p in parts]
        fns = [p[1] for p in parts]
        if name == "present":
            if len(args) != 1:
                return self.fail(node, "present 需要 1 个参数", "present takes 1 argument")
            f0, k0 = fns[0], kinds[0]

            def present(env: Env) -> Array:
                v = f0(env)
                if k0 == "num":
                    return (~np.isnan(_num(v, env.n))).astype(np.float64)
                if k0 == "date":
                    return np.asarray(~np.isnat(np.asarray(v)), dtype=np.float64)
                arr = np.asarray(v, dtype=object)
                return np.asarray((~_isnone(arr)) & (arr != ""), dtype=np.float64)

            return "num", present
        if name == "prefix":
            if len(args) != 2 or kinds[0] != "str" or not isinstance(args[1], ast.Constant):
                return self.fail(
                    node,
                    "prefix 需要字符串字段与整数常量",
                    "prefix takes a string field and an integer",
                )
            width, f0 = int(str(args[1].value)), fns[0]

            def prefix(env: Env) -> Array:
                arr = np.asarray(f0(env), dtype=object)
                out = np.full(arr.shape, None, dtype=object)
                ok = ~_isnone(arr)
                if ok.any():
                    out[ok] = arr[ok].astype(str).astype(f"<U{max(width, 1)}").astype(object)
                return out

            return "str", prefix
        if name == "year_of":
            if len(args) != 1 or kinds[0] != "date":
                return self.fail(node, "year_of 需要日期字段", "year_of takes a date field")
            f0 = fns[0]

            def year_of(env: Env) -> Array:
                d = np.asarray(f0(env)).astype("datetime64[D]")
                years = d.astype("datetime64[Y]").astype(np.int64).astype(np.float64) + 1970.0
                return np.where(np.isnat(d), np.nan, years)

            return "num", year_of
        for a, k in zip(args, kinds, strict=True):
            self.expect(a, k, "num", name)
        if name == "abs":
            if len(args) != 1:
                return self.fail(node, "abs 需要 1 个参数", "abs takes 1 argument")
            f0 = fns[0]
            return "num", lambda env: np.abs(_num(f0(env), env.n))
        if not args:
            return self.fail(node, f"{name} 至少需要 1 个参数", f"{name} needs an argument")

        def stack(env: Env) -> Array:
            return np.vstack([_num(f(env), env.n) for f in fns])

        if name in ("min", "max"):
            red = np.min if name == "min" else np.max
            return "num", lambda env: red(stack(env), axis=0)
        if name == "coalesce":

            def coalesce(env: Env) -> Array:
                m = stack(env)
                ok = ~np.isnan(m)
                first = ok.argmax(axis=0)
                out = m[first, np.arange(env.n)]
                return np.where(ok.any(axis=0), out, np.nan)

            return "num", coalesce

        def total(env: Env) -> Array:
            m = stack(env)
            ok = ~np.isnan(m)
            return np.where(ok.any(axis=0), np.where(ok, m, 0.0).sum(axis=0), np.nan)

        return "num", total


_KIND_ZH: dict[str, str] = {"num": "数值", "str": "字符串", "date": "日期"}


def compile_formula(text: str, names: Mapping[str, Kind]) -> Formula:
    """Parse and check a formula against the names it may use.

    Parameters
    ----------
    text : str
    names : mapping of str to {"num", "str", "date"}
        The fields, derived fields (and indicators) in scope, with their kinds.

    Returns
    -------
    Formula

    Raises
    ------
    _Problems
        With every problem found (unknown names with the nearest one, syntax
        not allowed, type mismatches); the method loader locates them.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise _Problems(
            [
                FormulaProblem(
                    f"公式语法错误：{exc.msg}",
                    f"formula syntax error: {exc.msg}",
                    max((exc.offset or 1) - 1, 0),
                )
            ]
        ) from None
    comp = _Compiler(text, names)
    kind, node = comp.visit(tree.body)
    if comp.problems:
        raise _Problems(comp.problems)
    return Formula(text, kind, frozenset(comp.used), frozenset(comp.prev_used), node)


def condition(formula: Formula, cols: Mapping[str, Array], *, n: int, **kw: Any) -> Array:
    """A formula as a boolean mask: missing counts as false."""
    v = formula.evaluate(cols, n=n, **kw)
    if formula.kind != "num":
        return np.zeros(n, dtype=bool)
    return np.asarray(_truth(v) == 1.0, dtype=bool)
