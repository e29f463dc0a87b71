"""Clause and sentence bounds around a match: the one definition every text detector cites.

A span ends before its stop character; leading blanks are skipped. The search looks at most
``_WINDOW`` characters each way, so the cost does not grow with the length of the text.
"""

from __future__ import annotations

import re

__all__ = ["clause_bounds", "sentence_bounds"]

_CLAUSE_END = "，,；;。\n！？!?"
_SENTENCE_END = "。；;\n！？!?"


_WINDOW = 400  # a clause or sentence longer than this is cut at this distance from the match
_STOP_RES: dict[str, re.Pattern[str]] = {}


def _bounds(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    """The clause (or sentence) around ``text[start:end]``: from the character after the previous
    stop to the next stop (excluded). Searched within ``_WINDOW`` characters each way, so the cost
    does not grow with the length of the text."""
    floor = max(0, start - _WINDOW)
    lo = max(text.rfind(c, floor, start) for c in stops) + 1
    if lo == 0:
        lo = floor
    rx = _STOP_RES.get(stops)
    if rx is None:
        rx = _STOP_RES.setdefault(stops, re.compile("[" + re.escape(stops) + "]"))
    ceiling = min(len(text), end + _WINDOW)
    m = rx.search(text, end, ceiling)
    hi = m.start() if m else ceiling
    while lo < hi and text[lo] in " \u3000\t\r":
        lo += 1
    return lo, hi


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``text[start:end]`` (between commas, semicolons, full stops, line ends)."""
    return _bounds(text, start, end, _CLAUSE_END)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]`` (between full stops, semicolons and line ends)."""
    return _bounds(text, start, end, _SENTENCE_END)
