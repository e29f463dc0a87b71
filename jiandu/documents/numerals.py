"""Chinese and Arabic numerals in amounts, dates and rates (cn2an on matched spans only)."""

from __future__ import annotations

import re
from datetime import date

import cn2an

__all__ = [
    "ARABIC_NUMBER",
    "CN_SMALL_NUMBER",
    "calendar_date",
    "cn_small_int",
    "iso_date",
    "parse_amount",
    "parse_date",
    "parse_number",
]

_DIGIT = {
    "〇": 0, "○": 0, "零": 0, "O": 0, "Ο": 0, "０": 0, "0": 0, "o": 0, "О": 0,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "两": 2,
}  # fmt: skip
_CAPITAL = str.maketrans(
    "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億两兩", "一二二三三四五六六七八九十百千万亿二二"
)
# number patterns rates and amounts are written with (regular-expression source, no groups):
# 24 / 1.5, and 二 / 二点一 / 十五 in Chinese small numerals
ARABIC_NUMBER = r"\d+(?:\.\d+)?"
CN_SMALL_NUMBER = r"[零〇一二两三四五六七八九十]+(?:点[零〇一二三四五六七八九]+)?"
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_WS = re.compile(r"[\s\u3000,，]+")

ARABIC_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE_RE = re.compile(
    r"([〇○零OΟ０0一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"\s*([一二三四五六七八九十]{1,3}|[×XＸ]{1,2})\s*日"
)


def cn_small_int(s: str) -> int | None:
    """Parse 1..99 written in Chinese numerals (十, 十一, 二十, 二十三); None if invalid."""
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _DIGIT.get(head, -1) if head else 1
        ones = _DIGIT.get(tail, -1) if tail else 0
        if tens < 0 or ones < 0 or len(head) > 1 or len(tail) > 1:
            return None
        return tens * 10 + ones
    if len(s) == 1 and s in _DIGIT:
        return _DIGIT[s]
    return None


def calendar_date(y: int | str, m: int | str, d: int | str) -> date | None:
    """The date of year, month and day (ints or digit strings), or None when it is no calendar
    date (2019年2月30日) or a part is missing."""
    try:
        return date(int(y), int(m), int(d))
    except (TypeError, ValueError):
        return None


def iso_date(y: int, m: int, d: int) -> str | None:
    """ISO string for a valid calendar date, else None."""
    day = calendar_date(y, m, d)
    return day.isoformat() if day else None


def parse_date(surface: str) -> str | None:
    """ISO date from a surface form: 2018年9月17日 or 二〇一八年十一月二十日."""
    m = ARABIC_DATE_RE.search(surface)
    if m:
        return iso_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = CN_DATE_RE.search(surface)
    if m:
        digits = [_DIGIT.get(c) for c in m.group(1)]
        if any(d is None for d in digits):
            return None
        year = int("".join(str(d) for d in digits))
        month = cn_small_int(m.group(2))
        day = cn_small_int(m.group(3))
        if month is None or day is None:
            return None
        return iso_date(year, month, day)
    return None


def parse_number(s: str) -> float | None:
    """Number written in Arabic (1,000 / 3，000 / 204 416 / 5.5) or Chinese (叁拾万, 二点一)."""
    s = _WS.sub("", s.translate(_FULLWIDTH_DIGITS))
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    cn = s.translate(_CAPITAL)
    try:
        value = cn2an.cn2an(cn, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)


_AMOUNT_SURFACE_RE = re.compile(
    r"(?P<num>[0-9０-９][0-9０-９,，\s.．]*|[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億]+)"
    r"\s*(?P<unit>万元|万|元)?"
)


def parse_amount(surface: str) -> float | None:
    """Yuan value of an amount surface form: 50万元, 5.5万元, 3，000元, 伍万元整, 叁拾万."""
    s = surface.strip()
    for prefix in ("人民币", "￥", "¥"):
        if s.startswith(prefix):
            s = s[len(prefix) :].strip()
    if s.endswith("整"):
        s = s[:-1]
    m = _AMOUNT_SURFACE_RE.fullmatch(s)
    if not m:
        return None
    num = parse_number(m.group("num"))
    if num is None:
        return None
    if m.group("unit") in ("万元", "万"):
        num *= 10000
    return round(num, 2)
