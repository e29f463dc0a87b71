"""Bytes to text: UTF-8 or GB18030 (detected), with reasons for what cannot be read.

GB18030 maps almost any byte sequence to *some* characters, so a successful decode is not
enough: the result must look like Chinese or ASCII text. Damaged input raises `Rejection`.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from jiandu.ingest.rejection import Rejection
from jiandu.inputs.binary import looks_binary

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MIN_PLAUSIBLE = 0.85  # share of characters that must be CJK, ASCII printable or CJK punctuation


def _plausible_share(text: str) -> float:
    if not text:
        return 0.0
    good = 0
    for ch in text:
        code = ord(ch)
        if (
            0x20 <= code < 0x7F
            or ch in "\n\r\t"
            or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
            or 0x3000 <= code <= 0x303F  # CJK punctuation, full-width space
            or 0xFF00 <= code <= 0xFFEF  # full-width forms
            or 0x2000 <= code <= 0x206F  # general punctuation (“ ” … ‰)
            or 0x3400 <= code <= 0x4DBF  # CJK extension A
            or ch in "×○〇·—①②③④⑤⑥⑦⑧⑨⑩￥\u00a0"
        ):
            good += 1
    return good / len(text)


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
