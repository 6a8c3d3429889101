"""Large files read batch by batch without Python work per row.

:func:`iter_source` reads CSV with Arrow's streaming reader (Parquet by row
groups) and converts each batch with the same vectorised code as
:func:`~fenghuang.sources.read_source`, yielding one
:class:`~fenghuang.sources.SourceBatch` per batch. Duplicates and key
conflicts are checked within a batch only; the warehouse checks across
batches. The layout comes from :func:`~fenghuang.sources.plan_columns`.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from fenghuang.errors import FenghuangError
from fenghuang.sources._codes import CODES, source_error
from fenghuang.sources._convert import RawTable, convert
from fenghuang.sources._grid import WORKBOOK_FORMATS
from fenghuang.sources._header import HeaderPlan
from fenghuang.sources._plan import ColumnPlan, plan_columns
from fenghuang.sources._read import MappingArg, SourceBatch, SourceInput, read_bytes, read_source
from fenghuang.sources._rejects import REJECT_SCHEMA

__all__ = ["iter_source"]

_SKIPPABLE = re.compile(
    r"^\s*$|合\s*计|小\s*计|总\s*计|^\s*(注|备注|说明|填报单位|填表单位|制表|审核|负责人|联系|数据来源|资料来源)"
)


def _sha256(path: SourceInput) -> str:
    h = hashlib.sha256()
    if isinstance(path, str | Path):
        with Path(path).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                h.update(chunk)
        return h.hexdigest()
    h.update(read_bytes(path)[0])
    return h.hexdigest()


def iter_source(
    path: SourceInput,
    department: str | None = None,
    *,
    mapping: MappingArg = None,
    batch_rows: int = 200_000,
) -> Iterator[SourceBatch]:
    """Read a large CSV or Parquet file in batches of about ``batch_rows`` rows.

    Each yielded :class:`~fenghuang.sources.SourceBatch` has the file's name
    and hash, canonical rows with their line numbers, and the rejects of
    that batch. A workbook (xlsx, xls) is read whole and yielded as one batch.

    Examples
    --------
    >>> from fenghuang.sources import make_credit_code
    >>> code = make_credit_code("91360300MA35ABCDE")
    >>> body = "".join(f"{code},2023-{m:02d},{m}\\n" for m in range(1, 13))
    >>> data = ("信用代码,抄表年月,用电量(万千瓦时)\\n" + body).encode()
    >>> [b.n_rows for b in iter_source(data, batch_rows=5)]
    [5, 5, 2]
    """
    if batch_rows < 1:
        raise ValueError("batch_rows must be positive")
    plan = plan_columns(path, department, mapping=mapping)
    name = read_bytes(path)[1] if not isinstance(path, str | Path) else Path(path).name
    if plan.format in WORKBOOK_FORMATS:
        yield read_source(path, mapping=plan.mapping)
        return
    digest = _sha256(path)
    hp = plan.header_plan
    try:
        if plan.format == "parquet":
            yield from _iter_parquet(path, plan, hp, name, digest, batch_rows)
        else:
            yield from _iter_csv(path, plan, hp, name, digest, batch_rows)
    except FenghuangError as exc:
        raise exc.with_context(file=name) from None


def _batch(
    plan: ColumnPlan,
    hp: HeaderPlan,
    raw: RawTable,
    name: str,
    digest: str,
    extra: list[dict[str, Any]],
) -> SourceBatch:
    conv = convert(raw, hp, file=name)
    rejects = conv.rejects
    if extra:
        rejects = pa.concat_tables([rejects, pa.Table.from_pylist(extra, schema=REJECT_SCHEMA)])
    return SourceBatch(
        department=plan.department,
        kind=plan.kind,
        file_name=name,
        file_hash=digest,
        rows=conv.rows,
        rejects=rejects,
        units=conv.units,
        format=plan.format,
        encoding=plan.encoding,
        skipped_rows=conv.skipped,
        ignored_columns=tuple(c.header for c in plan.columns if c.field is None and c.header),
        headers={f: c.header for f, c in plan.fields().items()},
    )


def _iter_parquet(
    path: SourceInput, plan: ColumnPlan, hp: HeaderPlan, name: str, digest: str, batch_rows: int
) -> Iterator[SourceBatch]:
    import pyarrow.parquet as pq

    src: Any = path if isinstance(path, str | Path) else io.BytesIO(read_bytes(path)[0])
    start = 1
    for rb in pq.ParquetFile(src).iter_batches(batch_size=batch_rows):
        numbers = np.arange(start, start + rb.num_rows, dtype=np.int64)
        start += rb.num_rows
        yield _batch(plan, hp, RawTable(list(rb.columns), numbers, ""), name, digest, [])


def _iter_csv(
    path: SourceInput, plan: ColumnPlan, hp: HeaderPlan, name: str, digest: str, batch_rows: int
) -> Iterator[SourceBatch]:
    import pyarrow.csv as pcsv

    width = len(plan.columns)
    names = [f"c{j}" for j in range(width)]
    skipped: list[int] = []
    extra: list[dict[str, Any]] = []
    code = CODES["E-ROW-COLUMNS"]

    def on_invalid(row: Any) -> str:
        number = int(row.number) if row.number is not None else -1
        skipped.append(number)
        text = str(row.text or "")
        if not _SKIPPABLE.search(text):
            extra.append(
                {
                    "file": name,
                    "sheet": "",
                    "row": number,
                    "column": "",
                    "code": code.code,
                    "reason_zh": f"{code.zh}：应有 {row.expected_columns} 列，实有 {row.actual_columns} 列",
                    "reason_en": f"{code.en}: expected {row.expected_columns}, got {row.actual_columns}",
                    "raw_value": text[:200],
                    "field": "",
                }
            )
        return "skip"

    encoding = plan.encoding
    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    src: Any = str(path) if isinstance(path, str | Path) else io.BytesIO(read_bytes(path)[0])
    try:
        reader = pcsv.open_csv(
            src,
            read_options=pcsv.ReadOptions(
                use_threads=False,
                skip_rows=plan.skip_lines,
                column_names=names,
                encoding=arrow_encoding,
                block_size=max(1 << 16, min(batch_rows * 64, 1 << 26)),
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=plan.delimiter or ",",
                invalid_row_handler=on_invalid,
                ignore_empty_lines=False,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError) as exc:
        raise source_error(
            "E-SOURCE-FORMAT", detail_zh=str(exc), detail_en=str(exc), file=name
        ) from exc
    next_line = plan.skip_lines + 1
    while True:
        try:
            rb = reader.read_next_batch()
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise source_error(
                "E-SOURCE-FORMAT", detail_zh=str(exc), detail_en=str(exc), file=name
            ) from exc
        for offset in range(0, rb.num_rows, batch_rows):
            part = rb.slice(offset, batch_rows)
            n = part.num_rows
            window = [s for s in skipped if s >= next_line]
            lines = np.arange(next_line, next_line + n + len(window), dtype=np.int64)
            if window:
                lines = np.setdiff1d(lines, np.asarray(window, dtype=np.int64))
            numbers = lines[:n]
            next_line = int(numbers[-1]) + 1 if n else next_line
            here = [e for e in extra if e["row"] < next_line]
            extra[:] = [e for e in extra if e["row"] >= next_line]
            yield _batch(plan, hp, RawTable(list(part.columns), numbers, ""), name, digest, here)
    if extra:
        empty = RawTable(
            [pa.array([], pa.string()) for _ in names], np.zeros(0, dtype=np.int64), ""
        )
        yield _batch(plan, hp, empty, name, digest, extra)
