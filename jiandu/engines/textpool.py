"""Per-document text work on every core.

Operators that read each document's text (routine-loan signs, claim wording, mentions)
spend their time in Python regular expressions, one document at a time. `map_slices` cuts the
Arrow table of their query into slices and hands each slice to a worker process; results come
back in slice order, so the output does not depend on the number of workers.

Workers are spawned, never forked: the parent holds an open engine (DuckDB's threads, Spark's
JVM gateway). Spawned workers pay for importing jiandu once, so one pool serves every operator
of a process and is shut down when the process exits (or by `shutdown`). A slice travels as
Arrow IPC bytes, which carry only the slice's own rows. As with any spawned pool, a script that
runs these operators on more than one slice must guard its entry point with
``if __name__ == "__main__":`` (the `jiandu` command does).

`map_batches` is the streaming form `Engine.map_arrow` uses on DuckDB: record batches of a
query go through the same pool as they are fetched, with a bounded number in flight, so memory
does not grow with the corpus.
"""

from __future__ import annotations

import atexit
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeAlias, TypeVar

import pyarrow as pa

from jiandu.cores import worker_count
from jiandu.memory import release_memory

__all__ = ["ROWS_PER_TASK", "map_batches", "map_slices", "shutdown", "warm"]

R = TypeVar("R")

ROWS_PER_TASK = 10_000  # documents per task: big enough to dwarf the hand-over, small enough to spread


_pool: ProcessPoolExecutor | None = None
_pool_workers = 0


def _shared_pool(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_workers
    if _pool is None or _pool_workers != workers:
        shutdown()
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        _pool_workers = workers
    return _pool


def shutdown() -> None:
    """Stop the worker processes (a later `map_slices` starts new ones)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None


atexit.register(shutdown)


def _import_text_operators() -> None:
    import importlib

    importlib.import_module("jiandu.models")  # the core and every declared domain's operators


def warm(rows: int, workers: int | None = None) -> None:
    """Start the worker processes now, without waiting, when ``rows`` texts (an upper bound)
    will need them: they import the text operators while the caller reads its texts (about
    1.4 s per worker, paid once per process)."""
    workers = workers or worker_count()
    if workers == 1 or rows <= ROWS_PER_TASK or (_pool is not None and _pool_workers == workers):
        return
    pool = _shared_pool(workers)
    for _ in range(workers):  # each submission starts one more worker while none is idle
        pool.submit(_import_text_operators)


def _to_ipc(batch: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_table(batch)
    return sink.getvalue().to_pybytes()


def _run_ipc(func: Callable[[pa.Table], R], payload: bytes) -> R:
    release_memory()  # a long-lived worker hands back the previous task's pages first
    return func(pa.ipc.open_stream(payload).read_all())


def map_slices(
    func: Callable[[pa.Table], R],
    table: pa.Table,
    *,
    rows_per_task: int | None = None,
    workers: int | None = None,
) -> Iterator[R]:
    """``func`` of each slice of ``table`` (at most ``rows_per_task`` rows, default
    `ROWS_PER_TASK`), in order.

    ``func`` must be a module-level function (it is pickled by name). A table that fits in one
    slice, or ``workers == 1``, is handled in this process.
    """
    workers = workers or worker_count()
    rows_per_task = rows_per_task or ROWS_PER_TASK
    slices = (table.slice(lo, rows_per_task) for lo in range(0, table.num_rows, rows_per_task))
    yield from map_batches(func, slices, workers=workers)


def _as_table(batch: pa.RecordBatch | pa.Table) -> pa.Table:
    return batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])


def map_batches(
    func: Callable[[pa.Table], R],
    batches: Iterable[pa.RecordBatch | pa.Table],
    *,
    workers: int | None = None,
) -> Iterator[R]:
    """``func`` of each batch, in the batches' order, streaming: at most ``2 * workers + 1``
    batches are read ahead of the one handed back.

    ``func`` must be a module-level function. A stream of one batch, or ``workers == 1``, is
    handled in this process (no worker is started for a small query).
    """
    workers = workers or worker_count()
    stream = iter(batches)
    first = next(stream, None)
    if first is None:
        return
    second = next(stream, None)
    if workers == 1 or second is None:
        yield func(_as_table(first))
        if second is not None:
            yield func(_as_table(second))
            for batch in stream:
                yield func(_as_table(batch))
        return
    pool = _shared_pool(workers)
    pending: deque[Future[R]] = deque()
    try:
        for batch in _chain(first, second, stream):
            pending.append(pool.submit(_run_ipc, func, _to_ipc(_as_table(batch))))
            while len(pending) > 2 * workers:  # bound the batches in flight
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:
        shutdown()  # a failed or abandoned map leaves no half-busy workers behind
        raise


_Batch: TypeAlias = pa.RecordBatch | pa.Table


def _chain(first: _Batch, second: _Batch, rest: Iterator[_Batch]) -> Iterator[_Batch]:
    yield first
    yield second
    yield from rest
