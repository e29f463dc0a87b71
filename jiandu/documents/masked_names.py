"""When a written name is masked: the one definition, for Python and for the engines' SQL.

Published judgments hide natural persons' names: 张某, 张某某, 李某1 (numbered when two parties
would share a mask), 张3, 王××, 张╳, 张**, 张XX, 张X. Companies are sometimes masked too
(浙江某某科技有限公司). A masked name says nothing about who it is, so two 张某 must never be
counted as one party.

A name is masked when it holds a mask mark (某 × ╳ ⅹ * ＊ ○ 〇), two Latin x in a row, or is one
or two characters followed only by x (张X); and, for a person, when it holds a digit. A company's
digits are part of its name (第3建筑公司). The same regular expression runs in Python (``re``) and
in DuckDB and Spark (RE2 and Java syntax agree on it: classes and anchors only).
"""

from __future__ import annotations

import re

__all__ = [
    "MASK_MARK_PATTERN",
    "PERSON_DIGIT_PATTERN",
    "is_masked_name",
    "looks_like_organization",
    "masked_name_sql",
]

MASK_MARK_PATTERN = r"[某×╳ⅹ*＊○〇]|[xXｘＸ]{2}|^[^xXｘＸ]{1,2}[xXｘＸ]$"
PERSON_DIGIT_PATTERN = r"[0-9０-９]"
_MARK = re.compile(MASK_MARK_PATTERN)
_DIGIT = re.compile(PERSON_DIGIT_PATTERN)
# a name longer than this, or ending in one of these words, reads as an organisation's
ORG_MIN_LENGTH = 6
ORG_SUFFIX_PATTERN = (
    "(?:公司|银行|分行|支行|合作社|事务所|中心|委员会|厂|局|集团|协会|学校|医院|商行|店|部|社|所|院|会)$"
)
_ORG_SUFFIX = re.compile(ORG_SUFFIX_PATTERN)


def looks_like_organization(name: str) -> bool:
    """A name that reads as an organisation (used when the parser gave no kind)."""
    return len(name) >= ORG_MIN_LENGTH or _ORG_SUFFIX.search(name) is not None


def is_masked_name(name: str, kind: str | None = None) -> bool:
    """True when ``name`` is masked. ``kind`` is ``person`` or ``organization`` when known;
    otherwise a name that reads as an organisation is taken as one."""
    if _MARK.search(name):
        return True
    is_org = kind == "organization" or (kind is None and looks_like_organization(name))
    return not is_org and _DIGIT.search(name) is not None


def masked_name_sql(name: str, kind: str | None = None) -> str:
    """The SQL condition `is_masked_name` states, over the column expressions ``name`` and
    ``kind`` (a column holding 'person' / 'organization' / NULL; None when there is no such
    column)."""
    looks_org = f"(length({name}) >= {ORG_MIN_LENGTH} OR regexp_matches({name}, '{ORG_SUFFIX_PATTERN}'))"
    is_org = looks_org
    if kind is not None:
        is_org = f"(coalesce({kind}, '') = 'organization' OR ({kind} IS NULL AND {looks_org}))"
    return (
        f"(regexp_matches({name}, '{MASK_MARK_PATTERN}') "
        f"OR (NOT {is_org} AND regexp_matches({name}, '{PERSON_DIGIT_PATTERN}')))"
    )
