"""Telling a binary file from text before decoding it."""

from __future__ import annotations

# control bytes other than tab, line feed, vertical tab, form feed and carriage return
_CONTROLS = bytes(b for b in range(0x20) if b < 0x09 or b >= 0x0E)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KB mean this is not a text file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    # counted in C: the bytes that remain once the control bytes are deleted
    controls = len(head) - len(head.translate(None, _CONTROLS))
    return controls > len(head) * 0.01
