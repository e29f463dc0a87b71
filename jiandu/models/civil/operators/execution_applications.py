"""The ``execution_applications`` operator: execution cases applied for by each party key.

From the execution register (its basis case number names the suit, whose plaintiff applied) and
from published execution rulings (申请执行人); without the register only the rulings count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.models.civil.operators.party_links import CLAIMANT_SIDES
from jiandu.models.incremental import rows_for_keys, touched_keys_sql
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["ExecutionApplications", "execution_sql"]


def execution_sql(with_register: bool) -> str:
    rulings = """
        SELECT m.party_key, coalesce(c.case_number, m.doc_id) AS exec_case_number,
            CAST(NULL AS VARCHAR) AS basis_case_number, m.doc_id AS exec_doc_id,
            'ruling' AS source
        FROM party_mentions AS m JOIN cases AS c ON c.doc_id = m.doc_id
        WHERE m.side = 'applicant' AND strpos(coalesce(c.case_type_code, ''), '执') > 0
    """
    if not with_register:
        return rulings
    register = f"""
        SELECT m.party_key, x.case_number AS exec_case_number,
            x.basis_case_number, CAST(NULL AS VARCHAR) AS exec_doc_id, 'register' AS source
        FROM execution_cases AS x
        JOIN cases AS c ON c.case_number = x.basis_case_number
        JOIN party_mentions AS m ON m.doc_id = c.doc_id AND m.side = 'plaintiff'
        UNION ALL
        SELECT m.party_key, x.case_number AS exec_case_number,
            x.basis_case_number, CAST(NULL AS VARCHAR) AS exec_doc_id, 'register' AS source
        FROM execution_cases AS x
        JOIN (  -- one row per key and name: a bank's name is on thousands of mentions
            SELECT DISTINCT party_key, normalized_name FROM party_mentions
            WHERE side IN {CLAIMANT_SIDES} AND key_source <> 'masked'
        ) AS m ON m.normalized_name = x.applicant_name
    """
    return f"""
        WITH a AS ({rulings} UNION ALL {register})
        SELECT party_key, exec_case_number, min(basis_case_number) AS basis_case_number,
            min(exec_doc_id) AS exec_doc_id, min(source) AS source
        FROM a GROUP BY party_key, exec_case_number
    """


@dataclass(frozen=True)
class ExecutionApplications:
    """execution_applications: execution cases each party key applied for."""

    name: str = "execution_applications"
    version: str = "1"
    inputs: tuple[str, ...] = ("party_mentions", "cases")
    optional_inputs: tuple[str, ...] = ("execution_cases",)
    outputs: tuple[str, ...] = ("execution_applications",)
    key_column: str = "party_key"  # incremental runs recompute the keys a batch touches

    def run(self, engine: Engine) -> int:
        sql = execution_sql(engine.table_exists("execution_cases"))
        return rebuild_table(engine, derived_table("execution_applications"), sql)

    def affected_keys_sql(self, docs: str, removed: Mapping[str, str]) -> str:
        """The party keys of the documents in ``docs``, and of party mentions taken out."""
        return touched_keys_sql("party_mentions", "party_key", docs, removed)

    def key_rows(self, engine: Engine, keys: str) -> dict[str, pa.Table]:
        """The rows of the party keys in ``keys`` (incremental runs)."""
        sql = execution_sql(engine.table_exists("execution_cases"))
        rows = rows_for_keys(engine, "execution_applications", sql, "party_mentions", "party_key", keys)
        return {"execution_applications": rows}
