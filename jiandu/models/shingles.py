"""Character shingles of many texts at once, hashed as ``zlib.crc32(shingle.encode())``.

`shingle_ids` gives, for a list of texts, every text's distinct shingle hashes — the same
values as ``{zlib.crc32(t[i : i + n].encode()) for i in range(len(t) - n + 1)}`` — computed
with numpy over all shingles together (a table-driven CRC-32 over the UTF-8 bytes of each
window of ``n`` code points) instead of one Python call per shingle.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["shingle_ids", "sorted_unique"]

_T = TypeVar("_T", bound=np.generic)


def _crc_table() -> npt.NDArray[np.uint32]:
    table = np.zeros(256, dtype=np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table[i] = c
    return table


_TABLE = _crc_table()


def _utf8(cp: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.uint8], list[npt.NDArray[np.uint32]]]:
    """Byte count (1-4) and the four (possibly unused) UTF-8 bytes of each code point."""
    n = np.where(cp < 0x80, 1, np.where(cp < 0x800, 2, np.where(cp < 0x10000, 3, 4))).astype(np.uint8)
    cont = [(cp >> s) & 0x3F | 0x80 for s in (18, 12, 6, 0)]  # continuation bytes
    b0 = np.select([n == 1, n == 2, n == 3], [cp, 0xC0 | (cp >> 6), 0xE0 | (cp >> 12)], 0xF0 | (cp >> 18))
    b1 = np.select([n == 2, n == 3], [cont[3], cont[2]], cont[1])
    b2 = np.where(n == 3, cont[3], cont[2])
    b3 = cont[3]
    return n, [b.astype(np.uint32) for b in (b0, b1, b2, b3)]


def sorted_unique(values: npt.NDArray[_T]) -> npt.NDArray[_T]:
    """``np.unique(values)`` by sorting (numpy's hash-based unique is slow on big integer arrays)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def shingle_ids(texts: list[str], n: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
    """Distinct shingle hashes of every text: (text index, hash) pairs, sorted by both.

    Texts must be encodable as UTF-8 (no lone surrogates), as for ``str.encode``.
    """
    if not texts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
    joined = "".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    windows = np.maximum(lengths - n + 1, 0)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), windows)
    # window start = offset of its text + its rank within the text
    first = np.concatenate([[0], np.cumsum(windows)[:-1]])
    start = offsets[doc] + (np.arange(len(doc), dtype=np.int64) - first[doc])
    nbytes, byte_cols = _utf8(cp)
    crc = np.full(len(doc), 0xFFFFFFFF, dtype=np.uint32)
    for j in range(n):
        at = start + j
        count = nbytes[at]
        for b, column in enumerate(byte_cols):
            byte = column[at]
            step = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
            crc = np.where(count > b, step, crc) if b else step
    crc ^= np.uint32(0xFFFFFFFF)
    pairs = sorted_unique((doc.astype(np.uint64) << np.uint64(32)) | crc.astype(np.uint64))
    return (pairs >> np.uint64(32)).astype(np.int64), (pairs & np.uint64(0xFFFFFFFF)).astype(np.uint32)
