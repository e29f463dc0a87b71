"""Case numbers (案号): new style （2018）赣0429民初914号, old style （2014）庆城民初字第833号.

What the characters between the year and the case type say depends on the style:

- New style (the Supreme People's Court's rules on case numbers, in force from 2016-01-01; 2016
  numbers already use it): a court code, a province abbreviation plus the court's two or four
  digits — 赣0429 is the 湖口 county court of Jiangxi, 皖0111 the 包河 court of Anhui, 浙06 an
  intermediate court, 浙 alone the high court, 最高法 the Supreme People's Court.
- Old style (before 2016, usually with 字第): a court abbreviation chosen by the court itself, NOT a
  province — 萧 in （2009）萧民二初字第33号 is 萧山 (Zhejiang), 赣 in （2015）赣民二初字第87号 is
  赣县 (Jiangxi), 庆城 is 庆城 (Gansu), and 新 is not Xinjiang. Only the court name says where
  such a case was heard.

`CaseNumber.court_code` is set for new-style numbers only and `court_abbreviation` for old-style
ones only; `case_number_court` reads both from a case-number string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import CJK

__all__ = [
    "PROVINCE_CODES",
    "CaseNumber",
    "CaseNumberCourt",
    "case_number_court",
    "find_case_number",
    "normalise_case_number",
    "type_code_category",
]

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

# Province abbreviations a new-style court code starts with, and their administrative division
# prefix (two digits of the six-digit code). 兵 (the Xinjiang Production and Construction Corps'
# courts) has no province prefix of its own; 最高法 is the Supreme People's Court.
PROVINCE_CODES = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41",
    "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "贵": "52",
    "黔": "52", "云": "53", "滇": "53", "藏": "54", "陕": "61", "甘": "62", "陇": "62", "青": "63",
    "宁": "64", "新": "65",
}  # fmt: skip
NEW_STYLE_FROM = 2016
_NEW_COURT_CODE = re.compile(rf"(?:[{''.join(PROVINCE_CODES)}兵](?:\d{{2}}|\d{{4}})?|最高法)")

_CATEGORY = {"民": "civil", "商": "civil", "知": "civil", "刑": "criminal", "行": "administrative",
             "执": "execution", "财": "civil", "诉": "civil"}  # fmt: skip


@dataclass(slots=True)
class CaseNumber:
    """A case number found in a text. ``court_code`` (new style) and ``court_abbreviation`` (old
    style) are never both set; both are None when the number fits neither style."""

    value: str  # normalised: full-width brackets, no spaces
    year: int
    type_code: str | None
    start: int
    end: int
    style: str | None = None  # "new" | "old" | None (neither: read nothing from it)
    court_code: str | None = None  # new style: 赣0429, 浙06, 浙, 最高法
    court_abbreviation: str | None = None  # old style: 萧, 赣, 庆城 (a court's own, not a province)


@dataclass(frozen=True, slots=True)
class CaseNumberCourt:
    """What a case number says about its court."""

    style: str | None  # "new" | "old" | None
    court_code: str | None
    court_abbreviation: str | None


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


def _court_part(year: int, body: str, zi: bool) -> CaseNumberCourt:
    """Style and court designation from the year, the body (court + type) and whether 字 is
    written. A number from 2016 on without 字 whose prefix is a court code is new style; one
    before 2016 is old style (its prefix is the court's abbreviation); anything else is neither
    (e.g. a 2016+ number written the old way: its prefix cannot be trusted either way)."""
    m = _TYPE_RE.search(body)
    prefix = body[: m.start()] if m else ""
    if year >= NEW_STYLE_FROM:
        if not zi and _NEW_COURT_CODE.fullmatch(prefix):
            return CaseNumberCourt("new", prefix, None)
        return CaseNumberCourt(None, None, None)
    if prefix and not any(ch.isdigit() for ch in prefix):
        return CaseNumberCourt("old", None, prefix)
    return CaseNumberCourt(None, None, None)


def case_number_court(case_number: str | None) -> CaseNumberCourt:
    """What a case number says about its court: （2018）赣0429民初914号 → new style, court code
    赣0429; （2015）赣民二初字第87号 → old style, court abbreviation 赣 (赣县, not the province)."""
    if case_number:
        m = CASE_NUMBER_RE.search(case_number)
        if m:
            return _court_part(int(m.group("year")), m.group("body"), m.group("zi") is not None)
    return CaseNumberCourt(None, None, None)


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
        year = int(m.group("year"))
        court = _court_part(year, m.group("body"), m.group("zi") is not None)
        return CaseNumber(
            value=normalise_case_number(m.group(0)),
            year=year,
            type_code=code,
            start=m.start(),
            end=m.end(),
            style=court.style,
            court_code=court.court_code,
            court_abbreviation=court.court_abbreviation,
        )
    return None
