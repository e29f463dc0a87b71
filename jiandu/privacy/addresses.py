"""Masking addresses: kept to the district (区/县/旗, or a county-level 市), the rest hidden.

``浙江省绍兴市越城区解放北路123号5幢201室`` → ``浙江省绍兴市越城区*************``. An address is
recognised by a house number (…号/幢/栋/室/弄/单元) or by a lead word (住、住所地、地址、户籍地 …).
Case numbers such as （2023）浙0602民初1234号 are left alone. Length is kept.
"""

from __future__ import annotations

import re

from jiandu.privacy.rules import CASE_NUMBER, MASK

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
    # an address needs a house number or a lead word in its run or just before it; a text with
    # neither (most names, courts and causes) has nothing to hide: the same answer, found sooner
    if not _HOUSE.search(text) and not _LEAD.search(text):
        return text
    return _mask_runs(text)


def _mask_runs(text: str) -> str:
    """`mask_addresses` without the shortcut: every run is tried."""
    # case numbers become placeholders the address pattern never matches, so no range covers them
    work = CASE_NUMBER.sub(lambda m: _PLACEHOLDER * len(m.group(0)), text)
    out: list[str] = []
    pos = 0
    for m in _ADDRESS_RUN.finditer(work):
        hide = _address_range(work, m)
        if hide is None:
            continue
        out.append(text[pos : hide[0]])
        out.append(_stars(hide[1] - hide[0]))
        pos = hide[1]
    out.append(text[pos:])
    return "".join(out)
