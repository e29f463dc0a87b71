"""Ingest of pseudonymised sources: one key per workspace, and nothing raw kept in quarantine.

Pseudonyms made under two keys never match, so a workspace holding pseudonyms of key A refuses a
file of key B (and says which table holds the others) instead of loading data that would
silently never join. A quarantined row of a pseudonymised source is kept masked: identifier
cells that are not pseudonyms are not stored at all, and any personal number left in other
cells is masked by the one masking definition (`jiandu.privacy`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from jiandu.engines.base import Engine
from jiandu.privacy import mask_text
from jiandu.privacy.pseudonyms import is_pseudonym
from jiandu.sources.model import Source
from jiandu.sources.registry import Catalogue

NOT_KEPT = "〔非假名值，未保存〕"


def identifier_columns(sources: Catalogue) -> dict[str, set[str]]:
    """Per register table, the canonical columns any declared source fills from identifier columns."""
    found: dict[str, set[str]] = {}
    for loaded in sources.sources:
        source = loaded.source
        for name, mapping in source.columns.items():
            declared = mapping.from_ and all(h in source.identifiers for h in mapping.from_)
            if declared and mapping.transform in {None, "key", "passport"}:
                found.setdefault(source.table, set()).add(name)
    return found


def other_key(engine: Engine, sources: Catalogue, key_id: str) -> str | None:
    """Where the workspace already holds pseudonyms of another key than ``key_id`` (a message
    naming the key, table and column), else None."""
    for table, columns in sorted(identifier_columns(sources).items()):
        if not engine.table_exists(table):
            continue
        stored = set(engine.stored_schema(table).names)
        for column in sorted(columns & stored):
            rows = engine.rows(
                f'SELECT min(split_part("{column}", \':\', 2)) AS k FROM "{table}" '
                f'WHERE "{column}" LIKE \'P1:%\' AND "{column}" NOT LIKE ?',
                [f"P1:{key_id}:%"],
            )
            if rows and rows[0]["k"]:
                return (
                    f"the workspace holds pseudonyms of key {rows[0]['k']} ({table}.{column}); this file's "
                    f"source declares key {key_id}: pseudonyms of different keys never match, the file is "
                    "refused (工作区已有其他密钥的假名，不同密钥的假名无法比对). "
                    f"Have the agency pseudonymise with key {rows[0]['k']}, "
                    "or re-key every source and load them into a new workspace"
                )
    return None


def masked_row(source: Source, row: dict[str, Any]) -> dict[str, Any]:
    """A rejected row of a pseudonymised source as quarantine may keep it."""
    out: dict[str, Any] = {}
    for header, value in row.items():
        if value is None or not isinstance(value, str):
            out[header] = value
        elif header in source.identifiers:
            out[header] = value if is_pseudonym(value.strip()) else NOT_KEPT
        else:
            out[header] = mask_text(value)
    return out


class Readable(Protocol):
    """Read access to the analytic store: an `Engine`, or the web's read snapshot."""

    def rows(self, sql: str, params: Sequence[Any] = ...) -> list[dict[str, Any]]: ...

    def table_exists(self, name: str) -> bool: ...


def raw_holdings(engine: Readable, sources: Catalogue) -> Iterator[str]:
    """Raw identifiers the workspace holds lawfully, for re-identification: the parties of its
    judgments (ID numbers and names as printed) and the identifier columns of sources loaded raw
    (values that are not pseudonyms). Each distinct value once per column. Read through
    ``rows`` only, so the web's read snapshot serves as well as an engine."""
    columns: dict[str, set[str]] = {"parties": {"id_number", "name"}}
    for table, names in identifier_columns(sources).items():
        columns.setdefault(table, set()).update(names)
    for table, names in sorted(columns.items()):
        if not engine.table_exists(table):
            continue
        first = engine.rows(f'SELECT * FROM "{table}" LIMIT 1')
        stored = set(first[0]) if first else set()
        for column in sorted(names & stored):
            result = engine.rows(
                f'SELECT DISTINCT "{column}" AS v FROM "{table}" '
                f'WHERE "{column}" IS NOT NULL AND "{column}" NOT LIKE \'P1:%\''
            )
            yield from (str(r["v"]) for r in result if r["v"])
