"""Execution cases and relations from documents, merged with the registers: one definition
of "who is under execution" and "who is related to whom" for every model.

Four derived tables (declared in ``jiandu/schema/derived.yaml``):

``document_executions``, ``document_relations`` (operator ``document_facts``)
    What each document states, with spans: execution cases against its parties (its own case
    when it is an execution ruling or notice, execution case numbers it cites, statements that a
    party is a judgment debtor or that a judgment against a party was applied for execution),
    and relations between its parties (kinship and marriage, employment, same street address
    and surname), read by ``docfacts_text.py``.
``party_fact_keys`` (operator ``party_fact_keys``)
    The one key by which a party mention meets execution cases and relations: its register key
    (``party_register_keys``: ID number or credit code) when it has one, else the ID number or
    credit code of its resolved entity (``party_entities`` → ``entities.id_key``), else its
    ``party_mentions.party_key`` (the entity id; without entity resolution the name, or a key of
    its own for a masked name). Documents-only data has no ID numbers: parties meet through the
    entity that entity resolution gives them, and a register, once loaded, turns the same
    people's keys into their ID numbers, so document facts and register rows share keys.
``execution_cases_all`` (operator ``execution_cases_all``)
    One row per execution case and respondent: every register row of ``execution_cases`` and
    every case documents state, keyed by ``party_fact_keys``. A case stated in documents that the
    register also holds (same case number, or same executed judgment, and the same respondent by
    key or name) is one row, the register's, marked ``provenance = 'both'`` with the document
    that states it; never a second row.

Why a derived table rather than writing document rows into ``execution_cases``: the register
table is canonical (insert-only, loaded and validated by ``jiandu ingest registers``, keyed by
ID numbers that documents do not print) and it is an input of entity resolution, of
``party_register_keys`` and ``execution_applications``. Rows written into it by an operator
would be read back as register mentions by entity resolution, would change the inputs of the
operators that run before this one on every run, and could not be told from register rows
when a later register load brings the same case under an ID-number key. So the register stays
what the agency sent, and ``execution_cases_all`` is the one table a model reads to ask whether
a party was under execution; ``person_relations`` (built in ``relations.py``) takes
the document relations the same way, next to the register relations.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from jiandu.documents.masked_names import masked_name_sql
from jiandu.engines.base import Engine
from jiandu.models.civil.operators.docfacts_text import (
    Party,
    address_relations,
    execution_facts,
    relation_facts,
)
from jiandu.models.store import rebuild_table
from jiandu.models.textpool import map_slices, warm
from jiandu.schema.derived import derived_table

__all__ = [
    "DOCFACT_OPERATORS",
    "DocumentFacts",
    "ExecutionCasesAll",
    "PartyFactKeys",
    "document_fact_rows",
    "execution_cases_all_sql",
    "party_fact_keys_sql",
]

_RELATION_WORDS = (
    "夫妻|配偶|父子|父女|母子|母女|兄弟|姐妹|兄妹|姐弟|同居|亲戚|亲属|远亲|同事|之妻|之夫|妻子|丈夫|"
    "之子|之女|儿子|女儿|之父|之母|父亲|母亲|员工|职工|雇员|会计|出纳|处工作|处上班|其妻|其夫|女婿|儿媳"
)

CANDIDATES_SQL = f"""
WITH shared AS (
    SELECT doc_id FROM parties
    WHERE kind = 'person' AND address IS NOT NULL AND name IS NOT NULL
    GROUP BY doc_id, substr(name, 1, 1)
    HAVING count(*) >= 2
)
SELECT d.doc_id, d.text, c.case_number, c.case_type_code, d.case_category, c.filing_date,
    c.judgment_date, CASE WHEN f.value THEN TRUE ELSE FALSE END AS terminated
FROM documents AS d
LEFT JOIN cases AS c ON c.doc_id = d.doc_id
LEFT JOIN flags AS f ON f.doc_id = d.doc_id AND f.flag = 'terminated_execution'
WHERE d.text IS NOT NULL
  AND (strpos(coalesce(c.case_type_code, ''), '执') > 0
       OR d.case_category = 'execution'
       OR regexp_matches(d.text, '执行')
       OR regexp_matches(d.text, '{_RELATION_WORDS}')
       OR d.doc_id IN (SELECT doc_id FROM shared))
