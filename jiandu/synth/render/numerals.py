"""Dates and money as judgments write them: Chinese-numeral dates under the signature
(二〇一八年十月二十三日), Arabic dates in the text, amounts as 50000元, 5万元, 50,000元 or in
capitals (伍万元整), and the case acceptance fee of the 诉讼费用交纳办法."""

from __future__ import annotations

import datetime as dt

_DIGITS = "〇一二三四五六七八九"
_CAPS = "零壹贰叁肆伍陆柒捌玖"


def small_number_cn(n: int) -> str:
    """1..99 in Chinese numerals: 十, 十一, 二十三."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def date_cn(d: dt.date, zero: str = "〇") -> str:
    """二〇一八年十月二十三日 (``zero`` may be ○, as some courts type it)."""
    year = "".join(_DIGITS[int(c)] for c in str(d.year)).replace("〇", zero)
    return f"{year}年{small_number_cn(d.month)}月{small_number_cn(d.day)}日"


def date_ar(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _caps_under_10000(n: int) -> str:
    units = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
    out = []
    zero = False
    started = False
    for value, unit in units:
        digit = n // value % 10
        if digit == 0:
            if started:
                zero = True
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_CAPS[digit] + unit)
        started = True
    return "".join(out)


def amount_caps(yuan: int) -> str:
    """Capital numerals: 50000 -> 伍万元整, 707100 -> 柒拾万零柒仟壹佰元整."""
    if yuan == 0:
        return "零元整"
    parts = []
    yi, rest = divmod(yuan, 100_000_000)
    wan, ge = divmod(rest, 10_000)
    if yi:
        parts.append(_caps_under_10000(yi) + "亿")
    if wan:
        if yi and (wan < 1000 or yi % 10 == 0):
            parts.append("零")
        parts.append(_caps_under_10000(wan) + "万")
    if ge:
        if (yi or wan) and (ge < 1000 or (wan or yi) % 10 == 0):
            parts.append("零")
        parts.append(_caps_under_10000(ge))
    return "".join(parts) + "元整"


def amount_text(yuan: int, style: str) -> str:
    """``plain`` 50000元, ``wan`` 5万元 (only when exact), ``comma`` 50,000元,
    ``rmb`` 人民币50000元, ``decimal`` 50000.00元."""
    if style == "wan" and yuan % 10_000 == 0 and yuan >= 10_000:
        return f"{yuan // 10_000}万元"
    if style == "wan" and yuan % 1_000 == 0 and yuan >= 10_000:
        return f"{yuan / 10_000:g}万元"
    if style == "comma":
        return f"{yuan:,}元"
    if style == "rmb":
        return f"人民币{yuan}元"
    if style == "decimal":
        return f"{yuan}.00元"
    return f"{yuan}元"


def acceptance_fee(claim: float) -> int:
    """Case acceptance fee for a property claim (诉讼费用交纳办法 第十三条)."""
    bands = (
        (10_000, 0.0),
        (100_000, 0.025),
        (200_000, 0.02),
        (500_000, 0.015),
        (1_000_000, 0.01),
        (2_000_000, 0.009),
        (5_000_000, 0.008),
        (10_000_000, 0.007),
        (20_000_000, 0.006),
        (float("inf"), 0.005),
    )
    fee = 50.0
    lower = 10_000.0
    for upper, rate in bands[1:]:
        if claim <= lower:
            break
        fee += (min(claim, upper) - lower) * rate
        lower = upper
    return int(fee + 0.5)


def money(x: float) -> str:
    """A fee or half fee: 525 or 262.5 (no trailing .0)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")
