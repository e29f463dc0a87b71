"""Character shingles of many texts at once, hashed to 32 bits.

A shingle of ``n`` characters is hashed as a polynomial over its code points modulo 2**64 (base
`BASE`, larger than any code point), mixed with the SplitMix64 finaliser, and cut to the top 32
bits: `shingle_hash` is the definition, one shingle at a time. `shingle_ids` gives every text's
distinct shingle hashes with numpy over all windows together — ``n`` multiply-adds per window,
where a byte-wise CRC over UTF-8 took four table steps per byte.

Texts travel as one array of code points with their lengths (`codepoints`), so a bulk edit such
as `collapse_runs` (numbers to one mark, as a regular-expression substitution would) costs a few
numpy passes instead of one Python call per text.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = [
    "BASE",
    "codepoints",
    "collapse_runs",
    "shingle_hash",
    "shingle_ids",
    "shingle_ids_of",
    "sorted_unique",
]

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


Codepoints = tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]


def codepoints(texts: list[str]) -> Codepoints:
    """The texts joined as one array of code points, and the length of each text."""
    joined = "".join(texts).encode("utf-32-le", "surrogatepass")
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    return np.frombuffer(joined, dtype=np.uint32), lengths


def _member(cp: npt.NDArray[np.uint32], chars: str) -> npt.NDArray[np.bool_]:
    """Which code points are among ``chars`` (a lookup table over every code point: one gather,
    where ``np.isin`` compares with each character in turn)."""
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table[cp]


def collapse_runs(texts: Codepoints, lead: str, follow: str, alone: str, mark: str) -> Codepoints:
    """Each text with every match of ``[lead][lead follow]*|[alone]+`` replaced by ``mark``: the
    substitution ``re.sub`` makes, leftmost match first, within each text. ``alone`` must share
    no character with ``lead`` or ``follow``."""
    cp, lengths = texts
    if not len(cp):
        return texts
    is_lead = _member(cp, lead)
    is_follow = _member(cp, follow) & ~is_lead
    is_alone = _member(cp, alone)
    position = np.arange(len(cp), dtype=np.int64)
    text_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    first = np.zeros(len(cp), dtype=bool)
    first[(np.cumsum(lengths) - lengths)[lengths > 0]] = True
    # a follow character continues a run when the nearest character before it that is not a
    # follow character (within its text) leads one
    barrier = np.maximum.accumulate(np.where(~is_follow | first, position, 0))
    in_lead_run = is_lead | (is_follow & is_lead[barrier] & (barrier < position))
    starts = np.zeros(len(cp), dtype=bool)
    for in_run in (in_lead_run, is_alone):
        starts |= in_run & (first | ~np.concatenate([[False], in_run[:-1]]))
    keep = ~(in_lead_run | is_alone) | starts
    out = np.where(starts, np.uint32(ord(mark)), cp)[keep]
    return out, np.bincount(text_of[keep], minlength=len(lengths)).astype(np.int64)


def shingle_ids(texts: list[str], n: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
    """Distinct shingle hashes of every text: (text index, hash) pairs, sorted by both."""
    return shingle_ids_of(codepoints(texts), n)


def shingle_ids_of(texts: Codepoints, n: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
    """`shingle_ids` of texts given as code points (`codepoints`)."""
    cp32, lengths = texts
    windows = np.maximum(lengths - n + 1, 0)
    positions = len(cp32) - n + 1
    if positions <= 0 or not windows.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
    cp = cp32.astype(np.uint64)
    # the window at every position of the joined texts, by contiguous slices (wrapping modulo
    # 2**64, as the definition does); then only the windows inside one text are kept
    h = cp[:positions].copy()
    base = np.uint64(BASE)
    for j in range(1, n):
        h *= base
        h += cp[j : j + positions]
    offsets = np.cumsum(lengths) - lengths
    edges = np.zeros(len(cp) + 1, dtype=np.int64)
    np.add.at(edges, offsets, windows > 0)
    np.add.at(edges, offsets + windows, -(windows > 0).astype(np.int64))
    h = h[np.cumsum(edges[:positions]) > 0]
    h ^= h >> np.uint64(30)
    h *= np.uint64(_MIX_1)
    h ^= h >> np.uint64(27)
    h *= np.uint64(_MIX_2)
    h ^= h >> np.uint64(31)
    doc = np.repeat(np.arange(len(lengths), dtype=np.uint64), windows)
    pairs = sorted_unique((doc << np.uint64(32)) | (h >> np.uint64(32)))
    return (pairs >> np.uint64(32)).astype(np.int64), (pairs & np.uint64(0xFFFFFFFF)).astype(np.uint32)