"""

PARTIES_SQL = f"""
SELECT p.doc_id, p.party_idx, p.name, p.side, p.role, p.kind, p.address, p.span_start, p.span_end
FROM parties AS p
JOIN ({CANDIDATES_SQL}) AS c ON c.doc_id = p.doc_id
WHERE p.name IS NOT NULL
ORDER BY p.doc_id, p.party_idx
"""


def document_fact_rows(
    doc_id: str,
    text: str,
    parties: list[Party],
    *,
    case_number: str | None = None,
    is_execution_case: bool = False,
    filing_date: dt.date | None = None,
    judgment_date: dt.date | None = None,
    terminated: bool = False,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(document_executions rows, document_relations rows) of one document."""
    executions = []
    facts = execution_facts(
        text,
        parties,
        case_number=case_number,
        is_execution_case=is_execution_case,
        filing_date=filing_date,
        judgment_date=judgment_date,
        terminated=terminated,
    )
    for idx, f in enumerate(facts):
        executions.append(
            {
                "doc_id": doc_id,
                "fact_idx": idx,
                "kind": f.kind,
                "respondent_idx": f.respondent,
                "applicant_idx": f.applicant,
                "case_number": f.case_number,
                "filing_date": f.filing_date,
                "date_basis": f.date_basis,
                "basis_case_number": f.basis_case_number,
                "closing_mode": f.closing_mode,
                "distribution_from_case": f.distribution_from_case,
                "listed_dishonest": f.listed_dishonest,
                "span_start": f.span_start,
                "span_end": f.span_end,
            }
        )
    relations = []
    for idx, r in enumerate(relation_facts(text, parties) + address_relations(text, parties)):
        relations.append(
            {
                "doc_id": doc_id,
                "fact_idx": idx,
                "party_idx_a": r.a,
                "party_idx_b": r.b,
                "relation": r.relation,
                "confidence": r.confidence,
                "span_start": r.span_start,
                "span_end": r.span_end,
            }
        )
    return executions, relations


