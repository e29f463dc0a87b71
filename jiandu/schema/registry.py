"""Load the table declarations in ``canonical.yaml`` into typed objects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyarrow as pa
import yaml

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # DuckDB logical type name, one of _ARROW_TYPES
    description: str


@dataclass(frozen=True, slots=True)
class TableSchema:
    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    title_zh: str = ""  # what pages call the table (证据来源：当事人), required in the YAML

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, _ARROW_TYPES[c.type]) for c in self.columns])

    def to_arrow(self, rows: list[dict[str, object]]) -> pa.Table:
        """Build an Arrow table in this schema from row dicts (missing keys become null)."""
        return pa.Table.from_pylist(rows, schema=self.arrow_schema())

    def conform(self, rows: pa.Table) -> pa.Table:
        """Rows in this table's column order and types; see `conform_arrow`."""
        return conform_arrow(rows, self.arrow_schema(), self.name)


def conform_arrow(rows: pa.Table, schema: pa.Schema, table_name: str = "table") -> pa.Table:
    """Reorder and cast `rows` to `schema`: absent columns become null, unknown ones are an error.

    Casts are safe (no silent truncation or overflow); a zone-aware timestamp becomes the naive
    UTC timestamp the tables store.
    """
    unknown = [name for name in rows.column_names if schema.get_field_index(name) < 0]
    if unknown:
        raise ValueError(f"{table_name}: unknown columns {unknown}")
    columns = []
    for field in schema:
        if field.name not in rows.column_names:
            columns.append(pa.nulls(rows.num_rows, field.type))
            continue
        column = rows.column(field.name)
        if column.type != field.type:
            try:
                column = column.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
                raise ValueError(
                    f"{table_name}.{field.name}: cannot store {column.type} as {field.type}: "
                    f"{error}"
                ) from None
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


PROVENANCE_KEY = "_provenance"  # in a declaration file: columns every table of the file gets


def _load(text: str) -> dict[str, TableSchema]:
    raw = yaml.safe_load(text)
    tables: dict[str, TableSchema] = {}
    shared = (raw.get(PROVENANCE_KEY) or {}).get("columns", {})
    for name, spec in raw.items():
        if name == PROVENANCE_KEY:
            continue
        clash = set(spec["columns"]) & set(shared)
        if clash:
            raise ValueError(f"table {name}: columns {sorted(clash)} clash with {PROVENANCE_KEY}")
        columns = tuple(
            Column(col, body["type"], body.get("description", ""))
            for col, body in {**spec["columns"], **shared}.items()
        )
        unknown = {c.type for c in columns} - set(_ARROW_TYPES)
        if unknown:
            raise ValueError(f"table {name}: unknown column types {sorted(unknown)}")
        key = tuple(spec.get("key", []))
        missing = set(key) - {c.name for c in columns}
        if missing:
            raise ValueError(f"table {name}: key columns {sorted(missing)} are not declared")
        title_zh = spec.get("title_zh")
        if not title_zh:
            raise ValueError(f"table {name}: title_zh (its Chinese name) is missing")
        tables[name] = TableSchema(name, spec.get("description", ""), key, columns, str(title_zh))
    return tables


CANONICAL_FILES = ("canonical.yaml", "registers.yaml")  # court documents, then agency registers


@cache
def canonical_tables() -> dict[str, TableSchema]:
    """Every canonical table (documents and agency registers), by name, in declaration order."""
    tables: dict[str, TableSchema] = {}
    for name in CANONICAL_FILES:
        loaded = _load(resources.files("jiandu.schema").joinpath(name).read_text("utf-8"))
        clash = set(loaded) & set(tables)
        if clash:
            raise ValueError(f"{name}: tables {sorted(clash)} are declared twice")
        tables.update(loaded)
    return tables


def table(name: str) -> TableSchema:
    """One canonical table by name; KeyError names the unknown table."""
    try:
        return canonical_tables()[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(canonical_tables())}") from None
