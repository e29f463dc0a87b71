"""Text helpers: normalisation for the document id, and shared character classes."""

from __future__ import annotations

import hashlib
import re

__all__ = ["CJK", "NAME_CHARS", "document_id", "normalise_text", "strip_ws"]

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# characters a (possibly masked) name may contain
NAME_CHARS = CJK + "×XＸxｘ*＊·•．.0-9０-９A-Za-z"

_WS_RE = re.compile(r"[\s\u3000\u00a0\ufeff]+")
_TRAILING_RE = re.compile(r"[ \t\u3000\u00a0]+$", re.MULTILINE)


def normalise_text(text: str) -> str:
    """Normalise a text for hashing only (offsets always refer to the raw text).

    Removes a leading BOM, unifies ``\\r\\n`` and ``\\r`` to ``\\n``, strips trailing spaces
    (ASCII, tab, ideographic, no-break) from each line, and strips the whole text. No Unicode
    normalisation (NFKC) and no other change: two copies of a document that differ only in
    line endings or trailing blanks get the same id.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_RE.sub("", text)
    return text.strip()


def document_id(text: str) -> str:
    """Stable id of a document: sha256 of :func:`normalise_text`, first 32 hex characters."""
    data = normalise_text(text).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


def strip_ws(value: str) -> str:
    """Remove every whitespace character (layout spaces inside names: 刘　萍 -> 刘萍)."""
    return _WS_RE.sub("", value)
