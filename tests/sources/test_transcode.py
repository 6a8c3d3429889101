"""GBK and GB18030 into UTF-8: the compiled GBK kernel decodes exactly as Python's codec."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fenghuang.sources import _transcode
from fenghuang.sources._transcode import gbk_kernel_decode, to_utf8

TEXT = (
    "统一社会信用代码,企业名称,所属期\n91360300MA35ABCDEF,萍乡市安源区电瓷厂（有限）,2023年01月\n"
)


def _python(data: bytes) -> bytes | None:
    try:
        return data.decode("gbk").encode("utf-8")
    except UnicodeDecodeError:
        return None


def test_every_one_and_two_byte_sequence_maps_as_python_does() -> None:
    for lead in range(256):
        assert gbk_kernel_decode(bytes([lead])) == _python(bytes([lead])), lead
        for trail in range(0x00, 0x100, 1 if 0x81 <= lead <= 0xFE else 64):
            data = bytes([lead, trail])
            assert gbk_kernel_decode(data) == _python(data), data


_BYTE = st.one_of(
    st.integers(0x00, 0x7F), st.integers(0x80, 0xFF), st.sampled_from([0x80, 0xA1, 0xB0, 0xFF])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_BYTE, st.sampled_from(list(TEXT.encode("gbk")))), max_size=60))
@example(list(TEXT.encode("gbk")))
@example([0xB0])  # a lead byte at the end: incomplete
def test_kernel_decodes_any_bytes_as_python_does(data: list[int]) -> None:
    raw = bytes(data)
    assert gbk_kernel_decode(raw) == _python(raw)


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 1 << 22])
@pytest.mark.parametrize("kernel", [True, False])
def test_to_utf8_across_piece_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int, kernel: bool
) -> None:
    monkeypatch.setattr(_transcode, "PIECE", piece)
    for least in ("KERNEL_MIN_BYTES", "KERNEL_COLD_MIN_BYTES"):
        monkeypatch.setattr(_transcode, least, 0 if kernel else 1 << 40)
    path = tmp_path / "f.csv"
    path.write_bytes(TEXT.encode("gbk") * 3)
    out = io.BytesIO()
    assert to_utf8(path, "gbk", out)
    assert out.getvalue().decode("utf-8") == TEXT * 3
    for bad in (TEXT.encode("gbk") + b"\xb0", b"ab\xff" + TEXT.encode("gbk")):
        path.write_bytes(bad)
        assert not to_utf8(path, "gbk", io.BytesIO())


def test_the_kernel_is_loaded_only_for_a_large_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a cold threshold set, a file under KERNEL_COLD_MIN_BYTES goes through
    Python's codec until the kernel is loaded; after that, the kernel decodes any file
    from KERNEL_MIN_BYTES."""
    path = tmp_path / "f.csv"
    path.write_bytes(TEXT.encode("gbk") * 3)
    size = path.stat().st_size
    monkeypatch.setattr(_transcode, "_numba_imported", lambda: False)  # a new process
    monkeypatch.setattr(_transcode, "KERNEL_MIN_BYTES", 0)
    monkeypatch.setattr(_transcode, "KERNEL_COLD_MIN_BYTES", size + 1)
    used = []
    real = _transcode._kernel_copy
    monkeypatch.setattr(
        _transcode, "_kernel_copy", lambda src, dst: used.append(1) or real(src, dst)
    )
    _transcode._kernel.cache_clear()  # as in a new process
    for expected in ([], [1]):
        out = io.BytesIO()
        assert to_utf8(path, "gbk", out) and out.getvalue().decode("utf-8") == TEXT * 3
        assert used == expected
        _transcode._kernel()  # loaded (a large file did it)
    monkeypatch.setattr(_transcode, "KERNEL_COLD_MIN_BYTES", size)
    _transcode._kernel.cache_clear()
    assert to_utf8(path, "gbk", io.BytesIO()) and used == [1, 1]


def test_by_default_the_kernel_is_loaded_only_where_numba_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading numba and the kernel costs about 120 MB for the rest of the process: by
    default (no cold threshold) a process without numba decodes with Python's codec
    however large the file, and one that has numba (the engine's kernels) uses the
    kernel."""
    path = tmp_path / "f.csv"
    path.write_bytes(TEXT.encode("gbk") * 3)
    assert _transcode.KERNEL_COLD_MIN_BYTES is None
    monkeypatch.setattr(_transcode, "KERNEL_MIN_BYTES", 0)
    used = []
    real = _transcode._kernel_copy
    monkeypatch.setattr(
        _transcode, "_kernel_copy", lambda src, dst: used.append(1) or real(src, dst)
    )
    _transcode._kernel.cache_clear()
    for numba_there, expected in ((False, []), (True, [1])):
        monkeypatch.setattr(_transcode, "_numba_imported", lambda n=numba_there: n)
        out = io.BytesIO()
        assert to_utf8(path, "gbk", out) and out.getvalue().decode("utf-8") == TEXT * 3
        assert used == expected


def test_gb18030_goes_through_python(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    text = TEXT + "𠀀丁公司\n"  # a four-byte GB18030 character
    path.write_bytes(text.encode("gb18030"))
    out = io.BytesIO()
    assert not to_utf8(path, "gbk", io.BytesIO())
    assert to_utf8(path, "gb18030", out) and out.getvalue().decode("utf-8") == text
