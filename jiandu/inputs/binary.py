"""Telling a binary file from text before decoding it."""

from __future__ import annotations


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KB mean this is not a text file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 0x09 or 0x0E <= b < 0x20)
    return controls > len(head) * 0.01
