"""Masking personal data in clue text: ID numbers, phone numbers and addresses.

Policy (the one place it is stated): a role with the ``personal.read`` permission (prosecutor,
admin; see `jiandu.workflow.authz`) sees clues as they are; every other role (analyst, auditor,
viewer) gets every string of a clue — subject key and name, explanation, evidence text, labels,
sources, feature values, event reasons — through `mask_text`. Identifiers that are not personal
(clue id, model id and version, run id, band, score, case numbers, document ids, spans) pass.

Masks keep the length of the text (each hidden character becomes ``*``), so evidence spans (character
offsets into the judgment text) still point at the same words after masking.

- ID numbers (居民身份证号, 18 or 15 characters) and any longer run of digits (bank cards):
  keep the first 6 (region) and last 4: ``330602198001011234`` → ``330602********1234``. Any
  run of 15 or more digits is masked this way, even when glued to other digits or letters, so a
  valid ID number can never pass through.
- Mobile numbers (11 digits, 1[3-9]…, also written 138-1234-5678 or 138 1234 5678):
  ``13812345678`` → ``138****5678``; landlines (0575-88123456): the local number but its last 2.
- Addresses: kept to the district (区/县/旗, or a county-level 市): ``浙江省绍兴市越城区解放北路
  123号5幢201室`` → ``浙江省绍兴市越城区*************``. An address is recognised by a house
  number (…号/幢/栋/室/弄/单元) or by a lead word (住、住所地、地址、户籍地 …). Case numbers such
  as （2023）浙0602民初1234号 are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MASK = "*"

# Runs of digits (any script: ASCII, full-width); an ID may end in X.
_DIGIT_RUN = re.compile(r"\d+(?:[Xx](?![A-Za-z]))?")
_ID_SPACED = re.compile(r"(?<!\d)(\d{6})([ \-])(\d{8})\2(\d{3}[\dXx])(?![\dA-Za-z])")
_MOBILE_SPLIT = re.compile(r"(?<!\d)(1[3-9]\d)([ \-])(\d{4})\2(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})([\-－ ])(\d{7,8})(?!\d)")

_CASE_NUMBER = re.compile(r"[（(]\d{4}[）)][\u4e00-\u9fff\d]{1,16}?\d{1,8}号(?:之[一二三四五六七八九十\d]+)?")
_ADDRESS_RUN = re.compile(r"[\u4e00-\u9fff0-9０-９A-Za-zＡ-Ｚａ-ｚ\-－#＃·]+")
_HOUSE = re.compile(
    r"(?:\d+|[０-９]+|[一二三四五六七八九十百零〇]+)(?:号楼|号院|号|幢|栋|室|弄|单元|组|排|楼)"
)
_LEAD = re.compile(r"住所地|住址|地址|户籍地|户籍所在地|经常居住地|居住地|现住|暂住|住")
_LEAD_BEFORE = re.compile(
    r"(?:住所地|住址|地址|户籍地|户籍所在地|经常居住地|居住地|现住|暂住|住)[：:\s]{0,2}$"
)
_ADMIN_MARK = re.compile(r"[省市区县旗镇乡村路街]")
_STREET_MARK = re.compile(r"[路街道巷弄村镇乡区县市苑园厦寓庄里坊城]")
_DISTRICT_MARK = re.compile(r"(?<![小社园景发治])[区县旗]")
_NEXT_CITY = re.compile(r"[\u4e00-\u9fff]{2,3}市")
_PLACEHOLDER = "\ue000"


def _stars(n: int) -> str:
    return MASK * n


def mask_id_numbers(text: str) -> str:
    """Mask ID numbers and every run of 15+ digits: keep the first 6 and last 4 characters."""
    text = _ID_SPACED.sub(lambda m: m.group(1) + m.group(2) + _stars(8) + m.group(2) + m.group(4), text)

    def run(m: re.Match[str]) -> str:
        s = m.group(0)
        if len(s) < 15:
            return s
        return s[:6] + _stars(len(s) - 10) + s[-4:]

    return _DIGIT_RUN.sub(run, text)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def mask_phone_numbers(text: str) -> str:
    """Mask mobile numbers (keep 3 + 4 digits) and landlines (keep the area code and last 2)."""

    def run(m: re.Match[str]) -> str:
        s = m.group(0)
        t = s.translate(_FULL_WIDTH)
        if len(t) == 11 and t[0] == "1" and t[1] in "3456789":
            return s[:3] + _stars(4) + s[7:]
        return s

    text = _DIGIT_RUN.sub(run, text)
    text = _MOBILE_SPLIT.sub(lambda m: m.group(1) + m.group(2) + _stars(4) + m.group(2) + m.group(4), text)
    return _LANDLINE.sub(
        lambda m: m.group(1) + m.group(2) + _stars(len(m.group(3)) - 2) + m.group(3)[-2:], text
    )


def _keep_until(address: str, limit: int) -> int:
    """Characters of an address to keep: up to its district (区/县/旗), else its first 市 (and a
    county-level 市 right after it), else nothing. Only the part before ``limit`` is searched."""
    head = address[:limit]
    district = _DISTRICT_MARK.search(head)
    if district:
        return district.end()
    city = head.find("市")
    if city < 0:
        return 0
    end = city + 1
    county_city = _NEXT_CITY.match(head, end)
    return county_city.end() if county_city else end


def _address_range(work: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The part of an address run to hide, as absolute offsets, or None if it is no address."""
    run = m.group(0)
    lead = _LEAD.search(run)
    start = lead.end() if lead else 0
    led = lead is not None or bool(_LEAD_BEFORE.search(work, max(0, m.start() - 8), m.start()))
    address = run[start:]
    houses = list(_HOUSE.finditer(address))
    if houses:
        if not led and not _STREET_MARK.search(address, 0, houses[0].start()):
            return None
        limit, end = houses[0].start(), houses[-1].end()
    elif led and _ADMIN_MARK.search(address):
        limit, end = len(address), len(address)
    else:
        return None
    keep = _keep_until(address, limit)
    if end <= keep:
        return None
    return m.start() + start + keep, m.start() + start + end


