"""Derived tables (operator outputs, clues, runs) declared in ``derived.yaml``."""

from __future__ import annotations

from functools import cache
from importlib import resources

from jiandu.schema.registry import TableSchema, _load, canonical_tables


@cache
def derived_tables() -> dict[str, TableSchema]:
    """Every derived table, by name, in declaration order."""
    text = resources.files("jiandu.schema").joinpath("derived.yaml").read_text("utf-8")
    tables = _load(text)
    clash = set(tables) & set(canonical_tables())
    if clash:
        raise ValueError(f"derived tables {sorted(clash)} are also declared as canonical tables")
    return tables


def derived_table(name: str) -> TableSchema:
    """One derived table by name; KeyError names the unknown table."""
    try:
        return derived_tables()[name]
    except KeyError:
        raise KeyError(f"unknown derived table {name!r}; known: {', '.join(derived_tables())}") from None


def known_tables() -> dict[str, TableSchema]:
    """Canonical and derived tables: everything a model's SQL may read."""
    return {**canonical_tables(), **derived_tables()}
