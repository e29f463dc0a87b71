"""What a clue (contract form) says about where it happened, for `jurisdictions.Resolver`.

Read from the clue's evidence (``case_number``, ``court``, ``text``, ``label``) and subject:

- **trial cases**: (case number, court name) of evidence items that are not execution cases,
  else the case number a case subject is keyed by (``case:（2019）浙0602民初7666号``);
- **party places**: the parties' addresses written after a lead word (住所地、住址、户籍地 …) in
  evidence texts and labels, and the household-registration division (first six digits) of the
  resident ID numbers of the subject and of the parties named in evidence texts;
- **execution cases**: evidence items whose case number is an execution case (执…), execution
  case numbers written in evidence texts and labels (register rows: 失信被执行人名单, 执行案件),
  and court names written in the texts of register rows about execution.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from jiandu.documents.case_number import CaseNumber, case_number_court, find_case_number, type_code_category

Case = tuple[str | None, str | None]  # (case number, court name)

_ADDRESS = re.compile(
    r"(?:户籍所在地|经常居住地|住所地|户籍地|居住地|住址|地址|现住|暂住|住)[：:\s]{0,2}"
    r"([\u4e00-\u9fff0-9０-９]{2,40})"
)
# an 18-digit resident ID: division (6), birth date (8), sequence (3), check digit
_ID_NUMBER = re.compile(
    r"(?<![0-9])(\d{6})(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9])"
)
# a court's name, standing on its own (not glued to the words before it)
_COURT_NAME = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,30}?人民法院)")
_EXECUTION_WORDS = ("执行", "失信")


def _evidence(clue: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in clue.get("evidence") or [] if isinstance(e, dict)]


def _texts(clue: dict[str, Any]) -> list[str]:
    return [str(e[k]) for e in _evidence(clue) for k in ("text", "label") if e.get(k)]


def _case_numbers(text: str) -> list[CaseNumber]:
    out = []
    start = 0
    while (found := find_case_number(text, start)) is not None:
        out.append(found)
        start = found.end
    return out


@functools.lru_cache(maxsize=65536)
def _is_execution(case_number: str | None) -> bool:
    found = find_case_number(case_number) if case_number else None
    return found is not None and type_code_category(found.type_code) == "execution"


def evidence_cases(clue: dict[str, Any]) -> list[Case]:
    """Every (case number, court) of the evidence, execution cases included (the main court)."""
    return [
        (e.get("case_number"), e.get("court"))
        for e in _evidence(clue)
        if e.get("case_number") or e.get("court")
    ]


def trial_cases(clue: dict[str, Any]) -> list[Case]:
    """(case number, court) of the evidence's cases that are not execution cases."""
    cases = [c for c in evidence_cases(clue) if not _is_execution(c[0])]
    if cases:
        return cases
    subject = clue.get("subject") or {}
    for value in (subject.get("key"), subject.get("name")):
        for found in _case_numbers(str(value or "")):
            if case_number_court(found.value).style is not None and not _is_execution(found.value):
                return [(found.value, None)]
    return []


def execution_cases(clue: dict[str, Any]) -> list[Case]:
    """(case number, court) of execution cases: evidence items, numbers and courts in texts."""
    out: list[Case] = [c for c in evidence_cases(clue) if _is_execution(c[0])]
    for text in _texts(clue):
        out += [
            (c.value, None) for c in _case_numbers(text) if type_code_category(c.type_code) == "execution"
        ]
    for e in _evidence(clue):
        text = str(e.get("text") or "")
        if e.get("kind") == "row" and any(word in text for word in _EXECUTION_WORDS):
            out += [(None, m.group(1)) for m in _COURT_NAME.finditer(text)]
    return out


def addresses(clue: dict[str, Any]) -> list[str]:
    """Addresses written in the evidence's texts and labels (after 住所地、住址 …)."""
    return [m.group(1) for text in _texts(clue) for m in _ADDRESS.finditer(text)]


def id_divisions(clue: dict[str, Any]) -> list[str]:
    """Household-registration divisions (330683) of the resident ID numbers of the subject and of
    the parties named in the evidence texts, one per distinct ID number."""
    subject = clue.get("subject") or {}
    seen: dict[str, str] = {}
    for text in [str(subject.get("key") or ""), *_texts(clue)]:
        for m in _ID_NUMBER.finditer(text):
            seen.setdefault(m.group(0).upper(), m.group(1))
    return list(seen.values())
