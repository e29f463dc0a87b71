"""Feedback from outcomes: precision and conversion per model, version and jurisdiction.

The funnel counts what happened to clues, whatever their status now:
clues → verified (verification finished with a decision) → cases (立案) → suggestions
(检察建议) → changed judgments (改判). Precision = (confirmed + valuable) / clues with an outcome;
conversion = cases / clues. The version is the model version the outcome was judged on
(else the clue's current version).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import scope_filter
from jiandu.workflow.jurisdictions import names
from jiandu.workflow.tables import Clue

FUNNEL = ("clues", "verified", "cases", "suggestions", "changed_judgments")
FUNNEL_NAMES_ZH = {
    "clues": "线索",
    "verified": "已核查",
    "cases": "立案",
    "suggestions": "检察建议",
    "changed_judgments": "改判",
}


def precision(confirmed: int, valuable: int, false_positive: int) -> float | None:
    """(属实 + 有价值) / clues with an outcome; None before any outcome."""
    judged = confirmed + valuable + false_positive
    return (confirmed + valuable) / judged if judged else None


def conversion(cases: int, clues: int) -> float | None:
    """Cases filed / clues; None without clues."""
    return cases / clues if clues else None


@dataclass(frozen=True, slots=True)
class StatsRow:
    model_id: str
    model_version: str
    jurisdiction_code: str | None
    jurisdiction_name: str | None
    clues: int
    verified: int
    cases: int
    suggestions: int
    changed_judgments: int
    confirmed: int
    valuable: int
    false_positive: int

    @property
    def judged(self) -> int:
        return self.confirmed + self.valuable + self.false_positive

    @property
    def precision(self) -> float | None:
        return precision(self.confirmed, self.valuable, self.false_positive)

    @property
    def conversion(self) -> float | None:
        return conversion(self.cases, self.clues)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"precision": self.precision, "conversion": self.conversion}


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def model_stats(
    session: Session, principal: Principal, *, model_id: str | None = None, by_jurisdiction: bool = True
) -> list[StatsRow]:
    """Funnel and precision per (model, version, jurisdiction) within the principal's scope."""
    require(principal, Permission.STATS_READ)
    version = func.coalesce(Clue.outcome_model_version, Clue.model_version)
    keys: list[Any] = [Clue.model_id, version.label("version")]
    if by_jurisdiction:
        keys.append(Clue.jurisdiction_code)
    conditions = [scope_filter(session, principal)]
    if model_id:
        conditions.append(Clue.model_id == model_id)
    query = (
        select(
            *keys,
            func.count().label("clues"),
            _count(Clue.verified_at.is_not(None)).label("verified"),
            _count(Clue.case_filed_at.is_not(None)).label("cases"),
            _count(Clue.suggestion_at.is_not(None)).label("suggestions"),
            _count(Clue.changed_judgment_at.is_not(None)).label("changed_judgments"),
            _count(Clue.outcome == "confirmed").label("confirmed"),
            _count(Clue.outcome == "valuable").label("valuable"),
            _count(Clue.outcome == "false_positive").label("false_positive"),
        )
        .where(and_(*conditions))
        .group_by(*keys)
        .order_by(*keys)
    )
    jurisdiction_names = names(session)
    rows = []
    for r in session.execute(query):
        code = r.jurisdiction_code if by_jurisdiction else None
        rows.append(
            StatsRow(
                model_id=r.model_id,
                model_version=r.version,
                jurisdiction_code=code,
                jurisdiction_name=jurisdiction_names.get(code) if code else None,
                clues=int(r.clues),
                verified=int(r.verified or 0),
                cases=int(r.cases or 0),
                suggestions=int(r.suggestions or 0),
                changed_judgments=int(r.changed_judgments or 0),
                confirmed=int(r.confirmed or 0),
                valuable=int(r.valuable or 0),
                false_positive=int(r.false_positive or 0),
            )
        )
    return rows


def funnel(rows: list[StatsRow]) -> dict[str, int]:
    """The funnel summed over rows (e.g. a whole model, or everything)."""
    return {stage: sum(getattr(r, stage) for r in rows) for stage in FUNNEL}
