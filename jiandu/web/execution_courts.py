"""终本 findings per court, for one 检察建议 to each court (issue 14 §7): the data of the
``/governance/execution-courts`` view and its workbook.

The 终本 model (`execution.final_closure_compliance`) gives one clue per debtor; its explanation
lists each irregular case in its spec's words: ``<case>（<court>，<filed>立案，<closed>终本：<the
missing steps>；终本后于<date>起取得财产N项，未恢复执行）``. Read back here (the model decided
what is irregular, with its own parameters such as ``min_months``), the cases are grouped by the
court that closed them and each kind of finding counted. Clues dismissed (不予立案) or merged are
left out; every other clue of the user's jurisdiction counts, and the confirmed ones are counted
apart (those a 检察建议书 draft is made from: `jiandu.workflow.governance`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from jiandu.workflow import Permission, Principal
from jiandu.workflow.authz import require
from jiandu.workflow.clues import scope_filter
from jiandu.workflow.governance import DraftFindings, case_sort_key, group_key
from jiandu.workflow.lifecycle import POSITIVE_OUTCOMES, Status
from jiandu.workflow.tables import Clue

FINAL_MODEL = "execution.final_closure_compliance"
# (key, what the view calls it, the words of the model's explanation that say it)
FINDINGS: tuple[tuple[str, str, str], ...] = (
    ("notice", "未发执行通知书", "未发执行通知书"),
    ("report", "未责令报告财产", "未责令报告财产"),
    ("inquiry", "未穷尽财产调查（未网络查控）", "未网络查控"),
    ("ban", "未发限高令", "未发限制消费令"),
    ("interview", "未约谈申请执行人", "未约谈申请执行人"),
    ("early", "不足三个月即终本", "个月即终本"),
    ("listing", "未纳入失信（是否符合条件待核）", "未纳入失信"),
    ("assets", "终本后新增财产未恢复执行", "终本后于"),
)
FINDING_NAMES_ZH = {key: name for key, name, _ in FINDINGS}
LEFT_OUT = (Status.REJECTED.value, Status.MERGED.value)
_CASE = re.compile(
    r"(?P<case>（\d{4}）[^（）\s，；]*?执[^（）\s，；]*?号)（(?P<court>[^，（）]+)，"
    r"(?P<filed>\d{4}-\d{2}-\d{2})立案，(?P<closed>\d{4}-\d{2}-\d{2})终本"
)
NO_COURT = "未载明法院"


@dataclass(slots=True)
class CourtCase:
    case_number: str
    court: str
    filed: dt.date
    closed: dt.date
    findings: list[str]  # keys of FINDINGS
    clue_id: str
    debtor: str  # masked for the viewer
    status: str
    confirmed: bool
    group: str  # the governance group of its clue (`jiandu.workflow.governance.group_key`)

    @property
    def findings_zh(self) -> str:
        return "、".join(FINDING_NAMES_ZH[k] for k in self.findings)


@dataclass(slots=True)
class CourtFindings:
    court: str
    cases: list[CourtCase] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # cases per finding kind
    clue_ids: list[str] = field(default_factory=list)
    confirmed_clues: int = 0
    draft_keys: list[str] = field(default_factory=list)  # governance groups of its confirmed clues

    @property
    def first_year(self) -> int:
        return min(c.closed.year for c in self.cases)

    @property
    def last_year(self) -> int:
        return max(c.closed.year for c in self.cases)


def explanation_cases(explanation: str) -> list[tuple[str, str, dt.date, dt.date, list[str]]]:
    """(case number, court, filed, closed, finding keys) of each case a 终本 clue's explanation
    lists."""
    listed = explanation.split("\n", 1)[0]  # the scoring lines below name the features too
    listed = listed.split("）。", 1)[0]  # the list ends where the sentence does
    matches = list(_CASE.finditer(listed))
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(listed)
        segment = listed[m.end() : end]
        found = [key for key, _, words in FINDINGS if words in segment]
        out.append(
            (
                m["case"],
                m["court"].strip() or NO_COURT,
                dt.date.fromisoformat(m["filed"]),
                dt.date.fromisoformat(m["closed"]),
                found,
            )
        )
    return out


def court_findings(
    session: Session, principal: Principal, mask: Callable[[str], str], *, court: str | None = None
) -> list[CourtFindings]:
    """The 终本 findings of the principal's jurisdiction per court (most cases first); one court
    with ``court``."""
    require(principal, Permission.GOVERNANCE_READ)
    query = (
        select(Clue)
        .where(
            and_(
                scope_filter(session, principal),
                Clue.model_id == FINAL_MODEL,
                Clue.status.notin_(LEFT_OUT),
            )
        )
        .order_by(Clue.score.desc(), Clue.clue_id)
    )
    courts: dict[str, CourtFindings] = {}
    for clue in session.execute(query).scalars():
        confirmed = clue.outcome in POSITIVE_OUTCOMES
        for number, name, filed, closed, found in explanation_cases(clue.explanation or ""):
            if court is not None and name != court:
                continue
            row = courts.setdefault(name, CourtFindings(name, counts={k: 0 for k, _, _ in FINDINGS}))
            row.cases.append(
                CourtCase(
                    number,
                    name,
                    filed,
                    closed,
                    found,
                    clue.clue_id,
                    mask(clue.subject_name or ""),
                    clue.status,
                    confirmed,
                    group_key(clue.model_id, clue.court, clue.jurisdiction_code),
                )
            )
            for key in found:
                row.counts[key] += 1
            if clue.clue_id not in row.clue_ids:
                row.clue_ids.append(clue.clue_id)
                row.confirmed_clues += int(confirmed)
                if confirmed and row.cases[-1].group not in row.draft_keys:
                    row.draft_keys.append(row.cases[-1].group)
    for row in courts.values():
        row.cases.sort(key=lambda c: case_sort_key(c.case_number))
    return sorted(courts.values(), key=lambda r: (-len(r.cases), r.court))


def draft_findings(row: CourtFindings, key: str) -> DraftFindings | None:
    """The confirmed cases of one court whose clues are in the governance group ``key``, for its
    检察建议书 draft: the court as addressee, the cases with their debtors, the problems counted."""
    cases = [c for c in row.cases if c.confirmed and c.group == key]
    if not cases:
        return None
    counts = [(name, sum(1 for c in cases if k in c.findings)) for k, name, _ in FINDINGS]
    return DraftFindings(
        addressee=row.court,
        cases=tuple((c.case_number, c.debtor) for c in cases),
        summary_zh="、".join(f"{name}{n}件" for name, n in counts if n),
        clue_ids=tuple(dict.fromkeys(c.clue_id for c in cases)),
    )
