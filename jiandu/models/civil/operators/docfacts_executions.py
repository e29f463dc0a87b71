"""Execution cases against the parties of one document, read from its text.

Executions (`execution_facts`): the document's own case when it is an execution case (ruling
or notice), execution case numbers cited with the party they are against (（2019）浙0602执1234号,
执恢, 执异, 执保, old style 清民执字第12号), and statements that a party is a judgment debtor or
that a judgment against a party was applied for execution; the accused of 拒不执行判决、裁定罪.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence

from jiandu.documents.case_number import normalise_case_number
from jiandu.documents.flags import TERMINATED_RE
from jiandu.documents.numerals import calendar_date
from jiandu.models.civil.operators.docfacts_parties import (
    Cast,
    ExecutionFact,
    Party,
    party_position,
    strip_lead,
)

__all__ = ["CASE_NUMBER", "EXEC_NUMBER", "execution_facts"]


# -- executions --------------------------------------------------------------------------------

EXEC_NUMBER = re.compile(
    r"[（(]\d{4}[）)][^（()）\s，。；、：:“”《》]{0,12}?执(?:恢|异|保|复|监|协|外)?字?第?\d+(?:-\d+)?号"
)
CASE_NUMBER = re.compile(r"[（(]\d{4}[）)][^（()）\s，。；、：:“”《》]{1,16}?第?\d+(?:-\d+)?号")
_SENTENCE = re.compile(r"[^。；;\n]+")
_FILED = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日[^。；，]{0,16}?(?:立案|申请(?:强制)?执行|受理)")
_RESP_NAMED = re.compile(
    r"被执行人(?:为|系|是)?[：:]?(?P<r>[^，。；：、,;:（）()\s与和及的]{1,40}?)(?=[，。；、,;（(与和及的名所在]|$)"
)
_RESP_IS = re.compile(r"(?:系|为|是|作为|已是|已系)[^。；，]{0,40}?(?P<listed>失信)?被执行人")
_RESP_LISTED = re.compile(r"(?:被列为|列为|纳入)(?P<listed>失信)?被执行人")
_FAILED = re.compile(r"因(?P<r>[^，。；：、,;:（）()\s]{1,40}?)(?:未|拒不|没有)(?:按期|按时|如期|全部)?履行")
_AGAINST = re.compile(
    r"(?:对|申请执行|申请强制执行)(?P<r>[^，。；：、,;:（）()\s的]{1,40}?)(?:申请(?:强制)?执行|的财产|名下)"
)
_APPLIED = re.compile(
    r"(?:已|业已|于\d{4}年\d{1,2}月\d{1,2}日)[^。；]{0,20}?向[^。；，]{0,16}?申请(?:强制)?执行"
)
_APPLICANT = re.compile(
    r"申请执行人[：:]?(?P<r>[^，。；：、,;:（）()\s与和及]{1,40}?)(?=[，。；、,;（(与和及向申于]|$)"
)
_CONDITIONAL = re.compile(r"如果|如|若|可以|可向|有权|逾期不|届满后")
_NOT_DEBTOR = re.compile(r"不是|并非|不属于|未被|没有被|尚未")
_DISTRIBUTION = "参与分配"
_REFUSAL = re.compile(r"拒不执行判决")


def _sentences_with(text: str, word: str) -> Iterator[re.Match[str]]:
    """The sentences of ``text`` (`_SENTENCE` matches) that contain ``word``, in order: each from
    the mark before an occurrence of the word, instead of every sentence tested in turn."""
    end = 0  # the previous sentence's end: a mark, so the next one starts after it
    at = text.find(word)
    while at >= 0:
        s = _SENTENCE.match(text, max(text.rfind(mark, end, at) for mark in "。；;\n") + 1)
        assert s is not None  # the word holds no mark, so its sentence is not empty
        yield s
        end = s.end()
        at = text.find(word, end)


def _date_of(m: re.Match[str]) -> dt.date | None:
    return calendar_date(m.group(1), m.group(2), m.group(3))


def _known_by(number: str | None, cited_on: dt.date | None) -> tuple[dt.date | None, str | None]:
    """The latest date an execution case cited without its filing date certainly existed: the
    day before the document that cites it, or the last day of its case-number year."""
    dates: list[tuple[dt.date, str]] = []
    if cited_on is not None:
        dates.append((cited_on - dt.timedelta(days=1), "cited_by"))
    if number:
        year = int(number[1:5])
        if 1980 <= year <= 2100:
            dates.append((dt.date(year, 12, 31), "case_year"))
    if not dates:
        return None, None
    return min(dates)


def _respondents(sentence: str, offset: int, cast: Cast) -> list[tuple[int, bool, int, int]]:
    """(party, listed as dishonest, start, end) for each party a sentence names as judgment
    debtor."""
    out: list[tuple[int, bool, int, int]] = []
    for m in _RESP_NAMED.finditer(sentence):
        who = cast.one(m.group("r"))
        if who is not None and not _NOT_DEBTOR.search(sentence[max(0, m.start() - 6) : m.start()]):
            out.append(
                (
                    who,
                    "失信" in sentence[max(0, m.start() - 3) : m.start()],
                    offset + m.start("r"),
                    offset + m.end("r"),
                )
            )
    for regex in (_RESP_IS, _RESP_LISTED):
        for m in regex.finditer(sentence):
            head = sentence[: m.start()]
            if _NOT_DEBTOR.search(sentence[max(0, m.start() - 4) : m.end()]):
                continue
            clause_start = max((head.rfind(c) for c in "，,：:"), default=-1) + 1
            subject = strip_lead(head[clause_start:])
            if not re.sub(r"^(?:已|并|且|均|后|现|遂)+", "", subject):  # 被告X因…，已被列为…
                clause_start = 0
                subject = strip_lead(head[: max(head.find("，"), 0) or len(head)])
            # the subject may run on to a case number: 被告X系本院（…）执…号案件的被执行人
            subject = re.split(r"[（(]|本院|因|在|于|已", subject)[0]
            who = cast.one(subject)
            if who is not None:
                s = offset + clause_start + head[clause_start:].find(subject)
                out.append((who, bool(m.group("listed")), s, s + len(subject)))
    for regex in (_FAILED, _AGAINST):
        for m in regex.finditer(sentence):
            who = cast.one(m.group("r"))
            if who is not None:
                out.append((who, False, offset + m.start("r"), offset + m.end("r")))
    seen: set[int] = set()
    unique = []
    for item in out:
        if item[0] not in seen:
            seen.add(item[0])
            unique.append(item)
    return unique


def _applicant(sentence: str, cast: Cast, respondent: int) -> int | None:
    for named in _APPLICANT.finditer(sentence):
        who = cast.one(named.group("r"))
        if who is not None and who != respondent:
            return who
    m = _APPLIED.search(sentence)
    if m is not None:
        head = sentence[: m.start()]
        clause_start = max((head.rfind(c) for c in "，,：:"), default=-1) + 1
        who = cast.one(strip_lead(head[clause_start:]))
        if who is not None and who != respondent:
            return who
    return None


def _basis(text: str) -> str | None:
    for m in CASE_NUMBER.finditer(text):
        number = m.group(0)
        if "执" in number:
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        after = text[m.end() : m.end() + 8]
        if re.search(r"依据|根据|依照|执行依据", before) or re.match(
            r"《?民事(?:判决|调解|裁定)书|判决|调解", after
        ):
            return normalise_case_number(number)
    return None


def execution_facts(
    text: str,
    parties: Sequence[Party],
    *,
    case_number: str | None = None,
    is_execution_case: bool = False,
    filing_date: dt.date | None = None,
    judgment_date: dt.date | None = None,
    terminated: bool = False,
) -> list[ExecutionFact]:
    """Execution cases one document states, each against one of its parties."""
    cast = Cast(parties)
    own = normalise_case_number(case_number) if case_number else None
    out: list[ExecutionFact] = []
    if is_execution_case and own:
        applicants = cast.side("applicant")
        applicant = applicants[0] if len(applicants) == 1 else None
        ruled, basis_kind = (filing_date, "stated") if filing_date else (judgment_date, "ruling_date")
        distribution = None
        for s in _sentences_with(text, _DISTRIBUTION):
            others = [normalise_case_number(n.group(0)) for n in EXEC_NUMBER.finditer(s.group(0))]
            others = [n for n in others if n != own]
            if others:
                distribution = others[0]
                break
        closing = "终结本次执行程序" if terminated or TERMINATED_RE.search(text) else None
        for p in cast.parties:
            if p.side != "respondent" or p.span_start is None or p.span_end is None:
                continue
            out.append(
                ExecutionFact(
                    "ruling",
                    p.idx,
                    applicant,
                    own,
                    ruled,
                    basis_kind if ruled else None,
                    _basis(text),
                    closing,
                    distribution,
                    "失信" in text and "纳入失信" in text,
                    p.span_start,
                    p.span_end,
                )
            )
    if _REFUSAL.search(text[:600]):  # a conviction for refusing to execute: the accused was a debtor
        out += _refusal_facts(text, cast, judgment_date)
    for s in _sentences_with(text, "执行"):
        sentence = s.group(0)
        numbers = [n for n in EXEC_NUMBER.finditer(sentence) if normalise_case_number(n.group(0)) != own]
        statement = not numbers and (
            _APPLIED.search(sentence) or _RESP_LISTED.search(sentence) or _RESP_IS.search(sentence)
        )
        if not numbers and not statement:
            continue
        if _CONDITIONAL.search(sentence) and not numbers:
            continue
        respondents = _respondents(sentence, s.start(), cast)
        if is_execution_case:  # the ruling's own parties are its own case, read above
            respondents = [
                r
                for r in respondents
                if cast.parties[party_position(cast, r[0])].side != "respondent" or numbers
            ]
        if not respondents:
            continue
        stated = _FILED.search(sentence)
        stated_date = _date_of(stated) if stated else None
        basis = _basis(sentence)
        date: dt.date | None
        how: str | None
        for who, listed, _start, _end in respondents:
            if numbers:
                for n in numbers:
                    number = normalise_case_number(n.group(0))
                    if stated_date is not None:
                        date, how = stated_date, "stated"
                    else:
                        date, how = _known_by(number, judgment_date)
                    out.append(
                        ExecutionFact(
                            "cited_number",
                            who,
                            None,
                            number,
                            date,
                            how,
                            basis,
                            None,
                            None,
                            listed,
                            s.start() + n.start(),
                            s.start() + n.end(),
                        )
                    )
            else:
                if stated_date is not None:
                    date, how = stated_date, "stated"
                else:
                    date, how = _known_by(None, judgment_date)
                out.append(
                    ExecutionFact(
                        "statement",
                        who,
                        _applicant(sentence, cast, who),
                        None,
                        date,
                        how,
                        basis,
                        None,
                        None,
                        listed,
                        s.start(),
                        s.end(),
                    )
                )
    return out


def _refusal_facts(text: str, cast: Cast, judgment_date: dt.date | None) -> list[ExecutionFact]:
    """The accused of 拒不执行判决、裁定罪 were judgment debtors: the date execution began when
    stated (申请强制执行 / 进入执行程序), else before the judgment."""
    date: dt.date | None = None
    how: str | None = None
    for s in _SENTENCE.finditer(text):
        if re.search(r"申请(?:强制)?执行|进入(?:强制)?执行程序", s.group(0)):
            m: re.Match[str] | None = _FILED.search(s.group(0)) or re.search(
                r"(\d{4})年(\d{1,2})月(\d{1,2})日[^。；，]{0,6}?进入(?:强制)?执行程序", s.group(0)
            )
            if m is not None:
                date, how = _date_of(m), "stated"
                break
    if date is None:
        date, how = _known_by(None, judgment_date)
    out = []
    for p in cast.parties:
        if (
            p.side == "defendant"
            and p.role == "被告人"
            and p.span_start is not None
            and p.span_end is not None
        ):
            out.append(
                ExecutionFact(
                    "statement",
                    p.idx,
                    None,
                    None,
                    date,
                    how,
                    _basis(text),
                    None,
                    None,
                    False,
                    p.span_start,
                    p.span_end,
                )
            )
    return out
