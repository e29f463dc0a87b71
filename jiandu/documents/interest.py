"""Interest phrases: 月息2分, 月利率1.5%, 年利率24%, 月利率为20‰, 日万分之二点一, 按日20‰, 20‰/月.

A rate with no period (利息20‰) is not extracted: the period is never guessed."""

from __future__ import annotations

import re

from ..documents.record import InterestRate
from .numerals import ARABIC_NUMBER, CN_SMALL_NUMBER, parse_number

__all__ = ["INTEREST_RE", "find_interest_rates"]

_NUM = ARABIC_NUMBER
_CN = CN_SMALL_NUMBER
INTEREST_RE = re.compile(
    # 日万分之二点一 / 按日万分之五 / 日利率万分之2.1
    rf"(?P<p1>日)(?:利率|利息|息)?(?:为|按)?万分之(?P<n1>{_NUM}|{_CN})"
    # 月息2分 / 月息二分 / 年息一分 / 月利率1.5% / 年利率24% / 月利率为20‰
    rf"|(?P<p2>[日月年])(?:利率|利息|息|利)(?:为|按|是|计|：|:)?(?:百分之)?[ ]?"
    rf"(?:(?P<n2>{_NUM})[ ]?(?P<u2>[%％‰]|分(?!之)|厘)|(?P<n3>{_CN})(?P<u3>分(?!之)|厘))"
    # 按日支付违约金20‰ / 按每月3％ / 每月利息200元 is not a rate
    rf"|(?:按|每)(?:每)?(?P<p4>[日月年])[^，。；,;\d]{{0,6}}?(?P<n4>{_NUM})[ ]?(?P<u4>[%％‰])"
)
# the period after the rate: 利息按20‰/月, 12％／年, 1.5%每月 (利息20‰ with no period is not a
# rate). Anchored on the unit, the number read backwards: a pattern starting at every digit
# would double the cost of the scan.
_SUFFIX_RE = re.compile(r"(?P<u>[%％‰])[ ]?(?:/|／|每)(?P<p>[日月年])")
_NUM_BEFORE_RE = re.compile(rf"(?<![\d.])(?P<n>{_NUM})[ ]?$")
_PERIODS = {"日": "day", "月": "month", "年": "year"}
_PER_YEAR = {"day": 365, "month": 12, "year": 1}


def _unit_factor(unit: str, period: str) -> float | None:
    if unit in ("%", "％"):
        return 0.01
    if unit == "‰":
        return 0.001
    if unit == "分":  # 月息2分 = 2% a month; 年息1分 = 10% a year; 日息 分 is not used
        return {"month": 0.01, "year": 0.1}.get(period)
    if unit == "厘":  # 月息1厘 = 0.1% a month; 年息1厘 = 1% a year
        return {"month": 0.001, "year": 0.01, "day": 0.0001}.get(period)
    return None


def find_interest_rates(text: str) -> list[tuple[InterestRate, int, int]]:
    """Interest rates with spans; ``rate`` is a fraction per period, ``annual_rate`` per year
    (day x 365, month x 12)."""
    out: list[tuple[InterestRate, int, int]] = []
    for m in INTEREST_RE.finditer(text):
        if m.group("p1"):
            period, num, factor = "day", m.group("n1"), 0.0001
        elif m.group("p2"):
            period = _PERIODS[m.group("p2")]
            num = m.group("n2") or m.group("n3")
            f = _unit_factor(m.group("u2") or m.group("u3"), period)
            if f is None:
                continue
            factor = f
        else:
            period, num = _PERIODS[m.group("p4")], m.group("n4")
            factor = 0.01 if m.group("u4") in ("%", "％") else 0.001
        _add(out, text, m.start(), m.end(), period, num, factor)
    if "/" in text or "／" in text or "每" in text:
        taken = [(s, e) for _, s, e in out]
        for m in _SUFFIX_RE.finditer(text):
            nm = _NUM_BEFORE_RE.search(text, max(0, m.start() - 16), m.start())
            if nm is None or any(s <= nm.start() < e for s, e in taken):
                continue
            factor = 0.01 if m.group("u") in ("%", "％") else 0.001
            _add(out, text, nm.start(), m.end(), _PERIODS[m.group("p")], nm.group("n"), factor)
        out.sort(key=lambda r: r[1])
    return out


def _add(out: list[tuple[InterestRate, int, int]], text: str, s: int, e: int, period: str,
         num: str, factor: float) -> None:
    value = parse_number(num)
    if value is None or value <= 0:
        return
    rate = round(value * factor, 10)
    annual = round(rate * _PER_YEAR[period], 10)
    out.append((InterestRate(text=text[s:e], period=period, rate=rate, annual_rate=annual), s, e))