def _facts_of_slice(table: pa.Table) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of a slice of candidate documents (with their parties as JSON); runs in a worker."""
    executions: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    names = (
        "doc_id",
        "text",
        "case_number",
        "case_type_code",
        "case_category",
        "filing_date",
        "judgment_date",
        "terminated",
        "parties",
    )
    columns = [table.column(c).to_pylist() for c in names]
    for doc_id, text, number, code, category, filed, judged, terminated, parties_json in zip(
        *columns, strict=True
    ):
        parties = [Party(*p) for p in json.loads(parties_json or "[]")]
        if not parties:
            continue
        ex, rel = document_fact_rows(
            doc_id,
            text,
            parties,
            case_number=number,
            is_execution_case="执" in (code or "") or category == "execution",
            filing_date=filed,
            judgment_date=judged,
            terminated=bool(terminated),
        )
        executions += ex
        relations += rel
    return executions, relations


@dataclass(frozen=True)
class DocumentFacts:
    """document_executions, document_relations: what each document states about its parties."""

    name: str = "document_facts"
    version: str = "1"
    inputs: tuple[str, ...] = ("documents", "cases", "parties")
    optional_inputs: tuple[str, ...] = ("flags",)
    outputs: tuple[str, ...] = ("document_executions", "document_relations")

    def rows(self, engine: Engine) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        sql = (
            CANDIDATES_SQL
            if engine.table_exists("flags")
            else CANDIDATES_SQL.replace(
                "LEFT JOIN flags AS f ON f.doc_id = d.doc_id AND f.flag = 'terminated_execution'",
                "LEFT JOIN (SELECT CAST(NULL AS VARCHAR) AS doc_id, CAST(NULL AS BOOLEAN) AS value) AS f"
                " ON f.doc_id = d.doc_id",
            )
        )
        warm(engine.count("documents"))
        docs = engine.query(sql)
        if docs.num_rows == 0:
            return
        by_doc: dict[str, list[list[Any]]] = {}
        for p in engine.query(PARTIES_SQL.replace(CANDIDATES_SQL, sql)).to_pylist():
            by_doc.setdefault(p["doc_id"], []).append(
                [
                    p["party_idx"],
                    p["name"],
                    p["side"],
                    p["role"],
                    p["kind"],
                    p["address"],
                    p["span_start"],
                    p["span_end"],
                ]
            )
        ids = docs.column("doc_id").to_pylist()
        docs = docs.append_column(
            "parties", pa.array([json.dumps(by_doc.get(i, []), ensure_ascii=False) for i in ids], pa.string())
        )
        yield from map_slices(_facts_of_slice, docs)

    def run(self, engine: Engine) -> int:
        executions: list[dict[str, Any]] = []
        relations: list[dict[str, Any]] = []
        for ex, rel in self.rows(engine):
            executions += ex
            relations += rel
        total = 0
        for name, rows in (("document_executions", executions), ("document_relations", relations)):
            schema = derived_table(name)
            engine.drop_table(name, missing_ok=True)
            engine.create_table(schema)
            if rows:
                engine.append(name, schema.to_arrow(rows))
            total += len(rows)
        return total


# -- one key per party mention -----------------------------------------------------------------


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


# -- execution cases: registers and documents ----------------------------------------------------

_DOC_KEY = "regexp_matches(coalesce({k}, ''), '^(pk_|pm_|ok_|om_|name:|masked:)')"

_DOCUMENT_ROWS = """
d AS (
    SELECT x.doc_id, x.kind AS source_kind, x.case_number,
        coalesce(x.case_number,
                 '未载明案号：' || coalesce(c.case_number, x.doc_id) || '#' || CAST(x.span_start AS VARCHAR))
            AS case_ref,
        rk.fact_key AS respondent_key, coalesce(rk.fact_name, rp.name) AS respondent_name,
        rp.name AS respondent_written, rp.kind AS respondent_kind,
        ak.fact_key AS applicant_key, coalesce(ak.fact_name, ap.name) AS applicant_name,
        ap.kind AS applicant_kind,
        c.court, x.filing_date, x.date_basis, x.basis_case_number, x.closing_mode,
        x.distribution_from_case, x.listed_dishonest, x.span_start, x.span_end
    FROM document_executions AS x
    JOIN parties AS rp ON rp.doc_id = x.doc_id AND rp.party_idx = x.respondent_idx
    JOIN party_fact_keys AS rk ON rk.doc_id = x.doc_id AND rk.party_idx = x.respondent_idx
    LEFT JOIN parties AS ap ON ap.doc_id = x.doc_id AND ap.party_idx = x.applicant_idx
    LEFT JOIN party_fact_keys AS ak ON ak.doc_id = x.doc_id AND ak.party_idx = x.applicant_idx
    LEFT JOIN cases AS c ON c.doc_id = x.doc_id
    WHERE rk.fact_key IS NOT NULL
),
d_pick AS (  -- the row that speaks for a case: its own ruling first, then the earliest
    SELECT * FROM (
        SELECT d.*, row_number() OVER (
            PARTITION BY case_ref, respondent_key
            ORDER BY CASE source_kind WHEN 'ruling' THEN 0 WHEN 'cited_number' THEN 1 ELSE 2 END,
                filing_date, doc_id, span_start) AS rn
        FROM d
    ) AS ranked
    WHERE rn = 1
),
d_agg AS (
    SELECT case_ref, respondent_key, min(filing_date) AS filing_date,
        max(basis_case_number) AS basis_case_number, max(closing_mode) AS closing_mode,
        max(distribution_from_case) AS distribution_from_case,
        max(CASE WHEN listed_dishonest THEN 1 ELSE 0 END) AS listed,
        max(applicant_key) AS any_applicant_key, count(DISTINCT doc_id) AS documents
    FROM d
    GROUP BY case_ref, respondent_key
),
dd AS (
    SELECT p.doc_id, p.source_kind, p.case_number, p.case_ref, p.respondent_key, p.respondent_name,
        p.respondent_written, p.respondent_kind,
        coalesce(p.applicant_key, a.any_applicant_key) AS applicant_key, p.applicant_name,
        p.applicant_kind, p.court, a.filing_date,
        CASE WHEN a.filing_date = p.filing_date THEN p.date_basis ELSE 'stated' END AS date_basis,
        a.basis_case_number, a.closing_mode, a.distribution_from_case, a.listed = 1 AS listed,
        a.documents, p.span_start, p.span_end
    FROM d_pick AS p
    JOIN d_agg AS a ON a.case_ref = p.case_ref AND a.respondent_key = p.respondent_key
)"""

_REGISTER_MERGE = f"""
r AS (SELECT * FROM execution_cases),
matches AS (  -- a document case the register holds: same case (or executed judgment), same person
    SELECT r.case_number AS r_case, r.respondent_key AS r_key, dd.case_ref, dd.respondent_key AS d_key,
        row_number() OVER (PARTITION BY dd.case_ref, dd.respondent_key
            ORDER BY CASE WHEN r.respondent_key = dd.respondent_key THEN 0
                          WHEN r.respondent_name = dd.respondent_written THEN 1 ELSE 2 END,
                r.case_number) AS rn
    FROM dd JOIN r
      ON (r.case_number = dd.case_number
          OR (dd.case_number IS NULL AND r.basis_case_number = dd.basis_case_number))
    WHERE r.respondent_key = dd.respondent_key
       OR ({_DOC_KEY.format(k="dd.respondent_key")}
           AND substr(r.respondent_name, 1, 1) = substr(dd.respondent_written, 1, 1)
           AND (r.respondent_name = dd.respondent_written
                OR {masked_name_sql("dd.respondent_written")}))
),
best AS (SELECT * FROM matches WHERE rn = 1),
confirmed AS (  -- per register row, the document case that states it (the first)
    SELECT * FROM (
        SELECT best.*, row_number() OVER (PARTITION BY r_case, r_key ORDER BY case_ref, d_key) AS rk
        FROM best
    ) AS ranked
    WHERE rk = 1
)
SELECT r.case_number AS case_ref, r.case_number, r.respondent_key, r.respondent_name,
    dd.respondent_key AS respondent_doc_key, r.respondent_kind,
    r.applicant_key, r.applicant_name, dd.applicant_key AS applicant_doc_key, r.applicant_kind,
    r.court, r.filing_date, 'register' AS date_basis, r.basis_case_number, r.closing_mode,
    r.closing_date, r.distribution_from_case, coalesce(dd.listed, FALSE) AS listed_dishonest,
    CASE WHEN dd.case_ref IS NULL THEN 'register' ELSE 'both' END AS provenance,
    TRUE AS register_confirmed, coalesce(dd.source_kind, 'register') AS source_kind,
    dd.doc_id AS source_doc_id, dd.span_start, dd.span_end, coalesce(dd.documents, 0) AS documents
