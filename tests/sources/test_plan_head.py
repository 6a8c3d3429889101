"""``plan_columns`` on a large CSV reads its first mebibyte only.

The warehouse's fast path calls it on files of hundreds of megabytes
(1,000,000 firms × 12 months: 586 MB), so the plan comes from the head:
encoding, delimiter, header and data start. A bad byte further in is the
reader's business (DuckDB's, or the general path's row errors), not the plan's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sources_builders import valid_code

from fenghuang.sources import plan_columns
from fenghuang.sources._plan import SAMPLE_BYTES

HEADER = "统一社会信用代码,企业名称,所属期,实缴税金(元)\n"


def _rows(n: int) -> str:
    return "".join(
        f"{valid_code(i + 1)},萍乡市湘东区电瓷电气有限公司{i},2023-{i % 12 + 1:02d},{i}.5\n"
        for i in range(n)
    )


def _head(encoding: str, pad: int = 0) -> bytes:
    """Title and header; ``pad`` spaces in the title shift where the first mebibyte ends."""
    return ("单位：元" + " " * pad + "\n" + HEADER).encode(encoding)


def _body(encoding: str) -> bytes:
    body = _rows(40_000).encode(encoding)
    assert len(body) > 2 * SAMPLE_BYTES
    return body


def _big(path: Path, encoding: str, tail: bytes = b"") -> Path:
    """A tax file of about 3 × SAMPLE_BYTES."""
    path.write_bytes(_head(encoding) + _body(encoding) + tail)
    return path


def test_a_bad_byte_after_the_head_does_not_change_the_plan(tmp_path: Path) -> None:
    clean = plan_columns(_big(tmp_path / "a.csv", "utf-8"))
    # 0xFF is never valid UTF-8: read whole, the file would not be UTF-8 (nor GBK)
    dirty = _big(tmp_path / "税务_月报.csv", "utf-8", tail=b"\xff\xfe,\x81\n")
    plan = plan_columns(dirty)
    assert plan == clean
    assert (plan.department, plan.format, plan.encoding, plan.delimiter) == (
        "tax",
        "csv",
        "utf-8",
        ",",
    )
    assert plan.skip_lines == 2
    assert plan.fields()["tax_paid"].index == 3 and plan.fields()["tax_paid"].factor == 1.0


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_character_cut_at_the_end_of_the_head(tmp_path: Path, encoding: str) -> None:
    """The head ends inside a multi-byte character: still this encoding, same plan."""
    body = _body(encoding)

    def cut_inside_a_character(pad: int) -> bool:
        try:
            (_head(encoding, pad) + body[:SAMPLE_BYTES])[:SAMPLE_BYTES].decode(encoding)
        except UnicodeDecodeError:
            return True
        return False

    pad = next(p for p in range(120) if cut_inside_a_character(p))
    data = _head(encoding, pad) + body
    path = tmp_path / "cut.csv"
    path.write_bytes(data)
    plan = plan_columns(path)
    assert plan.encoding == encoding
    small = tmp_path / "small.csv"
    small.write_bytes(("单位：元\n" + HEADER + _rows(3)).encode(encoding))
    assert plan.columns == plan_columns(small).columns
    assert plan.skip_lines == 2