def mask_addresses(text: str) -> str:
    """Mask what follows the district in addresses (length kept); case numbers are left alone."""
    protected: list[str] = []

    def protect(m: re.Match[str]) -> str:
        protected.append(m.group(0))
        return _PLACEHOLDER * len(m.group(0))

    work = _CASE_NUMBER.sub(protect, text)
    out: list[str] = []
    pos = 0
    for m in _ADDRESS_RUN.finditer(work):
        hide = _address_range(work, m)
        if hide is None:
            continue
        out.append(work[pos : hide[0]])
        out.append(_stars(hide[1] - hide[0]))
        pos = hide[1]
    out.append(work[pos:])
    result = "".join(out)
    if protected:
        parts = iter(protected)
        result = re.sub(_PLACEHOLDER + "+", lambda _m: next(parts), result)
    return result


def mask_text(text: str) -> str:
    """All masks, in order: ID numbers and long digit runs, phone numbers, addresses."""
    if not text:
        return text
    return mask_addresses(mask_phone_numbers(mask_id_numbers(text)))


# Keys of a clue (or event) whose values are identifiers, not personal data.
UNMASKED_KEYS = frozenset(
    {
        "clue_id",
        "model_id",
        "model_version",
        "outcome_model_version",
        "run_id",
        "first_run_id",
        "band",
        "score",
        "kind",
        "type",
        "case_number",
        "case_numbers",
        "doc_id",
        "span",
        "status",
        "outcome",
        "reject_reason",
        "merged_into",
        "region",
        "jurisdiction_code",
        "court",
    }
)


def mask_value(value: Any, mask: Callable[[str], str] = mask_text, key: str | None = None) -> Any:
    """Mask every string inside a JSON-like value, except under the keys in `UNMASKED_KEYS`."""
    if key in UNMASKED_KEYS:
        return value
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: mask_value(v, mask, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v, mask) for v in value]
    return value


def identity(text: str) -> str:
    return text


def masker(sees_personal_data: bool) -> Callable[[str], str]:
    """The text filter for a principal: identity for roles with personal.read, else `mask_text`."""
    return identity if sees_personal_data else mask_text
