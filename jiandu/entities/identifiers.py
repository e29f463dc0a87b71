"""Chinese ID numbers (居民身份证号码) and unified social credit codes (统一社会信用代码).

Validation uses python-stdnum. An ID number counts as valid when it has 18 characters, its
check character is right (`stdnum.cn.ric.calc_check_digit`) and its birth date is a real date
no later than today. The region code is only a hint (`region_known`): `stdnum.cn.ric.validate`
also rejects numbers whose region code was not in use in the birth year, although such numbers
are issued in reality (430181198001010017: 浏阳市 exists from 1993).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘX", "0123456789XXX")


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A valid identifier with what it tells: kind, and for people birth date and sex."""

    key: str  # compact form: 18 characters, upper case
    kind: str  # "ric" (ID number) | "uscc" (credit code)
    birth_date: dt.date | None = None
    sex: str | None = None  # 男 | 女 (17th digit odd: male)

    @property
    def region_known(self) -> bool | None:
        """For ID numbers: is the region code known to stdnum for the birth year? A hint only,
        looked up on demand (it costs a database search)."""
        if self.kind != "ric":
            return None
        try:
            ric.get_birth_place(self.key)
        except ValidationError:
            return False
        return True


def compact(value: str) -> str:
    """Spaces and separators removed, full-width digits and x made half-width upper case."""
    return "".join(ch for ch in value.translate(_FULL_WIDTH) if ch.isalnum()).upper()


@lru_cache(maxsize=1_000_000)
def parse_id(value: str | None) -> IdNumber | None:
    """The valid ID number or credit code in `value`, else None (never guessed)."""
    if not value:
        return None
    number = compact(value)
    if len(number) != 18:
        return None
    return _ric(number) or _uscc(number)


def _ric(number: str) -> IdNumber | None:
    if not number[:17].isdigit() or number[-1] != ric.calc_check_digit(number):
        return None
    try:
        birth = ric.get_birth_date(number)
    except ValidationError:
        return None
    if birth.year < 1880 or birth > dt.date.today():
        return None
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdNumber(number, "ric", birth, sex)


def _uscc(number: str) -> IdNumber | None:
    return IdNumber(number, "uscc") if uscc.is_valid(number) else None


def is_valid_id(value: str | None) -> bool:
    """True for a valid 18-digit ID number (checksum and birth date; region not required)."""
    parsed = parse_id(value)
    return parsed is not None and parsed.kind == "ric"


def is_valid_credit_code(value: str | None) -> bool:
    """True for a valid unified social credit code (GB 32100 check character)."""
    parsed = parse_id(value)
    return parsed is not None and parsed.kind == "uscc"
