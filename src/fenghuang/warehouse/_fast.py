"""The fast import path: one DuckDB pass over a large file, straight into the store.

For a large CSV (UTF-8, GBK or GB18030) or Parquet file of a monthly or
annual department whose column plan is plain (:func:`fenghuang.sources.fast_plan`),
the file is never held in Python, and everything happens inside the
store's import transaction (no scratch database):

1. one ``INSERT … SELECT`` streams the file into ``source_rows`` (migration
   051), in a transaction of its own, committed before the others under a
   key listed in ``import_pending`` (migration 054: rows first, then the
   import). A plain CSV is split into cells by pyarrow's parser and numbered
   by counting the rows of its batches (:func:`_arrow_cells`), so DuckDB's
   insert runs on every thread; when pyarrow refuses the file (a row of
   another width) or a carriage return stands alone, DuckDB's own CSV parser
   splits it, numbered ``WITH ORDINALITY`` (record number = line number; a
   file with a blank line, which that parser skips, is read as whole lines
   split in SQL instead); Parquet rows carry ``file_row_number``. A clean row
   becomes one row per value field (the first field's row also when its
   value is empty, so every accepted row is counted once) with its line
   number, credit code, year, month, the value in base units, and
   ``tag``/``key_tag``, hashes of its text cells outside/inside the key. A
   *dirty* row (not in the plain, valid form SQL converts exactly as the
   general converter) becomes one row with part −1 and its raw cells. Per
   row the code is only tested for its length. Steps 2–5 run in the
   import's transaction and delete rows that step 1 committed (DuckDB
   deletes committed rows cheaply; rows deleted in the transaction that
   inserted them make it write the whole insert again at commit);
2. one aggregate over the stored first-field rows by key (credit code,
   year, key text) gives, once per key, the codes not in the GB 32100-2015
   format (their rows become dirty rows), the codes whose check character
   is wrong, and the keys that occur more than once
   (``count(*) > bit_count(bit_or(1 << month))``);
3. the dirty rows (usually few) are converted by the general converter
   (Parquet rows are read again by row number), so their rejects carry the
   same codes and zh/en reasons as on the general path; the rows it repairs
   are written like clean ones, and the keys they fall under are counted
   again (a join over the file's rows, no second aggregate);
4. rows of wrong check characters are rejected; only the rows of keys that
   occur more than once are read back and checked with the general
   duplicate code (:meth:`~fenghuang.sources.FastPlan.dedup`; text cells
   compared by their hashes);
5. name linking of rows without a code, deletes of rejected rows, the
   quarantine and ``name_links``.

Row numbers are the physical line numbers. A CSV with double quotes (Excel
quotes a cell with a thousands separator, ``"90,258.98"``) takes the fast path
only when each line holding one is a whole record read alike by Python's
``csv`` module (the general path) and by pyarrow's parser with quoting on
(:func:`_quotes_agree`: a quoted cell may hold a line break, and malformed
quoting has readings of its own). Plainly quoted lines (quotes only around
whole cells, numpy over the bytes) are; the others are parsed by both;
past :data:`QUOTED_LINES_MAX` of those, the general path reads the file.

A GBK or GB18030 file is first decoded, in 4 MiB pieces, into a UTF-8 copy
in the temporary folder (:func:`_transcode`; deleted by :meth:`Staged.close`
when the import ends), which every step reads instead; its hash, name and
line numbers are the original's. The decoding is strict and follows the
general path's choice for the whole file (GBK, else GB18030): a file neither
decodes takes the general path, which reports it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import FenghuangError
from fenghuang.sources import (
    CODES,
    REJECT_SCHEMA,
    ColumnPlan,
    FastPlan,
    credit_code_checks,
    fast_plan,
    normalize_name,
    plan_columns,
    source_error,
)
from fenghuang.sources._grid import WORKBOOK_FORMATS, sniff_format
from fenghuang.sources._transcode import to_utf8
from fenghuang.sources._values import MISSING_TOKENS
from fenghuang.warehouse._rows import write_parts
from fenghuang.warehouse._store import Store

__all__ = [
    "FAST_MEMORY_LIMIT",
    "FAST_MIN_BYTES",
    "Staged",
    "drop_arrow",
    "fast_candidate",
    "load_fast",
    "rows_sql",
    "source_cells",
    "stage_rows",
]

#: Files at least this large take the fast path (when their plan allows it).
FAST_MIN_BYTES = 1 << 20
#: DuckDB's memory limit during an import (restored afterwards); beyond it, it spills to disk.
#: Measured at 1,000,000 firms: the time is the same from 512MB to 2GB (one 12 M-row CSV
#: 29 s; two Parquet files 23–29 s at 512MB, 34 s at 700MB), while peak RSS follows the
#: limit (2GB: 1.4–2.4 GB, 700MB: 1.06–1.14 GB, 512MB: 0.90 GB): above the working memory
#: DuckDB only caches blocks of the rows just written.
FAST_MEMORY_LIMIT = "512MB"

_UTF8 = ("utf-8", "utf-8-sig", "ascii")
#: Chinese encodings the fast path decodes into a UTF-8 copy (:func:`_transcode`).
_CHINESE = ("gbk", "gb18030")


@dataclass
class Staged:
    """A file that takes the fast path.

    Attributes
    ----------
    path : Path
    file_name, digest : str
        Name and sha256 of the file.
    fp : FastPlan
    key : int
        ``imports.import_key`` of the file (set when it is written).
    rejects : pyarrow.Table
        Quarantine entries found so far (:data:`fenghuang.sources.REJECT_SCHEMA`).
    texts : dict of int to dict
        Rows repaired by the general converter: row number → their (clean)
        text cells.
    n_accepted : int
        Rows accepted after the duplicate check (name rows included).
    native : bool
        CSV: read by DuckDB's CSV parser into cells (record number = line
        number, so only for a file without blank lines); False: read as
        whole lines, split in SQL. Always True for Parquet.
    utf8 : Path or None
        The UTF-8 copy of a GBK or GB18030 file (:func:`_transcode`), which
        every step reads; None when the file itself is read.
    quoted : bool
        The CSV has double quotes, and pyarrow's parser with quoting reads
        them as the general path does (:func:`_quotes_agree`); only pyarrow
        reads such a file (when it refuses it, the general path does).
    ragged : numpy.ndarray or None
        Line numbers of the rows pyarrow refuses, of another number of cells
        than the header (a 注 line, a short row; :func:`ragged_lines`):
        pyarrow then skips them and :func:`_arrow_cells` puts them back,
        padded or cut as the general path does. None: not looked for yet.
    arrow : bool
        Native CSV: step 1 reads the cells parsed by pyarrow, numbered by
        counting the rows of each batch (:func:`_arrow_cells`), so DuckDB's
        insert runs in parallel (its ``WITH ORDINALITY`` runs it on one
        thread). Set back to False when pyarrow refuses the file (a row of
        another width, which DuckDB's parser pads or cuts): step 1 then uses
        DuckDB's parser (:func:`drop_arrow`).
    """

    path: Path
    file_name: str
    digest: str
    fp: FastPlan
    utf8: Path | None = None
    quoted: bool = False
    ragged: np.ndarray | None = None
    native: bool = True
    arrow: bool = False
    key: int = 0
    rejects: pa.Table = field(default_factory=REJECT_SCHEMA.empty_table)
    texts: dict[int, dict[str, str | None]] = field(default_factory=dict)
    n_accepted: int = 0

    @property
    def department(self) -> str:
        return self.fp.plan.department

    @property
    def cells_path(self) -> Path:
        """The file every step reads: the UTF-8 copy, if any, else the file itself."""
        return self.utf8 if self.utf8 is not None else self.path

    def close(self) -> None:
        """Delete the UTF-8 copy (if any)."""
        if self.utf8 is not None:
            self.utf8.unlink(missing_ok=True)
            self.utf8 = None

    @property
    def kind(self) -> str:
        return self.fp.plan.kind

    @property
    def key_texts(self) -> list[str]:
        """Text fields in the duplicate key (a tax item)."""
        return [f for f in self.fp.text_fields if f in self.fp.plan.mapping.key]

    @property
    def other_texts(self) -> list[str]:
        return [f for f in self.fp.text_fields if f not in self.fp.plan.mapping.key]

    @property
    def present(self) -> set[str]:
        return {name for name, _, _ in self.fp.columns}


def _probe(path: Path, skip_lines: int) -> tuple[str, bool, bool]:
    """sha256 of the file, whether a double quote occurs below the first ``skip_lines`` lines,
    and whether a carriage return occurs other than before a line feed (pyarrow
    and DuckDB split such a line differently, so :func:`_arrow_cells` is not used)."""
    h = hashlib.sha256()
    quote = lone_cr = False
    skip = skip_lines
    tail = b""
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
            start = 0
            while skip and start < len(chunk):
                nl = chunk.find(b"\n", start)
                if nl < 0:
                    start = len(chunk)
                    break
                start, skip = nl + 1, skip - 1
            quote = quote or chunk.find(b'"', start) >= 0
            if not lone_cr and b"\r" in chunk:  # CR LF across the chunk edge counts once
                lone_cr = chunk.count(b"\r") - chunk.count(b"\r\n") - (chunk[-1:] == b"\r") > 0
            lone_cr = lone_cr or (tail[-1:] == b"\r" and not chunk.startswith(b"\n"))
            tail = chunk[-2:]
    lone_cr = lone_cr or tail[-1:] == b"\r"
    return h.hexdigest(), quote, lone_cr


#: The name of a UTF-8 copy starts with this and the pid of the process that made it.
COPY_PREFIX = "fenghuang-utf8-"


def _sweep_copies() -> None:
    """Delete the UTF-8 copies left in the temporary folder by processes that are gone.

    A copy is deleted when its import ends; a process killed during the import
    (kill -9, a power cut) leaves it, as large as the file. A copy whose
    process is alive (this one, or another import running) is left alone.
    """
    for left in Path(tempfile.gettempdir()).glob(f"{COPY_PREFIX}*-*.csv"):
        pid = left.name[len(COPY_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            left.unlink(missing_ok=True)
        except (PermissionError, OSError, OverflowError):
            continue  # alive under another user, or not a pid


def _transcode(path: Path, encoding: str) -> Path | None:
    """A UTF-8 copy of a GBK or GB18030 file in the temporary folder, or None.

    Decoded strictly, in pieces (bounded memory; a large GBK file by a compiled
    kernel, :func:`fenghuang.sources._transcode.to_utf8`), in the general path's
    order for a whole file (:func:`fenghuang.sources.detect_encoding`): a
    file planned as GBK that is not GBK throughout is tried as GB18030 (its
    superset). None when neither decodes all of it: the general path then
    reads the file and reports it. Line breaks and ASCII bytes are the same
    in all three encodings (no GBK or GB18030 byte sequence holds a byte
    below 0x30 other than as itself), so line numbers do not change.
    """
    _sweep_copies()
    for enc in (encoding, "gb18030") if encoding == "gbk" else (encoding,):
        fd, name = tempfile.mkstemp(prefix=f"{COPY_PREFIX}{os.getpid()}-", suffix=".csv")
        out = Path(name)
        try:
            with os.fdopen(fd, "wb") as dst:
                done = to_utf8(path, enc, dst)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        if done:
            return out
        out.unlink(missing_ok=True)
    return None


def _blank_line(path: Path) -> bool:
    """Whether the file has a blank line (DuckDB's CSV parser skips those, so its
    record numbers are line numbers only without them).

    A scan of its own (about 1 s per 600 MB): a file that pyarrow reads
    (:func:`_arrow_cells`, which numbers a blank line as a row) never needs it.
    """
    blank = False
    tail = b""
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            edge = tail + chunk[:2]
            blank = (
                (chunk.startswith((b"\n", b"\r\n")) and not tail)
                or b"\n\n" in edge
                or b"\n\r\n" in edge
                or chunk.find(b"\n\n") >= 0
                or chunk.find(b"\n\r\n") >= 0
            )
            if blank:
                return True
            tail = chunk[-2:]
    return False


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: Bytes :func:`_whole_lines` reads at a time (the scans for quoted and ragged lines).
SCAN_PIECE = 1 << 22

#: A CSV with more lines of other quoting than plain (:func:`_plain_quoted`) than this
#: takes the general path (:func:`_quotes_agree` parses each such line twice, in Python).
QUOTED_LINES_MAX = 200_000


def _plain_quoted(
    b: np.ndarray, nl: np.ndarray, delimiter: str, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Of the lines of ``b`` that hold a double quote: (index, plain) of each.

    ``b`` is the bytes of whole lines (:func:`_whole_lines`) as uint8, ``nl``
    the positions of its line breaks. A line is plain when its
    quotes pair up, each opening one at the start of a cell (after the
    delimiter or at the line's start) and each closing one at its end
    (before the delimiter or the line break), and it has ``width`` cells
    counting only the delimiters outside quotes. Such a line, ``"90,258.98"``
    or a system that quotes every cell, is one record of the file's width, and
    Python's csv module and pyarrow both give each quoted cell's text as it
    stands between the quotes. Anything else (a doubled quote, a quote inside
    a cell, a line break inside quotes, another width) is not plain.
    Vectorised: three byte comparisons over the piece.
    """
    q = np.flatnonzero(b == 34)
    if not q.size:
        return np.empty(0, np.int64), np.empty(0, bool)
    starts = np.concatenate(([0], nl[:-1] + 1))  # each line's first byte
    lq = np.searchsorted(nl, q)  # the line of each quote
    first = np.searchsorted(lq, lq)  # index of the line's first quote
    opening = ((np.arange(q.size) - first) % 2) == 0
    d = ord(delimiter)
    before = np.where(q > 0, b[np.maximum(q - 1, 0)], 10)
    after = b[np.minimum(q + 1, b.size - 1)]
    ok = np.where(
        opening, (before == d) | (before == 10), (after == d) | (after == 13) | (after == 10)
    )
    lines, counts = np.unique(lq, return_counts=True)
    bad = np.zeros(nl.size, bool)
    bad[lq[~ok]] = True
    bad[lines[counts % 2 == 1]] = True
    dl = np.flatnonzero(b == d)
    ld = np.searchsorted(nl, dl)
    inside = (np.searchsorted(q, dl) - np.searchsorted(q, starts[ld])) % 2 == 1
    cells = np.bincount(ld[~inside], minlength=nl.size) + 1
    plain = ~bad[lines] & (cells[lines] == width)
    return lines, plain


def _quote_lines(
    path: Path, skip_lines: int, delimiter: str, width: int
) -> list[tuple[int, bytes]] | None:
    """(line number, bytes with the line break) of each line below the first
    ``skip_lines`` that holds a double quote and is not plainly quoted
    (:func:`_plain_quoted`); None when there are more than
    :data:`QUOTED_LINES_MAX`. Read in pieces (:func:`_whole_lines`)."""
    out: list[tuple[int, bytes]] = []
    for line0, whole in _whole_lines(path):
        if whole.find(b'"') < 0:
            continue
        b = np.frombuffer(whole, dtype=np.uint8)
        nl = np.flatnonzero(b == 10)
        lines, plain = _plain_quoted(b, nl, delimiter, width)
        lines = lines[~plain & (lines + line0 > skip_lines)]
        if not lines.size:
            continue
        if len(out) + lines.size > QUOTED_LINES_MAX:
            return None
        for i in lines.tolist():
            start = int(nl[i - 1]) + 1 if i else 0
            out.append((line0 + i, whole[start : int(nl[i]) + 1]))
    return out


def _whole_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The file in pieces of whole lines: (number of the piece's first line, its bytes).

    Read :data:`SCAN_PIECE` bytes at a time; a line cut at a piece's end
    waits for the next. Every piece ends with a line break: the last line
    of a file without one is given one.
    """
    with path.open("rb") as fh:
        carry, line0 = b"", 1  # the unfinished line before the piece, and its number
        for chunk in iter(lambda: fh.read(SCAN_PIECE), b""):
            buf = carry + chunk
            end = buf.rfind(b"\n") + 1
            whole, carry = buf[:end], buf[end:]
            if whole:
                yield line0, whole
                line0 += whole.count(b"\n")
        if carry:
            yield line0, carry + b"\n"


def _quotes_agree(path: Path, plan: ColumnPlan) -> bool:
    """Whether pyarrow's parser, quoting on, gives a quoted CSV's cells as the general path does.

    The general path reads a CSV with Python's ``csv`` module, where a quoted
    cell may hold a line break (then a record is not a line) and some
    malformed quoting has its own reading. So each line with a double quote
    that is not plainly quoted (:func:`_quote_lines`; a plain one is read
    alike by both) must be one whole record by itself in Python
    (followed by another line, it gives exactly two records: a quoted cell
    does not run on), of the file's width, and pyarrow must give the same
    cells for it (an empty cell as NULL). Lines without a quote split alike
    in both (the unquoted fast path). Then the rows, their line numbers and
    their cells are the general path's.
    """
    import csv
    import io

    import pyarrow.csv as pcsv

    width = len(plan.columns)
    lines = _quote_lines(path, plan.skip_lines, plan.delimiter, width)
    if not lines:
        return lines is not None
    expected: list[list[str | None]] = []
    for _, raw in lines:
        try:
            text = raw.decode("utf-8")
            records = list(
                csv.reader(io.StringIO(text + "z\n", newline=""), delimiter=plan.delimiter)
            )
        except (UnicodeDecodeError, csv.Error):
            return False
        if len(records) != 2 or records[1] != ["z"] or len(records[0]) != width:
            return False
        expected.append([c if c != "" else None for c in records[0]])
    names = [f"c{i}" for i in range(width)]
    try:
        got = pcsv.read_csv(
            pa.py_buffer(b"".join(raw for _, raw in lines)),
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=_arrow_parse(plan, quoted=True),
            convert_options=_arrow_convert(names),
        )
    except pa.ArrowException:
        return False
    cells = [list(r) for r in zip(*(got.column(c).to_pylist() for c in names), strict=True)]
    return cells == expected


def _parquet_numeric(path: Path) -> tuple[frozenset[int], bool]:
    """Positions of numeric columns, and whether every column is text or number."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    numeric = set()
    for i, f in enumerate(schema):
        t = f.type
        if pa.types.is_integer(t) or pa.types.is_floating(t):
            numeric.add(i)
        elif not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t)):
            return frozenset(), False
    return frozenset(numeric), True


