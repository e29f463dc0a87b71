"""The per-batch function `Engine.map_arrow` runs, wrapped so it behaves the same everywhere.

`BatchMap` is what travels: to a textpool worker process on DuckDB (pickled with the batch),
to a Spark executor's Python worker inside ``mapInArrow``. It gives ``func`` its input with the
Arrow types `Engine.query` would give (int64, float64, string ...), and casts what ``func``
returns to the output table's stored schema, so a function written once runs on either engine.
A dictionary-encoded column of the stored type (a document id repeated on many rows) stays
encoded on its way back from a worker; it is decoded where the rows are stored.

``func`` travels by reference (its module and name): the worker imports jiandu itself. A Spark
Python worker imports it from its own ``sys.path``, not the driver's, so it may run other jiandu
code than the driver (a driver whose jiandu comes first on ``sys.path`` through its working
directory or ``sys.path.insert``, a cluster's executors with another installation): rows of
another layout, conformed to the driver's schema without an error. `BatchMap` therefore carries
the driver's `source_fingerprint` and the worker refuses to run other code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyarrow as pa

from jiandu.engines.dialects import normalise_result
from jiandu.schema.registry import conform_arrow

__all__ = ["BatchFunction", "BatchMap", "DifferentCodeError", "check_same_code", "source_fingerprint"]

BatchFunction = Callable[[pa.Table], pa.Table]
_PACKAGE = Path(__file__).resolve().parents[1]  # the jiandu package this process imported


@cache
def source_fingerprint() -> str:
    """A hash of the jiandu package this process imported (its ``.py`` and ``.yaml`` files,
    by relative path and content): equal in two processes exactly when they run the same code,
    wherever each has it installed. Computed once per process (about 2.5 MB of source)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.suffix in (".py", ".yaml") and p.is_file()):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class DifferentCodeError(RuntimeError):
    """A worker imported other jiandu code than the process that sent it work."""


def check_same_code(expected: str) -> None:
    """Raise `DifferentCodeError` unless this process runs the jiandu whose fingerprint the
    sender computed (``expected``)."""
    if source_fingerprint() != expected:
        raise DifferentCodeError(
            f"this worker imported jiandu from {_PACKAGE}, which is not the code of the process "
            "that sent it work (its source fingerprint differs): the rows would be another "
            "version's. Run the driver and the workers on the same jiandu (on Spark, put its "
            "folder on PYTHONPATH or install the same version on every executor)"
        )


@dataclass(frozen=True)
class BatchMap:
    """``func`` over one batch of a query's rows, its output conformed to ``schema``."""

    func: BatchFunction
    engine: str
    schema: pa.Schema
    table: str
    code: str = field(default_factory=source_fingerprint)  # the sender's `source_fingerprint`

    def __call__(self, batch: pa.Table) -> pa.Table:
        check_same_code(self.code)
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
