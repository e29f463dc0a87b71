"""The per-batch function `Engine.map_arrow` runs, wrapped so it behaves the same everywhere.

`BatchMap` is what travels: to a textpool worker process on DuckDB (pickled with the batch),
to a Spark executor's Python worker inside ``mapInArrow``. It gives ``func`` its input with the
Arrow types `Engine.query` would give (int64, float64, string ...), and casts what ``func``
returns to the output table's stored schema, so a function written once runs on either engine.
A dictionary-encoded column of the stored type (a document id repeated on many rows) stays
encoded on its way back from a worker; it is decoded where the rows are stored.
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
        encoded = {
            name: column
            for name, column in zip(rows.column_names, rows.columns, strict=True)
            if pa.types.is_dictionary(column.type)
            and self.schema.get_field_index(name) >= 0
            and column.type.value_type == self.schema.field(name).type
        }
        out = conform_arrow(rows.drop_columns(list(encoded)), self.schema, self.table)
        for name, column in encoded.items():
            at = out.schema.get_field_index(name)
            out = out.set_column(at, pa.field(name, column.type), column)
        return out

    def over_batches(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The ``mapInArrow`` form: record batches in, record batches out (empty ones dropped)."""
        for batch in batches:
            out = conform_arrow(self(pa.Table.from_batches([batch])), self.schema, self.table)
            if out.num_rows:
                yield from out.combine_chunks().to_batches()
