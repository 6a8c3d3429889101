"""GBK and GB18030 files decoded into UTF-8, in pieces, strictly.

The fast import path (:mod:`fenghuang.warehouse._fast`) reads a Chinese CSV
through a UTF-8 copy. Python's codecs decode GBK at about 70 MB/s with the
re-encoding; a 586 MB monthly file of a million firms took 8.7 s. A large
GBK file may be decoded instead by a compiled kernel (numba, loaded lazily,
in a process that has numba already: :data:`KERNEL_COLD_MIN_BYTES`)
that looks each byte pair up in a table built from Python's own ``gbk``
codec, so it accepts and maps exactly what that codec does (a property test
holds the two together); anything the table does not hold ends the kernel
and the caller decodes the file with Python's codec (for GB18030, and to
raise the same error). GB18030 (four-byte sequences, rarer) and small files
always use Python's codec.
"""

from __future__ import annotations

import codecs
import functools
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np

__all__ = ["KERNEL_COLD_MIN_BYTES", "KERNEL_MIN_BYTES", "gbk_kernel_decode", "to_utf8"]

#: A GBK file at least this large is decoded by the compiled kernel once it is loaded in
#: the process (about 3x the codec's speed; Python's codec decodes 32 MiB in 0.1-0.3 s).
KERNEL_MIN_BYTES = 32 << 20
#: ... and at least this large when it is not loaded yet, or None: the kernel is then
#: loaded only in a process that has imported numba already (the engine's compiled
#: kernels, :mod:`fenghuang.engine._jit`). Loading it costs resident memory for the
#: rest of the process: numba and llvmlite about 60 MB, the kernel from numba's cache
#: about 60 MB more. Measured on the 2-core Xeon of 2026-12-02, three 562 MB GBK files
#: of a million firms: the codec decodes one in 1.8-2.0 s and the kernel in 0.63 s after
#: a 1.1 s load, so the import took 25.8 s instead of 24.7 s, at a peak RSS of 970 MB
#: instead of 1,108 MB (bench/ingest.py's aim (c) is a fifth of pandas' 5.8 GB).
KERNEL_COLD_MIN_BYTES: int | None = None

#: Bytes read at a time.
PIECE = 1 << 22


@functools.cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """(single, pair): the UTF-8 bytes of each one-byte and two-byte GBK sequence.

    Row ``[n, b0, b1, b2]``: ``n`` UTF-8 bytes (0: not a character of its
    own). ``pair`` is indexed by ``(lead - 0x81) * 256 + trail``. Built by
    asking Python's codec about every sequence (about 0.1 s), so the kernel
    maps exactly as ``bytes.decode("gbk")`` does.
    """
    single = np.zeros((256, 4), np.uint8)
    for b in range(256):
        try:
            u = bytes([b]).decode("gbk").encode("utf-8")
        except UnicodeDecodeError:
            continue
        single[b, 0] = len(u)
        single[b, 1 : 1 + len(u)] = list(u)
    pair = np.zeros((126 * 256, 4), np.uint8)
    for lead in range(0x81, 0xFF):
        if single[lead, 0]:
            continue
        for trail in range(256):
            try:
                s = bytes([lead, trail]).decode("gbk")
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                u = s.encode("utf-8")
                k = (lead - 0x81) * 256 + trail
                pair[k, 0] = len(u)
                pair[k, 1 : 1 + len(u)] = list(u)
    return single, pair


def _decode_py(src: np.ndarray, single: np.ndarray, pair: np.ndarray, out: np.ndarray) -> Any:
    """The kernel (compiled by :func:`_kernel`): decode ``src`` into ``out``.

    Returns (bytes written, bytes consumed, bad): consumption stops before a
    lead byte at the very end (its trail is in the next piece); ``bad`` when
    a sequence is no GBK character (then the other two are where it stopped).
    """
    n = len(src)
    i = 0
    j = 0
    while i < n:
        b = src[i]
        if b < 0x80:
            out[j] = b
            i += 1
            j += 1
            continue
        m = single[b, 0]
        if m:
            for q in range(m):
                out[j + q] = single[b, 1 + q]
            j += m
            i += 1
            continue
        if b < 0x81 or b > 0xFE:
            return j, i, True
        if i + 1 >= n:
            break
        k = (b - 0x81) * 256 + src[i + 1]
        m = pair[k, 0]
        if m == 0:
            return j, i, True
        for q in range(m):
            out[j + q] = pair[k, 1 + q]
        j += m
        i += 2
    return j, i, False


@functools.cache
def _kernel() -> Callable[..., Any]:
    import numba  # lazy: only a large GBK file needs it

    kernel: Callable[..., Any] = numba.njit(cache=True, nogil=True, boundscheck=False)(_decode_py)
    return kernel


def gbk_kernel_decode(data: bytes) -> bytes | None:
    """``data`` (GBK) as UTF-8 by the compiled kernel, or None where Python's codec would fail."""
    out = io.BytesIO()
    return out.getvalue() if _kernel_copy(io.BytesIO(data), out) else None


def _kernel_copy(src: IO[bytes], dst: IO[bytes]) -> bool:
    single, pair = _tables()
    kernel = _kernel()
    out = np.empty(3 * (PIECE + 1), np.uint8)
    carry = b""
    for chunk in iter(lambda: src.read(PIECE), b""):
        buf = carry + chunk
        j, i, bad = kernel(np.frombuffer(buf, np.uint8), single, pair, out)
        if bad:
            return False
        dst.write(out[:j].data)
        carry = buf[i:]
    return not carry  # a lead byte at the very end: an incomplete character


def _numba_imported() -> bool:
    """Whether this process has imported numba (loading the kernel then costs less)."""
    return "numba" in sys.modules


def to_utf8(path: Path, encoding: str, dst: IO[bytes]) -> bool:
    """Write ``path`` (GBK or GB18030) to ``dst`` as UTF-8; False if it does not decode.

    Strict, in pieces of :data:`PIECE` bytes (bounded memory). On False,
    ``dst`` holds part of the file: the caller discards it.
    """
    with path.open("rb") as src:
        loaded = _kernel.cache_info().currsize > 0 or _numba_imported()
        least = KERNEL_MIN_BYTES if loaded else KERNEL_COLD_MIN_BYTES
        if encoding == "gbk" and least is not None and path.stat().st_size >= least:
            return _kernel_copy(src, dst)
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            for chunk in iter(lambda: src.read(PIECE), b""):
                dst.write(decoder.decode(chunk).encode("utf-8"))
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError:
            return False
    return True
