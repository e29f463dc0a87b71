"""Governance: confirmed clues grouped into class cases (类案), and the suggestion draft.

A group is the confirmed clues (outcome confirmed or valuable) of one model about one court
(agency) in one jurisdiction; its key is ``model_id|court|jurisdiction_code`` (``-`` for none).
Its cases are the distinct case numbers its clues cite, normalised (``(2023)浙0602民初1号`` and
``（2023）浙0602民初1号`` are one case).

`suggestion_draft` fills the 检察建议书 template (`jiandu.workflow.template`) with what the
addressee reads: the issuing procuratorate (the principal's), the court, the distinct cases and
their period, the model's Chinese name and legal basis, the suggestions and the reply period,
dated in Beijing time. Model ids, scores, bands and codes never appear in it. Each draft is an
audit event (kind ``exported``, entity ``court``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from docxtpl import DocxTemplate
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from jiandu.documents.case_number import normalise_case_number
from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import scope_filter
from jiandu.workflow.errors import NotFound
from jiandu.workflow.jurisdictions import court_names, names
from jiandu.workflow.lifecycle import POSITIVE_OUTCOMES
from jiandu.workflow.masking import masker
from jiandu.workflow.tables import Clue
from jiandu.workflow.template import default_template

_YEAR = re.compile(r"^（(\d{4})）")
_ZH_DIGITS = "〇一二三四五六七八九"
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")  # folded-YAML spaces in Chinese
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_PLACE_UNIT = re.compile(r"[^省市区县旗州盟]+?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|旗|州|盟)")
_PROCURATORATE = "人民检察院"
# 《人民检察院检察建议工作规定》第十九条: the addressee replies in writing within two months of receipt.
REPLY_PERIOD_ZH = "两个月"
DEPARTMENT_ZH = {"civil": "民", "administrative": "行", "criminal": "刑", "public_interest": "公"}
GENERIC_MODEL_ZH = "大数据法律监督模型"
DRAFT_DOCUMENT_ZH = "检察建议书（稿）"


def _beijing() -> dt.tzinfo:
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:  # no tz database (e.g. Windows without tzdata): UTC+8, no DST
        return dt.timezone(dt.timedelta(hours=8), "CST")


BEIJING = _beijing()


@dataclass(slots=True)
class GovernanceGroup:
    key: str
    model_id: str
    court: str | None
    court_name: str | None
    jurisdiction_code: str | None
    jurisdiction_name: str | None
    clue_ids: list[str] = field(default_factory=list)
    case_numbers: list[str] = field(default_factory=list)  # distinct, normalised, in order
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


def case_sort_key(case_number: str) -> tuple[Any, ...]:
    """Year, court, type, then the sequence as a number (…民初99号 before …民初101号)."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", case_number))


def _case_numbers(clue: Clue) -> list[str]:
    """The distinct normalised case numbers a clue's evidence cites, in order."""
    found = {
        normalise_case_number(str(e["case_number"]))
        for e in clue.evidence or []
        if isinstance(e, dict) and e.get("case_number")
    }
    return sorted((n for n in found if n), key=case_sort_key)


def _party_count(members: list[Clue]) -> int:
    """Distinct parties the clues are about (a model whose subject is a case names none)."""
    return len({c.subject_key for c in members if c.subject_type != "case"})


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
        cases = sorted({n for c in members for n in _case_numbers(c)}, key=case_sort_key)
        g.case_numbers = cases
        g.subjects = _party_count(members)
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


# ---------------------------------------------------------------- Chinese forms


def _number_zh(n: int) -> str:
    """1..99 in Chinese numerals: 3 → 三, 10 → 十, 21 → 二十一."""
    if n < 10:
        return _ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else _ZH_DIGITS[tens] + "十") + (_ZH_DIGITS[ones] if ones else "")


def date_zh(day: dt.date) -> str:
    """2024-05-06 → 二〇二四年五月六日 (as dated on procuratorial documents)."""
    year = "".join(_ZH_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_number_zh(day.month)}月{_number_zh(day.day)}日"


