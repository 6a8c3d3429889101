"""Load and validate method files; every problem is reported at once with its line.

Errors are collected from three passes, then raised together as one
:class:`fenghuang.errors.MethodError` (code ``E-METHOD-INVALID``) whose
``errors`` each carry ``file``, ``line``, ``column``, ``path`` (the key path,
e.g. ``pools[0].items[2].weight``), ``where`` (``file:line:column path``) and
the zh/en message:

1. the schema (pydantic: missing keys, unknown keys, wrong types and ranges);
2. the formulas (syntax, functions, unknown names with the nearest known one,
   types), compiled in their scope;
3. cross-references (an item naming an unknown indicator, class labels,
   shares that do not sum to 1, thresholds not decreasing …).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
import tomllib
from pathlib import Path

from fenghuang.errors import MethodError
from fenghuang.methods._checks import Collector, compile_all, schema_errors, semantic
from fenghuang.methods._schema import Method, MethodInfo

__all__ = [
    "list_methods",
    "load_method",
    "method_sha256",
    "method_text",
    "parse_method",
]


#: Kinds of the data-model fields a formula may read.
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
        names = ", ".join(sorted(x.stem for x in _data_dir().glob("*.toml")))
        raise MethodError(
            "E-METHOD-NOT-FOUND",
            zh=f"没有名为 {name_or_path} 的评价方法",
            en=f"no method named {name_or_path!r}",
            hint_zh=f"可用的方法：{names}",
            hint_en=f"available methods: {names}",
        )
    return cand


def method_text(name_or_path: str | Path) -> str:
    """The text of a shipped method (by name) or of a method file (by path)."""
    return _resolve(name_or_path).read_text(encoding="utf-8")


def method_sha256(name_or_path: str | Path) -> str:
    """SHA-256 (hex) of :func:`method_text`."""
    return hashlib.sha256(method_text(name_or_path).encode("utf-8")).hexdigest()


def load_method(name_or_path: str | Path) -> Method:
    """Load and validate a method: a shipped name (``huangyan-2022``) or a TOML path.

    Parameters
    ----------
    name_or_path : str or Path

    Returns
    -------
    Method

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
    """
    path = _resolve(name_or_path)
    return parse_method(path.read_text(encoding="utf-8"), file=str(path))


def list_methods() -> list[MethodInfo]:
    """The shipped methods, by name."""
    out = []
    for p in sorted(_data_dir().glob("*.toml")):
        m = load_method(p)
        src = m.meta.source
        cite = "，".join(x for x in (src.title, src.document, src.date) if x)
        out.append(
            MethodInfo(
                name=m.meta.name,
                title_zh=m.meta.title_zh,
                title_en=m.meta.title_en,
                source=cite,
                reconstruction=m.meta.reconstruction,
            )
        )
    return out


_TOML_POS = re.compile(r"at line (\d+), column (\d+)")


def parse_method(text: str, *, file: str = "<method>") -> Method:
    """Validate a method file's text (e.g. one stored with a run).

    Parameters
    ----------
    text : str
        TOML.
    file : str
        Named in errors.

    Returns
    -------
    Method

    Raises
    ------
    MethodError
        ``E-METHOD-TOML`` for a syntax error, ``E-METHOD-INVALID`` with all
        problems otherwise (see the module docstring).
    """
    try:
        data = tomllib.loads(text)
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
    col = Collector(text, file)
    method = schema_errors(col, data)
    formulas = compile_all(col, data)
    if method is not None:
        semantic(col, method)
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
    method._formulas = formulas
    method._text = text
    method._sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    method._file = file
    return method
