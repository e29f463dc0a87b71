"""Character shingles of many texts at once, hashed to 32 bits.

A shingle of ``n`` characters is hashed as a polynomial over its code points modulo 2**64 (base
`BASE`, larger than any code point), mixed with the SplitMix64 finaliser, and cut to the top 32
bits: `shingle_hash` is the definition, one shingle at a time. `shingle_ids` gives every text's
distinct shingle hashes with numpy over all windows together — ``n`` multiply-adds per window,
where a byte-wise CRC over UTF-8 took four table steps per byte.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["BASE", "shingle_hash", "shingle_ids", "sorted_unique"]

_T = TypeVar("_T", bound=np.generic)

BASE = 0x100000001B3  # odd and above 0x10FFFF, the largest code point
_MASK = (1 << 64) - 1
_MIX_1, _MIX_2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def shingle_hash(shingle: str) -> int:
    """The 32-bit hash of one shingle (the definition `shingle_ids` computes in bulk)."""
    h = 0
    for ch in shingle:
        h = (h * BASE + ord(ch)) & _MASK
    h ^= h >> 30
    h = (h * _MIX_1) & _MASK
    h ^= h >> 27
    h = (h * _MIX_2) & _MASK
    h ^= h >> 31
    return h >> 32


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
    """Distinct shingle hashes of every text: (text index, hash) pairs, sorted by both."""
    if not texts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
    joined = "".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    windows = np.maximum(lengths - n + 1, 0)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), windows)
    # window start = offset of its text + its rank within the text
    first = np.concatenate([[0], np.cumsum(windows)[:-1]])
    start = offsets[doc] + (np.arange(len(doc), dtype=np.int64) - first[doc])
    base = np.uint64(BASE)
    h = np.zeros(len(doc), dtype=np.uint64)
    for j in range(n):  # wraps modulo 2**64, as the definition does
        h *= base
        h += cp[start + j]
    h ^= h >> np.uint64(30)
    h *= np.uint64(_MIX_1)
    h ^= h >> np.uint64(27)
    h *= np.uint64(_MIX_2)
    h ^= h >> np.uint64(31)
    pairs = sorted_unique((doc.astype(np.uint64) << np.uint64(32)) | (h >> np.uint64(32)))
    return (pairs >> np.uint64(32)).astype(np.int64), (pairs & np.uint64(0xFFFFFFFF)).astype(np.uint32)
