"""Read ahead: an iterator advanced by a thread, so reading overlaps the work on each item.

Arrow's readers release the GIL while they parse, so a reader thread keeps the second core busy
while the main thread converts and validates the batch before. The thread holds at most
``depth`` items ahead; an exception in the reader is raised to the consumer at the item where
it happened; a consumer that stops early (an exception, ``break``) stops the reader.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(
    items: Iterator[T], depth: int = 2, name: str = "jiandu-read-ahead"
) -> Generator[T, None, None]:
    """Yield what ``items`` yields, read by a thread up to ``depth`` items ahead."""
    ahead: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failed(exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None and stop.is_set():
                close()  # a generator's own clean-up (e.g. closing a workbook) runs here

    reader = threading.Thread(target=read, name=name, daemon=True)
    reader.start()
    try:
        while True:
            item = ahead.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join()
