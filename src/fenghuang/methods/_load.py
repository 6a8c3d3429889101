"""Load and validate method files of both kinds; every problem is reported at once with its line.

A file's top-level ``kind`` says what it is: ``"firm"`` (the default) for a
firm evaluation method, ``"city-index"`` for a city transformation index
(:class:`~fenghuang.methods.CityIndexMethod`). The same functions load both;
the caller says which kind it expects (``kind="firm"`` by default, ``None``
for either), and a file of the other kind is an error located at its
``kind`` key.

Errors are collected from three passes, then raised together as one
:class:`fenghuang.errors.MethodError` (code ``E-METHOD-INVALID``) whose
``errors`` each carry ``file``, ``line``, ``column``, ``path`` (the key path,
e.g. ``pools[0].items[2].weight``), ``where`` (``file:line:column path``) and
the zh/en message:

1. the schema (pydantic: missing keys, unknown keys, wrong types and ranges);
2. firm methods: the formulas (syntax, functions, unknown names with the
   nearest known one, types), compiled in their scope; city-index methods:
   the indicator codes against ``catalogue`` when given;
3. cross-references (an item naming an unknown indicator, class labels,
   shares that do not sum to 1, thresholds not decreasing; every class label
   of ``[policies]`` against the classes the method gives, see
   :mod:`fenghuang.methods._policy_checks`; duplicate pillar and dimension
   codes, the pillars of a warning ratio …).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import Any, Literal, overload

from fenghuang.errors import MethodError
from fenghuang.methods._checks import Collector, compile_all, schema_errors, semantic
from fenghuang.methods._index_checks import catalogue_refs, index_semantic
from fenghuang.methods._index_schema import CityIndexMethod
from fenghuang.methods._policy_checks import policy_labels
from fenghuang.methods._schema import Method, MethodInfo

__all__ = [
    "KINDS",
    "AnyMethod",
    "MethodKind",
    "list_methods",
    "load_method",
    "method_sha256",
    "method_text",
    "parse_method",
]

#: The kinds of method file, as written in a file's top-level ``kind``.
MethodKind = Literal["firm", "city-index"]
KINDS: tuple[MethodKind, ...] = ("firm", "city-index")
#: A validated method file of either kind.
AnyMethod = Method | CityIndexMethod


def _data_dir() -> Path:
    return Path(str(importlib.resources.files("fenghuang.methods") / "data"))


def _resolve(name_or_path: str | Path) -> Path:
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists() or len(p.parts) > 1:
        if not p.is_file():
            raise MethodError(
                "E-METHOD-NOT-FOUND",
                zh=f"找不到方法文件 {p}",
                en=f"method file {p} does not exist",
                file=str(p),
            )
        return p
    cand = _data_dir() / f"{name_or_path}.toml"
    if not cand.is_file():
        names = ", ".join(f"{x.stem} ({_file_kind(x)})" for x in sorted(_data_dir().glob("*.toml")))
        raise MethodError(
            "E-METHOD-NOT-FOUND",
            zh=f"没有名为 {name_or_path} 的评价方法",
            en=f"no method named {name_or_path!r}",
            hint_zh=f"可用的方法：{names}",
            hint_en=f"available methods: {names}",
        )
    return cand


def _file_kind(path: Path) -> str:
    """The ``kind`` a shipped file declares (``firm`` when it names none)."""
    try:
        return str(tomllib.loads(path.read_text(encoding="utf-8")).get("kind", "firm"))
    except tomllib.TOMLDecodeError:
        return "?"


def method_text(name_or_path: str | Path) -> str:
    """The text of a shipped method (by name) or of a method file (by path)."""
    return _resolve(name_or_path).read_text(encoding="utf-8")


def method_sha256(name_or_path: str | Path) -> str:
    """SHA-256 (hex) of :func:`method_text`."""
    return hashlib.sha256(method_text(name_or_path).encode("utf-8")).hexdigest()


@overload
def load_method(
    name_or_path: str | Path,
    *,
    kind: Literal["firm"] = ...,
    catalogue: Collection[str] | None = ...,
) -> Method: ...
@overload
def load_method(
    name_or_path: str | Path,
    *,
    kind: Literal["city-index"],
    catalogue: Collection[str] | None = ...,
) -> CityIndexMethod: ...
@overload
def load_method(
    name_or_path: str | Path,
    *,
    kind: None,
    catalogue: Collection[str] | None = ...,
) -> Method | CityIndexMethod: ...
def load_method(
    name_or_path: str | Path,
    *,
    kind: MethodKind | None = "firm",
    catalogue: Collection[str] | None = None,
) -> Method | CityIndexMethod:
    """Load and validate a method: a shipped name (``huangyan-2022``) or a TOML path.

    Parameters
    ----------
    name_or_path : str or Path
    kind : {"firm", "city-index"} or None, default "firm"
        The kind expected; ``None`` takes whichever the file declares.
    catalogue : collection of str, optional
        City-index methods: the indicator codes they may name (the
        monitor's catalogue); an unknown code is a located error.

    Returns
    -------
    Method or CityIndexMethod

    Raises
    ------
    MethodError
        ``E-METHOD-NOT-FOUND``, ``E-METHOD-TOML`` (syntax) or
        ``E-METHOD-INVALID`` with every problem in ``errors``.

    Examples
    --------
    >>> m = load_method("huangyan-2022")
    >>> m.meta.name, [p.code for p in m.pools]
    ('huangyan-2022', ['above', 'below'])
    >>> load_method("four-dimension", kind="city-index").index.score
    'mean'
    """
    path = _resolve(name_or_path)
    return parse_method(
        path.read_text(encoding="utf-8"), file=str(path), kind=kind, catalogue=catalogue
    )


def list_methods(kind: MethodKind | None = "firm") -> list[MethodInfo]:
    """The shipped methods of one kind (firm methods by default; ``None``: all), by name.

    Examples
    --------
    >>> [m.name for m in list_methods("city-index")]
    ['four-dimension', 'pressure-capacity']
    """
    out = []
    for p in sorted(_data_dir().glob("*.toml")):
        if kind is not None and _file_kind(p) != kind:
            continue
        m = load_method(p, kind=None)
        src = m.meta.source
        cite = "，".join(x for x in (src.title, src.document, src.date) if x)
        out.append(
            MethodInfo(
                name=m.meta.name,
                title_zh=m.meta.title_zh,
                title_en=m.meta.title_en,
                source=cite,
                reconstruction=m.meta.reconstruction,
                kind=m.kind,
            )
        )
    return out


_TOML_POS = re.compile(r"at line (\d+), column (\d+)")


def _toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS.search(str(exc))
        line, column = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        raise MethodError(
            "E-METHOD-TOML",
            zh=f"方法文件不是有效的 TOML：{exc}",
            en=f"method file is not valid TOML: {exc}",
            errors=[
                {
                    "file": file,
                    "line": line,
                    "column": column,
                    "path": "",
                    "where": f"{file}:{line}:{column}",
                    "zh": "TOML 语法错误",
                    "en": str(exc),
                }
            ],
            file=file,
            line=line,
            column=column,
        ) from None


def _declared_kind(col: Collector, data: dict[str, Any], expected: MethodKind | None) -> str:
    """The kind to validate the file as; a located error if it is not the ``expected`` one."""
    if "kind" not in data:
        if expected != "city-index":
            return "firm"
        if "pillars" not in data:  # a firm file where a city index is expected
            col.add(
                ("kind",),
                "这是 firm 方法（未写 kind，默认为 firm），此处需要 city-index 方法",
                "this is a firm method (no kind: firm by default); a city-index method is expected",
            )
            return "firm"
        col.add(
            ("kind",),
            '城市转型指数方法须写 kind = "city-index"（不写时默认为 firm 企业评价方法）',
            "a city-index method must say kind = 'city-index' (no kind means 'firm')",
        )
        return "city-index"
    raw = data["kind"]
    if raw not in KINDS:
        col.add(
            ("kind",),
            f"未知的方法类型 {raw!r}，应为 firm 或 city-index",
            f"unknown method kind {raw!r}; use 'firm' or 'city-index'",
        )
        return expected or "firm"
    if expected is not None and raw != expected:
        col.add(
            ("kind",),
            f"这是 {raw} 方法，此处需要 {expected} 方法",
            f"this is a {raw} method; a {expected} method is expected here",
        )
    return str(raw)


@overload
def parse_method(
    text: str,
    *,
    file: str = ...,
    kind: Literal["firm"] = ...,
    catalogue: Collection[str] | None = ...,
) -> Method: ...
@overload
def parse_method(
    text: str,
    *,
    file: str = ...,
    kind: Literal["city-index"],
    catalogue: Collection[str] | None = ...,
) -> CityIndexMethod: ...
@overload
def parse_method(
    text: str,
    *,
    file: str = ...,
    kind: None,
    catalogue: Collection[str] | None = ...,
) -> Method | CityIndexMethod: ...
def parse_method(
    text: str,
    *,
    file: str = "<method>",
    kind: MethodKind | None = "firm",
    catalogue: Collection[str] | None = None,
) -> Method | CityIndexMethod:
    """Validate a method file's text (e.g. one stored with a run).

    Parameters
    ----------
    text : str
        TOML.
    file : str
        Named in errors.
    kind : {"firm", "city-index"} or None, default "firm"
        The kind expected; ``None`` takes whichever the file declares.
    catalogue : collection of str, optional
        City-index methods: the indicator codes they may name.

    Returns
    -------
    Method or CityIndexMethod
        As the file's ``kind`` says.

    Raises
    ------
    MethodError
        ``E-METHOD-TOML`` for a syntax error, ``E-METHOD-INVALID`` with all
        problems otherwise (see the module docstring), a file of another kind
        than ``kind`` included.
    """
    data = _toml(text, file)
    col = Collector(text, file)
    declared = _declared_kind(col, data, kind)
    if "kind" in data and data["kind"] not in KINDS:
        data = {k: v for k, v in data.items() if k != "kind"}  # reported once, above
    method: Method | CityIndexMethod | None
    if declared == "city-index":
        data.setdefault("kind", "city-index")
        if catalogue is not None:
            catalogue_refs(col, data, catalogue)
        method = schema_errors(col, data, CityIndexMethod)
        if method is not None:
            index_semantic(col, method)
    else:
        method = schema_errors(col, data, Method)
        formulas = compile_all(col, data)
        if method is not None:
            semantic(col, method)
            policy_labels(col, method)
            method._formulas = formulas
    if col.errors or method is None:
        n = len(col.errors)
        raise MethodError(
            "E-METHOD-INVALID",
            zh=f"方法文件有 {n} 处错误",
            en=f"method file has {n} problem(s)",
            errors=col.errors,
            file=file,
            hint_zh="按所列行号与键路径逐一修改，格式见 docs/methods.md",
            hint_en="fix each listed line and key path; the format is in docs/methods.md",
        )
    method._stamp(text, file)
    return method
