"""Operators for the collusive-suit, debt-assignment and insurance-claim models: who a party is
in the agency registers, and how register people and companies are related.

Two derived tables (declared in ``jiandu/schema/derived.yaml``):

``party_register_keys``
    Each party mention matched to one ID number or credit code of the registers. An ID number
    or credit code printed in the document wins. Otherwise a person is matched on surname
    (first character), sex and birth date, which ID numbers encode, so masked names (张某,
    李××2) can be matched too; an unmasked name must also be equal. An organisation is matched
    on its exact name. Only a single candidate counts (``candidates`` says how many there
    were); without a birth date an unmasked name must be unique among register people.
``person_relations``
    Pairs of keys that are related, in both directions: spouse, parent / child, sibling (same
    father or mother), same household, same address and surname (household register); employee
    of a company and of its legal representative, legal representative of a company
    (employment and company registers); and the relations documents state between their
    parties (``document_relations``, keyed by ``party_fact_keys``). A register row has
    confidence 1; a relation only documents state keeps the confidence of its wording, the
    document and the span (``provenance`` register | document | both).

The operators of ``operators_docfacts.py`` (document facts, party fact keys, execution cases
from registers and documents) are registered here, between ``party_register_keys``, which
they read, and ``person_relations``, which reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.operators import MASKED, NORMALIZED, register
from jiandu.models.operators_docfacts import DOCFACT_OPERATORS
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = [
    "PartyRegisterKeys",
    "PersonRelations",
    "register_keys_sql",
    "register_orgs_sql",
    "register_people_sql",
    "relations_sql",
]

REGISTER_TABLES = (
    "household",
    "execution_cases",
    "dishonest_debtors",
    "consumption_bans",
    "employment",
    "companies",
)
ID_RE = "^[0-9]{17}[0-9Xx]$"


# -- party → register key ----------------------------------------------------------------


def _register_people(existing: set[str]) -> str:
    parts = []
    if "household" in existing:
        parts.append("SELECT person_id AS k, name AS n FROM household")
    if "execution_cases" in existing:
        parts.append(
            "SELECT applicant_key AS k, applicant_name AS n FROM execution_cases "
            "WHERE applicant_kind = 'person'"
        )
        parts.append(
            "SELECT respondent_key AS k, respondent_name AS n FROM execution_cases "
            "WHERE respondent_kind = 'person'"
        )
    for t in ("dishonest_debtors", "consumption_bans"):
        if t in existing:
            parts.append(f"SELECT key AS k, name AS n FROM {t} WHERE kind = 'person'")
    if "employment" in existing:
        parts.append("SELECT person_id AS k, name AS n FROM employment")
    if "companies" in existing:
        parts.append("SELECT legal_rep_id AS k, legal_rep_name AS n FROM companies")
    if not parts:
        return "SELECT CAST(NULL AS VARCHAR) AS k, CAST(NULL AS VARCHAR) AS n WHERE 1 = 0"
    return " UNION ".join(parts)


def _register_orgs(existing: set[str]) -> str:
    parts = []
    if "companies" in existing:
        parts.append("SELECT credit_code AS k, name AS n FROM companies")
    if "execution_cases" in existing:
        parts.append(
            "SELECT applicant_key AS k, applicant_name AS n FROM execution_cases "
            "WHERE applicant_kind = 'organization'"
        )
        parts.append(
            "SELECT respondent_key AS k, respondent_name AS n FROM execution_cases "
            "WHERE respondent_kind = 'organization'"
        )
    for t in ("dishonest_debtors", "consumption_bans"):
        if t in existing:
            parts.append(f"SELECT key AS k, name AS n FROM {t} WHERE kind = 'organization'")
    if not parts:
        return "SELECT CAST(NULL AS VARCHAR) AS k, CAST(NULL AS VARCHAR) AS n WHERE 1 = 0"
    return " UNION ".join(parts)


def register_people_sql(existing: set[str]) -> str:
    """Register people: ID number, a name, and the birth date (yyyymmdd) and sex it encodes."""
    norm_n = NORMALIZED.replace("p.name", "n")
    return f"""
SELECT k AS key, min({norm_n}) AS name,
    CAST(substr(k, 7, 8) AS INTEGER) AS birth,
    CASE WHEN CAST(substr(k, 17, 1) AS INTEGER) % 2 = 1 THEN '男' ELSE '女' END AS sex
FROM ({_register_people(existing)}) AS r
WHERE k IS NOT NULL AND n IS NOT NULL AND regexp_matches(k, '{ID_RE}')
GROUP BY k
"""


def register_orgs_sql(existing: set[str]) -> str:
    """Register organisations: normalised name and credit code (or other key)."""
    norm_n = NORMALIZED.replace("p.name", "n")
    return f"""
SELECT {norm_n} AS name, k AS key
FROM ({_register_orgs(existing)}) AS r
WHERE k IS NOT NULL AND n IS NOT NULL
GROUP BY {norm_n}, k
"""


def register_keys_sql(people: str, orgs: str) -> str:
    """party_register_keys from parties and the tables (or subqueries) of people and orgs."""
    return f"""
