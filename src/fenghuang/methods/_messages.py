"""Chinese text for pydantic's validation errors, by error type and its ``ctx`` values.

pydantic's messages (``Input should be …``) are English. A method file's
errors show a zh message and an en one; the en part is pydantic's own
message, the zh part is built here from the error's *type* (``missing``,
``extra_forbidden``, ``float_parsing``, ``greater_than_equal``,
``literal_error`` …) and its ``ctx`` (bounds, allowed values, pattern), so it
holds no English text of pydantic's. Our own validators raise
:class:`pydantic_core.PydanticCustomError` with ``ctx = {"zh": …, "en": …}``
(see :func:`fenghuang.methods._policy._fail`); those texts are used as they are.
A type not in the table still gets a Chinese message (``取值无效``) naming
the type, never pydantic's English.

Examples
--------
>>> zh_message({"type": "greater_than_equal", "msg": "Input should be ...", "ctx": {"ge": 0.0}})
'不得小于 0'
>>> zh_message({"type": "literal_error", "msg": "...", "ctx": {"expected": "'fix', 'up' or 'down'"}})
"取值应为 'fix'、'up'、'down' 之一"
>>> zh_message({"type": "float_parsing", "msg": "...", "input": "thirty"})
"应为数值（写的是 'thirty'）"
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["PATTERNS_ZH", "ZH_TYPES", "en_message", "zh_message"]

#: zh text by pydantic error type; ``{name}`` takes the error's ``ctx`` values.
ZH_TYPES: dict[str, str] = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知的键（方法文件不允许多余的键）",
    "literal_error": "取值应为 {expected} 之一",
    "enum": "取值应为 {expected} 之一",
    "string_pattern_mismatch": "格式不符合要求（{pattern}）",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "不得小于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "不得大于 {le}",
    "multiple_of": "应为 {multiple_of} 的整数倍",
    "finite_number": "应为有限数值（不能是 inf 或 nan）",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "string_too_short": "至少需要 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "float_parsing": "应为数值",
    "float_type": "应为数值",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数，不能带小数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为字符串",
    "list_type": "应为数组",
    "tuple_type": "应为数组",
    "set_type": "应为数组",
    "model_type": "应为表（TOML table）",
    "model_attributes_type": "应为表（TOML table）",
    "dict_type": "应为表（TOML table）",
    "none_required": "此处不应有值",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
}

#: Patterns of the method schemas, said in words.
PATTERNS_ZH: dict[str, str] = {
    r"^[A-Za-z_][A-Za-z0-9_]*$": "须以英文字母或下划线开头，只含英文字母、数字和下划线",
    r"^[a-z0-9][a-z0-9-]*$": "只能含小写英文字母、数字和连字符（-），以字母或数字开头",
    r"^[a-z][a-z0-9_]*$": "须以小写英文字母开头，只含小写英文字母、数字和下划线",
}

# Types whose zh message also says what was written.
_SHOW_INPUT = {
    "literal_error",
    "enum",
    "float_parsing",
    "float_type",
    "int_parsing",
    "int_type",
    "int_from_float",
    "bool_type",
    "bool_parsing",
    "string_type",
    "finite_number",
    "string_pattern_mismatch",
}


def _number(v: Any) -> Any:
    """``0.0`` as ``0``, ``1e-06`` as ``1e-06``: a bound as a reader writes it."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _choices(expected: str) -> str:
    """pydantic's ``'a', 'b' or 'c'`` as ``'a'、'b'、'c'``."""
    head, sep, last = expected.rpartition(" or ")
    parts = [*(head.split(", ") if sep else []), last if sep else expected]
    return "、".join(p.strip() for p in parts if p.strip())


def _scalar(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "…"


def zh_message(e: Mapping[str, Any]) -> str:
    """The zh message of one pydantic error (a dict from ``ValidationError.errors()``).

    Parameters
    ----------
    e : mapping
        With ``type``, ``msg`` and optionally ``ctx`` and ``input``.

    Returns
    -------
    str
        Chinese text with the ``ctx`` values (bounds, allowed values); for
        our own custom errors, their ``ctx["zh"]``.
    """
    ctx = dict(e.get("ctx") or {})
    if ctx.get("zh"):
        return str(ctx["zh"])
    kind = str(e.get("type", ""))
    template = ZH_TYPES.get(kind)
    if template is None:
        return f"取值无效（校验类型 {kind}）" if kind else "取值无效"
    values = {k: _number(v) for k, v in ctx.items()}
    if "expected" in values:
        values["expected"] = _choices(str(values["expected"]))
    if "pattern" in values:
        values["pattern"] = PATTERNS_ZH.get(str(values["pattern"]), f"正则 {values['pattern']}")
    if kind in ("string_too_short", "too_short") and values.get("min_length") == 1:
        text = "不能为空"
    else:
        try:
            text = template.format(**values)
        except (KeyError, IndexError):
            text = template.split("{", 1)[0].rstrip() or "取值无效"
    value = e.get("input")
    if kind in _SHOW_INPUT and isinstance(value, str | int | float | bool):
        text += f"（写的是 {_scalar(value)}）"
    return text


def en_message(e: Mapping[str, Any]) -> str:
    """The en message: our custom errors' ``ctx["en"]``, else pydantic's own ``msg``."""
    ctx = e.get("ctx") or {}
    return str(ctx.get("en") or e.get("msg", ""))
