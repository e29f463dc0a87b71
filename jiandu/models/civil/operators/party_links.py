"""The ``party_links`` operator: plaintiffs that count together.

A person matched (by name, and birth date when printed) to exactly one person of the household
register is linked to the household; an organisation matched to the company register is linked
to its legal representative's household (or to the representative). ``licensed`` marks banks
and licensed lenders of the company register. Without the registers each plaintiff is keyed to
itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa

from jiandu.documents.masked_names import masked_name_sql
from jiandu.engines.base import Engine
from jiandu.models.incremental import rows_for_keys, touched_keys_sql
from jiandu.models.operators import NORMALIZED
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["CLAIMANT_SIDES", "PartyLinks", "party_links_sql"]

CLAIMANT_SIDES = "('plaintiff', 'applicant')"
_MASKED_M = masked_name_sql("m.name", "m.kind")
_NORM_H = NORMALIZED.replace("p.name", "h.name")
_NORM_C = NORMALIZED.replace("p.name", "co.name")


def party_links_sql(with_household: bool, with_companies: bool) -> str:
    keys = f"""
        SELECT m.party_key, m.normalized_name AS name, min(m.kind) AS kind,
            min(p.birth_date) AS birth_date
        FROM party_mentions AS m
        JOIN parties AS p ON p.doc_id = m.doc_id AND p.party_idx = m.party_idx
        WHERE m.side IN {CLAIMANT_SIDES} AND m.key_source <> 'masked' AND NOT ({_MASKED_M})
        GROUP BY m.party_key, m.normalized_name
    """
    if with_household:
        persons = f"""
            SELECT k.party_key, min(h.household_id) AS household_id,
                min(h.person_id) AS person_id
            FROM keys AS k JOIN household AS h
              ON {_NORM_H} = k.name AND (k.birth_date IS NULL OR h.birth_date = k.birth_date)
            WHERE coalesce(k.kind, 'person') <> 'organization'
            GROUP BY k.party_key
            HAVING count(DISTINCT h.person_id) = 1
        """
    else:
        persons = (
            "SELECT CAST(NULL AS VARCHAR) AS party_key, CAST(NULL AS VARCHAR) AS household_id, "
            "CAST(NULL AS VARCHAR) AS person_id FROM keys WHERE 1 = 0"
        )
    if with_companies:
        rep_household = (
            "(SELECT min(h.household_id) FROM household AS h WHERE h.person_id = co.legal_rep_id)"
            if with_household
            else "CAST(NULL AS VARCHAR)"
        )
        companies = f"""
            SELECT k.party_key, min(co.credit_code) AS credit_code,
                min(co.legal_rep_id) AS legal_rep_id, min({rep_household}) AS rep_household,
                max(CASE WHEN coalesce(co.financial_licence, false)
                          OR co.type IN ('bank', 'small_loan') THEN 1 ELSE 0 END) AS licensed
            FROM keys AS k JOIN companies AS co ON {_NORM_C} = k.name
            GROUP BY k.party_key
        """
    else:
        companies = (
            "SELECT CAST(NULL AS VARCHAR) AS party_key, CAST(NULL AS VARCHAR) AS credit_code, "
            "CAST(NULL AS VARCHAR) AS legal_rep_id, CAST(NULL AS VARCHAR) AS rep_household, "
            "0 AS licensed FROM keys WHERE 1 = 0"
        )
    return f"""
        WITH keys AS ({keys}),
        persons AS ({persons}),
        companies AS ({companies}),
        names AS (SELECT party_key, min(name) AS name FROM keys GROUP BY party_key)
        SELECT n.party_key,
            CASE WHEN ps.household_id IS NOT NULL THEN 'household:' || ps.household_id
                 WHEN co.rep_household IS NOT NULL THEN 'household:' || co.rep_household
                 WHEN co.legal_rep_id IS NOT NULL THEN 'representative:' || co.legal_rep_id
                 ELSE n.party_key END AS link_key,
            CASE WHEN ps.household_id IS NOT NULL THEN 'household'
                 WHEN co.rep_household IS NOT NULL THEN 'company_household'
                 WHEN co.legal_rep_id IS NOT NULL THEN 'company_representative'
                 ELSE 'self' END AS link_kind,
            n.name AS party_name,
            coalesce(ps.person_id, co.credit_code) AS register_key,
            coalesce(co.licensed, 0) = 1 AS licensed
        FROM names AS n
        LEFT JOIN persons AS ps ON ps.party_key = n.party_key
        LEFT JOIN companies AS co ON co.party_key = n.party_key
    """


@dataclass(frozen=True)
class PartyLinks:
    """party_links: each plaintiff key with the key of the linked group it counts with."""

    name: str = "party_links"
    version: str = "2"
    inputs: tuple[str, ...] = ("party_mentions", "parties")
    optional_inputs: tuple[str, ...] = ("household", "companies")
    outputs: tuple[str, ...] = ("party_links",)
    key_column: str = "party_key"  # incremental runs recompute the keys a batch touches

    def run(self, engine: Engine) -> int:
        sql = party_links_sql(engine.table_exists("household"), engine.table_exists("companies"))
        return rebuild_table(engine, derived_table("party_links"), sql)

    def affected_keys_sql(self, docs: str, removed: Mapping[str, str]) -> str:
        """The party keys of the documents in ``docs``, and of party mentions taken out."""
        return touched_keys_sql("party_mentions", "party_key", docs, removed)

    def key_rows(self, engine: Engine, keys: str) -> dict[str, pa.Table]:
        """The rows of the party keys in ``keys`` (incremental runs)."""
        sql = party_links_sql(engine.table_exists("household"), engine.table_exists("companies"))
        return {"party_links": rows_for_keys(engine, "party_links", sql, "party_mentions", "party_key", keys)}
