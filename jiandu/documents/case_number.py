"""Case numbers (案号): new style （2018）赣0429民初914号, old style （2014）庆城民初字第833号."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import CJK

__all__ = ["CaseNumber", "find_case_number", "normalise_case_number", "type_code_category"]

_OPEN = "（(〔［\\[【﹝"
_CLOSE = "）)〕］\\]】﹞"
CASE_NUMBER_RE = re.compile(
    rf"[{_OPEN}][ \u3000]*(?P<year>(?:19|20)\d{{2}})[ \u3000]*[{_CLOSE}][ \u3000]*"
    rf"(?P<body>[{CJK}]{{0,10}}?\d{{0,6}}[{CJK}]{{1,10}}?)[ \u3000]*(?P<zi>字)?[ \u3000]*第?"
    r"[ \u3000]*(?P<seq>\d{1,8})[ \u3000]*号(?:之[一二三四五六七八九十]+)?"
)
# case type codes, matched at the end of the body (division numerals stripped: 民二初 -> 民初)
_TYPE_RE = re.compile(
    r"(?P<code>(?:民|刑|行|商|知民|赔|国赔|司)[一二三四五六七八九速再]?"
    r"(?:辖终|初|终|再|申|特|催|督|破|撤|辖|他|更|监|抗|提|重|赔|审|救|惩)"
    r"|执(?:恢|保|异|复|监|协|他|外|破|财|审)?|财保|诉保|行保|民保|刑|民|行)$"
)
_DIVISION_RE = re.compile(r"^(民|刑|行|商|知民)[一二三四五六七八九速]")

_CATEGORY = {"民": "civil", "商": "civil", "知": "civil", "刑": "criminal", "行": "administrative",
             "执": "execution", "财": "civil", "诉": "civil"}  # fmt: skip


@dataclass(slots=True)
class CaseNumber:
    value: str  # normalised: full-width brackets, no spaces
    year: int
    type_code: str | None
    start: int
    end: int


def normalise_case_number(raw: str) -> str:
    """Full-width brackets （）, no whitespace: (2016)皖0111民初1号 -> （2016）皖0111民初1号."""
    out = re.sub(r"[\s\u3000]+", "", raw)
    out = re.sub(rf"^[{_OPEN}]", "（", out)
    return re.sub(rf"^（(\d{{4}})[{_CLOSE}]", r"（\1）", out)


def _type_code(body: str) -> str | None:
    m = _TYPE_RE.search(body)
    if not m:
        return None
    code = m.group("code")
    code = _DIVISION_RE.sub(r"\1", code)
    return code


def type_code_category(code: str | None) -> str | None:
    """civil | criminal | execution | administrative from a type code (民初 -> civil)."""
    if not code:
        return None
    if code.startswith("执"):
        return "execution"
    return _CATEGORY.get(code[0])


def find_case_number(
    text: str, start: int = 0, end: int | None = None, require_type: bool = True
) -> CaseNumber | None:
    """First case number in ``text[start:end]`` (with a known type code if ``require_type``)."""
    for m in CASE_NUMBER_RE.finditer(text, start, len(text) if end is None else end):
        code = _type_code(m.group("body"))
        if code is None and require_type:
            continue
        return CaseNumber(
            value=normalise_case_number(m.group(0)),
            year=int(m.group("year")),
            type_code=code,
            start=m.start(),
            end=m.end(),
        )
    return None
