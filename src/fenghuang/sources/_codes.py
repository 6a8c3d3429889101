"""The shared vocabulary of data-quality codes, with Chinese and English texts.

Readers (:mod:`fenghuang.sources`), the synthetic generator and the warehouse
import use the same codes, so a fault injected by the generator shows up
under the code it was injected as, and the quarantine table reads the same
everywhere.

Row-level codes (``E-ROW-*``) describe one cell or row; those rows go to the
quarantine table (``SourceBatch.rejects``). File-level codes
(``E-SOURCE-*``) stop the reading of a file and are raised as
:class:`~fenghuang.errors.SourceError`.

Examples
--------
>>> CODES["E-ROW-NEGATIVE"].zh
'数值不应为负'
>>> err = source_error("E-SOURCE-EMPTY", file="tax.csv")
>>> err.code, err.context["file"]
('E-SOURCE-EMPTY', 'tax.csv')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fenghuang.errors import RowError, SourceError

__all__ = [
    "CODES",
    "FILE_CODES",
    "ROW_CODES",
    "Code",
    "open_error",
    "row_error",
    "source_error",
]


@dataclass(frozen=True)
class Code:
    """One data-quality code.

    Attributes
    ----------
    code : str
        Stable identifier, e.g. ``"E-ROW-NUMBER"``.
    zh, en : str
        What is wrong, in Chinese and English.
    hint_zh, hint_en : str
        What to do about it.
    """

    code: str
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""


def _codes(*items: Code) -> dict[str, Code]:
    return {c.code: c for c in items}


#: Row-level codes: the row goes to quarantine.
ROW_CODES: dict[str, Code] = _codes(
    Code(
        "E-ROW-CREDIT-CODE-CHECK",
        "统一社会信用代码校验位错误",
        "unified social credit code: wrong check character",
        "核对营业执照上的代码，常见为抄录错误",
        "check the code on the business licence; usually a typing error",
    ),
    Code(
        "E-ROW-CREDIT-CODE-FORMAT",
        "统一社会信用代码格式错误（应为18位，不含I、O、Z、S、V）",
        "unified social credit code: bad format (18 characters, no I, O, Z, S, V)",
        "核对代码位数与字符",
        "check the length and characters of the code",
    ),
    Code(
        "E-ROW-NUMBER",
        "无法识别的数值",
        "number cannot be parsed",
        "填写阿拉伯数字，如 1234.5",
        "write a plain number such as 1234.5",
    ),
    Code(
        "E-ROW-NEGATIVE",
        "数值不应为负",
        "value must not be negative",
        "核对原始数据或符号",
        "check the source value and its sign",
    ),
    Code(
        "E-ROW-UNIT",
        "计量单位无法识别或不适用于该字段",
        "unit of measure unknown or not valid for this field",
        "使用映射文件中允许的单位，或补充映射文件",
        "use a unit the mapping file allows, or add it to the mapping",
    ),
    Code(
        "E-ROW-DATE",
        "无法识别的日期或期间",
        "date or period cannot be parsed",
        "使用 2023-01、2023年1月 或 202301 等格式",
        "use a form such as 2023-01, 2023年1月 or 202301",
    ),
    Code(
        "E-ROW-MISSING",
        "缺少必填字段",
        "required field is missing",
        "补全该字段",
        "fill in the field",
    ),
    Code(
        "E-ROW-DUPLICATE",
        "完全重复的行",
        "exact duplicate row",
        "删除重复行（已保留第一行）",
        "remove the duplicate (the first copy was kept)",
    ),
    Code(
        "E-ROW-CONFLICT",
        "同一主键存在取值不同的多行",
        "several rows with the same key but different values",
        "确认哪一行正确并删除其余行",
        "decide which row is right and remove the others",
    ),
    Code(
        "E-ROW-ABSURD",
        "数值明显不合理",
        "implausible value",
        "核对单位与数量级",
        "check the unit and the order of magnitude",
    ),
    Code(
        "E-ROW-UNMATCHED",
        "找不到对应企业（信用代码与名称均未匹配）",
        "no firm found by credit code or name",
        "核对代码与名称，或先导入企业名录",
        "check code and name, or import the firm register first",
    ),
    Code(
        "E-ROW-VALUE",
        "取值不在允许的范围内",
        "value is not one of those allowed",
        "使用映射文件列出的取值，或补充映射文件",
        "use a value the mapping file lists, or add it to the mapping",
    ),
    Code(
        "E-ROW-COLUMNS",
        "该行的列数与表头不一致",
        "the row has a different number of fields than the header",
        "检查分隔符与引号",
        "check delimiters and quotes",
    ),
)

#: File-level codes: the file cannot be read.
FILE_CODES: dict[str, Code] = _codes(
    Code(
        "E-SOURCE-ENCODING",
        "无法识别文件的字符编码",
        "the file's character encoding cannot be determined",
        "另存为 UTF-8 或 GB18030 编码的 CSV，或另存为 xlsx",
        "save as CSV in UTF-8 or GB18030, or as xlsx",
    ),
    Code(
        "E-SOURCE-OPEN",
        "无法打开文件",
        "the file cannot be opened",
        "检查文件路径是否正确、文件是否存在以及是否有读取权限",
        "check the path, that the file exists and that it may be read",
    ),
    Code(
        "E-SOURCE-FORMAT",
        "文件格式无法读取",
        "the file format cannot be read",
        "提供 csv、xlsx、xls 或 parquet 文件",
        "provide a csv, xlsx, xls or parquet file",
    ),
    Code(
        "E-SOURCE-HEADER",
        "找不到可识别的表头",
        "no recognisable header row",
        "表头应包含映射文件中的列名",
        "the header must contain column names listed in the mapping file",
    ),
    Code(
        "E-SOURCE-EMPTY",
        "文件没有数据行",
        "the file has no data rows",
        "检查是否上传了正确的文件",
        "check that the right file was uploaded",
    ),
    Code(
        "E-SOURCE-MAPPING",
        "映射文件无效",
        "the mapping file is invalid",
        "按错误位置修改映射文件",
        "fix the mapping file at the places listed",
    ),
)

#: Every code, row-level and file-level.
CODES: dict[str, Code] = {**ROW_CODES, **FILE_CODES}


def _lookup(code: str) -> Code:
    try:
        return CODES[code]
    except KeyError:
        raise ValueError(f"unknown data-quality code {code!r}") from None


def source_error(
    code: str, *, detail_zh: str = "", detail_en: str = "", **context: Any
) -> SourceError:
    """A :class:`~fenghuang.errors.SourceError` for a file-level code.

    Parameters
    ----------
    code : str
        One of :data:`FILE_CODES` (or :data:`ROW_CODES`).
    detail_zh, detail_en : str
        Extra text appended to the standard message (e.g. what was expected).
    **context
        ``file=``, ``sheet=``, ``row=``, ``column=`` …
    """
    c = _lookup(code)
    zh = c.zh + (f"：{detail_zh}" if detail_zh else "")
    en = c.en + (f": {detail_en}" if detail_en else "")
    return SourceError(code, zh=zh, en=en, hint_zh=c.hint_zh, hint_en=c.hint_en, **context)


def row_error(code: str, *, detail_zh: str = "", detail_en: str = "", **context: Any) -> RowError:
    """A :class:`~fenghuang.errors.RowError` for a row-level code (same arguments)."""
    c = _lookup(code)
    zh = c.zh + (f"：{detail_zh}" if detail_zh else "")
    en = c.en + (f": {detail_en}" if detail_en else "")
    return RowError(code, zh=zh, en=en, hint_zh=c.hint_zh, hint_en=c.hint_en, **context)


def open_error(path: Path, exc: OSError) -> SourceError:
    """``E-SOURCE-OPEN`` for a file that cannot be opened (missing, a folder, no permission)."""
    zh = {
        FileNotFoundError: "文件不存在",
        IsADirectoryError: "这是一个文件夹",
        PermissionError: "没有读取权限",
    }.get(type(exc), "读取失败")
    return source_error(
        "E-SOURCE-OPEN", detail_zh=zh, detail_en=exc.strerror or str(exc), file=str(path)
    )