WITH people AS (SELECT * FROM {people}),
orgs AS (SELECT * FROM {orgs}),
pm AS (
    SELECT p.doc_id, p.party_idx, p.kind, p.gender, p.id_number,
        {NORMALIZED} AS nname,
        CASE WHEN {MASKED} THEN TRUE ELSE FALSE END AS masked,
        year(p.birth_date) * 10000 + month(p.birth_date) * 100 + day(p.birth_date) AS birth
    FROM parties AS p
    WHERE p.name IS NOT NULL AND {NORMALIZED} <> ''
),
printed AS (
    SELECT doc_id, party_idx, upper(id_number) AS key, CAST(NULL AS VARCHAR) AS name,
        'printed_id' AS method
    FROM pm
    WHERE id_number IS NOT NULL AND length(id_number) = 18
),
candidates AS (
    SELECT pm.doc_id, pm.party_idx, r.key, r.name,
        CASE WHEN pm.masked THEN 'surname_sex_birth' ELSE 'name_sex_birth' END AS method
    FROM pm
    JOIN people AS r
      ON r.birth = pm.birth AND r.sex = pm.gender AND substr(r.name, 1, 1) = substr(pm.nname, 1, 1)
    WHERE coalesce(pm.kind, 'person') = 'person' AND pm.birth IS NOT NULL
      AND (pm.masked OR r.name = pm.nname)
    UNION ALL
    SELECT pm.doc_id, pm.party_idx, r.key, r.name, 'name_only' AS method
    FROM pm
    JOIN people AS r ON r.name = pm.nname
    WHERE coalesce(pm.kind, 'person') = 'person' AND pm.birth IS NULL AND NOT pm.masked
    UNION ALL
    SELECT pm.doc_id, pm.party_idx, r.key, r.name, 'organization_name' AS method
    FROM pm
    JOIN orgs AS r ON r.name = pm.nname
    WHERE pm.kind = 'organization'
),
matched AS (
    SELECT doc_id, party_idx, min(key) AS key, min(name) AS name, min(method) AS method,
        count(DISTINCT key) AS candidates
    FROM candidates
    GROUP BY doc_id, party_idx
)
SELECT pm.doc_id, pm.party_idx,
    CASE WHEN pr.key IS NOT NULL THEN pr.key WHEN m.candidates = 1 THEN m.key END AS register_key,
    CASE WHEN pr.key IS NOT NULL THEN coalesce(pn.name, po.name, pm.nname)
         WHEN m.candidates = 1 THEN m.name END AS register_name,
    CASE WHEN pr.key IS NOT NULL THEN pr.method WHEN m.candidates = 1 THEN m.method
         WHEN m.candidates > 1 THEN 'ambiguous' ELSE 'none' END AS method,
    coalesce(m.candidates, 0) AS candidates
FROM pm
LEFT JOIN printed AS pr ON pr.doc_id = pm.doc_id AND pr.party_idx = pm.party_idx
LEFT JOIN people AS pn ON pn.key = pr.key
LEFT JOIN (SELECT key, min(name) AS name FROM orgs GROUP BY key) AS po ON po.key = pr.key
LEFT JOIN matched AS m ON m.doc_id = pm.doc_id AND m.party_idx = pm.party_idx
"""


@dataclass(frozen=True)
class PartyRegisterKeys:
    """party_register_keys: each party mention's ID number or credit code in the registers."""

    name: str = "party_register_keys"
    version: str = "2"
    inputs: tuple[str, ...] = ("parties",)
    optional_inputs: tuple[str, ...] = REGISTER_TABLES
    outputs: tuple[str, ...] = ("party_register_keys",)

    def run(self, engine: Engine) -> int:
        existing = {t for t in REGISTER_TABLES if engine.table_exists(t)}
        # The register people and organisations are read once and joined as temporary tables:
        # Spark would otherwise recompute their unions for every reference.
        people = engine.query(register_people_sql(existing))
        orgs = engine.query(register_orgs_sql(existing))
        with engine.temp_table(people, "people") as tp, engine.temp_table(orgs, "orgs") as to:
            return rebuild_table(engine, derived_table("party_register_keys"), register_keys_sql(tp, to))


# -- relations between register people -------------------------------------------------------


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
doc AS (  -- per pair and relation, the strongest statement (then the first document)
    SELECT * FROM (
        SELECT s.*, row_number() OVER (
            PARTITION BY key_a, key_b, relation ORDER BY confidence DESC, doc_id, span_start) AS rn
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
        "household", "employment", "companies", "document_relations", "party_fact_keys", "cases",
    )
    outputs: tuple[str, ...] = ("person_relations",)

    def run(self, engine: Engine) -> int:
        existing = {t for t in self.optional_inputs if engine.table_exists(t)}
        return rebuild_table(engine, derived_table("person_relations"), relations_sql(existing))


register(PartyRegisterKeys())
for _op in DOCFACT_OPERATORS:  # execution cases and relations from documents, keyed per party
    register(_op)
register(PersonRelations())
