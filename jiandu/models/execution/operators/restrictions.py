"""The ``execution_restrictions`` operator: who is restricted, from when to when, and on which
documents they travel (``restricted_persons``, ``restricted_documents``).

Plain SQL, made an operator so that it is computed once: the ban-violation model reads both
tables many times over (once per kind of event), and Spark, which does not materialise a common
table expression, would otherwise rebuild them inside every join of that query.

Restrictions: a person's consumption ban (限制消费令); the legal representative of a restricted
organisation (art. 3 para. 2 of the 2015 provisions restrains them personally); the dishonest
list (失信). Keys as listed: a full ID number is the person; a masked one (the public list's
37280119701****7692) is matched to full ID numbers seen under the same name in the exit-entry,
travel, stay, property and vehicle records with the same visible head and tail (certainty 0.7).
"""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["ExecutionRestrictions"]

PERSON = "coalesce({t}.key_kind IN ('ric', 'ric15', 'ric_masked'), {t}.kind = 'person', false)"

RESTRICTED_PERSONS_SQL = f"""
WITH restricted AS (
    SELECT upper(b.key) AS r_key, b.name AS r_name, '限制消费令' AS measure,
        b.issue_date AS start_date, b.lifted_date AS end_date, b.case_number, b.court
    FROM consumption_bans AS b
    WHERE b.issue_date IS NOT NULL AND b.key IS NOT NULL AND {PERSON.format(t="b")}
    UNION ALL
    SELECT upper(co.legal_rep_id) AS r_key, co.legal_rep_name AS r_name,
        '限制消费令（单位法定代表人）' AS measure, b.issue_date AS start_date,
        b.lifted_date AS end_date, b.case_number, b.court
    FROM consumption_bans AS b
    JOIN companies AS co ON co.credit_code = b.key
    WHERE b.issue_date IS NOT NULL AND co.legal_rep_id IS NOT NULL AND NOT {PERSON.format(t="b")}
    UNION ALL
    SELECT upper(d.key) AS r_key, d.name AS r_name, '失信被执行人名单' AS measure,
        d.reg_date AS start_date, d.removed_date AS end_date, d.case_number, d.court
    FROM dishonest_debtors AS d
    WHERE d.reg_date IS NOT NULL AND d.key IS NOT NULL AND {PERSON.format(t="d")}
),
masked AS (
    SELECT DISTINCT r_key, r_name, substr(r_key, 1, strpos(r_key, '*') - 1) AS head,
        right(r_key, 4) AS tail
    FROM restricted
    WHERE strpos(r_key, '*') > 0
),
id_pool AS (
    SELECT person_key AS full_key, name FROM passports WHERE name IN (SELECT r_name FROM masked)
    UNION
    SELECT id_no AS full_key, passenger_name AS name FROM flights
    WHERE id_type = '居民身份证' AND passenger_name IN (SELECT r_name FROM masked)
    UNION
    SELECT id_no AS full_key, passenger_name AS name FROM train_trips
    WHERE id_type = '居民身份证' AND passenger_name IN (SELECT r_name FROM masked)
    UNION
    SELECT id_no AS full_key, guest_name AS name FROM hotel_stays
    WHERE id_type = '居民身份证' AND guest_name IN (SELECT r_name FROM masked)
    UNION
    SELECT holder_key AS full_key, holder_name AS name FROM property_registrations
    WHERE holder_name IN (SELECT r_name FROM masked)
    UNION
    SELECT owner_key AS full_key, owner_name AS name FROM vehicle_registrations
    WHERE owner_name IN (SELECT r_name FROM masked)
),
person_keys AS (
    SELECT DISTINCT r_key, r_key AS person_key, 1.0 AS certainty
    FROM restricted
    WHERE strpos(r_key, '*') = 0
    UNION ALL
    SELECT DISTINCT m.r_key, p.full_key AS person_key, 0.7 AS certainty
    FROM masked AS m
    JOIN id_pool AS p
      ON p.name = m.r_name AND length(p.full_key) = 18
     AND starts_with(p.full_key, m.head) AND right(p.full_key, 4) = m.tail
)
SELECT DISTINCT k.person_key, k.certainty, r.r_key, r.r_name, r.measure, r.start_date, r.end_date,
    r.case_number, r.court
FROM person_keys AS k
JOIN restricted AS r ON r.r_key = k.r_key
"""

RESTRICTED_DOCUMENTS_SQL = """
SELECT DISTINCT person_key, person_key AS doc_no, '居民身份证' AS doc_type FROM restricted_persons
UNION
SELECT p.person_key, pp.doc_no, min(pp.doc_type) AS doc_type
FROM passports AS pp
JOIN (SELECT DISTINCT person_key FROM restricted_persons) AS p ON p.person_key = pp.person_key
GROUP BY p.person_key, pp.doc_no
"""


@dataclass(frozen=True)
class ExecutionRestrictions:
    """restricted_persons and restricted_documents, from the ban and dishonest lists."""

    name: str = "execution_restrictions"
    version: str = "1"
    inputs: tuple[str, ...] = (
        "consumption_bans",
        "dishonest_debtors",
        "companies",
        "passports",
        "flights",
        "train_trips",
        "hotel_stays",
        "property_registrations",
        "vehicle_registrations",
    )
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("restricted_persons", "restricted_documents")

    def run(self, engine: Engine) -> int:
        rows = rebuild_table(engine, derived_table("restricted_persons"), RESTRICTED_PERSONS_SQL)
        return rows + rebuild_table(engine, derived_table("restricted_documents"), RESTRICTED_DOCUMENTS_SQL)
