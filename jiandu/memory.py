"""Giving freed memory back to the operating system between the steps of a long command.

A `jiandu run` at a million documents is a sequence of steps (operators, models, the clue sync)
that each build and drop large Arrow tables and Python objects. The allocators keep what a
step freed for reuse: Arrow's memory pool its pages, glibc's ``malloc`` the arenas Python and
DuckDB freed into. Unless that is handed back, a step's peak is its own working set plus every
earlier step's leftovers, and the process's resident memory only ever grows.

Memoised parsers (ID numbers, names, addresses) are the other leftover: a cache of a million
parsed values is worth keeping while one step parses a million mentions, and is about 1 GiB
that no later step reads. They are declared with `step_cache`, and `release_memory` empties them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

import pyarrow as pa

if TYPE_CHECKING:
    from functools import _lru_cache_wrapper

__all__ = ["release_memory", "step_cache"]

T = TypeVar("T")
_STEP_CACHES: list[_lru_cache_wrapper[Any]] = []


def step_cache(maxsize: int) -> Callable[[Callable[..., T]], _lru_cache_wrapper[T]]:
    """`functools.lru_cache` for a pure function whose cache serves one step: `release_memory`
    empties it (the next step that calls the function starts with an empty cache)."""

    def wrap(func: Callable[..., T]) -> _lru_cache_wrapper[T]:
        cached = lru_cache(maxsize=maxsize)(func)
        _STEP_CACHES.append(cached)
        return cached

    return wrap


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def release_memory() -> None:
    """Collect garbage, then give unused pages back: Arrow's pool (``release_unused``) and the C
    allocator's free arenas (glibc ``malloc_trim``; a no-op where the C library lacks it).
    Empties the `step_cache` caches first; frees nothing else that is still referenced."""
    for cache in _STEP_CACHES:
        cache.cache_clear()
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)
