"""Any bytes give a clean FenghuangError or a parse, never an unhandled exception."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sources_builders import valid_code, workbook_bytes

from fenghuang.errors import FenghuangError
from fenghuang.sources import SourceBatch, iter_source, read_source

_FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(data: bytes, name: str) -> None:
    buf = io.BytesIO(data)
    buf.name = name
    try:
        batch = read_source(buf)
    except FenghuangError as exc:
        assert exc.code.startswith("E-")
        assert exc.zh and exc.en
        return
    assert isinstance(batch, SourceBatch)
    assert batch.rows.num_rows + batch.rejects.num_rows > 0


@_FAST
@given(st.binary(max_size=2000))
def test_any_bytes_as_csv(data: bytes) -> None:
    _read(data, "x.csv")


@_FAST
@given(st.binary(max_size=2000))
def test_any_bytes_as_xlsx(data: bytes) -> None:
    _read(data, "x.xlsx")


@_FAST
@given(st.binary(max_size=500))
def test_zip_prefixed_bytes(data: bytes) -> None:
    _read(b"PK\x03\x04" + data, "x.xlsx")


@_FAST
@given(st.binary(max_size=2000))
def test_ole2_prefixed_bytes(data: bytes) -> None:
    """Bytes that start as an Excel 97-2003 (or encrypted) file."""
    _read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + data, "x.xls")


_XLS = (Path(__file__).parent / "data" / "land_excel97.xls").read_bytes()


@settings(max_examples=80, deadline=None)
@given(st.integers(0, len(_XLS) - 1), st.binary(min_size=1, max_size=8))
def test_mutated_xls(pos: int, patch: bytes) -> None:
    _read(_XLS[:pos] + patch + _XLS[pos + len(patch) :], "x.xls")


_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所属期",
    "实缴税金（万元）",
    "用电量",
    "年度",
    "面积",
    "单位",
    "合计",
    "注：",
]
_CELLS = st.one_of(
    st.sampled_from(_HEADERS),
    st.sampled_from(
        [valid_code(1), valid_code(2), "2023-01", "2023年1月", "1,234", "-5", "—", "abc", ""]
    ),
    st.text(max_size=6),
)


@_FAST
@given(
    st.lists(st.lists(_CELLS, max_size=7), max_size=12),
    st.sampled_from(["utf-8", "gb18030"]),
    st.sampled_from([",", "\t", ";"]),
)
def test_structured_csv(rows: list[list[str]], encoding: str, sep: str) -> None:
    text = "\n".join(sep.join(r) for r in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    _read(data, "x.csv")
    try:
        for batch in iter_source(data, batch_rows=3):
            assert batch.rows.num_rows <= 3
    except FenghuangError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.binary(min_size=1, max_size=8))
def test_mutated_workbook(pos: int, patch: bytes) -> None:
    good = workbook_bytes(
        {"S": [["信用代码", "企业名称", "年度", "营业收入"], [valid_code(1), "甲", 2023, 5]]}
    )
    pos %= len(good)
    data = good[:pos] + patch + good[pos + len(patch) :]
    _read(data, "x.xlsx")


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(
        [
            "xl/worksheets/sheet1.xml",
            "xl/sharedStrings.xml",
            "xl/workbook.xml",
            "[Content_Types].xml",
            "xl/styles.xml",
        ]
    ),
    st.binary(max_size=300),
)
def test_workbook_with_garbage_part(part: str, garbage: bytes) -> None:
    good = workbook_bytes(
        {"S": [["信用代码", "企业名称", "年度", "营业收入"], [valid_code(1), "甲", 2023, 5]]}
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, garbage if item.filename == part else zin.read(item.filename))
    _read(out.getvalue(), "x.xlsx")


@_FAST
@given(st.binary(max_size=1500), st.integers(1, 5))
def test_any_bytes_streamed(data: bytes, batch_rows: int) -> None:
    try:
        for batch in iter_source(data, batch_rows=batch_rows):
            assert batch.rows.num_rows <= batch_rows
    except FenghuangError as exc:
        assert exc.code.startswith("E-")
