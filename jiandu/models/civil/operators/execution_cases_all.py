"""The ``execution_cases_all`` operator: one row per execution case and respondent, the
execution register and the cases documents state together.

Every register row of ``execution_cases`` and every case documents state, keyed by
``party_fact_keys``. A case stated in documents that the register also holds (same case number,
or same executed judgment, and the same respondent by key or name) is one row, the register's,
marked ``provenance = 'both'`` with the document that states it; never a second row.

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

from dataclasses import dataclass

from jiandu.documents.masked_names import masked_name_sql
from jiandu.engines.base import Engine
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["ExecutionCasesAll", "execution_cases_all_sql"]

_DOC_KEY = "regexp_matches(coalesce({k}, ''), '^(pk_|pm_|ok_|om_|name:|masked:)')"

_DOCUMENT_ROWS = """
d AS (
    SELECT x.doc_id, x.fact_idx, x.kind AS source_kind, x.case_number,
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
    -- (fact_idx last: (doc_id, fact_idx) is unique, so ties never fall to row order)
    SELECT * FROM (
        SELECT d.*, row_number() OVER (
            PARTITION BY case_ref, respondent_key
            ORDER BY CASE source_kind WHEN 'ruling' THEN 0 WHEN 'cited_number' THEN 1 ELSE 2 END,
                filing_date, doc_id, span_start, fact_idx) AS rn
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
same_case AS (  -- a document case and a register row of the same case, or of the same executed
    -- judgment when the document gives no case number: two equi-joins (disjoint, since the
    -- second needs a document without a case number), not one join on an OR, which engines
    -- run as a nested loop over every (document case, register row) pair
    SELECT r.case_number AS r_case, r.respondent_key AS r_key, r.respondent_name AS r_name,
        dd.case_ref, dd.respondent_key AS d_key, dd.respondent_written
    FROM dd JOIN r ON r.case_number = dd.case_number
    UNION ALL
    SELECT r.case_number, r.respondent_key, r.respondent_name,
        dd.case_ref, dd.respondent_key, dd.respondent_written
    FROM dd JOIN r ON r.basis_case_number = dd.basis_case_number
    WHERE dd.case_number IS NULL
),
matches AS (  -- a document case the register holds: same case (or executed judgment), same person
    -- (r_key last: two respondents of one register case may match a document's equally)
    SELECT r_case, r_key, case_ref, d_key,
        row_number() OVER (PARTITION BY case_ref, d_key
            ORDER BY CASE WHEN r_key = d_key THEN 0
                          WHEN r_name = respondent_written THEN 1 ELSE 2 END,
                r_case, r_key) AS rn
    FROM same_case
    WHERE r_key = d_key
       OR ({_DOC_KEY.format(k="d_key")}
           AND substr(r_name, 1, 1) = substr(respondent_written, 1, 1)
           AND (r_name = respondent_written
                OR {masked_name_sql("respondent_written")}))
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
