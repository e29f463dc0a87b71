"""Court name, document heading (民事判决书 ...), doc type and case category, metadata trailer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .record import (
    ADMINISTRATIVE,
    CIVIL,
    CRIMINAL,
    DECISION,
    EXECUTION,
    JUDGMENT,
    MEDIATION,
    NOTICE,
    RULING,
)
from .text import CJK

__all__ = ["Heading", "Trailer", "find_court", "find_heading", "find_trailer"]

COURT_RE = re.compile(
    rf"(?:^|(?<=[\s。，,：:；;）)\ufeff]))[{CJK}（）()]{{2,30}}?"
    r"(?:人民法院|海事法院|知识产权法院|互联网法院|金融法院|铁路运输法院|军事法院|基层法院)"
)
_COURT_PLACE_RE = re.compile(
    r"[省市县区旗州盟]|最高|海事|铁路|知识产权|互联网|金融|军事|兵团|林区|垦区|基层"
)
_COURT_BAD_RE = re.compile(r"诉至|诉诸|向|请求|提起|本院|于")
_S = r"[ \u3000]*"
HEADING_RE = re.compile(
    rf"(?P<cat>民{_S}事|刑{_S}事|行{_S}政|执{_S}行|赔{_S}偿)?{_S}(?:附{_S}带{_S}民{_S}事{_S})?"
    rf"(?P<kind>判{_S}决{_S}书|裁{_S}定{_S}书|调{_S}解{_S}书|决{_S}定{_S}书|通{_S}知{_S}书)"
)
_KINDS = {"判决书": JUDGMENT, "裁定书": RULING, "调解书": MEDIATION, "决定书": DECISION,
          "通知书": NOTICE}  # fmt: skip
_CATS = {"民事": CIVIL, "刑事": CRIMINAL, "行政": ADMINISTRATIVE, "执行": EXECUTION, "赔偿": None}
TRAILER_RE = re.compile(r"[。\n\s]案件类型[:：]")
_TRAILER_FIELD_RE = re.compile(r"(案号|法院名称|裁判日期|审判程序|案件名称)[:：]([^。\n]*)")


@dataclass(slots=True)
class Heading:
    doc_type: str
    category: str | None
    start: int
    end: int


@dataclass(slots=True)
class Trailer:
    start: int
    fields: dict[str, tuple[str, int]]  # name -> (value, offset of the value)


def find_court(text: str, limit: int) -> re.Match[str] | None:
    """First court name in ``text[:limit]`` (a place or court kind in it, not a verb phrase)."""
    for m in COURT_RE.finditer(text, 0, limit):
        name = m.group(0)
        if _COURT_PLACE_RE.search(name) and not _COURT_BAD_RE.search(name):
            return m
    return None


def find_heading(text: str, start: int, limit: int) -> Heading | None:
    """First document-type heading in ``text[start:limit]`` (spaces inside allowed)."""
    m = HEADING_RE.search(text, start, limit)
    if not m:
        return None
    kind = re.sub(r"[ \u3000]", "", m.group("kind"))
    cat = re.sub(r"[ \u3000]", "", m.group("cat") or "")
    return Heading(doc_type=_KINDS[kind], category=_CATS.get(cat), start=m.start(), end=m.end())


def find_trailer(text: str) -> Trailer | None:
    """A metadata trailer such as ``案件类型:2。裁判日期:2009-01-04。…案号:…。法院名称:…``."""
    m = TRAILER_RE.search(text)
    if not m:
        return None
    fields: dict[str, tuple[str, int]] = {}
    for fm in _TRAILER_FIELD_RE.finditer(text, m.start()):
        fields.setdefault(fm.group(1), (fm.group(2).strip(), fm.start(2)))
    return Trailer(start=m.start() + 1, fields=fields)