def fast_candidate(path: object, fast: bool | None, done: set[str]) -> Staged | None:
    """A :class:`Staged` (not yet read) when ``path`` can take the fast path.

    Parameters
    ----------
    path : object
        What the caller passed; only file paths qualify.
    fast : bool or None
        False: never; True: whenever the plan allows; None: also only for
        files of at least :data:`FAST_MIN_BYTES`.
    done : set of str
        Hashes already imported (their files are not probed further).
    """
    if fast is False or not isinstance(path, str | Path):
        return None
    p = Path(path)
    try:
        if fast is None and p.stat().st_size < FAST_MIN_BYTES:
            return None
        with p.open("rb") as fh:
            if sniff_format(fh.read(8), p.name) in WORKBOOK_FORMATS:
                return None  # planning a workbook parses all of it, and it is never fast
        plan = plan_columns(p)
    except (FenghuangError, OSError):
        return None  # the general path reports it
    if plan.format == "csv":
        if plan.encoding not in (*_UTF8, *_CHINESE) or len(plan.delimiter) != 1:
            return None
        fp = fast_plan(plan, lambda i: f"c{i}")
    elif plan.format == "parquet":
        numeric, ok = _parquet_numeric(p)
        if not ok:
            return None
        fp = fast_plan(plan, lambda i: f"c{i}", numeric)
    else:
        return None
    if fp is None or not fp.value_fields:
        return None
    in_file = set(plan.fields())
    if any(
        k in in_file and k not in ("credit_code", "year", "month") and k not in fp.text_fields
        for k in plan.mapping.key
    ):
        return None  # a key the stored columns do not carry: the general path
    digest, quote, lone_cr = _probe(p, plan.skip_lines if plan.format == "csv" else 0)
    st = Staged(path=p, file_name=p.name, digest=digest, fp=fp)
    if plan.format == "csv" and plan.encoding in _CHINESE and digest not in done:
        st.utf8 = _transcode(p, plan.encoding)
        if st.utf8 is None:
            return None
    # pyarrow would see a BOM in the first data row if there were no header line to skip
    if (
        plan.format == "csv"
        and not lone_cr
        and len(plan.columns) > 1
        and (plan.skip_lines > 0 or plan.encoding != "utf-8-sig")
    ):
        st.arrow = True  # pyarrow numbers a blank line as a row of NULLs: no scan for them
    elif plan.format == "csv":
        drop_arrow(st)
    if plan.format == "csv" and quote and digest not in done:
        # quoted cells: only pyarrow's parser reads them, and only as the general path does
        st.quoted = st.arrow and _quotes_agree(st.cells_path, plan)
        if not st.quoted:
            st.close()
            return None
    return st