def beijing_day(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Beijing (Asia/Shanghai) at ``now`` (default: the current time).
    A naive ``now`` is taken as UTC."""
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(BEIJING).date()


def year_span_zh(first: int | None, last: int | None) -> str:
    """2017, 2019 → 2017年至2019年; 2017, 2017 → 2017年; unknown → ''."""
    if first is None or last is None:
        return ""
    return f"{first}年" if first == last else f"{first}年至{last}年"


def office_of(session: Session, principal: Principal) -> str:
    """The procuratorate of the principal's jurisdiction, by its Chinese name."""
    name = names(session).get(principal.jurisdiction_code)
    return name or _PROCURATORATE


def doc_number_zh(office: str, domain: str | None, year: int) -> str:
    """The 文号 with a blank sequence number the office fills: 越检民建〔2026〕　号.

    The office abbreviation is the first character of its smallest place (绍兴市越城区 → 越); the
    department character follows the model's domain (civil → 民)."""
    place = office.removesuffix(_PROCURATORATE)
    units = _PLACE_UNIT.findall(place)
    short = (units[-1] if units else place)[:1]
    return f"{short}检{DEPARTMENT_ZH.get(domain or '', '')}建〔{year}〕\u3000号"


def _clean_zh(text: str) -> str:
    return _CJK_GAP.sub("", text.strip())


def file_name_zh(addressee: str, model_title: str | None) -> str:
    """关于<addressee>“<model>”类案问题的检察建议书（稿）.docx, safe on every file system."""
    named = f"“{model_title}”" if model_title and model_title != GENERIC_MODEL_ZH else ""
    stem = _UNSAFE_FILE_CHARS.sub("", f"关于{addressee}{named}类案问题的{DRAFT_DOCUMENT_ZH}")
    return stem[:120] + ".docx"


def content_disposition(file_name: str) -> str:
    """An attachment header naming ``file_name`` in UTF-8 (RFC 5987 / RFC 6266 ``filename*``)."""
    return f"attachment; filename*=UTF-8''{quote(file_name, safe='')}"


# ---------------------------------------------------------------- the model's own words


@dataclass(frozen=True, slots=True)
class ModelText:
    """What a suggestion quotes from a model spec (all Chinese)."""

    title: str
    domain: str | None = None
    supervision_point: str | None = None
    legal_basis: tuple[str, ...] = ()


@lru_cache(maxsize=64)
def builtin_model_text(model_id: str) -> ModelText | None:
    """The built-in spec's Chinese name, supervision point and legal basis (None when unknown)."""
    try:
        from jiandu.models.library import builtin_spec_path, read_spec_file
        from jiandu.models.spec import ID_PATTERN

        if not re.match(ID_PATTERN, model_id):  # never a path of its own
            return None
        path = builtin_spec_path(model_id)  # any domain's; built-in specs are named by their id
        spec = read_spec_file(path)[0] if path is not None else None
    except Exception:  # the model library is optional here: the draft still renders
        return None
    return model_text(spec) if spec is not None and spec.id == model_id else None


def model_text(spec: Any) -> ModelText:
    """`ModelText` from a `jiandu.models.spec.ModelSpec`."""
    basis = []
    for b in spec.legal_basis:
        cited = f"{b.law.strip()}{(b.article or '').strip()}"
        basis.append(f"{cited}规定：“{_clean_zh(b.text)}”" if b.text else f"{cited}。")
    return ModelText(
        title=_clean_zh(spec.name_zh),
        domain=spec.domain,
        supervision_point=_clean_zh(spec.supervision_point),
        legal_basis=tuple(basis),
    )


# ---------------------------------------------------------------- the draft


class SuggestionDraft(bytes):
    """The .docx bytes of a draft, with its Chinese file name (``file_name``) and the matching
    ``Content-Disposition`` header value."""

    file_name: str

    def __new__(cls, data: bytes, file_name: str) -> SuggestionDraft:
        self = super().__new__(cls, data)
        self.file_name = file_name
        return self

    @property
    def content_disposition(self) -> str:
        return content_disposition(self.file_name)


@dataclass(frozen=True, slots=True)
class DraftFindings:
    """What a domain's own view brings to a group's draft (the 终本 problems of one court,
    `jiandu.web.execution_courts`): the addressee, the cases in order with the (masked) parties
    they concern, a sentence counting the kinds of problems, and the clues they come from (the
    group's other clues are left out of the draft)."""

    addressee: str
    cases: tuple[tuple[str, str], ...]
    summary_zh: str
    clue_ids: tuple[str, ...] = ()


def _cases_by_number(members: list[Clue], mask: Any) -> list[dict[str, Any]]:
    """One row per distinct case: its number and the (masked) parties whose clues cite it (none
    for a model whose subject is the case itself)."""
    parties: dict[str, list[str]] = {}
    for c in members:
        who = mask(c.subject_name or "") if c.subject_type != "case" else ""
        for number in _case_numbers(c):
            seen = parties.setdefault(number, [])
            if who and who not in seen:
                seen.append(who)
    ordered = sorted(parties, key=case_sort_key)
    return [
        {"n": i, "case_number": n, "parties": "、".join(parties[n]) or "—"} for i, n in enumerate(ordered, 1)
    ]


def _suggestions(case_count: int, to_court: bool) -> list[str]:
    listed = f"附件所列{case_count}件案件" if case_count else "上述问题"
    if to_court:
        texts = [
            f"对{listed}逐案开展评查，对确有错误的，依法启动审判监督程序予以纠正；",
            "加强对同类案件的立案审查和事实甄别，建立类案预警与协同治理机制，防止同类问题再次发生；",
            "加强业务培训，统一类案裁判尺度，规范司法行为。",
        ]
    else:
        texts = [
            f"对{listed}所涉事项逐一核查，对存在问题的依法予以纠正；",
            "健全同类事项的审查和监管机制，加强与司法机关的信息共享和协同治理，防止同类问题再次发生；",
            "加强内部管理和业务培训，规范执法行为。",
        ]
    return [f"（{_number_zh(i)}）{t}" for i, t in enumerate(texts, 1)]


def draft_context(
    group: GovernanceGroup,
    members: list[Clue],
    principal: Principal,
    *,
    model_title: str | None = None,
    office_name: str | None = None,
    today: dt.date | None = None,
    model: ModelText | None = None,
    findings: DraftFindings | None = None,
) -> dict[str, Any]:
    """The template variables for one group (masked for the principal); see `template`.
    ``findings`` names the addressee and the cases instead of the group (see `DraftFindings`)."""
    mask = masker(principal.sees_personal_data)
    day = today or beijing_day()
    known = model or builtin_model_text(group.model_id)
    title = model_title or (known.title if known else GENERIC_MODEL_ZH)
    office = office_name or _PROCURATORATE
    to_court = bool(group.court_name or group.court or findings)
    addressee = findings.addressee if findings else group.court_name or "有关单位"
    you = "你院" if to_court else "你单位"
    cases: list[dict[str, Any]] = (
        [{"n": i, "case_number": n, "parties": who or "—"} for i, (n, who) in enumerate(findings.cases, 1)]
        if findings
        else _cases_by_number(members, mask)
    )
    case_count = len(cases)
    years = [int(m.group(1)) for c in cases if (m := _YEAR.match(c["case_number"]))]
    span = year_span_zh(min(years, default=None), max(years, default=None))
    subjects = _party_count(members)
    when = f"{span}，" if span else ""
    involving = f"，涉及{subjects}个当事人" if subjects else ""
    using = f"运用“{title}”大数据法律监督模型" if title != GENERIC_MODEL_ZH else f"运用{title}"
    point = known.supervision_point if known and known.supervision_point else ""
    basis = list(known.legal_basis) if known else []
    return {
        "office_name": office,
        "doc_number": doc_number_zh(office, known.domain if known else None, day.year),
        "addressee": addressee,
        "model_title": title,
        "court_name": addressee,
        "year_span": span,
        "case_count": case_count,
        "subject_count": subjects,
        "clue_count": group.clues,
        "opening": (
            f"本院在履行法律监督职责中，{using}，对{addressee}办理的案件开展类案筛查，"
            "并经检察官逐案审查核实。现将有关情况通报如下："
        ),
        "finding": (
            f"经审查核实，{when}{addressee}"
            + (
                f"办理的{case_count}件案件存在同类问题{involving}（案件清单见附件）。"
                if case_count
                else f"存在同类问题{involving}。"
            )
            + (f"其中，{findings.summary_zh}。" if findings and findings.summary_zh else "")
            + (f"上述案件具有以下共同特征：{point}" if point else "")
        ),
        "problem": point,
        "legal_basis": basis,
        "basis_intro": ("上述情形涉及下列规定：" if basis else "上述情形不符合法律、司法解释的有关规定。"),
        "suggestion_intro": (
            "根据《中华人民共和国人民检察院组织法》第二十一条和《人民检察院检察建议工作规定》"
            "的有关规定，本院建议："
        ),
        "suggestions": _suggestions(case_count, to_court),
        "reply": (
            f"请{you}自收到本检察建议书之日起{REPLY_PERIOD_ZH}以内，将采纳检察建议及整改落实的"
            "情况书面回复本院。"
        ),
        "attachment": f"附件：涉及案件清单（共{case_count}件）" if case_count else "",
        "items": cases,
        "case_numbers": [c["case_number"] for c in cases],
        "date_zh": date_zh(day),
        "file_name": file_name_zh(addressee, title),
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
    now: dt.datetime | None = None,
    model: ModelText | None = None,
    findings: DraftFindings | None = None,
) -> SuggestionDraft:
    """A 检察建议书 draft (.docx bytes with a Chinese ``file_name``) for one governance group
    (``findings``: the addressee and cases a domain's view gives, from clues of the group).

    Issued in the name of the principal's procuratorate (or ``office_name``), dated the Beijing
    day of ``now`` (or ``today``); ``model`` overrides the built-in spec's words (a workspace's
    own spec). The draft is recorded in the audit chain: run it in `Store.write()`.
    """
    require(principal, Permission.GOVERNANCE_DRAFT)
    found = _groups(session, principal).get(key)
    if found is None:
        raise NotFound(f"no governance group {key!r} in your jurisdiction")
    group, members = found
    if findings is not None and findings.clue_ids:
        members = [c for c in members if c.clue_id in set(findings.clue_ids)]
        if not members:
            raise NotFound(f"none of the findings' clues is in the governance group {key!r}")
    context = draft_context(
        group,
        members,
        principal,
        model_title=model_title,
        office_name=office_name or office_of(session, principal),
        today=today or beijing_day(now),
        model=model,
        findings=findings,
    )
    source: Any = str(template) if template is not None else io.BytesIO(default_template())
    doc = DocxTemplate(source)
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    chain(session).append(
        actor=principal.username,
        kind="exported",
        entity_type="court",
        entity_id=group.court,
        after={
            "document": DRAFT_DOCUMENT_ZH,
            "file_name": context["file_name"],
            "group": key,
            "cases": context["case_count"],
            "clues": [c.clue_id for c in members],
        },
    )
    flush_chain(session)
    return SuggestionDraft(out.getvalue(), context["file_name"])
