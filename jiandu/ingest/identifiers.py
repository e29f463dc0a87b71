"""Chinese ID numbers (居民身份证号码) and unified social credit codes (统一社会信用代码).

Checksum and birth date are hard checks. The region code is only a hint: python-stdnum's
`ric.validate` also rejects numbers whose region code was not in use in the birth year,
although such numbers are issued in reality, so it is not used here.
"""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric, uscc


def id_number_problem(value: str) -> str | None:
    """None when ``value`` is a valid 18-digit ID number, else what is wrong with it."""
    number = value.strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "not 18 characters of digits (last may be X)"
    if ric.calc_check_digit(number) != number[17]:  # takes the full number, check digit included
        return "check digit does not match"
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth date in the number is not a date"
    if birth.year < 1880 or birth > dt.date.today():
        return "birth date in the number is out of range"
    return None


def credit_code_problem(value: str) -> str | None:
    """None when ``value`` is a valid unified social credit code, else what is wrong with it."""
    code = value.strip().upper()
    if len(code) != 18:
        return "not 18 characters"
    if not uscc.is_valid(code):
        return "check character does not match"
    return None


def identifier_problem(value: str) -> str | None:
    """Check an ID number or a credit code, whichever the value looks like."""
    number = value.strip().upper()
    if number[:17].isdigit() and id_number_problem(number) is None:
        return None
    if credit_code_problem(number) is None:
        return None
    if number[:17].isdigit():
        return f"invalid ID number: {id_number_problem(number)}"
    return f"invalid credit code: {credit_code_problem(number)}"
