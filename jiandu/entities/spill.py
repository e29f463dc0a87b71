"""The mention table on disk while entity resolution runs (issue 17: memory at a million
documents).

At a million documents the mention table is about 1 GiB of Arrow (3.6 million rows, twenty
columns), and no step of resolution needs all of it: scoring needs the person columns,
clustering three columns, naming seven, and the other columns are only written back. So the
table is written once to an uncompressed Parquet file in a private temporary folder and each
step reads the columns it needs (and drops them); ``entity_mentions`` is written from the file
a slice of rows at a time. Rows keep their order, so a row number means the same mention in
every step.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

_ROW_GROUP = 100_000  # rows per Parquet row group: the unit a slice is read in


class MentionFile:
    """Columns of the mention table, read from its Parquet file when a step needs them."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file = pq.ParquetFile(path)
        self.num_rows: int = self._file.metadata.num_rows

    @classmethod
    def write(cls, table: pa.Table, path: Path) -> MentionFile:
        pq.write_table(table, path, compression="none", row_group_size=_ROW_GROUP)
        return cls(path)

    def read(self, columns: Sequence[str]) -> pa.Table:
        """The given columns of every row, in row order."""
        return self._file.read(columns=list(columns), use_threads=False)

    def column(self, name: str) -> pa.Array:
        """One column of every row as one array."""
        return self.read([name]).column(0).combine_chunks()

    def slices(self, rows: int) -> Iterator[pa.Table]:
        """Every column, ``rows`` rows at a time, in row order."""
        for batch in self._file.iter_batches(batch_size=rows, use_threads=False):
            yield pa.Table.from_batches([batch])

    def close(self) -> None:
        self._file.close()


@contextmanager
def spilled(build: Callable[[], pa.Table]) -> Iterator[MentionFile]:
    """The table ``build()`` returns, written to a private temporary folder (removed on exit);
    only the file holds its rows afterwards."""
    with tempfile.TemporaryDirectory(prefix="jiandu-er-") as folder:
        mentions = MentionFile.write(build(), Path(folder) / "mentions.parquet")
        try:
            yield mentions
        finally:
            mentions.close()
