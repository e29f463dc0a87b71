"""Law firms per clue: which firms act for a party in a clue's evidence documents.

One definition of the (law firm, clue) pairs (`FIRM_PAIRS_SQL`, over the analytic store's
``agents`` and ``clue_evidence``), read live for one firm's clues and copied into the workflow
store's ``clue_firms`` (with the search index, after every clue sync) so that the 类案 view counts
the law-firm classes with one grouped query there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Table, delete, insert
from sqlalchemy.orm import Session

from jiandu.workflow.tables import ClueFirm

FIRM_PAIRS_SQL = (
    "SELECT DISTINCT a.law_firm, e.clue_id FROM agents AS a "
    "JOIN clue_evidence AS e ON e.doc_id = a.doc_id "
    "WHERE a.law_firm IS NOT NULL AND a.law_firm <> ''"
)
_BATCH = 5000
_INSERT = insert(Table(ClueFirm.__tablename__, ClueFirm.metadata))


class RowSource(Protocol):
    """Read access to the analytic store (an `Engine`, or a read snapshot)."""

    def rows(self, sql: str, params: Sequence[Any] = ...) -> list[dict[str, Any]]: ...

    def table_exists(self, name: str) -> bool: ...


def has_firm_pairs(source: RowSource | None) -> bool:
    return source is not None and all(source.table_exists(t) for t in ("agents", "clue_evidence"))


def firm_pairs(source: RowSource) -> list[dict[str, str]]:
    """The distinct (law firm, clue) pairs of the analytic store, as rows of ``clue_firms``."""
    if not has_firm_pairs(source):
        return []
    rows = [
        {"law_firm": str(r["law_firm"])[:200], "clue_id": str(r["clue_id"])}
        for r in source.rows(FIRM_PAIRS_SQL)
    ]
    return list({(r["law_firm"], r["clue_id"]): r for r in rows}.values())  # distinct after the cut


def replace_clue_firms(session: Session, rows: Sequence[dict[str, str]]) -> int:
    """Replace ``clue_firms`` with ``rows`` (in the caller's transaction); how many."""
    session.execute(delete(ClueFirm))
    for start in range(0, len(rows), _BATCH):
        session.connection().execute(_INSERT, rows[start : start + _BATCH])
    return len(rows)


def rebuild_clue_firms(session: Session, source: RowSource) -> int:
    """Replace ``clue_firms`` with the analytic store's pairs (in the caller's transaction);
    how many. Without the analytic tables the table is emptied."""
    return replace_clue_firms(session, firm_pairs(source))