FROM r
LEFT JOIN confirmed AS cf ON cf.r_case = r.case_number AND cf.r_key = r.respondent_key
LEFT JOIN dd ON dd.case_ref = cf.case_ref AND dd.respondent_key = cf.d_key
UNION ALL
"""

_DOCUMENT_ONLY = """
SELECT dd.case_ref, dd.case_number, dd.respondent_key, dd.respondent_name,
    dd.respondent_key AS respondent_doc_key, dd.respondent_kind,
    dd.applicant_key, dd.applicant_name, dd.applicant_key AS applicant_doc_key, dd.applicant_kind,
    dd.court, dd.filing_date, dd.date_basis, dd.basis_case_number, dd.closing_mode,
    CAST(NULL AS DATE) AS closing_date, dd.distribution_from_case, dd.listed AS listed_dishonest,
    'document' AS provenance, FALSE AS register_confirmed, dd.source_kind,
    dd.doc_id AS source_doc_id, dd.span_start, dd.span_end, dd.documents
FROM dd
"""


def execution_cases_all_sql(with_register: bool) -> str:
    """execution_cases_all: register rows (confirmed by documents when they state them) and the
    document cases no register row holds."""
    if not with_register:
        return f"WITH {_DOCUMENT_ROWS}\n{_DOCUMENT_ONLY}"
    return (
        f"WITH {_DOCUMENT_ROWS},\n{_REGISTER_MERGE}\n{_DOCUMENT_ONLY}"
        "LEFT JOIN best AS b ON b.case_ref = dd.case_ref AND b.d_key = dd.respondent_key\n"
        "WHERE b.case_ref IS NULL"
    )


@dataclass(frozen=True)
class ExecutionCasesAll:
    """execution_cases_all: the execution register and the execution cases documents state."""

    name: str = "execution_cases_all"
    version: str = "2"
    inputs: tuple[str, ...] = ("document_executions", "party_fact_keys", "parties", "cases")
    optional_inputs: tuple[str, ...] = ("execution_cases",)
    outputs: tuple[str, ...] = ("execution_cases_all",)

    def run(self, engine: Engine) -> int:
        sql = execution_cases_all_sql(engine.table_exists("execution_cases"))
        return rebuild_table(engine, derived_table("execution_cases_all"), sql)


DOCFACT_OPERATORS = (DocumentFacts(), PartyFactKeys(), ExecutionCasesAll())
