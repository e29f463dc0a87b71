"""Keys of people, organisations and vehicles, normalised once: the one definition of each.

Register ingest (through the declared sources), the judgment parser and entity resolution all
call these functions; `jiandu.entities.identifiers` re-exports the ID-number part.

- 居民身份证号码 (GB 11643): 18 characters, check character MOD 11-2, birth date a real date no
  later than today. The region code is only a hint (`IdNumber.region_known`): `stdnum.cn.ric
  .validate` also rejects numbers whose region code was not in use in the birth year, although
  such numbers are issued in reality (430181198001010017: 浏阳市 exists from 1993).
  15-digit numbers (YYMMDD, no check character) are upgraded to 18 (insert 19, compute the
  check character). Masked numbers (`37280119701****7692`, 11 visible + stars + 4 visible, the
  real 失信 format; the stars are a token, not a length) are kept as written, with the birth year
  and sex they still show; they are never turned into a full number.
- 统一社会信用代码 (GB 32100): 18 characters, check character MOD 31. 组织机构代码 (GB 11714,
  `XXXXXXXX-X`, check MOD 11) is the old organisation key (= USCC[8:17]).
- 车牌号 with colour: separators (`·`, spaces) removed, full-width made half-width; colours as
  JT/T 697.7 codes (1 蓝 2 黄 3 黑 4 白 5 绿 9 其他; 91 农黄 92 农绿 93 黄绿 94 渐变绿) or text
  (`黄色`) become one name.
- 护照号码: upper case, separators removed; 5–20 letters and digits.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from jiandu.memory import step_cache

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＸｘＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＹＺ＊",
    "0123456789XXABCDEFGHIJKLMNOPQRSTUVWYZ*",
)
_MIN_BIRTH_YEAR = 1880


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
    """Spaces and separators removed, full-width digits and letters made half-width upper case."""
    if value.isascii() and value.isalnum():
        return value.upper()
    return "".join(ch for ch in value.translate(_FULL_WIDTH) if ch.isalnum()).upper()


def _birth(number: str, start: int = 6) -> dt.date | None:
    try:
        birth = dt.date(
            int(number[start : start + 4]),
            int(number[start + 4 : start + 6]),
            int(number[start + 6 : start + 8]),
        )
    except ValueError:
        return None
    if birth.year < _MIN_BIRTH_YEAR or birth > dt.date.today():
        return None
    return birth


def _sex(digit: str) -> str:
    return "男" if int(digit) % 2 == 1 else "女"


def _ric(number: str) -> IdNumber | None:
    if not number[:17].isdigit() or number[17] != ric.calc_check_digit(number):
        return None
    birth = _birth(number)
    if birth is None:
        return None
    return IdNumber(number, "ric", birth, _sex(number[16]))


def _uscc(number: str) -> IdNumber | None:
    return IdNumber(number, "uscc") if uscc.is_valid(number) else None


@step_cache(maxsize=1_000_000)
def parse_id(value: str | None) -> IdNumber | None:
    """The valid 18-character ID number or credit code in `value`, else None (never guessed)."""
    if not value:
        return None
    number = compact(value)
    if len(number) != 18:
        return None
    return _ric(number) or _uscc(number)


def is_valid_id(value: str | None) -> bool:
    """True for a valid 18-digit ID number (checksum and birth date; region not required)."""
    parsed = parse_id(value)
    return parsed is not None and parsed.kind == "ric"


def is_valid_credit_code(value: str | None) -> bool:
    """True for a valid unified social credit code (GB 32100 check character)."""
    parsed = parse_id(value)
    return parsed is not None and parsed.kind == "uscc"


# -- why a value is not valid (for quarantine reasons; validity itself is `parse_id`) ------------


def id_number_problem(value: str) -> str | None:
    """None when ``value`` is a valid 18-digit ID number, else what is wrong with it."""
    if is_valid_id(value):
        return None
    number = compact(value)
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "not 18 characters of digits (last may be X)"
    if ric.calc_check_digit(number) != number[17]:
        return "check digit does not match"
    if _birth(number) is None:
        return "birth date in the number is not a date or out of range"
    return "not a valid ID number"


def credit_code_problem(value: str) -> str | None:
    """None when ``value`` is a valid unified social credit code, else what is wrong with it."""
    if is_valid_credit_code(value):
        return None
    return "not 18 characters" if len(compact(value)) != 18 else "check character does not match"


def _id_shaped(number: str) -> bool:
    """17 digits and a digit or X: read as an ID number (else as a credit code)."""
    return len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")


def identifier_problem(value: str) -> str | None:
    """Check an ID number or a credit code, whichever the value looks like."""
    if parse_id(value) is not None:
        return None
    number = compact(value)
    if _id_shaped(number):
        return f"invalid ID number: {id_number_problem(number)}"
    return f"invalid credit code: {credit_code_problem(number)}"


# -- keys as agencies write them: 15-digit, masked, organisation codes --------------------------


@dataclass(frozen=True, slots=True)
class Key:
    """A normalised person or organisation key and what it tells.

    kind: ric (18-digit ID number), ric15 (a 15-digit number upgraded to 18: `value` is the
    18-digit form), ric_masked (masked: `value` as written, upper case, stars kept), uscc,
    org_code (组织机构代码 `XXXXXXXX-X`).
    """

    value: str
    kind: str
    birth_year: int | None = None
    sex: str | None = None

    @property
    def is_person(self) -> bool:
        return self.kind.startswith("ric")

    @property
    def full(self) -> bool:
        """True when the key identifies one person or organisation (not masked)."""
        return self.kind != "ric_masked"


class KeyProblem(ValueError):
    """A value that is not a key of the expected kind; the message says why."""


_MASKED = re.compile(r"^(?P<head>\d{0,17})(?P<stars>\*+)(?P<tail>\d{0,3}[\dX]?)$")
_ROUNDED = re.compile(r"\d(\.\d+)?E\+?\d+")  # 3.70828E+17: Excel showed an ID number as a number
_ORG_CODE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def upgrade_15(number: str) -> str | None:
    """The 18-digit form of a 15-digit ID number (YYMMDD birth date, no check), else None."""
    if len(number) != 15 or not number.isdigit():
        return None
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def _org_code_ok(code: str) -> bool:
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(code[:8], _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    expected = "X" if check == 10 else "0" if check == 11 else str(check)
    return code[8] == expected


def _masked(text: str) -> Key | None:
    m = _MASKED.match(text)
    if not m:
        return None
    head, tail = m["head"], m["tail"]
    if len(head) < 6 or len(head) + len(tail) > 17:
        return None
    year = int(head[6:10]) if len(head) >= 10 else None
    if year is not None and not _MIN_BIRTH_YEAR <= year <= dt.date.today().year:
        return None
    sex = _sex(tail[-2]) if len(tail) == 4 and tail[-2].isdigit() else None
    return Key(text, "ric_masked", year, sex)


ALL_KEY_KINDS = frozenset({"ric", "ric15", "ric_masked", "uscc", "org_code"})


@step_cache(maxsize=1_000_000)
def normalize_key(value: str, accept: frozenset[str] = ALL_KEY_KINDS) -> Key:
    """The normalised key in ``value``; raises `KeyProblem` when it is none of ``accept``.

    A full 18-character number must pass its check (`parse_id`): a real number failing the
    check is reported, never repaired.
    """
    text = value.strip().translate(_FULL_WIDTH).upper()
    masked_text = re.sub(r"[\s\-·]", "", text)
    if "*" in masked_text:
        key = _masked(masked_text)
        if key is None or "ric_masked" not in accept:
            raise KeyProblem("masked number not in the form 11 visible + **** + 4 visible")
        return key
    if _ROUNDED.fullmatch(text):
        raise KeyProblem(f"{text} is a number rounded by a spreadsheet (digits lost)")
    number = compact(text)
    parsed = parse_id(number)
    if parsed is not None and parsed.kind in accept:
        if parsed.kind == "ric":
            return Key(parsed.key, "ric", parsed.birth_date.year if parsed.birth_date else None, parsed.sex)
        return Key(parsed.key, "uscc")
    if len(number) == 15 and number.isdigit() and "ric15" in accept:
        upgraded = upgrade_15(number)
        birth = _birth(upgraded) if upgraded else None
        if upgraded and birth:
            return Key(upgraded, "ric15", birth.year, _sex(upgraded[16]))
        raise KeyProblem("15-digit ID number with an invalid birth date")
    if len(number) == 9 and _ORG_CODE.match(number) and "org_code" in accept:
        if _org_code_ok(number):
            return Key(f"{number[:8]}-{number[8]}", "org_code")
        raise KeyProblem("organisation code check character does not match")
    if len(number) == 18 and _id_shaped(number) and "ric" in accept:
        raise KeyProblem(f"invalid ID number: {id_number_problem(number)}")
    if len(number) == 18 and "uscc" in accept:
        raise KeyProblem(f"invalid credit code: {credit_code_problem(number)}")
    raise KeyProblem(f"not a key of kind {', '.join(sorted(accept))}")


# -- plates and colours, passports ---------------------------------------------------------------

PLATE_COLOURS = {
    "1": "蓝",
    "2": "黄",
    "3": "黑",
    "4": "白",
    "5": "绿",
    "9": "其他",
    "91": "农黄",
    "92": "农绿",
    "93": "黄绿",
    "94": "渐变绿",
}
_COLOUR_NAMES = set(PLATE_COLOURS.values())
_PLATE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{4,6}[\u4e00-\u9fff]?$")


@step_cache(maxsize=100_000)
def normalize_plate(value: str) -> str:
    """`云A·D3101` → `云AD3101`; raises `KeyProblem` for a value that is no plate number."""
    plate = re.sub(r"[\s·•\.\-]", "", unicodedata.normalize("NFKC", value)).upper()
    if not _PLATE.match(plate):
        raise KeyProblem("not a plate number (province character, letter, 4–6 letters or digits)")
    return plate


@lru_cache(maxsize=1000)
def normalize_plate_colour(value: str) -> str:
    """JT/T 697.7 code or text (`2`, `黄色`, `黄`) → colour name (`黄`); `KeyProblem` otherwise.

    Vendors with other codes (1 = 黄) declare a code list in their source instead.
    """
    text = value.strip().translate(_FULL_WIDTH)
    if text in PLATE_COLOURS:
        return PLATE_COLOURS[text]
    name = text.removesuffix("色").removesuffix("牌")
    if name in _COLOUR_NAMES:
        return name
    raise KeyProblem(f"unknown plate colour {value!r}")


@step_cache(maxsize=100_000)
def normalize_passport(value: str) -> str:
    """Upper case, separators removed; 5–20 letters and digits, else `KeyProblem`."""
    number = compact(value)
    if not 5 <= len(number) <= 20 or not number.isascii():
        raise KeyProblem("not a passport number (5–20 letters and digits)")
    return number
