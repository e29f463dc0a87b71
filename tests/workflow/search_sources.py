"""The analytic-store tables the search index is made from (`jiandu.workflow.search`), with the
columns it reads, for tests and benchmarks that build a small analytic store by hand in DuckDB."""

from __future__ import annotations

from typing import Any

SEARCH_SOURCE_TABLES = {
    "entities": "entity_id VARCHAR, kind VARCHAR, name VARCHAR, id_key VARCHAR, documents BIGINT",
    "party_entities": "doc_id VARCHAR, party_idx INTEGER, entity_id VARCHAR",
    "parties": "doc_id VARCHAR, party_idx INTEGER, name VARCHAR, kind VARCHAR, role VARCHAR",
    "entity_mentions": "entity_id VARCHAR, normalized_name VARCHAR, source VARCHAR, court VARCHAR",
    "cases": "doc_id VARCHAR, case_number VARCHAR, court VARCHAR, cause VARCHAR, case_year INTEGER",
}


def create_search_sources(con: Any, *tables: str) -> None:
    """Create the named tables (empty) on a DuckDB connection."""
    for name in tables:
        con.execute(f"CREATE TABLE {name} ({SEARCH_SOURCE_TABLES[name]})")
