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
# per stop set: the next stop character, and everything up to the last one (greedy, so the match
# ends just after the last stop before the end of the searched range)
_STOP_RES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _bounds(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    """The clause (or sentence) around ``text[start:end]``: from the character after the previous
    stop to the next stop (excluded). Searched within ``_WINDOW`` characters each way, so the cost
    does not grow with the length of the text."""
    res = _STOP_RES.get(stops)
    if res is None:
        stop_class = "[" + re.escape(stops) + "]"
        res = _STOP_RES.setdefault(stops, (re.compile(stop_class), re.compile("(?s).*" + stop_class)))
    rx, through_last = res
    floor = max(0, start - _WINDOW)
    before = through_last.match(text, floor, start)
    lo = before.end() if before else floor
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
