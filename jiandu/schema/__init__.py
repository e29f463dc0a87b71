"""Schema registry: canonical tables declared as data."""

from jiandu.schema.registry import Column, TableSchema, canonical_tables, table

__all__ = ["Column", "TableSchema", "canonical_tables", "table"]
