"""Bytes to text: UTF-8 or GB18030 (detected), with reasons for what cannot be read.

GB18030 maps almost any byte sequence to *some* characters, so a successful decode is not
enough: the result must look like Chinese or ASCII text. Damaged input raises `Rejection`.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from jiandu.ingest.rejection import Rejection
from jiandu.inputs.binary import looks_binary

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MIN_PLAUSIBLE = 0.85  # share of characters that must be CJK, ASCII printable or CJK punctuation


# the characters `_plausible_share` counts as readable: ASCII printable, tab, CR and LF, CJK
# unified ideographs (and extension A), CJK punctuation and the full-width space, full-width
# forms, general punctuation (“ ” … ‰) and a few signs common in judgments
_READABLE = re.compile(
    "[\x20-\x7e\n\r\t\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\u3400-\u4dbf"
    "×○〇·—①②③④⑤⑥⑦⑧⑨⑩￥\u00a0]+"
)


def _plausible_share(text: str) -> float:
    if not text:
        return 0.0
    # counted in C: the characters left once the readable ones are removed are the others
    return (len(text) - len(_READABLE.sub("", text))) / len(text)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise `Rejection` (empty, binary, undecodable, truncated)."""
    if not data.strip():
        raise Rejection("empty", "no content (empty or whitespace only)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise Rejection(
                    "undecodable", f"{encoding} byte-order mark but invalid bytes: {exc}"
                ) from None
    if looks_binary(data):
        raise Rejection("binary", "binary content (NUL or control bytes), not a text document")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            raise Rejection(
                "truncated", f"UTF-8 text cut off inside a character at byte {exc.start}"
            ) from None
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _plausible_share(text) >= _MIN_PLAUSIBLE:
        return text, "gb18030"
    best = from_bytes(data).best()
    if best is not None:
        guess = str(best)
        if _plausible_share(guess) >= _MIN_PLAUSIBLE:
            return guess, best.encoding
    raise Rejection(
        "undecodable",
        f"neither UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) nor GB18030 gives readable text",
    )
