"""The ``party_register_keys`` operator (collusive-suit, debt-assignment and insurance-claim
models): who a party is in the agency registers.

Each party mention matched to one ID number or credit code of the registers. An ID number or
credit code printed in the document wins. Otherwise a person is matched on surname (first
character), sex and birth date, which ID numbers encode, so masked names (张某, 李××2) can be
matched too; an unmasked name must also be equal. An organisation is matched on its exact name.
Only a single candidate counts (``candidates`` says how many there were); without a birth date
an unmasked name must be unique among register people.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.models.incremental import query_rows
from jiandu.models.operators import MASKED, NORMALIZED
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = [
    "REGISTER_TABLES",
    "PartyRegisterKeys",
    "register_keys_sql",
    "register_orgs_sql",
    "register_people_sql",
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

    def document_rows(self, engine: Engine, docs: str) -> dict[str, pa.Table]:
        """The rows of the documents in ``docs`` (incremental runs; the registers unchanged)."""
        existing = {t for t in REGISTER_TABLES if engine.table_exists(t)}
        people = engine.query(register_people_sql(existing))
        orgs = engine.query(register_orgs_sql(existing))
        with engine.temp_table(people, "people") as tp, engine.temp_table(orgs, "orgs") as to:
            sql = register_keys_sql(tp, to).replace(
                "FROM parties AS p\n", f"FROM parties AS p JOIN {docs} AS nd ON nd.doc_id = p.doc_id\n"
            )
            return {"party_register_keys": query_rows(engine, "party_register_keys", sql)}
