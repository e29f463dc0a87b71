"""What a case is, before it is written down: parties, dates, amounts, outcome and the facts
the text tells. Background and pattern planners build ``CaseSpec``s; ``render`` writes them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .companies import Agent, Organization
from .courts import Court
from .people import Person

Entity = Person | Organization

# document kinds a case spec can be rendered as
JUDGMENT = "judgment"  # 民事判决书
MEDIATION = "mediation"  # 民事调解书
WITHDRAWAL = "withdrawal"  # 民事裁定书: 准许撤诉
EXEC_TERMINATION = "exec_termination"  # 执行裁定书: 终结本次执行程序
EXEC_DISTRIBUTION = "exec_distribution"  # 执行裁定书: 参与分配 then 终结本次执行程序

LENDING_CAUSES = ("民间借贷纠纷", "金融借款合同纠纷", "小额借款合同纠纷", "债权转让合同纠纷")


@dataclass(slots=True)
class Representation:
    """A litigation agent: a lawyer / legal worker, or a citizen relative (``relative``)."""

    agent: Agent | None = None
    relative: Person | None = None
    relation: str = ""  # 子, 女, 配偶, 父亲 ... for citizens


@dataclass(slots=True)
class Party:
    role: str  # 原告 被告 第三人 申请执行人 被执行人
    entity: Entity
    agents: list[Representation] = field(default_factory=list)
    side: str = "plaintiff"  # plaintiff | defendant | third_party | applicant | respondent


@dataclass(slots=True)
class LoanFacts:
    loan_date: dt.date
    term_months: int
    monthly_rate: float  # 0.015 = 1.5% a month; 0 = no interest agreed
    delivery: str  # bank | cash | wechat | alipay
    transfer: int  # money actually handed over
    iou: int  # amount written on the IOU
    standard_form: bool = False  # standard-form IOU text shared across a lender's suits
    upfront_interest: int = 0  # interest deducted up front (砍头息)
    guarantor: Party | None = None
    purpose: str = "资金周转"


@dataclass(slots=True)
class CaseSpec:
    court: Court
    case_number: str
    type_code: str  # 民初 | 执 | 民终
    cause: str
    kind: str  # one of the document kinds above
    plaintiffs: list[Party]
    defendants: list[Party]
    filing: dt.date
    decided: dt.date
    procedure: str = "simple"  # simple | ordinary | small_claims
    hearing: dt.date | None = None
    third_parties: list[Party] = field(default_factory=list)
    outcome: str = "full"  # full | partial | rejected | granted | refused
    defendant_absent: bool = False
    public_notice: bool = False
    principal: int = 0  # claimed principal (lending) or claimed amount (other causes)
    judged: int = 0  # amount awarded
    interest_claimed: bool = True
    loan: LoanFacts | None = None
    defence: str = ""  # key of a defence wording
    extra: dict[str, object] = field(default_factory=dict)
    basis: str | None = None  # execution: case number of the basis document
    basis_kind: str = "民事判决书"
    exec_amount: int = 0
    exec_filing: dt.date | None = None
    tags: list[str] = field(default_factory=list)  # pattern instance ids
    old_style: bool = False
    wording: str | None = None  # a lender's own standard claim wording (serial suits)
    stable: int = 0  # per-case random number for stable choices

    @property
    def is_lending(self) -> bool:
        return self.cause in LENDING_CAUSES
