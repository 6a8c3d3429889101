from __future__ import annotations

import pytest

from fenghuang import errors


def test_message_carries_both_languages_and_context() -> None:
    err = errors.RowError(
        "E-ROW-CREDIT-CODE",
        zh="统一社会信用代码校验位错误",
        en="credit code check character is wrong",
        hint_zh="核对原始登记",
        hint_en="check the registration",
        file="税务.xlsx",
        sheet="Sheet1",
        row=12,
        column="信用代码",
    )
    text = str(err)
    assert text.startswith(
        "[E-ROW-CREDIT-CODE] 统一社会信用代码校验位错误（文件=税务.xlsx，工作表=Sheet1"
    )
    assert "credit code check character is wrong (file=税务.xlsx, sheet=Sheet1, row=12" in text
    assert "Hint: check the registration" in text
    assert err.to_dict()["context"]["row"] == "12"


def test_hierarchy_subclasses_builtins() -> None:
    assert issubclass(errors.EngineInputError, ValueError)
    assert issubclass(errors.NotFoundError, KeyError)
    assert issubclass(errors.AccessDenied, PermissionError)
    assert issubclass(errors.MissingDependencyError, ImportError)
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, errors.FenghuangError)


def test_require_gives_install_hint() -> None:
    with pytest.raises(errors.MissingDependencyError, match=r"fenghuang\[web\]"):
        errors.require("no_such_module_xyz", "web")


def test_with_context_adds_file_once() -> None:
    err = errors.SourceError("E-X", zh="坏", en="bad", row=3)
    err.with_context(file="a.csv", row=99)
    assert err.context == {"row": 3, "file": "a.csv"}
    assert "file=a.csv" in str(err)
