"""Clause and sentence bounds are the ones the plain definition gives: from the character after
the last stop before the span (within the window) to the next stop after it."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from jiandu.documents import spans
from jiandu.documents.spans import clause_bounds, sentence_bounds

_PIECES = "，,；;。\n！？!?甲乙 \u3000\t\r"


def _plain(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    floor = max(0, start - spans._WINDOW)
    lo = max(text.rfind(c, floor, start) for c in stops) + 1
    if lo == 0:
        lo = floor
    ceiling = min(len(text), end + spans._WINDOW)
    hi = min([i for i in (text.find(c, end, ceiling) for c in stops) if i >= 0], default=ceiling)
    while lo < hi and text[lo] in " \u3000\t\r":
        lo += 1
    return lo, hi


@given(st.text(alphabet=_PIECES, max_size=40), st.data())
def test_bounds_are_the_plain_definition(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert clause_bounds(text, start, end) == _plain(text, start, end, spans._CLAUSE_END)
    assert sentence_bounds(text, start, end) == _plain(text, start, end, spans._SENTENCE_END)


def test_bounds_past_the_window() -> None:
    rng = random.Random(8)
    for _ in range(300):
        text = "".join(rng.choice("甲乙丙丁") for _ in range(rng.randint(0, 1200)))
        for _ in range(rng.randint(0, 4)):  # a few stops, often farther than the window
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice("，。\n") + text[at:]
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        assert clause_bounds(text, start, end) == _plain(text, start, end, spans._CLAUSE_END)
        assert sentence_bounds(text, start, end) == _plain(text, start, end, spans._SENTENCE_END)
