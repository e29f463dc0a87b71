"""Addresses as printed in party lines: normalised text and the county-level district.

Masked documents print only the district (住浙江省绍兴市柯桥区); documents with full names
often print the whole address. Two addresses are *compatible* when their districts agree,
and *equal* when their normalised texts are equal.
"""

from __future__ import annotations

import re
import unicodedata

from jiandu.memory import step_cache

_PREFIXES = ("住所地", "住址", "户籍地", "现住", "住")
_SPACES = re.compile(r"[\s\u3000]+")
_PROVINCE = re.compile(r"^(?:[^省]{2,3}省|[^区]{2,8}自治区|北京市|天津市|上海市|重庆市)")
_UNIT = re.compile(r"[^市区县旗盟]{1,7}?(?:自治县|自治州|市|区|县|旗|盟)")


@step_cache(maxsize=500_000)
def normalize_address(address: str | None) -> str | None:
    """NFKC text without spaces, without a leading 住/住所地, without a trailing 。."""
    if not address:
        return None
    text = _SPACES.sub("", unicodedata.normalize("NFKC", address)).rstrip("。.，,")
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):].lstrip("：:")
            break
    return text or None


@step_cache(maxsize=500_000)
def district_of(address: str | None) -> str | None:
    """The county-level unit of an address: 柯桥区, 新昌县, 诸暨市 (else the prefecture).

    The province is dropped; of the next two administrative units the second is taken when
    there are two (绍兴市诸暨市 → 诸暨市), else the first (浙江省新昌县 → 新昌县).
    """
    text = normalize_address(address)
    if text is None:
        return None
    rest = _PROVINCE.sub("", text, count=1)
    units: list[str] = []
    position = 0
    while len(units) < 2:
        match = _UNIT.match(rest, position)
        if match is None:
            break
        units.append(match.group(0))
        position = match.end()
        if match.group(0).endswith(("区", "县", "旗")):
            break
    if not units:
        return None
    return units[-1]
