"""The per-batch function `Engine.map_arrow` runs, wrapped so it behaves the same everywhere.

`BatchMap` is what travels: to a textpool worker process on DuckDB (pickled with the batch),
to a Spark executor's Python worker inside ``mapInArrow``. It gives ``func`` its input with the
Arrow types `Engine.query` would give (int64, float64, string ...), and casts what ``func``
returns to the output table's stored schema, so a function written once runs on either engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyarrow as pa

from jiandu.engines.dialects import normalise_result
from jiandu.schema.registry import conform_arrow

__all__ = ["BatchFunction", "BatchMap"]

BatchFunction = Callable[[pa.Table], pa.Table]


@dataclass(frozen=True)
class BatchMap:
    """``func`` over one batch of a query's rows, its output conformed to ``schema``."""

    func: BatchFunction
    engine: str
    schema: pa.Schema
    table: str

    def __call__(self, batch: pa.Table) -> pa.Table:
        rows = self.func(normalise_result(self.engine, batch))
        return conform_arrow(rows, self.schema, self.table)

    def over_batches(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The ``mapInArrow`` form: record batches in, record batches out (empty ones dropped)."""
        for batch in batches:
            out = self(pa.Table.from_batches([batch]))
            if out.num_rows:
                yield from out.combine_chunks().to_batches()
