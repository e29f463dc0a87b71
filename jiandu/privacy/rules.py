"""The one definition of what counts as a personal number and which of its digits stay visible.

Everything that masks ID numbers and phone numbers (the Python masker in `jiandu.privacy.numbers`,
the SQL function ``jiandu_mask_text`` of `jiandu.privacy.sql` on DuckDB and Spark, and through
them the web, the API and governance drafts) reads these tables; nothing else defines a mask.

A *number* is a run of digit characters as people really write them: ASCII, full-width or any
other Unicode decimal digits, Chinese numerals read digit by digit (一三八…, 幺 for 1, 〇/零 for
0), with separators between the digits (spaces, hyphens and dashes, a line break with the next
line's indent; an area code in brackets before it) and any number of invisible characters
(zero-width spaces and joiners, word joiner, BOM, soft hyphen). An ID number may end in
x/X/ｘ/Ｘ. Each digit is one character, so a mask replaces exactly the digits it hides with
``*`` and keeps the length of the text.

The run's digits, read as ASCII, are matched against `RULES` in order; each rule says which
digits it hides (group ``hide``) and which stay (``head``, ``tail``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MASK = "*"

# Digit characters and their values: every Unicode decimal digit (ASCII, full-width ０-９,
# mathematical 𝟏𝟑𝟖, other scripts; all lie below U+20000), and Chinese numerals read digit by digit.
DIGIT_VALUES: dict[str, str] = {
    **{chr(c): str(unicodedata.decimal(chr(c))) for c in range(0x20000) if chr(c).isdecimal()},
    **dict(zip("〇零一二三四五六七八九", "00123456789", strict=True)),
    "幺": "1",
}
# The check character that may end an ID number (value X).
CHECK_X = "xXｘＸ"
# Invisible characters that may sit anywhere inside a number (any number of them).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Visible separators between two digits: spaces (also no-break and ideographic), tab, line
# breaks, hyphens and dashes. (A closing bracket is no separator: （2013）2012-3137号 is a case
# number; an area code in brackets, (010)62242828, is read as the start of a number instead.)
SEPARATORS = " \u00a0\u3000\t\r\n-－‐‑–—"
# At most this many visible separators between two digits of one number ("\r\n　　" is 4).
MAX_GAP = 4
# A trailing X is not a check character when a Latin letter follows it (an English word).
LATIN = "A-Za-zＡ-Ｚａ-ｚ"


@dataclass(frozen=True)
class NumberRule:
    """One kind of personal number: where it may occur and which of its digits are hidden.

    ``pattern`` runs over the ASCII digits of a number (X as ``X``) and has the groups ``head``
    (kept), ``hide`` (each digit becomes ``*``) and ``tail`` (kept). ``whole`` rules must match
    the whole number; the others are searched inside numbers of ``min_digits``..``max_digits``.
    """

    name: str
    label: str  # what a prosecutor reads (docs/security.md)
    pattern: str
    min_digits: int
    max_digits: int | None
    whole: bool
    example: str  # written → masked
    masked_example: str


RULES: tuple[NumberRule, ...] = (
    NumberRule(
        name="id_or_account",
        label="居民身份证号（18位、旧15位）及银行卡号等15位以上数字",
        pattern=r"(?P<head>.{6})(?P<hide>.+)(?P<tail>.{4})",
        min_digits=15,
        max_digits=None,
        whole=True,
        example="330602198001011234",
        masked_example="330602********1234",
    ),
    NumberRule(
        name="mobile_with_country_code",
        label="带国家代码86的手机号",
        pattern=r"(?P<head>861[3-9]\d)(?P<hide>\d{4})(?P<tail>\d{4})",
        min_digits=13,
        max_digits=14,
        whole=False,
        example="+86 138 1234 5678",
        masked_example="+86 138 **** 5678",
    ),
    NumberRule(
        name="mobile",
        label="手机号",
        pattern=r"(?P<head>1[3-9]\d)(?P<hide>\d{4})(?P<tail>\d{4})",
        min_digits=11,
        max_digits=14,
        whole=False,
        example="一三八一二三四五六七八",
        masked_example="一三八****五六七八",
    ),
    NumberRule(
        name="landline",
        label="带区号的固定电话",
        # area codes: 010 and 02x have three digits, all others four; local numbers 7-8 digits
        pattern=r"(?P<head>0(?:[12]\d|[3-9]\d\d))(?P<hide>\d{5,6})(?P<tail>\d\d)",
        min_digits=10,
        max_digits=14,
        whole=False,
        example="0575-88123456",
        masked_example="0575-******56",
    ),
)


@dataclass(frozen=True)
class DocumentRule:
    """One kind of travel document number: passports and the permits for Hong Kong, Macao and
    Taiwan. ``pattern`` must match the whole number, read as ASCII (letters upper case, digits as
    ASCII, separators and invisible characters dropped). A ``labelled`` rule (numbers of digits
    only) applies only after a word naming the document (`DOCUMENT_WORDS`); the others wherever
    the number stands on its own (no Latin letter or digit glued before or after it). A mask keeps
    the first `DOCUMENT_HEAD` and last `DOCUMENT_TAIL` characters and hides the rest."""

    name: str
    label: str  # what a prosecutor reads (docs/security.md)
    pattern: str
    labelled: bool
    example: str  # written → masked
    masked_example: str


DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    DocumentRule(
        name="passport",
        label="普通护照（E/G＋8位、E＋字母＋7位）及公务、外交、公务普通护照（S/D＋8位，SE/DE/PE＋7位，P＋7位）",
        pattern=r"[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[SD]\d{8}|[SDP]E\d{7}|P\d{7}",
        labelled=False,
        example="证件：普通护照 E12345678",
        masked_example="证件：普通护照 E1*****78",
    ),
    DocumentRule(
        name="hk_macao_permit",
        label="往来港澳通行证（C/W＋8位）",
        pattern=r"[CW]\d{8}",
        labelled=False,
        example="港澳通行证C12345678",
        masked_example="港澳通行证C1*****78",
    ),
    DocumentRule(
        name="taiwan_permit",
        label="往来台湾通行证（L＋8位）",
        pattern=r"L\d{8}",
        labelled=False,
        example="台湾通行证L12345678",
        masked_example="台湾通行证L1*****78",
    ),
    DocumentRule(
        name="home_return_permit",
        label="港澳居民来往内地通行证（回乡证，H/M＋8至10位）",
        pattern=r"[HM]\d{8,10}",
        labelled=False,
        example="回乡证H0123456789",
        masked_example="回乡证H0*******89",
    ),
    DocumentRule(
        name="labelled_document",
        label="注明证件种类的纯数字证件号：旧版护照（14/15＋7位）、台湾通行证与台胞证（8位）、旧版台胞证（10位，可带（字母））",
        pattern=r"1[45]\d{7}|\d{8}|\d{10}(?:[(（][A-Z][)）])?",
        labelled=True,
        example="台胞证号码：12345678",
        masked_example="台胞证号码：12****78",
    ),
)
DOCUMENT_HEAD = 2
DOCUMENT_TAIL = 2
# Words naming a travel document; a labelled rule's number follows one within `DOCUMENT_REACH`
# characters, with no digit and no 期 (有效期、签发日期: a date follows) between them.
DOCUMENT_WORDS = ("护照", "通行证", "台胞证", "回乡证", "旅行证")
DOCUMENT_REACH = 20

# Numbers with fewer digits are never personal (amounts, years, case numbers, local landlines).
MIN_DIGITS = min(r.min_digits for r in RULES)

_DIGIT_CLASS = "[" + "".join(re.escape(c) for c in DIGIT_VALUES) + "]"
_GAP = f"[{INVISIBLE}]*(?:[{re.escape(SEPARATORS)}][{INVISIBLE}]*){{0,{MAX_GAP}}}"
_ZERO = "[" + "".join(re.escape(c) for c, v in DIGIT_VALUES.items() if v == "0") + "]"
# An area code in brackets before the number: (010), （0575）.
_AREA = f"[(（][{INVISIBLE}]*{_ZERO}(?:[{INVISIBLE}]*{_DIGIT_CLASS}){{2,3}}[{INVISIBLE}]*[)）]{_GAP}"
# One number: digits with gaps between them, and an optional check character X at its end.
NUMBER = re.compile(
    f"(?:{_AREA})?{_DIGIT_CLASS}(?:{_GAP}{_DIGIT_CLASS})*(?:[{INVISIBLE}]*[{CHECK_X}](?![{LATIN}]))?"
)
# Case and document numbers are never masked, whatever digits they hold: （2023）浙0602民初1234号,
# ［2018］K37152300000020180605号 (a numbered scene-investigation report).
CASE_NUMBER = re.compile(
    r"[（(〔\[［](?:19|20)\d\d[）)〕\]］][\u4e00-\u9fffA-Za-z\d]{1,16}?\d{1,24}号"
    r"(?:之[一二三四五六七八九十\d]+)?"
)
# What may stand between two characters of one number, for `jiandu.privacy.documents` too.
GAP = _GAP
COMPILED: tuple[tuple[NumberRule, re.Pattern[str]], ...] = tuple((r, re.compile(r.pattern)) for r in RULES)


def is_date_list(groups: list[str]) -> bool:
    """Digit groups that are whole dates (2023-01-01—2023-12-31), never a personal number."""
    if len(groups) < 3 or len(groups) % 3:
        return False
    for i in range(0, len(groups), 3):
        year, month, day = groups[i : i + 3]
        if len(year) != 4 or not year.startswith(("19", "20")):
            return False
        if not (1 <= len(month) <= 2 and 1 <= len(day) <= 2):
            return False
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            return False
    return True
