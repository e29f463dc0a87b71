"""The ``document_facts`` operator: what each document states about its parties, with spans.

Two derived tables (declared in ``jiandu/schema/derived.yaml``): ``document_executions``,
execution cases against its parties (its own case when it is an execution ruling or notice,
execution case numbers it cites, statements that a party is a judgment debtor or that a
judgment against a party was applied for execution), and ``document_relations``, relations
between its parties (kinship and marriage, employment, same street address and surname), read
by ``docfacts_executions.py`` and ``docfacts_relations.py``. ``party_fact_keys``
(``fact_keys.py``) keys them per party and ``execution_cases_all`` (``execution_cases_all.py``)
merges the executions with the register: one definition of "who is under execution" and "who is
related to whom" for every model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.models.civil.operators.docfacts_executions import execution_facts
from jiandu.models.civil.operators.docfacts_parties import Party
from jiandu.models.civil.operators.docfacts_relations import address_relations, relation_facts
from jiandu.models.incremental import append_query, only_documents
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table
from jiandu.schema.registry import Column, TableSchema

__all__ = ["DocumentFacts", "document_fact_rows"]

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

# Each candidate with its named parties as one list (documents without any are skipped), so a
# batch holds whole documents.
FACTS_SQL = CANDIDATES_SQL.replace(
    "WITH shared AS (",
    """WITH party_lists AS (
    SELECT p.doc_id, list(struct_pack(idx := p.party_idx, name := p.name, side := p.side,
        role := p.role, kind := p.kind, address := p.address, span_start := p.span_start,
        span_end := p.span_end)) AS parties
    FROM parties AS p WHERE p.name IS NOT NULL GROUP BY p.doc_id
),
shared AS (""",
).replace(
    "FROM documents AS d\n",
    "FROM documents AS d\nJOIN party_lists AS pl ON pl.doc_id = d.doc_id\n",
).replace(
    "AS terminated\n",
    "AS terminated, pl.parties\n",
)
_PARTS = ("document_executions", "document_relations")


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


def _staging_schema() -> TableSchema:
    """Both outputs in one table, told apart by ``part``: one pass over the texts writes both."""
    columns: dict[str, Column] = {"part": Column("part", "VARCHAR", "output table")}
    for name in _PARTS:
        for column in derived_table(name).columns:
            columns.setdefault(column.name, column)
    return TableSchema(
        "document_facts__staging", "document_facts rows before they are split", (), tuple(columns.values())
    )


def _facts_of_batch(table: pa.Table) -> pa.Table:
    """Rows of a batch of FACTS_SQL, both outputs in the staging schema; runs in a worker or on
    an executor."""
    rows: list[dict[str, Any]] = []
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
    for doc_id, text, number, code, category, filed, judged, terminated, listed in zip(
        *columns, strict=True
    ):
        parties = [Party(**p) for p in sorted(listed or [], key=lambda p: p["idx"])]
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
        rows += [{"part": _PARTS[0], **r} for r in ex]
        rows += [{"part": _PARTS[1], **r} for r in rel]
    return _staging_schema().to_arrow(rows)


@dataclass(frozen=True)
class DocumentFacts:
    """document_executions, document_relations: what each document states about its parties."""

    name: str = "document_facts"
    version: str = "1"
    inputs: tuple[str, ...] = ("documents", "cases", "parties")
    optional_inputs: tuple[str, ...] = ("flags",)
    outputs: tuple[str, ...] = ("document_executions", "document_relations")

    def run(self, engine: Engine) -> int:
        return self._build(engine, None)

    def append_documents(self, engine: Engine, docs: str) -> int:
        """Add the rows of the documents in ``docs`` (incremental runs)."""
        return self._build(engine, docs)

    def _build(self, engine: Engine, docs: str | None) -> int:
        """Build both tables, or add the rows of the documents in ``docs`` to them."""
        sql = (
            FACTS_SQL
            if engine.table_exists("flags")
            else FACTS_SQL.replace(
                "LEFT JOIN flags AS f ON f.doc_id = d.doc_id AND f.flag = 'terminated_execution'",
                "LEFT JOIN (SELECT CAST(NULL AS VARCHAR) AS doc_id, CAST(NULL AS BOOLEAN) AS value) AS f"
                " ON f.doc_id = d.doc_id",
            )
        )
        staging = _staging_schema()
        engine.map_arrow(sql if docs is None else only_documents(sql, docs), _facts_of_batch, staging)
        total = 0
        for name in _PARTS:
            schema = derived_table(name)
            columns = ", ".join(c.name for c in schema.columns)
            select = f"SELECT {columns} FROM {staging.name} WHERE part = '{name}'"
            if docs is None:
                total += rebuild_table(engine, schema, select)
            else:
                total += append_query(engine, name, select)
        engine.drop_table(staging.name, missing_ok=True)
        return total
