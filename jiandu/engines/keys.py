"""Key checks on Arrow rows before they are stored: nulls in key columns, first occurrences.

`first_occurrences` keeps, for each key, the first row that has it, in the rows' order — what
`Engine.insert_new` promises within one call. It encodes each key column once (Arrow's hash
dictionary, codes in order of first appearance) and combines the codes into one integer per
row, so the common case (no key repeated) costs a few vectorised passes and no string grouping.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from jiandu.schema.registry import TableSchema


def check_key_nulls(schema: TableSchema, rows: pa.Table) -> None:
    """`ValueError` when a key column holds nulls (a key must identify its row)."""
    for column in schema.key:
        nulls = rows.column(column).null_count
        if nulls:
            raise ValueError(f"{schema.name}.{column}: key is null in {nulls} rows")


def _codes(rows: pa.Table, key: Sequence[str]) -> tuple[pa.Array, int]:
    """One int64 code per row, equal exactly when the rows' keys are equal, numbered in order
    of first appearance; and how many distinct keys there are."""
    combined: pa.Array | None = None
    distinct = 0
    for name in key:
        encoded = pc.dictionary_encode(rows.column(name).combine_chunks())
        indices, size = encoded.indices.cast(pa.int64()), len(encoded.dictionary)
        if combined is not None:  # (codes so far) × size + this column's code: exact, < rows × size
            encoded = pc.dictionary_encode(pc.add(pc.multiply(combined, size), indices))
            indices, size = encoded.indices.cast(pa.int64()), len(encoded.dictionary)
        combined, distinct = indices, size  # 0..size-1 in order of first appearance
    assert combined is not None
    return combined, distinct


def first_occurrences(rows: pa.Table, key: Sequence[str]) -> pa.Table:
    """The rows whose key has not appeared in an earlier row (order kept). Keys may not be null."""
    if rows.num_rows < 2 or not key:
        return rows
    codes, distinct = _codes(rows, key)
    if distinct == rows.num_rows:  # no key repeated: the rows as they are
        return rows
    # codes are numbered in order of first appearance: a row is a first occurrence exactly when
    # its code is above every code before it
    running = pc.cumulative_max(codes)
    previous = pa.concat_arrays([pa.array([-1], pa.int64()), running.slice(0, len(running) - 1)])
    return rows.filter(pc.greater(codes, previous))
