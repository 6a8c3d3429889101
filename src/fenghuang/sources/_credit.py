"""The unified social credit code (统一社会信用代码, GB 32100-2015).

An 18-character code: registration authority (1), category (1), the
six-digit administrative division code (6), the organisation code (9) and a
check character (1). Characters come from ``0-9 A-H J-N P-R T-U W-Y`` (31
symbols; no I, O, Z, S, V). The check character is ``31 - (Σ wᵢ·vᵢ mod 31)``
over the first 17 characters with weights 1, 3, 9, 27, 19, 26, 16, 17, 20,
29, 25, 13, 8, 24, 10, 30, 28 (the value 31 maps to ``0``).

:func:`make_credit_code` completes a 17-character body with its check
character: the synthetic generator uses it to write valid codes.

Examples
--------
>>> credit_code_problem("91350100M000100Y43") is None
True
>>> credit_code_problem("91350100M000100Y44")
'E-ROW-CREDIT-CODE-CHECK'
>>> make_credit_code("91360300MA35ABCDE")[-1] in CHARSET
True
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa

__all__ = [
    "CHARSET",
    "credit_check_char",
    "credit_code_checks",
    "credit_code_problem",
    "is_valid_credit_code",
    "make_credit_code",
    "normalize_credit_code",
]

#: The 31 characters allowed, in the order of their values 0–30.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Authority + category, 6-digit division code, 9-character organisation code, check.
_FORMAT = re.compile(r"[0-9A-HJ-NP-RT-UW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RT-UW-Y]{10}")
_TRANS = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
)


def normalize_credit_code(code: str) -> str:
    """Strip spaces, make full-width characters half-width and upper-case.

    >>> normalize_credit_code(" ９１３５0100m000100y43 ")
    '91350100M000100Y43'
    """
    return "".join(code.translate(_TRANS).split()).upper()


def credit_check_char(body17: str) -> str:
    """The check character for the first 17 characters of a code.

    Raises
    ------
    ValueError
        If ``body17`` is not 17 characters from :data:`CHARSET`.
    """
    if len(body17) != 17 or any(ch not in _VALUE for ch in body17):
        raise ValueError(f"credit code body must be 17 characters of {CHARSET}: {body17!r}")
    total = sum(w * _VALUE[ch] for w, ch in zip(_WEIGHTS, body17, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def make_credit_code(body17: str) -> str:
    """Complete a 17-character body with its GB 32100-2015 check character.

    Parameters
    ----------
    body17 : str
        Authority, category, division code and organisation code, e.g.
        ``"91360300MA35ABCDE"`` (萍乡 division code 360300).

    Returns
    -------
    str
        The 18-character valid code.

    Examples
    --------
    >>> code = make_credit_code("91360300MA35ABCDE")
    >>> len(code), is_valid_credit_code(code)
    (18, True)
    """
    body = normalize_credit_code(body17)
    return body + credit_check_char(body)


def credit_code_problem(code: str) -> str | None:
    """``None`` if the (normalised) code is valid, else the error code.

    Returns ``"E-ROW-CREDIT-CODE-FORMAT"`` when the length or characters are
    wrong and ``"E-ROW-CREDIT-CODE-CHECK"`` when only the check character is.
    """
    if not _FORMAT.fullmatch(code):  # not match: "$" would let a trailing newline through
        return "E-ROW-CREDIT-CODE-FORMAT"
    if credit_check_char(code[:17]) != code[17]:
        return "E-ROW-CREDIT-CODE-CHECK"
    return None


#: Byte → character value (−1: not in :data:`CHARSET`).
_BYTE_VALUE = np.full(256, -1, dtype=np.int16)
_BYTE_VALUE[np.frombuffer(CHARSET.encode(), dtype=np.uint8)] = np.arange(31, dtype=np.int16)
_CHARSET_BYTES = np.frombuffer(CHARSET.encode(), dtype=np.uint8)
_WEIGHT_ARRAY = np.array(_WEIGHTS, dtype=np.int16)  # Σ wᵢ·vᵢ < 2¹⁵


def credit_code_checks(codes: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`credit_code_problem` over codes as they stand (not normalised).

    Returns
    -------
    fmt, good : numpy.ndarray of bool
        ``fmt``: the code has the GB 32100-2015 format; ``good``: it has the
        format and its check character is right. A null code is neither.

    Examples
    --------
    >>> fmt, good = credit_code_checks(pa.array(["91350100M000100Y43", "91350100M000100Y44", "x"]))
    >>> fmt.tolist(), good.tolist()
    ([True, True, False], [True, False, False])
    """
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    n = len(codes)
    fmt = np.zeros(n, dtype=bool)
    good = np.zeros(n, dtype=bool)
    if n == 0 or codes.null_count == n:
        return fmt, good
    wide = pa.types.is_large_string(codes.type)
    offsets: np.ndarray = np.frombuffer(codes.buffers()[1], dtype=np.int64 if wide else np.int32)[
        codes.offset : codes.offset + n + 1
    ].astype(np.int64)
    data = np.frombuffer(codes.buffers()[2], dtype=np.uint8)
    # one byte per character: a code of another byte length (or a null) has no format
    sel = np.diff(offsets) == 18
    if codes.null_count:
        sel &= codes.is_valid().to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(sel)
    packed = len(rows) == n and int(offsets[-1] - offsets[0]) == 18 * n  # no gather needed
    step = 1 << 20  # bounded scratch memory for any number of codes
    for lo in range(0, len(rows), step):
        at = rows[lo : lo + step]
        if packed:
            first = int(offsets[0]) + 18 * lo
            b = data[first : first + 18 * len(at)].reshape(-1, 18)
        else:
            b = data[offsets[at][:, None] + np.arange(18)]
        value = _BYTE_VALUE[b]
        # every character in the set, and the six of the division code digits (values 0–9)
        ok = (value.min(axis=1) >= 0) & (value[:, 2:8].max(axis=1) < 10)
        total = (value[:, :17] * _WEIGHT_ARRAY).sum(axis=1, dtype=np.int32)
        fmt[at] = ok
        good[at] = ok & (_CHARSET_BYTES[(31 - total % 31) % 31] == b[:, 17])
    return fmt, good


def is_valid_credit_code(code: str) -> bool:
    """Whether ``code`` (after normalisation) is a valid credit code."""
    return credit_code_problem(normalize_credit_code(code)) is None
