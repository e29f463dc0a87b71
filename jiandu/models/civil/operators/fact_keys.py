"""The ``party_fact_keys`` operator: the one key by which a party mention meets execution cases
and relations: its register key (``party_register_keys``: ID number or credit code) when it has
one, else the ID number or credit code of its resolved entity (``party_entities`` →
``entities.id_key``), else its ``party_mentions.party_key`` (the entity id; without entity
resolution the name, or a key of its own for a masked name). Documents-only data has no ID
numbers: parties meet through the entity that entity resolution gives them, and a register,
once loaded, turns the same people's keys into their ID numbers, so document facts and register
rows share keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.models.incremental import query_rows
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["PartyFactKeys", "party_fact_keys_sql"]


def party_fact_keys_sql(with_register: bool, with_entities: bool) -> str:
    """party_fact_keys from party_mentions and, when they exist, party_register_keys and the
    entity tables."""
    register_key = "k.register_key" if with_register else "CAST(NULL AS VARCHAR)"
    register_name = "k.register_name" if with_register else "CAST(NULL AS VARCHAR)"
    id_key = "en.id_key" if with_entities else "CAST(NULL AS VARCHAR)"
    entity_name = "en.name" if with_entities else "CAST(NULL AS VARCHAR)"
    joins = ""
    if with_register:
        joins += " LEFT JOIN party_register_keys AS k ON k.doc_id = m.doc_id AND k.party_idx = m.party_idx"
    if with_entities:
        joins += (
            " LEFT JOIN party_entities AS pe ON pe.doc_id = m.doc_id AND pe.party_idx = m.party_idx"
            " LEFT JOIN entities AS en ON en.entity_id = pe.entity_id"
        )
    return f"""
SELECT m.doc_id, m.party_idx,
    coalesce({register_key}, {id_key}, m.party_key) AS fact_key,
    CASE WHEN {register_key} IS NOT NULL THEN 'register'
         WHEN {id_key} IS NOT NULL THEN 'entity_id_key'
         ELSE m.key_source END AS key_source,
    coalesce({register_name}, {entity_name}, m.normalized_name) AS fact_name,
    m.kind
FROM party_mentions AS m {joins}
"""


@dataclass(frozen=True)
class PartyFactKeys:
    """party_fact_keys: the key by which a party mention meets execution cases and relations."""

    name: str = "party_fact_keys"
    version: str = "1"
    inputs: tuple[str, ...] = ("party_mentions",)
    optional_inputs: tuple[str, ...] = ("party_register_keys", "party_entities", "entities")
    outputs: tuple[str, ...] = ("party_fact_keys",)

    def run(self, engine: Engine) -> int:
        sql = party_fact_keys_sql(
            engine.table_exists("party_register_keys"),
            engine.table_exists("party_entities") and engine.table_exists("entities"),
        )
        return rebuild_table(engine, derived_table("party_fact_keys"), sql)

    def document_rows(self, engine: Engine, docs: str) -> dict[str, pa.Table]:
        """The rows of the documents in ``docs`` (incremental runs)."""
        sql = party_fact_keys_sql(
            engine.table_exists("party_register_keys"),
            engine.table_exists("party_entities") and engine.table_exists("entities"),
        )
        sql += f" WHERE m.doc_id IN (SELECT doc_id FROM {docs})"
        return {"party_fact_keys": query_rows(engine, "party_fact_keys", sql)}
