"""Builders for department files written into ``tmp_path``."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from fenghuang.sources import make_credit_code

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def valid_code(i: int) -> str:
    """The i-th synthetic but valid credit code (萍乡 division 360300)."""
    body = ""
    n = i
    for _ in range(8):
        body = _ALPHABET[n % 31] + body
        n //= 31
    return make_credit_code("91360300M" + body)


def bad_check(code: str) -> str:
    """The same code with a wrong check character."""
    last = code[-1]
    other = _ALPHABET[(_ALPHABET.index(last) + 1) % 31]
    return code[:-1] + other


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8", sep: str = ","
) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    for r in rows:
        w.writerow(["" if v is None else str(v) for v in r])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def workbook_bytes(
    sheets: dict[str, Sequence[Sequence[object]]], merges: dict[str, list[str]] | None = None
) -> bytes:
    wb = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        for r in rows:
            ws.append(list(r))
        for rng in (merges or {}).get(title, []):
            ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
