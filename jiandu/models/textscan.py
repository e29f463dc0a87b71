"""Regular-expression search limited to the clauses of a text that can hold a match."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

__all__ = ["anchored_finditer", "clause_finditer"]


@lru_cache(maxsize=64)
def _stop_re(stops: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(stops) + "]")


def clause_finditer(
    regex: re.Pattern[str], text: str, stops: str, needs: tuple[tuple[str, ...], ...]
) -> Iterator[re.Match[str]]:
    """The matches ``regex.finditer(text)`` yields, searching only the clauses that can hold one.

    For a pattern none of whose matches can hold a character of ``stops``, and that looks at
    most one character past its match (a one-character lookahead, no ``^``, ``\\b`` or
    lookbehind): a clause is a run of text between stop characters, and only clauses holding a
    word of every group in ``needs`` (words every match holds) are searched, each together with
    the stop character that ends it. A pattern that starts with a lazy name class tries every
    position of the text; this tries only a few short clauses.
    """
    stop = _stop_re(stops)
    size = len(text)
    backwards = ""  # the text reversed, made on the first anchor: the last stop before a point
    covered = -1
    for at in _starts(text, needs[0]):
        if at < covered:
            continue
        if not backwards:
            backwards = text[::-1]
        before = stop.search(backwards, size - at)
        start = size - before.start() if before else 0
        after = stop.search(text, at)
        end = after.start() if after else size
        covered = end
        if len(needs) > 1:
            clause = text[start:end]
            if not all(any(w in clause for w in group) for group in needs[1:]):
                continue
        yield from regex.finditer(text, start, min(end + 1, size))


def _starts(text: str, words: tuple[str, ...]) -> list[int]:
    """Every position where one of ``words`` starts, ascending."""
    if len(words) == 1:
        return list(_find_all(text, words[0]))
    return sorted({i for w in words for i in _find_all(text, w)})


def _find_all(text: str, word: str) -> Iterator[int]:
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


def anchored_finditer(regex: re.Pattern[str], text: str, starts: tuple[str, ...]) -> Iterator[re.Match[str]]:
    """The matches ``regex.finditer(text)`` yields, for a pattern whose every match starts with
    one of the words ``starts`` (and that never matches empty): only the positions where such a
    word starts are tried."""
    after = 0
    for at in _starts(text, starts):
        if at < after:
            continue
        m = regex.match(text, at)
        if m is not None:
            yield m
            after = m.end()
