"""Vectorised shortcuts for the per-value checks of a batch column, each exact.

* `trim`: Arrow's Unicode trim (`utf8_trim_whitespace`) decodes every value; the ASCII trim is
  about ten times cheaper and gives the same result whenever no value starts or ends with a
  byte that can begin or end a non-ASCII whitespace character (or one of the ASCII separators
  only the Unicode trim strips). Those bytes are looked up once per column (first and last
  byte of each value); if one is present, the Unicode trim runs as before.
* `may_match`: a pattern searched in the column's bytes as one string. No match there means no
  value matches (a match across two values is only a false alarm, and the per-value search
  then runs as before).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Whitespace Arrow's Unicode trim strips and the ASCII trim does not: U+001C–U+001F (one byte)
# and these (two or three bytes in UTF-8). tests/sources/test_fastcheck.py checks the list
# against Arrow over every code point.
_UNICODE_SPACES = (
    "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
)
_ENCODED = frozenset(c.encode("utf-8") for c in _UNICODE_SPACES)
_SEPARATORS = np.zeros(256, dtype=bool)
_SEPARATORS[0x1C:0x20] = True
_LEAD = np.zeros(256, dtype=bool)  # first bytes of the encoded spaces: C2, E1, E2, E3
_LEAD[[e[0] for e in _ENCODED]] = True


def _any_space_at(data: np.ndarray, at: np.ndarray) -> bool:
    """Whether one of the encoded spaces starts at one of the byte positions ``at``: the few
    positions holding a lead byte are read as characters."""
    at = at[_LEAD[data[at]]]
    raw = data.tobytes() if len(at) else b""
    return any(raw[i : i + 2] in _ENCODED or raw[i : i + 3] in _ENCODED for i in at.tolist())


def _ends_may_hold_unicode_space(array: pa.Array) -> bool:
    offsets_buffer, data_buffer = array.buffers()[1], array.buffers()[2]
    if offsets_buffer is None or data_buffer is None or len(array) == 0:
        return False
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8)
    starts, ends = offsets[:-1].astype(np.int64), offsets[1:].astype(np.int64)
    filled = ends > starts
    starts, ends = starts[filled], ends[filled]
    if not len(starts):
        return False
    if _SEPARATORS[data[starts]].any() or _SEPARATORS[data[ends - 1]].any():
        return True
    lengths = ends - starts
    return (
        _any_space_at(data, starts)
        or _any_space_at(data, (ends - 2)[lengths >= 2])
        or _any_space_at(data, (ends - 3)[lengths >= 3])
    )


def trim(array: pa.Array) -> pa.Array:
    """``utf8_trim_whitespace`` of a string array, by the ASCII trim when that is the same."""
    if array.type != pa.string() or _ends_may_hold_unicode_space(array):
        return pc.utf8_trim_whitespace(array.cast(pa.string()))
    return pc.ascii_trim_whitespace(array)


def may_match(array: pa.Array, pattern: str) -> bool:
    """False when no value of the string array can match the regular expression ``pattern``
    (searched in all of the column's bytes at once); True means: check each value."""
    if array.type != pa.string():
        return True
    offsets_buffer, data_buffer = array.buffers()[1], array.buffers()[2]
    if offsets_buffer is None or data_buffer is None or len(array) == 0:
        return False
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)
    start, end = int(offsets[array.offset]), int(offsets[array.offset + len(array)])
    bounds = pa.py_buffer(np.array([0, end - start], dtype=np.int32))
    whole = pa.Array.from_buffers(pa.string(), 1, [None, bounds, data_buffer.slice(start)])
    return bool(pc.match_substring_regex(whole, pattern)[0].as_py())
