"""Governance: confirmed clues grouped into class cases (类案), and the suggestion draft.

A group is the confirmed clues (outcome confirmed or valuable) of one model about one court
(agency) in one jurisdiction; its key is ``model_id|court|jurisdiction_code`` (``-`` for none).
`suggestion_draft` fills the 检察建议书 template with the group's figures and case numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import scope_filter
from jiandu.workflow.errors import NotFound
from jiandu.workflow.jurisdictions import court_names, names
from jiandu.workflow.lifecycle import POSITIVE_OUTCOMES
from jiandu.workflow.masking import masker
from jiandu.workflow.tables import Clue
from jiandu.workflow.template import default_template

_YEAR = re.compile(r"^[（(](\d{4})[）)]")
_ZH_DIGITS = "〇一二三四五六七八九"


@dataclass(slots=True)
class GovernanceGroup:
    key: str
    model_id: str
    court: str | None
    court_name: str | None
    jurisdiction_code: str | None
    jurisdiction_name: str | None
    clue_ids: list[str] = field(default_factory=list)
    case_numbers: list[str] = field(default_factory=list)
    subjects: int = 0
    model_versions: list[str] = field(default_factory=list)
    mean_score: float = 0.0
    first_year: int | None = None
    last_year: int | None = None

    @property
    def clues(self) -> int:
        return len(self.clue_ids)


def group_key(model_id: str, court: str | None, jurisdiction_code: str | None) -> str:
    return f"{model_id}|{court or '-'}|{jurisdiction_code or '-'}"


def _confirmed(session: Session, principal: Principal) -> list[Clue]:
    query = (
        select(Clue)
        .where(and_(scope_filter(session, principal), Clue.outcome.in_(sorted(POSITIVE_OUTCOMES))))
        .order_by(Clue.score.desc(), Clue.clue_id.desc())
    )
    return list(session.execute(query).scalars())


def _case_numbers(clue: Clue) -> list[str]:
    return [e["case_number"] for e in clue.evidence or [] if e.get("case_number")]


def _groups(session: Session, principal: Principal) -> dict[str, tuple[GovernanceGroup, list[Clue]]]:
    courts = court_names(session)
    jurisdictions = names(session)
    out: dict[str, tuple[GovernanceGroup, list[Clue]]] = {}
    for c in _confirmed(session, principal):
        key = group_key(c.model_id, c.court, c.jurisdiction_code)
        if key not in out:
            g = GovernanceGroup(
                key=key,
                model_id=c.model_id,
                court=c.court,
                court_name=courts.get(c.court) if c.court else None,
                jurisdiction_code=c.jurisdiction_code,
                jurisdiction_name=jurisdictions.get(c.jurisdiction_code) if c.jurisdiction_code else None,
            )
            out[key] = (g, [])
        out[key][1].append(c)
    for g, members in out.values():
        g.clue_ids = [c.clue_id for c in members]
        cases = sorted({n for c in members for n in _case_numbers(c)})
        g.case_numbers = cases
        g.subjects = len({c.subject_key for c in members})
        g.model_versions = sorted({c.outcome_model_version or c.model_version for c in members})
        g.mean_score = round(sum(c.score for c in members) / len(members), 1)
        years = [int(m.group(1)) for n in cases if (m := _YEAR.match(n))]
        g.first_year, g.last_year = (min(years), max(years)) if years else (None, None)
    return out


def governance_groups(session: Session, principal: Principal, *, min_clues: int = 1) -> list[GovernanceGroup]:
    """Class-case groups in the principal's scope, largest first."""
    require(principal, Permission.GOVERNANCE_READ)
    groups = [g for g, _ in _groups(session, principal).values() if g.clues >= min_clues]
    return sorted(groups, key=lambda g: (-g.clues, -len(g.case_numbers), g.key))


def date_zh(day: dt.date) -> str:
    """2024-05-06 → 二〇二四年五月六日 (as dated on procuratorial documents)."""

    def number(n: int) -> str:
        if n < 10:
            return _ZH_DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("十" if tens == 1 else _ZH_DIGITS[tens] + "十") + (_ZH_DIGITS[ones] if ones else "")

    year = "".join(_ZH_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{number(day.month)}月{number(day.day)}日"


def draft_context(
    group: GovernanceGroup,
    members: list[Clue],
    principal: Principal,
    *,
    model_title: str | None = None,
    office_name: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The template variables for one group (masked for the principal)."""
    mask = masker(principal.sees_personal_data)
    day = today or dt.date.today()
    if group.first_year and group.last_year:
        span = (
            f"{group.first_year}年"
            if group.first_year == group.last_year
            else f"{group.first_year}年至{group.last_year}年"
        )
    else:
        span = ""
    addressee = group.court_name or (group.court and f"{group.court}法院") or "有关单位"
    top = members[0]
    problem = "经核查，上述线索反映的情况属实。典型情形如：" + mask(top.explanation.split("\n", 1)[0])
    items = [
        {
            "n": i,
            "subject": mask(c.subject_name or c.subject_key or ""),
            "score": f"{c.score:.1f}",
            "case_numbers": "、".join(_case_numbers(c)) or "（无）",
        }
        for i, c in enumerate(members, 1)
    ]
    return {
        "office_name": office_name or group.jurisdiction_name or "人民检察院",
        "doc_number": f"检建〔{day.year}〕  号",
        "addressee": addressee,
        "model_title": model_title or group.model_id,
        "model_id": group.model_id,
        "model_versions": "、".join(group.model_versions),
        "court_name": group.court_name or addressee,
        "year_span": span,
        "clue_count": group.clues,
        "case_count": len(group.case_numbers),
        "subject_count": group.subjects,
        "mean_score": f"{group.mean_score:.1f}",
        "problem": problem,
        "items": items,
        "case_numbers": group.case_numbers,
        "date_zh": date_zh(day),
    }


def suggestion_draft(
    session: Session,
    principal: Principal,
    key: str,
    *,
    model_title: str | None = None,
    office_name: str | None = None,
    template: Path | None = None,
    today: dt.date | None = None,
) -> bytes:
    """A 检察建议书 draft (.docx bytes) for one governance group, citing its case numbers."""
    require(principal, Permission.GOVERNANCE_DRAFT)
    found = _groups(session, principal).get(key)
    if found is None:
        raise NotFound(f"no governance group {key!r} in your jurisdiction")
    group, members = found
    context = draft_context(
        group, members, principal, model_title=model_title, office_name=office_name, today=today
    )
    source: Any = str(template) if template is not None else io.BytesIO(default_template())
    doc = DocxTemplate(source)
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
