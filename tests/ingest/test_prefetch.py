"""Read-ahead of batches: same items in order, errors raised where they happen, early stop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jiandu.ingest.prefetch import prefetch


def test_items_come_in_order() -> None:
    assert list(prefetch(iter(range(100)), depth=3)) == list(range(100))


def test_a_reader_error_reaches_the_consumer_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("bad file")

    seen = []
    with pytest.raises(ValueError, match="bad file"):
        for item in prefetch(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_stopping_early_closes_the_reader() -> None:
    closed = []

    def items() -> Iterator[int]:
        try:
            yield from range(1000)
        finally:
            closed.append(True)

    for item in prefetch(items(), depth=1):
        if item == 3:
            break
    assert closed == [True]
