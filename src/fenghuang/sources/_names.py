"""Firm-name normalisation for entity resolution.

Departments write the same firm's name differently: full-width or
half-width letters and brackets, stray spaces, 有限责任公司 for 有限公司,
with or without the brackets around a place name. :func:`normalize_name`
maps such variants to one key. It is a pure function; the warehouse applies
it to names and to former names (曾用名) when matching rows to firms.

What stays distinct on purpose: 股份有限公司 (a different legal form) and a
branch (…分公司), which is a firm of its own.

Examples
--------
>>> normalize_name("萍乡市（江西）安源 有限责任公司")
'萍乡市江西安源有限公司'
>>> normalize_name("萍乡市(江西)安源有限公司")
'萍乡市江西安源有限公司'
>>> normalize_name("ＡＢＣ陶瓷股份有限公司") == normalize_name("abc陶瓷股份有限公司")
True
>>> normalize_name("安源有限公司芦溪分公司") == normalize_name("安源有限公司")
False
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_name"]

_BRACKETS = re.compile(r"[()\[\]{}<>（）【】〔〕［］｛｝《》〈〉「」『』]")
_NOISE = re.compile(r"[\s\u3000·•・.,，、'\"“”‘’`]")
_FORMS = (
    ("有限责任公司", "有限公司"),
    ("有限公司公司", "有限公司"),
)


def normalize_name(name: str | None) -> str:
    """The matching key of a firm name.

    Parameters
    ----------
    name : str or None
        A firm name as written by a department.

    Returns
    -------
    str
        NFKC-normalised (full-width → half-width), upper-case, without
        spaces, punctuation or bracket characters (their content is kept),
        with 有限责任公司 written as 有限公司. ``""`` for ``None``/blank.
    """
    if not name:
        return ""
    text = name
    for _ in range(4):  # removing characters can leave a composable pair: repeat to a fixed point
        before = text
        text = unicodedata.normalize("NFKC", text).upper()
        text = _NOISE.sub("", text)
        text = _BRACKETS.sub("", text)
        for old, new in _FORMS:
            text = text.replace(old, new)
        if text == before:
            break
    return text