def drop_arrow(st: Staged) -> None:
    """Step 1 without pyarrow (it refused the file, or cannot take it): DuckDB's CSV parser,
    or the line path when the file has a blank line (line numbers from the lines
    themselves, see :func:`_source_sql`)."""
    st.arrow = False
    if _blank_line(st.cells_path):
        st.native = False
        fp = fast_plan(st.fp.plan, lambda i: f"c{i}", line="line")
        assert fp is not None
        st.fp = fp


#: Bytes per pyarrow CSV block (:func:`_arrow_cells`): a batch of about 300,000 rows of a
#: monthly file; its peak memory is a few blocks.
ARROW_BLOCK = 1 << 23


def _arrow_parse(plan: ColumnPlan, *, quoted: bool) -> Any:
    """pyarrow's parse options for a fast-path CSV: a row is a line; quotes only when
    :func:`_quotes_agree` found them read as the general path reads them."""
    import pyarrow.csv as pcsv

    return pcsv.ParseOptions(
        delimiter=plan.delimiter,
        quote_char='"' if quoted else False,
        double_quote=True,
        escape_char=False,
        newlines_in_values=False,
        ignore_empty_lines=False,
    )


def _arrow_convert(names: list[str]) -> Any:
    """pyarrow's convert options: every cell text, an empty one NULL (as DuckDB's parser)."""
    import pyarrow.csv as pcsv

    return pcsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=True,
        null_values=[""],
    )


