"""Identity numbers: 18-digit resident ID numbers (居民身份证号码) and unified social credit
codes (统一社会信用代码), both with their real check characters.

Region codes are the real ones people in Shaoxing carry. ``stdnum.cn.ric.validate`` also checks
that a region code was in use in the birth year, which real numbers do not always satisfy (a
person born 1970 in 越城 carries 330602, a code its tables date from 1983); tests treat the
checksum and birth date as hard checks and the region as a hint, as the architecture says.
"""

from __future__ import annotations

import datetime as dt
import random

# ISO 7064 MOD 11-2 weights for the first 17 digits of a resident ID number.
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"

# GB 32100 alphabet and weights for unified social credit codes.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code weights (the 9 characters inside a credit code).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def ric_check_digit(first17: str) -> str:
    """Check character of a resident ID number from its first 17 digits."""
    total = 0
    for digit, weight in zip(first17, _RIC_WEIGHTS, strict=True):
        total += int(digit) * weight
    return _RIC_CHECK[total % 11]


def resident_id(region: str, birth: dt.date, sequence: int, male: bool) -> str:
    """An 18-digit ID number. ``sequence`` (0..499) picks the order code; its last digit is
    odd for men and even for women, as the standard requires."""
    order = sequence * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + ric_check_digit(body)


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_code(rng: random.Random, new_style: bool) -> str:
    """A 9-character organisation code with its GB 11714 check character. New-style codes
    (issued with credit codes since 2015) start with MA."""
    if new_style:
        letters = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        body = "MA" + "".join(rng.choice(letters) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(_org_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    tail = "X" if check == 10 else ("0" if check == 11 else str(check))
    return body + tail


def uscc_check_digit(first17: str) -> str:
    total = 0
    for ch, weight in zip(first17, _USCC_WEIGHTS, strict=True):
        total += _USCC_ALPHABET.index(ch) * weight
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def credit_code(rng: random.Random, region: str, entity: str = "91", new_style: bool = True) -> str:
    """A unified social credit code: registering authority and entity type (``91`` company,
    ``92`` individual business, ``12`` public institution ...), region, organisation code,
    check character."""
    body = entity + region + org_code(rng, new_style)
    return body + uscc_check_digit(body)
