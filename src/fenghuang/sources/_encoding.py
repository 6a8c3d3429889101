"""Character encodings of department CSV files.

Departments send UTF-8, UTF-8 with a byte-order mark, GBK and GB18030.
Detection order: a BOM; strict UTF-8; strict GBK, then strict GB18030 (a
superset of GBK); charset-normalizer's best guess; otherwise the file is
refused with ``E-SOURCE-ENCODING``.

Examples
--------
>>> decode_text("企业名称".encode("gbk"))
('企业名称', 'gbk')
>>> decode_text("\\ufeff企业名称".encode("utf-8"))
('企业名称', 'utf-8-sig')
"""

from __future__ import annotations

import codecs

from fenghuang.sources._codes import source_error

__all__ = ["decode_text", "detect_encoding"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def detect_encoding(data: bytes, *, file: str | None = None, sample: bool = False) -> str:
    """The encoding of ``data`` (a Python codec name).

    With ``sample=True`` the bytes are the start of a larger file: a
    character cut at the end is tolerated.

    Raises
    ------
    fenghuang.errors.SourceError
        ``E-SOURCE-ENCODING`` when no encoding decodes the bytes.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    cuts = range(4) if sample and len(data) > 4 else range(1)
    for name in ("utf-8", "gbk", "gb18030"):
        for cut in cuts:
            if _strict(data[: len(data) - cut], name) is not None:
                return name
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and _strict(data, best.encoding) is not None:
        return str(best.encoding)
    raise source_error(
        "E-SOURCE-ENCODING",
        detail_zh="已尝试 UTF-8、GBK、GB18030",
        detail_en="tried UTF-8, GBK, GB18030",
        file=file,
    )


def decode_text(data: bytes, *, file: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns ``(text, encoding)`` without a BOM."""
    encoding = detect_encoding(data, file=file)
    text = data.decode(encoding)
    return text.lstrip("\ufeff"), encoding
