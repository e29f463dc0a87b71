"""What verification says back to a model's authors: why its false positives were false, and the
written feedback recorded with outcomes (per model version, within the reader's jurisdiction).

Precision itself is `jiandu.workflow.stats.precision`; this module adds the reasons behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import scope_filter
from jiandu.workflow.masking import masker
from jiandu.workflow.tables import Clue

MAX_NOTES = 50


@dataclass(frozen=True, slots=True)
class CauseCount:
    model_version: str
    cause: str
    clues: int


@dataclass(frozen=True, slots=True)
class FeedbackNote:
    clue_id: str
    model_version: str
    outcome: str
    cause: str | None
    feedback: str
    updated_at: dt.datetime


def model_feedback(
    session: Session, principal: Principal, model_id: str, *, limit: int = 20
) -> tuple[list[CauseCount], list[FeedbackNote]]:
    """False positives by cause and version, and the newest written feedback (masked)."""
    require(principal, Permission.STATS_READ)
    version = func.coalesce(Clue.outcome_model_version, Clue.model_version)
    where = and_(scope_filter(session, principal), Clue.model_id == model_id)
    causes = [
        CauseCount(str(v), str(c), int(n))
        for v, c, n in session.execute(
            select(version, Clue.outcome_cause, func.count())
            .where(where, Clue.outcome == "false_positive", Clue.outcome_cause.is_not(None))
            .group_by(version, Clue.outcome_cause)
            .order_by(version, func.count().desc())
        )
    ]
    mask = masker(principal.sees_personal_data)
    notes = [
        FeedbackNote(
            r.clue_id, str(r.version), r.outcome, r.outcome_cause, mask(r.outcome_feedback), r.updated_at
        )
        for r in session.execute(
            select(
                Clue.clue_id,
                version.label("version"),
                Clue.outcome,
                Clue.outcome_cause,
                Clue.outcome_feedback,
                Clue.updated_at,
            )
            .where(where, Clue.outcome_feedback.is_not(None))
            .order_by(Clue.updated_at.desc(), Clue.clue_id)
            .limit(max(1, min(limit, MAX_NOTES)))
        )
    ]
    return causes, notes