def _arrow_cells(st: Staged) -> pa.RecordBatchReader:
    """The CSV's cells ``c0 … cN`` and ``row_no``, parsed by pyarrow, batch by batch.

    The row number counts the rows of the batches, which pyarrow gives in
    file order: a row is a line (no quoting, or quoting that keeps every
    record on its line, :func:`_quotes_agree`), and a blank line is a row of
    NULLs, so it is the line number (DuckDB's parser skips blank lines;
    without them its record number is the same). An empty cell is NULL, as
    in DuckDB's parser. A row with another number of cells raises (pyarrow
    cannot pad or cut it as DuckDB's parser does): the caller then reads the
    file with DuckDB's parser, or a quoted file on the general path.
    """
    import pyarrow.csv as pcsv

    plan = st.fp.plan
    names = [f"c{i}" for i in range(len(plan.columns))]
    texts: list[str] = []  # the rows pyarrow skips (st.ragged), in file order

    def skip(row: Any) -> str:
        texts.append(str(row.text))
        return "skip"

    ragged = st.ragged is not None and len(st.ragged) > 0
    parse = _arrow_parse(plan, quoted=st.quoted)
    if ragged:
        parse.invalid_row_handler = skip
    reader = pcsv.open_csv(
        st.cells_path,
        read_options=pcsv.ReadOptions(
            skip_rows=plan.skip_lines,
            column_names=names,
            block_size=ARROW_BLOCK,
            use_threads=not ragged,  # one block at a time: the skipped rows come in order
        ),
        parse_options=parse,
        convert_options=_arrow_convert(names),
    )
    schema = reader.schema.append(pa.field("row_no", pa.int64()))

    def batches() -> Iterator[pa.RecordBatch]:
        first = plan.skip_lines + 1
        for batch in reader:
            numbers = pa.array(np.arange(first, first + batch.num_rows, dtype=np.int64))
            yield pa.RecordBatch.from_arrays([*batch.columns, numbers], schema=schema)
            first += batch.num_rows

    if st.ragged is None or len(st.ragged) == 0:
        return pa.RecordBatchReader.from_batches(schema, batches())
    return pa.RecordBatchReader.from_batches(schema, _with_ragged(st, reader, texts, schema))


