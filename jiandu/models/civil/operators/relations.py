"""The ``person_relations`` operator (collusive-suit, debt-assignment and insurance-claim
models): how register people and companies are related.

Pairs of keys that are related, in both directions: spouse, parent / child, sibling (same
father or mother), same household, same address and surname (household register); employee of
a company and of its legal representative, legal representative of a company (employment and
company registers); and the relations documents state between their parties
(``document_relations``, keyed by ``party_fact_keys``). A register row has confidence 1; a
relation only documents state keeps the confidence of its wording, the document and the span
(``provenance`` register | document | both).
"""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["PersonRelations", "relations_sql"]


def relations_sql(existing: set[str]) -> str:
    """person_relations from the household, employment and company registers that exist."""
    parts: list[str] = []
    if "household" in existing:
        parts += [
            """SELECT person_id AS key_a, spouse_id AS key_b, 'spouse' AS relation,
                   household_id AS detail, 'household' AS source
               FROM household WHERE spouse_id IS NOT NULL""",
            """SELECT person_id, father_id, 'child', household_id, 'household'
               FROM household WHERE father_id IS NOT NULL""",
            """SELECT person_id, mother_id, 'child', household_id, 'household'
               FROM household WHERE mother_id IS NOT NULL""",
            """SELECT father_id, person_id, 'parent', household_id, 'household'
               FROM household WHERE father_id IS NOT NULL""",
            """SELECT mother_id, person_id, 'parent', household_id, 'household'
               FROM household WHERE mother_id IS NOT NULL""",
            """SELECT a.person_id, b.person_id, 'sibling', a.household_id, 'household'
               FROM household AS a JOIN household AS b
                 ON a.father_id = b.father_id AND a.person_id <> b.person_id""",
            """SELECT a.person_id, b.person_id, 'sibling', a.household_id, 'household'
               FROM household AS a JOIN household AS b
                 ON a.mother_id = b.mother_id AND a.person_id <> b.person_id""",
            """SELECT a.person_id, b.person_id, 'household', a.household_id, 'household'
               FROM household AS a JOIN household AS b
                 ON a.household_id = b.household_id AND a.person_id <> b.person_id""",
            """SELECT a.person_id, b.person_id, 'same_address_surname', a.address, 'household'
               FROM household AS a JOIN household AS b
                 ON a.address = b.address AND a.person_id <> b.person_id
                AND a.household_id <> b.household_id
                AND substr(a.name, 1, 1) = substr(b.name, 1, 1)""",
        ]
    if "employment" in existing:
        parts += [
            """SELECT person_id, employer_credit_code, 'employee_of', employer_name, 'employment'
               FROM employment""",
            """SELECT employer_credit_code, person_id, 'employer_of', employer_name, 'employment'
               FROM employment""",
        ]
    if "employment" in existing and "companies" in existing:
        parts += [
            """SELECT e.person_id, c.legal_rep_id, 'employee_of_legal_rep', c.name, 'employment'
               FROM employment AS e JOIN companies AS c ON c.credit_code = e.employer_credit_code
               WHERE c.legal_rep_id IS NOT NULL AND c.legal_rep_id <> e.person_id""",
            """SELECT c.legal_rep_id, e.person_id, 'legal_rep_of_employer', c.name, 'employment'
               FROM employment AS e JOIN companies AS c ON c.credit_code = e.employer_credit_code
               WHERE c.legal_rep_id IS NOT NULL AND c.legal_rep_id <> e.person_id""",
        ]
    if "companies" in existing:
        parts += [
            """SELECT legal_rep_id, credit_code, 'legal_rep_of', name, 'companies'
               FROM companies WHERE legal_rep_id IS NOT NULL""",
            """SELECT credit_code, legal_rep_id, 'company_of', name, 'companies'
               FROM companies WHERE legal_rep_id IS NOT NULL""",
        ]
    if not parts:
        parts.append(
            "SELECT CAST(NULL AS VARCHAR) AS key_a, CAST(NULL AS VARCHAR) AS key_b, "
            "CAST(NULL AS VARCHAR) AS relation, CAST(NULL AS VARCHAR) AS detail, "
            "CAST(NULL AS VARCHAR) AS source WHERE 1 = 0"
        )
    union = " UNION ALL ".join(f"({p})" for p in parts)
    register_rows = f"""
SELECT key_a, key_b, relation, min(detail) AS detail, min(source) AS source
FROM ({union}) AS r
WHERE key_a IS NOT NULL AND key_b IS NOT NULL AND key_a <> key_b
GROUP BY key_a, key_b, relation
"""
    if "document_relations" not in existing or "party_fact_keys" not in existing:
        return f"""
SELECT key_a, key_b, relation, detail, source, 'register' AS provenance, 1.0 AS confidence,
    CAST(NULL AS VARCHAR) AS source_doc_id, CAST(NULL AS INTEGER) AS span_start,
    CAST(NULL AS INTEGER) AS span_end
FROM ({register_rows}) AS reg
"""
    return f"""
WITH reg AS ({register_rows}),
stated AS (  -- relations documents state between their parties, both directions
    SELECT ka.fact_key AS key_a, kb.fact_key AS key_b, r.relation, r.confidence, r.doc_id,
        r.span_start, r.span_end
    FROM document_relations AS r
    JOIN party_fact_keys AS ka ON ka.doc_id = r.doc_id AND ka.party_idx = r.party_idx_a
    JOIN party_fact_keys AS kb ON kb.doc_id = r.doc_id AND kb.party_idx = r.party_idx_b
    UNION ALL
    SELECT kb.fact_key, ka.fact_key,
        CASE r.relation WHEN 'child' THEN 'parent' WHEN 'parent' THEN 'child'
             WHEN 'employee_of' THEN 'employer_of' ELSE r.relation END,
        r.confidence, r.doc_id, r.span_start, r.span_end
    FROM document_relations AS r
    JOIN party_fact_keys AS ka ON ka.doc_id = r.doc_id AND ka.party_idx = r.party_idx_a
    JOIN party_fact_keys AS kb ON kb.doc_id = r.doc_id AND kb.party_idx = r.party_idx_b
),
doc AS (  -- per pair and relation, the strongest statement (then the first document and span)
    SELECT * FROM (
        SELECT s.*, row_number() OVER (
            PARTITION BY key_a, key_b, relation
            ORDER BY confidence DESC, doc_id, span_start, span_end) AS rn
        FROM stated AS s
        WHERE key_a IS NOT NULL AND key_b IS NOT NULL AND key_a <> key_b
    ) AS ranked
    WHERE rn = 1
)
SELECT coalesce(reg.key_a, doc.key_a) AS key_a, coalesce(reg.key_b, doc.key_b) AS key_b,
    coalesce(reg.relation, doc.relation) AS relation,
    coalesce(reg.detail, c.case_number, doc.doc_id) AS detail,
    coalesce(reg.source, 'document') AS source,
    CASE WHEN reg.key_a IS NULL THEN 'document' WHEN doc.key_a IS NULL THEN 'register'
         ELSE 'both' END AS provenance,
    CASE WHEN reg.key_a IS NOT NULL THEN 1.0 ELSE doc.confidence END AS confidence,
    doc.doc_id AS source_doc_id, doc.span_start, doc.span_end
FROM reg
FULL OUTER JOIN doc
  ON doc.key_a = reg.key_a AND doc.key_b = reg.key_b AND doc.relation = reg.relation
LEFT JOIN cases AS c ON c.doc_id = doc.doc_id
"""


@dataclass(frozen=True)
class PersonRelations:
    """person_relations: related people and companies, from the registers (family, household,
    address, employer, company) and from what documents state (``document_relations``), one
    row per pair and relation with its confidence and provenance."""

    name: str = "person_relations"
    version: str = "3"
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = (
        "household",
        "employment",
        "companies",
        "document_relations",
        "party_fact_keys",
        "cases",
    )
    outputs: tuple[str, ...] = ("person_relations",)

    def run(self, engine: Engine) -> int:
        existing = {t for t in self.optional_inputs if engine.table_exists(t)}
        return rebuild_table(engine, derived_table("person_relations"), relations_sql(existing))
