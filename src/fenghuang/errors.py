"""One error hierarchy for Fenghuang.

Every error carries a stable ``code``, a message in Chinese and in English,
the context it happened in (file, sheet, row, column, firm, indicator, unit
…) and a hint saying what to do. The CLI and the web app show the same text.

::

    FenghuangError                    root; catch this to catch everything
    ├── InputError (ValueError)       bad data handed to a function
    │   ├── EngineInputError          a matrix/metadata the engine cannot use
    │   │   ├── HierarchyError        unknown parent, cycle in the indicator tree
    │   │   └── WeightsError          weights missing, negative, not summing to 1
    │   ├── SourceError               a department file that cannot be read
    │   │   └── RowError              one row/cell that fails validation
    │   └── ExtractionError           report text that cannot be processed
    ├── MethodError (ValueError)      a method file that does not validate
    ├── WarehouseError                the store: schema, migrations, transactions
    │   └── NotFoundError (KeyError)  a run, firm or import that does not exist
    ├── EvaluationError               an evaluation that cannot proceed
    ├── AccessDenied (PermissionError) a role may not see or change an object
    └── MissingDependencyError (ImportError) an optional extra is not installed

Examples
--------
>>> err = EngineInputError(
...     "E-ENGINE-ZERO-VARIANCE",
...     zh="指标方差为零，无法做最小-最大标准化",
...     en="indicator has zero variance; min-max normalisation is undefined",
...     indicator="LPI",
... )
>>> err.code
'E-ENGINE-ZERO-VARIANCE'
>>> "LPI" in str(err)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "AccessDenied",
    "EngineInputError",
    "EvaluationError",
    "ExtractionError",
    "FenghuangError",
    "HierarchyError",
    "InputError",
    "MethodError",
    "MissingDependencyError",
    "NotFoundError",
    "RowError",
    "SourceError",
    "WarehouseError",
    "WeightsError",
    "require",
]

# Context keys in display order, with their Chinese and English labels.
_CONTEXT_LABELS: dict[str, tuple[str, str]] = {
    "file": ("文件", "file"),
    "sheet": ("工作表", "sheet"),
    "line": ("行", "line"),
    "row": ("行号", "row"),
    "column": ("列", "column"),
    "field": ("字段", "field"),
    "firm": ("企业", "firm"),
    "indicator": ("指标", "indicator"),
    "unit": ("单元", "unit"),
    "value": ("值", "value"),
}


class FenghuangError(Exception):
    """Root of all Fenghuang errors.

    Parameters
    ----------
    code : str
        Stable machine-readable code such as ``"E-SOURCE-ENCODING"``.
    zh, en : str
        The message in Chinese and in English: what is wrong.
    hint_zh, hint_en : str, optional
        What to do about it.
    **context
        Where it happened: ``file``, ``sheet``, ``row``, ``column``, ``firm``,
        ``indicator``, ``unit`` … Values are shown as given.
    """

    def __init__(
        self,
        code: str,
        *,
        zh: str,
        en: str,
        hint_zh: str = "",
        hint_en: str = "",
        **context: Any,
    ) -> None:
        self.code = code
        self.zh = zh
        self.en = en
        self.hint_zh = hint_zh
        self.hint_en = hint_en
        self.context: dict[str, Any] = {k: v for k, v in context.items() if v is not None}
        super().__init__(self.message())

    def where(self, lang: str = "en") -> str:
        """The context as ``file=a.xlsx, row=12`` (or in Chinese)."""
        idx = 0 if lang == "zh" else 1
        parts = []
        keys = list(_CONTEXT_LABELS) + [k for k in self.context if k not in _CONTEXT_LABELS]
        for key in keys:
            if key in self.context:
                label = _CONTEXT_LABELS.get(key, (key, key))[idx]
                parts.append(f"{label}={self.context[key]}")
        sep = "，" if lang == "zh" else ", "
        return sep.join(parts)

    def message(self, lang: str | None = None) -> str:
        """Full text: both languages by default, or one with ``lang='zh'|'en'``."""
        out = []
        for lg in ("zh", "en") if lang is None else (lang,):
            text = self.zh if lg == "zh" else self.en
            where = self.where(lg)
            if where:
                text += f"（{where}）" if lg == "zh" else f" ({where})"
            hint = self.hint_zh if lg == "zh" else self.hint_en
            if hint:
                text += f" 建议：{hint}" if lg == "zh" else f" Hint: {hint}"
            out.append(text)
        return f"[{self.code}] " + " / ".join(out)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form, for the web app and quarantine tables."""
        return {
            "code": self.code,
            "zh": self.zh,
            "en": self.en,
            "hint_zh": self.hint_zh,
            "hint_en": self.hint_en,
            "context": {k: str(v) for k, v in self.context.items()},
        }

    def with_context(self, **context: Any) -> FenghuangError:
        """Add context (e.g. the file) to an error raised deeper down; returns self."""
        for k, v in context.items():
            if v is not None and k not in self.context:
                self.context[k] = v
        self.args = (self.message(),)
        return self


class InputError(FenghuangError, ValueError):
    """Bad data handed to a Fenghuang function."""


class EngineInputError(InputError):
    """A matrix or metadata the composite-indicator engine cannot use."""


class HierarchyError(EngineInputError):
    """The indicator tree has an unknown parent, a cycle or an empty group."""


class WeightsError(EngineInputError):
    """Weights are missing, negative, or do not sum to 1 where they must."""


class SourceError(InputError):
    """A department file that cannot be read at all."""


class RowError(SourceError):
    """One row or cell that fails validation; such rows go to quarantine."""


class ExtractionError(InputError):
    """Report text that cannot be processed."""


class MethodError(FenghuangError, ValueError):
    """A method file that does not validate. ``errors`` lists every problem found."""

    def __init__(
        self,
        code: str,
        *,
        zh: str,
        en: str,
        errors: list[Mapping[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.errors = list(errors or [])
        super().__init__(code, zh=zh, en=en, **kwargs)

    def message(self, lang: str | None = None) -> str:
        head = super().message(lang)
        lines = [head]
        for e in getattr(self, "errors", []):
            loc = e.get("where", "")
            lines.append(f"  - {loc}: {e.get('zh', '')} / {e.get('en', '')}")
        return "\n".join(lines)


class WarehouseError(FenghuangError):
    """The store: schema version, migrations, transactions."""


class NotFoundError(WarehouseError, KeyError):
    """A run, firm or import that does not exist."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.message()


class EvaluationError(FenghuangError):
    """An evaluation that cannot proceed."""


class AccessDenied(FenghuangError, PermissionError):
    """A role may not see or change an object."""


class MissingDependencyError(FenghuangError, ImportError):
    """An optional dependency is missing; the message says what to install."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            "E-MISSING-DEPENDENCY",
            zh=f"缺少可选依赖 {package}",
            en=f"optional dependency {package} is not installed",
            hint_zh=f"运行 pip install 'fenghuang[{extra}]'",
            hint_en=f"run pip install 'fenghuang[{extra}]'",
        )


def require(module: str, extra: str) -> Any:
    """Import an optional module or raise :class:`MissingDependencyError`."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(module, extra) from exc