def ragged_lines(path: Path, skip_lines: int, delimiter: str, width: int) -> np.ndarray:
    """Line numbers (ascending) of the lines below the first ``skip_lines`` that split
    into another number of cells than ``width`` (pyarrow refuses such a row).

    Counted with numpy, in 4 MiB pieces: a line's cells are its delimiters
    plus one. A blank line (pyarrow's row of NULLs) and a line holding a
    double quote are never listed: in a quoted file every such line has
    ``width`` cells (:func:`_quotes_agree`).
    """
    sep, quote = ord(delimiter), ord('"')
    out: list[np.ndarray] = []
    for line0, whole in _whole_lines(path):
        a = np.frombuffer(whole, dtype=np.uint8)
        breaks = np.flatnonzero(a == 10)  # the piece ends with one
        starts = np.concatenate([[0], breaks[:-1] + 1])
        bounds = np.concatenate([starts, [breaks[-1] + 1]])
        cells = np.diff(np.searchsorted(np.flatnonzero(a == sep), bounds)) + 1
        quoted = np.diff(np.searchsorted(np.flatnonzero(a == quote), bounds)) > 0
        length = breaks - starts - (a[np.maximum(breaks - 1, 0)] == 13)
        numbers = line0 + np.arange(len(starts))
        out.append(numbers[(cells != width) & ~quoted & (length > 0) & (numbers > skip_lines)])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _with_ragged(
    st: Staged, reader: Any, texts: list[str], schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    """pyarrow's batches with the rows it skipped (``st.ragged``) put back, numbered.

    A skipped line falls in a batch when it comes before the batch's last
    row: its text was then read with that batch (``texts``, in file order,
    filled by the reader's invalid-row handler). The cells are split at the
    delimiter (such a line holds no quote), padded with NULLs or cut to the
    width, an empty cell NULL: as DuckDB's parser and the general path read
    a short or long row.
    """
    plan = st.fp.plan
    width = len(plan.columns)
    bad = st.ragged if st.ragged is not None else np.zeros(0, dtype=np.int64)
    first, p = plan.skip_lines + 1, 0

    def put_back(count: int) -> pa.RecordBatch:
        if len(texts) < count:
            raise pa.ArrowInvalid("a refused row was not reported")  # the caller falls back
        rows = [(t.split(plan.delimiter) + [""] * width)[:width] for t in texts[:count]]
        del texts[:count]
        cols = [pa.array([r[j] or None for r in rows], pa.string()) for j in range(width)]
        numbers = pa.array(bad[p : p + count], pa.int64())
        return pa.RecordBatch.from_arrays([*cols, numbers], schema=schema)

    for batch in reader:
        n = batch.num_rows
        s = 0
        while p + s < len(bad) and bad[p + s] < first + n + s:
            s += 1
        span = np.arange(first, first + n + s, dtype=np.int64)
        kept = np.setdiff1d(span, bad[p : p + s], assume_unique=True) if s else span
        yield pa.RecordBatch.from_arrays([*batch.columns, pa.array(kept)], schema=schema)
        if s:
            yield put_back(s)
        p += s
        first += n + s
    if p < len(bad):
        yield put_back(len(bad) - p)
    if texts:
        raise pa.ArrowInvalid("pyarrow refused rows that were not expected")


def _source_sql(st: Staged, arrow: str | None = None) -> str:
    """SELECT of row_no, c0 … cN and the raw row ``line`` (CSV; see :func:`_raw_sql`) from the file.

    ``arrow``: the name under which :func:`_arrow_cells` is registered (native CSV only).
    """
    plan = st.fp.plan
    width = len(plan.columns)
    path = _lit(str(st.cells_path))
    if plan.format == "parquet":
        cells = ", ".join(
            f'"{c.header.replace(chr(34), chr(34) * 2)}" AS c{i}'
            for i, c in enumerate(plan.columns)
        )
        return (
            f"SELECT file_row_number + 1 AS row_no, {cells}, NULL::VARCHAR AS line "
            f"FROM read_parquet({path}, file_row_number = true)"
        )
    delim = _lit(plan.delimiter)
    if arrow is not None:
        cells = ", ".join(f"c{i}" for i in range(width))
        return f"SELECT row_no, {cells}, {_raw_sql(st)} AS line FROM {arrow}"
    if st.native:
        # DuckDB's parser splits the cells; without blank lines (fast_candidate) its record
        # number is the line number. A short row is padded with NULLs; cells beyond the
        # last column are ignored (strict_mode off), as on the line path.
        names = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        cells = ", ".join(f"c{i}" for i in range(width))
        return (
            f"SELECT ordinality + {plan.skip_lines} AS row_no, {cells}, {_raw_sql(st)} AS line "
            f"FROM read_csv({path}, columns = {{{names}}}, delim = {delim}, quote = '', "
            f"escape = '', header = false, auto_detect = false, skip = {plan.skip_lines}, "
            "null_padding = true, strict_mode = false) WITH ORDINALITY"
        )
    cells = ", ".join(f"_s[{i + 1}] AS c{i}" for i in range(width))
    lines = (
        f"read_csv({path}, columns = {{'line': 'VARCHAR'}}, delim = '\\x1e', quote = '', "
        "escape = '', header = false, auto_detect = false)"
    )
    # WITH ORDINALITY numbers the lines in file order without a window over the whole file
    return (
        f"SELECT _n AS row_no, {cells}, line FROM (SELECT ordinality AS _n, "
        f"string_split(line, {delim}) AS _s, line FROM {lines} WITH ORDINALITY) "
        f"WHERE _n > {plan.skip_lines}"
    )


def _raw_sql(st: Staged) -> str:
    """SQL of a row's raw text as stored for a dirty row (over the cells ``c0 … cN``).

    The line itself on the line path; on the native path the cells as a
    JSON list (NULL for an empty or missing cell), read back by
    :func:`_dirty_cells`.
    """
    if not st.native:
        return "line"
    if st.fp.plan.format != "csv":
        return "NULL::VARCHAR"  # Parquet rows are read again by row number
    width = len(st.fp.plan.columns)
    return "to_json([" + ", ".join(f"c{i}" for i in range(width)) + "])::VARCHAR"


#: CJK Unified Ideographs (U+4E00–U+9FFF): no NFKC decomposition, not whitespace.
_HAN = (0x4E00, 0x9FFF)


def _plain_char(cp: str) -> str:
    lo, hi = _HAN
    return (
        f"({cp} BETWEEN {lo} AND {hi} OR {cp} BETWEEN 48 AND 57 OR {cp} BETWEEN 65 AND 90 "
        f"OR {cp} BETWEEN 97 AND 122)"
    )


def _text_ok(col: str) -> str:
    """SQL boolean: the text cell is one that ``clean_text`` keeps as it is (or blank).

    Conservative and cheap (no regex on the common cell): the cell starts
    and ends with a Han character or an ASCII letter or digit (nothing to
    trim), and is no missing token: an ASCII cell (NFKC changes nothing) is
    compared with the tokens without its spaces; any other must hold a Han
    character (NFKC keeps it Han) and not be 无 or 空, the only tokens with
    one. Any other cell makes the row dirty (the general converter).
    """
    # a regex, not IN (…): DuckDB turns a long IN list into a join over every row
    tokens = "|".join(re.escape(t) for t in MISSING_TOKENS if t).replace("'", "''")
    first, last = f"unicode({col})", f"unicode(right({col}, 1))"
    lo, hi = _HAN
    han = (
        f"({first} BETWEEN {lo} AND {hi} OR {last} BETWEEN {lo} AND {hi} OR "
        rf"regexp_matches({col}, '[\x{{{lo:X}}}-\x{{{hi:X}}}]'))"
    )
    return (
        f"({col} IS NULL OR {col} = '' OR ({_plain_char(first)} AND {_plain_char(last)} AND "
        f"CASE WHEN strlen({col}) = length({col}) THEN NOT regexp_full_match("
        f"lower(regexp_replace({col}, '\\s+', '', 'g')), '{tokens}') ELSE "
        f"{han} AND {col} <> '无' AND {col} <> '空' END))"
    )


def _hash(cols: list[str]) -> str:
    if not cols:
        return "NULL::UBIGINT"
    return "hash(" + ", ".join(f"nullif(\"{c}\", '')" for c in cols) + ")"


@contextmanager
def source_cells(store: Store, st: Staged) -> Iterator[str]:
    """The file's rows as :func:`_source_sql` gives them, read as step 1 read them.

    A file step 1 gave to pyarrow is read by pyarrow again (DuckDB's parser
    skips a blank line, which pyarrow numbers, so their row numbers could differ).
    """
    if st.arrow:
        with store.registered("_fh_cells", _arrow_cells(st)):
            yield _source_sql(st, "_fh_cells")
    else:
        yield _source_sql(st)


def _insert_file(store: Store, st: Staged) -> None:
    """Step 1: the file into ``source_rows`` (clean rows as values, dirty rows as raw lines)."""
    with source_cells(store, st) as source:
        _insert_select(store, st, source)


def _insert_select(store: Store, st: Staged, source: str) -> None:
    store.execute(
        "INSERT INTO source_rows (import_key, part, row_no, credit_code, year, month, value, "
        f"tag, key_tag, raw) SELECT {st.key}, CAST(part AS SMALLINT), row_no, credit_code, year, "
        f"month, value, tag, key_tag, raw FROM ({rows_sql(st, source)})"
    )


def rows_sql(st: Staged, source: str) -> str:
    """SELECT of step 1's rows (part, row_no, credit_code, year, month, tag, key_tag, raw,
    value) over ``source`` (:func:`_source_sql`): the per-row validation and conversion.

    Also read by bench/ingest.py's ``validate`` reference (these rows summed
    per firm, nothing stored).
    """
    fp = st.fp
    width = len(fp.plan.columns)
    cells = ", ".join(f"c{i}" for i in range(width))
    inner = f"({source})"
    for layer in fp.layers:
        if layer:
            added = ", ".join(f"{expr} AS {alias}" for alias, expr in layer)
            inner = f"(SELECT *, {added} FROM {inner})"
    canon = ", ".join(f'{expr} AS "{name}"' for name, expr, _ in fp.columns)
    # text cells in the key (a tax item) group rows, so they must be clean as they stand;
    # the others (the name) only tell an exact duplicate from a conflict: hashed raw,
    # and compared clean only where that decides (see _dedup)
    texts = [_text_ok(f'"{f}"') for f in st.key_texts]
    ok = " AND ".join(["_ok0", *texts])
    mid = (
        f"(SELECT *, {ok} AS _ok FROM (SELECT row_no, {canon}, coalesce({fp.ok}, false) AS _ok0, "
        f"{cells}{'' if st.native else ', line'} FROM {inner}))"
    )
    month = "CAST(month AS TINYINT)" if "month" in st.present else "NULL::TINYINT"
    raw = _raw_sql(st)  # computed for the dirty rows only (a CASE branch)
    common = (
        f"row_no, CASE WHEN _ok THEN credit_code END AS credit_code, "
        f"CASE WHEN _ok THEN CAST(year AS SMALLINT) END AS year, "
        f"CASE WHEN _ok THEN {month} END AS month, "
        f"CASE WHEN _ok THEN {_hash(st.other_texts)} END AS tag, "
        f"CASE WHEN _ok THEN {_hash(st.key_texts)} END AS key_tag, "
        f"CASE WHEN _ok THEN NULL ELSE {raw} END AS raw"
    )
    values = [f'"{f}"' for f in fp.value_fields]
    if len(values) == 1:
        body = (
            f"SELECT CASE WHEN _ok THEN 0 ELSE -1 END AS part, {common}, "
            f"CASE WHEN _ok THEN {values[0]} END AS value FROM {mid}"
        )
    else:
        n = len(values)
        body = (
            "SELECT part, row_no, credit_code, year, month, tag, key_tag, raw, "
            "CASE WHEN part >= 0 THEN _vals[part + 1] END AS value FROM (SELECT "
            f"unnest(CASE WHEN _ok THEN range({n}) ELSE [-1] END) AS part, {common}, "
            f"[{', '.join(values)}] AS _vals FROM {mid}) WHERE part <= 0 OR _vals[part + 1] IS NOT NULL"
        )
    return body


def _codes_where(groups: pa.Table, mask: np.ndarray) -> pa.Array:
    """The distinct codes (``_c``) of the ``groups`` rows where ``mask`` holds, sorted."""
    return pa.array(
        sorted(set(groups.column("_c").filter(pa.array(mask)).to_pylist())), pa.string()
    )


def _take_code_rows(store: Store, st: Staged, codes: pa.Array) -> pa.Table:
    """Delete the import's stored rows (every part) of ``codes``; returns them as
    (row_no, credit_code) of their first-field rows, in file order.

    Every stored row has a part-0 row (:func:`_insert_select`, :func:`_convert_dirty`),
    and dirty rows (part −1) carry no code, so these are exactly the removed rows.
    """
    with store.registered("_fh_bad", pa.table({"code": codes})):
        rows = store.fetch_arrow(
            "SELECT row_no, credit_code FROM source_rows WHERE import_key = ? AND part = 0 "
            "AND credit_code IN (SELECT code FROM _fh_bad) ORDER BY row_no",
            [st.key],
        )
        store.execute(
            "DELETE FROM source_rows WHERE import_key = ? AND credit_code IN "
            "(SELECT code FROM _fh_bad)",
            [st.key],
        )
    return rows


def _demote_bad_codes(store: Store, st: Staged, bad: pa.Array) -> None:
    """Step 2b: rows whose code is not in the GB 32100-2015 format become dirty rows.

    Step 1 tests only the code's length per row; the format (a regex) is
    tested by the aggregate of :func:`_key_groups`, once per key. The rows
    of such a code are replaced by part −1 rows with their raw lines (read
    again from the file), so the general converter sees them.
    """
    if len(bad) == 0:
        return
    rows = _take_code_rows(store, st, bad).select(["row_no"])
    with store.registered("_fh_dirty", rows), source_cells(store, st) as source:
        store.execute(
            "INSERT INTO source_rows (import_key, part, row_no, raw) "
            f"SELECT {st.key}, CAST(-1 AS SMALLINT), row_no, line FROM ({source}) "
            "WHERE row_no IN (SELECT row_no FROM _fh_dirty)"
        )


def _dirty_cells(store: Store, st: Staged) -> tuple[np.ndarray, list[pa.Array]]:
    """Row numbers and raw cells of the dirty rows, in file order."""
    plan = st.fp.plan
    width = len(plan.columns)
    if plan.format == "csv":
        got = store.fetch_arrow(
            "SELECT row_no, raw FROM source_rows WHERE import_key = ? AND part = -1 "
            "ORDER BY row_no",
            [st.key],
        )
        cells: list[list[str | None]] = [[] for _ in range(width)]
        for line in got.column("raw").to_pylist():
            if line is None:
                parts: list[str | None] = []
            elif st.native:  # the cells as a JSON list (_raw_sql)
                parts = json.loads(line)
            else:
                parts = list(line.split(plan.delimiter))
            for j in range(width):
                cells[j].append(parts[j] if j < len(parts) else None)
        return got.column("row_no").to_numpy(), [pa.array(c, pa.string()) for c in cells]
    src = _source_sql(st)
    raws = ", ".join(f"c{i}" for i in range(width))
    got = store.fetch_arrow(
        f"SELECT row_no, {raws} FROM ({src}) WHERE row_no IN (SELECT row_no FROM source_rows "
        "WHERE import_key = ? AND part = -1) ORDER BY row_no",
        [st.key],
    )
    return got.column("row_no").to_numpy(), [
        got.column(f"c{i}").combine_chunks() for i in range(width)
    ]


def _convert_dirty(store: Store, st: Staged) -> pa.Table | None:
    """Step 3: the general converter on the dirty rows; repaired rows are written.

    Returns the keys (``_k``, year, key_tag, ``_c`` as in :func:`_key_groups`)
    of the repaired rows, None when no row was repaired.
    """
    numbers, columns = _dirty_cells(store, st)
    if len(numbers) == 0:
        return None
    store.execute("DELETE FROM source_rows WHERE import_key = ? AND part = -1", [st.key])
    conv = st.fp.convert(columns, numbers, file=st.file_name)
    st.rejects = pa.concat_tables([st.rejects, conv.rejects])
    rows = conv.rows
    if rows.num_rows == 0:
        return None
    codes = rows.column("credit_code").to_pylist()
    row_nos = rows.column("_row").to_pylist()
    texts = {f: rows.column(f).to_pylist() for f in st.fp.text_fields}
    names = texts.get("name", [None] * len(codes))
    nkey = []
    for i, (c, n) in enumerate(zip(codes, names, strict=True)):
        st.texts[int(row_nos[i])] = {f: texts[f][i] for f in texts}
        nkey.append(None if c is not None else "~" + normalize_name(n) if n is not None else None)
    cols: dict[str, pa.Array | pa.ChunkedArray] = {"row_no": rows.column("_row")}
    for name, _, _ in st.fp.columns:
        cols[name] = rows.column(name)
    cols["_nkey"] = pa.array(nkey, pa.string())
    repaired = pa.table(cols)
    month = 'CAST(r."month" AS TINYINT)' if "month" in st.present else "NULL::TINYINT"
    parts = []
    for j, f in enumerate(st.fp.value_fields):
        cond = "" if j == 0 else f' WHERE r."{f}" IS NOT NULL'
        parts.append(
            f"SELECT {st.key}, {j}, r.row_no, r.credit_code, CAST(r.year AS SMALLINT), {month}, "
            f'CAST(r."{f}" AS DOUBLE), {_hash(st.other_texts)}, {_hash(st.key_texts)}, r._nkey '
            f"FROM _fh_repaired r{cond}"
        )
    with store.registered("_fh_repaired", repaired):
        store.execute(
            "INSERT INTO source_rows (import_key, part, row_no, credit_code, year, month, value, "
            "tag, key_tag, raw) " + " UNION ALL ".join(parts)
        )
        return store.fetch_arrow(
            "SELECT DISTINCT coalesce(r.credit_code, r._nkey) AS _k, CAST(r.year AS SMALLINT) "
            f"AS year, {_hash(st.key_texts)} AS key_tag, r.credit_code AS _c FROM _fh_repaired r"
        )


_ARROW = {
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
}


def _monthly(st: Staged) -> bool:
    """Whether the month is part of the file's duplicate key."""
    return "month" in st.fp.plan.mapping.key and "month" in st.present


def _monthly_sql(st: Staged) -> tuple[str, str]:
    """SQL of a key's number of rows it may hold (``b``: its months) and of ``b``."""
    if _monthly(st):
        return "bit_count(b)", "bit_or(1::BIGINT << month)"
    return "1", "NULL::BIGINT"


def _key_groups(store: Store, st: Staged) -> pa.Table:
    """Step 2: one aggregate over the clean rows by key (code or name key, year, key text).

    Returns the keys that need a look: a code not in the GB 32100-2015
    format (``fmt`` false; tested once per key, not per row), a wrong check
    character (``good`` false) or more rows than months (``many``: possible
    duplicates or conflicts). Columns ``_k``, year, key_tag, ``_c`` (the
    code), many, fmt, good. The codes are tested in numpy, batch by batch
    of the aggregate (:func:`fenghuang.sources.credit_code_checks`; 0.3–0.5 s
    less per million keys than the same test in SQL, bench/README.md).
    """
    distinct, bits = _monthly_sql(st)
    sql = (
        f"SELECT _k, year, key_tag, _c, coalesce(n > {distinct}, false) AS many FROM (SELECT "
        "coalesce(credit_code, raw) AS _k, year, key_tag, any_value(credit_code) AS _c, "
        f"count(*) AS n, {bits} AS b FROM source_rows WHERE import_key = ? AND part = 0 "
        "GROUP BY ALL)"
    )
    parts = []
    with store.reading(sql, [st.key]) as reader:
        empty = reader.schema.empty_table()
        for batch in reader:
            t = _with_code_flags(pa.Table.from_batches([batch]))
            parts.append(t.filter(pc.or_(t.column("many"), pc.invert(t.column("good")))))
    return pa.concat_tables(parts) if parts else _with_code_flags(empty)


def _with_code_flags(groups: pa.Table) -> pa.Table:
    """``groups`` (with the code ``_c``) and columns ``fmt`` and ``good``
    (:func:`fenghuang.sources.credit_code_checks`), both true for a name key (no code)."""
    fmt, good = credit_code_checks(groups.column("_c"))
    name_key = groups.column("_c").is_null().to_numpy(zero_copy_only=False)
    return groups.append_column("fmt", pa.array(fmt | name_key)).append_column(
        "good", pa.array(good | name_key)
    )


def _repaired_groups(store: Store, st: Staged, keys: pa.Table) -> pa.Table:
    """The keys of repaired rows as :func:`_key_groups` gives them (all of them, with ``many``)."""
    distinct, bits = _monthly_sql(st)
    with store.registered("_fh_rkeys", keys):
        return _with_code_flags(
            store.fetch_arrow(
                f"SELECT _k, year, key_tag, _c, coalesce(n > {distinct}, false) AS many "
                "FROM (SELECT k._k, k.year, k.key_tag, any_value(r.credit_code) AS _c, "
                f"count(*) AS n, {bits} AS b FROM source_rows r JOIN "
                "(SELECT DISTINCT _k, year, key_tag FROM _fh_rkeys) k "
                "ON coalesce(r.credit_code, r.raw) = k._k AND r.year IS NOT DISTINCT FROM k.year "
                "AND r.key_tag IS NOT DISTINCT FROM k.key_tag "
                "WHERE r.import_key = ? AND r.part = 0 GROUP BY ALL)",
                [st.key],
            )
        )


def _check_and_dedup(store: Store, st: Staged, groups: pa.Table) -> None:
    """Step 4: wrong check characters rejected, then duplicates/conflicts among the ``many`` keys.

    ``groups`` are the keys of :func:`_key_groups` with a well-formed code
    and those of the repaired rows (:func:`_repaired_groups`).
    """
    fp = st.fp
    good = groups.column("good").to_numpy(zero_copy_only=False)
    bad_codes = _codes_where(groups, ~good)
    if len(bad_codes):
        hits = _take_code_rows(store, st, bad_codes)
        rejects = fp.check_reject(
            hits.column("row_no").to_numpy(),
            hits.column("credit_code").to_pylist(),
            file=st.file_name,
        )
        st.rejects = pa.concat_tables([st.rejects, rejects])
    many = groups.filter(pc.and_(groups.column("many"), groups.column("good")))
    if many.num_rows:
        keys = many.select(["_k", "year", "key_tag"]).group_by(["_k", "year", "key_tag"])
        _dedup(store, st, keys.aggregate([]))
    (n,), *_ = store.fetch_all(
        "SELECT count(*) FROM source_rows WHERE import_key = ? AND part = 0", [st.key]
    )
    st.n_accepted = int(n)


def _dedup(store: Store, st: Staged, keys: pa.Table) -> None:
    """The general duplicate check on the rows of keys that occur more than once.

    A monthly key (code, year, key text) with more rows than months holds
    duplicates or conflicts only within a month: only the rows of months
    that occur more than once under it are read (a firm with one repeated
    month gives 2 candidate rows, not 13), as duplicates and conflicts
    both share the month (:func:`fenghuang.sources._dedup.duplicate_and_conflict`).
    """
    fp = st.fp
    pivots = ", ".join(
        f'max(value) FILTER (WHERE part = {j}) AS "{f}"' for j, f in enumerate(fp.value_fields)
    )
    same = (
        "QUALIFY count(*) OVER (PARTITION BY _k, year, key_tag, month) > 1 " if _monthly(st) else ""
    )
    with store.registered("_fh_keys", keys):
        got = store.fetch_arrow(
            "SELECT * EXCLUDE (_k) FROM (SELECT r.row_no, any_value(r.credit_code) AS credit_code, "
            "any_value(r.year) AS year, any_value(r.month) AS month, any_value(r.tag) AS tag, "
            f"any_value(r.key_tag) AS key_tag, {pivots}, any_value(k._k) AS _k FROM source_rows r "
            "JOIN _fh_keys k ON coalesce(r.credit_code, r.raw) = k._k "
            "AND r.year IS NOT DISTINCT FROM k.year AND r.key_tag IS NOT DISTINCT FROM k.key_tag "
            f"WHERE r.import_key = ? GROUP BY r.row_no) {same}ORDER BY row_no",
            [st.key],
        )
    n = got.num_rows
    codes = got.column("credit_code").to_pylist()
    row_nos = got.column("row_no").to_pylist()
    tags = got.column("tag").to_pylist()
    key_tags = got.column("key_tag").to_pylist()
    key_texts, other_texts = st.key_texts, st.other_texts

    real = _real_texts(store, st, got) if _texts_decide(got, fp.value_fields) else {}

    def text(f: str, i: int) -> str | None:
        if codes[i] is None or real:  # the clean cells themselves
            row = int(row_nos[i])
            return (st.texts[row] if row in st.texts else real[row]).get(f)
        group, tag = (key_texts, key_tags[i]) if f in key_texts else (other_texts, tags[i])
        return str(tag) if f == group[0] else None  # equal hashes stand for equal cells

    cols: dict[str, pa.Array | pa.ChunkedArray] = {}
    for name, _, typ in fp.columns:
        if name in fp.text_fields:
            cols[name] = pa.array([text(name, i) for i in range(n)], pa.string())
        elif name in got.column_names:
            cols[name] = got.column(name).cast(_ARROW[typ])
        else:
            cols[name] = pa.nulls(n, _ARROW[typ])
    cols["_sheet"] = pa.array([""] * n, pa.string())
    cols["_row"] = got.column("row_no").cast(pa.int64())
    kept, rejects = fp.dedup(pa.table(cols), file=st.file_name)
    dropped = np.setdiff1d(np.asarray(row_nos, dtype=np.int64), kept.column("_row").to_numpy())
    st.rejects = pa.concat_tables([st.rejects, rejects])
    _delete_rows(store, st, dropped)


def _texts_decide(got: pa.Table, value_fields: tuple[str, ...]) -> bool:
    """Whether rows equal in all but their (raw) text hashes exist among the candidates.

    Only then can cleaning the text cells turn a conflict into a duplicate
    (``NULL`` and an empty name are both no name, a name with a trailing
    space is the name).
    """
    cols = ["credit_code", "year", "month", "key_tag", *value_fields]
    seen: dict[tuple[object, ...], object] = {}
    for row in zip(*(got.column(c).to_pylist() for c in [*cols, "tag"]), strict=True):
        if row[0] is None:
            continue  # name rows carry their clean texts anyway
        sig, tag = row[:-1], row[-1]
        if seen.setdefault(sig, tag) != tag:
            return True
    return False


def _real_texts(store: Store, st: Staged, got: pa.Table) -> dict[int, dict[str, str | None]]:
    """Clean text cells of the candidate rows that were stored clean (read again from the file)."""
    fp = st.fp
    need = [int(r) for r in got.column("row_no").to_pylist() if int(r) not in st.texts]
    if not need or not fp.text_fields:
        return {r: {} for r in need}
    index = {f: fp.plan.fields()[f].index for f in fp.text_fields if f in fp.plan.fields()}
    cells = ", ".join(f'c{i} AS "{f}"' for f, i in index.items())
    need_t = pa.table({"row_no": pa.array(need, pa.int64())})
    with store.registered("_fh_need", need_t), source_cells(store, st) as source:
        raw = store.fetch_arrow(
            f"SELECT row_no, {cells} FROM ({source}) WHERE row_no IN (SELECT row_no FROM _fh_need)"
        )
    clean = {f: fp.clean_text(raw.column(f).combine_chunks()).to_pylist() for f in index}
    return {
        int(r): {f: clean[f][i] for f in index}
        for i, r in enumerate(raw.column("row_no").to_pylist())
    }


def _delete_rows(store: Store, st: Staged, rows: np.ndarray) -> None:
    if len(rows) == 0:
        return
    with store.registered("_fh_drop", pa.table({"row_no": pa.array(rows, pa.int64())})):
        store.execute(
            "DELETE FROM source_rows WHERE import_key = ? AND row_no IN (SELECT row_no FROM _fh_drop)",
            [st.key],
        )


def stage_rows(store: Store, st: Staged) -> None:
    """Step 1 (``st.key`` set): the file's rows into ``source_rows``, in their own transaction.

    The caller lists ``st.key`` in ``import_pending`` in the same
    transaction (:func:`fenghuang.warehouse._import.import_files`: rows
    first, then the import). DuckDB may write the rows in any order (the
    row number is a column): ``preserve_insertion_order`` is off for the
    statement, so the parallel insert needs no reordering at commit.
    """
    (old,), *_ = store.fetch_all("select current_setting('preserve_insertion_order')")
    store.execute("SET preserve_insertion_order = false")
    try:
        _insert_file(store, st)
    finally:
        store.execute(f"SET preserve_insertion_order = {'true' if old else 'false'}")


def load_fast(
    store: Store, st: Staged, names: dict[str, tuple[str, str]]
) -> tuple[int, int, dict[str, int], int]:
    """Finish a fast-path file inside the import's transaction (steps 2–5).

    Its rows were written by :func:`stage_rows` and committed; the rejected
    ones are deleted here (cheap on committed rows).

    Raises
    ------
    duckdb.Error
        When DuckDB cannot read the file (the caller rolls back and reads it
        on the general path).
    fenghuang.errors.SourceError
        ``E-SOURCE-EMPTY`` when no row is left (as on the general path).

    Returns
    -------
    rows_loaded, rows_quarantined, by_reason, linked_by_name
    """
    fp = st.fp
    write_parts(store, st.key, [("", f, fp.units.get(f)) for f in fp.value_fields])
    groups = _key_groups(store, st)
    fmt = groups.column("fmt").to_numpy(zero_copy_only=False)
    _demote_bad_codes(store, st, _codes_where(groups, ~fmt))
    groups = groups.filter(pa.array(fmt))
    repaired = _convert_dirty(store, st)
    if repaired is not None:
        groups = pa.concat_tables([groups, _repaired_groups(store, st, repaired)])
    _check_and_dedup(store, st, groups)
    if st.n_accepted == 0 and st.rejects.num_rows == 0:
        raise source_error("E-SOURCE-EMPTY", file=st.file_name)
    iid = st.digest
    name_rows = store.fetch_all(
        "SELECT row_no, raw FROM source_rows WHERE import_key = ? AND part = 0 "
        "AND credit_code IS NULL ORDER BY row_no",
        [st.key],
    )
    fix_rows: list[tuple[int, str]] = []
    links: list[dict[str, object]] = []
    unmatched: list[tuple[int, str | None]] = []
    for row_no, _ in name_rows:
        name = st.texts.get(int(row_no), {}).get("name")
        hit = names.get(normalize_name(name)) if name else None
        if hit is None:
            unmatched.append((int(row_no), name))
            continue
        fix_rows.append((int(row_no), hit[0]))
        links.append(
            {
                "sheet": "",
                "row_no": int(row_no),
                "name": name,
                "credit_code": hit[0],
                "matched_on": hit[1],
            }
        )
    rejects = st.rejects
    if unmatched:
        c = CODES["E-ROW-UNMATCHED"]
        n = len(unmatched)
        named = fp.plan.fields().get("name")
        name_header = named.header if named is not None else "企业名称"
        rejects = pa.concat_tables(
            [
                rejects,
                pa.table(
                    {
                        "file": [st.file_name] * n,
                        "sheet": [""] * n,
                        "row": [r for r, _ in unmatched],
                        "column": [name_header] * n,
                        "code": ["E-ROW-UNMATCHED"] * n,
                        "reason_zh": [c.zh] * n,
                        "reason_en": [c.en] * n,
                        "raw_value": [v for _, v in unmatched],
                        "field": [""] * n,
                    },
                    schema=REJECT_SCHEMA,
                ),
            ]
        )
        _delete_rows(store, st, np.asarray([r for r, _ in unmatched], dtype=np.int64))
    if fix_rows:
        fix = pa.table(
            {
                "row_no": pa.array([r for r, _ in fix_rows], pa.int64()),
                "code": pa.array([c for _, c in fix_rows], pa.string()),
            }
        )
        with store.registered("_fh_fix", fix):
            store.execute(
                "UPDATE source_rows SET credit_code = x.code, raw = NULL FROM _fh_fix x "
                "WHERE source_rows.import_key = ? AND source_rows.row_no = x.row_no",
                [st.key],
            )
    q = rejects.select(
        ["file", "sheet", "row", "column", "code", "reason_zh", "reason_en", "raw_value"]
    ).rename_columns(
        ["file", "sheet", "row_no", "column_name", "code", "reason_zh", "reason_en", "raw_value"]
    )
    if q.num_rows:
        q = q.append_column("import_id", pa.array([iid] * q.num_rows, pa.string()))
        store.insert_arrow("quarantine", q)
    if links:
        lt = pa.Table.from_pylist(links)
        store.insert_arrow(
            "name_links", lt.append_column("import_id", pa.array([iid] * len(links), pa.string()))
        )
    n_q = len(set(zip(q.column("sheet").to_pylist(), q.column("row_no").to_pylist(), strict=True)))
    by_reason: dict[str, int] = {}
    for code in q.column("code").to_pylist():
        by_reason[code] = by_reason.get(code, 0) + 1
    return st.n_accepted - len(unmatched), n_q, by_reason, len(links)
