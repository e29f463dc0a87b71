"""The parse output contract: what `jiandu parse FILE` prints for one document.

The shape is fixed by ``../shared/brief/architecture.md``; other parts (ingest, models, the
UI) rely on it. Unknown values are ``None``; the parser never guesses.

``spans`` maps a field path to ``[start, end)`` character offsets into the parsed text.
Paths are dotted, with list indexes: ``case_number``, ``court``, ``parties.0.name``,
``agents.1.law_firm``, ``judges.0.name``, ``clerks.0``, ``judgment_date``,
``claimed_principal``, ``amounts.3.value``, ``interest_rates.0.text``, ``flags.defendant_absent``.
For names the span covers the name as written (layout spaces included: ``刘　萍``); for dates
and amounts it covers the surface form (``二〇一八年十月二十三日``, ``伍万元``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# document types (doc_type)
JUDGMENT = "judgment"  # 判决书
RULING = "ruling"  # 裁定书
MEDIATION = "mediation"  # 调解书
DECISION = "decision"  # 决定书
NOTICE = "notice"  # 通知书
NOT_JUDGMENT = "not_judgment"  # text is not a court document

# case categories (case_category)
CIVIL = "civil"
CRIMINAL = "criminal"
EXECUTION = "execution"
ADMINISTRATIVE = "administrative"

Span = list[int]  # [start, end)


@dataclass(slots=True)
class Party:
    role: str  # as written: 原告, 被告, 第三人, 上诉人, 被上诉人, 申请执行人, 被执行人, 公诉机关, 被告人 ...
    name: str
    side: str | None = (
        None  # plaintiff | defendant | third_party | prosecution | applicant | respondent
    )
    kind: str | None = None  # person | organization
    gender: str | None = None  # 男 | 女
    birth_date: str | None = None  # ISO date
    ethnicity: str | None = None  # 汉族 ...
    address: str | None = None
    id_number: str | None = None  # 18-digit ID or unified social credit code when printed
    original_role: str | None = None  # 原审原告 ... on appeal


@dataclass(slots=True)
class LegalRepresentative:
    for_: str  # the party's name (JSON key "for")
    name: str
    title: str | None = None  # 法定代表人 | 负责人 | 经营者 (+ job title when given)


@dataclass(slots=True)
class Agent:
    for_: str  # the party's name (JSON key "for")
    name: str
    law_firm: str | None = None
    kind: str | None = None  # lawyer | trainee_lawyer | legal_worker | citizen
    role: str = "agent"  # agent (委托诉讼代理人) | defender (辩护人)
    relation: str | None = None  # for citizens: 系原告之子 -> 子


@dataclass(slots=True)
class Judge:
    role: str  # 审判长 | 审判员 | 人民陪审员 | 代理审判员 | 执行员 ...
    name: str


@dataclass(slots=True)
class Amount:
    value: float  # yuan
    text: str  # surface form
    kind: str  # claimed_principal | judged_principal | fee | transfer | iou | other


@dataclass(slots=True)
class InterestRate:
    text: str  # 月息2分, 年利率24%, 月利率1.5%, 20‰
    period: str  # day | month | year
    rate: float  # fraction per period: 月息2分 -> 0.02
    annual_rate: float  # rate expressed per year


@dataclass(slots=True)
class Sign:
    """A document-level risk sign (see ``jiandu.documents.signs``) with the clause that states it."""

    code: str  # cash_delivery | upfront_interest | iou_exceeds_delivery | interest_above_cap | ...
    text: str  # the clause as written
    start: int  # offsets into the record's text
    end: int
    value: float | None = None  # amount deducted, annual rate, or IOU / delivered ratio
    written: float | None = None  # iou_exceeds_delivery: the IOU (written) amount, when read
    delivered: float | None = None  # iou_exceeds_delivery: the amount actually delivered


@dataclass(slots=True)
class JudgmentRecord:
    doc_id: str  # sha256 of the normalised text, first 32 hex chars
    is_judgment: bool
    doc_type: str | None = None
    case_category: str | None = None
    title: str | None = None
    case_number: str | None = None  # full-width brackets （2018）赣0429民初914号
    case_year: int | None = None
    case_type_code: str | None = (
        None  # 民初 | 民终 | 执 | 执恢 | 刑初 ... (old style: 民初字 -> 民初)
    )
    court: str | None = None
    cause: str | list[str] | None = None  # civil: 民间借贷纠纷; criminal: list of charges
    trial_procedure: str | None = None  # first_instance | second_instance | retrial | execution
    procedure_track: str | None = None  # simple | ordinary | small_claims
    filing_date: str | None = None
    hearing_date: str | None = None
    judgment_date: str | None = None
    parties: list[Party] = field(default_factory=list)
    legal_representatives: list[LegalRepresentative] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    judges: list[Judge] = field(default_factory=list)
    clerks: list[str] = field(default_factory=list)
    defendant_absent: bool | None = None
    public_notice_service: bool | None = None
    mediation: bool | None = None
    withdrawal: bool | None = None
    cash_delivery: bool | None = None
    terminated_execution: bool | None = None  # 终结本次执行程序
    claimed_principal: float | None = None
    amounts: list[Amount] = field(default_factory=list)
    interest_rates: list[InterestRate] = field(default_factory=list)
    signs: list[Sign] = field(default_factory=list)  # civil texts only; each carries its span
    spans: dict[str, Span] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; dataclass ``for_`` fields become ``for``."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        out: dict[str, Any] = {}
        for name in value.__dataclass_fields__:
            key = "for" if name == "for_" else name
            out[key] = _plain(getattr(value, name))
        return out
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
