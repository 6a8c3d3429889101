"""The quarantine: rejected cells and rows with their place and reason.

Each entry names the file, sheet, row (as a person sees it), column (the
header as written), the code of :mod:`._codes` with its Chinese and English
reason, and the raw cell value.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fenghuang.sources._codes import CODES

__all__ = ["REJECT_SCHEMA", "Rejects", "distinct_rejects", "empty_rejects", "format_rejects"]

#: Columns of ``SourceBatch.rejects``.
REJECT_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("sheet", pa.string()),
        ("row", pa.int64()),
        ("column", pa.string()),
        ("code", pa.string()),
        ("reason_zh", pa.string()),
        ("reason_en", pa.string()),
        ("raw_value", pa.string()),
        ("field", pa.string()),
    ]
)


def empty_rejects() -> pa.Table:
    """A rejects table with no rows."""
    return REJECT_SCHEMA.empty_table()


def distinct_rejects(rejects: pa.Table) -> pa.Table:
    """Each reject once, in first-seen order (``rejects``: :data:`REJECT_SCHEMA` columns).

    A wide layout (a column per month) becomes a row per month: a fault of
    the file row itself (its credit code, a duplicate row, a name that
    matches no firm) is found in every month, and would be listed twelve
    times with the same row, column, reason and value.

    Examples
    --------
    >>> t = pa.table({"row": [5, 5, 3], "code": ["E-ROW-DUPLICATE"] * 3})
    >>> distinct_rejects(t).to_pydict()
    {'row': [5, 3], 'code': ['E-ROW-DUPLICATE', 'E-ROW-DUPLICATE']}
    """
    if rejects.num_rows < 2:
        return rejects
    names = rejects.column_names
    first = (
        rejects.append_column("_i", pa.array(np.arange(rejects.num_rows)))
        .group_by(names, use_threads=False)
        .aggregate([("_i", "min")])
        .column("_i_min")
        .to_numpy()
    )
    return rejects.take(np.sort(first))


def _raw(raw: pa.Array | None, i: int) -> str | None:
    if raw is None or i >= len(raw):
        return None
    v = raw[i].as_py()
    return None if v is None else str(v)


class Rejects:
    """Collects rejects of one table; positions refer to ``numbers``."""

    def __init__(self, *, file: str, sheet: str, numbers: np.ndarray) -> None:
        self.file = file
        self.sheet = sheet
        self.numbers = np.asarray(numbers, dtype=np.int64)
        self._pos: list[int] = []
        self._entries: list[tuple[int, str, str, str, str, str, str | None, str]] = []

    def __len__(self) -> int:
        return len(self._entries)

    def add(
        self,
        mask: np.ndarray,
        code: str,
        column: str,
        field: str,
        raw: pa.Array | None,
        detail_zh: str = "",
        detail_en: str = "",
    ) -> None:
        """Reject the cells where ``mask`` is true."""
        c = CODES[code]
        zh = c.zh + (f"：{detail_zh}" if detail_zh else "")
        en = c.en + (f": {detail_en}" if detail_en else "")
        for i in np.flatnonzero(mask):
            self._pos.append(int(i))
            row = int(self.numbers[i])
            self._entries.append((row, column, code, zh, en, field, _raw(raw, int(i)), self.sheet))

    def add_row(
        self,
        row: int,
        code: str,
        column: str,
        field: str,
        raw: str | None,
        detail_zh: str = "",
        detail_en: str = "",
        *,
        sheet: str | None = None,
    ) -> None:
        """Reject a row by its row number (duplicates and conflicts)."""
        c = CODES[code]
        zh = c.zh + (f"：{detail_zh}" if detail_zh else "")
        en = c.en + (f": {detail_en}" if detail_en else "")
        self._pos.append(-1)
        self._entries.append(
            (row, column, code, zh, en, field, raw, self.sheet if sheet is None else sheet)
        )

    def cell_mask(self, n: int, field: str) -> np.ndarray:
        """Positions already rejected on ``field``."""
        out = np.zeros(n, dtype=bool)
        for p, e in zip(self._pos, self._entries, strict=True):
            if p >= 0 and e[5] == field:
                out[p] = True
        return out

    def row_mask(self, n: int) -> np.ndarray:
        """Positions with any reject."""
        out = np.zeros(n, dtype=bool)
        pos = [p for p in self._pos if p >= 0]
        if pos:
            out[np.asarray(pos)] = True
        return out

    def table(self) -> pa.Table:
        """The rejects as a table (:data:`REJECT_SCHEMA`), ordered by row."""
        entries = sorted(self._entries, key=lambda e: (e[7], e[0]))
        return pa.table(
            {
                "file": [self.file] * len(entries),
                "sheet": [e[7] for e in entries],
                "row": [e[0] for e in entries],
                "column": [e[1] for e in entries],
                "code": [e[2] for e in entries],
                "reason_zh": [e[3] for e in entries],
                "reason_en": [e[4] for e in entries],
                "raw_value": [e[6] for e in entries],
                "field": [e[5] for e in entries],
            },
            schema=REJECT_SCHEMA,
        )


def format_rejects(rejects: pa.Table, *, lang: str | None = None, limit: int = 50) -> str:
    """Quarantined rows as readable lines, for the command line or a log.

    Parameters
    ----------
    rejects : pyarrow.Table
        A ``SourceBatch.rejects`` table.
    lang : {"zh", "en"}, optional
        One language; both by default.
    limit : int
        At most this many lines, then a count of the rest.

    Examples
    --------
    >>> t = pa.Table.from_pylist(
    ...     [{"file": "税务.csv", "sheet": "", "row": 3, "column": "信用代码",
    ...       "code": "E-ROW-NUMBER", "reason_zh": "无法识别的数值",
    ...       "reason_en": "number cannot be parsed", "raw_value": "abc", "field": "tax_paid"}],
    ...     schema=REJECT_SCHEMA)
    >>> print(format_rejects(t, lang="en"))
    [E-ROW-NUMBER] 税务.csv row 3, column 信用代码: number cannot be parsed (value 'abc')
    """
    lines = []
    for r in rejects.slice(0, limit).to_pylist():
        sheet_zh = f" 工作表“{r['sheet']}”" if r["sheet"] else ""
        sheet_en = f" sheet {r['sheet']!r}," if r["sheet"] else ""
        value = r["raw_value"]
        zh = f"{r['file']}{sheet_zh} 第 {r['row']} 行，列“{r['column']}”：{r['reason_zh']}"
        en = f"{r['file']}{sheet_en} row {r['row']}, column {r['column']}: {r['reason_en']}"
        if value is not None:
            zh += f"（值：{value}）"
            en += f" (value {value!r})"
        text = {"zh": zh, "en": en}.get(lang or "", f"{zh} / {en}")
        lines.append(f"[{r['code']}] {text}")
    rest = rejects.num_rows - limit
    if rest > 0:
        lines.append(f"… 另有 {rest} 条 / {rest} more")
    return "\n".join(lines)
